// The benchmark itself, started by scripts/bench.sh once everything is installed: compares
// aliyun-es-https ("ours", the packed pkg/) with the official SDK @alicloud/elasticsearch20170613
// ("official") and, end to end, with the least-work client ("limit", bench/limit.mjs: the same
// request with node:crypto and node:http, nothing more), V3 and V1; prints a table and writes
// bench/results/latest.json.
//
// Environment (set by scripts/bench.sh):
//   BENCH_OURS_DIR           project with the packed tarball installed
//   BENCH_OFFICIAL_DIR       bench/official (the pinned SDK install used for the runs)
//   BENCH_OFFICIAL_PROJECT   a fresh `npm ci` copy of it, for the installed-size figures
//   BENCH_TARBALL            the `npm pack pkg/` tarball
//   BENCH_QUICK=1            short settings (development)
//
// Every measurement of a library runs in a child process that loads only that library.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { runCheck } from './check.mjs';
import { footprint } from './footprint.mjs';
import { lastJson, median, node, OFFICIAL_DIR, OURS_DIR, startEmulator } from './lib.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..');
const quick = process.env.BENCH_QUICK === '1';
const settings = quick
  // Two rounds even here, so the rotation and the per-round ratios run too.
  ? { signRuns: 3, signSeconds: 0.3, e2eRequests: 500, e2eWarmup: 50, e2eRounds: 2, coldLaunches: 3, curveWindows: 4, curveWindow: 250, curveRounds: 1 }
  : { signRuns: 5, signSeconds: 1, e2eRequests: 5000, e2eWarmup: 500, e2eRounds: 5, coldLaunches: 11, curveWindows: 12, curveWindow: 1000, curveRounds: 3 };
const CONCURRENCY = [1, 32];
const VERSIONS = ['v3', 'v1'];
/** End to end: the package, the official SDK and the least-work client (bench/limit.mjs). */
const CONTENDERS = ['ours', 'official', 'limit'];
// Clock ticks per second of /proc/PID/stat CPU times (for the emulator's CPU use).
let CLK_TCK = '100';
try { CLK_TCK = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(); } catch { /* keep 100 */ }
let failed = false;

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

/** One e2e.mjs process against the emulator, reset first; checked against the emulator's records. */
async function e2eRun(emu, { client, version, concurrency, requests, warmup, measure = true }) {
  await emu.reset(); // fresh nonce table, log and clientToken records for every run
  const r = lastJson(await node(['bench/e2e.mjs', '--client', client, '--version', version, '--port', String(emu.port),
    '--concurrency', String(concurrency), '--requests', String(requests), '--warmup', String(warmup),
    ...(measure ? ['--emu-pid', String(emu.child.pid), '--clk-tck', CLK_TCK] : [])]));
  // The emulator's own count: every call applied exactly once. And its own word on how each
  // call was signed (its log keeps the last 1000 requests): the version asked for, only.
  r.emulatorApplied = (await emu.instance(r.instanceId)).applied;
  r.emulatorSignatureVersions = [...new Set((await emu.log()).filter((e) => e.instanceId === r.instanceId).map((e) => e.signatureVersion))];
  r.expected = requests + warmup;
  r.ok = !r.errors && r.emulatorApplied === r.expected &&
    r.emulatorSignatureVersions.length === 1 && r.emulatorSignatureVersions[0] === version;
  if (!r.ok) failed = true;
  return r;
}

/** The figures compared per end-to-end row, and which way is better. */
const E2E_METRICS = [
  ['rps', 'higher'], ['p50Ms', 'lower'], ['p99Ms', 'lower'], ['clientCpuUsPerCall', 'lower'],
];

