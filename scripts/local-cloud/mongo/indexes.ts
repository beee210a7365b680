import { Query } from 'mingo';
import { compareValues } from './bson-order';
import { describeValue, valuesAtPath } from './documents';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import { SortedList } from './sorted-list';

/** An index definition as createIndexes receives it and listIndexes returns it. */
export interface IndexSpec {
  readonly v: 2;
  readonly key: Doc;
  readonly name: string;
  readonly unique?: boolean;
  readonly sparse?: boolean;
  readonly partialFilterExpression?: Doc;
  /** TTL: documents whose date in the (single) indexed field is older than this are removed. */
  readonly expireAfterSeconds?: number;
}

export interface IndexField {
  readonly path: string;
  readonly direction: 1 | -1;
}

/**
 * One index entry: the key values (one per indexed field), then the record id of their document. A flat
 * array rather than `{ key, rid }`: an index holds an entry per document (more with arrays), millions at
 * 100,000 tickets, and with the wrapper object an entry took 136 bytes instead of 88.
 */
export type IndexEntry = readonly unknown[];

/**
 * Record ids (from 1) and these scan sentinels stay within V8's small integers: a single non-integer
 * rid, such as an Infinity sentinel, would make V8 box the rid of every entry as a heap number.
 */
const BEFORE_EVERY_RID = 0;
const AFTER_EVERY_RID = 2 ** 30 - 1;

/**
 * Short key strings (statuses, priorities, categories, tags, words) are held once per index instead of
 * once per document: every decoded document brings its own copy of each, and at 100,000 tickets they
 * were two million strings. Bounded, since an index over ids would offer only distinct values.
 */
const INTERNED_MAX_LENGTH = 16;
const INTERNED_PER_INDEX = 10_000;

export interface IndexKeys {
  readonly keys: readonly (readonly unknown[])[];
  /** Position of the key field whose array was expanded into several keys, or -1. */
  readonly arrayField: number;
}

const NOT_INDEXED: IndexKeys = { keys: [], arrayField: -1 };

export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** Parses and validates a key pattern such as `{ status: 1, createdAt: -1 }`. */
export function parseKeyPattern(key: Doc): IndexField[] {
  const fields = Object.entries(key).map(([path, value]): IndexField => {
    if (typeof value !== 'number' || value === 0 || Number.isNaN(value)) {
      throw new MongoCommandError(
        'CannotCreateIndex',
        `Index key '${path}' has unsupported value ${JSON.stringify(value)}: only ascending (1) and descending (-1) keys are supported`,
      );
    }
    return { path, direction: value > 0 ? 1 : -1 };
  });
  if (fields.length === 0) throw new MongoCommandError('CannotCreateIndex', 'Index keys cannot be empty.');
  return fields;
}

/** The default index name MongoDB derives from a key pattern, e.g. `status_1_createdAt_-1`. */
export function defaultIndexName(key: Doc): string {
  return Object.entries(key)
    .map(([path, direction]) => `${path}_${String(direction)}`)
    .join('_');
}

/** An ordered secondary (or _id) index over one collection. */
export class Index {
  readonly fields: readonly IndexField[];
  /** The _id index is unique without saying so in its spec (listIndexes shows no `unique` for it). */
  readonly unique: boolean;
  /** Per key field: set once a document held an array there (mongod's multiKeyPaths). */
  readonly multikeyFields: boolean[];
  private readonly paths: readonly (readonly string[])[];
  /** The top-level fields the key paths start from (`outbox` for `outbox.id`). */
  private readonly roots: readonly string[];
  private readonly partialFilter: Query | undefined;
  private readonly entries: SortedList<IndexEntry>;
  private readonly interned = new Map<string, string>();

