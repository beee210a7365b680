import { compareValues } from '../bson-order';
import type { Collection } from '../collection';
import type { Doc } from '../documents';
import { MongoCommandError, toWriteError } from '../errors';
import { executeQuery } from '../executor';
import { applyUpdate, updateKind, upsertSeed, withId } from '../updates';
import { docArray, optionalBool, optionalDoc, optionalNumber } from './args';
import { collectionName } from './context';
import type { CommandContext, CommandTable } from './context';

/**
 * Runs each statement of a write command; a failed statement becomes a `writeErrors` entry and,
 * when the batch is ordered (the default), stops the batch.
 */
function runStatements(statements: readonly Doc[], ordered: boolean, run: (statement: Doc, index: number) => void): Doc[] {
  const writeErrors: Doc[] = [];
  for (const [index, statement] of statements.entries()) {
    try {
      run(statement, index);
    } catch (error) {
      if (!(error instanceof MongoCommandError)) throw error;
      writeErrors.push(toWriteError(index, error));
      if (ordered) break;
    }
  }
  return writeErrors;
}

function withWriteErrors(reply: Doc, writeErrors: Doc[]): Doc {
  return writeErrors.length > 0 ? { ...reply, writeErrors, ok: 1 } : { ...reply, ok: 1 };
}

function insert(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const documents = docArray(cmd, 'documents');
  let collection: Collection | undefined;
  let n = 0;
  const writeErrors = runStatements(documents, optionalBool(cmd, 'ordered') ?? true, (doc) => {
    collection ??= ctx.catalog.ensureCollection(ctx.db, name);
    ctx.catalog.insert(collection, withId(doc));
    n++;
  });
  return withWriteErrors({ n }, writeErrors);
}

/** The documents a statement targets, collected before any is changed so none is visited twice. */
function targets(collection: Collection | undefined, filter: Doc, multi: boolean, hint: unknown): Doc[] {
  if (!collection) return [];
  return [...executeQuery(collection, { filter, sort: [], skip: 0, limit: multi ? 0 : 1, hint }).docs];
}

function update(cmd: Doc, ctx: CommandContext): Doc {
  const name = collectionName(cmd);
  const totals = { n: 0, nModified: 0 };
  const upserted: Doc[] = [];
  const writeErrors = runStatements(docArray(cmd, 'updates'), optionalBool(cmd, 'ordered') ?? true, (statement, index) => {
    const query = optionalDoc(statement, 'q') ?? {};
    const change = statement.u as Doc | Doc[];
    const multi = optionalBool(statement, 'multi') ?? false;
    if (multi && updateKind(change) === 'replacement') {
      throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
    }
    const arrayFilters = statement.arrayFilters === undefined ? undefined : docArray(statement, 'arrayFilters');
    let collection = ctx.catalog.collection(ctx.db, name);
    const matched = targets(collection, query, multi, statement.hint);
    for (const doc of matched) {
      const next = applyUpdate(doc, change, { query, arrayFilters, inserting: false });
      totals.n++;
      if (compareValues(doc, next) === 0) continue;
      ctx.catalog.replace(collection!, collection!.ridOfId(doc._id)!, next);
      totals.nModified++;
    }
    if (matched.length === 0 && optionalBool(statement, 'upsert')) {
      const doc = withId(applyUpdate(upsertSeed(query), change, { query, arrayFilters, inserting: true }));
      collection ??= ctx.catalog.ensureCollection(ctx.db, name);
      ctx.catalog.insert(collection, doc);
      totals.n++;
      upserted.push({ index, _id: doc._id });
    }
  });
  return withWriteErrors({ ...totals, ...(upserted.length > 0 ? { upserted } : {}) }, writeErrors);
}

function deleteCommand(cmd: Doc, ctx: CommandContext): Doc {
  const collection = ctx.catalog.collection(ctx.db, collectionName(cmd));
  let n = 0;
  const writeErrors = runStatements(docArray(cmd, 'deletes'), optionalBool(cmd, 'ordered') ?? true, (statement) => {
    const limit = optionalNumber(statement, 'limit') ?? 0;
    if (limit !== 0 && limit !== 1) throw new MongoCommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
    for (const doc of targets(collection, optionalDoc(statement, 'q') ?? {}, limit === 0, statement.hint)) {
      ctx.catalog.remove(collection!, collection!.ridOfId(doc._id)!);
      n++;
    }
  });
  return withWriteErrors({ n }, writeErrors);
}

export const writeCommands: CommandTable = { insert, update, delete: deleteCommand };
