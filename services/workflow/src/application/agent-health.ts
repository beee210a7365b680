/**
 * How the chain's AI agents are doing (pure): invocations, errors, p95 latency, last success and error, and
 * the provider, from the Task attempts in recent executions' histories. `dedupe` is the FindDuplicates
 * state, `triage` the Triage state.
 *
 * Why histories and not CloudWatch: the same Step Functions API answers in AWS and locally, and the
 * window is exactly "the last N runs of the chain". In AWS, CloudWatch metrics (Lambda Invocations,
 * Errors, Duration p95 per function) could replace it later for longer windows at lower cost.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { causeMessage, taskAttemptsOf } from './execution-views';

export type AgentName = 'dedupe' | 'triage';
export type AgentStatus = 'healthy' | 'degraded' | 'failing' | 'idle';

export interface AgentDefinition {
  name: AgentName;
  /** The Task state that invokes the agent. */
  state: string;
  /** The provider a successful result names; the argument is undefined when there is none yet. */
  providerOf(output: unknown): string | null;
}

export const AGENTS: readonly AgentDefinition[] = [
  // The dedupe task's result names no provider yet; the local lexical index is the only one.
  { name: 'dedupe', state: 'FindDuplicates', providerOf: (output) => stringAt(output, ['provider']) ?? 'local-lexical' },
  // Triage results record the provider that answered (local, bedrock, openai, or a fallback).
  { name: 'triage', state: 'Triage', providerOf: (output) => (output === undefined ? null : stringAt(output, ['result', 'provider'])) },
];

/** One finished invocation of an agent. */
export interface AgentAttempt {
  agent: AgentName;
  startedAt: Date;
  endedAt: Date;
  ok: boolean;
  error?: string;
  /** The failure's message (never a stack trace). */
  cause?: string;
  /** Only on a success. */
  provider?: string | null;
}

export interface AgentHealth {
  name: AgentName;
  state: string;
  status: AgentStatus;
  /** Finished invocations in the window, retries included. */
  invocations: number;
  errors: number;
  /** errors / invocations over the window; null when idle. */
  errorRate: number | null;
  /** Nearest-rank 95th percentile of finished invocations' durations. */
  p95Ms: number | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: { error: string; cause: string | null } | null;
  provider: string | null;
}

/** Status looks at this many most recent invocations: any error there degrades, half or more is failing. */
export const RECENT_INVOCATIONS = 20;
export const FAILING_ERROR_RATE = 0.5;

/** The finished attempts of each agent's state in one execution's history. */
export function agentAttemptsOf(history: readonly HistoryEvent[], agents: readonly AgentDefinition[] = AGENTS): AgentAttempt[] {
  const byState = new Map(agents.map((agent) => [agent.state, agent]));
  return taskAttemptsOf(history).flatMap((attempt): AgentAttempt[] => {
    const agent = byState.get(attempt.state);
    if (!agent || attempt.outcome === 'running' || attempt.endedAt === null) return [];
    const base = { agent: agent.name, startedAt: attempt.startedAt, endedAt: attempt.endedAt };
    if (attempt.outcome === 'succeeded') return [{ ...base, ok: true, provider: agent.providerOf(attempt.output) }];
    return [
      {
        ...base,
        ok: false,
        ...(attempt.error !== undefined && { error: attempt.error }),
        ...(attempt.cause !== undefined && { cause: causeMessage(attempt.cause) }),
      },
    ];
  });
}

/** Each agent's health from the attempts of the executions in the window (any order). */
export function agentHealthOf(attempts: readonly AgentAttempt[], agents: readonly AgentDefinition[] = AGENTS): AgentHealth[] {
  return agents.map((agent): AgentHealth => {
    // Newest first: the order "recent", "last success" and "last error" are read in.
    const mine = attempts.filter((attempt) => attempt.agent === agent.name).sort((a, b) => b.endedAt.getTime() - a.endedAt.getTime());
    const failures = mine.filter((attempt) => !attempt.ok);
    const lastSuccess = mine.find((attempt) => attempt.ok);
    const lastFailure = failures[0];
    return {
      name: agent.name,
      state: agent.state,
      status: statusOf(mine.slice(0, RECENT_INVOCATIONS)),
      invocations: mine.length,
      errors: failures.length,
      errorRate: mine.length === 0 ? null : round(failures.length / mine.length, 4),
      p95Ms: percentile(
        mine.map((attempt) => attempt.endedAt.getTime() - attempt.startedAt.getTime()),
        95,
      ),
      lastSuccessAt: lastSuccess?.endedAt.toISOString() ?? null,
      lastErrorAt: lastFailure?.endedAt.toISOString() ?? null,
      lastError: lastFailure ? { error: lastFailure.error ?? 'States.TaskFailed', cause: lastFailure.cause ?? null } : null,
      provider: lastSuccess?.provider ?? agent.providerOf(undefined),
    };
  });
}

/** healthy | degraded (an error among the recent invocations) | failing (half or more failed) | idle (none). */
export function statusOf(recent: readonly Pick<AgentAttempt, 'ok'>[]): AgentStatus {
  if (recent.length === 0) return 'idle';
  const rate = recent.filter((attempt) => !attempt.ok).length / recent.length;
  if (rate >= FAILING_ERROR_RATE) return 'failing';
  return rate > 0 ? 'degraded' : 'healthy';
}

/**
 * The nearest-rank percentile (the smallest value with at least `p`% of values at or below it); null for none.
 *
 * @example
 *   percentile([10, 20, 30, 40], 95); // 40
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function stringAt(value: unknown, path: readonly string[]): string | null {
  let node = value;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return null;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === 'string' ? node : null;
}
