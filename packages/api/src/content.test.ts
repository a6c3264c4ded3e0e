import { describe, expect, it } from 'vitest';
import { bytesToCheck, checkContent } from './content';

const bytes = (...parts: Array<string | number[]>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...new TextEncoder().encode(p)] : p)));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0];
const JPEG = [0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46, 0, 1];
const PDF = '%PDF-1.7\n1 0 obj\n';
const ELF = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0];
const MZ = [0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0, ...new Array(44).fill(0), 0x80, 0, 0, 0];

describe('content check by signature', () => {
  it('accepts files that are what they claim', async () => {
    expect(await checkContent(bytes(PNG, 'rest'), 'image/png')).toBeNull();
    expect(await checkContent(bytes(JPEG, 'rest'), 'image/jpeg')).toBeNull();
    expect(await checkContent(bytes(PDF), 'application/pdf')).toBeNull();
    expect(await checkContent(bytes('hello, world\n'), 'text/plain')).toBeNull();
    expect(await checkContent(bytes('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'), 'image/svg+xml')).toBeNull();
  });

  it('refuses HTML, SVG with script and executables dressed as images', async () => {
    expect(await checkContent(bytes('<!doctype html><script>alert(1)</script>'), 'image/png')).toMatch(/not image\/png \(no image\/png signature found\)/);
    expect(await checkContent(bytes('<svg onload="alert(1)"/>'), 'image/png')).toMatch(/not .*image\/png/);
    expect(await checkContent(bytes('<svg><script>alert(1)</script></svg>'), 'image/svg+xml')).toMatch(/active markup/);
    expect(await checkContent(bytes(ELF), 'image/jpeg')).toMatch(/application\/x-elf, not image\/jpeg/);
    expect(await checkContent(bytes(MZ), 'image/jpeg')).toMatch(/not image\/jpeg/);
    expect(await checkContent(bytes(JPEG), 'image/png')).toBe('its content is image/jpeg, not image/png');
  });

  it('refuses binary or markup as text', async () => {
    expect(await checkContent(bytes(PNG), 'text/plain')).toMatch(/image\/png, not text\/plain/);
    expect(await checkContent(bytes('a\u0000b'), 'text/plain')).toMatch(/binary/);
    expect(await checkContent(bytes('<html><body onload=x>'), 'text/plain')).toMatch(/active markup/);
  });

  it('checks SVG and text whole: a partial read is never accepted', async () => {
    expect(await checkContent(bytes('héllo'), 'text/plain')).toBeNull();
    expect(await checkContent(bytes('héllo').subarray(0, 2), 'text/plain', true)).toMatch(/checked whole/);
    expect(bytesToCheck('image/svg+xml', 10_000_000)).toBe(10_000_000);
    expect(bytesToCheck('image/png', 10_000_000)).toBe(4100);
  });
});
