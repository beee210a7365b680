import type { MiddlewareHandler } from 'hono';
import { ForbiddenError, problemResponse, UnauthorizedError } from './problem';
import { InvalidTokenError, type Principal, type Role, type TokenVerifier } from './tokens';

/** Hono env of authenticated routes: `c.get('principal')` is the caller. */
export interface AuthEnv {
  Variables: { principal: Principal };
}

const roleRank: Record<Role, number> = { viewer: 1, agent: 2, admin: 3 };

/**
 * Whether the principal holds `role` or a role that implies it (admin → agent → viewer).
 *
 * @example
 *   hasRole({ subject: 'u-1', roles: ['admin'] }, 'agent'); // true
 */
export function hasRole(principal: Principal, role: Role): boolean {
  return principal.roles.some((held) => roleRank[held] >= roleRank[role]);
}

/**
 * Requires `Authorization: Bearer <token>`; answers 401 problem+json with a `WWW-Authenticate: Bearer`
 * challenge when it is missing, malformed, forged or expired, and otherwise sets `principal`.
 *
 * @example
 *   const app = new OpenAPIHono<AuthEnv>();
 *   app.use('/api/tickets/*', authenticate(verifier));
 *   app.get('/api/tickets', (c) => c.json({ caller: c.get('principal').subject }));
 */
export function authenticate(verifier: TokenVerifier): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    const token = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    if (token === undefined) {
      const detail = header === undefined ? 'A bearer token is required' : 'The Authorization header must be "Bearer <token>"';
      return problemResponse(new UnauthorizedError(detail));
    }
    try {
      c.set('principal', await verifier.verify(token));
    } catch (error) {
      if (!(error instanceof InvalidTokenError)) throw error;
      return problemResponse(new UnauthorizedError(error.message, { invalidToken: true }));
    }
    await next();
  };
}

/**
 * Lets the request through when the principal holds any of `roles` (directly or by implication);
 * 403 problem+json otherwise. Use after `authenticate`.
 *
 * @example
 *   app.put('/api/escalation/rules', requireRole('admin'), handler);
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    // Without `authenticate` in front there is no principal: refuse rather than let the request through.
    const principal = c.get('principal') as Principal | undefined;
    if (!principal) return problemResponse(new UnauthorizedError('A bearer token is required'));
    if (!roles.some((role) => hasRole(principal, role))) {
      return problemResponse(new ForbiddenError(`Requires role ${roles.join(' or ')}`));
    }
    await next();
  };
}
