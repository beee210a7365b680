/**
 * Publishes what the outbox holds, in order per ticket, then moves it to the audit trail. Runs right after
 * each commit for the tickets that commit touched (coalescing concurrent callers into shared PutEvents
 * batches), and on a schedule for everything older, which catches anything a crash left between commit and
 * publish. Each process publishes its own commits: relays in several processes (the API's, the consumers')
 * do not race to publish the same events; the sweep, which takes any process's leftovers, claims what it
 * publishes for a while, and relays leave claimed tickets alone, so a sweep and a relay working through the
 * same backlog do not publish it twice. At-least-once: a crash after publishing and before marking
 * republishes, and consumers drop the repeat by event id.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapConcurrently } from '@cogdesk/shared/async/map-concurrently';
import type { EventPublisher } from '@cogdesk/shared/events/publisher';
import { MAX_ENTRIES_PER_REQUEST } from '@cogdesk/shared/events/put-events-entries';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import type { OutboxFilter, TicketStore } from '../store/ticket-store';

/** PutEvents calls in flight at once for one batch. */
const PARALLEL_PUTS = 4;
/** Batches of named tickets in flight at once. */
const PARALLEL_BATCHES = 4;
/** How long a sweep batch holds the outboxes it publishes: longer than any publish with its retries takes. */
const CLAIM_MS = 60_000;
/**
 * A named ticket the sweep holds is tried again after these waits: the sweep publishes only what it read,
 * and this caller's own commit may have come after.
 */
const HELD_RETRY_WAITS_MS = [20, 50, 100, 250, 500, 1_000, 2_000];

export interface RelayRun {
  published: number;
  tickets: number;
}

/** Which tickets a run publishes: the ones named, or all whose oldest commit is older than a time. */
export type RelaySelection = { tickets: Set<string> } | { committedBefore?: string };

export class OutboxRelay {
  private running: Promise<RelayRun> | undefined;
  private next: { run: Promise<RelayRun>; selection: RelaySelection } | undefined;

  constructor(
    private readonly store: TicketStore,
    private readonly publisher: EventPublisher,
    private readonly logger: AppLogger,
    private readonly batchTickets = 100,
  ) {}

  /**
   * Publishes what is pending now for `ticketIds` (what the caller just committed), or for every ticket
   * (after a crash, in tests). A call made while a run is in progress waits for one more run that starts
   * after it, so its own commit is covered; concurrent callers share that run.
   */
  flush(ticketIds?: readonly string[]): Promise<RelayRun> {
    return this.schedule(ticketIds ? { tickets: new Set(ticketIds) } : {});
  }

  /** The scheduled sweep: tickets whose oldest unpublished commit is older than `committedBefore` (ISO). */
  sweep(committedBefore: string): Promise<RelayRun> {
    return this.schedule({ committedBefore });
  }

