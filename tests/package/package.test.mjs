// The built package, the way users get it: `npm pack` of pkg/, installed into a throwaway
// project, then loaded by plain Node scripts with `require` and with `import`, calling the
// emulator for real. Run by scripts/test.sh after scripts/build.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../emulator/emulator.mjs';
import { installPacked, runNode } from './packed.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let installed;
let emulator;
const reports = {};

before(async () => {
  installed = installPacked('node');
  for (const f of ['consumer.cjs', 'consumer.mjs', 'scenarios.cjs']) copyFileSync(join(here, f), join(installed.project, f));
  emulator = await startEmulator();
  for (const script of ['consumer.cjs', 'consumer.mjs']) {
    const { code, stdout, stderr } = await runNode(installed.project, [script], { EMULATOR_URL: emulator.url });
    assert.equal(code, 0, `${script} failed: ${stderr}`);
    reports[script] = JSON.parse(stdout);
  }
});

after(async () => {
  await emulator?.close();
  installed?.remove();
});

test('the tarball ships two wasm files (the package and fleet mode), their glues, typings and the entries', () => {
  assert.deepEqual(installed.files.filter((f) => f.endsWith('.wasm')).sort(), ['aliyun_es_https_bg.wasm', 'aliyun_es_https_fleet_bg.wasm']);
  for (const f of ['package.json', 'aliyun_es_https.cjs', 'aliyun_es_https_fleet.cjs', 'index.mjs', 'index.js', 'fleet.js', 'cli.mjs', 'aliyun_es_https.d.ts', 'aliyun_es_https.d.cts', 'README.md', 'LICENSE']) {
    assert.ok(installed.files.includes(f), `${f} is in the tarball`);
  }
});

test('require: fleet mode\'s wasm is loaded on the first ensureHttpsAll, not with the package', async () => {
  // A call with a bad target: fleet mode is loaded first, then refuses it (nothing is sent).
  const script = `
    const lib = require('aliyun-es-https');
    const loaded = () => Object.keys(require.cache).some((k) => k.endsWith('aliyun_es_https_fleet.cjs'));
    const before = loaded();
    const client = new lib.Client({ endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } });
    client.ensureHttpsAll({ instanceIds: 'es-cn-n6w1o1x0w001c' }).then(
      () => console.log('{}'),
      (e) => console.log(JSON.stringify({ before, after: loaded(), code: e.code, field: e.field })),
    );`;
  const { code, stdout, stderr } = await runNode(installed.project, ['-e', script]);
  assert.equal(code, 0, stderr);
  assert.deepEqual(JSON.parse(stdout), { before: false, after: true, code: 'InvalidArgument', field: 'instanceIds' });
});

