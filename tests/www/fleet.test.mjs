// "Enable HTTPS on all shown" on the demo page's instance list (www/), in headless Chromium,
// against the emulator behind www/server.mjs seeded with ~30 instances: ensureHttpsAll with a
// plan badge and live progress per row, an overall bar with counts and ETA, Stop, and a journal
// in localStorage that a Resume (after Stop, or after a reload mid-run) finishes without
// applying any OpenHttps twice.
//
//   node --test tests/www/
//
// Needs the built package in pkg/, Debian's /usr/bin/chromium and the playwright-core dev
// dependency. Screenshots (of the Instances card) go to test-results/fleet-<name>.png. Every
// wait is bounded; each test takes some 10 s.
import { describe, test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchChromium, watchProblems } from '../chromium.mjs';
import { startDemo } from '../../www/server.mjs';
import { ACTIVE_INSTANCE_ID, ACTIVATING_INSTANCE_ID, generateCatalogue } from '../../emulator/emulator.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = 'test-results';
/** How long an OpenHttps keeps an instance activating. */
const ACTIVATION_MS = 1500;
const TIMEOUT = 10_000;
/** A whole run: 14 instances to change, 4 at a time, each some 2 s. */
const RUN_TIMEOUT = 30_000;
const JOURNAL_PREFIX = 'aliyun-es-https.fleet-journal:';

// What ListInstance lists: the two seeded ids, then generateCatalogue(30) (4 × HTTPS, 3 × HTTP,
// busy, no client node, inactive, by index modulo 10). The seeded activating id is made a
// lifecycle record here (busy, then active HTTP), since the stateless one stays activating for
// good and a run would wait for it until its waitTimeoutMs.
const CATALOGUE = generateCatalogue(30);
const kindOf = (r) => r.description.split('-')[1];
const idsOf = (kind) => CATALOGUE.filter((r) => kindOf(r) === kind).map((r) => r.id);
const ALL_IDS = [ACTIVE_INSTANCE_ID, ACTIVATING_INSTANCE_ID, ...CATALOGUE.map((r) => r.id)];
const OPEN = [ACTIVE_INSTANCE_ID, ...idsOf('http')];
const BUSY = [ACTIVATING_INSTANCE_ID, ...idsOf('busy')];
const ELIGIBLE = [...OPEN, ...BUSY];
const SKIP = idsOf('https');
const CANNOT = { ...Object.fromEntries(idsOf('noclient').map((id) => [id, 'HttpsNeedClientNode'])), ...Object.fromEntries(idsOf('inactive').map((id) => [id, 'InstanceNotActive'])) };
const PLANS = {
  ...Object.fromEntries(OPEN.map((id) => [id, 'open'])),
  ...Object.fromEntries(BUSY.map((id) => [id, 'busy'])),
  ...Object.fromEntries(SKIP.map((id) => [id, 'skip'])),
  ...Object.fromEntries(Object.keys(CANNOT).map((id) => [id, 'cannot'])),
};

let demo;
let browser;
let context;
let page;
let problems = [];

const row = (id) => `tr[data-instance-id="${id}"]`;

