// The demo page's instance list (www/, the "Instances" card) in headless Chromium, against the
// emulator behind www/server.mjs: ListInstance into a table with badges, and per row Enable
// HTTPS (ensureHttps) with live progress, errors and Cancel.
//
//   node --test tests/www/
//
// Needs the built package in pkg/, Debian's /usr/bin/chromium and the playwright-core dev
// dependency. Screenshots go to test-results/admin-<name>.png (git-ignored). The emulator is
// this file's own (startDemo), so the default catalogue starts fresh; activations take
// ACTIVATION_MS. Every wait is bounded.
import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, watchProblems } from '../chromium.mjs';
import { startDemo } from '../../www/server.mjs';
import { DEFAULT_CATALOGUE } from '../../emulator/emulator.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = 'test-results';
const ACTIVATION_MS = 2500;
const TIMEOUT = 10_000;
const REQUEST_ID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

const HTTP_ID = 'es-cn-prodsearch0001'; // active, HTTP
const CANCEL_ID = 'es-cn-staging000001'; // active, HTTP
const HTTPS_ID = 'es-cn-prodlogs00001'; // active, HTTPS
const NO_CLIENT_ID = 'es-cn-devsandbox001'; // active, HTTP, no client node
const INACTIVE_ID = 'es-cn-archive000001';
const INVALID_ID = 'es-cn-legacy0000001';
const SEEDED_ACTIVE = 'es-cn-n6w1o1x0w001c';
const SEEDED_ACTIVATING = 'es-cn-activating0001';

let demo;
let browser;
let page;
let problems = [];
let requests = [];

const row = (id) => `tr[data-instance-id="${id}"]`;

