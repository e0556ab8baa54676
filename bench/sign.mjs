// Signing throughput of one library in this process (run once per library, so neither shares
// its JIT or heap with the other):
//
//   node bench/sign.mjs --client ours|official --version v3|v1 --runs 5 --seconds 1
//
// One operation = everything the library does to sign one OpenHttps request with a fresh date
// and nonce: ours, `signOpenHttps({ instanceId, clientToken, credentials, regionId,
// signatureVersion })` (validates, builds the URL, signs; returns the URL and headers);
// official, the same steps as openapi-core's doRequest/doROARequest with its own helpers
// (lib.mjs officialRequest + officialSign: headers incl. getTimestamp/getNonce/getUserAgent,
// hash of the empty body, getAuthorization / getStringToSign + getROASignature).
// Prints { client, version, opsPerSec: median, runs: [...] } as JSON.

import { args, loadOfficial, loadOurs, median, officialRequest, officialSign, oursSignInput, report } from './lib.mjs';

const { client, version = 'v3', runs = '5', seconds = '1' } = args();

let signOnce;
if (client === 'ours') {
  const { signOpenHttps } = loadOurs();
  const input = oursSignInput(version);
  signOnce = () => signOpenHttps(input).headers.authorization;
} else if (client === 'official') {
  const off = loadOfficial();
  signOnce = () => officialSign(off, version, officialRequest(off, version));
} else {
  throw new Error('--client ours|official');
}

/** Signs for `ms` milliseconds; returns operations per second. */
function measure(ms) {
  let ops = 0;
  let sink = 0; // keeps the result alive so nothing is optimised away
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 64; i += 1) sink += signOnce().length;
    ops += 64;
    now = performance.now();
  }
  if (sink === 0) throw new Error('no signature');
  return (ops * 1000) / (now - start);
}

measure(Math.min(300, Number(seconds) * 1000)); // warm-up (JIT, wasm tier-up)
const results = [];
for (let i = 0; i < Number(runs); i += 1) results.push(measure(Number(seconds) * 1000));
report({ client, version, opsPerSec: median(results), runs: results.map(Math.round) });
