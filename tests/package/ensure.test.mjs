// ensureHttps, describeInstance, listInstances, instances() and closeHttps as users get them:
// `npm pack` of pkg/, installed into a throwaway project, loaded there with `import` and with
// `require`, calling the emulator's lifecycle instances (emulator/README.md) for real. Every
// wait is bounded: small activation and poll times, and a waitTimeoutMs on every ensure.
// Run by `node --test tests/package/` after scripts/build.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from './packed.mjs';

const KEY = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const ACTIVATION_MS = 100;
const LAG_MS = 200;
const CATALOGUE = 25; // es-cn-cat-00001 … 00025, described catalogue-<kind>-000NN
// Fast polling, and never more than a few seconds for anything.
const FAST = { pollIntervalMs: 25, waitTimeoutMs: 5_000 };
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;

let installed;
let esm; // the package through `import 'aliyun-es-https'` in the consumer project
let cjs; // … and through `require('aliyun-es-https')`
let emu;

const unhandled = [];
const onUnhandled = (e) => unhandled.push(e);

before(async () => {
  process.on('unhandledRejection', onUnhandled);
  installed = installPacked('ensure');
  // Bare specifiers resolve from the consumer project (its node_modules), with the import and
  // the require condition of the exports map respectively.
  writeFileSync(join(installed.project, 'load.mjs'), "export * from 'aliyun-es-https';\n");
  esm = await import(pathToFileURL(join(installed.project, 'load.mjs')).href);
  cjs = createRequire(join(installed.project, 'package.json'))('aliyun-es-https');
  emu = await startEmulator({ activationMs: ACTIVATION_MS, protocolLagMs: LAG_MS, catalogue: CATALOGUE });
});

after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await emu?.close();
  installed?.remove();
});

// --- helpers ----------------------------------------------------------------------------------

const fresh = (prefix) => `${prefix}${randomUUID()}`;

function client(api = esm, extra = {}) {
  return new api.Client({ endpoint: emu.url, credentials: KEY, ...extra });
}

/** Runs ensureHttps and records every progress report (copied: the package may reuse them). */
async function ensure(c, id, options = {}) {
  const events = [];
  const promise = c.ensureHttps(id, { ...FAST, onProgress: (e) => events.push({ ...e }), ...options });
  try {
    return { result: await promise, events };
  } catch (error) {
    return { error, events };
  }
}

/** The phases in order, repeats (a status change within a phase) collapsed. */
const phases = (events) => events.map((e) => e.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p);

function assertElapsedNonDecreasing(events) {
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].elapsedMs >= events[i - 1].elapsedMs, `elapsedMs goes back: ${JSON.stringify(events)}`);
  }
}

function assertOpenHttpsError(e, code) {
  assert.ok(e instanceof Error, `an Error: ${e}`);
  assert.equal(e.name, 'OpenHttpsError');
  assert.equal(e.code, code, `${e.code}: ${e.message}`);
}

/** The emulator's log entries of one instance, for one action. */
const logOf = (id, action) => emu.log.filter((e) => e.instanceId === id && (!action || e.action === action));

// --- ensureHttps ------------------------------------------------------------------------------

