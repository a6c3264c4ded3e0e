import { getBytes, listKeys, makePng } from '@app/test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throttle } from './network';
import { docsScreenshot } from './spa-helpers';
import { startStack } from './stack';

/** Records every value the progress bars take, as the DOM shows them. */
const RECORD_PROGRESS = `
  window.__progress = [];
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target;
      if (el instanceof HTMLProgressElement) window.__progress.push([el.value, el.max]);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['value'] });
`;

async function signIn(page: Page, origin: string, name: string) {
  await page.goto(origin);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

/** Drops files on the drop zone the way a person does: a real `drop` event carrying a DataTransfer. */
async function dropFile(page: Page, name: string, type: string, bytes: Buffer) {
  const dataTransfer = await page.evaluateHandle(
    async ({ name, type, base64 }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { name, type, base64: bytes.toString('base64') },
  );
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
}

describe('the SPA in Chromium, end to end', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  const work = mkdtempSync(join(tmpdir(), 'e2e-'));

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('uploads a dropped 5 MiB PNG with a live progress bar, shows the preview, stores identical bytes', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 900, height: 900 } });
    await page.addInitScript(RECORD_PROGRESS);
    // A realistic link (40 Mbit/s up), so progress is observable rather than instant on loopback.
    await throttle(page, 5 * 1024 * 1024);
    const storeRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().startsWith(stack.env.S3_ENDPOINT)) storeRequests.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });

    await signIn(page, stack.origin, 'Grace');
    const png = makePng(1280, 1366);
    expect(png.length).toBeGreaterThan(5 * 1024 * 1024);
    await dropFile(page, 'sunset.png', 'image/png', png);

    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'sunset.png' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');

    const progress = (await page.evaluate('window.__progress')) as Array<[number, number]>;
    const max = png.length;
    const intermediate = progress.filter(([v, m]) => m === max && v > 0 && v < max);
    expect(intermediate.length, JSON.stringify(progress)).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toEqual([max, max]);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0]);
    expect(await row.locator('.percent').textContent()).toBe('100%');
    expect(await row.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('100%');

    const preview = row.getByRole('img', { name: 'Preview of sunset.png' });
    await preview.waitFor();
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1280);

    const keys = await listKeys(stack.admin, stack.bucket);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^uploads\/dev-grace\/default\/[0-9a-f]{32}-sunset\.png$/);
    expect((await getBytes(stack.admin, stack.bucket, keys[0]!)).equals(png)).toBe(true);
    // The file went straight to the store, never through the API server.
    const staged = keys[0]!.replace(/^uploads\//, 'staging/');
    expect(storeRequests.filter((r) => r.startsWith('PUT'))).toEqual([`PUT /${stack.bucket}/${staged}`]);

    await docsScreenshot(page, 'screenshot.png');
    await page.close();
  });

  it('refuses a disallowed file with its message and requests nothing', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Linus');
    await page.waitForLoadState('networkidle');
    // The page may load its own code chunks (the idle-time multipart warm-up) or refetch the policy
    // at any moment; what must not happen is a write: a mutation (POST) or an upload (PUT/POST).
    const requests: string[] = [];
    page.on('request', (r) => r.method() !== 'GET' && requests.push(`${r.method()} ${r.url()}`));

    const path = join(work, 'notes.html');
    writeFileSync(path, '<script>alert(1)</script>');
    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);

    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'notes.html' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('refused');
    expect(await row.getByRole('alert').textContent()).toMatch(/Type "text\/html" is not allowed; allowed types: image\/jpeg/);
    await page.waitForTimeout(300);
    expect(requests).toEqual([]);
    expect(await listKeys(stack.admin, stack.bucket)).not.toContainEqual(expect.stringContaining('dev-linus'));
    await page.close();
  });

  it('offers a retry when the store is unreachable during verification, and the retry completes', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Ken');
    const png = makePng(64, 64);
    const path = join(work, 'tiny.png');
    writeFileSync(path, png);
    const completes: number[] = [];
    page.on('response', (r) => r.url().includes('upload.complete') && completes.push(r.status()));

    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'tiny.png' });
    // The upload itself goes to the store from the browser; the server's own store calls then fail.
    // The call waits in the route until the store is down (a 'request' listener would race it).
    const downForComplete = async (route: Route) => {
      stack.setStoreDown(true);
      await route.continue();
    };
    const isComplete = (url: URL) => url.pathname.includes('upload.complete');
    await page.route(isComplete, downForComplete);
    try {
      await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
      await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
      expect(await row.getByRole('alert').textContent()).toMatch(/file store did not answer; try again/);
      expect(completes).toEqual([503]);
    } finally {
      // Whatever happened above, the tests after this one get a working store.
      await page.unroute(isComplete, downForComplete);
      stack.setStoreDown(false);
    }
    await row.getByRole('button', { name: 'Retry' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(completes).toEqual([503, 200]);
    const keys = await listKeys(stack.admin, stack.bucket);
    const finalKey = keys.find((k) => k.startsWith('uploads/dev-ken/'));
    expect(finalKey).toBeDefined();
    expect((await getBytes(stack.admin, stack.bucket, finalKey!)).equals(png)).toBe(true);
    await page.close();
  });

  it('cancels an upload in flight: the row says so and nothing is stored', async () => {
    const page = await stack.browser.newPage();
    await throttle(page, 512 * 1024);
    await signIn(page, stack.origin, 'Barbara');
    const path = join(work, 'movie.mp4');
    writeFileSync(path, Buffer.alloc(8 * 1024 * 1024, 1));
    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'movie.mp4' });
    await expect.poll(() => row.getAttribute('data-status')).toBe('uploading');
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('cancelled');
    expect(await listKeys(stack.admin, stack.bucket)).not.toContainEqual(expect.stringContaining('dev-barbara'));
    await page.close();
  });

  it('uploads 30 files dropped at once, more than one API batch holds: every row done, every file stored', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Batcher');
    const files = Array.from({ length: 30 }, (_, i) => ({ name: `photo-${i}.png`, base64: makePng(8 + i, 8).toString('base64') }));
    const dataTransfer = await page.evaluateHandle((list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: 'image/png' }));
      return transfer;
    }, files);
    await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });

    // 30 requestUrl calls at once: the batch link must split them at the API's limit of 10 a batch.
    for (const f of files)
      await expect
        .poll(() => page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: f.name }).getAttribute('data-status'), { timeout: 60_000 })
        .toBe('done');
    const stored = (await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/') && k.includes('dev-batcher'));
    expect(stored).toHaveLength(30);
    await page.close();
  });
});
