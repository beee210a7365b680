import { update as mingoUpdate } from 'mingo';
import type { Modifier } from 'mingo/updater';
import { cloneDeep } from 'mingo/util';
import { describe, expect, it } from 'vitest';
import type { Doc } from './documents';
import { applySimpleUpdate } from './simple-updates';

const ticket = (): Doc => ({
  _id: 't-1',
  title: 'Printer offline',
  version: 3,
  triage: { status: 'done', steps: ['restart'] },
  outbox: [{ id: 'e-1' }],
  appliedEventIds: ['a', 'b', 'c'],
  outboxSince: '2025-01-02T00:00:00.000Z',
});

/** What mingo (the path every other update takes) makes of the same update. */
function byMingo(doc: Doc, operators: Doc): Doc {
  const copy = cloneDeep<Doc>(doc);
  mingoUpdate(copy, operators as Modifier<Doc>, undefined, undefined, { cloneMode: 'copy' });
  return copy;
}

describe('simple updates', () => {
  it.each<[string, Doc]>([
    ['$set on existing and new fields', { $set: { title: 'Printer back', version: 4, triage: { status: 'pending' }, assignee: 'ada' } }],
    ['$unset of present and absent fields', { $unset: { outboxSince: '', neverThere: '' } }],
    ['$inc of present and absent fields', { $inc: { version: 1, reopened: 2 } }],
    ['$min that replaces', { $min: { outboxSince: '2025-01-01T00:00:00.000Z' } }],
    ['$min that keeps', { $min: { outboxSince: '2025-02-01T00:00:00.000Z' } }],
    ['$min on an absent field', { $min: { firstSeen: '2025-02-01T00:00:00.000Z' } }],
    ['$max that replaces and that keeps', { $max: { version: 9, outboxSince: '2024-01-01T00:00:00.000Z' } }],
    ['$push of one value', { $push: { outbox: { id: 'e-2' } } }],
    ['$push $each onto an absent field', { $push: { tags: { $each: ['a', 'b'] } } }],
    ['$push $each with a negative $slice', { $push: { appliedEventIds: { $each: ['d', 'e'], $slice: -3 } } }],
    ['$push $each with a positive $slice', { $push: { appliedEventIds: { $each: ['d'], $slice: 2 } } }],
    ['$push $each with $slice 0', { $push: { appliedEventIds: { $each: ['d'], $slice: 0 } } }],
    ['a ticket commit', { $set: { version: 4, title: 'x' }, $push: { outbox: { $each: [{ id: 'e-2' }] }, appliedEventIds: { $each: [], $slice: -200 } }, $min: { outboxSince: '2025-03-01T00:00:00.000Z' } }],
    ['an outbox claim', { $set: { outboxClaim: 'token', outboxClaimUntil: '2025-01-01T00:01:00.000Z' } }],
  ])('%s: as mingo applies it, field order included, the input untouched', (_, operators) => {
    const doc = ticket();
    const before = cloneDeep(doc);
    const simple = applySimpleUpdate(doc, operators);
    const expected = byMingo(doc, operators);
    expect(simple).toEqual(expected);
    expect(Object.keys(simple!)).toEqual(Object.keys(expected));
    expect(doc).toEqual(before);
  });

  it.each<[string, Doc]>([
    ['a dotted path', { $set: { 'triage.status': 'done' } }],
    ['a positional path', { $set: { 'outbox.$.id': 'x' } }],
    ['_id', { $set: { _id: 'other' } }],
    ['a numeric-looking field name', { $set: { '1': 'x' } }],
    ['$pull', { $pull: { outbox: { id: { $in: ['e-1'] } } } }],
    ['$addToSet', { $addToSet: { tags: 'a' } }],
    ['one field under two operators', { $set: { version: 1 }, $inc: { version: 1 } }],
    ['$inc of a non-number', { $inc: { title: 1 } }],
    ['$inc by a non-number', { $inc: { version: '1' } }],
    ['$push onto a non-array', { $push: { title: 'x' } }],
    ['$push with $position', { $push: { outbox: { $each: [{ id: 'e-0' }], $position: 0 } } }],
    ['$push with $sort', { $push: { appliedEventIds: { $each: ['z'], $sort: 1 } } }],
  ])('leaves %s to mingo', (_, operators) => {
    expect(applySimpleUpdate(ticket(), operators)).toBeUndefined();
  });
});
