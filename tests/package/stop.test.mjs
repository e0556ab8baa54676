// A call the package gives up on, through its own Node transport (node.cjs installs it; the
// package stops it through the transport's cancel hook, not an AbortController): an attempt
// timeout or the caller's abort, while the server holds the headers or streams the body,
// must reject promptly with the package's error and close the connection — no request left
// in flight, no socket left open. The installed tarball, loaded with `require`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installPacked } from './packed.mjs';

let installed;
let pkg;
let server;
const connections = []; // per connection: { closed: Promise, paths: string[] }

before(async () => {
  installed = installPacked('stop');
  pkg = createRequire(join(installed.project, 'package.json'))('aliyun-es-https');
  server = http.createServer((req, res) => {
    connections.at(-1).paths.push(req.url);
    if (req.url.includes('/es-drip-')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' }).write('{"Req');
    }
    // Anything else: never answered.
  });
  server.on('connection', (socket) => {
    connections.push({ closed: new Promise((ok) => socket.on('close', ok)), paths: [] });
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
});

after(async () => {
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok) ?? ok());
  installed?.remove();
});

const endpoint = () => `http://127.0.0.1:${server.address().port}`;
const credentials = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };

/** Calls openHttps on `id`; the error, how long it took, and the connection it used. */
async function failedCall(id, { timeoutMs = 60_000, abortAfterMs } = {}) {
  const client = new pkg.Client({ endpoint: endpoint(), credentials, timeoutMs, maxAttempts: 1 });
  const controller = new AbortController();
  const t0 = performance.now();
  const pending = client.openHttps(id, 'stop-token', { signal: controller.signal });
  if (abortAfterMs !== undefined) setTimeout(() => controller.abort(), abortAfterMs);
  const error = await pending.then(
    () => assert.fail('the call succeeded'),
    (e) => e,
  );
  const ms = performance.now() - t0;
  const connection = connections.find((c) => c.paths.some((p) => p.includes(id)));
  client.free();
  return { error, ms, connection };
}

/** Resolves when `promise` does, or fails the test after `ms`. */
async function within(ms, promise, what) {
  const timeout = sleep(ms).then(() => assert.fail(`${what}: not within ${ms} ms`));
  return Promise.race([promise, timeout]);
}

test('the attempt timeout while the server holds the headers: Timeout, promptly, and the connection closed', async () => {
  const { error, ms, connection } = await failedCall('es-hold-1', { timeoutMs: 300 });
  assert.ok(pkg.isOpenHttpsError(error), String(error));
  assert.equal(error.code, 'Timeout');
  assert.match(error.message, /no complete answer within 300 ms/);
  assert.ok(ms >= 280 && ms < 2000, `took ${ms} ms`);
  assert.ok(connection, 'the request reached the server');
  await within(1000, connection.closed, 'the server-side close');
});

test('the caller aborting while the server holds the headers: Aborted, promptly, and the connection closed', async () => {
  const { error, ms, connection } = await failedCall('es-hold-2', { abortAfterMs: 150 });
  assert.equal(error.code, 'Aborted');
  assert.ok(ms < 1000, `took ${ms} ms`);
  await within(1000, connection.closed, 'the server-side close');
});

test('the attempt timeout while the body streams: Timeout, and the connection closed', async () => {
  const { error, connection } = await failedCall('es-drip-1', { timeoutMs: 300 });
  assert.equal(error.code, 'Timeout');
  await within(1000, connection.closed, 'the server-side close');
});

test('the caller aborting while the body streams: Aborted, and the connection closed', async () => {
  const { error, connection } = await failedCall('es-drip-2', { abortAfterMs: 150 });
  assert.equal(error.code, 'Aborted');
  await within(1000, connection.closed, 'the server-side close');
});
