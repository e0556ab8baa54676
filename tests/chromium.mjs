// Debian's Chromium for the browser tests, through playwright-core (a test tool's own browser
// download cannot work here). The flags keep it off the network it would otherwise keep
// trying (updates, sync, QUIC); tests/webdriver.json holds the same for wasm-bindgen-test.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Launches headless Chromium from /usr/bin/chromium. */
export function launchChromium() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Reports a page's uncaught errors and console errors through `report`. With `pageUrl`,
 * Chromium's "Failed to load resource … status of 4xx" for the API's own answers
 * (/openapi/instances…) is allowed: the service's documented errors are such answers, and the
 * page handles them. Anything else is a problem.
 */
export function watchProblems(page, report, pageUrl) {
  page.on('pageerror', (err) => report(`pageerror: ${err.stack ?? err}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    if (pageUrl) {
      const path = new URL(url, pageUrl).pathname;
      const isApi = path === '/openapi/instances' || path.startsWith('/openapi/instances/');
      if (isApi && /^Failed to load resource: the server responded with a status of 4\d\d/.test(msg.text())) return;
    }
    report(`console.error: ${msg.text()} (${url})`);
  });
}
