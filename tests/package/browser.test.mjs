// The built package in a browser, the way users get it: `npm pack` of pkg/, installed into two
// throwaway projects, loaded in headless Chromium (playwright-core), calling the emulator for
// real, cross-origin (the emulator answers CORS):
//   - a Vite production build (`import … from 'aliyun-es-https'`, resolved through the exports
//     map's `default` entry; the wasm must come out as an asset of the build),
//   - a plain static page importing ./node_modules/aliyun-es-https/index.js, no bundler.
// Fixture sources: fixtures/browser (shared page logic), fixtures/vite, fixtures/static.
// Run by `node --test tests/package/` after scripts/build.sh.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium } from '../chromium.mjs';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked, repoDir } from './packed.mjs';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const viteBin = join(repoDir, 'node_modules', '.bin', 'vite');
const PAGE_TIMEOUT_MS = 30_000;

let emulator;
let browser;

before(async () => {
  emulator = await startEmulator();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await emulator?.close();
});

// --- helpers ----------------------------------------------------------------------------------

function copyFixture(name, project) {
  const dir = join(fixtures, name);
  for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(project, f));
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** A tiny static file server on 127.0.0.1 (GET/HEAD only; no listings; no escaping `root`). */
function serveStatic(root) {
  const served = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = resolve(root, '.' + path);
    if (file !== root && !file.startsWith(root + sep)) file = null;
    else if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    const ok = (req.method === 'GET' || req.method === 'HEAD') && file && existsSync(file) && statSync(file).isFile();
    served.push({ path, status: ok ? 200 : 404 });
    if (!ok) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      return res.end('not found');
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      done({
        url: `http://127.0.0.1:${server.address().port}`,
        served,
        close: () => new Promise((c) => server.close(c)),
      });
    });
  });
}

function run(cmd, args, cwd) {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * Opens `url` in a new page and waits for the page's report. Collects page errors, console
 * errors and warnings, failed requests and HTTP errors: a clean page has none. The one console
 * error Chromium always logs for an HTTP error answer to fetch ("Failed to load resource: … 400")
 * is expected for the call about the unknown instance `missingId`, and only for it.
 * `prepare(page)`, before the page is opened (e.g. to route a request).
 */
async function openPage(url, missingId, prepare) {
  const expected400 = `${emulator.url}/openapi/instances/${missingId}/actions/open-https?`;
  const page = await browser.newPage();
  await prepare?.(page);
  const problems = [];
  const requests = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.stack ?? e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const at = m.location()?.url ?? '';
    if (m.type() === 'error' && at.startsWith(expected400) && /^Failed to load resource: .* 400 /.test(m.text())) return;
    problems.push(`console.${m.type()}: ${m.text()} (at ${at})`);
  });
  page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    requests.push(`${r.request().method()} ${r.status()} ${r.url()}`);
    if (r.status() >= 400 && !r.url().startsWith(emulator.url)) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__report !== undefined, null, { timeout: PAGE_TIMEOUT_MS });
    return { report: await page.evaluate(() => window.__report), problems, requests };
  } catch (e) {
    return { report: null, failure: String(e.message ?? e).split('\n')[0], problems, requests };
  } finally {
    await page.close();
  }
}

