/**
 * The tickets service's storage port: load a ticket's state, commit a change with its events atomically,
 * list, read history, and feed the outbox relay.
 */
import type { TicketSnapshot } from '@cogdesk/events-schema';
import type { TicketEvent, TicketState } from '../domain';
import type { TicketListQuery } from './list-query';

export interface StoredTicket {
  state: TicketState;
  appliedEventIds: readonly string[];
}

export interface TicketCommit {
  ticketId: string;
  /** The version the change was decided on; null when the ticket is new. */
  expectedVersion: number | null;
  state: TicketState;
  events: TicketEvent[];
  /** The consumed event this change applies, recorded in the same write so redelivery is a no-op. */
  appliedEventId?: string;
}

export interface TicketPage {
  items: TicketSnapshot[];
  nextCursor: string | null;
  total?: number;
}

export interface PendingOutbox {
  ticketId: string;
  events: TicketEvent[];
}

/** Someone else changed the ticket since it was loaded (or created it meanwhile). */
export class ConcurrentChangeError extends Error {
  override name = 'ConcurrentChangeError';
  constructor(readonly ticketId: string) {
    super(`ticket ${ticketId} changed concurrently`);
  }
}

/**
 * The sweep's hold on the outboxes it publishes: relays leave them alone until it ends or lapses. (A relay
 * publishing its own process's commits reads without claiming: only the sweep takes other processes' work.)
 */
export interface OutboxClaim {
  token: string;
  /** ISO time. */
  now: string;
  /** ISO time the hold lapses if the relay never finishes (a crash). */
  until: string;
}

export interface OutboxBatch {
  /** Pending events to publish (held by this claim, when it was one), oldest commit first. */
  entries: PendingOutbox[];
  /** Tickets with pending events that another claim holds (for a claim: one taken between its read and its write). */
  heldElsewhere: string[];
}

export interface OutboxFilter {
  ticketIds?: readonly string[];
  /** ISO time: only tickets whose oldest unpublished commit is older. */
  committedBefore?: string;
}

export interface TicketStore {
  load(ticketId: string): Promise<StoredTicket | null>;
  /** Throws ConcurrentChangeError when the stored version is not `expectedVersion`. */
  commit(change: TicketCommit): Promise<void>;
  /** Stores new tickets (`expectedVersion` null) in batched writes; ids that already exist are left alone and returned. */
  createMany(changes: readonly TicketCommit[]): Promise<{ existing: string[] }>;
  list(query: TicketListQuery, options: { count: boolean }): Promise<TicketPage>;
  /** The audit trail, oldest first, including events still waiting in the outbox. */
  history(ticketId: string): Promise<TicketEvent[]>;
  /** Tickets with unpublished events, oldest commit first: all, or only `ticketIds`, or only commits before `committedBefore`. */
  pendingOutbox(limit: number, filter?: OutboxFilter): Promise<PendingOutbox[]>;
  /** Like pendingOutbox, holding what it returns for this claim; skips what another claim holds. */
  claimOutbox(limit: number, filter: OutboxFilter, claim: OutboxClaim): Promise<OutboxBatch>;
  /** These tickets' pending events that no claim holds at `now` (ISO): one read, no write. */
  unclaimedOutbox(ticketIds: readonly string[], now: string): Promise<OutboxBatch>;
  /**
   * Moves published events into the audit trail and out of their tickets' outboxes (a few writes for many
   * tickets), and ends the claim's hold on them.
   */
  markPublished(published: readonly PendingOutbox[], claimToken?: string): Promise<void>;
  /** Ends the claim's hold on these tickets without publishing (a failed publish): others may take them now. */
  releaseOutbox(ticketIds: readonly string[], claimToken: string): Promise<void>;
  /** Age in ms of the oldest unpublished event, 0 when none: the outbox lag. */
  outboxLagMs(now: Date): Promise<number>;
}
