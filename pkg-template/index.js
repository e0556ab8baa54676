// Browser and bundler entry: loads the wasm next to this file, then exposes the API.
import init, { Client, configure, openHttps } from './aliyun_es_https_web.js';

await init({ module_or_path: new URL('aliyun_es_https_bg.wasm', import.meta.url) });

export { Client, configure, openHttps };
