#!/usr/bin/env bash
# What the shipped wasm is made of: bytes per crate and per module of ours, and the biggest
# functions. Builds the package, then optimises the wasm as scripts/build.sh does but keeps
# its function names (sizes match the shipped file within about 1%).
#
#   ./scripts/size-report.sh [top N functions, default 25]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
node_modules/.bin/wasm-opt -Oz -g --minify-imports-and-exports-and-modules \
  target/bindgen/node/aliyun_es_https_bg.wasm -o target/named.wasm > /dev/null
node scripts/wasm-sizes.mjs target/named.wasm "${1:-25}"
