import { BSON, Long } from 'bson';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';

/** mongod's default first batch size for find and aggregate. */
const DEFAULT_FIRST_BATCH = 101;
/** Keeps a reply under the 16 MiB BSON limit with room for the envelope. */
const MAX_BATCH_BYTES = 15 * 1024 * 1024;
/** Idle cursors are reaped after this long, like mongod's cursorTimeoutMillis. */
export const CURSOR_IDLE_MS = 10 * 60 * 1000;

export interface CursorOptions {
  /** Documents in the first batch; undefined for the default (101). */
  readonly batchSize?: number;
  /** Close the cursor after the first batch. */
  readonly singleBatch?: boolean;
  /** Applied to every batch (find projections). */
  readonly project?: (docs: Doc[]) => Doc[];
}

interface OpenCursor {
  readonly ns: string;
  readonly docs: Iterator<Doc>;
  readonly project?: (docs: Doc[]) => Doc[];
  /** A document pulled to learn whether more follow, returned first by the next batch. */
  pending: Doc | undefined;
  lastUsed: number;
}

/** The cursor sub-document of find/aggregate/getMore replies. */
export type CursorReply = { id: Long; ns: string } & ({ firstBatch: Doc[] } | { nextBatch: Doc[] });

/** Open server-side cursors, continued by getMore until exhausted, killed or idle too long. */
export class CursorRegistry {
  private readonly open = new Map<number, OpenCursor>();
  private nextId = 1 + Math.floor(Math.random() * 2 ** 40);

  constructor(private readonly now: () => number = Date.now) {}

  firstBatch(ns: string, docs: Iterator<Doc>, options: CursorOptions = {}): CursorReply {
    const cursor: OpenCursor = { ns, docs, pending: undefined, lastUsed: this.now(), ...(options.project ? { project: options.project } : {}) };
    const { batch, exhausted } = fillBatch(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    let id = 0;
    if (!exhausted && !options.singleBatch) {
      id = this.nextId++;
      this.open.set(id, cursor);
    }
    return { id: Long.fromNumber(id), ns, firstBatch: cursor.project ? cursor.project(batch) : batch };
  }

  getMore(id: number, ns: string, batchSize: number | undefined): CursorReply {
    const cursor = this.open.get(id);
    if (!cursor || cursor.ns !== ns) throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
    cursor.lastUsed = this.now();
    const { batch, exhausted } = fillBatch(cursor, batchSize || Infinity);
    if (exhausted) this.open.delete(id);
    return { id: Long.fromNumber(exhausted ? 0 : id), ns, nextBatch: cursor.project ? cursor.project(batch) : batch };
  }

  /** Kills the given cursors and reports which existed. */
  kill(ids: readonly number[]): { killed: number[]; notFound: number[] } {
    const killed = ids.filter((id) => this.open.delete(id));
    return { killed, notFound: ids.filter((id) => !killed.includes(id)) };
  }

  /** Kills the cursors over a dropped collection (`db.coll`) or database (`db.`). */
  killNamespace(nsOrDbPrefix: string): void {
    for (const [id, cursor] of this.open) {
      if (cursor.ns === nsOrDbPrefix || (nsOrDbPrefix.endsWith('.') && cursor.ns.startsWith(nsOrDbPrefix))) this.open.delete(id);
    }
  }

  reapIdle(): void {
    const cutoff = this.now() - CURSOR_IDLE_MS;
    for (const [id, cursor] of this.open) if (cursor.lastUsed < cutoff) this.open.delete(id);
  }

  get size(): number {
    return this.open.size;
  }
}

function fillBatch(cursor: OpenCursor, maxDocs: number): { batch: Doc[]; exhausted: boolean } {
  const batch: Doc[] = [];
  let bytes = 0;
  while (batch.length < maxDocs) {
    const doc = cursor.pending ?? nextDoc(cursor);
    cursor.pending = undefined;
    if (!doc) return { batch, exhausted: true };
    const size = BSON.calculateObjectSize(doc);
    if (batch.length > 0 && bytes + size > MAX_BATCH_BYTES) {
      cursor.pending = doc;
      return { batch, exhausted: false };
    }
    batch.push(doc);
    bytes += size;
  }
  if (maxDocs === 0) return { batch, exhausted: false };
  // Look one ahead so a drained cursor closes with this batch instead of after an empty getMore.
  cursor.pending = nextDoc(cursor);
  return { batch, exhausted: cursor.pending === undefined };
}

function nextDoc(cursor: OpenCursor): Doc | undefined {
  const result = cursor.docs.next();
  return result.done ? undefined : result.value;
}
