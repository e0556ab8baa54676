#!/usr/bin/env bash
# The main job on its embedded default: build the package, start the local emulator, turn
# HTTPS on through the packed package from a plain Node script (ensureHttps, V3; a single
# OpenHttps, V1) and show the documented errors — exiting non-zero if any outcome is not the expected one — then serve
# the demo page (www/) with the emulator behind the same origin until Ctrl-C.
#   --no-serve   stop after the Node checks
#   --port N     port of the demo page (default: any free port)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

serve=1
port=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-serve) serve=0 ;;
    --port) port=$2; shift ;;
    *) echo "usage: $0 [--no-serve] [--port N]" >&2; exit 2 ;;
  esac
  shift
done

./scripts/setup.sh
./scripts/build.sh
start_emulator
project=$(install_packed_package)
cp examples/enable-https.mjs "$project/"

export ALIBABA_CLOUD_ACCESS_KEY_ID=testid ALIBABA_CLOUD_ACCESS_KEY_SECRET=testsecret
run() { (cd "$project" && node enable-https.mjs "$@" --endpoint "$EMULATOR_URL"); }
echo "--- ensureHttps, V3 (default): HTTP → activating → HTTPS, verified"
run es-http-demo-1 --client-token demo-token-1 --poll-interval 250
echo "--- ensureHttps on an instance that already serves HTTPS: nothing sent"
run es-cn-prodlogs00001 --poll-interval 250
echo "--- a single OpenHttps call, V1"
run es-active-demo-v1 --signature-version v1 --no-wait
echo "--- the documented errors (expected to fail)"
for id in es-noclient-demo es-inactive-demo es-cn-doesnotexist01; do
  if run "$id" --poll-interval 250; then echo "demo: $id should have failed" >&2; exit 1; fi
done
rm -rf "$project"
kill "$EMULATOR_PID" 2>/dev/null || true
echo "demo: Node checks OK"

if [ "$serve" = 1 ]; then
  echo "--- the demo page (Ctrl-C to stop)"
  exec node www/server.mjs --port "$port"
fi
