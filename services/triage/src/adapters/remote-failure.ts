/** How remote providers turn HTTP and network failures into `TriageProviderError` reasons, the same way. */
import type { TriageFailureReason } from '../ports/triage-provider';

/** 429 is throttling; 408 and 5xx may pass later; any other status is the request's own fault. */
export function reasonForStatus(status: number): TriageFailureReason {
  if (status === 429) return 'throttled';
  if (status === 408 || status >= 500) return 'unavailable';
  return 'rejected';
}

// Connection failures worth another try; a name that does not resolve (ENOTFOUND) is configuration, not luck.
const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Whether `error` (or its cause) is a connection failure that may not happen again. */
export function isTransientNetworkError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && transientCodes.has(code)) return true;
  }
  return false;
}

/** Whether `error` is an abort or a client-side timeout. */
export function isTimeoutOrAbort(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}
