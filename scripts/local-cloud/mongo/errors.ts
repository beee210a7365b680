import type { Doc } from './documents';

/** The MongoDB server error codes this server replies with, by name (src/mongo/base/error_codes.yml). */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  ConflictingUpdateOperators: 40,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ImmutableField: 66,
  CannotCreateIndex: 67,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  CommandNotSupported: 115,
  CannotIndexParallelArrays: 171,
  QueryPlanKilled: 175,
  DuplicateKey: 11000,
  UnrecognizedPipelineStage: 40324,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** A command failure that becomes `{ ok: 0, errmsg, code, codeName }` (or a write error) on the wire. */
export class MongoCommandError extends Error {
  readonly code: number;

  constructor(
    readonly codeName: ErrorCodeName,
    message: string,
    /** Extra reply fields, e.g. keyPattern/keyValue of a duplicate key. */
    readonly details: Doc = {},
  ) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = ErrorCode[codeName];
  }
}

export function toErrorReply(error: MongoCommandError): Doc {
  return { ok: 0, errmsg: error.message, code: error.code, codeName: error.codeName, ...error.details };
}

/** The entry of a write command's `writeErrors` array for the statement at `index`. */
export function toWriteError(index: number, error: MongoCommandError): Doc {
  return { index, code: error.code, codeName: error.codeName, errmsg: error.message, ...error.details };
}
