// The calls both consumers make, through whichever loader gave them the API.
// Every outcome is recorded as data; the assertions live in package.test.mjs.
const url = process.env.EMULATOR_URL;
const key = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };

function errorFields(e) {
  return {
    ok: false,
    isError: e instanceof Error,
    name: e.name,
    code: e.code,
    message: e.message,
    requestId: e.requestId,
    httpStatus: e.httpStatus,
    retryable: e.retryable,
    field: e.field,
    clientToken: e.clientToken,
    hasStack: typeof e.stack === 'string',
  };
}

async function settle(f) {
  try {
    return { ok: true, ...(await f()) };
  } catch (e) {
    return errorFields(e);
  }
}

async function scenarios({ Client, openHttps, configure }) {
  const tag = `${process.pid}-${Date.now()}`;
  const v3 = new Client({ endpoint: url, credentials: key });
  const v1 = new Client({ endpoint: url, credentials: key, signatureVersion: 'v1' });
  const sts = new Client({
    endpoint: url,
    credentials: async () => ({ accessKeyId: 'STS.testid', accessKeySecret: 'stssecret', securityToken: 'ststoken' }),
  });
  const out = {
    ids: { v3: `es-active-v3-${tag}`, v1: `es-active-v1-${tag}`, sts: `es-active-sts-${tag}` },
  };
  // In Node the package sends through its own keep-alive node:http transport, not the global
  // fetch: with fetch broken, calls still work.
  const realFetch = globalThis.fetch;
  globalThis.fetch = () => Promise.reject(new Error('the global fetch was used'));
  try {
    out.v3 = await settle(() => v3.openHttps(out.ids.v3, 'token-v3'));
  } finally {
    globalThis.fetch = realFetch;
  }
  out.v3Again = await settle(() => v3.openHttps(out.ids.v3, 'token-v3'));
  out.v1 = await settle(() => v1.openHttps(out.ids.v1));
  out.sts = await settle(() => sts.openHttps(out.ids.sts));
  out.activatingV3 = await settle(() => v3.openHttps('es-activating-1'));
  out.activatingV1 = await settle(() => v1.openHttps('es-activating-1'));
  out.notFoundV3 = await settle(() => v3.openHttps('es-cn-unknown0001', 'token-nf'));
  out.notFoundV1 = await settle(() => v1.openHttps('es-cn-unknown0001'));
  out.badInstance = await settle(() => v3.openHttps('es/../x'));
  out.badConfig = await settle(async () => new Client({ regionId: 'cn-hangzhou', credentials: { accessKeyId: 'x' } }));

  // Nothing configured and no environment: a clear error saying what to set.
  out.unconfigured = await settle(() => openHttps('es-active-1'));

  // Credentials and region from the ALIBABA_CLOUD_* variables; a fake fetch shows where the
  // request would go without sending it anywhere.
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = 'testid';
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = 'testsecret';
  process.env.ALIBABA_CLOUD_REGION_ID = 'cn-shanghai';
  let sentTo = null;
  const fake = async (u) => {
    sentTo = u;
    return new Response('{"Result":true,"RequestId":"FAKE"}', { status: 200 });
  };
  out.fromEnv = await settle(() => new Client({ fetch: fake }).openHttps('es-cn-abc', 'tok'));
  out.fromEnv.sentTo = sentTo;
  configure({ endpoint: url }); // credentials from the environment, endpoint explicit
  out.configuredFromEnv = await settle(() => openHttps(`es-active-env-${tag}`));
  for (const k of ['ACCESS_KEY_ID', 'ACCESS_KEY_SECRET', 'REGION_ID']) delete process.env[`ALIBABA_CLOUD_${k}`];
  return out;
}

module.exports = { scenarios };
