/**
 * The HTTP contract of /api/workflow and /api/agents/health (DESIGN.md §HTTP API) as zod schemas: they
 * validate requests at the edge (unknown query fields rejected) and describe the OpenAPI document.
 */
import { z } from '@hono/zod-openapi';
import { EXECUTION_ID_PATTERN, EXECUTION_STATUSES } from '../application/execution-views';

/** The same rule as /api/tickets/{id}. */
export const TicketId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a ticket id is 1-64 letters, digits, ".", "_" or "-"')
  .openapi({ example: '0193ab07-77f0-7a19-8e55-3c4b2d9f0a61' });

export const ExecutionId = z
  .string()
  .regex(EXECUTION_ID_PATTERN, 'an execution id is 1-80 letters, digits, ".", "_" or "-"')
  .openapi({ example: '5f0c8f7e-2b1d-4c0e-9a57-0d6b1c2e3f40' });

/** The statuses a list can be filtered by (SFN's, in lower case). */
export const FILTERABLE_STATUSES = ['running', 'succeeded', 'failed', 'timed_out', 'aborted'] as const;

/** Matches the envelope's correlationId (1..128 characters), since the chain's outcome events carry it. */
export const CorrelationIdHeader = z.object({
  'x-correlation-id': z
    .string()
    .min(1)
    .max(128)
    .optional()
    .openapi({ param: { name: 'x-correlation-id', in: 'header' }, description: 'Carried into the events the run publishes; a new one when absent' }),
});

export const NoQuery = z.strictObject({});

export const ListExecutionsQuery = z.strictObject({
  ticketId: TicketId.optional(),
  status: z.enum(FILTERABLE_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(4096).optional(),
});

export const AgentHealthQuery = z.strictObject({
  window: z.coerce.number().int().min(1).max(100).default(50).openapi({ description: 'How many of the most recent executions to read' }),
});


export const TriggerAcceptedSchema = z.object({ executionId: z.string() }).openapi('WorkflowTriggerAccepted');

const Status = z.enum(EXECUTION_STATUSES);
const Timestamp = z.string().openapi({ format: 'date-time' });

export const StepSchema = z
  .object({
    name: z.string(),
    type: z.string().openapi({ description: 'The state type: Task, Choice, Fail...' }),
    status: z.enum(['succeeded', 'failed', 'running']),
    attempts: z.number().int().openapi({ description: 'Task invocations, retries included' }),
    failures: z.number().int().openapi({ description: 'Invocations that failed or timed out' }),
    startedAt: Timestamp,
    endedAt: Timestamp.nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().optional(),
    cause: z.string().optional(),
  })
  .openapi('WorkflowStep');

export const ExecutionSchema = z
  .object({
    executionId: z.string(),
    ticketId: z.string().nullable(),
    status: Status,
    startedAt: Timestamp,
    stoppedAt: Timestamp.nullable(),
    durationMs: z.number().int().nullable(),
    steps: z.array(StepSchema),
    output: z.unknown().optional().openapi({ description: 'The final output, when the execution succeeded' }),
    error: z.string().optional(),
    cause: z.string().optional(),
  })
  .openapi('WorkflowExecution');

export const ExecutionPageSchema = z
  .object({
    items: z.array(
      z.object({
        executionId: z.string(),
        ticketId: z.string().nullable(),
        status: Status,
        startedAt: Timestamp,
        stoppedAt: Timestamp.nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('WorkflowExecutionPage');

export const AgentHealthSchema = z
  .object({
    window: z.object({
      executions: z.number().int().openapi({ description: 'How many executions were read' }),
      limit: z.number().int().openapi({ description: 'How many were asked for (the most recent ones)' }),
      since: Timestamp.nullable().openapi({ description: 'When the oldest of them started' }),
    }),
    agents: z.array(
      z.object({
        name: z.enum(['dedupe', 'triage']),
        state: z.string(),
        status: z.enum(['healthy', 'degraded', 'failing', 'idle']),
        invocations: z.number().int(),
        errors: z.number().int(),
        errorRate: z.number().nullable(),
        p95Ms: z.number().nullable(),
        lastSuccessAt: Timestamp.nullable(),
        lastErrorAt: Timestamp.nullable(),
        lastError: z.object({ error: z.string(), cause: z.string().nullable() }).nullable(),
        provider: z.string().nullable(),
      }),
    ),
  })
  .openapi('AgentHealth');
