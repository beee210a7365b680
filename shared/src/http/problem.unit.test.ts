import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { describe, expect, it } from 'vitest';
import { RecordingLogger } from '../testing/recording-logger';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ProblemError,
  problemResponse,
  UnauthorizedError,
  ValidationError,
} from './problem';
import { createErrorHandler, notFoundHandler, problemBodyLimit, validationHook } from './problem-handlers';

const updateTicket = createRoute({
  method: 'patch',
  path: '/api/tickets/{id}',
  request: {
    params: z.object({ id: z.string().regex(/^t-\d+$/) }),
    query: z.object({ notify: z.enum(['yes', 'no']).optional() }),
    headers: z.object({ 'if-match': z.string().regex(/^"\d+"$/) }),
    body: { required: true, content: { 'application/json': { schema: z.strictObject({ title: z.string().min(1) }) } } },
  },
  responses: { 200: { description: 'Updated' } },
});

function appWith(throwing: () => never = () => { throw new Error('unused'); }) {
  const logger = new RecordingLogger();
  const app = new OpenAPIHono({ defaultHook: validationHook });
  app.use(requestId());
  app.use('/api/*', problemBodyLimit(1024));
  app.onError(createErrorHandler(logger));
  app.notFound(notFoundHandler);
  app.openapi(updateTicket, (c) => c.json({ id: c.req.valid('param').id }, 200));
  app.get('/api/throw', throwing);
  return { app, logger };
}

const patch = (body: string, headers: Record<string, string> = {}, path = '/api/tickets/t-1') =>
  appWith().app.request(path, {
    method: 'PATCH',
    body,
    headers: { 'Content-Type': 'application/json', 'If-Match': '"3"', ...headers },
  });

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  return (await response.json()) as Record<string, unknown>;
}

describe('problem errors', () => {
  it.each([
    [new NotFoundError('Ticket t-9 does not exist'), 404, 'Not Found', 'Ticket t-9 does not exist'],
    [new ConflictError('Idempotency-Key reused'), 409, 'Conflict', 'Idempotency-Key reused'],
    [new PreconditionFailedError('Ticket is at version 4'), 412, 'Precondition Failed', 'Ticket is at version 4'],
    [new ForbiddenError('Requires role admin'), 403, 'Forbidden', 'Requires role admin'],
    [new PayloadTooLargeError(10), 413, 'Payload Too Large', 'The request body exceeds 10 bytes'],
    [new ProblemError({ status: 422, title: 'Ticket closed', detail: 'Reopen it first', type: 'https://cogdesk.dev/problems/ticket-closed' }), 422, 'Ticket closed', 'Reopen it first'],
  ])('renders %s as problem+json', async (error, status, title, detail) => {
    const { app } = appWith(() => {
      throw error;
    });

    const response = await app.request('/api/throw');

    expect(response.status).toBe(status);
    expect(await problemOf(response)).toEqual({ type: error.type, title, status, detail });
  });

  it('renders a ValidationError with its field errors', async () => {
    const errors = [{ path: 'query.cursor', message: 'Unknown cursor' }];

    const response = problemResponse(new ValidationError(errors));

    expect(response.status).toBe(400);
    expect(await problemOf(response)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The request is not valid', errors });
  });

  it('challenges for a bearer token on 401, naming an invalid one', () => {
    expect(problemResponse(new UnauthorizedError('A bearer token is required')).headers.get('www-authenticate')).toBe('Bearer');
    expect(problemResponse(new UnauthorizedError('The token has expired', { invalidToken: true })).headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The token has expired"',
    );
  });
});

describe('createErrorHandler', () => {
  it('renders a Hono HTTPException with its status, message and headers', async () => {
    const { app } = appWith(() => {
      throw new HTTPException(429, { message: 'Slow down', res: new Response('x', { headers: { 'Retry-After': '30' } }) });
    });

    const response = await app.request('/api/throw');

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await problemOf(response)).toEqual({ type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'Slow down' });
  });

  it('renders a thrown ZodError as 400 naming the fields', async () => {
    const { app } = appWith(() => {
      z.object({ cursor: z.string() }).parse({ cursor: 1 });
      throw new Error('unreachable');
    });

    const body = await problemOf(await app.request('/api/throw'));

    expect(body).toMatchObject({ status: 400, errors: [{ path: 'cursor', message: 'Invalid input: expected string, received number' }] });
  });

  it('answers an unexpected error with 500 and the request id only, and logs the error with that id', async () => {
    const { app, logger } = appWith(() => {
      throw new Error('connection string mongodb://admin:secret@db leaked');
    });

    const response = await app.request('/api/throw', { headers: { 'X-Request-Id': 'req-42' } });
    const text = await response.clone().text();

    expect(response.status).toBe(500);
    expect(await problemOf(response)).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'Something went wrong on our side; quote the request id when reporting it',
      requestId: 'req-42',
    });
    expect(text).not.toMatch(/secret|stack|at /);
    expect(logger.entries).toEqual([
      {
        level: 'error',
        message: 'Request failed',
        attributes: expect.objectContaining({ requestId: 'req-42', method: 'GET', path: '/api/throw', error: expect.any(Error) }),
      },
    ]);
  });

  it('answers malformed JSON with 400', async () => {
    const response = await patch('{"title": ');

    expect(response.status).toBe(400);
    expect(await problemOf(response)).toMatchObject({ status: 400, detail: 'Malformed JSON in request body' });
  });

  it('answers a body of an undeclared media type with 415', async () => {
    const response = await patch('title=x', { 'Content-Type': 'application/x-www-form-urlencoded' });

    expect(response.status).toBe(415);
    expect(await problemOf(response)).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
  });
});

