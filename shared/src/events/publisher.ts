import { PutEventsCommand, type PutEventsCommandOutput, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { createLogger, type AppLogger } from '../observability/logger';
import { backoffDelayMs, isTransientAwsError, sleep } from './aws-retry';
import type { EventEnvelope } from './envelope';
import { batchBySize, entrySizeBytes, MAX_REQUEST_BYTES, toPutEventsEntry } from './put-events-entries';
import { describeIssues, type ValidateEvent, type ValidationIssue } from './validate-event';

/** The one call the publisher makes; `EventBridgeClient` satisfies it. */
export interface PutEventsClient {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

export interface EventPublisherOptions {
  client: PutEventsClient;
  eventBusName: string;
  validate: ValidateEvent;
  logger?: AppLogger;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** Backoff base: attempt n waits a random time up to baseDelayMs·2^(n-1). */
  baseDelayMs?: number;
}

export interface EventPublisher {
  /** Resolves once EventBridge has accepted every event; otherwise throws `InvalidEventError` or `EventPublishError`. */
  publish(events: readonly EventEnvelope[]): Promise<void>;
}

/** Thrown before anything is sent when an event breaks its schema or cannot fit in a PutEvents request. */
export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';

  constructor(readonly invalidEvents: readonly { eventId: string; errors: ValidationIssue[] }[]) {
    const described = invalidEvents.map(({ eventId, errors }) => `${eventId} (${describeIssues(errors)})`);
    super(`Refused to publish invalid events: ${described.join(', ')}`);
  }
}

export interface UnpublishedEvent {
  eventId: string;
  /** EventBridge's entry ErrorCode, the thrown error's name, or `NotAttempted` for events after a failed request. */
  errorCode: string;
  errorMessage?: string;
}

/** Thrown when EventBridge did not accept every event; names each one it did not, and why. */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';

  constructor(
    readonly unpublished: readonly UnpublishedEvent[],
    readonly publishedEventIds: readonly string[],
  ) {
    const described = unpublished.map(({ eventId, errorCode }) => `${eventId} (${errorCode})`);
    super(`EventBridge did not accept ${unpublished.length} event(s): ${described.join(', ')}`);
  }
}

// EventBridge documents these entry errors as non-retryable; anything else is worth another attempt.
const permanentEntryErrorCodes = new Set([
  'AccessDeniedException',
  'InvalidAccountIdException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
]);

interface PreparedEntry {
  position: number;
  eventId: string;
  entry: PutEventsRequestEntry;
  sizeBytes: number;
}

interface EntryFailure extends UnpublishedEvent {
  item: PreparedEntry;
  retryable: boolean;
}

/**
 * Publishes event envelopes to EventBridge. It validates every event before sending any, batches by
 * PutEvents' limits (10 entries, 256 KB), retries only the entries EventBridge did not accept (and thrown
 * throttling/network errors) with jittered exponential backoff, and throws rather than drop an event.
 * Batches go out in order and the next one waits until the previous is fully accepted; when one fails
 * for good the later events are not sent (`NotAttempted`), so a retried call never overtakes itself.
 * A retried call may publish an event twice: consumers dedupe on the event id.
 *
 * @example
 *   const publisher = createEventPublisher({ client: new EventBridgeClient({}), eventBusName: 'cogdesk', validate });
 *   await publisher.publish([ticketCreated]);
 */
export function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const { client, eventBusName, validate, logger = createLogger(), maxAttempts = 5, baseDelayMs = 100 } = options;

  function prepare(events: readonly EventEnvelope[]): PreparedEntry[] {
    const invalid: { eventId: string; errors: ValidationIssue[] }[] = [];
    const prepared = events.map((event, position) => {
      const eventId = typeof event?.id === 'string' ? event.id : `#${position}`;
      const validation = validate(event);
      if (!validation.ok) {
        invalid.push({ eventId, errors: validation.errors });
        return null;
      }
      const entry = toPutEventsEntry(event, eventBusName);
      const sizeBytes = entrySizeBytes(entry);
      if (sizeBytes > MAX_REQUEST_BYTES) {
        const message = `entry is ${sizeBytes} bytes; EventBridge accepts at most ${MAX_REQUEST_BYTES}`;
        invalid.push({ eventId, errors: [{ path: '', message }] });
        return null;
      }
      return { position, eventId, entry, sizeBytes };
    });
    if (invalid.length > 0) throw new InvalidEventError(invalid);
    return prepared.filter((item) => item !== null);
  }

  async function putOnce(items: readonly PreparedEntry[]): Promise<EntryFailure[]> {
    try {
      const output = await client.send(new PutEventsCommand({ Entries: items.map((item) => item.entry) }));
      return items.flatMap((item, index): EntryFailure[] => {
        const result = output.Entries?.[index];
        // A missing result would be an EventBridge bug; retrying it is the only way not to lose the event.
        if (!result) return [{ item, eventId: item.eventId, errorCode: 'MissingResult', retryable: true }];
        if (!result.ErrorCode) return [];
        return [
          {
            item,
            eventId: item.eventId,
            errorCode: result.ErrorCode,
            errorMessage: result.ErrorMessage,
            retryable: !permanentEntryErrorCodes.has(result.ErrorCode),
          },
        ];
      });
    } catch (error) {
      const { name, message } = error instanceof Error ? error : new Error(String(error));
      const retryable = isTransientAwsError(error);
      return items.map((item) => ({ item, eventId: item.eventId, errorCode: name, errorMessage: message, retryable }));
    }
  }

  async function putWithRetries(
    batch: readonly PreparedEntry[],
  ): Promise<{ published: string[]; unpublished: UnpublishedEvent[] }> {
    const published: string[] = [];
    const unpublished: EntryFailure[] = [];
    let pending = batch;
    for (let attempt = 1; ; attempt++) {
      const failures = await putOnce(pending);
      const failed = new Set(failures.map((failure) => failure.item));
      published.push(...pending.filter((item) => !failed.has(item)).map((item) => item.eventId));
      unpublished.push(...failures.filter((failure) => !failure.retryable));
      const retryable = failures.filter((failure) => failure.retryable);
      if (retryable.length === 0) break;
      if (attempt >= maxAttempts) {
        unpublished.push(...retryable);
        break;
      }
      logger.warn('EventBridge did not accept some events; retrying them', {
        attempt,
        failures: retryable.map(({ eventId, errorCode }) => ({ eventId, errorCode })),
      });
      await sleep(backoffDelayMs(attempt, baseDelayMs));
      pending = retryable.map((failure) => failure.item);
    }
    const inOrder = unpublished.sort((a, b) => a.item.position - b.item.position);
    return { published, unpublished: inOrder.map(({ eventId, errorCode, errorMessage }) => ({ eventId, errorCode, errorMessage })) };
  }

  return {
    async publish(events) {
      const batches = batchBySize(prepare(events), (item) => item.sizeBytes);
      const publishedEventIds: string[] = [];
      for (const [index, batch] of batches.entries()) {
        const { published, unpublished } = await putWithRetries(batch);
        publishedEventIds.push(...published);
        if (unpublished.length > 0) {
          const notAttempted = batches
            .slice(index + 1)
            .flat()
            .map(({ eventId }) => ({ eventId, errorCode: 'NotAttempted', errorMessage: 'an earlier event of this call failed' }));
          throw new EventPublishError([...unpublished, ...notAttempted], publishedEventIds);
        }
      }
      logger.debug('Events published', { eventIds: publishedEventIds });
    },
  };
}
