import { crc32 } from 'node:zlib';
import { BSON } from 'bson';
import { describe, expect, it } from 'vitest';
import { decodeRecords, encodeRecord } from './record-codec';
import type { JournalRecord } from './record-codec';
import { encodeDocument } from './stored-documents';

const doc = { _id: 1, title: 'first', at: new Date(0), tags: ['a', 'b'], nested: { n: 2 } };
const records: JournalRecord[] = [
  { op: 'createCollection', db: 'desk', coll: 'tickets', uuid: 'abc' },
  { op: 'put', db: 'desk', coll: 'tickets', doc, bytes: encodeDocument(doc) },
  { op: 'delete', db: 'desk', coll: 'tickets', id: 1 },
];

function decodeAll(buffer: Buffer): { decoded: JournalRecord[]; intact: number } {
  const decoded: JournalRecord[] = [];
  const intact = decodeRecords(buffer, (record) => decoded.push(record));
  return { decoded, intact };
}

describe('journal records', () => {
  it('round-trip through their framing', () => {
    const buffer = Buffer.concat(records.map(encodeRecord));

    expect(decodeAll(buffer)).toEqual({ decoded: records, intact: buffer.length });
  });

  it('write a put around the stored BSON exactly as encoding the whole record would, so older journals still read', () => {
    const body = BSON.serialize({ op: 'put', db: 'desk', coll: 'tickets', doc });
    const framed = Buffer.alloc(4 + body.length);
    framed.writeUInt32LE(crc32(body), 0);
    framed.set(body, 4);

    expect(encodeRecord(records[1]!)).toEqual(framed);
  });

  it('hand recovery the BSON of a put document as it was journaled', () => {
    const buffer = Buffer.concat(records.map(encodeRecord));
    const put = decodeAll(buffer).decoded[1] as Extract<JournalRecord, { op: 'put' }>;

    expect(Buffer.from(put.bytes)).toEqual(Buffer.from(encodeDocument(doc)));
  });

  it('stop at a record torn by a crash and report where the intact part ends', () => {
    const whole = records.map(encodeRecord);
    const torn = Buffer.concat([whole[0]!, whole[1]!, whole[2]!.subarray(0, whole[2]!.length - 3)]);

    expect(decodeAll(torn)).toEqual({ decoded: records.slice(0, 2), intact: whole[0]!.length + whole[1]!.length });
  });

  it('stop at a record whose checksum does not match', () => {
    const whole = records.map(encodeRecord);
    const damaged = whole[1]!;
    damaged.writeUInt8(damaged.readUInt8(damaged.length - 2) ^ 0xff, damaged.length - 2);

    expect(decodeAll(Buffer.concat(whole))).toEqual({ decoded: records.slice(0, 1), intact: whole[0]!.length });
  });
});
