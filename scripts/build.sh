#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised wasm, the Node glue (CommonJS, shared by
# `require` and `import`), the browser glue, typings, and package.json from pkg-template/.
# Prints the shipped sizes. Assumes scripts/setup.sh has run.
set -euo pipefail
cd "$(dirname "$0")/.."

crate=aliyun_es_https
out=target/bindgen
# `cargo rustc --crate-type cdylib`: with crate-type = ["cdylib", "rlib"] cargo drops LTO.
cargo rustc --quiet --lib --crate-type cdylib --release --target wasm32-unknown-unknown
rm -rf "$out" pkg
wasm-bindgen --target nodejs --out-dir "$out/node" "target/wasm32-unknown-unknown/release/$crate.wasm"
wasm-bindgen --target web --out-dir "$out/web" "target/wasm32-unknown-unknown/release/$crate.wasm"

mkdir -p pkg
# Both glues load the same bytes (wasm-bindgen emits identical wasm for every target).
cmp -s "$out/node/${crate}_bg.wasm" "$out/web/${crate}_bg.wasm"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers \
  "$out/node/${crate}_bg.wasm" -o "pkg/${crate}_bg.wasm"
cp "$out/node/$crate.js" "pkg/$crate.cjs"
cp "$out/node/$crate.d.ts" "pkg/$crate.d.ts"
cp "$out/web/$crate.js" "pkg/${crate}_web.js"
cp "$out/web/$crate.d.ts" "pkg/${crate}_web.d.ts"
# The entry files and the CLI: everything in pkg-template/ but the package.json template.
find pkg-template -maxdepth 1 -type f ! -name package.json -exec cp {} pkg/ \;
cp README.md LICENSE pkg/

# package.json: the template, with the version of Cargo.toml.
version=$(awk -F '"' '/^version = / { print $2; exit }' Cargo.toml)
node -e '
  const fs = require("fs");
  const pkg = JSON.parse(fs.readFileSync("pkg-template/package.json", "utf8"));
  pkg.version = process.argv[1];
  fs.writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
' "$version"

size() { wc -c < "$1" | tr -d ' '; }
gz() { gzip -9 -c "$1" | wc -c | tr -d ' '; }
echo "build: pkg/ aliyun-es-https@$version"
for f in "${crate}_bg.wasm" "$crate.cjs" "${crate}_web.js"; do
  printf 'build:   %-24s %7s bytes raw %7s bytes gzip -9\n' "$f" "$(size "pkg/$f")" "$(gz "pkg/$f")"
done
