// The Node transport (pkg-template/node-transport.cjs) behind the package's fetch seam. The
// behaviour checks are one function taking a fetch-like, run against both the transport and
// Node's global fetch: where both pass, the transport is a faithful stand-in. Then what only
// the transport promises (exact request headers, pooling limits, a process that exits), an
// informal throughput comparison, and a final check that nothing went unhandled.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEventListeners, once } from 'node:events';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const transportPath = fileURLToPath(new URL('../../pkg-template/node-transport.cjs', import.meta.url));
const { createNodeFetch } = require(transportPath);

const unhandled = [];
process.on('uncaughtException', (err) => unhandled.push(err));
process.on('unhandledRejection', (err) => unhandled.push(err));

const TEXT = 'héllo, 世界 🌍 — ünïcödé';

/**
 * A local server for one test: counts connections, records requests, and tracks each server
 * socket's close so a test can tell the client dropped its connection.
 */
async function startServer(handler) {
  const requests = [];
  const closes = []; // per connection: settles when the server sees it close
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, rawHeaders: req.rawHeaders, body });
    });
    handler(req, res);
  });
  // Not events.once: a client's reset also emits 'error' on the server socket, which would reject it.
  server.on('connection', (socket) => closes.push(new Promise((ok) => socket.on('close', ok))));
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    authority: `127.0.0.1:${port}`,
    requests,
    closes,
    get connections() {
      return closes.length;
    },
    close() {
      server.closeAllConnections();
      return new Promise((ok) => server.close(ok));
    },
  };
}

