// The benchmark itself, started by scripts/bench.sh once everything is installed: compares
// aliyun-es-https ("ours", the packed pkg/) with the official SDK @alicloud/elasticsearch20170613
// ("official"), prints a table and writes bench/results/latest.json.
//
// Environment (set by scripts/bench.sh):
//   BENCH_OURS_DIR           project with the packed tarball installed
//   BENCH_OFFICIAL_DIR       bench/official (the pinned SDK install used for the runs)
//   BENCH_OFFICIAL_PROJECT   a fresh `npm ci` copy of it, for the installed-size figures
//   BENCH_TARBALL            the `npm pack pkg/` tarball
//   BENCH_QUICK=1            short settings (development)
//
// Every measurement of a library runs in a child process that loads only that library.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runCheck } from './check.mjs';
import { footprint } from './footprint.mjs';
import { median, OFFICIAL_DIR, OURS_DIR } from './lib.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const quick = process.env.BENCH_QUICK === '1';
const settings = quick
  ? { signRuns: 3, signSeconds: 0.3, e2eRequests: 500, e2eWarmup: 50, e2eRounds: 1, coldLaunches: 3 }
  : { signRuns: 5, signSeconds: 1, e2eRequests: 5000, e2eWarmup: 500, e2eRounds: 5, coldLaunches: 5 };
const CONCURRENCY = [1, 32];
// Clock ticks per second of /proc/PID/stat CPU times (for the emulator's CPU use).
let CLK_TCK = '100';
try { CLK_TCK = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(); } catch { /* keep 100 */ }
let failed = false;

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

/** Runs `node args…` to completion; resolves to its stdout (rejects with its stderr). */
function node(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} failed (${code}): ${err.trim()}`))));
  });
}

/** A child's JSON report: its last stdout line. */
const lastJson = (out) => JSON.parse(out.trim().split('\n').pop());

/** The emulator in a process of its own (so it never shares the client's CPU accounting). */
async function startEmulator() {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-emu-'));
  const portFile = join(dir, 'port');
  const child = spawn(process.execPath, ['emulator/server.mjs', '--port-file', portFile], { cwd: root, stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(portFile); i += 1) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(portFile)) throw new Error('the emulator did not start');
  const port = Number(readFileSync(portFile, 'utf8').trim());
  rmSync(dir, { recursive: true, force: true });
  const admin = async (method, path) => (await fetch(`http://127.0.0.1:${port}${path}`, { method })).json();
  return { port, child, reset: () => admin('POST', '/__emulator/reset'), instance: (id) => admin('GET', `/__emulator/instances/${id}`) };
}

// ---------------------------------------------------------------------------------------------
// The measurements
// ---------------------------------------------------------------------------------------------

async function signing() {
  const out = {};
  // `cargo bench --bench sign` lines: "native sign v3: 3412 ns per signature (…)".
  if (process.env.BENCH_NATIVE) {
    for (const [, version, ns] of readFileSync(process.env.BENCH_NATIVE, 'utf8').matchAll(/native sign (v\d): (\d+) ns/g)) {
      out[`native.${version}`] = { opsPerSec: 1e9 / Number(ns) };
      console.log(`  sign ${version} native core (cargo bench) ${Number(ns).toLocaleString('en-US')} ns per signature`);
    }
  }
  for (const version of ['v3', 'v1']) {
    for (const client of ['ours', 'official']) {
      const r = lastJson(await node(['bench/sign.mjs', '--client', client, '--version', version,
        '--runs', String(settings.signRuns), '--seconds', String(settings.signSeconds)]));
      out[`${client}.${version}`] = r;
      console.log(`  sign ${version} ${client.padEnd(8)} ${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s (runs: ${r.runs.join(', ')})`);
    }
  }
  return out;
}

