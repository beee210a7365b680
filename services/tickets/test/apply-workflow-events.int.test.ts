import { randomUUID } from 'node:crypto';
import type { TicketDuplicateDetectedV1, TicketTriagedV1 } from '@cogdesk/events-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkflowEventsHandler } from '../src/consumers/apply-workflow-events';
import { buildTicketsApp } from './test-app';
import { startTestMongo, type TestMongo } from './test-mongo';

let mongo: TestMongo;
beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});

/** What every event the workflow publishes about `ticketId` carries besides its type and data. */
function fromWorkflow(ticketId: string) {
  return {
    id: randomUUID(),
    version: 1 as const,
    source: 'cogdesk.workflow' as const,
    time: new Date().toISOString(),
    subject: ticketId,
    correlationId: randomUUID(),
    causationId: null,
    actor: { type: 'agent' as const, id: 'cogdesk-workflow' },
  };
}

function triaged(ticketId: string, priority: 'low' | 'critical'): TicketTriagedV1 {
  const triage = { priority, category: 'billing', confidence: 0.7, estimatedResolutionHours: 2, recommendedSteps: ['Check the invoice'], provider: 'local', model: 'm', promptVersion: 'p', neighbours: [] };
  return { ...fromWorkflow(ticketId), type: 'ticket.triaged', data: { ticketId, triage } };
}

function duplicateDetected(ticketId: string, duplicateOf: string): TicketDuplicateDetectedV1 {
  const data = { ticketId, duplicateOf, score: 0.97, threshold: 0.9, neighbours: [{ ticketId: duplicateOf, score: 0.97 }] };
  return { ...fromWorkflow(ticketId), type: 'ticket.duplicate-detected', data };
}

describe('applying workflow events to tickets', () => {
  it('applies a triage result once, however often it is delivered, and never over a person’s priority', async () => {
    const api = await buildTicketsApp(mongo.db);
    const apply = createWorkflowEventsHandler({ store: api.store, relay: api.relay, logger: api.logger });
    const created = await api.request('POST', '/api/tickets', { body: { title: 'Invoice wrong', priority: 'low' } });
    const { id } = (await created.json()) as { id: string };

    const event = triaged(id, 'critical');
    await apply(event);
    await apply(event);

    const ticket = (await (await api.request('GET', `/api/tickets/${id}`)).json()) as Record<string, unknown>;
    expect(ticket).toMatchObject({ priority: 'low', category: 'billing', triage: { status: 'completed', priority: 'critical' }, version: 2 });
    const history = (await (await api.request('GET', `/api/tickets/${id}/history`)).json()) as { items: { type: string; actor: { type: string } }[] };
    expect(history.items.map((item) => `${item.type}:${item.actor.type}`)).toEqual(['ticket.created:user', 'ticket.updated:agent']);
  });

  it("closes a duplicate with its original's labels where no person set them", async () => {
    const api = await buildTicketsApp(mongo.db);
    const apply = createWorkflowEventsHandler({ store: api.store, relay: api.relay, logger: api.logger });
    const open = async (body: Record<string, unknown>) => ((await (await api.request('POST', '/api/tickets', { body })).json()) as { id: string }).id;
    const original = await open({ title: 'Invoice PDF fails', priority: 'high', category: 'billing' });
    const duplicate = await open({ title: 'Invoice PDF fails again' });
    const duplicateWithPriority = await open({ title: 'Invoice PDF fails for me too', priority: 'low' });

    await apply(duplicateDetected(duplicate, original));
    await apply(duplicateDetected(duplicateWithPriority, original));

    const read = async (id: string) => (await (await api.request('GET', `/api/tickets/${id}`)).json()) as Record<string, unknown>;
    expect(await read(duplicate)).toMatchObject({ status: 'closed', duplicateOf: original, priority: 'high', category: 'billing' });
    expect(await read(duplicateWithPriority)).toMatchObject({ status: 'closed', duplicateOf: original, priority: 'low', category: 'billing' });
  });

  it('does not close again as a duplicate what a person unlinked from that original', async () => {
    const api = await buildTicketsApp(mongo.db);
    const apply = createWorkflowEventsHandler({ store: api.store, relay: api.relay, logger: api.logger });
    const open = async (title: string) => ((await (await api.request('POST', '/api/tickets', { body: { title } })).json()) as { id: string }).id;
    const original = await open('VPN drops every hour');
    const ticket = await open('VPN drops hourly');
    await apply(duplicateDetected(ticket, original));
    expect((await api.request('DELETE', `/api/tickets/${ticket}/duplicate-of`)).status).toBe(200);

    await apply(duplicateDetected(ticket, original)); // the chain again, after an edit to the ticket

    const read = (await (await api.request('GET', `/api/tickets/${ticket}`)).json()) as Record<string, unknown>;
    expect(read).toMatchObject({ status: 'open', duplicateOf: null });
  });

  it('skips an event for a ticket that no longer exists, without failing the batch', async () => {
    const api = await buildTicketsApp(mongo.db);
    const apply = createWorkflowEventsHandler({ store: api.store, relay: api.relay, logger: api.logger });
    await expect(apply(triaged('never-was', 'low'))).resolves.toBeUndefined();
    expect(api.logger.entries.some((entry) => entry.message === 'event not applied to the ticket')).toBe(true);
  });
});
