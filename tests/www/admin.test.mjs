// The demo page's instance list (www/, the "Instances" card) in headless Chromium, against the
// emulator behind www/server.mjs: ListInstance into a table with badges, per row Enable HTTPS
// (ensureHttps) with live progress, errors and Cancel, and per HTTPS row Disable HTTPS
// (CloseHttps, then DescribeInstance until HTTP) the same way.
//
//   node --test tests/www/
//
// Needs the built package in pkg/, Debian's /usr/bin/chromium and the playwright-core dev
// dependency. Screenshots go to test-results/admin-<name>.png (git-ignored). The emulator is
// this file's own (startDemo), so the default catalogue starts fresh; activations take
// ACTIVATION_MS. Every wait is bounded.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { watchProblems } from '../chromium.mjs';
import { pageHarness, screenshot as shoot } from './harness.mjs';
import { DEFAULT_CATALOGUE } from '../../emulator/emulator.mjs';

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
// Added through the emulator's control endpoint by the Disable HTTPS tests (after the others,
// which see only the catalogue).
const RETRY_ID = 'es-cn-disableretry01'; // active, HTTPS
const STUCK_ID = 'es-cn-disablestuck01'; // active, HTTPS, a change never finishes
const TIMEOUT_ID = 'es-cn-disabletimeout1'; // the same, for the wait's time limit
/** www/app.js's POLL_INTERVAL_MS and WAIT_TIMEOUT_MS. */
const POLL_INTERVAL_MS = 500;
const WAIT_TIMEOUT_MS = 15 * 60 * 1000;

const row = (id) => `tr[data-instance-id="${id}"]`;

