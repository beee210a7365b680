import type { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { validateEvent } from '@cogdesk/events-schema';
import { createEventPublisher } from '@cogdesk/shared/events/publisher';
import { RecordingLogger } from '@cogdesk/shared/testing/recording-logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxRelay } from '../src/outbox/outbox-relay';
import { buildTicketsApp, RecordingEventBridge } from './test-app';
import { startTestMongo, type TestMongo } from './test-mongo';

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});

/** Creates tickets with publishing down, so their events stay in the outbox. */
async function pendingTickets(api: Awaited<ReturnType<typeof buildTicketsApp>>, titles: string[]): Promise<string[]> {
  api.eventBridge.failNext = 1000;
  const ids: string[] = [];
  for (const title of titles) ids.push(((await (await api.request('POST', '/api/tickets', { body: { title } })).json()) as { id: string }).id);
  api.eventBridge.failNext = 0;
  return ids;
}

const pendingIds = async (api: Awaited<ReturnType<typeof buildTicketsApp>>, ids: string[]) =>
  (await api.store.pendingOutbox(1000)).map((entry) => entry.ticketId).filter((id) => ids.includes(id));

describe('the outbox relay', () => {
  it('publishes only the tickets it is asked to (its own commits), leaving the rest to their own processes', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [mine, theirs] = await pendingTickets(api, ['Mine', 'Theirs']);

    expect(await api.relay.flush([mine!])).toEqual({ published: 1, tickets: 1 });
    expect(api.eventBridge.published.map((event) => event.subject)).toEqual([mine]);
    expect(await pendingIds(api, [mine!, theirs!])).toEqual([theirs]);
  });

  it('shares one run between callers that arrive while one is in progress, and covers each of their tickets', async () => {
    const api = await buildTicketsApp(mongo.db);
    const ids = await pendingTickets(api, ['A', 'B', 'C']);
    let release!: () => void;
    api.eventBridge.hold = new Promise((resolve) => (release = resolve));

    const first = api.relay.flush([ids[0]!]);
    const [second, third] = [api.relay.flush([ids[1]!]), api.relay.flush([ids[2]!])];
    api.eventBridge.hold = undefined;
    release();
    await Promise.all([first, second, third]);

    expect(await second).toBe(await third);
    expect(new Set(api.eventBridge.published.map((event) => event.subject))).toEqual(new Set(ids));
    expect(await pendingIds(api, ids)).toEqual([]);
  });

  it('publishes many named tickets (an import) a batch of ids at a time', async () => {
    const api = await buildTicketsApp(mongo.db);
    const ids = await pendingTickets(api, ['1', '2', '3', '4', '5']);
    const eventBridge = new RecordingEventBridge();
    const relay = new OutboxRelay(api.store, createEventPublisher({ client: eventBridge, eventBusName: 'cogdesk-test', validate: validateEvent }), new RecordingLogger(), 2);

    expect(await relay.flush(ids)).toEqual({ published: 5, tickets: 5 });
    expect(eventBridge.published.map((event) => event.subject).sort()).toEqual([...ids].sort());
    expect(await pendingIds(api, ids)).toEqual([]);
  });

  it('publishes the batches of a large run side by side, not one after another', async () => {
    const api = await buildTicketsApp(mongo.db);
    const ids = await pendingTickets(api, ['1', '2', '3', '4', '5', '6']);
    const waiting: string[][] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const eventBridge = new RecordingEventBridge();
    const client = {
      async send(command: PutEventsCommand) {
        waiting.push(command.input.Entries!.map((entry) => (JSON.parse(entry.Detail!) as { subject: string }).subject));
        await released;
        return eventBridge.send(command);
      },
    };
    const relay = new OutboxRelay(api.store, createEventPublisher({ client, eventBusName: 'cogdesk-test', validate: validateEvent }), new RecordingLogger(), 2);

    const run = relay.flush(ids);
    // Three batches of two: all three are at EventBridge before any of them is answered.
    await vi.waitFor(() => expect(waiting.flat().sort()).toEqual([...ids].sort()));
    release();
    expect(await run).toEqual({ published: 6, tickets: 6 });
    expect(await pendingIds(api, ids)).toEqual([]);
  });

  it('publishes a few tickets in one PutEvents call, and a batch of more than ten events in full calls side by side', async () => {
    const api = await buildTicketsApp(mongo.db);
    const few = await pendingTickets(api, ['a', 'b', 'c', 'd', 'e', 'f']);
    const many = await pendingTickets(api, Array.from({ length: 25 }, (_, i) => `t${i}`));
    const calls: number[] = [];
    const eventBridge = new RecordingEventBridge();
    const client = {
      send: (command: PutEventsCommand) => {
        calls.push(command.input.Entries!.length);
        return eventBridge.send(command);
      },
    };
    const relay = new OutboxRelay(api.store, createEventPublisher({ client, eventBusName: 'cogdesk-test', validate: validateEvent }), new RecordingLogger());

    await relay.flush(few);
    expect(calls).toEqual([6]);
    calls.length = 0;
    await relay.flush(many);
    // Three groups (ceil(25 / 10)) of 9, 8 and 8 tickets, one call each.
    expect(calls.sort()).toEqual([8, 8, 9]);
    expect(await pendingIds(api, [...few, ...many])).toEqual([]);
  });

  it('publishes a batch in groups side by side; a group that fails stays pending, the others are marked', async () => {
    const api = await buildTicketsApp(mongo.db);
    const ids = await pendingTickets(api, Array.from({ length: 25 }, (_, i) => `ticket ${i}`));
    const unlucky = ids[2]!;
    const eventBridge = new RecordingEventBridge();
    const client = {
      send: (command: PutEventsCommand) =>
        command.input.Entries!.some((entry) => (JSON.parse(entry.Detail!) as { subject: string }).subject === unlucky)
          ? Promise.reject(Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' }))
          : eventBridge.send(command),
    };
    const relay = new OutboxRelay(api.store, createEventPublisher({ client, eventBusName: 'cogdesk-test', validate: validateEvent, maxAttempts: 1 }), new RecordingLogger());

    await expect(relay.flush(ids)).rejects.toThrow();
    const pending = await pendingIds(api, ids);
    expect(pending).toContain(unlucky);
    expect(pending.length).toBeLessThan(ids.length);
    expect(eventBridge.published.map((event) => event.subject).sort()).toEqual(ids.filter((id) => !pending.includes(id)).sort());
  });

  it('lets go at once of what a sweep failed to publish: the next sweep takes it', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [stuck] = await pendingTickets(api, ['EventBridge was down']);
    const down = { send: () => Promise.reject(Object.assign(new Error('AccessDenied'), { name: 'AccessDeniedException' })) };
    const failing = new OutboxRelay(api.store, createEventPublisher({ client: down, eventBusName: 'cogdesk-test', validate: validateEvent, maxAttempts: 1 }), new RecordingLogger());
    const cutoff = new Date(Date.now() + 60_000).toISOString();

    await expect(failing.sweep(cutoff)).rejects.toThrow();
    await api.relay.sweep(cutoff);

    expect(api.eventBridge.published.map((event) => event.subject)).toContain(stuck);
  });

  it('never lets sweeps running side by side (overlapping schedules) publish the same event twice', async () => {
    const api = await buildTicketsApp(mongo.db);
    const ids = await pendingTickets(api, Array.from({ length: 30 }, (_, n) => `Side by side ${n}`));
    const eventBridge = new RecordingEventBridge();
    const sweeper = () => new OutboxRelay(api.store, createEventPublisher({ client: eventBridge, eventBusName: 'cogdesk-test', validate: validateEvent }), new RecordingLogger(), 7);
    const cutoff = new Date(Date.now() + 60_000).toISOString();

    await Promise.all([sweeper().sweep(cutoff), sweeper().sweep(cutoff), sweeper().sweep(cutoff)]);

    const published = eventBridge.published.map((event) => event.id);
    expect(published).toHaveLength(new Set(published).size);
    expect(new Set(eventBridge.published.map((event) => event.subject).filter((id) => ids.includes(id)))).toEqual(new Set(ids));
    expect(await pendingIds(api, ids)).toEqual([]);
  });

  it('leaves to the next sweep what a crashed sweep held, once its claim lapses', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [held] = await pendingTickets(api, ['Held by a sweep that crashed']);
    const now = Date.now();
    await api.store.claimOutbox(10, { ticketIds: [held!] }, { token: 'crashed', now: new Date(now).toISOString(), until: new Date(now + 60_000).toISOString() });
    const later = new Date(now + 60_000).toISOString();

    await api.relay.sweep(later);
    expect(api.eventBridge.published.map((event) => event.subject)).not.toContain(held);

    await mongo.db.collection<{ _id: string }>('tickets').updateOne({ _id: held! }, { $set: { outboxClaimUntil: new Date(now - 1).toISOString() } });
    await api.relay.sweep(later);
    expect(api.eventBridge.published.map((event) => event.subject)).toContain(held);
    expect(await pendingIds(api, [held!])).toEqual([]);
  });

  it('publishes its own commit on a ticket a sweep holds once the sweep lets go', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [shared] = await pendingTickets(api, ['Committed in two processes']);
    const now = new Date().toISOString();
    await api.store.claimOutbox(10, { ticketIds: [shared!] }, { token: 'sweep', now, until: new Date(Date.now() + 60_000).toISOString() });

    const flushed = api.relay.flush([shared!]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(api.eventBridge.published).toEqual([]);
    await api.store.releaseOutbox([shared!], 'sweep');

    expect(await flushed).toEqual({ published: 1, tickets: 1 });
    expect(api.eventBridge.published.map((event) => event.subject)).toEqual([shared]);
  });

  it('keeps what was committed while a publish was in flight, and publishes it next', async () => {
    const api = await buildTicketsApp(mongo.db, { publishAfterResponse: true });
    const [id] = await pendingTickets(api, ['Changed mid-publish']);
    let release!: () => void;
    api.eventBridge.hold = new Promise((resolve) => (release = resolve));
    const first = api.relay.flush([id!]);
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect((await api.request('PATCH', `/api/tickets/${id}`, { body: { priority: 'high' } })).status).toBe(200);
    api.eventBridge.hold = undefined;
    release();
    await first;

    // The first run published only the create; the update, committed meanwhile, stayed for the next run.
    await api.relay.settled();
    expect(api.eventBridge.published.filter((event) => event.subject === id).map((event) => event.type)).toEqual(['ticket.created', 'ticket.updated']);
    expect(await pendingIds(api, [id!])).toEqual([]);
  });

  it('republishes after a crash between moving the events to the trail and emptying the outbox, keeping each event once', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [id] = await pendingTickets(api, ['Crashed while marking']);
    const [pending] = await api.store.pendingOutbox(1, { ticketIds: [id!] });
    // The first half of marking a publish: the events reached the trail, the outbox was never emptied.
    await mongo.db.collection('ticket_events').insertMany(pending!.events.map((event) => ({ _id: event.id, ticketId: id!, ticketVersion: event.data.ticket.version, event })) as never[]);

    expect(await api.relay.flush([id!])).toEqual({ published: 1, tickets: 1 });
    expect(await pendingIds(api, [id!])).toEqual([]);
    expect((await api.store.history(id!)).map((event) => event.type)).toEqual(['ticket.created']);
  });

  it('sweeps only what was committed before the cutoff', async () => {
    const api = await buildTicketsApp(mongo.db);
    const [old] = await pendingTickets(api, ['Left by a crash']);
    const cutoff = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [fresh] = await pendingTickets(api, ['Being published by its process']);

    await api.relay.sweep(cutoff);
    expect(api.eventBridge.published.map((event) => event.subject).filter((id) => id === old || id === fresh)).toEqual([old]);
    expect(await pendingIds(api, [old!, fresh!])).toEqual([fresh]);
  });
});
