import { listKeys, makePng } from '@app/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe';
import { paste, signIn } from './spa-helpers';
import { startStack } from './stack';

describe('upload routes in the SPA', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;

  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it("offers the server's routes with their rules, and a file goes to the chosen route", async () => {
    const page = await stack.browser.newPage();
    await signIn(page, stack.origin, 'Router');
    const picker = page.getByRole('group', { name: 'Upload as' });
    for (const title of ['Photos', 'Documents', 'Avatar']) await picker.getByRole('radio', { name: title }).waitFor();
    expect(await picker.textContent()).toContain('PDF, up to 50 MiB each.');
    expect(await picker.textContent()).toContain('One file per person: a new upload replaces the oldest.');
    expect(await picker.textContent()).toContain('Location and camera details are removed from photos before upload.');
    expect(await axeViolations(page)).toEqual([]);

    await picker.getByRole('radio', { name: 'Documents' }).check();
    expect(await page.getByTestId('drop-zone').locator('input').getAttribute('accept')).toBe('application/pdf');
    const png = makePng(16, 16);
    await paste(page, [{ name: 'not-a-pdf.png', type: 'image/png', bytes: png }]);
    const refused = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'not-a-pdf.png' });
    await expect.poll(() => refused.getAttribute('data-status')).toBe('refused');
    expect(await refused.getByRole('alert').textContent()).toMatch(/application\/pdf/);

    await picker.getByRole('radio', { name: 'Images' }).check();
    await paste(page, [{ name: 'cat.png', type: 'image/png', bytes: png }]);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'cat.png' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    const keys = (await listKeys(stack.admin, stack.bucket)).filter((k) => k.startsWith('uploads/dev-router/'));
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain('/image/');
    await page.close();
  });
});
