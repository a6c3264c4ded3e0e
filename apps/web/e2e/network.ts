import type { Page } from 'playwright-core';

/**
 * Emulates a link in Chromium (CDP): a cap on upload speed and a small latency, so progress is
 * observable rather than instant on loopback. Returns a setter to go offline and back.
 */
export async function throttle(page: Page, uploadBytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const apply = (offline: boolean) =>
    cdp.send('Network.emulateNetworkConditions', { offline, latency: 5, downloadThroughput: -1, uploadThroughput: uploadBytesPerSecond });
  await apply(false);
  return { setOffline: apply };
}
