import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, InvalidTokenError, type TokenVerifier } from './tokens';

const issuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test';
const clientId = 'cogdesk-web';

describe('createTokenVerifier with a JWKS endpoint (OIDC / Cognito)', () => {
  let server: Server;
  let privateKey: CryptoKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    const keys = await generateKeyPair('RS256');
    privateKey = keys.privateKey;
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
    verifier = createTokenVerifier({ kind: 'jwks', jwksUrl, issuer, audience: clientId });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const sign = (claims: JWTPayload, tokenIssuer = issuer) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
      .setIssuer(tokenIssuer)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);

  it('accepts a Cognito access token (client_id, no aud) and reads roles from cognito:groups', async () => {
    const token = await sign({ client_id: clientId, token_use: 'access', 'cognito:groups': ['agent', 'Everyone'] });

    expect(await verifier.verify(token)).toEqual({ subject: 'user-1', roles: ['agent'] });
  });

  it('accepts an ID token whose aud is the client and reads a roles claim', async () => {
    const token = await sign({ aud: clientId, roles: ['admin'] });

    expect(await verifier.verify(token)).toEqual({ subject: 'user-1', roles: ['admin'] });
  });

  it('rejects a token for another client', async () => {
    const token = await sign({ client_id: 'some-other-app' });

    await expect(verifier.verify(token)).rejects.toThrow(new InvalidTokenError('The token was issued for another audience'));
  });

  it('rejects a token from another issuer', async () => {
    const token = await sign({ client_id: clientId }, 'https://evil.example');

    await expect(verifier.verify(token)).rejects.toThrow(InvalidTokenError);
  });
});
