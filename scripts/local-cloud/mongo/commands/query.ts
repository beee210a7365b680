import { Long } from 'bson';
import { compareValues } from '../bson-order';
import { valuesAtPath } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { executeQuery } from '../executor';
import type { QuerySpec } from '../executor';
import { compileProjection } from '../matching';
import { optionalArray, optionalBool, optionalDoc, optionalNumber, stringArg } from './args';
import { collectionName, parseSort } from './context';
import type { CommandContext, CommandTable } from './context';

export interface FindSpec extends QuerySpec {
  readonly collection: string;
  readonly projection: Doc | undefined;
  readonly batchSize: number | undefined;
  readonly singleBatch: boolean;
}

/** Reads a find command; also used by explain. */
export function parseFind(cmd: Doc): FindSpec {
  const limit = optionalNumber(cmd, 'limit') ?? 0;
  const batchSize = optionalNumber(cmd, 'batchSize');
  const skip = optionalNumber(cmd, 'skip') ?? 0;
  if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');
  if (batchSize !== undefined && batchSize < 0) throw new MongoCommandError('BadValue', 'batchSize value must be non-negative');
  return {
    collection: collectionName(cmd),
    filter: optionalDoc(cmd, 'filter') ?? {},
    sort: parseSort(optionalDoc(cmd, 'sort')),
    projection: optionalDoc(cmd, 'projection'),
    skip,
    limit: Math.abs(limit),
    // A negative limit is the legacy way to ask for a single batch.
    singleBatch: (optionalBool(cmd, 'singleBatch') ?? false) || limit < 0,
    batchSize: batchSize !== undefined && limit !== 0 ? Math.min(batchSize, Math.abs(limit)) : batchSize,
    ...(cmd.hint === undefined ? {} : { hint: cmd.hint }),
  };
}

function find(cmd: Doc, ctx: CommandContext): Doc {
  const spec = parseFind(cmd);
  const execution = executeQuery(ctx.catalog.collection(ctx.db, spec.collection), spec);
  const project = compileProjection(spec.projection, spec.filter);
  const cursor = ctx.cursors.firstBatch(`${ctx.db}.${spec.collection}`, execution.docs, {
    ...(spec.batchSize === undefined ? {} : { batchSize: spec.batchSize }),
    singleBatch: spec.singleBatch,
    ...(project ? { project } : {}),
  });
  return { cursor, ok: 1 };
}

function getMore(cmd: Doc, ctx: CommandContext): Doc {
  const id = optionalNumber(cmd, 'getMore');
  if (id === undefined) throw new MongoCommandError('FailedToParse', "BSON field 'getMore.getMore' is missing but a required field");
  const cursor = ctx.cursors.getMore(id, `${ctx.db}.${stringArg(cmd, 'collection')}`, optionalNumber(cmd, 'batchSize'));
  return { cursor, ok: 1 };
}

function killCursors(cmd: Doc, ctx: CommandContext): Doc {
  const ids = (optionalArray(cmd, 'cursors') ?? []).map((id) => Number(id instanceof Long ? id.toNumber() : id));
  const { killed, notFound } = ctx.cursors.kill(ids);
  return {
    cursorsKilled: killed.map((id) => Long.fromNumber(id)),
    cursorsNotFound: notFound.map((id) => Long.fromNumber(id)),
    cursorsAlive: [],
    cursorsUnknown: [],
    ok: 1,
  };
}

function count(cmd: Doc, ctx: CommandContext): Doc {
  const collection = ctx.catalog.collection(ctx.db, collectionName(cmd));
  const filter = optionalDoc(cmd, 'query') ?? {};
  const skip = optionalNumber(cmd, 'skip') ?? 0;
  const limit = Math.abs(optionalNumber(cmd, 'limit') ?? 0);
  if (!collection) return { n: 0, ok: 1 };
  if (Object.keys(filter).length === 0 && cmd.hint === undefined) {
    const all = Math.max(0, collection.docs.size - skip);
    return { n: limit ? Math.min(all, limit) : all, ok: 1 };
  }
  return { n: executeQuery(collection, { filter, sort: [], skip, limit, hint: cmd.hint }).count(), ok: 1 };
}

/** Distinct values of a field; array values contribute their elements, as in MongoDB. */
function distinct(cmd: Doc, ctx: CommandContext): Doc {
  const collection = ctx.catalog.collection(ctx.db, collectionName(cmd));
  const path = stringArg(cmd, 'key').split('.');
  const filter = optionalDoc(cmd, 'query') ?? {};
  const values: unknown[] = [];
  for (const doc of executeQuery(collection, { filter, sort: [], skip: 0, limit: 0, hint: cmd.hint }).docs) {
    for (const value of valuesAtPath(doc, path).values) {
      if (value !== undefined && !(Array.isArray(value) && value.length === 0)) values.push(value);
    }
  }
  values.sort(compareValues);
  return { values: values.filter((value, i) => i === 0 || compareValues(values[i - 1], value) !== 0), ok: 1 };
}

export const queryCommands: CommandTable = { find, getMore, killCursors, count, distinct };
