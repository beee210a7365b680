/**
 * TicketStore on MongoDB through the official driver (the embedded server locally, Atlas or any MongoDB
 * deployed). See ticket-document.ts for why one document per ticket carries its outbox.
 */
import DataLoader from 'dataloader';
import { MongoBulkWriteError, type AnyBulkWriteOperation, type WriteError, type Collection, type Db, type IndexDescription } from 'mongodb';
import type { TicketEvent } from '../domain';
import { buildListQuery, encodeCursor, type TicketListQuery } from './list-query';
import { snapshotOfDocument, stateFields, stateOfDocument, type TicketDocument } from './ticket-document';
import {
  ConcurrentChangeError,
  type OutboxBatch,
  type OutboxClaim,
  type OutboxFilter,
  type PendingOutbox,
  type TicketCommit,
  type TicketPage,
  type TicketStore,
} from './ticket-store';

interface EventDocument {
  _id: string;
  ticketId: string;
  ticketVersion: number;
  event: TicketEvent;
}

interface ListRequest {
  query: TicketListQuery;
  count: boolean;
}

const APPLIED_EVENT_IDS_KEPT = 200;
const DUPLICATE_KEY = 11000;
/** Most ids one batched read or create carries. */
const MAX_BATCH = 100;

/**
 * Requests the server handles in one turn of the event loop (under load, every connection with data
 * waiting) share one query or insert instead of one round trip each: setImmediate runs once the turn's
 * I/O callbacks are done. No caching: every load reads the database.
 */
const perTurn = { cache: false, batchScheduleFn: (dispatch: () => void) => setImmediate(dispatch), maxBatchSize: MAX_BATCH } as const;

/** Every listing filter, alone and with the most common one (status), in each sort the API offers. */
export const TICKET_INDEXES: IndexDescription[] = [
  { key: { deleted: 1, createdAt: -1, _id: 1 }, name: 'list_by_created' },
  { key: { deleted: 1, updatedAt: -1, _id: 1 }, name: 'list_by_updated' },
  { key: { deleted: 1, priorityRank: -1, _id: 1 }, name: 'list_by_priority' },
  { key: { deleted: 1, status: 1, createdAt: -1, _id: 1 }, name: 'status_by_created' },
  { key: { deleted: 1, status: 1, updatedAt: -1, _id: 1 }, name: 'status_by_updated' },
  { key: { deleted: 1, status: 1, priorityRank: -1, _id: 1 }, name: 'status_by_priority' },
  { key: { deleted: 1, priority: 1, createdAt: -1, _id: 1 }, name: 'priority_by_created' },
  { key: { deleted: 1, category: 1, createdAt: -1, _id: 1 }, name: 'category_by_created' },
  { key: { deleted: 1, assignee: 1, createdAt: -1, _id: 1 }, name: 'assignee_by_created' },
  { key: { deleted: 1, tags: 1, createdAt: -1, _id: 1 }, name: 'tag_by_created' },
  { key: { words: 1 }, name: 'text_words' },
  { key: { outboxSince: 1 }, name: 'outbox_pending', sparse: true },
];

export class MongoTicketStore implements TicketStore {
  private readonly tickets: Collection<TicketDocument>;
  private readonly events: Collection<EventDocument>;

  private readonly loader = new DataLoader<string, TicketDocument | null>((ids) => this.findByIds(ids), perTurn);
  private readonly creator = new DataLoader<TicketCommit, boolean>((changes) => this.insertNew(changes), perTurn);
  private readonly lister = new DataLoader<ListRequest, TicketPage>((requests) => this.listEach(requests), perTurn);

  constructor(db: Db) {
    this.tickets = db.collection<TicketDocument>('tickets');
    this.events = db.collection<EventDocument>('ticket_events');
  }

  async ensureIndexes(): Promise<void> {
    await this.tickets.createIndexes(TICKET_INDEXES);
    await this.events.createIndexes([{ key: { ticketId: 1, ticketVersion: 1 }, name: 'history' }]);
  }

