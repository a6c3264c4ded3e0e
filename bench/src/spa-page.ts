import type { Browser, Page } from 'playwright-core';
import type { PutTarget } from './presign';

/**
 * Runs in the page before the app: stamps the file input's `change` (the user's pick), the first
 * `data-status="done"`, and every `<progress>` value change, all on the page's own clock.
 */
const RECORDER = `
  window.__bench = { changeAt: 0, status: {}, progress: [], done: 0, lastDone: 0 };
  const doneRows = new WeakSet();
  document.addEventListener('change', (e) => {
    if (e.target instanceof HTMLInputElement && e.target.type === 'file') window.__bench.changeAt = performance.now();
  }, true);
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const el = r.target;
      if (el instanceof HTMLProgressElement && r.attributeName === 'value') window.__bench.progress.push([now, el.value]);
      else if (el instanceof HTMLElement && el.dataset.status) {
        window.__bench.status[el.dataset.status] ??= now;
        if (el.dataset.status === 'done' && !doneRows.has(el)) {
          doneRows.add(el);
          window.__bench.done++;
          window.__bench.lastDone = now;
        }
      }
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['value', 'data-status'] });
`;

interface Recorded {
  changeAt: number;
  /** First time the row took each data-status. */
  status: Partial<Record<'uploading' | 'verifying' | 'done', number>>;
  progress: Array<[number, number]>;
  /** Rows that reached "done", and when the last one did. */
  done: number;
  lastDone: number;
}

export interface FileOnDisk {
  path: string;
  name: string;
  size: number;
}

let warned = false;
function warnOnce(message: string) {
  if (!warned) console.warn(`[bench] ${message}`);
  warned = true;
}

/** The upload panel's own file input (the resume list may add another). */
const PICKER = '[data-testid="drop-zone"] input';

/**
 * A fresh tab (own browser context, so a fresh policy cache and connection pool) on the SPA, signed
 * in through the dev sign-in form, with the server's policy loaded. `initScript` adds a recorder.
 */
export async function openSignedIn(browser: Browser, origin: string, name: string, initScript?: string): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(RECORDER);
  if (initScript) await page.addInitScript(initScript);
  // Until upload.policy answers the SPA applies the 100 MiB default, which would refuse 256 MiB.
  const policy = page.waitForResponse((r) => r.url().includes('upload.policy') && r.ok(), { timeout: 15_000 }).catch(() => null);
  await page.goto(origin);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator(PICKER).waitFor({ state: 'attached', timeout: 15_000 });
  await policy;
  // A person takes a moment to pick a file; the SPA uses that idle time to load its multipart code and
  // start the hashing worker. Measure from there, as a user would experience it, not mid-page-load.
  // It loads the hashing workers, then the multipart code (the last of its idle-time loads); a short
  // settle lets the workers compile their WebAssembly. (Waiting for 'networkidle' cost 500 ms a tab.)
  // Chunk names come from the upload client's module names (md5-worker, run-multipart): if they
  // change, say so, since every tab would otherwise wait the whole timeout.
  await page
    .waitForFunction(
      () => {
        const names = performance.getEntriesByType('resource').map((e) => e.name);
        return names.some((n) => n.includes('md5-worker')) && names.some((n) => n.includes('run-multipart'));
      },
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => warnOnce("the SPA's idle-time chunks (md5-worker, run-multipart) did not load within 5 s: renamed? each tab waited 5 s"));
  await page.waitForTimeout(100);
  return page;
}

export interface SpaTiming {
  /** From the input's change event to the row's data-status="done" (requestUrl + PUT + complete). */
  ms: number;
  /** change → "uploading": the requestUrl round trip as the user waits for it. */
  requestMs: number;
  /** "uploading" → "verifying": the PUT to the store, progress handling included. */
  putMs: number;
  /** "verifying" → "done": upload.complete. */
  completeMs: number;
  /** Longest time the bar stood still while uploading: start, each value change, end of the PUT. */
  maxGapMs: number;
  progressChanges: number;
}

const RESET = 'Object.assign(window.__bench, { changeAt: 0, status: {}, progress: [], done: 0, lastDone: 0 })';

/**
 * Many files picked at once, until every row has settled: how many ended "done", the ms from the
 * pick until the last did (or until all settled, when some did not), and the first error shown.
 */
