import { describe, expect, it } from 'vitest';
import { mayNeedWork, outputType, renamed, resolveImageOptions, targetSize } from './options';

describe('image options', () => {
  it('removes metadata unless told otherwise, and refuses nonsense', () => {
    expect(resolveImageOptions()).toEqual({ maxEdge: undefined, format: 'keep', quality: 0.85, stripMetadata: true });
    expect(() => resolveImageOptions({ maxEdge: 0 })).toThrow(/maxEdge must be a whole number of pixels above 0, got 0/);
    expect(() => resolveImageOptions({ maxEdge: 10.5 })).toThrow(/maxEdge/);
    expect(() => resolveImageOptions({ quality: 1.5 })).toThrow(/quality must be above 0 and at most 1, got 1.5/);
  });

  it('decodes only raster images that may change', () => {
    const strip = resolveImageOptions();
    expect(mayNeedWork('image/jpeg', strip)).toBe(true);
    for (const type of ['image/svg+xml', 'image/gif', 'application/pdf', '']) expect(mayNeedWork(type, strip), type).toBe(false);
    expect(mayNeedWork('image/jpeg', resolveImageOptions({ stripMetadata: false }))).toBe(false);
    expect(mayNeedWork('image/jpeg', resolveImageOptions({ stripMetadata: false, format: 'image/jpeg' }))).toBe(false);
    expect(mayNeedWork('image/png', resolveImageOptions({ stripMetadata: false, format: 'image/jpeg' }))).toBe(true);
    expect(mayNeedWork('image/png', resolveImageOptions({ stripMetadata: false, maxEdge: 100 }))).toBe(true);
  });

  it('keeps the type a canvas can write, else PNG', () => {
    expect(outputType('image/webp', 'keep')).toBe('image/webp');
    expect(outputType('image/avif', 'keep')).toBe('image/png');
    expect(outputType('image/png', 'image/jpeg')).toBe('image/jpeg');
  });

  it('scales the longer edge down to maxEdge, keeping the aspect ratio, never up', () => {
    expect(targetSize(4000, 3000, 1000)).toEqual({ width: 1000, height: 750 });
    expect(targetSize(3000, 4000, 1000)).toEqual({ width: 750, height: 1000 });
    expect(targetSize(800, 600, 1000)).toEqual({ width: 800, height: 600 });
    expect(targetSize(10_000, 1, 100)).toEqual({ width: 100, height: 1 });
    expect(targetSize(800, 600, undefined)).toEqual({ width: 800, height: 600 });
  });

  it('gives the name the extension of the new type', () => {
    expect(renamed('holiday.PNG', 'image/png', 'image/jpeg')).toBe('holiday.jpg');
    expect(renamed('a.b.heic', 'image/heic', 'image/png')).toBe('a.b.png');
    expect(renamed('noext', 'image/png', 'image/webp')).toBe('noext.webp');
    expect(renamed('.hidden', 'image/png', 'image/webp')).toBe('.hidden.webp');
    expect(renamed('photo.jpeg', 'image/jpeg', 'image/jpeg')).toBe('photo.jpeg');
  });
});
