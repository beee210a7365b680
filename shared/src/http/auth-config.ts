import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { loadConfig, type EnvironmentVariables } from '../config';
import { createTokenVerifier, InvalidTokenError, ROLES, type Principal, type TokenVerifier } from './tokens';

const authEnvironment = z
  .object({
    /** OIDC/Cognito (deployed): all three together. */
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).optional(),
    /** HS256 secret of locally minted tokens (`npm start`, tests). */
    AUTH_LOCAL_SECRET: z.string().min(32).optional(),
    /** Fixed bearer tokens, JSON `{ "<token>": ["admin"] }`: an operator's `API_TOKEN`, service accounts. */
    AUTH_STATIC_TOKENS: z
      .string()
      .transform((text, ctx) => {
        try {
          return z.record(z.string().min(16), z.array(z.enum(ROLES)).min(1)).parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'expected JSON {"<token of 16+ characters>": ["admin"|"agent"|"viewer", ...]}' });
          return z.NEVER;
        }
      })
      .optional(),
  })
  .refine((env) => Boolean(env.AUTH_JWKS_URL) === Boolean(env.AUTH_ISSUER && env.AUTH_AUDIENCE), {
    message: 'AUTH_JWKS_URL, AUTH_ISSUER and AUTH_AUDIENCE go together',
    path: [],
  })
  .refine((env) => env.AUTH_JWKS_URL || env.AUTH_LOCAL_SECRET || env.AUTH_STATIC_TOKENS, {
    message: 'no way to verify tokens: set AUTH_JWKS_URL (+ AUTH_ISSUER, AUTH_AUDIENCE), AUTH_LOCAL_SECRET or AUTH_STATIC_TOKENS',
    path: [],
  });

/**
 * The token verifier an HTTP function's configuration asks for: JWTs from an OIDC provider (deployed) or
 * signed with a local secret, plus any fixed tokens. Only the configuration differs between AWS and local.
 *
 * @example
 *   app.use('/api/*', authenticate(tokenVerifierFromEnv()));
 */
export function tokenVerifierFromEnv(env: EnvironmentVariables = process.env): TokenVerifier {
  const config = loadConfig(authEnvironment, env);
  const jwt =
    config.AUTH_JWKS_URL && config.AUTH_ISSUER && config.AUTH_AUDIENCE
      ? createTokenVerifier({ kind: 'jwks', jwksUrl: config.AUTH_JWKS_URL, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE })
      : config.AUTH_LOCAL_SECRET
        ? createTokenVerifier({ kind: 'local', secret: config.AUTH_LOCAL_SECRET })
        : undefined;
  const fixed = Object.entries(config.AUTH_STATIC_TOKENS ?? {}).map(([token, roles]) => ({ token: Buffer.from(token), roles }));
  return {
    async verify(token) {
      const presented = Buffer.from(token);
      const match = fixed.find((entry) => entry.token.length === presented.length && timingSafeEqual(entry.token, presented));
      if (match) return { subject: 'api-token', roles: match.roles } satisfies Principal;
      if (!jwt) throw new InvalidTokenError('The token is not valid');
      return jwt.verify(token);
    },
  };
}
