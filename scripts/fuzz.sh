#!/usr/bin/env bash
# Fuzzes the pure core with cargo fuzz (libFuzzer): the response parser (every operation's
# shape) and every input check plus the signer and redaction. Not part of the test run.
#
#   scripts/fuzz.sh [seconds per target, default 600]
#
# Runs every target even when one fails, then prints one line per target (runs, seconds,
# crashes) and exits 1 if any crashed. A finding is in fuzz/artifacts/<target>/: turn it into
# a regression test in crates/core (fuzz/artifacts/ is not kept).
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
# cargo fuzz needs nightly-only compiler flags; this machine has one stable toolchain, and
# RUSTC_BOOTSTRAP lets it accept them.
export RUSTC_BOOTSTRAP=1
summary=()
failed=0
for target in response input; do
  mkdir -p "fuzz/corpus/$target"
  log=$(mktemp)
  start=$(date +%s)
  cargo fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 > "$log" 2>&1
  status=$?
  took=$(( $(date +%s) - start ))
  # What failed (a panic's message is far above libFuzzer's closing lines), then the end.
  grep -E -A6 'panicked at|ERROR: ' "$log" | head -n 20
  tail -n 25 "$log"
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -n 1)
  crashes=0
  [ "$status" -ne 0 ] && { crashes=1; failed=1; }
  summary+=("fuzz: $target: ${runs:-?} runs in ${took} s, $crashes crash(es)")
  rm -f "$log"
done
printf '%s\n' "${summary[@]}"
exit "$failed"