test('import: HTTP → activating → HTTPS, one OpenHttps applied, progress checking/opening/activating/done', async () => {
  const id = fresh('es-http-');
  const started = performance.now();
  const { result, error, events } = await ensure(client(esm), id, { clientToken: 'ensure-token-1' });
  assert.equal(error, undefined, error?.message);
  const tookMs = performance.now() - started;

  assert.deepEqual(phases(events), ['checking', 'opening', 'activating', 'done']);
  assertElapsedNonDecreasing(events);
  assert.ok(events.at(-1).elapsedMs > events[0].elapsedMs, JSON.stringify(events));
  assert.ok(events.at(-1).elapsedMs >= ACTIVATION_MS, `done only after the activation: ${JSON.stringify(events)}`);
  assert.ok(events.every((e) => e.instanceId === id));
  assert.ok(events.some((e) => e.phase === 'activating' && e.status === 'activating'), 'the activation was seen');
  assert.deepEqual(
    { phase: events.at(-1).phase, status: events.at(-1).status, protocol: events.at(-1).protocol },
    { phase: 'done', status: 'active', protocol: 'HTTPS' },
  );
  // Nothing reported HTTPS before done.
  assert.ok(events.slice(0, -1).every((e) => e.protocol !== 'HTTPS'), JSON.stringify(events));

  assert.equal(result.instanceId, id);
  assert.equal(result.changed, true);
  assert.equal(result.status, 'active');
  assert.equal(result.protocol, 'HTTPS');
  assert.equal(result.clientToken, 'ensure-token-1');
  assert.ok(result.polls >= 2, `polls: ${result.polls}`);
  assert.equal(result.polls, emu.requests(id, 'DescribeInstance'), 'polls = DescribeInstance calls');
  assert.ok(result.elapsedMs >= events.at(-1).elapsedMs && result.elapsedMs <= tookMs + 1, `elapsedMs ${result.elapsedMs}`);

  assert.equal(emu.applied(id), 1);
  assert.equal(emu.requests(id, 'OpenHttps'), 1);
  const [open] = logOf(id, 'OpenHttps');
  assert.equal(open.clientToken, 'ensure-token-1', 'the given clientToken was sent');
  assert.equal(result.requestId, open.requestId, 'the RequestId of the accepted OpenHttps');
  assert.deepEqual([emu.instance(id).status, emu.instance(id).protocol], ['active', 'HTTPS']);
});

test('require: an HTTPS instance is left alone (changed: false, no OpenHttps, one Describe)', async () => {
  const id = fresh('es-https-');
  const { result, error, events } = await ensure(client(cjs), id);
  assert.equal(error, undefined, error?.message);
  assert.equal(result.changed, false);
  assert.equal(result.status, 'active');
  assert.equal(result.protocol, 'HTTPS');
  assert.equal(result.requestId, undefined, 'no OpenHttps, no RequestId');
  assert.equal(result.polls, 1);
  assert.deepEqual(phases(events), ['checking', 'done']);
  assert.equal(emu.requests(id, 'OpenHttps'), 0);
  assert.equal(emu.requests(id, 'DescribeInstance'), 1);
  assert.equal(emu.applied(id), 0);
});

test('a busy instance: waiting first, then OpenHttps once it is active, then HTTPS', async () => {
  const id = fresh('es-busy-');
  const { result, error, events } = await ensure(client(cjs), id);
  assert.equal(error, undefined, error?.message);
  assert.deepEqual(phases(events), ['checking', 'waiting', 'opening', 'activating', 'done']);
  assertElapsedNonDecreasing(events);
  assert.equal(events.find((e) => e.phase === 'waiting').status, 'activating');
  assert.ok(events.find((e) => e.phase === 'opening').elapsedMs >= ACTIVATION_MS * 0.9, 'opened only after the busy period');
  assert.equal(result.changed, true);
  assert.deepEqual([result.status, result.protocol], ['active', 'HTTPS']);
  assert.equal(emu.requests(id, 'OpenHttps'), 1, 'no OpenHttps while it was busy');
  assert.equal(emu.applied(id), 1);
});

test('protocol lag: not done while DescribeInstance still shows HTTP; exactly one OpenHttps', async () => {
  const id = fresh('es-lag-');
  const { result, error, events } = await ensure(client(esm), id);
  assert.equal(error, undefined, error?.message);
  assert.equal(result.changed, true);
  assert.deepEqual([result.status, result.protocol], ['active', 'HTTPS']);
  assert.deepEqual(phases(events), ['checking', 'opening', 'activating', 'done']);
  assert.ok(events.slice(0, -1).every((e) => e.protocol !== 'HTTPS'), JSON.stringify(events));
  // The lag was really polled through: DescribeInstance calls answered while it still showed
  // active/HTTP after the accepted OpenHttps…
  const opened = Date.parse(logOf(id, 'OpenHttps')[0].time);
  const inLag = logOf(id, 'DescribeInstance').filter((e) => Date.parse(e.time) > opened && Date.parse(e.time) < opened + LAG_MS - 50);
  assert.ok(inLag.length >= 1, 'polled during the lag');
  // …and done came only once it had become HTTPS.
  assert.ok(result.elapsedMs >= LAG_MS + ACTIVATION_MS - 10, `elapsedMs ${result.elapsedMs}`);
  assert.equal(emu.requests(id, 'OpenHttps'), 1);
  assert.equal(emu.applied(id), 1);
});

