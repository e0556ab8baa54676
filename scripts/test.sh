#!/usr/bin/env bash
# Runs every test, installing what they need first: lint (fmt, clippy native and wasm32),
# native unit tests and signing vectors, the emulator's own tests, the package's calls against
# the emulator in Node and in headless Chromium (tests/behaviour), the packed package (Node import and require, the
# CLI, a proxy, TypeScript typings, a Vite build and a static page in Chromium) and the demo
# page in Chromium. Every runner must report at least one passed test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

./scripts/setup.sh --browser
out=$(mktemp -d)
summary=()
total=0

# count NAME FILE: sum the passed tests a runner reported; fail when it ran none.
count() {
  local n
  n=$(grep -hoE '(test result: ok\. [0-9]+ passed|^# pass [0-9]+)' "$2" | grep -oE '[0-9]+' | awk '{ s += $1 } END { print s + 0 }')
  if [ "$n" -eq 0 ]; then
    echo "test: $1 ran no test" >&2
    exit 1
  fi
  summary+=("$1 $n")
  total=$((total + n))
}

echo "== lint"
cargo fmt --check
cargo clippy --quiet --workspace --all-targets -- -D warnings
cargo clippy --quiet -p aliyun-es-https-core --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --quiet -p aliyun-es-https --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --quiet -p aliyun-es-https-fleet --lib --target wasm32-unknown-unknown -- -D warnings
cargo clippy --quiet -p aliyun-es-https-heap --lib --target wasm32-unknown-unknown -- -D warnings

echo "== native: the core's unit tests, properties and signing vectors"
cargo test -p aliyun-es-https-core 2>&1 -- --nocapture | tee "$out/native"
grep -qE '^[0-9]+ signing vectors passed$' "$out/native"
count native "$out/native"

echo "== heap: the wasms' allocator, natively"
cargo test -p aliyun-es-https-heap 2>&1 | tee "$out/heap"
count heap "$out/heap"

echo "== emulator"
node --test emulator/ 2>&1 | tee "$out/emulator"
count emulator "$out/emulator"

echo "== build"
./scripts/build.sh

echo "== behaviour: the package's calls against the emulator, in Node (import, require) and headless Chromium"
node --test tests/behaviour/ 2>&1 | tee "$out/behaviour"
count behaviour "$out/behaviour"

echo "== packed package in Node (require and import)"
node --test tests/package/ 2>&1 | tee "$out/package"
count package "$out/package"

echo "== demo page in headless Chromium"
node --test tests/www/ 2>&1 | tee "$out/www"
count www "$out/www"

echo "== summary: ${summary[*]}"
echo "$total passed, 0 failed"
