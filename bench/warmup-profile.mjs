// Where a fresh process's CPU goes over its first calls: the package against the least-work
// client, category by category. The end-to-end rows of bench/run.mjs measure calls 501–5,500
// of a fresh process, while V8 is still compiling and tiering up every contender's code; this
// shows what the package pays there beyond the limit's own cost.
//
//   ./scripts/bench.sh --warmup-profile        (installs the package as bench.sh does, then)
//   node bench/warmup-profile.mjs [--requests 5000] [--version v1] [--concurrency 1] [--launches 3]
//
// Each launch is `perf record` of bench/e2e.mjs (no warm-up, `--requests` calls) with V8's JIT
// symbols (`node --perf-basic-prof`); every sample goes to one category by its thread and its
// stack. A launch of one call is recorded too and subtracted, so loading Node, the library and
// the wasm is not counted per call. Contenders alternate launch by launch; medians are printed.
// Needs Linux `perf` (Debian: linux-perf) and permission to sample its own processes. The
// symbol map V8 writes for perf costs some time at each compilation: the "compiling" rows are
// a little high for both contenders.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { args, median, OURS_DIR, startEmulator } from './lib.mjs';

const { requests = '5000', version = 'v1', concurrency = '1', launches = '3' } = args();
const CONTENDERS = ['ours', 'limit'];
const root = new URL('..', import.meta.url).pathname;

try {
  execFileSync('perf', ['--version'], { stdio: 'ignore' });
} catch {
  console.error('warmup-profile: needs Linux perf on the PATH (Debian: apt-get install linux-perf)');
  process.exit(2);
}
if (!OURS_DIR) {
  console.error('warmup-profile: BENCH_OURS_DIR is not set: run ./scripts/bench.sh --warmup-profile');
  process.exit(2);
}

/** Symbols of V8's collectors, compilers and wasm compilers, as perf names them. */
const GC = /Heap::|Scavenge|MarkCompact|Marking|Sweep|Evacuat|MinorMC|GCTracer/;
const COMPILE = /Parser|Scanner|Compiler::|Compile|Bytecode|Baseline|Liftoff|Deserializ|compiler::|Maglev|turboshaft/i;

/** The category of one sample: `frames` leaf first, each `{ ip, sym }`. */
function category(main, frames) {
  const stack = frames.map((f) => f.sym).join('\n');
  const leaf = frames[0] ?? { ip: '', sym: '' };
  if (!main) {
    if (GC.test(stack)) return 'background: garbage collection';
    if (/wasm::|Wasm/.test(stack)) return 'background: compiling wasm (TurboFan)';
    if (COMPILE.test(stack)) return 'background: compiling JS (TurboFan)';
    return 'background: other';
  }
  if (GC.test(stack)) return 'main: garbage collection';
  if (/^wasm-function.*-liftoff$/.test(leaf.sym.replace(/^JS:/, ''))) return 'main: wasm, baseline code (Liftoff)';
  if (/^wasm-function.*-turbofan$/.test(leaf.sym.replace(/^JS:/, ''))) return 'main: wasm, optimised code';
  if (COMPILE.test(stack)) return 'main: compiling (parse, bytecode, baseline, Liftoff)';
  if (/^ffffffff/.test(leaf.ip)) return 'main: kernel (sockets, memory)';
  if (/^JS:\*/.test(leaf.sym)) return 'main: JS, optimised';
  if (/^JS:/.test(leaf.sym)) return 'main: JS, interpreted or baseline';
  if (/^Builtins_/.test(leaf.sym)) return 'main: V8 builtins (ICs, interpreter, calls, strings)';
  if (/node::crypto::|EVP_|HMAC_|ossl_|RAND_/.test(stack)) return 'main: node:crypto (OpenSSL)';
  if (/Runtime_/.test(stack)) return 'main: V8 runtime (IC misses, allocation, lookups)';
  return 'main: Node C++, libuv, llhttp, libc';
}

