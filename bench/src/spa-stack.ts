import { launchChromium } from '@app/test-utils';
import type { Browser } from 'playwright-core';
import type { BenchS3 } from './local-s3';
import { startServerChild, type ServerChild } from './server-handle';
import type { ServerChildConfig } from './server-protocol';
import { uppyOrigin } from './uppy';

export interface SpaStack {
  server: ServerChild;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * The product as it runs in production (apps/web/e2e/stack.ts): one server child serving the
 * built SPA and the API, the bench bucket's CORS rule for that origin, Debian's headless Chromium.
 */
export async function startSpaStack(config: ServerChildConfig, s3: BenchS3): Promise<SpaStack> {
  if (!config.webDistDir) throw new Error('the SPA stack needs the built SPA (webDistDir)');
  const server = await startServerChild(config);
  try {
    await s3.allowOrigins([server.origin]);
    await s3.allowPeer(uppyOrigin(server.origin));
    const browser = await launchChromium();
    return {
      server,
      browser,
      async close() {
        await browser.close().catch(() => undefined);
        await server.close();
      },
    };
  } catch (error) {
    await server.close();
    throw error;
  }
}
