/**
 * How a ticket is stored: one MongoDB document holds the ticket's state AND the events of its last
 * changes not yet published (the outbox), so a change and its events commit atomically in one
 * single-document write, with no multi-document transaction. The relay moves published events into the
 * `ticket_events` collection (the audit trail) and pulls them from the outbox.
 */
import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { TicketEvent, TicketState } from '../domain';

export type Status = TicketSnapshot['status'];
export type Priority = NonNullable<TicketSnapshot['priority']>;

export const PRIORITY_RANK: Record<Priority, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export interface TicketDocument extends Omit<TicketSnapshot, 'id'> {
  _id: string;
  deleted: boolean;
  setByPerson: TicketState['setByPerson'];
  statusBeforeDuplicate: TicketState['statusBeforeDuplicate'];
  /** Absent in documents written before it existed: read as none. */
  notDuplicateOf?: TicketState['notDuplicateOf'];
  /** For sorting by priority: 0 (none) .. 4 (critical). */
  priorityRank: number;
  /** Lower-cased words of title and description, for `q`. */
  words: string[];
  /** Events committed with this state and not yet published, oldest first. */
  outbox: TicketEvent[];
  /** When the oldest outbox event was committed; absent when the outbox is empty (the relay's index). */
  outboxSince?: string;
  /** The relay batch that is publishing the outbox (a random token), and until when (ISO) it holds it. */
  outboxClaim?: string;
  outboxClaimUntil?: string;
  /** Ids of the consumed events already applied (newest last, bounded): redelivery changes nothing. */
  appliedEventIds: string[];
}

export function snapshotOfDocument(document: TicketDocument): TicketSnapshot {
  return {
    id: document._id,
    title: document.title,
    description: document.description,
    status: document.status,
    priority: document.priority,
    category: document.category,
    tags: document.tags,
    assignee: document.assignee,
    customer: document.customer,
    createdAt: document.createdAt,
    updatedAt: document.updatedAt,
    resolvedAt: document.resolvedAt,
    version: document.version,
    triage: document.triage,
    duplicateOf: document.duplicateOf,
    escalation: document.escalation,
  };
}

export function stateOfDocument(document: TicketDocument): TicketState {
  return {
    ticket: snapshotOfDocument(document),
    deleted: document.deleted,
    setByPerson: document.setByPerson,
    statusBeforeDuplicate: document.statusBeforeDuplicate,
    notDuplicateOf: document.notDuplicateOf ?? [],
  };
}

/** The stored fields of a state (everything but the outbox bookkeeping). */
export function stateFields(state: TicketState): Omit<TicketDocument, '_id' | 'outbox' | 'outboxSince' | 'outboxClaim' | 'outboxClaimUntil' | 'appliedEventIds'> {
  const { id: _id, ...ticket } = state.ticket;
  return {
    ...ticket,
    deleted: state.deleted,
    setByPerson: state.setByPerson,
    statusBeforeDuplicate: state.statusBeforeDuplicate,
    notDuplicateOf: state.notDuplicateOf,
    priorityRank: state.ticket.priority ? PRIORITY_RANK[state.ticket.priority] : 0,
    words: wordsOf(`${state.ticket.title} ${state.ticket.description}`),
  };
}

/** Lower-cased words (runs of letters or digits): what `q` matches against. */
export function wordsOf(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])];
}