test('a change that never finishes: WaitTimeout after waitTimeoutMs, naming the last status', async () => {
  const id = fresh('es-stuck-');
  const started = performance.now();
  const { error, events } = await ensure(client(esm), id, { waitTimeoutMs: 300, clientToken: 'stuck-token' });
  const tookMs = performance.now() - started;
  assertOpenHttpsError(error, 'WaitTimeout');
  assert.ok(tookMs >= 290 && tookMs < 800, `rejected after ${tookMs.toFixed(0)} ms`);
  assert.match(error.message, /status activating/);
  assert.match(error.message, /protocol HTTP\b/);
  assert.equal(error.retryable, true);
  assert.equal(error.clientToken, 'stuck-token');
  assert.equal(error.requestId, logOf(id, 'OpenHttps')[0].requestId, 'the accepted OpenHttps is named');
  assert.equal(events.at(-1).status, 'activating');
  assert.equal(emu.applied(id), 1);
  // Nothing keeps polling after the rejection.
  const polls = emu.requests(id);
  await sleep(FAST.pollIntervalMs * 4);
  assert.equal(emu.requests(id), polls);
});

test('no client node: HttpsNeedClientNode, nothing applied', async () => {
  const id = fresh('es-noclient-');
  const { error, events } = await ensure(client(cjs), id, { clientToken: 'noclient-token' });
  assertOpenHttpsError(error, 'HttpsNeedClientNode');
  assert.equal(error.retryable, false);
  assert.equal(error.clientToken, 'noclient-token');
  assert.equal(events.at(0).phase, 'checking');
  assert.ok(!events.some((e) => e.phase === 'done'));
  assert.equal(emu.applied(id), 0);
});

for (const prefix of ['es-inactive-', 'es-invalid-']) {
  test(`${prefix}*: InstanceNotActive without sending OpenHttps`, async () => {
    const id = fresh(prefix);
    const { error } = await ensure(client(esm), id);
    assertOpenHttpsError(error, 'InstanceNotActive');
    assert.match(error.message, new RegExp(prefix === 'es-inactive-' ? 'inactive' : 'invalid'));
    assert.equal(error.retryable, false);
    assert.equal(emu.requests(id, 'OpenHttps'), 0);
    assert.equal(emu.requests(id, 'DescribeInstance'), 1);
  });
}

test('an unknown instance: InstanceNotFound from the first DescribeInstance', async () => {
  const id = fresh('es-cn-nosuch-');
  const { error } = await ensure(client(esm), id);
  assertOpenHttpsError(error, 'InstanceNotFound');
  assert.equal(error.httpStatus, 400);
  assert.equal(emu.requests(id, 'OpenHttps'), 0);
});

test('abort while activating: Aborted promptly, and no request is sent afterwards', async () => {
  const id = fresh('es-stuck-');
  const controller = new AbortController();
  let abortedAt;
  const c = client(cjs);
  const { error, events } = await ensure(c, id, {
    signal: controller.signal,
    onProgress: (e) => {
      if (e.phase === 'activating' && e.status === 'activating' && abortedAt === undefined) {
        setTimeout(() => {
          abortedAt = performance.now();
          controller.abort();
        }, FAST.pollIntervalMs / 2);
      }
    },
  });
  const rejectedAfterMs = performance.now() - abortedAt;
  assert.ok(abortedAt !== undefined, `the activation was seen: ${JSON.stringify(events)}`);
  assertOpenHttpsError(error, 'Aborted');
  assert.ok(rejectedAfterMs < 200, `rejected ${rejectedAfterMs.toFixed(0)} ms after the abort`);
  assert.equal(error.retryable, false);
  assert.equal(emu.applied(id), 1, 'the accepted OpenHttps stays applied');
  const requests = emu.requests(id);
  await sleep(FAST.pollIntervalMs * 6);
  assert.equal(emu.requests(id), requests, 'no poll after the abort');
});

