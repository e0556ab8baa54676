// Footprint of each library as a user gets it (used by run.mjs):
//   - installed size: bytes of node_modules/ (apparent size, `du -sb`) and package count in a
//     fresh project with only that library installed (set up by scripts/bench.sh: ours from the
//     `npm pack pkg/` tarball, the official SDK by `npm ci` of bench/official's lock file);
//   - bundle: the minimal app of bench/apps/ (one openHttps call) bundled and minified by
//     esbuild for Node and for the browser, gzip -9. Our two wasms (the package's and fleet
//     mode's, which esbuild's bundle may load: it inlines fleet.js) are separate files (read
//     from beside the Node bundle, fetched by URL in the browser), so they are added to our
//     total.
//   - the Node bundles are run once against the emulator, to show they work.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = new URL('.', import.meta.url).pathname;
const esbuild = join(here, 'node_modules/.bin/esbuild');
const WASMS = ['aliyun_es_https_bg.wasm', 'aliyun_es_https_fleet_bg.wasm'];

const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const bytes = (file) => readFileSync(file).length;

/** Apparent size in bytes of a folder, and the number of packages npm installed in it. */
function installed(project) {
  const size = Number(execFileSync('du', ['-sb', join(project, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
  const lock = JSON.parse(readFileSync(join(project, 'node_modules/.package-lock.json'), 'utf8'));
  const packages = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/')).length;
  return { bytes: size, packages };
}

/** Bundles `entry` (inside `project`); returns { ok, jsBytes, jsGzip } or { ok: false, error }. */
function bundle(project, entry, platform, outfile) {
  const argv = [entry, '--bundle', '--minify', `--platform=${platform}`, `--outfile=${outfile}`, '--color=false', '--log-level=warning'];
  if (platform === 'browser') argv.push('--format=esm');
  const r = spawnSync(esbuild, argv, { cwd: project, encoding: 'utf8' });
  if (r.status !== 0) {
    const errors = r.stderr.split('\n').filter((l) => l.includes('[ERROR]'));
    return { ok: false, errors: errors.length, error: errors[0]?.replace(/^.*\[ERROR\]\s*/, '') ?? r.stderr.trim().split('\n')[0] };
  }
  const out = join(project, outfile);
  return { ok: true, jsBytes: bytes(out), jsGzip: gz(out), warnings: r.stderr.split('\n').filter((l) => l.includes('[WARNING]')).length };
}

/** Runs a Node bundle against the emulator; true when it printed a successful answer. */
function runs(file, port) {
  const r = spawnSync(process.execPath, [file], { env: { ...process.env, BENCH_PORT: String(port) }, encoding: 'utf8', timeout: 20000 });
  return r.status === 0 && /"result":true/i.test(r.stdout) ? true : `${r.stdout}${r.stderr}`.trim().split('\n').slice(-1)[0] || `exit ${r.status}`;
}

export function footprint({ oursProject, officialProject, tarball, port }) {
  const result = { ours: { installed: installed(oursProject) }, official: { installed: installed(officialProject) } };
  result.ours.tarballBytes = bytes(tarball);

  // Ours: the app next to the installed package; the wasms are counted once per platform.
  copyFileSync(join(here, 'apps/ours.mjs'), join(oursProject, 'app.mjs'));
  mkdirSync(join(oursProject, 'out'), { recursive: true });
  const wasms = WASMS.map((name) => join(oursProject, 'node_modules/aliyun-es-https', name));
  const sum = (f) => wasms.reduce((total, wasm) => total + f(wasm), 0);
  const wasmInfo = { wasmBytes: sum(bytes), wasmGzip: sum(gz) };
  for (const platform of ['node', 'browser']) {
    const b = bundle(oursProject, 'app.mjs', platform, `out/${platform}.js`);
    if (b.ok) Object.assign(b, wasmInfo, { totalGzip: b.jsGzip + wasmInfo.wasmGzip });
    result.ours[platform] = b;
  }
  if (result.ours.node.ok) {
    // The Node glues read their wasm from beside themselves (`${__dirname}/…_bg.wasm`).
    for (const [i, wasm] of wasms.entries()) copyFileSync(wasm, join(oursProject, 'out', WASMS[i]));
    result.ours.node.runs = runs(join(oursProject, 'out/node.js'), port);
  }

  // Official.
  copyFileSync(join(here, 'apps/official.cjs'), join(officialProject, 'app.cjs'));
  for (const platform of ['node', 'browser']) {
    const b = bundle(officialProject, 'app.cjs', platform, `out/${platform}.js`);
    if (b.ok) b.totalGzip = b.jsGzip;
    result.official[platform] = b;
  }
  if (result.official.node.ok) result.official.node.runs = runs(join(officialProject, 'out/node.js'), port);
  return result;
}

if (!existsSync(esbuild)) throw new Error('esbuild is not installed in bench/: run scripts/bench.sh');
