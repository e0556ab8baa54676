// A plain ESM user script: `import … from 'aliyun-es-https'`, run from a throwaway project
// where the packed tarball is installed. Prints one JSON report for package.test.mjs.
import { createRequire } from 'node:module';
import { Client, openHttps, configure } from 'aliyun-es-https';
import scenariosModule from './scenarios.cjs';

const report = await scenariosModule.scenarios({ Client, openHttps, configure });

// `import` and `require` must share one wasm instance: a default client configured through
// the ESM entry is the one the CommonJS entry uses.
const required = createRequire(import.meta.url)('aliyun-es-https');
configure({
  endpoint: process.env.EMULATOR_URL,
  credentials: { accessKeyId: 'testid', accessKeySecret: 'testsecret' },
});
report.sharedInstance = await settle(required.openHttps(`es-active-shared-${process.pid}`));

function settle(p) {
  return p.then(
    (v) => ({ ok: true, ...v }),
    (e) => ({ ok: false, code: e.code, message: e.message }),
  );
}

process.stdout.write(JSON.stringify({ loader: 'import', ...report }));