async function withServer(handler, fn) {
  const server = await startServer(handler);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/** A port nothing listens on: bound, then released. */
async function freePort() {
  const s = http.createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

const isAbortError = (err) => err?.name === 'AbortError';

/** Rejects when `promise` takes longer than `ms` (so a hang fails instead of stalling). */
function within(ms, promise, what) {
  let timer;
  const limit = new Promise((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/** The behaviour both the transport and the global fetch must show. */
function behaviour(name, makeFetch) {
  describe(`behaviour: ${name}`, () => {
    test('status, headers and a UTF-8 body round trip; the request arrives as sent', async () => {
      await withServer(
        (req, res) => {
          res.writeHead(201, [
            ['Content-Type', 'application/json; charset=utf-8'],
            ['X-Multi', 'one'],
            ['x-multi', 'two'],
            ['X-Acs-Request-Id', 'req-1'],
          ].flat());
          res.end(TEXT);
        },
        async (server) => {
          const f = makeFetch();
          const res = await f(`${server.url}/openapi/x?a=1`, {
            method: 'POST',
            headers: { accept: 'application/json', 'x-acs-action': 'OpenHttps', authorization: 'sig' },
          });
          assert.equal(res.status, 201);
          assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
          assert.equal(res.headers.get('CONTENT-TYPE'), 'application/json; charset=utf-8');
          assert.equal(res.headers.get('x-multi'), 'one, two');
          assert.equal(res.headers.get('X-Acs-Request-ID'), 'req-1');
          assert.equal(res.headers.get('x-absent'), null);
          assert.equal(await res.text(), TEXT);

          const [seen] = server.requests;
          assert.equal(seen.method, 'POST');
          assert.equal(seen.url, '/openapi/x?a=1');
          assert.equal(seen.headers.host, server.authority, 'Host is the URL authority (it is signed)');
          assert.equal(seen.headers.accept, 'application/json');
          assert.equal(seen.headers['x-acs-action'], 'OpenHttps');
          assert.equal(seen.headers.authorization, 'sig');
          assert.equal(seen.headers['content-length'], '0', 'a body-less POST says Content-Length: 0');
          assert.equal(seen.headers['transfer-encoding'], undefined);
          assert.equal(seen.headers.connection, 'keep-alive');
        },
      );
    });

    test('the request target is what a URL parse makes of the URL: 400 generated paths and queries', async () => {
      // The transport takes a plain path as is and parses the rest (node-transport.cjs,
      // PLAIN_URL): both ways must send exactly what `new URL` gives, dot segments resolved,
      // unsafe characters encoded, the fragment dropped. Seeded, so a failure repeats.
      let seed = 0x5eed;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pieces = [
        'a', 'Z', '9', '-', '_', '.', '~', '%', '%41', '%2e', '%2E', '%2f', '!', '$', '&', "'", '(', ')', '*', '+',
        ',', ';', '=', ':', '@', ' ', '"', '<', '>', '`', '{', '}', '|', '\\', '^', 'é', '中', '/', '/.', '/..', '?', '#',
      ];
      const part = () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      const urls = Array.from({ length: 400 }, () => `/${part()}${random() < 0.5 ? `?${part()}` : ''}`);
      await withServer(
        (req, res) => res.end('ok'),
        async (server) => {
          const f = makeFetch();
          for (const path of urls) {
            const url = `${server.url}${path}`;
            await (await f(url, { method: 'GET', headers: {} })).text();
            const expected = new URL(url);
            assert.equal(server.requests.at(-1).url, `${expected.pathname}${expected.search}`, `for ${JSON.stringify(url)}`);
          }
        },
      );
    });

    test('a string body is sent as UTF-8 with its byte length', async () => {
      await withServer(
        (req, res) => req.on('end', () => res.end('ok')),
        async (server) => {
          const res = await makeFetch()(`${server.url}/`, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: TEXT });
          assert.equal(await res.text(), 'ok');
          const [seen] = server.requests;
          assert.equal(seen.body, TEXT);
          assert.equal(seen.headers['content-length'], String(Buffer.byteLength(TEXT)));
        },
      );
    });

    test('204 and an empty 200 give an empty text; a 404 is an answer, not a failure', async () => {
      await withServer(
        (req, res) => {
          if (req.url === '/204') return res.writeHead(204).end();
          if (req.url === '/404') return res.writeHead(404, { 'content-type': 'text/plain' }).end('missing');
          res.end();
        },
        async (server) => {
          const f = makeFetch();
          const r204 = await f(`${server.url}/204`, { method: 'POST', headers: {} });
          assert.equal(r204.status, 204);
          assert.equal(await r204.text(), '');
          const r200 = await f(`${server.url}/empty`, { method: 'GET', headers: {} });
          assert.equal(r200.status, 200);
          assert.equal(await r200.text(), '');
          const r404 = await f(`${server.url}/404`, { method: 'GET', headers: {} });
          assert.equal(r404.status, 404);
          assert.equal(await r404.text(), 'missing');
        },
      );
    });

    test('text() decodes UTF-8 split across chunks, drops a BOM and replaces bad bytes', async () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT), Buffer.from([0xff])]);
      await withServer(
        (req, res) => {
          res.writeHead(200, { 'content-length': bytes.length });
          // Cut one byte into 世 (three bytes): the two chunks each hold part of it.
          const cut = 3 + Buffer.byteLength('héllo, ') + 1;
          res.write(bytes.subarray(0, cut));
          setTimeout(() => res.end(bytes.subarray(cut)), 20);
        },
        async (server) => {
          const res = await makeFetch()(`${server.url}/`, { method: 'GET', headers: {} });
          assert.equal(await res.text(), `${TEXT}\uFFFD`);
        },
      );
    });

    test('resolves when the headers arrive, before the body ends', async () => {
      let finish;
      await withServer(
        (req, res) => {
          res.writeHead(200, { 'x-early': 'yes' });
          res.write('part one, ');
          finish = () => res.end('part two');
        },
        async (server) => {
          const res = await within(2000, makeFetch()(`${server.url}/`, { method: 'GET', headers: {} }), 'headers');
          assert.equal(res.headers.get('x-early'), 'yes');
          finish();
          assert.equal(await res.text(), 'part one, part two');
        },
      );
    });

    test('text() a second time rejects with a TypeError', async () => {
      await withServer(
        (req, res) => res.end('once'),
        async (server) => {
          const res = await makeFetch()(`${server.url}/`, { method: 'GET', headers: {} });
          assert.equal(await res.text(), 'once');
          await assert.rejects(res.text(), TypeError);
        },
      );
    });

    test('keep-alive: 50 sequential requests reuse one or two connections', async () => {
      await withServer(
        (req, res) => res.end(req.url),
        async (server) => {
          const f = makeFetch();
          for (let i = 0; i < 50; i++) {
            const res = await f(`${server.url}/${i}`, { method: 'POST', headers: { 'x-i': String(i) } });
            assert.equal(await res.text(), `/${i}`);
          }
          assert.equal(server.requests.length, 50);
          assert.ok(server.connections >= 1 && server.connections <= 2, `${server.connections} connections`);
        },
      );
    });

    test('200 concurrent requests all succeed, each with its own answer', async () => {
      await withServer(
        (req, res) => setTimeout(() => res.end(`answer ${req.url}`), Math.random() * 20),
        async (server) => {
          const f = makeFetch();
          const bodies = await Promise.all(
            Array.from({ length: 200 }, async (_, i) => {
              const res = await f(`${server.url}/${i}`, { method: 'POST', headers: { accept: 'application/json' } });
              assert.equal(res.status, 200);
              return res.text();
            }),
          );
          assert.deepEqual(bodies, Array.from({ length: 200 }, (_, i) => `answer /${i}`));
        },
      );
    });

    test('connection refused rejects with a TypeError caused by ECONNREFUSED', async () => {
      const port = await freePort();
      const err = await makeFetch()(`http://127.0.0.1:${port}/`, { method: 'POST', headers: {} }).then(
        () => assert.fail('resolved'),
        (e) => e,
      );
      assert.ok(err instanceof TypeError, `${err}`);
      assert.equal(err.cause?.code, 'ECONNREFUSED');
    });

    test('the server dropping the connection before answering rejects with a TypeError', async () => {
      await withServer(
        (req) => req.socket.destroy(),
        async (server) => {
          const f = makeFetch();
          await assert.rejects(f(`${server.url}/`, { method: 'POST', headers: {} }), TypeError);
          // And the next call works: the dead socket was not pooled.
          await assert.rejects(f(`${server.url}/`, { method: 'POST', headers: {} }), TypeError);
          assert.equal(server.requests.length, 2);
        },
      );
    });

    test('a body cut short of its Content-Length rejects text(), never partial text', async () => {
      await withServer(
        (req, res) => {
          res.writeHead(200, { 'content-length': '1000' });
          res.write('{"partial": ');
          setTimeout(() => res.destroy(), 20);
        },
        async (server) => {
          const res = await makeFetch()(`${server.url}/`, { method: 'POST', headers: {} });
          assert.equal(res.status, 200);
          await assert.rejects(res.text(), TypeError);
        },
      );
    });

    test('a chunked body whose connection drops before the last chunk rejects text()', async () => {
      await withServer(
        (req, res) => {
          res.writeHead(200, { 'content-type': 'application/json' }); // no length: chunked
          res.write('{"a":');
          setTimeout(() => res.destroy(), 20);
        },
        async (server) => {
          const res = await makeFetch()(`${server.url}/`, { method: 'POST', headers: {} });
          await assert.rejects(res.text(), TypeError);
        },
      );
    });

    test('an already aborted signal rejects with AbortError and sends nothing', async () => {
      await withServer(
        (req, res) => res.end('no'),
        async (server) => {
          const c = new AbortController();
          c.abort();
          await assert.rejects(makeFetch()(`${server.url}/`, { method: 'POST', headers: {}, signal: c.signal }), isAbortError);
          await sleep(50);
          assert.equal(server.requests.length, 0);
          assert.equal(server.connections, 0);
        },
      );
    });

    test('aborting while the server holds the answer rejects promptly and closes the connection', async () => {
      await withServer(
        () => {}, // never answers
        async (server) => {
          const c = new AbortController();
          const pending = makeFetch()(`${server.url}/`, { method: 'POST', headers: {}, signal: c.signal });
          while (server.connections === 0) await sleep(5);
          await sleep(30);
          const t0 = performance.now();
          c.abort();
          await within(1000, assert.rejects(pending, isAbortError), 'rejection');
          assert.ok(performance.now() - t0 < 500);
          await within(1000, server.closes[0], 'server-side close');
        },
      );
    });

    test('aborting while the body streams rejects text() and closes the connection', async () => {
      await withServer(
        (req, res) => {
          res.writeHead(200, { 'content-length': '100000' });
          res.write('x'.repeat(100));
          const drip = setInterval(() => res.write('x'), 10);
          res.on('close', () => clearInterval(drip));
        },
        async (server) => {
          const c = new AbortController();
          const res = await makeFetch()(`${server.url}/`, { method: 'GET', headers: {}, signal: c.signal });
          assert.equal(res.status, 200);
          const text = res.text();
          await sleep(40);
          c.abort();
          await within(1000, assert.rejects(text, isAbortError), 'text() rejection');
          await within(1000, server.closes[0], 'server-side close');
        },
      );
    });

    test("an abort reason of the caller's own is what rejects", async () => {
      await withServer(
        () => {},
        async (server) => {
          const c = new AbortController();
          const pending = makeFetch()(`${server.url}/`, { method: 'GET', headers: {}, signal: c.signal });
          while (server.connections === 0) await sleep(5);
          const reason = new Error('deadline passed');
          c.abort(reason);
          await assert.rejects(pending, (e) => e === reason);
        },
      );
    });

  });
}

