// The same minimal app with the official SDK (CommonJS, as the SDK is): one openHttps call.
const Elasticsearch = require('@alicloud/elasticsearch20170613');
const { $OpenApiUtil } = require('@alicloud/openapi-core');

const port = (typeof process !== 'undefined' && process.env.BENCH_PORT) || '8080';
const client = new Elasticsearch.default(
  new $OpenApiUtil.Config({
    accessKeyId: 'testid',
    accessKeySecret: 'testsecret',
    endpoint: `127.0.0.1:${port}`,
    protocol: 'http',
    regionId: 'cn-hangzhou',
  }),
);
client
  .openHttps('es-active-bundle', new Elasticsearch.OpenHttpsRequest({ clientToken: 'bundle-official-1' }))
  .then((r) => console.log(JSON.stringify(r.body)));
