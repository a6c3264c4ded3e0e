import { GiB, MiB, defaultLimits, defaultUploadPolicy } from '@app/api';
import { listKeys } from '@app/test-utils';
import { AbortMultipartUploadCommand, GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256, writeBigPng } from './files';
import { throttle } from './network';
import { startStack } from './stack';

const RECORD_PROGRESS = `
  window.__progress = [];
  new MutationObserver((records) => {
    for (const r of records) if (r.target instanceof HTMLProgressElement) window.__progress.push(r.target.value);
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['value'] });
`;

describe('multipart uploads in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  const work = mkdtempSync(join(tmpdir(), 'e2e-mp-'));

  beforeAll(async () => {
    stack = await startStack({
      policy: { ...defaultUploadPolicy, maxBytes: 2 * GiB, multipartThresholdBytes: 64 * MiB },
      limits: { ...defaultLimits, quotaBytes: null },
    });
  });
  afterAll(() => stack?.close());

  async function signedInPage(name: string): Promise<Page> {
    const page = await stack.browser.newPage();
    await page.addInitScript(RECORD_PROGRESS);
    await page.goto(stack.origin);
    await page.getByLabel('Your name').fill(name);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${name}`).waitFor();
    return page;
  }
  const partPuts = (page: Page) => {
    const puts: number[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (r.method() === 'PUT' && url.searchParams.has('partNumber')) puts.push(Number(url.searchParams.get('partNumber')));
    });
    return puts;
  };
  /** A 100 MiB PNG picked on a 25 MiB/s link, once `atLeast` bytes of it are on their way. */
  async function uploadingSlowly(user: string, fileName: string, atLeast: number) {
    const path = join(work, fileName);
    const hash = writeBigPng(path, 100 * MiB);
    const page = await signedInPage(user);
    await throttle(page, 25 * MiB);
    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: fileName });
    await expect.poll(async () => Number(await row.locator('progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(atLeast);
    return { page, row, hash };
  }
  /** Waits until the row settles (or `ms` pass) and says how it ended, with its text: why it failed. */
  async function settledRow(row: Locator, ms: number): Promise<{ status: string | null; text: string }> {
    const until = Date.now() + ms;
    let status = await row.getAttribute('data-status');
    while (!['done', 'failed', 'cancelled', 'refused'].includes(status ?? '') && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      status = await row.getAttribute('data-status');
    }
    return { status, text: ((await row.innerText()) ?? '').replace(/\s+/g, ' ') };
  }
  async function storedHash(finalPrefix: string) {
    const key = (await listKeys(stack.admin, stack.bucket, finalPrefix))[0]!;
    const out = await stack.admin.send(new GetObjectCommand({ Bucket: stack.bucket, Key: key }));
    return sha256(await out.Body!.transformToByteArray());
  }

  it('sends 300 MiB in parts, several at once, survives cut requests, and never shows progress going back', async () => {
    const path = join(work, 'holiday.png');
    const hash = writeBigPng(path, 300 * MiB);
    const page = await signedInPage('Mira');
    const puts = partPuts(page);
    const inFlight = new Set<unknown>();
    let maxInFlight = 0;
    const cut = new Set<number>();
    // Cut the first attempt of parts 2 and 5 (the connection resets): the engine must retry them.
    await page.route(
      (url) => url.searchParams.has('partNumber'),
      async (route) => {
        const n = Number(new URL(route.request().url()).searchParams.get('partNumber'));
        if ((n === 2 || n === 5) && !cut.has(n)) {
          cut.add(n);
          return route.abort('connectionreset');
        }
        inFlight.add(route.request());
        maxInFlight = Math.max(maxInFlight, inFlight.size);
        await route.continue();
      },
    );
    page.on('requestfinished', (r) => inFlight.delete(r));
    page.on('requestfailed', (r) => inFlight.delete(r));

    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'holiday.png' });
    const end = await settledRow(row, 170_000);
    expect(end.status, `the row ended "${end.status}": ${end.text}`).toBe('done');

    expect([...cut].sort()).toEqual([2, 5]);
    expect(puts.filter((n) => n === 2)).toHaveLength(2);
    expect(new Set(puts).size).toBe(8);
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
    const progress = (await page.evaluate('window.__progress')) as number[];
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThanOrEqual(progress[i - 1]!);
    expect(progress.at(-1)).toBe(300 * MiB);
    expect(await storedHash('uploads/dev-mira/')).toBe(hash);
    await page.close();
  });

  it('pauses and resumes: nothing is sent while paused, and the file completes', async () => {
    const { page, row, hash } = await uploadingSlowly('Paz', 'paused.png', 20 * MiB);
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('paused');
    const puts = partPuts(page);
    const before = await row.locator('progress').getAttribute('value');
    await page.waitForTimeout(1500);
    expect(puts).toEqual([]);
    expect(await row.locator('progress').getAttribute('value')).toBe(before);
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(puts.length).toBeGreaterThan(0);
    expect(await storedHash('uploads/dev-paz/')).toBe(hash);
    await page.close();
  });

  it('fails at once, saying what to do, when the store dropped the upload while it was paused', async () => {
    const { page, row } = await uploadingSlowly('Drop', 'dropped.png', 10 * MiB);
    await row.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('paused');
    // The store forgets the upload (an expiry rule, another tab's discard): its signed URLs are worth nothing.
    const open = await stack.admin.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket, Prefix: 'staging/dev-drop/' }));
    expect(open.Uploads).toHaveLength(1);
    const { Key, UploadId } = open.Uploads![0]!;
    await stack.admin.send(new AbortMultipartUploadCommand({ Bucket: stack.bucket, Key, UploadId }));
    const puts = partPuts(page);
    await row.getByRole('button', { name: 'Resume' }).click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await row.getByRole('alert').textContent()).toContain('no longer has this upload');
    // No retries: only the parts that were on their way when it was paused were sent again.
    expect(puts.length).toBeLessThanOrEqual(4);
    await page.close();
  });

  it('after a reload, the same file picked again sends only the parts the store lacks', async () => {
    const path = join(work, 'reloaded.png');
    const hash = writeBigPng(path, 100 * MiB);
    const page = await signedInPage('Rei');
    await throttle(page, 25 * MiB);
    const acked: number[] = [];
    page.on('requestfinished', async (r) => {
      if (r.url().includes('partNumber') && (await r.response())?.status() === 200) acked.push(1);
    });
    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
    await expect.poll(() => acked.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    await page.reload();

    const record = JSON.parse(
      (await page.evaluate(
        () =>
          Object.keys(localStorage)
            .filter((k) => k.startsWith('upload-resume:'))
            .map((k) => localStorage.getItem(k))[0],
      )) as string,
    ) as { key: string; uploadId: string; partCount: number };
    const held = (await stack.admin.send(new ListPartsCommand({ Bucket: stack.bucket, Key: record.key, UploadId: record.uploadId }))).Parts ?? [];
    expect(held.length).toBeGreaterThanOrEqual(4);
    expect(held.length).toBeLessThan(record.partCount);

    const puts = partPuts(page);
    const resume = page.getByRole('listitem', { name: 'Unfinished reloaded.png' });
    await resume.getByLabel('Resume reloaded.png').setInputFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'reloaded.png', exact: true });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(puts.sort((a, b) => a - b)).toEqual(Array.from({ length: record.partCount }, (_, i) => i + 1).filter((n) => !held.some((p) => p.PartNumber === n)));
    expect(await storedHash('uploads/dev-rei/')).toBe(hash);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('upload-resume:')))).toEqual([]);
    await page.close();
  });

  it('cancel aborts the multipart upload on the store and leaves nothing behind', async () => {
    const { page, row } = await uploadingSlowly('Cy', 'cancelled.png', 10 * MiB);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('cancelled');
    await expect
      .poll(async () => ((await stack.admin.send(new ListMultipartUploadsCommand({ Bucket: stack.bucket, Prefix: 'staging/dev-cy/' }))).Uploads ?? []).length)
      .toBe(0);
    // The abort also removes the upload's plan; nothing staged or final remains.
    await expect.poll(() => listKeys(stack.admin, stack.bucket, 'staging/dev-cy/')).toEqual([]);
    expect(await listKeys(stack.admin, stack.bucket, 'uploads/dev-cy/')).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('upload-resume:')))).toEqual([]);
    await page.close();
  });

  it('waits while the browser is offline and finishes when it is back', async () => {
    const path = join(work, 'offline.png');
    const hash = writeBigPng(path, 80 * MiB);
    const page = await signedInPage('Oz');
    const link = await throttle(page, 20 * MiB);
    await page.getByTestId('drop-zone').locator('input').setInputFiles(path);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'offline.png' });
    await expect.poll(async () => Number(await row.locator('progress').getAttribute('value')), { timeout: 60_000 }).toBeGreaterThan(10 * MiB);
    await link.setOffline(true);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('offline');
    await page.waitForTimeout(1000);
    await link.setOffline(false);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await storedHash('uploads/dev-oz/')).toBe(hash);
    await page.close();
  });

  it('refuses a different file offered for resuming', async () => {
    const page = await signedInPage('Sol');
    await page.evaluate(() =>
      localStorage.setItem(
        'upload-resume:staging/dev-sol/x',
        JSON.stringify({
          key: 'staging/dev-sol/x',
          uploadId: 'u',
          partSize: 1,
          partCount: 1,
          fileName: 'movie.mp4',
          size: 5,
          type: 'video/mp4',
          lastModified: 1,
          sample: 'x',
          startedAt: 1,
        }),
      ),
    );
    await page.reload();
    const other = join(work, 'movie.mp4');
    writeBigPng(other, 1000);
    await page.getByLabel('Resume movie.mp4').setInputFiles(other);
    const alert = page.getByRole('listitem', { name: 'Unfinished movie.mp4' }).getByRole('alert');
    await expect.poll(() => alert.textContent().catch(() => '')).toMatch(/has changed since the upload started/);
    await page.close();
  });
});
