/** OpenAPI route definitions of /api/tickets: paths, parameters, bodies and responses. */
import { createRoute, z } from '@hono/zod-openapi';
import { requireRole } from '@cogdesk/shared/http/auth';
import { bearerSecurity, commonErrors, problemResponse } from '@cogdesk/shared/http/openapi';
import {
  CreateTicketBody,
  HistorySchema,
  ImportResultSchema,
  ListQuery,
  PatchTicketBody,
  PutTicketBody,
  TicketId,
  TicketPageSchema,
  TicketSchema,
} from './schemas';

const problem = problemResponse;
const errors = commonErrors;
const ticketResponse = (description: string) => ({ description, content: { 'application/json': { schema: TicketSchema } } });
const IdParams = z.object({ id: TicketId.openapi({ param: { name: 'id', in: 'path' } }) });
const IfMatch = z.object({
  'if-match': z
    .string()
    .regex(/^(\*|(W\/)?"\d+")$/, 'expected the ETag of the ticket, e.g. "3"')
    .optional()
    .openapi({ param: { name: 'if-match', in: 'header' } }),
});
const security = bearerSecurity;

export const createTicketRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'post',
  path: '/api/tickets',
  summary: 'Open a ticket',
  security,
  request: {
    headers: z.object({
      'idempotency-key': z.string().min(1).max(255).optional().openapi({ param: { name: 'idempotency-key', in: 'header' } }),
    }),
    body: { required: true, content: { 'application/json': { schema: CreateTicketBody } } },
  },
  responses: {
    201: ticketResponse('Created; `Location` and `ETag` headers are set'),
    ...errors,
    413: problem('The body is over 1 MB'),
    422: problem('The Idempotency-Key was used with another body'),
  },
});

export const listTicketsRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/tickets',
  summary: 'List tickets: filters, text search, sort, cursor pages',
  security,
  request: { query: ListQuery },
  responses: { 200: { description: 'A page', content: { 'application/json': { schema: TicketPageSchema } } }, ...errors },
});

export const getTicketRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/tickets/{id}',
  summary: 'Read a ticket',
  security,
  request: { params: IdParams },
  responses: { 200: ticketResponse('The ticket, with its `ETag`'), ...errors, 404: problem('No such ticket (or deleted)') },
});

const updateResponses = {
  200: ticketResponse('The updated ticket, with its new `ETag`'),
  ...errors,
  404: problem('No such ticket'),
  409: problem('The change breaks a rule (e.g. an invalid status move)'),
  412: problem('If-Match does not match the current version'),
  422: problem('The change is not allowed'),
};

export const patchTicketRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'patch',
  path: '/api/tickets/{id}',
  summary: 'Change some fields of a ticket',
  security,
  request: { params: IdParams, headers: IfMatch, body: { required: true, content: { 'application/json': { schema: PatchTicketBody } } } },
  responses: updateResponses,
});

export const putTicketRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'put',
  path: '/api/tickets/{id}',
  summary: 'Replace the editable fields of a ticket (fields left out are cleared)',
  security,
  request: { params: IdParams, headers: IfMatch, body: { required: true, content: { 'application/json': { schema: PutTicketBody } } } },
  responses: updateResponses,
});

export const deleteTicketRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'delete',
  path: '/api/tickets/{id}',
  summary: 'Delete a ticket (its history is kept)',
  security,
  request: { params: IdParams, headers: IfMatch },
  responses: { 204: { description: 'Deleted' }, ...errors, 404: problem('No such ticket'), 412: problem('Stale If-Match') },
});

export const historyRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/tickets/{id}/history',
  summary: 'The audit trail of a ticket, oldest first',
  security,
  request: { params: IdParams },
  responses: { 200: { description: 'Every event', content: { 'application/json': { schema: HistorySchema } } }, ...errors, 404: problem('No such ticket') },
});

export const markDuplicateRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'post',
  path: '/api/tickets/{id}/duplicate-of/{otherId}',
  summary: 'Close a ticket as a duplicate of another, by hand',
  security,
  request: {
    params: z.object({
      id: TicketId.openapi({ param: { name: 'id', in: 'path' } }),
      otherId: TicketId.openapi({ param: { name: 'otherId', in: 'path' } }),
    }),
    headers: IfMatch,
  },
  responses: updateResponses,
});

export const unmarkDuplicateRoute = createRoute({
  middleware: [requireRole('agent')] as const,
  method: 'delete',
  path: '/api/tickets/{id}/duplicate-of',
  summary: 'Undo a duplicate: reopen the ticket as it was',
  security,
  request: { params: IdParams, headers: IfMatch },
  responses: updateResponses,
});

export const importRoute = createRoute({
  middleware: [requireRole('admin')] as const,
  method: 'post',
  path: '/api/tickets/import',
  summary: 'Import up to 10,000 historical tickets with their labels, status and timestamps (NDJSON or a JSON array)',
  security,
  request: {
    body: {
      required: true,
      content: {
        'application/x-ndjson': { schema: z.string().openapi({ description: 'One ticket per line' }) },
        // Documented, not validated here: each ticket is validated on its own so errors come back by line.
        'application/json': { schema: z.unknown().openapi({ description: 'An array of tickets (each as in the NDJSON form)' }) },
      },
    },
  },
  responses: {
    200: { description: 'Counts created / skipped (already there) / failed, and the errors by line', content: { 'application/json': { schema: ImportResultSchema } } },
    ...errors,
    413: problem('The body is too large'),
  },
});
