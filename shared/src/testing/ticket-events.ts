/**
 * Realistic ticket events for tests of consumers, built on the published examples so they always match
 * the contract.
 *
 * @example
 *   const created = ticketCreated({ id: 't-1', title: 'Printer on fire' });
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TicketCreatedV1, TicketDeletedV1, TicketSnapshot, TicketUpdatedV1 } from '@cogdesk/events-schema';

const examples = path.resolve(import.meta.dirname, '../../../events-schema/ticket');
const example = <T>(file: string) => JSON.parse(readFileSync(path.join(examples, file), 'utf8')) as T;

const openedByCustomer = example<TicketCreatedV1>('created/examples/opened-by-customer.json');

/** A ticket snapshot: the example's, with `overrides`. */
export function aTicket(overrides: Partial<TicketSnapshot> = {}): TicketSnapshot {
  return { ...openedByCustomer.data.ticket, id: randomUUID(), version: 1, ...overrides };
}

export function ticketCreated(ticket: Partial<TicketSnapshot> = {}, actor: TicketCreatedV1['actor'] = openedByCustomer.actor): TicketCreatedV1 {
  const snapshot = aTicket(ticket);
  return { ...openedByCustomer, id: randomUUID(), subject: snapshot.id, actor, data: { ticket: snapshot } };
}

export function ticketUpdated(ticket: TicketSnapshot, changes: TicketUpdatedV1['data']['changes'], actor: TicketUpdatedV1['actor']): TicketUpdatedV1 {
  return {
    id: randomUUID(),
    type: 'ticket.updated',
    version: 1,
    source: 'cogdesk.tickets',
    time: ticket.updatedAt,
    subject: ticket.id,
    correlationId: randomUUID(),
    causationId: null,
    actor,
    data: { ticket, changes },
  };
}

export function ticketDeleted(ticket: TicketSnapshot): TicketDeletedV1 {
  return { ...example<TicketDeletedV1>('deleted/examples/deleted-by-admin.json'), id: randomUUID(), subject: ticket.id, data: { ticket } };
}
