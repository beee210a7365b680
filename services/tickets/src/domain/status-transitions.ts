import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { Status } from './commands';
import { InvalidStatusTransitionError, TicketClosedAsDuplicateError } from './errors';

export const TICKET_STATUSES: readonly Status[] = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];

/**
 * Where a ticket may go from each status (a move to the same status is a no-op, not a transition).
 * Work states (open, in_progress, waiting) move freely among themselves (start, pause for the customer,
 * put back in the queue) and can be resolved or closed directly (e.g. spam, answered by phone).
 * A resolved ticket is reopened or closed; a closed one can only be reopened.
 */
export const STATUS_TRANSITIONS: Readonly<Record<Status, readonly Status[]>> = {
  open: ['in_progress', 'waiting', 'resolved', 'closed'],
  in_progress: ['open', 'waiting', 'resolved', 'closed'],
  waiting: ['open', 'in_progress', 'resolved', 'closed'],
  resolved: ['open', 'closed'],
  closed: ['open'],
};

export function canTransition(from: Status, to: Status): boolean {
  return STATUS_TRANSITIONS[from].includes(to);
}

/** Throws unless `ticket` may move to `to`; a ticket linked as a duplicate stays closed until the link is undone. */
export function assertStatusChangeAllowed(ticket: TicketSnapshot, to: Status): void {
  if (ticket.duplicateOf !== null && to !== 'closed') {
    throw new TicketClosedAsDuplicateError(ticket.id, ticket.duplicateOf, to);
  }
  if (!canTransition(ticket.status, to)) {
    throw new InvalidStatusTransitionError(ticket.status, to, ticket.id, STATUS_TRANSITIONS[ticket.status]);
  }
}

const FINISHED: ReadonlySet<Status> = new Set<Status>(['resolved', 'closed']);

/**
 * `resolvedAt` after a move to `to`: set when a ticket in work is resolved or closed, kept when it moves between
 * resolved and closed (it was resolved then), cleared when it goes back to work (reopen).
 */
export function resolvedAtAfter(ticket: TicketSnapshot, to: Status, now: string): string | null {
  if (!FINISHED.has(to)) return null;
  if (FINISHED.has(ticket.status)) return ticket.resolvedAt ?? now;
  return now;
}
