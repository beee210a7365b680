import { describe, expect, it, vi } from 'vitest';
import { Catalog } from './catalog';
import { Index } from './indexes';
import type { IndexSpec } from './indexes';
import type { JournalRecord } from './record-codec';
import { encodeDocument } from './stored-documents';

const spec = (name: string, key: Record<string, 1 | -1>, options: Partial<IndexSpec> = {}): IndexSpec => ({ v: 2, key, name, ...options });
const put = (coll: string, doc: Record<string, unknown>): JournalRecord => ({ op: 'put', db: 'desk', coll, doc, bytes: encodeDocument(doc) });
const keysOf = (catalog: Catalog, coll: string, index: string) => [...catalog.collection('desk', coll)!.indexes.get(index)!.scan(undefined, 1)];

describe('Catalog', () => {
  it('replays a run of index builds on one collection in one pass over its documents, in journal order', () => {
    const catalog = new Catalog();
    const buildAll = vi.spyOn(Index, 'buildAll');
    const replay = catalog.replay();
    const records: JournalRecord[] = [
      { op: 'createCollection', db: 'desk', coll: 'tickets', uuid: 'a' },
      put('tickets', { _id: 1, status: 'open', createdAt: 2 }),
      put('tickets', { _id: 2, status: 'closed', createdAt: 1 }),
      { op: 'createIndex', db: 'desk', coll: 'tickets', spec: spec('status', { status: 1 }) },
      { op: 'createIndex', db: 'desk', coll: 'tickets', spec: spec('created', { createdAt: -1 }) },
      { op: 'createIndex', db: 'desk', coll: 'events', spec: spec('ticket', { ticketId: 1 }) },
      put('tickets', { _id: 3, status: 'open', createdAt: 3 }),
    ];
    for (const record of records) replay.apply(record);
    replay.finish();

    expect(buildAll.mock.calls.map(([indexes]) => indexes.map((index) => index.name))).toEqual([['status', 'created'], ['ticket']]);
    expect(keysOf(catalog, 'tickets', 'status')).toEqual([['closed', 2], ['open', 1], ['open', 3]]);
    expect(keysOf(catalog, 'tickets', 'created')).toEqual([[3, 3], [2, 1], [1, 2]]);
    buildAll.mockRestore();
  });

  it('creates several indexes all or none: a duplicate key in one leaves the collection without either', () => {
    const catalog = new Catalog();
    const collection = catalog.ensureCollection('desk', 'users');
    catalog.insert(collection, { _id: 1, email: 'a@x', team: 'red' });
    catalog.insert(collection, { _id: 2, email: 'a@x', team: 'blue' });

    expect(() => catalog.createIndexes(collection, [spec('team', { team: 1 }), spec('email', { email: 1 }, { unique: true })])).toThrow(/E11000 duplicate key/);
    expect([...collection.indexes.keys()]).toEqual(['_id_']);

    expect(catalog.createIndexes(collection, [spec('team', { team: 1 }), spec('team', { team: 1 })])).toEqual(['created', 'exists']);
    // Asking again for indexes that all exist, as every service start does, reads no document.
    const read = vi.spyOn(collection.docs, 'entries');
    expect(catalog.createIndexes(collection, [spec('team', { team: 1 })])).toEqual(['exists']);
    expect(read).not.toHaveBeenCalled();
    expect(() => catalog.createIndexes(collection, [spec('by_team', { team: 1 })])).toThrow(/different name: team/);
  });
});