function fileSizes(file) {
  const bytes = readFileSync(file);
  return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

function listFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The assertions both consumers share, on the report of one page. */
function pageTests(label, state) {
  const page = () => {
    const p = state.page;
    assert.ok(p, `${label}: the page was not loaded (an earlier step failed)`);
    assert.ok(
      p.report && !p.report.crashed,
      `${label}: the page gave no report: ${p.failure ?? p.report?.crashed}\n` +
        `problems:\n  ${p.problems.join('\n  ')}\nresponses:\n  ${p.requests.join('\n  ')}`,
    );
    return p.report;
  };

  test(`${label}: the page loads with no page errors, console errors or failed requests`, () => {
    page();
    assert.deepEqual(state.page.problems, []);
    assert.deepEqual(page().exports, ['function', 'function', 'function']);
    // The shipped file is minified, identifiers included: the public names are given back.
    assert.deepEqual(page().names, ['Client', 'configure', 'openHttps', 'Client']);
  });

  test(`${label}: openHttps turns HTTPS on for an active instance, once, cross-origin`, () => {
    const r = page().active;
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.result, true);
    assert.match(r.requestId, /^[0-9A-F-]{36}$/);
    assert.equal(r.clientToken, 'token-browser');
    assert.equal(emulator.applied(state.ids.active), 1);
  });

  test(`${label}: an unknown instance rejects with an OpenHttpsError InstanceNotFound`, () => {
    const r = page().missing;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.isError, true);
    assert.equal(r.name, 'OpenHttpsError');
    assert.equal(r.code, 'InstanceNotFound');
    assert.equal(r.message, 'The instanceId provided does not exist.');
    assert.equal(r.httpStatus, 400);
    assert.match(r.requestId, /^[0-9A-F-]{36}$/);
    assert.equal(r.retryable, false);
    assert.equal(emulator.applied(state.ids.missing), 0);
  });

  test(`${label}: configure() with a credentials provider, then the top-level openHttps`, () => {
    assert.equal(page().configure.ok, true, JSON.stringify(page().configure));
    const r = page().configured;
    assert.equal(r.ok && r.result, true, JSON.stringify(r));
    assert.match(r.clientToken, /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/);
    assert.equal(emulator.applied(state.ids.configured), 1);
  });

  test(`${label}: V1 is refused in a browser with UnsupportedRuntime, before sending`, () => {
    const r = page().v1;
    assert.equal(r.ok, false, JSON.stringify(r));
    assert.equal(r.name, 'OpenHttpsError');
    assert.equal(r.code, 'UnsupportedRuntime');
  });

  test(`${label}: fleet mode's code and wasm are fetched on the first ensureHttpsAll, which then turns HTTPS on`, () => {
    const { fleet, scriptsBefore, scriptsAfter } = page();
    assert.equal(fleet.ok, true, JSON.stringify(fleet));
    assert.deepEqual([fleet.total, fleet.https, fleet.changed, fleet.failed], [1, 1, 1, 0], JSON.stringify(fleet));
    assert.equal(emulator.applied(state.ids.fleet), 1);
    assert.ok(!scriptsBefore.some((p) => /fleet/.test(p)), `not loaded before: ${scriptsBefore.join(', ')}`);
    assert.ok(scriptsBefore.some((p) => /\.wasm$/.test(p)), `the package's wasm, loaded before: ${scriptsBefore.join(', ')}`);
    const added = scriptsAfter.filter((p) => !scriptsBefore.includes(p));
    assert.equal(added.length, 2, `a script and a wasm more: ${added.join(', ')}`);
    assert.ok(added.some((p) => /fleet[^/]*\.js$/.test(p)), `fleet.js: ${added.join(', ')}`);
    assert.ok(added.some((p) => /fleet[^/]*\.wasm$/.test(p)), `fleet mode's wasm: ${added.join(', ')}`);
  });
}

function freshIds(label) {
  const tag = `${label}-${process.pid}-${Date.now()}`;
  return { active: `es-active-${tag}`, configured: `es-active-cfg-${tag}`, missing: `es-cn-missing-${tag}`, fleet: `es-http-fleet-${tag}` };
}

function pageQuery(ids) {
  return new URLSearchParams({ emulator: emulator.url, ...ids }).toString();
}

// --- the Vite production build -----------------------------------------------------------------

