import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { Status } from './commands';

/**
 * A ticket as the decider sees it; `null` stands for a ticket that never existed.
 * Everything beyond the snapshot is derived from the events, so `replay(history)` rebuilds it exactly.
 */
export interface TicketState {
  ticket: TicketSnapshot;
  /** Deleted tickets keep their history but take no more changes. */
  deleted: boolean;
  /** Whether a person chose the value in force; the AI never overwrites those. */
  setByPerson: { priority: boolean; category: boolean };
  /** The status a ticket had before it was closed as a duplicate, restored when that is undone. */
  statusBeforeDuplicate: Status | null;
  /** Tickets a person unlinked this one from as their duplicate: the chain may not link it to them again. */
  notDuplicateOf: string[];
}

/** The ticket as reads see it: null when it never existed or was deleted (`GET` answers 404). */
export function snapshotOf(state: TicketState | null): TicketSnapshot | null {
  if (state === null || state.deleted) return null;
  return state.ticket;
}
