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
