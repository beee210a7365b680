import { ObjectId } from 'bson';
import { describe, expect, it } from 'vitest';
import { applyUpdate, updateKind, upsertSeed, withId } from './updates';

const existing = (doc: Record<string, unknown>, change: Parameters<typeof applyUpdate>[1], query = {}) =>
  applyUpdate(doc, change, { query, inserting: false });

describe('applyUpdate', () => {
  it('applies field operators without touching the stored document', () => {
    const stored = { _id: 1, n: 1, tags: ['a'], nested: { keep: true, drop: 1 }, low: 5, high: 5 };

    const next = existing(stored, {
      $set: { 'nested.added': 'x', title: 't' },
      $unset: { 'nested.drop': '' },
      $inc: { n: 2, counter: 1 },
      $addToSet: { tags: { $each: ['a', 'b'] } },
      $min: { low: 3 },
      $max: { high: 9 },
    });

    expect(next).toEqual({ _id: 1, n: 3, tags: ['a', 'b'], nested: { keep: true, added: 'x' }, low: 3, high: 9, title: 't', counter: 1 });
    expect(stored).toEqual({ _id: 1, n: 1, tags: ['a'], nested: { keep: true, drop: 1 }, low: 5, high: 5 });
  });

  it('pushes with $each and $slice, on an existing array and on a missing field alike', () => {
    const change = { $push: { recent: { $each: [3, 4, 5], $slice: -3 } } };

    expect(existing({ _id: 1, recent: [1, 2] }, change).recent).toEqual([3, 4, 5]);
    expect(existing({ _id: 1 }, change).recent).toEqual([3, 4, 5]);
    expect(existing({ _id: 1 }, { $push: { recent: { $each: [1, 2, 3], $slice: 2 } } }).recent).toEqual([1, 2]);
  });

  it('pulls by value and by condition', () => {
    const next = existing({ _id: 1, tags: ['a', 'b', 'c'], scores: [1, 5, 9] }, { $pull: { tags: 'b', scores: { $gte: 5 } } });

    expect(next).toMatchObject({ tags: ['a', 'c'], scores: [1] });
  });

  it('sets $currentDate to a date', () => {
    expect(existing({ _id: 1 }, { $currentDate: { updatedAt: true } }).updatedAt).toBeInstanceOf(Date);
  });

  it('updates the array element matched by the query through the positional operator', () => {
    const next = existing({ _id: 1, items: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: 1 }] }, { $inc: { 'items.$.qty': 5 } }, { 'items.sku': 'b' });

    expect(next.items).toEqual([{ sku: 'a', qty: 1 }, { sku: 'b', qty: 6 }]);
  });

  it('updates array elements chosen by arrayFilters', () => {
    const next = applyUpdate({ _id: 1, grades: [80, 95, 100] }, { $set: { 'grades.$[high]': 90 } }, { query: {}, inserting: false, arrayFilters: [{ high: { $gte: 95 } }] });

    expect(next.grades).toEqual([80, 90, 90]);
  });

  it('replaces the whole document but keeps its _id', () => {
    expect(existing({ _id: 7, a: 1, b: 2 }, { c: 3 })).toEqual({ _id: 7, c: 3 });
  });

  it('runs pipeline-style updates', () => {
    expect(existing({ _id: 1, a: 2 }, [{ $set: { b: { $multiply: ['$a', 10] } } }])).toEqual({ _id: 1, a: 2, b: 20 });
  });

  it('applies $setOnInsert only when inserting', () => {
    const change = { $set: { a: 1 }, $setOnInsert: { createdBy: 'seed' } };

    expect(existing({ _id: 1 }, change)).toEqual({ _id: 1, a: 1 });
    expect(applyUpdate({ _id: 1 }, change, { query: {}, inserting: true })).toEqual({ _id: 1, a: 1, createdBy: 'seed' });
  });

  it('refuses to change _id (ImmutableField)', () => {
    expect(() => existing({ _id: 1 }, { $set: { _id: 2 } })).toThrow(expect.objectContaining({ code: 66 }));
    expect(() => existing({ _id: 1 }, { _id: 2, a: 1 })).toThrow(expect.objectContaining({ code: 66 }));
  });

  it('reports type mismatches that mongod reports', () => {
    expect(() => existing({ _id: 1, n: 'x' }, { $inc: { n: 1 } })).toThrow(expect.objectContaining({ code: 14 }));
    expect(() => existing({ _id: 1 }, { $inc: { n: 'x' } })).toThrow(expect.objectContaining({ code: 14 }));
    expect(() => existing({ _id: 1, tags: 'x' }, { $push: { tags: 1 } })).toThrow(expect.objectContaining({ code: 2 }));
    expect(() => existing({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } })).toThrow(expect.objectContaining({ code: 40 }));
  });
});

describe('updateKind', () => {
  it('tells operators, replacements and pipelines apart and rejects mixtures', () => {
    expect(updateKind({ $set: { a: 1 } })).toBe('operators');
    expect(updateKind({ a: 1 })).toBe('replacement');
    expect(updateKind([{ $set: { a: 1 } }])).toBe('pipeline');
    expect(() => updateKind({ $set: { a: 1 }, b: 1 })).toThrow(expect.objectContaining({ code: 9 }));
    expect(() => updateKind({ $frobnicate: { a: 1 } })).toThrow(/Unknown modifier/);
  });
});

describe('upsertSeed', () => {
  it('starts from the equality conditions of the filter', () => {
    expect(upsertSeed({ _id: 'k', 'customer.email': 'a@b', version: { $eq: 3 }, score: { $gt: 1 }, $and: [{ tenant: 't' }], title: /x/ })).toEqual({
      _id: 'k',
      customer: { email: 'a@b' },
      version: 3,
      tenant: 't',
    });
  });
});

describe('withId', () => {
  it('puts _id first and generates an ObjectId when missing', () => {
    expect(Object.keys(withId({ a: 1, _id: 2 }))).toEqual(['_id', 'a']);
    expect(withId({ a: 1 })._id).toBeInstanceOf(ObjectId);
    expect(() => withId({ _id: [1] })).toThrow(/array for _id/);
  });
});
