#!/usr/bin/env bash
# Installs what building and testing need, skipping what is already there:
# the wasm32 target, wasm-bindgen-cli at the exact version Cargo.lock pins, the npm dev tools
# (binaryen's wasm-opt, esbuild) and, with --browser, Debian's Chromium and ChromeDriver.
set -euo pipefail
cd "$(dirname "$0")/.."

browser=0
[ "${1:-}" = "--browser" ] && browser=1

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

# The CLI must match the wasm-bindgen crate byte for byte: read the version from Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing wasm-bindgen-cli $want (was: ${have:-none}); takes a few minutes"
  # Not --locked: the CLI's own lock pins a crate version the registry here does not serve.
  cargo install wasm-bindgen-cli --version "$want"
fi

if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -x node_modules/.bin/esbuild ] \
  || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

if [ "$browser" = 1 ] && ! { command -v chromium && command -v chromedriver; } >/dev/null; then
  echo "setup: installing Debian's chromium and chromium-driver"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
