#!/usr/bin/env bash
# What a shipped wasm is made of: bytes per crate and per module of ours, and the biggest
# functions. Builds the package, then optimises the wasm as scripts/build.sh does but keeps
# its function names (sizes match the shipped file within about 1%).
#
#   ./scripts/size-report.sh [top N functions, default 25] [wasm: aliyun_es_https (default) or aliyun_es_https_fleet]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
name=${2:-aliyun_es_https}
node_modules/.bin/wasm-opt -Oz --low-memory-unused --converge --flatten --rereloop -Oz --converge -g \
  --minify-imports-and-exports-and-modules \
  "target/bindgen/$name/node/${name}_bg.wasm" -o target/named.wasm > /dev/null
node scripts/wasm-sizes.mjs target/named.wasm "${1:-25}"
