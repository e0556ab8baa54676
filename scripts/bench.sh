#!/usr/bin/env bash
# Benchmarks aliyun-es-https against the official SDK (@alicloud/elasticsearch20170613) and
# prints them side by side: signing throughput (V3, V1; ours also natively), end-to-end
# requests/s, latency and client CPU per call against the local emulator (V3 and V1,
# concurrency 1 and 32, median of 5 interleaved rounds), peak RSS, cold start, installed size
# and bundle sizes. End to end there is a third contender, the least-work client
# (bench/limit.mjs: the package's request signed with node:crypto and sent with node:http, no
# validation, no retries), so the package is measured against the limit too (ours/limit).
# Writes the same figures to bench/results/latest.json. Not part of the tests.
#
#   ./scripts/bench.sh            # full run (about three minutes on 2 cores, plus installs)
#   ./scripts/bench.sh --quick    # short settings, for trying changes
#   BENCH_NO_NATIVE=1 ./scripts/bench.sh …   # without the native `cargo bench` figures (no cargo run)
#   ./scripts/bench.sh --warmup-profile [ARGS]   # instead: where a fresh process's CPU goes over its
#                                 # first calls, ours against the limit (bench/warmup-profile.mjs
#                                 # ARGS, e.g. --version v3 --concurrency 32; needs Linux perf)
#
# Installs what it needs: the official SDK into bench/official/ and esbuild into bench/, both
# from their pinned package-lock.json. Measures pkg/ as users get it: `npm pack pkg/`, installed
# into a throwaway project. Builds pkg/ first only if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
profile=0
case "${1:-}" in
  --quick) quick=1 ;;
  --warmup-profile) profile=1; shift ;;
  '') ;;
  *) echo "usage: $0 [--quick | --warmup-profile [ARGS]]" >&2; exit 2 ;;
esac

[ -f pkg/package.json ] || ./scripts/build.sh

# `npm ci` (exactly the lock file) only when node_modules is missing or older than the lock.
# Install scripts are not needed: esbuild finds its binary in @esbuild/<platform>, and the SDK's
# only one (openapi-core's select-version) does nothing on Node > 12.
install_locked() {
  local dir=$1
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --silent)
  fi
}
install_locked bench
install_locked bench/official

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Ours, as a user installs it: the packed tarball in a fresh project (no dependencies).
mkdir "$work/ours"
tarball=$(npm pack --silent --pack-destination "$work" ./pkg)
echo '{ "name": "bench-ours", "private": true }' > "$work/ours/package.json"
(cd "$work/ours" && npm install --silent --no-audit --no-fund --offline "../$tarball")

if [ "$profile" = 1 ]; then
  BENCH_OURS_DIR="$work/ours" node bench/warmup-profile.mjs "$@"
  exit
fi

# The official SDK freshly installed from the same lock file, for its installed size.
mkdir "$work/official"
cp bench/official/package.json bench/official/package-lock.json "$work/official/"
(cd "$work/official" && npm ci --ignore-scripts --no-audit --no-fund --silent --prefer-offline)

# The same signer natively (cargo bench), so the table shows what the wasm boundary costs.
# BENCH_NO_NATIVE=1 leaves it out (an empty file: the table then has no native row).
if [ "${BENCH_NO_NATIVE:-0}" = 1 ]; then
  : > "$work/native.txt"
else
  cargo bench --quiet -p aliyun-es-https-core --bench sign > "$work/native.txt"
fi

BENCH_NATIVE="$work/native.txt" \
BENCH_OURS_DIR="$work/ours" \
BENCH_OFFICIAL_DIR="$PWD/bench/official" \
BENCH_OFFICIAL_PROJECT="$work/official" \
BENCH_TARBALL="$work/$tarball" \
BENCH_QUICK="$quick" \
  node bench/run.mjs