describe('validationHook', () => {
  it('passes a valid request to the route', async () => {
    const response = await patch('{"title":"Printer on fire"}');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: 't-1' });
  });

  it('names the invalid body field, prefixed with body', async () => {
    const body = await problemOf(await patch('{"title":""}'));

    expect(body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'The request is not valid',
      errors: [{ path: 'body.title', message: 'Too small: expected string to have >=1 characters' }],
    });
  });

  it('names each unknown body field', async () => {
    const body = await problemOf(await patch('{"title":"x","priority":"high","owner":"me"}'));

    expect(body.errors).toEqual([
      { path: 'body.priority', message: 'Unknown field' },
      { path: 'body.owner', message: 'Unknown field' },
    ]);
  });

  it('names invalid path, query and header values by their request part', async () => {
    const responses = await Promise.all([
      patch('{"title":"x"}', {}, '/api/tickets/nope'),
      patch('{"title":"x"}', {}, '/api/tickets/t-1?notify=maybe'),
      patch('{"title":"x"}', { 'If-Match': 'W/"3"' }),
    ]);

    const paths = await Promise.all(
      responses.map(async (response) => ((await problemOf(response)).errors as { path: string }[]).map((error) => error.path)),
    );
    expect(paths).toEqual([['path.id'], ['query.notify'], ['header.if-match']]);
  });
});

describe('notFoundHandler and problemBodyLimit', () => {
  it('answers an unknown route with 404 naming it', async () => {
    const response = await appWith().app.request('/api/nothing-here', { method: 'DELETE' });

    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({ status: 404, detail: 'No route for DELETE /api/nothing-here' });
  });

  it('answers a body over the limit with 413', async () => {
    const response = await patch(JSON.stringify({ title: 'x'.repeat(2000) }));

    expect(response.status).toBe(413);
    expect(await problemOf(response)).toMatchObject({ status: 413, detail: 'The request body exceeds 1024 bytes' });
  });

  it('refuses a declared Content-Length over the limit, and passes one within it', async () => {
    expect((await patch('{}', { 'Content-Length': '5000' })).status).toBe(413);
    expect((await patch('{"title":"ok"}', { 'Content-Length': '14' })).status).toBe(200);
  });

  it('never asks a GET for its body (the Node adapter builds a whole Request object for that)', async () => {
    const { app } = appWith(() => {
      throw new Error('unused');
    });
    app.get('/api/ping', (c) => c.text('pong'));
    const request = new Request('http://localhost/api/ping');
    Object.defineProperty(request, 'body', {
      get: () => {
        throw new Error('body read');
      },
    });
    const response = await app.request(request);
    expect(response.status).toBe(200);
  });
});
