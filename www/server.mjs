#!/usr/bin/env node
// The demo page's server (Node standard library only):
//
//   node www/server.mjs [--port N] [--activation-ms MS] [--catalogue N]
//
// It starts the OpenHttps emulator in-process (on its own free port) and one HTTP server on
// 127.0.0.1 that
//   - serves www/ at `/` and the built package pkg/ at `/pkg/` (GET and HEAD),
//   - forwards every other request (`/openapi/…`, `/__emulator/…`, any OPTIONS or POST) to
//     the emulator unchanged — method, path, query, headers including the browser's Host,
//     body — and streams the answer back.
// So the page and the API share one origin: the demo needs no CORS, and the Host the browser
// sends (this server's `127.0.0.1:PORT`, which the library signs because the page's endpoint
// is its own origin) is exactly the Host the emulator checks the signature against.
//
// The emulator starts with its default catalogue (ListInstance: the two seeded ids, then
// prod-logs on HTTPS, prod-search and staging-search on HTTP, dev-sandbox without client nodes,
// an inactive and an invalid one) and a lifecycle change that takes DEMO_ACTIVATION_MS, long
// enough to watch a row's Enable HTTPS go through its phases. `--catalogue N` lists the
// emulator's generated catalogue of N instances instead (a mix of HTTPS, HTTP, busy, no client
// node and inactive ones: emulator/README.md), e.g. 30 to watch "Enable HTTPS on all shown".
//
// Prints one line, `demo: open http://127.0.0.1:PORT/`, and stops on SIGINT/SIGTERM.
// Tests use `startDemo({ port, activationMs, catalogue, instances })` →
// `{ url, port, emulator, close() }`.

import http from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '../emulator/emulator.mjs';

/** How long an instance stays `activating` after OpenHttps (the emulator's default is 1 s). */
export const DEMO_ACTIVATION_MS = 2500;

const WWW_DIR = fileURLToPath(new URL('.', import.meta.url));
const PKG_DIR = fileURLToPath(new URL('../pkg/', import.meta.url));

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// The page loads nothing from elsewhere; the policy makes that a rule (and keeps an injected
// script from sending the access key anywhere but here or the real gateway). wasm needs
// 'wasm-unsafe-eval'. Same policy as the <meta> in index.html, plus frame-ancestors.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' https://*.aliyuncs.com",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

// Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: a proxy
// must not pass them on. None of them is signed (the signature covers host and x-acs-*), and
// Node re-frames the body itself (Content-Length is end-to-end and is kept).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** rawHeaders minus the hop-by-hop ones (and any the Connection header names), order and case kept. */
function endToEndHeaders(rawHeaders) {
  const drop = new Set(HOP_BY_HOP);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'connection') {
      for (const token of rawHeaders[i + 1].split(',')) drop.add(token.trim().toLowerCase());
    }
  }
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (!drop.has(rawHeaders[i].toLowerCase())) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

function sendText(res, status, text, extra = {}) {
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...extra,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Forwards the request to the emulator as received and streams the answer back. */
function forward(req, res, emulator) {
  const upstream = http.request({
    host: '127.0.0.1',
    port: emulator.port,
    method: req.method,
    path: req.url, // raw path and query, exactly as received: the signature covers them
    // An array is sent as is: Node adds no Host of its own, so the browser's Host goes on.
    headers: endToEndHeaders(req.rawHeaders),
    agent: false, // one connection per request: nothing lingers when the demo stops
  });
  upstream.on('response', (answer) => {
    res.writeHead(answer.statusCode, answer.statusMessage, endToEndHeaders(answer.rawHeaders));
    pipeline(answer, res, () => {});
  });
  upstream.on('error', (err) => {
    if (!res.headersSent) sendText(res, 502, `demo server: the emulator did not answer (${err.message})`);
    else res.destroy();
  });
  pipeline(req, upstream, () => {});
}

/**
 * Maps a decoded URL path below `root` to a file, or null. Refuses anything that would leave
 * `root`: `..` segments (also percent-encoded ones, which arrive decoded here), NUL bytes, and
 * symbolic links pointing outside.
 */
async function resolveFile(root, relative) {
  if (relative.includes('\0')) return null;
  const rootReal = await realpath(root);
  const candidate = path.join(rootReal, relative);
  const inside = (p, base) => p === base || p.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
  if (!inside(candidate, rootReal)) return null;
  let file = candidate;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = path.join(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) return null;
    const real = await realpath(file);
    if (!inside(real, rootReal)) return null;
    return { file: real, size: info.size };
  } catch {
    return null;
  }
}

