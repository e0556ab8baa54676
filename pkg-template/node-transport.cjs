'use strict';
// A `fetch`-shaped transport over node:http(s) for Node. Node's built-in fetch (undici) is
// much slower per request than `http.request` with a keep-alive agent, so in Node the package
// sends through this instead. It implements only what the package uses: `fetch(url, { method,
// headers, signal, body })` resolving to `{ status, headers.get(), text() }`, with fetch's
// failure shapes (TypeError `fetch failed` with a `cause`; the signal's reason on abort).

// node:http and node:https are loaded on the first request, not with the package: a script
// that only signs (signOpenHttps) starts about 2 ms sooner.
const protocolModule = (protocol) => require(protocol === 'https:' ? 'node:https' : 'node:http');

/**
 * Longest answer read, in bytes. The API's answers are well under 64 KB; past this the body is
 * not read further and text() rejects with an error whose `code` is `AnswerTooLarge` (the
 * package reports it as a MalformedResponse).
 */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @param {{ maxSockets?: number, keepAliveTimeout?: number }} [options]
 *   `maxSockets` per host (default 64); `keepAliveTimeout`: ms an idle pooled connection is
 *   kept (default 4000, as undici; a shorter `Keep-Alive: timeout=` from the server wins).
 */
function createNodeFetch(options = {}) {
  const { maxSockets = 64, keepAliveTimeout = 4000 } = options;
  const agents = {};
  // One pool per protocol, made on first use. `timeout` on a keep-alive agent is the idle
  // limit of pooled sockets (and lets Node honour the server's Keep-Alive hint); it only
  // emits 'timeout' on a busy socket, which nobody listens to: the caller's signal times out.
  const agentFor = (protocol) =>
    (agents[protocol] ??= new (protocolModule(protocol).Agent)({
      keepAlive: true,
      maxSockets,
      scheduling: 'lifo', // reuse the warmest socket; the others age out
      timeout: keepAliveTimeout,
    }));

  return function nodeFetch(url, init = {}) {
    return new Promise((resolve, reject) => {
      const { signal } = init;
      if (signal?.aborted) return reject(abortReason(signal));

      let target;
      try {
        target = new URL(url);
      } catch (err) {
        return reject(new TypeError(`Failed to parse URL from ${url}`, { cause: err }));
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return reject(new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) }));
      }

      // The request is signed over the URL's authority, so `host` is that (written like
      // fetch: no default port) unless the caller names a host header itself.
      const headers = {};
      let hasHost = false;
      for (const [name, value] of headerPairs(init.headers)) {
        headers[name] = value;
        if (name.toLowerCase() === 'host') hasHost = true;
      }
      if (!hasHost) headers.host = target.host;

      let req;
      let settleBody = null; // once headers arrived, failures go to text() instead
      const onAbort = () => {
        const reason = abortReason(signal);
        if (settleBody) settleBody(reason);
        else reject(reason);
        req.destroy(); // drops the socket (never pooled mid-request): the server sees it close
      };
      // Called once the exchange is over, so a long-lived signal keeps no listener per call.
      const done = () => signal?.removeEventListener('abort', onAbort);

      try {
        req = protocolModule(target.protocol).request(target, {
          method: init.method ?? 'GET',
          headers,
          agent: agentFor(target.protocol),
        });
      } catch (err) {
        // Invalid header name/value or method: fetch throws a TypeError for these too.
        return reject(new TypeError('fetch failed', { cause: err }));
      }
      signal?.addEventListener('abort', onAbort, { once: true });

      // Stays attached for the request's life: after an abort or a response, late socket
      // errors land here instead of becoming an uncaught 'error' event.
      req.on('error', (err) => {
        if (settleBody) return settleBody(new TypeError('terminated', { cause: err }));
        done();
        reject(new TypeError('fetch failed', { cause: err }));
      });

      req.on('response', (res) => {
        const chunks = [];
        // Read the body right away (as fetch does into its stream) so the socket goes back to
        // the pool even if text() is never called; text() hands out the outcome.
        const body = new Promise((ok, fail) => {
          let settled = false;
          settleBody = (err) => {
            if (settled) return;
            settled = true;
            done();
            fail(err);
          };
          // `res.complete` is the parser's word that the whole message arrived. Without it the
          // connection ended before Content-Length bytes or the last chunk: fetch rejects
          // (`terminated`) rather than give a partial body, and so do we.
          const finish = () => {
            if (settled) return;
            if (!res.complete) {
              return settleBody(new TypeError('terminated', { cause: new Error('the connection closed before the whole body arrived') }));
            }
            let text;
            try {
              // TextDecoder, like fetch's text(): UTF-8, a leading BOM dropped, bad bytes → U+FFFD.
              text = new TextDecoder().decode(Buffer.concat(chunks));
            } catch (err) {
              return settleBody(err); // never a throw out of an event handler
            }
            settled = true;
            done();
            ok(text);
          };
          let received = 0;
          res.on('data', (chunk) => {
            if (settled) return;
            received += chunk.length;
            if (received > MAX_BODY_BYTES) {
              chunks.length = 0;
              const err = new RangeError(`answer too large: more than ${MAX_BODY_BYTES} bytes`);
              err.code = 'AnswerTooLarge';
              settleBody(err);
              req.destroy(); // stop reading: the socket is dropped, not pooled
              return;
            }
            chunks.push(chunk);
          });
          // Whichever comes first settles; the others are no-ops. A whole body gives 'end'.
          // A cut connection gives 'error' (`aborted`, ECONNRESET) and no 'end' (older Nodes
          // gave 'aborted' then 'end': hence the `complete` check there too). 'close' always
          // comes last, so the promise never stays pending.
          res.on('end', finish);
          res.on('error', (err) => settleBody(new TypeError('terminated', { cause: err })));
          res.on('close', finish);
        });
        body.catch(() => {}); // an unread body's failure is not an unhandled rejection
        let used = false;
        resolve({
          status: res.statusCode,
          statusText: res.statusMessage ?? '',
          ok: res.statusCode >= 200 && res.statusCode < 300,
          headers: responseHeaders(res.rawHeaders),
          text() {
            if (used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
            used = true;
            return body;
          },
        });
      });

      // Node adds Content-Length (also 0 for a body-less POST, as fetch does).
      req.end(init.body ?? undefined);
    });
  };
}

/** fetch rejects with the signal's reason: an `AbortError` DOMException for a plain abort(). */
function abortReason(signal) {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** [name, value] pairs from a plain object (what the package passes), a Headers or pairs. */
function headerPairs(headers) {
  if (!headers) return [];
  if (typeof headers[Symbol.iterator] === 'function') return [...headers];
  return Object.entries(headers);
}

/**
 * fetch's Headers#get over the raw list: case-insensitive, every value of a repeated header
 * joined with ', ' (Node's `res.headers` keeps only the first of some, such as content-type).
 */
function responseHeaders(raw) {
  const map = new Map();
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    map.set(name, map.has(name) ? `${map.get(name)}, ${raw[i + 1]}` : raw[i + 1]);
  }
  return {
    get: (name) => map.get(String(name).toLowerCase()) ?? null,
    has: (name) => map.has(String(name).toLowerCase()),
  };
}

module.exports = { createNodeFetch, MAX_BODY_BYTES };
