import { DEFAULT_ALLOWED_TYPES, defaultUploadPolicy } from '@app/api';
import { makePng } from '@app/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from './stack';

/**
 * Download links in a real browser: an SVG (here one that passed the allowlist) is downloaded,
 * never rendered in the store's origin; an image opens inline.
 */
describe('download links in Chromium', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  let token: string;
  const call = async (path: string, input: unknown) => {
    const res = await fetch(`${stack.origin}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: any }; error?: { message: string } };
    expect(res.status, body.error?.message).toBe(200);
    return body.result!.data;
  };
  const upload = async (fileName: string, contentType: string, bytes: Buffer) => {
    const target = await call('upload.requestUrl', { fileName, contentType, size: bytes.length });
    expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: new Uint8Array(bytes) })).status).toBe(200);
    return (await call('upload.complete', { key: target.key })).url as string;
  };

  beforeAll(async () => {
    stack = await startStack({ policy: { ...defaultUploadPolicy, allowedTypes: [...DEFAULT_ALLOWED_TYPES, 'image/svg+xml'] } });
    const res = await fetch(`${stack.origin}/trpc/auth.devSignIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Grace"}' });
    token = ((await res.json()) as { result: { data: { token: string } } }).result.data.token;
  });
  afterAll(() => stack?.close());

  it('downloads an SVG as an attachment, and opens a PNG inline', async () => {
    const svg = await upload('drawing.svg', 'image/svg+xml', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>'));
    const png = await upload('cat.png', 'image/png', makePng(8, 8));
    const page = await stack.browser.newPage();
    try {
      const [download] = await Promise.all([page.waitForEvent('download'), page.goto(svg).catch(() => null)]);
      expect(download.suggestedFilename()).toBe('drawing.svg');
      expect(page.url()).not.toBe(svg);
      const shown = await page.goto(png);
      expect(shown?.status()).toBe(200);
      expect(await shown?.headerValue('content-type')).toBe('image/png');
      expect(await page.locator('img').count()).toBe(1);
    } finally {
      await page.close();
    }
  });
});
