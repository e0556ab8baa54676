// The calls of `Client` (openHttps, closeHttps, describeInstance, listInstances, instances,
// ensureHttps; ensureHttpsAll is fleet.js): they perform the steps the wasm decides. Each call
// is a handle on the wasm's call machine (crates/wasm/src/steps.rs): the wasm validates,
// signs, parses and decides when to retry, wait or stop; this file only sends, reads the
// answer, runs the timers and listens to the caller's signal. Shared by the browser entry
// (appended to the web glue) and the Node entry (driver.cjs).

/** Step numbers of a call (steps.rs) and of an ensure (ensure.rs). */
const DONE = -1;
const FAIL = -2;
const LOOK = -3;
const OPEN = -4;
const STOPPED = -5;

/** Longest answer read, in UTF-16 units (the Node transport caps at 1 MiB of bytes). */
const MAX_BODY_CHARS = 1024 * 1024;

/** Why an attempt ended without a usable answer (steps.rs, `why`). */
const WHY_CREDENTIALS = 0;
const WHY_CREDENTIALS_TIMEOUT = 1;
const WHY_NETWORK = 2;
const WHY_TIMEOUT = 3;
const WHY_TOO_LARGE = 4;
const WHY_NOT_A_RESPONSE = 5;
const WHY_NO_TEXT = 6;
const WHY_BODY = 7;
const WHY_CREDENTIALS_ANSWER = 8;

/**
 * The answer's headers the wasm reads (`__answer`, steps.rs), one per line: the server's
 * clock, and how long it asks us to wait. `header(name)` is a header's value or `''`.
 */
function answerHeaders(header) {
  return `${header('date')}\n${header('x-acs-retry-after')}\n${header('retry-after')}`;
}

/**
 * Resolves `true` after `ms`, or `false` as soon as `signal` aborts (at once if it has).
 */
