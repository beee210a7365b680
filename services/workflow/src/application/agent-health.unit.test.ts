import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { agentAttemptsOf, agentHealthOf, percentile, RECENT_INVOCATIONS, statusOf, type AgentAttempt } from './agent-health';

const T0 = Date.parse('2026-11-25T10:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);

function attempt(agent: AgentAttempt['agent'], endMs: number, durationMs: number, outcome: Partial<AgentAttempt> = { ok: true }): AgentAttempt {
  return { agent, startedAt: at(endMs - durationMs), endedAt: at(endMs), ok: true, ...outcome };
}

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([40, 10, 30, 20], 95)).toBe(40);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 95)).toBe(19);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([3, 1, 2], 50)).toBe(2);
  });

  it('is null without values', () => {
    expect(percentile([], 95)).toBeNull();
  });
});

describe('statusOf', () => {
  it('is idle without invocations, healthy without errors, degraded with some, failing with half or more', () => {
    expect(statusOf([])).toBe('idle');
    expect(statusOf([{ ok: true }, { ok: true }])).toBe('healthy');
    expect(statusOf([{ ok: true }, { ok: true }, { ok: false }])).toBe('degraded');
    expect(statusOf([{ ok: true }, { ok: false }])).toBe('failing');
  });
});

describe('agentHealthOf', () => {
  it('reports each agent: invocations, errors, p95, last success and error, provider', () => {
    const attempts = [
      attempt('dedupe', 100, 50),
      attempt('dedupe', 300, 70, { ok: false, error: 'TransientError', cause: 'index busy' }),
      attempt('dedupe', 500, 60),
      attempt('triage', 200, 900, { ok: true, provider: 'local' }),
      attempt('triage', 1200, 400, { ok: true, provider: 'bedrock' }),
    ];

    const [dedupe, triage] = agentHealthOf(attempts);

    expect(dedupe).toEqual({
      name: 'dedupe',
      state: 'FindDuplicates',
      status: 'degraded',
      invocations: 3,
      errors: 1,
      errorRate: 0.3333,
      p95Ms: 70,
      lastSuccessAt: at(500).toISOString(),
      lastErrorAt: at(300).toISOString(),
      lastError: { error: 'TransientError', cause: 'index busy' },
      provider: 'local-lexical',
    });
    expect(triage).toMatchObject({ name: 'triage', state: 'Triage', status: 'healthy', invocations: 2, errors: 0, p95Ms: 900, lastError: null, provider: 'bedrock' });
  });

  it('reads status from the recent invocations only: old errors no longer degrade a recovered agent', () => {
    const old = Array.from({ length: 5 }, (_, index) => attempt('triage', index, 1, { ok: false, error: 'Error' }));
    const recent = Array.from({ length: RECENT_INVOCATIONS }, (_, index) => attempt('triage', 1000 + index, 1));

    const [, triage] = agentHealthOf([...recent, ...old]);

    expect(triage).toMatchObject({ status: 'healthy', invocations: 25, errors: 5, errorRate: 0.2 });
  });

  it('shows an agent with no invocations in the window as idle, with its configured provider', () => {
    const [dedupe, triage] = agentHealthOf([]);

    expect(dedupe).toMatchObject({ status: 'idle', invocations: 0, errorRate: null, p95Ms: null, lastSuccessAt: null, provider: 'local-lexical' });
    expect(triage).toMatchObject({ status: 'idle', provider: null });
  });
});

describe('agentAttemptsOf', () => {
  const event = (id: number, ms: number, type: string, details: Partial<HistoryEvent> = {}): HistoryEvent => ({
    id,
    timestamp: at(ms),
    type: type as HistoryEvent['type'],
    ...details,
  });

  it("takes the agents' finished attempts, with the provider from triage's result and the failure message", () => {
    const history = [
      event(1, 0, 'ExecutionStarted'),
      event(2, 1, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'FindDuplicates' } }),
      event(3, 2, 'LambdaFunctionScheduled'),
      event(4, 30, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: '{"isDuplicate":false}' } }),
      event(5, 31, 'TaskStateExited', { stateExitedEventDetails: { name: 'FindDuplicates' } }),
      event(6, 32, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'Triage' } }),
      event(7, 33, 'LambdaFunctionScheduled'),
      event(8, 40, 'LambdaFunctionFailed', {
        lambdaFunctionFailedEventDetails: { error: 'Error', cause: JSON.stringify({ errorType: 'Error', errorMessage: 'model down', trace: ['at x'] }) },
      }),
      event(9, 1040, 'LambdaFunctionScheduled'),
      event(10, 1500, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: '{"contract":"triage.v1","result":{"provider":"openai"}}' } }),
      event(11, 1501, 'TaskStateExited', { stateExitedEventDetails: { name: 'Triage' } }),
      event(12, 1501, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'ReportTriaged' } }),
      event(13, 1502, 'LambdaFunctionScheduled'),
      event(14, 1510, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: '{}' } }),
      event(15, 1520, 'TaskStateEntered', { stateEnteredEventDetails: { name: 'FindDuplicates' } }),
      event(16, 1521, 'LambdaFunctionScheduled'),
    ];

    expect(agentAttemptsOf(history)).toEqual([
      { agent: 'dedupe', startedAt: at(2), endedAt: at(30), ok: true, provider: 'local-lexical' },
      { agent: 'triage', startedAt: at(33), endedAt: at(40), ok: false, error: 'Error', cause: 'model down' },
      { agent: 'triage', startedAt: at(1040), endedAt: at(1500), ok: true, provider: 'openai' },
    ]);
  });
});
