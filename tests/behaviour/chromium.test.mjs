// Every behaviour scenario (scenarios.mjs — the wasm crate's former Rust tests, ported to the
// public JS API) run in headless Chromium against the packed package: `npm pack` installed
// into a throwaway project, whose files are served on 127.0.0.1 with scenarios.mjs and a page
// that imports `aliyun-es-https/index.js` (the browser entry, through an import map, no
// bundler). The page runs the scenarios one after the other against the emulator (another
// origin: the emulator answers CORS) and reports each one's outcome; here each becomes one
// test, failing with the page's message. Run: `node --test tests/behaviour/`.
import { test, before, after } from 'node:test';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../chromium.mjs';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked } from '../package/packed.mjs';
import { scenarios } from './scenarios.mjs';

const SCENARIOS_FILE = fileURLToPath(new URL('./scenarios.mjs', import.meta.url));
const PKG_PREFIX = '/node_modules/aliyun-es-https/';
/** One scenario's limit in the page, and the whole page's. */
const SCENARIO_TIMEOUT_MS = 30_000;
const PAGE_TIMEOUT_MS = 300_000;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <link rel="icon" href="data:," />
    <title>aliyun-es-https behaviour scenarios</title>
    <script type="importmap">{ "imports": { "aliyun-es-https/": "${PKG_PREFIX}" } }</script>
  </head>
  <body>
    <script type="module">
      const report = { results: [] };
      const timeout = (ms) =>
        new Promise((_, reject) => setTimeout(() => reject(new Error('scenario timed out after ' + ms + ' ms')), ms));
      try {
        const api = await import('aliyun-es-https/index.js');
        const { scenarios, makeEnv } = await import('/scenarios.mjs');
        const emulator = new URLSearchParams(location.search).get('emulator');
        for (const s of scenarios) {
          const lines = [];
          const env = makeEnv({ emulator, inNode: false, log: (line) => lines.push(line) });
          const started = performance.now();
          let error = null;
          try {
            await Promise.race([s.run(api, env), timeout(${SCENARIO_TIMEOUT_MS})]);
          } catch (e) {
            error = { message: e instanceof Error ? e.name + ': ' + e.message : String(e), stack: String(e?.stack ?? '') };
          }
          report.results.push({ name: s.name, ok: error === null, error, lines, ms: Math.round(performance.now() - started) });
          window.__done = report.results.length;
        }
      } catch (e) {
        report.crashed = String(e?.stack ?? e);
      }
      window.__report = report;
    </script>
  </body>
</html>
`;

const MIME = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Serves the page, scenarios.mjs and the installed package's files, on 127.0.0.1. */
function serve(packageDir) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = null;
    let body = null;
    if (path === '/') body = Buffer.from(PAGE);
    else if (path === '/scenarios.mjs') file = SCENARIOS_FILE;
    else if (path.startsWith(PKG_PREFIX)) {
      const f = resolve(packageDir, '.' + path.slice(PKG_PREFIX.length - 1));
      if (f.startsWith(packageDir + sep) && existsSync(f) && statSync(f).isFile()) file = f;
    }
    if (file) body = readFileSync(file);
    if (body === null || req.method !== 'GET') {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const type = file ? (MIME[extname(file)] ?? 'application/octet-stream') : 'text/html; charset=utf-8';
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Cache-Control': 'no-store' });
    res.end(body);
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      done({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((c) => server.close(c)),
      });
    });
  });
}

let emulator;
let installed;
let server;
let browser;
/** `{ report, problems, failure? }` of the page. */
const page = { report: null, problems: [], failure: null };

before(async () => {
  emulator = await startEmulator();
  installed = installPacked('behaviour-chromium');
  server = await serve(join(installed.project, 'node_modules', 'aliyun-es-https'));
  browser = await launchChromium();
  const tab = await browser.newPage();
  // Uncaught errors and unhandled rejections of the page (HTTP error answers the scenarios
  // provoke on purpose also log console errors: those are not collected).
  tab.on('pageerror', (e) => page.problems.push(`pageerror: ${e.stack ?? e.message}`));
  try {
    await tab.goto(`${server.url}/?${new URLSearchParams({ emulator: emulator.url })}`);
    await tab.waitForFunction(() => window.__report !== undefined, null, { timeout: PAGE_TIMEOUT_MS, polling: 200 });
    page.report = await tab.evaluate(() => window.__report);
  } catch (e) {
    const done = await tab.evaluate(() => window.__done).catch(() => undefined);
    page.failure = `${String(e.message ?? e).split('\n')[0]} (scenarios finished: ${done ?? 0})`;
  }
  if (page.problems.length) console.log(`page errors:\n  ${page.problems.join('\n  ')}`);
});

after(async () => {
  await browser?.close();
  await server?.close();
  await emulator?.close();
  installed?.remove();
});

for (const s of scenarios) {
  test(s.name, (t) => {
    if (!page.report || page.report.crashed) {
      throw new Error(
        `the page gave no report: ${page.failure ?? page.report?.crashed ?? 'before() failed'}` +
          (page.problems.length ? `\n${page.problems.join('\n')}` : ''),
      );
    }
    const r = page.report.results.find((x) => x.name === s.name);
    if (!r) throw new Error('the page did not run this scenario');
    for (const line of r.lines) t.diagnostic(line);
    t.diagnostic(`${r.ms} ms in the page`);
    if (!r.ok) {
      const e = new Error(r.error.message);
      e.stack = `${r.error.message}\n(in Chromium) ${r.error.stack}`;
      throw e;
    }
  });
}
