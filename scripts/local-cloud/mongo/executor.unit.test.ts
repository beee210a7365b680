import { describe, expect, it } from 'vitest';
import { Collection } from './collection';
import type { Doc } from './documents';
import { executeQuery } from './executor';
import type { QuerySpec } from './executor';

const STATUSES = ['open', 'waiting', 'closed'];

/** 3,000 tickets, one per second, cycling through statuses; every 4th is deleted. */
function tickets(): Collection {
  const collection = new Collection('desk', 'tickets', '00000000000000000000000000000000');
  for (let i = 0; i < 3_000; i++) {
    collection.insert({ _id: i, status: STATUSES[i % 3], deleted: i % 4 === 0, createdAt: new Date(i * 1000), tags: [`t${i % 5}`] });
  }
  collection.createIndex({ v: 2, key: { status: 1, deleted: 1, createdAt: -1 }, name: 'page' });
  return collection;
}

function run(collection: Collection, spec: Partial<QuerySpec>) {
  const execution = executeQuery(collection, { filter: {}, sort: [], skip: 0, limit: 0, ...spec });
  return { execution, docs: [...execution.docs] };
}

const ids = (docs: Doc[]): unknown[] => docs.map((doc) => doc._id);

describe('executeQuery', () => {
  it('counts from the index keys alone when its bounds are the whole filter, and from the documents otherwise', () => {
    const collection = tickets();
    const openLive = Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 4 !== 0).length;

    const query = (spec: Partial<QuerySpec>) => executeQuery(collection, { filter: {}, sort: [], skip: 0, limit: 0, ...spec });
    const exact = query({ filter: { status: 'open', deleted: false } });
    expect(exact.count()).toBe(openLive);
    expect(exact.stats).toEqual({ keysExamined: openLive, docsExamined: 0 });

    const paged = query({ filter: { status: 'open', deleted: false }, skip: 10, limit: 5 });
    expect(paged.count()).toBe(5);

    const filtered = query({ filter: { status: 'open', deleted: false, 'tags.0': 't0' } });
    expect(filtered.count()).toBe(Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 4 !== 0 && i % 5 === 0).length);
    expect(filtered.stats.docsExamined).toBe(openLive);
  });

  it('reads a filtered, sorted page from the index, examining only that page', () => {
    const collection = tickets();

    const { execution, docs } = run(collection, {
      filter: { status: 'open', deleted: false },
      sort: [{ path: 'createdAt', direction: -1 }],
      limit: 20,
    });

    expect(execution.plan).toMatchObject({ kind: 'ixscan', index: { name: 'page' } });
    expect(execution.blockingSort).toBe(false);
    expect(execution.stats).toEqual({ keysExamined: 20, docsExamined: 20 });
    const expected = Array.from({ length: 3_000 }, (_, i) => i).filter((i) => i % 3 === 0 && i % 4 !== 0).reverse().slice(0, 20);
    expect(ids(docs)).toEqual(expected);
  });

  it('skips, and walks backwards for the reverse sort', () => {
    const collection = tickets();

    const { execution, docs } = run(collection, {
      filter: { status: 'open', deleted: false },
      sort: [{ path: 'createdAt', direction: 1 }],
      skip: 2,
      limit: 3,
    });

    expect(execution.plan).toMatchObject({ direction: -1 });
    expect(ids(docs)).toEqual([9, 15, 18]);
    expect(execution.stats.docsExamined).toBe(5);
  });

  it('merges the walks of several $in values into one sorted stream', () => {
    const collection = tickets();

    const { execution, docs } = run(collection, {
      filter: { status: { $in: ['open', 'waiting'] }, deleted: false },
      sort: [{ path: 'createdAt', direction: -1 }],
      limit: 6,
    });

    expect(execution.blockingSort).toBe(false);
    expect(ids(docs)).toEqual([2998, 2997, 2995, 2994, 2991, 2989]);
    expect(execution.stats.docsExamined).toBeLessThanOrEqual(8);
  });

  it('honours exclusive range bounds on a later index field', () => {
    const collection = tickets();

    const { docs } = run(collection, { filter: { status: 'open', deleted: false, createdAt: { $gt: new Date(2_985_000), $lte: new Date(2_997_000) } } });

    expect(ids(docs)).toEqual([2997, 2994, 2991]);
  });

  it('sorts in memory when no index provides the order, keeping only skip + limit', () => {
    const collection = tickets();

    const { execution, docs } = run(collection, { filter: { deleted: true }, sort: [{ path: 'tags', direction: -1 }, { path: '_id', direction: 1 }], limit: 2 });

    expect(execution).toMatchObject({ plan: { kind: 'collscan' }, blockingSort: true });
    expect(ids(docs)).toEqual([4, 24]);
  });

  it('applies the whole filter to every candidate, beyond what the index bounds cover', () => {
    const collection = tickets();

    const { docs } = run(collection, { filter: { status: 'open', deleted: false, tags: 't0' }, limit: 3 });

    expect(ids(docs)).toEqual([2985, 2970, 2955]);
  });

  it('keeps a lazily continued scan consistent with writes made between batches', () => {
    const collection = tickets();
    const { docs } = executeQuery(collection, { filter: { status: 'open', deleted: false }, sort: [{ path: 'createdAt', direction: -1 }], skip: 0, limit: 0 });
    const first = [docs.next().value, docs.next().value].map((doc) => (doc as Doc)._id);

    collection.remove(collection.ridOfId(2985)!);
    collection.insert({ _id: 'late', status: 'open', deleted: false, createdAt: new Date(2_983_500) });
    const rest = [...docs].map((doc) => doc._id);

    expect(first).toEqual([2997, 2994]);
    expect(rest.slice(0, 4)).toEqual([2991, 'late', 2982, 2979]);
    expect(new Set([...first, ...rest]).size).toBe(first.length + rest.length);
  });
});
