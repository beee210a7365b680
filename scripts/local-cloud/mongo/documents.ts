/** A BSON document as deserialized by `bson` (numbers promoted to JS numbers). */
export type Doc = Record<string, unknown>;

/** Plain JSON-like object, as opposed to arrays, dates and BSON value classes (ObjectId, Binary...). */
export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function isOperatorObject(value: unknown): value is Doc {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key.startsWith('$'));
}

/** The values a dotted path reaches inside a document, with MongoDB's multikey semantics. */
export interface PathValues {
  /** `undefined` stands for a missing field. */
  readonly values: unknown[];
  /** True when an array was expanded on the way, i.e. an index over this path is multikey. */
  readonly multikey: boolean;
}

/**
 * Walks `path` through `doc` the way MongoDB builds index keys: arrays are expanded element by
 * element (a leaf array yields each element; an empty one yields itself), a missing field yields
 * `undefined`.
 *
 * @example valuesAtPath({ a: [{ b: 1 }, { b: 2 }] }, ['a', 'b']) // { values: [1, 2], multikey: true }
 */
export function valuesAtPath(doc: unknown, path: readonly string[]): PathValues {
  const values: unknown[] = [];
  const state = { multikey: false };
  collect(doc, path, 0, values, state);
  if (values.length === 0) values.push(undefined);
  return { values, multikey: state.multikey };
}

function collect(value: unknown, path: readonly string[], depth: number, out: unknown[], state: { multikey: boolean }): void {
  if (depth === path.length) {
    if (Array.isArray(value)) {
      state.multikey = true;
      if (value.length === 0) out.push(value);
      else out.push(...(value as unknown[]));
    } else {
      out.push(value);
    }
    return;
  }
  const part = path[depth]!;
  if (Array.isArray(value)) {
    state.multikey = true;
    if (/^\d+$/.test(part)) {
      collect((value as unknown[])[Number(part)], path, depth + 1, out, state);
      return;
    }
    for (const element of value as unknown[]) {
      if (isPlainObject(element)) collect(element[part], path, depth + 1, out, state);
    }
    return;
  }
  if (isPlainObject(value)) collect(value[part], path, depth + 1, out, state);
  else out.push(undefined);
}

/** The value at a dotted path without array expansion (undefined when missing). */
export function getPath(doc: Doc, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (isPlainObject(current)) current = current[part];
    else if (Array.isArray(current) && /^\d+$/.test(part)) current = (current as unknown[])[Number(part)];
    else return undefined;
  }
  return current;
}

/** Sets a dotted path, creating intermediate objects (used to seed upserted documents). */
export function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (isPlainObject(next)) {
      current = next;
    } else {
      const created: Doc = {};
      current[part] = created;
      current = created;
    }
  }
  current[parts[parts.length - 1]!] = value;
}

/** A value as mongod shows it in messages: `"text"`, `ObjectId('…')`, `new Date(…)`, `{ … }`. */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'undefined';
    default:
      break;
  }
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const bsonType = (value as { _bsontype?: unknown } | null)?._bsontype;
  if (bsonType === 'ObjectId') return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
  if (bsonType === 'MinKey' || bsonType === 'MaxKey') return bsonType;
  return JSON.stringify(value) ?? 'null';
}
