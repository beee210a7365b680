/**
 * OpenAPI pieces every service's routes share: the problem+json schema and the error responses.
 *
 * @example
 *   createRoute({ ..., security: bearerSecurity, responses: { 200: ..., ...commonErrors, 404: problemResponse('No such ticket') } });
 */
import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .object({
    type: z.string().optional(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

/** A problem+json response with this description. */
export const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

/** What any authenticated, validated route can answer. */
export const commonErrors = {
  400: problemResponse('The request is not valid; `errors` names each field'),
  401: problemResponse('No valid bearer token'),
  403: problemResponse('The token lacks the role this needs'),
};

export const bearerSecurity = [{ bearer: [] }];
