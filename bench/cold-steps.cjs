// The work of a cold start (bench/cold.cjs through `require`, bench/cold.mjs through `import`):
// given the loaded library, produce its first signature or its first openHttps answer, then
// print the absolute time (ms since 1970, from the high-resolution clock) at which it was
// ready and the process's peak RSS (KiB) at that moment. The parent notes the same clock just
// before spawning, so the difference is process start → first result, node's own start-up
// included (the `baseline` mode measures that part alone).
'use strict';

const key = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const token = `cold-${process.pid}-${Date.now()}`;

function done() {
  process.stdout.write(`${performance.timeOrigin + performance.now()} ${process.resourceUsage().maxRSS}\n`);
  process.exit(0);
}

/** Ours: `lib` is the package's exports. */
function ours(lib, mode, port) {
  if (mode === 'sign') {
    const signed = lib.signOpenHttps({
      instanceId: 'es-cn-n6w1o1x0w001c', clientToken: token, credentials: key, regionId: 'cn-hangzhou',
    });
    if (!signed.headers.authorization) throw new Error('no signature');
    return done();
  }
  const c = new lib.Client({ endpoint: `http://127.0.0.1:${port}`, credentials: key, maxAttempts: 1 });
  c.openHttps(`es-active-cold-${process.pid}`, token).then((r) => {
    if (r.result !== true) throw new Error('Result is not true');
    done();
  });
}

/**
 * The official SDK. `sign`: it has no sign-only API, so its signer is openapi-core's utils
 * (what its Client calls) with @darabonba/typescript's Request, and only those are loaded, not
 * the Elasticsearch client with its models. `request`: the Elasticsearch client.
 * `load(name)` gives a package's exports (`module.exports` for these CommonJS packages).
 */
async function official(load, mode, port) {
  const { $OpenApiUtil } = await load('@alicloud/openapi-core');
  if (mode === 'sign') {
    const { Request } = await load('@darabonba/typescript');
    const U = $OpenApiUtil.default;
    const r = new Request();
    r.method = 'POST';
    r.pathname = '/openapi/instances/es-cn-n6w1o1x0w001c/actions/open-https';
    r.query = U.query({ clientToken: token });
    r.headers = {
      host: 'elasticsearch.cn-hangzhou.aliyuncs.com', 'x-acs-version': '2017-06-13', 'x-acs-action': 'OpenHttps',
      'user-agent': U.getUserAgent(undefined), 'x-acs-date': U.getTimestamp(), 'x-acs-signature-nonce': U.getNonce(),
      accept: 'application/json', 'x-acs-credentials-provider': 'static_ak',
    };
    const payload = U.hash(Buffer.from('', 'utf-8'), 'ACS3-HMAC-SHA256').toString('hex');
    r.headers['x-acs-content-sha256'] = payload;
    r.headers.Authorization = U.getAuthorization(r, 'ACS3-HMAC-SHA256', payload, key.accessKeyId, key.accessKeySecret);
    return done();
  }
  const es = await load('@alicloud/elasticsearch20170613');
  const c = new es.default(
    new $OpenApiUtil.Config({ ...key, endpoint: `127.0.0.1:${port}`, protocol: 'http', regionId: 'cn-hangzhou' }),
  );
  c.openHttps(`es-active-cold-${process.pid}`, new es.OpenHttpsRequest({ clientToken: token })).then((r) => {
    if (r.body.result !== true) throw new Error('Result is not true');
    done();
  });
}

module.exports = { done, ours, official };
