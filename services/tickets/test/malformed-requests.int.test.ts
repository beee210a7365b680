import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicketsApp } from './test-app';
import { startTestMongo, type TestMongo } from './test-mongo';

type Api = Awaited<ReturnType<typeof buildTicketsApp>>;
interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  role?: 'admin' | 'agent' | 'viewer' | null;
  status: number;
  /** The field the problem must name, when it names one. */
  field?: string;
}

let mongo: TestMongo;
let api: Api;
// Known before the cases are built (they are listed at collection time), so it is imported with this id.
const ticketId = 'EXISTING-1';

beforeAll(async () => {
  mongo = await startTestMongo();
  api = await buildTicketsApp(mongo.db);
  const response = await api.request('POST', '/api/tickets/import', {
    body: [{ id: ticketId, title: 'Existing', createdAt: '2025-01-01T00:00:00Z' }],
    role: 'admin',
  });
  expect(((await response.json()) as { created: number }).created).toBe(1);
});
afterAll(async () => {
  await mongo?.stop();
});

const cases = (): Case[] => [
  { name: 'no token', method: 'GET', path: '/api/tickets', role: null, status: 401 },
  { name: 'garbage token', method: 'GET', path: '/api/tickets', headers: { authorization: 'Bearer nope' }, role: null, status: 401 },
  { name: 'not a bearer scheme', method: 'GET', path: '/api/tickets', headers: { authorization: 'Basic YTpi' }, role: null, status: 401 },
  { name: 'viewer creating', method: 'POST', path: '/api/tickets', body: { title: 'x' }, role: 'viewer', status: 403 },
  { name: 'viewer patching', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: { title: 'x' }, role: 'viewer', status: 403 },
  { name: 'agent importing', method: 'POST', path: '/api/tickets/import', body: [], role: 'agent', status: 403 },
  { name: 'missing title', method: 'POST', path: '/api/tickets', body: { description: 'x' }, status: 400, field: 'body.title' },
  { name: 'empty title', method: 'POST', path: '/api/tickets', body: { title: '   ' }, status: 400, field: 'body.title' },
  { name: 'title too long', method: 'POST', path: '/api/tickets', body: { title: 'x'.repeat(201) }, status: 400, field: 'body.title' },
  { name: 'unknown field', method: 'POST', path: '/api/tickets', body: { title: 'x', severity: 'high' }, status: 400, field: 'body.severity' },
  { name: 'wrong type', method: 'POST', path: '/api/tickets', body: { title: 42 }, status: 400, field: 'body.title' },
  { name: 'bad priority', method: 'POST', path: '/api/tickets', body: { title: 'x', priority: 'urgent' }, status: 400, field: 'body.priority' },
  { name: 'tags not an array', method: 'POST', path: '/api/tickets', body: { title: 'x', tags: 'a,b' }, status: 400, field: 'body.tags' },
  { name: 'duplicate tags', method: 'POST', path: '/api/tickets', body: { title: 'x', tags: ['a', 'a'] }, status: 400, field: 'body.tags' },
  { name: 'too many tags', method: 'POST', path: '/api/tickets', body: { title: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, status: 400, field: 'body.tags' },
  { name: 'bad customer email', method: 'POST', path: '/api/tickets', body: { title: 'x', customer: { email: 'nope' } }, status: 400, field: 'body.customer.email' },
  { name: 'status on create', method: 'POST', path: '/api/tickets', body: { title: 'x', status: 'closed' }, status: 400, field: 'body.status' },
  { name: 'body is an array', method: 'POST', path: '/api/tickets', body: [{ title: 'x' }], status: 400 },
  { name: 'malformed JSON', method: 'POST', path: '/api/tickets', raw: '{"title": ', headers: { 'content-type': 'application/json' }, status: 400 },
  { name: 'body over 1 MB', method: 'POST', path: '/api/tickets', raw: JSON.stringify({ title: 'x', description: 'x'.repeat(1_100_000) }), headers: { 'content-type': 'application/json' }, status: 413 },
  { name: 'empty idempotency key', method: 'POST', path: '/api/tickets', body: { title: 'x' }, headers: { 'idempotency-key': '' }, status: 400, field: 'header.idempotency-key' },
  { name: 'limit 0', method: 'GET', path: '/api/tickets?limit=0', status: 400, field: 'query.limit' },
  { name: 'limit 101', method: 'GET', path: '/api/tickets?limit=101', status: 400, field: 'query.limit' },
  { name: 'limit not a number', method: 'GET', path: '/api/tickets?limit=ten', status: 400, field: 'query.limit' },
  { name: 'unknown sort', method: 'GET', path: '/api/tickets?sort=title', status: 400, field: 'query.sort' },
  { name: 'bad status filter', method: 'GET', path: '/api/tickets?status=pending', status: 400, field: 'query.status' },
  { name: 'unknown filter', method: 'GET', path: '/api/tickets?severity=high', status: 400, field: 'query.severity' },
  { name: 'bad date', method: 'GET', path: '/api/tickets?createdFrom=yesterday', status: 400, field: 'query.createdFrom' },
  { name: 'garbage cursor', method: 'GET', path: '/api/tickets?cursor=%%%', status: 400, field: 'query.cursor' },
  { name: 'forged cursor', method: 'GET', path: `/api/tickets?cursor=${Buffer.from('{"v":1}').toString('base64url')}`, status: 400, field: 'query.cursor' },
  { name: 'bad id', method: 'GET', path: '/api/tickets/has%20space', status: 400, field: 'path.id' },
  { name: 'id too long', method: 'GET', path: `/api/tickets/${'x'.repeat(65)}`, status: 400, field: 'path.id' },
  { name: 'unknown ticket', method: 'PATCH', path: '/api/tickets/missing', body: { title: 'x' }, status: 404 },
  { name: 'empty patch', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: {}, status: 400 },
  { name: 'patch unknown field', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: { version: 9 }, status: 400, field: 'body.version' },
  { name: 'patch bad status', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: { status: 'done' }, status: 400, field: 'body.status' },
  { name: 'malformed If-Match', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: { title: 'x' }, headers: { 'if-match': 'v1' }, status: 400, field: 'header.if-match' },
  { name: 'stale If-Match', method: 'PATCH', path: `/api/tickets/${ticketId}`, body: { title: 'x' }, headers: { 'if-match': '"7"' }, status: 412 },
  { name: 'put without title', method: 'PUT', path: `/api/tickets/${ticketId}`, body: { description: 'x', status: 'open' }, status: 400, field: 'body.title' },
  { name: 'duplicate of itself', method: 'POST', path: `/api/tickets/${ticketId}/duplicate-of/${ticketId}`, status: 422 },
  { name: 'duplicate of a bad id', method: 'POST', path: `/api/tickets/${ticketId}/duplicate-of/bad%20id`, status: 400, field: 'path.otherId' },
  { name: 'undo a non-duplicate', method: 'DELETE', path: `/api/tickets/${ticketId}/duplicate-of`, status: 409 },
  { name: 'import not JSON', method: 'POST', path: '/api/tickets/import', raw: 'nope', headers: { 'content-type': 'application/json' }, role: 'admin', status: 400 },
  { name: 'import an object', method: 'POST', path: '/api/tickets/import', body: { title: 'x' }, role: 'admin', status: 400, field: 'body' },
  { name: 'import nothing', method: 'POST', path: '/api/tickets/import', body: [], role: 'admin', status: 400, field: 'body' },
  { name: 'import over 10,000', method: 'POST', path: '/api/tickets/import', body: Array.from({ length: 10_001 }, () => ({})), role: 'admin', status: 400, field: 'body' },
  { name: 'unknown route', method: 'GET', path: '/api/tickets/x/y/z', status: 404 },
];

async function snapshotOfData() {
  return {
    tickets: await mongo.db.collection('tickets').find().sort({ _id: 1 }).toArray(),
    events: await mongo.db.collection('ticket_events').countDocuments(),
    keys: await mongo.db.collection('idempotency_keys').countDocuments(),
  };
}

describe('malformed requests', () => {
  it('has at least 30 distinct cases', () => {
    expect(cases().length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases().map((c) => [c.name, c] as const))('%s: answers a 4xx problem naming the field, and changes nothing', async (_name, c) => {
    const before = await snapshotOfData();
    const published = api.eventBridge.published.length;
    const response = await api.request(c.method, c.path, {
      ...(c.body !== undefined ? { body: c.body } : {}),
      ...(c.raw !== undefined ? { raw: c.raw } : {}),
      ...(c.headers ? { headers: c.headers } : {}),
      ...(c.role !== undefined ? { role: c.role } : {}),
    });
    expect(response.status).toBe(c.status);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await response.json()) as { status: number; title: string; errors?: { path: string }[] };
    expect(problem.status).toBe(c.status);
    expect(problem.title).toBeTruthy();
    if (c.field) expect(problem.errors?.map((error) => error.path)).toContain(c.field);
    expect(await snapshotOfData()).toEqual(before);
    expect(api.eventBridge.published.length).toBe(published);
  });
});
