// The check before any timing: for the same fixed inputs (time, nonce, clientToken, key),
// our signOpenHttps and the official SDK's own signing helpers must produce the same
// Authorization, V3 and V1 — and the emulator's independent verifier must agree.
//
// The SDK also sends (and signs) `x-acs-credentials-provider: static_ak`, which we do not
// send, so its native V3 SignedHeaders / V1 CanonicalizedHeaders differ from ours by that one
// header. Both requests are valid (the emulator accepts both, see the e2e runs); to compare
// like with like, the SDK signs here its native request minus the x-acs-* headers we don't send.
//
// The least-work client (bench/limit.mjs, "limit") is checked three ways before it is timed:
// its signer against the repository's vectors (tests/vectors/signing.json: every OpenHttps
// case whose signed headers and query are exactly the ones the limit client sends), against
// ours for the same fixed inputs, and its request on the wire against the package Client's,
// byte for byte but for the nonce, the date and the signature (a raw TCP listener records
// both). The emulator verifies every signature of the timed runs as well.
//
// Standalone: BENCH_OURS_DIR=… node bench/check.mjs

import {
  loadOurs, loadOfficial, officialRequest, officialSign, oursSignInput,
  FIXED_TIME_MS, FIXED_NONCE, KEY, CLIENT_TOKEN,
} from './lib.mjs';
import { authorizationV1, authorizationV3 } from '../emulator/emulator.mjs';
import { createLimitClient, signV1, signV3, v1Date, v3Date } from './limit.mjs';
import { readFileSync } from 'node:fs';
import net from 'node:net';

/** Returns { ok, lines: string[], results: { v3: {...}, v1: {...}, limit: {...} } }. */
export async function runCheck() {
  const libs = libraryCheck();
  const vectors = limitVectorCheck();
  const wire = await limitWireCheck();
  return {
    ok: libs.ok && vectors.ok && wire.ok,
    lines: [...libs.lines, ...vectors.lines, ...wire.lines],
    results: { ...libs.results, limit: { vectors: vectors.results, wire: wire.results } },
  };
}

