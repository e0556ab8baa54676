// The demo page (www/) in headless Chromium, against the emulator behind www/server.mjs.
//
//   node --test tests/www/
//
// Needs the built package in pkg/, Debian's /usr/bin/chromium and the playwright-core dev
// dependency. Screenshots go to test-results/demo-<name>.png (git-ignored).
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { pageHarness, screenshot as shoot } from './harness.mjs';

const ACTIVE = 'es-cn-n6w1o1x0w001c';
const ACTIVATING = 'es-cn-activating0001';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const TIMEOUT = 30_000;


describe('demo page (www/) in Chromium', { timeout: 120_000 }, () => {
  const h = pageHarness({ demoOptions: {}, timeout: TIMEOUT });
  const screenshot = (name) => shoot(h.page, `demo-${name}`);
  const { problems, requests } = h; // emptied in place before each test
  let demo;
  let page;
  before(() => ({ demo, page } = h));

  async function set(selector, value) {
    await page.fill(selector, value);
  }

  /**
   * Presses "Enable HTTPS" and waits for the outcome. A MutationObserver installed before the
   * click records every data-state the result panel goes through and the button's disabled
   * flag at each change, so the busy state is seen however fast the emulator answers (the
   * observer gets every change, with its old value, even if several happen in one task).
   */
  async function enable() {
    await page.evaluate(() => {
      const result = document.getElementById('result');
      const button = document.getElementById('enable');
      window.__seen = [];
      const observer = new MutationObserver((records) => {
        for (const r of records) {
          window.__seen.push({ target: r.target.id, old: r.oldValue, now: r.target.getAttribute(r.attributeName) });
        }
      });
      observer.observe(result, { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
      observer.observe(button, { attributes: true, attributeFilter: ['disabled'], attributeOldValue: true });
      window.__observer = observer;
    });
    await page.click('#enable');
    await page.waitForSelector('#result:is([data-state="success"], [data-state="error"], [data-state="warning"])', {
      timeout: TIMEOUT,
    });
    await page.waitForSelector('#enable:not([disabled])');
    const seen = await page.evaluate(() => {
      window.__observer.takeRecords();
      window.__observer.disconnect();
      return window.__seen;
    });
    // Each record's old value is what the previous change set, so the values set, in order,
    // are the old values from the second record on, then the final one.
    const records = seen.filter((s) => s.target === 'result');
    const final = await page.getAttribute('#result', 'data-state');
    const states = [...records.slice(1).map((s) => s.old), final];
    assert.equal(states[0], 'busy', `the result panel shows busy first (saw ${JSON.stringify(states)})`);
    assert.equal(states.length, 2, `busy, then the outcome (saw ${JSON.stringify(states)})`);
    const button = seen.filter((s) => s.target === 'enable');
    const disabled = [...button.slice(1).map((s) => s.old), await page.getAttribute('#enable', 'disabled')];
    assert.deepEqual(disabled, ['', null], 'the button is disabled during the call, then enabled again');
    return final;
  }

  const text = (selector) => page.textContent(selector).then((t) => t.trim());

  async function expectError({ code, message, status }) {
    assert.equal(await text('#result-code'), code);
    if (message !== undefined) assert.equal(await text('#result-message'), message);
    if (status !== undefined) assert.equal(await text('#result-http-status'), String(status));
  }

  test('loads with the emulator defaults, a fresh client token and nothing from elsewhere', { timeout: TIMEOUT }, async () => {
    assert.equal(await page.inputValue('#endpoint'), new URL(demo.url).origin);
    assert.equal(await page.isChecked('#target-endpoint'), true);
    assert.equal(await page.inputValue('#access-key-id'), 'testid');
    assert.equal(await page.inputValue('#access-key-secret'), 'testsecret');
    assert.equal(await page.getAttribute('#access-key-secret', 'type'), 'password');
    assert.equal(await page.inputValue('#security-token'), '');
    assert.equal(await page.inputValue('#instance-id'), ACTIVE);
    assert.equal(await page.inputValue('#signature-version'), 'v3');
    assert.match(await page.inputValue('#client-token'), UUID);
    assert.equal(await page.getAttribute('#result', 'data-state'), 'idle');
    assert.match(await text('#key-warning'), /Never paste a long-lived production AccessKey/);
    assert.equal(await page.isVisible('#key-warning'), true);
    assert.ok(await page.locator('#region option').count() >= 8, 'a select of common regions');

    const first = await page.inputValue('#client-token');
    await page.click('#new-token');
    const second = await page.inputValue('#client-token');
    assert.match(second, UUID);
    assert.notEqual(second, first, '"New token" makes a new one');

    const origin = new URL(demo.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith('data:'));
    assert.deepEqual(foreign, [], 'the page loads nothing from another origin');
  });

  test('the target switch shows either the endpoint or a region, with the region’s host', { timeout: TIMEOUT }, async () => {
    assert.equal(await page.isVisible('#endpoint'), true);
    assert.equal(await page.isVisible('#region'), false);
    await page.click('label[for="target-region"]');
    assert.equal(await page.isVisible('#endpoint'), false);
    assert.equal(await page.isVisible('#region'), true);
    await page.selectOption('#region', 'ap-southeast-1');
    assert.equal(await text('#region-host'), 'https://elasticsearch.ap-southeast-1.aliyuncs.com');
    assert.match(await text('#region-hint'), /same-origin\s+proxy/);
    assert.match(await text('#request-url'), /^https:\/\/elasticsearch\.ap-southeast-1\.aliyuncs\.com\/openapi\/instances\//);
    await page.click('label[for="target-endpoint"]');
    assert.equal(await page.isVisible('#endpoint'), true);
    assert.equal(await text('#request-url'), `${new URL(demo.url).origin}/openapi/instances/${ACTIVE}/actions/open-https`);
  });

  test('(a) enables HTTPS on the pre-filled active instance', { timeout: TIMEOUT }, async () => {
    const emu = demo.emulator;
    const sentToken = await page.inputValue('#client-token');
    const logBefore = emu.log.length;

    assert.equal(await enable(), 'success');
    assert.equal(await text('#result-title'), 'HTTPS enabled');
    assert.equal(await text('#result-result'), 'true');
    const requestId = await text('#result-request-id');
    assert.match(requestId, REQUEST_ID);
    assert.equal(await text('#result-client-token'), sentToken);
    assert.equal(emu.applied(ACTIVE), 1);

    const calls = emu.log.slice(logBefore);
    assert.equal(calls.length, 1, 'one call reached the emulator');
    assert.equal(calls[0].requestId, requestId, 'the RequestId shown is the emulator’s');
    assert.equal(calls[0].clientToken, sentToken);
    assert.equal(calls[0].signatureVersion, 'v3');
    assert.equal(calls[0].host, new URL(demo.url).host, 'the browser’s Host reached the emulator');

    const next = await page.inputValue('#client-token');
    assert.match(next, UUID);
    assert.notEqual(next, sentToken, 'after a success the next call gets a new client token');
    assert.match(await text('#history'), /HTTPS on/);
    await screenshot('success');
  });

  test('a second press after a success is a new call, not a replay', { timeout: TIMEOUT }, async () => {
    const id = `es-active-${randomUUID()}`;
    await set('#instance-id', id);
    assert.equal(await enable(), 'success');
    const firstId = await text('#result-request-id');
    assert.equal(await enable(), 'success');
    const secondId = await text('#result-request-id');
    assert.notEqual(secondId, firstId);
    assert.equal(demo.emulator.applied(id), 2, 'applied twice, each with its own token');
    const calls = demo.emulator.log.filter((c) => c.instanceId === id);
    assert.equal(calls.length, 2);
    assert.notEqual(calls[0].clientToken, calls[1].clientToken);
    assert.deepEqual(calls.map((c) => c.replayed), [false, false]);
  });

  test('(b) an unknown instance shows InstanceNotFound with the service’s fields', { timeout: TIMEOUT }, async () => {
    await set('#instance-id', 'es-cn-doesnotexist01');
    const sentToken = await page.inputValue('#client-token');
    assert.equal(await enable(), 'error');
    await expectError({ code: 'InstanceNotFound', message: 'The instanceId provided does not exist.', status: 400 });
    const requestId = await text('#result-request-id');
    assert.match(requestId, REQUEST_ID);
    assert.equal(demo.emulator.log.at(-1).requestId, requestId);
    const href = await page.getAttribute('#result-recommend', 'href');
    assert.match(href, /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=InstanceNotFound/);
    assert.equal(await page.getAttribute('#result-recommend', 'rel'), 'noopener noreferrer');
    assert.equal(await text('#result-retryable'), 'no');
    assert.equal(await text('#result-client-token'), sentToken);
    assert.equal(await page.inputValue('#client-token'), sentToken, 'after an error the token is kept for a retry');
    await screenshot('not-found');
  });

  test('(c) an activating instance shows InstanceActivating; a retry reuses the token', { timeout: TIMEOUT }, async () => {
    await set('#instance-id', ACTIVATING);
    const sentToken = await page.inputValue('#client-token');
    assert.equal(await enable(), 'error');
    await expectError({ code: 'InstanceActivating', message: 'Instance is activating.', status: 400 });
    const requestId = await text('#result-request-id');
    assert.match(requestId, REQUEST_ID);
    assert.match(await page.getAttribute('#result-recommend', 'href'), /q=InstanceActivating/);
    await screenshot('activating');

    // Pressing again is a retry: the page sends the same token (whether the service then
    // replays or re-evaluates an error is its business; a success is never applied twice).
    assert.equal(await enable(), 'error');
    await expectError({ code: 'InstanceActivating' });
    const calls = demo.emulator.log.filter((c) => c.instanceId === ACTIVATING);
    assert.deepEqual(calls.map((c) => c.clientToken), [sentToken, sentToken], 'the retry carried the same token');
    assert.equal(await text('#result-client-token'), sentToken);

    // Another instance is another operation: it gets a new token.
    await set('#instance-id', `es-active-${randomUUID()}`);
    assert.equal(await enable(), 'success');
    assert.notEqual(await text('#result-client-token'), sentToken);
  });

  test('(d) an invalid instance id is refused before anything is sent', { timeout: TIMEOUT }, async () => {
    const logBefore = demo.emulator.log.length;
    await set('#instance-id', 'bad/id');
    assert.equal(await enable(), 'error');
    await expectError({ code: 'InvalidInstanceId' });
    assert.match(await text('#result-message'), /\S/);
    assert.equal(await text('#result-field'), 'instanceId');
    assert.equal(await page.locator('#result-http-status').count(), 0, 'no HTTP status: nothing was sent');
    assert.equal(await page.locator('#result-recommend').count(), 0);
    assert.equal(demo.emulator.log.length, logBefore, 'nothing reached the emulator');
    assert.ok(!requests.some((u) => u.includes('/openapi/')), 'the browser sent no API request');
  });

  test('(e) V1 is refused in a browser with UnsupportedRuntime', { timeout: TIMEOUT }, async () => {
    const logBefore = demo.emulator.log.length;
    await page.selectOption('#signature-version', 'v1');
    assert.equal(await enable(), 'error');
    await expectError({ code: 'UnsupportedRuntime' });
    const message = await text('#result-message');
    assert.match(message, /signatureVersion "v1" signs the Date header/);
    assert.match(message, /use "v3"/);
    assert.equal(await text('#result-field'), 'signatureVersion');
    assert.equal(demo.emulator.log.length, logBefore, 'nothing reached the emulator');
  });

  test('STS credentials (key, secret and security token) enable HTTPS', { timeout: TIMEOUT }, async () => {
    const id = `es-active-${randomUUID()}`;
    await set('#access-key-id', 'STS.testid');
    await set('#access-key-secret', 'stssecret');
    await set('#security-token', 'ststoken');
    await set('#instance-id', id);
    assert.equal(await enable(), 'success');
    assert.equal(demo.emulator.applied(id), 1);
    assert.equal(demo.emulator.log.at(-1).accessKeyId, 'STS.testid');
  });

  test('a bad configuration (empty secret) is shown like any error', { timeout: TIMEOUT }, async () => {
    const logBefore = demo.emulator.log.length;
    await set('#access-key-secret', '');
    assert.equal(await enable(), 'error');
    assert.match(await text('#result-code'), /^(MissingCredentials|InvalidCredentials)$/);
    assert.match(await text('#result-field'), /credentials|accessKeySecret/);
    assert.equal(demo.emulator.log.length, logBefore);
  });

  test('the busy state is visible while the call runs', { timeout: TIMEOUT }, async () => {
    // Hold the API answer until the page has been seen busy.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/openapi/**', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await set('#instance-id', `es-active-${randomUUID()}`);
      await page.click('#enable');
      await page.waitForSelector('#result[data-state="busy"]', { timeout: TIMEOUT });
      assert.equal(await page.isDisabled('#enable'), true);
      assert.equal(await text('#enable-label'), 'Enabling…');
      assert.equal(await page.isVisible('#enable .spinner'), true);
      assert.equal(await page.isDisabled('#instance-id'), true, 'the form is locked during the call');
      release();
      await page.waitForSelector('#result[data-state="success"]', { timeout: TIMEOUT });
      assert.equal(await page.isDisabled('#enable'), false);
      assert.equal(await text('#enable-label'), 'Enable HTTPS');
    } finally {
      release();
      await page.unroute('**/openapi/**');
    }
  });
});