/** Runs one launch under perf; resolves to { category: ms } and its total. */
function profile(dir, client, port, calls) {
  const data = join(dir, `${client}-${calls}.data`);
  // --perf-basic-prof also turns on V8's log: into the scratch folder, not the repository.
  const e2e = ['--perf-basic-prof', '--no-logfile-per-isolate', `--logfile=${join(dir, 'v8.log')}`, 'bench/e2e.mjs', '--client', client, '--version', version, '--port', String(port),
    '--concurrency', concurrency, '--requests', String(calls), '--warmup', '0'];
  const run = spawnSync('perf', ['record', '-q', '-F', '1999', '-g', '-o', data, '--', process.execPath, ...e2e],
    { cwd: root, encoding: 'utf8', env: process.env, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`perf record ${client} failed (${run.status}): ${run.stderr.trim()}`);
  const report = JSON.parse(run.stdout.trim().split('\n').pop());
  if (report.errors) throw new Error(`${client}: ${report.errors} calls failed: ${report.firstError}`);
  const script = execFileSync('perf', ['script', '-i', data, '-F', 'pid,tid,period,ip,sym'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
  const ms = {};
  let total = 0;
  let pid = 0;
  for (const sample of script.split(/\n\s*\n/)) {
    const [head, ...lines] = sample.trim().split('\n');
    const m = /^\s*(\d+)\/(\d+)\s+(\d+)/.exec(head ?? '');
    if (!m) continue;
    pid = Number(m[1]);
    const frames = lines.map((l) => {
      const f = /^\s*([0-9a-f]+)\s+(.*)$/.exec(l);
      return f ? { ip: f[1], sym: f[2].trim() } : { ip: '', sym: l.trim() };
    });
    const c = category(m[1] === m[2], frames);
    const t = Number(m[3]) / 1e6; // cpu-clock periods are nanoseconds
    ms[c] = (ms[c] ?? 0) + t;
    total += t;
  }
  rmSync(`/tmp/perf-${pid}.map`, { force: true }); // V8's symbol map for perf, no longer needed
  rmSync(data, { force: true });
  return { ms, total };
}

const emu = await startEmulator();
const dir = mkdtempSync(join(os.tmpdir(), 'warmup-profile-'));
const perCall = { ours: [], limit: [] }; // per launch: { category: µs per call }
try {
  const n = Number(requests);
  for (let launch = 0; launch < Number(launches); launch += 1) {
    for (const client of launch % 2 ? [...CONTENDERS].reverse() : CONTENDERS) {
      await emu.reset();
      const one = profile(dir, client, emu.port, 1);
      await emu.reset();
      const many = profile(dir, client, emu.port, n);
      const us = { total: ((many.total - one.total) * 1000) / (n - 1) };
      for (const c of new Set([...Object.keys(one.ms), ...Object.keys(many.ms)])) {
        us[c] = (((many.ms[c] ?? 0) - (one.ms[c] ?? 0)) * 1000) / (n - 1);
      }
      perCall[client].push(us);
      console.error(`  ${client} launch ${launch + 1}: ${us.total.toFixed(0)} µs of CPU per call`);
    }
  }
} finally {
  emu.child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}

const categories = [...new Set(CONTENDERS.flatMap((c) => perCall[c].flatMap((x) => Object.keys(x))))]
  .filter((c) => c !== 'total').sort();
const med = (client, c) => median(perCall[client].map((x) => x[c] ?? 0));
console.log(`\nCPU per call over calls 2–${requests} of a fresh process, ${version.toUpperCase()}, concurrency ${concurrency} ` +
  `(median of ${launches} launches; a 1-call launch subtracted), µs:`);
console.log(`${''.padEnd(56)}${'ours'.padStart(8)}${'limit'.padStart(8)}${'ours − limit'.padStart(14)}`);
for (const c of [...categories, 'total']) {
  const [o, l] = [med('ours', c), med('limit', c)];
  if (c !== 'total' && Math.abs(o) < 1 && Math.abs(l) < 1) continue;
  console.log(`${c.padEnd(56)}${o.toFixed(0).padStart(8)}${l.toFixed(0).padStart(8)}${(o - l).toFixed(0).padStart(14)}`);
}
