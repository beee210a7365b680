import { Binary, Decimal128, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareValues } from './bson-order';

describe('compareValues', () => {
  it('orders types as MongoDB does', () => {
    const ascending = [
      new MinKey(),
      null,
      1,
      'a',
      { a: 1 },
      [1],
      new Binary(Buffer.from([1])),
      new ObjectId('000000000000000000000001'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /a/,
      new MaxKey(),
    ];
    const shuffled = [...ascending].reverse();

    expect(shuffled.sort(compareValues)).toEqual(ascending);
  });

  it('treats missing (undefined) and null as equal', () => {
    expect(compareValues(undefined, null)).toBe(0);
  });

  it('compares numbers across int32, int64, double and decimal', () => {
    expect(compareValues(new Int32(2), 2.0)).toBe(0);
    expect(compareValues(Long.fromNumber(3), 2.5)).toBe(1);
    expect(compareValues(Decimal128.fromString('1.5'), 2)).toBe(-1);
    expect(compareValues(Long.fromString('9007199254740993'), Long.fromString('9007199254740992'))).toBe(1);
    expect(compareValues(Number.NaN, -Infinity)).toBe(-1);
  });

  it('orders ObjectIds by their bytes, i.e. by creation time first', () => {
    const older = ObjectId.createFromTime(1_000);
    const newer = ObjectId.createFromTime(2_000);

    expect(compareValues(older, newer)).toBe(-1);
    expect(compareValues(newer, new ObjectId(newer.toHexString()))).toBe(0);
  });

  it('orders dates, strings and booleans by value', () => {
    expect(compareValues(new Date(1), new Date(2))).toBe(-1);
    expect(compareValues('abc', 'abd')).toBe(-1);
    expect(compareValues(true, false)).toBe(1);
  });

  it('compares documents field by field, then by length', () => {
    expect(compareValues({ a: 1, b: 2 }, { a: 1, b: 3 })).toBe(-1);
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).toBe(-1);
    expect(compareValues({ a: 1 }, { b: 1 })).toBe(-1);
    expect(compareValues({ a: 'x' }, { a: 1 })).toBe(1);
  });

  it('compares arrays element by element', () => {
    expect(compareValues([1, 2], [1, 3])).toBe(-1);
    expect(compareValues([1, 2], [1, 2])).toBe(0);
    expect(compareValues([1], [1, 0])).toBe(-1);
  });

  it('compares binary data by length, then subtype, then bytes', () => {
    expect(compareValues(new Binary(Buffer.from([9])), new Binary(Buffer.from([1, 1])))).toBe(-1);
    expect(compareValues(new Binary(Buffer.from([1]), 0), new Binary(Buffer.from([1]), 4))).toBe(-1);
    expect(compareValues(new Binary(Buffer.from([1, 2])), new Binary(Buffer.from([1, 3])))).toBe(-1);
  });
});
