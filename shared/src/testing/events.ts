import { createHash, randomUUID } from 'node:crypto';
import type { EventBridgeEvent, SQSEvent } from 'aws-lambda';
import { detailTypeOf, type EventEnvelope } from '../events/envelope';
import type { ValidateEvent, ValidationIssue } from '../events/validate-event';

/**
 * A valid-looking `ticket.created` v1 envelope with a fresh id and subject; override what the test is about.
 *
 * @example
 *   const event = anEvent({ type: 'ticket.triaged', subject: 't-1', data: { priority: 'high' } });
 */
export function anEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  const id = randomUUID();
  return {
    id,
    type: 'ticket.created',
    version: 1,
    source: 'cogdesk.tickets',
    time: new Date().toISOString(),
    subject: `t-${id.slice(0, 8)}`,
    correlationId: randomUUID(),
    causationId: null,
    actor: { type: 'user', id: 'u-1' },
    data: {},
    ...overrides,
  };
}

/**
 * The event EventBridge delivers to a target for an envelope published by `createEventPublisher`.
 *
 * @example
 *   eventBridgeEventOf(anEvent())['detail-type']; // 'ticket.created.v1'
 */
export function eventBridgeEventOf(envelope: EventEnvelope): EventBridgeEvent<string, EventEnvelope> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': detailTypeOf(envelope),
    source: envelope.source,
    account: '000000000000',
    time: envelope.time,
    region: 'us-east-1',
    resources: [],
    detail: envelope,
  };
}

/**
 * An SQS batch as Lambda receives it, one record per item, with message ids `msg-1`, `msg-2`...
 * A string item is used as the raw body (e.g. to send malformed JSON).
 *
 * @example
 *   const batch = sqsEventOf([eventBridgeEventOf(anEvent()), '{not json']);
 *   await handler(batch); // { batchItemFailures: [{ itemIdentifier: 'msg-2' }] }
 */
export function sqsEventOf(items: readonly (EventBridgeEvent<string, unknown> | string)[], receiveCount = 1): SQSEvent {
  const now = String(Date.now());
  return {
    Records: items.map((item, index) => {
      const body = typeof item === 'string' ? item : JSON.stringify(item);
      return {
        messageId: `msg-${index + 1}`,
        receiptHandle: `receipt-${index + 1}`,
        body,
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: now,
          SenderId: 'AIDAEVENTBRIDGE',
          ApproximateFirstReceiveTimestamp: now,
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test-queue',
        awsRegion: 'us-east-1',
      };
    }),
  };
}

const stringFields = ['id', 'type', 'source', 'time', 'subject', 'correlationId'] as const;

/**
 * A `ValidateEvent` that checks only the envelope's shape, for tests of code that takes a validator
 * (the real one, from `@cogdesk/events-schema`, also checks `data` against the event's schema).
 *
 * @example
 *   createEventConsumer({ handle, validate: validateEnvelopeShape });
 */
export const validateEnvelopeShape: ValidateEvent = (event) => {
  if (typeof event !== 'object' || event === null) return { ok: false, errors: [{ path: '', message: 'expected an object' }] };
  const fields = event as Record<string, unknown>;
  const errors: ValidationIssue[] = [];
  for (const field of stringFields) {
    if (typeof fields[field] !== 'string' || fields[field] === '') errors.push({ path: field, message: 'expected a non-empty string' });
  }
  if (!Number.isInteger(fields.version)) errors.push({ path: 'version', message: 'expected an integer' });
  if (fields.causationId !== null && typeof fields.causationId !== 'string') {
    errors.push({ path: 'causationId', message: 'expected a string or null' });
  }
  if (typeof fields.actor !== 'object' || fields.actor === null) errors.push({ path: 'actor', message: 'expected an object' });
  if (!('data' in fields)) errors.push({ path: 'data', message: 'required' });
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
};
