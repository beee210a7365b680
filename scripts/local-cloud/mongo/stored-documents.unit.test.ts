import { describe, expect, it } from 'vitest';
import { encodeDocument, StoredDocuments } from './stored-documents';

const ticket = (n: number) => ({ _id: n, title: `ticket ${n}`, createdAt: new Date(n), tags: ['printer'] });

function storeOf(count: number, cacheSize: number): StoredDocuments {
  const docs = new StoredDocuments(cacheSize);
  for (let n = 1; n <= count; n++) docs.set(n, ticket(n), encodeDocument(ticket(n)));
  return docs;
}

describe('StoredDocuments', () => {
  it('decodes documents that fell out of the cache from their BSON', () => {
    const docs = storeOf(10, 2);

    expect(docs.get(1)).toEqual(ticket(1));
    expect(docs.size).toBe(10);
  });

  it('hands out the same object while a document stays cached, and the most recently used stay', () => {
    const docs = storeOf(3, 2);
    const first = docs.get(1);
    const second = docs.get(2);
    docs.get(1);
    docs.get(3); // evicts 2, the least recently used

    expect(docs.get(1)).toBe(first);
    const decodedAgain = docs.get(2);
    expect(decodedAgain).not.toBe(second);
    expect(decodedAgain).toEqual(second);
  });

  it('scans every document in insertion order without evicting the recently used ones', () => {
    const docs = storeOf(5, 2);
    const hot = docs.get(4);
    docs.set(2, { ...ticket(2), title: 'changed' }, encodeDocument({ ...ticket(2), title: 'changed' }));

    expect([...docs.entries()].map(([rid, doc]) => [rid, doc.title])).toEqual([
      [1, 'ticket 1'],
      [2, 'changed'],
      [3, 'ticket 3'],
      [4, 'ticket 4'],
      [5, 'ticket 5'],
    ]);
    expect(docs.get(4)).toBe(hot);
  });

  it('captures the documents as they are now, for a snapshot written while writes go on', () => {
    const docs = storeOf(2, 8);
    const captured = docs.capture();
    docs.set(1, { _id: 1, title: 'changed' }, encodeDocument({ _id: 1, title: 'changed' }));
    docs.set(3, ticket(3), encodeDocument(ticket(3)));
    docs.delete(2);

    expect([...captured].map((bytes) => Buffer.from(bytes))).toEqual([ticket(1), ticket(2)].map((doc) => Buffer.from(encodeDocument(doc))));
  });

  it('forgets a deleted document in both forms', () => {
    const docs = storeOf(3, 8);
    docs.delete(2);

    expect(docs.get(2)).toBeUndefined();
    expect(docs.bytesOf(2)).toBeUndefined();
    expect([...docs.values()].map((doc) => doc._id)).toEqual([1, 3]);
  });

  it('gives back every byte of the BSON it was handed, high bytes included', () => {
    const docs = new StoredDocuments(0);
    const doc = { _id: 1, title: 'Café ✓ 漢字', amount: -1.5, big: 2 ** 40, at: new Date(7) };
    docs.set(1, doc, encodeDocument(doc));

    expect(docs.bytesOf(1)).toEqual(Buffer.from(encodeDocument(doc)));
    expect(docs.get(1)).toEqual(doc);
    expect(docs.dataSize).toBe(encodeDocument(doc).length);
  });
});
