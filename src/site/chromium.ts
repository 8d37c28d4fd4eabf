// Debian's chromium, headless, as the browser tests and the screenshot script
// drive it. No browser can be downloaded here; the flags keep Chromium from
// reaching for Google's services, which this network refuses.
import { chromium, type Browser } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
