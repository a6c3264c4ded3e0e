import { describe, expect, it } from 'vitest';
import { checkFile, defaultUploadPolicy, describeTypes, extensionFor, formatBytes, MiB } from './policy';

describe('policy', () => {
  it('accepts the default types up to 100 MiB', () => {
    for (const type of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif', 'video/mp4', 'application/pdf']) {
      expect(checkFile(defaultUploadPolicy, { type, size: 100 * MiB })).toBeNull();
    }
  });

  it('explains each refusal', () => {
    expect(checkFile(defaultUploadPolicy, { type: 'text/html', size: 1 })?.reason).toBe('TYPE_NOT_ALLOWED');
    expect(checkFile(defaultUploadPolicy, { type: '', size: 1 })?.message).toMatch(/no recognisable type/);
    expect(checkFile(defaultUploadPolicy, { type: 'image/png', size: 0 })?.reason).toBe('EMPTY');
    const tooLarge = checkFile(defaultUploadPolicy, { type: 'image/png', size: 100 * MiB + 1 });
    expect(tooLarge?.reason).toBe('TOO_LARGE');
    expect(tooLarge?.message).toContain('the limit is 100 MiB (104857600 bytes)');
  });

  it('formats sizes and extensions', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(5 * MiB)).toBe('5 MiB');
    expect(extensionFor('IMAGE/JPEG')).toBe('jpg');
    expect(extensionFor('application/x-unknown')).toBe('bin');
  });

  it('names the allowed types for the file picker', () => {
    expect(describeTypes(defaultUploadPolicy.allowedTypes)).toBe('JPG, PNG, WEBP, GIF, AVIF, MP4 or PDF');
    expect(describeTypes(['image/png'])).toBe('PNG');
    expect(describeTypes(['image/svg+xml', 'application/x-thing+zip', 'text/plain'])).toBe('SVG, X-THING or TXT');
  });
});
