// What the JS surface adds around the glue, shared by the browser entry (appended to the web
// glue) and the Node entry (as top-level.cjs): the top-level functions, and a guard that
// makes a closed or borrowed `Client` say so with an OpenHttpsError.

/**
 * Whether `e` is an error this package threw or rejected with (an `Error` named
 * `OpenHttpsError` with a string `code`): narrows `unknown` in a `catch`.
 */
function isOpenHttpsError(e) {
  return e instanceof Error && e.name === 'OpenHttpsError' && typeof e.code === 'string';
}

/** An OpenHttpsError made on this side (the wasm makes all the others). */
function openHttpsError(code, message) {
  const e = new Error(message);
  e.name = 'OpenHttpsError';
  e.code = code;
  e.retryable = false;
  return e;
}

/** An async iterator whose first step rejects with `error`. */
function failingIterator(error) {
  return {
    next: () => Promise.reject(error),
    return: async () => ({ value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The names of the calls of a Client, all returning a Promise but `instances`. */
const CALLS = ['openHttps', 'closeHttps', 'describeInstance', 'listInstances', 'instances', 'ensureHttps', 'ensureHttpsAll'];

/**
 * The top-level functions: each runs the same method of the client set by configure() — or,
 * in Node, of one built from the ALIBABA_CLOUD_* environment (`defaultClient`).
 */
function topLevel(defaultClient) {
  const onDefault = (name) => {
    const call = function (...args) {
      let client;
      try {
        client = defaultClient();
      } catch (e) {
        return name === 'instances' ? failingIterator(e) : Promise.reject(e);
      }
      try {
        return client[name](...args);
      } finally {
        // The call keeps its own reference to the configuration.
        client.free();
      }
    };
    return Object.defineProperty(call, 'name', { value: name });
  };
  return Object.fromEntries(CALLS.map((name) => [name, onDefault(name)]));
}

/**
 * Makes every call on a freed Client (`isOpen(client)` false) or with a `this` that is not a
 * Client fail with an OpenHttpsError — `ClientClosed` or `InvalidThis` — before anything
 * reaches the wasm, and `free()` on something else do nothing.
 */
function guardClient(Client, isOpen) {
  const proto = Client.prototype;
  const problem = (self) => {
    if (!(self instanceof Client)) {
      return openHttpsError('InvalidThis', 'called on something that is not a Client: call it as client.method(…), or bind it');
    }
    if (!isOpen(self)) {
      return openHttpsError('ClientClosed', 'this Client was freed (client.free() or a using block ended); create a new one');
    }
    return undefined;
  };
  for (const name of CALLS) {
    const method = proto[name];
    Object.defineProperty(proto, name, {
      configurable: true,
      writable: true,
      value: function (...args) {
        const e = problem(this);
        if (e) return name === 'instances' ? failingIterator(e) : Promise.reject(e);
        if (name !== 'instances') return method.apply(this, args);
        // A bad query is told on the first step, as every other failure of the walk.
        try {
          return method.apply(this, args);
        } catch (err) {
          return failingIterator(err);
        }
      },
    });
  }
  const free = proto.free;
  const safeFree = function () {
    if (this instanceof Client && isOpen(this)) free.call(this);
  };
  Object.defineProperty(proto, 'free', { configurable: true, writable: true, value: safeFree });
  // `using client = new Client(…)` ends with Symbol.dispose, which frees as well.
  if (typeof Symbol.dispose === 'symbol' && proto[Symbol.dispose]) {
    Object.defineProperty(proto, Symbol.dispose, { configurable: true, writable: true, value: safeFree });
  }
}
