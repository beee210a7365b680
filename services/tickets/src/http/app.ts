/**
 * The tickets HTTP API (DESIGN.md §HTTP API), as a Hono app that runs in Lambda (hono/aws-lambda) and in
 * the local gateway alike. Dependencies come in from the function's entry file.
 */
import { createHash, randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requestId } from 'hono/request-id';
import { authenticate, type AuthEnv } from '@cogdesk/shared/http/auth';
import { createErrorHandler, notFoundHandler, problemBodyLimit, validationHook } from '@cogdesk/shared/http/problem-handlers';
import { NotFoundError, ProblemError } from '@cogdesk/shared/http/problem';
import type { TokenVerifier } from '@cogdesk/shared/http/tokens';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import { handleCommand, type HandleOptions } from '../application/handle-command';
import type { CommandContext, TicketCommand, TicketState } from '../domain';
import { snapshotOf } from '../domain';
import type { OutboxRelay } from '../outbox/outbox-relay';
import type { MongoIdempotencyStore } from '../store/idempotency-store';
import type { TicketStore } from '../store/ticket-store';
import { toProblem } from './errors';
import { importTickets, parseImportBody } from './import-tickets';
import {
  createTicketRoute,
  deleteTicketRoute,
  getTicketRoute,
  historyRoute,
  importRoute,
  listTicketsRoute,
  markDuplicateRoute,
  patchTicketRoute,
  putTicketRoute,
  unmarkDuplicateRoute,
} from './routes';

export interface TicketsAppDependencies {
  store: TicketStore;
  idempotency: MongoIdempotencyStore;
  relay: OutboxRelay;
  verifier: TokenVerifier;
  logger: AppLogger;
  /** Awaited before the first request is served (e.g. index creation). */
  ready?: () => Promise<void>;
  /**
   * Where the process outlives its responses (a long-running server), the relay publishes after the
   * answer, so a write costs its commit alone; the outbox lag shows how far publishing trails. In Lambda
   * (the default, false) the container is frozen once it answers, so a write publishes before it answers.
   * Either way the commit holds the events, and the scheduled sweep publishes whatever a crash left.
   */
  publishAfterResponse?: boolean;
  now?: () => Date;
  newId?: () => string;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

export function createTicketsApp(deps: TicketsAppDependencies) {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.use('*', requestId());
  // Imports carry up to 10,000 tickets; every other body is small.
  app.use('/api/tickets/import', problemBodyLimit(MAX_IMPORT_BYTES));
  app.use('*', async (c, next) => {
    if (c.req.path === '/api/tickets/import') return next();
    return problemBodyLimit(MAX_BODY_BYTES)(c as never, next);
  });
  app.use('*', authenticate(deps.verifier));
  if (deps.ready) {
    const ready = deps.ready;
    app.use('*', async (_c, next) => {
      await ready();
      await next();
    });
  }
  app.onError((error, c) => createErrorHandler(deps.logger)(toProblem(error) as Error, c));
  app.notFound(notFoundHandler);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  const contextOf = (c: Context<AuthEnv>): CommandContext => ({
    actor: { type: 'user', id: c.get('principal').subject },
    now: now().toISOString(),
    correlationId: c.req.header('x-correlation-id') ?? c.get('requestId'),
    causationId: null,
    newEventId: newId,
  });

  /** Publishes what this request committed for these tickets (before or after answering: see publishAfterResponse). */
  const publish = (ticketIds: readonly string[]): Promise<void> => {
    if (!deps.publishAfterResponse) return deps.relay.flushQuietly(ticketIds);
    void deps.relay.flushQuietly(ticketIds);
    return Promise.resolve();
  };

  /** Runs a command, publishes its events, and answers with the ticket and its ETag. */
  const run = async (c: Context<AuthEnv>, command: TicketCommand, options: HandleOptions = {}) => {
    const outcome = await handleCommand(deps.store, command, contextOf(c), options);
    if (outcome.events.length > 0) await publish([command.ticketId]);
    return outcome.state;
  };

  /** The ticket to answer with, its ETag set; 404 when there is none (or it was deleted). */
  const visibleTicket = (c: Context<AuthEnv>, state: TicketState | null) => {
    const ticket = state ? snapshotOf(state) : null;
    if (!ticket) throw new NotFoundError(`Ticket ${c.req.param('id') ?? ''} does not exist`);
    c.header('ETag', etagOf(ticket.version));
    return ticket;
  };

  app.openapi(createTicketRoute, async (c) => {
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    let ticketId = newId();
    if (key) {
      const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
      const scopedKey = `${c.get('principal').subject}:${key}`;
      const earlier = await deps.idempotency.reserve({ _id: scopedKey, requestHash, ticketId, createdAt: now() });
      if (earlier && earlier.requestHash !== requestHash) {
        throw new ProblemError({ status: 422, detail: 'This Idempotency-Key was already used with a different request body' });
      }
      if (earlier) {
        const stored = await deps.store.load(earlier.ticketId);
        // The reservation outlived a failed create: finish it under the same id.
        if (stored) return c.json(created(c, stored.state), 201);
        ticketId = earlier.ticketId;
      }
    }
    const state = await run(c, { type: 'CreateTicket', ticketId, ...body });
    return c.json(created(c, state), 201);
  });

  const created = (c: Context<AuthEnv>, state: TicketState | null) => {
    const ticket = visibleTicket(c, state);
    c.header('Location', `/api/tickets/${ticket.id}`);
    return ticket;
  };

  app.openapi(listTicketsRoute, async (c) => {
    const { count, ...query } = c.req.valid('query');
    return c.json(await deps.store.list(query, { count: count ?? false }), 200);
  });

  app.openapi(getTicketRoute, async (c) => {
    const stored = await deps.store.load(c.req.valid('param').id);
    return c.json(visibleTicket(c, stored && !stored.state.deleted ? stored.state : null), 200);
  });

  app.openapi(patchTicketRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state = await run(c, { type: 'UpdateTicket', ticketId: id, changes: c.req.valid('json') }, ifMatch(c.req.valid('header')['if-match']));
    return c.json(visibleTicket(c, state), 200);
  });

