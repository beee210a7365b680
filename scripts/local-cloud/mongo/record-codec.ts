import { crc32 } from 'node:zlib';
import { BSON } from 'bson';
import type { Doc } from './documents';
import type { IndexSpec } from './indexes';
import { encodeDocument } from './stored-documents';

/** One durable change; the journal and the snapshot are both sequences of these. */
export type JournalRecord =
  | { op: 'createCollection'; db: string; coll: string; uuid: string }
  | { op: 'dropCollection'; db: string; coll: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'createIndex'; db: string; coll: string; spec: IndexSpec }
  | { op: 'dropIndex'; db: string; coll: string; name: string }
  /** The whole new state of a document (insert, update or replace), decoded and as BSON. */
  | { op: 'put'; db: string; coll: string; doc: Doc; bytes: Uint8Array }
  | { op: 'delete'; db: string; coll: string; id: unknown };

const HEADER_BYTES = 4;

/**
 * Frames a record as `crc32(bson) | bson`. BSON already starts with its own length, and the
 * checksum lets recovery tell a record torn by a crash from a complete one.
 */
export function encodeRecord(record: JournalRecord): Buffer {
  if (record.op === 'put') return encodePut(record.db, record.coll, record.bytes);
  return frame(BSON.serialize(record));
}

/**
 * A put record around a document's BSON as stored, without encoding the document again. The
 * bytes are those of `BSON.serialize({ op: 'put', db, coll, doc })`.
 */
export function encodePut(db: string, coll: string, docBytes: Uint8Array): Buffer {
  const head = BSON.serialize({ op: 'put', db, coll });
  // head is length | elements | 0x00; the doc goes in as one more element before the final 0x00.
  const headElements = head.subarray(4, head.length - 1);
  const bodyLength = 4 + headElements.length + 1 + DOC_KEY.length + docBytes.length + 1;
  const framed = Buffer.allocUnsafe(HEADER_BYTES + bodyLength);
  let offset = framed.writeInt32LE(bodyLength, HEADER_BYTES);
  framed.set(headElements, offset);
  offset += headElements.length;
  offset = framed.writeUInt8(EMBEDDED_DOCUMENT, offset);
  framed.set(DOC_KEY, offset);
  framed.set(docBytes, offset + DOC_KEY.length);
  framed.writeUInt8(0, framed.length - 1);
  framed.writeUInt32LE(crc32(framed.subarray(HEADER_BYTES)), 0);
  return framed;
}

const EMBEDDED_DOCUMENT = 0x03;
const STRING = 0x02;
const DOC_KEY = Buffer.from('doc\0', 'latin1');

function frame(body: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(HEADER_BYTES + body.length);
  framed.writeUInt32LE(crc32(body), 0);
  framed.set(body, HEADER_BYTES);
  return framed;
}

/**
 * The BSON of a put record's `doc` (the record's last field, after op, db and coll), so recovery
 * stores it without encoding it again; undefined for a record of another shape.
 */
function docBytesOf(body: Buffer): Uint8Array | undefined {
  let offset = 4;
  while (offset < body.length - 1) {
    const type = body[offset]!;
    if (type !== STRING && type !== EMBEDDED_DOCUMENT) return undefined;
    const keyEnd = body.indexOf(0, offset + 1);
    if (keyEnd < 0) return undefined;
    const key = body.toString('latin1', offset + 1, keyEnd);
    offset = keyEnd + 1;
    const length = body.readInt32LE(offset);
    if (type === EMBEDDED_DOCUMENT) return key === 'doc' ? body.subarray(offset, offset + length) : undefined;
    offset += 4 + length;
  }
  return undefined;
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
    if (record.op === 'put') record.bytes = docBytesOf(body) ?? encodeDocument(record.doc as Doc);
    onRecord(record as JournalRecord);
    offset = end;
  }
  return offset;
}
