import { compareValues } from '../bson-order';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';
import { executeQuery } from '../executor';
import { compileProjection } from '../matching';
import { applyUpdate, upsertSeed, withId } from '../updates';
import { docArray, optionalBool, optionalDoc } from './args';
import { collectionName, parseSort } from './context';
import type { CommandContext, CommandTable } from './context';

/**
 * Finds one document (first in `sort` order) and updates or removes it in the same step. With a
 * version field in `query`, this is the compare-and-set behind optimistic concurrency: commands
 * run one at a time, so of many racing updates expecting the same version exactly one matches.
 */
function findAndModify(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const query = optionalDoc(cmd, 'query') ?? {};
  const remove = optionalBool(cmd, 'remove') ?? false;
  const upsert = optionalBool(cmd, 'upsert') ?? false;
  const change = cmd.update as Doc | Doc[] | undefined;
  if (remove && change !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
  if (!remove && change === undefined) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  if (remove && upsert) throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
  const arrayFilters = cmd.arrayFilters === undefined ? undefined : docArray(cmd, 'arrayFilters');
  const returnNew = optionalBool(cmd, 'new') ?? false;
  const project = compileProjection(optionalDoc(cmd, 'fields'), query);
  const shown = (doc: Doc): Doc => (project ? project([doc])[0]! : doc);

  let collection = ctx.catalog.collection(ctx.db, name);
  const spec = { filter: query, sort: parseSort(optionalDoc(cmd, 'sort')), skip: 0, limit: 1, hint: cmd.hint };
  const found = collection ? executeQuery(collection, spec).docs.next() : undefined;
  const target = found && !found.done ? found.value : undefined;

  if (target && collection) {
    const rid = collection.ridOfId(target._id)!;
    if (remove) {
      ctx.catalog.remove(collection, rid);
      return { lastErrorObject: { n: 1 }, value: shown(target), ok: 1 };
    }
    const next = applyUpdate(target, change!, { query, arrayFilters, inserting: false });
    if (compareValues(target, next) !== 0) ctx.catalog.replace(collection, rid, next);
    return { lastErrorObject: { n: 1, updatedExisting: true }, value: shown(returnNew ? next : target), ok: 1 };
  }
  if (upsert) {
    const doc = withId(applyUpdate(upsertSeed(query), change!, { query, arrayFilters, inserting: true }));
    collection ??= ctx.catalog.ensureCollection(ctx.db, name);
    ctx.catalog.insert(collection, doc);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? shown(doc) : null, ok: 1 };
  }
  return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
}

export const findAndModifyCommands: CommandTable = { findAndModify, findandmodify: findAndModify };
