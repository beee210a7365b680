import { describe, expect, it } from 'vitest';
import { MongoCommandError } from './errors';
import { defaultIndexName, Index } from './indexes';

const NS = 'desk.tickets';

describe('Index.keysOf', () => {
  it('makes one key per document, null for missing fields', () => {
    const index = new Index({ v: 2, key: { status: 1, 'customer.email': 1 }, name: 'x' }, NS);

    expect(index.keysOf({ status: 'open', customer: { email: 'a@b' } })).toEqual({ keys: [['open', 'a@b']], arrayField: -1 });
    expect(index.keysOf({ status: 'open' })).toEqual({ keys: [['open', null]], arrayField: -1 });
  });

  it('expands one array field into a key per distinct element (multikey)', () => {
    const index = new Index({ v: 2, key: { status: 1, tags: 1 }, name: 'x' }, NS);

    expect(index.keysOf({ status: 'open', tags: ['b', 'a', 'b'] })).toEqual({ keys: [['open', 'a'], ['open', 'b']], arrayField: 1 });
  });

  it('reaches into arrays of subdocuments', () => {
    const index = new Index({ v: 2, key: { 'items.sku': 1 }, name: 'x' }, NS);

    expect(index.keysOf({ items: [{ sku: 'b' }, { sku: 'a' }] }).keys).toEqual([['a'], ['b']]);
  });

  it('refuses two array fields in one compound key', () => {
    const index = new Index({ v: 2, key: { a: 1, b: 1 }, name: 'x' }, NS);

    expect(() => index.keysOf({ a: [1, 2], b: [3] })).toThrow(expect.objectContaining({ code: 171 }));
  });

  it('leaves documents without any indexed field out of a sparse index, and non-matching ones out of a partial index', () => {
    const sparse = new Index({ v: 2, key: { assignee: 1 }, name: 'x', sparse: true }, NS);
    const partial = new Index({ v: 2, key: { createdAt: 1 }, name: 'y', partialFilterExpression: { status: 'open' } }, NS);

    expect(sparse.keysOf({ title: 't' }).keys).toEqual([]);
    expect(sparse.keysOf({ assignee: null }).keys).toEqual([[null]]);
    expect(partial.keysOf({ status: 'closed', createdAt: 1 }).keys).toEqual([]);
    expect(partial.keysOf({ status: 'open', createdAt: 1 }).keys).toEqual([[1]]);
  });
});

describe('unique indexes', () => {
  it('find the key another record already holds, and describe it like mongod', () => {
    const index = new Index({ v: 2, key: { email: 1 }, name: 'email_1', unique: true }, NS);
    index.add(1, index.keysOf({ email: 'a@b' }));

    expect(index.conflictingKey(index.keysOf({ email: 'a@b' }).keys, 1)).toBeUndefined();
    const conflict = index.conflictingKey(index.keysOf({ email: 'a@b' }).keys, 2);
    expect(conflict).toEqual(['a@b']);
    const error = index.duplicateKeyError(conflict!);
    expect(error).toBeInstanceOf(MongoCommandError);
    expect(error).toMatchObject({ code: 11000, details: { keyPattern: { email: 1 }, keyValue: { email: 'a@b' } } });
    expect(error.message).toBe('E11000 duplicate key error collection: desk.tickets index: email_1 dup key: { email: "a@b" }');
  });

  it('include the _id index, whose spec does not say so', () => {
    const index = new Index({ v: 2, key: { _id: 1 }, name: '_id_' }, NS);
    index.add(1, index.keysOf({ _id: 'T-1' }));

    expect(index.unique).toBe(true);
    expect(index.conflictingKey(index.keysOf({ _id: 'T-1' }).keys, 2)).toEqual(['T-1']);
  });

  it('fail to build over existing duplicates', () => {
    const index = new Index({ v: 2, key: { email: 1 }, name: 'email_1', unique: true }, NS);

    expect(() => index.build([[1, { email: 'x' }], [2, { email: 'x' }]])).toThrow(/E11000/);
  });
});

describe('defaultIndexName', () => {
  it('joins fields and directions', () => {
    expect(defaultIndexName({ status: 1, createdAt: -1 })).toBe('status_1_createdAt_-1');
  });
});