async function endToEnd(emu) {
  // The emulator's own warm-up (its JIT, both signature checks), discarded: otherwise the
  // first measured run pays for it — the emulator then used about 50% more CPU per request
  // than in later runs.
  for (const version of VERSIONS) {
    for (const client of CONTENDERS) {
      await e2eRun(emu, { client, version, concurrency: 8, requests: settings.e2eRequests, warmup: 0, measure: false });
    }
  }
  console.log('  (emulator warmed up with a discarded run of each contender, V3 and V1)');
  const runs = {};
  for (const concurrency of CONCURRENCY) {
    for (const version of VERSIONS) {
      // Several rounds, the contenders' order rotated every round: whoever runs first on this
      // 2-core machine was seen to gain or lose up to 10% (CPU clocks, caches, the emulator's
      // warm-up), so one run each would measure the order as much as the libraries.
      for (let round = 0; round < settings.e2eRounds; round += 1) {
        const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
        // 'bare' is a reference (our signer + our transport, no Client), not a contender:
        // V3 only, last.
        if (version === 'v3') order.push('bare');
        for (const client of order) {
          const r = await e2eRun(emu, { client, version, concurrency, requests: settings.e2eRequests, warmup: settings.e2eWarmup });
          (runs[`${client}.${version}.c${concurrency}`] ??= []).push(r);
          console.log(`  e2e ${version.toUpperCase()} c=${String(concurrency).padEnd(2)} round ${round + 1} ${client.padEnd(8)} ` +
            `${r.rps.toFixed(0)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, ` +
            `client CPU ${r.clientCpuUsPerCall.toFixed(0)} µs/call, ` +
            `emulator busy ${r.emulatorBusy === null ? '?' : `${(r.emulatorBusy * 100).toFixed(0)}%`}, max RSS ${(r.maxRssKiB / 1024).toFixed(1)} MiB, errors ${r.errors}` +
            `${r.firstError ? ` (${r.firstError})` : ''}, emulator applied ${r.emulatorApplied}/${r.expected}, ` +
            `signed ${r.emulatorSignatureVersions.join('+') || 'nothing logged'}${r.ok ? '' : ' ✗'}`);
        }
      }
    }
  }
  // Per client, version and concurrency: the median of each figure over the rounds (peak
  // RSS: the highest), with every round kept for the JSON.
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
  // The ratios ours/official and ours/limit per row: the median of the per-round ratios (each
  // round's runs are minutes apart at most, so a slow spell of the machine cancels out).
  const ratios = {};
  for (const version of VERSIONS) {
    for (const c of CONCURRENCY) {
      const row = `${version}.c${c}`;
      const [o, t, l] = CONTENDERS.map((k) => out[`${k}.${row}`].rounds);
      const perRound = (other) => Object.fromEntries(E2E_METRICS.map(([m]) => [m, o.map((r, i) => r[m] / other[i][m])]));
      const rounds = { oursOverOfficial: perRound(t), oursOverLimit: perRound(l) };
      const medians = (x) => Object.fromEntries(Object.entries(x).map(([m, values]) => [m, median(values)]));
      ratios[row] = {
        oursOverOfficial: medians(rounds.oursOverOfficial),
        oursOverLimit: medians(rounds.oursOverLimit),
        rounds,
      };
    }
  }
  return { runs: out, ratios };
}

/**
 * The warm-up curve: client CPU per call and requests/s in successive windows of a fresh
 * process's calls (concurrency 32, V3 and V1), each contender in rounds in rotated order, the
 * median per window. The end-to-end rows measure calls 500–5500 of a process, where V8 is
 * still compiling every contender's hot code (CPU per call falls by a factor of 3 to 5 over
 * the first few thousand calls); the curve shows that regime and where each contender
 * settles: "steady" is the median over the second half of the windows.
 */
async function warmupCurve(emu) {
  const runs = {};
  for (const version of VERSIONS) {
    for (let round = 0; round < settings.curveRounds; round += 1) {
      const order = CONTENDERS.map((_, i) => CONTENDERS[(i + round) % CONTENDERS.length]);
      for (const client of order) {
        await emu.reset();
        const r = lastJson(await node(['bench/e2e.mjs', '--client', client, '--version', version, '--port', String(emu.port),
          '--concurrency', '32', '--requests', String(settings.curveWindow), '--windows', String(settings.curveWindows)]));
        // Every call answered Result: true and applied once, as in the end-to-end runs.
        const applied = (await emu.instance(r.instanceId)).applied;
        if (r.errors || applied !== settings.curveWindow * settings.curveWindows) {
          failed = true;
          console.log(`  warm-up ${version} ${client}: ${r.errors} errors (${r.firstError}), applied ${applied} ✗`);
        }
        (runs[`${client}.${version}`] ??= []).push(r.windows);
      }
    }
  }
  const out = {};
  for (const [key, rounds] of Object.entries(runs)) {
    const perWindow = (m) => rounds[0].map((_, w) => median(rounds.map((r) => r[w][m])));
    const cpu = perWindow('cpuUsPerCall');
    const rps = perWindow('rps');
    const steady = (xs) => median(xs.slice(Math.floor(xs.length / 2)));
    out[key] = { cpuUsPerCall: cpu, rps, steadyCpuUsPerCall: steady(cpu), steadyRps: steady(rps), rounds };
    console.log(`  warm-up ${key.padEnd(12)} client CPU µs/call, window by window of ${settings.curveWindow} calls: ${cpu.map((x) => Math.round(x)).join(' ')}`);
  }
  return out;
}

