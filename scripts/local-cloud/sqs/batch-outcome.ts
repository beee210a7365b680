import type { InvocationOutcome } from './lambda-invocation';

/** The messages of a batch to leave on the queue; `reason` is set when the whole batch failed. */
export interface BatchVerdict {
  retry: ReadonlySet<string>;
  reason?: string;
}

/**
 * Decides, as Lambda's SQS event source does, which messages of a batch failed. A resolved handler
 * succeeds for the whole batch unless ReportBatchItemFailures is on and it names failed items; a malformed
 * response, or an itemIdentifier that is empty or not in the batch, fails the whole batch.
 */
export function judgeBatch(
  outcome: InvocationOutcome,
  messageIds: readonly string[],
  reportBatchItemFailures: boolean,
): BatchVerdict {
  const wholeBatch = (reason: string): BatchVerdict => ({ retry: new Set(messageIds), reason });
  switch (outcome.kind) {
    case 'threw':
      return wholeBatch(`handler threw: ${describe(outcome.error)}`);
    case 'timedOut':
      return wholeBatch(`Task timed out after ${(outcome.timeoutMs / 1000).toFixed(2)} seconds`);
    case 'resolved':
      return reportBatchItemFailures ? judgeBatchResponse(outcome.response, messageIds, wholeBatch) : { retry: new Set() };
    default: {
      const _exhaustive: never = outcome;
      return _exhaustive;
    }
  }
}

function judgeBatchResponse(
  response: unknown,
  messageIds: readonly string[],
  wholeBatch: (reason: string) => BatchVerdict,
): BatchVerdict {
  if (response === undefined || response === null) return { retry: new Set() };
  if (typeof response !== 'object') return wholeBatch('invalid batch response: not an object');
  const failures: unknown = 'batchItemFailures' in response ? response.batchItemFailures : undefined;
  if (failures === undefined || failures === null) return { retry: new Set() };
  if (!Array.isArray(failures)) return wholeBatch('invalid batch response: batchItemFailures is not an array');

  const inBatch = new Set(messageIds);
  const retry = new Set<string>();
  for (const failure of failures as unknown[]) {
    const id = typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure ? failure.itemIdentifier : undefined;
    if (typeof id !== 'string' || !inBatch.has(id)) {
      return wholeBatch(`batchItemFailures names itemIdentifier ${JSON.stringify(id)}, which is not a message of this batch`);
    }
    retry.add(id);
  }
  return { retry };
}

const describe = (error: unknown): string => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));
