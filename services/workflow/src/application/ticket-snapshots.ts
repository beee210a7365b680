/**
 * The workflow's own read model of tickets: the latest snapshot per ticket, kept from the events `tickets`
 * publishes (services own their data; events carry state). `POST /api/workflow/trigger/{ticketId}` starts
 * the chain from it without calling the tickets service.
 */
import type { CogdeskEvent, TicketSnapshot } from '@cogdesk/events-schema';
import type { HandleEvent } from '@cogdesk/shared/events/sqs-consumer';

/** What an event says about a ticket: its snapshot after the change, and whether it was deleted. */
export interface TicketSnapshotChange {
  ticket: TicketSnapshot;
  deleted: boolean;
  /** The event that carried it, kept for tracing. */
  eventId: string;
  eventTime: string;
}

export interface StoredTicketSnapshot {
  ticketId: string;
  version: number;
  deleted: boolean;
  /** Null for a tombstone: a deleted ticket's data is dropped. */
  ticket: TicketSnapshot | null;
  eventId: string;
  eventTime: string;
}

/** The port the consumer and the trigger route use; DynamoDB in both modes (`ticket-snapshots-dynamodb`). */
export interface TicketSnapshotStore {
  /**
   * Keeps `change` only if its version is higher than the stored one (events can arrive out of order or
   * twice); at an equal version a deletion still beats a live snapshot. Returns whether it was kept.
   */
  save(change: TicketSnapshotChange): Promise<boolean>;
  /** The latest snapshot; null when the ticket was never seen. A tombstone comes back with `deleted: true`. */
  get(ticketId: string): Promise<StoredTicketSnapshot | null>;
}

/** The snapshot change an event carries; null for events that say nothing new about the ticket's fields. */
export function snapshotChangeOf(event: CogdeskEvent): TicketSnapshotChange | null {
  const carried = { eventId: event.id, eventTime: event.time };
  switch (event.type) {
    case 'ticket.created':
    case 'ticket.updated':
    case 'ticket.status-changed':
    case 'ticket.triage-requested':
      return { ticket: event.data.ticket, deleted: false, ...carried };
    case 'ticket.deleted':
      return { ticket: event.data.ticket, deleted: true, ...carried };
    // The workflow's and escalation's own outcomes reach the snapshot through the `ticket.updated` that
    // `tickets` publishes once it has applied them; the rule does not even deliver these.
    case 'ticket.triaged':
    case 'ticket.triage-failed':
    case 'ticket.duplicate-detected':
    case 'ticket.escalated':
      return null;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * The consumer's handler: validated events in, snapshots kept. Idempotent without an event-id store,
 * because a repeated or older event never wins the version check.
 *
 * @example
 *   export const handler = createEventConsumer({ validate: validateEvent, logger, handle: applyTicketEvent(store) });
 */
export function applyTicketEvent(store: TicketSnapshotStore): HandleEvent {
  return async (envelope, { logger }) => {
    const change = snapshotChangeOf(envelope as CogdeskEvent);
    if (!change) return;
    const kept = await store.save(change);
    if (!kept) logger.debug('Snapshot not kept: the read model already holds this or a newer version', { version: change.ticket.version });
  };
}
