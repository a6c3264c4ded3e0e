import { describe, expect, it } from 'vitest';
import { prepareImage } from './prepare-image';

const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'a.jpg', { type: 'image/jpeg' });

describe('prepareImage', () => {
  it('hands back the very file on a route without an image option', async () => {
    expect(await prepareImage(photo, { policy: { maxBytes: 1 } })).toBe(photo);
    expect(await prepareImage(photo, { policy: { maxBytes: 1, image: null } })).toBe(photo);
  });

  it('runs processImage on a route with one (a PDF stays as it is; a photo needs a worker, absent in Node)', async () => {
    const pdf = new File(['%PDF-1.4'], 'a.pdf', { type: 'application/pdf' });
    expect(await prepareImage(pdf, { policy: { maxBytes: 1, image: { maxEdge: 100 } } })).toBe(pdf);
    await expect(prepareImage(photo, { policy: { maxBytes: 1, image: { maxEdge: 100 } } })).rejects.toMatchObject({ code: 'UNSUPPORTED_BROWSER' });
  });

  it('does not start on a cancelled upload', async () => {
    await expect(prepareImage(photo, { policy: { maxBytes: 1, image: {} }, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