describe('admin page: the instance list in Chromium', { timeout: 60_000 }, () => {
  before(async () => {
    mkdirSync(`${ROOT}${SHOTS}`, { recursive: true });
    demo = await startDemo({ activationMs: ACTIVATION_MS });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watchProblems(page, (p) => problems.push(p), demo.url);
    page.on('request', (req) => requests.push(req.url()));
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  beforeEach(async () => {
    problems = [];
    requests = [];
    await page.goto(demo.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
  });

  afterEach(() => {
    assert.deepEqual(problems, [], 'no page errors or console errors');
  });

  async function screenshot(name) {
    const path = `${SHOTS}/admin-${name}.png`;
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${ROOT}${path}`, fullPage: true });
    console.log(`screenshot: ${path}`);
  }

  /** The emulator's view of an instance, asked over HTTP through the demo server. */
  async function emulatorView(id) {
    const res = await fetch(new URL(`/__emulator/instances/${id}`, demo.url));
    assert.equal(res.status, 200);
    return res.json();
  }

  async function load() {
    await page.click('#refresh-instances');
    await page.waitForSelector('#instances[data-state="loaded"]', { timeout: TIMEOUT });
  }

  const text = (selector) => page.textContent(selector).then((t) => t.trim());

  /** The table as the user sees it, one object per row. */
  function readRows() {
    return page.$$eval('#instance-rows tr[data-instance-id]', (trs) =>
      trs.map((tr) => {
        const status = tr.querySelector('[data-kind="status"]');
        const protocol = tr.querySelector('[data-kind="protocol"]');
        const enable = tr.querySelector('[data-action="enable"]');
        return {
          id: tr.querySelector('th[scope="row"]').textContent.trim(),
          description: tr.children[1].textContent.trim(),
          status: status.textContent.trim(),
          statusTone: status.dataset.tone,
          protocol: protocol.textContent.trim(),
          protocolTone: protocol.dataset.tone,
          version: tr.children[4].textContent.trim(),
          enable: enable.hidden ? 'hidden' : enable.disabled ? 'disabled' : 'enabled',
        };
      }),
    );
  }

  /** Records every data-phase / data-status / data-op value a row takes, from now on. */
  async function watchRow(id) {
    await page.evaluate((selector) => {
      const tr = document.querySelector(selector);
      const names = ['data-phase', 'data-status', 'data-op', 'data-protocol'];
      // The values now come first: an attribute set again to the same value is a record too.
      window.__rowLog = names.map((name) => [name, tr.getAttribute(name)]);
      const observer = new MutationObserver((records) => {
        for (const r of records) window.__rowLog.push([r.attributeName, r.target.getAttribute(r.attributeName)]);
      });
      observer.observe(tr, { attributes: true, attributeFilter: names });
      window.__rowObserver = observer;
    }, row(id));
  }

  async function rowLog() {
    const log = await page.evaluate(() => {
      window.__rowLog.push(...window.__rowObserver.takeRecords().map((r) => [r.attributeName, r.target.getAttribute(r.attributeName)]));
      window.__rowObserver.disconnect();
      return window.__rowLog;
    });
    /** The successive distinct values one attribute took after the start (the start excluded). */
    const values = (name) =>
      log
        .filter(([n]) => n === name)
        .map(([, v]) => v)
        .filter((v, i, all) => i === 0 || v !== all[i - 1])
        .slice(1);
    return values;
  }

  test('nothing is sent before Load; the list shows the catalogue with status and protocol badges', async () => {
    assert.equal(await text('#instance-rows'), 'Not loaded yet.');
    assert.equal(await text('#refresh-label'), 'Load instances');
    assert.ok(!requests.some((u) => u.includes('/openapi/')), 'no API request before the user asks');

    await load();
    assert.equal(await text('#refresh-label'), 'Refresh');
    assert.equal(await page.getAttribute('#instance-table', 'aria-busy'), 'false');
    const headers = await page.$$eval('#instance-table thead th[scope="col"]', (ths) => ths.map((th) => th.textContent.trim()));
    assert.deepEqual(headers, ['Instance ID', 'Description', 'Status', 'Protocol', 'Version', 'HTTPS']);

    const rows = await readRows();
    // The emulator's own list (its admin endpoint, not ListInstance) is what the table shows.
    const views = await (await fetch(new URL('/__emulator/instances', demo.url))).json();
    assert.deepEqual(
      rows.map((r) => [r.id, r.description, r.status, r.protocol, r.version]),
      views.map((v) => [v.instanceId, v.description, v.status, v.protocol, v.esVersion]),
    );
    assert.deepEqual(
      rows.map((r) => r.id),
      [SEEDED_ACTIVE, SEEDED_ACTIVATING, ...DEFAULT_CATALOGUE.map((r) => r.id)],
      'the seeded ids, then the default catalogue',
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    const expect = {
      [HTTPS_ID]: ['active', 'ok', 'HTTPS', 'ok', 'hidden'],
      [HTTP_ID]: ['active', 'ok', 'HTTP', 'warn', 'enabled'],
      [CANCEL_ID]: ['active', 'ok', 'HTTP', 'warn', 'enabled'],
      [NO_CLIENT_ID]: ['active', 'ok', 'HTTP', 'warn', 'enabled'],
      [INACTIVE_ID]: ['inactive', 'muted', 'HTTP', 'warn', 'enabled'],
      [INVALID_ID]: ['invalid', 'err', 'HTTP', 'warn', 'enabled'],
      [SEEDED_ACTIVATING]: ['activating', 'info', 'HTTP', 'warn', 'enabled'],
    };
    for (const [id, [status, statusTone, protocol, protocolTone, enable]] of Object.entries(expect)) {
      assert.deepEqual(
        [byId[id].status, byId[id].statusTone, byId[id].protocol, byId[id].protocolTone, byId[id].enable],
        [status, statusTone, protocol, protocolTone, enable],
        id,
      );
    }
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="op-note"]`), 'Nothing to do');
    assert.match(await text('#instances-summary'), /^8 instances at http:\/\/127\.0\.0\.1:\d+ · 7 without HTTPS · loaded at /);
    assert.equal(demo.emulator.counts().ListInstance, 1, 'one ListInstance call (a page of up to 100)');
    await screenshot('before');
  });

  test('the list shows a loading state, and a listing error with its code', async () => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/openapi/instances?*', async (route) => {
      await held;
      await route.continue();
    });
    try {
      await page.click('#refresh-instances');
      await page.waitForSelector('#instances[data-state="loading"]', { timeout: TIMEOUT });
      assert.equal(await page.isDisabled('#refresh-instances'), true);
      assert.equal(await text('#refresh-label'), 'Loading…');
      assert.equal(await page.getAttribute('#instance-table', 'aria-busy'), 'true');
      assert.equal(await text('#instance-rows'), 'Loading instances…');
      assert.equal(await page.isVisible('#instance-rows .spinner'), true);
      release();
      await page.waitForSelector('#instances[data-state="loaded"]', { timeout: TIMEOUT });
      assert.equal(await page.isDisabled('#refresh-instances'), false);
    } finally {
      release();
      await page.unroute('**/openapi/instances?*');
    }

    // A wrong secret: the same list is kept (same target and key), the error shown above it.
    await page.fill('#access-key-secret', 'wrong-secret');
    await page.click('#refresh-instances');
    await page.waitForSelector('#instances-error:not([hidden])', { timeout: TIMEOUT });
    assert.equal(await text('#instances-error-code'), 'SignatureDoesNotMatch');
    assert.match(await text('#instances-error-meta'), /HTTP 400 · RequestId [0-9A-F-]{36}/);
    assert.equal(await page.locator('#instance-rows tr[data-instance-id]').count(), 8);
    // Another key: that account's list is unknown, so the rows go.
    await page.fill('#access-key-id', 'nobody');
    await page.click('#refresh-instances');
    await page.waitForFunction(() => document.getElementById('instances-error-code').textContent === 'InvalidAccessKeyId.NotFound', null, { timeout: TIMEOUT });
    assert.equal(await page.locator('#instance-rows tr[data-instance-id]').count(), 0);
    assert.match(await text('#instances-summary'), /^Could not list the instances at /);
  });

  test('Enable HTTPS on an HTTP instance: live progress, then HTTPS; one OpenHttps applied', async () => {
    await load();
    assert.equal((await emulatorView(HTTP_ID)).applied, 0);
    await watchRow(HTTP_ID);
    const started = Date.now();
    await page.click(`${row(HTTP_ID)} [data-action="enable"]`);

    await page.waitForSelector(`${row(HTTP_ID)}[data-op="running"]`, { timeout: TIMEOUT });
    assert.equal(await page.isDisabled(`${row(HTTP_ID)} [data-action="enable"]`), true, 'Enable is disabled while running');
    assert.equal(await page.isVisible(`${row(HTTP_ID)} [data-action="cancel"]`), true, 'Cancel is offered while running');
    assert.equal(await page.getAttribute(`${row(HTTP_ID)} [data-testid="op-phase"]`, 'aria-live'), 'polite');

    // The emulator keeps the instance activating for ACTIVATION_MS after OpenHttps.
    await page.waitForSelector(`${row(HTTP_ID)}[data-phase="activating"][data-status="activating"]`, { timeout: TIMEOUT });
    assert.equal(await text(`${row(HTTP_ID)} [data-testid="op-phase"]`), 'Activating HTTPS…');
    assert.equal(await text(`${row(HTTP_ID)} [data-testid="instance-status"]`), 'activating');
    assert.equal(await text(`${row(HTTP_ID)} [data-testid="instance-protocol"]`), 'HTTP');
    assert.equal(await page.getAttribute(`${row(HTTP_ID)} [role="progressbar"]`, 'aria-valuenow'), '3');
    const elapsed1 = await text(`${row(HTTP_ID)} [data-testid="op-elapsed"]`);
    assert.match(elapsed1, /^\d+\.\d s$/);
    await screenshot('during');
    await page.waitForFunction(
      ([selector, before]) => document.querySelector(selector).textContent !== before,
      [`${row(HTTP_ID)} [data-testid="op-elapsed"]`, elapsed1],
      { timeout: TIMEOUT },
    );
    assert.ok(parseFloat(await text(`${row(HTTP_ID)} [data-testid="op-elapsed"]`)) > parseFloat(elapsed1), 'the elapsed time runs');

    await page.waitForSelector(`${row(HTTP_ID)}[data-op="done"][data-protocol="HTTPS"]`, { timeout: TIMEOUT });
    const took = Date.now() - started;
    assert.ok(took >= ACTIVATION_MS - 100, `done after the activation (${took} ms)`);
    assert.equal(await text(`${row(HTTP_ID)} [data-testid="instance-status"]`), 'active');
    assert.equal(await text(`${row(HTTP_ID)} [data-testid="instance-protocol"]`), 'HTTPS');
    assert.equal(await page.getAttribute(`${row(HTTP_ID)} [data-testid="instance-protocol"]`, 'data-tone'), 'ok');
    assert.equal(await page.isHidden(`${row(HTTP_ID)} [data-action="enable"]`), true, 'no Enable on an HTTPS row');
    assert.equal(await page.isHidden(`${row(HTTP_ID)} [data-action="cancel"]`), true);
    assert.match(await text(`${row(HTTP_ID)} [data-testid="op-success"]`), /^HTTPS enabled in \d+\.\d s$/);
    assert.match(await text('#instances-summary'), / · 6 without HTTPS · /, 'the summary follows the rows');

    const values = await rowLog();
    const phases = values('data-phase');
    assert.equal(phases[0], 'checking', `phases ${JSON.stringify(phases)}`);
    assert.ok(phases.indexOf('opening') > 0, `opening after checking: ${JSON.stringify(phases)}`);
    assert.ok(phases.indexOf('activating') > phases.indexOf('opening'), `activating after opening: ${JSON.stringify(phases)}`);
    assert.equal(phases.at(-1), 'done', `phases ${JSON.stringify(phases)}`);
    assert.ok(values('data-status').includes('activating'), `status activating seen: ${JSON.stringify(values('data-status'))}`);
    assert.deepEqual(values('data-protocol'), ['HTTPS'], 'the protocol changed once, to HTTPS');

    // The emulator applied exactly one OpenHttps, and it is HTTPS there too.
    const view = await emulatorView(HTTP_ID);
    assert.equal(view.applied, 1);
    assert.equal(view.requests.OpenHttps, 1);
    assert.equal(view.protocol, 'HTTPS');
    assert.equal(view.status, 'active');
    const opened = demo.emulator.log.filter((e) => e.instanceId === HTTP_ID && e.action === 'OpenHttps');
    assert.equal(opened.length, 1);
    assert.equal(opened[0].status, 200);
    assert.match(await text(`${row(HTTP_ID)} .op-meta`), new RegExp(`RequestId ${opened[0].requestId}$`));
    await screenshot('after');

    // Refresh: the service now says HTTPS too.
    await load();
    const rows = await readRows();
    assert.deepEqual(
      (({ status, protocol, enable }) => ({ status, protocol, enable }))(rows.find((r) => r.id === HTTP_ID)),
      { status: 'active', protocol: 'HTTPS', enable: 'hidden' },
    );
  });

  test('errors are shown in the row: HttpsNeedClientNode, InstanceNotActive', async () => {
    await load();
    await page.click(`${row(NO_CLIENT_ID)} [data-action="enable"]`);
    await page.click(`${row(INACTIVE_ID)} [data-action="enable"]`);
    await page.click(`${row(INVALID_ID)} [data-action="enable"]`);
    for (const id of [NO_CLIENT_ID, INACTIVE_ID, INVALID_ID]) {
      await page.waitForSelector(`${row(id)}[data-op="error"]`, { timeout: TIMEOUT });
    }

    assert.equal(await text(`${row(NO_CLIENT_ID)} [data-testid="op-error-code"]`), 'HttpsNeedClientNode');
    assert.equal(
      await text(`${row(NO_CLIENT_ID)} [data-testid="op-error-message"]`),
      'HTTPS can be enabled only for an instance with client nodes. Purchase client nodes for the instance first.',
    );
    const refused = demo.emulator.log.filter((e) => e.instanceId === NO_CLIENT_ID && e.action === 'OpenHttps');
    assert.equal(refused.length, 1);
    assert.equal(refused[0].code, 'HttpsNeedClientNode');
    assert.match(refused[0].requestId, REQUEST_ID);
    assert.equal(await text(`${row(NO_CLIENT_ID)} .op-meta`), `HTTP 400 · RequestId ${refused[0].requestId}`);
    assert.equal((await emulatorView(NO_CLIENT_ID)).applied, 0);

    // Inactive and invalid: refused by the library after DescribeInstance, no OpenHttps sent.
    for (const [id, status] of [[INACTIVE_ID, 'inactive'], [INVALID_ID, 'invalid']]) {
      assert.equal(await text(`${row(id)} [data-testid="op-error-code"]`), 'InstanceNotActive', id);
      assert.match(await text(`${row(id)} [data-testid="op-error-message"]`), new RegExp(`\\b${status}\\b`), id);
      const view = await emulatorView(id);
      assert.equal(view.requests.OpenHttps, 0, `${id}: no OpenHttps`);
      assert.equal(view.applied, 0);
    }
    for (const id of [NO_CLIENT_ID, INACTIVE_ID, INVALID_ID]) {
      assert.equal(await page.isEnabled(`${row(id)} [data-action="enable"]`), true, `${id}: Enable usable again`);
      assert.equal(await page.isHidden(`${row(id)} [data-action="cancel"]`), true);
      assert.equal(await page.getAttribute(`${row(id)} [data-testid="op-outcome"]`, 'aria-live'), 'polite');
    }
    await page.locator(row(NO_CLIENT_ID)).scrollIntoViewIfNeeded();
    await screenshot('errors');
  });

  test('Cancel stops following an activation; enabling again reuses the client token', async () => {
    await load();
    await page.click(`${row(CANCEL_ID)} [data-action="enable"]`);
    await page.waitForSelector(`${row(CANCEL_ID)}[data-phase="activating"]`, { timeout: TIMEOUT });
    await page.click(`${row(CANCEL_ID)} [data-action="cancel"]`);
    await page.waitForSelector(`${row(CANCEL_ID)}[data-op="cancelled"]`, { timeout: TIMEOUT });
    assert.match(await text(`${row(CANCEL_ID)} [data-testid="op-cancelled"]`), /OpenHttps had been accepted/);
    assert.equal(await page.isEnabled(`${row(CANCEL_ID)} [data-action="enable"]`), true);
    assert.equal(await page.isHidden(`${row(CANCEL_ID)} [data-action="cancel"]`), true);
    assert.equal(await page.isHidden(`${row(CANCEL_ID)} [data-testid="op-progress"]`), true);
    // After the cancel the row asks once more and shows the instance as it is: activating.
    await page.waitForSelector(`${row(CANCEL_ID)}[data-status="activating"]`, { timeout: TIMEOUT });
    await screenshot('cancelled');

    // Enabling again: the instance is still activating from the first OpenHttps, so the
    // library waits for it and sends none (or, if sent, the same token replays).
    await page.click(`${row(CANCEL_ID)} [data-action="enable"]`);
    await page.waitForSelector(`${row(CANCEL_ID)}[data-op="done"][data-protocol="HTTPS"]`, { timeout: TIMEOUT });
    const opened = demo.emulator.log.filter((e) => e.instanceId === CANCEL_ID && e.action === 'OpenHttps');
    assert.equal(new Set(opened.map((e) => e.clientToken)).size, 1, 'one client token for both presses');
    assert.equal((await emulatorView(CANCEL_ID)).applied, 1, 'applied once');
  });
});
