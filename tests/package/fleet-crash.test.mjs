// `aliyun-es-https ensure-https` stopped the hard way and the soft way, then resumed from its
// journal: killed with SIGKILL at random moments (a seeded PRNG; the seed is printed, and
// FLEET_CRASH_SEED=<n> replays a run) and restarted with the same journal until it completes;
// and stopped with SIGINT (exit 4), then finished with the resume command it printed. Against
// the emulator with a catalogue of 50 lifecycle instances (20 of them to change: HTTP or busy),
// targeted by description (`catalogue-`, which leaves out the seeded activating-for-ever id).
//
// "Never applied twice" is checked two ways: the emulator's applied count (at most 1 each) —
// which a lifecycle instance cannot exceed anyway, since the emulator refuses a second change
// while one is in progress and answers an HTTPS instance without counting — and, the real
// check, that every OpenHttps an instance ever received carried one and the same clientToken,
// the one first written to the journal for it: a resumed run that forgot a token would send a
// new one, which against the real service could apply the change again.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { generateCatalogue, startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from './packed.mjs';

const KEY = { ALIBABA_CLOUD_ACCESS_KEY_ID: 'testid', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'testsecret' };
const CATALOGUE = generateCatalogue(50);
const ALL = CATALOGUE.map((r) => r.id);
const ELIGIBLE = CATALOGUE.filter((r) => /^catalogue-(http|busy)-/.test(r.description)).map((r) => r.id);
const KILLS = 5;
const CHILD_LIMIT_MS = 30_000;
// Two at once and 100 ms polls: the change phase lasts a few seconds, long enough to be hit.
const RUN = ['ensure-https', '--all', '--description', 'catalogue-', '--yes', '--concurrency', '2', '--poll-interval', '100', '--wait-timeout', '20000'];

let installed;
let bin;
let emu;

before(async () => {
  installed = installPacked('fleet-crash');
  bin = join(installed.project, 'node_modules', '.bin', 'aliyun-es-https');
  emu = await startEmulator({ catalogue: CATALOGUE, activationMs: 300, logLimit: 100_000 });
});

after(async () => {
  await emu?.close();
  installed?.remove();
});

beforeEach(() => emu.reset());

/** mulberry32: a small seeded PRNG, numbers in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function childEnv({ tty = false } = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ALIBABA_CLOUD_')) delete env[k];
  delete env.NODE_OPTIONS;
  // Make the command believe stdin and stderr are terminals (the confirmation is asked).
  if (tty) env.NODE_OPTIONS = '--import=data:text/javascript,process.stdin.isTTY=true;process.stderr.isTTY=true';
  env.PATH = `${join(installed.project, 'node_modules', '.bin')}${delimiter}${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`;
  return { ...env, ...KEY };
}

/**
 * Starts the command (or, with `shell`, a shell command line). Returns the child, its output so
 * far, a promise of its exit, and `changing`: resolves at the first progress line on stderr
 * (the plan is made and the changes have begun) or at the exit. `tty`: stdin and stderr seem
 * terminals, and stdin stays open (until the child exits) for the question to wait on.
 */
function start(args, cwd, { shell = false, tty = false } = {}) {
  const env = childEnv({ tty });
  const child = shell ? spawn('/bin/sh', ['-c', args], { cwd, env }) : spawn(bin, args, { cwd, env });
  const out = { stdout: '', stderr: '' };
  let onChanging;
  const changing = new Promise((resolve) => (onChanging = resolve));
  child.stdout.setEncoding('utf8').on('data', (d) => (out.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => {
    out.stderr += d;
    if (/^es-\S+ (opening|waiting) /m.test(out.stderr)) onChanging();
  });
  if (!tty) child.stdin.end();
  const guard = setTimeout(() => child.kill('SIGKILL'), CHILD_LIMIT_MS);
  const exited = new Promise((resolve) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      onChanging();
      resolve({ code, signal });
    }),
  );
  return { child, out, exited, changing };
}

const records = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l)); // kill -9 cannot tear a line: each is one write() call

