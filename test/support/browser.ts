import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless. Playwright's own browser download cannot run here, and without the
 * background-networking flags Chromium keeps dialling Google's hosts on a machine with no network.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