async function serveStatic(req, res, rawPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return sendText(res, 400, 'bad request: malformed percent-encoding in the path');
  }
  if (decoded.split(/[\\/]/).includes('..')) return sendText(res, 403, 'forbidden: path traversal');

  const inPkg = decoded === '/pkg' || decoded.startsWith('/pkg/');
  const root = inPkg ? PKG_DIR : WWW_DIR;
  const relative = inPkg ? decoded.slice('/pkg'.length) : decoded;
  const found = await resolveFile(root, relative);
  if (!found) return sendText(res, 404, `not found: ${decoded}`);

  const type = MIME_TYPES[path.extname(found.file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': found.size,
    // A development server: always the files as they are now (pkg/ is rebuilt in place).
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  });
  if (req.method === 'HEAD') return res.end();
  pipeline(createReadStream(found.file), res, () => {});
}

function isStatic(req, rawPath) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  return !rawPath.startsWith('/openapi/') && !rawPath.startsWith('/__emulator/');
}

/**
 * Starts the emulator and the demo server.
 * @param {{ port?: number, activationMs?: number, catalogue?: number | object[] | false, instances?: object }} [options]
 *   port 0 (the default) picks a free port; activationMs: how long a lifecycle change stays
 *   activating (DEMO_ACTIVATION_MS); catalogue and instances: the emulator's options of those
 *   names (default: its default catalogue, no extra instances), e.g. `catalogue: 30` for ~30
 *   generated instances
 * @returns {Promise<{ url: string, port: number, emulator: import('../emulator/emulator.mjs').Emulator, close(): Promise<void> }>}
 */
export async function startDemo({ port = 0, activationMs = DEMO_ACTIVATION_MS, catalogue, instances } = {}) {
  // The default catalogue is the demo's list unless told otherwise; only the activation time
  // is the demo's own.
  const options = { activationMs };
  if (catalogue !== undefined) options.catalogue = catalogue;
  if (instances !== undefined) options.instances = instances;
  const emulator = await startEmulator(options);
  const server = http.createServer((req, res) => {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const rawPath = q === -1 ? target : target.slice(0, q);
    if (!rawPath.startsWith('/')) return sendText(res, 400, 'bad request: the target must be a path');
    if (!isStatic(req, rawPath)) return forward(req, res, emulator);
    serveStatic(req, res, rawPath).catch((err) => {
      if (!res.headersSent) sendText(res, 500, `demo server: ${err.message}`);
      else res.destroy();
    });
  });
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await emulator.close();
    throw err;
  }
  const actualPort = server.address().port;
  let closing;
  return {
    url: `http://127.0.0.1:${actualPort}/`,
    port: actualPort,
    emulator,
    close() {
      closing ??= Promise.all([
        new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        emulator.close(),
      ]).then(() => {});
      return closing;
    },
  };
}

// Run as a program (not when imported by a test).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let port;
  let activationMs;
  let catalogue;
  try {
    const { values } = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'activation-ms': { type: 'string', default: String(DEMO_ACTIVATION_MS) },
        catalogue: { type: 'string' },
      },
      strict: true,
    });
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) throw new Error(`bad --port ${values.port}`);
    activationMs = Number(values['activation-ms']);
    if (!/^\d+$/.test(values['activation-ms'])) throw new Error(`bad --activation-ms ${values['activation-ms']}`);
    if (values.catalogue !== undefined) {
      if (!/^\d{1,5}$/.test(values.catalogue)) throw new Error(`bad --catalogue ${values.catalogue}`);
      catalogue = Number(values.catalogue);
    }
  } catch (err) {
    process.stderr.write(`${err.message}\nusage: node www/server.mjs [--port N] [--activation-ms MS] [--catalogue N]\n`);
    process.exit(2);
  }
  const demo = await startDemo({ port, activationMs, catalogue });
  process.stdout.write(`demo: open ${demo.url}\n`);
  const stop = () => demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