async function endToEnd(emu) {
  // The emulator's own warm-up (its JIT), discarded: otherwise the first measured run pays
  // for it — the emulator then used about 50% more CPU per request than in later runs.
  for (const client of ['official', 'ours']) {
    await emu.reset();
    await node(['bench/e2e.mjs', '--client', client, '--port', String(emu.port), '--concurrency', '8',
      '--requests', String(settings.e2eRequests), '--warmup', '0']);
  }
  console.log('  (emulator warmed up with a discarded run of each client)');
  const runs = {};
  for (const concurrency of CONCURRENCY) {
    // Several rounds, the contenders' order swapped every round: whoever runs first on this
    // 2-core machine was seen to gain or lose up to 10% (CPU clocks, caches, the emulator's
    // warm-up), so one run each would measure the order as much as the libraries.
    for (let round = 0; round < settings.e2eRounds; round += 1) {
      // 'fetch' is a reference (our signer + bare fetch), not a contender.
      const order = round % 2 === 0 ? ['ours', 'official', 'fetch'] : ['official', 'ours', 'fetch'];
      for (const client of order) {
        await emu.reset(); // fresh nonce table, log and clientToken records for every run
        const r = lastJson(await node(['bench/e2e.mjs', '--client', client, '--port', String(emu.port),
          '--concurrency', String(concurrency), '--requests', String(settings.e2eRequests), '--warmup', String(settings.e2eWarmup),
          '--emu-pid', String(emu.child.pid), '--clk-tck', CLK_TCK]));
        // The emulator's own count: every call applied exactly once.
        r.emulatorApplied = (await emu.instance(r.instanceId)).applied;
        const expected = settings.e2eRequests + settings.e2eWarmup;
        if (r.errors || r.emulatorApplied !== expected) failed = true;
        (runs[`${client}.c${concurrency}`] ??= []).push(r);
        console.log(`  e2e c=${String(concurrency).padEnd(2)} round ${round + 1} ${client.padEnd(8)} ${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, ` +
          `p99 ${r.p99Ms.toFixed(2)} ms, client CPU ${r.clientCpuUsPerCall.toFixed(0)} µs/call, ` +
          `emulator busy ${r.emulatorBusy === null ? '?' : `${(r.emulatorBusy * 100).toFixed(0)}%`}, max RSS ${(r.maxRssKiB / 1024).toFixed(1)} MiB, errors ${r.errors}` +
          `${r.firstError ? ` (${r.firstError})` : ''}, emulator applied ${r.emulatorApplied}/${expected}`);
      }
    }
  }
  // Per client and concurrency: the median of each figure over the rounds (peak RSS: the
  // highest), with every round kept for the JSON.
  const out = {};
  for (const [key, rs] of Object.entries(runs)) {
    const med = (f) => median(rs.map(f));
    const busy = rs.map((r) => r.emulatorBusy);
    out[key] = {
      rps: med((r) => r.rps),
      p50Ms: med((r) => r.p50Ms),
      p99Ms: med((r) => r.p99Ms),
      clientCpuUsPerCall: med((r) => r.clientCpuUsPerCall),
      emulatorBusy: busy.includes(null) ? null : median(busy),
      maxRssKiB: Math.max(...rs.map((r) => r.maxRssKiB)),
      errors: rs.reduce((n, r) => n + r.errors, 0),
      rounds: rs,
    };
  }
  return out;
}

