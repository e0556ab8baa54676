// Cold start through `import`, as an ES module script loads a library: the same modes and
// output as bench/cold.cjs (see cold-steps.cjs), with its own `baseline` (an ES module that
// loads nothing: the ESM loader's own start-up is node's part, not the library's).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import steps from './cold-steps.cjs';

const [client, mode, port] = process.argv.slice(2);

/**
 * The URL `import name` resolves to from a project folder: the package's `exports` for `.`,
 * following the `node`, `import` and `default` conditions, else its `main`.
 */
function resolve(dir, name) {
  const root = join(dir, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  let entry = pkg.exports?.['.'] ?? (typeof pkg.exports === 'string' ? pkg.exports : undefined) ?? pkg.main ?? 'index.js';
  while (entry && typeof entry === 'object') entry = entry.node ?? entry.import ?? entry.default;
  return pathToFileURL(join(root, entry)).href;
}

if (client === 'baseline') {
  steps.done();
} else if (client === 'ours') {
  steps.ours(await import(resolve(process.env.BENCH_OURS_DIR, 'aliyun-es-https')), mode, port);
} else if (client === 'official') {
  // CommonJS packages: `import` gives module.exports as the default export.
  const load = async (name) => (await import(resolve(process.env.BENCH_OFFICIAL_DIR, name))).default;
  await steps.official(load, mode, port);
} else {
  throw new Error('usage: node bench/cold.mjs baseline | ours|official sign | ours|official request PORT');
}
