import { Hono } from 'hono';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authenticate, hasRole, requireRole, type AuthEnv } from './auth';
import { createLocalTokenIssuer, createTokenVerifier, type Role } from './tokens';

const secret = 'a-local-secret-of-at-least-32-bytes!';
const issuer = createLocalTokenIssuer(secret);

function app() {
  const api = new Hono<AuthEnv>();
  api.use('/api/*', authenticate(createTokenVerifier({ kind: 'local', secret })));
  api.get('/api/me', (c) => c.json(c.get('principal')));
  api.get('/api/tickets', requireRole('viewer'), (c) => c.text('tickets'));
  api.post('/api/tickets', requireRole('agent'), (c) => c.text('created'));
  api.put('/api/escalation/rules', requireRole('admin'), (c) => c.text('saved'));
  return api;
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
const tokenFor = (...roles: Role[]) => issuer.issue({ sub: 'u-1', roles });

describe('authenticate', () => {
  it('puts the principal of a valid token on the context', async () => {
    const response = await app().request('/api/me', { headers: bearer(await tokenFor('agent')) });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ subject: 'u-1', roles: ['agent'] });
  });

  it('answers 401 problem+json with a Bearer challenge when the token is missing', async () => {
    const response = await app().request('/api/me');

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 401, detail: 'A bearer token is required' });
  });

  it('answers 401 when the Authorization header is not a bearer token', async () => {
    const response = await app().request('/api/me', { headers: { Authorization: 'Basic dTpw' } });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: 'The Authorization header must be "Bearer <token>"' });
  });

  it('answers 401 invalid_token for an expired token', async () => {
    const expired = await issuer.issue({ sub: 'u-1', roles: ['admin'], expiresIn: -60 });

    const response = await app().request('/api/me', { headers: bearer(expired) });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token", error_description="The token has expired"');
    expect(await response.json()).toMatchObject({ detail: 'The token has expired' });
  });

  it('answers 401 for a token signed with another secret', async () => {
    const forged = await createLocalTokenIssuer('another-secret-that-is-32-bytes-long').issue({ sub: 'u-1', roles: ['admin'] });

    const response = await app().request('/api/me', { headers: bearer(forged) });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ detail: 'The token is not valid' });
  });

  it('answers 401 for a token that is not a JWT', async () => {
    const response = await app().request('/api/me', { headers: bearer('not.a.jwt') });

    expect(response.status).toBe(401);
  });

  it('answers 401 for a token of another issuer signed with the same secret', async () => {
    const foreign = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('someone-else')
      .setSubject('u-1')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));

    expect((await app().request('/api/me', { headers: bearer(foreign) })).status).toBe(401);
  });

  it('refuses a secret shorter than HS256 needs', () => {
    expect(() => createLocalTokenIssuer('short')).toThrow('at least 32 bytes');
    expect(() => createTokenVerifier({ kind: 'local', secret: 'short' })).toThrow('at least 32 bytes');
  });

  it('ignores roles Cogdesk does not know', async () => {
    const token = await new SignJWT({ roles: ['agent', 'superuser'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('cogdesk-local')
      .setSubject('u-2')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));

    expect(await (await app().request('/api/me', { headers: bearer(token) })).json()).toEqual({ subject: 'u-2', roles: ['agent'] });
  });
});

describe('requireRole', () => {
  it.each([
    ['admin', [200, 200, 200]],
    ['agent', [200, 200, 403]],
    ['viewer', [200, 403, 403]],
  ] as const)('lets %s through where its role implies the one required', async (role, expected) => {
    const headers = bearer(await tokenFor(role));
    const api = app();

    const statuses = await Promise.all([
      api.request('/api/tickets', { headers }),
      api.request('/api/tickets', { method: 'POST', headers }),
      api.request('/api/escalation/rules', { method: 'PUT', headers }),
    ]);

    expect(statuses.map((response) => response.status)).toEqual(expected);
  });

  it('answers 403 problem+json naming the role required', async () => {
    const response = await app().request('/api/escalation/rules', { method: 'PUT', headers: bearer(await tokenFor()) });

    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 403, detail: 'Requires role admin' });
  });

  it('refuses when no authenticate ran before it', async () => {
    const api = new Hono<AuthEnv>();
    api.get('/open', requireRole('viewer'), (c) => c.text('open'));

    expect((await api.request('/open')).status).toBe(401);
  });
});

describe('hasRole', () => {
  it('follows admin → agent → viewer', () => {
    expect(hasRole({ subject: 'u', roles: ['admin'] }, 'viewer')).toBe(true);
    expect(hasRole({ subject: 'u', roles: ['viewer'] }, 'agent')).toBe(false);
    expect(hasRole({ subject: 'u', roles: [] }, 'viewer')).toBe(false);
  });
});
