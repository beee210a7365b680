/** OpenAPI route definitions of /api/workflow and /api/agents/health: paths, parameters and responses. */
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '@cogdesk/shared/http/auth';
import { bearerSecurity, commonErrors, problemResponse } from '@cogdesk/shared/http/openapi';
import { DEFAULT_MAX_SCAN } from '../application/execution-views-sfn';
import { RECENT_INVOCATIONS } from '../application/agent-health';
import {
  AgentHealthQuery,
  AgentHealthSchema,
  CorrelationIdHeader,
  ExecutionId,
  ExecutionPageSchema,
  ExecutionSchema,
  ListExecutionsQuery,
  NoQuery,
  TicketId,
  TriggerAcceptedSchema,
} from './schemas';

const problem = problemResponse;
const errors = commonErrors;
const security = bearerSecurity;

export const triggerRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'post',
  path: '/api/workflow/trigger/{ticketId}',
  summary: 'Run the cognitive chain (find duplicates, then triage) for a ticket now',
  description:
    'Starts the chain on the latest snapshot of the ticket the workflow has seen in ticket events. The run publishes its ' +
    'outcome like any other run, so the ticket is updated through its own audit trail. `Location` names the status resource.',
  security,
  request: { params: z.object({ ticketId: TicketId.openapi({ param: { name: 'ticketId', in: 'path' } }) }), query: NoQuery, headers: CorrelationIdHeader },
  responses: {
    202: { description: 'Started', content: { 'application/json': { schema: TriggerAcceptedSchema } } },
    ...errors,
    404: problem('No such ticket (unknown, deleted, or its creation not yet seen by the workflow)'),
  },
});

export const statusRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/workflow/status/{executionId}',
  summary: 'One execution: status, steps with timings and attempts, output or error',
  security,
  request: { params: z.object({ executionId: ExecutionId.openapi({ param: { name: 'executionId', in: 'path' } }) }), query: NoQuery },
  responses: {
    200: { description: 'The execution', content: { 'application/json': { schema: ExecutionSchema } } },
    ...errors,
    404: problem('No such execution'),
  },
});

export const listExecutionsRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/workflow/executions',
  summary: 'Executions of the chain, newest first',
  description:
    `With \`ticketId\`, each execution's input is read to find its ticket, and one request examines at most ${DEFAULT_MAX_SCAN} ` +
    'executions: when it stops there, `items` may hold fewer than `limit` and `nextCursor` continues the scan.',
  security,
  request: { query: ListExecutionsQuery },
  responses: {
    200: { description: 'A page; pass `nextCursor` as `cursor` for the next one', content: { 'application/json': { schema: ExecutionPageSchema } } },
    ...errors,
  },
});

export const agentHealthRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/agents/health',
  summary: 'Per AI agent (dedupe, triage): status, invocations, errors, p95 latency, last success and error, provider',
  description:
    'Computed from the histories of the most recent `window` executions (default 50), as `window` in the answer says. ' +
    `Status reads the last ${RECENT_INVOCATIONS} invocations: healthy (no error), degraded (some failed), failing (half or more failed), idle (none).`,
  security,
  request: { query: AgentHealthQuery },
  responses: { 200: { description: 'Each agent', content: { 'application/json': { schema: AgentHealthSchema } } }, ...errors },
});