  constructor(
    readonly spec: IndexSpec,
    /** `db.collection`, for error messages. */
    private readonly ns: string,
  ) {
    this.fields = parseKeyPattern(spec.key);
    this.unique = spec.unique === true || spec.name === ID_INDEX_SPEC.name;
    this.multikeyFields = this.fields.map(() => false);
    this.paths = this.fields.map((field) => field.path.split('.'));
    this.roots = [...new Set(this.paths.map((path) => path[0]!))];
    this.partialFilter = spec.partialFilterExpression ? new Query(spec.partialFilterExpression, {}) : undefined;
    this.entries = new SortedList<IndexEntry>((a, b) => this.compareEntries(a, b));
  }

  get name(): string {
    return this.spec.name;
  }


  get multikey(): boolean {
    return this.multikeyFields.includes(true);
  }

  /** Compares key values field by field in this index's directions. */
  compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
    for (let i = 0; i < this.fields.length; i++) {
      const order = compareValues(a[i], b[i]);
      if (order !== 0) return order * this.fields[i]!.direction;
    }
    return 0;
  }

  compareEntries(a: IndexEntry, b: IndexEntry): number {
    return this.compareKeys(a, b) || this.ridOf(a) - this.ridOf(b);
  }

  ridOf(entry: IndexEntry): number {
    return entry[this.fields.length] as number;
  }

  /** The entry for `key` and `rid`, sized exactly (spread or push would over-allocate every entry). */
  entryOf(key: readonly unknown[], rid: number): IndexEntry {
    const count = this.fields.length;
    const entry = new Array<unknown>(count + 1);
    for (let i = 0; i < count; i++) entry[i] = this.intern(key[i]);
    entry[count] = rid;
    return entry;
  }

  private intern(value: unknown): unknown {
    if (typeof value !== 'string' || value.length > INTERNED_MAX_LENGTH) return value;
    const held = this.interned.get(value);
    if (held !== undefined) return held;
    if (this.interned.size < INTERNED_PER_INDEX) this.interned.set(value, value);
    return value;
  }

  /** Where a scan starts to meet every entry with `key`: before them, or (going backwards) after them. */
  seekKey(key: readonly unknown[], direction: 1 | -1): IndexEntry {
    return this.entryOf(key, direction === 1 ? BEFORE_EVERY_RID : AFTER_EVERY_RID);
  }

  /**
   * True when `next`, a new version of `previous`, holds the very same values (the same objects, or equal
   * primitives) at every top-level field this index reads, so its keys cannot differ. Stored documents are
   * never changed in place and updates share what they leave alone, so most updates leave most indexes
   * untouched without computing a key. A partial index reads its filter's fields too: never skipped.
   */
  readsSameValues(previous: Doc, next: Doc): boolean {
    return !this.partialFilter && this.roots.every((root) => previous[root] === next[root]);
  }

  /** The keys a document contributes: one per array element of its (single) array field. */
  keysOf(doc: Doc): IndexKeys {
    if (this.partialFilter && !this.partialFilter.test(doc)) return NOT_INDEXED;
    const perField = this.paths.map((path) => valuesAtPath(doc, path));
    if (this.spec.sparse && perField.every(({ values }) => values.length === 1 && values[0] === undefined)) {
      return NOT_INDEXED;
    }
    const arrayFields = perField.flatMap((values, i) => (values.multikey ? [this.fields[i]!.path] : []));
    if (arrayFields.length > 1) {
      throw new MongoCommandError(
        'CannotIndexParallelArrays',
        `cannot index parallel arrays [${arrayFields[1]!}] [${arrayFields[0]!}]`,
      );
    }
    const arrayAt = perField.findIndex((values) => values.multikey);
    const base = perField.map(({ values }) => (values[0] === undefined ? null : values[0]));
    if (arrayAt < 0) return { keys: [base], arrayField: -1 };
    const keys = perField[arrayAt]!.values.map((value) => {
      const key = base.slice();
      key[arrayAt] = value === undefined ? null : value;
      return key;
    });
    keys.sort((a, b) => this.compareKeys(a, b));
    return { keys: keys.filter((key, i) => i === 0 || this.compareKeys(keys[i - 1]!, key) !== 0), arrayField: arrayAt };
  }

  add(rid: number, indexKeys: IndexKeys): void {
    if (indexKeys.arrayField >= 0) this.multikeyFields[indexKeys.arrayField] = true;
    for (const key of indexKeys.keys) this.entries.insert(this.entryOf(key, rid));
  }

  remove(rid: number, indexKeys: IndexKeys): void {
    for (const key of indexKeys.keys) this.entries.delete(this.entryOf(key, rid));
  }

  /** Bulk-loads entries for existing documents (index builds and recovery). */
  build(docs: Iterable<[number, Doc]>): void {
    Index.buildAll([this], docs);
  }

  /**
   * Builds several indexes in one pass over the documents, so each document is decoded once and its
   * values (ids, dates) are shared by the entries of every index instead of copied into each.
   */
  static buildAll(indexes: readonly Index[], docs: Iterable<[number, Doc]>): void {
    const entries = indexes.map((): IndexEntry[] => []);
    for (const [rid, doc] of docs) {
      indexes.forEach((index, i) => {
        const indexKeys = index.keysOf(doc);
        if (indexKeys.arrayField >= 0) index.multikeyFields[indexKeys.arrayField] = true;
        for (const key of indexKeys.keys) entries[i]!.push(index.entryOf(key, rid));
      });
    }
    indexes.forEach((index, i) => index.load(entries[i]!));
  }

  private load(entries: IndexEntry[]): void {
    entries.sort((a, b) => this.compareEntries(a, b));
    if (this.unique) {
      for (let i = 1; i < entries.length; i++) {
        if (this.compareKeys(entries[i - 1]!, entries[i]!) === 0 && this.ridOf(entries[i - 1]!) !== this.ridOf(entries[i]!)) {
          throw this.duplicateKeyError(entries[i]!);
        }
      }
    }
    this.entries.load(entries);
  }

  /** A key of `keys` already held by another record, if this index is unique. */
  conflictingKey(keys: readonly (readonly unknown[])[], rid: number): readonly unknown[] | undefined {
    if (!this.unique) return undefined;
    for (const key of keys) {
      for (const entry of this.entries.iterate(this.seekKey(key, 1), 1)) {
        if (this.compareKeys(entry, key) !== 0) break;
        if (this.ridOf(entry) !== rid) return key;
      }
    }
    return undefined;
  }

  /** Record ids whose key equals `key` (the _id lookup path). */
  *ridsWithKey(key: readonly unknown[]): Generator<number> {
    for (const entry of this.entries.iterate(this.seekKey(key, 1), 1)) {
      if (this.compareKeys(entry, key) !== 0) return;
      yield this.ridOf(entry);
    }
  }

  /** Entries in index order from `start` (forward) or backwards from `start`. */
  scan(start: IndexEntry | undefined, direction: 1 | -1): Generator<IndexEntry, void, undefined> {
    return this.entries.iterate(start, direction);
  }

  duplicateKeyError(key: readonly unknown[]): MongoCommandError {
    const keyPattern = this.spec.key;
    const keyValue: Doc = {};
    this.fields.forEach((field, i) => (keyValue[field.path] = key[i]));
    const shown = this.fields.map((field, i) => `${field.path}: ${describeValue(key[i])}`).join(', ');
    return new MongoCommandError('DuplicateKey', `E11000 duplicate key error collection: ${this.ns} index: ${this.name} dup key: { ${shown} }`, {
      keyPattern,
      keyValue,
    });
  }
}


/** Same index definition, ignoring the `v` version field. */
export function sameIndexOptions(a: IndexSpec, b: IndexSpec): boolean {
  return (
    compareValues(a.key, b.key) === 0 &&
    (a.unique ?? false) === (b.unique ?? false) &&
    (a.sparse ?? false) === (b.sparse ?? false) &&
    compareValues(a.partialFilterExpression ?? null, b.partialFilterExpression ?? null) === 0 &&
    a.expireAfterSeconds === b.expireAfterSeconds
  );
}
