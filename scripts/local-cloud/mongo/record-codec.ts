import { crc32 } from 'node:zlib';
import { BSON } from 'bson';
import type { Doc } from './documents';
import type { IndexSpec } from './indexes';

/** One durable change; the journal and the snapshot are both sequences of these. */
export type JournalRecord =
  | { op: 'createCollection'; db: string; coll: string; uuid: string }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  /** The whole new state of a document (insert, update or replace). */
  | { op: 'put'; db: string; coll: string; doc: Doc }
  | { op: 'delete'; db: string; coll: string; id: unknown };

const HEADER_BYTES = 4;

/**
 * Frames a record as `crc32(bson) | bson`. BSON already starts with its own length, and the
 * checksum lets recovery tell a record torn by a crash from a complete one.
 */
export function encodeRecord(record: JournalRecord): Buffer {
  const body = BSON.serialize(record);
  const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  framed.writeUInt32LE(crc32(body), 0);
  framed.set(body, HEADER_BYTES);
  return framed;
}

/**
 * Calls `onRecord` for each intact record from the start of `buffer` and returns how many bytes
 * they span: anything after that is a torn tail to cut off.
 */
export function decodeRecords(buffer: Uint8Array, onRecord: (record: JournalRecord) => void): number {
  const view = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let offset = 0;
  while (offset + HEADER_BYTES + 5 <= view.length) {
    const bodyLength = view.readInt32LE(offset + HEADER_BYTES);
    const end = offset + HEADER_BYTES + bodyLength;
    if (bodyLength < 5 || end > view.length) break;
    const body = view.subarray(offset + HEADER_BYTES, end);
    if (crc32(body) !== view.readUInt32LE(offset)) break;
    const record: Doc = BSON.deserialize(body);
    if (typeof record.op !== 'string') break;
    onRecord(record as JournalRecord);
    offset = end;
  }
  return offset;
}