async function coldStart(emu) {
  const modes = [
    ['baseline'],
    ['ours', 'sign'], ['official', 'sign'],
    ['ours', 'request', String(emu.port)], ['official', 'request', String(emu.port)],
  ];
  const samples = Object.fromEntries(modes.map((m) => [m.slice(0, 2).join('.'), []]));
  const rss = Object.fromEntries(modes.map((m) => [m.slice(0, 2).join('.'), []]));
  // Interleaved, so a slow moment of the machine hits every mode alike.
  for (let i = 0; i < settings.coldLaunches; i += 1) {
    for (const mode of modes) {
      const t0 = performance.timeOrigin + performance.now();
      const [t1, maxRssKiB] = (await node(['bench/cold.cjs', ...mode])).trim().split(' ').map(Number);
      samples[mode.slice(0, 2).join('.')].push(t1 - t0);
      rss[mode.slice(0, 2).join('.')].push(maxRssKiB);
    }
  }
  const out = {};
  for (const [name, values] of Object.entries(samples)) {
    out[name] = { medianMs: median(values), samplesMs: values.map((v) => Number(v.toFixed(1))), maxRssKiB: median(rss[name]) };
    console.log(`  cold ${name.padEnd(17)} median ${median(values).toFixed(1)} ms (${out[name].samplesMs.join(', ')}), ` +
      `peak RSS then ${(out[name].maxRssKiB / 1024).toFixed(1)} MiB`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

const fmtInt = (v) => Math.round(v).toLocaleString('en-US');
const fmtMs = (v) => v.toFixed(v < 10 ? 2 : 1);
const fmtBytes = (v) => (v >= 1024 * 1024 ? `${(v / 1048576).toFixed(2)} MiB` : `${(v / 1024).toFixed(1)} KiB`);

/** A row: [metric, ours, official, ratio ours/official, which is better]. */
function row(metric, ours, official, better, fmt) {
  if (typeof ours !== 'number' || typeof official !== 'number') {
    return [metric, typeof ours === 'number' ? fmt(ours) : String(ours), typeof official === 'number' ? fmt(official) : String(official), '—', '—'];
  }
  const ratio = ours / official;
  const oursWins = better === 'higher' ? ratio > 1 : ratio < 1;
  const factor = ratio >= 1 ? ratio : 1 / ratio;
  const verdict = Math.abs(ratio - 1) < 0.02 ? 'even' : `${oursWins ? 'ours' : 'official'} ×${factor.toFixed(factor < 10 ? 2 : 1)}`;
  return [metric, fmt(ours), fmt(official), ratio.toFixed(ratio < 0.1 ? 4 : 2), `${better} is better → ${verdict}`];
}

function table(results) {
  const { sign, e2e, cold, size } = results;
  const rows = [];
  const section = (title) => rows.push([title]);
  section(`signing in Node, one request each (median of ${settings.signRuns} × ${settings.signSeconds} s)`);
  for (const v of ['v3', 'v1']) {
    rows.push(row(`  sign ${v.toUpperCase()} (ops/s)`, sign[`ours.${v}`].opsPerSec, sign[`official.${v}`].opsPerSec, 'higher', fmtInt));
  }
  for (const v of ['v3', 'v1']) {
    const ns = (k) => 1e9 / sign[k].opsPerSec;
    if (sign[`native.${v}`]) {
      rows.push([`  sign ${v.toUpperCase()} (ns per signature)`, `${fmtInt(ns(`ours.${v}`))}`, fmtInt(ns(`official.${v}`)), '—',
        `ours natively (Rust, no wasm, no JS): ${fmtInt(ns(`native.${v}`))}, so ${fmtInt(ns(`ours.${v}`) - ns(`native.${v}`))} ns are the wasm and its JS boundary`]);
    }
  }
  section(`end to end against the emulator (${settings.e2eRequests} calls after ${settings.e2eWarmup} warm-up; median of ${settings.e2eRounds} rounds)`);
  for (const c of CONCURRENCY) {
    const o = e2e[`ours.c${c}`];
    const t = e2e[`official.c${c}`];
    rows.push(row(`  concurrency ${c}: requests/s`, o.rps, t.rps, 'higher', fmtInt));
    rows.push(row(`  concurrency ${c}: p50 latency (ms)`, o.p50Ms, t.p50Ms, 'lower', fmtMs));
    rows.push(row(`  concurrency ${c}: p99 latency (ms)`, o.p99Ms, t.p99Ms, 'lower', fmtMs));
    rows.push(row(`  concurrency ${c}: client CPU per call (µs)`, o.clientCpuUsPerCall, t.clientCpuUsPerCall, 'lower', fmtInt));
  }
  for (const c of CONCURRENCY) {
    rows.push(row(`  peak RSS, concurrency ${c}`, e2e[`ours.c${c}`].maxRssKiB * 1024, e2e[`official.c${c}`].maxRssKiB * 1024, 'lower', fmtBytes));
  }
  section(`cold start: process start → first result (median of ${settings.coldLaunches} launches; node alone: ${fmtMs(cold.baseline.medianMs)} ms)`);
  rows.push(row('  to first signature (ms)', cold['ours.sign'].medianMs, cold['official.sign'].medianMs, 'lower', fmtMs));
  rows.push(row('  to first openHttps answer (ms)', cold['ours.request'].medianMs, cold['official.request'].medianMs, 'lower', fmtMs));
  section('footprint');
  rows.push(row('  installed node_modules', size.ours.installed.bytes, size.official.installed.bytes, 'lower', fmtBytes));
  rows.push(row('  packages installed', size.ours.installed.packages, size.official.installed.packages, 'lower', fmtInt));
  for (const p of ['node', 'browser']) {
    const o = size.ours[p];
    const t = size.official[p];
    rows.push(row(`  ${p} bundle, min+gzip (ours: JS + wasm)`,
      o.ok ? o.totalGzip : 'fails', t.ok ? t.totalGzip : 'fails to bundle', 'lower', fmtBytes));
  }
  const widths = [44, 13, 17, 14];
  return [
    ['metric', 'ours', 'official', 'ours/official', 'better'],
    ...rows,
  ].map((r) => (r.length === 1 ? r[0] : r.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join(' ').trimEnd())).join('\n');
}

function notes(results) {
  const { e2e, size } = results;
  const lines = [];
  for (const c of CONCURRENCY) {
    const busy = ['ours', 'official'].map((k) => e2e[`${k}.c${c}`].emulatorBusy);
    if (busy.every((b) => b !== null)) {
      lines.push(`emulator CPU during the concurrency-${c} runs: ${busy.map((b) => `${(b * 100).toFixed(0)}%`).join(' (ours) / ')} (official) of one core` +
        `${busy.some((b) => b > 0.85) ? ' — near saturation: there requests/s measure the emulator as much as the client; client CPU per call does not' : ''}`);
    }
  }
  for (const c of CONCURRENCY) {
    const [o, t] = ['ours', 'official'].map((k) => e2e[`${k}.c${c}`].rounds);
    if (o.length > 1) {
      lines.push(`requests/s ours/official round by round, concurrency ${c}: ` +
        o.map((r, i) => (r.rps / t[i].rps).toFixed(2)).join(', '));
    }
  }
  for (const c of CONCURRENCY) {
    const f = e2e[`fetch.c${c}`];
    const o = e2e[`ours.c${c}`];
    lines.push(`reference, concurrency ${c}: signOpenHttps + bare fetch (no Client) ${f.rps.toFixed(0)} req/s, p50 ${fmtMs(f.p50Ms)} ms, ` +
      `client CPU ${fmtInt(f.clientCpuUsPerCall)} µs/call — ` +
      `the Client runs at ${((o.rps / f.rps) * 100).toFixed(0)}% of that; both clients send with node:http in Node (the official SDK through httpx, ours through its own keep-alive transport)`);
  }
  const mib = (name) => `${(results.cold[name].maxRssKiB / 1024).toFixed(1)} MiB`;
  lines.push(`peak RSS of a fresh process: node alone ${mib('baseline')}; after the first signature ours ${mib('ours.sign')}, ` +
    `official ${mib('official.sign')}; after the first openHttps ours ${mib('ours.request')}, official ${mib('official.request')}`);
  lines.push(`ours: tarball ${fmtBytes(size.ours.tarballBytes)}; wasm ${fmtBytes(size.ours.node.wasmBytes ?? 0)} raw, ${fmtBytes(size.ours.node.wasmGzip ?? 0)} gzip; ` +
    `JS gzip node ${fmtBytes(size.ours.node.jsGzip ?? 0)}, browser ${fmtBytes(size.ours.browser.jsGzip ?? 0)}`);
  for (const [who, s] of [['ours', size.ours], ['official', size.official]]) {
    for (const p of ['node', 'browser']) {
      const b = s[p];
      if (!b.ok) lines.push(`${who} ${p} bundle: esbuild fails (${b.errors} errors), the first: ${b.error}`);
      else if (p === 'node') lines.push(`${who} node bundle: ${fmtBytes(b.jsBytes)} minified; runs against the emulator: ${b.runs === true ? 'yes' : `NO (${b.runs})`}`);
    }
  }
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

const started = Date.now();
const versions = {
  ours: JSON.parse(readFileSync(join(OURS_DIR, 'node_modules/aliyun-es-https/package.json'), 'utf8')).version,
  official: JSON.parse(readFileSync(join(OFFICIAL_DIR, 'node_modules/@alicloud/elasticsearch20170613/package.json'), 'utf8')).version,
  openapiCore: JSON.parse(readFileSync(join(OFFICIAL_DIR, 'node_modules/@alicloud/openapi-core/package.json'), 'utf8')).version,
  node: process.version,
};
let commit = null;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain', '--', 'src', 'pkg-template', 'Cargo.toml'], { cwd: root, encoding: 'utf8' }).trim()) commit += '+dirty';
} catch { /* not a git checkout */ }
console.log(`bench: aliyun-es-https ${versions.ours} (${commit ?? 'no git'}) vs @alicloud/elasticsearch20170613 ${versions.official} ` +
  `(openapi-core ${versions.openapiCore}), node ${versions.node}, ${os.cpus().length} CPUs${quick ? ', QUICK settings' : ''}`);

const check = runCheck();
console.log(check.lines.join('\n'));
if (!check.ok) failed = true;

const emu = await startEmulator();
const results = { check: check.results };
try {
  console.log('signing throughput…');
  results.sign = await signing();
  console.log(`end to end (emulator on 127.0.0.1:${emu.port}, separate process)…`);
  results.e2e = await endToEnd(emu);
  console.log('cold start…');
  results.cold = await coldStart(emu);
  console.log('footprint…');
  results.size = footprint({
    oursProject: OURS_DIR,
    officialProject: process.env.BENCH_OFFICIAL_PROJECT,
    tarball: process.env.BENCH_TARBALL,
    port: emu.port,
  });
} finally {
  emu.child.kill('SIGTERM');
}

const printed = table(results);
const notesText = notes(results);
console.log(`\n${printed}\n\n${notesText}`);

const outDir = join(here, 'results');
mkdirSync(outDir, { recursive: true });
const json = {
  date: new Date(started).toISOString(),
  seconds: (Date.now() - started) / 1000,
  commit,
  versions,
  machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, platform: `${os.platform()} ${os.arch()}`, loadavg: os.loadavg() },
  settings: { ...settings, concurrency: CONCURRENCY, quick },
  ok: !failed,
  ...results,
  table: printed.split('\n'),
  notes: notesText.split('\n'),
};
writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
// A dated copy too, so earlier runs stay around for comparison.
writeFileSync(join(outDir, `${json.date.replace(/[:.]/g, '-')}-${versions.ours}.json`), `${JSON.stringify(json, null, 2)}\n`);
console.log(`\nbench: wrote bench/results/latest.json (${json.seconds.toFixed(0)} s)${failed ? ' — FAILED: see the check / errors above' : ''}`);
process.exitCode = failed ? 1 : 0;
