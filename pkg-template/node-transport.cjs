'use strict';
// A `fetch`-shaped transport over node:http(s) for Node. Node's built-in fetch (undici) is
// much slower per request than `http.request` with a keep-alive agent, so in Node the package
// sends through this instead. It implements only what the package uses: `fetch(url, { method,
// headers (or headerList, a flat [name, value, …] list), signal, body })` resolving to `{ status, headers.get(), text() }`, with fetch's
// failure shapes (TypeError `fetch failed` with a `cause`; the signal's reason on abort).

// node:http and node:https are loaded on the first request, not with the package: a script
// that only signs (signOpenHttps) starts about 2 ms sooner. Each once: `require` costs a few
// microseconds even when cached.
const modules = {};
const protocolModule = (protocol) =>
  (modules[protocol] ??= require(protocol === 'https:' ? 'node:https' : 'node:http'));

/**
 * Longest answer read, in bytes. The API's answers are well under 64 KB; past this the body is
 * not read further and text() rejects with an error whose `code` is `AnswerTooLarge` (the
 * package reports it as a MalformedResponse).
 */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @param {{ maxSockets?: number, keepAliveTimeout?: number }} [options]
 *   `maxSockets` per host (default 64); `keepAliveTimeout`: ms an idle pooled connection is
 *   kept (default 4000, as undici; a shorter `Keep-Alive: timeout=` from the server wins),
 *   closed by a sweep at most half that time (and at most a second) later.
 */
