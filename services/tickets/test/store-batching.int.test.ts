/**
 * Requests in flight together share round trips: loads one `find`, creates one `insert`. Counted with the
 * driver's command monitoring, through the real driver.
 */
import { MongoClient, type CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../src/application/handle-command';
import { contextFor, create, person } from '../src/domain/decider-spec';
import { MongoTicketStore } from '../src/store/mongo-ticket-store';
import { ConcurrentChangeError, type TicketPage } from '../src/store/ticket-store';
import { startTestMongo, type TestMongo } from './test-mongo';

let mongo: TestMongo;
let client: MongoClient;
const commands: CommandStartedEvent[] = [];

beforeAll(async () => {
  mongo = await startTestMongo();
  client = new MongoClient(mongo.uri, { monitorCommands: true });
  client.on('commandStarted', (event) => commands.push(event));
});
afterAll(async () => {
  await client?.close();
  await mongo?.stop();
});

let databases = 0;
async function freshStore() {
  const db = client.db(`${mongo.db.databaseName}_${++databases}`);
  const store = new MongoTicketStore(db);
  await store.ensureIndexes();
  commands.length = 0;
  return { store, db };
}

const context = () => contextFor(person, '2025-03-01T10:00:00.000Z');
const named = (name: string) => commands.filter((event) => event.commandName === name);

describe('the ticket store under concurrent requests', () => {
  it('stores concurrent creates with one insert, and refuses only the one whose id is taken', async () => {
    const { store } = await freshStore();
    await handleCommand(store, create({ ticketId: 'T-taken', title: 'First' }), context());
    commands.length = 0;

    const outcomes = await Promise.allSettled(
      ['T-1', 'T-2', 'T-3', 'T-taken', 'T-4'].map((ticketId) => store.commit({ ticketId, expectedVersion: null, state: stateOf(ticketId), events: [] })),
    );

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrentChangeError);
    expect(named('insert')).toHaveLength(1);
    expect((await store.load('T-taken'))?.state.ticket.title).toBe('First');
    expect((await store.load('T-4'))?.state.ticket.title).toBe('T-4');
  });

  it('answers concurrent loads with one query, each with its own ticket (or none)', async () => {
    const { store } = await freshStore();
    for (const ticketId of ['L-1', 'L-2', 'L-3']) await handleCommand(store, create({ ticketId, title: `Title ${ticketId}` }), context());
    commands.length = 0;

    const loaded = await Promise.all(['L-3', 'missing', 'L-1', 'L-2', 'L-1'].map((id) => store.load(id)));

    expect(loaded.map((stored) => stored?.state.ticket.title ?? null)).toEqual(['Title L-3', null, 'Title L-1', 'Title L-2', 'Title L-1']);
    expect(named('find')).toHaveLength(1);
  });

  it('answers identical listings asked together with one query, and each other listing with its own', async () => {
    const { store } = await freshStore();
    for (const ticketId of ['Q-1', 'Q-2', 'Q-3']) await handleCommand(store, create({ ticketId, title: `Title ${ticketId}` }), context());
    commands.length = 0;
    const newest = { sort: '-createdAt', limit: 2 } as const;

    const pages = await Promise.allSettled([
      store.list(newest, { count: false }),
      store.list({ ...newest }, { count: false }),
      store.list({ ...newest, limit: 1 }, { count: false }),
      store.list({ ...newest, cursor: 'not-a-cursor' }, { count: false }),
      store.list(newest, { count: false }),
    ]);

    expect(pages.map((page) => page.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const ids = (index: number) => (pages[index] as PromiseFulfilledResult<TicketPage>).value.items.map((ticket) => ticket.id);
    expect([ids(0), ids(1), ids(4)]).toEqual([ids(0), ids(0), ids(0)]);
    expect(ids(2)).toEqual(ids(0).slice(0, 1));
    expect(named('find')).toHaveLength(2);
  });

  it('runs a listing asked after the query left as a query of its own, which sees what was written since', async () => {
    const { store } = await freshStore();
    const newest = { sort: '-createdAt', limit: 10 } as const;
    const before = store.list(newest, { count: false });
    await new Promise((resolve) => setImmediate(resolve));
    const written = handleCommand(store, create({ ticketId: 'W-1' }), context());
    await Promise.all([before, written]);
    const after = await store.list(newest, { count: false });

    expect(named('find')).toHaveLength(2);
    expect(after.items.map((ticket) => ticket.id)).toEqual(['W-1']);
  });

  it('never answers a load from memory: a change made elsewhere shows on the next load', async () => {
    const { store, db } = await freshStore();
    await handleCommand(store, create({ ticketId: 'C-1', title: 'Before' }), context());
    expect((await store.load('C-1'))?.state.ticket.title).toBe('Before');

    await db.collection<{ _id: string }>('tickets').updateOne({ _id: 'C-1' }, { $set: { title: 'After' } });

    expect((await store.load('C-1'))?.state.ticket.title).toBe('After');
  });

  it('creates without reading first: a new ticket costs one insert and no find', async () => {
    const { store } = await freshStore();
    await handleCommand(store, create({ ticketId: 'N-1' }), context());
    expect(named('find')).toHaveLength(0);
    expect(named('insert')).toHaveLength(1);
  });
});

function stateOf(title: string) {
  return {
    ticket: {
      id: title,
      title,
      description: '',
      status: 'open' as const,
      priority: null,
      category: null,
      tags: [],
      assignee: null,
      customer: null,
      createdAt: '2025-03-01T10:00:00.000Z',
      updatedAt: '2025-03-01T10:00:00.000Z',
      resolvedAt: null,
      version: 1,
      triage: null,
      duplicateOf: null,
      escalation: null,
    },
    deleted: false,
    setByPerson: { priority: false, category: false },
    statusBeforeDuplicate: null,
    notDuplicateOf: [],
  };
}