/** The first clientToken the journal recorded for each instance. */
function firstTokens(path) {
  const tokens = new Map();
  for (const r of records(path)) {
    if (r.event === 'token' && !tokens.has(r.instanceId)) tokens.set(r.instanceId, r.clientToken);
  }
  return tokens;
}

/** The clientTokens of every OpenHttps the emulator received for `id`. */
const openTokens = (id) =>
  [...new Set(emu.log.filter((e) => e.instanceId === id && e.action === 'OpenHttps').map((e) => e.clientToken))];

/** Every eligible instance is HTTPS, nothing was applied twice, and one token each: the journal's. */
function assertFinalState(journal) {
  const tokens = firstTokens(journal);
  for (const id of ALL) {
    assert.ok(emu.applied(id) <= 1, `${id} applied ${emu.applied(id)} times`);
    if (ELIGIBLE.includes(id)) {
      const view = emu.instance(id);
      assert.deepEqual([view.status, view.protocol], ['active', 'HTTPS'], id);
      assert.equal(emu.applied(id), 1, id);
      assert.deepEqual(openTokens(id), [tokens.get(id)], `${id}: every OpenHttps carried the journaled token`);
    } else {
      assert.equal(emu.requests(id, 'OpenHttps'), 0, id);
    }
  }
}

test(`kill -9 at ${KILLS} random moments, restarting with the same journal until done: all HTTPS, nothing applied twice`, async (t) => {
  const seed = Number(process.env.FLEET_CRASH_SEED) || Math.floor(Math.random() * 2 ** 31);
  const random = prng(seed);
  t.diagnostic(`FLEET_CRASH_SEED=${seed}`);
  console.log(`# fleet-crash: FLEET_CRASH_SEED=${seed}`);
  const dir = mkdtempSync(join(installed.project, 'crash-'));
  const journal = join(dir, 'crash.jsonl');
  const args = [...RUN, '--journal', journal, '--endpoint', emu.url];

  const rounds = [];
  let completed = null;
  for (let round = 1; round <= KILLS && !completed; round++) {
    // A moment within the first half of what is left to change: each unapplied instance takes a
    // worker at least 400 ms (OpenHttps, 300 ms of activation, a 100 ms poll), two at a time, so
    // the rest takes at least remaining × 200 ms and the kill lands before the run can finish.
    const remaining = ELIGIBLE.filter((id) => emu.applied(id) === 0).length;
    const delay = Math.floor(random() * remaining * 100);
    const run = start(args, dir);
    await run.changing;
    if (remaining > 0) await Promise.race([new Promise((resolve) => setTimeout(resolve, delay)), run.exited]);
    else await run.exited; // nothing left to open: let it confirm and finish
    const killed = run.child.exitCode === null && run.child.signalCode === null && run.child.kill('SIGKILL');
    const { code, signal } = await run.exited;
    const tokens = firstTokens(journal).size;
    // tokens > applied: the kill came between a token record and its OpenHttps being applied.
    rounds.push({ round, delay, killed, code, signal, tokens, applied: ELIGIBLE.filter((id) => emu.applied(id) === 1).length });
    if (!killed) {
      assert.equal(code, 0, run.out.stdout + run.out.stderr);
      completed = run;
    } else {
      assert.equal(signal, 'SIGKILL');
    }
  }
  // Then without killing: it completes (once; a second run would only confirm).
  if (!completed) {
    const run = start(args, dir);
    const { code } = await run.exited;
    assert.equal(code, 0, run.out.stdout + run.out.stderr);
    completed = run;
    rounds.push({ round: 'final', code, tokens: firstTokens(journal).size, applied: ELIGIBLE.length });
  }
  for (const r of rounds) t.diagnostic(JSON.stringify(r));
  console.log(`# fleet-crash rounds: ${JSON.stringify(rounds)}`);

  // Each round opens at most about half of what is left (plus the two in flight), so at
  // least the first three kills always hit a run in the middle of its changes (and usually all five).
  assert.ok(rounds.filter((r) => r.killed).length >= 3, JSON.stringify(rounds));
  assert.match(completed.out.stdout, /^result: 50 instances: 40 https \(\d+ changed(, \d+ by an earlier run)?\), 0 failed, 10 cannot, 0 interrupted in \S+$/m);
  assert.match(completed.out.stdout, /resuming .*crash\.jsonl: \d+ records read/);
  assertFinalState(journal);

  // One more run: everything is confirmed with one look each, nothing sent but DescribeInstance.
  const opens = emu.counts().OpenHttps;
  const again = start(args, dir);
  assert.equal((await again.exited).code, 0, again.out.stderr);
  assert.match(again.out.stdout, /^plan: 50 instances: 40 skip, 0 open, 0 busy, 10 cannot, 0 failed$/m);
  assert.equal(emu.counts().OpenHttps, opens);
});

