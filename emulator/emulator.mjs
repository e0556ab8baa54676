// A local emulator of Alibaba Cloud Elasticsearch's OpenAPI gateway (API version 2017-06-13)
// for four ROA operations: OpenHttps and CloseHttps
// (POST /openapi/instances/{InstanceId}/actions/open-https|close-https), DescribeInstance
// (GET /openapi/instances/{InstanceId}) and ListInstance (GET /openapi/instances).
//
// It verifies V3 (ACS3-HMAC-SHA256) and V1 (ROA HMAC-SHA1) signatures with its own code
// (node:crypto only) written from Alibaba Cloud's documented signing algorithms, so it is an independent check of
// the project's Rust signer. Node standard library only; no dependencies.
//
// The file has three parts:
//   1. pure signing helpers (exported; the tests check them against the official vectors),
//   2. request parsing helpers (exported where a test may want them),
//   3. the HTTP emulator (startEmulator): instances (stateless ids as before, and lifecycle
//      instances with status/protocol that change over time), the catalogue ListInstance lists,
//      an optional per-key QPS limit, and fault injection selected by the instance id
//      (`es-fault-<fault>-<anything>`, see FAULTS and README.md).

import http from 'node:http';
import { createHash, createHmac, randomUUID } from 'node:crypto';

// ---------------------------------------------------------------------------------------------
// Constants and seeded data
// ---------------------------------------------------------------------------------------------

export const API_VERSION = '2017-06-13';
/** The action of the original route (OpenHttps); API_ROUTES lists every route. */
export const API_ACTION = 'OpenHttps';
export const V3_ALGORITHM = 'ACS3-HMAC-SHA256';
/** SHA-256 of the empty body, the x-acs-content-sha256 of every call (none sends a body). */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The gateway rejects a timestamp further than this from its clock. */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;
/** A nonce may not be used twice within this window. */
export const NONCE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_CLIENT_TOKEN_LENGTH = 64;

/** Seeded credentials: accessKeyId -> { secret, securityToken? } (securityToken = STS key). */
export const SEEDED_KEYS = Object.freeze({
  testid: Object.freeze({ secret: 'testsecret' }),
  'STS.testid': Object.freeze({ secret: 'stssecret', securityToken: 'ststoken' }),
});

/** Convenience views of the seeded keys, shaped like the credentials a client takes. */
export const TEST_KEY = Object.freeze({ accessKeyId: 'testid', accessKeySecret: 'testsecret' });
export const STS_TEST_KEY = Object.freeze({
  accessKeyId: 'STS.testid',
  accessKeySecret: 'stssecret',
  securityToken: 'ststoken',
});

export const ACTIVE_INSTANCE_ID = 'es-cn-n6w1o1x0w001c';
export const ACTIVATING_INSTANCE_ID = 'es-cn-activating0001';

/** Seeded instances: instanceId -> state ('active' | 'activating'). */
export const SEEDED_INSTANCES = Object.freeze({
  [ACTIVE_INSTANCE_ID]: 'active',
  [ACTIVATING_INSTANCE_ID]: 'activating',
});

/**
 * Stateless instances by prefix, so that parallel tests can each pick fresh ids and never
 * collide: `es-active-<anything>` is active, `es-activating-<anything>` is activating. See also
 * FAULT_PREFIX and LIFECYCLE_PREFIXES; any other id not in the instances map is unknown.
 */
export const INSTANCE_PREFIXES = Object.freeze({
  'es-active-': 'active',
  'es-activating-': 'activating',
});

const INSTANCE_STATES = new Set(['active', 'activating', 'unknown']);

// ---------------------------------------------------------------------------------------------
// Instance records, the lifecycle and the catalogue (see README.md, "Instances")
// ---------------------------------------------------------------------------------------------

/** The operations served, with their method and path (all API version 2017-06-13). */
export const API_ROUTES = Object.freeze([
  Object.freeze({ action: 'OpenHttps', method: 'POST', path: '/openapi/instances/{InstanceId}/actions/open-https' }),
  Object.freeze({ action: 'CloseHttps', method: 'POST', path: '/openapi/instances/{InstanceId}/actions/close-https' }),
  Object.freeze({ action: 'DescribeInstance', method: 'GET', path: '/openapi/instances/{InstanceId}' }),
  Object.freeze({ action: 'ListInstance', method: 'GET', path: '/openapi/instances' }),
]);
export const ACTIONS = Object.freeze(API_ROUTES.map((r) => r.action));

/** Statuses an instance can have (as DescribeInstance reports them). */
export const INSTANCE_STATUSES = Object.freeze(['active', 'activating', 'inactive', 'invalid']);
export const PROTOCOLS = Object.freeze(['HTTP', 'HTTPS']);

/** How long a lifecycle instance stays `activating` after a change, unless it says otherwise. */
export const DEFAULT_ACTIVATION_MS = 1000;
/** How long an `es-lag-*` instance keeps showing the old protocol (the protocolLagMs option). */
export const DEFAULT_PROTOCOL_LAG_MS = 500;
/** ListInstance paging. */
export const LIST_DEFAULT_SIZE = 10;
export const LIST_MAX_SIZE = 100;
/** The sliding window of the per-access-key QPS limit. */
export const QPS_WINDOW_MS = 1000;

/** What a record gets for every field it does not give. */
export const INSTANCE_DEFAULTS = Object.freeze({
  status: 'active',
  protocol: 'HTTP',
  esVersion: '7.10_with_X-Pack',
  haveClientNode: true,
  nodeAmount: 2,
  port: 9200,
  stuck: false,
  protocolLagMs: 0,
});

/**
 * Ad-hoc lifecycle instances by prefix, like INSTANCE_PREFIXES: `<prefix><anything>` is an
 * instance with these fields (the rest from INSTANCE_DEFAULTS). `es-lag-*` also gets the
 * emulator's protocolLagMs. An `es-busy-*` instance is activating from its first request for
 * activationMs, then active.
 */
export const LIFECYCLE_PREFIXES = Object.freeze({
  'es-http-': Object.freeze({ status: 'active', protocol: 'HTTP' }),
  'es-https-': Object.freeze({ status: 'active', protocol: 'HTTPS' }),
  'es-busy-': Object.freeze({ status: 'activating', protocol: 'HTTP' }),
  'es-stuck-': Object.freeze({ status: 'active', protocol: 'HTTP', stuck: true }),
  'es-noclient-': Object.freeze({ status: 'active', protocol: 'HTTP', haveClientNode: false }),
  'es-inactive-': Object.freeze({ status: 'inactive', protocol: 'HTTP' }),
  'es-invalid-': Object.freeze({ status: 'invalid', protocol: 'HTTP' }),
  'es-lag-': Object.freeze({ status: 'active', protocol: 'HTTP' }),
});
const LAG_PREFIX = 'es-lag-';

/** The catalogue an emulator starts with unless told otherwise (ListInstance lists it). */
export const DEFAULT_CATALOGUE = Object.freeze(
  [
    { id: 'es-cn-prodlogs00001', description: 'prod-logs', protocol: 'HTTPS', nodeAmount: 3 },
    { id: 'es-cn-prodsearch0001', description: 'prod-search', protocol: 'HTTP', nodeAmount: 3 },
    { id: 'es-cn-staging000001', description: 'staging-search', protocol: 'HTTP', esVersion: '6.7_with_X-Pack' },
    { id: 'es-cn-devsandbox001', description: 'dev-sandbox', protocol: 'HTTP', haveClientNode: false },
    { id: 'es-cn-archive000001', description: 'archive-2023', status: 'inactive', protocol: 'HTTP' },
    { id: 'es-cn-legacy0000001', description: 'legacy-metrics', status: 'invalid', protocol: 'HTTP', esVersion: '5.5.3_with_X-Pack' },
  ].map((r) => Object.freeze(r)),
);

/** The kinds of a generated catalogue, by index modulo 10 (see generateCatalogue). */
const CATALOGUE_MIX = ['https', 'https', 'https', 'https', 'http', 'http', 'http', 'busy', 'noclient', 'inactive'];
const CATALOGUE_KINDS = {
  https: { protocol: 'HTTPS' },
  http: { protocol: 'HTTP' },
  busy: { status: 'activating', protocol: 'HTTP' },
  noclient: { protocol: 'HTTP', haveClientNode: false },
  inactive: { status: 'inactive', protocol: 'HTTP' },
};
const CATALOGUE_VERSIONS = ['7.10_with_X-Pack', '6.7_with_X-Pack', '8.5_with_X-Pack'];

/**
 * `n` deterministic catalogue records: `es-cn-cat-00001`…, described
 * `catalogue-<kind>-00001`, where kind goes by index modulo 10: 4 × https (active, HTTPS),
 * 3 × http (active, HTTP), busy (activating, then active HTTP), noclient (HTTP, no client
 * node), inactive.
 */
export function generateCatalogue(n) {
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`catalogue size must be an integer ≥ 0, got ${n}`);
  const records = [];
  for (let i = 0; i < n; i++) {
    const kind = CATALOGUE_MIX[i % CATALOGUE_MIX.length];
    const number = String(i + 1).padStart(5, '0');
    records.push({
      id: `es-cn-cat-${number}`,
      description: `catalogue-${kind}-${number}`,
      esVersion: CATALOGUE_VERSIONS[i % CATALOGUE_VERSIONS.length],
      ...CATALOGUE_KINDS[kind],
    });
  }
  return records;
}

