// Shared by the benchmark scripts (see scripts/bench.sh): loading both libraries, the official
// SDK's own signing steps, fixed inputs, small statistics helpers, child processes and the
// emulator.
//
// Where the libraries come from (set by scripts/bench.sh):
//   BENCH_OURS_DIR      a throwaway project with the packed pkg/ tarball installed
//                       (so "ours" is measured exactly as a user installs it)
//   BENCH_OFFICIAL_DIR  bench/official, where @alicloud/elasticsearch20170613 is installed
//                       from its pinned package-lock.json

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';

/** The repository's root: child processes run there. */
const root = new URL('..', import.meta.url).pathname;

export const OURS_DIR = process.env.BENCH_OURS_DIR;
export const OFFICIAL_DIR = process.env.BENCH_OFFICIAL_DIR ?? new URL('./official', import.meta.url).pathname;

/** `require` as seen from a project folder, so that package names resolve inside it. */
export function requireFrom(dir) {
  if (!dir) throw new Error('BENCH_OURS_DIR / BENCH_OFFICIAL_DIR not set: run scripts/bench.sh');
  return createRequire(join(dir, 'package.json'));
}

/** Our package, through its CommonJS entry (the Node `import` entry re-exports the same). */
export function loadOurs() {
  return requireFrom(OURS_DIR)('aliyun-es-https');
}

/**
 * The package's Node transport (node-transport.cjs: not an export of the package, so loaded
 * by its path in the installed copy), for the `bare` reference of bench/e2e.mjs.
 */
export function loadTransport() {
  return requireFrom(OURS_DIR)(join(OURS_DIR, 'node_modules', 'aliyun-es-https', 'node-transport.cjs'));
}

/**
 * The official SDK: the Elasticsearch client and the openapi-core module under it.
 * openapi-core 1.0.8 signs with its own dist/utils.js (exported as `$OpenApiUtil`, whose
 * default export is the class with the static helpers `getAuthorization`, `hash`,
 * `getStringToSign`, `getROASignature`, `getTimestamp`, `getDateUTCString`, `getNonce`,
 * `getUserAgent`, `query`). @alicloud/openapi-util is installed too (for gateway-pop) but the
 * OpenHttps call path of openapi-core does not use it.
 */
export function loadOfficial() {
  const req = requireFrom(OFFICIAL_DIR);
  const es = req('@alicloud/elasticsearch20170613');
  const core = req('@alicloud/openapi-core');
  const dara = req('@darabonba/typescript');
  return { es, core, dara, Utils: core.$OpenApiUtil.default, Config: core.$OpenApiUtil.Config };
}

// ---------------------------------------------------------------------------------------------
// Fixed inputs
// ---------------------------------------------------------------------------------------------

export const KEY = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
export const REGION = 'cn-hangzhou';
export const HOST = `elasticsearch.${REGION}.aliyuncs.com`;
export const INSTANCE_ID = 'es-cn-n6w1o1x0w001c';
export const CLIENT_TOKEN = 'bench-token-0001';
/** 2023-11-14T22:13:20Z, and a 64-hex nonce like the SDK's: the fixed inputs of the check. */
export const FIXED_TIME_MS = 1700000000000;
export const FIXED_NONCE = '0123456789abcdef'.repeat(4);

// ---------------------------------------------------------------------------------------------
// The official SDK's signing, step by step as openapi-core's Client builds an OpenHttps request
// (dist/client.js: doRequest for V3, doROARequest for V1 = signatureAlgorithm "v2"), calling
// its own helpers. What is left out: awaiting the credential provider
// (`this._credential.getCredential()`, async) and the retry loop around it.
// ---------------------------------------------------------------------------------------------

/**
 * The request object the SDK signs, before its signature. `date`/`nonce` override the SDK's
 * own `getTimestamp()`/`getDateUTCString()`/`getNonce()` (for the fixed-input check only).
 */