describe('Vite production build', () => {
  const state = { ids: freshIds('vite') };
  let installed;
  let server;
  let build;

  before(async () => {
    installed = installPacked('vite');
    copyFixture('browser', installed.project);
    copyFixture('vite', installed.project);
    // Vite from the repository's node_modules, the project as root: `aliyun-es-https` resolves
    // from the project's own node_modules (the packed tarball).
    build = await run(viteBin, ['build', '--outDir', 'dist', '--emptyOutDir', '--logLevel', 'info'], installed.project);
    const dist = join(installed.project, 'dist');
    if (build.code === 0 && existsSync(join(dist, 'index.html'))) {
      server = await serveStatic(dist);
      state.page = await openPage(`${server.url}/?${pageQuery(state.ids)}`, state.ids.missing);
    }
  });

  after(async () => {
    await server?.close();
    installed?.remove();
  });

  test('vite build succeeds and emits the two wasms as assets the built JavaScript loads', () => {
    assert.equal(build.code, 0, `vite build failed:\n${build.stdout}\n${build.stderr}`);
    const dist = join(installed.project, 'dist');
    const files = listFiles(dist);
    const wasm = files.filter((f) => f.endsWith('.wasm'));
    const js = files.filter((f) => /\.m?js$/.test(f));
    // The figures first, so that they are reported even when an assertion below fails.
    const sizes = Object.fromEntries([...js, ...wasm].map((f) => [relative(dist, f), fileSizes(f)]));
    const total = (list) =>
      list.map((f) => sizes[relative(dist, f)]).reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip }), { raw: 0, gzip: 0 });
    console.log(`vite dist/ files (bytes; gzip -9): ${JSON.stringify(sizes)}`);
    console.log(`vite dist/ totals: js ${JSON.stringify(total(js))}, wasm ${JSON.stringify(total(wasm))}`);

    assert.equal(wasm.length, 2, `two .wasm in dist/: ${files.map((f) => relative(dist, f)).join(', ')}`);
    assert.ok(js.length >= 1, 'some JavaScript in dist/');
    for (const name of ['aliyun_es_https_bg.wasm', 'aliyun_es_https_fleet_bg.wasm']) {
      const packed = readFileSync(join(installed.project, 'node_modules', 'aliyun-es-https', name));
      const emitted = wasm.filter((f) => readFileSync(f).equals(packed));
      assert.equal(emitted.length, 1, `${name} is emitted, byte for byte`);
      // The built JavaScript must load the emitted asset (`loadWasm(new URL(…wasm,
      // import.meta.url))` in index.js and fleet.js). A bundler that drops that statement as
      // side-effect free still emits the asset, but nothing loads it and every call fails.
      const wasmFile = emitted[0].split(sep).pop();
      const loaders = js.filter((f) => readFileSync(f, 'utf8').includes(wasmFile));
      assert.ok(
        loaders.length > 0,
        `no built JavaScript refers to ${wasmFile}: the wasm is emitted but never loaded ` +
          `(index.js's top-level \`await loadWasm(...)\` was tree-shaken; see the package.json "sideEffects")`,
      );
    }
  });

  test('the page fetches the wasm asset from dist/ (served as application/wasm)', () => {
    assert.ok(state.page, 'the page was loaded');
    assert.ok(
      state.page.requests.some((r) => /^GET 200 .*\.wasm$/.test(r)),
      `a .wasm was fetched: ${state.page.requests.join(', ')}`,
    );
  });

  pageTests('vite', state);
});

// --- a plain static page, no bundler -----------------------------------------------------------

