// Load: 1,000 concurrent openHttps calls from one Node process, three times, through the installed
// package against the emulator (in this process; the client runs in its own). Every call
// settles with its expected outcome, no rejection goes unhandled, and memory comes back to its
// level after a warm-up: nothing grows per call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked, runNode } from './packed.mjs';

let installed;
let emulator;
let report;

before(async () => {
  installed = installPacked('load');
  copyFileSync(fileURLToPath(new URL('./load-client.mjs', import.meta.url)), join(installed.project, 'load-client.mjs'));
  emulator = await startEmulator({ logLimit: 100 });
  const { code, stdout, stderr } = await runNode(installed.project, ['--expose-gc', 'load-client.mjs'], { EMULATOR_URL: emulator.url });
  assert.equal(code, 0, stderr);
  report = JSON.parse(stdout);
  const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
  for (const k of ['start', 'afterFirst', 'end']) {
    const m = report[k];
    console.log(`# memory ${k}: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}`);
  }
  console.log(`# 1,000 concurrent calls settled in ${report.firstMs.toFixed(0)} ms`);
});

after(async () => {
  await emulator?.close();
  installed?.remove();
});

for (const name of ['warmup', 'first', 'second']) {
  test(`${name} round: every call settles with its expected outcome`, () => {
    assert.deepEqual(report[name], {
      'ok/1': 700,
      'ok/2': 100, // the 503 fault, retried once
      InstanceActivating: 100,
      InstanceNotFound: 100,
    });
  });
}

test('no unhandled rejection', () => {
  assert.deepEqual(report.unhandled, []);
});

test('each change was applied exactly once', () => {
  for (const round of [0, 1, 2]) {
    for (const i of [0, 1, 9, 19, 999]) {
      const id = i % 10 === 9 ? `es-fault-503x1-load-${round}-${i}` : `es-active-load-${round}-${i}`;
      assert.equal(emulator.applied(id), 1, id);
    }
  }
});

test('memory returns to its starting level after each round', () => {
  const { start, afterFirst, end } = report;
  // The JS heap after GC, and the wasm memory plus buffers (external), against the level
  // after the warm-up round: a leak of 1 KB per call would add 1 MB per round.
  for (const [name, m] of [['first', afterFirst], ['second', end]]) {
    assert.ok(m.heapUsed - start.heapUsed < 1048576, `heap grew ${m.heapUsed - start.heapUsed} bytes after the ${name} round`);
    assert.ok(m.external - start.external < 262144, `external grew ${m.external - start.external} bytes after the ${name} round`);
  }
});
