import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalTokenIssuer } from '@cogdesk/shared/http/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCloud, type LocalCloud } from '../../../scripts/local-cloud/local-cloud';
import { defaultServiceDirs } from '../../../scripts/service-dirs';

const root = path.resolve(import.meta.dirname, '../../..');
const secret = 'an-e2e-secret-of-at-least-32-bytes!!';
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

interface Ticket {
  id: string;
  status: string;
  priority: string | null;
  duplicateOf: string | null;
  triage: { status: string; priority: string | null; model: string | null } | null;
}

let dataDir: string;
let cloud: LocalCloud;
let token: string;

async function api<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${cloud.url}${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: (response.status === 204 ? undefined : await response.json()) as T };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in time; last: ${JSON.stringify(value).slice(0, 800)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'chain-e2e-'));
  cloud = await startLocalCloud({ dataDir, port: 0, serviceDirs: defaultServiceDirs(root), logger: silent, environment: { AUTH_LOCAL_SECRET: secret } });
  token = await createLocalTokenIssuer(secret).issue({ sub: 'e2e', roles: ['admin'] });
});

afterAll(async () => {
  await cloud?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the cognitive chain, end to end through HTTP', () => {
  it('triages a new ticket, then closes a near-copy as its duplicate', async () => {
    const original = await api<Ticket>('POST', '/api/tickets', {
      title: 'Checkout page crashes with NullPointerException in PaymentService',
      description: 'Since the 4.2 release, submitting the checkout form throws java.lang.NullPointerException at PaymentService.charge(PaymentService.java:88). All card payments fail.',
    });
    expect(original.status).toBe(201);
    const triaged = await eventually(
      () => api<Ticket>('GET', `/api/tickets/${original.body.id}`),
      (response) => response.body.triage?.status === 'completed',
    );
    expect(triaged.body.triage).toMatchObject({ status: 'completed', model: expect.any(String) });
    expect(triaged.body.priority).toBe(triaged.body.triage!.priority);

    const copy = await api<Ticket>('POST', '/api/tickets', {
      title: 'Checkout crashes with NullPointerException in PaymentService',
      description: 'After the 4.2 release the checkout form throws java.lang.NullPointerException at PaymentService.charge(PaymentService.java:88); card payments fail.',
    });
    const closed = await eventually(
      () => api<Ticket>('GET', `/api/tickets/${copy.body.id}`),
      (response) => response.body.duplicateOf !== null || response.body.triage?.status === 'completed',
    );
    expect(closed.body).toMatchObject({ status: 'closed', duplicateOf: original.body.id });

    // Linked both ways: the copy names the original, and the original's similar tickets name the copy.
    const similar = await api<{ items: { ticketId: string; score: number }[] }>('GET', `/api/tickets/${original.body.id}/similar`);
    expect(similar.body.items[0]).toMatchObject({ ticketId: copy.body.id });
    expect(similar.body.items[0]!.score).toBeGreaterThanOrEqual(0.9);

    const history = await api<{ items: { type: string; actor: { type: string } }[] }>('GET', `/api/tickets/${copy.body.id}/history`);
    expect(history.body.items.map((item) => item.type)).toEqual(['ticket.created', 'ticket.updated', 'ticket.status-changed']);
    expect(history.body.items[1]!.actor.type).toBe('agent');
  });
});
