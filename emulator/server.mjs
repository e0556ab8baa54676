#!/usr/bin/env node
// Runs the emulator as a process, for tests that are not JavaScript in this process
// (Rust wasm tests, browser pages, CLI tests):
//
//   node emulator/server.mjs [--port N] [--host 127.0.0.1] [--port-file PATH]
//                            [--clock-offset-ms MS] [--catalogue N] [--activation-ms MS]
//                            [--protocol-lag-ms MS] [--qps N]
//
// --port 0 (the default) picks a free port. Once listening it prints exactly one line,
// `aliyun-es emulator listening on http://127.0.0.1:PORT`, and writes PORT to --port-file
// if given. SIGINT or SIGTERM stops it cleanly (exit code 0).
//
// --catalogue N starts with N generated instances (generateCatalogue) instead of the default
// catalogue (0: none); --activation-ms sets how long a lifecycle change stays activating;
// --protocol-lag-ms how long an es-lag-* instance shows the old protocol; --qps N limits each
// access key to N requests per sliding second (default: no limit). Each flag may also come from
// the environment: ES_EMULATOR_CATALOGUE, ES_EMULATOR_ACTIVATION_MS,
// ES_EMULATOR_PROTOCOL_LAG_MS, ES_EMULATOR_QPS (a flag wins).

import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_ACTIVATION_MS, DEFAULT_PROTOCOL_LAG_MS, startEmulator } from './emulator.mjs';

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node emulator/server.mjs [--port N] [--host 127.0.0.1] ` +
      '[--port-file PATH] [--clock-offset-ms MS] [--catalogue N] [--activation-ms MS] ' +
      '[--protocol-lag-ms MS] [--qps N]\n',
  );
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      'port-file': { type: 'string' },
      'clock-offset-ms': { type: 'string', default: '0' },
      catalogue: { type: 'string' },
      'activation-ms': { type: 'string' },
      'protocol-lag-ms': { type: 'string' },
      qps: { type: 'string' },
    },
    strict: true,
  }));
} catch (err) {
  usage(err.message);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`bad --port ${values.port}`);
const clockOffsetMs = Number(values['clock-offset-ms']);
if (!Number.isFinite(clockOffsetMs)) usage(`bad --clock-offset-ms ${values['clock-offset-ms']}`);

/** A flag's value, else its environment variable's, else `fallback`; checked by `valid`. */
function setting(flag, env, fallback, valid, what) {
  const raw = values[flag] ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const value = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
  if (!valid(value)) usage(`bad --${flag} (or ${env}) ${raw}: expected ${what}`);
  return value;
}
const isCount = (v) => Number.isSafeInteger(v) && v >= 0;
const isMs = (v) => Number.isFinite(v) && v >= 0;

const catalogue = setting('catalogue', 'ES_EMULATOR_CATALOGUE', undefined, isCount, 'an integer ≥ 0');
const activationMs = setting('activation-ms', 'ES_EMULATOR_ACTIVATION_MS', DEFAULT_ACTIVATION_MS, isMs, 'ms ≥ 0');
const protocolLagMs = setting('protocol-lag-ms', 'ES_EMULATOR_PROTOCOL_LAG_MS', DEFAULT_PROTOCOL_LAG_MS, isMs, 'ms ≥ 0');
const qpsLimit = setting('qps', 'ES_EMULATOR_QPS', 0, isCount, 'an integer ≥ 0 (0: no limit)');

const emulator = await startEmulator({
  port,
  host: values.host,
  clockOffsetMs,
  activationMs,
  protocolLagMs,
  qpsLimit,
  // Without the flag, the default catalogue.
  ...(catalogue === undefined ? {} : { catalogue }),
});

if (values['port-file']) {
  // Write then rename, so that a script polling for the file never reads it half-written.
  const tmp = `${values['port-file']}.${process.pid}.tmp`;
  writeFileSync(tmp, `${emulator.port}\n`);
  renameSync(tmp, values['port-file']);
}
process.stdout.write(`aliyun-es emulator listening on ${emulator.url}\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await emulator.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
