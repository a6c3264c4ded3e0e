import { getBytes, listKeys, makePng } from '@app/test-utils';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileChooser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { throttle } from './network';
import { docsScreenshot, paste, RECORDER, sidewaysOverflow, signIn } from './spa-helpers';
import { startStack } from './stack';

describe('the SPA for people: paste, batch, retry, keyboard, screen readers, small screens', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  const work = mkdtempSync(join(tmpdir(), 'e2e-spa-'));

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('uploads a pasted PNG, previews it from an object URL that is revoked once stored, and says so politely', async () => {
    const page = await stack.browser.newPage();
    await page.addInitScript(`
      window.__revoked = [];
      const revoke = URL.revokeObjectURL.bind(URL);
      URL.revokeObjectURL = (url) => { window.__revoked.push(url); revoke(url); };
    `);
    await signIn(page, stack.origin, 'Paster');
    expect(await axeViolations(page)).toEqual([]);
    // Dragging files over the zone highlights it; leaving it takes the highlight away.
    const zone = page.getByTestId('drop-zone');
    await zone.dispatchEvent('dragover', { dataTransfer: await page.evaluateHandle(() => new DataTransfer()) });
    expect(await zone.getAttribute('class')).toContain('over');
    await zone.dispatchEvent('dragleave');
    expect(await zone.getAttribute('class')).not.toContain('over');
    const png = makePng(300, 200);
    await throttle(page, 64 * 1024);
    await paste(page, [{ name: 'holiday.png', type: 'image/png', bytes: png }]);

    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'holiday.png' });
    const local = row.locator('img[data-source=local]');
    await expect.poll(() => local.getAttribute('src')).toMatch(/^blob:/);
    const blobUrl = (await local.getAttribute('src'))!;
    await expect.poll(() => local.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(300);
    expect(await axeViolations(page)).toEqual([]);

    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    await expect.poll(() => page.getByRole('status').textContent()).toBe('holiday.png uploaded.');
    expect(await local.count()).toBe(0);
    expect(await page.evaluate('window.__revoked')).toContain(blobUrl);
    expect(await axeViolations(page)).toEqual([]);

    const key = (await listKeys(stack.admin, stack.bucket)).find((k) => k.startsWith('uploads/dev-paster/'));
    expect(key).toMatch(/-holiday\.png$/);
    expect((await getBytes(stack.admin, stack.bucket, key!)).equals(png)).toBe(true);
    await page.close();
  });

  it('shows a batch of 5 rising to 100 % overall with speed, and announces the count', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(RECORDER);
    await signIn(page, stack.origin, 'Batch');
    const myFiles = page.getByRole('region', { name: 'My files' });
    await myFiles.getByText('No files yet').waitFor();
    const listings: string[] = [];
    page.on('request', (r) => void (r.url().includes('files.list') && listings.push(r.url())));
    await throttle(page, 2 * 1024 * 1024);
    const files = Array.from({ length: 5 }, (_, i) => ({ name: `photo-${i + 1}.png`, type: 'image/png', bytes: makePng(400, 400 + i) }));
    const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
    await paste(page, files);

    const bar = page.getByTestId('batch-bar');
    await expect.poll(() => bar.locator('.batch-head').textContent(), { timeout: 60_000 }).toBe('5 of 5 files uploaded100%');
    expect(await bar.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('100%');
    const overall = (await page.evaluate('window.__overall')) as Array<[number, number]>;
    const inBetween = overall.filter(([v, m]) => m === total && v > 0 && v < total);
    expect(inBetween.length, JSON.stringify(overall)).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < overall.length; i++) expect(overall[i]![0]).toBeGreaterThanOrEqual(overall[i - 1]![0]);
    expect(overall.at(-1)).toEqual([total, total]);

    const said = (await page.evaluate('window.__said')) as string[];
    expect(said.at(-1)).toMatch(/5 of 5 files uploaded\.$/);
    // Files finishing together are counted in one message rather than named one by one.
    expect(
      said.some((s) => /^(photo-\d\.png uploaded\. )?[1-4] of 5 files uploaded\.$/.test(s)),
      said.join(' | '),
    ).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await docsScreenshot(page, 'desktop.png');
    const stored = (await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/dev-batch/'));
    expect(stored).toHaveLength(5);
    // Each verified file showed in My files from its answer; the list was read again once, after the batch.
    for (const f of files) await myFiles.getByRole('listitem', { name: f.name }).waitFor();
    await expect.poll(() => listings.length).toBe(1);
    await page.close();
  });

  it('cancels the whole batch with one button', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Stopper');
    await throttle(page, 256 * 1024);
    await paste(
      page,
      Array.from({ length: 3 }, (_, i) => ({ name: `big-${i}.png`, type: 'image/png', bytes: makePng(700, 700) })),
    );
    const rows = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem');
    await expect.poll(() => rows.evaluateAll((els) => els.filter((el) => el.getAttribute('data-status') === 'uploading').length)).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Cancel all' }).click();
    await expect.poll(() => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-status')))).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await expect.poll(() => page.getByRole('status').textContent()).toBe('3 uploads cancelled.');
    expect(await listKeys(stack.admin, stack.bucket)).not.toContainEqual(expect.stringContaining('dev-stopper'));
    await page.close();
  });

  it('retries a file whose upload failed, by its button, and keeps focus on that file', async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Retrier');
    let failed = 0;
    // The store refuses the first PUT (an expired link): the client does not retry a refusal by
    // itself, so the file fails once; every later request goes through.
    await page.route(
      (url) => url.href.startsWith(stack.env.S3_ENDPOINT),
      (route) => {
        if (route.request().method() !== 'PUT' || failed > 0) return route.continue();
        failed++;
        return route.fulfill({
          status: 403,
          headers: { 'access-control-allow-origin': stack.origin, 'content-type': 'application/xml' },
          body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
        });
      },
    );
    const png = makePng(32, 32);
    await paste(page, [{ name: 'flaky.png', type: 'image/png', bytes: png }]);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'flaky.png' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    expect(failed).toBe(1);
    expect(await row.getByRole('alert').textContent()).toMatch(/store refused the upload/i);
    expect(await axeViolations(page)).toEqual([]);

    await row.getByRole('button', { name: 'Retry' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await row.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    const key = (await listKeys(stack.admin, stack.bucket)).find((k) => k.startsWith('uploads/dev-retrier/'));
    expect((await getBytes(stack.admin, stack.bucket, key!)).equals(png)).toBe(true);

    // Removing the row puts focus back on the picker rather than losing it to the page.
    await row.getByRole('button', { name: 'Remove' }).click();
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type)).toBe('file');
    await page.close();
  });

  it('works from the keyboard alone: sign in, Tab to the drop zone, Enter or Space opens the picker, the file uploads', async () => {
    const page = await stack.browser.newPage();
    // Listening from the start turns on Chromium's file chooser interception before any key is pressed.
    const choosers: FileChooser[] = [];
    page.on('filechooser', (chooser) => choosers.push(chooser));
    await page.goto(stack.origin);
    // Keys pressed before the app has rendered its form go nowhere; a person would wait for it too.
    await page.getByLabel('Your name').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keys');
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as Keys').waitFor();

    const focusPicker = async () => {
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        if (
          await page.evaluate(() => document.activeElement?.closest('[data-testid=drop-zone]') !== null && (document.activeElement as HTMLInputElement).type === 'file')
        )
          return;
      }
      throw new Error('Tab never reached the file picker');
    };
    await focusPicker();
    expect(await page.getByTestId('drop-zone').evaluate((el) => el.matches(':focus-within'))).toBe(true);
    const path = join(work, 'keyboard.png');
    const png = makePng(40, 40);
    writeFileSync(path, png);
    await page.keyboard.press('Enter');
    await expect.poll(() => choosers.length).toBe(1);
    expect(choosers[0]!.isMultiple()).toBe(true);
    await choosers[0]!.setFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'keyboard.png' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).focus();
    await focusPicker();
    await page.keyboard.press('Space');
    await expect.poll(() => choosers.length).toBe(2);
    await choosers[1]!.setFiles([]);
    expect((await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/dev-keys/'))).toHaveLength(1);
    await page.close();
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`does not scroll sideways at 360 px (${colorScheme}), even with a long file name, and has no axe violations`, async () => {
      const page = await stack.browser.newPage({ viewport: { width: 360, height: 780 }, colorScheme });
      await page.goto(stack.origin);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await axeViolations(page)).toEqual([]);
      await signIn(page, stack.origin, `Small ${colorScheme}`);
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      const name = `a-photo-name-without-any-spaces-that-goes-on-and-on-${colorScheme}.png`;
      await paste(page, [
        { name, type: 'image/png', bytes: makePng(200, 150) },
        { name: 'notes.html', type: 'text/html', bytes: Buffer.from('<p>no</p>') },
      ]);
      await expect.poll(() => page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name }).getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
      expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
      expect(await axeViolations(page)).toEqual([]);
      if (colorScheme === 'light') await docsScreenshot(page, 'mobile.png');
      await page.close();
    });
  }
});
