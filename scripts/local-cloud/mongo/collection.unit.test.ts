import { describe, expect, it, vi } from 'vitest';
import { Collection } from './collection';
import type { Doc } from './documents';
import { Index, type IndexSpec } from './indexes';
import { applyUpdate } from './updates';

const specs: IndexSpec[] = [
  { v: 2, key: { status: 1, createdAt: -1 }, name: 'status_created' },
  { v: 2, key: { words: 1 }, name: 'words' },
  { v: 2, key: { 'outbox.id': 1 }, name: 'outbox_ids' },
  { v: 2, key: { outboxSince: 1 }, name: 'pending', sparse: true },
  { v: 2, key: { createdAt: 1 }, name: 'open_by_created', partialFilterExpression: { status: 'open' } },
];

function collectionWithIndexes(): Collection {
  const collection = new Collection('desk', 'tickets', 'uuid');
  for (const spec of specs) collection.createIndex(spec);
  return collection;
}

const entriesOf = (index: Index) => [...index.scan(undefined, 1)];

/** Every index of the collection holds exactly the entries a build over its documents would. */
function expectIndexesMatchDocuments(collection: Collection): void {
  for (const index of collection.indexes.values()) {
    const rebuilt = new Index(index.spec, collection.ns);
    rebuilt.build(collection.docs.entries());
    expect(entriesOf(index), index.name).toEqual(entriesOf(rebuilt));
  }
}

const update = (doc: Doc, operators: Doc) => applyUpdate(doc, operators, { query: {}, inserting: false });

describe('Collection.replace', () => {
  it('keeps every index equal to a rebuild through updates that share untouched fields and ones that copy everything', () => {
    const collection = collectionWithIndexes();
    const ids = ['a', 'b', 'c'];
    for (const [n, _id] of ids.entries()) {
      collection.insert({ _id, status: 'open', createdAt: `2025-01-0${n + 1}`, words: ['printer', _id], outbox: [{ id: `${_id}1` }], outboxSince: `2025-01-0${n + 1}` });
    }
    const steps: [string, Doc][] = [
      ['a', { $set: { outbox: [] }, $unset: { outboxSince: '' } }], // a plain update: shares the rest
      ['b', { $set: { status: 'closed' } }], // leaves the partial index
      ['c', { $push: { outbox: { id: 'c2' } } }],
      ['a', { $set: { words: ['scanner', 'a'] }, $min: { outboxSince: '2024-12-31' } }],
      ['b', { $pull: { outbox: { id: 'b1' } } }], // mingo's path: a deep copy
      ['c', { $set: { 'outbox.0.id': 'c0' } }], // a dotted path into the array
      ['b', { $set: { status: 'open' } }], // back into the partial index
      ['a', { $set: { note: 'unindexed' } }],
    ];
    for (const [id, operators] of steps) {
      const rid = collection.ridOfId(id)!;
      collection.replace(rid, update(collection.docs.get(rid)!, operators));
      expectIndexesMatchDocuments(collection);
    }
  });

  it('computes keys only for the indexes that read a changed field (partial indexes always)', () => {
    const collection = collectionWithIndexes();
    const rid = collection.insert({ _id: 'a', status: 'open', createdAt: '2025-01-01', words: ['printer'], outbox: [{ id: 'a1' }], outboxSince: '2025-01-01' });
    const keysOf = vi.spyOn(Index.prototype, 'keysOf');

    collection.replace(rid, update(collection.docs.get(rid)!, { $set: { outbox: [] }, $unset: { outboxSince: '' } }));

    const recomputed = new Set(keysOf.mock.contexts.map((index) => (index as Index).name));
    expect([...recomputed].sort()).toEqual(['open_by_created', 'outbox_ids', 'pending']);
    keysOf.mockRestore();
    expectIndexesMatchDocuments(collection);
  });
});
