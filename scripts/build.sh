#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised wasm, the Node glue (CommonJS, shared by
# `require` and `import`), the browser glue (minified), typings, and package.json from
# pkg-template/.
# Prints the shipped sizes. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=aliyun_es_https
out=target/bindgen
# The wasm crate is only a cdylib (crates/wasm/Cargo.toml), so cargo builds it with LTO.
cargo build --quiet -p aliyun-es-https --release --target wasm32-unknown-unknown
rm -rf "$out"
# Assemble in a staging folder and swap it in at the end, so pkg/ is never half-written.
stage=target/pkg.staging
rm -rf "$stage"
wasm-bindgen --target nodejs --out-dir "$out/node" "target/wasm32-unknown-unknown/release/$crate.wasm"
wasm-bindgen --target web --out-dir "$out/web" "target/wasm32-unknown-unknown/release/$crate.wasm"

# No `format!`, `{:?}` or `.to_string()` of a number may reach the wasm: any one of them links
# core::fmt back in. wasm-bindgen's output still has its function names.
if grep -aq '::fmt::' "$out/node/${crate}_bg.wasm"; then
  echo "build: the wasm links core::fmt again; these functions use it:" >&2
  grep -ao '[A-Za-z0-9_:<> ]*::fmt::[A-Za-z0-9_]*' "$out/node/${crate}_bg.wasm" | sort -u | head -20 >&2
  echo "build: build messages with cat! (crates/core/src/text.rs) instead" >&2
  exit 1
fi

mkdir -p "$stage"
# Both glues load the same bytes (wasm-bindgen emits identical wasm for every target).
cmp -s "$out/node/${crate}_bg.wasm" "$out/web/${crate}_bg.wasm" || { echo "build: the glues' wasm differ" >&2; exit 1; }
# Optimised for size. Beyond -Oz: --converge repeats the passes while the module still
# shrinks; --flatten --rereloop rebuilds the control flow, which -Oz then folds smaller;
# --low-memory-unused holds because the stack takes the first 1 MiB (rustc's wasm layout) and
# the JSON reader caps its depth, so no address below 1 KiB is ever used. (README, "Size and
# speed", has what each saved.)
node_modules/.bin/wasm-opt -Oz --low-memory-unused --converge --flatten --rereloop -Oz --converge \
  "$out/node/${crate}_bg.wasm" -o "$out/optimised.wasm"
# Short import and export names (`a`, `b`… instead of `__wbg_then_656f253a5dd7d8ea`), in the
# wasm and in both glues: a pass of its own, as --converge would rename twice. wasm-opt prints
# the renaming, and short-names.mjs applies it to both glues (checking that nothing is left out).
node_modules/.bin/wasm-opt --strip-debug --strip-producers --strip-target-features \
  --minify-imports-and-exports-and-modules \
  "$out/optimised.wasm" -o "$stage/${crate}_bg.wasm" > "$out/short-names.json"
cp "$out/node/$crate.js" "$stage/$crate.cjs"
cp "$out/node/$crate.d.ts" "$stage/$crate.d.ts"
# The same typings for CommonJS consumers (TypeScript reads a .d.ts in a "type": "module"
# package as ESM-only).
cp "$out/node/$crate.d.ts" "$stage/$crate.d.cts"
# Browser entry: the web glue, the top-level functions and the line that initialises it
# (see top-level.js and browser-init.js).
# browser-init.js loads the wasm with the glue's own imports and finish (not its __wbg_init).
for name in __wbg_get_imports __wbg_finalize_init; do
  grep -q "^function $name(" "$out/web/$crate.js" || { echo "build: web glue has no $name" >&2; exit 1; }
done
# Minified, identifiers included (browser-init.js gives the public functions and classes their
# names back); a page that loads it as is downloads less.
# The browser entry lists the glue's internal exports for the driver: every one of them.
for name in $(grep -oE '^export function __[A-Za-z]+' "$out/web/$crate.js" | awk '{ print $3 }'); do
  grep -qw "$name" pkg-template/browser-init.js || { echo "build: browser-init.js does not pass $name to installDriver" >&2; exit 1; }
done
# The glue's exports become plain declarations: the entry exports the public API only (its
# typings), and esbuild can leave out what nothing calls (initSync).
sed -e 's/^export function /function /' -e '/^export { initSync, __wbg_init as default };$/d' \
  "$out/web/$crate.js" > "$out/web-glue.js"
if grep -q '^export' "$out/web-glue.js"; then echo "build: the web glue has exports build.sh does not know" >&2; exit 1; fi
cat "$out/web-glue.js" pkg-template/top-level.js pkg-template/options.js pkg-template/driver.js pkg-template/browser-init.js > "$out/index.js"
node scripts/short-names.mjs "$out/short-names.json" "$stage/${crate}_bg.wasm" "$stage/$crate.cjs" "$out/index.js"
node_modules/.bin/esbuild "$out/index.js" --minify --format=esm --tree-shaking=true \
  --legal-comments=none --log-level=warning --outfile="$stage/index.js"
# Fleet mode for the browser: a module of its own, imported by index.js on the first
# ensureHttpsAll (browser-init.js), so a page that never runs one never downloads it.
{ cat pkg-template/fleet.js; echo 'export { fleetMode };'; } > "$out/fleet.js"
node_modules/.bin/esbuild "$out/fleet.js" --minify --format=esm \
  --legal-comments=none --log-level=warning --outfile="$stage/fleet.js"
cp pkg-template/index.mjs pkg-template/node.cjs pkg-template/node-transport.cjs pkg-template/cli.mjs "$stage"/
# The top-level functions for Node: the same source as the browser entry's, as CommonJS.
{ cat pkg-template/top-level.js pkg-template/options.js pkg-template/driver.js pkg-template/fleet.js; echo 'module.exports = { topLevel, guardClient, isOpenHttpsError, installDriver, fleetMode, FLEET_LIB };'; } > "$stage/top-level.cjs"
cp README.md LICENSE "$stage"/

# package.json: the template, with the version of Cargo.toml.
version=$(awk -F '"' '/^version = / { print $2; exit }' Cargo.toml)
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("pkg-template/package.json", "utf8"));
  pkg.version = process.argv[1];
  fs.writeFileSync(process.argv[2] + "/package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$version" "$stage"
rm -rf pkg
mv "$stage" pkg

# Sizes of what ships, and the budget of what a browser downloads (wasm + the browser entry,
# gzip): a regression guard (README, "Size and speed").
budget=${SIZE_BUDGET_GZIP_BYTES:-49152}
echo "build: pkg/ aliyun-es-https@$version"
node scripts/sizes.mjs pkg "$budget"