for (const entry of ['require', 'import']) {
  test(`${entry}: in Node the randomness comes from node:crypto, never globalThis.crypto (whose first use loads WebCrypto)`, async () => {
    // globalThis.crypto throws here: nonces and generated clientTokens must still be fresh.
    const script = `
      Object.defineProperty(globalThis, 'crypto', { configurable: true, get() { throw new Error('globalThis.crypto was read'); } });
      const load = ${entry === 'require' ? "async () => require('aliyun-es-https')" : "() => import('aliyun-es-https')"};
      load().then((lib) => {
        const sign = () => lib.signOpenHttps({ instanceId: 'es-cn-n6w1o1x0w001c', credentials: { accessKeyId: 'a', accessKeySecret: 'b' }, regionId: 'cn-hangzhou' });
        const [x, y] = [sign(), sign()];
        console.log(JSON.stringify({
          nonces: [x.headers['x-acs-signature-nonce'], y.headers['x-acs-signature-nonce']],
          tokens: [x.clientToken, y.clientToken],
        }));
      });`;
    const { code, stdout, stderr } = await runNode(installed.project, ['-e', script]);
    assert.equal(code, 0, stderr);
    const { nonces, tokens } = JSON.parse(stdout);
    for (const nonce of nonces) assert.match(nonce, /^[0-9a-f]{64}$/);
    for (const token of tokens) assert.match(token, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    assert.notEqual(nonces[0], nonces[1]);
    assert.notEqual(tokens[0], tokens[1]);
  });
}

for (const script of ['consumer.cjs', 'consumer.mjs']) {
  const r = () => reports[script];

  test(`${script}: V3 turns HTTPS on, once, through the Node transport (not the global fetch)`, () => {
    assert.deepEqual(r().v3, { ok: true, result: true, requestId: r().v3.requestId, clientToken: 'token-v3', attempts: 1 });
    assert.match(r().v3.requestId, /^[0-9A-F-]{36}$/);
    assert.equal(r().v3Again.requestId, r().v3.requestId, 'a repeated clientToken replays the first answer');
    assert.equal(emulator.applied(r().ids.v3), 1);
  });

  test(`${script}: V1 and STS turn HTTPS on`, () => {
    assert.equal(r().v1.ok && r().v1.result, true, JSON.stringify(r().v1));
    assert.match(r().v1.clientToken, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    assert.equal(emulator.applied(r().ids.v1), 1);
    assert.equal(r().sts.ok && r().sts.result, true, JSON.stringify(r().sts));
    assert.equal(emulator.applied(r().ids.sts), 1);
  });

  for (const v of ['V3', 'V1']) {
    test(`${script}: ${v} InstanceActivating and InstanceNotFound carry the service's fields`, () => {
      const a = r()[`activating${v}`];
      assert.equal(a.ok, false);
      assert.equal(a.isError, true);
      assert.equal(a.hasStack, true);
      assert.equal(a.name, 'OpenHttpsError');
      assert.equal(a.code, 'InstanceActivating');
      assert.equal(a.message, 'Instance is activating.');
      assert.equal(a.httpStatus, 400);
      assert.match(a.requestId, /^[0-9A-F-]{36}$/);
      assert.equal(a.retryable, false);
      const n = r()[`notFound${v}`];
      assert.equal(n.code, 'InstanceNotFound');
      assert.equal(n.message, 'The instanceId provided does not exist.');
      assert.equal(n.httpStatus, 400);
      assert.match(n.requestId, /^[0-9A-F-]{36}$/);
      if (v === 'V3') assert.equal(n.clientToken, 'token-nf');
    });
  }

  test(`${script}: bad input and bad configuration are typed errors`, () => {
    assert.equal(r().badInstance.code, 'InvalidInstanceId');
    assert.equal(r().badInstance.field, 'instanceId');
    assert.equal(r().badConfig.code, 'MissingCredentials');
    assert.equal(r().badConfig.isError, true);
  });

  test(`${script}: without configure() or environment, the error says what to set`, () => {
    assert.equal(r().unconfigured.code, 'MissingCredentials');
    assert.match(r().unconfigured.message, /configure\(/);
    assert.match(r().unconfigured.message, /ALIBABA_CLOUD_ACCESS_KEY_ID/);
    assert.match(r().unconfigured.message, /ALIBABA_CLOUD_REGION_ID/);
  });

  test(`${script}: credentials and region come from the ALIBABA_CLOUD_* variables`, () => {
    assert.equal(r().fromEnv.ok, true, JSON.stringify(r().fromEnv));
    assert.equal(r().fromEnv.sentTo, 'https://elasticsearch.cn-shanghai.aliyuncs.com/openapi/instances/es-cn-abc/actions/open-https?clientToken=tok');
    assert.equal(r().configuredFromEnv.ok && r().configuredFromEnv.result, true, JSON.stringify(r().configuredFromEnv));
  });
}

test('import and require share one wasm instance (configure() through one is seen by the other)', () => {
  const s = reports['consumer.mjs'].sharedInstance;
  assert.equal(s.ok && s.result, true, JSON.stringify(s));
});
