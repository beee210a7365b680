import { z } from 'zod';

export type EnvironmentVariables = Readonly<Record<string, string | undefined>>;

/** Thrown by `loadConfig`; lists every missing or invalid variable at once, so one deploy fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Reads typed configuration from environment variables. An empty variable counts as unset, so defaults
 * apply to `FOO=` too.
 *
 * @example
 *   const config = loadConfig(z.object({
 *     TICKETS_TABLE: z.string(),
 *     PORT: envPort().default(3000),
 *     TRIAGE_TIMEOUT: envDurationMs().default(10_000),
 *   }));
 *   // throws ConfigError: "Invalid configuration:\n  TICKETS_TABLE: required\n  PORT: expected a port number (0-65535), got 'abc'"
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: EnvironmentVariables = process.env): z.output<S> {
  const setVariables = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(setVariables);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => describeProblem(issue, setVariables)));
}

// Invalid values are echoed to help fix them, except where they may be secrets that end up in logs.
const secretName = /SECRET|TOKEN|PASSWORD|KEY|CREDENTIAL/i;

function describeProblem(issue: z.core.$ZodIssue, env: EnvironmentVariables): string {
  const name = issue.path.map(String).join('.');
  if (name === '') return issue.message;
  const raw = env[String(issue.path[0])];
  if (raw === undefined) return `${name}: required`;
  const got = secretName.test(name) ? 'got a value that is not shown' : `got '${raw}'`;
  return `${name}: ${issue.message}, ${got}`;
}

/**
 * An integer variable, optionally bounded.
 *
 * @example
 *   envInteger({ min: 1, max: 100 }).default(20)
 */
export function envInteger(bounds: { min?: number; max?: number } = {}) {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  const bounded = bounds.min !== undefined || bounds.max !== undefined;
  return integerIn(min, max, bounded ? `expected an integer from ${min} to ${max}` : 'expected an integer');
}

/**
 * A TCP port; 0 lets the OS choose one.
 *
 * @example
 *   envPort().default(3000)
 */
export function envPort() {
  return integerIn(0, 65_535, 'expected a port number (0-65535)');
}

function integerIn(min: number, max: number, expected: string) {
  return z
    .string()
    .trim()
    .regex(/^-?\d+$/, expected)
    .transform(Number)
    .refine((value) => value >= min && value <= max, expected);
}

/**
 * An absolute URL, kept as a string.
 *
 * @example
 *   envUrl() // 'http://127.0.0.1:4566'
 */
export function envUrl() {
  return z.url({ error: 'expected an absolute URL' });
}

const flagValues = new Map([
  ['true', true], ['1', true], ['yes', true], ['on', true],
  ['false', false], ['0', false], ['no', false], ['off', false],
]);

/**
 * A boolean flag: true/false, 1/0, yes/no or on/off, any case.
 *
 * @example
 *   envFlag().default(false)
 */
export function envFlag() {
  return z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => flagValues.has(value), 'expected true or false')
    .transform((value) => flagValues.get(value) === true);
}

const durationUnitsMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration in milliseconds, written `250ms`, `30s`, `5m`, `2h`, `1d` or as a bare number of milliseconds.
 *
 * @example
 *   envDurationMs().default(60 * 60_000) // ESCALATION_AFTER=90m → 5_400_000
 */
export function envDurationMs() {
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?(ms|s|m|h|d)?$/, 'expected a duration such as 500ms, 30s, 5m, 2h or 1d')
    .transform((value) => {
      const unit = /[a-z]+$/.exec(value)?.[0] ?? 'ms';
      return Math.round(parseFloat(value) * durationUnitsMs[unit as keyof typeof durationUnitsMs]);
    });
}
