// Reading the caller's options: what JS types they hold, and that no option is misspelt. What
// the values mean (an instance id's form, a region, an endpoint URL, a credential's characters)
// is checked by the wasm (the core's validate, endpoint and signing modules) when the values
// reach it. Every refusal is an OpenHttpsError naming the option (`field`). Shared by the
// browser entry and the Node entry, like driver.js.

/** An OpenHttpsError about one option or argument. */
function optionError(code, field, message) {
  const e = openHttpsError(code, message);
  e.field = field;
  return e;
}

/**
 * The message of a thrown value: its `message` (with its cause's `code` or `message`, as
 * Node's `fetch failed` hides the reason there), or its string form.
 */
function describeThrown(err) {
  const get = (target, key) => {
    try {
      return target !== null && (typeof target === 'object' || typeof target === 'function') ? target[key] : undefined;
    } catch {
      return undefined;
    }
  };
  let msg = get(err, 'message');
  if (typeof msg !== 'string') msg = typeof err === 'string' ? err : 'unknown error';
  const cause = get(err, 'cause');
  const code = get(cause, 'code');
  const detail = typeof code === 'string' ? code : get(cause, 'message');
  return typeof detail === 'string' ? `${msg} (${detail})` : msg;
}

/**
 * `object[key]` of an options object (`undefined` when it is not an object); a getter (or
 * proxy trap) that throws is an `InvalidConfig` naming the option, never a raw exception.
 */
function optionOf(object, key) {
  if (object === null || (typeof object !== 'object' && typeof object !== 'function')) return undefined;
  try {
    return object[key];
  } catch (e) {
    throw optionError('InvalidConfig', key, `reading the option ${key} threw: ${describeThrown(e)}`);
  }
}

/** A misspelt option (`regionID`) would otherwise be ignored silently. */
function rejectUnknown(object, known, code, field) {
  let keys;
  try {
    keys = Object.keys(object);
  } catch (e) {
    throw optionError(code, field, `listing the options threw: ${describeThrown(e)}`);
  }
  for (const key of keys) {
    if (!known.includes(key)) throw optionError(code, field, `unknown option "${key}"; the options are ${known.join(', ')}`);
  }
}

/** An optional string option; another type is an error with `code`. */
function stringOption(object, key, code) {
  const v = optionOf(object, key);
  if (v == null) return undefined;
  if (typeof v !== 'string') throw optionError(code, key, `${key} must be a string`);
  return v;
}

/** An optional number option within `min`–`max`; anything else is an error with `code`. */
function numberOption(object, key, min, max, code) {
  const v = optionOf(object, key);
  if (v == null) return undefined;
  if (typeof v === 'number' && v >= min && v <= max) return v;
  throw optionError(code, key, `${key} must be a number from ${min} to ${max}`);
}

/** An optional whole-number option within `min`–`max`. */
function wholeOption(object, key, min, max) {
  const v = numberOption(object, key, min, max, 'InvalidArgument');
  if (v !== undefined && v % 1 !== 0) throw optionError('InvalidArgument', key, `${key} must be a whole number from ${min} to ${max}`);
  return v;
}

/** An optional boolean option. */
function booleanOption(object, key) {
  const v = optionOf(object, key);
  if (v == null) return undefined;
  if (typeof v !== 'boolean') throw optionError('InvalidArgument', key, `${key} must be true or false`);
  return v;
}

/** An optional function option, refused with `message` when it is something else. */
function functionOption(object, key, code, message) {
  const v = optionOf(object, key);
  if (v == null) return undefined;
  if (typeof v !== 'function') throw optionError(code, key, message);
  return v;
}

/** Checks that `options` is a plain object with only `keys`, and reads its `signal`. */
function signalOption(options, keys) {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw optionError('InvalidArgument', 'options', 'the options must be an object such as { signal }');
  }
  rejectUnknown(options, keys, 'InvalidArgument', 'options');
  const bad = () => optionError('InvalidArgument', 'signal', 'signal must be an AbortSignal (e.g. AbortSignal.timeout(5000) or controller.signal)');
  let signal;
  try {
    signal = options.signal;
  } catch {
    throw bad(); // a getter that throws must not leave the call uncancellable without a word
  }
  if (signal == null) return undefined;
  let listen;
  try {
    listen = signal.addEventListener;
  } catch {
    // not a signal: refused below
  }
  if (typeof listen !== 'function') throw bad();
  return signal;
}

