import { SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenError, verifyHs256 } from '../src/hs256';

const secret = 'k'.repeat(32);
const key = Buffer.from(secret);
const sign = (claims: Record<string, unknown>, alg = 'HS256') =>
  new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
const forge = (header: object, payload: object) => {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
};
const now = 1_800_000_000;

describe('HS256 verification with node:crypto', () => {
  it('accepts a valid token and returns its claims', async () => {
    const token = await sign({ sub: 'alice', exp: now + 60, iss: 'me', aud: ['x', 'uploads'] });
    expect(verifyHs256(token, key, { issuer: 'me', audience: 'uploads' }, now)).toMatchObject({ sub: 'alice' });
  });

  it.each([
    ['a changed payload', async () => (await sign({ sub: 'alice' })).replace(/\.[^.]+\./, `.${Buffer.from('{"sub":"admin"}').toString('base64url')}.`), /signature is not valid/],
    ['another algorithm in the header', async () => forge({ alg: 'HS512' }, { sub: 'a' }), /algorithm is not accepted/],
    ['alg none', async () => forge({ alg: 'none' }, { sub: 'a' }), /algorithm is not accepted/],
    ['a crit header', async () => forge({ alg: 'HS256', crit: ['b64'] }, { sub: 'a' }), /algorithm is not accepted/],
    ['an expired token', async () => sign({ sub: 'a', exp: now }), /expired/],
    ['a token not valid yet', async () => sign({ sub: 'a', nbf: now + 10 }), /"nbf"/],
    ['a non-numeric exp', async () => forge({ alg: 'HS256' }, { sub: 'a', exp: 'never' }), /expired/],
    ['four segments', async () => `${await sign({ sub: 'a' })}.x`, /not valid/],
    ['garbage', async () => 'a.b.c', /not valid/],
  ])('refuses %s', async (_name, make, message) => {
    const token = await make();
    expect(() => verifyHs256(token, key, {}, now)).toThrow(TokenError);
    expect(() => verifyHs256(token, key, {}, now)).toThrow(message);
  });

  it('checks issuer and audience when configured', async () => {
    const token = await sign({ sub: 'a', iss: 'other', aud: 'uploads' });
    expect(() => verifyHs256(token, key, { issuer: 'me' }, now)).toThrow(/"iss"/);
    expect(() => verifyHs256(token, key, { audience: 'api' }, now)).toThrow(/"aud"/);
  });
});