describe('admin page: Enable HTTPS on all shown (ensureHttpsAll) in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    mkdirSync(`${ROOT}${SHOTS}`, { recursive: true });
    assert.equal(ALL_IDS.length, 32);
    assert.deepEqual([OPEN.length, BUSY.length, SKIP.length, Object.keys(CANNOT).length], [10, 4, 12, 6]);
    demo = await startDemo({
      catalogue: 30,
      activationMs: ACTIVATION_MS,
      instances: { [ACTIVATING_INSTANCE_ID]: { status: 'activating', protocol: 'HTTP' } },
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  beforeEach(async () => {
    demo.emulator.reset();
    problems = [];
    // A fresh context per test: its own, empty localStorage.
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watchProblems(page, (p) => problems.push(p));
    await page.goto(demo.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
  });

  afterEach(async () => {
    await context?.close();
    assert.deepEqual(problems, [], 'no page errors or console errors');
  });

  async function screenshot(name) {
    const path = `${SHOTS}/fleet-${name}.png`;
    await page.locator('#instances').screenshot({ path: `${ROOT}${path}` });
    console.log(`screenshot: ${path}`);
  }

  const text = (selector) => page.textContent(selector).then((t) => t.trim());

  async function load() {
    await page.click('#refresh-instances');
    await page.waitForSelector('#instances[data-state="loaded"]', { timeout: TIMEOUT });
  }

  /** The busy instances start a change now, which lasts until releaseBusy(): busy when the run looks. */
  function makeBusy() {
    for (const id of BUSY) demo.emulator.setInstance(id, { status: 'activating', stuck: true });
  }

  /** Their change finishes (active, HTTP): the run, which waits for them, then opens them. */
  function releaseBusy() {
    for (const id of BUSY) demo.emulator.setInstance(id, { stuck: false });
  }

  /** The plan comes once every instance was looked at: a badge per row. */
  async function waitPlanned() {
    await page.waitForFunction((n) => document.querySelectorAll('#instance-rows tr[data-plan]:not([data-plan=""])').length === n, 32, { timeout: TIMEOUT });
  }

  /** Records the values the overall bar, the ETA and the note take, from now on. */
  async function watchFleet() {
    await page.evaluate(() => {
      const bar = document.getElementById('fleet-bar');
      const eta = document.getElementById('fleet-eta');
      const note = document.getElementById('fleet-note');
      window.__fleet = { bar: [], eta: [], note: [] };
      window.__fleetObserver = new MutationObserver(() => {
        const log = window.__fleet;
        const push = (list, v) => list.at(-1) !== v && list.push(v);
        push(log.bar, Number(bar.getAttribute('aria-valuenow')));
        push(log.eta, eta.textContent);
        push(log.note, note.textContent);
      });
      for (const target of [eta, note]) window.__fleetObserver.observe(target, { childList: true, characterData: true, subtree: true });
      window.__fleetObserver.observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
    });
  }

  async function fleetLog() {
    return page.evaluate(() => {
      window.__fleetObserver.disconnect();
      return window.__fleet;
    });
  }

  /** Every row as the user sees it: { op, plan, protocol, planText, outcome, code }. */
  function readRows() {
    return page.$$eval('#instance-rows tr[data-instance-id]', (trs) =>
      Object.fromEntries(
        trs.map((tr) => {
          const plan = tr.querySelector('[data-testid="op-plan"]');
          return [
            tr.dataset.instanceId,
            {
              op: tr.dataset.op,
              plan: tr.dataset.plan,
              protocol: tr.dataset.protocol,
              planText: plan.checkVisibility() ? plan.textContent.trim() : null,
              outcome: tr.querySelector('[data-testid="op-outcome"]').textContent.trim(),
              code: tr.querySelector('[data-testid="op-error-code"]')?.textContent.trim() ?? null,
              enable: tr.querySelector('[data-action="enable"]').hidden
                ? 'hidden'
                : tr.querySelector('[data-action="enable"]').disabled
                  ? 'disabled'
                  : 'enabled',
            },
          ];
        }),
      ),
    );
  }

  const journalKeys = () => page.evaluate((prefix) => Object.keys(localStorage).filter((k) => k.startsWith(prefix)), JOURNAL_PREFIX);
  const storedJournal = () =>
    page.evaluate((prefix) => {
      const key = Object.keys(localStorage).find((k) => k.startsWith(prefix));
      return key ? JSON.parse(localStorage.getItem(key)) : null;
    }, JOURNAL_PREFIX);

  /** Each eligible instance got exactly one OpenHttps applied, all with one client token. */
  function assertAppliedOnce({ exactlyOneRequest = true } = {}) {
    for (const id of ELIGIBLE) {
      const view = demo.emulator.instance(id);
      assert.equal(view.applied, 1, `${id}: applied once`);
      assert.equal(view.protocol, 'HTTPS', `${id}: HTTPS at the emulator`);
      const opened = demo.emulator.log.filter((e) => e.instanceId === id && e.action === 'OpenHttps');
      assert.equal(new Set(opened.map((e) => e.clientToken)).size, 1, `${id}: one client token for every OpenHttps`);
      if (exactlyOneRequest) assert.equal(view.requests.OpenHttps, 1, `${id}: one OpenHttps request`);
    }
    for (const id of [...SKIP, ...Object.keys(CANNOT)]) {
      const view = demo.emulator.instance(id);
      assert.equal(view.requests.OpenHttps, 0, `${id}: no OpenHttps`);
      assert.equal(view.applied, 0, `${id}: nothing applied`);
    }
  }

  /** Every row shows what the run did to its instance. */
  async function assertRowsFinished() {
    const rows = await readRows();
    for (const id of ELIGIBLE) {
      assert.equal(rows[id].op, 'done', `${id}: done`);
      assert.equal(rows[id].protocol, 'HTTPS', `${id}: HTTPS in the row`);
      assert.match(rows[id].outcome, /^(HTTPS turned on in \d+\.\d s|HTTPS is on \(resumed: no new OpenHttps was needed\))/, id);
    }
    for (const id of SKIP) {
      assert.deepEqual([rows[id].op, rows[id].protocol], ['done', 'HTTPS'], id);
    }
    for (const [id, code] of Object.entries(CANNOT)) {
      assert.equal(rows[id].op, 'cannot', id);
      assert.equal(rows[id].code, code, id);
      assert.equal(rows[id].protocol, 'HTTP', id);
      assert.match(rows[id].outcome, new RegExp(`^Cannot: ${code} · not changed: the instance is `), id);
      assert.equal(rows[id].planText, null, `${id}: the outcome, not the plan badge`);
      assert.equal(rows[id].enable, 'enabled', `${id}: the row's own Enable is usable again`);
    }
    return rows;
  }

  test('a run over 32 instances: plan per row, live progress, overall bar with counts and ETA, then every eligible row HTTPS', async () => {
    assert.equal(await page.isDisabled('#fleet-run'), true, 'nothing to run before the list is loaded');
    assert.equal(await text('#fleet-hint'), 'Load the instances first.');
    await load();
    assert.equal(await page.locator('#instance-rows tr[data-instance-id]').count(), 32);
    assert.deepEqual(await page.$$eval('#instance-rows tr[data-instance-id]', (trs) => trs.map((tr) => tr.dataset.instanceId)), ALL_IDS);
    assert.equal(await page.isEnabled('#fleet-run'), true);
    assert.equal(await text('#fleet-run'), 'Enable HTTPS on all shown');
    assert.match(await text('#fleet-hint'), /^All 32 shown, 4 at a time/);
    assert.equal(await page.isHidden('#fleet-stop'), true);
    assert.equal(await page.isHidden('#fleet-progress'), true);
    assert.equal(await page.isHidden('#fleet-resume-box'), true);
    await screenshot('before');

    await watchFleet();
    makeBusy();
    const started = Date.now();
    await page.click('#fleet-run');
    await page.waitForSelector('#fleet[data-state="running"]', { timeout: TIMEOUT });
    assert.equal(await page.isVisible('#fleet-stop'), true, 'Stop is offered while running');
    assert.equal(await page.isVisible('#fleet-progress'), true);
    assert.equal(await page.isDisabled('#fleet-run'), true);
    assert.equal(await page.isDisabled('#refresh-instances'), true, 'no reload of the list under a run');
    const enables = await page.$$eval('#instance-rows [data-action="enable"]', (bs) => bs.map((b) => b.disabled));
    assert.ok(enables.every(Boolean), 'every row’s own Enable is disabled while the run goes');
    assert.equal(await page.locator('#instance-rows [data-action="cancel"]:visible').count(), 0, 'no per-row Cancel in a run');

    await waitPlanned();
    const planned = await readRows();
    for (const id of ALL_IDS) assert.equal(planned[id].plan, PLANS[id], `${id}: plan`);
    assert.equal(planned[OPEN[1]].planText, 'Plan: open');
    assert.equal(planned[BUSY[1]].planText, 'Plan: busy');
    assert.equal(planned[SKIP[0]].planText, null, 'a finished row shows its outcome, not its plan');
    await page.waitForSelector(`${row(BUSY[0])}[data-op="running"][data-phase="waiting"]`, { timeout: TIMEOUT });
    assert.equal(await text(`${row(BUSY[0])} [data-testid="op-phase"]`), 'Waiting for another change to finish…');
    releaseBusy();

    // Live progress in the rows being changed: the phase, the status, the elapsed time.
    await page.waitForSelector('#instance-rows tr[data-op="running"][data-phase="activating"][data-status="activating"]', { timeout: TIMEOUT });
    const activating = page.locator('#instance-rows tr[data-op="running"][data-phase="activating"]').first();
    assert.match(await activating.locator('[data-testid="op-phase"]').textContent(), /^Activating HTTPS…$/);
    assert.match(await activating.locator('[data-testid="op-elapsed"]').textContent(), /^\d+\.\d s$/);
    await page.waitForFunction(() => /^about \d+ s left$/.test(document.getElementById('fleet-eta').textContent), null, { timeout: TIMEOUT });
    assert.match(await text('#fleet-done'), /^\d+ \/ 32 done$/);
    await screenshot('during');

    await page.waitForSelector('#fleet[data-state="done"]', { timeout: RUN_TIMEOUT });
    const took = Date.now() - started;
    const log = await fleetLog();
    assert.equal(log.bar.at(-1), 32, `the bar ends full: ${JSON.stringify(log.bar)}`);
    assert.ok(log.bar.every((v, i) => i === 0 || v >= log.bar[i - 1]), `the bar only advances: ${JSON.stringify(log.bar)}`);
    // After the plan (12 skip + 6 cannot at once) the 14 changes move it one by one.
    assert.ok(log.bar.filter((v) => v > 18).length >= 10, `the bar advances as changes finish: ${JSON.stringify(log.bar)}`);
    assert.ok(log.eta.some((t) => /^about \d+ s left$/.test(t)), `an ETA was shown: ${JSON.stringify(log.eta)}`);
    assert.ok(log.note.some((t) => /Stop starts no new instance; those in flight finish their current request first\./.test(t)), 'Stop is explained while running');

    assert.equal(await text('#fleet-done'), '32 / 32 done');
    assert.equal(await text('#fleet-failed'), '0 failed');
    assert.equal(await text('#fleet-cannot'), '6 cannot');
    assert.equal(await page.isHidden('#fleet-interrupted'), true);
    assert.match(await text('#fleet-eta'), /^took \d+\.\d s$/);
    assert.equal(await page.getAttribute('#fleet-bar', 'aria-valuenow'), '32');
    assert.equal(await page.getAttribute('#fleet-bar', 'aria-valuemax'), '32');
    assert.match(
      await text('#fleet-note'),
      /^Finished in \d+\.\d s: 14 turned on, 12 already HTTPS, 6 cannot be changed\. Nothing left to do: the journal was cleared\.$/,
    );
    assert.equal(await page.isHidden('#fleet-stop'), true);
    assert.equal(await page.isEnabled('#fleet-run'), true);
    assert.equal(await page.isEnabled('#refresh-instances'), true);

    const rows = await assertRowsFinished();
    for (const id of ELIGIBLE) assert.match(rows[id].outcome, /^HTTPS turned on in \d+\.\d s/, id);
    for (const id of SKIP) assert.equal(rows[id].outcome, 'Already HTTPS', id);
    assert.match(await text('#instances-summary'), /^32 instances at .* · 6 without HTTPS · /);
    assertAppliedOnce();
    assert.deepEqual(await journalKeys(), [], 'a clean finish clears the journal');
    assert.equal(await page.isHidden('#fleet-resume-box'), true);
    console.log(`a run over 32 instances took ${took} ms`);
    await screenshot('after');
  });

  test('Stop mid-run leaves interrupted rows and a Resume that finishes the job, applying nothing twice', async () => {
    await load();
    await watchFleet();
    makeBusy();
    await page.click('#fleet-run');
    await waitPlanned();
    releaseBusy();
    // Some changes done, some in flight.
    await page.waitForFunction(
      () =>
        document.querySelectorAll('#instance-rows tr[data-op="done"][data-plan="open"]').length >= 2 &&
        document.querySelectorAll('#instance-rows tr[data-op="running"]').length >= 1,
      null,
      { timeout: RUN_TIMEOUT },
    );
    const inFlight = await page.$$eval('#instance-rows tr[data-op="running"]', (trs) => trs.map((tr) => tr.dataset.instanceId));
    // Those whose OpenHttps was accepted have their client token on record.
    const opened = await page.$$eval('#instance-rows tr[data-op="running"][data-phase="activating"]', (trs) => trs.map((tr) => tr.dataset.instanceId));
    await page.click('#fleet-stop');
    await page.waitForSelector('#fleet[data-state="stopped"]', { timeout: TIMEOUT });
    const log = await fleetLog();
    assert.ok(
      log.note.some((t) => /^Stopping: no new instance starts\. \d+ in flight finish(es)? (their|its) current request first \(nothing is cut off mid-request\), then shows? as interrupted\.$/.test(t)),
      `Stop explained: ${JSON.stringify(log.note)}`,
    );

    const rows = await readRows();
    const interrupted = ALL_IDS.filter((id) => rows[id].op === 'interrupted');
    assert.ok(interrupted.length > 0, 'some rows are interrupted');
    assert.ok(interrupted.every((id) => ELIGIBLE.includes(id)), 'only instances to change can be interrupted');
    for (const id of inFlight) {
      assert.ok(['interrupted', 'done'].includes(rows[id].op), `${id}, in flight at Stop: ${rows[id].op}`);
    }
    for (const id of interrupted) {
      assert.match(rows[id].outcome, /^Interrupted/, id);
      assert.equal(rows[id].enable, 'enabled', `${id}: the row's own Enable is usable again`);
    }
    assert.equal(await text('#fleet-interrupted'), `${interrupted.length} interrupted`);
    const done = 32 - interrupted.length;
    assert.equal(await text('#fleet-done'), `${done} / 32 done`);
    assert.match(await text('#fleet-note'), new RegExp(`^Stopped after \\d+\\.\\d s: .*${interrupted.length} interrupted\\. ${interrupted.length} left: Resume`));

    // The journal stays, with the unfinished instances; Resume is offered.
    const journal = await storedJournal();
    assert.ok(journal, 'the journal is kept');
    assert.equal(journal.ids.length, 32);
    assert.ok(journal.lines.some((l) => JSON.parse(l).event === 'token'), 'client tokens on record');
    assert.equal(await page.isVisible('#fleet-resume-box'), true);
    assert.equal(await text('#fleet-resume'), `Resume (${interrupted.length} left)`);
    assert.match(await text('#fleet-resume-text'), new RegExp(`did not finish: ${interrupted.length} of 32 instances left \\(${interrupted.length} interrupted;`));
    for (const id of ELIGIBLE) assert.ok(demo.emulator.instance(id).applied <= 1, `${id}: applied at most once so far`);
    await screenshot('stopped');

    await watchFleet();
    await page.click('#fleet-resume');
    await page.waitForSelector('#fleet[data-state="running"]', { timeout: TIMEOUT });
    assert.equal(await page.isHidden('#fleet-resume-box'), true, 'no Resume offer during the run');
    await page.waitForSelector('#fleet[data-state="done"]', { timeout: RUN_TIMEOUT });
    assert.equal(await text('#fleet-done'), `${interrupted.length} / ${interrupted.length} done`);
    assert.equal(await text('#fleet-failed'), '0 failed');
    const resumed = await readRows();
    // The rows activating at Stop had their OpenHttps accepted: no new one, and the row says why.
    const reopened = opened.filter((i) => interrupted.includes(i));
    assert.ok(reopened.length > 0, 'some rows were stopped while activating');
    for (const id of reopened) {
      assert.match(resumed[id].outcome, /^HTTPS is on \(resumed: no new OpenHttps was needed\)( · \d+\.\d s)?$/, id);
    }
    await assertRowsFinished();
    const resumedOn = ALL_IDS.filter((id) => resumed[id].outcome.startsWith('HTTPS is on (resumed:')).length;
    assert.match(
      await text('#fleet-note'),
      new RegExp(`^Finished in \\d+\\.\\d s: \\d+ turned on, ${resumedOn} on after the earlier run’s OpenHttps \\(resumed\\), \\d+ already HTTPS\\. Nothing left to do: the journal was cleared\\.$`),
    );
    assertAppliedOnce();
    assert.deepEqual(await journalKeys(), [], 'the resumed run finished cleanly: journal cleared');
    assert.equal(await page.isHidden('#fleet-resume-box'), true);
    await screenshot('resumed');
  });

  test('Stop during the plan: nothing is changed, every row ends with an outcome (also those planned but never started)', async () => {
    await load();
    await watchFleet();
    makeBusy();
    await page.click('#fleet-run');
    await page.waitForSelector('#fleet[data-state="running"]', { timeout: TIMEOUT });
    // The plan looks at 32 instances at 20 requests a second: well over a second.
    await page.click('#fleet-stop');
    await page.waitForSelector('#fleet[data-state="stopped"]', { timeout: TIMEOUT });
    const log = await fleetLog();
    assert.ok(log.note.some((t) => t.startsWith('Stopping before any change: ')), `Stop explained: ${JSON.stringify(log.note)}`);
    const rows = await readRows();
    for (const id of ALL_IDS) assert.ok(['done', 'cannot', 'interrupted'].includes(rows[id].op), `${id}: ${rows[id].op}`);
    for (const id of ELIGIBLE) assert.equal(rows[id].op, 'interrupted', id);
    // Planned, then stopped before its change: the library reports these only in its results.
    const plannedThenStopped = ELIGIBLE.filter((id) => rows[id].plan === PLANS[id]);
    assert.ok(plannedThenStopped.length >= 1, 'some eligible instances were planned before the stop');
    for (const id of plannedThenStopped) {
      assert.equal(rows[id].outcome, 'Interrupted: the run was stopped before this instance started. Nothing was sent for it.', id);
    }
    const interrupted = ALL_IDS.filter((id) => rows[id].op === 'interrupted').length;
    const finished = 32 - interrupted;
    assert.equal(await text('#fleet-done'), `${finished} / 32 done`);
    assert.equal(await text('#fleet-interrupted'), `${interrupted} interrupted`);
    assert.equal(demo.emulator.counts().OpenHttps, 0, 'no OpenHttps');
    assert.equal(await text('#fleet-resume'), `Resume (${interrupted} left)`);
  });

  test('a reload during a run: Resume is offered from the journal, lists the instances and finishes them', async () => {
    await load();
    makeBusy();
    await page.click('#fleet-run');
    await waitPlanned();
    releaseBusy();
    await page.waitForFunction(
      () =>
        document.querySelectorAll('#instance-rows tr[data-op="done"][data-plan="open"]').length >= 1 &&
        document.querySelectorAll('#instance-rows tr[data-op="running"][data-phase="activating"]').length >= 1,
      null,
      { timeout: RUN_TIMEOUT },
    );
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    assert.equal(await text('#instance-rows'), 'Not loaded yet.');
    const journal = await storedJournal();
    const left = journal.ids.filter((id) => !['https', 'cannot'].includes(journal.outcomes[id]));
    assert.ok(left.length > 0 && left.every((id) => ELIGIBLE.includes(id)), `unfinished: ${JSON.stringify(left)}`);
    await page.waitForSelector('#fleet-resume-box:not([hidden])', { timeout: TIMEOUT });
    assert.equal(await text('#fleet-resume'), `Resume (${left.length} left)`);
    assert.match(await text('#fleet-resume-text'), new RegExp(`did not finish: ${left.length} of 32 instances left \\(${left.length} not finished when the page was left;`));

    await page.click('#fleet-resume');
    await page.waitForSelector('#fleet[data-state="done"]', { timeout: RUN_TIMEOUT });
    assert.equal(await page.locator('#instance-rows tr[data-instance-id]').count(), 32, 'Resume listed the instances first');
    assert.equal(await text('#fleet-done'), `${left.length} / ${left.length} done`);
    const rows = await readRows();
    for (const id of left) {
      assert.equal(rows[id].op, 'done', id);
      assert.equal(rows[id].protocol, 'HTTPS', id);
    }
    assertAppliedOnce();
    assert.deepEqual(await journalKeys(), []);
  });

  test('a journal the library refuses: the run does not start, the rows are untouched, Discard forgets it', async () => {
    const target = new URL(demo.url).origin;
    // A torn line is allowed only last: one in the middle could have been a client token.
    await page.evaluate(
      ([key, record]) => localStorage.setItem(key, JSON.stringify(record)),
      [
        `${JOURNAL_PREFIX}${target}`,
        {
          version: 1,
          target,
          accessKeyId: 'testid',
          ids: [OPEN[1]],
          outcomes: {},
          lines: ['{"at":1,"instanceId":"es-cn-cat-000', '{"at":2,"event":"run","total":1}'],
          startedAt: new Date().toISOString(),
        },
      ],
    );
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: TIMEOUT });
    await page.waitForSelector('#fleet-resume-box:not([hidden])', { timeout: TIMEOUT });
    assert.equal(await text('#fleet-resume'), 'Resume (1 left)');
    await load();
    const before = demo.emulator.counts();
    await page.click('#fleet-run');
    await page.waitForSelector('#fleet[data-state="failed"]', { timeout: TIMEOUT });
    assert.match(await text('#fleet-note'), /^The run could not start: InvalidArgument: journal line 1 of 2 is not a record/);
    assert.deepEqual(demo.emulator.counts(), before, 'nothing was sent');
    assert.equal(await page.isHidden('#fleet-progress'), true);
    const rows = await readRows();
    for (const id of ALL_IDS) assert.equal(rows[id].op, '', `${id}: untouched`);
    assert.equal(rows[OPEN[1]].enable, 'enabled');
    assert.equal(await page.isEnabled('#fleet-run'), true);
    // The journal is kept as it was (it may hold a client token); Discard forgets it.
    assert.equal(await page.isVisible('#fleet-resume-box'), true);
    assert.equal(await text('#fleet-resume'), 'Resume (1 left)');
    assert.deepEqual((await storedJournal()).ids, [OPEN[1]]);
    await page.click('#fleet-discard');
    assert.deepEqual(await journalKeys(), []);
    assert.equal(await page.isHidden('#fleet-resume-box'), true);
  });
});
