// Fleet mode as users get it — `ensureHttpsAll` through the installed package and the
// `aliyun-es-https ensure-https` command (npm pack of pkg/, installed into a throwaway project,
// run through node_modules/.bin) — against the emulator with a generated catalogue of 50
// lifecycle instances (emulator/README.md): per 10, 4 HTTPS, 3 HTTP, 1 busy, 1 without client
// node, 1 inactive. The runs target the catalogue by description (`catalogue-`), which leaves
// out the two seeded ids (one of them is activating for ever); one run takes --all on purpose
// to show how such an instance ends (WaitTimeout, exit 1). The emulator is reset before each
// test; activations take 300 ms (the busy ones 1500 ms, so that the plan still sees them
// busy), polls are 100 ms apart, and every child process is killed after at most 30 s.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateCatalogue, startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from './packed.mjs';

const KEY = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret' };
const CREDENTIALS = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const ACTIVATION_MS = 300;
const BUSY_ACTIVATION_MS = 1500;
const FAST = ['--poll-interval', '100', '--wait-timeout', '20000'];
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const CHILD_LIMIT_MS = 30_000;

/** The catalogue, the busy ones kept busy long enough for the plan to see it. */
function catalogue(n) {
  return generateCatalogue(n).map((r) =>
    r.description.startsWith('catalogue-busy-') ? { ...r, activationMs: BUSY_ACTIVATION_MS } : r,
  );
}
const CATALOGUE = catalogue(50);
const kindOf = (id) => /^catalogue-([a-z]+)-/.exec(CATALOGUE.find((r) => r.id === id).description)[1];
const ALL = CATALOGUE.map((r) => r.id);
const OF = (kind) => ALL.filter((id) => kindOf(id) === kind);
const ELIGIBLE = ALL.filter((id) => ['http', 'busy'].includes(kindOf(id))); // 20
const CANNOT_CODE = { noclient: 'HttpsNeedClientNode', inactive: 'InstanceNotActive' };

let installed;
let bin;
let pkg; // the package through `import 'aliyun-es-https'` in the consumer project
let emu;

before(async () => {
  installed = installPacked('fleet');
  bin = join(installed.project, 'node_modules', '.bin', 'aliyun-es-https');
  writeFileSync(join(installed.project, 'load.mjs'), "export * from 'aliyun-es-https';\n");
  pkg = await import(pathToFileURL(join(installed.project, 'load.mjs')).href);
  emu = await startEmulator({ catalogue: CATALOGUE, activationMs: ACTIVATION_MS, logLimit: 100_000 });
});

after(async () => {
  await emu?.close();
  installed?.remove();
});

beforeEach(() => emu.reset());

/** A new empty folder to run the command in (its default journal lands there). */
const freshDir = () => mkdtempSync(join(installed.project, 'run-'));

/**
 * Runs the installed command. Without blocking (the emulator is in this process); the child is
 * killed after CHILD_LIMIT_MS. `input`: written to its stdin (which is then closed); `tty`:
 * make the command believe stdin and stderr are terminals.
 */
function cli(args, { cwd = installed.project, input = '', tty = false, env = {} } = {}) {
  const base = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('ALIBABA_CLOUD_')) delete base[k];
  base.PATH = `${dirname(process.execPath)}${delimiter}${base.PATH ?? ''}`;
  delete base.NODE_OPTIONS;
  if (tty) base.NODE_OPTIONS = '--import=data:text/javascript,process.stdin.isTTY=true;process.stderr.isTTY=true';
  const child = spawn(bin, args, { cwd, env: { ...base, ...KEY, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => {
    const guard = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      assert.ok(!stdout.includes('testsecret') && !stderr.includes('testsecret'), 'the secret was printed');
      resolve({ code, signal, stdout, stderr });
    });
  });
}

const onEmulator = () => ['--endpoint', emu.url];
const sum = (ids, f) => ids.reduce((n, id) => n + f(id), 0);
const journalLines = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

/** The clientTokens of every OpenHttps the emulator received for `id`. */
const openTokens = (id) =>
  new Set(emu.log.filter((e) => e.instanceId === id && e.action === 'OpenHttps').map((e) => e.clientToken));

/** Every eligible instance serves HTTPS, each applied once, with one clientToken; none else changed. */
function assertAllEligibleHttps(ids = ALL) {
  for (const id of ids) {
    const view = emu.instance(id);
    if (ELIGIBLE.includes(id)) {
      assert.deepEqual([view.status, view.protocol], ['active', 'HTTPS'], id);
      assert.equal(emu.applied(id), 1, `${id} applied once`);
      assert.equal(openTokens(id).size, 1, `${id}: one clientToken for all its OpenHttps`);
    } else {
      assert.equal(emu.applied(id), 0, id);
      assert.equal(emu.requests(id, 'OpenHttps'), 0, `${id} is not tried`);
    }
  }
}

/** The summary table's rows: { id: { outcome, changed, elapsed, last } }. */
function tableRows(stdout) {
  const rows = {};
  for (const line of stdout.split('\n')) {
    const m = /^(es-\S+)\s+(https|failed|cannot|interrupted|planned)\s+(yes|no|earlier)\s+(\S+)\s+(\S+)$/.exec(line);
    if (m) rows[m[1]] = { outcome: m[2], changed: m[3] === 'yes', earlier: m[3] === 'earlier', elapsed: m[4], last: m[5] };
  }
  return rows;
}

const PLAN_LINE = /^plan: (\d+) instances?: (\d+) skip, (\d+) open, (\d+) busy, (\d+) cannot, (\d+) failed/m;
function planCounts(stdout) {
  const m = PLAN_LINE.exec(stdout);
  assert.ok(m, stdout);
  const [total, skip, open, busy, cannot, failed] = m.slice(1).map(Number);
  return { total, skip, open, busy, cannot, failed };
}

// --- the library -------------------------------------------------------------------------------

