import { listKeys, makePng } from '@app/test-utils';
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { docsScreenshot, paste, signIn } from './spa-helpers';
import { startStack } from './stack';

describe('My files in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('lists a pasted photo at once and after a reload with its thumbnail; its link serves the same bytes under its name; deletes it from list and bucket', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1100, height: 900 }, acceptDownloads: true });
    await signIn(page, stack.origin, 'Keeper');
    const myFiles = page.getByRole('region', { name: 'My files' });
    await myFiles.getByText('No files yet').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const png = makePng(120, 80);
    await paste(page, [{ name: 'holiday.png', type: 'image/png', bytes: png }]);
    await expect
      .poll(() => page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'holiday.png' }).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('done');
    // Verified a moment ago: already in the list, without a reload.
    const stored = myFiles.getByRole('listitem', { name: 'holiday.png' });
    await stored.waitFor();

    await page.reload();
    await stored.waitFor();
    const thumb = stored.getByRole('img', { name: 'Thumbnail of holiday.png' });
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(120);
    expect(await stored.textContent()).toContain('PNG');
    expect(await stored.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await axeViolations(page)).toEqual([]);
    await docsScreenshot(page, 'my-files.png');

    // An image's link opens inline (a preview) and names the original file for saving.
    const href = (await stored.getByRole('link', { name: 'Download holiday.png' }).getAttribute('href'))!;
    const got = await page.request.get(href);
    expect(got.status()).toBe(200);
    expect(got.headers()['content-disposition']).toMatch(/filename="holiday\.png"/);
    expect((await got.body()).equals(png)).toBe(true);

    const before = (await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/dev-keeper/'));
    expect(before).toHaveLength(1);
    await stored.getByRole('button', { name: 'Delete holiday.png' }).click();
    const confirm = stored.getByRole('button', { name: 'Yes, delete' });
    expect(await confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await confirm.click();
    await myFiles.getByText('No files yet').waitFor();
    expect(await stored.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('my-files-heading');
    expect((await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/dev-keeper/'))).toEqual([]);
    await page.reload();
    await myFiles.getByText('No files yet').waitFor();
    await page.close();
  });

  it('after a delete, focus goes to the file that took its place', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Tidy');
    const myFiles = page.getByRole('region', { name: 'My files' });
    await myFiles.getByText('No files yet').waitFor();
    // Verified files show at once from complete's answers; once the batch settles the list is read
    // again, in the server's order. That listing is held until the rows from the answers are read:
    // they must already be in its order, so no row moves when it lands.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/trpc\/[^?]*files\.list/, async (route) => {
      await held;
      await route.continue();
    });
    // The three PUTs go on in key order, one at a time: the files are verified in the reverse of the
    // listing's order (a route's newest key first), the order that once made the rows swap.
    const puts: Array<{ key: string; route: Route }> = [];
    await page.route(
      (url) => url.pathname.includes('/staging/dev-tidy/'),
      async (route) => {
        if (route.request().method() !== 'PUT') return route.continue();
        puts.push({ key: new URL(route.request().url()).pathname, route });
        if (puts.length < 3) return;
        for (const put of puts.sort((a, b) => (a.key < b.key ? -1 : 1))) {
          await put.route.continue();
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
      },
    );
    const relisted = page.waitForResponse((r) => r.url().includes('files.list') && r.ok(), { timeout: 30_000 });
    await paste(
      page,
      ['one.png', 'two.png', 'three.png'].map((name, i) => ({ name, type: 'image/png', bytes: makePng(10 + i, 10) })),
    );
    const rows = myFiles.getByRole('listitem');
    const shownKeys = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-key')));
    await expect.poll(() => rows.count()).toBe(3);
    const shown = await shownKeys();
    release();
    type Listing = Array<{ result: { data: { files: Array<{ key: string }> } } }>;
    const keys = ((await (await relisted).json()) as Listing)[0]!.result.data.files.map((file) => file.key);
    expect(keys).toHaveLength(3);
    expect(shown).toEqual(keys);
    await expect.poll(shownKeys).toEqual(keys);
    const middle = rows.nth(1);
    const name = (await middle.getAttribute('aria-label'))!;
    await middle.getByRole('button', { name: `Delete ${name}` }).click();
    await middle.getByRole('button', { name: 'Yes, delete' }).click();
    await expect.poll(() => rows.count()).toBe(2);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-key'))).toBe(keys[2]);
    await page.close();
  });

  it('reads My files at sign-in, while its own chunk is still loading, and reads it once', async () => {
    const page = await stack.browser.newPage();
    const listings: number[] = [];
    let chunkServedAt = 0;
    page.on('request', (r) => void (/\/trpc\/[^?]*files\.list/.test(r.url()) && listings.push(Date.now())));
    // The list's lazy chunk comes late, as on a slow link: the listing must not wait for it.
    await page.route(/my-files-panel[^/]*\.js$/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      chunkServedAt = Date.now();
      await route.continue();
    });
    await signIn(page, stack.origin, 'Early');
    await page.getByRole('region', { name: 'My files' }).getByText('No files yet').waitFor({ timeout: 20_000 });
    expect(chunkServedAt).toBeGreaterThan(0);
    expect(listings).toHaveLength(1);
    expect(listings[0]).toBeLessThan(chunkServedAt);
    await page.close();
  });

  it('pages through more files than one page holds (20 a page, then Show more)', async () => {
    const res = await fetch(`${stack.origin}/trpc/auth.devSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Hoarder"}' });
    const token = ((await res.json()) as { result: { data: { token: string } } }).result.data.token;
    const call = async (path: string, input: unknown) => {
      const r = await fetch(`${stack.origin}/trpc/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(input),
      });
      const body = (await r.json()) as { result?: { data: any }; error?: { message: string } };
      expect(r.status, body.error?.message).toBe(200);
      return body.result!.data;
    };
    for (let i = 0; i < 22; i++) {
      const bytes = makePng(4, 4 + i);
      const target = await call('upload.requestUrl', { fileName: `scan-${i}.png`, contentType: 'image/png', size: bytes.length });
      expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: Uint8Array.from(bytes) })).status).toBe(200);
      await call('upload.complete', { key: target.key });
    }

    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Hoarder');
    const myFiles = page.getByRole('region', { name: 'My files' });
    const rows = myFiles.getByRole('list', { name: 'My files' }).getByRole('listitem');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(20);
    await myFiles.getByRole('button', { name: 'Show more' }).click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(22);
    expect(await myFiles.getByRole('button', { name: 'Show more' }).count()).toBe(0);
    const names = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    expect(new Set(names).size).toBe(22);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
