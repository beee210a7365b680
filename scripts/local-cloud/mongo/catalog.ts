import { UUID } from 'bson';
import { Collection } from './collection';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import type { IndexSpec } from './indexes';
import type { JournalRecord } from './record-codec';
import { encodeDocument } from './stored-documents';

/** Where the catalog reports each change it makes, before the command that made it replies. */
export interface JournalSink {
  append(record: JournalRecord): void;
}

/** A collection frozen at one instant, for writing a snapshot while writes go on. */
export interface CapturedCollection {
  readonly db: string;
  readonly coll: string;
  readonly uuid: string;
  readonly indexes: readonly IndexSpec[];
  /** The documents' BSON. */
  readonly docs: Iterable<Uint8Array>;
}

const ignoreChanges: JournalSink = { append: () => undefined };

/** All databases and collections; every change goes through here so it is journaled exactly once. */
export class Catalog {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private journal: JournalSink = ignoreChanges;

  /** Recovery replays records without journaling them again; the live journal is attached after. */
  attachJournal(journal: JournalSink): void {
    this.journal = journal;
  }

  databaseNames(): string[] {
    return [...this.databases.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  collection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly (as inserts and upserts do) when missing. */
  ensureCollection(db: string, name: string): Collection {
    return this.collection(db, name) ?? this.createCollection(db, name);
  }

  createCollection(db: string, name: string, uuid = new UUID().toHexString()): Collection {
    validateNamespace(db, name);
    if (this.collection(db, name)) {
      throw new MongoCommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const collection = new Collection(db, name, uuid);
    let collections = this.databases.get(db);
    if (!collections) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    collections.set(name, collection);
    this.journal.append({ op: 'createCollection', db, coll: name, uuid });
    return collection;
  }

  dropCollection(db: string, name: string): Collection | undefined {
    const collections = this.databases.get(db);
    const collection = collections?.get(name);
    if (!collections || !collection) return undefined;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(db);
    this.journal.append({ op: 'dropCollection', db, coll: name });
    return collection;
  }

  dropDatabase(db: string): boolean {
    if (!this.databases.delete(db)) return false;
    this.journal.append({ op: 'dropDatabase', db });
    return true;
  }

  insert(collection: Collection, doc: Doc): number {
    const bytes = encodeDocument(doc);
    const rid = collection.insert(doc, bytes);
    this.journal.append({ op: 'put', db: collection.db, coll: collection.name, doc, bytes });
    return rid;
  }

  replace(collection: Collection, rid: number, doc: Doc): void {
    const bytes = encodeDocument(doc);
    collection.replace(rid, doc, bytes);
    this.journal.append({ op: 'put', db: collection.db, coll: collection.name, doc, bytes });
  }

  remove(collection: Collection, rid: number): void {
    const doc = collection.docs.get(rid);
    if (!doc) return;
    collection.remove(rid);
    this.journal.append({ op: 'delete', db: collection.db, coll: collection.name, id: doc._id });
  }

  createIndex(collection: Collection, spec: IndexSpec): 'created' | 'exists' {
    return this.createIndexes(collection, [spec])[0]!;
  }

  /** Builds the new ones in one pass over the documents (see `Collection.createIndexes`). */
  createIndexes(collection: Collection, specs: readonly IndexSpec[]): ('created' | 'exists')[] {
    const outcomes = collection.createIndexes(specs);
    specs.forEach((spec, i) => {
      if (outcomes[i] === 'created') this.journal.append({ op: 'createIndex', db: collection.db, coll: collection.name, spec });
    });
    return outcomes;
  }

  /**
   * Applies journaled changes in order during recovery. A run of index builds on one collection (as a
   * snapshot writes them, after the collection's documents) is built in one pass.
   */
  replay(): { apply(record: JournalRecord): void; finish(): void } {
    let builds: Extract<JournalRecord, { op: 'createIndex' }>[] = [];
    const finishBuilds = (): void => {
      if (builds.length === 0) return;
      const [{ db, coll }] = builds as [(typeof builds)[number]];
      this.createIndexes(this.ensureCollection(db, coll), builds.map((build) => build.spec));
      builds = [];
    };
    return {
      apply: (record) => {
        if (record.op === 'createIndex' && builds.every((build) => build.db === record.db && build.coll === record.coll)) {
          builds.push(record);
          return;
        }
        finishBuilds();
        if (record.op === 'createIndex') builds.push(record);
        else this.apply(record);
      },
      finish: finishBuilds,
    };
  }

  dropIndex(collection: Collection, name: string): void {
    collection.dropIndex(name);
    this.journal.append({ op: 'dropIndex', db: collection.db, coll: collection.name, name });
  }

  /** Applies a journaled change during recovery. */
  apply(record: JournalRecord): void {
    switch (record.op) {
      case 'createCollection':
        if (!this.collection(record.db, record.coll)) {
          this.createCollection(record.db, record.coll, record.uuid);
        }
        return;
      case 'dropCollection':
        this.dropCollection(record.db, record.coll);
        return;
      case 'dropDatabase':
        this.dropDatabase(record.db);
        return;
      case 'createIndex':
        this.createIndex(this.ensureCollection(record.db, record.coll), record.spec);
        return;
      case 'dropIndex':
        this.collection(record.db, record.coll)?.dropIndex(record.name);
        return;
      case 'put': {
        const collection = this.ensureCollection(record.db, record.coll);
        const rid = collection.ridOfId(record.doc._id);
        if (rid === undefined) collection.insert(record.doc, record.bytes);
        else collection.replace(rid, record.doc, record.bytes);
        return;
      }
      case 'delete': {
        const collection = this.collection(record.db, record.coll);
        const rid = collection?.ridOfId(record.id);
        if (collection && rid !== undefined) collection.remove(rid);
        return;
      }
      default: {
        const _exhaustive: never = record;
        throw new Error(`unknown journal record ${JSON.stringify(_exhaustive)}`);
      }
    }
  }

  /** Freezes the current state (documents are immutable, so copying references suffices). */
  capture(): CapturedCollection[] {
    return [...this.databases.values()].flatMap((collections) =>
      [...collections.values()].map((collection) => ({
        db: collection.db,
        coll: collection.name,
        uuid: collection.uuid,
        indexes: [...collection.indexes.values()].filter((index) => index.name !== '_id_').map((index) => index.spec),
        docs: collection.docs.capture(),
      })),
    );
  }
}

const INVALID_DB_CHARS = /[/\\. "$\0]/;

function validateNamespace(db: string, collection: string): void {
  if (!db || db.length >= 64 || INVALID_DB_CHARS.test(db)) {
    throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  }
  if (!collection || collection.includes('$') || collection.includes('\0') || collection.startsWith('.')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: '${collection}'`);
  }
}
