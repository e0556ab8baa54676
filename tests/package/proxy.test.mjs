// `proxyUrl`: the request is signed for the real endpoint's host but sent to a proxy, which
// forwards it unchanged with `Host` set to that host — the set-up a browser page uses to reach
// the gateway from its own origin. Here the proxy forwards to the emulator, through the
// packed package loaded in Node.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from './packed.mjs';

const REAL_HOST = 'elasticsearch.cn-hangzhou.aliyuncs.com';
let installed;
let emulator;
let proxy;
let proxyUrl;
const forwarded = [];

before(async () => {
  installed = installPacked('proxy');
  emulator = await startEmulator();
  const target = new URL(emulator.url);
  // A minimal reverse proxy: strip the /aliyun prefix, set Host to the real endpoint.
  proxy = http.createServer((req, res) => {
    const path = req.url.replace(/^\/aliyun/, '');
    forwarded.push({ path, host: req.headers.host });
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path, headers: { ...req.headers, host: REAL_HOST } },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
  proxyUrl = `http://127.0.0.1:${proxy.address().port}/aliyun`;
});

after(async () => {
  await new Promise((ok) => proxy?.close(ok));
  await emulator?.close();
  installed?.remove();
});

function load() {
  return createRequire(join(installed.project, 'index.js'))('aliyun-es-https');
}

for (const signatureVersion of ['v3', 'v1']) {
  test(`${signatureVersion}: signed for the real host, sent through the proxy, accepted`, async () => {
    const { Client } = load();
    const client = new Client({
      regionId: 'cn-hangzhou',
      proxyUrl,
      signatureVersion,
      credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
    });
    const id = `es-active-proxy-${signatureVersion}`;
    const r = await client.openHttps(id, `proxy-${signatureVersion}`);
    assert.equal(r.result, true);
    assert.equal(emulator.applied(id), 1);
    const seen = forwarded.at(-1);
    assert.equal(seen.path, `/openapi/instances/${id}/actions/open-https?clientToken=proxy-${signatureVersion}`);
    assert.equal(emulator.log.at(-1).host, REAL_HOST, 'the emulator verified the signature against the real host');
  });
}

test('without the Host rewrite the signature does not match (the proxy contract matters)', async () => {
  const { Client } = load();
  const client = new Client({
    regionId: 'cn-hangzhou',
    proxyUrl: emulator.url, // straight to the emulator: Host is the emulator's, not the signed one
    credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
  });
  await assert.rejects(client.openHttps('es-active-proxy-nohost'), (e) => {
    assert.equal(e.code, 'SignatureDoesNotMatch');
    assert.match(e.message, new RegExp(`host:127\\.0\\.0\\.1:${new URL(emulator.url).port}`));
    return true;
  });
});
