import { describe, expect, it } from 'vitest';
import {
  finalKeyOf,
  FINAL_KEY_PATTERN,
  generateKey,
  keyId,
  LEGACY_FINAL_KEY_PATTERN,
  parseFinalKey,
  routePrefix,
  slug,
  slugify,
  STAGED_KEY_PATTERN,
  userPrefix,
} from './key';

const hostile = [
  '../../etc/passwd',
  '..%2F..%2Fbob%2Fx.png',
  'a/b\\c.png',
  'evil\u202Egnp.exe',
  'line\nbreak\r\u0000.png',
  '....',
  '%00',
  'x'.repeat(1000),
  'é'.repeat(300),
  '🙂🙂.png',
];

describe('keys', () => {
  it.each(hostile)('keeps %j inside the user prefix and the documented shape', async (name) => {
    const key = await generateKey('alice', 'image', name, 'image/png');
    expect(key).toMatch(STAGED_KEY_PATTERN);
    expect(key.startsWith('staging/alice/image/')).toBe(true);
    expect(key.split('/')).toHaveLength(4);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not appear
    expect(key).not.toMatch(/\.\.|%|\\|[\u0000-\u001f\u202a-\u202e]/);
    expect(finalKeyOf(key)).toMatch(FINAL_KEY_PATTERN);
    expect(finalKeyOf(key).startsWith(await routePrefix('alice', 'image'))).toBe(true);
  });

  it('keeps a readable slug of the name', () => {
    expect(slugify('Holiday Photo (1).JPG')).toBe('holiday-photo-1');
    expect(slugify('Crème brûlée.png')).toBe('creme-brulee');
    expect(slugify('.png')).toBe('file');
    expect(slug('Renée  Zoë / ../../etc', 40)).toBe('renee-zoe-etc');
    expect(slug(`${'a'.repeat(39)} b`, 40)).toBe('a'.repeat(39));
  });

  it('hashes user ids that are not path-safe, so they cannot climb out', async () => {
    for (const id of ['../bob', 'auth0|123', 'a/b', 'h-alice', '']) {
      expect(await userPrefix(id)).toMatch(/^uploads\/h-[0-9a-f]{40}\/$/);
      expect(await generateKey(id, 'default', 'x.png', 'image/png')).toMatch(STAGED_KEY_PATTERN);
    }
    expect(await userPrefix('../bob')).not.toBe(await userPrefix('a/b'));
    expect(await userPrefix('google-oauth2.123')).toBe('uploads/google-oauth2.123/');
    expect(await routePrefix('google-oauth2.123', 'avatar')).toBe('uploads/google-oauth2.123/avatar/');
  });

  it('takes only route names', async () => {
    for (const route of ['', 'Image', '1st', '../bob', 'a/b', 'a'.repeat(33), 'photo.png', 'café']) {
      await expect(generateKey('alice', route, 'x.png', 'image/png')).rejects.toThrow(/not a route name/);
      await expect(routePrefix('alice', route)).rejects.toThrow(/not a route name/);
    }
    expect(await generateKey('alice', `a${'-'.repeat(31)}`, 'x.png', 'image/png')).toMatch(STAGED_KEY_PATTERN);
  });

  it('sorts newer keys first, then by 80 random bits', async () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    expect(keyId(t).slice(0, 12)).toBe((0xffffffffffff - t).toString(16));
    const ids = [t + 1000, t + 1, t, t - 86_400_000].map((ms) => keyId(ms));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(Array.from({ length: 100 }, () => keyId(t).slice(12))).size).toBe(100);
    const older = await generateKey('alice', 'photo', 'b.png', 'image/png', t);
    const newer = await generateKey('alice', 'photo', 'a.png', 'image/png', t + 1);
    expect([older, newer].sort()).toEqual([newer, older]);
  });

  it('parses final keys, and keys from before routes as route default', async () => {
    const key = finalKeyOf(await generateKey('alice', 'avatar', 'Me.JPG', 'image/jpeg'));
    expect(parseFinalKey(key)).toEqual({ user: 'alice', route: 'avatar', id: key.split('/')[3]!.slice(0, 32), slug: 'me', ext: 'jpg' });
    const legacy = `uploads/h-${'0'.repeat(40)}/${'a'.repeat(32)}-sunset.png`;
    expect(legacy).toMatch(LEGACY_FINAL_KEY_PATTERN);
    expect(legacy).not.toMatch(FINAL_KEY_PATTERN);
    expect(parseFinalKey(legacy)).toEqual({ user: `h-${'0'.repeat(40)}`, route: 'default', id: 'a'.repeat(32), slug: 'sunset', ext: 'png' });
    for (const bad of [
      key.replace('uploads/', 'staging/'),
      `uploads/alice/Avatar/${'a'.repeat(32)}-x.png`,
      `uploads/alice/a/b/${'a'.repeat(32)}-x.png`,
      `uploads/alice/${'a'.repeat(31)}-x.png`,
      `uploads/../${'a'.repeat(32)}-x.png`,
      `uploads/alice/avatar/${'a'.repeat(32)}-x.png.multipart.json`,
    ]) {
      expect(parseFinalKey(bad)).toBeNull();
    }
  });
});
