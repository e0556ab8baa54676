// Every behaviour scenario (scenarios.mjs — the wasm crate's former Rust tests, ported to the
// public JS API) run in Node against the packed package, loaded as users load it: `npm pack`
// installed into a throwaway project, then `import 'aliyun-es-https'` from inside it (the
// exports map's node/import entry) for every scenario, and `require('aliyun-es-https')` (the
// node/require entry) for a few. The emulator runs in this process, on 127.0.0.1.
// Run: `node --test tests/behaviour/` (PKG_DIR=<folder> tests another build than pkg/).
import { test, describe, before, after } from 'node:test';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from '../package/packed.mjs';
import { makeEnv, scenarios } from './scenarios.mjs';

// The default client must not pick up a real account from this shell.
for (const k of Object.keys(process.env)) if (k.startsWith('ALIBABA_CLOUD_')) delete process.env[k];

const TIMEOUT_MS = 30_000;
/** The scenarios also run through `require`: the first three, and a few that touch module state. */
const CJS = new Set([
  ...scenarios.slice(0, 3).map((s) => s.name),
  'configure sets the default client',
  'V1 works where fetch can send Date, and says why elsewhere',
  'bad configuration throws a typed error',
  'signOpenHttps reproduces the shared vectors from JS',
]);
const cjsScenarios = scenarios.filter((s) => CJS.has(s.name));
if (cjsScenarios.length !== CJS.size) throw new Error('a CJS scenario name matches no scenario');

let emulator;
let installed;
const loaded = {};

before(async () => {
  emulator = await startEmulator();
  installed = installPacked('behaviour');
  // A module of the consumer project, so that the bare specifier resolves from there, through
  // the package's exports map, exactly as in a user's code.
  const entry = join(installed.project, 'entry.mjs');
  writeFileSync(entry, "export * as api from 'aliyun-es-https';\n");
  loaded.esm = (await import(pathToFileURL(entry).href)).api;
  loaded.cjs = createRequire(join(installed.project, 'package.json'))('aliyun-es-https');
});

after(async () => {
  await emulator?.close();
  installed?.remove();
});

function run(scenario, flavour) {
  return async (t) => {
    const env = makeEnv({ emulator: emulator.url, inNode: true, log: (line) => t.diagnostic(line) });
    await scenario.run(loaded[flavour], env);
  };
}

describe('ESM (import)', () => {
  for (const s of scenarios) test(s.name, { timeout: TIMEOUT_MS }, run(s, 'esm'));
});

describe('CJS (require)', () => {
  for (const s of cjsScenarios) test(s.name, { timeout: TIMEOUT_MS }, run(s, 'cjs'));
});