test('abort while a DescribeInstance hangs: Aborted promptly', async () => {
  const id = fresh('es-fault-hangx1-');
  const controller = new AbortController();
  const promise = client(esm).ensureHttps(id, { ...FAST, signal: controller.signal });
  // Wait until the request has reached the emulator (and hangs there).
  for (let i = 0; i < 100 && emu.attempts(id) === 0; i++) await sleep(10);
  assert.equal(emu.attempts(id), 1, 'the first DescribeInstance is hanging');
  const abortedAt = performance.now();
  controller.abort();
  await assert.rejects(promise, (e) => {
    assertOpenHttpsError(e, 'Aborted');
    return true;
  });
  assert.ok(performance.now() - abortedAt < 200);
  await sleep(100);
  assert.equal(emu.requests(id), 1, 'no retry after the abort');
});

test('an already aborted signal: Aborted, nothing sent', async () => {
  const id = fresh('es-http-');
  const { error } = await ensure(client(esm), id, { signal: AbortSignal.abort() });
  assertOpenHttpsError(error, 'Aborted');
  assert.equal(emu.requests(id), 0);
});

test('throttled DescribeInstance calls (QPS limit 3) are retried: concurrent ensures all complete', async () => {
  const throttled = await startEmulator({ activationMs: ACTIVATION_MS, qpsLimit: 3, catalogue: false });
  try {
    const c = new esm.Client({ endpoint: throttled.url, credentials: KEY });
    const ids = [1, 2, 3].map(() => fresh('es-http-'));
    const outcomes = await Promise.allSettled(ids.map((id) => c.ensureHttps(id, { pollIntervalMs: 50, waitTimeoutMs: 15_000 })));
    for (const [i, o] of outcomes.entries()) {
      assert.equal(o.status, 'fulfilled', `${ids[i]}: ${o.reason?.code}: ${o.reason?.message}`);
      assert.deepEqual([o.value.changed, o.value.status, o.value.protocol], [true, 'active', 'HTTPS']);
      assert.equal(throttled.applied(ids[i]), 1, 'applied once, throttled retries included');
    }
    const throttledDescribes = throttled.log.filter((e) => e.action === 'DescribeInstance' && e.code === 'Throttling.User');
    assert.ok(throttledDescribes.length >= 1, 'some DescribeInstance calls were throttled');
  } finally {
    await throttled.close();
  }
});

test('5xx on the first DescribeInstance (es-fault-503x2, lifecycle) is retried; the ensure completes', async () => {
  const id = fresh('es-fault-503x2-');
  emu.setInstance(id, { lifecycle: true, status: 'active', protocol: 'HTTP' });
  const { result, error, events } = await ensure(client(cjs), id);
  assert.equal(error, undefined, error?.message);
  assert.deepEqual([result.changed, result.status, result.protocol], [true, 'active', 'HTTPS']);
  assert.deepEqual(phases(events), ['checking', 'opening', 'activating', 'done']);
  assert.deepEqual(
    logOf(id, 'DescribeInstance').slice(0, 3).map((e) => [e.status, e.fault]),
    [[503, '503'], [503, '503'], [200, null]],
  );
  assert.equal(emu.applied(id), 1);
  assert.equal(emu.requests(id, 'OpenHttps'), 1);
});

test('5xx while polling (injected by a proxy in front of the emulator) is retried; the ensure completes', async () => {
  // The emulator's faults strike the first N attempts of an id, i.e. the first DescribeInstance;
  // a proxy (proxyUrl) answers 503 ServiceUnavailable to the first polls after OpenHttps.
  const id = fresh('es-http-');
  const target = new URL(emu.url);
  let opened = false;
  let toInject = 2;
  const injected = [];
  const proxy = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url.includes(`/instances/${id}/actions/open-https`)) opened = true;
    if (req.method === 'GET' && req.url === `/openapi/instances/${id}` && opened && toInject > 0) {
      toInject--;
      const requestId = randomUUID().toUpperCase();
      injected.push(requestId);
      res.writeHead(503, { 'content-type': 'application/json;charset=utf-8', 'x-acs-request-id': requestId });
      res.end(
        JSON.stringify({
          RequestId: requestId,
          HostId: target.host,
          Code: 'ServiceUnavailable',
          Message: 'The request has failed due to a temporary failure of the server.',
        }),
      );
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));
  try {
    const c = client(esm, { proxyUrl: `http://127.0.0.1:${proxy.address().port}` });
    const { result, error, events } = await ensure(c, id);
    assert.equal(error, undefined, error?.message);
    assert.equal(injected.length, 2, 'two polls got a 503');
    assert.deepEqual([result.changed, result.status, result.protocol], [true, 'active', 'HTTPS']);
    assert.equal(events.at(-1).phase, 'done');
    assert.equal(emu.requests(id, 'OpenHttps'), 1);
    assert.equal(emu.applied(id), 1);
  } finally {
    proxy.closeAllConnections();
    await new Promise((ok) => proxy.close(ok));
  }
});

