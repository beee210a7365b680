import { STATUS_CODES } from 'node:http';
import type { z } from 'zod';

/** One invalid field: `path` names the request part and field, e.g. `body.title`, `query.limit`. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/** An RFC 9457 problem details body. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

export interface ProblemInit {
  status: number;
  /** Defaults to the HTTP reason phrase, as RFC 9457 asks when `type` is `about:blank`. */
  title?: string;
  detail?: string;
  type?: string;
  instance?: string;
  errors?: ProblemFieldError[];
  headers?: Record<string, string>;
  /** Extra members of the body, e.g. `requestId`. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * An error that is answered as `application/problem+json`. Throw it (or a subclass) from a route; the
 * `onError` handler in `./problem-handlers` renders it.
 *
 * @example
 *   throw new ProblemError({ status: 422, title: 'Ticket closed', detail: 'A closed ticket cannot be assigned' });
 */
export class ProblemError extends Error {
  override readonly name: string = 'ProblemError';
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string;
  readonly instance: string | undefined;
  readonly errors: ProblemFieldError[] | undefined;
  readonly headers: Record<string, string>;
  readonly extensions: Record<string, unknown>;

  constructor(init: ProblemInit) {
    const title = init.title ?? STATUS_CODES[init.status] ?? 'Error';
    super(init.detail ?? title, { cause: init.cause });
    this.status = init.status;
    this.title = title;
    this.detail = init.detail;
    this.type = init.type ?? 'about:blank';
    this.instance = init.instance;
    this.errors = init.errors;
    this.headers = init.headers ?? {};
    this.extensions = init.extensions ?? {};
  }

  toJSON(): ProblemDetails {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      ...(this.detail !== undefined && { detail: this.detail }),
      ...(this.instance !== undefined && { instance: this.instance }),
      ...(this.errors !== undefined && { errors: this.errors }),
    };
  }
}

/** 400 naming each invalid field. @example throw new ValidationError([{ path: 'query.cursor', message: 'Unknown cursor' }]); */
export class ValidationError extends ProblemError {
  override readonly name = 'ValidationError';
  constructor(errors: ProblemFieldError[], detail = 'The request is not valid') {
    super({ status: 400, detail, errors });
  }
}

/**
 * 401 with the `WWW-Authenticate: Bearer` challenge RFC 6750 asks for; `invalid_token` when one was sent.
 *
 * @example
 *   throw new UnauthorizedError('The token has expired', { invalidToken: true });
 */
export class UnauthorizedError extends ProblemError {
  override readonly name = 'UnauthorizedError';
  constructor(detail: string, { invalidToken = false } = {}) {
    const challenge = invalidToken ? `Bearer error="invalid_token", error_description="${detail.replaceAll('"', "'")}"` : 'Bearer';
    super({ status: 401, detail, headers: { 'WWW-Authenticate': challenge } });
  }
}

/** 403. @example throw new ForbiddenError('Requires role admin'); */
export class ForbiddenError extends ProblemError {
  override readonly name = 'ForbiddenError';
  constructor(detail: string) {
    super({ status: 403, detail });
  }
}

/** 404. @example throw new NotFoundError(`Ticket ${id} does not exist`); */
export class NotFoundError extends ProblemError {
  override readonly name = 'NotFoundError';
  constructor(detail: string) {
    super({ status: 404, detail });
  }
}

/** 409. @example throw new ConflictError('Idempotency-Key reused with a different body'); */
export class ConflictError extends ProblemError {
  override readonly name = 'ConflictError';
  constructor(detail: string) {
    super({ status: 409, detail });
  }
}

/** 412, for a stale `If-Match`. @example throw new PreconditionFailedError('Ticket is at version 4, not 3'); */
export class PreconditionFailedError extends ProblemError {
  override readonly name = 'PreconditionFailedError';
  constructor(detail: string) {
    super({ status: 412, detail });
  }
}

/** 413. @example throw new PayloadTooLargeError(1_048_576); */
export class PayloadTooLargeError extends ProblemError {
  override readonly name = 'PayloadTooLargeError';
  constructor(maxBytes: number) {
    super({ status: 413, detail: `The request body exceeds ${maxBytes} bytes` });
  }
}

/**
 * The HTTP response for a problem.
 *
 * @example
 *   return problemResponse(new NotFoundError(`Ticket ${id} does not exist`));
 */
export function problemResponse(problem: ProblemError): Response {
  return new Response(JSON.stringify(problem.toJSON()), {
    status: problem.status,
    headers: { ...problem.headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}

/**
 * Field errors from zod issues, each path prefixed by the request part; an unknown key is named as its own field.
 *
 * @example
 *   fieldErrorsOf(result.error.issues, 'body'); // [{ path: 'body.title', message: 'Invalid input: expected string, received undefined' }]
 */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[], prefix?: string): ProblemFieldError[] {
  const pathOf = (segments: readonly PropertyKey[]) => [prefix, ...segments.map(String)].filter(Boolean).join('.') || '(root)';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'Unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}