export async function spaUploadMany(page: Page, files: FileOnDisk[], timeoutMs: number): Promise<{ done: number; ms: number; error?: string }> {
  await page.evaluate(RESET);
  await page.locator(PICKER).setInputFiles(files.map((f) => f.path));
  const settled = ['done', 'failed', 'refused', 'cancelled'].map((s) => `li[data-status="${s}"]`).join(', ');
  // A function, not a string: the SPA's CSP forbids eval. Polled every 100 ms, not every frame: a
  // query of the whole list each frame is the bench's work on the SPA's main thread (the bare page
  // has none). The time is the recorder's, so the poll only ends the wait.
  await page.waitForFunction(({ n, settled }) => document.querySelectorAll(settled).length >= n, { n: files.length, settled }, { timeout: timeoutMs, polling: 100 });
  const end = (await page.evaluate('performance.now()')) as number;
  const rec = (await page.evaluate('window.__bench')) as Recorded;
  if (rec.done === files.length) return { done: rec.done, ms: rec.lastDone - rec.changeAt };
  const error =
    (await page
      .locator('li [role=alert]')
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => null)) ?? 'no message shown';
  return { done: rec.done, ms: end - rec.changeAt, error };
}

/** The real flow: pick the file, wait for the row to say done. */
export async function spaUpload(page: Page, file: FileOnDisk, timeoutMs: number): Promise<SpaTiming> {
  await page.evaluate(RESET);
  await page.locator(PICKER).setInputFiles(file.path);
  const row = `li[aria-label="${file.name}"]`;
  const settled = ['done', 'failed', 'refused', 'cancelled'].map((s) => `${row}[data-status="${s}"]`).join(', ');
  await page.locator(settled).first().waitFor({ timeout: timeoutMs });
  const status = await page.locator(row).first().getAttribute('data-status');
  if (status !== 'done') {
    const why = await page
      .locator(`${row} [role=alert]`)
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => '');
    throw new Error(`SPA upload of ${file.name} ended "${status}": ${why}`);
  }
  const rec = (await page.evaluate('window.__bench')) as Recorded;
  const { uploading = NaN, verifying = NaN, done = NaN } = rec.status;
  const marks = [uploading, ...rec.progress.map(([t]) => t).filter((t) => t > uploading && t < verifying), verifying];
  let maxGapMs = 0;
  for (let i = 1; i < marks.length; i++) maxGapMs = Math.max(maxGapMs, marks[i]! - marks[i - 1]!);
  return {
    ms: done - rec.changeAt,
    requestMs: uploading - rec.changeAt,
    putMs: verifying - uploading,
    completeMs: done - verifying,
    maxGapMs,
    progressChanges: rec.progress.length,
  };
}

/** A blank page on the app's origin (so the bucket's CORS rule applies) holding only a file input. */
export async function openBlank(browser: Browser, origin: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${origin}/bench/blank`);
  return page;
}

/** Runs in the page (plain JavaScript: tsx would add helpers the page does not have). */
const PUT_MANY = `async ({ targets, concurrency }) => {
  const picked = Array.from(document.querySelector('#f').files);
  const put = (i) => new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', targets[i].url);
    for (const [k, v] of Object.entries(targets[i].headers)) xhr.setRequestHeader(k, v);
    xhr.onload = () => resolve(xhr.status);
    xhr.onerror = () => resolve(0);
    xhr.send(picked[i]);
  });
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const slot = async () => {
    for (let i = next++; i < picked.length; i = next++) if ((await put(i)) !== 200) failed++;
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return { failed, ms: performance.now() - t0 };
}`;

/** Bare XMLHttpRequest PUTs of the picked files, `concurrency` at a time; the page's own ms for all. */
export async function xhrPutMany(page: Page, files: FileOnDisk[], targets: Array<Omit<PutTarget, 'key'>>, concurrency: number): Promise<number> {
  await page.locator('#f').setInputFiles(files.map((f) => f.path));
  const { failed, ms } = (await page.evaluate(`(${PUT_MANY})(${JSON.stringify({ targets, concurrency })})`)) as { failed: number; ms: number };
  if (failed) throw new Error(`bare XHR PUTs: ${failed} of ${files.length} failed`);
  return ms;
}

/** A bare XMLHttpRequest PUT of the picked file to a presigned URL; the page's own timing, in ms. */
export async function xhrPut(page: Page, file: FileOnDisk, target: PutTarget): Promise<number> {
  await page.locator('#f').setInputFiles(file.path);
  const { status, ms } = await page.evaluate(
    async ({ url, headers }) => {
      const picked = (document.querySelector('#f') as HTMLInputElement).files?.[0];
      if (!picked) return { status: -1, ms: 0 };
      const t0 = performance.now();
      const code = await new Promise<number>((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', url);
        xhr.timeout = 300_000;
        for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
        xhr.onload = () => resolve(xhr.status);
        xhr.onerror = xhr.ontimeout = () => resolve(0);
        xhr.send(picked);
      });
      return { status: code, ms: performance.now() - t0 };
    },
    { url: target.url, headers: target.headers },
  );
  if (status !== 200) throw new Error(`bare XHR PUT of ${file.name}: HTTP ${status}`);
  return ms;
}
