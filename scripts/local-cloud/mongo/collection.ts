import { compareValues } from './bson-order';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import { ID_INDEX_SPEC, Index, sameIndexOptions } from './indexes';
import type { IndexKeys, IndexSpec } from './indexes';
import { encodeDocument, StoredDocuments } from './stored-documents';

/**
 * The documents of one collection and its indexes, in memory. Stored documents are never mutated
 * in place (writers store a new object), so readers and snapshots can hold on to them safely.
 */
export class Collection {
  readonly docs = new StoredDocuments();
  readonly indexes = new Map<string, Index>();
  private nextRid = 1;

  constructor(
    readonly db: string,
    readonly name: string,
    /** Hex form of the collection UUID listCollections reports. */
    readonly uuid: string,
  ) {
    this.indexes.set(ID_INDEX_SPEC.name, new Index(ID_INDEX_SPEC, this.ns));
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  private get idIndex(): Index {
    return this.indexes.get(ID_INDEX_SPEC.name)!;
  }

  ridOfId(id: unknown): number | undefined {
    for (const rid of this.idIndex.ridsWithKey([id])) return rid;
    return undefined;
  }

  /**
   * Adds a document that already has an `_id`; throws DuplicateKey before changing anything.
   * `bytes` is its BSON when the caller has it already.
   */
  insert(doc: Doc, bytes = encodeDocument(doc)): number {
    const rid = this.nextRid++;
    const keys = this.keysForAllIndexes(doc);
    this.assertUnique(keys, rid);
    this.docs.set(rid, doc, bytes);
    for (const [index, indexKeys] of keys) index.add(rid, indexKeys);
    return rid;
  }

  replace(rid: number, doc: Doc, bytes = encodeDocument(doc)): void {
    const previous = this.docs.get(rid);
    if (!previous) throw new MongoCommandError('InternalError', `record ${rid} vanished from ${this.ns}`);
    // Only the indexes that read a changed field: the others keep their entries as they are.
    const keys = [...this.indexes.values()].filter((index) => !index.readsSameValues(previous, doc)).map((index): [Index, IndexKeys] => [index, index.keysOf(doc)]);
    this.assertUnique(keys, rid);
    for (const [index, indexKeys] of keys) {
      const previousKeys = index.keysOf(previous);
      if (sameKeys(index, previousKeys, indexKeys)) continue;
      index.remove(rid, previousKeys);
      index.add(rid, indexKeys);
    }
    this.docs.set(rid, doc, bytes);
  }

  remove(rid: number): void {
    const doc = this.docs.get(rid);
    if (!doc) return;
    for (const index of this.indexes.values()) index.remove(rid, index.keysOf(doc));
    this.docs.delete(rid);
  }

  /** Builds an index over the existing documents; 'exists' when the same definition is there. */
  createIndex(spec: IndexSpec): 'created' | 'exists' {
    return this.createIndexes([spec])[0]!;
  }

  /**
   * Builds the new indexes among `specs` in one pass over the documents (`Index.buildAll`): all of them
   * or, when one fails (a conflict, a duplicate key), none.
   */
  createIndexes(specs: readonly IndexSpec[]): ('created' | 'exists')[] {
    const accepted: IndexSpec[] = [];
    const outcomes = specs.map((spec) => {
      const outcome = checkNewIndex(spec, [...[...this.indexes.values()].map((index) => index.spec), ...accepted]);
      if (outcome === 'created') accepted.push(spec);
      return outcome;
    });
    if (accepted.length === 0) return outcomes;
    const created = accepted.map((spec) => new Index(spec, this.ns));
    Index.buildAll(created, this.docs.entries());
    for (const index of created) this.indexes.set(index.name, index);
    return outcomes;
  }

  dropIndex(name: string): void {
    if (name === ID_INDEX_SPEC.name) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!this.indexes.delete(name)) {
      throw new MongoCommandError('IndexNotFound', `index not found with name [${name}]`);
    }
  }

  private keysForAllIndexes(doc: Doc): [Index, IndexKeys][] {
    return Array.from(this.indexes.values(), (index): [Index, IndexKeys] => [index, index.keysOf(doc)]);
  }

  private assertUnique(keys: readonly [Index, IndexKeys][], rid: number): void {
    for (const [index, indexKeys] of keys) {
      const conflict = index.conflictingKey(indexKeys.keys, rid);
      if (conflict) throw index.duplicateKeyError(conflict);
    }
  }
}

/** 'exists' when `existing` holds the same definition; throws when it holds a conflicting one. */
function checkNewIndex(spec: IndexSpec, existing: readonly IndexSpec[]): 'created' | 'exists' {
  const sameName = existing.find((other) => other.name === spec.name);
  if (sameName) {
    if (sameIndexOptions(sameName, spec)) return 'exists';
    throw new MongoCommandError(
      'IndexKeySpecsConflict',
      `An existing index has the same name as the requested index but different options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName)}`,
    );
  }
  const sameKey = existing.find((other) => compareValues(other.key, spec.key) === 0);
  if (sameKey) throw new MongoCommandError('IndexOptionsConflict', `Index already exists with a different name: ${sameKey.name}`);
  return 'created';
}

function sameKeys(index: Index, a: IndexKeys, b: IndexKeys): boolean {
  return a.keys.length === b.keys.length && a.keys.every((key, i) => index.compareKeys(key, b.keys[i]!) === 0);
}
