import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from './env';

const EXECUTABLE = chromiumPath();

/**
 * Debian's Chromium, headless, with the flags this sandbox needs. Never downloads a browser.
 * `wrapper` is a script that runs the Chromium it is given (e.g. inside a network namespace).
 */
export async function launchChromium(options: { wrapper?: string } = {}): Promise<Browser> {
  if (!existsSync(EXECUTABLE)) {
    throw new Error(`${EXECUTABLE} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({
    executablePath: options.wrapper ?? EXECUTABLE,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
