// The size budget of scripts/build.sh (scripts/sizes.mjs) on the built pkg/: it passes at
// the default budget and stops the build when the browser download is over the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const sizes = (budget) =>
  spawnSync(process.execPath, ['scripts/sizes.mjs', 'pkg', String(budget)], { cwd: root, encoding: 'utf8' });
const download = (stdout) => Number(/browser download \(wasm \+ index\.js\): (\d+) bytes gzip/.exec(stdout)?.[1]);

test('the browser download is measured and within the budget build.sh sets', () => {
  const build = readFileSync(`${root}/scripts/build.sh`, 'utf8');
  const budget = Number(/SIZE_BUDGET_GZIP_BYTES:-(\d+)/.exec(build)?.[1]);
  assert.ok(budget > 0, 'build.sh has a default budget');
  const run = sizes(budget);
  assert.equal(run.status, 0, run.stderr);
  const bytes = download(run.stdout);
  assert.ok(bytes > 10_000 && bytes <= budget, `download ${bytes} bytes, budget ${budget}`);
  assert.match(run.stdout, /aliyun_es_https_bg\.wasm +\d+ raw +\d+ gzip +\d+ brotli/);
});

test('a download over the budget fails the build, saying by how much', () => {
  const bytes = download(sizes(1e9).stdout);
  const run = sizes(bytes - 1);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /over the size budget by 1 byte$/m);
  assert.equal(sizes(bytes).status, 0, 'exactly at the budget passes');
});
