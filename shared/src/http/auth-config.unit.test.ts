import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config';
import { tokenVerifierFromEnv } from './auth-config';
import { createLocalTokenIssuer, InvalidTokenError } from './tokens';

const secret = 'a-local-secret-of-at-least-32-bytes!';

describe('tokenVerifierFromEnv', () => {
  it('accepts tokens signed with the local secret', async () => {
    const token = await createLocalTokenIssuer(secret).issue({ sub: 'ana', roles: ['agent'] });
    await expect(tokenVerifierFromEnv({ AUTH_LOCAL_SECRET: secret }).verify(token)).resolves.toEqual({ subject: 'ana', roles: ['agent'] });
  });

  it('accepts a fixed token with its roles, and still the signed ones', async () => {
    const verifier = tokenVerifierFromEnv({
      AUTH_LOCAL_SECRET: secret,
      AUTH_STATIC_TOKENS: JSON.stringify({ 'operator-token-0123456789': ['admin'] }),
    });
    await expect(verifier.verify('operator-token-0123456789')).resolves.toEqual({ subject: 'api-token', roles: ['admin'] });
    const signed = await createLocalTokenIssuer(secret).issue({ sub: 'v', roles: ['viewer'] });
    await expect(verifier.verify(signed)).resolves.toMatchObject({ roles: ['viewer'] });
  });

  it('refuses a token that is neither fixed nor validly signed', async () => {
    const verifier = tokenVerifierFromEnv({ AUTH_STATIC_TOKENS: JSON.stringify({ 'operator-token-0123456789': ['admin'] }) });
    await expect(verifier.verify('operator-token-012345678X')).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('explains a configuration that cannot verify anything', () => {
    expect(() => tokenVerifierFromEnv({})).toThrow(ConfigError);
    expect(() => tokenVerifierFromEnv({})).toThrow(/no way to verify tokens/);
  });

  it('explains malformed fixed tokens and a partial OIDC configuration', () => {
    expect(() => tokenVerifierFromEnv({ AUTH_STATIC_TOKENS: '{"short":["admin"]}' })).toThrow(/AUTH_STATIC_TOKENS/);
    expect(() => tokenVerifierFromEnv({ AUTH_JWKS_URL: 'https://idp.example/jwks', AUTH_LOCAL_SECRET: secret })).toThrow(/go together/);
  });
});
