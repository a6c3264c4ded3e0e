import { describe, expect, it } from 'vitest';
import { decodeOriginalName, encodeOriginalName } from './original-name';

const names = ['cat.png', 'Crème brûlée.png', '日本語のファイル.pdf', '🙂🙂.png', 'a\nb\r\u0000.png', 'evil\u202Egnp.exe', '../../etc/passwd', '"quoted"; x=1.png'];

describe('original names in metadata', () => {
  it.each(names)('keeps %j exactly, as a header-safe value', (name) => {
    const value = encodeOriginalName(name);
    expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeOriginalName(value)).toBe(name);
    expect(value).toBe(Buffer.from(name, 'utf8').toString('base64url'));
  });

  it('fits the longest name the API takes in S3 metadata (2 KB in all)', () => {
    expect(encodeOriginalName('🙂'.repeat(127) + 'x').length).toBeLessThanOrEqual(1020);
    expect(encodeOriginalName('語'.repeat(255)).length).toBe(1020);
  });

  it('refuses what is not an encoded name', () => {
    expect(decodeOriginalName(undefined)).toBeNull();
    expect(decodeOriginalName('not base64!')).toBeNull();
    expect(decodeOriginalName('a')).toBeNull();
    expect(decodeOriginalName(Buffer.from([0xff, 0xfe]).toString('base64url'))).toBeNull();
  });
});
