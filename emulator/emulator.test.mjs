// Tests of the OpenHttps emulator: its signing helpers against the official vectors, then its
// behaviour over real HTTP with a small client written here (node:crypto + fetch), independent
// of the emulator's own helpers. Run: node --test emulator/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  ACTIVATING_INSTANCE_ID,
  ACTIVE_INSTANCE_ID,
  DEFAULT_CATALOGUE,
  EMPTY_BODY_SHA256,
  FAULT_SKEW_MS,
  STS_TEST_KEY,
  TEST_KEY,
  authorizationV1,
  authorizationV3,
  canonicalHeadersV3,
  canonicalQueryV3,
  canonicalRequestV3,
  canonicalResourceV1,
  generateCatalogue,
  headersFromRaw,
  parseAcsDate,
  parseAuthorization,
  parseFault,
  parseHttpDate,
  parseQuery,
  sdkSignedHeaderNames,
  signatureV1,
  startEmulator,
  stringToSignV1,
  stringToSignV3,
} from './emulator.mjs';

// ---------------------------------------------------------------------------------------------
// Vectors
// ---------------------------------------------------------------------------------------------

const vectorsUrl = process.env.SIGNING_VECTORS
  ? pathToFileURL(resolve(process.env.SIGNING_VECTORS))
  : new URL('../tests/vectors/signing.json', import.meta.url);
const vectors = JSON.parse(readFileSync(vectorsUrl, 'utf8'));

describe('signing vectors (tests/vectors/signing.json)', () => {
  test('the file has V1 and V3 cases', () => {
    assert.ok(Array.isArray(vectors) && vectors.length > 0, `no cases in ${vectorsUrl}`);
    assert.ok(vectors.some((c) => c.signatureVersion === 'v1'), 'no V1 case');
    assert.ok(vectors.some((c) => c.signatureVersion === 'v3'), 'no V3 case');
  });

  for (const c of vectors) {
    test(`emulator reproduces ${c.signatureVersion} ${c.name}`, () => {
      if (c.signatureVersion === 'v1') {
        assert.equal(stringToSignV1(c), c.expectedStringToSign);
        assert.equal(authorizationV1(c), c.expectedAuthorization);
      } else {
        assert.equal(c.signatureVersion, 'v3');
        assert.equal(authorizationV3(c), c.expectedAuthorization);
      }
    });

    // The HTTP tests below trust the test client, so it must pass the same vectors.
    test(`test client reproduces ${c.signatureVersion} ${c.name}`, () => {
      const key = { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret };
      const signed = clientSign(c.signatureVersion, key, c);
      if (c.signatureVersion === 'v1') assert.equal(signed.stringToSign, c.expectedStringToSign);
      assert.equal(signed.authorization, c.expectedAuthorization);
    });
  }
});

describe('vectors from the official SDKs’ unit tests (tests/vectors/README.md)', () => {
  test('HMAC-SHA1 base64', () => {
    assert.equal(signatureV1('secret', 'stringtosign'), 'OmuTAr79tpI6CRoAdmzKRq5lHs0=');
  });

  test('V1 string-to-sign, GET / with only accept', () => {
    const sts = stringToSignV1({ method: 'GET', pathname: '/', query: {}, headers: { accept: 'application/json' } });
    assert.equal(sts, 'GET\napplication/json\n\n\n\n/');
  });

  test('V1 string-to-sign with every line and a query value with spaces', () => {
    const sts = stringToSignV1({
      method: 'GET',
      pathname: '/',
      query: { key: 'val ue with space' },
      headers: {
        accept: 'application/json',
        'content-md5': 'md5',
        'content-type': 'application/json',
        date: 'date',
        'x-acs-custom-key': 'any value',
      },
    });
    assert.equal(
      sts,
      'GET\napplication/json\nmd5\napplication/json\ndate\nx-acs-custom-key:any value\n/?key=val ue with space',
    );
  });

  const openHttpsV1 = {
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    method: 'POST',
    pathname: '/openapi/instances/es-cn-abc123/actions/open-https',
    headers: {
      accept: 'application/json',
      date: 'Thu, 06 Feb 2020 07:32:54 GMT',
      'x-acs-action': 'OpenHttps',
      'x-acs-signature-method': 'HMAC-SHA1',
      'x-acs-signature-nonce': '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      'x-acs-signature-version': '1.0',
      'x-acs-version': '2017-06-13',
    },
  };

  test('OpenHttps V1 with clientToken', () => {
    assert.equal(
      authorizationV1({ ...openHttpsV1, query: { clientToken: 'token-1' } }),
      'acs testid:0jIH2swHDkDyLfjaHKCeiscQAzY=',
    );
  });

  test('OpenHttps V1 without query', () => {
    assert.equal(authorizationV1({ ...openHttpsV1, query: {} }), 'acs testid:018e45MGmLRbkFN0o/U0HPoNuzg=');
  });
});

describe('V3 canonical parts (SIGNING.md rules the vectors do not reach)', () => {
  test("encodeURIComponent plus !'()* , keys sorted, empty value as k=", () => {
    assert.equal(
      canonicalQueryV3([
        ['clientToken', "a b!'()*~+/é"],
        ['B', ''],
        ['a key', 'x&y=z'],
      ]),
      'B=&a%20key=x%26y%3Dz&clientToken=a%20b%21%27%28%29%2A~%2B%2F%C3%A9',
    );
  });

  test('canonical headers: trimmed values, sorted names, repeated headers joined with ","', () => {
    const headers = headersFromRaw(['Host', 'h:1', 'X-Acs-Meta', ' a ', 'x-acs-meta', 'b', 'Accept', 'x']);
    assert.deepEqual({ ...headers }, { host: 'h:1', 'x-acs-meta': ' a ,b', accept: 'x' });
    assert.equal(canonicalHeadersV3({ ...headers, 'x-acs-date': '  d\t' }, ['x-acs-meta', 'x-acs-date', 'host']),
      'host:h:1\nx-acs-date:d\nx-acs-meta:a ,b\n');
  });
});

describe('parsing helpers', () => {
  test('Authorization values', () => {
    const v3 = parseAuthorization(
      `ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature=${'a'.repeat(64)}`,
    );
    assert.deepEqual(v3, {
      version: 'v3',
      accessKeyId: 'testid',
      signedHeaders: ['host', 'x-acs-date'],
      signature: 'a'.repeat(64),
    });
    assert.deepEqual(parseAuthorization('acs testid:abc+/='), {
      version: 'v1',
      accessKeyId: 'testid',
      signature: 'abc+/=',
    });
    for (const bad of [
      undefined,
      '',
      'Bearer x',
      'ACS3-HMAC-SHA256 Credential=testid',
      `ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host,Signature=${'A'.repeat(64)}`,
      `ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=Host,Signature=${'a'.repeat(64)}`,
      `ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;host,Signature=${'a'.repeat(64)}`,
      'acs testid',
    ]) {
      assert.ok(parseAuthorization(bad).error, `accepted ${bad}`);
    }
  });

  test('query strings', () => {
    assert.deepEqual(parseQuery('clientToken=a+b%2B%20c&flag'), [
      ['clientToken', 'a b+ c'],
      ['flag', ''],
    ]);
    assert.deepEqual(parseQuery(''), []);
    assert.throws(() => parseQuery('a=1&a=2'), /more than once/);
    assert.throws(() => parseQuery('a=%zz'), /percent-encoding/);
  });

  test('timestamps', () => {
    assert.equal(parseAcsDate('2026-04-01T08:00:00Z'), Date.UTC(2026, 3, 1, 8));
    assert.equal(parseAcsDate('2026-02-30T08:00:00Z'), null);
    assert.equal(parseAcsDate('2026-04-01T08:00:00.000Z'), null);
    assert.equal(parseAcsDate('2026-04-01 08:00:00'), null);
    assert.equal(parseHttpDate('Wed, 01 Apr 2026 08:00:00 GMT'), Date.UTC(2026, 3, 1, 8));
    assert.equal(parseHttpDate('Thu, 01 Apr 2026 08:00:00 GMT'), null, 'wrong day of week');
    assert.equal(parseHttpDate('2026-04-01T08:00:00Z'), null);
  });
});

// ---------------------------------------------------------------------------------------------
// An independent test client (does not use the emulator's helpers)
// ---------------------------------------------------------------------------------------------

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const JSON_TYPE = 'application/json;charset=utf-8';

const hex256 = (s) => createHash('sha256').update(s).digest('hex');
const enc = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const byKey = ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Signs like the official Node SDK. `request` = { method, pathname, query, headers, body };
 * `unsigned` lists header names to leave out of V3 SignedHeaders (to provoke errors).
 */