test('Ctrl-C (SIGINT) mid-run: no new change starts, exit 4, the journal holds every token sent; the printed resume command finishes the job', async (t) => {
  const dir = mkdtempSync(join(installed.project, 'sigint-'));
  const run = start([...RUN, '--endpoint', emu.url], dir); // the default journal, in dir
  await run.changing;
  // Let a few changes get going, then interrupt while some are in flight.
  await new Promise((resolve) => {
    const check = setInterval(() => {
      if ((run.out.stderr.match(/ activating /g) ?? []).length >= 3 || run.child.exitCode !== null) {
        clearInterval(check);
        resolve();
      }
    }, 10);
  });
  const startedBefore = new Set([...run.out.stderr.matchAll(/^(es-\S+) (opening|waiting) /gm)].map((m) => m[1]));
  const interruptedAt = performance.now();
  run.child.kill('SIGINT');
  const { code, signal } = await run.exited;
  const stopMs = performance.now() - interruptedAt;
  assert.equal(signal, null, run.out.stderr);
  assert.equal(code, 4, run.out.stdout + run.out.stderr);
  assert.ok(stopMs < 5000, `stopped within ${Math.round(stopMs)} ms`);

  assert.match(run.out.stderr, /^aliyun-es-https: stopping: no new instance starts; \d+ in flight end after their current request \(Ctrl-C again quits at once\)$/m);
  const m = /^aliyun-es-https: interrupted: (\d+) instances? not finished; the journal has every clientToken sent\. Resume with:\n {2}(.+)\n$/m.exec(run.out.stderr);
  assert.ok(m, run.out.stderr);
  const [, notFinished, resume] = m;
  const [file] = readdirSync(dir);
  const journal = join(dir, file);
  assert.equal(resume, `aliyun-es-https ${RUN.join(' ')} --endpoint ${emu.url} --journal ${journal}`);
  // The summary still came, with the interrupted ones.
  assert.match(run.out.stdout, new RegExp(`^result: 50 instances: \\d+ https \\(\\d+ changed(, \\d+ by an earlier run)?\\), 0 failed, 10 cannot, ${notFinished} interrupted in \\S+$`, 'm'));
  assert.ok(Number(notFinished) > 0);

  // No new instance started after Ctrl-C (those already going may have been reported late).
  const startedAll = new Set([...run.out.stderr.matchAll(/^(es-\S+) (opening|waiting) /gm)].map((m) => m[1]));
  assert.ok(startedAll.size <= startedBefore.size + 2, `${startedBefore.size} started before, ${startedAll.size} in all`);
  // The journal is complete: every OpenHttps sent is on record with its token; every instance
  // with a token is either recorded done or left for the resume (and the emulator knows it).
  const tokens = firstTokens(journal);
  const done = new Set(records(journal).filter((r) => r.event === 'done').map((r) => r.instanceId));
  for (const id of ELIGIBLE) {
    for (const token of openTokens(id)) assert.equal(token, tokens.get(id), `${id}: OpenHttps sent with a journaled token`);
  }
  const pending = [...tokens.keys()].filter((id) => !done.has(id));
  t.diagnostic(`interrupted: ${tokens.size} tokens, ${done.size} done records, ${pending.length} pending`);
  assert.ok(tokens.size < ELIGIBLE.length, 'stopped before the end');

  // The printed command, as a user would paste it.
  const resumed = start(resume, dir, { shell: true });
  const after = await resumed.exited;
  assert.equal(after.code, 0, resumed.out.stdout + resumed.out.stderr);
  assert.match(resumed.out.stdout, new RegExp(`resuming ${journal.replace(/[.]/g, '\\.')}: \\d+ records read`));
  assert.match(resumed.out.stdout, /^result: 50 instances: 40 https \(\d+ changed(, \d+ by an earlier run)?\), 0 failed, 10 cannot, 0 interrupted in \S+$/m);
  assertFinalState(journal);
  // The pending ones kept their tokens (no second token was ever recorded for them).
  for (const id of pending) {
    const all = records(journal).filter((r) => r.event === 'token' && r.instanceId === id).map((r) => r.clientToken);
    assert.deepEqual([...new Set(all)], [tokens.get(id)], id);
  }
});