const RECORD_FIELDS = new Set([
  'id',
  'instanceId',
  'status',
  'protocol',
  'description',
  'esVersion',
  'haveClientNode',
  'nodeAmount',
  'port',
  'activationMs',
  'protocolLagMs',
  'stuck',
  'lifecycle',
]);

/** Checks the fields a record or a patch gives; throws a TypeError naming the bad one. */
function checkRecordFields(id, fields) {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new TypeError(`instance ${id}: expected an object of fields`);
  }
  const bad = (why) => new TypeError(`instance ${id}: ${why}`);
  for (const key of Object.keys(fields)) if (!RECORD_FIELDS.has(key)) throw bad(`unknown field ${key}`);
  const f = fields;
  if (f.status !== undefined && !INSTANCE_STATUSES.includes(f.status)) {
    throw bad(`status must be one of ${INSTANCE_STATUSES.join(', ')}, got ${JSON.stringify(f.status)}`);
  }
  if (f.protocol !== undefined && !PROTOCOLS.includes(f.protocol)) {
    throw bad(`protocol must be HTTP or HTTPS, got ${JSON.stringify(f.protocol)}`);
  }
  for (const key of ['description', 'esVersion']) {
    if (f[key] !== undefined && typeof f[key] !== 'string') throw bad(`${key} must be a string`);
  }
  for (const key of ['haveClientNode', 'stuck', 'lifecycle']) {
    if (f[key] !== undefined && typeof f[key] !== 'boolean') throw bad(`${key} must be a boolean`);
  }
  for (const key of ['activationMs', 'protocolLagMs', 'nodeAmount', 'port']) {
    if (f[key] !== undefined && !(Number.isFinite(f[key]) && f[key] >= 0)) {
      throw bad(`${key} must be a number ≥ 0`);
    }
  }
  if (f.lifecycle === false && f.status !== undefined && !['active', 'activating'].includes(f.status)) {
    throw bad('a stateless (lifecycle: false) instance is active or activating');
  }
}

/** Monotonic ms, for lifecycle timings (unaffected by the emulator's clock offset). */
const monotonic = () => performance.now();

/**
 * Fault injection, selected by the instance id alone so that any client (Node, a browser, Rust)
 * can ask for a fault without special support, and parallel tests never share one:
 * `es-fault-<fault>-<anything>` is an active instance whose first N attempts fail as
 * `<fault>` says. `<fault>` is `<name>x<N>` (N ≥ 1, decimal, no leading zero) or `skew`.
 */
export const FAULT_PREFIX = 'es-fault-';

const SERVICE_UNAVAILABLE = [
  503,
  'ServiceUnavailable',
  'The request has failed due to a temporary failure of the server.',
];

/**
 * The faults with a count, by name. `applies`: the change is applied (and a clientToken bound
 * to the success) before the fault strikes, so a retry with the same clientToken is replayed.
 * What the client gets instead of the normal answer is one of: `error` ([status, Code, Message]
 * of a gateway error, with extra `headers`), `page` (the status of a proxy's HTML page), `empty`
 * (a 200 without a body), or `delivery` (how #send fails to deliver: hang, drop, truncate).
 */
export const FAULTS = Object.freeze({
  503: { applies: false, error: SERVICE_UNAVAILABLE },
  500: {
    applies: false,
    error: [500, 'InternalError', 'The request processing has failed due to some unknown error, exception or failure.'],
  },
  // Alibaba's SDKs read x-acs-retry-after as milliseconds.
  throttle: {
    applies: false,
    error: [400, 'Throttling.User', 'Request was denied due to user flow control.'],
    headers: { 'x-acs-retry-after': '120' },
  },
  // Retry-After in seconds, as HTTP defines it.
  429: {
    applies: false,
    error: [429, 'Throttling.Api', 'Request was denied due to api flow control.'],
    headers: { 'Retry-After': '1' },
  },
  html200: { applies: false, page: 200 },
  html502: { applies: false, page: 502 },
  empty: { applies: false, empty: true },
  hang: { applies: false, delivery: 'hang' },
  drop: { applies: false, delivery: 'drop' },
  truncated: { applies: true, delivery: 'truncate' },
  hangafter: { applies: true, delivery: 'hang' },
  dropafter: { applies: true, delivery: 'drop' },
  '503after': { applies: true, error: SERVICE_UNAVAILABLE },
});

/** How far ahead the emulator's clock is for an `es-fault-skew-*` instance. */
export const FAULT_SKEW_MS = 20 * 60 * 1000;

/**
 * The fault an instance id selects: null for an id that is not `es-fault-*`,
 * `{ name: 'skew' }`, `{ name, count }` for a known fault, or `{ name: null }` for anything else
 * after the prefix (such an instance is unknown, so that a typo shows as InstanceNotFound).
 */
export function parseFault(instanceId) {
  if (typeof instanceId !== 'string' || !instanceId.startsWith(FAULT_PREFIX)) return null;
  const token = instanceId.slice(FAULT_PREFIX.length).split('-', 1)[0];
  if (token === 'skew') return { name: 'skew' };
  const m = /^(\w+)x([1-9]\d*)$/.exec(token);
  const count = m ? Number(m[2]) : NaN;
  if (!m || !Object.hasOwn(FAULTS, m[1]) || !Number.isSafeInteger(count)) return { name: null };
  return { name: m[1], count };
}

// The pages a proxy in front of the gateway might send (a captive portal's sign-in page, a
// load balancer's error page): HTML where the client expects JSON.
const HTML_PAGES = {
  200:
    '<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n' +
    '<body><h1>Sign in to continue</h1><p>This network requires you to sign in before you can use it.</p></body></html>\n',
  502:
    '<html>\n<head><title>502 Bad Gateway</title></head>\n' +
    '<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>Tengine</center>\n</body>\n</html>\n',
};
const HTML_TYPE = 'text/html; charset=utf-8';

/** How many bytes of the body a `truncated` answer sends: `{"Result":true,"Requ`. */
const TRUNCATED_BYTES = 20;

// ---------------------------------------------------------------------------------------------
// 1. Signing helpers (pure)
//
// Shapes used throughout:
//   query   — an object { key: rawValue } or an array of [key, rawValue] pairs (decoded values)
//   headers — an object with lower-case names; a value is a string, or an array of strings
//             when the header was received more than once (joined with ',')
// ---------------------------------------------------------------------------------------------

export function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

