#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised wasm, the Node glue (CommonJS, shared by
# `require` and `import`), the browser glue (minified), typings, and package.json from
# pkg-template/.
# Prints the shipped sizes. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=aliyun_es_https
fleet=aliyun_es_https_fleet
out=target/bindgen
# Two wasms: the package's (crates/wasm) and fleet mode's (crates/fleet), which a page fetches
# only on its first ensureHttpsAll. Both crates are only cdylibs, so cargo builds them with LTO.
cargo build --quiet -p aliyun-es-https -p aliyun-es-https-fleet --release --target wasm32-unknown-unknown
rm -rf "$out"
# Assemble in a staging folder and swap it in at the end, so pkg/ is never half-written.
stage=target/pkg.staging
rm -rf "$stage"
mkdir -p "$stage"

# wasm-bindgen's Node (CommonJS) and web glues of wasm `$1`, in $out/$1/node and $out/$1/web,
# and the wasm they load, optimised and with short names, in the package.
bind() {
  local name=$1 dir=$out/$1
  wasm-bindgen --target nodejs --out-dir "$dir/node" "target/wasm32-unknown-unknown/release/$name.wasm"
  wasm-bindgen --target web --out-dir "$dir/web" "target/wasm32-unknown-unknown/release/$name.wasm"
  # No `format!`, `{:?}` or `.to_string()` of a number may reach a wasm: any one of them links
  # core::fmt back in. wasm-bindgen's output still has its function names.
  if grep -aq '::fmt::' "$dir/node/${name}_bg.wasm"; then
    echo "build: $name.wasm links core::fmt again; these functions use it:" >&2
    grep -ao '[A-Za-z0-9_:<> ]*::fmt::[A-Za-z0-9_]*' "$dir/node/${name}_bg.wasm" | sort -u | head -20 >&2
    echo "build: build messages with cat! (crates/core/src/text.rs) instead" >&2
    exit 1
  fi
  # Both glues load the same bytes (wasm-bindgen emits identical wasm for every target).
  cmp -s "$dir/node/${name}_bg.wasm" "$dir/web/${name}_bg.wasm" || { echo "build: $name: the glues' wasm differ" >&2; exit 1; }
  # Optimised for size. Beyond -Oz: --converge repeats the passes while the module still
  # shrinks; --flatten --rereloop rebuilds the control flow, which -Oz then folds smaller;
  # --low-memory-unused holds because the stack takes the first 1 MiB (rustc's wasm layout)
  # and the JSON reader caps its depth, so no address below 1 KiB is ever used. (README,
  # "Size and speed", has what each saved.)
  node_modules/.bin/wasm-opt -Oz --low-memory-unused --converge --flatten --rereloop -Oz --converge \
    "$dir/node/${name}_bg.wasm" -o "$dir/optimised.wasm"
  # Short import and export names (`a`, `b`… instead of `__wbg_then_656f253a5dd7d8ea`): a pass
  # of its own, as --converge would rename twice. wasm-opt prints the renaming, and
  # short-names.mjs applies it to the glues (checking that nothing is left out).
  node_modules/.bin/wasm-opt --strip-debug --strip-producers --strip-target-features \
    --minify-imports-and-exports-and-modules \
    "$dir/optimised.wasm" -o "$stage/${name}_bg.wasm" > "$dir/short-names.json"
  cp "$dir/node/$name.js" "$stage/$name.cjs"
  # The browser loads the wasm itself (browser-init.js, fleet-init.js) with the web glue's own
  # imports and finish, not its __wbg_init.
  for fn in __wbg_get_imports __wbg_finalize_init; do
    grep -q "^function $fn(" "$dir/web/$name.js" || { echo "build: $name's web glue has no $fn" >&2; exit 1; }
  done
  # The glue's exports become plain declarations: the browser modules export their public API
  # only, and esbuild can leave out what nothing calls (initSync, __wbg_init).
  sed -e 's/^export function /function /' -e '/^export { initSync, __wbg_init as default };$/d' \
    "$dir/web/$name.js" > "$dir/web-glue.js"
  if grep -q '^export' "$dir/web-glue.js"; then echo "build: $name's web glue has exports build.sh does not know" >&2; exit 1; fi
}
bind "$crate"
bind "$fleet"
# In Node, the wasm's randomness comes from node:crypto's randomFillSync (loaded with Node
# itself) rather than globalThis.crypto, whose first use loads WebCrypto: about 4 ms of a cold
# start. The same CSPRNG fills the same bytes.
random_call='globalThis.crypto.getRandomValues('
[ "$(grep -cF "$random_call" "$stage/$crate.cjs")" = 1 ] || { echo "build: the Node glue's randomness call is not the one build.sh replaces" >&2; exit 1; }
sed -i -e 's/globalThis\.crypto\.getRandomValues(/nodeRandomFill(/' \
  -e '2i const nodeRandomFill = require("node:crypto").randomFillSync;' "$stage/$crate.cjs"

cp "$out/$crate/node/$crate.d.ts" "$stage/$crate.d.ts"
# The same typings for CommonJS consumers (TypeScript reads a .d.ts in a "type": "module"
# package as ESM-only).
cp "$out/$crate/node/$crate.d.ts" "$stage/$crate.d.cts"
# Browser entry: the web glue, the top-level functions, and the wasm loaded (see top-level.js
# and browser-init.js). It lists the glue's internal exports for the driver: every one of them.
exported=$(grep -oE '^export function __[A-Za-z]+' "$out/$crate/web/$crate.js" | awk '{ print $3 }')
for name in $exported; do
  grep -qw "$name" pkg-template/browser-init.js || { echo "build: browser-init.js does not pass $name to installDriver" >&2; exit 1; }
done
# …and nothing else (esbuild would take a name the glue lacks for a global).
for name in $(sed -n '/^const wasmSteps = {$/,/^};$/p' pkg-template/browser-init.js | grep -oE '__[A-Za-z]+'); do
  grep -qx "$name" <<< "$exported" || { echo "build: browser-init.js passes $name, which the glue does not export" >&2; exit 1; }
done
cat "$out/$crate/web-glue.js" pkg-template/top-level.js pkg-template/options.js pkg-template/driver.js \
  pkg-template/browser-init.js > "$out/index.js"
node scripts/short-names.mjs "$out/$crate/short-names.json" "$stage/${crate}_bg.wasm" "$stage/$crate.cjs" "$out/index.js"
# Minified, identifiers included (browser-init.js gives the public functions and classes their
# names back); a page that loads it as is downloads less.
node_modules/.bin/esbuild "$out/index.js" --minify --format=esm --tree-shaking=true \
  --legal-comments=none --log-level=warning --outfile="$stage/index.js"
# Fleet mode for the browser: a module of its own with its wasm's glue, imported by index.js
# on the first ensureHttpsAll (browser-init.js, fleet-init.js), so a page that never runs one
# never downloads either.
cat "$out/$fleet/web-glue.js" pkg-template/fleet.js pkg-template/fleet-init.js > "$out/fleet.js"
node scripts/short-names.mjs "$out/$fleet/short-names.json" "$stage/${fleet}_bg.wasm" "$stage/$fleet.cjs" "$out/fleet.js"
node_modules/.bin/esbuild "$out/fleet.js" --minify --format=esm --tree-shaking=true \
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
budget=${SIZE_BUDGET_GZIP_BYTES:-44032}
echo "build: pkg/ aliyun-es-https@$version"
node scripts/sizes.mjs pkg "$budget"
