/**
 * Wraps a remote provider: each attempt gets a timeout, retryable failures (throttling, 5xx, network,
 * timeouts, invalid output) are retried a bounded number of times with jittered exponential backoff, and then
 * the fallback (the local model) answers, so a ticket is always triaged. The result says which provider
 * actually answered: a fallback result says `local`.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitName } from '@aws-lambda-powertools/metrics/types';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import type { TriageResult } from '../domain/types';
import { type TriageCallOptions, type TriageInput, type TriageProvider, TriageProviderError } from '../ports/triage-provider';

/** What the wrapper needs of Powertools `Metrics`: one metric flushed at once, with its own dimensions. */
export interface FallbackMetrics {
  singleMetric(): { addDimension(name: string, value: string): unknown; addMetric(name: string, unit: MetricUnitName, value: number): unknown };
}

export interface ResilienceOptions {
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Attempts after the first, for retryable failures only. */
  readonly retries: number;
  readonly logger: AppLogger;
  readonly metrics?: FallbackMetrics;
  /** Delay before retry `n` (1-based). Default: full jitter over 250 ms · 2^(n-1), at most 2 s. */
  readonly backoffMs?: (retry: number) => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export function exponentialBackoffMs(retry: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(2000, 250 * 2 ** (retry - 1)));
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function resilientTriageProvider(primary: TriageProvider, fallback: TriageProvider, options: ResilienceOptions): TriageProvider {
  const { timeoutMs, retries, logger, metrics, backoffMs = exponentialBackoffMs, sleep = sleepFor } = options;
  return {
    name: primary.name,
    needsExamples: primary.needsExamples || fallback.needsExamples,
    async triage(input: TriageInput): Promise<TriageResult> {
      let failure: TriageProviderError | undefined;
      let attempts = 0;
      while (attempts <= retries) {
        attempts++;
        try {
          return await attemptWithTimeout(primary, input, timeoutMs);
        } catch (error) {
          failure = asProviderError(error);
          if (!failure.retryable || attempts > retries) break;
          logger.info('triage provider attempt failed; retrying', { provider: primary.name, attempt: attempts, reason: failure.reason, error: failure.message });
          await sleep(backoffMs(attempts));
        }
      }
      const reason = failure?.reason ?? 'failed';
      logger.warn(`triage provider ${primary.name} failed; falling back to ${fallback.name}`, {
        provider: primary.name,
        fallback: fallback.name,
        reason,
        attempts,
        error: failure?.message,
        ticketId: input.ticket.id,
      });
      if (metrics) {
        const metric = metrics.singleMetric();
        metric.addDimension('provider', primary.name);
        metric.addDimension('reason', reason);
        metric.addMetric('TriageProviderFallbacks', MetricUnit.Count, 1);
      }
      return fallback.triage(input);
    },
  };
}

/** Races the call against the timeout and aborts it, so a provider that ignores the signal cannot hang us. */
async function attemptWithTimeout(provider: TriageProvider, input: TriageInput, timeoutMs: number): Promise<TriageResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new TriageProviderError('timeout', `${provider.name} gave no answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const call: TriageCallOptions = { signal: controller.signal };
  try {
    return await Promise.race([provider.triage(input, call), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function asProviderError(error: unknown): TriageProviderError {
  if (error instanceof TriageProviderError) return error;
  // A provider bug is not worth retrying; it still falls back.
  return new TriageProviderError('failed', error instanceof Error ? error.message : String(error), { cause: error });
}
