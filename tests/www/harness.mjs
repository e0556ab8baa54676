// The set-up the page tests share: the demo server with its own emulator, one Chromium page
// opened fresh on it before each test, and every page error, console error and request of
// the test collected (a test fails after the fact if the page reported a problem).
import { before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, watchProblems } from '../chromium.mjs';
import { startDemo } from '../../www/server.mjs';

/** The repository root, and where screenshots go under it (git-ignored). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHOTS = 'test-results';

/**
 * Registers the hooks in the calling `describe`. `demoOptions` go to startDemo; `ready`
 * waits for the page's ready marker. Returns the live state: `demo`, `browser` and `page`
 * once `before` ran; `problems` and `requests`, emptied before each test.
 */
export function pageHarness({ demoOptions, timeout }) {
  const state = { demo: null, browser: null, page: null, problems: [], requests: [] };
  before(async () => {
    mkdirSync(`${ROOT}${SHOTS}`, { recursive: true });
    state.demo = await startDemo(demoOptions);
    state.browser = await launchChromium();
    const context = await state.browser.newContext({ viewport: { width: 1280, height: 900 } });
    state.page = await context.newPage();
    watchProblems(state.page, (p) => state.problems.push(p), state.demo.url);
    state.page.on('request', (req) => state.requests.push(req.url()));
  });
  after(async () => {
    await state.browser?.close();
    await state.demo?.close();
  });
  beforeEach(async () => {
    state.problems.length = 0;
    state.requests.length = 0;
    await state.page.goto(state.demo.url);
    await state.page.waitForSelector('body[data-ready="true"]', { timeout });
  });
  afterEach(() => {
    assert.deepEqual(state.problems, [], 'no page errors or console errors');
  });
  return state;
}

/**
 * A screenshot of the whole page from its top (a click scrolled the button into view; from
 * the top, the sticky panels sit where a user sees them), as test-results/<name>.png.
 */
export async function screenshot(page, name) {
  const path = `${SHOTS}/${name}.png`;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${ROOT}${path}`, fullPage: true });
  console.log(`screenshot: ${path}`);
}
