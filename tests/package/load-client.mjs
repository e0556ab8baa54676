// Run by load.test.mjs as its own process (`node --expose-gc`), so that its memory is the
// client's alone: two rounds of 1,000 concurrent openHttps calls through the installed
// package against the emulator, with memory read after a GC after a warm-up, between the
// rounds and after them.
// Prints one JSON report.
import { Client } from 'aliyun-es-https';

const url = process.env.EMULATOR_URL;
const unhandled = [];
process.on('unhandledRejection', (e) => unhandled.push(String(e)));

const client = new Client({
  endpoint: url,
  credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
  timeoutMs: 20000,
});

// The mix of one round: mostly successes, the two documented errors, and a fault that is
// retried to success (the emulator answers 503 to the first attempt).
function idFor(round, i) {
  const k = `${round}-${i}`;
  if (i % 10 === 7) return `es-activating-load-${k}`;
  if (i % 10 === 8) return `es-cn-missing-load-${k}`;
  if (i % 10 === 9) return `es-fault-503x1-load-${k}`;
  return `es-active-load-${k}`;
}

async function round(n) {
  const calls = Array.from({ length: 1000 }, (_, i) =>
    client.openHttps(idFor(n, i), `load-${n}-${i}`).then(
      (r) => (r.result === true ? `ok/${r.attempts}` : 'false'),
      (e) => e.code,
    ),
  );
  const outcomes = {};
  for (const o of await Promise.all(calls)) outcomes[o] = (outcomes[o] ?? 0) + 1;
  return outcomes;
}

function memory() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

// Idle keep-alive connections close after 4 s in Node's fetch (undici); wait past that before
// each reading, so that what is measured is what the calls left behind.
const settle = () => new Promise((r) => setTimeout(r, 4500));

// Warm-up: one round like the measured ones. Node's fetch keeps ~3 MB more heap after its
// first 1,000 concurrent requests (connection pool high-water mark; measured with plain
// fetch), and the wasm memory grows once to its high-water mark: the level after the
// warm-up is the starting level, and measured rounds must not move it.
const warmup = await round(0);
await settle();
const start = memory();
const started = performance.now();
const first = await round(1);
const firstMs = performance.now() - started;
await settle();
const afterFirst = memory();
const second = await round(2);
await settle();
const end = memory();
process.stdout.write(JSON.stringify({ warmup, first, second, firstMs, start, afterFirst, end, unhandled }));