test('a second Ctrl-C quits at once (exit 130) while a request hangs; the journal resumes', async () => {
  // The first look at this instance gets no answer (the emulator's `hang` fault) until the
  // command's own 10 s timeout: after the first Ctrl-C the run waits for that request, so it
  // is still going when the second one comes.
  const hanging = `es-fault-hangx1-${randomUUID()}`;
  const dir = mkdtempSync(join(installed.project, 'sigint2-'));
  const journal = join(dir, 'twice.jsonl');
  const ids = [...ELIGIBLE.slice(0, 4), hanging];
  const args = ['ensure-https', ...ids.flatMap((id) => ['--instance-id', id]), '--yes', '--poll-interval', '100', '--journal', journal, '--endpoint', emu.url];
  const run = start(args, dir);
  const deadline = performance.now() + 10_000;
  while (emu.requests(hanging) === 0 && run.child.exitCode === null && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(emu.requests(hanging), 1, run.out.stderr);
  run.child.kill('SIGINT');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(run.child.exitCode, null, 'still waiting for the request in flight after the first Ctrl-C');
  const secondAt = performance.now();
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 130, run.out.stdout + run.out.stderr);
  assert.ok(performance.now() - secondAt < 1000);
  assert.match(run.out.stderr, new RegExp(`^aliyun-es-https: stopped at once; resume with --journal ${journal.replace(/[.]/g, '\\.')}$`, 'm'));
  assert.deepEqual(records(journal).map((r) => r.event), ['run'], 'planning: nothing opened yet');
  assert.equal(emu.counts().OpenHttps, 0);

  const resumed = start(args, dir);
  assert.equal((await resumed.exited).code, 0, resumed.out.stdout + resumed.out.stderr);
  for (const id of ids) {
    assert.equal(emu.applied(id), 1, id);
    assert.deepEqual(openTokens(id), [firstTokens(journal).get(id)], id);
  }
});

test('Ctrl-C at the confirmation question: nothing changed, exit 4, no journal left', async () => {
  const ids = ELIGIBLE.slice(0, 3);
  const args = ['ensure-https', ...ids.flatMap((id) => ['--instance-id', id]), '--poll-interval', '100', '--endpoint', emu.url];
  const asked = (run) =>
    new Promise((resolve) => {
      const check = setInterval(() => {
        if (run.out.stderr.includes('[y/N] ') || run.child.exitCode !== null) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });

  const dir = mkdtempSync(join(installed.project, 'question-'));
  const run = start(args, dir, { tty: true });
  await asked(run);
  assert.match(run.out.stderr, /Turn HTTPS on for 3 instances\? \[y\/N\] $/);
  assert.match(run.out.stdout, /^plan: 3 instances: 0 skip, 3 open, 0 busy, 0 cannot, 0 failed$/m);
  assert.equal(run.child.exitCode, null, 'waiting for the answer');
  run.child.kill('SIGINT');
  const { code, signal } = await run.exited;
  assert.deepEqual([code, signal], [4, null], run.out.stdout + run.out.stderr);
  assert.match(run.out.stderr, /\naliyun-es-https: nothing was changed\n$/);
  assert.doesNotMatch(run.out.stderr, /stopping:|Resume with/, 'nothing to stop or resume');
  assert.equal(emu.counts().OpenHttps, 0);
  assert.deepEqual(readdirSync(dir), [], 'the new journal is removed');
});
