// Gives the glues the short import and export names of a wasm minified by
// `wasm-opt --minify-imports-and-exports-and-modules` (scripts/build.sh).
//
//   node scripts/short-names.mjs map.json minified.wasm glue.js [glue.js ...]
//
// wasm-bindgen names every import `__wbg_<name>_<16 hex digits>` and the glue repeats each
// name: about 3 KB of names that gzip cannot shrink, in the wasm and again in the glue.
// wasm-opt renames them in the wasm and prints the old and new names (map.json); this
// rewrites each glue (in place) to match, and fails unless the result is certainly complete:
// every import renamed, the module renamed once, and every `wasm.<export>` the glue reads
// one of the new export names.

import { readFileSync, writeFileSync } from 'node:fs';

const [mapFile, wasmFile, ...glues] = process.argv.slice(2);
if (!wasmFile || glues.length === 0) {
  console.error('usage: node scripts/short-names.mjs map.json minified.wasm glue.js [glue.js ...]');
  process.exit(2);
}

/** Stops the build with a message. */
function fail(message) {
  console.error(`short-names: ${message}`);
  process.exit(1);
}

const map = JSON.parse(readFileSync(mapFile, 'utf8'));
const imports = WebAssembly.Module.imports(new WebAssembly.Module(readFileSync(wasmFile)));
const modules = new Set(imports.map((i) => i.module));
const oldModules = new Set(map.imports.map(([module]) => module));
if (modules.size !== 1 || oldModules.size !== 1) {
  fail(`expected one import module, found ${[...oldModules]} -> ${[...modules]}`);
}
const [oldModule] = oldModules;
const [newModule] = modules;

// One pass each, so that a new name can never be renamed again by a later entry.
const importNames = new Map(map.imports.map(([, oldName, newName]) => [oldName, newName]));
const exportNames = new Map(map.exports);
const escape = (name) => name.replace(/\$/g, '\\$');
// Whole identifiers only: the names are made of [A-Za-z0-9_$], which `\b` does not cover.
const anyImport = new RegExp(`(?<![\\w$])(?:${[...importNames.keys()].map(escape).join('|')})(?![\\w$])`, 'g');
const anyExport = /(?<=(?<![\w$])wasm\.)[\w$]+/g;

for (const file of glues) {
  let text = readFileSync(file, 'utf8');
  const quoted = JSON.stringify(oldModule);
  if (text.split(quoted).length !== 2) fail(`${file}: ${quoted} is not there exactly once`);
  text = text.replace(quoted, JSON.stringify(newModule));

  const seen = new Set();
  text = text.replace(anyImport, (name) => {
    seen.add(name);
    return importNames.get(name);
  });
  const missing = [...importNames.keys()].filter((name) => !seen.has(name));
  if (missing.length) fail(`${file}: imports not in the glue: ${missing.join(', ')}`);
  const unknown = new Set();
  text = text.replace(anyExport, (name) => {
    if (!exportNames.has(name)) unknown.add(name);
    return exportNames.get(name) ?? name;
  });
  if (unknown.size) fail(`${file}: reads exports the wasm does not have: ${[...unknown].join(', ')}`);

  const stale = [...text.matchAll(/\b__wbg_\w+_[0-9a-f]{16}\b/g)].map((m) => m[0]);
  if (stale.length) fail(`${file}: imports left with their long names: ${stale.join(', ')}`);
  writeFileSync(file, text);
}
