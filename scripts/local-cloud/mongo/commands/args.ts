import { isPlainObject } from '../documents';
import type { Doc } from '../documents';
import { MongoCommandError } from '../errors';

// Readers of command fields: validated at the edge with mongod's IDL wording, trusted inside.

function wrongType(command: string, field: string, value: unknown, expected: string): MongoCommandError {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return new MongoCommandError(
    'TypeMismatch',
    `BSON field '${command}.${field}' is the wrong type '${actual}', expected type '${expected}'`,
  );
}

export function commandName(cmd: Doc): string {
  return Object.keys(cmd)[0] ?? '';
}

export function stringArg(cmd: Doc, field: string): string {
  const value = cmd[field];
  if (typeof value !== 'string') throw wrongType(commandName(cmd), field, value, 'string');
  return value;
}

export function optionalDoc(cmd: Doc, field: string): Doc | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) throw wrongType(commandName(cmd), field, value, 'object');
  return value;
}

export function optionalArray(cmd: Doc, field: string): unknown[] | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw wrongType(commandName(cmd), field, value, 'array');
  return value as unknown[];
}

export function optionalNumber(cmd: Doc, field: string): number | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (isBsonNumber(value)) return value.toNumber?.() ?? value.valueOf();
  throw wrongType(commandName(cmd), field, value, 'number');
}

export function optionalBool(cmd: Doc, field: string): boolean | undefined {
  const value = cmd[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  throw wrongType(commandName(cmd), field, value, 'bool');
}

export function docArray(cmd: Doc, field: string): Doc[] {
  const values = optionalArray(cmd, field) ?? [];
  for (const value of values) {
    if (!isPlainObject(value)) throw wrongType(commandName(cmd), `${field}.element`, value, 'object');
  }
  return values as Doc[];
}

interface BsonNumber {
  toNumber?: () => number;
  valueOf(): number;
}

function isBsonNumber(value: unknown): value is BsonNumber {
  const type = (value as { _bsontype?: unknown } | null)?._bsontype;
  return type === 'Long' || type === 'Int32' || type === 'Double';
}
