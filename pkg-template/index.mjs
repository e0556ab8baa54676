// Node ESM entry: re-exports the CommonJS glue so that `import` and `require` share one
// wasm instance (and one default client set by `configure`).
export { Client, configure, openHttps, signOpenHttps } from './aliyun_es_https.cjs';
