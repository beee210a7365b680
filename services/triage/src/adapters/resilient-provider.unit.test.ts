import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import { describe, expect, it } from 'vitest';
import { doubleCharge } from '../../test/triage-inputs';
import type { TriageResult } from '../domain/types';
import { type TriageCallOptions, type TriageFailureReason, type TriageProvider, TriageProviderError } from '../ports/triage-provider';
import { exponentialBackoffMs, type FallbackMetrics, resilientTriageProvider } from './resilient-provider';

function resultFrom(provider: string): TriageResult {
  return {
    priority: 'high',
    category: 'billing',
    confidence: 0.8,
    priorityConfidence: 0.8,
    categoryConfidence: 0.8,
    priorityBasis: provider === 'local' ? 'learned' : 'llm',
    categoryBasis: provider === 'local' ? 'learned' : 'llm',
    estimatedResolutionHours: null,
    recommendedSteps: [],
    provider,
    model: `${provider}-model`,
    promptVersion: 'v1',
    neighbours: [],
  };
}

/** A remote provider whose answers are scripted per call: a failure reason, a result, or a call that hangs. */
function scripted(...script: (TriageFailureReason | 'ok' | 'hang' | 'bug')[]) {
  const calls: TriageCallOptions[] = [];
  const provider: TriageProvider = {
    name: 'bedrock',
    needsExamples: true,
    triage: (_input, options = {}) => {
      calls.push(options);
      const step = script[calls.length - 1] ?? 'ok';
      if (step === 'ok') return Promise.resolve(resultFrom('bedrock'));
      if (step === 'hang') return new Promise<never>(() => undefined);
      if (step === 'bug') return Promise.reject(new TypeError("Cannot read properties of undefined (reading 'content')"));
      return Promise.reject(new TriageProviderError(step, `scripted ${step}`));
    },
  };
  return { provider, calls };
}

const local: TriageProvider = { name: 'local', needsExamples: false, triage: () => Promise.resolve(resultFrom('local')) };

function setup(primary: TriageProvider, options: { retries?: number; timeoutMs?: number } = {}) {
  const logger = new RecordingLogger();
  const sleeps: number[] = [];
  const metricCalls: unknown[][] = [];
  const metrics: FallbackMetrics = {
    singleMetric: () => ({
      addDimension: (name, value) => metricCalls.push(['dimension', name, value]),
      addMetric: (name, unit, value) => metricCalls.push(['metric', name, unit, value]),
    }),
  };
  const provider = resilientTriageProvider(primary, local, {
    timeoutMs: options.timeoutMs ?? 1000,
    retries: options.retries ?? 2,
    logger,
    metrics,
    backoffMs: (retry) => retry * 100,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { provider, logger, sleeps, metricCalls };
}

describe('resilientTriageProvider', () => {
  it('answers with the primary provider when it succeeds, without retrying', async () => {
    const { provider: primary, calls } = scripted('ok');
    const { provider, logger } = setup(primary);

    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'bedrock' });
    expect(calls).toHaveLength(1);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toEqual([]);
    expect(provider).toMatchObject({ name: 'bedrock', needsExamples: true });
  });

  it.each(['throttled', 'unavailable', 'timeout', 'invalid-output'] as const)('retries a %s failure with backoff and then succeeds', async (reason) => {
    const { provider: primary, calls } = scripted(reason, reason, 'ok');
    const { provider, sleeps } = setup(primary, { retries: 2 });

    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'bedrock' });
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('stops after the configured retries and falls back to local, saying so in the result, a warning and a metric', async () => {
    const { provider: primary, calls } = scripted('invalid-output', 'invalid-output', 'invalid-output', 'ok');
    const { provider, logger, metricCalls } = setup(primary, { retries: 2 });

    const result = await provider.triage(doubleCharge);

    expect(result).toMatchObject({ provider: 'local', model: 'local-model' });
    expect(calls).toHaveLength(3);
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      message: 'triage provider bedrock failed; falling back to local',
      attributes: { provider: 'bedrock', fallback: 'local', reason: 'invalid-output', attempts: 3, ticketId: 'T-42' },
    });
    expect(metricCalls).toEqual([
      ['dimension', 'provider', 'bedrock'],
      ['dimension', 'reason', 'invalid-output'],
      ['metric', 'TriageProviderFallbacks', 'Count', 1],
    ]);
  });

  it.each(['rejected', 'failed'] as const)('falls back at once on a %s failure, which another attempt would not fix', async (reason) => {
    const { provider: primary, calls } = scripted(reason, 'ok');
    const { provider, logger, sleeps } = setup(primary);

    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'local' });
    expect(calls).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(logger.entries.find((entry) => entry.level === 'warn')?.attributes).toMatchObject({ reason, attempts: 1 });
  });

  it('treats an unexpected error (a provider bug) as not retryable and falls back', async () => {
    const { provider: primary, calls } = scripted('bug', 'ok');
    const { provider, logger } = setup(primary);

    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'local' });
    expect(calls).toHaveLength(1);
    expect(logger.entries.find((entry) => entry.level === 'warn')?.attributes).toMatchObject({ reason: 'failed' });
  });

  it('times out an attempt that never answers, aborts its signal, and falls back after the retries', async () => {
    const { provider: primary, calls } = scripted('hang', 'hang');
    const { provider, logger } = setup(primary, { retries: 1, timeoutMs: 30 });

    const started = Date.now();
    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'local' });

    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls).toHaveLength(2);
    expect(calls.every((call) => call.signal?.aborted)).toBe(true);
    expect(calls[0]!.signal!.reason).toMatchObject({ reason: 'timeout' });
    expect(logger.entries.find((entry) => entry.level === 'warn')?.attributes).toMatchObject({ reason: 'timeout', attempts: 2 });
  });

  it('with no retries configured makes exactly one attempt', async () => {
    const { provider: primary, calls } = scripted('throttled', 'ok');
    const { provider } = setup(primary, { retries: 0 });

    await expect(provider.triage(doubleCharge)).resolves.toMatchObject({ provider: 'local' });
    expect(calls).toHaveLength(1);
  });
});

describe('exponentialBackoffMs', () => {
  it('doubles the ceiling per retry, caps it at 2 s, and jitters below it', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => exponentialBackoffMs(retry, () => 1))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
    expect(exponentialBackoffMs(3, () => 0.5)).toBe(500);
    expect(exponentialBackoffMs(3, () => 0)).toBe(0);
  });
});
