import type { TicketSnapshot } from '@cogdesk/events-schema';
import { notDuplicateOfAfter } from '@cogdesk/shared/events/duplicate-links';
import type { TicketEvent } from './events';
import type { TicketState } from './state';

/**
 * The state after `event`. Events carry the whole ticket, so the snapshot is taken as is; the rest is derived:
 * - a ticket created without triage is an import, whose priority and category are a person's labels;
 *   otherwise a priority/category counts as a person's when a `user` chose it (at creation or in an update),
 *   until a `user` clears it to null (the AI may then fill it again);
 * - linking a duplicate remembers the status the ticket had (a `ticket.updated` never changes status),
 *   unlinking forgets it; a person's unlink also remembers which ticket it is not a duplicate of.
 */
export function evolve(state: TicketState | null, event: TicketEvent): TicketState {
  const ticket = event.data.ticket;
  switch (event.type) {
    case 'ticket.created': {
      const byPerson = ticket.triage === null || event.actor.type === 'user';
      return {
        ticket,
        deleted: false,
        setByPerson: { priority: byPerson && ticket.priority !== null, category: byPerson && ticket.category !== null },
        statusBeforeDuplicate: null,
        notDuplicateOf: [],
      };
    }
    case 'ticket.updated': {
      const current = state ?? stateFrom(ticket);
      const setByPerson = { ...current.setByPerson };
      let { statusBeforeDuplicate } = current;
      for (const change of event.data.changes) {
        if ((change.field === 'priority' || change.field === 'category') && event.actor.type === 'user') {
          setByPerson[change.field] = change.to !== null;
        }
        if (change.field === 'duplicateOf') {
          if (change.to === null) statusBeforeDuplicate = null;
          else if (change.from === null) statusBeforeDuplicate = ticket.status;
        }
      }
      const notDuplicateOf = notDuplicateOfAfter(current.notDuplicateOf, event.data.changes, event.actor);
      return { ...current, ticket, setByPerson, statusBeforeDuplicate, notDuplicateOf };
    }
    case 'ticket.status-changed':
    case 'ticket.triage-requested':
      return { ...(state ?? stateFrom(ticket)), ticket };
    case 'ticket.deleted':
      return { ...(state ?? stateFrom(ticket)), ticket, deleted: true };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** The state after a whole history, oldest event first; null for an empty one. */
export function replay(events: readonly TicketEvent[]): TicketState | null {
  return events.reduce<TicketState | null>(evolve, null);
}

// Only for a history that does not start with its creation (it always should): the snapshot is all we know.
function stateFrom(ticket: TicketSnapshot): TicketState {
  return { ticket, deleted: false, setByPerson: { priority: false, category: false }, statusBeforeDuplicate: null, notDuplicateOf: [] };
}
