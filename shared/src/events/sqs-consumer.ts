import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createLogger, eventLogKeys, type AppLogger } from '../observability/logger';
import type { EventEnvelope } from './envelope';
import type { ProcessedEventStore } from './processed-events';
import type { ValidateEvent, ValidationIssue } from './validate-event';

export interface ConsumedEventContext {
  /** Carries the event's id, type, subject, correlation and causation ids and the SQS message id. */
  logger: AppLogger;
  messageId: string;
  /** How many times SQS has delivered this message, 1 the first time. */
  receiveCount: number;
}

export type HandleEvent = (event: EventEnvelope, context: ConsumedEventContext) => Promise<void>;

export interface EventConsumerOptions {
  handle: HandleEvent;
  validate: ValidateEvent;
  /** When given, an event id already handled is skipped. */
  processedEvents?: ProcessedEventStore;
  logger?: AppLogger;
  /** How many subjects are handled at once; records of one subject are always handled one by one. */
  concurrency?: number;
}

/** A Lambda SQS handler with partial batch responses (`ReportBatchItemFailures`). */
export type SqsBatchHandler = (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse>;

type ParsedRecord =
  | { record: SQSRecord; event: EventEnvelope }
  | { record: SQSRecord; rejection: string; errors?: ValidationIssue[] };

/**
 * Turns an event handler into a Lambda handler for an SQS queue fed by an EventBridge rule.
 * Every record is handled even when others fail; the failed ones are reported in `batchItemFailures`
 * so SQS redelivers only those, and after the queue's maxReceiveCount moves them to its DLQ.
 * A record that is not JSON, not an EventBridge event, or whose event breaks its schema is reported
 * failed with an error log naming the message and the reason, never dropped. A record whose subject
 * had an earlier failure in the batch is failed too, so that redelivery keeps the subject's order.
 * The Lambda event source mapping must enable `ReportBatchItemFailures`.
 *
 * @example
 *   export const handler = createEventConsumer({
 *     validate,
 *     processedEvents: new DynamoDbProcessedEventStore({ client, tableName, consumerName: 'analytics' }),
 *     handle: async (event, { logger }) => { await project(event); logger.info('Projected'); },
 *   });
 */
export function createEventConsumer(options: EventConsumerOptions): SqsBatchHandler {
  const { handle, validate, processedEvents, logger = createLogger(), concurrency = 1 } = options;

  function parse(record: SQSRecord): ParsedRecord {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch (error) {
      return { record, rejection: `body is not JSON (${error instanceof Error ? error.message : String(error)})` };
    }
    if (typeof body !== 'object' || body === null || !('detail' in body)) {
      return { record, rejection: 'body is not an EventBridge event (no "detail")' };
    }
    const validation = validate(body.detail);
    if (!validation.ok) return { record, rejection: 'event breaks its schema', errors: validation.errors };
    return { record, event: body.detail as EventEnvelope };
  }

  /** Handles one event; true when it is done (handled now or before), false when SQS should redeliver it. */
  async function consume(event: EventEnvelope, record: SQSRecord): Promise<boolean> {
    const { messageId } = record;
    const log = logger.createChild({ persistentKeys: { ...eventLogKeys(event), messageId } });
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    try {
      const claim = (await processedEvents?.claim(event.id)) ?? 'claimed';
      if (claim === 'already-processed') {
        log.info('Skipped an event already processed');
        return true;
      }
      if (claim === 'in-progress') {
        log.warn('Event is being handled elsewhere; leaving it for redelivery', { receiveCount });
        return false;
      }
    } catch (error) {
      log.error('Could not claim the event', { error, receiveCount });
      return false;
    }
    try {
      await handle(event, { logger: log, messageId, receiveCount });
    } catch (error) {
      log.error('Event handler failed', { error, receiveCount });
      await processedEvents?.release(event.id).catch((releaseError: unknown) => {
        log.error('Could not release the claim; a redelivery waits until it expires', { error: releaseError });
      });
      return false;
    }
    // The effect has happened: reporting failure now would only repeat it, so a failed record-keeping is logged.
    await processedEvents?.complete(event.id).catch((error: unknown) => {
      log.error('Event handled but not recorded as processed; a redelivery may handle it again', { error });
    });
    return true;
  }

  return async (sqsEvent) => {
    const failed = new Set<string>();
    const bySubject = new Map<string, { event: EventEnvelope; record: SQSRecord }[]>();
    for (const parsed of sqsEvent.Records.map(parse)) {
      if ('rejection' in parsed) {
        const { messageId, attributes } = parsed.record;
        logger.error('Rejected SQS message', {
          messageId,
          reason: parsed.rejection,
          errors: parsed.errors,
          receiveCount: Number(attributes.ApproximateReceiveCount) || 1,
        });
        failed.add(messageId);
        continue;
      }
      const lane = bySubject.get(parsed.event.subject) ?? [];
      lane.push(parsed);
      bySubject.set(parsed.event.subject, lane);
    }

    await forEachConcurrently([...bySubject.values()], concurrency, async (lane) => {
      let earlierFailed = false;
      for (const { event, record } of lane) {
        if (earlierFailed) {
          logger.warn('Not handled: an earlier event of its subject failed in this batch', {
            ...eventLogKeys(event),
            messageId: record.messageId,
          });
          failed.add(record.messageId);
        } else if (!(await consume(event, record))) {
          earlierFailed = true;
          failed.add(record.messageId);
        }
      }
    });

    return {
      batchItemFailures: sqsEvent.Records.filter((record) => failed.has(record.messageId)).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  };
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
