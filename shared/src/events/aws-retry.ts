/**
 * Exponential backoff with full jitter (a random wait up to base·2^(attempt-1), capped), so that callers
 * throttled together do not retry together.
 *
 * @example
 *   await sleep(backoffDelayMs(attempt, 100)); // attempt 1: 0-100 ms, attempt 3: 0-400 ms
 */
export function backoffDelayMs(attempt: number, baseDelayMs: number, maxDelayMs = 20_000): number {
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const transientErrorNames = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalException',
  'InternalFailure',
  'InternalServerError',
  'ServiceUnavailable',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * Whether an error thrown by an AWS SDK call is worth retrying: throttling, a 5xx, or a network failure.
 * Anything else (validation, access denied) will fail the same way again.
 *
 * @example
 *   isTransientAwsError(Object.assign(new Error('slow down'), { name: 'ThrottlingException' })); // true
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, $metadata, $retryable } = error as Error & {
    code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const status = $metadata?.httpStatusCode ?? 0;
  return (
    transientErrorNames.has(error.name) ||
    (code !== undefined && transientNetworkCodes.has(code)) ||
    status === 429 ||
    status >= 500 ||
    $retryable !== undefined
  );
}
