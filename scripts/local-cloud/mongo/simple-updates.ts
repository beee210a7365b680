import { compareValues } from './bson-order';
import { isPlainObject, type Doc } from './documents';

/**
 * Update operators on plain top-level fields, applied directly. mingo's updater rebuilds its operator
 * tables on every call: about a fifth of the server's CPU under a stream of ticket commits. The commits,
 * outbox claims and relay marks the services send are nearly all of this shape. Anything else (dotted or
 * positional paths, `$pull` and the other operators, `$position`/`$sort`, BSON number types, a wrong
 * field type that must fail as mongod fails) gets undefined back, and mingo applies it as before.
 */
const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIMPLE_OPERATORS = new Set(['$set', '$unset', '$inc', '$min', '$max', '$push']);

/** The document after the update (the input untouched; unchanged nested values are shared), or undefined. */
export function applySimpleUpdate(doc: Doc, operators: Doc): Doc | undefined {
  const fields = new Set<string>();
  for (const [operator, changes] of Object.entries(operators)) {
    if (!SIMPLE_OPERATORS.has(operator) || !isPlainObject(changes)) return undefined;
    for (const [field, argument] of Object.entries(changes)) {
      // The same field under two operators is a conflict mongod refuses: mingo reports it.
      if (field === '_id' || !PLAIN_FIELD.test(field) || fields.has(field)) return undefined;
      fields.add(field);
      if (!isSimpleArgument(operator, argument, doc[field])) return undefined;
    }
  }
  const next: Doc = { ...doc };
  for (const [operator, changes] of Object.entries(operators)) {
    for (const [field, argument] of Object.entries(changes as Doc)) apply(next, operator, field, argument);
  }
  return next;
}

function isSimpleArgument(operator: string, argument: unknown, current: unknown): boolean {
  switch (operator) {
    case '$inc':
      return typeof argument === 'number' && (current === undefined || typeof current === 'number');
    case '$push':
      if (current !== undefined && !Array.isArray(current)) return false;
      if (!isPlainObject(argument) || !Object.keys(argument).some((key) => key.startsWith('$'))) return true;
      return (
        Object.keys(argument).every((key) => key === '$each' || key === '$slice') &&
        Array.isArray(argument.$each) &&
        (argument.$slice === undefined || Number.isInteger(argument.$slice))
      );
    default:
      return true;
  }
}

function apply(doc: Doc, operator: string, field: string, argument: unknown): void {
  const current = doc[field];
  switch (operator) {
    case '$set':
      doc[field] = argument;
      return;
    case '$unset':
      delete doc[field];
      return;
    case '$inc':
      doc[field] = ((current as number | undefined) ?? 0) + (argument as number);
      return;
    case '$min':
      if (current === undefined || compareValues(argument, current) < 0) doc[field] = argument;
      return;
    case '$max':
      if (current === undefined || compareValues(argument, current) > 0) doc[field] = argument;
      return;
    case '$push': {
      const each = isPlainObject(argument) && Array.isArray(argument.$each) ? (argument.$each as unknown[]) : [argument];
      const pushed = [...((current as unknown[] | undefined) ?? []), ...each];
      const slice = isPlainObject(argument) ? (argument.$slice as number | undefined) : undefined;
      doc[field] = slice === undefined ? pushed : slice < 0 ? pushed.slice(slice) : pushed.slice(0, slice);
      return;
    }
  }
}