/** Ours, the official SDK and the limit client's signer, same fixed inputs. */
function libraryCheck() {
  const ours = loadOurs();
  const off = loadOfficial();
  const fixed = { time: FIXED_TIME_MS, nonce: FIXED_NONCE };
  const lines = [
    `signature check — fixed inputs: ${new Date(FIXED_TIME_MS).toISOString()}, nonce ${FIXED_NONCE.slice(0, 8)}…, ` +
      `clientToken ${CLIENT_TOKEN}, key ${KEY.accessKeyId}`,
  ];
  const results = {};
  let ok = true;

  for (const version of ['v3', 'v1']) {
    const signed = ours.signOpenHttps(oursSignInput(version, fixed));
    const url = new URL(signed.url);
    const oursAuth = signed.headers.authorization;

    // The SDK's request with the same time and nonce, as it would build it.
    const native = officialRequest(off, version, fixed);
    const nativeNames = Object.keys(native.headers).map((n) => n.toLowerCase());
    const oursNames = ['host', ...Object.keys(signed.headers)];
    const onlySdk = nativeNames.filter((n) => !oursNames.includes(n) && n !== 'x-acs-content-sha256');
    const onlyOurs = oursNames.filter((n) => !nativeNames.includes(n) && n !== 'authorization' && n !== 'x-acs-content-sha256');
    // Values both send must be identical (date / x-acs-date formats, nonce, version, action…).
    const differing = nativeNames.filter(
      (n) => signed.headers[n] !== undefined && signed.headers[n] !== native.headers[n],
    );
    const nativeAuth = officialSign(off, version, officialRequest(off, version, fixed));

    // Like with like: the SDK's request without the x-acs-* headers we don't send.
    const aligned = officialRequest(off, version, fixed);
    for (const name of onlySdk) if (name.startsWith('x-acs-')) delete aligned.headers[name];
    const sdkAuth = officialSign(off, version, aligned);

    // Same path and query as the SDK builds.
    const sdkQuery = new URLSearchParams(aligned.query).toString();
    const sameTarget = url.pathname === aligned.pathname && url.search === `?${sdkQuery}`;

    // Third opinion: the emulator's own verifier, from the request as we would send it.
    const emuInput = {
      ...KEY,
      method: 'POST',
      pathname: url.pathname,
      query: [...url.searchParams],
      headers: { host: url.host, ...Object.fromEntries(Object.entries(signed.headers).filter(([n]) => n !== 'authorization')) },
    };
    const emuAuth = version === 'v3' ? authorizationV3(emuInput) : authorizationV1(emuInput);

    // The limit client's signer and date format, same inputs.
    const limitDate = version === 'v3' ? v3Date(FIXED_TIME_MS) : v1Date(FIXED_TIME_MS);
    const limitInput = {
      host: url.host, pathname: url.pathname, clientToken: CLIENT_TOKEN, date: limitDate, nonce: FIXED_NONCE, ...KEY,
    };
    const limitAuth = version === 'v3' ? signV3(limitInput) : signV1(limitInput);
    const limitDateSame = limitDate === signed.headers[version === 'v3' ? 'x-acs-date' : 'date'];

    const equal = oursAuth === sdkAuth;
    const emuEqual = oursAuth === emuAuth;
    const limitEqual = oursAuth === limitAuth && limitDateSame;
    ok &&= equal && emuEqual && sameTarget && differing.length === 0 && limitEqual;
    const tag = version.toUpperCase();
    lines.push(
      `  ${tag} ours:                    ${oursAuth}`,
      `  ${tag} official (same headers): ${sdkAuth}  ${equal ? 'EQUAL ✓' : 'DIFFERENT ✗'}`,
      `  ${tag} emulator's verifier:     ${emuEqual ? 'same Authorization ✓' : `DIFFERENT ✗ ${emuAuth}`}; ` +
        `path+query ${sameTarget ? 'same as the SDK ✓' : `DIFFERENT ✗ (ours ${url.pathname}${url.search}, SDK ${aligned.pathname}?${sdkQuery})`}` +
        `${differing.length ? `; header values differ ✗: ${differing.join(', ')}` : '; shared header values identical ✓'}`,
      `  ${tag} limit (node:crypto):     ${limitAuth}  ${oursAuth === limitAuth ? 'EQUAL ✓' : 'DIFFERENT ✗'}` +
        `${limitDateSame ? '' : ` date format DIFFERENT ✗ (${limitDate})`}`,
      `  ${tag} official (native):       ${nativeAuth}`,
      `      (the SDK also sends ${onlySdk.join(', ') || 'nothing more'}; ours also sends ${onlyOurs.join(', ') || 'nothing more'})`,
    );
    results[version] = { ours: oursAuth, officialSameHeaders: sdkAuth, officialNative: nativeAuth, equal, emulatorAgrees: emuEqual, sameTarget, onlyOfficialHeaders: onlySdk, onlyOursHeaders: onlyOurs, differingValues: differing, limit: limitAuth, limitEqual };
  }
  lines.push(`  → ${ok ? 'both libraries and the limit client sign identically' : 'MISMATCH: see above'}`);
  return { ok, lines, results };
}

// ---------------------------------------------------------------------------------------------
// The limit client against the repository's vectors
// ---------------------------------------------------------------------------------------------

/** What the limit client signs, per version: header → fixed value (null: any value). */
const LIMIT_SIGNED = {
  v3: {
    host: null, 'x-acs-action': 'OpenHttps', 'x-acs-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'x-acs-date': null, 'x-acs-signature-nonce': null, 'x-acs-version': '2017-06-13',
  },
  v1: {
    accept: 'application/json', date: null, 'x-acs-action': 'OpenHttps', 'x-acs-signature-method': 'HMAC-SHA1',
    'x-acs-signature-nonce': null, 'x-acs-signature-version': '1.0', 'x-acs-version': '2017-06-13',
  },
};
/** The headers a signature covers: V3 host, content-type, x-acs-*; V1 accept, content-md5, content-type, date, x-acs-*. */
const isSigned = (version, name) => name.startsWith('x-acs-') || name === 'content-type' ||
  (version === 'v3' ? name === 'host' : ['accept', 'content-md5', 'date'].includes(name));

/** Why the limit client cannot send this vector's request (null: it can). */
function notLimitShaped(v) {
  const fixed = LIMIT_SIGNED[v.signatureVersion];
  if (!fixed) return `signature version ${v.signatureVersion}`;
  if (v.method !== 'POST') return `method ${v.method}`;
  if (v.signatureVersion === 'v3' && (v.body ?? '') !== '') return 'a body';
  const extraQuery = Object.keys(v.query).filter((k) => k !== 'clientToken');
  if (extraQuery.length) return `query ${extraQuery.join(', ')}`;
  const names = Object.keys(v.headers).filter((n) => isSigned(v.signatureVersion, n));
  const extra = names.filter((n) => !(n in fixed));
  if (extra.length) return `signs ${extra.join(', ')}`;
  const missing = Object.keys(fixed).filter((n) => !names.includes(n));
  if (missing.length) return `no ${missing.join(', ')}`;
  const other = Object.entries(fixed).filter(([n, value]) => value !== null && v.headers[n] !== value).map(([n]) => n);
  if (other.length) return `other ${other.join(', ')}`;
  return null;
}

