// End-to-end OpenHttps calls of one library against the emulator, in a process of its own
// (so its peak RSS is its own):
//
//   node bench/e2e.mjs --client ours|official|limit|bare --version v3|v1 --port P --concurrency C
//                      --requests N --warmup W [--emu-pid PID --clk-tck 100]
//   node bench/e2e.mjs … --windows K --requests N
//
// W warm-up calls, then N calls with C in flight at once; every call has a unique clientToken
// (so the emulator applies each one) and must answer Result: true. Prints
// { client, version, instanceId, concurrency, requests, seconds, rps, p50Ms, p99Ms, errors, firstError,
//   clientCpuUsPerCall, emulatorBusy, maxRssKiB }.
// clientCpuUsPerCall: this process's CPU time (user + system) per measured call — what the
// library costs, whatever the emulator's speed. emulatorBusy: the share of one core the
// emulator process used during the measured calls (Linux /proc; null elsewhere) — near 1.0
// means the emulator, not the client, set the pace.
// The caller resets the emulator before starting this process.
//
// --windows K (the warm-up curve): no warm-up; K windows of N calls from the process's first
// call on, each reported as { cpuUsPerCall, rps }: how a fresh process's cost per call falls
// as V8 compiles its hot code, and where it settles.
//
// --version: v3 (ACS3-HMAC-SHA256, the default of both libraries) or v1 (ROA HMAC-SHA1: ours
// with `signatureVersion: 'v1'`; the official SDK with `signatureAlgorithm: 'v2'`, which makes
// openapi-core's callApi take doROARequest for this ROA/json API).

import { readFileSync } from 'node:fs';
import { args, KEY, loadOfficial, loadOurs, loadTransport, percentile, report } from './lib.mjs';
import { createLimitClient } from './limit.mjs';

const {
  client, version = 'v3', port, concurrency = '1', requests = '1000', warmup = '100', 'emu-pid': emuPid, 'clk-tck': clkTck = '100',
  windows,
} = args();
if (version !== 'v3' && version !== 'v1') throw new Error('--version v3|v1');
const runId = `${client}-${version}-c${concurrency}-${process.pid}`;
const instanceId = `es-active-bench-${runId}`;

/** call(token) resolves to true when the service answered Result: true. */
let call;
if (client === 'ours') {
  const { Client } = loadOurs();
  // One attempt, like the official SDK's default, so both do the same work per call.
  const c = new Client({ endpoint: `http://127.0.0.1:${port}`, credentials: { ...KEY }, maxAttempts: 1, signatureVersion: version });
  call = async (token) => (await c.openHttps(instanceId, token)).result === true;
} else if (client === 'limit') {
  // The least-work client (bench/limit.mjs): the package's request with node:crypto and
  // node:http, nothing else — the yardstick, not a library.
  call = createLimitClient({ port: Number(port), version, instanceId, ...KEY });
} else if (client === 'bare') {
  // Reference, not a library: signOpenHttps plus the package's own Node transport, no Client
  // (no call machine, timers, retries or futures) — roughly what a plain-JS driver calling
  // the wasm only to sign would cost (an upper bound: signOpenHttps reads its options anew
  // each call).
  const { signOpenHttps } = loadOurs();
  const { createNodeFetch } = loadTransport();
  const send = createNodeFetch();
  const endpoint = `http://127.0.0.1:${port}`;
  call = async (token) => {
    const s = signOpenHttps({ instanceId, clientToken: token, credentials: { ...KEY }, endpoint, signatureVersion: version });
    const res = await send(s.url, { method: s.method, headers: s.headers });
    return JSON.parse(await res.text()).Result === true;
  };
} else if (client === 'official') {
  const { es, Config } = loadOfficial();
  // V3 is its default (signatureAlgorithm unset → doRequest, ACS3-HMAC-SHA256); V1 is
  // signatureAlgorithm 'v2' (→ doROARequest, ROA HMAC-SHA1; signatureVersion stays unset, 'v4'
  // would take execute()). protocol 'http' makes it send plain HTTP to the endpoint (the API's
  // own Params say HTTPS); no retries by default.
  const c = new es.default(new Config({
    ...KEY, endpoint: `127.0.0.1:${port}`, protocol: 'http', regionId: 'cn-hangzhou',
    ...(version === 'v1' ? { signatureAlgorithm: 'v2' } : {}),
  }));
  call = async (token) => (await c.openHttps(instanceId, new es.OpenHttpsRequest({ clientToken: token }))).body?.result === true;
} else {
  throw new Error('--client ours|official|limit|bare');
}

/** Runs `total` calls, `width` at a time; returns per-call latencies (ms) and wall time. */
async function run(prefix, total, width) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  let firstError = null;
  async function worker() {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      try {
        if (!(await call(`${prefix}-${i}`))) throw new Error('Result is not true');
      } catch (e) {
        errors += 1;
        firstError ??= `${e.code ?? e.name}: ${String(e.message).slice(0, 200)}`;
      }
      latencies.push(performance.now() - t0);
    }
  }
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  return { latencies, seconds: (performance.now() - start) / 1000, errors, firstError };
}

/** CPU time (ms) the emulator process has used so far, from /proc/PID/stat; null if unknown. */
function emulatorCpuMs() {
  try {
    const stat = readFileSync(`/proc/${emuPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields 3… of proc(5)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / Number(clkTck); // utime + stime
  } catch {
    return null;
  }
}

const width = Number(concurrency);
if (windows) {
  const out = [];
  let errors = 0;
  let firstError = null;
  for (let w = 0; w < Number(windows); w += 1) {
    const cpu0 = process.cpuUsage();
    const r = await run(`w${w}-${runId}`, Number(requests), width);
    const cpu = process.cpuUsage(cpu0);
    out.push({ cpuUsPerCall: (cpu.user + cpu.system) / Number(requests), rps: Number(requests) / r.seconds });
    errors += r.errors;
    firstError ??= r.firstError;
  }
  report({ client, version, instanceId, concurrency: width, requests: Number(requests), windows: out, errors, firstError });
  process.exit(0);
}
await run(`w-${runId}`, Number(warmup), width);
const emu0 = emuPid ? emulatorCpuMs() : null;
const cpu0 = process.cpuUsage();
const { latencies, seconds, errors, firstError } = await run(`m-${runId}`, Number(requests), width);
const cpu = process.cpuUsage(cpu0);
const emu1 = emuPid ? emulatorCpuMs() : null;
report({
  client,
  version,
  instanceId,
  concurrency: width,
  requests: Number(requests),
  seconds,
  rps: Number(requests) / seconds,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  errors,
  firstError,
  clientCpuUsPerCall: (cpu.user + cpu.system) / Number(requests),
  emulatorBusy: emu0 === null || emu1 === null ? null : (emu1 - emu0) / 1000 / seconds,
  maxRssKiB: process.resourceUsage().maxRSS, // kibibytes, over the whole process
});
