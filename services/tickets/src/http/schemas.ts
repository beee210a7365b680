/**
 * The HTTP contract of /api/tickets (DESIGN.md §HTTP API) as zod schemas: they validate requests at the
 * edge (unknown fields rejected) and describe the OpenAPI document.
 */
import { z } from '@hono/zod-openapi';
import { SORTS } from '../store/list-query';

export const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'critical'] as const;

export const TicketId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a ticket id is 1-64 letters, digits, ".", "_" or "-"')
  .openapi({ example: '0193ab07-77f0-7a19-8e55-3c4b2d9f0a61' });

const Title = z.string().trim().min(1, 'must not be empty').max(200);
const Description = z.string().max(20_000);
const Category = z.string().trim().min(1).max(100);
const Tag = z.string().trim().min(1).max(50);
const Tags = z.array(Tag).max(20).refine((tags) => new Set(tags).size === tags.length, 'tags must be unique');
const Assignee = z.string().trim().min(1).max(200);
const Timestamp = z.iso.datetime({ offset: true });
const Customer = z.strictObject({ email: z.email().max(320), name: z.string().trim().min(1).max(200).optional() });

export const TriageSchema = z
  .object({
    status: z.enum(['pending', 'completed', 'failed']),
    priority: z.enum(PRIORITIES).nullable(),
    category: z.string().nullable(),
    confidence: z.number().nullable(),
    estimatedResolutionHours: z.number().nullable(),
    recommendedSteps: z.array(z.string()),
    model: z.string().nullable(),
    completedAt: z.string().nullable(),
  })
  .openapi('Triage');

export const TicketSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(STATUSES),
    priority: z.enum(PRIORITIES).nullable(),
    category: z.string().nullable(),
    tags: z.array(z.string()),
    assignee: z.string().nullable(),
    customer: z.object({ email: z.string(), name: z.string().optional() }).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
    version: z.number().int(),
    triage: TriageSchema.nullable(),
    duplicateOf: z.string().nullable(),
    escalation: z.object({ level: z.number().int(), escalatedAt: z.string(), reason: z.string() }).nullable(),
  })
  .openapi('Ticket');

export const CreateTicketBody = z
  .strictObject({
    title: Title,
    description: Description.default(''),
    priority: z.enum(PRIORITIES).nullable().optional(),
    category: Category.nullable().optional(),
    tags: Tags.optional(),
    assignee: Assignee.nullable().optional(),
    customer: Customer.nullable().optional(),
  })
  .openapi('CreateTicket');

const updatable = {
  title: Title,
  description: Description,
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES).nullable(),
  category: Category.nullable(),
  tags: Tags,
  assignee: Assignee.nullable(),
};

export const PatchTicketBody = z
  .strictObject({ ...updatable, customer: Customer.nullable() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .openapi('PatchTicket');

/** PUT replaces the editable fields: the ones left out are cleared. */
export const PutTicketBody = z
  .strictObject({
    title: Title,
    description: Description,
    status: z.enum(STATUSES),
    priority: updatable.priority.default(null),
    category: updatable.category.default(null),
    tags: Tags.default([]),
    assignee: updatable.assignee.default(null),
    customer: Customer.nullable().optional(),
  })
  .openapi('PutTicket');

export const ListQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  category: Category.optional(),
  assignee: Assignee.optional(),
  tag: Tag.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  createdFrom: Timestamp.optional(),
  createdTo: Timestamp.optional(),
  sort: z.enum(SORTS).default('-createdAt'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
  count: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
});

export const TicketPageSchema = z
  .object({ items: z.array(TicketSchema), nextCursor: z.string().nullable(), total: z.number().int().optional() })
  .openapi('TicketPage');

export const HistorySchema = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        type: z.string(),
        version: z.number().int(),
        time: z.string(),
        actor: z.object({ type: z.enum(['user', 'agent', 'system']), id: z.string() }),
        data: z.record(z.string(), z.unknown()),
      }),
    ),
  })
  .openapi('TicketHistory');

/** One historical ticket to import, with its labels, status and timestamps. */
export const ImportedTicket = z.strictObject({
  id: TicketId.optional(),
  title: Title,
  description: Description.default(''),
  status: z.enum(STATUSES).default('open'),
  priority: z.enum(PRIORITIES).nullable().optional(),
  category: Category.nullable().optional(),
  tags: Tags.optional(),
  assignee: Assignee.nullable().optional(),
  customer: Customer.nullable().optional(),
  createdAt: Timestamp,
  updatedAt: Timestamp.optional(),
  resolvedAt: Timestamp.nullable().optional(),
});

export const ImportResultSchema = z
  .object({
    created: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    errors: z.array(z.object({ line: z.number().int(), id: z.string().optional(), errors: z.array(z.object({ path: z.string(), message: z.string() })) })),
  })
  .openapi('ImportResult');

