// What the wasm is made of: bytes per crate / module of ours and the biggest functions, read
// from a wasm that still has its name section (scripts/size-report.sh makes one). Sizes are
// function bodies and data segments as they sit in the file, before compression.
//
//   node scripts/wasm-sizes.mjs file.wasm [top N functions, default 25]

import { readFileSync } from 'node:fs';

const [file, topArg = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/wasm-sizes.mjs file.wasm [top]');
  process.exit(2);
}
const bytes = readFileSync(file);

/** A cursor over `bytes` that reads LEB128 numbers, names and sections. */
function reader(start, end) {
  let at = start;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
    }
  };
  const name = () => {
    const len = u32();
    const s = bytes.toString('utf8', at, at + len);
    at += len;
    return s;
  };
  return { u32, name, byte: () => bytes[at++], skip: (n) => { at += n; }, get at() { return at; }, done: () => at >= end };
}

if (bytes.readUInt32LE(0) !== 0x6d736100) throw new Error(`${file} is not a wasm module`);
const sections = [];
const top = reader(8, bytes.length);
while (!top.done()) {
  const id = top.byte();
  const size = top.u32();
  sections.push({ id, start: top.at, size });
  top.skip(size);
}

// Imported functions come first in the function index space.
let importedFunctions = 0;
const imports = sections.find((s) => s.id === 2);
if (imports) {
  const r = reader(imports.start, imports.start + imports.size);
  for (let n = r.u32(); n > 0; n -= 1) {
    r.name();
    r.name();
    const kind = r.byte();
    if (kind === 0) { r.u32(); importedFunctions += 1; }
    else if (kind === 1) { r.byte(); const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); }
    else if (kind === 2) { const flags = r.u32(); r.u32(); if (flags & 1) r.u32(); }
    else if (kind === 3) { r.byte(); r.byte(); }
    else r.u32();
  }
}

const names = new Map();
for (const s of sections.filter((s) => s.id === 0)) {
  const r = reader(s.start, s.start + s.size);
  if (r.name() !== 'name') continue;
  while (!r.done()) {
    const sub = r.byte();
    const size = r.u32();
    const end = r.at + size;
    if (sub === 1) {
      for (let n = r.u32(); n > 0; n -= 1) names.set(r.u32(), r.name());
    }
    r.skip(end - r.at);
  }
}

const items = []; // { name, size, kind }
const code = sections.find((s) => s.id === 10);
if (code) {
  const r = reader(code.start, code.start + code.size);
  const count = r.u32();
  for (let i = 0; i < count; i += 1) {
    const size = r.u32();
    const index = importedFunctions + i;
    items.push({ name: names.get(index) ?? `function ${index}`, size, kind: 'code' });
    r.skip(size);
  }
}
const data = sections.find((s) => s.id === 11);
if (data) items.push({ name: 'data (strings, tables)', size: data.size, kind: 'data' });
const other = sections.filter((s) => s.id !== 10 && s.id !== 11 && s.id !== 0).reduce((n, s) => n + s.size, 0);
items.push({ name: 'types, imports, exports, tables, globals', size: other, kind: 'meta' });

/** Who an item belongs to: our module (`ours: wasm::config`), or the crate. */
function group({ name, kind }) {
  if (kind === 'data') return 'data';
  if (kind === 'meta') return 'module structure';
  const plain = name
    .replace(/\[[0-9a-f]{16}\]/g, '')
    .replace(/^<+/, '')
    .replace(/^&?(mut )?[A-Z]\w* as /, ''); // `<T as alloc::…>` belongs to alloc
  const ours = plain.match(/aliyun_es_https::(\w+)(?:::(\w+))?/);
  if (ours) return `ours: ${ours[1]}${ours[1] === 'wasm' && ours[2] && /^[a-z_]+$/.test(ours[2]) ? `::${ours[2]}` : ''}`;
  if (/^js_sys::futures|wasm_bindgen_futures/.test(plain)) return 'futures (js-sys)';
  if (/externref shim|^__wbg|^__wbindgen|^__externref|wasm_bindgen|^function \d+$/.test(plain)) return 'wasm-bindgen';
  if (/^(str|char|\[T\]|mem(cmp|cpy|set|move)|f(min|max))\b/.test(plain)) return 'core';
  const crate = plain.match(/^([a-z_][a-z0-9_]*)::/);
  if (crate) return crate[1] === '__rustc' ? 'alloc' : crate[1];
  return 'other';
}

const total = items.reduce((n, i) => n + i.size, 0);
const groups = new Map();
for (const i of items) groups.set(group(i), (groups.get(group(i)) ?? 0) + i.size);
const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)}%`;
console.log(`${file}: ${bytes.length} bytes; function bodies and data below add up to ${total}`);
console.log('\nby crate / module:');
for (const [g, n] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`${String(n).padStart(8)} ${pct(n)}  ${g}`);
console.log('(an exported function is often inlined into its wasm-bindgen shim: `signOpenHttps externref shim` is mostly presign)');
console.log(`\nbiggest ${topArg}:`);
for (const i of items.sort((a, b) => b.size - a.size).slice(0, Number(topArg))) {
  console.log(`${String(i.size).padStart(8)} ${pct(i.size)}  ${i.name.replace(/::h[0-9a-f]{16}$/, '').slice(0, 140)}`);
}