test('library: ensureHttpsAll over the catalogue — plan, one OpenHttps each, its token journaled first', async () => {
  const client = new pkg.Client({ endpoint: emu.url, credentials: CREDENTIALS });
  const lines = [];
  const events = [];
  // The position of each token record among the emulator's requests, to check the order.
  const tokenAt = new Map();
  const result = await client.ensureHttpsAll(
    { description: 'catalogue-' },
    {
      concurrency: 8,
      pollIntervalMs: 100,
      waitTimeoutMs: 20_000,
      onEvent: (e) => events.push(e),
      journal: {
        load: () => [],
        append: (line) => {
          lines.push(line);
          const r = JSON.parse(line);
          if (r.event === 'token') {
            tokenAt.set(r.instanceId, emu.log.length);
            return new Promise((resolve) => setTimeout(resolve, 5)); // "flushing"
          }
          return undefined;
        },
      },
    },
  );
  assert.equal(result.total, 50);
  assert.equal(result.https, 40);
  assert.equal(result.changed, ELIGIBLE.length);
  assert.equal(result.cannot, 10);
  assert.deepEqual([result.failed, result.interrupted, result.planned], [0, 0, 0]);
  assert.equal(result.stopped, false);
  assert.deepEqual(result.results.map((r) => r.instanceId), ALL, 'in catalogue order');
  for (const r of result.results) {
    const kind = kindOf(r.instanceId);
    if (kind === 'https') assert.deepEqual([r.outcome, r.plan, r.changed], ['https', 'skip', false], r.instanceId);
    if (kind === 'http') assert.deepEqual([r.outcome, r.plan, r.changed], ['https', 'open', true], r.instanceId);
    if (kind === 'busy') assert.deepEqual([r.outcome, r.changed], ['https', true], r.instanceId);
    if (kind in CANNOT_CODE) {
      assert.deepEqual([r.outcome, r.plan, r.code], ['cannot', 'cannot', CANNOT_CODE[kind]], r.instanceId);
    }
    if (r.changed) assert.match(r.requestId, UUID);
  }
  assertAllEligibleHttps();
  assert.equal(sum(ALL, (id) => emu.applied(id)), ELIGIBLE.length);
  assert.equal(emu.counts().OpenHttps, ELIGIBLE.length, 'no retry, no second OpenHttps');
  assert.equal(emu.counts().ListInstance, 1);

  // Events: start, a plan per instance (all before any phase), a result per instance.
  assert.deepEqual(events[0], { type: 'start', total: 50, journalRecords: 0, journalTornLastLine: false });
  const firstPhase = events.findIndex((e) => e.type === 'phase');
  assert.equal(events.slice(0, firstPhase).filter((e) => e.type === 'plan').length, 50);
  assert.equal(events.filter((e) => e.type === 'result').length, 50);
  const plans = events.filter((e) => e.type === 'plan');
  assert.ok(plans.some((e) => e.plan === 'busy'), 'a busy instance is planned busy');

  // The journal: a token record per OpenHttps, written before it was sent, with its token.
  const records = lines.map((l) => JSON.parse(l));
  const tokens = records.filter((r) => r.event === 'token');
  assert.deepEqual(tokens.map((r) => r.instanceId).sort(), [...ELIGIBLE].sort());
  for (const t of tokens) {
    const sentAt = emu.log.findIndex((e) => e.instanceId === t.instanceId && e.action === 'OpenHttps');
    assert.ok(tokenAt.get(t.instanceId) <= sentAt, `${t.instanceId}: token recorded before OpenHttps`);
    assert.deepEqual([...openTokens(t.instanceId)], [t.clientToken]);
  }
  assert.equal(records.filter((r) => r.event === 'done').length, 40);
  assert.equal(records.filter((r) => r.event === 'failed').length, 10);
});

const libraryClient = () => new pkg.Client({ endpoint: emu.url, credentials: CREDENTIALS });

test('library: confirm(plan) is asked once, after the plan and before any change; a no changes nothing, a yes changes all', async () => {
  const ids = [...OF('http').slice(0, 3), OF('https')[0], OF('noclient')[0]];
  const counts = { type: 'planned', toChange: 3, https: 1, cannot: 1, failed: 0, interrupted: 0 };
  const run = async (answer) => {
    const asked = [];
    const events = [];
    const result = await libraryClient().ensureHttpsAll(
      { instanceIds: ids },
      {
        pollIntervalMs: 100,
        maxRps: 200,
        onEvent: (e) => events.push(e),
        confirm: (plan) => {
          asked.push({ plan, opensSoFar: emu.counts().OpenHttps, eventsSoFar: events.map((e) => e.type) });
          return answer();
        },
      },
    );
    return { asked, events, result };
  };
  for (const [label, answer] of [
    ['false', () => false],
    ['undefined', () => undefined],
    ['a throw', () => {
      throw new Error('no');
    }],
    ['a rejection', () => Promise.reject(new Error('no'))],
    ['a Promise of false', () => new Promise((resolve) => setTimeout(() => resolve(false), 20))],
  ]) {
    const { asked, events, result } = await run(answer);
    assert.equal(asked.length, 1, label);
    assert.deepEqual(asked[0].plan, counts, label);
    assert.equal(asked[0].opensSoFar, 0, label);
    assert.deepEqual(asked[0].eventsSoFar.at(-1), 'planned', `${label}: asked right after the planned event`);
    assert.deepEqual(events.find((e) => e.type === 'planned'), counts, label);
    assert.equal(emu.counts().OpenHttps, 0, `${label}: nothing sent`);
    assert.deepEqual(
      [result.total, result.https, result.changed, result.cannot, result.failed, result.interrupted, result.stopped],
      [5, 1, 0, 1, 0, 3, false],
      label,
    );
    for (const id of ids.slice(0, 3)) {
      const r = result.results.find((x) => x.instanceId === id);
      assert.deepEqual([r.outcome, r.plan, r.code, r.changed], ['interrupted', 'open', 'NotConfirmed', false], `${label}: ${id}`);
    }
    assert.ok(!events.some((e) => e.type === 'phase'), `${label}: no change started`);
  }
  const yes = await run(() => new Promise((resolve) => setTimeout(() => resolve(true), 50)));
  assert.equal(yes.asked.length, 1);
  assert.deepEqual([yes.result.https, yes.result.changed, yes.result.interrupted], [4, 3, 0]);
  for (const id of ids.slice(0, 3)) assert.equal(emu.applied(id), 1, id);
  assert.equal(emu.requests(ids[3], 'DescribeInstance'), 5 + 1, 'one look per run at the HTTPS one');
});

test('library: a confirm answer that is truthy but not true changes nothing (as documented)', async () => {
  const ids = OF('http').slice(0, 2);
  const result = await libraryClient().ensureHttpsAll({ instanceIds: ids }, { pollIntervalMs: 100, confirm: () => 'yes' });
  assert.equal(result.changed, 0);
  assert.equal(emu.counts().OpenHttps, 0);
});