describe('plain static page (no bundler)', () => {
  const state = { ids: freshIds('static') };
  let installed;
  let server;

  before(async () => {
    installed = installPacked('static');
    copyFixture('browser', installed.project);
    copyFixture('static', installed.project);
    server = await serveStatic(installed.project);
    state.page = await openPage(`${server.url}/index.html?${pageQuery(state.ids)}`, state.ids.missing);
  });

  after(async () => {
    await server?.close();
    installed?.remove();
  });

  test('the page loads the package’s own files: index.js (the self-initialising glue) and the wasm', () => {
    const wanted = ['index.js', 'aliyun_es_https_bg.wasm'];
    for (const f of wanted) {
      assert.ok(
        server.served.some((s) => s.path === `/node_modules/aliyun-es-https/${f}` && s.status === 200),
        `${f} served: ${JSON.stringify(server.served)}`,
      );
    }
  });

  pageTests('static', state);

  test('static: the browser entry exports the public API only (no glue internals)', () => {
    assert.deepEqual(state.page?.report?.given, [
      'Client', 'closeHttps', 'configure', 'describeInstance', 'ensureHttps', 'ensureHttpsAll', 'instances',
      'isOpenHttpsError', 'listInstances', 'openHttps', 'signOpenHttps',
    ]);
  });

  /**
   * A page whose first request for `file` (beside index.js) fails with a 503: its first
   * ensureHttpsAll rejects with a NetworkError whose message matches `message`, and the next
   * call loads the file and turns HTTPS on, once.
   */
  async function fleetLoadFailsOnce(tag, file, message) {
    const ids = freshIds(tag);
    let asked = 0;
    const down = (page) =>
      page.route(`**/aliyun-es-https/${file}`, (route) => (++asked === 1 ? route.fulfill({ status: 503, body: 'down' }) : route.continue()));
    const p = await openPage(`${server.url}/index.html?${pageQuery(ids)}&again=1`, ids.missing, down);
    assert.ok(p.report && !p.report.crashed, p.failure ?? p.report?.crashed);
    const first = p.report.fleet;
    assert.equal(first.ok, false, JSON.stringify(first));
    assert.equal(first.name, 'OpenHttpsError');
    assert.equal(first.code, 'NetworkError');
    assert.match(first.message, message);
    const again = p.report.fleetAgain;
    assert.equal(again.ok, true, JSON.stringify(again));
    assert.deepEqual([again.https, again.changed], [1, 1]);
    assert.equal(asked, 2);
    assert.equal(emulator.applied(ids.fleet), 1);
  }

  test("static: fleet mode's wasm failing to load rejects ensureHttpsAll with a NetworkError; the next call loads it", () =>
    fleetLoadFailsOnce(
      'static-fleet-wasm',
      'aliyun_es_https_fleet_bg.wasm',
      /^the package's wasm \(http:\/\/127\.0\.0\.1:\d+\/node_modules\/aliyun-es-https\/aliyun_es_https_fleet_bg\.wasm\) could not be loaded: HTTP 503$/,
    ));

  test('static: a server that sends the wasm as application/octet-stream still serves a working page (compiled from its bytes)', async () => {
    const ids = freshIds('static-mime');
    let served = 0;
    const octets = (page) =>
      page.route('**/aliyun-es-https/aliyun_es_https_bg.wasm', async (route) => {
        const response = await route.fetch();
        served++;
        await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
      });
    const p = await openPage(`${server.url}/index.html?${pageQuery(ids)}`, ids.missing, octets);
    assert.equal(served, 1);
    assert.ok(p.report && !p.report.crashed, `${p.failure ?? p.report?.crashed}\n${p.problems.join('\n')}`);
    assert.deepEqual(p.problems, []);
    assert.equal(p.report.active?.ok, true, JSON.stringify(p.report.active));
    assert.equal(emulator.applied(ids.active), 1);
  });

  test('static: a wasm that cannot be fetched rejects the import with an OpenHttpsError NetworkError', async () => {
    const page = await browser.newPage();
    try {
      await page.route('**/aliyun-es-https/aliyun_es_https_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
      // Any page of the same origin: the entry is imported by hand, to see how it fails.
      await page.goto(`${server.url}/node_modules/aliyun-es-https/README.md`);
      const failure = await page.evaluate(() =>
        import('/node_modules/aliyun-es-https/index.js').then(
          () => null,
          (e) => ({ name: e.name, code: e.code, message: e.message }),
        ),
      );
      assert.equal(failure?.name, 'OpenHttpsError', JSON.stringify(failure));
      assert.equal(failure.code, 'NetworkError');
      assert.match(failure.message, /^the package's wasm \(http:\/\/127\.0\.0\.1:\d+\/node_modules\/aliyun-es-https\/aliyun_es_https_bg\.wasm\) could not be loaded: HTTP 404$/);
    } finally {
      await page.close();
    }
  });

  test('static: fleet.js failing to load rejects ensureHttpsAll with a NetworkError; the next call loads it', () =>
    fleetLoadFailsOnce('static-down', 'fleet.js', /^fleet mode's code \(fleet\.js, beside index\.js\) could not be loaded: /));
});
