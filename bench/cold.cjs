// Cold start: run as a fresh `node` process; prints the absolute time (ms since 1970, from
// the high-resolution clock) at which the first result was ready, and the process's peak RSS
// (KiB) at that moment. The parent notes the same
// clock just before spawning, so the difference is process start → first result, node's own
// start-up included (the `baseline` mode measures that part alone).
//
//   node bench/cold.cjs baseline
//   node bench/cold.cjs ours sign            # require the package, first signOpenHttps result
//   node bench/cold.cjs official sign        # require openapi-core (the SDK's signer), first Authorization
//   node bench/cold.cjs ours request PORT    # require, new Client, first openHttps answered
//   node bench/cold.cjs official request PORT
//
// CommonJS on purpose: both libraries are loaded with a plain synchronous require, as a
// script would, without the ESM loader's extra start-up.
'use strict';

const { createRequire } = require('node:module');
const path = require('node:path');

const [client, mode, port] = process.argv.slice(2);
const done = () => {
  process.stdout.write(`${performance.timeOrigin + performance.now()} ${process.resourceUsage().maxRSS}\n`);
  process.exit(0);
};
const key = { accessKeyId: 'testid', accessKeySecret: 'testsecret' };
const token = `cold-${process.pid}-${Date.now()}`;

if (client === 'baseline') {
  done();
} else if (client === 'ours') {
  const ours = createRequire(path.join(process.env.BENCH_OURS_DIR, 'package.json'))('aliyun-es-https');
  if (mode === 'sign') {
    const signed = ours.signOpenHttps({
      instanceId: 'es-cn-n6w1o1x0w001c', clientToken: token, credentials: key, regionId: 'cn-hangzhou',
    });
    if (!signed.headers.authorization) throw new Error('no signature');
    done();
  } else {
    const c = new ours.Client({ endpoint: `http://127.0.0.1:${port}`, credentials: key, maxAttempts: 1 });
    c.openHttps(`es-active-cold-${process.pid}`, token).then((r) => {
      if (r.result !== true) throw new Error('Result is not true');
      done();
    });
  }
} else if (client === 'official') {
  const req = createRequire(path.join(process.env.BENCH_OFFICIAL_DIR, 'package.json'));
  if (mode === 'sign') {
    // The SDK has no sign-only API: its signer is openapi-core's utils (what its Client calls),
    // so only openapi-core is loaded, not the Elasticsearch client with its models.
    const { $OpenApiUtil } = req('@alicloud/openapi-core');
    const { Request } = req('@darabonba/typescript');
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
    done();
  } else {
    const es = req('@alicloud/elasticsearch20170613');
    const { $OpenApiUtil } = req('@alicloud/openapi-core');
    const c = new es.default(
      new $OpenApiUtil.Config({ ...key, endpoint: `127.0.0.1:${port}`, protocol: 'http', regionId: 'cn-hangzhou' }),
    );
    c.openHttps(`es-active-cold-${process.pid}`, new es.OpenHttpsRequest({ clientToken: token })).then((r) => {
      if (r.body.result !== true) throw new Error('Result is not true');
      done();
    });
  }
} else {
  throw new Error('usage: node bench/cold.cjs baseline | ours|official sign | ours|official request PORT');
}
