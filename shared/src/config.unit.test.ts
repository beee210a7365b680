import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, envDurationMs, envFlag, envInteger, envPort, envUrl, loadConfig } from './config';

const schema = z.object({
  TICKETS_TABLE: z.string(),
  PORT: envPort().default(3000),
  API_URL: envUrl(),
  TRIAGE_ENABLED: envFlag().default(true),
  TRIAGE_TIMEOUT: envDurationMs().default(10_000),
  PAGE_SIZE: envInteger({ min: 1, max: 100 }).default(20),
  PROVIDER: z.enum(['local', 'bedrock', 'openai']).default('local'),
});

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('returns typed values, with defaults for unset variables', () => {
    const config = loadConfig(schema, { TICKETS_TABLE: 'tickets', API_URL: 'http://127.0.0.1:3000', PORT: '8080', OTHER: 'x' });

    expect(config).toEqual({
      TICKETS_TABLE: 'tickets',
      PORT: 8080,
      API_URL: 'http://127.0.0.1:3000',
      TRIAGE_ENABLED: true,
      TRIAGE_TIMEOUT: 10_000,
      PAGE_SIZE: 20,
      PROVIDER: 'local',
    });
  });

  it('lists every missing or invalid variable with what is expected', () => {
    const problems = problemsOf({ PORT: 'abc', API_URL: 'not a url', TRIAGE_ENABLED: 'maybe', PROVIDER: 'gpt' });

    expect(problems).toEqual([
      'TICKETS_TABLE: required',
      "PORT: expected a port number (0-65535), got 'abc'",
      "API_URL: expected an absolute URL, got 'not a url'",
      "TRIAGE_ENABLED: expected true or false, got 'maybe'",
      'PROVIDER: Invalid option: expected one of "local"|"bedrock"|"openai", got \'gpt\'',
    ]);
  });

  it('puts every problem in the error message', () => {
    expect(() => loadConfig(schema, { PORT: 'abc' })).toThrow(
      "Invalid configuration:\n  TICKETS_TABLE: required\n  PORT: expected a port number (0-65535), got 'abc'\n  API_URL: required",
    );
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf({ TICKETS_TABLE: '', API_URL: 'http://x' })).toEqual(['TICKETS_TABLE: required']);
    expect(loadConfig(schema, { TICKETS_TABLE: 't', API_URL: 'http://x', PORT: '' }).PORT).toBe(3000);
  });

  it('does not echo the value of a variable that may be a secret', () => {
    expect(() => loadConfig(z.object({ AUTH_SECRET: z.string().min(32) }), { AUTH_SECRET: 'hunter2' })).toThrow(
      'AUTH_SECRET: Too small: expected string to have >=32 characters, got a value that is not shown',
    );
  });
});

describe('config helpers', () => {
  const parse = <T>(schema: z.ZodType<T>, value: string) => schema.parse(value);

  it('reads integers within bounds', () => {
    expect(parse(envInteger(), '-7')).toBe(-7);
    expect(envInteger({ min: 1, max: 100 }).safeParse('0').error?.issues[0]?.message).toBe('expected an integer from 1 to 100');
    expect(envInteger().safeParse('1.5').success).toBe(false);
  });

  it('reads ports from 0 to 65535', () => {
    expect(parse(envPort(), '0')).toBe(0);
    expect(envPort().safeParse('65536').success).toBe(false);
  });

  it('reads flags in their usual spellings', () => {
    expect(['true', 'YES', '1', 'on'].map((value) => parse(envFlag(), value))).toEqual([true, true, true, true]);
    expect(['false', 'No', '0', 'off'].map((value) => parse(envFlag(), value))).toEqual([false, false, false, false]);
    expect(envFlag().safeParse('constructor').success).toBe(false);
  });

  it('reads durations into milliseconds', () => {
    expect(['250', '250ms', '30s', '1.5m', '2h', '1d'].map((value) => parse(envDurationMs(), value))).toEqual([
      250, 250, 30_000, 90_000, 7_200_000, 86_400_000,
    ]);
    expect(envDurationMs().safeParse('5 minutes').success).toBe(false);
  });
});
