// The package's behaviour, scenario by scenario, through its public JS API only (Client,
// configure, openHttps, signOpenHttps…), against the local emulator (emulator/).
//
// Why: these are the wasm crate's former Rust tests (crates/wasm/src/tests/{api,faults,
// hygiene}.rs and the three tests of crates/wasm/src/random.rs), ported one for one, so that
// the behaviour they pinned — error codes and fields, attempts and retries, what the emulator
// saw and applied, timings, secrets never leaking — keeps being checked through the package
// however its inside changes. Each scenario keeps its Rust test's name (as a sentence) in
// `name`, and `rust` says where it came from.
//
// Browser-safe on purpose (no node: imports, no node:assert): node.test.mjs runs every
// scenario in Node against the installed package (ESM, some through CJS too), chromium.test.mjs
// runs every one in a headless Chromium page importing the browser entry.
//
// A scenario is `{ name, rust, run: async (api, env) => … }`: `api` is the package's module
// namespace; `env` is `makeEnv(…)`'s `{ emulator, inNode, admin(path), log(line) }`. A scenario
// passes by resolving and fails by throwing.

/** The shared environment of the scenarios: where the emulator is, and how to ask it. */
export function makeEnv({ emulator, inNode, log = () => {} }) {
  return {
    emulator,
    inNode,
    /** `GET <emulator>/__emulator/<path>` as JSON. */
    async admin(path) {
      const res = await fetch(`${emulator}/__emulator/${path}`);
      if (res.status !== 200) throw new Error(`emulator admin ${path}: HTTP ${res.status}`);
      return res.json();
    },
    /** A line of the faults table (`fault | outcome | attempts | applied | time`). */
    log,
  };
}

// --- a tiny assert (no node:assert: it runs in a browser too) ----------------------------------

class AssertionFailed extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionFailed';
  }
}

