import { describe, expect, it } from 'vitest';
import { metadataProblem } from './image-metadata';

const bytes = (...parts: Array<number[] | string>) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const segment = (marker: number, body: Array<number[] | string>) => {
  const data = bytes(...body);
  return [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
};
const jpeg = (...segments: number[][]) => bytes([0xff, 0xd8], ...segments, [0xff, 0xda, 0, 2]);
const chunk = (type: string, data: number[] | string) => {
  const body = bytes(data);
  return [...[24, 16, 8, 0].map((s) => (body.length >> s) & 0xff), ...bytes(type), ...body, 0, 0, 0, 0];
};
const png = (...chunks: number[][]) => bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], ...chunks);
const le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >> 24) & 0xff];

describe('metadataProblem', () => {
  it('passes a JPEG with only JFIF and a quantization table, refuses EXIF, XMP and IPTC', () => {
    const jfif = segment(0xe0, ['JFIF', [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]]);
    expect(metadataProblem(jpeg(jfif, segment(0xdb, [[0, ...new Array(64).fill(1)]])), 'image/jpeg', false)).toBeNull();
    expect(metadataProblem(jpeg(jfif, segment(0xe1, ['Exif', [0, 0], 'MM'])), 'image/jpeg', false)).toMatch(/EXIF/);
    expect(metadataProblem(jpeg(segment(0xe1, ['http://ns.adobe.com/xap/1.0/', [0], '<x/>'])), 'image/jpeg', false)).toMatch(/XMP/);
    expect(metadataProblem(jpeg(segment(0xed, ['Photoshop 3.0', [0]])), 'image/jpeg', false)).toMatch(/IPTC/);
  });

  it('finds EXIF behind other segments, and refuses a header it could not read to its end', () => {
    const icc = segment(0xe2, ['ICC_PROFILE', new Array(3000).fill(7)]);
    expect(metadataProblem(jpeg(icc, segment(0xe1, ['Exif', [0, 0]])), 'image/jpeg', false)).toMatch(/EXIF/);
    const cut = jpeg(icc, icc).subarray(0, 4000);
    expect(metadataProblem(cut, 'image/jpeg', true)).toMatch(/too long to check/);
    expect(metadataProblem(bytes([0xff, 0xd8, 0x12, 0x34, 0, 0]), 'image/jpeg', false)).toMatch(/malformed/);
  });

  it('passes a PNG without metadata chunks, refuses eXIf and XMP before the image data', () => {
    const ihdr = chunk('IHDR', [0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    expect(metadataProblem(png(ihdr, chunk('sRGB', [0]), chunk('IDAT', [1, 2, 3])), 'image/png', false)).toBeNull();
    expect(metadataProblem(png(ihdr, chunk('eXIf', 'MM'), chunk('IDAT', [1])), 'image/png', false)).toMatch(/EXIF/);
    expect(metadataProblem(png(ihdr, chunk('iTXt', 'XML:com.adobe.xmp\0'), chunk('IDAT', [1])), 'image/png', false)).toMatch(/XMP/);
  });

  it('reads WebP metadata flags, and refuses a simple WebP with chunks after its image', () => {
    const vp8x = (flags: number) => bytes('RIFF', le(1000), 'WEBP', 'VP8X', le(10), [flags, 0, 0, 0, 0, 0, 0, 0, 0, 0], new Array(10).fill(0));
    expect(metadataProblem(vp8x(0x10), 'image/webp', true)).toBeNull();
    expect(metadataProblem(vp8x(0x08), 'image/webp', true)).toMatch(/EXIF/);
    expect(metadataProblem(vp8x(0x04), 'image/webp', true)).toMatch(/XMP/);
    const simple = (riff: number) => bytes('RIFF', le(riff), 'WEBP', 'VP8 ', le(20), new Array(20).fill(0));
    expect(metadataProblem(simple(4 + 8 + 20), 'image/webp', false)).toBeNull();
    expect(metadataProblem(simple(4 + 8 + 20 + 30), 'image/webp', true)).toMatch(/chunks besides its image/);
  });

  it('leaves GIF and non-images alone and refuses types the page would have converted', () => {
    expect(metadataProblem(bytes('GIF89a'), 'image/gif', false)).toBeNull();
    expect(metadataProblem(bytes('%PDF-1.7'), 'application/pdf', false)).toBeNull();
    expect(metadataProblem(bytes([0, 0, 0, 0x20], 'ftypavif'), 'image/avif', false)).toMatch(/cannot be checked/);
  });
});
