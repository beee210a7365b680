import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

export const ROLES = ['admin', 'agent', 'viewer'] as const;
/** admin implies agent implies viewer. */
export type Role = (typeof ROLES)[number];

/** Who is calling, as the token says. */
export interface Principal {
  subject: string;
  roles: Role[];
}

export interface TokenVerifier {
  /** The token's principal; throws `InvalidTokenError` when it is malformed, forged, expired or for someone else. */
  verify(token: string): Promise<Principal>;
}

/** The token cannot be trusted; the message says why and is safe to show the caller. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

export type TokenVerifierConfig =
  /** HS256 tokens minted by `createLocalTokenIssuer` with the same secret (local mode). */
  | { kind: 'local'; secret: string }
  /** An OIDC provider such as Cognito: RS256 tokens checked against its JWKS. */
  | { kind: 'jwks'; jwksUrl: string; issuer: string; audience: string };

const LOCAL_ISSUER = 'cogdesk-local';

/**
 * A verifier of bearer tokens. Roles come from a `roles` claim or, for Cognito, `cognito:groups`;
 * values that are not Cogdesk roles are ignored.
 *
 * @example
 *   const verifier = createTokenVerifier({ kind: 'jwks', jwksUrl: `${userPool}/.well-known/jwks.json`, issuer: userPool, audience: clientId });
 *   const verifier = createTokenVerifier({ kind: 'local', secret: config.AUTH_SECRET });
 */
export function createTokenVerifier(config: TokenVerifierConfig): TokenVerifier {
  switch (config.kind) {
    case 'local': {
      const key = secretKey(config.secret);
      return verifierOf(async (token) => {
        const { payload } = await jwtVerify(token, key, { issuer: LOCAL_ISSUER, algorithms: ['HS256'], requiredClaims });
        return payload;
      });
    }
    case 'jwks': {
      const jwks = createRemoteJWKSet(new URL(config.jwksUrl));
      return verifierOf(async (token) => {
        const { payload } = await jwtVerify(token, jwks, { issuer: config.issuer, requiredClaims });
        if (!isForAudience(payload, config.audience)) throw new InvalidTokenError('The token was issued for another audience');
        return payload;
      });
    }
    default: {
      const _exhaustive: never = config;
      throw new Error(`Unknown token verifier kind: ${JSON.stringify(_exhaustive)}`);
    }
  }
}

/**
 * Mints HS256 tokens that a `{ kind: 'local' }` verifier with the same secret accepts, for local mode and tests.
 * `expiresIn` is a jose time span (`'1h'`, `'15m'`) or seconds from now (negative for an expired token).
 *
 * @example
 *   const token = await createLocalTokenIssuer(secret).issue({ sub: 'admin', roles: ['admin'], expiresIn: '12h' });
 */
export function createLocalTokenIssuer(secret: string) {
  const key = secretKey(secret);
  return {
    issue({ sub, roles, expiresIn = '1h' }: { sub: string; roles: readonly Role[]; expiresIn?: string | number }) {
      const expiresAt = typeof expiresIn === 'number' ? Math.floor(Date.now() / 1000) + expiresIn : expiresIn;
      return new SignJWT({ roles: [...roles] })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(LOCAL_ISSUER)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(expiresAt)
        .sign(key);
    },
  };
}

// RFC 7518 §3.2: an HS256 key must be at least as long as the hash, 256 bits.
const MIN_SECRET_BYTES = 32;

function secretKey(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.byteLength < MIN_SECRET_BYTES) throw new Error(`The token secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return key;
}

// Cognito access tokens carry the app client in `client_id` and have no `aud`; ID tokens use `aud`
// (API Gateway's JWT authorizer accepts either the same way).
function isForAudience(payload: JWTPayload, audience: string): boolean {
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  return audiences.includes(audience) || payload.client_id === audience;
}

const requiredClaims = ['sub', 'exp'];

// Errors that mean "this token is bad"; anything else (the JWKS endpoint is down...) is our failure, not a 401.
const tokenErrors = [
  errors.JWTClaimValidationFailed,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWKSNoMatchingKey,
];

// Verifying a signature costs more than the rest of a small request (WebCrypto's key import and HMAC, or
// RSA for JWKS tokens), and clients send the same token many times, so verified payloads are remembered
// until they expire, like API Gateway's authorizer cache. Bounded: the oldest entry goes first.
const VERIFIED_TOKENS_KEPT = 10_000;

/** `verifyPayload` that answers a token it verified before from memory until the token's `exp`. */
export function rememberVerified(
  verifyPayload: (token: string) => Promise<JWTPayload>,
  { capacity = VERIFIED_TOKENS_KEPT, now = Date.now }: { capacity?: number; now?: () => number } = {},
): (token: string) => Promise<JWTPayload> {
  const verified = new Map<string, JWTPayload>();
  return async (token) => {
    const known = verified.get(token);
    if (known && now() < Number(known.exp) * 1000) return known;
    verified.delete(token);
    const payload = await verifyPayload(token);
    if (typeof payload.exp !== 'number') return payload;
    if (verified.size >= capacity) verified.delete(verified.keys().next().value!);
    verified.set(token, payload);
    return payload;
  };
}

function verifierOf(verifyPayload: (token: string) => Promise<JWTPayload>): TokenVerifier {
  const verify = rememberVerified(verifyPayload);
  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        payload = await verify(token);
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw new InvalidTokenError('The token has expired');
        if (tokenErrors.some((kind) => error instanceof kind)) throw new InvalidTokenError('The token is not valid');
        throw error;
      }
      return { subject: String(payload.sub), roles: rolesOf(payload) };
    },
  };
}

function rolesOf(payload: JWTPayload): Role[] {
  const claimed: unknown = payload.roles ?? payload['cognito:groups'] ?? [];
  if (!Array.isArray(claimed)) return [];
  return ROLES.filter((role) => claimed.includes(role));
}
