/** GET /api/tickets/{id}/similar: the dedupe service answers it from its own index. */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { requestId } from 'hono/request-id';
import { authenticate, requireRole, type AuthEnv } from '@cogdesk/shared/http/auth';
import { NotFoundError } from '@cogdesk/shared/http/problem';
import { createErrorHandler, notFoundHandler, validationHook } from '@cogdesk/shared/http/problem-handlers';
import type { TokenVerifier } from '@cogdesk/shared/http/tokens';
import type { AppLogger } from '@cogdesk/shared/observability/logger';
import type { DedupeService } from '../application/dedupe-service';

const similarRoute = createRoute({
  middleware: [requireRole('viewer')] as const,
  method: 'get',
  path: '/api/tickets/{id}/similar',
  summary: 'Tickets likely to report the same problem, best first, with the signals behind each score',
  security: [{ bearer: [] }],
  request: {
    params: z.object({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).openapi({ param: { name: 'id', in: 'path' } }) }),
    query: z.strictObject({ limit: z.coerce.number().int().min(1).max(50).default(10) }),
  },
  responses: {
    200: {
      description: '`score` is the estimated probability, 0..1, that the two tickets are duplicates',
      content: {
        'application/json': {
          schema: z
            .object({
              threshold: z.number(),
              items: z.array(z.object({ ticketId: z.string(), title: z.string(), score: z.number(), signals: z.record(z.string(), z.unknown()) })),
            })
            .openapi('SimilarTickets'),
        },
      },
    },
    404: { description: 'The ticket is not indexed (unknown, deleted, or not yet seen)' },
  },
});

export function createDedupeApp(deps: { dedupe: DedupeService; verifier: TokenVerifier; logger: AppLogger }) {
  const app = new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
  app.use('*', requestId());
  app.use('*', authenticate(deps.verifier));
  app.onError(createErrorHandler(deps.logger));
  app.notFound(notFoundHandler);
  app.openapi(similarRoute, async (c) => {
    const { id } = c.req.valid('param');
    const items = await deps.dedupe.similarTo(id, c.req.valid('query').limit);
    if (!items) throw new NotFoundError(`Ticket ${id} is not in the duplicate index (unknown, deleted, or not yet indexed)`);
    return c.json({ threshold: deps.dedupe.threshold, items: items.map((item) => ({ ...item, signals: { ...item.signals } })) }, 200);
  });
  return app;
}