  private schedule(selection: RelaySelection): Promise<RelayRun> {
    if (!this.running) {
      this.running = this.drain(selection).finally(() => (this.running = undefined));
      return this.running;
    }
    if (this.next) {
      this.next.selection = merge(this.next.selection, selection);
      return this.next.run;
    }
    const next = { selection } as { run: Promise<RelayRun>; selection: RelaySelection };
    next.run = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.schedule(next.selection);
      });
    this.next = next;
    return next.run;
  }

  private async drain(selection: RelaySelection): Promise<RelayRun> {
    const run: RelayRun = { published: 0, tickets: 0 };
    if (!('tickets' in selection)) {
      // Everything pending (or older than the cutoff), a batch at a time until a short batch.
      for (let found = this.batchTickets; found === this.batchTickets; ) {
        const batch = await this.publishBatch(selection, run);
        found = batch.taken + batch.heldElsewhere.length;
      }
      return run;
    }
    // Named tickets a batch of ids at a time (one query per batch, however many an import committed), a
    // few batches side by side: a run names each ticket once, so the batches are disjoint and each ticket's
    // events still go out in order, and one batch's round trips no longer wait for the one before.
    const ids = [...selection.tickets];
    const batches = Array.from({ length: Math.ceil(ids.length / this.batchTickets) }, (_, index) => ids.slice(index * this.batchTickets, (index + 1) * this.batchTickets));
    await mapConcurrently(batches, PARALLEL_BATCHES, async (batch) => {
      let { heldElsewhere } = await this.publishBatch({ ticketIds: batch }, run);
      for (const wait of HELD_RETRY_WAITS_MS) {
        if (heldElsewhere.length === 0) break;
        await sleep(wait);
        ({ heldElsewhere } = await this.publishBatch({ ticketIds: heldElsewhere }, run));
      }
      // Still held after all that: the holder is stuck or crashed; the sweep takes them once its claim lapses.
    });
    return run;
  }

  /** Publishes one batch: the named tickets no sweep holds, or (a sweep) the oldest ones it claims. */
  private async publishBatch(filter: OutboxFilter, run: RelayRun): Promise<{ taken: number; heldElsewhere: string[] }> {
    const now = Date.now();
    const token = filter.ticketIds ? undefined : randomUUID();
    const { entries: pending, heldElsewhere } = token
      ? await this.store.claimOutbox(this.batchTickets, filter, { token, now: new Date(now).toISOString(), until: new Date(now + CLAIM_MS).toISOString() })
      : await this.store.unclaimedOutbox(filter.ticketIds!, new Date(now).toISOString());
    if (pending.length === 0) return { taken: 0, heldElsewhere };
    // The batch's tickets in a few groups published side by side: a PutEvents call takes ten events, and
    // one after another they left a busy bus's latency on the critical path. No more groups than full calls,
    // though: a few tickets split four ways made four calls of one or two events, each paying a whole call's
    // cost. Each ticket's events are in one group, and the publisher keeps order within a call, so each
    // ticket's events stay in order.
    const events = pending.reduce((sum, entry) => sum + entry.events.length, 0);
    const groupCount = Math.max(1, Math.min(PARALLEL_PUTS, Math.ceil(events / MAX_ENTRIES_PER_REQUEST)));
    const groups = Array.from({ length: groupCount }, (_, group) => pending.filter((_, index) => index % groupCount === group));
    const outcomes = await Promise.allSettled(groups.map((group) => this.publisher.publish(group.flatMap((entry) => entry.events))));
    const published = groups.filter((_, index) => outcomes[index]!.status === 'fulfilled').flat();
    await this.store.markPublished(published, token);
    run.published += published.reduce((sum, entry) => sum + entry.events.length, 0);
    run.tickets += published.length;
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) {
      // Free at once for the next attempt (a relay's flush, or the next sweep).
      if (token) {
        const unpublished = groups.filter((_, index) => outcomes[index]!.status === 'rejected').flatMap((group) => group.map((entry) => entry.ticketId));
        await this.store.releaseOutbox(unpublished, token);
      }
      throw failed.reason;
    }
    return { taken: pending.length, heldElsewhere };
  }

  /** Resolves once no run is in progress or queued (for a clean shutdown: nothing is cut mid-publish). */
  async settled(): Promise<void> {
    while (this.running ?? this.next) await (this.next?.run ?? this.running)!.catch(() => undefined);
  }

  /** For callers that must not fail because publishing did (the commit already stands; the sweep retries). */
  async flushQuietly(ticketIds?: readonly string[]): Promise<void> {
    try {
      await this.flush(ticketIds);
    } catch (error) {
      this.logger.error('outbox relay failed; the scheduled sweep will retry', { error });
    }
  }
}

/** One run covering both: named tickets join, sweeps take the later cutoff, and a mix takes everything (rare). */
function merge(queued: RelaySelection, incoming: RelaySelection): RelaySelection {
  if ('tickets' in queued && 'tickets' in incoming) {
    // In place: many callers join one queued run while a publish is slow.
    for (const id of incoming.tickets) queued.tickets.add(id);
    return queued;
  }
  if (!('tickets' in queued) && !('tickets' in incoming) && queued.committedBefore && incoming.committedBefore) {
    return { committedBefore: queued.committedBefore > incoming.committedBefore ? queued.committedBefore : incoming.committedBefore };
  }
  return {};
}
