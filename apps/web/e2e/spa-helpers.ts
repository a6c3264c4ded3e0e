import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const DOCS = fileURLToPath(new URL('../../../docs', import.meta.url));
let scratch: string | undefined;

/**
 * A full-page screenshot for the README. It lands in docs/ only with UPDATE_SCREENSHOTS=1, so a
 * test run leaves the tree clean; otherwise it goes to a temporary folder (the step still runs).
 * Rows render only near the viewport (content-visibility), and a full-page capture does not scroll:
 * every row is drawn for it.
 */
export async function docsScreenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? DOCS : (scratch ??= mkdtempSync(join(tmpdir(), 'web-shots-')));
  mkdirSync(dir, { recursive: true });
  // Through the CSSOM: the page's CSP refuses inline style sheets.
  const show = (value: string) =>
    page.evaluate((v) => document.querySelectorAll<HTMLElement>('.file-row, .stored-file').forEach((el) => el.style.setProperty('content-visibility', v)), value);
  await show('visible');
  await page.screenshot({ path: join(dir, name), fullPage: true });
  await show('');
}

export async function signIn(page: Page, origin: string, name: string) {
  await page.goto(origin);
  await page.getByLabel('Your name').fill(name);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(`Signed in as ${name}`).waitFor();
}

/** Files made in the page, as a user's clipboard or drag would carry them. */
export async function transferOf(page: Page, files: Array<{ name: string; type: string; bytes: Buffer }>) {
  return page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      return transfer;
    },
    files.map((f) => ({ name: f.name, type: f.type, base64: f.bytes.toString('base64') })),
  );
}

/** Ctrl/Cmd+V as the page sees it: a paste event on the document carrying the files. */
export async function paste(page: Page, files: Array<{ name: string; type: string; bytes: Buffer }>) {
  const clipboardData = await transferOf(page, files);
  await page.evaluate((data) => document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })), clipboardData);
}

/** Records every value the progress bar named `label` takes, and every text of the live status. */
export const RECORDER = `
  window.__overall = [];
  window.__said = [];
  new MutationObserver((records) => {
    for (const r of records) {
      const el = r.target instanceof Element ? r.target : r.target.parentElement;
      if (el instanceof HTMLProgressElement && el.getAttribute('aria-label') === 'All uploads') window.__overall.push([el.value, el.max]);
      const status = el?.closest('[role=status]');
      if (status && status.textContent && window.__said.at(-1) !== status.textContent) window.__said.push(status.textContent);
    }
  }).observe(document, { subtree: true, attributes: true, childList: true, characterData: true });
`;

/** The horizontal overflow of the page: 0 when nothing scrolls sideways. */
export const sidewaysOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
