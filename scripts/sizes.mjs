// Prints the sizes of what ships in a built package (raw, gzip -9, brotli -q 11) and checks
// the budget of what a browser downloads: the wasm plus the browser entry, gzip (fleet mode's
// fleet.js and wasm, fetched on a page's first ensureHttpsAll, are printed beside it).
//
//   node scripts/sizes.mjs pkg BUDGET_BYTES     # exits 1 when the download is over BUDGET_BYTES

import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const [dir, budgetArg] = process.argv.slice(2);
const budget = Number(budgetArg);
if (!dir || !(budget > 0)) {
  console.error('usage: node scripts/sizes.mjs PKG_DIR BUDGET_BYTES');
  process.exit(2);
}

const files = ['aliyun_es_https_bg.wasm', 'index.js', 'aliyun_es_https_fleet_bg.wasm', 'fleet.js', 'aliyun_es_https.cjs', 'index.mjs'];
const sizes = {};
for (const f of files) {
  const bytes = readFileSync(`${dir}/${f}`);
  const s = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
  sizes[f] = s;
  const col = (n) => String(n).padStart(7);
  console.log(`build:   ${f.padEnd(30)} ${col(s.raw)} raw ${col(s.gzip)} gzip ${col(s.brotli)} brotli`);
}
const download = (kind) => sizes['aliyun_es_https_bg.wasm'][kind] + sizes['index.js'][kind];
const gzip = download('gzip');
console.log(
  `build: browser download (wasm + index.js): ${gzip} bytes gzip, ${download('brotli')} bytes brotli; budget ${budget} bytes gzip`,
);
const fleet = sizes['fleet.js'].gzip + sizes['aliyun_es_https_fleet_bg.wasm'].gzip;
console.log(
  `build: and on a page's first ensureHttpsAll, fleet mode (fleet.js and its wasm): ${fleet} bytes gzip (${gzip + fleet} in all)`,
);
if (gzip > budget) {
  const over = gzip - budget;
  console.error(`build: over the size budget by ${over} byte${over === 1 ? '' : 's'}`);
  process.exit(1);
}