test('wait: false resolves once OpenHttps is accepted, before HTTPS is on', async () => {
  const id = fresh('es-http-');
  const { result, error, events } = await ensure(client(esm), id, { wait: false, clientToken: 'nowait-token' });
  assert.equal(error, undefined, error?.message);
  const pending = emu.instance(id).pending;
  assert.ok(pending !== null, 'the change is still in progress when it resolves');
  assert.equal(result.changed, true);
  assert.equal(result.clientToken, 'nowait-token');
  assert.equal(result.requestId, logOf(id, 'OpenHttps')[0].requestId);
  assert.notEqual(result.protocol, 'HTTPS', 'it did not wait for HTTPS');
  assert.equal(events.at(-1).phase, 'done');
  assert.equal(emu.requests(id, 'OpenHttps'), 1);
  assert.equal(emu.applied(id), 1);
  // An HTTPS instance with wait: false: nothing to do.
  const on = fresh('es-https-');
  const { result: nothing } = await ensure(client(esm), on, { wait: false });
  assert.equal(nothing.changed, false);
  assert.equal(emu.requests(on, 'OpenHttps'), 0);
});

test('what onProgress throws is ignored', async () => {
  const id = fresh('es-http-');
  let calls = 0;
  const result = await client(cjs).ensureHttps(id, {
    ...FAST,
    onProgress: () => {
      calls++;
      throw new Error('a broken progress callback');
    },
  });
  assert.ok(calls >= 4, `called ${calls} times`);
  assert.deepEqual([result.changed, result.protocol], [true, 'HTTPS']);
});

test('an async onProgress that rejects is ignored too (no unhandled rejection)', async () => {
  const id = fresh('es-http-');
  let calls = 0;
  const result = await client(esm).ensureHttps(id, {
    ...FAST,
    onProgress: async () => {
      calls++;
      throw new Error('a broken async progress callback');
    },
  });
  assert.ok(calls >= 4, `called ${calls} times`);
  assert.equal(result.protocol, 'HTTPS');
  // The final check of this file ('nothing went unhandled') sees what these left behind.
});

test('the top-level functions use the client set by configure (configured via import, called via require)', async () => {
  esm.configure({ endpoint: emu.url, credentials: KEY });
  const id = fresh('es-http-');
  const result = await cjs.ensureHttps(id, FAST);
  assert.deepEqual([result.changed, result.status, result.protocol], [true, 'active', 'HTTPS']);
  const described = await esm.describeInstance(id);
  assert.deepEqual([described.status, described.protocol], ['active', 'HTTPS']);
  const page = await cjs.listInstances({ instanceId: id });
  assert.deepEqual(page.instances.map((i) => i.instanceId), [id]);
  const walked = [];
  for await (const i of esm.instances({ instanceId: id })) walked.push(i.instanceId);
  assert.deepEqual(walked, [id]);
  assert.equal(emu.applied(id), 1);
});

// --- describeInstance, listInstances, instances(), closeHttps ---------------------------------