function clientSign(version, key, { method, pathname, query = {}, headers, body = '' }, unsigned = []) {
  const entries = Object.entries(query).sort(byKey);
  if (version === 'v3') {
    const names = Object.keys(headers)
      .filter((n) => (n === 'host' || n === 'content-type' || n.startsWith('x-acs-')) && !unsigned.includes(n))
      .sort();
    const canonicalRequest = [
      method,
      pathname.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~'),
      entries.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&'),
      names.map((n) => `${n}:${headers[n].trim()}\n`).join(''),
      names.join(';'),
      headers['x-acs-content-sha256'] ?? hex256(body),
    ].join('\n');
    const stringToSign = `ACS3-HMAC-SHA256\n${hex256(canonicalRequest)}`;
    const signature = createHmac('sha256', key.accessKeySecret).update(stringToSign).digest('hex');
    const authorization =
      `ACS3-HMAC-SHA256 Credential=${key.accessKeyId},` +
      `SignedHeaders=${names.join(';')},Signature=${signature}`;
    return { canonicalRequest, stringToSign, authorization };
  }
  const acs = Object.keys(headers)
    .filter((n) => n.startsWith('x-acs-'))
    .sort()
    .map((n) => `${n}:${headers[n].replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
  const resource = entries.length ? `${pathname}?${entries.map(([k, v]) => `${k}=${v}`).join('&')}` : pathname;
  const line = (n) => headers[n] ?? '';
  const lines = ['accept', 'content-md5', 'content-type', 'date'].map(line);
  const stringToSign = `${method}\n${lines.join('\n')}\n${acs}${resource}`;
  const signature = createHmac('sha1', key.accessKeySecret).update(stringToSign).digest('base64');
  return { stringToSign, authorization: `acs ${key.accessKeyId}:${signature}` };
}

const freshNonce = () => randomBytes(32).toString('hex');
const freshActive = () => `es-active-${randomUUID()}`;
const acsDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * Sends one OpenHttps call and reads the answer as JSON (see sendOpenHttps for the options).
 */
async function openHttps(emu, opts = {}) {
  const sent = await sendOpenHttps(emu, opts);
  const text = await sent.res.text();
  const json = text ? JSON.parse(text) : null;
  return { ...sent, status: sent.res.status, text, json };
}

/**
 * Sends one OpenHttps call; resolves with { res, signed, instanceId, host } once the headers
 * are in (the body unread), rejects as fetch does. Options: instanceId, clientToken, version
 * ('v3'|'v1'), key, time (epoch ms for the date), nonce, headers (added/overridden before
 * signing), omit (header names removed before signing), unsigned (V3 headers left out of
 * SignedHeaders), authorization (a string replaces the signed one, null sends none),
 * changeAfterSigning (headers set after signing, to tamper), body, method, pathSegment (the
 * instance id as sent, default encoded), signal (an AbortSignal for fetch).
 */
async function sendOpenHttps(emu, opts = {}) {
  const {
    instanceId = freshActive(),
    clientToken,
    version = 'v3',
    key = TEST_KEY,
    time = Date.now(),
    nonce = freshNonce(),
    headers: extra = {},
    omit = [],
    unsigned = [],
    authorization,
    body = '',
    method = 'POST',
    changeAfterSigning = {},
    pathSegment = enc(instanceId),
    signal,
  } = opts;
  const pathname = `/openapi/instances/${pathSegment}/actions/open-https`;
  const query = clientToken === undefined ? {} : { clientToken };
  const headers = {
    host: new URL(emu.url).host, // what fetch will send
    accept: 'application/json',
    'x-acs-version': '2017-06-13',
    'x-acs-action': 'OpenHttps',
    'x-acs-signature-nonce': nonce,
  };
  if (version === 'v3') {
    headers['x-acs-date'] = acsDate(time);
    headers['x-acs-content-sha256'] = hex256(body);
  } else {
    headers.date = new Date(time).toUTCString();
    headers['x-acs-signature-method'] = 'HMAC-SHA1';
    headers['x-acs-signature-version'] = '1.0';
  }
  if (key.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = key.accessKeyId;
    headers['x-acs-security-token'] = key.securityToken;
  }
  Object.assign(headers, extra);
  for (const name of omit) delete headers[name];

  const signed = clientSign(version, key, { method, pathname, query, headers, body }, unsigned);
  const sent = { ...headers, ...changeAfterSigning };
  delete sent.host; // fetch sets it from the URL
  if (authorization !== null) sent.authorization = authorization ?? signed.authorization;
  const qs = Object.entries(query).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');

  const res = await fetch(`${emu.url}${pathname}${qs ? `?${qs}` : ''}`, {
    method,
    headers: sent,
    body: body === '' ? undefined : body,
    signal,
  });
  return { res, signed, instanceId, host: headers.host };
}

function assertSuccess(r) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json), ['Result', 'RequestId']);
  assert.equal(r.json.Result, true);
  assert.match(r.json.RequestId, UPPER_UUID);
  assert.equal(r.res.headers.get('x-acs-request-id'), r.json.RequestId);
  assert.equal(r.res.headers.get('content-type'), JSON_TYPE);
  assertCommonHeaders(r.res);
}

function assertCommonHeaders(res, exposed = []) {
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('access-control-expose-headers'), ['Date, x-acs-request-id', ...exposed].join(', '));
  assert.ok(!Number.isNaN(Date.parse(res.headers.get('date'))), 'a Date header');
}

function assertGatewayError(r, status, code, exposed = []) {
  assert.equal(r.status, status, r.text);
  assert.deepEqual(Object.keys(r.json), ['RequestId', 'HostId', 'Code', 'Message', 'Recommend']);
  assert.equal(r.json.Code, code, r.json.Message);
  assert.match(r.json.RequestId, UPPER_UUID);
  assert.equal(r.res.headers.get('x-acs-request-id'), r.json.RequestId);
  assert.equal(r.json.HostId, r.host);
  assert.equal(r.json.Recommend, `https://api.aliyun.com/troubleshoot?q=${code}&product=Elasticsearch`);
  assert.equal(typeof r.json.Message, 'string');
  assert.equal(r.res.headers.get('content-type'), JSON_TYPE);
  assertCommonHeaders(r.res, exposed);
}

const getJson = async (url, init) => (await fetch(url, init)).json();

// ---------------------------------------------------------------------------------------------
// Over HTTP: one shared emulator; every test uses fresh instance ids, nonces and tokens.
// ---------------------------------------------------------------------------------------------

describe('emulator over HTTP', () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('listens on 127.0.0.1 on a free port', () => {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(emu.port > 0);
    assert.equal(emu.url, `http://127.0.0.1:${emu.port}`);
  });

  test('V3 success opens HTTPS once', async () => {
    const r = await openHttps(emu, { clientToken: randomUUID() });
    assertSuccess(r);
    assert.equal(emu.applied(r.instanceId), 1);
    const view = await getJson(`${emu.url}/__emulator/instances/${r.instanceId}`);
    assert.equal(view.state, 'active');
    assert.equal(view.https, true);
    assert.equal(view.applied, 1);
  });

  test('V3 success on the seeded active instance, without clientToken', async () => {
    assertSuccess(await openHttps(emu, { instanceId: ACTIVE_INSTANCE_ID }));
    assert.ok(emu.applied(ACTIVE_INSTANCE_ID) >= 1);
  });

  test('V1 success', async () => {
    const r = await openHttps(emu, { version: 'v1', clientToken: randomUUID() });
    assertSuccess(r);
    assert.equal(emu.applied(r.instanceId), 1);
  });

  test('an instance id that needs percent-encoding is one decoded path segment', async () => {
    const instanceId = `es-active-(a*b)~'!`;
    for (const version of ['v3', 'v1']) {
      assertSuccess(await openHttps(emu, { instanceId, version }));
    }
    assert.equal(emu.applied(instanceId), 2);
  });

  test('V3 canonical URI: a raw * becomes %2A and %7E becomes ~ before signing', async () => {
    const r = await openHttps(emu, { instanceId: 'es-active-*~', pathSegment: `es-active-*%7E${randomUUID()}` });
    assertSuccess(r);
    assert.ok(emu.log.at(-1).instanceId.startsWith('es-active-*~'));
  });

  test('InstanceActivating', async () => {
    for (const instanceId of [ACTIVATING_INSTANCE_ID, `es-activating-${randomUUID()}`]) {
      const r = await openHttps(emu, { instanceId });
      assertGatewayError(r, 400, 'InstanceActivating');
      assert.equal(r.json.Message, 'Instance is activating.');
      assert.equal(emu.applied(instanceId), 0);
    }
  });

  test('InstanceNotFound', async () => {
    const r = await openHttps(emu, { instanceId: 'es-cn-doesnotexist', version: 'v1' });
    assertGatewayError(r, 400, 'InstanceNotFound');
    assert.equal(r.json.Message, 'The instanceId provided does not exist.');
  });

  test('wrong secret → SignatureDoesNotMatch showing the V3 canonical request', async () => {
    const r = await openHttps(emu, { key: { accessKeyId: 'testid', accessKeySecret: 'wrong' } });
    assertGatewayError(r, 400, 'SignatureDoesNotMatch');
    assert.equal(
      r.json.Message,
      `Specified signature does not match our calculation. server string to sign is:${r.signed.canonicalRequest}`,
    );
    assert.equal(emu.applied(r.instanceId), 0);
  });

  test('wrong secret → SignatureDoesNotMatch showing the V1 string-to-sign', async () => {
    const r = await openHttps(emu, {
      version: 'v1',
      clientToken: 'ct-1',
      key: { accessKeyId: 'testid', accessKeySecret: 'wrong' },
    });
    assertGatewayError(r, 400, 'SignatureDoesNotMatch');
    assert.equal(
      r.json.Message,
      `Specified signature does not match our calculation. server string to sign is:${r.signed.stringToSign}`,
    );
  });

  test('a header changed after signing → SignatureDoesNotMatch', async () => {
    const r = await openHttps(emu, { changeAfterSigning: { 'x-acs-signature-nonce': freshNonce() } });
    assertGatewayError(r, 400, 'SignatureDoesNotMatch');
    const v1 = await openHttps(emu, { version: 'v1', changeAfterSigning: { accept: 'text/html' } });
    assertGatewayError(v1, 400, 'SignatureDoesNotMatch');
    assert.match(v1.json.Message, /is:POST\ntext\/html\n/);
  });

  test('missing or malformed Authorization → IncompleteSignature', async () => {
    for (const authorization of [null, 'ACS3-HMAC-SHA256 Credential=testid', 'Basic dGVzdGlkOnRlc3RzZWNyZXQ=']) {
      assertGatewayError(await openHttps(emu, { authorization }), 400, 'IncompleteSignature');
    }
  });

  test('V3 SignedHeaders must cover the required headers and every x-acs-* header', async () => {
    for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'host']) {
      const r = await openHttps(emu, { unsigned: [name] });
      assertGatewayError(r, 400, 'IncompleteSignature');
      assert.match(r.json.Message, new RegExp(name));
    }
    const sts = await openHttps(emu, { key: STS_TEST_KEY, unsigned: ['x-acs-security-token'] });
    assertGatewayError(sts, 400, 'IncompleteSignature');
    assert.match(sts.json.Message, /x-acs-security-token/);
  });

  test('V3 x-acs-content-sha256 must be the hash of the body', async () => {
    const wrong = await openHttps(emu, { headers: { 'x-acs-content-sha256': hex256('not the body') } });
    assertGatewayError(wrong, 400, 'IncompleteSignature');
    assert.match(wrong.json.Message, new RegExp(EMPTY_BODY_SHA256));
    // A body is accepted when its hash is right (OpenHttps sends none, but the gateway allows it).
    assertSuccess(await openHttps(emu, { body: '{"a":1}' }));
  });

  test('V1 needs HMAC-SHA1, version 1.0 and a date header', async () => {
    for (const name of ['x-acs-signature-method', 'x-acs-signature-version', 'date']) {
      assertGatewayError(await openHttps(emu, { version: 'v1', omit: [name] }), 400, 'IncompleteSignature');
    }
    assertGatewayError(
      await openHttps(emu, { version: 'v1', headers: { 'x-acs-signature-method': 'HMAC-SHA256' } }),
      400,
      'InvalidParameter',
    );
    assertGatewayError(
      await openHttps(emu, { version: 'v1', headers: { 'x-acs-signature-version': '2.0' } }),
      400,
      'InvalidParameter',
    );
  });

  test('unknown AccessKeyId → 404 InvalidAccessKeyId.NotFound', async () => {
    for (const version of ['v3', 'v1']) {
      const r = await openHttps(emu, { version, key: { accessKeyId: 'nobody', accessKeySecret: 'x' } });
      assertGatewayError(r, 404, 'InvalidAccessKeyId.NotFound');
      assert.equal(r.json.Message, 'Specified access key is not found.');
    }
  });

  test('a reused nonce → SignatureNonceUsed; a rejected request does not burn it', async () => {
    const nonce = freshNonce();
    const bad = await openHttps(emu, { nonce, key: { accessKeyId: 'testid', accessKeySecret: 'wrong' } });
    assertGatewayError(bad, 400, 'SignatureDoesNotMatch');
    assertSuccess(await openHttps(emu, { nonce }));
    const again = await openHttps(emu, { nonce, version: 'v1' });
    assertGatewayError(again, 400, 'SignatureNonceUsed');
    assert.equal(again.json.Message, 'Specified signature nonce was used already.');
  });

  test('V1 without a nonce → MissingParameter', async () => {
    const r = await openHttps(emu, { version: 'v1', omit: ['x-acs-signature-nonce'] });
    assertGatewayError(r, 400, 'MissingParameter');
    assert.match(r.json.Message, /x-acs-signature-nonce/);
  });

  test('timestamps: 14 minutes off is fine, 16 is expired, garbage is a format error', async () => {
    const minute = 60_000;
    assertSuccess(await openHttps(emu, { time: Date.now() - 14 * minute }));
    assertSuccess(await openHttps(emu, { version: 'v1', time: Date.now() + 14 * minute }));
    for (const [version, time] of [['v3', Date.now() - 16 * minute], ['v1', Date.now() + 16 * minute]]) {
      const r = await openHttps(emu, { version, time });
      assertGatewayError(r, 400, 'InvalidTimeStamp.Expired');
      assert.equal(r.json.Message, 'Specified time stamp or date value is expired.');
    }
    assertGatewayError(
      await openHttps(emu, { headers: { 'x-acs-date': '2026-04-01 08:00:00' } }),
      400,
      'InvalidTimeStamp.Format',
    );
    assertGatewayError(
      await openHttps(emu, { version: 'v1', headers: { date: new Date().toISOString() } }),
      400,
      'InvalidTimeStamp.Format',
    );
  });

  test('STS key succeeds with its token (V3 and V1)', async () => {
    for (const version of ['v3', 'v1']) {
      assertSuccess(await openHttps(emu, { version, key: STS_TEST_KEY }));
    }
  });

  test('STS key with a wrong or missing token', async () => {
    const wrong = await openHttps(emu, { key: { ...STS_TEST_KEY, securityToken: 'not-it' } });
    assertGatewayError(wrong, 400, 'InvalidSecurityToken.Mismatch');
    const missing = await openHttps(emu, { version: 'v1', key: STS_TEST_KEY, omit: ['x-acs-security-token'] });
    assertGatewayError(missing, 400, 'MissingSecurityToken');
  });

  test('clientToken replay answers the first outcome again and applies once', async () => {
    const instanceId = freshActive();
    const clientToken = randomUUID();
    const first = await openHttps(emu, { instanceId, clientToken });
    assertSuccess(first);
    const second = await openHttps(emu, { instanceId, clientToken, version: 'v1' });
    assert.equal(second.status, first.status);
    assert.equal(second.text, first.text);
    assert.equal(second.res.headers.get('x-acs-request-id'), first.json.RequestId);
    assert.equal(emu.applied(instanceId), 1);
    assert.equal(emu.log.at(-1).replayed, true);

    assertSuccess(await openHttps(emu, { instanceId, clientToken: randomUUID() }));
    assert.equal(emu.applied(instanceId), 2);
    assertSuccess(await openHttps(emu, { instanceId }));
    const view = await getJson(`${emu.url}/__emulator/instances/${instanceId}`);
    assert.equal(view.applied, 3);
    assert.equal(view.appliedByClientToken[clientToken], 1);
  });

  test('an error applies nothing, so its clientToken is not bound to it: a retry is answered afresh', async () => {
    const instanceId = `es-activating-${randomUUID()}`;
    const first = await openHttps(emu, { instanceId, clientToken: 't' });
    assertGatewayError(first, 400, 'InstanceActivating');
    const second = await openHttps(emu, { instanceId, clientToken: 't' });
    assertGatewayError(second, 400, 'InstanceActivating');
    assert.notEqual(JSON.parse(second.text).RequestId, JSON.parse(first.text).RequestId);
    assert.equal(emu.log.at(-1).replayed, false);
  });

  test("a clientToken with characters that need encoding (space, !'()*, +, /) signs and replays", async () => {
    const clientToken = `t !'()*~+/${randomUUID()}`;
    for (const version of ['v3', 'v1']) {
      const r = await openHttps(emu, { instanceId: ACTIVE_INSTANCE_ID, clientToken, version });
      assertSuccess(r);
    }
    assert.equal(emu.instance(ACTIVE_INSTANCE_ID).appliedByClientToken[clientToken], 1);
  });

  test('clientToken longer than 64 characters, non-ASCII or empty → InvalidParameter', async () => {
    assertSuccess(await openHttps(emu, { clientToken: 'x'.repeat(64) }));
    for (const clientToken of ['x'.repeat(65), 'café', '']) {
      const r = await openHttps(emu, { clientToken });
      assertGatewayError(r, 400, 'InvalidParameter');
      assert.match(r.json.Message, /clientToken/);
      assert.equal(emu.applied(r.instanceId), 0);
    }
  });

  test('x-acs-version and x-acs-action: missing → MissingParameter, wrong → InvalidParameter', async () => {
    assertGatewayError(await openHttps(emu, { omit: ['x-acs-version'] }), 400, 'MissingParameter');
    assertGatewayError(await openHttps(emu, { omit: ['x-acs-action'] }), 400, 'MissingParameter');
    const version = await openHttps(emu, { headers: { 'x-acs-version': '2020-01-01' } });
    assertGatewayError(version, 400, 'InvalidParameter');
    assert.match(version.json.Message, /x-acs-version/);
    const action = await openHttps(emu, { headers: { 'x-acs-action': 'CloseHttps' } });
    assertGatewayError(action, 400, 'InvalidParameter');
    assert.match(action.json.Message, /x-acs-action/);
  });

  test('unknown path or method → 404 InvalidAction.NotFound', async () => {
    const get = await openHttps(emu, { method: 'GET' });
    assertGatewayError(get, 404, 'InvalidAction.NotFound');
    assert.equal(get.json.Message, 'Specified api is not found, please check your url and method.');
    // (close-https is a route since CloseHttps was added: an unknown action is used instead.)
    for (const [method, path] of [
      ['POST', '/openapi/instances/x/actions/restart'],
      ['POST', '/openapi/instances/x'],
      ['POST', '/openapi/instances'],
      ['GET', '/openapi/instances/x/actions/close-https'],
      ['GET', '/openapi/instances/'],
    ]) {
      const res = await fetch(`${emu.url}${path}`, { method });
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.equal((await res.json()).Code, 'InvalidAction.NotFound');
    }
  });

  test('CORS preflight', async () => {
    const res = await fetch(`${emu.url}/openapi/instances/x/actions/open-https`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:3000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,x-acs-date,x-acs-version',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-methods'), 'POST, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization,x-acs-date,x-acs-version');
    assert.equal(res.headers.get('access-control-max-age'), '600');
    assert.equal(await res.text(), '');
  });

  test('the log records calls and never the secret', async () => {
    const r = await openHttps(emu, { version: 'v1', clientToken: 'log-me' });
    const log = await getJson(`${emu.url}/__emulator/log`);
    const entry = log.find((e) => e.requestId === r.json.RequestId);
    assert.ok(entry, 'the call is in the log');
    assert.equal(entry.method, 'POST');
    assert.equal(entry.path, `/openapi/instances/${r.instanceId}/actions/open-https`);
    assert.equal(entry.instanceId, r.instanceId);
    assert.equal(entry.clientToken, 'log-me');
    assert.equal(entry.signatureVersion, 'v1');
    assert.equal(entry.accessKeyId, 'testid');
    assert.equal(entry.status, 200);
    assert.equal(entry.code, null);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));
    assert.ok(!JSON.stringify(log).includes(TEST_KEY.accessKeySecret));
    assert.ok(!JSON.stringify(log).includes(STS_TEST_KEY.accessKeySecret));
  });

  test('admin health and CORS', async () => {
    const res = await fetch(`${emu.url}/__emulator/health`);
    assert.equal(res.status, 200);
    assertCommonHeaders(res);
    const health = await res.json();
    assert.equal(health.ok, true);
    assert.equal(health.clockOffsetMs, 0);
    assert.equal((await fetch(`${emu.url}/__emulator/nothing`)).status, 404);
  });
});

