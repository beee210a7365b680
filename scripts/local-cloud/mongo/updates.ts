import { ObjectId } from 'bson';
import { update as applyOperators } from 'mingo';
import type { Modifier } from 'mingo/updater';
import { cloneDeep, MingoError } from 'mingo/util';
import { compareValues } from './bson-order';
import { describeValue, getPath, isOperatorObject, isPlainObject, setPath } from './documents';
import type { Doc } from './documents';
import { MongoCommandError } from './errors';
import { rethrowAsCommandError, runPipeline } from './matching';
import { applySimpleUpdate } from './simple-updates';

export type UpdateKind = 'replacement' | 'operators' | 'pipeline';

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$push', '$pull', '$pullAll', '$addToSet', '$pop',
  '$min', '$max', '$currentDate', '$rename', '$bit', '$setOnInsert',
]);
const PIPELINE_UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);
const NUMERIC_OPERATORS = new Set(['$inc', '$mul']);
const ARRAY_OPERATORS = new Set(['$push', '$addToSet', '$pull', '$pullAll', '$pop']);

/** Classifies an update (`u` of an update statement) and rejects malformed ones. */
export function updateKind(update: unknown): UpdateKind {
  if (Array.isArray(update)) {
    for (const stage of update as unknown[]) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (!name || !PIPELINE_UPDATE_STAGES.has(name)) {
        throw new MongoCommandError('FailedToParse', `Invalid update pipeline stage: ${name ?? JSON.stringify(stage)}`);
      }
    }
    return 'pipeline';
  }
  if (!isPlainObject(update)) {
    throw new MongoCommandError('FailedToParse', 'Update document must be an object or a pipeline array');
  }
  const keys = Object.keys(update);
  if (keys.length === 0 || !keys[0]!.startsWith('$')) {
    const operator = keys.find((key) => key.startsWith('$'));
    if (operator) throw new MongoCommandError('FailedToParse', `The dollar ($) prefixed field '${operator}' in a replacement document is not valid`);
    return 'replacement';
  }
  for (const key of keys) {
    if (!UPDATE_OPERATORS.has(key)) {
      throw new MongoCommandError('FailedToParse', `Unknown modifier: ${key}. Expected a valid update modifier or pipeline-style update specified as an array`);
    }
    if (!isPlainObject(update[key])) {
      throw new MongoCommandError('FailedToParse', `Modifiers operate on fields but we found type ${typeof update[key]} instead. For example: {$mod: {<field>: ...}} not {${key}: ${JSON.stringify(update[key])}}`);
    }
  }
  return 'operators';
}

export interface UpdateContext {
  /** The statement's filter, for the positional `$` operator. */
  readonly query: Doc;
  readonly arrayFilters?: Doc[];
  /** True when building an upserted document ($setOnInsert applies, _id may be set). */
  readonly inserting: boolean;
}

/** The document after the update; the input is left untouched. */
export function applyUpdate(doc: Doc, update: Doc | Doc[], context: UpdateContext): Doc {
  const kind = updateKind(update);
  let next: Doc;
  if (kind === 'pipeline') {
    next = runPipeline([doc], update as Doc[])[0] ?? {};
  } else if (kind === 'replacement') {
    next = replaceDocument(doc, update as Doc, context.inserting);
  } else {
    next = applyUpdateOperators(doc, update as Doc, context);
  }
  if (!context.inserting && compareValues(doc._id, next._id) !== 0) {
    throw new MongoCommandError('ImmutableField', "Performing an update on the path '_id' would modify the immutable field '_id'");
  }
  return next;
}

function replaceDocument(doc: Doc, replacement: Doc, inserting: boolean): Doc {
  const { _id: newId, ...fields } = replacement;
  if (!inserting && newId !== undefined && compareValues(newId, doc._id) !== 0) {
    throw new MongoCommandError('ImmutableField', `After applying the update, the (immutable) field '_id' was found to have been altered to _id: ${describeValue(newId)}`);
  }
  const id = newId ?? doc._id;
  return id === undefined ? fields : { _id: id, ...fields };
}