test('library: confirm is not asked in a dry run, nor when nothing is to change', async () => {
  let asked = 0;
  const confirm = () => {
    asked++;
    return false;
  };
  const dry = await libraryClient().ensureHttpsAll({ instanceIds: OF('http').slice(0, 2) }, { dryRun: true, confirm });
  assert.equal(dry.planned, 2);
  const nothing = await libraryClient().ensureHttpsAll({ instanceIds: [OF('https')[0], OF('inactive')[0]] }, { confirm });
  assert.deepEqual([nothing.https, nothing.cannot, nothing.interrupted], [1, 1, 0]);
  assert.equal(asked, 0);
  assert.equal(emu.counts().OpenHttps, 0);
});

test('library: a dry run writes no journal record (an earlier journal is only read)', async () => {
  const lines = [];
  const earlier = [JSON.stringify({ at: 1, instanceId: OF('http')[0], event: 'token', clientToken: 'T-dry' })];
  const events = [];
  const result = await libraryClient().ensureHttpsAll(
    { instanceIds: [...OF('http').slice(0, 2), OF('https')[0], OF('noclient')[0]] },
    { dryRun: true, onEvent: (e) => events.push(e), journal: { load: () => earlier, append: (line) => void lines.push(line) } },
  );
  assert.deepEqual([result.planned, result.https, result.cannot, result.dryRun], [2, 1, 1, true]);
  assert.deepEqual(lines, [], 'append is never called');
  assert.equal(events[0].journalRecords, 1);
  assert.equal(events.find((e) => e.type === 'plan' && e.instanceId === OF('http')[0]).resumed, true);
  assert.equal(emu.counts().OpenHttps, 0);
});

test('library: what journal.load() gives is checked — a text or an array of lines, else InvalidArgument — before anything is sent', async () => {
  const run = (load, onEvent) =>
    libraryClient().ensureHttpsAll({ instanceIds: [OF('http')[0]] }, { dryRun: true, onEvent, journal: { load, append: () => undefined } });
  for (const [load, message] of [
    [() => 42, /^journal\.load\(\) must give the lines as an array or a text$/],
    [() => ({ length: 1 }), /^journal\.load\(\) must give the lines as an array or a text$/],
    [() => { throw new Error('disk'); }, /^journal\.load\(\) threw: disk$/],
    [() => Promise.reject(new Error('gone')), /^journal\.load\(\) failed: gone$/],
  ]) {
    await assert.rejects(run(load), (e) => {
      assert.deepEqual([e.name, e.code, e.field], ['OpenHttpsError', 'InvalidArgument', 'journal']);
      assert.match(e.message, message);
      return true;
    });
  }
  // An array's elements that are not strings are empty lines; an instance id named __proto__
  // is only data (it resumes with its token, and no object's prototype changes).
  const events = [];
  const token = JSON.stringify({ at: 1, instanceId: '__proto__', event: 'token', clientToken: 'T-proto' });
  const result = await run(() => [null, token, 7, ''], (e) => events.push(e));
  assert.equal(result.dryRun, true);
  assert.deepEqual([events[0].journalRecords, events[0].journalTornLastLine], [1, false]);
  assert.equal({}.clientToken, undefined);
  assert.equal(emu.counts().OpenHttps + emu.counts().DescribeInstance, 1, 'one look, nothing changed');
});

