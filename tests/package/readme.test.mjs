// Every JavaScript example of the README compiles under `tsc --strict` against the packed
// package's typings, as a TypeScript user would paste it: the ```js blocks, and the module
// script of the ```html block (its import pointed at the package name), with @types/node for
// the Node examples (`process.env.X` is `string | undefined` there) and the DOM for the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installPacked, repoDir } from './packed.mjs';

const MODULE = 'export {};\n';

/** The README's examples: [label, source]. */
function examples() {
  const readme = readFileSync(join(repoDir, 'README.md'), 'utf8');
  const found = [];
  for (const m of readme.matchAll(/```(js|html)\n([\s\S]*?)```/g)) {
    const line = readme.slice(0, m.index).split('\n').length;
    if (m[1] === 'js') found.push([`line ${line}`, m[2]]);
    else {
      const script = m[2].match(/<script type="module">\n([\s\S]*?)<\/script>/);
      if (script) found.push([`line ${line} (html)`, script[1].replace(/from '[^']*aliyun-es-https\/index\.js'/, "from 'aliyun-es-https'")]);
    }
  }
  return found;
}

let installed;
before(() => {
  installed = installPacked('readme', { type: 'module' });
});
after(() => installed?.remove());

test('every README example compiles under tsc --strict', async () => {
  const list = examples();
  assert.ok(list.length >= 6, `found only ${list.length} examples`);
  const files = list.map(([, source], i) => {
    const file = `readme-${i + 1}.ts`;
    writeFileSync(join(installed.project, file), `${MODULE}${source}`);
    return file;
  });
  const config = join(installed.project, 'tsconfig.readme.json');
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        types: ['node'],
        typeRoots: [join(repoDir, 'node_modules', '@types')],
        target: 'esnext',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        lib: ['esnext', 'dom', 'esnext.disposable'],
      },
      files,
    }),
  );
  const tsc = join(repoDir, 'node_modules', '.bin', 'tsc');
  const { code, output } = await new Promise((done) =>
    execFile(tsc, ['-p', config, '--pretty', 'false'], { cwd: installed.project }, (err, stdout, stderr) =>
      done({ code: err ? err.code : 0, output: `${stdout}${stderr}` }),
    ),
  );
  // Name the README example behind each error.
  const named = output.replace(/readme-(\d+)\.ts/g, (_, n) => `README ${list[n - 1][0]}`);
  assert.equal(code, 0, named);
});
