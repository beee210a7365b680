import type { ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type {} from 'hono/request-id';
import { z } from 'zod';
import { createLogger, type AppLogger } from '../observability/logger';
import {
  fieldErrorsOf,
  NotFoundError,
  PayloadTooLargeError,
  ProblemError,
  problemResponse,
  ValidationError,
} from './problem';

/**
 * Hono `onError` answering every error as problem+json: `ProblemError` as itself, Hono's `HTTPException`
 * (malformed JSON, unsupported media type...) with its status and message, a `ZodError` as 400 naming the
 * fields. Anything else is a 500 whose body carries only the request id, never the error or its stack;
 * the error is logged with that id (from Hono's `requestId()` middleware or `X-Request-Id`).
 *
 * @example
 *   app.onError(createErrorHandler(logger));
 */
export function createErrorHandler(logger: AppLogger = createLogger()): ErrorHandler {
  return (error, c) => {
    const requestId = c.get('requestId') ?? c.req.header('x-request-id') ?? crypto.randomUUID();
    const problem = toProblem(error) ?? unexpectedProblem(requestId, error);
    if (problem.status >= 500) {
      logger.error('Request failed', { requestId, method: c.req.method, path: c.req.path, error });
    }
    return problemResponse(problem);
  };
}

function toProblem(error: Error): ProblemError | null {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) {
    // Keep headers an exception's own response set (e.g. a WWW-Authenticate challenge), not its body.
    const headers = Object.fromEntries(
      [...(error.res?.headers.entries() ?? [])].filter(([name]) => !/^content-(type|length)$/i.test(name)),
    );
    return new ProblemError({ status: error.status, detail: error.message || undefined, headers, cause: error });
  }
  if (error instanceof z.ZodError) return new ValidationError(fieldErrorsOf(error.issues));
  return null;
}

function unexpectedProblem(requestId: string, cause: unknown): ProblemError {
  return new ProblemError({
    status: 500,
    detail: 'Something went wrong on our side; quote the request id when reporting it',
    extensions: { requestId },
    cause,
  });
}

/**
 * Hono `notFound` handler: 404 problem+json naming the method and path.
 *
 * @example
 *   app.notFound(notFoundHandler);
 */
export const notFoundHandler: NotFoundHandler = (c) =>
  problemResponse(new NotFoundError(`No route for ${c.req.method} ${c.req.path}`));

const requestParts: Record<string, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

type ValidationHookResult = { target: string } & (
  | { success: true }
  | { success: false; error: { issues: readonly z.core.$ZodIssue[] } }
);

/**
 * `defaultHook` for `@hono/zod-openapi`: a failed request validation becomes a 400 problem whose `errors`
 * name each field with its request part (`body.title`, `query.limit`, `path.id`, `header.if-match`).
 *
 * @example
 *   const app = new OpenAPIHono({ defaultHook: validationHook });
 */
export function validationHook(result: ValidationHookResult): Response | undefined {
  if (result.success) return undefined;
  const part = requestParts[result.target] ?? result.target;
  return problemResponse(new ValidationError(fieldErrorsOf(result.error.issues, part)));
}

/**
 * Rejects request bodies over `maxBytes` with a 413 problem, before they are read whole.
 *
 * @example
 *   app.use('/api/*', problemBodyLimit(1024 * 1024));
 */
export function problemBodyLimit(maxBytes: number): MiddlewareHandler {
  const streamedBodyLimit = bodyLimit({ maxSize: maxBytes, onError: () => problemResponse(new PayloadTooLargeError(maxBytes)) });
  return async (c, next) => {
    // No route reads the body of a GET or HEAD, and a declared length within the limit needs no counting.
    // Deciding from the method and headers spares those requests the full Request object that asking for
    // `raw.body` makes the Node adapter build (a measurable share of a small GET's cost).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined && /^\d+$/.test(length) && Number(length) <= maxBytes) return next();
    return streamedBodyLimit(c, next);
  };
}
