import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicketsApp } from './test-app';
import { startTestMongo, type TestMongo } from './test-mongo';

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});

/** A PutEvents that does not answer until released. */
function holdPublishing(eventBridge: { hold: Promise<void> | undefined }): () => void {
  let release!: () => void;
  eventBridge.hold = new Promise((resolve) => (release = resolve));
  return () => {
    eventBridge.hold = undefined;
    release();
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('when a write publishes its events', () => {
  it('publishes before answering by default, as a Lambda container must before it is frozen', async () => {
    const api = await buildTicketsApp(mongo.db);
    const release = holdPublishing(api.eventBridge);
    let answered = false;
    const response = Promise.resolve(api.request('POST', '/api/tickets', { body: { title: 'Published first' } })).then((answer) => {
      answered = true;
      return answer;
    });
    await settle();
    expect(answered).toBe(false);

    release();
    expect((await response).status).toBe(201);
    expect(api.eventBridge.published.map((event) => event.type)).toEqual(['ticket.created']);
  });

  it('answers after the commit and publishes right after where the process outlives its responses', async () => {
    const api = await buildTicketsApp(mongo.db, { publishAfterResponse: true });
    const release = holdPublishing(api.eventBridge);
    const response = await api.request('POST', '/api/tickets', { body: { title: 'Answered first' } });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    expect(api.eventBridge.published).toEqual([]);
    // Committed with its events in the outbox: nothing is lost if the process died here.
    expect(await api.store.pendingOutbox(10)).toEqual([expect.objectContaining({ ticketId: id })]);

    release();
    await api.relay.settled();
    expect(api.eventBridge.published.map((event) => [event.type, event.subject])).toEqual([['ticket.created', id]]);
    expect(await api.store.pendingOutbox(10)).toEqual([]);
  });
});