describe('emulator state: reset, options, clock', () => {
  test('POST /__emulator/reset clears log, nonces, idempotency records and HTTPS flags', async () => {
    const emu = await startEmulator();
    try {
      const instanceId = freshActive();
      const nonce = freshNonce();
      const first = await openHttps(emu, { instanceId, nonce, clientToken: 'tok' });
      assertSuccess(first);
      assert.equal(emu.log.length, 1);

      const reset = await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' });
      assert.equal(reset.status, 200);
      assert.deepEqual(await getJson(`${emu.url}/__emulator/log`), []);
      const view = await getJson(`${emu.url}/__emulator/instances/${instanceId}`);
      // The view has more fields since the lifecycle was added; these are the original ones.
      const { state, https, applied, appliedByClientToken, attempts } = view;
      assert.deepEqual({ instanceId: view.instanceId, state, https, applied, appliedByClientToken, attempts }, {
        instanceId,
        state: 'active',
        https: false,
        applied: 0,
        appliedByClientToken: {},
        attempts: 0,
      });

      // Same nonce and clientToken are new again: applied afresh, not replayed.
      const again = await openHttps(emu, { instanceId, nonce, clientToken: 'tok' });
      assertSuccess(again);
      assert.notEqual(again.json.RequestId, first.json.RequestId);
      assert.equal(emu.applied(instanceId), 1);

      emu.reset();
      assert.equal(emu.log.length, 0);
      assert.equal(emu.applied(instanceId), 0);
    } finally {
      await emu.close();
    }
  });

  test('keys and instances options extend the seeded ones', async () => {
    const emu = await startEmulator({
      keys: { other: 'othersecret', 'STS.other': { secret: 's', securityToken: 't' } },
      instances: { 'my-instance': 'active', [ACTIVE_INSTANCE_ID]: 'activating' },
    });
    try {
      const key = { accessKeyId: 'other', accessKeySecret: 'othersecret' };
      assertSuccess(await openHttps(emu, { instanceId: 'my-instance', key }));
      const sts = { accessKeyId: 'STS.other', accessKeySecret: 's', securityToken: 't' };
      assertSuccess(await openHttps(emu, { key: sts, version: 'v1' }));
      assertSuccess(await openHttps(emu)); // the seeded key still works
      assertGatewayError(await openHttps(emu, { instanceId: ACTIVE_INSTANCE_ID }), 400, 'InstanceActivating');
    } finally {
      await emu.close();
    }
  });

  test('clockOffsetMs skews the checks and the Date header; a client can correct from Date', async () => {
    const hour = 3_600_000;
    const emu = await startEmulator({ clockOffsetMs: 2 * hour });
    try {
      const stale = await openHttps(emu);
      assertGatewayError(stale, 400, 'InvalidTimeStamp.Expired');
      const serverTime = Date.parse(stale.res.headers.get('date'));
      assert.ok(Math.abs(serverTime - (Date.now() + 2 * hour)) < 5_000, 'Date tells the skewed clock');
      assertSuccess(await openHttps(emu, { time: serverTime }));

      // The same over the admin endpoint, for clients outside this process.
      const set = await fetch(`${emu.url}/__emulator/clock`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ offsetMs: -hour }),
      });
      assert.equal(set.status, 200);
      assert.equal((await getJson(`${emu.url}/__emulator/health`)).clockOffsetMs, -hour);
      assertGatewayError(await openHttps(emu, { version: 'v1' }), 400, 'InvalidTimeStamp.Expired');
      assertSuccess(await openHttps(emu, { version: 'v1', time: Date.now() - hour }));

      emu.reset(); // back to the offset it started with
      assert.equal(emu.clockOffsetMs, 2 * hour);
    } finally {
      await emu.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Fault injection: an instance id es-fault-<fault>-<anything> selects a fault for that id
// ---------------------------------------------------------------------------------------------

const faultId = (fault) => `es-fault-${fault}-${randomUUID()}`;
const SERVICE_UNAVAILABLE = 'The request has failed due to a temporary failure of the server.';

/** emu.attempts(id) and the admin view agree on the number of attempts. */
async function assertAttempts(emu, instanceId, expected) {
  assert.equal(emu.attempts(instanceId), expected, 'emu.attempts');
  const view = await getJson(`${emu.url}/__emulator/instances/${enc(instanceId)}`);
  assert.equal(view.attempts, expected, 'attempts in GET /__emulator/instances/{id}');
}

/** The log entries of one instance, oldest first. */
const logOf = (emu, instanceId) => emu.log.filter((e) => e.instanceId === instanceId);

/** Reads a body chunk by chunk until it ends or fails: { text received, error or null }. */
async function readUntilError(res) {
  const reader = res.body.getReader();
  const chunks = [];
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: Buffer.concat(chunks).toString('utf8'), error: null };
      chunks.push(value);
    }
  } catch (error) {
    return { text: Buffer.concat(chunks).toString('utf8'), error };
  }
}

/** What Node's fetch (undici) rejects with when the server closes without answering. */
function isDroppedConnection(err) {
  assert.equal(err.name, 'TypeError');
  assert.equal(err.message, 'fetch failed');
  assert.equal(err.cause?.code, 'UND_ERR_SOCKET', String(err.cause));
  return true;
}

/** What fetch rejects with when its AbortSignal.timeout fires. */
function isTimeout(err) {
  assert.equal(err.name, 'TimeoutError');
  return true;
}

describe('parseFault', () => {
  test('names, counts and what is unknown', () => {
    assert.equal(parseFault('es-active-x'), null);
    assert.deepEqual(parseFault('es-fault-503x2-abc'), { name: '503', count: 2 });
    assert.deepEqual(parseFault('es-fault-503afterx12-a-b-c'), { name: '503after', count: 12 });
    assert.deepEqual(parseFault('es-fault-throttlex1'), { name: 'throttle', count: 1 }, 'no suffix is fine');
    assert.deepEqual(parseFault('es-fault-skew-abc'), { name: 'skew' });
    for (const bad of ['503', '503x0', '503x01', '503x', 'x1', 'nopex1', 'skewx1', '', 'HANGx1', '503x1.5']) {
      assert.deepEqual(parseFault(`es-fault-${bad}-abc`), { name: null }, bad);
    }
  });
});