  async load(ticketId: string) {
    const document = await this.loader.load(ticketId);
    return document ? { state: stateOfDocument(document), appliedEventIds: document.appliedEventIds } : null;
  }

  private async findByIds(ids: readonly string[]): Promise<(TicketDocument | null)[]> {
    const documents = await this.tickets.find({ _id: { $in: [...ids] } }, { projection: { outbox: 0, words: 0 } }).toArray();
    const byId = new Map(documents.map((document) => [document._id, document]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async commit(change: TicketCommit): Promise<void> {
    if (change.expectedVersion === null) {
      if (!(await this.creator.load(change))) throw new ConcurrentChangeError(change.ticketId);
      return;
    }
    const fields = stateFields(change.state);
    const committedAt = change.events[0]?.time ?? new Date().toISOString();
    const applied = change.appliedEventId ? [change.appliedEventId] : [];
    const result = await this.tickets.updateOne(
      { _id: change.ticketId, version: change.expectedVersion },
      {
        $set: fields,
        $push: {
          outbox: { $each: change.events },
          appliedEventIds: { $each: applied, $slice: -APPLIED_EVENT_IDS_KEPT },
        },
        ...(change.events.length > 0 ? { $min: { outboxSince: committedAt } } : {}),
      },
    );
    if (result.matchedCount === 0) throw new ConcurrentChangeError(change.ticketId);
  }

  async createMany(changes: readonly TicketCommit[]): Promise<{ existing: string[] }> {
    const inserted = await this.insertNew(changes);
    const failed = inserted.find((outcome) => outcome instanceof Error);
    if (failed) throw failed;
    return { existing: changes.filter((_, index) => !inserted[index]).map((change) => change.ticketId) };
  }

  /**
   * Inserts new tickets in one unordered write. Per ticket: true, false when its id was already taken, or
   * the error its document alone met (the others are inserted all the same).
   */
  private async insertNew(changes: readonly TicketCommit[]): Promise<(boolean | Error)[]> {
    if (changes.length === 0) return [];
    const documents = changes.map((change): TicketDocument => {
      const committedAt = change.events[0]?.time ?? new Date().toISOString();
      return {
        _id: change.ticketId,
        ...stateFields(change.state),
        outbox: change.events,
        ...(change.events.length > 0 ? { outboxSince: committedAt } : {}),
        appliedEventIds: change.appliedEventId ? [change.appliedEventId] : [],
      };
    });
    const inserted: (boolean | Error)[] = changes.map(() => true);
    try {
      await this.tickets.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      for (const writeError of writeErrorsOf(error)) {
        inserted[writeError.index] = writeError.code === DUPLICATE_KEY ? false : new Error(`ticket ${documents[writeError.index]!._id} was not stored: ${writeError.errmsg ?? 'write error'}`);
      }
    }
    return inserted;
  }

  list(query: TicketListQuery, options: { count: boolean }): Promise<TicketPage> {
    return this.lister.load({ query, count: options.count });
  }

  /**
   * Identical listings that arrive in the same turn (a team's agents polling the same queue view) share
   * one query. Only those: a listing asked for after a query left sees its own result, so nobody misses a
   * write they saw committed. Each answer is its own: one listing's error fails only its callers.
   */
  private listEach(requests: readonly ListRequest[]): Promise<(TicketPage | Error)[]> {
    const pages = new Map<string, Promise<TicketPage | Error>>();
    return Promise.all(
      requests.map((request) => {
        const key = JSON.stringify(request);
        let page = pages.get(key);
        if (!page) {
          page = this.runList(request.query, { count: request.count }).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
          pages.set(key, page);
        }
        return page;
      }),
    );
  }

  private async runList(query: TicketListQuery, options: { count: boolean }): Promise<TicketPage> {
    const { filter, sort, limit } = buildListQuery(query);
    const documents = await this.tickets
      .find(filter, { projection: { outbox: 0, words: 0, appliedEventIds: 0 } })
      .sort(sort)
      .limit(limit)
      .toArray();
    const page = documents.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor = documents.length > query.limit && last ? encodeCursor(last, query.sort) : null;
    const result: TicketPage = { items: page.map(snapshotOfDocument), nextCursor };
    if (options.count) {
      const { filter: countFilter } = buildListQuery({ ...query, cursor: undefined });
      result.total = await this.tickets.countDocuments(countFilter);
    }
    return result;
  }

  async history(ticketId: string): Promise<TicketEvent[]> {
    const [moved, ticket] = await Promise.all([
      this.events.find({ ticketId }).sort({ ticketVersion: 1 }).toArray(),
      this.tickets.findOne({ _id: ticketId }, { projection: { outbox: 1 } }),
    ]);
    const seen = new Set(moved.map((document) => document._id));
    // An event is in both places for the moment between the relay's two writes.
    return [...moved.map((document) => document.event), ...(ticket?.outbox ?? []).filter((event) => !seen.has(event.id))];
  }

  async pendingOutbox(limit: number, filter: OutboxFilter = {}): Promise<PendingOutbox[]> {
    const documents = await this.tickets.find(outboxFilter(filter), { projection: { outbox: 1 } }).sort({ outboxSince: 1 }).limit(limit).toArray();
    return documents.filter((document) => document.outbox.length > 0).map((document) => ({ ticketId: document._id, events: document.outbox }));
  }

  async claimOutbox(limit: number, filter: OutboxFilter, claim: OutboxClaim): Promise<OutboxBatch> {
    const free = { outboxClaimUntil: { $not: { $gt: claim.now } } };
    const candidates = await this.tickets
      .find({ ...outboxFilter(filter), ...free }, { projection: { _id: 1 } })
      .sort({ outboxSince: 1 })
      .limit(limit)
      .toArray();
    const ids = candidates.map((document) => document._id);
    if (ids.length === 0) return { entries: [], heldElsewhere: [] };
    // Another sweep may claim between the read and this write; only what carries our token is ours.
    await this.tickets.updateMany({ _id: { $in: ids }, ...free }, { $set: { outboxClaim: claim.token, outboxClaimUntil: claim.until } });
    const claimed = await this.tickets
      .find({ _id: { $in: ids }, outboxClaim: claim.token }, { projection: { outbox: 1 } })
      .sort({ outboxSince: 1 })
      .toArray();
    const ours = new Set(claimed.map((document) => document._id));
    return {
      entries: claimed.filter((document) => document.outbox.length > 0).map((document) => ({ ticketId: document._id, events: document.outbox })),
      heldElsewhere: ids.filter((id) => !ours.has(id)),
    };
  }

  async unclaimedOutbox(ticketIds: readonly string[], now: string): Promise<OutboxBatch> {
    const documents = await this.tickets
      .find(outboxFilter({ ticketIds }), { projection: { outbox: 1, outboxSince: 1, outboxClaimUntil: 1 } })
      .toArray();
    const held = (document: TicketDocument) => document.outboxClaimUntil !== undefined && document.outboxClaimUntil > now;
    return {
      entries: documents
        .filter((document) => !held(document) && document.outbox.length > 0)
        .sort((a, b) => (a.outboxSince! < b.outboxSince! ? -1 : 1))
        .map((document) => ({ ticketId: document._id, events: document.outbox })),
      heldElsewhere: documents.filter(held).map((document) => document._id),
    };
  }

  async releaseOutbox(ticketIds: readonly string[], claimToken: string): Promise<void> {
    if (ticketIds.length === 0) return;
    await this.tickets.updateMany({ _id: { $in: [...ticketIds] }, outboxClaim: claimToken }, { $unset: { outboxClaim: '', outboxClaimUntil: '' } });
  }

  async markPublished(published: readonly PendingOutbox[], claimToken?: string): Promise<void> {
    const events = published.flatMap(({ ticketId, events }) => events.map((event) => ({ ticketId, event })));
    if (events.length === 0) return;
    // Inserts, not upserts: an event already in the trail (republished after a crash) is the same event,
    // and an insert needs no query per statement.
    await this.insertIgnoringDuplicates(events.map(({ ticketId, event }) => ({ _id: event.id, ticketId, ticketVersion: event.data.ticket.version, event })));
    if (claimToken) {
      await this.tickets.bulkWrite(
        published.flatMap(({ ticketId, events: moved }): AnyBulkWriteOperation<TicketDocument>[] => {
          const pull = pullFrom(moved);
          return [
            // A sweep's: the pull ends its hold too while it is still this claim's.
            { updateOne: { filter: { _id: ticketId, outboxClaim: claimToken }, update: { ...pull, $unset: { outboxClaim: '' as const, outboxClaimUntil: '' as const } } } },
            { updateOne: { filter: { _id: ticketId, outboxClaim: { $ne: claimToken } }, update: pull } },
            clearMarkerIfEmpty(ticketId),
          ];
        }),
        { ordered: true },
      );
      return;
    }
    // Usually each outbox holds exactly what was published: one write per ticket empties it and clears the
    // marker. If any ticket had a commit come in meanwhile, pull what was published and clear the marker
    // only where nothing is left (ordered, so each marker goes after its pull); the tickets already emptied
    // match neither statement.
    const emptied = await this.tickets.bulkWrite(
      published.map(({ ticketId, events: moved }) => {
        const ids = moved.map((event) => event.id);
        return { updateOne: { filter: { _id: ticketId, outbox: { $size: ids.length }, 'outbox.id': { $all: ids } }, update: { $set: { outbox: [] }, $unset: { outboxSince: '' as const } } } };
      }),
      { ordered: false },
    );
    if (emptied.matchedCount === published.length) return;
    await this.tickets.bulkWrite(
      published.flatMap(({ ticketId, events: moved }) => [{ updateOne: { filter: { _id: ticketId, 'outbox.id': { $in: moved.map((event) => event.id) } }, update: pullFrom(moved) } }, clearMarkerIfEmpty(ticketId)]),
      { ordered: true },
    );
  }

  private async insertIgnoringDuplicates(documents: EventDocument[]): Promise<void> {
    try {
      await this.events.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const failed = writeErrorsOf(error).find((writeError) => writeError.code !== DUPLICATE_KEY);
      if (failed) throw new Error(`event ${documents[failed.index]!._id} was not moved to the audit trail: ${failed.errmsg ?? 'write error'}`);
    }
  }

  async outboxLagMs(now: Date): Promise<number> {
    const oldest = await this.tickets.find({ outboxSince: { $exists: true } }, { projection: { outboxSince: 1 } }).sort({ outboxSince: 1 }).limit(1).next();
    return oldest?.outboxSince ? Math.max(0, now.getTime() - Date.parse(oldest.outboxSince)) : 0;
  }
}

/** Tickets with unpublished events: all, or only `ticketIds`, or only those committed before `committedBefore`. */
function outboxFilter(filter: OutboxFilter) {
  return {
    ...(filter.ticketIds ? { _id: { $in: [...filter.ticketIds] } } : {}),
    outboxSince: filter.committedBefore === undefined ? { $exists: true } : { $lt: filter.committedBefore },
  };
}

const pullFrom = (events: readonly TicketEvent[]) => ({ $pull: { outbox: { id: { $in: events.map((event) => event.id) } } } });

/** Clears the pending marker of a ticket whose outbox is now empty (nothing was committed meanwhile). */
const clearMarkerIfEmpty = (ticketId: string): AnyBulkWriteOperation<TicketDocument> => ({
  updateOne: { filter: { _id: ticketId, outbox: { $size: 0 }, outboxSince: { $exists: true } }, update: { $unset: { outboxSince: '' } } },
});

/** The driver gives one WriteError or a list, depending on how many statements failed. */
const writeErrorsOf = (error: MongoBulkWriteError): WriteError[] => ([] as WriteError[]).concat(error.writeErrors as WriteError | WriteError[]);
