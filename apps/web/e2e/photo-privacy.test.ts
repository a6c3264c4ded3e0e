import { uploadRoutes } from '@app/api';
import { getBytes, listKeys, makeExifJpeg, PHOTO_TAGS } from '@app/test-utils';
import exifr from 'exifr';
import jpeg from 'jpeg-js';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, transferOf } from './spa-helpers';
import { startStack } from './stack';

// The photo route's own numbers, from the route table the server runs.
const PHOTO = uploadRoutes.photo.config.image!;

async function dropFile(page: Page, name: string, type: string, bytes: Buffer) {
  const dataTransfer = await transferOf(page, [{ name, type, bytes }]);
  await page.getByTestId('drop-zone').dispatchEvent('drop', { dataTransfer });
}

describe('photo privacy, end to end', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it('a JPEG with GPS and camera tags dropped on the photo route is stored without them, no larger than maxEdge', async () => {
    const page = await stack.browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page, stack.origin, 'Ansel');
    const picker = page.getByRole('group', { name: 'Upload as' });
    await picker.getByRole('radio', { name: 'Photos' }).check();
    // The person is told before picking a file.
    expect(await picker.textContent()).toMatch(/Location and camera \w+ are removed/);

    const photo = makeExifJpeg({ width: PHOTO.maxEdge + 500, height: PHOTO.maxEdge, orientation: 6 });
    expect((await exifr.gps(photo)).latitude).toBeCloseTo(PHOTO_TAGS.latitude, 2);
    await dropFile(page, 'holiday.jpg', 'image/jpeg', photo);
    const row = page.getByRole('list', { name: 'Uploads' }).getByRole('listitem', { name: 'holiday.jpg' });
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');

    const keys = (await listKeys(stack.admin, stack.bucket, 'uploads/')).filter((k) => k.includes('/photo/'));
    expect(keys).toHaveLength(1);
    const stored = await getBytes(stack.admin, stack.bucket, keys[0]!);
    const tags = (await exifr.parse(stored, true)) ?? {};
    for (const tag of ['Make', 'Model', 'GPSLatitude', 'GPSLongitude', 'latitude', 'longitude']) expect(tags, tag).not.toHaveProperty(tag);
    expect(await exifr.gps(stored)).toBeUndefined();
    const image = jpeg.decode(stored);
    expect(Math.max(image.width, image.height)).toBeLessThanOrEqual(PHOTO.maxEdge);
    // Orientation 6: the stored landscape is a portrait photo, and stays one once the tag is gone.
    expect(image.height).toBeGreaterThan(image.width);
  });
});