describe('fault injection over HTTP', () => {
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  // Gateway errors: [fault, status, Code, Message, retry headers (as exposed to a browser)].
  const ERROR_FAULTS = [
    ['503', 503, 'ServiceUnavailable', SERVICE_UNAVAILABLE, {}],
    ['500', 500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.', {}],
    ['throttle', 400, 'Throttling.User', 'Request was denied due to user flow control.', { 'x-acs-retry-after': '120' }],
    ['429', 429, 'Throttling.Api', 'Request was denied due to api flow control.', { 'Retry-After': '1' }],
  ];
  for (const [fault, status, code, message, retryHeaders] of ERROR_FAULTS) {
    test(`${fault}x2: two ${status} ${code}, nothing applied, then success`, async () => {
      const instanceId = faultId(`${fault}x2`);
      const clientToken = randomUUID();
      for (const [attempt, version] of [[1, 'v3'], [2, 'v1']]) {
        const r = await openHttps(emu, { instanceId, clientToken, version });
        assertGatewayError(r, status, code, Object.keys(retryHeaders));
        assert.equal(r.json.Message, message);
        for (const name of ['x-acs-retry-after', 'Retry-After']) {
          assert.equal(r.res.headers.get(name), retryHeaders[name] ?? null, name);
        }
        assert.equal(emu.applied(instanceId), 0);
        await assertAttempts(emu, instanceId, attempt);
      }
      // The errors did not bind the token: the third attempt with it is applied.
      const ok = await openHttps(emu, { instanceId, clientToken });
      assertSuccess(ok);
      assert.equal(ok.res.headers.get('retry-after'), null);
      assert.equal(emu.applied(instanceId), 1);
      assert.equal(emu.instance(instanceId).https, true);
      await assertAttempts(emu, instanceId, 3);
      assert.deepEqual(logOf(emu, instanceId).map((e) => [e.status, e.code, e.fault]), [
        [status, code, fault],
        [status, code, fault],
        [200, null, null],
      ]);
    });
  }

  test('html200x1: a 200 HTML page (a proxy’s sign-in page), nothing applied, then success', async () => {
    const instanceId = faultId('html200x1');
    const { res } = await sendOpenHttps(emu, { instanceId, clientToken: 'html' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('x-acs-request-id'), null, 'a proxy’s page, not the gateway’s answer');
    assertCommonHeaders(res);
    const html = await res.text();
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /Sign in/);
    assert.equal(emu.applied(instanceId), 0);
    assertSuccess(await openHttps(emu, { instanceId, clientToken: 'html' }));
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 2);
    assert.equal(logOf(emu, instanceId)[0].fault, 'html200');
  });

  test('html502x2: two 502 Bad Gateway pages, nothing applied, then success', async () => {
    const instanceId = faultId('html502x2');
    for (const attempt of [1, 2]) {
      const { res } = await sendOpenHttps(emu, { instanceId });
      assert.equal(res.status, 502);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('x-acs-request-id'), null);
      assert.match(await res.text(), /<title>502 Bad Gateway<\/title>/);
      assert.equal(emu.applied(instanceId), 0);
      await assertAttempts(emu, instanceId, attempt);
    }
    assertSuccess(await openHttps(emu, { instanceId }));
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 3);
  });

  test('emptyx1: a 200 with an empty body, nothing applied, then success', async () => {
    const instanceId = faultId('emptyx1');
    const { res } = await sendOpenHttps(emu, { instanceId });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '0');
    assert.equal(res.headers.get('content-type'), JSON_TYPE);
    assert.match(res.headers.get('x-acs-request-id'), UPPER_UUID);
    assertCommonHeaders(res);
    assert.equal(await res.text(), '');
    assert.equal(emu.applied(instanceId), 0);
    assertSuccess(await openHttps(emu, { instanceId }));
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 2);
  });

  test('hangx1: no answer until the client gives up, nothing applied, then success', async () => {
    const instanceId = faultId('hangx1');
    const started = Date.now();
    await assert.rejects(sendOpenHttps(emu, { instanceId, signal: AbortSignal.timeout(200) }), isTimeout);
    assert.ok(Date.now() - started >= 190, 'waited for the client’s timeout');
    assert.equal(emu.applied(instanceId), 0);
    await assertAttempts(emu, instanceId, 1);
    assertSuccess(await openHttps(emu, { instanceId }));
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 2);
    const [hung] = logOf(emu, instanceId);
    assert.deepEqual([hung.status, hung.code, hung.requestId, hung.fault], [null, null, null, 'hang']);
  });

  test('dropx1: the connection is closed without an answer, nothing applied, then success', async () => {
    const instanceId = faultId('dropx1');
    await assert.rejects(sendOpenHttps(emu, { instanceId, clientToken: 'drop' }), isDroppedConnection);
    assert.equal(emu.applied(instanceId), 0);
    await assertAttempts(emu, instanceId, 1);
    assertSuccess(await openHttps(emu, { instanceId, clientToken: 'drop' }));
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 2);
    assert.equal(logOf(emu, instanceId)[0].fault, 'drop');
  });

  test('a browser’s own resend of a dropped request (same nonce) is dropped too, not counted', async () => {
    // Chromium resends a request once by itself when a reused connection closes without an
    // answer. The emulator must not answer that copy with SignatureNonceUsed.
    for (const fault of ['dropx1', 'dropafterx1']) {
      const instanceId = faultId(fault);
      const same = { instanceId, clientToken: 'resend', nonce: freshNonce(), time: Date.now() };
      await assert.rejects(sendOpenHttps(emu, same), isDroppedConnection);
      await assert.rejects(sendOpenHttps(emu, same), isDroppedConnection);
      await assertAttempts(emu, instanceId, 1);
      assert.deepEqual(logOf(emu, instanceId).map((e) => e.resend), [false, true]);
      assert.equal(logOf(emu, instanceId)[1].fault, fault.replace(/x1$/, ''));
      const expectedApplied = fault === 'dropafterx1' ? 1 : 0;
      assert.equal(emu.applied(instanceId), expectedApplied);
      // The client's real retry, with a fresh nonce, is the next attempt.
      assertSuccess(await openHttps(emu, { instanceId, clientToken: 'resend' }));
      assert.equal(emu.applied(instanceId), 1);
      await assertAttempts(emu, instanceId, 2);
    }
  });

  test('truncatedx2: applied, 200 with the full Content-Length but a cut body; res.text() rejects', async () => {
    const instanceId = faultId('truncatedx2');
    const clientToken = randomUUID();
    const first = await sendOpenHttps(emu, { instanceId, clientToken });
    // fetch itself resolves: the status and headers arrived whole.
    assert.equal(first.res.status, 200);
    assert.equal(first.res.headers.get('content-type'), JSON_TYPE);
    const requestId = first.res.headers.get('x-acs-request-id');
    assert.match(requestId, UPPER_UUID);
    const full = JSON.stringify({ Result: true, RequestId: requestId });
    assert.equal(first.res.headers.get('content-length'), String(full.length));
    // Reading the body fails: Node's fetch says "terminated" (Chromium: "Failed to fetch").
    await assert.rejects(first.res.text(), (err) => {
      assert.equal(err.name, 'TypeError');
      assert.equal(err.message, 'terminated');
      assert.equal(err.cause?.code, 'UND_ERR_SOCKET');
      return true;
    });
    assert.equal(emu.applied(instanceId), 1, 'the change is applied');
    assert.equal(emu.instance(instanceId).https, true);

    // Attempt 2 (no clientToken, so not a replay) is cut too; read chunk by chunk, the first
    // 20 bytes do arrive before the error.
    const second = await sendOpenHttps(emu, { instanceId });
    const { text, error } = await readUntilError(second.res);
    assert.equal(text, '{"Result":true,"Requ');
    assert.equal(error?.message, 'terminated');
    assert.equal(emu.applied(instanceId), 2, 'without a clientToken a retry applies again');

    // Attempt 3 with the first clientToken: the recorded success, nothing applied again.
    const replay = await openHttps(emu, { instanceId, clientToken });
    assertSuccess(replay);
    assert.equal(replay.text, full);
    assert.equal(emu.applied(instanceId), 2);
    assert.equal(emu.instance(instanceId).appliedByClientToken[clientToken], 1);
    await assertAttempts(emu, instanceId, 3);
    assert.deepEqual(logOf(emu, instanceId).map((e) => [e.status, e.fault, e.replayed]), [
      [200, 'truncated', false],
      [200, 'truncated', false],
      [200, null, true],
    ]);
  });

  // The faults that apply the change and then fail to deliver the answer. A retry with the same
  // clientToken gets the recorded success (same RequestId) and applies nothing again.
  const AFTER_FAULTS = {
    async truncated(request) {
      const { res } = await sendOpenHttps(emu, request);
      assert.equal(res.status, 200);
      const { text, error } = await readUntilError(res);
      assert.equal(text, '{"Result":true,"Requ');
      assert.equal(error?.name, 'TypeError');
    },
    async hangafter(request) {
      await assert.rejects(sendOpenHttps(emu, { ...request, signal: AbortSignal.timeout(150) }), isTimeout);
    },
    async dropafter(request) {
      await assert.rejects(sendOpenHttps(emu, request), isDroppedConnection);
    },
    async '503after'(request) {
      const r = await openHttps(emu, request);
      assertGatewayError(r, 503, 'ServiceUnavailable');
      assert.equal(r.json.Message, SERVICE_UNAVAILABLE);
    },
  };
  for (const [fault, failedAttempt] of Object.entries(AFTER_FAULTS)) {
    test(`${fault}x1: applied, then no proper answer; the clientToken retry is replayed`, async () => {
      const instanceId = faultId(`${fault}x1`);
      const clientToken = randomUUID();
      await failedAttempt({ instanceId, clientToken });
      assert.equal(emu.applied(instanceId), 1);
      assert.equal(emu.instance(instanceId).https, true);
      await assertAttempts(emu, instanceId, 1);
      const [failed] = logOf(emu, instanceId);
      assert.equal(failed.fault, fault);

      const replay = await openHttps(emu, { instanceId, clientToken, version: 'v1' });
      assertSuccess(replay);
      if (fault !== '503after') {
        // The answer that was lost is the one replayed (a 503 has a RequestId of its own).
        assert.equal(replay.json.RequestId, failed.requestId);
      }
      assert.equal(emu.log.at(-1).replayed, true);
      assert.equal(emu.applied(instanceId), 1, 'nothing applied again');
      assert.equal(emu.instance(instanceId).appliedByClientToken[clientToken], 1);
      await assertAttempts(emu, instanceId, 2);

      // Beyond N, a new token is a normal call.
      assertSuccess(await openHttps(emu, { instanceId, clientToken: randomUUID() }));
      assert.equal(emu.applied(instanceId), 2);
      await assertAttempts(emu, instanceId, 3);
    });
  }

  test('a replay is never faulted, though it counts as an attempt', async () => {
    const instanceId = faultId('503afterx2');
    const clientToken = randomUUID();
    assertGatewayError(await openHttps(emu, { instanceId, clientToken }), 503, 'ServiceUnavailable');
    // Attempt 2 is within the first 2, but it is a replay of the applied success.
    const replay = await openHttps(emu, { instanceId, clientToken });
    assertSuccess(replay);
    assert.equal(emu.log.at(-1).fault, null);
    assert.equal(emu.log.at(-1).replayed, true);
    assert.equal(emu.applied(instanceId), 1);
    await assertAttempts(emu, instanceId, 2);
  });

  test('only requests that pass every gateway check are attempts and get the fault', async () => {
    const instanceId = faultId('503x1');
    const wrongKey = { accessKeyId: 'testid', accessKeySecret: 'wrong' };
    assertGatewayError(await openHttps(emu, { instanceId, key: wrongKey }), 400, 'SignatureDoesNotMatch');
    assertGatewayError(await openHttps(emu, { instanceId, time: Date.now() - 3_600_000 }), 400, 'InvalidTimeStamp.Expired');
    assertGatewayError(await openHttps(emu, { instanceId, clientToken: 'x'.repeat(65) }), 400, 'InvalidParameter');
    await assertAttempts(emu, instanceId, 0);
    assert.ok(logOf(emu, instanceId).every((e) => e.fault === null));

    const nonce = freshNonce();
    assertGatewayError(await openHttps(emu, { instanceId, nonce }), 503, 'ServiceUnavailable');
    await assertAttempts(emu, instanceId, 1);
    // The nonce was recorded as usual.
    assertGatewayError(await openHttps(emu, { instanceId, nonce }), 400, 'SignatureNonceUsed');
    await assertAttempts(emu, instanceId, 1);
    assertSuccess(await openHttps(emu, { instanceId }));
    await assertAttempts(emu, instanceId, 2);
  });

  test('each instance id counts its own attempts, so parallel tests never collide', async () => {
    const ids = [faultId('503x1'), faultId('503x1'), faultId('500x1')];
    const first = await Promise.all(ids.map((instanceId) => openHttps(emu, { instanceId })));
    assert.deepEqual(first.map((r) => r.status), [503, 503, 500]);
    const second = await Promise.all(ids.map((instanceId) => openHttps(emu, { instanceId })));
    second.forEach(assertSuccess);
    for (const id of ids) await assertAttempts(emu, id, 2);
  });

  test('an unknown fault is an unknown instance (InstanceNotFound), so typos show', async () => {
    for (const fault of ['nope', '503x0', '503', 'hang', 'skewx1', 'Dropx1', '503x01', '']) {
      const instanceId = `es-fault-${fault}-${randomUUID()}`;
      const r = await openHttps(emu, { instanceId });
      assertGatewayError(r, 400, 'InstanceNotFound');
      assert.equal(emu.instance(instanceId).state, 'unknown');
      assert.equal(emu.log.at(-1).fault, null);
    }
  });

  test('skew: this id’s clock is 20 minutes ahead, for the timestamp check and every Date', async () => {
    const instanceId = faultId('skew');
    const skewedNow = () => Date.now() + FAULT_SKEW_MS;
    const closeTo = (date, expected) =>
      assert.ok(Math.abs(Date.parse(date) - expected) < 5_000, `Date ${date} vs ${new Date(expected).toUTCString()}`);

    // A client with a correct clock is expired; the error's Date tells the skewed clock.
    const stale = await openHttps(emu, { instanceId });
    assertGatewayError(stale, 400, 'InvalidTimeStamp.Expired');
    closeTo(stale.res.headers.get('date'), skewedNow());
    await assertAttempts(emu, instanceId, 0);

    // Dated with the server's clock from that Date: any other error carries it too…
    const serverTime = Date.parse(stale.res.headers.get('date'));
    const wrongKey = { accessKeyId: 'testid', accessKeySecret: 'wrong' };
    const bad = await openHttps(emu, { instanceId, time: serverTime, key: wrongKey });
    assertGatewayError(bad, 400, 'SignatureDoesNotMatch');
    closeTo(bad.res.headers.get('date'), skewedNow());

    // …and a correct request succeeds, V3 and V1.
    for (const version of ['v3', 'v1']) {
      const ok = await openHttps(emu, { instanceId, time: serverTime, version });
      assertSuccess(ok);
      closeTo(ok.res.headers.get('date'), skewedNow());
    }
    assert.equal(emu.applied(instanceId), 2);
    await assertAttempts(emu, instanceId, 2);
    assert.ok(logOf(emu, instanceId).every((e) => e.fault === 'skew'));

    // A preflight for the path tells the same clock.
    const preflight = await fetch(`${emu.url}/openapi/instances/${instanceId}/actions/open-https`, { method: 'OPTIONS' });
    closeTo(preflight.headers.get('date'), skewedNow());

    // Only this id: elsewhere the clock is right.
    const elsewhere = await openHttps(emu, { time: serverTime });
    assertGatewayError(elsewhere, 400, 'InvalidTimeStamp.Expired');
    closeTo(elsewhere.res.headers.get('date'), Date.now());
    assert.ok(Math.abs(emu.now() - Date.now()) < 1_000);
  });
});