test('library: an append that rejects (or throws) for other records is ignored — no unhandled rejection, the run completes', async () => {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    const tokens = [];
    let other = 0;
    const ids = [...OF('http').slice(0, 3), OF('https')[0], OF('inactive')[0]];
    const result = await libraryClient().ensureHttpsAll(
      { instanceIds: ids },
      {
        concurrency: 3,
        pollIntervalMs: 100,
        journal: {
          load: () => [],
          append: (line) => {
            const record = JSON.parse(line);
            if (record.event === 'token') {
              tokens.push(record);
              return new Promise((resolve) => setTimeout(resolve, 5));
            }
            // Every other record: a failed write, as a rejection or a throw by turns.
            if (other++ % 2 === 0) return Promise.reject(new Error('disk full'));
            throw new Error('disk full (thrown)');
          },
        },
      },
    );
    assert.deepEqual([result.https, result.changed, result.cannot, result.failed, result.interrupted], [4, 3, 1, 0, 0]);
    assert.deepEqual(tokens.map((t) => t.instanceId).sort(), ids.slice(0, 3).sort());
    assert.ok(other >= 5, `${other} other records`);
    // Unhandled rejections are reported after the microtask queue drains: give them a turn.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});

test('library: a torn record that a later append joined to the next one is dropped; the joined record is kept and resumed', async () => {
  const [a, b, c] = OF('http');
  const events = [];
  const lines = [
    JSON.stringify({ at: 1, event: 'run', total: 3 }),
    // A crash tore b's token record; the next run's first append went on the same line.
    `{"at":2,"instanceId":"${b}","event":"tok${JSON.stringify({ at: 3, instanceId: c, event: 'token', clientToken: 'T-c' })}`,
    JSON.stringify({ at: 4, instanceId: a, event: 'token', clientToken: 'T-a' }),
  ];
  const result = await libraryClient().ensureHttpsAll(
    { instanceIds: [a, b, c] },
    { pollIntervalMs: 100, onEvent: (e) => events.push(e), journal: { load: () => lines.join('\n'), append: () => undefined } },
  );
  assert.deepEqual(events[0], { type: 'start', total: 3, journalRecords: 3, journalTornLastLine: true });
  assert.equal(result.changed, 3);
  assert.deepEqual([...openTokens(a)], ['T-a']);
  assert.deepEqual([...openTokens(c)], ['T-c'], 'the joined record is kept: its token reused');
  assert.match([...openTokens(b)][0], UUID, 'the torn one is forgotten: a new token');
  for (const id of [a, b, c]) assert.deepEqual(result.results.find((r) => r.instanceId === id).resumed, id !== b, id);
});

test('library: maxRps is 1–10000 and the run starts at it (30 instances planned at 50/s, not at the default 20/s)', async () => {
  for (const maxRps of [0.5, 0, 10_001]) {
    await assert.rejects(
      libraryClient().ensureHttpsAll({ instanceIds: OF('http').slice(0, 1) }, { maxRps }),
      (e) => e.code === 'InvalidArgument' && e.field === 'maxRps' && /\b1\b/.test(e.message),
      String(maxRps),
    );
  }
  assert.equal(emu.log.length, 0, 'refused before anything is sent');

  let startedAt;
  let plannedAt;
  const result = await libraryClient().ensureHttpsAll(
    { instanceIds: ALL.slice(0, 30) },
    {
      dryRun: true,
      maxRps: 50,
      onEvent: (e) => {
        if (e.type === 'start') startedAt = performance.now();
        if (e.type === 'planned') plannedAt = performance.now();
      },
    },
  );
  assert.equal(result.total, 30);
  assert.equal(emu.counts().DescribeInstance, 30);
  const ms = plannedAt - startedAt;
  // 30 requests spaced evenly at 50/s: about 0.6 s (at the default start, 20/s: about 1.45 s).
  assert.ok(ms < 1100, `planned in ${Math.round(ms)} ms`);
  assert.ok(ms >= 450, `planned in ${Math.round(ms)} ms: faster than 50/s`);
});

// --- the CLI -----------------------------------------------------------------------------------

test('ensure-https --all: every instance of the region; the never-ending one fails (exit 1), the others are HTTPS', async () => {
  const dir = freshDir();
  const r = await cli(['ensure-https', '--all', '--yes', '--concurrency', '8', '--poll-interval', '100', '--wait-timeout', '2500', ...onEmulator()], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  // The plan: the 50, the seeded stateless active one (open) and the activating-for-ever one
  // (busy); how many catalogue busy ones are still busy when looked at depends on the timing.
  const plan = planCounts(r.stdout);
  assert.deepEqual({ ...plan, open: plan.open + plan.busy, busy: undefined }, { total: 52, skip: 20, open: 22, busy: undefined, cannot: 10, failed: 0 });
  assert.ok(plan.busy >= 1, r.stdout);
  for (const id of [...OF('noclient'), ...OF('inactive')]) {
    assert.match(r.stdout, new RegExp(`^  ${id}  cannot  ${CANNOT_CODE[kindOf(id)]} +\\S+/HTTP$`, 'm'));
  }
  // The summary: a row per instance, the failure in full, the counts.
  const rows = tableRows(r.stdout);
  assert.equal(Object.keys(rows).length, 52);
  assert.deepEqual(rows['es-cn-activating0001'], { outcome: 'failed', changed: false, earlier: false, elapsed: rows['es-cn-activating0001'].elapsed, last: 'WaitTimeout' });
  assert.match(r.stdout, /^errors:\n {2}es-cn-activating0001: WaitTimeout: HTTPS was not on within 2500 ms/m);
  assert.equal(rows['es-cn-n6w1o1x0w001c'].outcome, 'https');
  assert.equal(rows['es-cn-n6w1o1x0w001c'].changed, true);
  for (const id of ALL) {
    const row = rows[id];
    const kind = kindOf(id);
    if (kind === 'https') assert.deepEqual([row.outcome, row.changed, row.last], ['https', false, '-'], id);
    if (kind === 'http' || kind === 'busy') {
      assert.deepEqual([row.outcome, row.changed], ['https', true], `${id}; errors:\n${r.stdout.split('\nerrors:\n')[1]}`);
      assert.match(row.last, UUID, `${id}: the RequestId of its OpenHttps`);
    }
    if (kind in CANNOT_CODE) assert.deepEqual([row.outcome, row.last], ['cannot', CANNOT_CODE[kind]], id);
  }
  assert.match(r.stdout, /^result: 52 instances: 41 https \(21 changed\), 1 failed, 10 cannot, 0 interrupted in \S+$/m);
  assertAllEligibleHttps();
  assert.equal(emu.applied('es-cn-n6w1o1x0w001c'), 1);
  assert.equal(sum(ALL, (id) => emu.applied(id)), ELIGIBLE.length);

  // The journal: named after the run, in the current folder, printed at the start and the end.
  const files = readdirSync(dir);
  assert.equal(files.length, 1, files.join(' '));
  assert.match(files[0], /^ensure-https-\d{8}T\d{6}\.\d{3}Z\.jsonl$/);
  const path = join(dir, files[0]);
  assert.match(r.stdout, new RegExp(`^ensure-https: 52 instances; journal ${path.replace(/[.]/g, '\\.')} \\(new\\)$`, 'm'));
  assert.match(r.stdout, new RegExp(`\\njournal: ${path.replace(/[.]/g, '\\.')}\\n$`));
  const records = journalLines(path);
  assert.equal(records.filter((x) => x.event === 'token').length, 21, 'never sent to the busy-for-ever one');
  assert.ok(records.some((x) => x.event === 'failed' && x.instanceId === 'es-cn-activating0001' && x.code === 'WaitTimeout'));

  // Not a terminal: one plain line per phase change on stderr, no cursor movement.
  assert.doesNotMatch(r.stderr, /[\r\x1b]/);
  const phaseLines = r.stderr.trimEnd().split('\n');
  for (const line of phaseLines) {
    assert.match(line, /^es-\S+ (waiting|opening|activating|done) \S+\/\S+ \d+\.\ds$|^es-\S+ failed \S+ \d+\.\ds$/, line);
  }
  const id = OF('http')[0];
  assert.deepEqual(
    phaseLines.filter((l) => l.startsWith(`${id} `)).map((l) => l.split(' ')[1]),
    ['opening', 'activating', 'done'],
  );
  assert.ok(phaseLines.includes(phaseLines.find((l) => l.startsWith('es-cn-activating0001 failed WaitTimeout '))));
});

test('ensure-https --json: one event per line on stdout, then the summary; nothing on stderr; exit 0', async () => {
  const dir = freshDir();
  // Descriptions containing "-0001": es-cn-cat-00010 … 00019, every kind.
  const ids = ALL.slice(9, 19);
  const r = await cli(['ensure-https', '--all', '--description=-0001', '--yes', '--json', '--concurrency', '8', ...FAST, ...onEmulator()], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.ok(r.stdout.endsWith('\n'));
  const lines = r.stdout.slice(0, -1).split('\n').map((l) => JSON.parse(l));
  const [start, ...rest] = lines;
  const summary = rest.pop();
  assert.equal(start.type, 'start');
  assert.equal(start.total, 10);
  assert.equal(start.journal, join(dir, readdirSync(dir)[0]));
  // (`planned`, "the plan is complete", in library builds that have it.)
  assert.deepEqual(new Set(rest.map((e) => e.type).filter((type) => type !== 'planned')), new Set(['plan', 'phase', 'result']));
  const planEnd = rest.findIndex((e) => e.type === 'phase');
  assert.equal(rest.slice(0, planEnd).filter((e) => e.type === 'plan').length, 10, 'the whole plan before any change');
  assert.deepEqual(rest.filter((e) => e.type === 'plan').map((e) => e.instanceId), ids);
  assert.equal(rest.filter((e) => e.type === 'result').length, 10);
  for (const e of rest.filter((x) => x.type === 'phase')) {
    assert.ok(['waiting', 'opening', 'activating', 'done'].includes(e.phase), JSON.stringify(e));
    assert.equal(typeof e.elapsedMs, 'number');
  }
  assert.equal(summary.type, 'summary');
  assert.deepEqual(
    [summary.total, summary.https, summary.changed, summary.failed, summary.cannot, summary.interrupted, summary.stopped],
    [10, 8, 4, 0, 2, 0, false],
  );
  assert.deepEqual(summary.results.map((x) => x.instanceId), ids);
  assert.equal(summary.journal, start.journal);
  assert.equal(summary.resume, undefined);
  assertAllEligibleHttps(ids);
});

test('ensure-https --dry-run: the plan (counts, the cannot ones with codes), nothing changed, no journal, exit 0', async () => {
  const dir = freshDir();
  // One busy for certain, however slowly the command starts (nothing waits for it here).
  emu.setInstance(OF('busy')[0], { activationMs: 60_000 });
  emu.setInstance(OF('busy')[0], { status: 'activating' });
  const r = await cli(['ensure-https', '--all', '--description', 'catalogue-', '--dry-run', ...onEmulator()], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const plan = planCounts(r.stdout);
  assert.deepEqual([plan.total, plan.skip, plan.open + plan.busy, plan.cannot, plan.failed], [50, 20, 20, 10, 0]);
  assert.ok(plan.busy >= 1, r.stdout);
  const cannotLines = r.stdout.split('\n').filter((l) => / cannot {2}/.test(l));
  assert.equal(cannotLines.length, 10);
  for (const id of [...OF('noclient'), ...OF('inactive')]) {
    assert.ok(cannotLines.some((l) => l.includes(id) && l.includes(CANNOT_CODE[kindOf(id)])), id);
  }
  assert.match(r.stdout, /^dry run: nothing was changed \(20 instances would be\)$/m);
  assert.equal(emu.counts().OpenHttps, 0);
  assert.equal(emu.counts().DescribeInstance, 50, 'one look at each');
  assert.deepEqual(readdirSync(dir), [], 'a dry run writes no journal');
  assert.equal(r.stderr, '');
});

test('without a terminal, more than one change needs --yes: exit 2 after the plan, nothing changed; one change needs none', async () => {
  const dir = freshDir();
  const args = ['ensure-https', '--all', '--description', 'catalogue-http-', '--max-rps', '100', ...FAST, ...onEmulator()];
  const refusal =
    "aliyun-es-https: --yes is needed to change 15 instances without a terminal to confirm on (the plan is above; nothing was changed)\nRun 'aliyun-es-https --help' for usage.\n";
  const r = await cli(args, { cwd: dir });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.deepEqual(planCounts(r.stdout), { total: 15, skip: 0, open: 15, busy: 0, cannot: 0, failed: 0 });
  assert.equal(r.stderr, refusal);
  assert.doesNotMatch(r.stdout, /^result: /m, 'no summary');
  assert.equal(emu.counts().OpenHttps, 0);
  assert.equal(emu.counts().DescribeInstance, 15, 'planned once');
  assert.deepEqual(readdirSync(dir), [], 'the new journal of a refused run is removed');

  // --json: the same refusal on stderr; stdout has the plan's events, `planned` with the counts
  // the confirmation was asked with, then the instances not changed (NotConfirmed).
  const json = await cli([...args, '--json'], { cwd: dir });
  assert.equal(json.code, 2, json.stdout + json.stderr);
  assert.equal(json.stderr, refusal);
  const events = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  const planned = events.findIndex((e) => e.type === 'planned');
  assert.deepEqual(events[planned], { type: 'planned', toChange: 15, https: 0, cannot: 0, failed: 0, interrupted: 0 });
  assert.equal(events.slice(0, planned).filter((e) => e.type === 'plan').length, 15);
  const after = events.slice(planned + 1);
  assert.equal(after.length, 15, JSON.stringify(after.slice(0, 2)));
  for (const e of after) assert.deepEqual([e.type, e.outcome, e.code], ['result', 'interrupted', 'NotConfirmed']);
  assert.equal(emu.counts().OpenHttps, 0);
  assert.deepEqual(readdirSync(dir), []);

  // An existing journal (an earlier run's clientToken in it) is kept, whatever the answer.
  const path = join(dir, 'kept.jsonl');
  const earlier = `${JSON.stringify({ at: 1, instanceId: OF('http')[0], event: 'token', clientToken: 'T-kept' })}\n`;
  writeFileSync(path, earlier);
  const kept = await cli([...args, '--journal', path], { cwd: dir });
  assert.equal(kept.code, 2, kept.stdout + kept.stderr);
  assert.equal(kept.stderr, refusal);
  assert.ok(readFileSync(path, 'utf8').startsWith(earlier), 'the earlier records are still there');
  assert.deepEqual(readdirSync(dir), ['kept.jsonl']);
  assert.equal(emu.counts().OpenHttps, 0);

  // One instance to change (and one already HTTPS): no confirmation needed.
  const [open] = OF('http');
  const [skip] = OF('https');
  const one = await cli(['ensure-https', '--instance-id', open, '--instance-id', skip, ...FAST, ...onEmulator()], { cwd: dir });
  assert.equal(one.code, 0, one.stdout + one.stderr);
  assert.deepEqual(planCounts(one.stdout), { total: 2, skip: 1, open: 1, busy: 0, cannot: 0, failed: 0 });
  assert.equal(emu.applied(open), 1);
  assert.equal(emu.requests(open, 'DescribeInstance') + emu.requests(skip, 'DescribeInstance') >= 3, true);
});

test('on a terminal: the plan, then one question before any change; no → nothing changed (exit 4), yes → changed as planned (exit 0)', async () => {
  const ids = [...OF('http').slice(0, 2), OF('https')[0]];
  const args = ['ensure-https', ...ids.flatMap((id) => ['--instance-id', id]), ...FAST, ...onEmulator()];
  const noDir = freshDir();
  const no = await cli(args, { tty: true, input: 'n\n', cwd: noDir });
  assert.equal(no.code, 4, no.stdout + no.stderr);
  assert.deepEqual(planCounts(no.stdout), { total: 3, skip: 1, open: 2, busy: 0, cannot: 0, failed: 0 });
  assert.match(no.stderr, /Turn HTTPS on for 2 instances\? \[y\/N\] /);
  assert.match(no.stderr, /nothing was changed\n$/);
  assert.doesNotMatch(no.stderr, /done, \d+ failed/, 'no progress bar: no change started');
  assert.doesNotMatch(no.stdout, /^result: /m, 'no summary');
  assert.equal(emu.counts().OpenHttps, 0);
  assert.equal(emu.counts().DescribeInstance, 3, 'planned once');
  assert.deepEqual(readdirSync(noDir), [], 'the new journal of a declined run is removed');

  const dir = freshDir();
  const looksBefore = emu.requests(ids[2], 'DescribeInstance');
  const yes = await cli(args, { tty: true, input: 'y\n', cwd: dir });
  assert.equal(yes.code, 0, yes.stdout + yes.stderr);
  assert.doesNotMatch(yes.stdout, /confirmed|looked at again/);
  assert.equal(yes.stdout.match(/^plan: /gm).length, 1, 'one plan, printed once');
  assert.equal(tableRows(yes.stdout)[ids[0]].changed, true);
  for (const id of ids.slice(0, 2)) assert.equal(emu.applied(id), 1, id);
  // The progress of the changes starts after the answer, not before the question.
  const asked = yes.stderr.indexOf('Turn HTTPS on for 2 instances? [y/N] ');
  assert.ok(asked >= 0, yes.stderr);
  assert.doesNotMatch(yes.stderr.slice(0, asked), /done, \d+ failed/);
  assert.match(yes.stderr.slice(asked), /\[#{20}\] 3\/3 done, 0 failed, ETA 0s\n$/);
  // One plan, no second look: the HTTPS one is described once; the changed ones are opened
  // from the plan's look (then polled).
  assert.equal(emu.requests(ids[2], 'DescribeInstance'), looksBefore + 1);
  assert.equal(readdirSync(dir).length, 1, 'one journal');
});

test('on a terminal: one line per instance in flight and the bar, redrawn in place; the bar is kept at the end', async () => {
  const ids = OF('http').slice(0, 4);
  const r = await cli(['ensure-https', ...ids.flatMap((id) => ['--instance-id', id]), '--yes', ...FAST, ...onEmulator()], { tty: true, cwd: freshDir() });
  assert.equal(r.code, 0, r.stderr);
  const frames = r.stderr.split(/\r\x1b\[(?:\d+A)?\x1b\[J|\r\x1b\[J/).map((f) => f.replace(/\x1b\[\d+A/, ''));
  assert.ok(frames.length >= 3, JSON.stringify(r.stderr.slice(0, 500)));
  const BAR = /^\[[#-]{20}\] (\d+)\/(\d+) done, (\d+) failed, ETA \S+$/;
  const INFLIGHT = /^es-\S+ +(waiting|opening|activating) +\S+\/\S+ \d+\.\ds$/;
  // First the plan's progress, one line, cleared before the plan is printed (on stdout).
  const PLANNING = /^planning: \[[#-]{20}\] \d\/4 looked at$/;
  const planning = frames.filter((f) => f.startsWith('planning: '));
  assert.ok(planning.length >= 1, JSON.stringify(r.stderr.slice(0, 300)));
  for (const frame of planning) assert.match(frame, PLANNING);
  assert.ok(r.stderr.includes('looked at\r\x1b[J'), 'the planning line is erased');
  const lastPlanning = frames.lastIndexOf(planning.at(-1));
  for (const frame of frames.slice(lastPlanning + 1).filter((f) => f !== '')) {
    const lines = frame.replace(/\n$/, '').split('\n');
    assert.match(lines.at(-1), BAR, JSON.stringify(frame));
    for (const line of lines.slice(0, -1)) assert.match(line, INFLIGHT, JSON.stringify(frame));
  }
  assert.ok(frames.some((f) => f.split('\n').length >= 3), 'several instances in flight at once');
  assert.match(frames.at(-1), /^\[#{20}\] 4\/4 done, 0 failed, ETA 0s\n$/);
});

test('a throttled run (the emulator allows 10 requests a second) slows down and completes', async () => {
  const throttled = await startEmulator({ catalogue: catalogue(20), activationMs: ACTIVATION_MS, qpsLimit: 10, logLimit: 100_000 });
  try {
    const r = await cli(['ensure-https', '--all', '--description', 'catalogue-', '--yes', '--concurrency', '8', '--poll-interval', '200', '--endpoint', throttled.url], { cwd: freshDir() });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^result: 20 instances: 16 https \(8 changed\), 0 failed, 4 cannot, 0 interrupted in \S+$/m);
    const eligible = catalogue(20).filter((x) => /catalogue-(http|busy)-/.test(x.description)).map((x) => x.id);
    for (const id of eligible) {
      assert.equal(throttled.instance(id).protocol, 'HTTPS', id);
      assert.equal(throttled.applied(id), 1, id);
    }
    const throttledAnswers = throttled.log.filter((e) => e.code === 'Throttling.User').length;
    assert.ok(throttledAnswers > 0, 'the run went faster than allowed at first, and was told so');
    // It slowed down: most requests got through.
    assert.ok(throttledAnswers < throttled.log.length / 2, `${throttledAnswers} of ${throttled.log.length} throttled`);
  } finally {
    await throttled.close();
  }
});

// --- the journal -------------------------------------------------------------------------------

test('resume: a done record is confirmed, a recorded clientToken is reused (sent or not), the rest planned afresh', async () => {
  const dir = freshDir();
  const path = join(dir, 'resume.jsonl');
  const [sent, unsent, fresh] = OF('http');
  const [done] = OF('https');
  // An earlier run: `sent` got its OpenHttps (the emulator applied it), `unsent` was journaled
  // but the process died before sending; `done` was finished.
  const client = new pkg.Client({ endpoint: emu.url, credentials: CREDENTIALS });
  await client.openHttps(sent, 'T-sent');
  const earlier = [
    { at: 1, event: 'run', total: 4 },
    { at: 2, instanceId: done, event: 'done', changed: false },
    { at: 3, instanceId: sent, event: 'token', clientToken: 'T-sent' },
    { at: 4, instanceId: sent, event: 'phase', phase: 'activating' },
    { at: 5, instanceId: unsent, event: 'token', clientToken: 'T-unsent' },
  ];
  writeFileSync(path, earlier.map((x) => `${JSON.stringify(x)}\n`).join(''));
  const r = await cli(['ensure-https', ...[sent, unsent, fresh, done].flatMap((id) => ['--instance-id', id]), '--yes', '--journal', path, ...FAST, ...onEmulator()], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^ensure-https: 4 instances; resuming ${path.replace(/[.]/g, '\\.')}: 5 records read$`, 'm'));
  // `sent` is activating (busy), or already HTTPS (skip) if the command took 300 ms to start.
  const plan = planCounts(r.stdout);
  assert.deepEqual([plan.open, plan.skip + plan.busy], [2, 2], r.stdout);
  assert.match(r.stdout, new RegExp(`^ {2}${1 + plan.busy} resumed: the clientToken an earlier run recorded is reused$`, 'm'));
  const rows = tableRows(r.stdout);
  assert.equal(rows[sent].earlier, true, 'turned on by the earlier run');
  assert.equal(rows[unsent].changed, true);
  assert.match(r.stdout, /^result: 4 instances: 4 https \(2 changed, 1 by an earlier run\), /m);
  assert.equal(emu.applied(sent), 1, 'not applied again');
  assert.equal(emu.requests(sent, 'OpenHttps'), 1, 'activating: waited for, not opened again');
  assert.deepEqual([...openTokens(unsent)], ['T-unsent'], 'the recorded token is the one sent');
  assert.equal(emu.applied(unsent), 1);
  assert.equal(openTokens(fresh).size, 1);
  assert.match([...openTokens(fresh)][0], UUID);
  assert.equal(emu.requests(done, 'DescribeInstance'), 1, 'done: confirmed with one look');
  for (const id of [sent, unsent, fresh, done]) assert.equal(emu.instance(id).protocol, 'HTTPS', id);
  // Appended to: the earlier lines kept, this run's after them.
  const records = journalLines(path);
  assert.deepEqual(records.slice(0, 5), earlier);
  assert.ok(records.slice(5).some((x) => x.event === 'token' && x.instanceId === unsent && x.clientToken === 'T-unsent'));
});

test('a torn last line is dropped and said so; the file is mended so that the next resume reads it whole', async () => {
  const dir = freshDir();
  const path = join(dir, 'torn.jsonl');
  const [a, b] = OF('http');
  const good = `${JSON.stringify({ at: 1, instanceId: a, event: 'token', clientToken: 'T-a' })}\n`;
  const torn = `{"at":2,"instanceId":"${b}","event":"tok`;
  writeFileSync(path, good + torn);
  const args = ['ensure-https', '--instance-id', a, '--instance-id', b, '--yes', '--journal', path, ...FAST, ...onEmulator()];
  const r = await cli(args, { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /: 1 record read, a torn last line was dropped$/m);
  assert.deepEqual([...openTokens(a)], ['T-a']);
  assert.equal(emu.applied(b), 1);
  // Every line is a record now; the torn text is kept in one.
  const records = journalLines(path);
  assert.deepEqual(records[0], JSON.parse(good));
  assert.deepEqual({ ...records[1], at: 0 }, { at: 0, event: 'tornLineDropped', text: torn });

  const again = await cli([...args, '--json'], { cwd: dir });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  const start = JSON.parse(again.stdout.split('\n')[0]);
  assert.deepEqual([start.journalRecords, start.journalTornLastLine], [records.length, false]);
  assert.equal(emu.applied(a) + emu.applied(b), 2);

  // --json says it on stderr (stdout is for the events).
  writeFileSync(path, good + torn);
  const json = await cli([...args, '--json'], { cwd: dir });
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr, `aliyun-es-https: journal ${path}: a torn last line was dropped\n`);
  assert.equal(JSON.parse(json.stdout.split('\n')[0]).journalTornLastLine, true);
});

test('a torn record with a later record joined to it: the CLI resumes with every token, and cuts nothing', async () => {
  const dir = freshDir();
  const path = join(dir, 'joined.jsonl');
  const [a, b, c, d] = OF('http');
  const token = (at, id, t) => JSON.stringify({ at, instanceId: id, event: 'token', clientToken: t });
  // b's token record was torn by a crash; a later append (c's token) went on the same line;
  // d's token is the last line, whole. The library drops only the fragment.
  const text = `${token(1, a, 'T-a')}\n{"at":2,"instanceId":"${b}","event":"tok${token(3, c, 'T-c')}\n${token(4, d, 'T-d')}\n`;
  writeFileSync(path, text);
  const args = ['ensure-https', ...[a, b, c, d].flatMap((id) => ['--instance-id', id]), '--yes', '--journal', path, ...FAST, ...onEmulator()];
  const r = await cli(args, { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // Nothing cut: cutting "the torn last line" here would drop d's whole token record, and a
  // later resume would send d a new token.
  assert.ok(readFileSync(path, 'utf8').startsWith(text), 'the earlier lines are kept as they were');
  assert.match(r.stdout, /: 3 records read, a torn record was dropped \(the record a later append joined to it is kept\)$/m);
  assert.deepEqual([...openTokens(a)], ['T-a']);
  assert.deepEqual([...openTokens(c)], ['T-c'], 'the joined record is kept');
  assert.deepEqual([...openTokens(d)], ['T-d'], 'the whole last line is not cut');
  assert.match([...openTokens(b)][0], UUID);
  for (const id of [a, b, c, d]) assert.equal(emu.applied(id), 1, id);

  // The joined line at the very end, without its line break: kept too, and the next record
  // starts on a line of its own.
  const last = `${token(1, a, 'T-a')}\n{"at":2,"instanceId":"${b}","ev${token(3, c, 'T-c')}`;
  writeFileSync(path, last);
  const again = await cli([...args, '--json'], { cwd: dir });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.equal(again.stderr, `aliyun-es-https: journal ${path}: a torn record was dropped (the record a later append joined to it is kept)\n`);
  const after = readFileSync(path, 'utf8');
  assert.ok(after.startsWith(`${last}\n{"at":`), after.slice(0, 400));
  assert.deepEqual([...openTokens(c)], ['T-c']);
});

test('an unreadable line before the last is refused: exit 2, the line named, nothing sent, the file untouched', async () => {
  const dir = freshDir();
  const path = join(dir, 'corrupt.jsonl');
  const [a] = OF('http');
  const text = `{"at":1,"instanceId":"${a}","event":"token","clientToken":"T-a"}\n{"at":2,"inst\n{"at":3,"event":"run","total":1}\n`;
  writeFileSync(path, text);
  for (const extra of [[], ['--json']]) {
    const r = await cli(['ensure-https', '--instance-id', a, '--yes', '--journal', path, ...extra, ...FAST, ...onEmulator()], { cwd: dir });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const message = extra.length ? JSON.parse(r.stdout).Message : /^error: InvalidArgument: (.*)$/m.exec(r.stderr)?.[1];
    assert.ok(message, r.stdout + r.stderr);
    assert.ok(message.startsWith(`${path}: journal line 2 of 3 is not a record`), message);
  }
  assert.equal(emu.log.length, 0, 'nothing sent');
  assert.equal(readFileSync(path, 'utf8'), text);
});

// --- usage -------------------------------------------------------------------------------------

test('ensure-https usage errors: exit 2, a one-line hint, nothing sent; the other commands still take one id', async () => {
  const dir = freshDir();
  writeFileSync(join(dir, 'empty.txt'), '# nothing\n\n');
  const cases = [
    [['ensure-https', ...onEmulator()], /ensure-https needs its instances: --all/],
    [['ensure-https', '--all', '--instance-id', 'es-a', ...onEmulator()], /give the instances one way/],
    [['ensure-https', '--instance-id', 'es-a', '--instances-file', 'ids.txt', ...onEmulator()], /give the instances one way/],
    [['ensure-https', '--description', 'prod', ...onEmulator()], /--description needs --all/],
    [['ensure-https', 'es-a', ...onEmulator()], /unexpected arguments: es-a/],
    [['ensure-https', '--all', '--concurrency', 'four', ...onEmulator()], /--concurrency must be a whole number/],
    [['ensure-https', '--all', '--max-rps', 'fast', ...onEmulator()], /--max-rps must be a number/],
    [['ensure-https', '--all', '--poll-interval', '1s', ...onEmulator()], /--poll-interval must be a number of milliseconds/],
    [['ensure-https', '--all', '--wait', ...onEmulator()], /--wait is for open-https, not ensure-https/],
    [['ensure-https', '--all', '--client-token', 't', ...onEmulator()], /--client-token is for open-https and close-https, not ensure-https/],
    [['ensure-https', '--instances-file', 'missing.txt', ...onEmulator()], /cannot read --instances-file missing\.txt: ENOENT/],
    [['ensure-https', '--instances-file', 'empty.txt', ...onEmulator()], /no instance id in --instances-file empty\.txt/],
    [['ensure-https', '--all', '--journal', '', ...onEmulator()], /--journal needs a file name/],
    [['ensure-https', '--all'], /no region/],
    [['open-https', '--instance-id', 'es-a', '--instance-id', 'es-b', ...onEmulator()], /give --instance-id once for open-https/],
    [['describe-instance', '--instance-id', 'es-a', '--instance-id', 'es-b', ...onEmulator()], /give --instance-id once for describe-instance/],
    [['open-https', 'es-a', '--yes', ...onEmulator()], /--yes is for ensure-https, not open-https/],
    [['open-https', 'es-a', '--all', ...onEmulator()], /--all is for ensure-https, not open-https/],
    [['describe-instance', 'es-a', '--journal', 'j', ...onEmulator()], /--journal is for ensure-https, not describe-instance/],
  ];
  // (In parallel: each is a process of its own that sends nothing.)
  await Promise.all(
    cases.map(async ([args, hint]) => {
      const r = await cli(args, { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '', args.join(' '));
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[0], hint);
      assert.equal(lines[1], "Run 'aliyun-es-https --help' for usage.");
    }),
  );
  // Values the library refuses: exit 2 too, before anything is sent.
  await Promise.all(
    [
      [['ensure-https', '--instance-id', 'es-bad!id', '--yes'], 'InvalidInstanceId', /instance/i],
      [['ensure-https', '--all', '--concurrency', '65', '--yes'], 'InvalidArgument', /concurrency/],
      [['ensure-https', '--all', '--max-rps', '0', '--yes'], 'InvalidArgument', /maxRps .*\b1 to 10000/],
      [['ensure-https', '--all', '--max-rps', '0.5', '--yes'], 'InvalidArgument', /maxRps .*\b1 to 10000/],
      [['ensure-https', '--all', '--max-rps', '10001', '--yes'], 'InvalidArgument', /maxRps .*\b1 to 10000/],
    ].map(async ([args, code, message]) => {
      const r = await cli([...args, ...onEmulator()], { cwd: dir });
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, new RegExp(`^error: ${code}: `));
      assert.match(r.stderr, message);
    }),
  );
  assert.equal(emu.log.length, 0);
  assert.deepEqual(readdirSync(dir), ['empty.txt']);
});

test('--instances-file: ids one or more per line, comments and blank lines ignored, duplicates dropped', async () => {
  const dir = freshDir();
  const [a, b] = OF('http');
  const [c] = OF('https');
  writeFileSync(join(dir, 'ids.txt'), `# the fleet\n${a}\n\n${b} ${c}  # two on a line\n${a}\n`);
  const r = await cli(['ensure-https', '--instances-file', 'ids.txt', '--yes', ...FAST, ...onEmulator()], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(Object.keys(tableRows(r.stdout)), [a, b, c]);
  assert.equal(emu.applied(a) + emu.applied(b), 2);
});

test('--help describes ensure-https, its options and exit code 4', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const text of ['ensure-https --all [--description D]', '--instances-file FILE', '--concurrency N', '--max-rps R', '--dry-run', '--yes', '--journal FILE', 'asked once (y/N) before any change']) {
    assert.ok(r.stdout.includes(text), text);
  }
  assert.ok(!r.stdout.includes('a dry run, then the real run'), 'one plan, no second run');
  assert.match(r.stdout, /\n {2}4 {2}ensure-https: interrupted/);
  assert.ok(existsSync(bin));
});
