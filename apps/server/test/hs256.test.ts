import fc from 'fast-check';
import { base64url, jwtVerify, SignJWT } from 'jose';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAuth } from '../src/auth';
import { checkTokenFormat, TokenError } from '../src/token-format';

const secret = 'k'.repeat(32);
const key = new TextEncoder().encode(secret);
const auth = createAuth({ jwtSecret: secret, jwksUrl: undefined, issuer: undefined, audience: undefined, devSignIn: false, tokenTtlSeconds: 60 });
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const sign = (claims: Record<string, unknown>, alg = 'HS256') => new SignJWT(claims).setProtectedHeader({ alg }).sign(key);
/** A token signed correctly over exactly these segments, however they are spelled. */
const forgeRaw = (h: string, p: string) => `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
const forge = (header: object, payload: object) =>
  forgeRaw(Buffer.from(JSON.stringify(header)).toString('base64url'), Buffer.from(JSON.stringify(payload)).toString('base64url'));
const verify = (token: string) => auth.verify(`Bearer ${token}`);

/** The same bytes, spelled otherwise: what jose's decoder on Node 20 also takes. */
function respellings(segment: string): Record<string, string> {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(segment.at(-1)!);
  const std = Buffer.from(segment, 'base64url').toString('base64');
  return {
    '= padding': segment + '='.repeat((4 - (segment.length % 4)) % 4 || 1),
    'standard base64 (+ and /)': std,
    'non-zero trailing bits': segment.slice(0, -1) + alphabet[last ^ 1],
  };
}

describe('HS256 tokens, verified by jose', () => {
  it('accepts a valid token with an expiry', async () => {
    expect(await verify(await sign({ sub: 'alice', name: 'Alice', exp: inAnHour() }))).toEqual({ user: { id: 'alice', name: 'Alice' } });
  });

  it.each([
    ['a token without exp', async () => sign({ sub: 'a' }), 'the token has no "exp" claim'],
    ['a non-numeric exp', async () => forge({ alg: 'HS256' }, { sub: 'a', exp: 'never' }), 'the token\'s "exp" claim is not accepted'],
    ['an expired token', async () => sign({ sub: 'a', exp: Math.floor(Date.now() / 1000) - 10 }), 'the token has expired'],
    ['a token not valid yet', async () => sign({ sub: 'a', exp: inAnHour(), nbf: inAnHour() }), 'the token\'s "nbf" claim is not accepted'],
    [
      'a changed payload',
      async () => (await sign({ sub: 'alice', exp: inAnHour() })).replace(/\.[^.]+\./, `.${base64url.encode(`{"sub":"admin","exp":${inAnHour()}}`)}.`),
      'the token signature is not valid',
    ],
    ['another algorithm', async () => forge({ alg: 'HS512' }, { sub: 'a', exp: inAnHour() }), 'the token algorithm is not accepted'],
    ['alg none', async () => `${base64url.encode('{"alg":"none"}')}.${base64url.encode(`{"sub":"a","exp":${inAnHour()}}`)}.`, /not valid/],
    ['a crit header', async () => forge({ alg: 'HS256', crit: ['b64'], b64: false }, { sub: 'a', exp: inAnHour() }), /not valid/],
    ['four segments', async () => `${await sign({ sub: 'a', exp: inAnHour() })}.x`, /three parts/],
    ['garbage', async () => 'a.b.c', /not valid/],
    ['a lone high surrogate in sub', async () => forge({ alg: 'HS256' }, { sub: 'v\uD800', exp: inAnHour() }), /well-formed Unicode/],
    ['a lone low surrogate in sub', async () => forge({ alg: 'HS256' }, { sub: 'v\uDFFF', exp: inAnHour() }), /well-formed Unicode/],
    [
      'a payload that is not UTF-8',
      async () =>
        forgeRaw(
          base64url.encode('{"alg":"HS256"}'),
          base64url.encode(Buffer.concat([Buffer.from(`{"exp":${inAnHour()},"sub":"v`), Buffer.from([0xff]), Buffer.from('"}')])),
        ),
      /not UTF-8/,
    ],
  ])('refuses %s, saying why', async (_name, make, message) => {
    const result = await verify(await make());
    expect(result.user).toBeNull();
    expect('error' in result && result.error).toMatch(message);
  });

  it('the lone-surrogate payloads above are valid JSON jose would hand over (the sub check is ours)', async () => {
    const { payload } = await jwtVerify(forge({ alg: 'HS256' }, { sub: 'v\uD800', exp: inAnHour() }), key);
    expect(payload.sub).toBe('v\uD800');
  });

  it('accepts U+FFFD and astral characters in sub, each its own user', async () => {
    for (const sub of ['v\uFFFD', 'v\u{1F600}']) {
      expect((await verify(forge({ alg: 'HS256' }, { sub, exp: inAnHour() }))).user?.id).toBe(sub);
    }
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createAuth({ jwtSecret: secret, jwksUrl: undefined, issuer: 'me', audience: 'uploads', devSignIn: false, tokenTtlSeconds: 60 });
    const token = (claims: object) => sign({ sub: 'a', exp: inAnHour(), ...claims });
    expect((await strict.verify(`Bearer ${await token({ iss: 'me', aud: ['x', 'uploads'] })}`)).user?.id).toBe('a');
    expect(await strict.verify(`Bearer ${await token({ iss: 'other', aud: 'uploads' })}`)).toMatchObject({ error: 'the token\'s "iss" claim is not accepted' });
    expect(await strict.verify(`Bearer ${await token({ iss: 'me', aud: 'api' })}`)).toMatchObject({ error: 'the token\'s "aud" claim is not accepted' });
  });
});

