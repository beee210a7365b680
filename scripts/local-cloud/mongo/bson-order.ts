import { MaxKey, MinKey } from 'bson';
import type { Binary, Long, ObjectId, Timestamp } from 'bson';

/**
 * MongoDB's order across BSON types ("Comparison/Sort Order" in the manual). Index keys and
 * in-memory sorts both use it, so an index walk returns what a sort would.
 */
const Rank = {
  minKey: 1,
  null: 2,
  number: 3,
  string: 4,
  object: 5,
  array: 6,
  binary: 7,
  objectId: 8,
  boolean: 9,
  date: 10,
  timestamp: 11,
  regex: 12,
  maxKey: 13,
} as const;

/** Sentinels that sort below / above every other value, used as open index bounds. */
export const MIN_KEY: unknown = new MinKey();
export const MAX_KEY: unknown = new MaxKey();

function bsonTypeOf(value: object): unknown {
  return (value as { _bsontype?: unknown })._bsontype;
}

export function typeRank(value: unknown): number {
  switch (typeof value) {
    case 'undefined':
      return Rank.null;
    case 'number':
    case 'bigint':
      return Rank.number;
    case 'string':
      return Rank.string;
    case 'boolean':
      return Rank.boolean;
    case 'object':
      break;
    default:
      return Rank.object;
  }
  if (value === null) return Rank.null;
  if (Array.isArray(value)) return Rank.array;
  if (value instanceof Date) return Rank.date;
  if (value instanceof RegExp) return Rank.regex;
  if (value instanceof Uint8Array) return Rank.binary;
  switch (bsonTypeOf(value)) {
    case 'MinKey':
      return Rank.minKey;
    case 'MaxKey':
      return Rank.maxKey;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return Rank.number;
    case 'BSONSymbol':
      return Rank.string;
    case 'Binary':
      return Rank.binary;
    case 'ObjectId':
      return Rank.objectId;
    case 'Timestamp':
      return Rank.timestamp;
    case 'BSONRegExp':
      return Rank.regex;
    default:
      return Rank.object;
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  // Long, Int32 and Double expose valueOf()/toNumber(); Decimal128 only a string form.
  const bsonNumber = value as { toNumber?: () => number; valueOf(): unknown; toString(): string };
  if (bsonNumber.toNumber) return bsonNumber.toNumber();
  const primitive = bsonNumber.valueOf();
  return typeof primitive === 'number' ? primitive : Number(bsonNumber.toString());
}

function compareNumbers(a: unknown, b: unknown): number {
  if (bsonTypeOf(a as object) === 'Long' && bsonTypeOf(b as object) === 'Long') return (a as Long).compare(b as Long);
  const x = toNumber(a);
  const y = toNumber(b);
  // NaN sorts below every other number.
  if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
  if (Number.isNaN(y)) return 1;
  return x < y ? -1 : x > y ? 1 : 0;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : String((value as { value: string }).value);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function binaryBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const binary = value as Binary;
  return binary.buffer.subarray(0, binary.position);
}

function compareBinary(a: unknown, b: unknown): number {
  const x = binaryBytes(a);
  const y = binaryBytes(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  const subtypeA = a instanceof Uint8Array ? 0 : (a as Binary).sub_type;
  const subtypeB = b instanceof Uint8Array ? 0 : (b as Binary).sub_type;
  if (subtypeA !== subtypeB) return subtypeA < subtypeB ? -1 : 1;
  return compareBytes(x, y);
}

/** bson 7 keeps an ObjectId as four 24-bit words; `id` would allocate a Buffer per comparison. */
interface ObjectIdWords {
  i0?: number;
  i1: number;
  i2: number;
  i3: number;
}

function compareObjectIds(a: ObjectId, b: ObjectId): number {
  const x = a as unknown as ObjectIdWords;
  const y = b as unknown as ObjectIdWords;
  if (typeof x.i0 !== 'number' || typeof y.i0 !== 'number') return compareBytes(a.id, b.id);
  if (x.i0 !== y.i0) return x.i0 < y.i0 ? -1 : 1;
  if (x.i1 !== y.i1) return x.i1 < y.i1 ? -1 : 1;
  if (x.i2 !== y.i2) return x.i2 < y.i2 ? -1 : 1;
  return x.i3 === y.i3 ? 0 : x.i3 < y.i3 ? -1 : 1;
}

/** Byte-wise order; a JS loop beats a native call for 12-byte ObjectIds. */
function compareBytes(x: Uint8Array, y: Uint8Array): number {
  const common = Math.min(x.length, y.length);
  for (let i = 0; i < common; i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return sign(x.length - y.length);
}

function compareObjects(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  const common = Math.min(keysA.length, keysB.length);
  for (let i = 0; i < common; i++) {
    const keyA = keysA[i]!;
    const keyB = keysB[i]!;
    const rankOrder = typeRank(a[keyA]) - typeRank(b[keyB]);
    if (rankOrder !== 0) return sign(rankOrder);
    const nameOrder = compareStrings(keyA, keyB);
    if (nameOrder !== 0) return nameOrder;
    const valueOrder = compareValues(a[keyA], b[keyB]);
    if (valueOrder !== 0) return valueOrder;
  }
  return sign(keysA.length - keysB.length);
}

function compareArrays(a: unknown[], b: unknown[]): number {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const order = compareValues(a[i], b[i]);
    if (order !== 0) return order;
  }
  return sign(a.length - b.length);
}

/**
 * Total order over BSON values as MongoDB defines it: first by type rank, then by value
 * (numbers across int/long/double, strings by code unit, ObjectIds by bytes, documents field by field).
 *
 * @example compareValues(1, 'a') // -1: numbers sort before strings
 */
export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  switch (rankA) {
    case Rank.minKey:
    case Rank.null:
    case Rank.maxKey:
      return 0;
    case Rank.number:
      return compareNumbers(a, b);
    case Rank.string:
      return compareStrings(stringOf(a), stringOf(b));
    case Rank.array:
      return compareArrays(a as unknown[], b as unknown[]);
    case Rank.binary:
      return compareBinary(a, b);
    case Rank.objectId:
      return compareObjectIds(a as ObjectId, b as ObjectId);
    case Rank.boolean:
      return a === b ? 0 : a ? 1 : -1;
    case Rank.date:
      return sign((a as Date).getTime() - (b as Date).getTime());
    case Rank.timestamp: {
      const x = a as Timestamp;
      const y = b as Timestamp;
      return x.t !== y.t ? sign(x.t - y.t) : sign(x.i - y.i);
    }
    case Rank.regex: {
      const x = regexParts(a);
      const y = regexParts(b);
      return compareStrings(x.source, y.source) || compareStrings(x.flags, y.flags);
    }
    default:
      return compareObjects(a as Record<string, unknown>, b as Record<string, unknown>);
  }
}

function regexParts(value: unknown): { source: string; flags: string } {
  if (value instanceof RegExp) return { source: value.source, flags: value.flags };
  const regex = value as { pattern: string; options: string };
  return { source: regex.pattern, flags: regex.options };
}