function createNodeFetch(options = {}) {
  const { maxSockets = 64, keepAliveTimeout = 4000 } = options;
  const agents = {};
  // One pool per protocol, made on first use.
  const agentFor = (protocol) =>
    (agents[protocol] ??= idleClosingAgent(protocolModule(protocol).Agent, {
      keepAlive: true,
      maxSockets,
      scheduling: 'lifo', // reuse the warmest socket; the others age out
    }, keepAliveTimeout));

  // Each origin's parts, parsed once: a client sends every request to one origin, and a whole
  // URL parse per request costs more than signing it. The path is taken as is only when a URL
  // parse would leave it unchanged (plain characters, no dot segments); else the URL is parsed.
  const origins = new Map();
  function destination(url) {
    let plain = PLAIN_URL.exec(url);
    if (plain?.[2] && DOT_SEGMENT.test(plain[2])) plain = null;
    let target = plain && origins.get(plain[1]);
    if (!target) {
      try {
        target = new URL(plain ? plain[1] : url);
      } catch (err) {
        return new TypeError(`Failed to parse URL from ${url}`, { cause: err });
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        return new TypeError('fetch failed', { cause: new Error(`unsupported protocol ${target.protocol}`) });
      }
      target = {
        protocol: target.protocol,
        // node:http wants an IPv6 address without its brackets.
        hostname: target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname,
        port: target.port,
        host: target.host,
        path: `${target.pathname}${target.search}`,
      };
      if (!plain) return target;
      if (origins.size >= 16) origins.clear(); // a cache, not a record of every origin
      origins.set(plain[1], target);
    }
    return { ...target, path: plain[2] || '/' };
  }

  /**
   * One exchange: sends the request and reads the whole answer, then calls `done(err, status,
   * text, rawHeaders)` once — `err` with `status` 0: no answer (fetch's `fetch failed` or the
   * signal's reason); `err` with a status: the body failed (`terminated`, or `AnswerTooLarge`);
   * else the answer. `onHead(status, rawHeaders)`, if given, is called when the headers arrive
   * (before `done`). The package's driver uses this directly (no Response object, no promise);
   * `nodeFetch` wraps it in fetch's shape.
   */
  function exchange(url, init, done, onHead) {
    const { signal } = init;
    if (signal?.aborted) return done(abortReason(signal), 0);

    const dest = destination(url);
    if (dest instanceof Error) return done(dest, 0);
    const method = init.method ?? 'GET';
    const body = init.body ?? undefined;

    // A flat [name, value, …] list: Node writes it as is, without a setHeader call (and its
    // checks) per header. The request is signed over the URL's authority, so `host` is that
    // (written like fetch: no default port) unless the caller names a host header itself.
    // With a list Node adds no Content-Length, so it is added here as fetch sends it: the
    // body's byte length, and 0 for a body-less request other than GET or HEAD.
    // The package itself passes `headerList`, such a list already (lower-case names).
    let headers = init.headerList;
    let hasHost = false;
    let hasLength = false;
    if (headers) {
      for (let i = 0; i < headers.length; i += 2) {
        if (headers[i] === 'host') hasHost = true;
        else if (headers[i] === 'content-length') hasLength = true;
      }
    } else {
      headers = [];
      for (const [name, value] of headerPairs(init.headers)) {
        headers.push(name, value);
        const lower = name.toLowerCase();
        if (lower === 'host') hasHost = true;
        else if (lower === 'content-length') hasLength = true;
      }
    }
    if (!hasHost) headers.push('host', dest.host);
    if (!hasLength && (body !== undefined || (method !== 'GET' && method !== 'HEAD'))) {
      headers.push('content-length', String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength));
    }

    let req;
    let status = 0; // set when the headers arrived: failures are then the body's
    let rawHeaders;
    let over = false;
    const finish = (err, text) => {
      if (over) return; // the socket may serve another request by now
      over = true;
      signal?.removeEventListener('abort', onAbort); // a long-lived signal keeps no listener per call
      done(err, status, text, rawHeaders);
    };
    const stop = (reason) => {
      if (over) return;
      finish(reason);
      req.destroy(); // drops the socket (never pooled mid-request): the server sees it close
    };
    const onAbort = () => stop(abortReason(signal));

    try {
      req = protocolModule(dest.protocol).request({
        protocol: dest.protocol,
        hostname: dest.hostname,
        port: dest.port,
        path: dest.path,
        method,
        headers,
        agent: agentFor(dest.protocol),
      });
    } catch (err) {
      // Invalid header name/value or method: fetch throws a TypeError for these too.
      return done(new TypeError('fetch failed', { cause: err }), 0);
    }
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    // Without a signal, the cheaper way the package stops its own requests: it calls
    // `init.cancel()` (an AbortController per request costs more than this whole function).
    else init.cancel = () => stop(new DOMException('This operation was aborted', 'AbortError'));

    // Stays attached for the request's life: after an abort or a response, late socket
    // errors land here instead of becoming an uncaught 'error' event.
    req.on('error', (err) => finish(status ? new TypeError('terminated', { cause: err }) : new TypeError('fetch failed', { cause: err })));

    req.on('response', (res) => {
      status = res.statusCode;
      rawHeaders = res.rawHeaders;
      onHead?.(status, rawHeaders, res);
      // Read the body right away (as fetch does into its stream) so the socket goes back to
      // the pool even if the body is never used.
      const chunks = [];
      let received = 0;
      // `res.complete` is the parser's word that the whole message arrived. Without it the
      // connection ended before Content-Length bytes or the last chunk: fetch rejects
      // (`terminated`) rather than give a partial body, and so do we.
      const end = () => {
        if (over) return;
        if (!res.complete) {
          return finish(new TypeError('terminated', { cause: new Error('the connection closed before the whole body arrived') }));
        }
        let text;
        try {
          // As fetch's text(): UTF-8, bad bytes → U+FFFD, a leading BOM dropped. (Buffer's
          // own decoder: a TextDecoder costs more per call than the rest of this handler.)
          text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        } catch (err) {
          return finish(err); // never a throw out of an event handler
        }
        finish(null, text);
      };
      res.on('data', (chunk) => {
        if (over) return;
        received += chunk.length;
        if (received > MAX_BODY_BYTES) {
          chunks.length = 0;
          const err = new RangeError(`answer too large: more than ${MAX_BODY_BYTES} bytes`);
          err.code = 'AnswerTooLarge';
          finish(err);
          req.destroy(); // stop reading: the socket is dropped, not pooled
          return;
        }
        chunks.push(chunk);
      });
      // Whichever comes first settles; the others are no-ops. A whole body gives 'end'. A cut
      // connection gives 'error' (`aborted`, ECONNRESET) and no 'end' (older Nodes gave
      // 'aborted' then 'end': hence the `complete` check there too). 'close' always comes
      // last, so `done` is always called.
      res.on('end', end);
      res.on('error', (err) => finish(new TypeError('terminated', { cause: err })));
      res.on('close', end);
    });

    req.end(body);
  }

  /** `fetch(url, init)` over `exchange`: the Response's body is read into memory. */
  function nodeFetch(url, init = {}) {
    return new Promise((resolve, reject) => {
      let settleBody;
      let outcome;
      exchange(
        url,
        init,
        (err, status, text) => {
          if (!status) return reject(err);
          if (settleBody) settleBody(err, text);
          else outcome = [err, text];
        },
        (status, raw, res) => {
          const body = new Promise((ok, fail) => {
            settleBody = (err, text) => (err ? fail(err) : ok(text));
            if (outcome) settleBody(...outcome);
          });
          body.catch(() => {}); // an unread body's failure is not an unhandled rejection
          let used = false;
          resolve({
            status,
            statusText: res.statusMessage ?? '',
            ok: status >= 200 && status < 300,
            headers: responseHeaders(raw),
            text() {
              if (used) return Promise.reject(new TypeError('Body is unusable: Body has already been read'));
              used = true;
              return body;
            },
          });
        },
      );
    });
  }
  nodeFetch.exchange = exchange;
  nodeFetch.headerOf = headerOf;
  return nodeFetch;
}

