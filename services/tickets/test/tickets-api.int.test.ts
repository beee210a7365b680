import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTicketsApp } from './test-app';
import { startTestMongo, type TestMongo } from './test-mongo';

type Api = Awaited<ReturnType<typeof buildTicketsApp>>;

let mongo: TestMongo;
let api: Api;

beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});
beforeEach(async () => {
  await mongo.db.dropDatabase();
  api = await buildTicketsApp(mongo.db);
});

async function create(body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const response = await api.request('POST', '/api/tickets', { body: { title: 'Login fails', description: 'SSO loops back', ...body }, headers });
  expect(response.status, await response.clone().text()).toBe(201);
  return { response, ticket: (await response.json()) as { id: string; version: number; [key: string]: unknown } };
}

describe('POST /api/tickets', () => {
  it('creates a ticket, answers 201 with Location and ETag, and publishes ticket.created', async () => {
    const { response, ticket } = await create({ priority: 'high', tags: ['sso'], customer: { email: 'ana@example.com' } });
    expect(response.headers.get('location')).toBe(`/api/tickets/${ticket.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(ticket).toMatchObject({
      title: 'Login fails',
      status: 'open',
      priority: 'high',
      tags: ['sso'],
      version: 1,
      triage: { status: 'pending' },
      duplicateOf: null,
    });
    expect(api.eventBridge.published).toEqual([expect.objectContaining({ type: 'ticket.created', subject: ticket.id, actor: { type: 'user', id: 'grace' } })]);
  });

  it('returns the same ticket for a retried Idempotency-Key, and 422 for the key with another body', async () => {
    const first = await create({}, { 'idempotency-key': 'k-1' });
    const again = await create({}, { 'idempotency-key': 'k-1' });
    expect(again.ticket.id).toBe(first.ticket.id);
    const other = await api.request('POST', '/api/tickets', { body: { title: 'Something else' }, headers: { 'idempotency-key': 'k-1' } });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(await mongo.db.collection('tickets').countDocuments()).toBe(1);
  });
});

describe('reading and listing', () => {
  it('reads a ticket with its ETag; 404 problem for an unknown one', async () => {
    const { ticket } = await create();
    const read = await api.request('GET', `/api/tickets/${ticket.id}`, { role: 'viewer' });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    const missing = await api.request('GET', '/api/tickets/nope', { role: 'viewer' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });

  it('filters, sorts and pages with a cursor, and counts on request', async () => {
    for (const [index, priority] of (['low', 'critical', 'medium', 'high', 'critical'] as const).entries()) {
      await create({ title: `ticket ${index}`, priority, tags: index % 2 ? ['vip'] : [] });
    }
    const page1 = (await (await api.request('GET', '/api/tickets?sort=priority&limit=2&count=true', { role: 'viewer' })).json()) as {
      items: { priority: string; title: string }[];
      nextCursor: string;
      total: number;
    };
    expect(page1.items.map((t) => t.priority)).toEqual(['critical', 'critical']);
    expect(page1.total).toBe(5);
    const page2 = (await (await api.request('GET', `/api/tickets?sort=priority&limit=2&cursor=${page1.nextCursor}`, { role: 'viewer' })).json()) as {
      items: { priority: string }[];
      nextCursor: string | null;
    };
    expect(page2.items.map((t) => t.priority)).toEqual(['high', 'medium']);
    const page3 = (await (await api.request('GET', `/api/tickets?sort=priority&limit=2&cursor=${page2.nextCursor}`, { role: 'viewer' })).json()) as {
      items: { priority: string }[];
      nextCursor: string | null;
    };
    expect(page3.items.map((t) => t.priority)).toEqual(['low']);
    expect(page3.nextCursor).toBeNull();

    const vip = (await (await api.request('GET', '/api/tickets?tag=vip&sort=createdAt', { role: 'viewer' })).json()) as { items: { title: string }[] };
    expect(vip.items.map((t) => t.title)).toEqual(['ticket 1', 'ticket 3']);
    const search = (await (await api.request('GET', '/api/tickets?q=TICKET%204', { role: 'viewer' })).json()) as { items: { title: string }[] };
    expect(search.items.map((t) => t.title)).toEqual(['ticket 4']);
  });

  it('refuses a cursor that belongs to another sort', async () => {
    await create();
    await create();
    const { nextCursor } = (await (await api.request('GET', '/api/tickets?limit=1', { role: 'viewer' })).json()) as { nextCursor: string };
    const response = await api.request('GET', `/api/tickets?limit=1&sort=updatedAt&cursor=${nextCursor}`, { role: 'viewer' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ path: 'query.cursor' }] });
  });
});

describe('updating', () => {
  it('applies a PATCH with a current If-Match and refuses a stale one with 412', async () => {
    const { ticket } = await create();
    const patched = await api.request('PATCH', `/api/tickets/${ticket.id}`, { body: { status: 'in_progress', assignee: 'grace' }, headers: { 'if-match': '"1"' } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ status: 'in_progress', assignee: 'grace', version: 3 });
    expect(patched.headers.get('etag')).toBe('"3"');
    const stale = await api.request('PATCH', `/api/tickets/${ticket.id}`, { body: { title: 'Late' }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
  });

  it('lets exactly one of 20 concurrent PATCHes with the same If-Match win', async () => {
    const { ticket } = await create();
    const responses = await Promise.all(
      Array.from({ length: 20 }, async (_, index) =>
        api.request('PATCH', `/api/tickets/${ticket.id}`, { body: { title: `Title ${index}` }, headers: { 'if-match': '"1"' } }),
      ),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(19);
  });

  it('replaces the editable fields with PUT, clearing those left out', async () => {
    const { ticket } = await create({ priority: 'high', tags: ['a'], assignee: 'grace' });
    const put = await api.request('PUT', `/api/tickets/${ticket.id}`, { body: { title: 'New', description: 'd', status: 'open' } });
    expect(await put.json()).toMatchObject({ title: 'New', priority: null, tags: [], assignee: null });
  });

  it('refuses an invalid status move with 409 and changes nothing', async () => {
    const { ticket } = await create();
    await api.request('PATCH', `/api/tickets/${ticket.id}`, { body: { status: 'closed' } });
    const response = await api.request('PATCH', `/api/tickets/${ticket.id}`, { body: { status: 'waiting' } });
    expect(response.status).toBe(409);
    expect((await (await api.request('GET', `/api/tickets/${ticket.id}`)).json()) as object).toMatchObject({ status: 'closed' });
  });
});

describe('deleting, history and duplicates', () => {
  it('deletes: gone from reads and lists, history kept', async () => {
    const { ticket } = await create();
    expect((await api.request('DELETE', `/api/tickets/${ticket.id}`)).status).toBe(204);
    expect((await api.request('GET', `/api/tickets/${ticket.id}`)).status).toBe(404);
    expect(((await (await api.request('GET', '/api/tickets')).json()) as { items: unknown[] }).items).toEqual([]);
    const history = (await (await api.request('GET', `/api/tickets/${ticket.id}/history`)).json()) as { items: { type: string }[] };
    expect(history.items.map((item) => item.type)).toEqual(['ticket.created', 'ticket.deleted']);
    expect((await api.request('DELETE', `/api/tickets/${ticket.id}`)).status).toBe(404);
  });

  it('closes as a duplicate by hand and undoes it, all in the audit trail', async () => {
    const original = (await create({ title: 'Printer on fire' })).ticket;
    const copy = (await create({ title: 'Printer burning' })).ticket;
    const closed = await api.request('POST', `/api/tickets/${copy.id}/duplicate-of/${original.id}`);
    expect(await closed.json()).toMatchObject({ status: 'closed', duplicateOf: original.id });
    const reopened = await api.request('DELETE', `/api/tickets/${copy.id}/duplicate-of`);
    expect(await reopened.json()).toMatchObject({ status: 'open', duplicateOf: null });
    const history = (await (await api.request('GET', `/api/tickets/${copy.id}/history`)).json()) as { items: { type: string; actor: { id: string } }[] };
    expect(history.items.map((item) => item.type)).toEqual([
      'ticket.created',
      'ticket.updated',
      'ticket.status-changed',
      'ticket.updated',
      'ticket.status-changed',
    ]);
    expect(history.items.every((item) => item.actor.id === 'grace')).toBe(true);
    const self = await api.request('POST', `/api/tickets/${copy.id}/duplicate-of/${copy.id}`);
    expect(self.status).toBe(422);
    const ghost = await api.request('POST', `/api/tickets/${copy.id}/duplicate-of/ghost`);
    expect(ghost.status).toBe(422);
  });
});

describe('import', () => {
  it('imports NDJSON, reporting created / skipped / failed with errors by line', async () => {
    const lines = [
      { id: 'HIST-1', title: 'Old outage', status: 'resolved', priority: 'critical', category: 'infra', createdAt: '2025-01-01T00:00:00Z', resolvedAt: '2025-01-01T05:00:00Z' },
      { id: 'HIST-2', title: '', createdAt: '2025-01-02T00:00:00Z' },
      'not json',
      { id: 'HIST-1', title: 'Again', createdAt: '2025-01-03T00:00:00Z' },
    ].map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
    const response = await api.request('POST', '/api/tickets/import', { raw: lines.join('\n'), role: 'admin', headers: { 'content-type': 'application/x-ndjson' } });
    expect(response.status, await response.clone().text()).toBe(200);
    const report = (await response.json()) as { created: number; skipped: number; failed: number; errors: { line: number }[] };
    expect(report).toMatchObject({ created: 1, skipped: 1, failed: 2 });
    expect(report.errors.map((error) => error.line)).toEqual([2, 3]);
    const imported = (await (await api.request('GET', '/api/tickets/HIST-1')).json()) as Record<string, unknown>;
    expect(imported).toMatchObject({ status: 'resolved', priority: 'critical', category: 'infra', triage: null, createdAt: '2025-01-01T00:00:00Z' });
    // The id's repeat on line 4 does not keep the ticket from line 1 out of the import's own publish.
    expect(api.eventBridge.published.map((event) => [event.type, event.subject])).toEqual([['ticket.created', 'HIST-1']]);

    // Re-running an import skips what is already there and changes nothing of it.
    const rerun = [{ id: 'HIST-1', title: 'Rewritten', createdAt: '2025-01-01T00:00:00Z' }, { id: 'HIST-3', title: 'New', createdAt: '2025-01-04T00:00:00Z' }];
    const again = (await (await api.request('POST', '/api/tickets/import', { body: rerun, role: 'admin' })).json()) as Record<string, unknown>;
    expect(again).toMatchObject({ created: 1, skipped: 1, failed: 0 });
    expect(await (await api.request('GET', '/api/tickets/HIST-1')).json()).toMatchObject({ title: 'Old outage', version: 1 });
  });

  it('imports a JSON array and needs the admin role', async () => {
    const body = [{ title: 'A', createdAt: '2025-01-01T00:00:00Z' }];
    expect((await api.request('POST', '/api/tickets/import', { body, role: 'agent' })).status).toBe(403);
    const report = (await (await api.request('POST', '/api/tickets/import', { body, role: 'admin' })).json()) as { created: number };
    expect(report.created).toBe(1);
  });
});

describe('the API document', () => {
  it('describes every tickets route', () => {
    const document = api.app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'Cogdesk', version: '1' } });
    expect(Object.keys(document.paths ?? {}).sort()).toEqual([
      '/api/tickets',
      '/api/tickets/import',
      '/api/tickets/{id}',
      '/api/tickets/{id}/duplicate-of',
      '/api/tickets/{id}/duplicate-of/{otherId}',
      '/api/tickets/{id}/history',
    ]);
  });
});