describe('admin page: the instance list in Chromium', { timeout: 120_000 }, () => {
  const h = pageHarness({ demoOptions: { activationMs: ACTIVATION_MS }, timeout: TIMEOUT });
  const screenshot = (name) => shoot(h.page, `admin-${name}`);
  const { problems, requests } = h; // emptied in place before each test
  let demo;
  let browser;
  let page;
  before(() => ({ demo, browser, page } = h));

  /** The emulator's view of an instance, asked over HTTP through the demo server. */
  async function emulatorView(id) {
    const res = await fetch(new URL(`/__emulator/instances/${id}`, demo.url));
    assert.equal(res.status, 200);
    return res.json();
  }

  /** Adds lifecycle instances to the emulator (its control endpoint), as ListInstance lists them. */
  async function seed(records) {
    const res = await fetch(new URL('/__emulator/instances', demo.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(records),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
  }

  /** Changes an instance at the emulator (its control endpoint): status, stuck… */
  async function patchInstance(id, patch) {
    const res = await fetch(new URL(`/__emulator/instances/${id}`, demo.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    });
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  }

  /** The emulator's log entries for one instance and action. */
  const logOf = (id, action) => demo.emulator.log.filter((e) => e.instanceId === id && e.action === action);

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
        const disable = tr.querySelector('[data-action="disable"]');
        return {
          id: tr.querySelector('th[scope="row"]').textContent.trim(),
          description: tr.children[1].textContent.trim(),
          status: status.textContent.trim(),
          statusTone: status.dataset.tone,
          protocol: protocol.textContent.trim(),
          protocolTone: protocol.dataset.tone,
          version: tr.children[4].textContent.trim(),
          enable: enable.hidden ? 'hidden' : enable.disabled ? 'disabled' : 'enabled',
          disable: disable.hidden ? 'hidden' : disable.disabled ? 'disabled' : 'enabled',
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
    // An active HTTPS row offers Disable HTTPS instead of "Nothing to do" (tested further down).
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="op-note"]`), '');
    assert.equal(await page.isVisible(`${row(HTTPS_ID)} [data-action="disable"]`), true);
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

  test('Disable HTTPS on an HTTPS instance: live progress, then HTTP and Enable offered again; one CloseHttps applied', async () => {
    await load();
    const before = await readRows();
    const byId = Object.fromEntries(before.map((r) => [r.id, r]));
    assert.equal(byId[HTTPS_ID].disable, 'enabled', 'Disable is offered on an active HTTPS row');
    // Every HTTP row (and the activating one) has no Disable; only active HTTPS rows have it.
    for (const r of before) {
      const expected = r.protocol === 'HTTPS' && r.status === 'active' ? 'enabled' : 'hidden';
      assert.equal(r.disable, expected, `${r.id} (${r.status}, ${r.protocol}): Disable ${expected}`);
    }
    assert.ok(before.filter((r) => r.protocol === 'HTTP').length >= 5, 'HTTP rows were checked');
    // Secondary, not the accent colour of Enable HTTPS.
    const colours = await page.evaluate(([httpsRow, httpRow]) => {
      const bg = (selector) => getComputedStyle(document.querySelector(selector)).backgroundColor;
      return { disable: bg(`${httpsRow} [data-action="disable"]`), enable: bg(`${httpRow} [data-action="enable"]`) };
    }, [row(HTTPS_ID), row(INACTIVE_ID)]);
    assert.notEqual(colours.disable, colours.enable, `Disable does not look like Enable: ${JSON.stringify(colours)}`);
    assert.equal(await page.getAttribute(`${row(HTTPS_ID)} [data-action="disable"]`, 'aria-label'), `Disable HTTPS on ${HTTPS_ID}`);

    const view0 = await emulatorView(HTTPS_ID);
    assert.deepEqual([view0.closed, view0.protocol, view0.status], [0, 'HTTPS', 'active']);
    const httpBefore = before.filter((r) => r.protocol === 'HTTP').length;
    await watchRow(HTTPS_ID);
    const started = Date.now();
    await page.click(`${row(HTTPS_ID)} [data-action="disable"]`);

    await page.waitForSelector(`${row(HTTPS_ID)}[data-op="running"][data-op-kind="disable"]`, { timeout: TIMEOUT });
    assert.equal(await page.isDisabled(`${row(HTTPS_ID)} [data-action="disable"]`), true, 'Disable is disabled while running');
    assert.equal(await text(`${row(HTTPS_ID)} [data-action="disable"]`), 'Disabling…');
    assert.equal(await page.isHidden(`${row(HTTPS_ID)} [data-action="enable"]`), true, 'no Enable while disabling');
    assert.equal(await page.isVisible(`${row(HTTPS_ID)} [data-action="cancel"]`), true, 'Cancel is offered while running');
    assert.equal(await page.getAttribute(`${row(HTTPS_ID)} [data-action="cancel"]`, 'aria-label'), `Cancel disabling HTTPS on ${HTTPS_ID}`);
    assert.equal(await page.isDisabled('#fleet-run'), true, 'no fleet run while a row is being changed');

    // The emulator keeps the instance activating for ACTIVATION_MS after CloseHttps.
    await page.waitForSelector(`${row(HTTPS_ID)}[data-phase="activating"][data-status="activating"]`, { timeout: TIMEOUT });
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="op-phase"]`), 'Switching back to HTTP…');
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="instance-status"]`), 'activating');
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="instance-protocol"]`), 'HTTPS');
    assert.equal(await page.getAttribute(`${row(HTTPS_ID)} [role="progressbar"]`, 'aria-valuenow'), '3');
    assert.equal(await page.getAttribute(`${row(HTTPS_ID)} [role="progressbar"]`, 'aria-label'), `Disabling HTTPS on ${HTTPS_ID}`);
    const elapsed1 = await text(`${row(HTTPS_ID)} [data-testid="op-elapsed"]`);
    assert.match(elapsed1, /^\d+\.\d s$/);
    await screenshot('disable-during');
    await page.waitForFunction(
      ([selector, before]) => document.querySelector(selector).textContent !== before,
      [`${row(HTTPS_ID)} [data-testid="op-elapsed"]`, elapsed1],
      { timeout: TIMEOUT },
    );
    assert.ok(parseFloat(await text(`${row(HTTPS_ID)} [data-testid="op-elapsed"]`)) > parseFloat(elapsed1), 'the elapsed time runs');

    await page.waitForSelector(`${row(HTTPS_ID)}[data-op="done"][data-protocol="HTTP"]`, { timeout: TIMEOUT });
    const took = Date.now() - started;
    assert.ok(took >= ACTIVATION_MS - 100, `done after the activation (${took} ms)`);
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="instance-status"]`), 'active');
    assert.equal(await text(`${row(HTTPS_ID)} [data-testid="instance-protocol"]`), 'HTTP');
    assert.equal(await page.getAttribute(`${row(HTTPS_ID)} [data-testid="instance-protocol"]`, 'data-tone'), 'warn');
    assert.equal(await page.isVisible(`${row(HTTPS_ID)} [data-action="enable"]`), true, 'Enable HTTPS offered again');
    assert.equal(await page.isEnabled(`${row(HTTPS_ID)} [data-action="enable"]`), true);
    assert.equal(await text(`${row(HTTPS_ID)} [data-action="enable"]`), 'Enable HTTPS');
    assert.equal(await page.isHidden(`${row(HTTPS_ID)} [data-action="disable"]`), true, 'no Disable on an HTTP row');
    assert.equal(await page.isHidden(`${row(HTTPS_ID)} [data-action="cancel"]`), true);
    assert.equal(await page.isHidden(`${row(HTTPS_ID)} [data-testid="op-progress"]`), true);
    assert.match(await text(`${row(HTTPS_ID)} [data-testid="op-success"]`), /^HTTPS disabled in \d+\.\d s$/);
    assert.match(await text('#instances-summary'), new RegExp(` · ${httpBefore + 1} without HTTPS · `), 'the summary follows the rows');
    assert.equal(await page.isEnabled('#fleet-run'), true, 'the fleet button is back');

    const values = await rowLog();
    const phases = values('data-phase');
    assert.deepEqual(phases, ['closing', 'activating', 'done'], `phases ${JSON.stringify(phases)}`);
    assert.ok(values('data-status').includes('activating'), `status activating seen: ${JSON.stringify(values('data-status'))}`);
    assert.deepEqual(values('data-protocol'), ['HTTP'], 'the protocol changed once, to HTTP');

    // The emulator applied exactly one CloseHttps (and no OpenHttps), and it is HTTP there too.
    const view = await emulatorView(HTTPS_ID);
    assert.equal(view.closed, 1);
    assert.equal(view.requests.CloseHttps, 1);
    assert.equal(view.requests.OpenHttps, 0);
    assert.equal(view.protocol, 'HTTP');
    assert.equal(view.status, 'active');
    const closed = logOf(HTTPS_ID, 'CloseHttps');
    assert.equal(closed.length, 1);
    assert.equal(closed[0].status, 200);
    assert.match(closed[0].clientToken ?? '', /^[0-9a-f-]{36}$/, 'a client token was sent');
    // Followed with DescribeInstance, one poll interval apart; the row counts them.
    const polls = logOf(HTTPS_ID, 'DescribeInstance');
    assert.ok(polls.length >= 3 && polls.length <= ACTIVATION_MS / POLL_INTERVAL_MS + 3, `${polls.length} polls`);
    for (let i = 1; i < polls.length; i++) {
      const gap = Date.parse(polls[i].time) - Date.parse(polls[i - 1].time);
      assert.ok(gap >= POLL_INTERVAL_MS - 50, `poll ${i} came ${gap} ms after the one before`);
    }
    assert.ok(Date.parse(polls[0].time) >= Date.parse(closed[0].time), 'the polls follow CloseHttps');
    assert.equal(await text(`${row(HTTPS_ID)} .op-meta`), `${polls.length} polls · RequestId ${closed[0].requestId}`);
    await page.locator(row(HTTPS_ID)).scrollIntoViewIfNeeded();
    await screenshot('disable-after');

    // Refresh: the service says HTTP too.
    await load();
    const rows = await readRows();
    assert.deepEqual(
      (({ status, protocol, enable, disable }) => ({ status, protocol, enable, disable }))(rows.find((r) => r.id === HTTPS_ID)),
      { status: 'active', protocol: 'HTTP', enable: 'enabled', disable: 'hidden' },
    );

    // Enable again, then Disable again from the finished row: a new operation, a new token.
    await page.click(`${row(HTTPS_ID)} [data-action="enable"]`);
    await page.waitForSelector(`${row(HTTPS_ID)}[data-op="done"][data-protocol="HTTPS"]`, { timeout: TIMEOUT });
    assert.equal(await page.isVisible(`${row(HTTPS_ID)} [data-action="disable"]`), true, 'Disable offered on the row just turned HTTPS');
    assert.equal(await page.isVisible(`${row(HTTPS_ID)} [data-testid="op-success"]`), true, 'with the outcome of the Enable');
    await page.click(`${row(HTTPS_ID)} [data-action="disable"]`);
    await page.waitForSelector(`${row(HTTPS_ID)}[data-op="done"][data-op-kind="disable"][data-protocol="HTTP"]`, { timeout: TIMEOUT });
    const closedTwice = logOf(HTTPS_ID, 'CloseHttps');
    assert.equal(closedTwice.length, 2);
    assert.notEqual(closedTwice[1].clientToken, closedTwice[0].clientToken, 'each Disable is its own operation');
    assert.equal((await emulatorView(HTTPS_ID)).closed, 2);
  });

  test('Disable HTTPS errors show in the row; Disable again retries with the same client token, applied once', async () => {
    await seed([{ id: RETRY_ID, description: 'disable-retry', status: 'active', protocol: 'HTTPS' }]);
    await load();
    assert.equal((await readRows()).find((r) => r.id === RETRY_ID)?.disable, 'enabled');

    // Another change starts behind the page's back: the row still shows active, HTTPS.
    await patchInstance(RETRY_ID, { status: 'activating' });
    await page.click(`${row(RETRY_ID)} [data-action="disable"]`);
    await page.waitForSelector(`${row(RETRY_ID)}[data-op="error"]`, { timeout: TIMEOUT });
    assert.equal(await text(`${row(RETRY_ID)} [data-testid="op-error-code"]`), 'InstanceActivating');
    assert.equal(await text(`${row(RETRY_ID)} [data-testid="op-error-message"]`), 'Instance is activating.');
    assert.equal(await text(`${row(RETRY_ID)} .op-advice`), 'Another change is running: try again once the instance is active.');
    const refused = logOf(RETRY_ID, 'CloseHttps');
    assert.equal(refused.length, 1);
    assert.equal(refused[0].code, 'InstanceActivating');
    assert.equal(await text(`${row(RETRY_ID)} .op-meta`), `HTTP 400 · RequestId ${refused[0].requestId}`);
    assert.equal(await page.isEnabled(`${row(RETRY_ID)} [data-action="disable"]`), true, 'Disable usable again');
    assert.equal(await page.isHidden(`${row(RETRY_ID)} [data-action="cancel"]`), true);
    assert.equal(await page.isHidden(`${row(RETRY_ID)} [data-testid="op-progress"]`), true);
    assert.equal(logOf(RETRY_ID, 'DescribeInstance').length, 0, 'no polling after a refused CloseHttps');
    await page.locator(row(RETRY_ID)).scrollIntoViewIfNeeded();
    await screenshot('disable-error');

    // Once that change is over, the next CloseHttps is applied, but its answer is lost on the
    // way back (a proxy's page instead of the service's JSON): the row shows an error, and the
    // instance is already turning HTTP.
    const deadline = Date.now() + TIMEOUT;
    while ((await emulatorView(RETRY_ID)).status !== 'active') {
      assert.ok(Date.now() < deadline, 'the emulator’s change ended');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const closeRoute = `**/openapi/instances/${RETRY_ID}/actions/close-https*`;
    await page.route(closeRoute, async (route) => {
      await route.fetch(); // it reaches the service…
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>Sign in</title>' });
    });
    try {
      await page.click(`${row(RETRY_ID)} [data-action="disable"]`);
      await page.waitForSelector(`${row(RETRY_ID)}[data-op="error"] [data-testid="op-error-code"]:text-is("MalformedResponse")`, { timeout: TIMEOUT });
    } finally {
      await page.unroute(closeRoute);
    }
    assert.equal(await text(`${row(RETRY_ID)} .op-meta`), 'HTTP 200');
    const lost = await emulatorView(RETRY_ID);
    assert.equal(lost.closed, 1, 'that CloseHttps was applied');
    assert.equal(lost.status, 'activating');

    // Disable again: the same client token, so the service replays its answer and applies
    // nothing; the row follows the change to HTTP.
    await page.click(`${row(RETRY_ID)} [data-action="disable"]`);
    await page.waitForSelector(`${row(RETRY_ID)}[data-op="done"][data-protocol="HTTP"]`, { timeout: TIMEOUT });
    const closed = logOf(RETRY_ID, 'CloseHttps');
    assert.equal(closed.length, 3);
    assert.equal(new Set(closed.map((e) => e.clientToken)).size, 1, `one client token for every press: ${JSON.stringify(closed.map((e) => e.clientToken))}`);
    assert.deepEqual(closed.map((e) => [e.status, e.replayed]), [[400, false], [200, false], [200, true]]);
    const view = await emulatorView(RETRY_ID);
    assert.equal(view.closed, 1, 'applied once');
    assert.deepEqual(view.closedByClientToken, { [closed[0].clientToken]: 1 });
    assert.deepEqual([view.status, view.protocol], ['active', 'HTTP']);
    assert.equal(await text(`${row(RETRY_ID)} [data-testid="instance-protocol"]`), 'HTTP');
    assert.equal(await page.isVisible(`${row(RETRY_ID)} [data-action="enable"]`), true);
  });

  test('Cancel stops following a Disable HTTPS: no more polls, the row shows the instance as it is', async () => {
    await seed([{ id: STUCK_ID, description: 'disable-stuck', status: 'active', protocol: 'HTTPS', stuck: true }]);
    await load();
    await page.click(`${row(STUCK_ID)} [data-action="disable"]`);
    await page.waitForSelector(`${row(STUCK_ID)}[data-phase="activating"][data-status="activating"]`, { timeout: TIMEOUT });
    await page.click(`${row(STUCK_ID)} [data-action="cancel"]`);
    await page.waitForSelector(`${row(STUCK_ID)}[data-op="cancelled"]`, { timeout: TIMEOUT });
    assert.match(await text(`${row(STUCK_ID)} [data-testid="op-cancelled"]`), /^Cancelled\. CloseHttps had been accepted/);
    assert.equal(await page.isHidden(`${row(STUCK_ID)} [data-action="cancel"]`), true);
    assert.equal(await page.isHidden(`${row(STUCK_ID)} [data-testid="op-progress"]`), true);
    // After the cancel the row asks once more: activating, so neither button is offered.
    await page.waitForSelector(`${row(STUCK_ID)}[data-status="activating"]`, { timeout: TIMEOUT });
    assert.equal(await page.isHidden(`${row(STUCK_ID)} [data-action="disable"]`), true);
    assert.equal(await page.isEnabled('#fleet-run'), true);
    const polls = logOf(STUCK_ID, 'DescribeInstance').length;
    await page.waitForTimeout(3 * POLL_INTERVAL_MS);
    assert.equal(logOf(STUCK_ID, 'DescribeInstance').length, polls, 'no DescribeInstance after the cancel');
    assert.equal(logOf(STUCK_ID, 'CloseHttps').length, 1);
    await page.locator(row(STUCK_ID)).scrollIntoViewIfNeeded();
    await screenshot('disable-cancelled');

    // The change finishes by itself; Refresh shows it.
    await patchInstance(STUCK_ID, { stuck: false });
    await load();
    const r = (await readRows()).find((x) => x.id === STUCK_ID);
    assert.deepEqual([r.status, r.protocol, r.enable, r.disable], ['active', 'HTTP', 'enabled', 'hidden']);
    assert.equal((await emulatorView(STUCK_ID)).closed, 1);
  });

  test('Disable HTTPS gives up after the wait limit with WaitTimeout in the row', async () => {
    await seed([{ id: TIMEOUT_ID, description: 'disable-timeout', status: 'active', protocol: 'HTTPS', stuck: true }]);
    // A page of its own with a fake clock (Date, timers, performance): the wait limit is jumped
    // over instead of waited for, and the other tests keep the real clock.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const own = await context.newPage();
      watchProblems(own, (p) => problems.push(p), demo.url);
      await own.clock.install();
      await own.goto(demo.url);
      await own.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
      await own.click('#refresh-instances');
      await own.waitForSelector('#instances[data-state="loaded"]', { timeout: TIMEOUT });
      await own.click(`${row(TIMEOUT_ID)} [data-action="disable"]`);
      await own.waitForSelector(`${row(TIMEOUT_ID)}[data-phase="activating"][data-status="activating"]`, { timeout: TIMEOUT });
      const polls = logOf(TIMEOUT_ID, 'DescribeInstance').length;
      assert.equal(await own.isVisible(`${row(TIMEOUT_ID)} [data-testid="op-outcome"]`), false, 'no outcome yet');

      await own.clock.fastForward(WAIT_TIMEOUT_MS + 60_000);
      await own.waitForSelector(`${row(TIMEOUT_ID)}[data-op="error"]`, { timeout: TIMEOUT });
      assert.equal(await own.textContent(`${row(TIMEOUT_ID)} [data-testid="op-error-code"]`), 'WaitTimeout');
      assert.equal(
        await own.textContent(`${row(TIMEOUT_ID)} [data-testid="op-error-message"]`),
        'CloseHttps was accepted, but the instance was not active on HTTP after 15 min (last seen: activating, HTTPS).',
      );
      assert.match(await own.textContent(`${row(TIMEOUT_ID)} .op-advice`), /^CloseHttps was accepted but the instance was not back on HTTP in time/);
      const closed = logOf(TIMEOUT_ID, 'CloseHttps');
      assert.equal(closed.length, 1);
      assert.equal(await own.textContent(`${row(TIMEOUT_ID)} .op-meta`), `RequestId ${closed[0].requestId}`);
      assert.ok(logOf(TIMEOUT_ID, 'DescribeInstance').length <= polls + 1, 'at most the poll in flight went out after the limit');
      assert.equal(await own.isHidden(`${row(TIMEOUT_ID)} [data-action="cancel"]`), true);
      assert.equal(await own.isHidden(`${row(TIMEOUT_ID)} [data-testid="op-progress"]`), true);
      await shoot(own, 'admin-disable-timeout');
    } finally {
      await context.close();
    }
  });
});
