import type { PutEventsCommandOutput, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { anEvent, validateEnvelopeShape } from '../testing/events';
import { RecordingLogger } from '../testing/recording-logger';
import type { EventEnvelope } from './envelope';
import { createEventPublisher, EventPublishError, InvalidEventError, type PutEventsClient } from './publisher';

type Reply = (eventIds: string[], call: number) => PutEventsCommandOutput | Error;

const idOf = (entry: PutEventsRequestEntry) => (JSON.parse(entry.Detail!) as EventEnvelope).id;

/** A PutEvents client that records each request's event ids and answers with `reply`. */
function fakeEventBridge(reply: Reply = accepted) {
  const requests: string[][] = [];
  const client: PutEventsClient = {
    send(command) {
      const eventIds = (command.input.Entries ?? []).map(idOf);
      requests.push(eventIds);
      const answer = reply(eventIds, requests.length);
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
  return { client, requests };
}

function accepted(eventIds: string[]): PutEventsCommandOutput {
  return { FailedEntryCount: 0, Entries: eventIds.map((id) => ({ EventId: `eb-${id}` })), $metadata: {} };
}

/** Fails the entries whose event ids `errorCodeOf` gives a code for. */
function partiallyFailed(eventIds: string[], errorCodeOf: (id: string) => string | undefined): PutEventsCommandOutput {
  const entries = eventIds.map((id) => {
    const code = errorCodeOf(id);
    return code ? { ErrorCode: code, ErrorMessage: `${code} for ${id}` } : { EventId: `eb-${id}` };
  });
  return { FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length, Entries: entries, $metadata: {} };
}

function publisherWith(client: PutEventsClient, logger = new RecordingLogger()) {
  return createEventPublisher({
    client,
    eventBusName: 'cogdesk',
    validate: validateEnvelopeShape,
    logger,
    maxAttempts: 3,
    baseDelayMs: 1,
  });
}

const events = (count: number) => Array.from({ length: count }, () => anEvent());

describe('createEventPublisher', () => {
  it('sends every event once, in order, at most 10 per request', async () => {
    const bus = fakeEventBridge();
    const batch = events(23);

    await publisherWith(bus.client).publish(batch);

    expect(bus.requests.map((ids) => ids.length)).toEqual([10, 10, 3]);
    expect(bus.requests.flat()).toEqual(batch.map((event) => event.id));
  });

  it('splits requests by size so none exceeds 256 KB', async () => {
    const bus = fakeEventBridge();
    const large = () => anEvent({ data: { description: 'x'.repeat(100_000) } });

    await publisherWith(bus.client).publish([large(), large(), large()]);

    expect(bus.requests.map((ids) => ids.length)).toEqual([2, 1]);
  });

  it('sends nothing when any event is invalid, naming it and its errors', async () => {
    const bus = fakeEventBridge();
    const invalid = { ...anEvent(), subject: '' };

    const publishing = publisherWith(bus.client).publish([anEvent(), invalid]);

    await expect(publishing).rejects.toThrow(InvalidEventError);
    await expect(publishing).rejects.toThrow(`${invalid.id} (subject: expected a non-empty string)`);
    expect(bus.requests).toEqual([]);
  });

  it('refuses an event larger than a PutEvents request can carry', async () => {
    const bus = fakeEventBridge();
    const huge = anEvent({ data: { description: 'x'.repeat(300_000) } });

    const publishing = publisherWith(bus.client).publish([huge]);

    await expect(publishing).rejects.toThrow(/bytes; EventBridge accepts at most 262144/);
    expect(bus.requests).toEqual([]);
  });

  it('re-sends only the entries EventBridge did not accept', async () => {
    const batch = events(4);
    const [, second, , fourth] = batch.map((event) => event.id);
    const bus = fakeEventBridge((ids, call) =>
      call === 1 ? partiallyFailed(ids, (id) => (id === second || id === fourth ? 'ThrottlingException' : undefined)) : accepted(ids),
    );

    await publisherWith(bus.client).publish(batch);

    expect(bus.requests).toEqual([batch.map((event) => event.id), [second, fourth]]);
  });

  it('retries thrown throttling errors with the whole request', async () => {
    const batch = events(2);
    const bus = fakeEventBridge((ids, call) =>
      call === 1 ? Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }) : accepted(ids),
    );

    await publisherWith(bus.client).publish(batch);

    expect(bus.requests).toHaveLength(2);
    expect(bus.requests[1]).toEqual(batch.map((event) => event.id));
  });

  it('throws EventPublishError naming each unpublished event after maxAttempts, having published the rest', async () => {
    const batch = events(3);
    const stuck = batch[1]!.id;
    const bus = fakeEventBridge((ids) => partiallyFailed(ids, (id) => (id === stuck ? 'InternalFailure' : undefined)));
    const logger = new RecordingLogger();

    const error = await publisherWith(bus.client, logger).publish(batch).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(EventPublishError);
    expect((error as EventPublishError).unpublished).toEqual([
      { eventId: stuck, errorCode: 'InternalFailure', errorMessage: `InternalFailure for ${stuck}` },
    ]);
    expect((error as EventPublishError).publishedEventIds).toEqual([batch[0]!.id, batch[2]!.id]);
    expect((error as Error).message).toContain(`${stuck} (InternalFailure)`);
    expect(bus.requests).toEqual([batch.map((event) => event.id), [stuck], [stuck]]);
    expect(logger.entries.filter((entry) => entry.level === 'warn')).toHaveLength(2);
  });

  it('does not retry an entry EventBridge calls non-retryable', async () => {
    const batch = events(2);
    const bus = fakeEventBridge((ids) => partiallyFailed(ids, (id) => (id === batch[0]!.id ? 'MalformedDetail' : undefined)));

    const error = await publisherWith(bus.client).publish(batch).catch((caught: unknown) => caught);

    expect((error as EventPublishError).unpublished.map((event) => event.errorCode)).toEqual(['MalformedDetail']);
    expect(bus.requests).toHaveLength(1);
  });

  it('does not retry a thrown error that will not go away', async () => {
    const bus = fakeEventBridge(() =>
      Object.assign(new Error('not allowed'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
    );

    const error = await publisherWith(bus.client).publish(events(1)).catch((caught: unknown) => caught);

    expect((error as EventPublishError).unpublished[0]?.errorCode).toBe('AccessDeniedException');
    expect(bus.requests).toHaveLength(1);
  });

  it('does not send later requests once one has failed, and reports their events as not attempted', async () => {
    const batch = events(12);
    const bus = fakeEventBridge((ids) => partiallyFailed(ids, (id) => (id === batch[0]!.id ? 'InvalidArgument' : undefined)));

    const error = (await publisherWith(bus.client).publish(batch).catch((caught: unknown) => caught)) as EventPublishError;

    expect(bus.requests).toHaveLength(1);
    expect(error.unpublished.map(({ eventId, errorCode }) => [eventId, errorCode])).toEqual([
      [batch[0]!.id, 'InvalidArgument'],
      [batch[10]!.id, 'NotAttempted'],
      [batch[11]!.id, 'NotAttempted'],
    ]);
  });

  it('treats a missing result entry as a failure rather than a success', async () => {
    const batch = events(2);
    const bus = fakeEventBridge((ids, call) =>
      call === 1 ? { FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }], $metadata: {} } : accepted(ids),
    );

    await publisherWith(bus.client).publish(batch);

    expect(bus.requests).toEqual([batch.map((event) => event.id), [batch[1]!.id]]);
  });

  it('sends nothing for no events', async () => {
    const bus = fakeEventBridge();

    await publisherWith(bus.client).publish([]);

    expect(bus.requests).toEqual([]);
  });
});