/** The two ways a script loads a library: `require` (cold.cjs) and `import` (cold.mjs). */
const LOADERS = [['require', 'bench/cold.cjs'], ['import', 'bench/cold.mjs']];

async function coldStart(emu) {
  const modes = [
    ['baseline'],
    ['ours', 'sign'], ['official', 'sign'],
    ['ours', 'request', String(emu.port)], ['official', 'request', String(emu.port)],
  ];
  const runs = LOADERS.flatMap(([loader, script]) => modes.map((m) => ({ name: [loader, ...m.slice(0, 2)].join('.'), args: [script, ...m] })));
  const samples = Object.fromEntries(runs.map((r) => [r.name, []]));
  const rss = Object.fromEntries(runs.map((r) => [r.name, []]));
  // Interleaved, so a slow moment of the machine hits every mode alike.
  for (let i = 0; i < settings.coldLaunches; i += 1) {
    for (const run of runs) {
      const t0 = performance.timeOrigin + performance.now();
      const [t1, maxRssKiB] = (await node(run.args)).trim().split(' ').map(Number);
      samples[run.name].push(t1 - t0);
      rss[run.name].push(maxRssKiB);
    }
  }
  const out = {};
  for (const [name, values] of Object.entries(samples)) {
    out[name] = { medianMs: median(values), samplesMs: values.map((v) => Number(v.toFixed(1))), maxRssKiB: median(rss[name]) };
    console.log(`  cold ${name.padEnd(25)} median ${median(values).toFixed(1)} ms (${out[name].samplesMs.join(', ')}), ` +
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

const fmtRatio = (r) => (Number.isFinite(r) ? r.toFixed(r < 0.1 ? 4 : 2) : '—');

/**
 * A row: [metric, ours, official, limit, ours/official, ours/limit, which is better].
 * `limit` and the ratios are optional (the limit client is only an end-to-end contender); the
 * ratios default to the ratio of the values shown.
 */
function row(metric, ours, official, better, fmt, { limit, ratio, limitRatio } = {}) {
  const cell = (v) => (v === undefined ? '' : typeof v === 'number' ? fmt(v) : String(v));
  const cells = [metric, cell(ours), cell(official), cell(limit)];
  const limitCell = limit === undefined ? '' : fmtRatio(limitRatio ?? ours / limit);
  if (typeof ours !== 'number' || typeof official !== 'number') return [...cells, '—', limitCell, '—'];
  const r = ratio ?? ours / official;
  const oursWins = better === 'higher' ? r > 1 : r < 1;
  const factor = r >= 1 ? r : 1 / r;
  const verdict = Math.abs(r - 1) < 0.02 ? 'even' : `${oursWins ? 'ours' : 'official'} ×${factor.toFixed(factor < 10 ? 2 : 1)}`;
  return [...cells, fmtRatio(r), limitCell, `${better} is better → ${verdict}`];
}

function table(results) {
  const { sign, e2e, e2eRatios, curve, cold, size } = results;
  const rows = [];
  const section = (title) => rows.push([title]);
  section(`signing in Node, one request each (median of ${settings.signRuns} × ${settings.signSeconds} s)`);
  for (const v of VERSIONS) {
    rows.push(row(`  sign ${v.toUpperCase()} (ops/s)`, sign[`ours.${v}`].opsPerSec, sign[`official.${v}`].opsPerSec, 'higher', fmtInt));
  }
  for (const v of VERSIONS) {
    const ns = (k) => 1e9 / sign[k].opsPerSec;
    if (sign[`native.${v}`]) {
      rows.push([`  sign ${v.toUpperCase()} (ns per signature)`, `${fmtInt(ns(`ours.${v}`))}`, fmtInt(ns(`official.${v}`)), '', '—', '',
        `ours natively (Rust, no wasm, no JS): ${fmtInt(ns(`native.${v}`))}, so ${fmtInt(ns(`ours.${v}`) - ns(`native.${v}`))} ns are the wasm and its JS boundary`]);
    }
  }
  section(`end to end against the emulator (${settings.e2eRequests} calls after ${settings.e2eWarmup} warm-up; ` +
    `median of ${settings.e2eRounds} round${settings.e2eRounds === 1 ? '' : 's'}; ratios: median of the per-round ratios)`);
  for (const v of VERSIONS) {
    for (const c of CONCURRENCY) {
      section(`  ${v.toUpperCase()}, concurrency ${c}`);
      const [o, t, l] = CONTENDERS.map((k) => e2e[`${k}.${v}.c${c}`]);
      const ratios = e2eRatios[`${v}.c${c}`];
      const e2eRow = (label, m, better, fmt) => row(`    ${label}`, o[m], t[m], better, fmt,
        { limit: l[m], ratio: ratios.oursOverOfficial[m], limitRatio: ratios.oursOverLimit[m] });
      rows.push(e2eRow('requests/s', 'rps', 'higher', fmtInt));
      rows.push(e2eRow('p50 latency (ms)', 'p50Ms', 'lower', fmtMs));
      rows.push(e2eRow('p99 latency (ms)', 'p99Ms', 'lower', fmtMs));
      rows.push(e2eRow('client CPU per call (µs)', 'clientCpuUsPerCall', 'lower', fmtInt));
      rows.push(row('    peak RSS (highest of the rounds)', o.maxRssKiB * 1024, t.maxRssKiB * 1024, 'lower', fmtBytes, { limit: l.maxRssKiB * 1024 }));
    }
  }
  const n = settings.curveWindows;
  const w = settings.curveWindow;
  section(`warm-up: a fresh process's calls ${w} at a time, concurrency 32 (median of ${settings.curveRounds} round${settings.curveRounds === 1 ? '' : 's'}); ` +
    `steady: the median of windows ${Math.floor(n / 2) + 1}–${n} (calls ${Math.floor(n / 2) * w + 1}–${n * w})`);
  for (const v of VERSIONS) {
    const [o, t, l] = CONTENDERS.map((k) => curve[`${k}.${v}`]);
    for (const k of [...new Set([0, 2, Math.floor(n / 2) - 1])].filter((x) => x < n).sort((a, b) => a - b)) {
      rows.push(row(`  ${v.toUpperCase()} client CPU per call, calls ${k * w + 1}–${(k + 1) * w} (µs)`,
        o.cpuUsPerCall[k], t.cpuUsPerCall[k], 'lower', fmtInt, { limit: l.cpuUsPerCall[k] }));
    }
    rows.push(row(`  ${v.toUpperCase()} client CPU per call, steady (µs)`, o.steadyCpuUsPerCall, t.steadyCpuUsPerCall, 'lower', fmtInt, { limit: l.steadyCpuUsPerCall }));
    rows.push(row(`  ${v.toUpperCase()} requests/s, steady`, o.steadyRps, t.steadyRps, 'higher', fmtInt, { limit: l.steadyRps }));
  }
  // The ratio is of the time above node's own start-up (the baseline of the same loader): what
  // loading and running the library adds.
  for (const [loader] of LOADERS) {
    const base = cold[`${loader}.baseline`].medianMs;
    section(`cold start with ${loader}: process start → first result (median of ${settings.coldLaunches} launches; ` +
      `node alone: ${fmtMs(base)} ms; ours/official is of the time above that)`);
    for (const [label, mode] of [['first signature', 'sign'], ['first openHttps answer', 'request']]) {
      const o = cold[`${loader}.ours.${mode}`].medianMs;
      const t = cold[`${loader}.official.${mode}`].medianMs;
      rows.push(row(`  to ${label} (ms)`, o, t, 'lower', fmtMs, { ratio: (o - base) / (t - base) }));
    }
  }
  section('footprint');
  rows.push(row('  installed node_modules', size.ours.installed.bytes, size.official.installed.bytes, 'lower', fmtBytes));
  rows.push(row('  packages installed', size.ours.installed.packages, size.official.installed.packages, 'lower', fmtInt));
  for (const p of ['node', 'browser']) {
    const o = size.ours[p];
    const t = size.official[p];
    rows.push(row(`  ${p} bundle, min+gzip (ours: JS + wasms)`,
      o.ok ? o.totalGzip : 'fails', t.ok ? t.totalGzip : 'fails to bundle', 'lower', fmtBytes));
  }
  const all = [['metric', 'ours', 'official', 'limit', 'ours/official', 'ours/limit', 'better (ours vs official)'], ...rows];
  // Every column as wide as its widest cell (the last one, free text, unpadded).
  const widths = all[0].slice(0, -1).map((_, i) => Math.max(...all.filter((r) => r.length > 1).map((r) => r[i].length)));
  return all.map((r) => (r.length === 1 ? r[0] : r.map((cell, i) => (i < widths.length ? cell.padEnd(widths[i]) : cell)).join('  ').trimEnd())).join('\n');
}

function notes(results) {
  const { e2e, e2eRatios, size } = results;
  const lines = [];
  lines.push('limit: the least-work client (bench/limit.mjs) — the package\'s request, byte for byte, signed with node:crypto and ' +
    'sent with node:http through one keep-alive Agent, no validation, no retries (checked above); ours/limit is what the package costs beyond that');
  for (const v of VERSIONS) {
    for (const c of CONCURRENCY) {
      const busy = CONTENDERS.map((k) => e2e[`${k}.${v}.c${c}`].emulatorBusy);
      if (busy.every((b) => b !== null)) {
        lines.push(`emulator CPU during the ${v.toUpperCase()} concurrency-${c} runs: ` +
          `${busy.map((b, i) => `${(b * 100).toFixed(0)}% (${CONTENDERS[i]})`).join(' / ')} of one core` +
          `${busy.some((b) => b > 0.85) ? ' — near saturation: there requests/s measure the emulator as much as the client; client CPU per call does not' : ''}`);
      }
    }
  }
  if (settings.e2eRounds > 1) {
    for (const v of VERSIONS) {
      for (const c of CONCURRENCY) {
        const r = e2eRatios[`${v}.c${c}`].rounds;
        lines.push(`requests/s round by round, ${v.toUpperCase()} concurrency ${c}: ours/official ${r.oursOverOfficial.rps.map((x) => x.toFixed(2)).join(', ')}; ` +
          `ours/limit ${r.oursOverLimit.rps.map((x) => x.toFixed(2)).join(', ')}`);
      }
    }
  }
  for (const c of CONCURRENCY) {
    const f = e2e[`bare.v3.c${c}`];
    const o = e2e[`ours.v3.c${c}`];
    const l = e2e[`limit.v3.c${c}`];
    lines.push(`reference, V3 concurrency ${c}: signOpenHttps + the package's Node transport, no Client (no call machine, timers or futures) ` +
      `${f.rps.toFixed(0)} req/s (${(f.rps / l.rps).toFixed(2)} of the limit), p50 ${fmtMs(f.p50Ms)} ms, client CPU ${fmtInt(f.clientCpuUsPerCall)} µs/call — ` +
      `the Client runs at ${((o.rps / f.rps) * 100).toFixed(0)}% of that`);
  }
  const mib = (name) => `${(results.cold[`require.${name}`].maxRssKiB / 1024).toFixed(1)} MiB`;
  lines.push(`peak RSS of a fresh process (require): node alone ${mib('baseline')}; after the first signature ours ${mib('ours.sign')}, ` +
    `official ${mib('official.sign')}; after the first openHttps ours ${mib('ours.request')}, official ${mib('official.request')}`);
  lines.push(`ours: tarball ${fmtBytes(size.ours.tarballBytes)}; wasms (the package's and fleet mode's) ${fmtBytes(size.ours.node.wasmBytes ?? 0)} raw, ${fmtBytes(size.ours.node.wasmGzip ?? 0)} gzip; ` +
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

const check = await runCheck();
console.log(check.lines.join('\n'));
if (!check.ok) failed = true;

const emu = await startEmulator();
const results = { check: check.results };
try {
  console.log('signing throughput…');
  results.sign = await signing();
  console.log(`end to end (emulator on 127.0.0.1:${emu.port}, separate process)…`);
  ({ runs: results.e2e, ratios: results.e2eRatios } = await endToEnd(emu));
  console.log('warm-up curve…');
  results.curve = await warmupCurve(emu);
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