describe('one spelling per token (checkTokenFormat, pinned to jose)', () => {
  it('accepts every token jose signs, whatever its claims', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string({ unit: 'grapheme' }), fc.jsonValue()), async (claims) => {
        const token = await new SignJWT(claims as Record<string, unknown>).setProtectedHeader({ alg: 'HS256' }).sign(key);
        expect(() => checkTokenFormat(token)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses other spellings of a signature that jose alone would accept', async () => {
    // A signature whose standard base64 differs from its base64url (it holds + or /).
    let token = '';
    for (let exp = inAnHour(); !/[-_]/.test(token.split('.')[2] ?? ''); exp++) token = await sign({ sub: 'alice', exp });
    const [h, p, s] = token.split('.') as [string, string, string];
    for (const [name, spelled] of Object.entries(respellings(s))) {
      const variant = `${h}.${p}.${spelled}`;
      expect(variant, name).not.toBe(token);
      // Why the check exists: where jose's decoder reads these as the same bytes, it accepts them.
      const joseAccepts = await jwtVerify(variant, key).then(
        () => true,
        () => false,
      );
      if (joseAccepts) expect(base64url.decode(spelled.replace(/=+$/, ''))).toEqual(base64url.decode(s));
      expect(() => checkTokenFormat(variant), name).toThrow(TokenError);
      expect(await verify(variant), name).toEqual({ user: null, error: 'the token is not valid: each part must be base64url without padding' });
    }
    expect((await verify(token)).user?.id).toBe('alice');
  });

  it('jose on this Node accepts = padding and non-zero trailing bits by itself (if this fails, jose got stricter)', async () => {
    const token = await sign({ sub: 'alice', exp: inAnHour() });
    const [h, p, s] = token.split('.') as [string, string, string];
    const spelled = respellings(s);
    expect(
      await jwtVerify(`${h}.${p}.${spelled['= padding']}`, key).then(
        () => true,
        () => false,
      ),
    ).toBe(true);
    expect(
      await jwtVerify(`${h}.${p}.${spelled['non-zero trailing bits']}`, key).then(
        () => true,
        () => false,
      ),
    ).toBe(true);
  });

  it('refuses a padded or spaced header and payload too', async () => {
    const token = await sign({ sub: 'alice', exp: inAnHour() });
    const [h, p] = token.split('.') as [string, string, string];
    expect(() => checkTokenFormat(forgeRaw(`${h}=`, p))).toThrow(TokenError);
    expect(() => checkTokenFormat(forgeRaw(h, `${p.slice(0, 4)} ${p.slice(4)}`))).toThrow(TokenError);
  });
});
