import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestCloud, type TestCloud } from '../../../scripts/local-cloud/testing';

interface Ticket {
  id: string;
  status: string;
  priority: string | null;
  category: string | null;
  duplicateOf: string | null;
  triage: { status: string; priority: string | null; model: string | null } | null;
}

let system: TestCloud;
const api: TestCloud['api'] = (method, route, body) => system.api(method, route, body);

beforeAll(async () => {
  system = await startTestCloud('chain-e2e');
});

afterAll(async () => {
  await system?.stop();
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

  it("gives a duplicate its original's labels, and once a person unlinks it, triages it on the next edit instead", async () => {
    const text = {
      title: 'Password reset email never arrives for SSO users',
      description: 'Users who sign in with Okta SSO request a password reset, but the reset email is never delivered; other users get it within a minute.',
    };
    const original = await api<Ticket>('POST', '/api/tickets', { ...text, category: 'access' });
    await eventually(
      () => api<Ticket>('GET', `/api/tickets/${original.body.id}`),
      (response) => response.body.triage?.status === 'completed',
    );
    const copy = await api<Ticket>('POST', '/api/tickets', { ...text, title: 'Password reset email never arrives for our SSO users' });
    const closed = await eventually(
      () => api<Ticket>('GET', `/api/tickets/${copy.body.id}`),
      (response) => response.body.duplicateOf !== null || response.body.triage?.status === 'completed',
    );
    expect(closed.body).toMatchObject({ status: 'closed', duplicateOf: original.body.id, category: 'access' });

    expect((await api('DELETE', `/api/tickets/${copy.body.id}/duplicate-of`)).status).toBe(200);
    const edited = await api<Ticket>('PATCH', `/api/tickets/${copy.body.id}`, { description: `${text.description} It started after the SSO migration.` });
    expect(edited.status).toBe(200);
    const triaged = await eventually(
      () => api<Ticket>('GET', `/api/tickets/${copy.body.id}`),
      (response) => response.body.triage?.status === 'completed' || response.body.duplicateOf !== null,
    );
    expect(triaged.body).toMatchObject({ status: 'open', duplicateOf: null, triage: { status: 'completed' } });
  });
});
