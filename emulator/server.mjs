#!/usr/bin/env node
// Runs the OpenHttps emulator as a process, for tests that are not JavaScript in this process
// (Rust wasm tests, browser pages):
//
//   node emulator/server.mjs [--port N] [--host 127.0.0.1] [--port-file PATH]
//                                  [--clock-offset-ms MS]
//
// --port 0 (the default) picks a free port. Once listening it prints exactly one line,
// `aliyun-es emulator listening on http://127.0.0.1:PORT`, and writes PORT to --port-file
// if given. SIGINT or SIGTERM stops it cleanly (exit code 0).

import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startEmulator } from './emulator.mjs';

function usage(message) {
  process.stderr.write(
    `${message}\nusage: node emulator/server.mjs [--port N] [--host 127.0.0.1] ` +
      '[--port-file PATH] [--clock-offset-ms MS]\n',
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

const emulator = await startEmulator({ port, host: values.host, clockOffsetMs });

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
