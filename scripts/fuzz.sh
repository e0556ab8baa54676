#!/usr/bin/env bash
# Fuzzes the pure core with cargo fuzz (libFuzzer): the response parser and every input check
# plus the signer. Not part of the test run. Usage: scripts/fuzz.sh [seconds per target]
# (default 600). Findings land in fuzz/artifacts/<target>/; turn each into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
# cargo fuzz needs nightly-only compiler flags; this machine has one stable toolchain, and
# RUSTC_BOOTSTRAP lets it accept them.
export RUSTC_BOOTSTRAP=1
for target in response input; do
  mkdir -p "fuzz/corpus/$target"
  cargo fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 2>&1 | tail -n 25
done
