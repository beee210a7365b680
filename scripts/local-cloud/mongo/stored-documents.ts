import { BSON } from 'bson';
import type { Doc } from './documents';

/** Decoded documents kept per collection: enough for the pages and writes in flight, small in RAM. */
const DEFAULT_DECODED_CACHE = 2048;

/**
 * A collection's documents by record id, kept as BSON. Decoded as JS objects a document takes about
 * twice its BSON size, so only recently used documents stay decoded. Documents are immutable once
 * stored, so a cached object can be handed to any number of readers.
 *
 * The BSON is held in a one-byte (latin1) string: one heap object with a 24-byte header that the GC
 * never scans. A Uint8Array per document costs about 700 bytes of bookkeeping and malloc overhead
 * besides its data, more than the decoded objects themselves for a 500-byte ticket.
 */
export class StoredDocuments {
  /** Record id → BSON as latin1; Map order is insertion order, i.e. MongoDB's natural order. */
  private readonly encoded = new Map<number, string>();
  /** Least recently used first. */
  private readonly decoded = new Map<number, Doc>();

  constructor(private readonly cacheSize = DEFAULT_DECODED_CACHE) {}

  get size(): number {
    return this.encoded.size;
  }

  /** Stores `doc`, whose BSON is `bytes` (the caller encoded it once, for the journal too). */
  set(rid: number, doc: Doc, bytes: Uint8Array): void {
    this.encoded.set(rid, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
    this.remember(rid, doc);
  }

  get(rid: number): Doc | undefined {
    const cached = this.decoded.get(rid);
    if (cached) {
      this.decoded.delete(rid);
      this.decoded.set(rid, cached);
      return cached;
    }
    const stored = this.encoded.get(rid);
    if (stored === undefined) return undefined;
    const doc = decodeStored(stored);
    this.remember(rid, doc);
    return doc;
  }

  bytesOf(rid: number): Buffer | undefined {
    const stored = this.encoded.get(rid);
    return stored === undefined ? undefined : Buffer.from(stored, 'latin1');
  }

  delete(rid: number): void {
    this.encoded.delete(rid);
    this.decoded.delete(rid);
  }

  /**
   * Every document in natural order. Iteration is live (deleted ones are skipped, appended ones
   * visited), and a scan does not push the recently used documents out of the cache.
   */
  *entries(): Generator<[number, Doc], void, undefined> {
    for (const [rid, stored] of this.encoded) yield [rid, this.decoded.get(rid) ?? decodeStored(stored)];
  }

  *values(): Generator<Doc, void, undefined> {
    for (const [, doc] of this.entries()) yield doc;
  }

  /**
   * Every document's BSON as of now, in natural order, for a snapshot written while writes go on.
   * Taking it copies references only; each document becomes a buffer as the writer reaches it.
   */
  capture(): Iterable<Buffer> {
    const frozen = [...this.encoded.values()];
    return {
      *[Symbol.iterator]() {
        for (const stored of frozen) yield Buffer.from(stored, 'latin1');
      },
    };
  }

  /** The documents' BSON size in bytes, summed (collStats' `size`). */
  get dataSize(): number {
    let bytes = 0;
    for (const stored of this.encoded.values()) bytes += stored.length;
    return bytes;
  }

  private remember(rid: number, doc: Doc): void {
    this.decoded.delete(rid);
    this.decoded.set(rid, doc);
    if (this.decoded.size > this.cacheSize) this.decoded.delete(this.decoded.keys().next().value!);
  }
}

/** Decodes stored BSON the way documents arrive from the wire (default promotions). */
function decodeStored(stored: string): Doc {
  return BSON.deserialize(Buffer.from(stored, 'latin1'));
}

export function encodeDocument(doc: Doc): Uint8Array {
  return BSON.serialize(doc);
}