/** A call's options (`{ signal }`, or nothing): the signal. */
function callSignal(options) {
  return options == null ? undefined : signalOption(options, ['signal']);
}

/** The `instanceId` argument of a call: a string (its form is checked by the wasm). */
function instanceIdArg(value) {
  if (typeof value !== 'string') throw optionError('InvalidInstanceId', 'instanceId', 'instanceId must be a string such as "es-cn-n6w1o1x0w001c"');
  return value;
}

/**
 * The `clientToken` argument: a string (checked by the wasm), or `undefined`/`null` for a new
 * UUID (made by the wasm). Anything else is refused, never ignored.
 */
function clientTokenArg(value) {
  if (value == null || typeof value === 'string') return value ?? undefined;
  throw optionError('InvalidClientToken', 'clientToken', 'clientToken must be a string of 1 to 64 printable ASCII characters, or omitted');
}

/** `process.env[name]` in Node; `undefined` elsewhere and for empty values. */
function envOf(name) {
  try {
    return globalThis.process?.env?.[name] || undefined;
  } catch {
    return undefined;
  }
}

/**
 * What to do when no credentials are configured and the environment has none: the one
 * message for it, from `new Client()`, `configure()` and the top-level functions alike.
 */
const MISSING_CREDENTIALS = 'no credentials: pass { credentials: { accessKeyId, accessKeySecret } } to configure() or new Client(), or (in Node) set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (plus ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials, and ALIBABA_CLOUD_REGION_ID for the region)';

/** The options `Client` and `signOpenHttps` share: credentials and where to send and sign. */
const SHARED_OPTIONS = ['credentials', 'regionId', 'endpoint', 'network', 'signatureVersion', 'proxyUrl'];

/**
 * Reads `network`, `signatureVersion`, `endpoint`, `regionId` (else, without `endpoint`,
 * `ALIBABA_CLOUD_REGION_ID`) and `proxyUrl`: `[packed, signatureVersion]`, `packed` the five
 * as one JSON text for the wasm (`[region, endpoint, network, signatureVersion, proxyUrl]`,
 * config.rs, `Target::unpack`), which checks their meaning.
 */
function targetOf(config) {
  const network = stringOption(config, 'network', 'InvalidConfig');
  const version = stringOption(config, 'signatureVersion', 'InvalidConfig');
  const endpoint = stringOption(config, 'endpoint', 'InvalidEndpoint');
  let region = stringOption(config, 'regionId', 'InvalidRegion');
  if (region === undefined && endpoint === undefined) region = envOf('ALIBABA_CLOUD_REGION_ID');
  const proxy = stringOption(config, 'proxyUrl', 'InvalidConfig');
  // A path is resolved against the page's origin: where there is none (Node, a worker without
  // one), every call would fail as a NetworkError instead of saying why.
  if (proxy?.startsWith('/') && globalThis.location === undefined) {
    throw optionError('InvalidConfig', 'proxyUrl', 'proxyUrl is a path ("/aliyun"), which needs a page origin; here there is none: give the whole URL, e.g. "http://127.0.0.1:8080/aliyun"');
  }
  return [JSON.stringify([region, endpoint, network, version, proxy]), version];
}

/** Whether this runtime's `fetch` drops a `Date` request header: see `clientArgs`. */
let datesDropped;

/**
 * Whether this runtime's `fetch` silently drops a `Date` request header, as browsers do (a
 * forbidden header name there; Node keeps it). Tested, not guessed from globals, once, and
 * only for a V1 client (Node loads its `Request` on first use).
 */
function dropsDateHeader() {
  if (datesDropped === undefined) {
    try {
      const request = new Request('http://127.0.0.1/', { method: 'POST', headers: { date: 'Thu, 01 Jan 1970 00:00:00 GMT' } });
      datesDropped = !request.headers.has('date');
    } catch {
      datesDropped = false; // no Request to tell: nothing is refused
    }
  }
  return datesDropped;
}