export function officialRequest(off, version, { time, nonce } = {}) {
  const { Utils, dara } = off;
  // elasticsearch20170613 openHttpsWithOptions: path, query.
  const request = new dara.Request();
  request.protocol = 'HTTPS';
  request.method = 'POST';
  request.pathname = `/openapi/instances/${dara.URL.percentEncode(INSTANCE_ID)}/actions/open-https`;
  request.query = Utils.query({ clientToken: CLIENT_TOKEN });
  if (version === 'v3') {
    // doRequest: the header set, then x-acs-content-sha256.
    request.headers = {
      host: HOST,
      'x-acs-version': '2017-06-13',
      'x-acs-action': 'OpenHttps',
      'user-agent': Utils.getUserAgent(undefined),
      'x-acs-date': time === undefined ? Utils.getTimestamp() : acsDate(time),
      'x-acs-signature-nonce': nonce ?? Utils.getNonce(),
      accept: 'application/json',
    };
  } else {
    // doROARequest.
    request.headers = {
      date: time === undefined ? Utils.getDateUTCString() : new Date(time).toUTCString(),
      host: HOST,
      accept: 'application/json',
      'x-acs-signature-nonce': nonce ?? Utils.getNonce(),
      'x-acs-signature-method': 'HMAC-SHA1',
      'x-acs-signature-version': '1.0',
      'x-acs-version': '2017-06-13',
      'x-acs-action': 'OpenHttps',
      'user-agent': Utils.getUserAgent(undefined),
    };
  }
  // Added by both paths from the credential model of an AccessKey config (@alicloud/credentials
  // 2.4.7 names its static provider "static_ak"), before signing — so it is signed.
  request.headers['x-acs-credentials-provider'] = 'static_ak';
  return request;
}

/** Signs `request` in place as the SDK does; returns the Authorization value. */
export function officialSign(off, version, request, { accessKeyId, accessKeySecret } = KEY) {
  const { Utils } = off;
  if (version === 'v3') {
    const algorithm = 'ACS3-HMAC-SHA256'; // the SDK's default signatureAlgorithm
    const payload = Utils.hash(Buffer.from('', 'utf-8'), algorithm).toString('hex');
    request.headers['x-acs-content-sha256'] = payload;
    request.headers.Authorization = Utils.getAuthorization(request, algorithm, payload, accessKeyId, accessKeySecret);
    return request.headers.Authorization;
  }
  const stringToSign = Utils.getStringToSign(request);
  request.headers.authorization = `acs ${accessKeyId}:${Utils.getROASignature(stringToSign, accessKeySecret)}`;
  return request.headers.authorization;
}

/** The SDK's getTimestamp() format for a given time: YYYY-MM-DDTHH:mm:ssZ. */
function acsDate(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Our signOpenHttps input for the same call. */
export function oursSignInput(version, { time, nonce } = {}) {
  const input = {
    instanceId: INSTANCE_ID,
    clientToken: CLIENT_TOKEN,
    credentials: { ...KEY },
    regionId: REGION,
    signatureVersion: version,
  };
  if (time !== undefined) input.timestamp = time;
  if (nonce !== undefined) input.nonce = nonce;
  return input;
}

// ---------------------------------------------------------------------------------------------
// Statistics and output
// ---------------------------------------------------------------------------------------------

export function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile of unsorted numbers. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** Children report one JSON object on their last stdout line. */
export function report(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Minimal `--name value` argument parsing. */
export function args() {
  const out = {};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i += 2) out[argv[i].replace(/^--/, '')] = argv[i + 1];
  return out;
}

/** Runs `node args…` in the repository's root to completion; resolves to its stdout (rejects with its stderr). */
export function node(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} failed (${code}): ${err.trim()}`))));
  });
}

/** A child's JSON report: its last stdout line. */
export const lastJson = (out) => JSON.parse(out.trim().split('\n').pop());

/** The emulator in a process of its own (so it never shares the client's CPU accounting). */
export async function startEmulator() {
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-emu-'));
  const portFile = join(dir, 'port');
  const child = spawn(process.execPath, ['emulator/server.mjs', '--port-file', portFile], { cwd: root, stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(portFile); i += 1) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(portFile)) throw new Error('the emulator did not start');
  const port = Number(readFileSync(portFile, 'utf8').trim());
  rmSync(dir, { recursive: true, force: true });
  // A connection of its own per request (no keep-alive pool): between two admin requests a
  // caller may block for longer than the emulator keeps an idle connection open.
  // node:http is loaded here, not with this module: the e2e children import this file, and
  // the package loads node:http on its first request, inside what they measure.
  const http = await import('node:http');
  const admin = (method, path) => new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return {
    port,
    child,
    reset: () => admin('POST', '/__emulator/reset'),
    instance: (id) => admin('GET', `/__emulator/instances/${id}`),
    log: () => admin('GET', '/__emulator/log'),
  };
}
