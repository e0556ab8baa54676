// The least-work client ("limit"): the fewest steps that put the package's OpenHttps request on
// the wire, as a yardstick for the package's end-to-end speed. Written from the signing spec
// (V3 ACS3-HMAC-SHA256, V1 ROA HMAC-SHA1) with node:crypto only, sent with node:http `request`
// through one keep-alive Agent without a socket cap. No input validation, no retries, no
// timeouts, no error objects: a call resolves to whether the answer's JSON says
// `Result: true`, and rejects only with node:http's own socket errors.
//
// Same wire bytes as the package's Client (checked by bench/check.mjs limitWireCheck: nonce,
// date and signature masked):
//   V3: accept, x-acs-action, x-acs-version, x-acs-signature-nonce, x-acs-date,
//       x-acs-content-sha256, authorization, host, content-length: 0, Connection: keep-alive
//   V1: accept, x-acs-action, x-acs-version, x-acs-signature-nonce, date,
//       x-acs-signature-method, x-acs-signature-version, authorization, host, content-length,
//       Connection
// The headers go to `request` as a raw [name, value, …] array (what `message.rawHeaders`
// looks like), so node:http writes them as given, without building its header map, and adds
// Connection itself: the package's transport does the same.
//
// Not a library: the constants are OpenHttps's, and only what that request needs is there.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';

const ACCEPT = 'application/json';
const ACTION = 'OpenHttps';
const API_VERSION = '2017-06-13';
/** hex(SHA-256("")): the hash of the empty body, once (V3 signs it and sends it). */
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');
const V3_SIGNED_HEADERS = 'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version';

/** RFC 3986 percent-encoding (unreserved characters kept), for the URL and V3's canonical query. */
export function percentEncode(s) {
  return /^[A-Za-z0-9\-_.~]*$/.test(s)
    ? s
    : encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** x-acs-date: ISO 8601 UTC to the second, `2023-11-14T22:13:20Z`. */
export const v3Date = (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
/** V1 `date`: RFC 7231 (`Tue, 14 Nov 2023 22:13:20 GMT`). */
export const v1Date = (ms) => new Date(ms).toUTCString();

/**
 * V3 Authorization of the OpenHttps POST. `pathname` is already percent-encoded; `clientToken`
 * is the raw query value (or undefined: no query); `date` is the x-acs-date value.
 * Canonical request: method, URI, query, the signed headers as `name:value\n` sorted, a blank
 * line, the signed header names, the payload hash; string to sign: the algorithm and the
 * canonical request's hex SHA-256; signature: hex HMAC-SHA256 with the secret.
 */
export function signV3({ host, pathname, clientToken, date, nonce, accessKeyId, accessKeySecret }) {
  const query = clientToken === undefined ? '' : `clientToken=${percentEncode(clientToken)}`;
  const canonicalRequest = `POST\n${pathname}\n${query}\n` +
    `host:${host}\nx-acs-action:${ACTION}\nx-acs-content-sha256:${EMPTY_SHA256}\nx-acs-date:${date}\n` +
    `x-acs-signature-nonce:${nonce}\nx-acs-version:${API_VERSION}\n\n${V3_SIGNED_HEADERS}\n${EMPTY_SHA256}`;
  const stringToSign = `ACS3-HMAC-SHA256\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign).digest('hex');
  return `ACS3-HMAC-SHA256 Credential=${accessKeyId},SignedHeaders=${V3_SIGNED_HEADERS},Signature=${signature}`;
}

/**
 * V1 (ROA HMAC-SHA1) Authorization of the OpenHttps POST. String to sign: method, Accept,
 * Content-MD5 (none), Content-Type (none), Date, the x-acs-* headers as `name:value\n`
 * sorted, then the resource: the path and the query with raw (unencoded) values.
 */
export function signV1({ pathname, clientToken, date, nonce, accessKeyId, accessKeySecret }) {
  const stringToSign = `POST\n${ACCEPT}\n\n\n${date}\n` +
    `x-acs-action:${ACTION}\nx-acs-signature-method:HMAC-SHA1\nx-acs-signature-nonce:${nonce}\n` +
    `x-acs-signature-version:1.0\nx-acs-version:${API_VERSION}\n` +
    `${pathname}${clientToken === undefined ? '' : `?clientToken=${clientToken}`}`;
  return `acs ${accessKeyId}:${createHmac('sha1', accessKeySecret).update(stringToSign).digest('base64')}`;
}

/**
 * `call(clientToken)` → Promise<boolean>: one OpenHttps POST to http://hostname:port, true when
 * the answer's JSON has `Result: true`. `now` and `newNonce` are replaced only by the checks.
 */
export function createLimitClient({
  hostname = '127.0.0.1', port, version = 'v3', instanceId, accessKeyId, accessKeySecret,
  now = Date.now, newNonce = () => randomBytes(32).toString('hex'),
}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const host = `${hostname}:${port}`;
  const pathname = `/openapi/instances/${percentEncode(instanceId)}/actions/open-https`;
  const v1 = version === 'v1';
  const sign = v1 ? signV1 : signV3;
  const format = v1 ? v1Date : v3Date;
  const signing = { host, pathname, clientToken: '', date: '', nonce: '', accessKeyId, accessKeySecret };
  // The date string changes once a second: formatted then, not per call.
  let second = NaN;
  let date = '';

  return function call(clientToken) {
    const time = now();
    if (Math.floor(time / 1000) !== second) {
      second = Math.floor(time / 1000);
      date = format(time);
    }
    const nonce = newNonce();
    signing.clientToken = clientToken;
    signing.date = date;
    signing.nonce = nonce;
    const authorization = sign(signing);
    const headers = v1
      ? ['accept', ACCEPT, 'x-acs-action', ACTION, 'x-acs-version', API_VERSION, 'x-acs-signature-nonce', nonce,
        'date', date, 'x-acs-signature-method', 'HMAC-SHA1', 'x-acs-signature-version', '1.0',
        'authorization', authorization, 'host', host, 'content-length', '0']
      : ['accept', ACCEPT, 'x-acs-action', ACTION, 'x-acs-version', API_VERSION, 'x-acs-signature-nonce', nonce,
        'x-acs-date', date, 'x-acs-content-sha256', EMPTY_SHA256,
        'authorization', authorization, 'host', host, 'content-length', '0'];
    return new Promise((resolve, reject) => {
      const req = http.request({
        hostname, port, method: 'POST', path: `${pathname}?clientToken=${percentEncode(clientToken)}`, headers, agent,
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => { body += chunk; });
        res.on('end', () => {
          try {
            resolve(JSON.parse(body).Result === true);
          } catch {
            resolve(false); // not JSON: not Result: true
          }
        });
      });
      req.on('error', reject);
      req.end();
    });
  };
}