/**
 * A keep-alive agent whose idle pooled sockets are closed after `idleMs` (or the shorter
 * `Keep-Alive: timeout=` the server sent, as Node's agent honours it). Not through the agent's
 * `timeout` option: that arms a timer on the socket every time it is freed and refreshes it on
 * every read and write while it is busy — several microseconds per request. Instead a freed
 * socket is stamped, and one unref'd sweep every `idleMs / 2` (at most every second) closes
 * the stale ones.
 */
function idleClosingAgent(Agent, options, idleMs) {
  const IDLE_SINCE = Symbol('idleSince');
  const IDLE_LIMIT = Symbol('idleLimit');
  const agent = new Agent(options);
  let sweeper = null;
  const sweep = () => {
    const now = Date.now();
    let left = 0;
    for (const sockets of Object.values(agent.freeSockets)) {
      for (const socket of [...sockets]) {
        if (now - socket[IDLE_SINCE] >= socket[IDLE_LIMIT]) socket.destroy(); // the agent drops it
        else left++;
      }
    }
    if (left === 0) {
      clearInterval(sweeper);
      sweeper = null;
    }
  };
  const keep = agent.keepSocketAlive;
  agent.keepSocketAlive = function (socket) {
    if (!keep.call(this, socket)) return false;
    let limit = idleMs;
    const hint = /^timeout=(\d+)/.exec(socket._httpMessage?.res?.headers['keep-alive'] ?? '')?.[1];
    if (hint) limit = Math.min(limit, Number(hint) * 1000 - 1000);
    if (limit <= 0) return false; // the server closes it at once: not pooled
    socket[IDLE_SINCE] = Date.now();
    socket[IDLE_LIMIT] = limit;
    if (!sweeper) {
      sweeper = setInterval(sweep, Math.max(10, Math.min(idleMs, 2000) / 2));
      sweeper.unref();
    }
    return true;
  };
  return agent;
}

/**
 * `origin` and `path` of a URL whose path and query a URL parse would not change: http(s), no
 * user info, only characters that need no encoding (no quote, space or non-ASCII), no fragment,
 * no empty query (a parse drops a lone `?`).
 * DOT_SEGMENT finds what a parse would resolve away (`/./`, `/../`, also percent-encoded).
 */
const PLAIN_URL = /^(https?:\/\/[A-Za-z0-9.\-:[\]]+)(\/[A-Za-z0-9\-_.~%!$&()*+,;=:@/]*(?:\?[A-Za-z0-9\-_.~%!$&()*+,;=:@/?]+)?)?$/i;
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?:[/?]|$)/i;

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
 * The value of header `name` (lower case) in a raw [name, value, …] list, as fetch's
 * Headers#get gives it: case-insensitive, every value of a repeated header joined with ', '
 * (Node's `res.headers` keeps only the first of some, such as content-type); null if absent.
 */
function headerOf(raw, name) {
  let value = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toLowerCase() === name) value = value === null ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}

/** fetch's Headers#get and has over the raw list (see `headerOf`). */
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

module.exports = { createNodeFetch, headerOf, MAX_BODY_BYTES };
