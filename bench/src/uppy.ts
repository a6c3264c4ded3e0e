import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { FileOnDisk } from './spa-page';

const ENTRY = fileURLToPath(new URL('./uppy-page.ts', import.meta.url));

/** The Uppy page's script, bundled once per process (about 0.3 s). */
export async function bundleUppy(): Promise<string> {
  const out = await build({ entryPoints: [ENTRY], bundle: true, format: 'esm', minify: true, write: false, target: 'chrome120', logLevel: 'silent' });
  return out.outputFiles[0]!.text;
}

export const UPPY_PAGE =
  '<!doctype html><html><head><title>uppy</title><script type="module" src="/bench/uppy.js"></script></head><body><input type="file" id="f"></body></html>';

/**
 * The Uppy page, on an origin of its own (localhost instead of 127.0.0.1, same server), so the
 * bucket's CORS rule for it is the bench's, apart from the product's.
 */
export const uppyOrigin = (origin: string) => origin.replace('127.0.0.1', 'localhost');

/** A fresh tab on the Uppy page with `file` picked, ready for `uppyUpload`. */
export async function openUppy(browser: Browser, origin: string, file: FileOnDisk): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${uppyOrigin(origin)}/bench/uppy`);
  await page.waitForFunction(() => typeof window.__uppy === 'function', undefined, { timeout: 15_000 });
  await page.locator('#f').setInputFiles(file.path);
  return page;
}

/** Uploads the picked file with Uppy; the page's own time from addFile to upload()'s end, in ms. */
export async function uppyUpload(page: Page): Promise<number> {
  const { ms, error } = await page.evaluate(() => window.__uppy());
  if (error) throw new Error(`Uppy upload failed: ${error}`);
  return ms;
}
