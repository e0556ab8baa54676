// A freed Client, a method borrowed onto another `this`, a second free(): every throw is an
// OpenHttpsError that says what happened (not the glue's "null pointer passed to rust"), in
// ESM and CommonJS, through the packed package.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { installPacked, runNode } from './packed.mjs';

let project;
before(() => {
  project = installPacked('closed');
});
after(() => project?.remove());

const script = (load) => `
${load}
const config = { endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } };
const report = {};
const settle = async (f) => { try { const v = f(); return { ok: await v }; } catch (e) { return { name: e.name, code: e.code, message: e.message }; } };
const c = new Client(config);
c.free();
report.afterFree = await settle(() => c.openHttps('es-1'));
report.describeAfterFree = await settle(() => c.describeInstance('es-1'));
report.iterateAfterFree = await settle(() => c.instances().next());
report.secondFree = await settle(() => { c.free(); return 'ok'; });
const d = new Client(config);
report.foreignThis = await settle(() => d.ensureHttps.call({}, 'es-1'));
report.unbound = await settle(() => { const f = d.listInstances; return f(); });
report.dispose = await settle(() => { d[Symbol.dispose](); d[Symbol.dispose](); return 'ok'; });
console.log(JSON.stringify(report));
`;

for (const [kind, file, load] of [
  ['ESM', 'closed.mjs', "import { Client } from 'aliyun-es-https';"],
  ['CommonJS', 'closed.cjs', "(async () => {}); const { Client } = require('aliyun-es-https');"],
]) {
  test(`${kind}: calls on a freed or borrowed Client reject with typed errors`, async () => {
    const body = kind === 'ESM' ? script(load) : `${load}\n(async () => {${script('')}})();`;
    writeFileSync(join(project.project, file), body);
    const { code, stdout, stderr } = await runNode(project.project, [file]);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(stdout);
    for (const key of ['afterFree', 'describeAfterFree', 'iterateAfterFree']) {
      assert.equal(r[key].name, 'OpenHttpsError', key);
      assert.equal(r[key].code, 'ClientClosed', key);
      assert.match(r[key].message, /freed/);
    }
    assert.deepEqual(r.secondFree, { ok: 'ok' }, 'free() twice is harmless');
    for (const key of ['foreignThis', 'unbound']) {
      assert.equal(r[key].name, 'OpenHttpsError', key);
      assert.equal(r[key].code, 'InvalidThis', key);
    }
    assert.deepEqual(r.dispose, { ok: 'ok' });
    assert.doesNotMatch(stdout, /null pointer/);
  });
}

test('a Client nobody can reach frees its configuration in the wasm (its slot is used again)', async () => {
  const body = `
import { Client } from 'aliyun-es-https';
const config = { endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', accessKeySecret: 'b' } };
// The client's handle on its configuration (driver.js): the one symbol-keyed property.
const handle = (c) => c[Object.getOwnPropertySymbols(c)[0]];
(() => {
  for (let i = 0; i < 200; i++) new Client(config);
})();
const before = handle(new Client(config));
for (let i = 0; i < 10; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ before, after: handle(new Client(config)) }));
`;
  writeFileSync(join(project.project, 'unreachable.mjs'), body);
  const { code, stdout, stderr } = await runNode(project.project, ['--expose-gc', 'unreachable.mjs']);
  assert.equal(code, 0, stderr);
  const { before, after } = JSON.parse(stdout);
  assert.equal(before, 201, 'two hundred clients held configurations');
  assert.ok(after <= 10, `the unreachable clients' slots were freed and reused: got handle ${after}`);
});
