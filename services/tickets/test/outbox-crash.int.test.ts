import { spawn } from 'node:child_process';
import path from 'node:path';
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

function runToDeath(script: string, args: string[]): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (_code, signal) => resolve({ signal, output }));
  });
}

describe('the outbox', () => {
  it('publishes after a restart what a process committed and died before publishing', async () => {
    const ticketId = 'CRASH-1';
    const { signal, output } = await runToDeath(path.join(import.meta.dirname, 'fixtures/commit-then-die.ts'), [mongo.uri, mongo.db.databaseName, ticketId]);
    expect(signal, output).toBe('SIGKILL');
    expect(output).toContain('committed');

    // "After restart": a fresh process (here, a fresh app and relay) on the same database.
    const api = await buildTicketsApp(mongo.db);
    expect(api.eventBridge.published).toEqual([]);
    const run = await api.relay.flush();

    expect(run.published).toBe(1);
    expect(api.eventBridge.published).toEqual([expect.objectContaining({ type: 'ticket.created', subject: ticketId })]);
    const history = (await (await api.request('GET', `/api/tickets/${ticketId}/history`)).json()) as { items: { type: string }[] };
    expect(history.items.map((item) => item.type)).toEqual(['ticket.created']);
    expect((await api.relay.flush()).published).toBe(0);
  });

  it('keeps events in the outbox while publishing fails, and publishes them in order once it works', async () => {
    const api = await buildTicketsApp(mongo.db);
    api.eventBridge.failNext = 100;
    const response = await api.request('POST', '/api/tickets', { body: { title: 'First' } });
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    await api.request('PATCH', `/api/tickets/${id}`, { body: { status: 'in_progress' } });
    expect(api.eventBridge.published).toEqual([]);
    expect(await api.store.outboxLagMs(new Date(Date.now() + 1000))).toBeGreaterThan(0);

    api.eventBridge.failNext = 0;
    await api.relay.flush();
    expect(api.eventBridge.published.filter((event) => event.subject === id).map((event) => event.type)).toEqual(['ticket.created', 'ticket.status-changed']);
    expect(await api.store.outboxLagMs(new Date())).toBe(0);
  });

  it('marks a batch of tickets published in two writes, leaving pending what was committed after the publish', async () => {
    const api = await buildTicketsApp(mongo.db);
    api.eventBridge.failNext = 100;
    const ids: string[] = [];
    for (const title of ['One', 'Two', 'Three']) {
      ids.push(((await (await api.request('POST', '/api/tickets', { body: { title } })).json()) as { id: string }).id);
    }
    const published = (await api.store.pendingOutbox(100)).filter((entry) => ids.includes(entry.ticketId));
    expect(published).toHaveLength(3);
    await api.request('PATCH', `/api/tickets/${ids[1]}`, { body: { status: 'in_progress' } }); // after the publish

    await api.store.markPublished(published);

    const pending = (await api.store.pendingOutbox(100)).filter((entry) => ids.includes(entry.ticketId));
    expect(pending.map((entry) => [entry.ticketId, entry.events.map((event) => event.type)])).toEqual([[ids[1], ['ticket.status-changed']]]);
    for (const id of ids) {
      const history = (await (await api.request('GET', `/api/tickets/${id}/history`)).json()) as { items: { type: string }[] };
      expect(history.items[0]?.type).toBe('ticket.created');
    }
  });
});
