/**
 * The workflow HTTP API (DESIGN.md §HTTP API): trigger the cognitive chain, read executions and their steps,
 * and the AI agents' health. A Hono app that runs in Lambda (hono/aws-lambda) and in the local gateway
 * alike; its dependencies come in from the function's entry file.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { authenticate, type AuthEnv } from '@cogdesk/shared/http/auth';
import { NotFoundError, ProblemError, ValidationError } from '@cogdesk/shared/http/problem';
import { createErrorHandler, notFoundHandler, problemBodyLimit, validationHook } from '@cogdesk/shared/http/problem-handlers';
import type { TokenVerifier } from '@cogdesk/shared/http/tokens';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import { agentHealthOf } from '../application/agent-health';
import { InvalidCursorError, manualTriageInput, type WorkflowExecutions } from '../application/execution-views';
import type { TicketSnapshotStore } from '../application/ticket-snapshots';
import { agentHealthRoute, listExecutionsRoute, statusRoute, triggerRoute } from './routes';

export interface WorkflowAppDependencies {
  executions: WorkflowExecutions;
  snapshots: TicketSnapshotStore;
  verifier: TokenVerifier;
  logger: AppLogger;
  now?: () => Date;
  newId?: () => string;
}

// No route takes a body; a small limit keeps a stray upload from being read.
const MAX_BODY_BYTES = 64 * 1024;
// Step Functions refuses to start beyond its quotas and throttles bursts: the caller may try again.
const RETRYABLE_SFN_ERRORS = new Set(['ExecutionLimitExceeded', 'ThrottlingException']);

export function createWorkflowApp(deps: WorkflowAppDependencies) {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? randomUUID;
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });

  app.use('*', requestId());
  app.use('*', problemBodyLimit(MAX_BODY_BYTES));
  app.use('*', authenticate(deps.verifier));
  app.onError((error, c) => createErrorHandler(deps.logger)(toProblem(error), c));
  app.notFound(notFoundHandler);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  app.openapi(triggerRoute, async (c) => {
    const { ticketId } = c.req.valid('param');
    const stored = await deps.snapshots.get(ticketId);
    if (!stored?.ticket || stored.deleted) {
      throw new NotFoundError(`Ticket ${ticketId} does not exist (or the workflow has not seen its creation yet)`);
    }
    // The execution name is the id callers poll; the event id names the request as the cause of what the run publishes.
    const executionId = newId();
    const input = manualTriageInput({
      eventId: newId(),
      correlationId: c.req.valid('header')['x-correlation-id'] ?? newId(),
      ticket: stored.ticket,
      actor: { type: 'user', id: c.get('principal').subject },
      now: now().toISOString(),
    });
    await deps.executions.start({ name: executionId, input });
    deps.logger.info('Cognitive chain started by hand', { ticketId, executionId, correlationId: input.detail.correlationId });
    c.header('Location', `/api/workflow/status/${executionId}`);
    return c.json({ executionId }, 202);
  });

  app.openapi(statusRoute, async (c) => {
    const { executionId } = c.req.valid('param');
    const view = await deps.executions.view(executionId);
    if (!view) throw new NotFoundError(`Execution ${executionId} does not exist`);
    return c.json(view, 200);
  });

  app.openapi(listExecutionsRoute, async (c) => {
    return c.json(await deps.executions.list(c.req.valid('query')), 200);
  });

  app.openapi(agentHealthRoute, async (c) => {
    const { window } = c.req.valid('query');
    const recent = await deps.executions.recentAgentAttempts(window);
    return c.json(
      {
        window: { executions: recent.executions, limit: window, since: recent.since?.toISOString() ?? null },
        agents: agentHealthOf(recent.attempts),
      },
      200,
    );
  });

  return app;
}

function toProblem(error: Error): Error {
  if (error instanceof InvalidCursorError) return new ValidationError([{ path: 'query.cursor', message: error.message }]);
  if (RETRYABLE_SFN_ERRORS.has(error.name)) {
    return new ProblemError({ status: 503, detail: 'The workflow engine is busy; try again shortly', headers: { 'Retry-After': '5' }, cause: error });
  }
  return error;
}