  app.openapi(putTicketRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state = await run(c, { type: 'UpdateTicket', ticketId: id, changes: c.req.valid('json') }, ifMatch(c.req.valid('header')['if-match']));
    return c.json(visibleTicket(c, state), 200);
  });

  app.openapi(deleteTicketRoute, async (c) => {
    const { id } = c.req.valid('param');
    const stored = await deps.store.load(id);
    if (!stored || stored.state.deleted) throw new NotFoundError(`Ticket ${id} does not exist`);
    await run(c, { type: 'DeleteTicket', ticketId: id }, ifMatch(c.req.valid('header')['if-match']));
    return c.body(null, 204);
  });

  app.openapi(historyRoute, async (c) => {
    const { id } = c.req.valid('param');
    const events = await deps.store.history(id);
    if (events.length === 0) throw new NotFoundError(`Ticket ${id} does not exist`);
    return c.json(
      { items: events.map((event) => ({ id: event.id, type: event.type, version: event.version, time: event.time, actor: event.actor, data: event.data })) },
      200,
    );
  });

  app.openapi(markDuplicateRoute, async (c) => {
    const { id, otherId } = c.req.valid('param');
    const original = await deps.store.load(otherId);
    if (!original || original.state.deleted) {
      throw new ProblemError({ status: 422, detail: `Ticket ${otherId} does not exist, so ${id} cannot be its duplicate` });
    }
    const state = await run(c, { type: 'CloseAsDuplicate', ticketId: id, duplicateOf: otherId }, ifMatch(c.req.valid('header')['if-match']));
    return c.json(visibleTicket(c, state), 200);
  });

  app.openapi(unmarkDuplicateRoute, async (c) => {
    const { id } = c.req.valid('param');
    const state = await run(c, { type: 'ReopenFromDuplicate', ticketId: id }, ifMatch(c.req.valid('header')['if-match']));
    return c.json(visibleTicket(c, state), 200);
  });

  app.openapi(importRoute, async (c) => {
    const entries = parseImportBody(await c.req.text(), c.req.header('content-type') ?? '');
    const { report, createdIds } = await importTickets(deps.store, entries, () => contextOf(c), newId);
    if (createdIds.length > 0) await publish(createdIds);
    return c.json(report, 200);
  });

  return app;
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

/** If-Match as the version a change must find; `*` only asks that the ticket exists. */
function ifMatch(header: string | undefined): HandleOptions {
  const version = header && header !== '*' ? Number(/"(\d+)"/.exec(header)?.[1]) : undefined;
  return version === undefined ? {} : { expectedVersion: version };
}
