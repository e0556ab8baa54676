// The package's TypeScript typings, the way users get them: `npm pack` of pkg/, installed into a
// throwaway project, then `tsc --strict --noEmit` (TypeScript from the repository's
// node_modules) over the fixtures in fixtures/types/:
//   ok.ts         the whole public API with real types: must compile (nodenext and bundler),
//   bad-option.ts a misspelt option: must fail with exactly the expected error,
//   bad-call.ts   openHttps without an instance id: must fail with exactly the expected errors,
//   bad-ensure.ts ensureHttps/instances/listInstances with wrongly typed values: must fail with
//                 exactly the expected errors,
//   cjs.cts       a CommonJS consumer under node16: must compile.
// And the shipped .d.ts files must not contain `any`.
// Run by `node --test tests/package/` after scripts/build.sh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installPacked, repoDir } from './packed.mjs';

const fixtures = fileURLToPath(new URL('./fixtures/types/', import.meta.url));
const tscBin = join(repoDir, 'node_modules', '.bin', 'tsc');
const ts = createRequire(join(repoDir, 'package.json'))('typescript');

let installed;
let pkgRoot;

before(() => {
  installed = installPacked('types', { type: 'module' });
  pkgRoot = join(installed.project, 'node_modules', 'aliyun-es-https');
  for (const f of readdirSync(fixtures)) copyFileSync(join(fixtures, f), join(installed.project, f));
});

after(() => installed?.remove());

// --- helpers ----------------------------------------------------------------------------------

const STRICT = {
  strict: true,
  noEmit: true,
  skipLibCheck: false, // the package's .d.ts files are checked too
  types: [],
  noFallthroughCasesInSwitch: true,
  noImplicitOverride: true,
  forceConsistentCasingInFileNames: true,
};

const MODES = {
  nodenext: { target: 'esnext', module: 'nodenext', moduleResolution: 'nodenext', lib: ['esnext', 'dom'] },
  bundler: { target: 'esnext', module: 'esnext', moduleResolution: 'bundler', lib: ['esnext', 'dom'] },
};

/**
 * Writes tsconfig.<label>.json for `file` and runs `tsc -p` on it (with --listFiles).
 * Resolves with { code, errors: [{ file, line, col, code, message }], files, output }.
 */
function tsc(label, file, options) {
  const config = join(installed.project, `tsconfig.${label}.json`);
  writeFileSync(config, JSON.stringify({ compilerOptions: { ...STRICT, ...options }, files: [file] }, null, 2));
  return new Promise((done) => {
    execFile(tscBin, ['-p', config, '--pretty', 'false', '--listFiles'], { cwd: installed.project }, (err, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      const errors = [];
      const files = [];
      for (const line of output.split('\n')) {
        const m = /^(.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
        if (m) errors.push({ file: m[1], line: +m[2], col: +m[3], code: m[4], message: m[5] });
        else if (/^error (TS\d+): /.test(line)) errors.push({ file: null, code: line.split(' ')[1].slice(0, -1), message: line });
        else if (line.startsWith('/')) files.push(line.trim());
      }
      done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, errors, files, output });
    });
  });
}

/** The typings the manifest points at: "types" and every "types" condition of the exports map. */
function publicTypings() {
  const manifest = JSON.parse(readFileSync(join(pkgRoot, 'package.json'), 'utf8'));
  const found = new Set(manifest.types ? [manifest.types] : []);
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'types' && typeof v === 'string') found.add(v);
      else walk(v);
    }
  };
  walk(manifest.exports?.['.']);
  return [...found].map((f) => join(pkgRoot, f));
}

function assertCompiles(r, what) {
  assert.deepEqual(r.errors, [], `${what} must compile:\n${r.output.split('\n').filter((l) => !l.startsWith('/')).join('\n')}`);
  assert.equal(r.code, 0, r.output);
  const used = r.files.filter((f) => publicTypings().includes(f));
  assert.ok(used.length > 0, `${what}: the package's typings were used (${r.files.filter((f) => !f.includes('/typescript/lib/')).join(', ')})`);
}

// --- ok.ts compiles ---------------------------------------------------------------------------

for (const [mode, options] of Object.entries(MODES)) {
  test(`ok.ts (the whole public API) compiles with --strict, module/moduleResolution ${mode}`, async () => {
    assertCompiles(await tsc(`ok-${mode}`, 'ok.ts', options), 'ok.ts');
  });
}

test('the typings need no lib newer than ES2022 (target es2022, lib es2022 + dom, skipLibCheck off)', async () => {
  const r = await tsc('ok-es2022', 'ok.ts', { ...MODES.nodenext, target: 'es2022', lib: ['es2022', 'dom'] });
  assertCompiles(r, 'ok.ts against lib es2022');
});

test('a CommonJS consumer (cjs.cts, module/moduleResolution node16) gets the typings', async () => {
  const r = await tsc('cjs-node16', 'cjs.cts', { ...MODES.nodenext, module: 'node16', moduleResolution: 'node16' });
  assertCompiles(r, 'cjs.cts');
});

// --- the bad files fail, for the right reason -------------------------------------------------