describe('fault state: reset and close', () => {
  test('reset() and POST /__emulator/reset clear the attempt counters, so faults strike again', async () => {
    const emu = await startEmulator();
    try {
      const instanceId = faultId('503x1');
      assertGatewayError(await openHttps(emu, { instanceId }), 503, 'ServiceUnavailable');
      assertSuccess(await openHttps(emu, { instanceId }));
      assert.equal((await fetch(`${emu.url}/__emulator/reset`, { method: 'POST' })).status, 200);
      await assertAttempts(emu, instanceId, 0);
      assertGatewayError(await openHttps(emu, { instanceId }), 503, 'ServiceUnavailable');
      emu.reset();
      assert.equal(emu.attempts(instanceId), 0);
      assertGatewayError(await openHttps(emu, { instanceId }), 503, 'ServiceUnavailable');
    } finally {
      await emu.close();
    }
  });

  test('close() resolves promptly with hanging requests open; their clients see the connection close', async () => {
    const emu = await startEmulator();
    const hangs = [faultId('hangx9'), faultId('hangafterx9'), faultId('hangx9')];
    // No AbortSignal: these would wait forever.
    const pending = hangs.map((instanceId) =>
      sendOpenHttps(emu, { instanceId }).then(
        () => 'answered',
        (err) => err,
      ),
    );
    // Wait until all three reached the fault stage (each is then held open).
    const deadline = Date.now() + 5_000;
    while (hangs.some((id) => emu.attempts(id) === 0)) {
      assert.ok(Date.now() < deadline, 'the hanging requests arrived');
      await sleep(5);
    }
    const started = performance.now();
    await emu.close();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < 1_000, `close() took ${elapsed.toFixed(0)} ms`);
    for (const outcome of await Promise.all(pending)) isDroppedConnection(outcome);
    assert.equal(emu.applied(hangs[1]), 1, 'hangafter applied before hanging');
  });
});

// ---------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------