const show = (v) => {
  if (typeof v === 'string') return JSON.stringify(v.length > 300 ? `${v.slice(0, 300)}…` : v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

const describeError = (e) =>
  e instanceof Error ? `${e.name} ${e.code ?? ''}: ${e.message}`.replace(/ :/, ':') : show(e);

function fail(message) {
  throw new AssertionFailed(message);
}

function ok(condition, message) {
  if (!condition) fail(message ?? 'assertion failed');
}

/** Object.is equality. */
function eq(actual, expected, what = 'value') {
  if (!Object.is(actual, expected)) fail(`${what}: expected ${show(expected)}, got ${show(actual)}`);
}

function includes(text, part, what = 'text') {
  ok(typeof text === 'string' && text.includes(part), `${what}: expected to contain ${show(part)}, got ${show(text)}`);
}

function excludes(text, part, what = 'text') {
  ok(typeof text === 'string' && !text.includes(part), `${what}: must not contain ${show(part)}, got ${show(text)}`);
}

function between(value, lo, hi, what) {
  ok(value >= lo && value < hi, `${what}: expected in [${lo}, ${hi}), got ${value}`);
}

/** `obj[key]`, which must be a string (as the Rust tests' `text()`). */
function text(obj, key) {
  const v = obj?.[key];
  if (typeof v !== 'string') fail(`${key} is not a string: ${show(v)}`);
  return v;
}

/** Runs `fn` (which must return a Promise, not throw) → `{ ok, value }` or `{ ok: false, error }`. */
async function settle(fn) {
  let p;
  try {
    p = fn();
  } catch (e) {
    fail(`threw synchronously instead of returning a Promise: ${describeError(e)}`);
  }
  ok(p && typeof p.then === 'function', `did not return a Promise: ${show(p)}`);
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

async function resolves(fn, what = 'call') {
  const o = await settle(fn);
  if (!o.ok) fail(`${what}: rejected with ${describeError(o.error)}`);
  return o.value;
}

async function rejects(fn, what = 'call') {
  const o = await settle(fn);
  if (o.ok) fail(`${what}: resolved with ${show(o.value)}, expected a rejection`);
  return o.error;
}

function throws(fn, what = 'call') {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return fail(`${what}: did not throw`);
}

/** An OpenHttpsError with `code`. */
function assertError(e, code) {
  ok(e instanceof Error, `rejection is an Error: ${show(e)}`);
  eq(e.name, 'OpenHttpsError', `name (${describeError(e)})`);
  eq(e.code, code, `code (message: ${show(e.message)})`);
}

// --- helpers (as crates/wasm/src/tests/common.rs) ----------------------------------------------

const TEST_KEY = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const STS_KEY = { accessKeyId: 'STS.testid', accessKeySecret: 'stssecret', securityToken: 'ststoken' };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The emulator as endpoint, the seeded test key, and `extra` options. */
const config = (env, extra = {}) => ({ endpoint: env.emulator, credentials: { ...TEST_KEY }, ...extra });
const client = (api, env, extra) => new api.Client(config(env, extra));

/** `prefix` followed by a fresh UUID, so that scenarios never share an instance. */
const uniqueId = (prefix) => `${prefix}${crypto.randomUUID()}`;
const activeId = () => uniqueId('es-active-');

/** How many times the emulator applied the change to `id`. */
const applied = async (env, id) => (await env.admin(`instances/${id}`)).applied;
/** How many attempts of `id` reached the emulator's fault stage. */
const attemptsSeen = async (env, id) => (await env.admin(`instances/${id}`)).attempts;

/** A fetch answering every request with `body` (a string) and `status`. */
const answering =
  (body, status = 200, headers = {}) =>
  () =>
    Promise.resolve(new Response(body, { status, headers }));
const SUCCESS_BODY = '{"Result":true,"RequestId":"R"}';

// --- api.rs: the JS surface called for real against the emulator -------------------------------

const apiTests = [
  {
    name: 'V3 turns HTTPS on once',
    rust: 'api::v3_turns_https_on_once',
    async run(api, env) {
      const id = activeId();
      const c = client(api, env);
      const r = await resolves(() => c.openHttps(id, 'token-1'));
      eq(r.result, true, 'result');
      eq(text(r, 'clientToken'), 'token-1', 'clientToken');
      eq(text(r, 'requestId').length, 36, 'requestId length');
      eq(await applied(env, id), 1, 'applied');
      // Same clientToken: the service answers the first outcome again and applies nothing.
      const again = await resolves(() => c.openHttps(id, 'token-1'));
      eq(text(again, 'requestId'), r.requestId, 'replayed requestId');
      eq(await applied(env, id), 1, 'applied after the replay');
    },
  },
  {
    name: 'a clientToken is generated when none is given',
    rust: 'api::a_clienttoken_is_generated_when_none_is_given',
    async run(api, env) {
      const id = activeId();
      const r = await resolves(() => client(api, env).openHttps(id));
      const token = text(r, 'clientToken');
      eq(token.length, 36, `UUID v4 length: ${token}`);
      eq(token[14], '4', `UUID v4 version digit: ${token}`);
      const sent = (await env.admin('log')).find((e) => e.instanceId === id);
      ok(sent, `the emulator logged a request for ${id}`);
      eq(sent.clientToken, token, 'the generated token was sent');
    },
  },
  {
    name: 'documented errors carry the service fields',
    rust: 'api::documented_errors_carry_the_service_fields',
    async run(api, env) {
      const c = client(api, env);
      let e = await rejects(() => c.openHttps('es-activating-1'));
      assertError(e, 'InstanceActivating');
      eq(e.message, 'Instance is activating.', 'message');
      eq(e.httpStatus, 400, 'httpStatus');
      eq(text(e, 'requestId').length, 36, 'requestId length');
      eq(e.retryable, false, 'retryable');
      eq(text(e, 'clientToken').length, 36, 'generated clientToken length');
      ok(text(e, 'recommend').startsWith('https://'), `recommend: ${e.recommend}`);

      e = await rejects(() => c.openHttps('es-cn-doesnotexist', 't'));
      assertError(e, 'InstanceNotFound');
      eq(e.message, 'The instanceId provided does not exist.', 'message');
      eq(e.httpStatus, 400, 'httpStatus');
      eq(e.clientToken, 't', 'clientToken');
    },
  },
  {
    name: 'a wrong secret is SignatureDoesNotMatch without the secret',
    rust: 'api::a_wrong_secret_is_signature_does_not_match_without_the_secret',
    async run(api, env) {
      const c = new api.Client({
        endpoint: env.emulator,
        credentials: { accessKeyId: 'testid', accessKeySecret: 'not-the-secret-123' },
      });
      const id = activeId();
      const e = await rejects(() => c.openHttps(id));
      assertError(e, 'SignatureDoesNotMatch');
      includes(e.message, 'server string to sign is:', 'message');
      excludes(e.message, 'not-the-secret-123', 'message');
      eq(await applied(env, id), 0, 'applied');
    },
  },
  {
    name: 'STS credentials with V3',
    rust: 'api::sts_credentials_v3',
    async run(api, env) {
      const sts = (securityToken) =>
        new api.Client({ endpoint: env.emulator, credentials: { ...STS_KEY, securityToken } });
      const id = activeId();
      const r = await resolves(() => sts('ststoken').openHttps(id));
      eq(r.result, true, 'result');
      const e = await rejects(() => sts('wrong-token-xyz').openHttps(id));
      assertError(e, 'InvalidSecurityToken.Mismatch');
      excludes(e.message, 'wrong-token-xyz', 'message');
    },
  },
  {
    name: 'credentials from an async function',
    rust: 'api::credentials_from_an_async_function',
    async run(api, env) {
      const c = new api.Client({ endpoint: env.emulator, credentials: () => Promise.resolve({ ...STS_KEY }) });
      const r = await resolves(() => c.openHttps(activeId()));
      eq(r.result, true, 'result');
    },
  },
  {
    name: 'V1 works where fetch can send Date, and says why elsewhere',
    rust: 'api::v1_works_where_fetch_can_send_date_and_says_why_elsewhere',
    async run(api, env) {
      const c = client(api, env, { signatureVersion: 'v1' });
      const id = activeId();
      const outcome = await settle(() => c.openHttps(id));
      if (env.inNode) {
        ok(outcome.ok, `V1 in Node: ${outcome.ok || describeError(outcome.error)}`);
        eq(outcome.value.result, true, 'result');
        eq(await applied(env, id), 1, 'applied');
        const e = await rejects(() => c.openHttps('es-activating-v1'));
        assertError(e, 'InstanceActivating');
      } else {
        ok(!outcome.ok, `V1 in a browser must be refused, got ${show(outcome.value)}`);
        assertError(outcome.error, 'UnsupportedRuntime');
        includes(outcome.error.message, '"v3"', 'message');
        eq(await applied(env, id), 0, 'applied');
        // The runtime decides, not which fetch is used: a page's own fetch cannot send Date
        // either, and used to fail later with a puzzling MissingParameter "Date".
        const withPageFetch = client(api, env, { signatureVersion: 'v1', fetch: (u, i) => fetch(u, i) });
        const e = await rejects(() => withPageFetch.openHttps(id));
        assertError(e, 'UnsupportedRuntime');
        eq(await applied(env, id), 0, 'applied');
      }
    },
  },
  {
    name: 'configure sets the default client',
    rust: 'api::configure_sets_the_default_client',
    async run(api, env) {
      api.configure(config(env));
      const r = await resolves(() => api.openHttps(activeId()));
      eq(r.result, true, 'result');
    },
  },
  {
    name: 'bad input is rejected before any request',
    rust: 'api::bad_input_is_rejected_before_any_request',
    async run(api, env) {
      // A fetch that records being called: validation must never reach it.
      const calls = [];
      const c = client(api, env, {
        fetch: (u) => {
          calls.push(u);
          return Promise.reject(new Error('sent'));
        },
      });
      for (const [id, token, code, field] of [
        ['', undefined, 'InvalidInstanceId', 'instanceId'],
        ['../etc', undefined, 'InvalidInstanceId', 'instanceId'],
        ['es-1', '', 'InvalidClientToken', 'clientToken'],
        ['es-1', 'é', 'InvalidClientToken', 'clientToken'],
      ]) {
        const e = await rejects(() => c.openHttps(id, token), `openHttps(${show(id)}, ${show(token)})`);
        assertError(e, code);
        eq(e.field, field, 'field');
      }
      assertError(await rejects(() => c.openHttps(42)), 'InvalidInstanceId');
      assertError(await rejects(() => c.openHttps('es-1', 7)), 'InvalidClientToken');
      eq(calls.length, 0, 'requests sent');
    },
  },
  {
    name: 'bad configuration throws a typed error',
    rust: 'api::bad_configuration_throws_a_typed_error',
    async run(api) {
      const creds = { accessKeyId: 'id', accessKeySecret: 'secret' };
      for (const [cfg, code, field] of [
        [{ regionID: 'cn-hangzhou', credentials: creds }, 'InvalidConfig', 'config'],
        [{ regionId: 'Hangzhou', credentials: creds }, 'InvalidRegion', 'regionId'],
        [{ endpoint: 'ftp://x', credentials: creds }, 'InvalidEndpoint', 'endpoint'],
        [{ regionId: 'cn-hangzhou', network: 'lan', credentials: creds }, 'InvalidConfig', 'network'],
        [{ regionId: 'cn-hangzhou', signatureVersion: 'v2', credentials: creds }, 'InvalidConfig', 'signatureVersion'],
        [{ regionId: 'cn-hangzhou', credentials: { accessKeyId: 'id' } }, 'MissingCredentials', 'credentials'],
        [
          { regionId: 'cn-hangzhou', credentials: { accessKeyId: 'id', accessKeySecret: 'secret\n' } },
          'InvalidCredentials',
          'accessKeySecret',
        ],
        [{ regionId: 'cn-hangzhou', fetch: 1, credentials: creds }, 'InvalidConfig', 'fetch'],
        [{ regionId: 'cn-hangzhou', credentials: 'id:secret' }, 'InvalidCredentials', 'credentials'],
        [{ regionId: 'cn-hangzhou', credentials: { ...creds, securityToken: 7 } }, 'InvalidCredentials', 'securityToken'],
        [{ regionId: 'cn-hangzhou', credentials: { ...creds, expiration: 'soon' } }, 'InvalidCredentials', 'expiration'],
        [
          { regionId: 'cn-hangzhou', credentials: { ...creds, get accessKeySecret() { throw new Error('vault sealed'); } } },
          'InvalidConfig',
          'accessKeySecret',
        ],
      ]) {
        const e = throws(() => new api.Client(cfg), `new Client(${show(cfg)})`);
        assertError(e, code);
        eq(e.field, field, `field of ${show(cfg)}`);
        excludes(e.message, 'secret', 'message');
      }
    },
  },
  {
    name: 'no answer is a retryable NetworkError',
    rust: 'api::no_answer_is_a_retryable_network_error',
    async run(api) {
      const c = new api.Client({ endpoint: 'http://127.0.0.1:1', credentials: { ...TEST_KEY } });
      const e = await rejects(() => c.openHttps('es-active-x'));
      assertError(e, 'NetworkError');
      eq(e.retryable, true, 'retryable');
      eq(e.httpStatus, undefined, 'httpStatus');
    },
  },
  {
    name: 'an HTML answer is malformed, never success',
    rust: 'api::an_html_answer_is_malformed_never_success',
    async run(api, env) {
      const c = client(api, env, { fetch: answering('<html>502 Bad Gateway</html>') });
      const e = await rejects(() => c.openHttps('es-active-x'));
      assertError(e, 'MalformedResponse');
      eq(e.httpStatus, 200, 'httpStatus');
      includes(e.message, '502 Bad Gateway', 'message');
    },
  },
  {
    name: 'provider credentials are cached until shortly before expiration',
    rust: 'api::provider_credentials_are_cached_until_shortly_before_expiration',
    async run(api) {
      // Valid for an hour: fetched once, shared by concurrent calls, reused after.
      let p = countingProvider(api, () => new Date(Date.now() + 3600e3).toISOString());
      const [a, b] = await Promise.all([
        settle(() => p.client.openHttps('es-1')),
        settle(() => p.client.openHttps('es-2')),
      ]);
      ok(a.ok && b.ok, `concurrent calls: ${a.ok || describeError(a.error)} / ${b.ok || describeError(b.error)}`);
      await resolves(() => p.client.openHttps('es-3'));
      eq(p.calls.length, 1, 'one provider call for three openHttps calls');

      // Expiring within the 5-minute margin: fetched again for every call.
      p = countingProvider(api, () => Date.now() + 60e3);
      await resolves(() => p.client.openHttps('es-1'));
      await resolves(() => p.client.openHttps('es-1'));
      eq(p.calls.length, 2, 'provider calls (expiring soon)');

      // No expiration: nothing to know when it ends, so never cached.
      p = countingProvider(api, () => undefined);
      await resolves(() => p.client.openHttps('es-1'));
      await resolves(() => p.client.openHttps('es-1'));
      eq(p.calls.length, 2, 'provider calls (no expiration)');
    },
  },
  {
    name: 'provider failures are typed errors and not cached',
    rust: 'api::provider_failures_are_typed_errors_and_not_cached',
    async run(api) {
      const p = countingProvider(api, () => 'not a date');
      const e = await rejects(() => p.client.openHttps('es-1'));
      assertError(e, 'InvalidCredentials');
      eq(e.field, 'expiration', 'field');

      const calls = [];
      const c = new api.Client({
        regionId: 'cn-hangzhou',
        credentials: () => {
          calls.push(1);
          return Promise.reject(new Error('backend down'));
        },
      });
      for (let i = 0; i < 2; i++) {
        const e = await rejects(() => c.openHttps('es-1'));
        assertError(e, 'MissingCredentials');
        includes(e.message, 'backend down', 'message');
      }
      eq(calls.length, 2, 'a failure is not cached: provider calls');

      // Answers that are not credentials: what is wrong, typed, and not cached either.
      for (const [answer, code, field, message] of [
        [42, 'InvalidCredentials', 'credentials', 'credentials must be an object { accessKeyId, accessKeySecret, securityToken? } or a function returning one'],
        [{ accessKeyId: 5, accessKeySecret: 's' }, 'InvalidCredentials', 'accessKeyId', 'accessKeyId must be a string'],
        [{ accessKeyId: 'id' }, 'MissingCredentials', 'credentials', 'credentials need both accessKeyId and accessKeySecret'],
        [{ accessKeyId: 'id', get accessKeySecret() { throw new Error('vault sealed'); } }, 'InvalidConfig', 'accessKeySecret', 'reading the option accessKeySecret threw: vault sealed'],
      ]) {
        let asked = 0;
        const bad = new api.Client({ regionId: 'cn-hangzhou', credentials: () => (++asked, answer) });
        for (let i = 0; i < 2; i++) {
          const e = await rejects(() => bad.openHttps('es-1'));
          assertError(e, code);
          eq(e.field, field, `field for ${show(answer)}`);
          eq(e.message, message, `message for ${show(answer)}`);
        }
        eq(asked, 2, `not cached: ${show(answer)}`);
      }
    },
  },
  {
    name: 'proxyUrl changes where the request goes, not what is signed',
    rust: 'api::proxy_url_changes_where_the_request_goes_not_what_is_signed',
    async run(api, env) {
      const seen = [];
      const fetch = (url, init) => {
        seen.push(url, init.headers.authorization);
        return answering(SUCCESS_BODY)();
      };
      const creds = { ...TEST_KEY };
      // A path needs a page origin: in Node the whole URL is given.
      const [proxyUrl, base] = env.inNode
        ? ['http://127.0.0.1:9/aliyun/', 'http://127.0.0.1:9/aliyun']
        : ['/aliyun/', '/aliyun'];
      const auth = [];
      for (const proxy of [{ proxyUrl }, {}]) {
        const c = new api.Client({ regionId: 'cn-hangzhou', ...proxy, credentials: creds, fetch });
        await resolves(() => c.openHttps('es-cn-1', 't'));
        auth.push(seen[seen.length - 1]);
      }
      eq(seen[0], `${base}/openapi/instances/es-cn-1/actions/open-https?clientToken=t`, 'URL through the proxy');
      eq(
        seen[2],
        'https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-1/actions/open-https?clientToken=t',
        'URL without a proxy',
      );
      // Same signed headers either way (only the nonce and date differ between the two calls).
      for (const a of auth) includes(a, 'SignedHeaders=host;x-acs-action;', 'authorization');

      let e = throws(() => new api.Client({ regionId: 'cn-hangzhou', proxyUrl: '//evil.example', credentials: creds }));
      assertError(e, 'InvalidConfig');
      eq(e.field, 'proxyUrl', 'field');
      if (env.inNode) {
        // Without a page origin a path could only ever fail as a NetworkError: refused up front.
        e = throws(() => new api.Client({ regionId: 'cn-hangzhou', proxyUrl: '/aliyun', credentials: creds }));
        assertError(e, 'InvalidConfig');
        includes(e.message, 'page origin', 'message');
      }
    },
  },
  {
    name: 'options whose getters throw are typed errors naming the option',
    rust: 'api::options_whose_getters_throw_are_typed_errors_naming_the_option',
    async run(api) {
      const make = (key) => {
        const o = { regionId: 'cn-hangzhou', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } };
        return Object.defineProperty(o, key, {
          enumerable: true,
          get() {
            throw new Error('boom');
          },
        });
      };
      for (const key of ['endpoint', 'credentials', 'timeoutMs', 'fetch']) {
        const e = throws(() => new api.Client(make(key)), `getter of ${key}`);
        assertError(e, 'InvalidConfig');
        eq(e.field, key, 'field');
        includes(e.message, 'boom', `message (${key})`);
      }
      // A proxy whose ownKeys trap throws.
      const trap = new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('trap');
          },
        },
      );
      assertError(throws(() => new api.Client(trap), 'ownKeys trap'), 'InvalidConfig');
    },
  },
  {
    name: 'call options are checked before anything is sent',
    rust: 'api::call_options_are_checked_before_anything_is_sent',
    async run(api, env) {
      const c = client(api, env);
      const id = activeId();
      const throwing = Object.defineProperty({}, 'signal', {
        enumerable: true,
        get() {
          throw new Error('x');
        },
      });
      for (const [options, field] of [
        [5, 'options'],
        ['x', 'options'],
        [[], 'options'],
        [{ signall: 1 }, 'options'],
        [{ signal: 1 }, 'signal'],
        [throwing, 'signal'],
      ]) {
        const e = await rejects(() => c.openHttps(id, undefined, options), `options ${show(options)}`);
        assertError(e, 'InvalidArgument');
        eq(e.field, field, `field for ${show(options)}`);
      }
      eq(await applied(env, id), 0, 'applied');
      // A non-string clientToken is refused, as signOpenHttps refuses it.
      assertError(await rejects(() => c.openHttps(id, 5)), 'InvalidClientToken');
    },
  },
  {
    name: 'signOpenHttps reproduces the shared vectors from JS',
    rust: 'api::sign_open_https_reproduces_the_shared_vectors_from_js',
    async run(api) {
      // The inputs of `v3-basic-with-clientToken` and `basic-with-clientToken` in
      // tests/vectors/signing.json (user-agent is signed by neither scheme).
      for (const [signatureVersion, authorization] of [
        [
          'v3',
          'ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=c16db9ff9405d9076978f8332af71a4aac67e47c3464a0eae51050c2dd99e89c',
        ],
        ['v1', 'acs testid:JOw1Jl/c0JbfdlGvf6AwxaQa4/8='],
      ]) {
        const signed = api.signOpenHttps({
          instanceId: 'es-cn-n6w1o1x0w001c',
          clientToken: '5A2CFF0E-5718-45B5-9D4D-70B3FF000000',
          credentials: { ...TEST_KEY },
          endpoint: 'http://127.0.0.1:8080',
          signatureVersion,
          timestamp: 1775030400000,
          nonce: '3b4a5c0e9f1d4e2a8b7c6d5e4f3a2b1c',
        });
        eq(signed.method, 'POST', 'method');
        eq(
          signed.url,
          'http://127.0.0.1:8080/openapi/instances/es-cn-n6w1o1x0w001c/actions/open-https?clientToken=5A2CFF0E-5718-45B5-9D4D-70B3FF000000',
          'url',
        );
        eq(signed.headers?.authorization, authorization, `${signatureVersion} authorization`);
      }
      let e = throws(() =>
        api.signOpenHttps({ instanceId: 'es-1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, regionID: 'x' }),
      );
      assertError(e, 'InvalidConfig');
      e = throws(() => api.signOpenHttps({ instanceId: 'es-1' }));
      assertError(e, 'MissingCredentials');
      // It signs at once: a credentials function's answer cannot be waited for.
      let asked = 0;
      e = throws(() => api.signOpenHttps({ instanceId: 'es-1', regionId: 'cn-hangzhou', credentials: () => ++asked }));
      assertError(e, 'MissingCredentials');
      eq(e.message, 'signOpenHttps signs at once: credentials must be values { accessKeyId, accessKeySecret }, not a function', 'message');
      eq(asked, 0, 'the function was not called');
      // The input's target is checked as a Client's is.
      e = throws(() => api.signOpenHttps({ instanceId: 'es-1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, regionId: 'cn hangzhou' }));
      assertError(e, 'InvalidRegion');
    },
  },
  {
    name: 'an answer over the cap is malformed and not copied in',
    rust: 'api::an_answer_over_the_cap_is_malformed_and_not_copied_in',
    async run(api, env) {
      const fetch = () =>
        Promise.resolve({ status: 200, headers: new Headers(), text: () => Promise.resolve('x'.repeat(2 * 1024 * 1024)) });
      const e = await rejects(() => client(api, env, { fetch }).openHttps('es-cn-1', 't'));
      assertError(e, 'MalformedResponse');
      includes(e.message, 'too large', 'message');
      eq(e.httpStatus, 200, 'httpStatus');
    },
  },
  {
    name: 'a credentials function that never answers is bounded and does not wedge the client',
    rust: 'api::a_credentials_function_that_never_answers_is_bounded_and_does_not_wedge_the_client',
    async run(api, env) {
      const { client: c, calls } = clientWithProvider(api, env, () => new Promise(() => {}), {
        timeoutMs: 150,
        maxAttempts: 2,
      });
      const started = Date.now();
      let e = await rejects(() => c.openHttps(activeId()));
      const took = Date.now() - started;
      assertError(e, 'Timeout');
      includes(e.message, 'credentials', 'message');
      between(took, 250, 2000, 'two attempts of 150 ms, took (ms)');
      // Each attempt asked afresh: the stuck invocation is not waited for again.
      eq(calls.length, 2, 'provider calls');
      // A later call is not wedged either: it asks again, and times out on its own.
      e = await rejects(() => c.openHttps(activeId()));
      assertError(e, 'Timeout');
      eq(calls.length, 4, 'provider calls after a second call');
    },
  },
  {
    name: 'the deadline and the signal bound a slow credentials function',
    rust: 'api::the_deadline_and_the_signal_bound_a_slow_credentials_function',
    async run(api, env) {
      // Answers after 3 s; the deadline is 300 ms.
      const slow = () => new Promise((resolve) => setTimeout(() => resolve({ ...TEST_KEY }), 3000));
      let c = clientWithProvider(api, env, slow, { deadlineMs: 300 }).client;
      let started = Date.now();
      let e = await rejects(() => c.openHttps(activeId()));
      assertError(e, 'Timeout');
      let took = Date.now() - started;
      ok(took < 1000, `the deadline of 300 ms held: ${took} ms`);
      // An AbortSignal stops the wait for credentials at once.
      c = clientWithProvider(api, env, slow).client;
      const controller = new AbortController();
      const pending = settle(() => c.openHttps(activeId(), undefined, { signal: controller.signal }));
      setTimeout(() => controller.abort(), 50);
      started = Date.now();
      const o = await pending;
      ok(!o.ok, `aborted call resolved with ${show(o.value)}`);
      assertError(o.error, 'Aborted');
      took = Date.now() - started;
      ok(took < 1000, `aborted after ${took} ms`);
    },
  },
];

/**
 * A client whose credentials provider counts its calls and returns STS credentials expiring
 * at `expiration()` after 5 ms, with a fetch answering success (api.rs `counting_provider`).
 */
function countingProvider(api, expiration) {
  const calls = [];
  const credentials = () => {
    calls.push(1);
    return new Promise((resolve) => setTimeout(() => resolve({ ...STS_KEY, expiration: expiration() }), 5));
  };
  return { client: new api.Client({ regionId: 'cn-hangzhou', credentials, fetch: answering(SUCCESS_BODY) }), calls };
}

/** A client over the emulator whose credentials function is `provider`, counting its calls. */
function clientWithProvider(api, env, provider, extra = {}) {
  const calls = [];
  const credentials = () => {
    calls.push(1);
    return provider();
  };
  return { client: new api.Client({ endpoint: env.emulator, ...extra, credentials }), calls };
}

// --- faults.rs: every fault a network and a gateway produce, injected by the emulator ----------

/**
 * Calls `es-fault-<fault>-<uuid>` with a fixed clientToken and checks the outcome (`want`:
 * null for success, else the error code), the attempts the client reports and the emulator
 * saw, and how often the change was applied. Logs one row of the faults table. Returns the
 * result or the error.
 */
async function faultCase(api, env, fault, extra, want, wantAttempts, wantApplied) {
  const id = uniqueId(`es-fault-${fault}-`);
  const started = Date.now();
  const o = await settle(() => client(api, env, extra).openHttps(id, 'fault-token'));
  const elapsed = Date.now() - started;
  let shown;
  let attempts;
  if (o.ok && want === null) {
    eq(o.value.result, true, `${fault}: result`);
    eq(o.value.clientToken, 'fault-token', `${fault}: clientToken`);
    shown = 'success';
    attempts = o.value.attempts;
  } else if (!o.ok && want !== null) {
    assertError(o.error, want);
    eq(o.error.clientToken, 'fault-token', `${fault}: clientToken`);
    const list = o.error.attempts;
    ok(Array.isArray(list), `${fault}: error.attempts is an array: ${show(list)}`);
    if (list.length > 1) includes(o.error.message, `${list.length} attempts: `, `${fault}: message`);
    shown = `${want} (error)`;
    attempts = list.length;
  } else if (o.ok) {
    fail(`${fault}: succeeded, expected ${want}`);
  } else {
    fail(`${fault}: failed with ${o.error?.code}: ${o.error?.message}`);
  }
  eq(attempts, wantAttempts, `${fault}: attempts reported by the client`);
  eq(await attemptsSeen(env, id), wantAttempts, `${fault}: attempts seen by the emulator`);
  eq(await applied(env, id), wantApplied, `${fault}: times applied`);
  env.log(`| ${fault} | ${shown} | ${attempts} | ${wantApplied} | ${elapsed} ms |`);
  return o.ok ? o.value : o.error;
}

const faultTests = [
  {
    name: 'service unavailable twice, then success',
    rust: 'faults::service_unavailable_twice_then_success',
    run: (api, env) => faultCase(api, env, '503x2', {}, null, 3, 1),
  },
  {
    name: 'service unavailable beyond maxAttempts is an error listing each attempt',
    rust: 'faults::service_unavailable_beyond_max_attempts_is_an_error_listing_each_attempt',
    async run(api, env) {
      const e = await faultCase(api, env, '503x5', {}, 'ServiceUnavailable', 3, 0);
      for (const a of e.attempts) {
        ok(
          typeof a === 'string' && a.startsWith('ServiceUnavailable (HTTP 503, RequestId '),
          `attempt: ${show(a)}`,
        );
      }
      eq(e.httpStatus, 503, 'httpStatus');
      eq(e.retryable, true, 'retryable');
    },
  },
  {
    name: 'internal error, then success',
    rust: 'faults::internal_error_then_success',
    run: (api, env) => faultCase(api, env, '500x1', {}, null, 2, 1),
  },
  {
    name: 'throttled waits for x-acs-retry-after',
    rust: 'faults::throttled_waits_for_x_acs_retry_after',
    async run(api, env) {
      const started = Date.now();
      await faultCase(api, env, 'throttlex1', {}, null, 2, 1);
      const took = Date.now() - started;
      ok(took >= 120, `waited at least x-acs-retry-after: 120 ms, took ${took} ms`);
    },
  },
  {
    name: 'HTTP 429 waits for Retry-After',
    rust: 'faults::http_429_waits_for_retry_after',
    async run(api, env) {
      const started = Date.now();
      await faultCase(api, env, '429x1', {}, null, 2, 1);
      const took = Date.now() - started;
      ok(took >= 1000, `waited at least Retry-After: 1 s, took ${took} ms`);
    },
  },
  {
    name: 'an HTML page with 200 is an error, not a success, and not retried',
    rust: 'faults::an_html_page_with_200_is_an_error_not_a_success_and_not_retried',
    async run(api, env) {
      const e = await faultCase(api, env, 'html200x1', {}, 'MalformedResponse', 1, 0);
      eq(e.httpStatus, 200, 'httpStatus');
      eq(e.retryable, false, 'retryable');
    },
  },
  // Faults that one retry gets past: the second attempt answers and the change is applied
  // once (each named after its Rust test, spaces as underscores).
  ...[
    ['a bad gateway page is retried', 'html502x1'],
    ['an empty answer is retried', 'emptyx1'],
    ['a truncated success is retried and replayed, not applied twice', 'truncatedx1'],
    ['a hang times out and is retried', 'hangx1', { timeoutMs: 300 }],
    ['a hang after applying is retried and replayed', 'hangafterx1', { timeoutMs: 300 }],
    ['a dropped connection is retried', 'dropx1'],
    ['a connection dropped after applying is retried and replayed', 'dropafterx1'],
    ['unavailable after applying is retried and replayed', '503afterx1'],
  ].map(([name, fault, extra = {}]) => ({
    name,
    rust: `faults::${name.replaceAll(',', '').replaceAll(' ', '_')}`,
    run: (api, env) => faultCase(api, env, fault, extra, null, 2, 1),
  })),
  {
    name: 'a server that never answers is a Timeout within the configured time',
    rust: 'faults::a_server_that_never_answers_is_a_timeout_within_the_configured_time',
    async run(api, env) {
      const started = Date.now();
      const e = await faultCase(api, env, 'hangx9', { timeoutMs: 300, maxAttempts: 1 }, 'Timeout', 1, 0);
      between(Date.now() - started, 300, 1500, 'timed out after (ms)');
      eq(e.retryable, true, 'retryable');
    },
  },
  {
    name: 'the deadline bounds the whole call',
    rust: 'faults::the_deadline_bounds_the_whole_call',
    async run(api, env) {
      // 250 ms attempts inside a 600 ms deadline: two or three attempts, depending on the
      // random backoff between them (a wait that would end past the deadline is not taken),
      // and the call ends with a Timeout no later than the deadline (plus timer slack).
      const id = uniqueId('es-fault-hangx9-');
      const started = Date.now();
      const e = await rejects(() => client(api, env, { timeoutMs: 250, deadlineMs: 600 }).openHttps(id));
      const elapsed = Date.now() - started;
      assertError(e, 'Timeout');
      ok(Array.isArray(e.attempts), `attempts is an array: ${show(e.attempts)}`);
      const attempts = e.attempts.length;
      ok(attempts >= 2 && attempts <= 3, `${attempts} attempts`);
      between(elapsed, 500, 1500, 'gave up after (ms)');
      eq(await applied(env, id), 0, 'applied');
      env.log(`| hangx9 + deadlineMs 600 | Timeout (error) | ${attempts} | 0 | ${elapsed} ms |`);
    },
  },
  {
    name: 'a skewed server clock is learnt once and kept',
    rust: 'faults::a_skewed_server_clock_is_learnt_once_and_kept',
    async run(api, env) {
      let id = uniqueId('es-fault-skew-');
      const c = client(api, env);
      let r = await resolves(() => c.openHttps(id));
      eq(r.attempts, 2, 'one failed attempt, then corrected: attempts');
      // The client now signs with the server's clock: the next call needs one attempt.
      const again = await resolves(() => c.openHttps(id));
      eq(again.attempts, 1, 'attempts of the next call');
      eq(await applied(env, id), 2, 'two calls with two tokens, each applied once');
      env.log('| skew | success | 2, then 1 | 1 per call |');
      // maxAttempts 1 still allows the clock correction's resend — the documented exception —
      // and `attempts` says that two requests were sent.
      id = uniqueId('es-fault-skew-');
      r = await resolves(() => client(api, env, { maxAttempts: 1 }).openHttps(id));
      eq(r.attempts, 2, 'attempts with maxAttempts 1');
      eq(await applied(env, id), 1, 'applied');
    },
  },
  {
    name: 'a server asking to wait an hour is not obeyed',
    rust: 'faults::a_server_asking_to_wait_an_hour_is_not_obeyed',
    async run(api, env) {
      for (const [name, value] of [
        ['retry-after', '3600'],
        ['x-acs-retry-after', '86400000'],
      ]) {
        const body = JSON.stringify({
          RequestId: 'R',
          Code: 'Throttling.User',
          Message: 'Request was denied due to user flow control.',
        });
        const c = client(api, env, { fetch: answering(body, 400, { [name]: value }) });
        const started = Date.now();
        const e = await rejects(() => c.openHttps('es-cn-1', 't'));
        assertError(e, 'Throttling.User');
        const took = Date.now() - started;
        ok(took < 1000, `${name}: failed at once, took ${took} ms`);
        includes(e.message, 'asked to wait', 'message');
        env.log(`| ${name}: ${value} | Throttling.User at once | 1 | 0 |`);
      }
    },
  },
  {
    name: 'an abort signal cancels at once and applies nothing',
    rust: 'faults::an_abort_signal_cancels_at_once_and_applies_nothing',
    async run(api, env) {
      let id = uniqueId('es-fault-hangx9-');
      const c = client(api, env, { timeoutMs: 5000 });
      const controller = new AbortController();
      const pending = settle(() => c.openHttps(id, undefined, { signal: controller.signal }));
      const started = Date.now();
      await sleep(150);
      controller.abort();
      const o = await pending;
      const elapsed = Date.now() - started;
      ok(!o.ok, `aborted call resolved with ${show(o.value)}`);
      assertError(o.error, 'Aborted');
      eq(o.error.retryable, false, 'retryable');
      ok(elapsed < 1000, `aborted after ${elapsed} ms, not at the 5 s timeout`);
      eq(await applied(env, id), 0, 'applied');

      // An already aborted signal: nothing is sent at all.
      id = uniqueId('es-active-');
      const e = await rejects(() => c.openHttps(id, undefined, { signal: AbortSignal.abort() }));
      assertError(e, 'Aborted');
      eq(await attemptsSeen(env, id), 0, 'attempts seen by the emulator');
    },
  },
  {
    name: 'a non-retryable error is not retried',
    rust: 'faults::a_non_retryable_error_is_not_retried',
    async run(api, env) {
      const e = await rejects(() => client(api, env).openHttps(uniqueId('es-cn-missing-')));
      assertError(e, 'InstanceNotFound');
      ok(Array.isArray(e.attempts), `attempts is an array: ${show(e.attempts)}`);
      eq(e.attempts.length, 1, 'attempts');
      excludes(e.message, 'attempts:', "the service's message is unchanged");
    },
  },
];

// --- hygiene.rs: no error path leaks the secret, the token or a signature ----------------------

const SECRET = 'stssecret';
const TOKEN = 'ststoken';

/**
 * A fetch that remembers every signature it sends (into `signatures`), then does what
 * `behaviour(url, init)` does: forward to the real fetch, or answer a page echoing secrets.
 */
const recordingFetch = (signatures, behaviour) => (url, init) => {
  const a = init.headers.authorization;
  signatures.push(a.includes('Signature=') ? a.split('Signature=')[1] : a.split(':')[1]);
  return behaviour(url, init);
};

const stsClient = (api, endpoint, secret, token, fetch, extra = {}) =>
  new api.Client({
    endpoint,
    credentials: { accessKeyId: 'STS.testid', accessKeySecret: secret, securityToken: token },
    ...(fetch ? { fetch } : {}),
    ...extra,
  });

/** Every text reachable from the error: own properties (arrays joined), stack, JSON form. */
function allText(e) {
  let out = '';
  for (const name of Object.getOwnPropertyNames(e)) {
    const v = e[name];
    let s;
    if (typeof v === 'string') s = v;
    else if (Array.isArray(v)) s = v.join('\n');
    else {
      try {
        s = JSON.stringify(v) ?? '';
      } catch {
        s = '';
      }
    }
    out += `${name}=${s}\n`;
  }
  return out + (JSON.stringify(e) ?? '');
}

function assertClean(what, e, forbidden) {
  ok(e instanceof Error, `${what}: not an Error: ${show(e)}`);
  const all = allText(e);
  for (const f of forbidden) ok(!all.includes(f), `${what}: leaks ${show(f)} in\n${all}`);
}

/** A client over the emulator whose fetch is `fetch`. */
const clientWithFetch = (api, env, fetch) => client(api, env, { fetch });

const hygieneTests = [
  {
    name: 'no error path leaks the secret, the token or a signature',
    rust: 'hygiene::no_error_path_leaks_the_secret_the_token_or_a_signature',
    async run(api, env) {
      const signatures = [];
      const forward = recordingFetch(signatures, (url, init) => fetch(url, init));
      const errors = [];
      const add = (what, e) => errors.push([what, e]);

      // The service's errors, the real signature sent each time.
      let c = stsClient(api, env.emulator, SECRET, TOKEN, forward);
      add('InstanceNotFound', await rejects(() => c.openHttps('es-cn-nothere')));
      add('InstanceActivating', await rejects(() => c.openHttps('es-activating-h')));
      c = stsClient(api, env.emulator, 'WrongSecret-123', TOKEN, forward);
      const e = await rejects(() => c.openHttps(activeId()));
      assertError(e, 'SignatureDoesNotMatch');
      includes(e.serverStringToSign, 'x-acs-security-token:<redacted>', 'serverStringToSign');
      includes(e.stringToSign, 'x-acs-security-token:<redacted>', 'stringToSign');
      add('SignatureDoesNotMatch', e);
      c = stsClient(api, env.emulator, SECRET, 'WrongToken-999', forward);
      add('wrong token', await rejects(() => c.openHttps(activeId())));

      // A proxy that echoes our headers back, as an HTML page and as a JSON error.
      const echoHtml = recordingFetch(signatures, (url, init) =>
        Promise.resolve(
          new Response(`<html>${init.headers.authorization} ${init.headers['x-acs-security-token']}</html>`, {
            status: 200,
          }),
        ),
      );
      c = stsClient(api, env.emulator, SECRET, TOKEN, echoHtml);
      add('echoing HTML page', await rejects(() => c.openHttps('es-1')));
      const echoJson = recordingFetch(signatures, (url, init) => {
        const t = `${init.headers['x-acs-security-token']} ${init.headers.authorization}`;
        const body = JSON.stringify({ Code: 'Weird', Message: t, RequestId: t, HostId: t, Recommend: t });
        return Promise.resolve(new Response(body, { status: 400 }));
      });
      c = stsClient(api, env.emulator, SECRET, TOKEN, echoJson);
      add('echoing JSON error', await rejects(() => c.openHttps('es-1')));

      // No answer: refused connection (retried), a hang (timeout), an abort.
      c = stsClient(api, 'http://127.0.0.1:1', SECRET, TOKEN, forward);
      add('NetworkError', await rejects(() => c.openHttps('es-1')));
      c = stsClient(api, env.emulator, SECRET, TOKEN, forward, { timeoutMs: 200, maxAttempts: 1 });
      add('Timeout', await rejects(() => c.openHttps(uniqueId('es-fault-hangx9-'))));

      // Bad input that contains the secret or the token: refused without repeating it.
      add('secret with a space', throws(() => stsClient(api, env.emulator, ' stssecret', TOKEN)));
      add('token with a newline', throws(() => stsClient(api, env.emulator, SECRET, 'ststoken\n')));

      const forbidden = [SECRET, TOKEN, 'WrongSecret-123', 'WrongToken-999'];
      forbidden.push(...signatures.filter((s) => typeof s === 'string'));
      ok(signatures.length >= 8, `signatures were recorded: ${signatures.length}`);
      for (const [what, e] of errors) assertClean(what, e, forbidden);
      eq(errors.length, 10, 'error paths checked');
    },
  },
  {
    name: 'a request delivered twice is retried with a fresh nonce',
    rust: 'hygiene::a_request_delivered_twice_is_retried_with_a_fresh_nonce',
    async run(api, env) {
      // As a browser does after a connection reset: the same request (same nonce) is sent
      // again and its answer is the one the page sees — SignatureNonceUsed from the gateway.
      let sent = 0;
      const c = clientWithFetch(api, env, (u, i) => (sent++ === 0 ? fetch(u, i).then(() => fetch(u, i)) : fetch(u, i)));
      const id = activeId();
      const r = await resolves(() => c.openHttps(id, 'nonce-twice'));
      eq(r.result, true, 'result');
      eq(r.attempts, 2, 'attempts');
      eq(await applied(env, id), 1, 'applied once, whatever the resends');
    },
  },
  {
    name: 'answers we cannot read safely are malformed',
    rust: 'hygiene::answers_we_cannot_read_safely_are_malformed',
    async run(api, env) {
      for (const body of ['{"Result":true,"Result":false,"RequestId":"R"}', '{"Result":true}']) {
        const c = clientWithFetch(api, env, answering(body));
        const e = await rejects(() => c.openHttps('es-cn-1', 't'), body);
        assertError(e, 'MalformedResponse');
      }
    },
  },
  {
    name: 'an echoed URL-encoded Authorization is redacted',
    rust: 'hygiene::an_echoed_url_encoded_authorization_is_redacted',
    async run(api, env) {
      // A gateway or proxy that puts our Authorization header, URL-encoded, into Recommend.
      const c = clientWithFetch(api, env, (u, i) => {
        const body = JSON.stringify({
          RequestId: 'R',
          Code: 'Forbidden',
          Message: `no: ${i.headers.authorization}`,
          Recommend: `https://x/?a=${encodeURIComponent(i.headers.authorization)}`,
        });
        return Promise.resolve(new Response(body, { status: 403 }));
      });
      const e = await rejects(() => c.openHttps('es-cn-1', 't'));
      assertError(e, 'Forbidden');
      const recommend = text(e, 'recommend');
      const message = text(e, 'message');
      ok(recommend.includes('<redacted>') && message.includes('<redacted>'), `${recommend} / ${message}`);
      ok(!recommend.includes('Signature%3D') || recommend.includes('Signature%3D<redacted>'), recommend);
    },
  },
  {
    name: 'signOpenHttps refuses a timestamp before 1970',
    rust: 'hygiene::sign_open_https_refuses_a_timestamp_before_1970',
    async run(api) {
      const e = throws(() =>
        api.signOpenHttps({
          instanceId: 'es-1',
          credentials: { accessKeyId: 'a', accessKeySecret: 'b' },
          regionId: 'cn-hangzhou',
          timestamp: -1,
        }),
      );
      assertError(e, 'InvalidConfig');
      eq(e.field, 'timestamp', 'field');
    },
  },
];

// --- random.rs: nonces and generated clientTokens -----------------------------------------------
// The Rust tests called the crate's `nonce()` and `uuid_v4()` directly; here the same values
// are read where the public API shows them: signOpenHttps's `x-acs-signature-nonce` header and
// its generated `clientToken`.

const signed = (api, clientToken) =>
  api.signOpenHttps({
    instanceId: 'es-cn-1',
    credentials: { ...TEST_KEY },
    regionId: 'cn-hangzhou',
    ...(clientToken === undefined ? {} : { clientToken }),
  });
const nonceOf = (api) => signed(api).headers?.['x-acs-signature-nonce'];

const randomTests = [
  {
    name: 'nonces are 64 hex and unique',
    rust: 'random::nonces_are_64_hex_and_unique',
    async run(api) {
      const a = nonceOf(api);
      const b = nonceOf(api);
      eq(typeof a, 'string', 'x-acs-signature-nonce type');
      eq(a.length, 64, 'nonce length');
      ok(/^[0-9a-fA-F]{64}$/.test(a), `nonce is hex: ${a}`);
      ok(a !== b, `two nonces differ: ${a}`);
    },
  },
  {
    name: 'the nonce pool never repeats and refills',
    rust: 'random::the_pool_never_repeats_and_refills',
    async run(api) {
      // 100 signed requests draw far more random bytes than the crate's 512-byte pool holds.
      const many = Array.from({ length: 100 }, () => nonceOf(api));
      eq(new Set(many).size, many.length, '100 nonces, all distinct');
      for (const n of many) ok(typeof n === 'string' && n.length === 64 && n !== '0'.repeat(64), `nonce: ${show(n)}`);
    },
  },
  {
    name: 'generated clientTokens are UUID v4s',
    rust: 'random::uuid_v4_shape',
    async run(api) {
      const u = text(signed(api), 'clientToken');
      eq(u.length, 36, `length of ${u}`);
      eq(u[14], '4', `version digit of ${u}`);
      // As the Rust test: upper-case, the style of Alibaba's own ids.
      ok(['8', '9', 'A', 'B'].includes(u[19]), `variant digit of ${u}`);
      eq(signed(api, u).clientToken, u, 'accepted as a clientToken');
      ok(u !== text(signed(api), 'clientToken'), 'two generated tokens differ');
    },
  },
];

/** Every scenario, in the order of the Rust files (api, faults, hygiene, random). */
export const scenarios = [...apiTests, ...faultTests, ...hygieneTests, ...randomTests];