/** Every OpenHttps vector the limit client could send, signed by its signer. */
function limitVectorCheck() {
  const file = process.env.SIGNING_VECTORS ?? new URL('../tests/vectors/signing.json', import.meta.url).pathname;
  const vectors = JSON.parse(readFileSync(file, 'utf8'));
  const results = [];
  const lines = [];
  for (const v of vectors) {
    const skip = notLimitShaped(v);
    if (skip) {
      results.push({ name: v.name, version: v.signatureVersion, checked: false, why: skip });
      continue;
    }
    const input = {
      host: v.headers.host,
      pathname: v.pathname,
      clientToken: v.query.clientToken,
      date: v.signatureVersion === 'v3' ? v.headers['x-acs-date'] : v.headers.date,
      nonce: v.headers['x-acs-signature-nonce'],
      accessKeyId: v.accessKeyId,
      accessKeySecret: v.accessKeySecret,
    };
    const got = v.signatureVersion === 'v3' ? signV3(input) : signV1(input);
    const equal = got === v.expectedAuthorization;
    results.push({ name: v.name, version: v.signatureVersion, checked: true, equal, ...(equal ? {} : { got, expected: v.expectedAuthorization }) });
    if (!equal) lines.push(`      ${v.name}: DIFFERENT ✗ ${got} (expected ${v.expectedAuthorization})`);
  }
  const checked = results.filter((r) => r.checked);
  const ok = checked.length > 0 && checked.every((r) => r.equal) &&
    ['v3', 'v1'].every((version) => checked.some((r) => r.version === version));
  const names = (version) => checked.filter((r) => r.version === version).map((r) => r.name).join(', ');
  lines.unshift(
    `limit client's signer vs ${file.replace(/^.*\/(tests\/)/, '$1')}: ${checked.filter((r) => r.equal).length}/${checked.length} ` +
      `OpenHttps cases equal ${ok ? '✓' : '✗'} (V3: ${names('v3')}; V1: ${names('v1')})`,
    `      not its request, skipped: ${results.filter((r) => !r.checked).map((r) => `${r.name} (${r.why})`).join('; ')}`,
  );
  return { ok, lines, results };
}

// ---------------------------------------------------------------------------------------------
// The limit client's request on the wire against the package Client's
// ---------------------------------------------------------------------------------------------

/**
 * A raw TCP listener that records each request head and answers Result: true; counts the
 * connections. The requests have no body (Content-Length: 0).
 */
