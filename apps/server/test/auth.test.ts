import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../src/auth';

const base = { jwtSecret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, devSignIn: false, tokenTtlSeconds: 60 };

describe('tokens from an identity provider (JWKS over HTTP)', () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const idpToken = (claims: { iss?: string; aud?: string; sub?: string } = {}) => {
    let jwt = new SignJWT({ name: 'Idp User' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuedAt().setExpirationTime('5m');
    jwt = jwt.setSubject(claims.sub ?? 'auth0|abc123');
    if (claims.iss) jwt = jwt.setIssuer(claims.iss);
    if (claims.aud) jwt = jwt.setAudience(claims.aud);
    return jwt.sign(privateKey);
  };

  it('accepts a token signed by the provider, with the right issuer and audience', async () => {
    const auth = createAuth({ ...base, jwksUrl, issuer: 'https://idp.test/', audience: 'uploads' });
    const verified = await auth.verify(`Bearer ${await idpToken({ iss: 'https://idp.test/', aud: 'uploads' })}`);
    expect(verified.user).toEqual({ id: 'auth0|abc123', name: 'Idp User' });
  });

  it('refuses another issuer or audience, naming the claim', async () => {
    const auth = createAuth({ ...base, jwksUrl, issuer: 'https://idp.test/', audience: 'uploads' });
    expect(await auth.verify(`Bearer ${await idpToken({ iss: 'https://evil.test/', aud: 'uploads' })}`)).toEqual({
      user: null,
      error: 'the token\'s "iss" claim is not accepted',
    });
    expect((await auth.verify(`Bearer ${await idpToken({ iss: 'https://idp.test/', aud: 'other' })}`)).user).toBeNull();
  });

  it('refuses unsigned tokens (alg: none) and HS256 tokens when only the JWKS is configured', async () => {
    const auth = createAuth({ ...base, jwksUrl });
    const none = new UnsecuredJWT({ sub: 'alice' }).setIssuedAt().setExpirationTime('5m').encode();
    expect((await auth.verify(`Bearer ${none}`)).user).toBeNull();
    const hs = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect((await auth.verify(`Bearer ${hs}`)).user).toBeNull();
  });

  it('refuses alg: none with a shared secret too, and a malformed header', async () => {
    const auth = createAuth({ ...base, jwtSecret: 'x'.repeat(32) });
    const none = new UnsecuredJWT({ sub: 'alice' }).encode();
    expect((await auth.verify(`Bearer ${none}`)).user).toBeNull();
    expect(await auth.verify('Basic YWxpY2U6cHc=')).toEqual({ user: null, error: 'the Authorization header must be "Bearer <token>"' });
  });
});
