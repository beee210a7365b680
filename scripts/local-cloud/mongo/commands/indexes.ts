import { Long } from 'bson';
import { compareValues } from '../bson-order';
import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { defaultIndexName, parseKeyPattern } from '../indexes';
import type { IndexSpec } from '../indexes';
import { docArray } from './args';
import { collectionName } from './context';
import type { CommandContext, CommandTable } from './context';

/** Options drivers send that change nothing here. */
const IGNORED_OPTIONS = new Set(['key', 'name', 'v', 'ns', 'background', 'unique', 'sparse', 'partialFilterExpression', 'expireAfterSeconds']);

/** Validates one createIndexes entry into the spec we store and listIndexes returns. */
export function toIndexSpec(raw: Doc): IndexSpec {
  if (!isPlainObject(raw.key)) throw new MongoCommandError('CannotCreateIndex', "The 'key' field is a required property of an index specification");
  const key = raw.key;
  const fields = parseKeyPattern(key);
  for (const option of Object.keys(raw)) {
    if (!IGNORED_OPTIONS.has(option)) {
      throw new MongoCommandError('CannotCreateIndex', `Index option '${option}' is not supported by the embedded server`);
    }
  }
  if (raw.name !== undefined && typeof raw.name !== 'string') throw new MongoCommandError('TypeMismatch', 'The index name must be a string');
  if (raw.partialFilterExpression !== undefined && !isPlainObject(raw.partialFilterExpression)) {
    throw new MongoCommandError('TypeMismatch', 'partialFilterExpression must be an object');
  }
  const ttl = raw.expireAfterSeconds;
  if (ttl !== undefined && (typeof ttl !== 'number' || ttl < 0 || fields.length !== 1)) {
    throw new MongoCommandError('CannotCreateIndex', 'expireAfterSeconds needs a non-negative number and a single-field index');
  }
  return {
    v: 2,
    key,
    name: raw.name ?? defaultIndexName(key),
    ...(raw.unique === true ? { unique: true } : {}),
    ...(raw.sparse === true ? { sparse: true } : {}),
    ...(raw.partialFilterExpression ? { partialFilterExpression: raw.partialFilterExpression } : {}),
    ...(typeof ttl === 'number' ? { expireAfterSeconds: ttl } : {}),
  };
}

/** Idempotent: an index that already exists with the same definition is left alone. */
function createIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const specs = docArray(cmd, 'indexes').map(toIndexSpec);
  if (specs.length === 0) throw new MongoCommandError('BadValue', 'Must specify at least one index to create');
  const existing = ctx.catalog.collection(ctx.db, name);
  const collection = existing ?? ctx.catalog.ensureCollection(ctx.db, name);
  const numIndexesBefore = collection.indexes.size;
  const outcomes = specs.map((spec) => ctx.catalog.createIndex(collection, spec));
  return {
    createdCollectionAutomatically: !existing,
    numIndexesBefore,
    numIndexesAfter: collection.indexes.size,
    ...(outcomes.every((outcome) => outcome === 'exists') ? { note: 'all indexes already exist' } : {}),
    ok: 1,
  };
}

function existingCollection(cmd: Doc, ctx: CommandContext) {
  const name = collectionName(cmd);
  const collection = ctx.catalog.collection(ctx.db, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  return collection;
}

function listIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const collection = existingCollection(cmd, ctx);
  const firstBatch = [...collection.indexes.values()].map((index) => index.spec);
  return { cursor: { id: Long.ZERO, ns: collection.ns, firstBatch }, ok: 1 };
}

/** Drops by name, by key pattern, a list of names, or every index but _id with '*'. */
function dropIndexes(cmd: Doc, ctx: CommandContext): Doc {
  const collection = existingCollection(cmd, ctx);
  const nIndexesWas = collection.indexes.size;
  const target = cmd.index;
  let names: string[];
  if (target === '*') {
    names = [...collection.indexes.keys()].filter((name) => name !== '_id_');
  } else if (typeof target === 'string') {
    names = [target];
  } else if (Array.isArray(target)) {
    names = (target as unknown[]).map(String);
  } else if (isPlainObject(target)) {
    const match = [...collection.indexes.values()].find((index) => compareValues(index.spec.key, target) === 0);
    if (!match) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
    names = [match.name];
  } else {
    throw new MongoCommandError('TypeMismatch', "BSON field 'dropIndexes.index' must be a string, an array of strings or an object");
  }
  for (const name of names) ctx.catalog.dropIndex(collection, name);
  return { nIndexesWas, ok: 1 };
}

export const indexCommands: CommandTable = { createIndexes, listIndexes, dropIndexes, deleteIndexes: dropIndexes };