function sleep(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls a caller's callback (progress, events) with `arg`, ignoring what it throws — and what
 * it rejects with: a display must not stop the work, nor crash Node with an unhandled rejection.
 */
function callIgnoring(callback, arg) {
  try {
    const returned = callback(arg);
    if (returned && typeof returned.then === 'function') returned.then(undefined, () => {});
  } catch {
    // ignored: see above
  }
}

/**
 * Makes the package's `Client` (and `configure`, `signOpenHttps`, the default client) over the
 * wasm's client configurations (client.rs), and adds the calls. `w`: the wasm's exports;
 * `ownFetch`: the package's own transport in this runtime (Node: keep-alive node:http),
 * stopped through the `cancel` it puts on `init`; else the global fetch. A client's `fetch`
 * option wins over both.
 */
function installDriver(w, ownFetch) {
  /** A client's handle on its configuration in the wasm; 0 once freed. */
  const HANDLE = Symbol('configuration');
  // A client nobody can reach any more frees its configuration.
  const unreachable = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry(w.__freeClient) : undefined;
  /** `client` (a new object of the class) over configuration handle `h`. */
  const adopt = (client, h) => {
    client[HANDLE] = h;
    unreachable?.register(client, h, client);
    return client;
  };
  /**
   * A configured connection to the Elasticsearch API. Construction validates the
   * configuration and throws an `OpenHttpsError` when something is wrong; nothing is sent
   * until a call.
   */
  class Client {
    constructor(config) {
      adopt(this, w.__client(...clientArgs(config)));
    }

    /** Frees the configuration (calls under way keep theirs); may be repeated. */
    free() {
      const h = this[HANDLE];
      if (!h) return;
      this[HANDLE] = 0;
      unreachable?.unregister(this);
      w.__freeClient(h);
    }
  }
  // `using client = new Client(…)` frees it at the end of the block.
  if (typeof Symbol.dispose === 'symbol') Client.prototype[Symbol.dispose] = Client.prototype.free;
  /** A Client over another handle on `client`'s configuration: see `__share`. */
  const shared = (client) => adopt(Object.create(Client.prototype), w.__share(client[HANDLE]));
  /** Whether `client` still holds its configuration. */
  const isOpen = (client) => client[HANDLE] > 0;
  /**
   * One attempt of call `h` within `ms`: credentials, signing, the request, the whole answer.
   * Resolves with the call's next step; never rejects.
   */
  function attempt(h, ms, signal, custom) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve(w.__abort(h, undefined));
      let over = false;
      let pending; // the credentials function's Promise, while waiting for it
      let controller;
      let init;
      const end = (next) => {
        over = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(next);
      };
      // The attempt's time ran out, or the caller aborted: stop the request, release its
      // connection, and tell the call.
      const stop = (aborted) => {
        if (over) return;
        if (pending) return end(aborted ? w.__abort(h, pending) : w.__failed(h, WHY_CREDENTIALS_TIMEOUT, undefined, 0, pending));
        // What the stopped request reports now (the package's transport: at once) is not
        // this attempt's outcome.
        over = true;
        if (controller) controller.abort();
        else if (typeof init?.cancel === 'function') {
          try {
            init.cancel();
          } catch {
            // the request is given up either way
          }
        }
        end(aborted ? w.__abort(h, undefined) : w.__failed(h, WHY_TIMEOUT, undefined, 0, undefined));
      };
      const onAbort = () => stop(true);
      // One timer bounds the whole attempt, the wait for credentials included.
      const timer = setTimeout(stop, ms, false);
      signal?.addEventListener('abort', onAbort);

      const read = (response) => {
        if (over) return;
        let status;
        let text;
        try {
          status = response.status;
          text = response.text;
        } catch {
          // a replacement fetch may resolve to anything: judged below
        }
        if (typeof status !== 'number' || !(status >= 100 && status <= 599) || status % 1 !== 0) {
          return end(w.__failed(h, WHY_NOT_A_RESPONSE, undefined, 0, undefined));
        }
        if (typeof text !== 'function') return end(w.__failed(h, WHY_NO_TEXT, undefined, status, undefined));
        let body;
        try {
          body = text.call(response);
        } catch (e) {
          return end(w.__failed(h, WHY_NETWORK, describeThrown(e), 0, undefined));
        }
        // A connection dropped while the body streams rejects here: no usable answer, and the
        // change may or may not have been applied — a retry with the same clientToken tells.
        Promise.resolve(body).then(
          (body) => {
            if (over) return;
            // The same cap for any other fetch, before the text is copied into the wasm.
            if (typeof body === 'string' && body.length > MAX_BODY_CHARS) {
              return end(w.__failed(h, WHY_TOO_LARGE, undefined, status, undefined));
            }
            let headers;
            try {
              headers = response.headers;
            } catch {
              // no headers: none of them is read
            }
            const header = (name) => {
              try {
                const value = headers.get(name);
                // A real Headers never holds a line break; a stand-in's would split the list.
                return typeof value === 'string' && !value.includes('\n') ? value : '';
              } catch {
                return '';
              }
            };
            end(w.__answer(h, status, typeof body === 'string' ? body : '', answerHeaders(header)));
          },
          (e) => {
            if (over) return;
            // The Node transport stops reading past its cap (node-transport.cjs).
            const tooLarge = e?.code === 'AnswerTooLarge';
            end(w.__failed(h, tooLarge ? WHY_TOO_LARGE : WHY_BODY, describeThrown(e), status, undefined));
          },
        );
      };

      const send = (signed) => {
        // `method \n url \n name \n value …` (steps.rs, `sign`).
        const parts = signed.split('\n');
        const transport = custom ?? ownFetch;
        if (transport && transport === ownFetch) {
          // The package's own transport (node-transport.cjs): the headers as the flat list they
          // are, the whole answer in one callback (no Response object, no promise), stopped
          // through `init.cancel` (no AbortController per request).
          init = { method: parts[0], headerList: parts.slice(2) };
          return ownFetch.exchange(parts[1], init, (e, status, body, raw) => {
            if (over) return;
            if (e) {
              const why = !status ? WHY_NETWORK : e.code === 'AnswerTooLarge' ? WHY_TOO_LARGE : WHY_BODY;
              return end(w.__failed(h, why, describeThrown(e), status, undefined));
            }
            // Node's parser lets no line break into a header value.
            end(w.__answer(h, status, body, answerHeaders((name) => ownFetch.headerOf(raw, name) ?? '')));
          });
        } else {
          const headers = {};
          for (let i = 2; i < parts.length; i += 2) headers[parts[i]] = parts[i + 1];
          init = { method: parts[0], headers };
          if (typeof AbortController === 'function') {
            controller = new AbortController();
            init.signal = controller.signal;
          }
        }
        let response;
        try {
          response = transport ? transport(parts[1], init) : fetch(parts[1], init);
        } catch (e) {
          return end(w.__failed(h, WHY_NETWORK, describeThrown(e), 0, undefined));
        }
        // A plain value (from a fetch replacement) counts as resolved.
        Promise.resolve(response).then(read, (e) => over || end(w.__failed(h, WHY_NETWORK, describeThrown(e), 0, undefined)));
      };

      const signed = w.__sign(h, undefined, undefined, undefined);
      if (signed === '?') {
        // The credentials function is asked (or its answer under way is shared).
        const asked = w.__credentials(h);
        pending = asked;
        asked.then(
          (value) => {
            if (over) return;
            pending = undefined;
            let read;
            try {
              read = credentialsOf(value);
            } catch (e) {
              // Not credentials: the call fails with what is wrong (code, field and message).
              return end(w.__failed(h, WHY_CREDENTIALS_ANSWER, JSON.stringify([e.code, e.field, e.message]), 0, asked));
            }
            const again = w.__sign(h, read[0], read[1], asked);
            again ? send(again) : end(w.__state(h));
          },
          (e) => {
            if (over) return;
            pending = undefined;
            end(w.__failed(h, WHY_CREDENTIALS, describeThrown(e), 0, asked));
          },
        );
      } else if (signed) send(signed);
      else end(w.__state(h));
    });
  }

  /**
   * Runs call `h` to its end: attempts, waits between them, the caller's signal. `pace`
   * (fleet mode): `{ limiter, stop }`, the run's rate limiter and its stop, which ends a wait
   * for a slot (that request was not sent yet), never a request in flight. Resolves once the
   * call is done or failed (`__finish` tells which); never rejects. Promise callbacks rather
   * than an async function: a call's hot path is a few microseconds shorter.
   */
  function run(h, custom, signal, pace) {
    const step = (x) => {
      if (x >= 0) {
        if (!pace) return attempt(h, x, signal, custom).then(step);
        const send = () =>
          attempt(h, x, signal, custom).then((next) => {
            w.__paced(h, pace.limiter);
            return step(next);
          });
        // The run's pace first: the wait for a slot is not part of the attempt.
        const wait = w.__reserve(pace.limiter);
        if (wait <= 0) return send();
        return sleep(wait, pace.stop ?? signal).then((slept) => (slept ? send() : step(w.__abort(h, undefined))));
      }
      // x <= -3: wait -x - 3 ms (steps.rs).
      if (x <= -3) return sleep(-x - 3, signal).then((slept) => step(slept ? w.__wake(h) : w.__abort(h, undefined)));
      return x;
    };
    return Promise.resolve(step(w.__state(h)));
  }

  /**
   * A change (op 0 OpenHttps, 1 CloseHttps) or a look (2 DescribeInstance) at an instance, on
   * configuration handle `client`.
   */
  function call(client, op, instanceId, clientToken, options) {
    let h;
    let signal;
    try {
      const id = instanceIdArg(instanceId);
      const token = clientTokenArg(clientToken);
      signal = callSignal(options);
      h = w.__call(client, op, id, token, 0, 0, undefined);
    } catch (e) {
      return Promise.reject(e);
    }
    return run(h, w.__fetch(client), signal, undefined).then(() => w.__finish(h));
  }

  /**
   * A ListInstance call (op 3: a page; 4: a page of a walk) of `args` (`listArgs`) on
   * configuration handle `client`.
   */
  function list(client, op, args, page, custom) {
    const h = w.__call(client, op, args.instanceId, undefined, page, args.size, args.description);
    return run(h, custom, args.signal, undefined).then(() => w.__finish(h));
  }

  /**
   * Runs ensure `e` (ensure.rs) to its end: each look and each OpenHttps a whole call.
   * `signal` aborts a call at once and ends a wait; `progress()` is called after every look
   * and every OpenHttps answer, and at the end; `beforeOpen()`, before each OpenHttps (a
   * Promise it returns is awaited first). Resolves with whether it was stopped.
   */
  async function drive(e, custom, signal, pace, progress, beforeOpen) {
    let x = w.__ensureState(e);
    for (;;) {
      if (signal?.aborted) return true;
      if (x === LOOK || x === OPEN) {
        if (x === OPEN && beforeOpen) await beforeOpen();
        const h = w.__ensureCall(e);
        if (h) {
          await run(h, custom, pace ? undefined : signal, pace);
          x = w.__ensureFeed(e, h);
        } else x = w.__ensureState(e);
        if (x === STOPPED) return true;
        if (x !== DONE && x !== FAIL) progress();
      } else if (x >= 0) {
        if (!(await sleep(x, signal))) return true;
        x = w.__ensureWake(e);
      } else {
        if (x === DONE) progress();
        return false;
      }
    }
  }

  const methods = {
    /**
     * Turns on HTTPS for `instanceId` (one OpenHttps call: accepted is not yet on — see
     * `ensureHttps`). `clientToken` makes the call idempotent; when omitted a UUID is used.
     */
    openHttps(instanceId, clientToken, options) {
      return call(this[HANDLE], 0, instanceId, clientToken, options);
    },
    /** Turns off HTTPS for `instanceId` (one CloseHttps call), like `openHttps`. */
    closeHttps(instanceId, clientToken, options) {
      return call(this[HANDLE], 1, instanceId, clientToken, options);
    },
    /** The instance's current state (DescribeInstance). */
    describeInstance(instanceId, options) {
      return call(this[HANDLE], 2, instanceId, undefined, options);
    },
    /** One page of the account's instances in this region (ListInstance). */
    async listInstances(query) {
      const args = listArgs(query, true);
      return list(this[HANDLE], 3, args, args.page, w.__fetch(this[HANDLE]));
    },
    /** Every instance, page after page: one ListInstance call per page, when needed. */
    instances(query) {
      // The query is checked now (its values too, by a call made and dropped); each page is a
      // call of its own.
      const args = listArgs(query, false);
      w.__drop(w.__call(this[HANDLE], 4, args.instanceId, undefined, 1, args.size, args.description));
      // Its own handle on the configuration: the caller may free the client meanwhile. Freed
      // when the walk is, by the finalizer.
      const own = shared(this);
      const custom = w.__fetch(own[HANDLE]);
      let next = 1;
      let buffered = [];
      let tail = Promise.resolve();
      const walk = async () => {
        for (;;) {
          if (buffered.length) return { value: buffered.shift(), done: false };
          if (next === null) return { done: true };
          const page = next;
          let result;
          try {
            result = await list(own[HANDLE], 4, args, page, custom);
          } catch (e) {
            next = null;
            throw e;
          }
          // Finished while the page was on its way.
          if (next !== page) return { done: true };
          next = result.next;
          buffered = result.instances;
        }
      };
      return {
        /** The next instance: `{ value, done: false }`, or `{ done: true }` after the last. */
        next() {
          // One page at a time, in order: a next() waits for the one before it.
          const result = tail.then(walk);
          tail = result.catch(() => {});
          return result;
        },
        /** Stops early (`break` in `for await`): no further page is fetched. */
        return() {
          next = null;
          buffered = [];
          return Promise.resolve({ done: true });
        },
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
    /**
     * Makes sure HTTPS is on: looks at the instance, sends OpenHttps only if needed (one
     * clientToken for every attempt), and waits until it is active and serves HTTPS.
     */
    async ensureHttps(instanceId, options) {
      const id = instanceIdArg(instanceId);
      const { signal, onProgress, clientToken, wait, waitTimeoutMs, pollIntervalMs } = ensureArgs(options);
      // Not given: 2 for `wait`, 0 for the times (ensure.rs).
      const e = w.__ensure(this[HANDLE], JSON.stringify([id, clientToken]), wait ?? 2, waitTimeoutMs ?? 0, pollIntervalMs ?? 0);
      const progress = () => onProgress && callIgnoring(onProgress, w.__ensureProgress(e, undefined));
      progress();
      const stopped = await drive(e, w.__fetch(this[HANDLE]), signal, undefined, progress, undefined);
      return w.__ensureFinish(e, stopped);
    },
  };
  for (const [name, value] of Object.entries(methods)) {
    Object.defineProperty(Client.prototype, name, { configurable: true, writable: true, value });
  }

  /** Sets the client that the top-level functions use (the previous one is kept on error). */
  function configure(config) {
    const client = new Client(config);
    w.__configure(client[HANDLE]);
    client.free();
  }

  /**
   * The client the top-level functions use: the one set by `configure`, or else (in Node) one
   * built from the `ALIBABA_CLOUD_*` environment.
   */
  function defaultClient() {
    const configured = w.__configured();
    if (configured) return adopt(Object.create(Client.prototype), configured);
    try {
      return new Client();
    } catch (e) {
      if (e.code === 'MissingCredentials' || e.code === 'MissingRegion') e.message = MISSING_CREDENTIALS;
      throw e;
    }
  }

  /**
   * Signs an OpenHttps request without sending it. Returns `{ method, url, headers,
   * clientToken }`: send `method` to `url` with exactly `headers` (the `Host` is the URL's).
   */
  function signOpenHttps(request) {
    const [args, id, token, timestamp, nonce] = signArgs(request);
    // A client of the input's target and credentials, checked as `new Client` checks them.
    const client = w.__client(...args);
    try {
      // `clientToken \n method \n url \n name \n value …` (sign_request.rs).
      const [clientToken, method, url, ...list] = w.__signOpenHttps(client, id, token, timestamp, nonce).split('\n');
      const headers = {};
      for (let i = 0; i < list.length; i += 2) headers[list[i]] = list[i + 1];
      return { method, url, headers, clientToken };
    } finally {
      w.__freeClient(client);
    }
  }

  return { Client, isOpen, shared, handleOf: (client) => client[HANDLE], configure, defaultClient, signOpenHttps, run, drive, sleep, callIgnoring };
}