/**
 * Reads credentials `{ accessKeyId, accessKeySecret, securityToken?, expiration? }`: their JS
 * types here, their values by the wasm. Returns `[packed, expirationMs]`: the three texts as
 * one JSON text for the wasm (credentials.rs, `unpack`), and the expiration (an ISO 8601
 * text, a number or a Date) in ms since 1970, `undefined` when there is none.
 */
function credentialsOf(value) {
  if (typeof value !== 'object' || value === null) {
    throw optionError('InvalidCredentials', 'credentials', 'credentials must be an object { accessKeyId, accessKeySecret, securityToken? } or a function returning one');
  }
  const text = (key) => stringOption(value, key, 'InvalidCredentials');
  const id = text('accessKeyId');
  const secret = text('accessKeySecret');
  if (id === undefined || secret === undefined) {
    throw optionError('MissingCredentials', 'credentials', 'credentials need both accessKeyId and accessKeySecret');
  }
  const packed = JSON.stringify([id, secret, text('securityToken')]);
  const expiration = optionOf(value, 'expiration');
  if (expiration == null) return [packed, undefined];
  const ms =
    typeof expiration === 'string' ? Date.parse(expiration)
    : typeof expiration === 'number' ? expiration
    : expiration instanceof Date ? expiration.getTime()
    : NaN;
  if (!Number.isFinite(ms)) {
    throw optionError('InvalidCredentials', 'expiration', 'expiration must be an ISO 8601 date such as "2026-01-01T00:00:00Z", a Date, or milliseconds since 1970');
  }
  return [packed, ms];
}

/**
 * Reads a `ClientConfig` (`undefined`: everything from the environment) into the arguments of
 * the wasm's `__client`: `[credentials (packed by `credentialsOf`; '' for a function),
 * the credentials function, the target (`targetOf`), fetch, maxAttempts, timeoutMs,
 * deadlineMs, datesDropped]`.
 */
