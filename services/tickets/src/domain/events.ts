import type {
  TicketCreatedV1,
  TicketDeletedV1,
  TicketStatusChangedV1,
  TicketTriageRequestedV1,
  TicketUpdatedV1,
} from '@cogdesk/events-schema';

/**
 * What the ticket aggregate records. These ARE the public catalogue envelopes: stored as the audit trail, put in
 * the outbox and published unchanged, each carrying the whole ticket after it.
 */
export type TicketEvent =
  | TicketCreatedV1
  | TicketUpdatedV1
  | TicketStatusChangedV1
  | TicketDeletedV1
  | TicketTriageRequestedV1;

export type TicketEventType = TicketEvent['type'];

/** The `source` of every event the tickets service produces. */
export const TICKETS_SOURCE: TicketEvent['source'] = 'cogdesk.tickets';
