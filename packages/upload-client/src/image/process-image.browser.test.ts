/// <reference types="node" />
import { launchChromium, makeExifJpeg, makePng, PHOTO_TAGS, pixelAt } from '@app/test-utils';
import exifr from 'exifr';
import jpeg from 'jpeg-js';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageOptions } from './options';
import type { PageResult } from './test/page/page';

// processImage in real Chromium: the page is the module built by Vite as the SPA builds it (worker as its own chunk).
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
let outDir: string;
let server: Server;
let browser: Browser;
let page: Page;
const workers: string[] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'image-page-'));
  await build({
    configFile: false,
    root: fileURLToPath(new URL('./test/page', import.meta.url)),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+$/, '/index.html');
    try {
      const body = readFileSync(join(outDir, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('worker', (worker) => workers.push(worker.url()));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => typeof window.processInPage === 'function');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

async function processInPage(bytes: Buffer, name: string, type: string, options?: ImageOptions): Promise<PageResult & { bytes?: Buffer }> {
  const result = await page.evaluate(([b64, n, t, o]) => window.processInPage(b64, n, t, o), [bytes.toString('base64'), name, type, options] as const);
  return result.ok ? { ...result, bytes: Buffer.from(result.base64, 'base64') } : result;
}

/** Every tag exifr finds in any segment (EXIF, GPS, XMP, IPTC, ICC, JFIF), or {} for none. */
const allTags = async (bytes: Buffer): Promise<Record<string, unknown>> => (await exifr.parse(bytes, true)) ?? {};

describe('processImage in Chromium', () => {
  it('removes GPS and camera tags, scales to maxEdge, keeps a rotated photo upright, in a worker', async () => {
    const photo = makeExifJpeg({ width: 1200, height: 800, orientation: 6 });
    // The fixture really carries what must go, as a maintained parser reads it.
    const before = await allTags(photo);
    expect(before).toMatchObject({ Make: PHOTO_TAGS.make, Model: PHOTO_TAGS.model, Orientation: expect.anything() });
    expect((await exifr.gps(photo)).latitude).toBeCloseTo(PHOTO_TAGS.latitude, 2);

    const result = await processInPage(photo, 'holiday.jpg', 'image/jpeg', { maxEdge: 640, format: 'image/jpeg', quality: 0.9 });
    if (!result.ok) throw new Error(result.message);
    expect(result).toMatchObject({ same: false, name: 'holiday.jpg', type: 'image/jpeg', size: result.bytes!.length, lastModified: 1_700_000_000_000 });
    expect(workers.some((url) => /image-worker/.test(url))).toBe(true);

    const after = await allTags(result.bytes!);
    for (const tag of ['Make', 'Model', 'Software', 'LensModel', 'DateTimeOriginal', 'GPSLatitude', 'GPSLongitude', 'latitude', 'longitude', 'Orientation']) {
      expect(after, tag).not.toHaveProperty(tag);
    }
    expect(await exifr.gps(result.bytes!)).toBeUndefined();

    // Orientation 6 shows the stored 1200x800 turned clockwise: 800x1200, the red top now on the right.
    const image = jpeg.decode(result.bytes!, { useTArray: true });
    expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(640);
    expect([image.width, image.height]).toEqual([427, 640]);
    const [rightRed, , rightBlue] = pixelAt(image, image.width * 0.85, image.height / 2);
    const [leftRed, , leftBlue] = pixelAt(image, image.width * 0.15, image.height / 2);
    expect(rightRed).toBeGreaterThan(200);
    expect(rightBlue).toBeLessThan(60);
    expect(leftBlue).toBeGreaterThan(200);
    expect(leftRed).toBeLessThan(60);
  });

  it('strips metadata by default even when the photo already fits', async () => {
    const photo = makeExifJpeg({ width: 320, height: 240 });
    const result = await processInPage(photo, 'small.jpg', 'image/jpeg', {});
    if (!result.ok) throw new Error(result.message);
    expect(result.same).toBe(false);
    expect(await allTags(result.bytes!)).not.toHaveProperty('Make');
    expect(await exifr.gps(result.bytes!)).toBeUndefined();
    const image = jpeg.decode(result.bytes!);
    expect([image.width, image.height]).toEqual([320, 240]);
  });

  it('changes the type and the extension when a format is asked for', async () => {
    const result = await processInPage(makePng(300, 200), 'scan.PNG', 'image/png', { format: 'image/webp', quality: 0.8 });
    if (!result.ok) throw new Error(result.message);
    expect(result).toMatchObject({ same: false, name: 'scan.webp', type: 'image/webp' });
    expect(result.bytes!.subarray(0, 4).toString('latin1')).toBe('RIFF');
    expect(result.bytes!.subarray(8, 12).toString('latin1')).toBe('WEBP');
  });

  it('returns the very same file when nothing needs to change', async () => {
    const photo = makeExifJpeg({ width: 400, height: 300 });
    const fits = await processInPage(photo, 'fits.jpg', 'image/jpeg', { maxEdge: 2000, stripMetadata: false });
    expect(fits).toMatchObject({ ok: true, same: true, name: 'fits.jpg' });
    const big = await processInPage(photo, 'big.jpg', 'image/jpeg', { maxEdge: 200, stripMetadata: false });
    expect(big).toMatchObject({ ok: true, same: false });
  });

  it('leaves non-images, SVG and GIF untouched', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"/>');
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    for (const [bytes, name, type] of [
      [Buffer.from('%PDF-1.4\n'), 'a.pdf', 'application/pdf'],
      [svg, 'a.svg', 'image/svg+xml'],
      [gif, 'a.gif', 'image/gif'],
    ] as const) {
      expect(await processInPage(bytes, name, type, { maxEdge: 10, format: 'image/jpeg' }), name).toMatchObject({ ok: true, same: true, name });
    }
  });

  it('rejects a file that cannot be decoded, naming it', async () => {
    const result = await processInPage(Buffer.from('this is not a JPEG at all'), 'broken.jpg', 'image/jpeg', { maxEdge: 640 });
    expect(result).toMatchObject({ ok: false, name: 'ImageProcessingError', code: 'DECODE_FAILED' });
    expect(result.ok || result.message).toMatch(/^Could not prepare "broken\.jpg" for upload: it could not be read as an image/);
  });
});