function recorder() {
  const heads = [];
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.setEncoding('latin1');
    socket.on('data', (data) => {
      buffered += data;
      for (let end = buffered.indexOf('\r\n\r\n'); end !== -1; end = buffered.indexOf('\r\n\r\n')) {
        heads.push(buffered.slice(0, end + 4));
        buffered = buffered.slice(end + 4);
        const body = '{"RequestId":"wire-check","Result":true}';
        socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n${body}`);
      }
    });
    socket.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port,
    take: () => { const out = { heads: heads.splice(0), connections }; connections = 0; return out; },
    // The clients' keep-alive sockets would hold the listener (and the process) open.
    close: () => new Promise((r) => { server.close(r); for (const socket of sockets) socket.destroy(); }),
  })));
}

/** A request head with the per-call values replaced by their shape (wrong shapes stay visible). */
function mask(head) {
  return head
    .replace(/^(x-acs-signature-nonce: )[0-9a-f]{64}\r$/m, '$1<64 hex>\r')
    .replace(/^(x-acs-date: )\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\r$/m, '$1<date>\r')
    .replace(/^(date: )[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT\r$/m, '$1<date>\r')
    .replace(/(,Signature=)[0-9a-f]{64}\r$/m, '$1<64 hex>\r')
    .replace(/^(authorization: acs [^:\r]+:)[A-Za-z0-9+/]{27}=\r$/m, '$1<base64>\r');
}

/**
 * The package's Client and the limit client each send OpenHttps twice (a plain clientToken,
 * then one to percent-encode), V3 and V1: the heads must be the same bytes but for the nonce,
 * the date and the signature. Then the limit client with a fixed time and nonce must send
 * exactly the bytes of signOpenHttps for the same inputs (signature included) plus the three
 * headers the package's transport adds (host, content-length, and node:http's Connection).
 */
async function limitWireCheck() {
  const { Client, signOpenHttps } = loadOurs();
  const rec = await recorder();
  const instanceId = 'es-cn-n6w1o1x0w001c';
  const tokens = ['wire-check-1', 'wire check/2'];
  const lines = [];
  const results = {};
  let ok = true;
  try {
    for (const version of ['v3', 'v1']) {
      const endpoint = `http://127.0.0.1:${rec.port}`;
      const ours = new Client({ endpoint, credentials: { ...KEY }, maxAttempts: 1, signatureVersion: version });
      for (const t of tokens) await ours.openHttps(instanceId, t);
      const o = rec.take();
      const limit = createLimitClient({ port: rec.port, version, instanceId, ...KEY });
      const answers = [];
      for (const t of tokens) answers.push(await limit(t));
      const l = rec.take();
      // Masked: each head must show exactly its three per-call values in the expected shapes.
      const masks = l.heads.map(mask);
      const shaped = masks.every((m) => (m.match(/<(64 hex|date|base64)>/g) ?? []).length === 3);
      const same = o.heads.length === tokens.length && l.heads.length === tokens.length && shaped &&
        o.heads.every((h, i) => mask(h) === masks[i]);
      const fresh = new Set(l.heads.map((h) => /\r\nx-acs-signature-nonce: (\S+)/.exec(h)?.[1])).size === tokens.length;
      const oneConnection = l.connections === 1;
      const answered = answers.every((a) => a === true);

      // Fixed time and nonce: exactly signOpenHttps's request.
      const fixedLimit = createLimitClient({
        port: rec.port, version, instanceId, ...KEY, now: () => FIXED_TIME_MS, newNonce: () => FIXED_NONCE,
      });
      await fixedLimit(tokens[1]);
      const [fixedHead] = rec.take().heads;
      const s = signOpenHttps({
        instanceId, clientToken: tokens[1], credentials: { ...KEY }, endpoint, signatureVersion: version, timestamp: FIXED_TIME_MS, nonce: FIXED_NONCE,
      });
      const url = new URL(s.url);
      const expected = `POST ${url.pathname}${url.search} HTTP/1.1\r\n` +
        Object.entries(s.headers).map(([n, v]) => `${n}: ${v}\r\n`).join('') +
        `host: ${url.host}\r\ncontent-length: 0\r\nConnection: keep-alive\r\n\r\n`;
      const exact = fixedHead === expected;

      const pass = same && fresh && oneConnection && answered && exact;
      ok &&= pass;
      results[version] = { sameBytesAsClient: same, exactBytesAtFixedInputs: exact, freshNonces: fresh, oneConnection, answered, limitHeads: masks, oursHeads: o.heads.map(mask) };
      lines.push(`  ${version.toUpperCase()} limit client on the wire: ` +
        `${same ? 'the package Client\'s bytes ✓' : 'DIFFERENT from the package Client ✗'} (nonce, date, signature aside; ${l.heads[1]?.length ?? 0} bytes), ` +
        `${exact ? 'at fixed time+nonce signOpenHttps\'s exact bytes ✓' : 'at fixed time+nonce NOT signOpenHttps\'s bytes ✗'}, ` +
        `${fresh ? 'fresh nonce per call ✓' : 'nonce reused ✗'}, ${oneConnection ? 'one keep-alive connection ✓' : `${l.connections} connections ✗`}` +
        `${answered ? '' : ', answer not read as Result: true ✗'}`);
      if (!same) lines.push(`      package: ${JSON.stringify(o.heads.map(mask)[1])}`, `      limit:   ${JSON.stringify(masks[1])}`);
      if (!exact) lines.push(`      expected: ${JSON.stringify(expected)}`, `      limit:    ${JSON.stringify(fixedHead)}`);
    }
  } finally {
    await rec.close();
  }
  lines.push(`  → ${ok ? 'the limit client sends the package\'s request' : 'MISMATCH: see above'}`);
  return { ok, lines, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ok, lines } = await runCheck();
  console.log(lines.join('\n'));
  process.exitCode = ok ? 0 : 1;
}