behaviour('node transport', () => createNodeFetch());
behaviour('global fetch', () => fetch);

describe('node transport only', () => {
  test('sends exactly the given headers plus host, connection and content-length', async () => {
    await withServer(
      (req, res) => res.end(),
      async (server) => {
        const headers = { accept: 'application/json', 'x-acs-date': '2024-01-01T00:00:00Z', authorization: 'a' };
        await (await createNodeFetch()(`${server.url}/`, { method: 'POST', headers })).text();
        const names = server.requests[0].rawHeaders.filter((_, i) => i % 2 === 0);
        assert.deepEqual(names.map((n) => n.toLowerCase()).sort(), [...Object.keys(headers), 'connection', 'content-length', 'host'].sort());
        assert.ok(names.includes('x-acs-date'), 'names go out as given');
        for (const [k, v] of Object.entries(headers)) assert.equal(server.requests[0].headers[k], v);
      },
    );
  });

  test('Host is the URL authority unless a host header is given explicitly', async () => {
    await withServer(
      (req, res) => res.end(req.headers.host),
      async (server) => {
        const f = createNodeFetch();
        assert.equal(await (await f(`${server.url}/`, { method: 'GET', headers: { 'x-host': 'no' } })).text(), server.authority);
        const explicit = await f(`${server.url}/`, { method: 'GET', headers: { host: 'elasticsearch.cn-hangzhou.aliyuncs.com' } });
        assert.equal(await explicit.text(), 'elasticsearch.cn-hangzhou.aliyuncs.com');
      },
    );
  });

  test('at most maxSockets connections per host; the rest queue and succeed', async () => {
    await withServer(
      (req, res) => setTimeout(() => res.end('ok'), 5),
      async (server) => {
        const f = createNodeFetch({ maxSockets: 8 });
        const all = await Promise.all(Array.from({ length: 100 }, () => f(`${server.url}/`, { method: 'GET', headers: {} }).then((r) => r.text())));
        assert.ok(all.every((t) => t === 'ok'));
        assert.ok(server.connections <= 8, `${server.connections} connections`);
      },
    );
  });

  test('an idle pooled connection is closed after keepAliveTimeout; a slower answer is not cut', async () => {
    await withServer(
      (req, res) => setTimeout(() => res.end('late but fine'), req.url === '/slow' ? 300 : 0),
      async (server) => {
        const f = createNodeFetch({ keepAliveTimeout: 100 });
        assert.equal(await (await f(`${server.url}/slow`, { method: 'GET', headers: {} })).text(), 'late but fine');
        await within(1000, server.closes[0], 'idle close');
        assert.equal(await (await f(`${server.url}/`, { method: 'GET', headers: {} })).text(), 'late but fine');
        assert.equal(server.connections, 2);
      },
    );
  });

  test("the server's shorter Keep-Alive hint wins: timeout=2 closes the idle connection after about 1 s, timeout=1 is not pooled", async () => {
    for (const [hint, from, to] of [['timeout=2', 800, 3000], ['timeout=1', 0, 500]]) {
      await withServer(
        (req, res) => {
          res.setHeader('keep-alive', hint);
          res.end('ok');
        },
        async (server) => {
          const f = createNodeFetch({ keepAliveTimeout: 60_000 });
          const started = Date.now();
          assert.equal(await (await f(`${server.url}/`, { method: 'GET', headers: {} })).text(), 'ok');
          await within(to, server.closes[0], `idle close with ${hint}`);
          const ms = Date.now() - started;
          assert.ok(ms >= from, `${hint}: closed after ${ms} ms`);
          assert.equal(await (await f(`${server.url}/`, { method: 'GET', headers: {} })).text(), 'ok');
          assert.equal(server.connections, 2, hint);
        },
      );
    }
  });

  // Node's fetch differs here: it leaves one listener per call until the Request is garbage
  // collected (about 250 after 300 calls without a GC).
  test('a long-lived signal keeps no abort listener per call', async () => {
    await withServer(
      (req, res) => {
        if (req.url !== '/cut') return res.end('ok');
        res.writeHead(200, { 'content-length': '10' }).write('abc');
        setTimeout(() => res.destroy(), 10);
      },
      async (server) => {
        const f = createNodeFetch();
        const c = new AbortController();
        for (let i = 0; i < 300; i++) {
          const res = await f(`${server.url}/`, { method: 'POST', headers: {}, signal: c.signal });
          await res.text();
        }
        // Failures release it too: a refused connection, a body cut short.
        await assert.rejects(f(`http://127.0.0.1:${await freePort()}/`, { method: 'GET', headers: {}, signal: c.signal }), TypeError);
        const cut = await f(`${server.url}/cut`, { method: 'GET', headers: {}, signal: c.signal });
        await assert.rejects(cut.text(), TypeError);
        assert.equal(getEventListeners(c.signal, 'abort').length, 0);
      },
    );
  });

  test('without a signal, init.cancel() stops the request as an abort does; once the answer is read it does nothing', async () => {
    await withServer(
      (req, res) => {
        if (req.url === '/hold') return; // never answers
        if (req.url === '/drip') {
          res.writeHead(200, { 'content-length': '100000' }).write('x');
          return;
        }
        res.end('ok');
      },
      async (server) => {
        const f = createNodeFetch();
        // Waiting for the headers. (With a signal there is no cancel: the signal is the way.)
        const withSignal = { method: 'GET', headers: {}, signal: new AbortController().signal };
        await (await f(`${server.url}/`, withSignal)).text();
        assert.equal(withSignal.cancel, undefined);
        const init = { method: 'POST', headers: {} };
        const pending = f(`${server.url}/hold`, init);
        assert.equal(typeof init.cancel, 'function');
        while (!server.requests.some((r) => r.url === '/hold')) await sleep(5);
        const connection = server.closes[server.connections - 1];
        init.cancel();
        await within(1000, assert.rejects(pending, isAbortError), 'rejection');
        await within(1000, connection, 'server-side close');
        // While the body streams: text() rejects.
        const dripInit = { method: 'GET', headers: {} };
        const dripping = await f(`${server.url}/drip`, dripInit);
        dripInit.cancel();
        await within(1000, assert.rejects(dripping.text(), isAbortError), 'text() rejection');
        // After a whole answer: a no-op, and the pooled connection serves the next request.
        const doneInit = { method: 'GET', headers: {} };
        const res = await f(`${server.url}/`, doneInit);
        assert.equal(await res.text(), 'ok');
        const before = server.connections;
        doneInit.cancel();
        assert.equal(await (await f(`${server.url}/`, { method: 'GET', headers: {} })).text(), 'ok');
        assert.equal(server.connections, before);
      },
    );
  });

  test('malformed input rejects (no throw) with a TypeError', async () => {
    const f = createNodeFetch();
    await assert.rejects(f('not a url', { method: 'GET', headers: {} }), TypeError);
    await assert.rejects(f('ftp://127.0.0.1/', { method: 'GET', headers: {} }), TypeError);
    await assert.rejects(f('http://127.0.0.1:1/', { method: 'GET', headers: { 'x-bad': 'a\r\nb' } }), TypeError);
  });

  test('an answer over 1 MiB is not read past the cap: text() rejects with AnswerTooLarge', async () => {
    const { MAX_BODY_BYTES } = require(transportPath);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let written = 0;
    const server = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // Far more than the cap, streamed: the client must stop reading and drop the socket.
      const pump = () => {
        while (written < 64 * MAX_BODY_BYTES && res.write(chunk)) written += chunk.length;
        if (written < 64 * MAX_BODY_BYTES) res.once('drain', pump);
      };
      res.on('close', () => (written = Infinity));
      pump();
    });
    try {
      const response = await createNodeFetch()(`${server.url}/big`, { method: 'GET' });
      assert.equal(response.status, 200);
      const err = await response.text().then(
        () => assert.fail('a body over the cap was read'),
        (e) => e,
      );
      assert.equal(err.code, 'AnswerTooLarge');
      assert.match(err.message, /answer too large/);
      await Promise.race([server.closes[0], sleep(2000).then(() => assert.fail('the socket was not dropped'))]);
    } finally {
      await server.close();
    }
  });

  test('a body that fails unread is no unhandled rejection', async () => {
    await withServer(
      (req, res) => {
        res.writeHead(200, { 'content-length': '10' });
        res.write('abc');
        setTimeout(() => res.destroy(), 10);
      },
      async (server) => {
        await createNodeFetch()(`${server.url}/`, { method: 'GET', headers: {} }); // text() never called
        await sleep(100);
      },
    );
  });

  test('https: a trusted TLS server, through one pooled connection, Host the URL authority', async (t) => {
    // A throwaway certificate for 127.0.0.1, made now (so never "not yet valid"), trusted by a
    // child process through NODE_EXTRA_CA_CERTS, which Node reads only at start-up.
    const dir = mkdtempSync(join(tmpdir(), 'transport-tls-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    if (made.status !== 0) return t.skip('openssl is not available to make a certificate');
    const hosts = [];
    let connections = 0;
    const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      hosts.push(req.headers.host);
      res.end('secure');
    });
    server.on('secureConnection', () => connections++);
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const script = `
      const f = require(${JSON.stringify(transportPath)}).createNodeFetch();
      (async () => {
        const out = [];
        for (let i = 0; i < 10; i++) out.push(await (await f(process.argv[1], { method: 'POST', headers: {} })).text());
        console.log(JSON.stringify(out));
      })().catch((e) => { console.error(e, e.cause); process.exit(1); });`;
    const child = spawn(process.execPath, ['-e', script, `https://127.0.0.1:${server.address().port}/`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const [code] = await within(5000, once(child, 'exit'), 'child exit');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), Array(10).fill('secure'));
    assert.deepEqual(hosts, Array(10).fill(`127.0.0.1:${server.address().port}`));
    assert.equal(connections, 1);
  });

  test('a process that used it exits by itself (no dangling socket or timer)', async () => {
    const script = `
      const http = require('node:http');
      const { createNodeFetch } = require(${JSON.stringify(transportPath)});
      const f = createNodeFetch();
      const server = http.createServer((req, res) => {
        if (req.url === '/hang') return;
        if (req.url === '/cut') { res.writeHead(200, { 'content-length': '9' }); res.write('a'); return setTimeout(() => res.destroy(), 10); }
        res.end('ok');
      });
      server.listen(0, '127.0.0.1', async () => {
        const base = 'http://127.0.0.1:' + server.address().port;
        for (let i = 0; i < 20; i++) await (await f(base + '/', { method: 'POST', headers: {} })).text();
        const c = new AbortController();
        const hung = f(base + '/hang', { method: 'POST', headers: {}, signal: c.signal }).catch((e) => e.name);
        setTimeout(() => c.abort(), 20);
        const cut = await (await f(base + '/cut', { method: 'GET', headers: {} })).text().catch((e) => e.name);
        console.log(JSON.stringify([await hung, cut]));
        server.close(); // the pooled idle socket must not keep either side alive
      });`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const [code] = await within(3000, once(child, 'exit'), 'child exit').catch((err) => {
      child.kill();
      throw err;
    });
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out), ['AbortError', 'TypeError']);
  });
});

test('throughput: 2,000 sequential requests (informal, printed, not asserted)', async () => {
  await withServer(
    (req, res) => res.end('ok'),
    async (server) => {
      for (const [name, f] of [['node transport', createNodeFetch()], ['global fetch', fetch]]) {
        for (let i = 0; i < 100; i++) await (await f(`${server.url}/`, { method: 'POST', headers: {} })).text(); // warm-up
        const t0 = performance.now();
        for (let i = 0; i < 2000; i++) await (await f(`${server.url}/`, { method: 'POST', headers: { accept: 'application/json' } })).text();
        const s = (performance.now() - t0) / 1000;
        console.log(`# ${name}: ${(2000 / s).toFixed(0)} requests/s (2,000 sequential)`);
      }
    },
  );
});

test('no uncaught exception or unhandled rejection along the way', async () => {
  await sleep(50);
  assert.deepEqual(unhandled, []);
});