for (const [mode, options] of Object.entries(MODES)) {
  test(`bad-option.ts (regionID) fails to compile with the unknown-property error (${mode})`, async () => {
    const r = await tsc(`bad-option-${mode}`, 'bad-option.ts', options);
    assert.notEqual(r.code, 0, 'tsc must fail');
    assert.equal(r.errors.length, 1, `exactly one error:\n${r.output}`);
    const [e] = r.errors;
    assert.equal(e.file, 'bad-option.ts');
    assert.equal(e.line, 6);
    // TS2353 "Object literal may only specify known properties…", or TS2561, its variant with
    // a "Did you mean" suggestion when a known property is close.
    assert.ok(['TS2353', 'TS2561'].includes(e.code), `${e.code}: ${e.message}`);
    assert.match(e.message, /Object literal may only specify known properties, .*'regionID' does not exist in type 'ClientConfig'/);
    if (e.code === 'TS2561') assert.match(e.message, /Did you mean to write 'regionId'\?/);
  });

  test(`bad-call.ts (no instance id) fails to compile with TS2554 on both calls (${mode})`, async () => {
    const r = await tsc(`bad-call-${mode}`, 'bad-call.ts', options);
    assert.notEqual(r.code, 0, 'tsc must fail');
    assert.deepEqual(
      r.errors.map(({ file, line, code, message }) => ({ file, line, code, message })),
      [
        { file: 'bad-call.ts', line: 5, code: 'TS2554', message: 'Expected 1-3 arguments, but got 0.' },
        { file: 'bad-call.ts', line: 6, code: 'TS2554', message: 'Expected 1-3 arguments, but got 0.' },
      ],
      r.output,
    );
  });

  test(`bad-ensure.ts (wrongly typed lifecycle options and results) fails with exactly the expected errors (${mode})`, async () => {
    const r = await tsc(`bad-ensure-${mode}`, 'bad-ensure.ts', options);
    assert.notEqual(r.code, 0, 'tsc must fail');
    const errors = r.errors.map(({ file, line, code, message }) => ({ file, line, code, message }));
    const expected = [
      // ensureHttps('…', { wait: 'yes' })
      { line: 6, code: 'TS2322', message: /^Type 'string' is not assignable to type 'boolean( \| undefined)?'\.$/ },
      // EnsureProgress.phase is a union of literals: a phase that does not exist cannot match
      {
        line: 7,
        code: 'TS2367',
        message: /^This comparison appears to be unintentional because the types '(?=.*"checking")(?=.*"waiting")(?=.*"opening")(?=.*"activating")(?=.*"done")[^']*' and '"finished"' have no overlap\.$/,
      },
      // instances() walks every page: no `page`
      { line: 8, code: 'TS2353', message: /^Object literal may only specify known properties, and 'page' does not exist in type 'InstancesQuery'\.$/ },
      // listInstances({ size: '10' })
      { line: 9, code: 'TS2322', message: /^Type 'string' is not assignable to type 'number( \| undefined)?'\.$/ },
      // EnsureHttpsResult.requestId is optional (no OpenHttps when nothing changed)
      { line: 11, code: 'TS18048', message: /^'r\.requestId' is possibly 'undefined'\.$/ },
    ];
    assert.equal(errors.length, expected.length, r.output);
    for (const [i, want] of expected.entries()) {
      const got = errors[i];
      assert.equal(got.file, 'bad-ensure.ts', r.output);
      assert.equal(got.line, want.line, r.output);
      assert.equal(got.code, want.code, r.output);
      assert.match(got.message, want.message);
    }
  });
}

// --- no `any` in the shipped typings ----------------------------------------------------------

/** Every `any` keyword in a type position of a .d.ts file, as "file:line:col  source line". */
function anyTypes(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${relative(pkgRoot, file)}:${line + 1}:${character + 1}  ${text.split('\n')[line].trim()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  // Cross-check with a plain regex over the text without comments and string literals.
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '')
    .replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""');
  const byRegex = (code.match(/\bany\b/g) ?? []).length;
  return { found, byRegex };
}

test('the typings users get ("types" of the manifest and its exports map) contain no `any`', () => {
  const files = publicTypings();
  assert.ok(files.length >= 1, 'the manifest names its typings');
  for (const file of files) {
    const { found, byRegex } = anyTypes(file);
    assert.deepEqual(found, []);
    assert.equal(byRegex, 0, `${relative(pkgRoot, file)}: \`any\` outside comments and strings`);
  }
});

test('no shipped .d.ts file contains `any`', () => {
  const dts = installed.files.filter((f) => /\.d\.[cm]?ts$/.test(f));
  assert.ok(dts.length >= 1, `typings are shipped: ${installed.files.join(', ')}`);
  const found = [];
  for (const f of dts) {
    const r = anyTypes(join(pkgRoot, f));
    assert.equal(r.found.length, r.byRegex, `${f}: the AST and the regex agree on the number of \`any\``);
    found.push(...r.found);
  }
  assert.deepEqual(found, [], `\`any\` in shipped typings:\n  ${found.join('\n  ')}`);
});
