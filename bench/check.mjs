// The check before any timing: for the same fixed inputs (time, nonce, clientToken, key),
// our signOpenHttps and the official SDK's own signing helpers must produce the same
// Authorization, V3 and V1 — and the emulator's independent verifier must agree.
//
// The SDK also sends (and signs) `x-acs-credentials-provider: static_ak`, which we do not
// send, so its native V3 SignedHeaders / V1 CanonicalizedHeaders differ from ours by that one
// header. Both requests are valid (the emulator accepts both, see the e2e runs); to compare
// like with like, the SDK signs here its native request minus the x-acs-* headers we don't send.
//
// Standalone: BENCH_OURS_DIR=… node bench/check.mjs

import {
  loadOurs, loadOfficial, officialRequest, officialSign, oursSignInput,
  FIXED_TIME_MS, FIXED_NONCE, KEY, CLIENT_TOKEN,
} from './lib.mjs';
import { authorizationV1, authorizationV3 } from '../emulator/emulator.mjs';

/** Returns { ok, lines: string[], results: { v3: {...}, v1: {...} } }. */
export function runCheck() {
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

    const equal = oursAuth === sdkAuth;
    const emuEqual = oursAuth === emuAuth;
    ok &&= equal && emuEqual && sameTarget && differing.length === 0;
    const tag = version.toUpperCase();
    lines.push(
      `  ${tag} ours:                    ${oursAuth}`,
      `  ${tag} official (same headers): ${sdkAuth}  ${equal ? 'EQUAL ✓' : 'DIFFERENT ✗'}`,
      `  ${tag} emulator's verifier:     ${emuEqual ? 'same Authorization ✓' : `DIFFERENT ✗ ${emuAuth}`}; ` +
        `path+query ${sameTarget ? 'same as the SDK ✓' : `DIFFERENT ✗ (ours ${url.pathname}${url.search}, SDK ${aligned.pathname}?${sdkQuery})`}` +
        `${differing.length ? `; header values differ ✗: ${differing.join(', ')}` : '; shared header values identical ✓'}`,
      `  ${tag} official (native):       ${nativeAuth}`,
      `      (the SDK also sends ${onlySdk.join(', ') || 'nothing more'}; ours also sends ${onlyOurs.join(', ') || 'nothing more'})`,
    );
    results[version] = { ours: oursAuth, officialSameHeaders: sdkAuth, officialNative: nativeAuth, equal, emulatorAgrees: emuEqual, sameTarget, onlyOfficialHeaders: onlySdk, onlyOursHeaders: onlyOurs, differingValues: differing };
  }
  lines.push(`  → ${ok ? 'both libraries sign identically' : 'MISMATCH: see above'}`);
  return { ok, lines, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ok, lines } = runCheck();
  console.log(lines.join('\n'));
  process.exitCode = ok ? 0 : 1;
}
