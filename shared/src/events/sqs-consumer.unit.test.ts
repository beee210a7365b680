import { describe, expect, it } from 'vitest';
import { anEvent, eventBridgeEventOf, sqsEventOf, validateEnvelopeShape } from '../testing/events';
import { RecordingLogger } from '../testing/recording-logger';
import type { EventEnvelope } from './envelope';
import { InMemoryProcessedEventStore } from './processed-events';
import { createEventConsumer, type ConsumedEventContext, type EventConsumerOptions } from './sqs-consumer';

function consumerWith(options: Partial<EventConsumerOptions> = {}) {
  const handled: EventEnvelope[] = [];
  const logger = new RecordingLogger();
  const handler = createEventConsumer({
    validate: validateEnvelopeShape,
    logger,
    handle: (event) => {
      handled.push(event);
      return Promise.resolve();
    },
    ...options,
  });
  return { handler, handled, logger };
}

const batchOf = (...events: EventEnvelope[]) => sqsEventOf(events.map(eventBridgeEventOf));
const failing = (...messageIds: string[]) => ({ batchItemFailures: messageIds.map((itemIdentifier) => ({ itemIdentifier })) });

describe('createEventConsumer', () => {
  it('hands each event envelope to the handler and reports no failures', async () => {
    const { handler, handled } = consumerWith();
    const events = [anEvent(), anEvent()];

    const response = await handler(batchOf(...events));

    expect(response).toEqual(failing());
    expect(handled).toEqual(events);
  });

  it('handles an event delivered twice only once', async () => {
    const { handler, handled, logger } = consumerWith({ processedEvents: new InMemoryProcessedEventStore() });
    const event = anEvent();

    expect(await handler(batchOf(event))).toEqual(failing());
    expect(await handler(batchOf(event))).toEqual(failing());

    expect(handled).toEqual([event]);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({ message: 'Skipped an event already processed', attributes: expect.objectContaining({ eventId: event.id }) }),
    );
  });

  it('handles a duplicate within one batch only once', async () => {
    const { handler, handled } = consumerWith({ processedEvents: new InMemoryProcessedEventStore() });
    const event = anEvent();

    expect(await handler(batchOf(event, event))).toEqual(failing());
    expect(handled).toEqual([event]);
  });

  it('reports only the record whose handler failed and still handles the others', async () => {
    const events = Array.from({ length: 5 }, () => anEvent());
    const handled: string[] = [];
    const { handler, logger } = consumerWith({
      handle: (event) => {
        if (event.id === events[2]!.id) return Promise.reject(new Error('projection store unavailable'));
        handled.push(event.id);
        return Promise.resolve();
      },
    });

    const response = await handler(batchOf(...events));

    expect(response).toEqual(failing('msg-3'));
    expect(handled).toEqual([events[0]!.id, events[1]!.id, events[3]!.id, events[4]!.id]);
    const failure = logger.entries.find((entry) => entry.message === 'Event handler failed');
    expect(failure?.attributes).toMatchObject({
      eventId: events[2]!.id,
      correlationId: events[2]!.correlationId,
      causationId: null,
      messageId: 'msg-3',
      error: expect.objectContaining({ message: 'projection store unavailable' }),
    });
  });

  it('reports malformed JSON as a failure, logging the message id and the reason', async () => {
    const { handler, handled, logger } = consumerWith();
    const batch = sqsEventOf([eventBridgeEventOf(anEvent()), '{"detail": ', eventBridgeEventOf(anEvent())]);

    const response = await handler(batch);

    expect(response).toEqual(failing('msg-2'));
    expect(handled).toHaveLength(2);
    expect(logger.entries).toContainEqual({
      level: 'error',
      message: 'Rejected SQS message',
      attributes: expect.objectContaining({ messageId: 'msg-2', reason: expect.stringMatching(/^body is not JSON/) }),
    });
  });

  it('reports a body that is not an EventBridge event', async () => {
    const { handler, logger } = consumerWith();

    expect(await handler(sqsEventOf(['{"hello":"world"}']))).toEqual(failing('msg-1'));
    expect(logger.entries[0]?.attributes.reason).toBe('body is not an EventBridge event (no "detail")');
  });

  it('reports an event that breaks its schema, logging the schema errors', async () => {
    const { handler, handled, logger } = consumerWith();
    const invalid = { ...anEvent(), correlationId: 42 } as unknown as EventEnvelope;

    const response = await handler(batchOf(anEvent(), invalid));

    expect(response).toEqual(failing('msg-2'));
    expect(handled).toHaveLength(1);
    expect(logger.entries).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({
          messageId: 'msg-2',
          reason: 'event breaks its schema',
          errors: [{ path: 'correlationId', message: 'expected a non-empty string' }],
        }),
      }),
    );
  });

  it('fails the later records of a subject whose earlier record failed, keeping the subject in order', async () => {
    const first = anEvent({ subject: 't-1' });
    const second = anEvent({ subject: 't-1' });
    const other = anEvent({ subject: 't-2' });
    const handled: string[] = [];
    const { handler } = consumerWith({
      handle: (event) => {
        if (event.id === first.id) return Promise.reject(new Error('boom'));
        handled.push(event.id);
        return Promise.resolve();
      },
    });

    const response = await handler(batchOf(first, other, second));

    expect(response).toEqual(failing('msg-1', 'msg-3'));
    expect(handled).toEqual([other.id]);
  });

  it('leaves an event another worker is handling for redelivery', async () => {
    const processedEvents = new InMemoryProcessedEventStore();
    const event = anEvent();
    await processedEvents.claim(event.id);
    const { handler, handled } = consumerWith({ processedEvents });

    expect(await handler(batchOf(event))).toEqual(failing('msg-1'));
    expect(handled).toEqual([]);
  });

  it('releases the claim of a failed event so its redelivery is handled', async () => {
    const processedEvents = new InMemoryProcessedEventStore();
    const event = anEvent();
    let attempts = 0;
    const { handler } = consumerWith({
      processedEvents,
      handle: () => (++attempts === 1 ? Promise.reject(new Error('transient')) : Promise.resolve()),
    });

    expect(await handler(batchOf(event))).toEqual(failing('msg-1'));
    expect(await handler(batchOf(event))).toEqual(failing());
    expect(attempts).toBe(2);
  });

  it('gives the handler a logger carrying the event context, the message id and the receive count', async () => {
    const contexts: ConsumedEventContext[] = [];
    const { handler, logger } = consumerWith({
      handle: (_event, context) => {
        contexts.push(context);
        context.logger.info('Projected');
        return Promise.resolve();
      },
    });
    const event = anEvent({ causationId: 'e-0' });

    await handler(sqsEventOf([eventBridgeEventOf(event)], 3));

    expect(contexts[0]).toMatchObject({ messageId: 'msg-1', receiveCount: 3 });
    expect(logger.entries.find((entry) => entry.message === 'Projected')?.attributes).toEqual({
      eventId: event.id,
      eventType: 'ticket.created.v1',
      subject: event.subject,
      correlationId: event.correlationId,
      causationId: 'e-0',
      messageId: 'msg-1',
    });
  });

  it('handles different subjects concurrently up to the limit, one subject at a time', async () => {
    let running = 0;
    let mostRunning = 0;
    const order: string[] = [];
    const { handler } = consumerWith({
      concurrency: 2,
      handle: async (event) => {
        running++;
        mostRunning = Math.max(mostRunning, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(event.id);
        running--;
      },
    });
    const [a1, a2, b1, c1] = [anEvent({ subject: 'a' }), anEvent({ subject: 'a' }), anEvent({ subject: 'b' }), anEvent({ subject: 'c' })];

    expect(await handler(batchOf(a1, b1, a2, c1))).toEqual(failing());

    expect(mostRunning).toBe(2);
    expect(order.indexOf(a1.id)).toBeLessThan(order.indexOf(a2.id));
  });
});