function applyUpdateOperators(doc: Doc, update: Doc, context: UpdateContext): Doc {
  const { $setOnInsert, ...operators } = update;
  const onInsert = context.inserting && isPlainObject($setOnInsert);
  const simple = onInsert ? undefined : applySimpleUpdate(doc, operators);
  if (simple) return simple;
  const next = cloneDeep(doc);
  prepareTargets(next, operators);
  const positional = Object.values(operators).some((fields) => Object.keys(fields as Doc).some((path) => /\.\$(\.|$)/.test(path)));
  try {
    if (Object.keys(operators).length > 0) {
      applyOperators(next, operators as Modifier<Doc>, context.arrayFilters, positional ? context.query : undefined, { cloneMode: 'copy' });
    }
    if (onInsert) applyOperators(next, { $set: $setOnInsert }, undefined, undefined, { cloneMode: 'copy' });
  } catch (error) {
    if (error instanceof MingoError && error.message.includes('conflict')) {
      throw new MongoCommandError('ConflictingUpdateOperators', error.message);
    }
    if (error instanceof MingoError && error.message.includes('immutable field')) {
      throw new MongoCommandError('ImmutableField', error.message);
    }
    return rethrowAsCommandError(error);
  }
  return next;
}

/**
 * Checks operand types the way mongod does (mingo silently skips them) and creates missing arrays
 * before a push, so `$push` with `$each`/`$slice` behaves the same on a new field as on an existing one.
 */
function prepareTargets(doc: Doc, operators: Doc): void {
  for (const [operator, fields] of Object.entries(operators)) {
    for (const [path, argument] of Object.entries(fields as Doc)) {
      if (path.includes('$')) continue;
      const current = getPath(doc, path);
      if (NUMERIC_OPERATORS.has(operator)) {
        if (!isNumeric(argument)) throw new MongoCommandError('TypeMismatch', `Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(argument)}}`);
        if (current !== undefined && !isNumeric(current)) {
          throw new MongoCommandError('TypeMismatch', `Cannot apply ${operator} to a value of non-numeric type. {_id: ${describeValue(doc._id)}} has the field '${path}' of non-numeric type ${typeName(current)}`);
        }
      }
      if (ARRAY_OPERATORS.has(operator)) {
        if (current !== undefined && !Array.isArray(current)) {
          throw new MongoCommandError('BadValue', `The field '${path}' must be an array but is of type ${typeName(current)} in document {_id: ${describeValue(doc._id)}}`);
        }
        if (current === undefined && (operator === '$push' || operator === '$addToSet')) setPath(doc, path, []);
      }
    }
  }
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return true;
  const type = (value as { _bsontype?: unknown } | null)?._bsontype;
  return type === 'Long' || type === 'Int32' || type === 'Double' || type === 'Decimal128';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** The fields an upsert starts from: the equality conditions of its filter. */
export function upsertSeed(query: Doc): Doc {
  const seed: Doc = {};
  collectEqualities(query, seed);
  return seed;
}

function collectEqualities(query: Doc, seed: Doc): void {
  for (const [key, condition] of Object.entries(query)) {
    if (key === '$and' && Array.isArray(condition)) {
      for (const clause of condition as unknown[]) if (isPlainObject(clause)) collectEqualities(clause, seed);
    } else if (!key.startsWith('$')) {
      if (isOperatorObject(condition)) {
        if ('$eq' in condition) setPath(seed, key, cloneDeep(condition.$eq));
      } else if (!(condition instanceof RegExp)) {
        setPath(seed, key, cloneDeep(condition));
      }
    }
  }
}

/** The document with `_id` first, generating an ObjectId when it has none (as drivers and mongod do). */
export function withId(doc: Doc): Doc {
  const { _id: id, ...fields } = doc;
  if (Array.isArray(id)) throw new MongoCommandError('BadValue', "can't use an array for _id");
  if (id instanceof RegExp) throw new MongoCommandError('BadValue', "can't use a regex for _id");
  if (id === undefined) return { _id: new ObjectId(), ...fields };
  return Object.keys(doc)[0] === '_id' ? doc : { _id: id, ...fields };
}
