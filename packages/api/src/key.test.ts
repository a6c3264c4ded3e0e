import { describe, expect, it } from 'vitest';
import { finalKeyOf, FINAL_KEY_PATTERN, generateKey, slug, slugify, STAGED_KEY_PATTERN, userPrefix } from './key';

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
    const key = await generateKey('alice', name, 'image/png');
    expect(key).toMatch(STAGED_KEY_PATTERN);
    expect(key.startsWith('staging/alice/')).toBe(true);
    expect(key.split('/')).toHaveLength(3);
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must not appear
    expect(key).not.toMatch(/\.\.|%|\\|[\u0000-\u001f\u202a-\u202e]/);
    expect(finalKeyOf(key)).toMatch(FINAL_KEY_PATTERN);
    expect(finalKeyOf(key).startsWith('uploads/alice/')).toBe(true);
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
      expect(await generateKey(id, 'x.png', 'image/png')).toMatch(STAGED_KEY_PATTERN);
    }
    expect(await userPrefix('../bob')).not.toBe(await userPrefix('a/b'));
    expect(await userPrefix('google-oauth2.123')).toBe('uploads/google-oauth2.123/');
  });
});