test('describeInstance: the instance as the emulator shows it, with the RequestId', async () => {
  const id = fresh('es-http-');
  emu.setInstance(id, { description: 'my-search', esVersion: '6.7_with_X-Pack', haveClientNode: true });
  const d = await client(esm).describeInstance(id);
  assert.deepEqual(
    { ...d, requestId: undefined },
    {
      instanceId: id,
      status: 'active',
      protocol: 'HTTP',
      description: 'my-search',
      esVersion: '6.7_with_X-Pack',
      haveClientNode: true,
      requestId: undefined,
    },
  );
  assert.equal(d.requestId, logOf(id, 'DescribeInstance')[0].requestId);
  assert.match(d.requestId, UUID);

  const noClient = await client(cjs).describeInstance(fresh('es-noclient-'));
  assert.equal(noClient.haveClientNode, false);

  await assert.rejects(client(cjs).describeInstance(fresh('es-cn-nosuch-')), (e) => {
    assertOpenHttpsError(e, 'InstanceNotFound');
    return true;
  });
});

test('listInstances: one page, page/size/total, filters', async () => {
  const c = client(cjs);
  const expected = emu.instances().filter((i) => i.description.includes('catalogue-')).map((i) => i.instanceId);
  assert.equal(expected.length, CATALOGUE);
  const before = emu.counts().ListInstance;
  const pages = [];
  for (const page of [1, 2, 3, 4]) pages.push(await c.listInstances({ description: 'catalogue-', page, size: 10 }));
  assert.equal(emu.counts().ListInstance - before, 4);
  assert.deepEqual(pages.map((p) => p.instances.length), [10, 10, 5, 0]);
  assert.deepEqual(pages.map((p) => p.total), [CATALOGUE, CATALOGUE, CATALOGUE, CATALOGUE]);
  assert.deepEqual(pages.flatMap((p) => p.instances.map((i) => i.instanceId)), expected);
  for (const p of pages) assert.match(p.requestId, UUID);

  const [first] = pages[0].instances;
  const view = emu.instance(first.instanceId);
  assert.deepEqual(
    first,
    {
      instanceId: view.instanceId,
      status: view.status,
      protocol: view.protocol,
      description: view.description,
      esVersion: view.esVersion,
      haveClientNode: view.haveClientNode,
    },
  );

  const one = await c.listInstances({ instanceId: 'es-cn-cat-00007' });
  assert.deepEqual(one.instances.map((i) => i.instanceId), ['es-cn-cat-00007']);
  assert.equal(one.total, 1);
  const byDefault = await c.listInstances();
  assert.ok(byDefault.instances.length === 10 && byDefault.total > CATALOGUE, 'page 1, size 10 by default');
});

test('instances(): walks every page (25 items, size 10: 3 ListInstance calls), lazily', async () => {
  const c = client(esm);
  const expected = emu.instances().filter((i) => i.description.includes('catalogue-')).map((i) => i.instanceId);
  const before = emu.counts().ListInstance;
  const iterator = c.instances({ description: 'catalogue-', size: 10 });
  assert.equal(iterator[Symbol.asyncIterator](), iterator);
  await sleep(20);
  assert.equal(emu.counts().ListInstance, before, 'nothing fetched before the first next()');
  const seen = [];
  for await (const instance of iterator) {
    seen.push(instance.instanceId);
    assert.equal(typeof instance.status, 'string');
  }
  assert.deepEqual(seen, expected);
  assert.equal(emu.counts().ListInstance - before, 3);
  const log = emu.log.filter((e) => e.action === 'ListInstance').slice(-3);
  const pageAndSize = (e) => {
    const q = new URLSearchParams(e.query ?? '');
    return [q.get('page'), q.get('size')];
  };
  assert.deepEqual(log.map(pageAndSize), [['1', '10'], ['2', '10'], ['3', '10']]);

  // A walk that ends exactly on a page boundary (10 matches, size 5) takes 2 calls, not 3.
  const edge = emu.counts().ListInstance;
  let n = 0;
  for await (const _ of c.instances({ instanceId: 'es-cn-cat-0001', size: 5 })) n++;
  assert.equal(n, 10);
  assert.equal(emu.counts().ListInstance - edge, 2);
});

