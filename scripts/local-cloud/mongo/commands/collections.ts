import { Long, UUID } from 'bson';
import type { Collection } from '../collection';
import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { compileFilter } from '../matching';
import { optionalBool, optionalDoc, stringArg } from './args';
import { collectionName } from './context';
import type { CommandContext, CommandTable } from './context';

/** create options that would change semantics we do not implement: refused rather than ignored. */
const UNSUPPORTED_CREATE_OPTIONS = ['capped', 'timeseries', 'viewOn', 'pipeline', 'validator', 'clusteredIndex', 'changeStreamPreAndPostImages', 'collation', 'encryptedFields'];

function create(cmd: Doc, ctx: CommandContext): Doc {
  const unsupported = UNSUPPORTED_CREATE_OPTIONS.find((option) => cmd[option] !== undefined);
  if (unsupported) throw new MongoCommandError('CommandNotSupported', `create option '${unsupported}' is not supported by the embedded server`);
  ctx.catalog.createCollection(ctx.db, stringArg(cmd, 'create'));
  return { ok: 1 };
}

/** Dropping a missing collection succeeds, as it does since MongoDB 7.0. */
function drop(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const dropped = ctx.catalog.dropCollection(ctx.db, name);
  if (!dropped) return { ok: 1 };
  ctx.cursors.killNamespace(dropped.ns);
  return { ns: dropped.ns, nIndexesWas: dropped.indexes.size, ok: 1 };
}

function dataSize(collection: Collection): number {
  return collection.docs.dataSize;
}

function listCollections(cmd: Doc, ctx: CommandContext): Doc {
  const nameOnly = optionalBool(cmd, 'nameOnly') ?? false;
  const infos = ctx.catalog.collections(ctx.db).map((collection): Doc =>
    nameOnly
      ? { name: collection.name, type: 'collection' }
      : {
          name: collection.name,
          type: 'collection',
          options: {},
          info: { readOnly: false, uuid: new UUID(collection.uuid) },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  const matches = compileFilter(optionalDoc(cmd, 'filter') ?? {});
  const firstBatch = matches ? infos.filter(matches) : infos;
  return { cursor: { id: Long.ZERO, ns: `${ctx.db}.$cmd.listCollections`, firstBatch }, ok: 1 };
}

function collStats(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const collection = ctx.catalog.collection(ctx.db, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `Collection [${ctx.db}.${name}] not found.`);
  const size = dataSize(collection);
  const count = collection.docs.size;
  return { ns: collection.ns, count, size, avgObjSize: count ? Math.round(size / count) : 0, storageSize: size, nindexes: collection.indexes.size, ok: 1 };
}

function dbStats(_cmd: Doc, ctx: CommandContext): Doc {
  const collections = ctx.catalog.collections(ctx.db);
  const objects = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
  const size = collections.reduce((sum, collection) => sum + dataSize(collection), 0);
  const indexes = collections.reduce((sum, collection) => sum + collection.indexes.size, 0);
  return { db: ctx.db, collections: collections.length, views: 0, objects, avgObjSize: objects ? Math.round(size / objects) : 0, dataSize: size, storageSize: size, indexes, ok: 1 };
}

function listDatabases(cmd: Doc, ctx: CommandContext): Doc {
  const databases = ctx.catalog.databaseNames().map((name): Doc => {
    const sizeOnDisk = ctx.catalog.collections(name).reduce((sum, collection) => sum + dataSize(collection), 0);
    return optionalBool(cmd, 'nameOnly') ? { name } : { name, sizeOnDisk, empty: sizeOnDisk === 0 };
  });
  const filter = isPlainObject(cmd.filter) ? compileFilter(cmd.filter) : undefined;
  const listed = filter ? databases.filter(filter) : databases;
  const totalSize = listed.reduce((sum, db) => sum + (typeof db.sizeOnDisk === 'number' ? db.sizeOnDisk : 0), 0);
  return { databases: listed, totalSize, totalSizeMb: Math.floor(totalSize / 1024 / 1024), ok: 1 };
}

function dropDatabase(_cmd: Doc, ctx: CommandContext): Doc {
  ctx.catalog.dropDatabase(ctx.db);
  ctx.cursors.killNamespace(`${ctx.db}.`);
  return { dropped: ctx.db, ok: 1 };
}

export const collectionCommands: CommandTable = { create, drop, listCollections, collStats, dbStats, listDatabases, dropDatabase };