function clientArgs(config) {
  const isObject = typeof config === 'object' && config !== null;
  if (!isObject && config != null) {
    throw optionError('InvalidConfig', 'config', 'the configuration must be an object such as { regionId, credentials }');
  }
  if (isObject) rejectUnknown(config, [...SHARED_OPTIONS, 'fetch', 'maxAttempts', 'timeoutMs', 'deadlineMs'], 'InvalidConfig', 'config');
  // Credentials first: with nothing configured, "no credentials" is the useful message.
  let credentials = optionOf(config, 'credentials');
  if (credentials == null) {
    const accessKeyId = envOf('ALIBABA_CLOUD_ACCESS_KEY_ID');
    const accessKeySecret = envOf('ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    if (accessKeyId === undefined || accessKeySecret === undefined) throw optionError('MissingCredentials', 'credentials', MISSING_CREDENTIALS);
    credentials = { accessKeyId, accessKeySecret, securityToken: envOf('ALIBABA_CLOUD_SECURITY_TOKEN') };
  }
  // A function is kept (the wasm asks it when a call needs credentials); an access key is read.
  const provider = typeof credentials === 'function' ? credentials : undefined;
  const packed = provider ? '' : credentialsOf(credentials)[0];
  const [target, version] = targetOf(config);
  const fetch = functionOption(config, 'fetch', 'InvalidConfig', 'fetch must be a function like the global fetch');
  const maxAttempts = numberOption(config, 'maxAttempts', 1, 10, 'InvalidConfig');
  if (maxAttempts !== undefined && maxAttempts % 1 !== 0) throw optionError('InvalidConfig', 'maxAttempts', 'maxAttempts must be a whole number');
  const timeoutMs = numberOption(config, 'timeoutMs', 1, 3_600_000, 'InvalidConfig');
  const deadlineMs = numberOption(config, 'deadlineMs', 1, 3_600_000, 'InvalidConfig');
  // V1 signs the Date header: where fetch drops it, its calls are refused before sending.
  // Numbers not given are 0 (client.rs).
  return [packed, provider, target, fetch, maxAttempts ?? 0, timeoutMs ?? 0, deadlineMs ?? 0, version === 'v1' && dropsDateHeader()];
}

/**
 * The query of `listInstances` (`withPage`) or `instances`: `{ page, size, description,
 * instanceId, signal }`.
 */
function listArgs(query, withPage) {
  // One call per 10 instances is the API's default page; walking all of them, the largest
  // page makes the fewest calls.
  const args = { page: 1, size: withPage ? 10 : 100 };
  if (query == null) return args;
  const keys = withPage ? ['description', 'instanceId', 'page', 'size', 'signal'] : ['description', 'instanceId', 'size', 'signal'];
  args.signal = signalOption(query, keys);
  args.description = stringOption(query, 'description', 'InvalidArgument');
  args.instanceId = stringOption(query, 'instanceId', 'InvalidArgument');
  args.page = wholeOption(query, 'page', 1, 2147483647) ?? 1;
  args.size = wholeOption(query, 'size', 1, 100) ?? args.size;
  return args;
}

/** Longest `waitTimeoutMs`: a day (real activations take minutes; providers wait hours). */
const MAX_ENSURE_WAIT_MS = 86_400_000;

/**
 * The options of `ensureHttps`: `{ clientToken, wait, waitTimeoutMs, pollIntervalMs,
 * onProgress, signal }`.
 */
function ensureArgs(options) {
  if (options == null) return {};
  const signal = signalOption(options, ['clientToken', 'wait', 'waitTimeoutMs', 'pollIntervalMs', 'onProgress', 'signal']);
  return {
    signal,
    clientToken: clientTokenArg(optionOf(options, 'clientToken')),
    wait: booleanOption(options, 'wait'),
    waitTimeoutMs: numberOption(options, 'waitTimeoutMs', 1, MAX_ENSURE_WAIT_MS, 'InvalidArgument'),
    pollIntervalMs: numberOption(options, 'pollIntervalMs', 1, 3_600_000, 'InvalidArgument'),
    onProgress: functionOption(options, 'onProgress', 'InvalidArgument', 'onProgress must be a function'),
  };
}

/**
 * What fleet.js reads `ensureHttpsAll`'s arguments with: this file's readers, and the error
 * makers. In the browser fleet.js is a module of its own, fetched on first use, so it takes
 * them from the entry rather than carrying a second copy.
 */
const FLEET_LIB = {
  optionError, optionOf, rejectUnknown, stringOption, numberOption, wholeOption, booleanOption,
  functionOption, signalOption, instanceIdArg, describeThrown, openHttpsError, MAX_ENSURE_WAIT_MS,
};

/**
 * The input of `signOpenHttps`: `[client, instanceId, clientToken, timestamp, nonce]`,
 * `client` the arguments of the wasm's `__client` (credentials and target; no transport or
 * policy, and V1 never refused: nothing is sent), the rest those of its `__signOpenHttps`.
 */
function signArgs(input) {
  if (typeof input !== 'object' || input === null) {
    throw optionError('InvalidConfig', 'config', 'signOpenHttps takes an object such as { instanceId, credentials, regionId }');
  }
  rejectUnknown(input, ['instanceId', 'clientToken', 'timestamp', 'nonce', ...SHARED_OPTIONS], 'InvalidConfig', 'config');
  const id = stringOption(input, 'instanceId', 'InvalidInstanceId');
  if (id === undefined) throw optionError('InvalidInstanceId', 'instanceId', 'instanceId is required, e.g. "es-cn-n6w1o1x0w001c"');
  const token = clientTokenArg(optionOf(input, 'clientToken'));
  const credentials = optionOf(input, 'credentials');
  if (credentials == null) throw optionError('MissingCredentials', 'credentials', 'credentials { accessKeyId, accessKeySecret } are required');
  // A function is passed on for the wasm to refuse (signing cannot wait for its answer).
  const provider = typeof credentials === 'function' ? credentials : undefined;
  const packed = provider ? '' : credentialsOf(credentials)[0];
  const [target] = targetOf(input);
  // From 1970 to the last instant a Date can hold.
  const timestamp = numberOption(input, 'timestamp', 0, 8.64e15, 'InvalidConfig');
  const nonce = stringOption(input, 'nonce', 'InvalidConfig');
  return [[packed, provider, target, undefined, 0, 0, 0, false], id, token, timestamp, nonce];
}