/** encodeURIComponent, plus the five characters it leaves alone that the gateway wants encoded. */
export function percentEncode(value) {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

function queryPairs(query) {
  if (!query) return [];
  return Array.isArray(query) ? query : Object.entries(query);
}

// Plain code-unit order, like JavaScript's default Array.prototype.sort used by the Node SDK.
function compareKeys([a], [b]) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function headerValue(headers, name) {
  const value = headers[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** V3 CanonicalURI: the received (already percent-encoded) path with three substitutions. */
export function canonicalUriV3(rawPath) {
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
}

/** V3 CanonicalQueryString: keys sorted, `key=value` both percent-encoded, joined with `&`. */
export function canonicalQueryV3(query) {
  return queryPairs(query)
    .slice()
    .sort(compareKeys)
    .map(([key, value]) => `${percentEncode(key)}=${percentEncode(value ?? '')}`)
    .join('&');
}

/** V3 CanonicalHeaders: `name:trimmed value\n` for each signed header name, sorted. */
export function canonicalHeadersV3(headers, signedHeaderNames) {
  return [...signedHeaderNames]
    .sort()
    .map((name) => `${name}:${(headerValue(headers, name) ?? '').trim()}\n`)
    .join('');
}

/**
 * The headers the official Node SDK signs: host, content-type and every x-acs-* header,
 * lower-case and sorted. (The emulator itself signs what the client declares in SignedHeaders;
 * this is for reproducing the vectors, where the client's choice is the SDK's.)
 */
export function sdkSignedHeaderNames(headers) {
  return Object.keys(headers)
    .map((name) => name.toLowerCase())
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
}

/**
 * CanonicalRequest = METHOD \n CanonicalURI \n CanonicalQuery \n CanonicalHeaders \n
 *                    SignedHeaders \n HexPayloadHash
 */
export function canonicalRequestV3({ method, pathname, query, headers, signedHeaders, payloadHash }) {
  const names = [...signedHeaders].sort();
  return [
    method.toUpperCase(),
    canonicalUriV3(pathname),
    canonicalQueryV3(query),
    canonicalHeadersV3(headers, names),
    names.join(';'),
    payloadHash,
  ].join('\n');
}

/** StringToSign = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest)) */
export function stringToSignV3(canonicalRequest) {
  return `${V3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** Signature = hex(HMAC-SHA256(secret, StringToSign)) */
export function signatureV3(accessKeySecret, stringToSign) {
  return createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
}

/**
 * The full V3 Authorization value a client following the Node SDK would send.
 * `payloadHash` defaults to the request's x-acs-content-sha256 header, then to sha256(body).
 */
export function authorizationV3({
  accessKeyId,
  accessKeySecret,
  method,
  pathname,
  query,
  headers,
  body = '',
  signedHeaders = sdkSignedHeaderNames(headers),
  payloadHash = headerValue(headers, 'x-acs-content-sha256') ?? sha256Hex(body),
}) {
  const canonical = canonicalRequestV3({ method, pathname, query, headers, signedHeaders, payloadHash });
  const signature = signatureV3(accessKeySecret, stringToSignV3(canonical));
  const names = [...signedHeaders].sort().join(';');
  return `${V3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${names},Signature=${signature}`;
}

/** V1 CanonicalizedHeaders: every x-acs-* header, sorted, `name:value\n`, value cleaned. */
export function canonicalHeadersV1(headers) {
  return Object.keys(headers)
    .filter((name) => name.startsWith('x-acs-'))
    .sort()
    .map((name) => `${name}:${headerValue(headers, name).replace(/[\t\n\r\f]/g, ' ').trim()}\n`)
    .join('');
}

/** V1 CanonicalizedResource: path, then `?` and sorted `k=v` with raw (decoded) values. */
export function canonicalResourceV1(pathname, query) {
  const pairs = queryPairs(query).slice().sort(compareKeys);
  if (pairs.length === 0) return pathname;
  return `${pathname}?${pairs.map(([key, value]) => `${key}=${value ?? ''}`).join('&')}`;
}

/**
 * StringToSign = METHOD \n accept \n content-md5 \n content-type \n date \n
 *                CanonicalizedHeaders CanonicalizedResource
 */
export function stringToSignV1({ method, pathname, query, headers }) {
  const line = (name) => headerValue(headers, name) ?? '';
  return (
    `${method.toUpperCase()}\n${line('accept')}\n${line('content-md5')}\n` +
    `${line('content-type')}\n${line('date')}\n` +
    canonicalHeadersV1(headers) +
    canonicalResourceV1(pathname, query)
  );
}

/** Signature = base64(HMAC-SHA1(secret, StringToSign)) */
export function signatureV1(accessKeySecret, stringToSign) {
  return createHmac('sha1', accessKeySecret).update(stringToSign).digest('base64');
}

/** The full V1 Authorization value: `acs <AccessKeyId>:<Signature>`. */
export function authorizationV1({ accessKeyId, accessKeySecret, method, pathname, query, headers }) {
  const sts = stringToSignV1({ method, pathname, query, headers });
  return `acs ${accessKeyId}:${signatureV1(accessKeySecret, sts)}`;
}

// ---------------------------------------------------------------------------------------------
// 2. Parsing what was received (pure)
// ---------------------------------------------------------------------------------------------

/**
 * Parses an Authorization value. Returns
 *   { version: 'v3', accessKeyId, signedHeaders: string[], signature } or
 *   { version: 'v1', accessKeyId, signature } or
 *   { error: 'why it is malformed' }.
 */
export function parseAuthorization(value) {
  if (value === undefined || value === '') return { error: 'the Authorization header is missing' };
  if (value.startsWith(`${V3_ALGORITHM} `)) {
    const m = /^ACS3-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([^,\s]*)$/.exec(
      value,
    );
    if (!m) {
      return {
        error:
          'expected "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<a;b;c>,Signature=<hex>"',
      };
    }
    const [, accessKeyId, signedList, signature] = m;
    if (!/^[0-9a-f]{64}$/.test(signature)) {
      return { error: 'Signature must be 64 lower-case hex digits' };
    }
    const signedHeaders = signedList.split(';');
    if (!signedHeaders.every((name) => /^[a-z0-9-]+$/.test(name))) {
      return { error: 'SignedHeaders must be lower-case header names separated by ";"' };
    }
    if (new Set(signedHeaders).size !== signedHeaders.length) {
      return { error: 'SignedHeaders lists a header twice' };
    }
    return { version: 'v3', accessKeyId, signedHeaders, signature };
  }
  const m = /^acs (\S+):([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (m) return { version: 'v1', accessKeyId: m[1], signature: m[2] };
  return { error: 'expected "ACS3-HMAC-SHA256 …" (V3) or "acs <AccessKeyId>:<Signature>" (V1)' };
}

/** V3 x-acs-date: `YYYY-MM-DDTHH:mm:ssZ` → epoch ms, or null if malformed. */
export function parseAcsDate(value) {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return null;
  const time = Date.parse(value);
  // The round trip rejects impossible dates such as 2026-02-30.
  if (Number.isNaN(time) || new Date(time).toISOString().replace('.000Z', 'Z') !== value) return null;
  return time;
}

/** V1 date: RFC 1123 (`Thu, 06 Feb 2020 07:32:54 GMT`) → epoch ms, or null if malformed. */
export function parseHttpDate(value) {
  if (typeof value !== 'string') return null;
  // Exactly the shape Date.prototype.toUTCString() writes; Date.parse alone accepts far more.
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(value)) return null;
  const time = Date.parse(value);
  // The round trip rejects impossible dates and a wrong day of the week.
  if (Number.isNaN(time) || new Date(time).toUTCString() !== value) return null;
  return time;
}

/**
 * Parses a raw query string into decoded [key, value] pairs (`+` is a space, as in forms).
 * Throws an Error with a readable message on a malformed escape or a repeated key.
 */
export function parseQuery(rawQuery) {
  const pairs = [];
  const seen = new Set();
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq === -1 ? part : part.slice(0, eq);
    const rawValue = eq === -1 ? '' : part.slice(eq + 1);
    let key;
    let value;
    try {
      key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
      value = decodeURIComponent(rawValue.replace(/\+/g, ' '));
    } catch {
      throw new Error(`the query parameter "${part}" is not valid percent-encoding`);
    }
    if (seen.has(key)) throw new Error(`the query parameter "${key}" is given more than once`);
    seen.add(key);
    pairs.push([key, value]);
  }
  return pairs;
}

/**
 * Headers as received, from Node's rawHeaders: lower-case name -> value, a header received
 * several times joined with ','. (Node's own req.headers joins with ', ' and drops some
 * duplicates, so it is not what a signer saw.)
 */
export function headersFromRaw(rawHeaders) {
  const lists = new Map();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!lists.has(name)) lists.set(name, []);
    lists.get(name).push(rawHeaders[i + 1]);
  }
  const headers = Object.create(null);
  for (const [name, values] of lists) headers[name] = values.join(',');
  return headers;
}

const ROUTE_PATTERNS = [
  [/^\/openapi\/instances\/([^/]+)\/actions\/open-https$/, 'OpenHttps'],
  [/^\/openapi\/instances\/([^/]+)\/actions\/close-https$/, 'CloseHttps'],
  [/^\/openapi\/instances\/([^/]+)$/, 'DescribeInstance'],
  [/^\/openapi\/instances$/, 'ListInstance'],
].map(([pattern, action]) => ({ pattern, ...API_ROUTES.find((r) => r.action === action) }));

/**
 * The route of a raw path: `{ action, method, instanceId }` (instanceId null for
 * ListInstance), `{ action, method, error }` for a path segment that is not valid
 * percent-encoding, or `null` if the path is no route. The method is the route's, not checked.
 */
export function matchRoute(rawPath) {
  for (const { pattern, action, method } of ROUTE_PATTERNS) {
    const m = pattern.exec(rawPath);
    if (!m) continue;
    if (m[1] === undefined) return { action, method, instanceId: null };
    try {
      return { action, method, instanceId: decodeURIComponent(m[1]) };
    } catch {
      return { action, method, error: `the InstanceId path segment "${m[1]}" is not valid percent-encoding` };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// 3. The emulator
// ---------------------------------------------------------------------------------------------

const JSON_TYPE = 'application/json;charset=utf-8';

class ApiError {
  constructor(status, code, message, headers) {
    this.status = status;
    this.code = code;
    this.message = message;
    // Extra response headers (a throttling answer's retry header).
    if (headers) this.headers = headers;
  }
}

const apiError = (status, code, message, headers) => new ApiError(status, code, message, headers);
const missingParameter = (name) =>
  apiError(
    400,
    'MissingParameter',
    `The input parameter "${name}" that is mandatory for processing this request is not supplied.`,
  );
const invalidParameter = (name, why) =>
  apiError(400, 'InvalidParameter', `The specified parameter "${name}" is not valid: ${why}`);
const incompleteSignature = (why) =>
  apiError(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards: ${why}`);
const instanceNotFound = () => apiError(400, 'InstanceNotFound', 'The instanceId provided does not exist.');
const instanceActivating = () => apiError(400, 'InstanceActivating', 'Instance is activating.');

function normaliseKeys(keys) {
  const out = new Map();
  for (const [id, entry] of Object.entries({ ...SEEDED_KEYS, ...keys })) {
    const { secret, securityToken, qpsLimit } = typeof entry === 'string' ? { secret: entry } : entry;
    if (typeof secret !== 'string') throw new TypeError(`key ${id}: secret must be a string`);
    if (qpsLimit !== undefined && qpsLimit !== null && !(Number.isSafeInteger(qpsLimit) && qpsLimit >= 0)) {
      throw new TypeError(`key ${id}: qpsLimit must be an integer ≥ 0`);
    }
    out.set(id, { secret, securityToken, qpsLimit: qpsLimit ?? undefined });
  }
  return out;
}

/**
 * The instances an emulator starts with, in list order, as [id, spec] where spec is
 * 'unknown', a stateless state ('active' | 'activating') or a record of fields: the seeded
 * stateless ids, the catalogue, then the `instances` option (which may override any of them;
 * an overridden id keeps its place).
 */
function initialInstances(instances, catalogue) {
  const out = new Map(Object.entries(SEEDED_INSTANCES));
  const records =
    catalogue === false || catalogue === null || catalogue === undefined
      ? []
      : typeof catalogue === 'number'
        ? generateCatalogue(catalogue)
        : catalogue;
  if (!Array.isArray(records)) throw new TypeError('catalogue must be a number, an array of records or false');
  for (const record of records) {
    const id = record?.id ?? record?.instanceId;
    if (typeof id !== 'string' || id === '') throw new TypeError('a catalogue record needs an id');
    checkRecordFields(id, record);
    out.set(id, record);
  }
  const entries = instances instanceof Map ? [...instances] : Object.entries(instances ?? {});
  for (const [id, spec] of entries) {
    if (typeof spec === 'string') {
      if (!INSTANCE_STATES.has(spec)) throw new TypeError(`instance ${id}: unknown state ${spec}`);
    } else {
      checkRecordFields(id, spec);
    }
    out.set(id, spec);
  }
  return out;
}

/** A counter with a per-clientToken breakdown (applied / closed). */
function bump(map, instanceId, token) {
  const entry = map.get(instanceId) ?? { total: 0, byClientToken: new Map() };
  entry.total += 1;
  if (token !== null) entry.byClientToken.set(token, (entry.byClientToken.get(token) ?? 0) + 1);
  map.set(instanceId, entry);
}

export class Emulator {
  /** Every API request handled (not the admin ones), oldest first; at most `logLimit` entries. */
  log = [];
  url = '';
  port = 0;
  clockOffsetMs;

  #server;
  #keys;
  #initialInstances; // id -> spec, as given at start (reset() rebuilds from it)
  // id -> record (see #makeRecord) or null (explicitly unknown). Insertion order is list order:
  // the seeded ids, the catalogue, the `instances` option, then ids added or first touched.
  #instances = new Map();
  #activationMs;
  #protocolLagMs;
  #qpsLimit;
  #initialClockOffsetMs;
  #logLimit;
  #createdSeq = 0;
  // `${accessKeyId}\n${nonce}` -> { time first seen (emulator clock), dropped: fault name or null }
  #nonces = new Map();
  #idempotent = new Map(); // `${accessKeyId}\n${action}\n${instanceId}\n${clientToken}` -> first answer
  #applies = new Map(); // instanceId -> { total, byClientToken: Map<token, count> } (OpenHttps)
  #closes = new Map(); // the same for CloseHttps
  #attempts = new Map(); // instanceId -> requests that passed every check (the fault stage)
  #requests = new Map(); // `${action}\n${instanceId ?? ''}` -> requests received for the route
  #windows = new Map(); // accessKeyId -> { times: monotonic ms of admitted requests, head }
  // Every open connection, so that close() can end the ones a `hang` fault keeps open.
  #sockets = new Set();

  constructor({
    clockOffsetMs = 0,
    keys = {},
    instances = {},
    catalogue = DEFAULT_CATALOGUE,
    activationMs = DEFAULT_ACTIVATION_MS,
    protocolLagMs = DEFAULT_PROTOCOL_LAG_MS,
    qpsLimit = 0,
    logLimit = 1000,
  } = {}) {
    for (const [name, value] of Object.entries({ activationMs, protocolLagMs })) {
      if (!(Number.isFinite(value) && value >= 0)) throw new TypeError(`${name} must be a number ≥ 0`);
    }
    if (!(Number.isSafeInteger(qpsLimit ?? 0) && (qpsLimit ?? 0) >= 0)) {
      throw new TypeError('qpsLimit must be an integer ≥ 0 (0: no limit)');
    }
    this.#keys = normaliseKeys(keys);
    this.#activationMs = activationMs;
    this.#protocolLagMs = protocolLagMs;
    this.#qpsLimit = qpsLimit ?? 0;
    this.#initialInstances = initialInstances(instances, catalogue);
    this.#seedInstances();
    this.clockOffsetMs = this.#initialClockOffsetMs = clockOffsetMs;
    this.#logLimit = logLimit;
    this.#server = http.createServer((req, res) => this.#handle(req, res));
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
  }

  async listen(port, host) {
    await new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    this.port = this.#server.address().port;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${this.port}`;
    return this;
  }

  /**
   * Stops listening and ends every connection: idle keep-alive ones, and the ones a `hang`
   * fault keeps waiting (their clients see the connection close). Resolves at once.
   */
  close() {
    return new Promise((resolve, reject) => {
      this.#server.close((err) => (err ? reject(err) : resolve()));
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  /** The emulator's clock (epoch ms): the real clock plus clockOffsetMs. */
  now() {
    return Date.now() + this.clockOffsetMs;
  }

  setClockOffset(ms) {
    if (!Number.isFinite(ms)) throw new TypeError('clock offset must be a finite number of ms');
    this.clockOffsetMs = ms;
  }

  /**
   * Back to the state just after start: nonces, idempotency records, log, instances (the
   * starting catalogue, with HTTPS flags and changes in progress undone; added and touched
   * instances forgotten), applied/closed/attempt (and so fault) and request counters, QPS
   * windows, clock. Requests a `hang` fault holds stay open.
   */
  reset() {
    this.#nonces.clear();
    this.#idempotent.clear();
    this.#applies.clear();
    this.#closes.clear();
    this.#attempts.clear();
    this.#requests.clear();
    this.#windows.clear();
    this.#seedInstances();
    this.log.length = 0;
    this.clockOffsetMs = this.#initialClockOffsetMs;
  }

  /** How many times OpenHttps was applied to this instance (replays not counted). */
  applied(instanceId) {
    return this.#applies.get(instanceId)?.total ?? 0;
  }

  /** How many times CloseHttps was applied to this instance (replays not counted). */
  closed(instanceId) {
    return this.#closes.get(instanceId)?.total ?? 0;
  }

  /**
   * How many requests for this instance passed every gateway check (signature, timestamp,
   * nonce, clientToken) and so reached the fault stage: the real attempts of a correctly signed
   * call, replays included, of any action naming the instance (OpenHttps, CloseHttps,
   * DescribeInstance). A fault `<name>x<N>` strikes the first N of them.
   */
  attempts(instanceId) {
    return this.#attempts.get(instanceId) ?? 0;
  }

  /**
   * Requests received for a route, whatever their outcome (rejected, throttled, faulted,
   * replayed included). `instanceId` null/undefined: every instance and ListInstance;
   * `action` omitted: every action.
   */
  requests(instanceId, action) {
    let total = 0;
    for (const [key, count] of this.#requests) {
      const [a, id] = key.split('\n');
      if (action !== undefined && a !== action) continue;
      if (instanceId !== undefined && instanceId !== null && id !== instanceId) continue;
      total += count;
    }
    return total;
  }

  /** Requests received per action, all instances: `{ OpenHttps, CloseHttps, DescribeInstance, ListInstance }`. */
  counts() {
    return Object.fromEntries(ACTIONS.map((action) => [action, this.requests(null, action)]));
  }

  /** The status DescribeInstance would report, or 'unknown'. */
  instanceState(instanceId) {
    const record = this.#lookup(instanceId);
    return record ? this.#reported(record).status : 'unknown';
  }

  /** What GET /__emulator/instances/{id} answers. */
  instance(instanceId) {
    return this.#view(instanceId, this.#lookup(instanceId));
  }

  /** The views of every instance ListInstance lists, in its order. */
  instances() {
    return [...this.#instances].filter(([, r]) => r).map(([id, r]) => this.#view(id, r));
  }

  /**
   * Adds instances, or replaces them (an id keeps its place in the list): an array of records
   * `{ id, status?, protocol?, description?, esVersion?, haveClientNode?, nodeAmount?, port?,
   * activationMs?, protocolLagMs?, stuck?, lifecycle? }`, or an object `{ id: record | state }`
   * like the `instances` option. Returns their views.
   */
  addInstances(records) {
    const entries = Array.isArray(records)
      ? records.map((record) => [record?.id ?? record?.instanceId, record])
      : records instanceof Map
        ? [...records]
        : Object.entries(records ?? {});
    // Check them all before changing anything.
    for (const [id, spec] of entries) {
      if (typeof id !== 'string' || id === '') throw new TypeError('an instance record needs an id');
      if (typeof spec === 'string') {
        if (!INSTANCE_STATES.has(spec)) throw new TypeError(`instance ${id}: unknown state ${spec}`);
      } else {
        checkRecordFields(id, spec);
      }
    }
    for (const [id, spec] of entries) this.#instances.set(id, this.#makeRecord(id, spec, this.#createdNow()));
    return entries.map(([id]) => this.instance(id));
  }

  /**
   * Changes some fields of an instance (creating it from its prefix, or from the defaults, if
   * it is not there yet). Giving `status` or `protocol` ends any change in progress and sets
   * them (`status: 'activating'` starts an activation of activationMs); `stuck: false` lets a
   * stuck change finish (activationMs after it began activating, at once if that is past).
   * Returns the view.
   */
  setInstance(instanceId, patch) {
    if (typeof instanceId !== 'string' || instanceId === '') throw new TypeError('an instance id is needed');
    checkRecordFields(instanceId, patch ?? {});
    let record = this.#lookup(instanceId, { create: true });
    if (!record) {
      record = this.#makeRecord(instanceId, {}, this.#createdNow());
      this.#instances.set(instanceId, record);
    }
    this.#settle(record);
    let p = patch ?? {};
    if (p.lifecycle !== undefined && p.lifecycle !== record.lifecycle && p.status === undefined) {
      // Switching kind: keep the status it shows now (for a stateless one, for good).
      p = { ...p, status: this.#reported(record).status };
    }
    for (const key of ['description', 'esVersion', 'haveClientNode', 'nodeAmount', 'port', 'activationMs', 'protocolLagMs']) {
      if (p[key] !== undefined) record[key] = p[key];
    }
    if (p.lifecycle !== undefined) record.lifecycle = p.lifecycle;
    if (p.stuck !== undefined) {
      record.stuck = p.stuck;
      if (record.pending) {
        record.pending.doneAt = p.stuck ? Infinity : record.pending.activatingAt + record.activationMs;
      }
    }
    if (p.status !== undefined || p.protocol !== undefined) {
      const status = p.status ?? this.#reported(record).status;
      record.pending = null;
      record.protocol = p.protocol ?? record.protocol;
      record.status = status === 'activating' ? 'active' : status;
      if (status === 'activating') {
        if (record.lifecycle) this.#startActivating(record, null, record.protocol, 0);
        else record.status = 'activating';
      }
      record.updatedAt = new Date(this.now()).toISOString();
    }
    this.#settle(record);
    return this.instance(instanceId);
  }

  // -- instances ------------------------------------------------------------------------------
  //
  // A record: { id, lifecycle, status, protocol, description, esVersion, haveClientNode,
  // nodeAmount, port, activationMs, protocolLagMs, stuck, createdAt, updatedAt, pending }.
  //
  // A stateless record (lifecycle: false: the seeded ids, string states, es-active-*,
  // es-activating-*, es-fault-*) is today's OpenHttps emulator: `status` is 'active' or
  // 'activating' for good, every OpenHttps/CloseHttps on an active one succeeds and is applied,
  // and only flips `protocol`.
  //
  // A lifecycle record keeps its settled `status` ('active' | 'inactive' | 'invalid') and
  // `protocol`; a change in progress is `pending = { action, protocol (the target),
  // activatingAt, doneAt }` in monotonic ms: before activatingAt (the protocol lag) it still
  // shows active and the old protocol, then 'activating', and from doneAt (Infinity when stuck)
  // it is active with the target protocol. Settled lazily, whenever it is read: no timers.

  #seedInstances() {
    this.#instances.clear();
    this.#createdSeq = 0;
    for (const [id, spec] of this.#initialInstances) {
      if (spec === 'unknown') {
        this.#instances.set(id, null);
        continue;
      }
      // Deterministic creation times for what an emulator starts with, a minute apart.
      const createdAt = new Date(Date.UTC(2024, 5, 1) + this.#createdSeq++ * 60_000).toISOString();
      this.#instances.set(id, this.#makeRecord(id, spec, createdAt));
    }
  }

  #createdNow() {
    return new Date(this.now()).toISOString();
  }

  /** A record from a spec: a stateless state string, or fields (see INSTANCE_DEFAULTS). */
  #makeRecord(id, spec, createdAt) {
    if (spec === 'unknown') return null;
    const fields = typeof spec === 'string' ? { lifecycle: false, status: spec } : spec;
    const record = {
      id,
      lifecycle: fields.lifecycle ?? true,
      ...INSTANCE_DEFAULTS,
      description: id,
      activationMs: this.#activationMs,
      ...Object.fromEntries(Object.entries(fields).filter(([k, v]) => k !== 'id' && k !== 'instanceId' && v !== undefined)),
      createdAt,
      updatedAt: createdAt,
      pending: null,
    };
    if (record.lifecycle && record.status === 'activating') {
      // Seeded as activating: active (same protocol) once activationMs has passed.
      record.status = 'active';
      this.#startActivating(record, null, record.protocol, 0);
    }
    return record;
  }

  /** The record an ad-hoc id's prefix makes, or null. */
  #fromPrefix(instanceId) {
    if (typeof instanceId !== 'string') return null;
    const fault = parseFault(instanceId);
    if (fault) return fault.name ? this.#makeRecord(instanceId, 'active', this.#createdNow()) : null;
    for (const [prefix, state] of Object.entries(INSTANCE_PREFIXES)) {
      if (instanceId.startsWith(prefix)) return this.#makeRecord(instanceId, state, this.#createdNow());
    }
    for (const [prefix, fields] of Object.entries(LIFECYCLE_PREFIXES)) {
      if (instanceId.startsWith(prefix)) {
        const lag = prefix === LAG_PREFIX ? { protocolLagMs: this.#protocolLagMs } : {};
        return this.#makeRecord(instanceId, { ...fields, ...lag }, this.#createdNow());
      }
    }
    return null;
  }

  /**
   * The record of an id, or null if unknown. An ad-hoc (prefix) id not seen before is made
   * from its prefix; with `create` it is kept (and listed from then on).
   */
  #lookup(instanceId, { create = false } = {}) {
    if (this.#instances.has(instanceId)) return this.#instances.get(instanceId);
    const record = this.#fromPrefix(instanceId);
    if (record && create) this.#instances.set(instanceId, record);
    return record;
  }

  /** Starts a change: lag, then activating for activationMs (for ever when stuck). */
  #startActivating(record, action, protocol, lagMs) {
    const start = monotonic();
    record.pending = {
      action,
      protocol,
      activatingAt: start + lagMs,
      doneAt: record.stuck ? Infinity : start + lagMs + record.activationMs,
    };
    this.#settle(record);
  }

  /** Completes a change whose time has come. */
  #settle(record) {
    const pending = record.pending;
    if (!pending) return;
    const now = monotonic();
    if (now < pending.doneAt) return;
    record.protocol = pending.protocol;
    record.status = 'active';
    record.pending = null;
    record.updatedAt = new Date(this.now() - (now - pending.doneAt)).toISOString();
  }

  /** { status, protocol } as DescribeInstance shows them now. */
  #reported(record) {
    this.#settle(record);
    const { pending } = record;
    if (!pending || monotonic() < pending.activatingAt) return { status: record.status, protocol: record.protocol };
    return { status: 'activating', protocol: record.protocol };
  }

  #view(instanceId, record) {
    const applies = this.#applies.get(instanceId);
    const closes = this.#closes.get(instanceId);
    const reported = record ? this.#reported(record) : null;
    const pending = record?.pending;
    const now = monotonic();
    return {
      instanceId,
      state: reported?.status ?? 'unknown',
      https: reported?.protocol === 'HTTPS',
      applied: applies?.total ?? 0,
      appliedByClientToken: Object.fromEntries(applies?.byClientToken ?? []),
      attempts: this.attempts(instanceId),
      status: reported?.status ?? null,
      protocol: reported?.protocol ?? null,
      description: record?.description ?? null,
      esVersion: record?.esVersion ?? null,
      haveClientNode: record?.haveClientNode ?? null,
      lifecycle: record?.lifecycle ?? null,
      listed: record ? this.#instances.get(instanceId) === record : false,
      activationMs: record?.activationMs ?? null,
      protocolLagMs: record?.protocolLagMs ?? null,
      stuck: record?.stuck ?? null,
      pending: pending
        ? {
            action: pending.action,
            protocol: pending.protocol,
            phase: now < pending.activatingAt ? 'lag' : 'activating',
            msLeft: pending.doneAt === Infinity ? null : Math.max(0, Math.ceil(pending.doneAt - now)),
          }
        : null,
      closed: closes?.total ?? 0,
      closedByClientToken: Object.fromEntries(closes?.byClientToken ?? []),
      requests: Object.fromEntries(ACTIONS.filter((a) => a !== 'ListInstance').map((a) => [a, this.requests(instanceId, a)])),
    };
  }

  /** The emulator's clock as an instance sees it: 20 minutes ahead for `es-fault-skew-*`. */
  #nowFor(instanceId) {
    return this.now() + (parseFault(instanceId)?.name === 'skew' ? FAULT_SKEW_MS : 0);
  }

  // -- request handling ---------------------------------------------------------------------
  //
  // #handle reads the whole request into a plain `ctx`, lets #answerApi decide the answer as a
  // plain object, then #send writes it. #answerApi never touches `res`.
  //
  // Faults are decided inside #answerApi, at the point where every gateway check has passed
  // (only a correctly signed, fresh request is a real attempt), and written into the answer:
  // a different status/body, or a `delivery` that tells #send how not to answer properly
  // (hang, drop, truncate). The change is applied or not before that, as usual.

  async #handle(req, res) {
    let ctx;
    try {
      ctx = await this.#readRequest(req);
      const admin = ctx.rawPath.startsWith('/__emulator/');
      if (ctx.method === 'OPTIONS') {
        if (!admin) this.#record(ctx, { status: 204, code: null, requestId: null });
        return this.#sendPreflight(req, res, this.#nowFor(matchRoute(ctx.rawPath)?.instanceId), ctx.rawPath);
      }
      if (admin) return this.#sendAdmin(ctx, res);
      const answer = this.#answerApi(ctx);
      this.#record(ctx, answer);
      this.#send(res, answer, this.#nowFor(ctx.instanceId));
    } catch (err) {
      // A bug in the emulator: say so in the gateway's shape rather than hanging up.
      const failure = apiError(500, 'InternalError', String(err?.stack ?? err));
      const answer = this.#errorAnswer(ctx ?? { host: '' }, failure);
      if (!res.headersSent && !res.destroyed) this.#send(res, answer);
      else res.destroy();
    }
  }

  async #readRequest(req) {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const headers = headersFromRaw(req.rawHeaders);
    return {
      method: req.method,
      rawPath: q === -1 ? target : target.slice(0, q),
      rawQuery: q === -1 ? '' : target.slice(q + 1),
      headers,
      host: headers.host ?? '',
      body: Buffer.concat(chunks),
      // Filled in by #answerApi as it learns them, for the log.
      action: null,
      instanceId: null,
      clientToken: null,
      signatureVersion: null,
      accessKeyId: null,
      fault: null,
    };
  }

  /**
   * Decides the answer to an API request. Checks run in the gateway's order; first failure
   * wins. A request that passes them all is an attempt: counted, then faulted if its instance
   * id asks for it and it is not a replay, and applied unless the fault says not.
   */
  #answerApi(ctx) {
    const rejected =
      this.#checkRoute(ctx) ??
      this.#checkProtocol(ctx) ??
      this.#checkAuthorizationShape(ctx) ??
      this.#checkAccessKey(ctx) ??
      this.#checkTimestamp(ctx) ??
      this.#checkSignature(ctx) ??
      this.#checkQps(ctx) ??
      this.#checkNonce(ctx) ??
      this.#checkClientToken(ctx);
    // An ApiError, or (from #checkNonce) the answer to a browser's resend of a dropped request.
    if (rejected) return rejected instanceof ApiError ? this.#errorAnswer(ctx, rejected) : rejected;

    // ListInstance names no instance: no attempt, no fault, no replay.
    if (ctx.instanceId === null) return this.#operate(ctx);

    // 10. The fault stage.
    const attempt = (this.#attempts.get(ctx.instanceId) ?? 0) + 1;
    this.#attempts.set(ctx.instanceId, attempt);
    const selected = parseFault(ctx.instanceId);
    const fault = selected?.count >= attempt ? selected.name : null;

    // A replay is never faulted: it is the success already applied, answered again.
    const replay = this.#replay(ctx);
    if (replay) return replay;
    if (!fault) return this.#operate(ctx);
    ctx.fault = fault;
    const spec = FAULTS[fault];
    const applied = spec.applies ? this.#operate(ctx) : null;
    if (spec.delivery === 'drop') {
      // Remember that this nonce got no answer at all: a browser resends such a request by
      // itself (see #checkNonce).
      this.#nonces.get(this.#nonceKey(ctx)).dropped = fault;
    }
    return this.#faultAnswer(ctx, spec, applied);
  }

  /**
   * The answer a fault gives instead of the normal one. `applied` is the success the change
   * produced (for the faults that apply it first), or null.
   */
  #faultAnswer(ctx, spec, applied) {
    const fault = ctx.fault;
    if (spec.error) {
      const [status, code, message] = spec.error;
      return { ...this.#errorAnswer(ctx, apiError(status, code, message)), headers: spec.headers, fault };
    }
    if (spec.page) {
      // A proxy's page, not the gateway's answer: no x-acs-request-id.
      return { status: spec.page, code: null, requestId: null, body: HTML_PAGES[spec.page], contentType: HTML_TYPE, fault };
    }
    if (spec.empty) {
      // The gateway's headers with nothing in the body.
      return { status: 200, code: null, requestId: newRequestId(), body: '', fault };
    }
    if (spec.delivery === 'truncate') {
      // The success, sent only in part: #send declares the full length and then hangs up.
      return { ...applied, delivery: 'truncate', fault };
    }
    // hang, drop (and their `after` forms): nothing is sent. The log keeps the RequestId of
    // the applied success, which a replay will answer with.
    return { status: null, code: null, requestId: applied?.requestId ?? null, body: '', delivery: spec.delivery, fault };
  }

  // 2. Route and method.
  #checkRoute(ctx) {
    const route = matchRoute(ctx.rawPath);
    if (!route || ctx.method !== route.method) {
      return apiError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
    }
    ctx.action = route.action;
    // Counted from here on, whatever the outcome (emu.requests / emu.counts).
    const counter = `${route.action}\n${route.instanceId ?? ''}`;
    this.#requests.set(counter, (this.#requests.get(counter) ?? 0) + 1);
    if (route.error) return invalidParameter('InstanceId', route.error);
    ctx.instanceId = route.instanceId;
    // A skewed clock colours every answer for the instance, so every request to it is logged
    // with the fault.
    if (parseFault(ctx.instanceId)?.name === 'skew') ctx.fault = 'skew';
    try {
      ctx.query = parseQuery(ctx.rawQuery);
    } catch (err) {
      return invalidParameter('query', err.message);
    }
    // Only the POST actions take a clientToken; to a GET it is just another parameter.
    if (route.method === 'POST') ctx.clientToken = ctx.query.find(([key]) => key === 'clientToken')?.[1] ?? null;
    return null;
  }

  // 3. API version and action.
  #checkProtocol(ctx) {
    const version = ctx.headers['x-acs-version'];
    const action = ctx.headers['x-acs-action'];
    if (version === undefined) return missingParameter('x-acs-version');
    if (action === undefined) return missingParameter('x-acs-action');
    if (version !== API_VERSION) {
      return invalidParameter('x-acs-version', `expected "${API_VERSION}", got "${version}".`);
    }
    if (action !== ctx.action) {
      return invalidParameter('x-acs-action', `expected "${ctx.action}" for this path, got "${action}".`);
    }
    return null;
  }

  // 4. Authorization header and the headers each scheme requires.
  #checkAuthorizationShape(ctx) {
    const auth = parseAuthorization(ctx.headers.authorization);
    if (auth.error) return incompleteSignature(auth.error);
    ctx.auth = auth;
    ctx.signatureVersion = auth.version;
    ctx.accessKeyId = auth.accessKeyId;
    const h = ctx.headers;

    if (auth.version === 'v1') {
      const method = h['x-acs-signature-method'];
      const version = h['x-acs-signature-version'];
      if (method === undefined) return incompleteSignature('x-acs-signature-method is missing (V1 needs HMAC-SHA1).');
      if (version === undefined) return incompleteSignature('x-acs-signature-version is missing (V1 needs 1.0).');
      if (method !== 'HMAC-SHA1') {
        return invalidParameter('x-acs-signature-method', `expected "HMAC-SHA1", got "${method}".`);
      }
      if (version !== '1.0') {
        return invalidParameter('x-acs-signature-version', `expected "1.0", got "${version}".`);
      }
      if (h.date === undefined) return incompleteSignature('the date header is missing (V1 signs it).');
      return null;
    }

    const signed = new Set(auth.signedHeaders);
    for (const name of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      if (!signed.has(name)) return incompleteSignature(`SignedHeaders must include ${name}.`);
    }
    // Stricter than the documented minimum: the SDKs sign every x-acs-* header they send, so
    // an unsigned one (for instance an unsigned x-acs-security-token) is a signer bug.
    for (const name of Object.keys(h)) {
      if (name.startsWith('x-acs-') && !signed.has(name)) {
        return incompleteSignature(`the header ${name} is sent but not in SignedHeaders.`);
      }
    }
    for (const name of auth.signedHeaders) {
      if (h[name] === undefined) return incompleteSignature(`the signed header ${name} is not in the request.`);
    }
    const bodyHash = sha256Hex(ctx.body);
    if (h['x-acs-content-sha256'] !== bodyHash) {
      return incompleteSignature(
        `x-acs-content-sha256 "${h['x-acs-content-sha256']}" is not the SHA-256 of the body (${bodyHash}).`,
      );
    }
    return null;
  }

  // 5. The access key must exist.
  #checkAccessKey(ctx) {
    ctx.key = this.#keys.get(ctx.accessKeyId);
    if (!ctx.key) return apiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
    return null;
  }

  // 6. Timestamp within 15 minutes of the emulator's clock.
  #checkTimestamp(ctx) {
    const v3 = ctx.signatureVersion === 'v3';
    const raw = v3 ? ctx.headers['x-acs-date'] : ctx.headers.date;
    const time = v3 ? parseAcsDate(raw) : parseHttpDate(raw);
    if (time === null) {
      return apiError(
        400,
        'InvalidTimeStamp.Format',
        `Specified time stamp or date value is not well formatted: ${v3 ? 'x-acs-date' : 'date'} "${raw}" ` +
          `(expected ${v3 ? 'YYYY-MM-DDTHH:mm:ssZ' : 'RFC 1123, e.g. Thu, 06 Feb 2020 07:32:54 GMT'}).`,
      );
    }
    if (Math.abs(time - this.#nowFor(ctx.instanceId)) > MAX_CLOCK_SKEW_MS) {
      return apiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
    }
    return null;
  }

  // 7. Signature, recomputed from the request as received; then the STS token.
  #checkSignature(ctx) {
    const { auth, key, headers } = ctx;
    const request = { method: ctx.method, pathname: ctx.rawPath, query: ctx.query, headers };
    let expected;
    let shown; // what the error message shows: V1 string-to-sign, V3 canonical request
    if (auth.version === 'v3') {
      shown = canonicalRequestV3({
        ...request,
        signedHeaders: auth.signedHeaders,
        payloadHash: headers['x-acs-content-sha256'],
      });
      expected = signatureV3(key.secret, stringToSignV3(shown));
    } else {
      shown = stringToSignV1(request);
      expected = signatureV1(key.secret, shown);
    }
    if (auth.signature !== expected) {
      return apiError(
        400,
        'SignatureDoesNotMatch',
        `Specified signature does not match our calculation. server string to sign is:${shown}`,
      );
    }
    if (key.securityToken !== undefined) {
      const token = headers['x-acs-security-token'];
      if (token === undefined) {
        return apiError(400, 'MissingSecurityToken', 'SecurityToken is mandatory for this action.');
      }
      if (token !== key.securityToken) {
        return apiError(400, 'InvalidSecurityToken.Mismatch', 'Specified SecurityToken mismatch with the AccessKey.');
      }
    }
    return null;
  }

  // 7b. The per-access-key QPS limit (off unless configured): at most N admitted requests in any
  //     sliding QPS_WINDOW_MS. A throttled request is not admitted (it does not count, does not
  //     burn its nonce and is not an attempt); its retry header says when a slot frees up.
  #checkQps(ctx) {
    const limit = ctx.key.qpsLimit ?? this.#qpsLimit;
    if (!limit) return null;
    const now = monotonic();
    let window = this.#windows.get(ctx.accessKeyId);
    if (!window) this.#windows.set(ctx.accessKeyId, (window = { times: [], head: 0 }));
    const { times } = window;
    while (window.head < times.length && now - times[window.head] >= QPS_WINDOW_MS) window.head += 1;
    if (window.head > 64 && window.head * 2 > times.length) {
      times.splice(0, window.head);
      window.head = 0;
    }
    if (times.length - window.head >= limit) {
      const retryAfterMs = Math.max(1, Math.ceil(times[window.head] + QPS_WINDOW_MS - now));
      return apiError(400, 'Throttling.User', 'Request was denied due to user flow control.', {
        'x-acs-retry-after': String(retryAfterMs),
      });
    }
    times.push(now);
    return null;
  }

  #nonceKey(ctx) {
    return `${ctx.accessKeyId}\n${ctx.headers['x-acs-signature-nonce']}`;
  }

  // 8. Nonce: present and fresh. Recorded only here, after the signature passed, so a rejected
  //    request does not burn the nonce of a later correct one.
  #checkNonce(ctx) {
    const nonce = ctx.headers['x-acs-signature-nonce'];
    if (nonce === undefined || nonce === '') return missingParameter('x-acs-signature-nonce');
    const now = this.now();
    // A Map iterates in insertion order, which is time order: stop at the first fresh one
    // (scanning them all made every request cost O(requests in the window)).
    for (const [seen, { time }] of this.#nonces) {
      if (now - time <= NONCE_WINDOW_MS) break;
      this.#nonces.delete(seen);
    }
    const seen = this.#nonces.get(this.#nonceKey(ctx));
    if (seen?.dropped) {
      // Chromium (and other browsers) resend a request by themselves, once, when a reused
      // keep-alive connection closes without any answer — same headers, same nonce. It is
      // still the same attempt of the client, so it is dropped too, and not counted again;
      // otherwise a `drop` fault would reach a browser client as SignatureNonceUsed.
      ctx.fault = seen.dropped;
      ctx.resend = true;
      return { status: null, code: null, requestId: null, body: '', delivery: 'drop' };
    }
    if (seen) return apiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
    this.#nonces.set(this.#nonceKey(ctx), { time: now, dropped: null });
    return null;
  }

  // 9. clientToken: well-formed (it is a parameter check, so before the fault stage).
  #checkClientToken(ctx) {
    const token = ctx.clientToken;
    if (token === null) return null;
    if (token === '') return invalidParameter('clientToken', 'it must not be empty (omit it instead).');
    if (token.length > MAX_CLIENT_TOKEN_LENGTH) {
      return invalidParameter('clientToken', `at most ${MAX_CLIENT_TOKEN_LENGTH} characters, got ${token.length}.`);
    }
    if (/[^\x00-\x7f]/.test(token)) return invalidParameter('clientToken', 'it must be ASCII.');
    return null;
  }

  // 11. clientToken seen before after a success: that answer again, byte for byte.
  #replay(ctx) {
    if (ctx.clientToken === null) return null;
    const first = this.#idempotent.get(this.#tokenKey(ctx));
    return first ? { ...first, replayed: true } : null;
  }

  #tokenKey(ctx) {
    return `${ctx.accessKeyId}\n${ctx.action}\n${ctx.instanceId}\n${ctx.clientToken}`;
  }

  // 12. The operation itself.
  #operate(ctx) {
    switch (ctx.action) {
      case 'OpenHttps':
        return this.#changeProtocol(ctx, 'HTTPS');
      case 'CloseHttps':
        return this.#changeProtocol(ctx, 'HTTP');
      case 'DescribeInstance':
        return this.#describeInstance(ctx);
      case 'ListInstance':
        return this.#listInstance(ctx);
      default:
        throw new Error(`no operation for ${ctx.action}`);
    }
  }

  #success(body) {
    const requestId = newRequestId();
    return { status: 200, code: null, requestId, body: JSON.stringify(body(requestId)) };
  }

  /** OpenHttps (to HTTPS) and CloseHttps (to HTTP): apply, or say why not. */
  #changeProtocol(ctx, target) {
    const token = ctx.clientToken;
    // The instance is kept (and listed) from its first attempt on.
    const record = this.#lookup(ctx.instanceId, { create: true });
    const outcome = record ? this.#change(record, ctx.action, target) : instanceNotFound();
    if (outcome instanceof ApiError) return this.#errorAnswer(ctx, outcome);
    if (outcome.changed) bump(target === 'HTTPS' ? this.#applies : this.#closes, ctx.instanceId, token);
    const answer = this.#success((RequestId) => ({ Result: true, RequestId }));
    // Only a success binds the token: an error applied nothing, so repeating the call with the
    // same token (once the instance is ready) must be able to apply it.
    if (token !== null) this.#idempotent.set(this.#tokenKey(ctx), answer);
    return answer;
  }

  /** The state rules of OpenHttps/CloseHttps: `{ changed }` or the ApiError. */
  #change(record, action, target) {
    if (!record.lifecycle) {
      // Stateless: today's behaviour, every call on an active instance is applied.
      if (record.status === 'activating') return instanceActivating();
      if (record.status !== 'active') return this.#statusNotSupported(record.status, action);
      record.protocol = target;
      record.updatedAt = new Date(this.now()).toISOString();
      return { changed: true };
    }
    this.#settle(record);
    // A change in progress, even while it still shows the old protocol (the lag).
    if (record.pending) return instanceActivating();
    if (record.status !== 'active') return this.#statusNotSupported(record.status, action);
    if (record.protocol === target) return { changed: false };
    if (target === 'HTTPS' && !record.haveClientNode) {
      return apiError(
        400,
        'HttpsNeedClientNode',
        'HTTPS can be enabled only for an instance with client nodes. Purchase client nodes for the instance first.',
      );
    }
    this.#startActivating(record, action, target, record.protocolLagMs);
    return { changed: true };
  }

  #statusNotSupported(status, action) {
    return apiError(
      400,
      'InstanceStatusNotSupportCurrentAction',
      `The instance status "${status}" does not support the current action ${action}.`,
    );
  }

  /** An instance as the answers carry it; `port` is a string in ListInstance's items. */
  #instanceBody(record, { listed = false } = {}) {
    const { status, protocol } = this.#reported(record);
    return {
      instanceId: record.id,
      description: record.description,
      status,
      protocol,
      esVersion: record.esVersion,
      haveClientNode: record.haveClientNode,
      nodeAmount: record.nodeAmount,
      port: listed ? String(record.port) : record.port,
      domain: `${record.id}.elasticsearch.aliyuncs.com`,
      paymentType: 'postpaid',
      instanceCategory: 'x-pack',
      nodeSpec: { spec: 'elasticsearch.sn2ne.large', disk: 20, diskType: 'cloud_ssd' },
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
    };
  }

  #describeInstance(ctx) {
    const record = this.#lookup(ctx.instanceId, { create: true });
    if (!record) return this.#errorAnswer(ctx, instanceNotFound());
    const Result = this.#instanceBody(record);
    return this.#success((RequestId) => ({ RequestId, Result }));
  }

  #listInstance(ctx) {
    const params = new Map(ctx.query);
    const integer = (name, fallback, max) => {
      if (!params.has(name)) return { value: fallback };
      const raw = params.get(name);
      const value = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
      if (!(value >= 1 && value <= max)) {
        const range = max === Infinity ? '≥ 1' : `from 1 to ${max}`;
        return { error: invalidParameter(name, `expected an integer ${range}, got "${raw}".`) };
      }
      return { value };
    };
    const page = integer('page', 1, Infinity);
    if (page.error) return this.#errorAnswer(ctx, page.error);
    const size = integer('size', LIST_DEFAULT_SIZE, LIST_MAX_SIZE);
    if (size.error) return this.#errorAnswer(ctx, size.error);
    const description = params.get('description');
    const instanceId = params.get('instanceId');
    const matching = [];
    for (const [id, record] of this.#instances) {
      if (!record) continue;
      if (description !== undefined && !record.description.includes(description)) continue;
      if (instanceId !== undefined && !id.includes(instanceId)) continue;
      matching.push(record);
    }
    const start = (page.value - 1) * size.value;
    const Result = matching.slice(start, start + size.value).map((r) => this.#instanceBody(r, { listed: true }));
    return this.#success((RequestId) => ({ RequestId, Headers: { 'X-Total-Count': matching.length }, Result }));
  }

  #errorAnswer(ctx, { status, code, message, headers }) {
    const requestId = newRequestId();
    const body = JSON.stringify({
      RequestId: requestId,
      HostId: ctx.host,
      Code: code,
      Message: message,
      Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Elasticsearch`,
    });
    return headers ? { status, code, requestId, body, headers } : { status, code, requestId, body };
  }

  #record(ctx, answer) {
    this.log.push({
      time: new Date(this.now()).toISOString(),
      method: ctx.method,
      path: ctx.rawPath,
      query: ctx.rawQuery,
      host: ctx.host,
      instanceId: ctx.instanceId,
      clientToken: ctx.clientToken,
      signatureVersion: ctx.signatureVersion,
      accessKeyId: ctx.accessKeyId,
      // A test tool: the Authorization value helps debugging. The secret is never logged.
      authorization: ctx.headers.authorization ?? null,
      status: answer.status,
      code: answer.code,
      requestId: answer.requestId,
      replayed: answer.replayed === true,
      // The fault that struck this request (its name without the count), or null.
      fault: ctx.fault,
      // True for a browser's own resend of a dropped request (see #checkNonce).
      resend: ctx.resend === true,
      // The route's action (OpenHttps, CloseHttps, DescribeInstance, ListInstance), or null.
      action: ctx.action,
    });
    if (this.log.length > this.#logLimit) this.log.splice(0, this.log.length - this.#logLimit);
  }

  // -- responses ------------------------------------------------------------------------------

  /** `now`: the clock the Date header tells (an `es-fault-skew-*` instance's is ahead). */
  #commonHeaders(res, now = this.now(), extraExposed = []) {
    // The Date header comes from the emulator's (possibly skewed) clock, as a real server's
    // Date tells its own clock; clients use it to correct for skew.
    res.setHeader('Date', new Date(now).toUTCString());
    res.setHeader('Access-Control-Allow-Origin', '*');
    // A browser lets a page read only the headers listed here (and a few safe ones), so a
    // throttling answer also lists its retry header.
    res.setHeader('Access-Control-Expose-Headers', ['Date', 'x-acs-request-id', ...extraExposed].join(', '));
  }

  /**
   * Writes an answer. `delivery` (set by a fault) says how to fail to deliver it:
   *   'hang'     — send nothing and keep the connection open; it ends when the client gives up
   *                or close() destroys it. No timer is involved.
   *   'drop'     — close the connection without sending anything.
   *   'truncate' — declare the full Content-Length, send the first bytes of the body, then
   *                close the connection. Node's fetch (undici) and Chromium both resolve fetch()
   *                with the status and headers, then reject reading the body (undici:
   *                TypeError "terminated"; Chromium: TypeError "Failed to fetch").
   */
  #send(res, { status, requestId, body, headers = {}, contentType = JSON_TYPE, delivery }, now) {
    if (delivery === 'hang') return;
    if (delivery === 'drop') {
      res.destroy();
      return;
    }
    res.statusCode = status;
    this.#commonHeaders(res, now, Object.keys(headers));
    if (requestId) res.setHeader('x-acs-request-id', requestId);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', Buffer.byteLength(body));
    if (delivery === 'truncate') {
      // Close only once the first bytes are handed to the OS, so the client does receive them.
      res.write(Buffer.from(body).subarray(0, TRUNCATED_BYTES), () => res.destroy());
      return;
    }
    res.end(body);
  }

  #sendPreflight(req, res, now, path) {
    res.statusCode = 204;
    this.#commonHeaders(res, now);
    // Each API route allows its own method (POST for open/close-https, GET for the
    // describe/list paths); the admin endpoints and anything else, both.
    const route = matchRoute(path);
    res.setHeader('Access-Control-Allow-Methods', route ? `${route.method}, OPTIONS` : 'GET, POST, OPTIONS');
    const asked = req.headers['access-control-request-headers'];
    if (asked) res.setHeader('Access-Control-Allow-Headers', asked);
    res.setHeader('Access-Control-Max-Age', '600');
    res.end();
  }

  #sendAdmin(ctx, res) {
    const json = (status, value) => this.#send(res, { status, requestId: null, body: JSON.stringify(value) });
    const { method, rawPath } = ctx;
    if (method === 'GET' && rawPath === '/__emulator/health') {
      return json(200, { ok: true, now: new Date(this.now()).toISOString(), clockOffsetMs: this.clockOffsetMs });
    }
    if (method === 'GET' && rawPath === '/__emulator/log') return json(200, this.log);
    if (method === 'POST' && rawPath === '/__emulator/reset') {
      this.reset();
      return json(200, { ok: true });
    }
    if (method === 'POST' && rawPath === '/__emulator/clock') {
      let offsetMs;
      try {
        ({ offsetMs } = JSON.parse(ctx.body.toString('utf8')));
        this.setClockOffset(offsetMs);
      } catch {
        return json(400, { error: 'expected a JSON body {"offsetMs": <number>}' });
      }
      return json(200, { ok: true, now: new Date(this.now()).toISOString(), clockOffsetMs: this.clockOffsetMs });
    }
    const body = () => {
      const text = ctx.body.toString('utf8');
      return text.trim() === '' ? null : JSON.parse(text);
    };
    if (rawPath === '/__emulator/instances') {
      if (method === 'GET') return json(200, this.instances());
      if (method === 'POST') {
        try {
          const given = body();
          const single = given?.id !== undefined || given?.instanceId !== undefined;
          const records = Array.isArray(given) || !single ? given : [given];
          if (records === null || typeof records !== 'object') throw new TypeError('expected records');
          return json(200, { ok: true, instances: this.addInstances(records) });
        } catch (err) {
          return json(400, {
            error: `expected a JSON array of instance records [{"id", "status"?, "protocol"?, …}]: ${err.message}`,
          });
        }
      }
    }
    const m = /^\/__emulator\/instances\/([^/]+)$/.exec(rawPath);
    if (m && (method === 'GET' || method === 'POST')) {
      let instanceId;
      try {
        instanceId = decodeURIComponent(m[1]);
      } catch {
        return json(400, { error: 'the instance id is not valid percent-encoding' });
      }
      if (method === 'GET') return json(200, this.instance(instanceId));
      try {
        return json(200, this.setInstance(instanceId, body() ?? {}));
      } catch (err) {
        return json(400, { error: `expected a JSON object of fields to change: ${err.message}` });
      }
    }
    return json(404, { error: `no admin endpoint ${method} ${rawPath}` });
  }
}

/** A fresh request id, upper-case like the gateway's: 5A2CFF0E-5718-45B5-9D4D-70B3FF0C1E2A. */
function newRequestId() {
  return randomUUID().toUpperCase();
}

/**
 * Starts an emulator and resolves once it listens.
 *
 * @param {object} [options]
 * @param {number} [options.port=0]            0 picks a free port
 * @param {string} [options.host='127.0.0.1']
 * @param {number} [options.clockOffsetMs=0]   the emulator's clock = real clock + this
 * @param {object} [options.keys]              extra keys: { id: { secret, securityToken? } | secret }
 * @param {object|Map} [options.instances]     extra instances: { id: 'active'|'activating'|'unknown' }
 *                                             (stateless, as before) or { id: { status, protocol,
 *                                             description, esVersion, haveClientNode,
 *                                             activationMs?, protocolLagMs?, stuck? } } (lifecycle)
 * @param {number|object[]|false} [options.catalogue=DEFAULT_CATALOGUE]  the catalogue to start
 *                                             with: records, a number n (generateCatalogue(n)),
 *                                             or false for none
 * @param {number} [options.activationMs=1000] how long a lifecycle change stays activating
 * @param {number} [options.protocolLagMs=500] how long an es-lag-* instance shows the old protocol
 * @param {number} [options.qpsLimit=0]        per-access-key requests per sliding second (0: none)
 * @returns {Promise<Emulator>}
 */
export function startEmulator({ port = 0, host = '127.0.0.1', ...options } = {}) {
  return new Emulator(options).listen(port, host);
}
