import type { CogdeskEvent, TicketSnapshot } from '@cogdesk/events-schema';
import { describe, expect, it } from 'vitest';
import { snapshotChangeOf } from './ticket-snapshots';

const ticket = (version: number) => ({ id: 'TCK-1', version }) as TicketSnapshot;
const envelope = { id: 'evt-1', version: 1, time: '2026-11-25T10:00:00.000Z', subject: 'TCK-1', correlationId: 'c-1', causationId: null, actor: { type: 'user', id: 'u-1' } };
const eventOf = (type: string, data: Record<string, unknown>, source = 'cogdesk.tickets') => ({ ...envelope, type, source, data }) as unknown as CogdeskEvent;

describe('snapshotChangeOf', () => {
  it.each(['ticket.created', 'ticket.updated', 'ticket.status-changed', 'ticket.triage-requested'])('keeps the ticket a %s event carries', (type) => {
    expect(snapshotChangeOf(eventOf(type, { ticket: ticket(2) }))).toEqual({ ticket: ticket(2), deleted: false, eventId: 'evt-1', eventTime: envelope.time });
  });

  it('turns ticket.deleted into a tombstone', () => {
    expect(snapshotChangeOf(eventOf('ticket.deleted', { ticket: ticket(5) }))).toMatchObject({ deleted: true, ticket: ticket(5) });
  });

  it.each(['ticket.triaged', 'ticket.triage-failed', 'ticket.duplicate-detected', 'ticket.escalated'])('ignores %s (its effect arrives as ticket.updated)', (type) => {
    expect(snapshotChangeOf(eventOf(type, { ticketId: 'TCK-1' }, 'cogdesk.workflow'))).toBeNull();
  });
});