describe('server.mjs', () => {
  test('prints the startup line, writes the port file, serves, stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'es-emulator-'));
    const portFile = join(dir, 'port');
    const script = fileURLToPath(new URL('./server.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--port-file', portFile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8');
      await new Promise((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolve();
        });
        child.on('exit', () => reject(new Error(`exited early; stdout: ${stdout}`)));
      });
      const m = /^aliyun-es emulator listening on http:\/\/127\.0\.0\.1:(\d+)\n$/.exec(stdout);
      assert.ok(m, `startup line: ${JSON.stringify(stdout)}`);
      assert.equal(readFileSync(portFile, 'utf8').trim(), m[1]);

      const emu = { url: `http://127.0.0.1:${m[1]}` };
      assert.equal((await getJson(`${emu.url}/__emulator/health`)).ok, true);
      assertSuccess(await openHttps(emu));

      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Keep the V3 helpers used here honest too: the canonical request the emulator builds is the
// one whose hash its string-to-sign carries, with the SDK's signed-header choice.
test('canonicalRequestV3 / stringToSignV3 agree with authorizationV3', () => {
  const c = vectors.find((v) => v.signatureVersion === 'v3');
  const canonical = canonicalRequestV3({
    ...c,
    signedHeaders: sdkSignedHeaderNames(c.headers),
    payloadHash: c.headers['x-acs-content-sha256'],
  });
  assert.ok(canonical.startsWith('POST\n/openapi/instances/'));
  const sig = createHmac('sha256', c.accessKeySecret).update(stringToSignV3(canonical)).digest('hex');
  assert.ok(c.expectedAuthorization.endsWith(`Signature=${sig}`));
});

// =============================================================================================
// DescribeInstance, ListInstance, CloseHttps; the instance lifecycle; QPS limit; control API
// =============================================================================================

const operationVectorsUrl = process.env.SIGNING_OPERATIONS_VECTORS
  ? pathToFileURL(resolve(process.env.SIGNING_OPERATIONS_VECTORS))
  : new URL('../tests/vectors/signing-operations.json', import.meta.url);
const operationVectors = JSON.parse(readFileSync(operationVectorsUrl, 'utf8'));

const API_PATHS = {
  OpenHttps: ['POST', (id) => `/openapi/instances/${enc(id)}/actions/open-https`],
  CloseHttps: ['POST', (id) => `/openapi/instances/${enc(id)}/actions/close-https`],
  DescribeInstance: ['GET', (id) => `/openapi/instances/${enc(id)}`],
  ListInstance: ['GET', () => '/openapi/instances'],
};

/**
 * One signed call of any action with the independent test client: { res, status, text, json,
 * host, nonce }. Options: instanceId, query (raw values), clientToken (POST actions), version,
 * key, time, nonce, headers (added before signing), action (the x-acs-action sent, default
 * the route's), method.
 */
async function callApi(emu, route, opts = {}) {
  const {
    instanceId,
    clientToken,
    version = 'v3',
    key = TEST_KEY,
    time = Date.now(),
    nonce = freshNonce(),
    headers: extra = {},
    action = route,
  } = opts;
  const [routeMethod, path] = API_PATHS[route];
  const method = opts.method ?? routeMethod;
  const pathname = path(instanceId);
  const query = { ...(opts.query ?? {}), ...(clientToken === undefined ? {} : { clientToken }) };
  const headers = {
    host: new URL(emu.url).host,
    accept: 'application/json',
    'x-acs-version': '2017-06-13',
    'x-acs-action': action,
    'x-acs-signature-nonce': nonce,
  };
  if (version === 'v3') {
    headers['x-acs-date'] = acsDate(time);
    headers['x-acs-content-sha256'] = EMPTY_BODY_SHA256;
  } else {
    headers.date = new Date(time).toUTCString();
    headers['x-acs-signature-method'] = 'HMAC-SHA1';
    headers['x-acs-signature-version'] = '1.0';
  }
  if (key.securityToken !== undefined) headers['x-acs-security-token'] = key.securityToken;
  Object.assign(headers, extra);
  const signed = clientSign(version, key, { method, pathname, query, headers });
  const sent = { ...headers, authorization: signed.authorization };
  delete sent.host;
  const qs = Object.entries(query).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  const res = await fetch(`${emu.url}${pathname}${qs ? `?${qs}` : ''}`, { method, headers: sent });
  const text = await res.text();
  return { res, status: res.status, text, json: text ? JSON.parse(text) : null, host: headers.host, nonce, instanceId };
}

const describeInstance = (emu, instanceId, opts) => callApi(emu, 'DescribeInstance', { instanceId, ...opts });
const listInstance = (emu, query = {}, opts) => callApi(emu, 'ListInstance', { query, ...opts });
const openOp = (emu, instanceId, opts) => callApi(emu, 'OpenHttps', { instanceId, ...opts });
const closeOp = (emu, instanceId, opts) => callApi(emu, 'CloseHttps', { instanceId, ...opts });

/** Status and protocol as DescribeInstance shows them, e.g. 'activating/HTTP'. */
async function shown(emu, instanceId) {
  const r = await describeInstance(emu, instanceId);
  assert.equal(r.status, 200, r.text);
  return `${r.json.Result.status}/${r.json.Result.protocol}`;
}

/** Polls DescribeInstance until it shows `expected`, for at most `withinMs`; returns the ms waited. */
async function waitShown(emu, instanceId, expected, withinMs = 2_000) {
  const started = performance.now();
  for (;;) {
    const now = await shown(emu, instanceId);
    if (now === expected) return performance.now() - started;
    assert.ok(performance.now() - started < withinMs, `${instanceId} still ${now}, expected ${expected}`);
    await sleep(10);
  }
}

function assertOk(r) {
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.RequestId, UPPER_UUID);
  assert.equal(r.res.headers.get('x-acs-request-id'), r.json.RequestId);
  assert.equal(r.res.headers.get('content-type'), JSON_TYPE);
  assertCommonHeaders(r.res);
}

function assertResultTrue(r) {
  assertOk(r);
  assert.deepEqual(Object.keys(r.json), ['Result', 'RequestId']);
  assert.equal(r.json.Result, true);
}

/** Sends a raw request (any Host header) and reads the answer: { status, headers, body }. */
function rawRequest(url, { method, path, headers }) {
  return new Promise((resolvePromise, reject) => {
    const req = http.request(url + path, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('signing vectors of DescribeInstance, ListInstance, CloseHttps (tests/vectors/signing-operations.json)', () => {
  test('the file has the three operations, V1 and V3, GET and POST', () => {
    assert.ok(Array.isArray(operationVectors) && operationVectors.length >= 10, `cases in ${operationVectorsUrl}`);
    for (const action of ['DescribeInstance', 'ListInstance', 'CloseHttps']) {
      for (const version of ['v1', 'v3']) {
        assert.ok(
          operationVectors.some((c) => c.headers['x-acs-action'] === action && c.signatureVersion === version),
          `${action} ${version}`,
        );
      }
    }
    assert.ok(operationVectors.some((c) => c.method === 'GET' && Object.keys(c.query).length > 0), 'a GET with a query');
  });

  for (const c of operationVectors) {
    test(`emulator reproduces ${c.signatureVersion} ${c.name}`, () => {
      if (c.signatureVersion === 'v1') {
        assert.equal(stringToSignV1(c), c.expectedStringToSign);
        assert.equal(authorizationV1(c), c.expectedAuthorization);
      } else {
        assert.equal(authorizationV3(c), c.expectedAuthorization);
      }
    });

    test(`test client reproduces ${c.signatureVersion} ${c.name}`, () => {
      const key = { accessKeyId: c.accessKeyId, accessKeySecret: c.accessKeySecret };
      const signed = clientSign(c.signatureVersion, key, c);
      if (c.signatureVersion === 'v1') assert.equal(signed.stringToSign, c.expectedStringToSign);
      assert.equal(signed.authorization, c.expectedAuthorization);
    });
  }

  test('V1 canonical resource sorts the raw query; V3 percent-encodes it', () => {
    const query = { size: '100', description: 'prod logs/éà+&=', page: '1' };
    assert.equal(canonicalResourceV1('/openapi/instances', query), '/openapi/instances?description=prod logs/éà+&=&page=1&size=100');
    assert.equal(canonicalResourceV1('/openapi/instances/x', {}), '/openapi/instances/x');
    assert.equal(canonicalQueryV3(query), 'description=prod%20logs%2F%C3%A9%C3%A0%2B%26%3D&page=1&size=100');
  });

  test('over HTTP, the emulator accepts each vector request exactly as the SDK signed it', async () => {
    // The emulator's clock set to the vectors' time, so their dates are fresh.
    const emu = await startEmulator({ clockOffsetMs: Date.parse('2026-04-01T08:02:00Z') - Date.now() });
    try {
      for (const c of operationVectors) {
        emu.reset(); // the V1 and V3 cases of a pair share a nonce
        const qs = Object.entries(c.query).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
        const r = await rawRequest(emu.url, {
          method: c.method,
          path: `${c.pathname}${qs ? `?${qs}` : ''}`,
          headers: { ...c.headers, authorization: c.expectedAuthorization },
        });
        assert.equal(r.status, 200, `${c.name}: ${r.body}`);
        const body = JSON.parse(r.body);
        assert.equal(JSON.parse(r.body).RequestId, r.headers['x-acs-request-id']);
        const action = c.headers['x-acs-action'];
        assert.equal(emu.log.at(-1).action, action);
        assert.equal(emu.log.at(-1).host, '127.0.0.1:8080');
        if (action === 'CloseHttps') assert.equal(body.Result, true);
        if (action === 'DescribeInstance') assert.equal(body.Result.instanceId, ACTIVE_INSTANCE_ID);
        if (action === 'ListInstance') assert.equal(typeof body.Headers['X-Total-Count'], 'number');
      }
    } finally {
      await emu.close();
    }
  });
});

describe('DescribeInstance, ListInstance and CloseHttps over HTTP', () => {
  let emu;
  before(async () => {
    emu = await startEmulator({ activationMs: 0 });
  });
  after(() => emu.close());

  test('DescribeInstance, V3 and V1, STS too: the instance with a numeric port', async () => {
    for (const [version, key] of [['v3', TEST_KEY], ['v1', TEST_KEY], ['v3', STS_TEST_KEY], ['v1', STS_TEST_KEY]]) {
      const r = await describeInstance(emu, 'es-cn-prodlogs00001', { version, key });
      assertOk(r);
      assert.deepEqual(Object.keys(r.json), ['RequestId', 'Result']);
      const i = r.json.Result;
      assert.equal(i.instanceId, 'es-cn-prodlogs00001');
      assert.equal(i.description, 'prod-logs');
      assert.equal(i.status, 'active');
      assert.equal(i.protocol, 'HTTPS');
      assert.equal(i.esVersion, '7.10_with_X-Pack');
      assert.equal(i.haveClientNode, true);
      assert.equal(i.port, 9200);
      assert.equal(i.nodeAmount, 3);
      assert.ok(!Number.isNaN(Date.parse(i.createdAt)));
      assert.equal(emu.log.at(-1).action, 'DescribeInstance');
      assert.equal(emu.log.at(-1).signatureVersion, version);
    }
  });

  test('DescribeInstance of the stateless ids: seeded, es-active-*, es-activating-*, es-fault-*', async () => {
    const seeded = (await describeInstance(emu, ACTIVE_INSTANCE_ID)).json.Result;
    assert.deepEqual([seeded.status, seeded.protocol, seeded.description], ['active', 'HTTP', ACTIVE_INSTANCE_ID]);
    assert.equal(await shown(emu, ACTIVATING_INSTANCE_ID), 'activating/HTTP');
    const id = freshActive();
    assert.equal(await shown(emu, id), 'active/HTTP');
    assertSuccess(await openHttps(emu, { instanceId: id }));
    assert.equal(await shown(emu, id), 'active/HTTPS', 'protocol HTTPS after the first success');
    assert.equal(await shown(emu, `es-activating-${randomUUID()}`), 'activating/HTTP');
    // skew: a correct clock is expired here too.
    assertGatewayError(await describeInstance(emu, faultId('skew')), 400, 'InvalidTimeStamp.Expired');
  });

  test('DescribeInstance and CloseHttps of an unknown instance → InstanceNotFound', async () => {
    for (const call of [describeInstance, closeOp]) {
      for (const version of ['v3', 'v1']) {
        const r = await call(emu, 'es-cn-doesnotexist', { version });
        assertGatewayError(r, 400, 'InstanceNotFound');
        assert.equal(r.json.Message, 'The instanceId provided does not exist.');
      }
    }
    assertGatewayError(await describeInstance(emu, 'es-fault-nope-x'), 400, 'InstanceNotFound');
  });

  test('x-acs-action must be the route’s action; a route with the wrong method is not found', async () => {
    for (const [route, action] of [
      ['DescribeInstance', 'ListInstance'],
      ['ListInstance', 'DescribeInstance'],
      ['CloseHttps', 'OpenHttps'],
      ['OpenHttps', 'CloseHttps'],
    ]) {
      const r = await callApi(emu, route, { instanceId: ACTIVE_INSTANCE_ID, action });
      assertGatewayError(r, 400, 'InvalidParameter');
      assert.equal(r.json.Message, `The specified parameter "x-acs-action" is not valid: expected "${route}" for this path, got "${action}".`);
    }
    assertGatewayError(await callApi(emu, 'DescribeInstance', { instanceId: 'x', method: 'POST' }), 404, 'InvalidAction.NotFound');
    assertGatewayError(await callApi(emu, 'CloseHttps', { instanceId: 'x', method: 'GET' }), 404, 'InvalidAction.NotFound');
  });

  test('the gateway checks apply to the new operations: signature, nonce, timestamp', async () => {
    const wrong = { accessKeyId: 'testid', accessKeySecret: 'wrong' };
    const bad = await listInstance(emu, { page: '1' }, { key: wrong, version: 'v1' });
    assertGatewayError(bad, 400, 'SignatureDoesNotMatch');
    assert.match(bad.json.Message, /\n\/openapi\/instances\?page=1$/, 'V1 string-to-sign ends with the sorted raw query');
    const badV3 = await listInstance(emu, { size: '5', page: '1' }, { key: wrong });
    assert.match(badV3.json.Message, /^Specified signature.*is:GET\n\/openapi\/instances\npage=1&size=5\n/);
    const nonce = freshNonce();
    assertOk(await describeInstance(emu, ACTIVE_INSTANCE_ID, { nonce }));
    assertGatewayError(await closeOp(emu, ACTIVE_INSTANCE_ID, { nonce }), 400, 'SignatureNonceUsed');
    assertGatewayError(await listInstance(emu, {}, { time: Date.now() - 3_600_000 }), 400, 'InvalidTimeStamp.Expired');
    assertGatewayError(await closeOp(emu, freshActive(), { clientToken: 'x'.repeat(65) }), 400, 'InvalidParameter');
    // A GET takes no clientToken: one in its query is just another (ignored) parameter.
    assertOk(await describeInstance(emu, ACTIVE_INSTANCE_ID, { query: { clientToken: 'x'.repeat(65) } }));
  });

  test('ListInstance by default: the seeded ids then the default catalogue; port is a string', async () => {
    const fresh = await startEmulator();
    try {
      for (const version of ['v3', 'v1']) {
        const r = await listInstance(fresh, {}, { version });
        assertOk(r);
        assert.deepEqual(Object.keys(r.json), ['RequestId', 'Headers', 'Result']);
        const expected = [ACTIVE_INSTANCE_ID, ACTIVATING_INSTANCE_ID, ...DEFAULT_CATALOGUE.map((c) => c.id)];
        assert.equal(r.json.Headers['X-Total-Count'], expected.length);
        assert.deepEqual(r.json.Result.map((i) => i.instanceId), expected);
        assert.ok(r.json.Result.every((i) => i.port === '9200'));
        const byId = Object.fromEntries(r.json.Result.map((i) => [i.instanceId, i]));
        assert.equal(byId['es-cn-staging000001'].description, 'staging-search');
        assert.equal(byId['es-cn-archive000001'].status, 'inactive');
        assert.equal(byId['es-cn-devsandbox001'].haveClientNode, false);
        assert.equal(byId[ACTIVATING_INSTANCE_ID].status, 'activating');
      }
      assert.ok(DEFAULT_CATALOGUE.length >= 3 && DEFAULT_CATALOGUE.length <= 6);
      assert.deepEqual(fresh.counts(), { OpenHttps: 0, CloseHttps: 0, DescribeInstance: 0, ListInstance: 2 });
    } finally {
      await fresh.close();
    }
  });

  test('ListInstance pagination across pages, V3 and V1: stable creation order, no duplicates', async () => {
    const big = await startEmulator({ catalogue: 25 });
    try {
      const all = [ACTIVE_INSTANCE_ID, ACTIVATING_INSTANCE_ID, ...generateCatalogue(25).map((c) => c.id)];
      for (const version of ['v3', 'v1']) {
        const seen = [];
        for (const page of [1, 2, 3, 4]) {
          const r = await listInstance(big, { page: String(page), size: '10' }, { version });
          assertOk(r);
          assert.equal(r.json.Headers['X-Total-Count'], 27);
          assert.equal(r.json.Result.length, [10, 10, 7, 0][page - 1], `page ${page}`);
          seen.push(...r.json.Result.map((i) => i.instanceId));
        }
        assert.deepEqual(seen, all);
      }
      // Defaults: page 1, size 10.
      const first = await listInstance(big);
      assert.deepEqual(first.json.Result.map((i) => i.instanceId), all.slice(0, 10));
      const second = await listInstance(big, { page: '2' });
      assert.deepEqual(second.json.Result.map((i) => i.instanceId), all.slice(10, 20));
      const max = await listInstance(big, { size: '100' });
      assert.equal(max.json.Result.length, 27);
    } finally {
      await big.close();
    }
  });

  test('ListInstance page and size out of range → InvalidParameter', async () => {
    for (const [query, name] of [
      [{ size: '0' }, 'size'],
      [{ size: '101' }, 'size'],
      [{ size: '' }, 'size'],
      [{ size: '1.5' }, 'size'],
      [{ page: '0' }, 'page'],
      [{ page: '-1' }, 'page'],
      [{ page: 'two' }, 'page'],
    ]) {
      const r = await listInstance(emu, query, { version: 'v1' });
      assertGatewayError(r, 400, 'InvalidParameter');
      assert.match(r.json.Message, new RegExp(`^The specified parameter "${name}" is not valid: expected an integer`));
    }
    assertOk(await listInstance(emu, { page: '1000', size: '1' }));
  });

  test('ListInstance filters: description by substring (case-sensitive), instanceId by id or substring', async () => {
    const ids = (r) => r.json.Result.map((i) => i.instanceId);
    assert.deepEqual(ids(await listInstance(emu, { description: 'prod-' })), ['es-cn-prodlogs00001', 'es-cn-prodsearch0001']);
    assert.deepEqual(ids(await listInstance(emu, { description: 'search', version: 'v1' })), [
      'es-cn-prodsearch0001',
      'es-cn-staging000001',
    ]);
    const none = await listInstance(emu, { description: 'PROD' });
    assert.deepEqual([none.json.Headers['X-Total-Count'], none.json.Result], [0, []]);
    assert.deepEqual(ids(await listInstance(emu, { instanceId: 'es-cn-archive000001' })), ['es-cn-archive000001']);
    assert.deepEqual(ids(await listInstance(emu, { instanceId: 'prod' }, { version: 'v1' })), [
      'es-cn-prodlogs00001',
      'es-cn-prodsearch0001',
    ]);
    assert.deepEqual(ids(await listInstance(emu, { instanceId: 'prod', description: 'logs' })), ['es-cn-prodlogs00001']);
    // A description with reserved and non-ASCII characters, signed V3 and V1 (as in the vectors).
    const tag = randomUUID();
    emu.addInstances([{ id: `es-cn-odd-${tag}`, description: `prod logs/éà+&= ${tag}` }]);
    for (const version of ['v3', 'v1']) {
      const r = await listInstance(emu, { description: `logs/éà+&= ${tag}`, page: '1', size: '100' }, { version });
      assert.deepEqual(ids(r), [`es-cn-odd-${tag}`], r.text);
    }
  });

  test('ad-hoc prefix ids are listed once a request reached them, not before', async () => {
    const id = `es-http-${randomUUID()}`;
    const count = async () => (await listInstance(emu, { instanceId: id })).json.Headers['X-Total-Count'];
    assert.equal(await count(), 0);
    assert.equal(emu.instance(id).listed, false);
    assert.equal(await shown(emu, id), 'active/HTTP');
    assert.equal(await count(), 1);
    assert.equal(emu.instance(id).listed, true);
    const stateless = freshActive();
    assertSuccess(await openHttps(emu, { instanceId: stateless }));
    const [item] = (await listInstance(emu, { instanceId: stateless })).json.Result;
    assert.deepEqual([item.description, item.status, item.protocol], [stateless, 'active', 'HTTPS']);
    // Unknown ids never are.
    await describeInstance(emu, 'es-cn-nowhere');
    assert.equal((await listInstance(emu, { instanceId: 'es-cn-nowhere' })).json.Result.length, 0);
  });

  test('CloseHttps, V3 and V1: on a stateless id (always 200) and on a lifecycle one', async () => {
    const id = freshActive();
    assertSuccess(await openHttps(emu, { instanceId: id }));
    for (const version of ['v3', 'v1']) {
      const r = await closeOp(emu, id, { version, clientToken: randomUUID() });
      assertResultTrue(r);
      assert.equal(await shown(emu, id), 'active/HTTP');
    }
    assert.deepEqual([emu.applied(id), emu.closed(id)], [1, 2], 'stateless: every success applied');
    assertGatewayError(await closeOp(emu, ACTIVATING_INSTANCE_ID), 400, 'InstanceActivating');

    const https = `es-https-${randomUUID()}`;
    assertResultTrue(await closeOp(emu, https, { version: 'v1' }));
    assert.equal(await shown(emu, https), 'active/HTTP', 'activationMs 0: done at once');
    assertResultTrue(await closeOp(emu, https));
    assert.deepEqual([emu.applied(https), emu.closed(https)], [0, 1], 'closing an HTTP instance changes nothing');
  });

  test('CORS preflight: GET for describe/list, POST for open/close, both for the admin endpoints', async () => {
    const asked = 'authorization,x-acs-action,x-acs-content-sha256,x-acs-date,x-acs-signature-nonce,x-acs-version,x-acs-security-token';
    for (const [path, method, allowed] of [
      ['/openapi/instances', 'GET', 'GET, OPTIONS'],
      ['/openapi/instances/es-cn-x', 'GET', 'GET, OPTIONS'],
      ['/openapi/instances/es-cn-x/actions/close-https', 'POST', 'POST, OPTIONS'],
      ['/openapi/instances/es-cn-x/actions/open-https', 'POST', 'POST, OPTIONS'],
      ['/__emulator/instances', 'POST', 'GET, POST, OPTIONS'],
    ]) {
      const res = await fetch(`${emu.url}${path}?page=1`, {
        method: 'OPTIONS',
        headers: { origin: 'http://localhost:3000', 'access-control-request-method': method, 'access-control-request-headers': asked },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('access-control-allow-methods'), allowed, path);
      assert.equal(res.headers.get('access-control-allow-headers'), asked);
    }
  });
});

describe('the instance lifecycle', () => {
  // Long enough that a check right after a call lands inside the window even on a busy
  // machine; what must happen inside a window uses a stuck instance (no timing at all).
  const ACTIVATION = 250;
  const LAG = 300;
  let emu;
  before(async () => {
    emu = await startEmulator({ activationMs: ACTIVATION, protocolLagMs: LAG });
  });
  after(() => emu.close());

  test('OpenHttps: active/HTTP → activating → active/HTTPS after activationMs; then 200 without a change', async () => {
    const id = `es-http-${randomUUID()}`;
    const token = randomUUID();
    const started = performance.now();
    assertResultTrue(await openOp(emu, id, { clientToken: token }));
    assert.equal(await shown(emu, id), 'activating/HTTP');
    const view = emu.instance(id);
    assert.deepEqual([view.pending.phase, view.pending.action, view.pending.protocol], ['activating', 'OpenHttps', 'HTTPS']);
    await waitShown(emu, id, 'active/HTTPS');
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= ACTIVATION - 5, `activating for ${elapsed.toFixed(0)} ms`);
    assert.equal(emu.instance(id).pending, null);
    assert.equal(emu.instance(id).https, true);

    // Already HTTPS: 200, nothing changes, not counted.
    assertResultTrue(await openOp(emu, id, { clientToken: randomUUID() }));
    assertResultTrue(await openOp(emu, id, { version: 'v1' }));
    assert.equal(await shown(emu, id), 'active/HTTPS');
    assert.equal(emu.applied(id), 1);
    assert.deepEqual(emu.instance(id).appliedByClientToken, { [token]: 1 });
    assert.equal(emu.requests(id, 'OpenHttps'), 3);
    assert.equal(emu.instance(id).requests.OpenHttps, 3);
    assert.equal(emu.attempts(id), emu.requests(id), 'every request passed the gateway checks');
  });

  test('while activating: another OpenHttps or CloseHttps → InstanceActivating; the same clientToken → the recorded answer', async () => {
    const id = `es-stuck-${randomUUID()}`;
    const token = randomUUID();
    const first = await openOp(emu, id, { clientToken: token });
    assertResultTrue(first);
    const busy = await openOp(emu, id, { clientToken: randomUUID(), version: 'v1' });
    assertGatewayError(busy, 400, 'InstanceActivating');
    assert.equal(busy.json.Message, 'Instance is activating.');
    assertGatewayError(await openOp(emu, id), 400, 'InstanceActivating');
    // A clientToken is per action: the OpenHttps one does not replay a CloseHttps.
    assertGatewayError(await closeOp(emu, id, { clientToken: token }), 400, 'InstanceActivating');
    const replay = await openOp(emu, id, { clientToken: token, version: 'v1' });
    assert.equal(replay.text, first.text, 'the recorded answer, byte for byte');
    assert.equal(replay.res.headers.get('x-acs-request-id'), first.json.RequestId);
    assert.equal(emu.log.at(-1).replayed, true);
    assert.equal(emu.applied(id), 1);
    assert.equal(emu.attempts(id), 5);
  });

  test('exactly once: concurrent OpenHttps with different tokens apply once, the rest are InstanceActivating', async () => {
    const id = `es-stuck-${randomUUID()}`;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => openOp(emu, id, { clientToken: `t${i}`, version: i % 2 ? 'v1' : 'v3' })),
    );
    const codes = answers.map((r) => r.json.Code ?? 'ok').sort();
    assert.deepEqual(codes, ['InstanceActivating', 'InstanceActivating', 'InstanceActivating', 'InstanceActivating', 'InstanceActivating', 'ok']);
    assert.equal(emu.applied(id), 1);
    emu.setInstance(id, { stuck: false });
    await waitShown(emu, id, 'active/HTTPS');
    assert.equal(emu.applied(id), 1);
  });

  test('CloseHttps is the reverse: active/HTTPS → activating → active/HTTP, counted by closed()', async () => {
    const id = `es-https-${randomUUID()}`;
    const token = randomUUID();
    const started = performance.now();
    const first = await closeOp(emu, id, { clientToken: token, version: 'v1' });
    assertResultTrue(first);
    assert.equal(await shown(emu, id), 'activating/HTTPS');
    await waitShown(emu, id, 'active/HTTP');
    assert.ok(performance.now() - started >= ACTIVATION - 5);
    assert.equal((await closeOp(emu, id, { clientToken: token })).text, first.text, 'replayed after the change too');
    assertResultTrue(await closeOp(emu, id, { clientToken: randomUUID() }));
    assert.deepEqual([emu.closed(id), emu.applied(id)], [1, 0]);
    assert.deepEqual(emu.instance(id).closedByClientToken, { [token]: 1 });

    // While a close is in progress: InstanceActivating for both.
    const stuck = `es-cn-stuck-https-${randomUUID()}`;
    emu.addInstances([{ id: stuck, protocol: 'HTTPS', stuck: true }]);
    assertResultTrue(await closeOp(emu, stuck));
    assertGatewayError(await closeOp(emu, stuck, { clientToken: randomUUID() }), 400, 'InstanceActivating');
    assertGatewayError(await openOp(emu, stuck), 400, 'InstanceActivating');
    assert.equal(await shown(emu, stuck), 'activating/HTTPS');
    assert.equal(emu.closed(stuck), 1);
  });

  test('protocol lag (es-lag-*): the old protocol, still active, for protocolLagMs; then activating; then HTTPS', async () => {
    const id = `es-lag-${randomUUID()}`;
    const started = performance.now();
    assertResultTrue(await openOp(emu, id));
    // What DescribeInstance shows, and the admin view (with the phase), each as it changes.
    const described = [];
    const viewed = [];
    const push = (list, value) => list.at(-1) !== value && list.push(value);
    for (;;) {
      const view = emu.instance(id);
      push(viewed, `${view.status}/${view.protocol} ${view.pending?.phase ?? '-'}`);
      const now = await shown(emu, id);
      push(described, now);
      if (now === 'active/HTTPS' && view.protocol === 'HTTPS') break;
      assert.ok(performance.now() - started < 5_000, `shown ${described}`);
      await sleep(5);
    }
    assert.deepEqual(described, ['active/HTTP', 'activating/HTTP', 'active/HTTPS']);
    assert.deepEqual(viewed, ['active/HTTP lag', 'activating/HTTP activating', 'active/HTTPS -']);
    assert.ok(performance.now() - started >= LAG + ACTIVATION - 5);
    assert.equal(emu.instance(id).protocolLagMs, LAG);
    assert.equal(emu.applied(id), 1);
  });

  test('during the lag another OpenHttps is InstanceActivating though the instance still shows active/HTTP', async () => {
    const id = `es-lag-${randomUUID()}`;
    assertResultTrue(await openOp(emu, id, { clientToken: 'a' }));
    assert.equal(await shown(emu, id), 'active/HTTP');
    assertGatewayError(await openOp(emu, id, { clientToken: 'b' }), 400, 'InstanceActivating');
    assert.equal(emu.applied(id), 1);
  });

  test('stuck (es-stuck-*): activating for ever after OpenHttps, until told otherwise', async () => {
    const id = `es-stuck-${randomUUID()}`;
    assertResultTrue(await openOp(emu, id));
    await sleep(ACTIVATION * 2);
    assert.equal(await shown(emu, id), 'activating/HTTP');
    assert.deepEqual(emu.instance(id).pending, { action: 'OpenHttps', protocol: 'HTTPS', phase: 'activating', msLeft: null });
    assertGatewayError(await openOp(emu, id), 400, 'InstanceActivating');
    // `stuck: false` lets the change finish (its activation time is already over).
    assert.equal(emu.setInstance(id, { stuck: false }).state, 'active');
    assert.equal(await shown(emu, id), 'active/HTTPS');
    assert.equal(emu.applied(id), 1);
  });

  test('no client node (es-noclient-*): OpenHttps → HttpsNeedClientNode; CloseHttps of HTTP changes nothing', async () => {
    const id = `es-noclient-${randomUUID()}`;
    for (const version of ['v3', 'v1']) {
      const r = await openOp(emu, id, { version, clientToken: 'same' });
      assertGatewayError(r, 400, 'HttpsNeedClientNode');
      assert.match(r.json.Message, /client node/);
    }
    assert.equal(emu.log.at(-1).replayed, false, 'an error binds no token');
    assertResultTrue(await closeOp(emu, id));
    assert.equal(await shown(emu, id), 'active/HTTP');
    assert.deepEqual([emu.applied(id), emu.closed(id)], [0, 0]);
    assert.equal((await describeInstance(emu, id)).json.Result.haveClientNode, false);
  });

  test('inactive and invalid: InstanceStatusNotSupportCurrentAction, saying the status', async () => {
    for (const status of ['inactive', 'invalid']) {
      const id = `es-${status}-${randomUUID()}`;
      for (const call of [openOp, closeOp]) {
        const r = await call(emu, id);
        assertGatewayError(r, 400, 'InstanceStatusNotSupportCurrentAction');
        assert.match(r.json.Message, new RegExp(`"${status}"`));
      }
      assert.equal(await shown(emu, id), `${status}/HTTP`);
      assert.equal(emu.applied(id), 0);
    }
  });

  test('busy (es-busy-*): activating from its first request for activationMs, then active/HTTP', async () => {
    const id = `es-busy-${randomUUID()}`;
    assertGatewayError(await openOp(emu, id, { clientToken: 'later' }), 400, 'InstanceActivating');
    assert.equal(await shown(emu, id), 'activating/HTTP');
    await waitShown(emu, id, 'active/HTTP');
    // The same token, refused while busy, now applies.
    assertResultTrue(await openOp(emu, id, { clientToken: 'later' }));
    await waitShown(emu, id, 'active/HTTPS');
    assert.equal(emu.applied(id), 1);
  });

  test('seeded records (startEmulator instances), addInstances, setInstance, instance()', async () => {
    const seeded = await startEmulator({
      catalogue: false,
      activationMs: ACTIVATION,
      instances: {
        'es-cn-full': { status: 'active', protocol: 'HTTP', description: 'full', esVersion: '6.7_with_X-Pack', haveClientNode: true, activationMs: 40 },
        'es-cn-old': 'active',
        [ACTIVATING_INSTANCE_ID]: 'unknown',
      },
    });
    try {
      const list = await listInstance(seeded);
      assert.deepEqual(list.json.Result.map((i) => i.instanceId), [ACTIVE_INSTANCE_ID, 'es-cn-full', 'es-cn-old']);
      const full = seeded.instance('es-cn-full');
      assert.deepEqual(
        [full.status, full.protocol, full.description, full.esVersion, full.haveClientNode, full.lifecycle, full.activationMs],
        ['active', 'HTTP', 'full', '6.7_with_X-Pack', true, true, 40],
      );
      assert.equal(seeded.instance('es-cn-old').lifecycle, false);
      assertGatewayError(await describeInstance(seeded, ACTIVATING_INSTANCE_ID), 400, 'InstanceNotFound');

      const [added] = seeded.addInstances([{ id: 'es-cn-added', protocol: 'HTTPS', stuck: true }]);
      assert.deepEqual([added.status, added.protocol, added.stuck, added.listed], ['active', 'HTTPS', true, true]);
      assertResultTrue(await closeOp(seeded, 'es-cn-added'));
      assert.equal(await shown(seeded, 'es-cn-added'), 'activating/HTTPS');
      // Setting status/protocol ends the change in progress.
      const patched = seeded.setInstance('es-cn-added', { status: 'active', protocol: 'HTTP', description: 'renamed' });
      assert.deepEqual([patched.status, patched.protocol, patched.pending, patched.description], ['active', 'HTTP', null, 'renamed']);
      // status 'activating' starts an activation; an unknown id is created.
      seeded.setInstance('es-cn-new', { status: 'activating', protocol: 'HTTPS' });
      assert.equal(await shown(seeded, 'es-cn-new'), 'activating/HTTPS');
      await waitShown(seeded, 'es-cn-new', 'active/HTTPS');
      assert.throws(() => seeded.addInstances([{ id: 'x', status: 'sleeping' }]), /status/);
      assert.throws(() => seeded.addInstances([{ id: 'x', colour: 'red' }]), /unknown field colour/);
      assert.throws(() => seeded.setInstance('x', { protocol: 'FTP' }), /protocol/);
      assert.throws(() => startEmulator({ instances: { y: { haveClientNode: 'no' } } }), /haveClientNode/);
      assert.equal(seeded.instance('x').state, 'unknown', 'a failed add changes nothing');

      // The kind can be switched; a stateless record answers every OpenHttps as before.
      const switched = seeded.setInstance('es-cn-old', { lifecycle: true });
      assert.deepEqual([switched.lifecycle, switched.status, switched.protocol], [true, 'active', 'HTTP']);
      assertResultTrue(await openOp(seeded, 'es-cn-old'));
      assert.equal(await shown(seeded, 'es-cn-old'), 'activating/HTTP');
      seeded.addInstances({ 'es-cn-flat': { lifecycle: false, description: 'flat', protocol: 'HTTPS' } });
      for (let i = 0; i < 2; i++) assertResultTrue(await openOp(seeded, 'es-cn-flat'));
      assert.equal(seeded.applied('es-cn-flat'), 2);
      assert.equal(await shown(seeded, 'es-cn-flat'), 'active/HTTPS');

      // reset(): back to the starting instances; added ones forgotten.
      seeded.reset();
      assert.equal(seeded.instance('es-cn-added').state, 'unknown');
      assert.equal(seeded.instance('es-cn-full').description, 'full');
      assert.equal(seeded.instances().length, 3);
    } finally {
      await seeded.close();
    }
  });

  test('requests(id, action) and counts() count every request of a route, whatever its outcome', async () => {
    const counting = await startEmulator({ activationMs: 0 });
    try {
      const id = `es-http-${randomUUID()}`;
      await openOp(counting, id);
      await openOp(counting, id, { key: { accessKeyId: 'testid', accessKeySecret: 'wrong' } });
      await describeInstance(counting, id);
      await closeOp(counting, id, { version: 'v1' });
      await listInstance(counting);
      await listInstance(counting, { size: '0' });
      assert.deepEqual(counting.counts(), { OpenHttps: 2, CloseHttps: 1, DescribeInstance: 1, ListInstance: 2 });
      assert.equal(counting.requests(id), 4);
      assert.equal(counting.requests(id, 'OpenHttps'), 2);
      assert.equal(counting.requests(null, 'ListInstance'), 2);
      assert.equal(counting.requests(), 6);
      assert.equal(counting.attempts(id), 3, 'the wrong signature was no attempt');
      assert.deepEqual(counting.instance(id).requests, { OpenHttps: 2, CloseHttps: 1, DescribeInstance: 1 });
      counting.reset();
      assert.deepEqual(counting.counts(), { OpenHttps: 0, CloseHttps: 0, DescribeInstance: 0, ListInstance: 0 });
    } finally {
      await counting.close();
    }
  });

  test('faults strike every action that names the instance; attempts count them all', async () => {
    const id = faultId('503x2');
    assertGatewayError(await describeInstance(emu, id), 503, 'ServiceUnavailable');
    assertGatewayError(await closeOp(emu, id), 503, 'ServiceUnavailable');
    assertOk(await describeInstance(emu, id));
    assert.equal(emu.attempts(id), 3);
  });
});

describe('QPS limit per access key', () => {
  test('over N requests in a sliding second → Throttling.User with x-acs-retry-after (ms)', async () => {
    const emu = await startEmulator({ qpsLimit: 3 });
    try {
      const started = performance.now();
      const calls = [
        () => describeInstance(emu, ACTIVE_INSTANCE_ID),
        () => listInstance(emu, {}, { version: 'v1' }),
        () => openOp(emu, freshActive()),
      ];
      for (const call of calls) assertOk(await call());
      const nonce = freshNonce();
      const throttled = await closeOp(emu, ACTIVE_INSTANCE_ID, { nonce, time: Date.now() });
      assertGatewayError(throttled, 400, 'Throttling.User', ['x-acs-retry-after']);
      assert.equal(throttled.json.Message, 'Request was denied due to user flow control.');
      const retryAfter = Number(throttled.res.headers.get('x-acs-retry-after'));
      assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 1000, `retry after ${retryAfter}`);
      // It is the time left until the first admitted request leaves the window.
      assert.ok(retryAfter >= 1000 - (performance.now() - started), `retry after ${retryAfter}`);
      // Another key has its own window.
      assertOk(await describeInstance(emu, ACTIVE_INSTANCE_ID, { key: STS_TEST_KEY }));
      // Throttled requests are not admitted: they do not count, and do not burn the nonce.
      assertGatewayError(await listInstance(emu), 400, 'Throttling.User', ['x-acs-retry-after']);
      await sleep(retryAfter + 5);
      assertResultTrue(await closeOp(emu, ACTIVE_INSTANCE_ID, { nonce }));
      assert.equal(emu.closed(ACTIVE_INSTANCE_ID), 1);
      assert.equal(emu.log.filter((e) => e.code === 'Throttling.User').length, 2);
    } finally {
      await emu.close();
    }
  });

  test('a key can have its own limit; requests with a bad signature are not counted', async () => {
    const emu = await startEmulator({ keys: { slow: { secret: 's', qpsLimit: 1 } } });
    try {
      const slow = { accessKeyId: 'slow', accessKeySecret: 's' };
      assertGatewayError(await listInstance(emu, {}, { key: { ...slow, accessKeySecret: 'bad' } }), 400, 'SignatureDoesNotMatch');
      assertOk(await listInstance(emu, {}, { key: slow }));
      assertGatewayError(await listInstance(emu, {}, { key: slow }), 400, 'Throttling.User', ['x-acs-retry-after']);
      for (let i = 0; i < 5; i++) assertOk(await listInstance(emu)); // testid: no limit
    } finally {
      await emu.close();
    }
  });
});

describe('control endpoints for a separate process', () => {
  test('POST /__emulator/instances seeds, GET reads state and counters, POST …/{id} patches, reset restores', async () => {
    const emu = await startEmulator({ activationMs: 60_000 });
    const post = (path, body) =>
      fetch(`${emu.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    try {
      const seeded = await post('/__emulator/instances', [
        { id: 'es-cn-ctl-1', description: 'ctl one', protocol: 'HTTP' },
        { id: 'es-cn-ctl-2', description: 'ctl two', status: 'inactive' },
      ]);
      assert.equal(seeded.status, 200);
      assertCommonHeaders(seeded);
      const body = await seeded.json();
      assert.equal(body.ok, true);
      assert.deepEqual(body.instances.map((v) => [v.instanceId, v.status, v.protocol]), [
        ['es-cn-ctl-1', 'active', 'HTTP'],
        ['es-cn-ctl-2', 'inactive', 'HTTP'],
      ]);
      // A single record is fine too.
      assert.equal((await post('/__emulator/instances', { id: 'es-cn-ctl-3', protocol: 'HTTPS' })).status, 200);
      const listed = await listInstance(emu, { description: 'ctl ' });
      assert.deepEqual(listed.json.Result.map((i) => i.instanceId), ['es-cn-ctl-1', 'es-cn-ctl-2']);

      assertResultTrue(await openOp(emu, 'es-cn-ctl-1', { clientToken: 'c1' }));
      const view = await getJson(`${emu.url}/__emulator/instances/es-cn-ctl-1`);
      assert.equal(view.state, 'activating');
      assert.equal(view.applied, 1);
      assert.deepEqual(view.appliedByClientToken, { c1: 1 });
      assert.equal(view.pending.protocol, 'HTTPS');
      assert.equal(view.requests.OpenHttps, 1);
      assert.equal(view.attempts, 1);

      const all = await getJson(`${emu.url}/__emulator/instances`);
      assert.ok(all.some((v) => v.instanceId === 'es-cn-ctl-3'));
      assert.ok(all.some((v) => v.instanceId === 'es-cn-prodlogs00001'));

      const patched = await post('/__emulator/instances/es-cn-ctl-2', { status: 'active' });
      assert.equal(patched.status, 200);
      assert.equal((await patched.json()).status, 'active');
      assertResultTrue(await openOp(emu, 'es-cn-ctl-2'));

      for (const bad of ['not json', '[{"id":"x","status":"asleep"}]', '[{"status":"active"}]', '"x"']) {
        const r = await post('/__emulator/instances', bad);
        assert.equal(r.status, 400, bad);
        assert.match((await r.json()).error, /expected/);
      }
      assert.equal((await post('/__emulator/instances/es-cn-ctl-1', { port: -1 })).status, 400);

      assert.equal((await post('/__emulator/reset', '')).status, 200);
      assert.equal((await getJson(`${emu.url}/__emulator/instances/es-cn-ctl-1`)).state, 'unknown');
      assert.equal((await listInstance(emu)).json.Headers['X-Total-Count'], 2 + DEFAULT_CATALOGUE.length);
    } finally {
      await emu.close();
    }
  });
});

describe('generateCatalogue', () => {
  test('a deterministic mix: 4 HTTPS, 3 HTTP, 1 busy, 1 no client node, 1 inactive in every 10', () => {
    const records = generateCatalogue(500);
    assert.deepEqual(generateCatalogue(500), records);
    assert.equal(new Set(records.map((r) => r.id)).size, 500);
    assert.deepEqual(records[0], { id: 'es-cn-cat-00001', description: 'catalogue-https-00001', esVersion: '7.10_with_X-Pack', protocol: 'HTTPS' });
    const kinds = {};
    for (const r of records) {
      const kind = r.description.split('-')[1];
      kinds[kind] = (kinds[kind] ?? 0) + 1;
    }
    assert.deepEqual(kinds, { https: 200, http: 150, busy: 50, noclient: 50, inactive: 50 });
    assert.throws(() => generateCatalogue(-1));
  });
});

describe('server.mjs with a catalogue', () => {
  /** Starts server.mjs with `args`; resolves { emu: { url }, stop() } once it listens. */
  async function startServer(args, env = {}) {
    const script = fileURLToPath(new URL('./server.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    const exited = new Promise((resolvePromise) => child.on('exit', (code, signal) => resolvePromise({ code, signal })));
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.setEncoding('utf8');
    const line = await Promise.race([
      new Promise((resolvePromise) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (stdout.includes('\n')) resolvePromise(stdout);
        });
      }),
      exited.then((e) => ({ exited: e, stderr })),
      // Unref'd, so that it does not keep the test process alive once the race is decided.
      sleep(5_000, undefined, { ref: false }).then(() => ({ timeout: true })),
    ]);
    return { child, line, exited, stderr: () => stderr };
  }

  test('--catalogue 500 --activation-ms 250 --qps 1000: ListInstance over 500 instances; the lifecycle', async () => {
    const { child, line, exited } = await startServer(['--catalogue', '500', '--activation-ms', '250', '--qps', '1000']);
    try {
      const m = /^aliyun-es emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(line);
      assert.ok(m, `startup line: ${JSON.stringify(line)}`);
      const emu = { url: m[1] };
      const seen = [];
      for (let page = 1; page <= 6; page++) {
        const r = await listInstance(emu, { page: String(page), size: '100' }, { version: page % 2 ? 'v3' : 'v1' });
        assertOk(r);
        assert.equal(r.json.Headers['X-Total-Count'], 502);
        seen.push(...r.json.Result);
      }
      assert.equal(seen.length, 502);
      assert.equal(new Set(seen.map((i) => i.instanceId)).size, 502);
      const noclient = await listInstance(emu, { description: 'noclient', size: '100' });
      assert.equal(noclient.json.Headers['X-Total-Count'], 50);
      assert.ok(noclient.json.Result.every((i) => i.haveClientNode === false));

      // An HTTP one of the catalogue: open, activating, HTTPS after 250 ms.
      assert.equal(seen.find((i) => i.instanceId === 'es-cn-cat-00005').protocol, 'HTTP');
      assertResultTrue(await openOp(emu, 'es-cn-cat-00005'));
      assert.equal(await shown(emu, 'es-cn-cat-00005'), 'activating/HTTP');
      await waitShown(emu, 'es-cn-cat-00005', 'active/HTTPS');
      const view = await getJson(`${emu.url}/__emulator/instances/es-cn-cat-00005`);
      assert.equal(view.applied, 1);
      assertGatewayError(await openOp(emu, 'es-cn-cat-00009'), 400, 'HttpsNeedClientNode');
      // The stateless ids behave as before.
      assertSuccess(await openHttps(emu, { instanceId: ACTIVE_INSTANCE_ID }));
      assertSuccess(await openHttps(emu, { instanceId: ACTIVE_INSTANCE_ID }));
      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('--qps 2 throttles; env ES_EMULATOR_CATALOGUE=0 empties the catalogue', async () => {
    const { child, line, exited } = await startServer(['--qps', '2'], { ES_EMULATOR_CATALOGUE: '0' });
    try {
      const emu = { url: /listening on (\S+)\n/.exec(line)[1] };
      assertOk(await listInstance(emu));
      const r = await listInstance(emu);
      assert.equal(r.json.Headers['X-Total-Count'], 2, 'only the seeded ids');
      assertGatewayError(await listInstance(emu), 400, 'Throttling.User', ['x-acs-retry-after']);
      child.kill('SIGTERM');
      await exited;
    } finally {
      child.kill('SIGKILL');
    }
  });

  test('a bad flag value is a usage error (exit code 2)', async () => {
    const bad = [['--catalogue', 'many'], ['--activation-ms', '-5'], ['--qps', '1.5'], ['--protocol-lag-ms', 'x']];
    await Promise.all(
      bad.map(async (args) => {
        const { line, exited, stderr } = await startServer(args);
        assert.ok(line.exited, `${args} should exit`);
        assert.equal((await exited).code, 2, args.join(' '));
        assert.match(stderr(), /usage: node emulator\/server\.mjs/);
      }),
    );
  });
});