test('instances(): break in for await stops fetching', async () => {
  const c = client(cjs);
  const before = emu.counts().ListInstance;
  let n = 0;
  for await (const _ of c.instances({ description: 'catalogue-', size: 10 })) {
    if (++n === 12) break;
  }
  assert.equal(n, 12);
  assert.equal(emu.counts().ListInstance - before, 2, 'pages 1 and 2 only');
  await sleep(50);
  assert.equal(emu.counts().ListInstance - before, 2, 'no page fetched after the break');

  const it = c.instances({ description: 'catalogue-', size: 10 });
  await it.next();
  const stopped = await it.return();
  assert.equal(stopped.done, true);
  assert.equal(stopped.value, undefined);
  const afterStop = await it.next();
  assert.equal(afterStop.done, true, 'used up once stopped');
  assert.equal(afterStop.value, undefined);
  assert.equal(emu.counts().ListInstance - before, 3);
});

test('closeHttps reverses: HTTPS → activating → HTTP, counted in closed(); ensureHttps turns it back on', async () => {
  const id = fresh('es-https-');
  const c = client(esm);
  const closed = await c.closeHttps(id, 'close-token');
  assert.equal(closed.result, true);
  assert.equal(closed.clientToken, 'close-token');
  assert.equal(closed.attempts, 1);
  assert.equal(emu.closed(id), 1);
  assert.equal((await c.describeInstance(id)).status, 'activating');
  const again = await c.closeHttps(id, 'close-token');
  assert.equal(again.requestId, closed.requestId, 'the same clientToken replays the answer');
  assert.equal(emu.closed(id), 1);
  await sleep(ACTIVATION_MS + 30);
  const after = await c.describeInstance(id);
  assert.deepEqual([after.status, after.protocol], ['active', 'HTTP']);

  const { result } = await ensure(c, id);
  assert.deepEqual([result.changed, result.protocol], [true, 'HTTPS']);
  assert.equal(emu.applied(id), 1);
});

// --- bad arguments: InvalidArgument + field, before anything is sent -------------------------

test('bad arguments reject with InvalidArgument and the field, before any request is sent', async () => {
  const c = client(esm);
  const r = client(cjs);
  const id = fresh('es-http-');
  const cases = [
    ['listInstances size 101', () => c.listInstances({ size: 101 }), 'size'],
    ['listInstances size 0', () => r.listInstances({ size: 0 }), 'size'],
    ['listInstances page 0', () => c.listInstances({ page: 0 }), 'page'],
    ['listInstances page 1.5', () => r.listInstances({ page: 1.5 }), 'page'],
    ['listInstances unknown key', () => c.listInstances({ pageSize: 10 }), 'options'],
    ['instances size 101', async () => {
      for await (const _ of c.instances({ size: 101 })); // eslint-disable-line no-empty
    }, 'size'],
    ['instances page (not an option of the walk)', async () => {
      for await (const _ of r.instances({ page: 2 })); // eslint-disable-line no-empty
    }, 'options'],
    ['ensureHttps onProgress not a function', () => c.ensureHttps(id, { onProgress: 'log' }), 'onProgress'],
    ['ensureHttps wait not a boolean', () => r.ensureHttps(id, { wait: 'yes' }), 'wait'],
    ['ensureHttps unknown key', () => c.ensureHttps(id, { waitTimeout: 1000 }), 'options'],
    ['ensureHttps pollIntervalMs 0', () => r.ensureHttps(id, { pollIntervalMs: 0 }), 'pollIntervalMs'],
    ['ensureHttps waitTimeoutMs over a day', () => c.ensureHttps(id, { waitTimeoutMs: 86_400_001 }), 'waitTimeoutMs'],
    ['ensureHttps signal not a signal', () => r.ensureHttps(id, { signal: 'abort' }), 'signal'],
    ['describeInstance unknown key', () => c.describeInstance(id, { timeoutMs: 5 }), 'options'],
  ];
  const log = emu.log.length;
  const counts = JSON.stringify(emu.counts());
  for (const [label, call, field] of cases) {
    await assert.rejects(
      Promise.resolve().then(call),
      (e) => {
        assertOpenHttpsError(e, 'InvalidArgument');
        assert.equal(e.field, field, `${label}: ${e.message}`);
        assert.equal(e.retryable, false, label);
        return true;
      },
      label,
    );
  }
  assert.equal(JSON.stringify(emu.counts()), counts, 'no request was sent');
  assert.equal(emu.log.length, log);
});

test('nothing went unhandled', async () => {
  await sleep(20);
  assert.deepEqual(unhandled.map(String), []);
});
