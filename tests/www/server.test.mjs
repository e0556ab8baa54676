// www/server.mjs over plain HTTP (no browser): static files with the right types, no path
// traversal, and requests forwarded to the emulator unchanged, Host included.
//
//   node --test tests/www/
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { startDemo } from '../../www/server.mjs';
import { authorizationV3, EMPTY_BODY_SHA256 } from '../../emulator/emulator.mjs';

const SERVER = fileURLToPath(new URL('../../www/server.mjs', import.meta.url));

/** One raw request: the path is sent exactly as given (no normalisation of `..`). */
function request(port, { method = 'GET', path = '/', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('www/server.mjs', () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo?.close();
  });

  test('serves the page, the package and the wasm with their types', async () => {
    const cases = [
      ['/', 'text/html; charset=utf-8', /<title>Enable HTTPS/],
      ['/index.html', 'text/html; charset=utf-8', /id="enable"/],
      ['/app.js', 'text/javascript; charset=utf-8', /openHttps/],
      ['/style.css', 'text/css; charset=utf-8', /--accent/],
      ['/favicon.svg', 'image/svg+xml', /<svg/],
      ['/pkg/index.js', 'text/javascript; charset=utf-8', /aliyun_es_https_bg\.wasm/],
      ['/pkg/index.mjs', 'text/javascript; charset=utf-8', /./],
      ['/pkg/aliyun_es_https_bg.wasm', 'application/wasm', /^\0asm/],
    ];
    for (const [path, type, body] of cases) {
      const res = await request(demo.port, { path });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
      assert.match(res.body, body, path);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    }
    const head = await request(demo.port, { method: 'HEAD', path: '/pkg/aliyun_es_https_bg.wasm' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 1000);
    assert.match((await request(demo.port)).headers['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  });

  test('refuses paths outside www/ and pkg/', async () => {
    const attempts = [
      '/../package.json',
      '/pkg/../package.json',
      '/pkg/../../etc/passwd',
      '/%2e%2e/package.json',
      '/pkg/%2e%2e/Cargo.toml',
      '/pkg/..%2fCargo.toml',
      '/..%5c..%5cpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/app.js%00.png',
      '/%E0%A4%A',
    ];
    for (const path of attempts) {
      const res = await request(demo.port, { path });
      assert.ok([400, 403, 404].includes(res.status), `${path} → ${res.status}`);
      assert.doesNotMatch(res.body, /"name"|root:|\[package\]/, path);
    }
    assert.equal((await request(demo.port, { path: '/nope.html' })).status, 404);
    assert.equal((await request(demo.port, { path: '/pkg/' })).status, 404, 'no directory listing');
  });

  test('forwards API calls unchanged: method, path, query, Host, headers, and the answer', async () => {
    const host = `127.0.0.1:${demo.port}`;
    const instanceId = 'es-active-server-test';
    const pathname = `/openapi/instances/${instanceId}/actions/open-https`;
    const query = { clientToken: 'tok 1+2' };
    const headers = {
      host,
      'x-acs-action': 'OpenHttps',
      'x-acs-version': '2017-06-13',
      'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      'x-acs-signature-nonce': `nonce-${Date.now()}-${Math.random()}`,
      'x-acs-content-sha256': EMPTY_BODY_SHA256,
    };
    const authorization = authorizationV3({
      accessKeyId: 'testid',
      accessKeySecret: 'testsecret',
      method: 'POST',
      pathname,
      query,
      headers,
    });
    const res = await request(demo.port, {
      method: 'POST',
      path: `${pathname}?clientToken=tok%201%2B2`,
      headers: { ...headers, authorization, 'content-length': '0' },
    });
    assert.equal(res.status, 200, res.body);
    const answer = JSON.parse(res.body);
    assert.equal(answer.Result, true);
    assert.equal(res.headers['x-acs-request-id'], answer.RequestId, 'response headers come back');
    const entry = demo.emulator.log.at(-1);
    assert.equal(entry.host, host, 'the Host the client sent reached the emulator');
    assert.equal(entry.query, 'clientToken=tok%201%2B2', 'the raw query is unchanged');
    assert.equal(entry.clientToken, 'tok 1+2');
    assert.equal(demo.emulator.applied(instanceId), 1);

    // An error answer (signed for another Host) streams back as the emulator wrote it.
    const wrongHost = await request(demo.port, {
      method: 'POST',
      path: `${pathname}?clientToken=tok%201%2B2`,
      headers: { ...headers, host: 'example.invalid', 'x-acs-signature-nonce': `n-${Math.random()}`, authorization },
    });
    assert.equal(wrongHost.status, 400);
    assert.equal(JSON.parse(wrongHost.body).Code, 'SignatureDoesNotMatch');
    assert.equal(JSON.parse(wrongHost.body).HostId, 'example.invalid');
  });

  test('forwards OPTIONS and the admin endpoints', async () => {
    const preflight = await request(demo.port, {
      method: 'OPTIONS',
      path: '/openapi/instances/x/actions/open-https',
      headers: { origin: 'http://example.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers['access-control-allow-headers'], 'authorization');
    const health = await request(demo.port, { path: '/__emulator/health' });
    assert.equal(health.status, 200);
    assert.equal(JSON.parse(health.body).ok, true);
    const instance = await request(demo.port, { path: '/__emulator/instances/es-cn-activating0001' });
    assert.equal(JSON.parse(instance.body).state, 'activating');
  });

  test('as a program: prints one line, serves, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [SERVER, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      const line = await new Promise((resolve, reject) => {
        child.stdout.on('data', (c) => {
          out += c;
          if (out.includes('\n')) resolve(out);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code} before listening`)));
      });
      const m = /^demo: open (http:\/\/127\.0\.0\.1:(\d+)\/)\n$/.exec(line);
      assert.ok(m, `one line "demo: open URL": ${JSON.stringify(line)}`);
      assert.equal((await request(Number(m[2]), { path: '/' })).status, 200);
      const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('as a program: a bad --port is a usage error', async () => {
    const child = spawn(process.execPath, [SERVER, '--port', 'abc'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 2);
    assert.match(err, /usage: node www\/server\.mjs/);
  });
});
