# Shared by demo.sh and test.sh.

# Commands run when the script exits, in order; on_exit adds one. One EXIT trap runs them
# all, so a helper never replaces its caller's clean-up (or another helper's).
EXIT_COMMANDS=()
run_exit_commands() {
  local c
  for c in "${EXIT_COMMANDS[@]}"; do eval "$c" || true; done
}
trap run_exit_commands EXIT
on_exit() {
  EXIT_COMMANDS+=("$1")
}

# Starts the emulator in the background and stops it on exit (extra arguments go to
# emulator/server.mjs). Sets EMULATOR_URL.
start_emulator() {
  local dir
  dir=$(mktemp -d)
  node emulator/server.mjs --port-file "$dir/port" "$@" > "$dir/out" 2>&1 &
  EMULATOR_PID=$!
  on_exit "kill $EMULATOR_PID 2>/dev/null; rm -rf '$dir'"
  for _ in $(seq 100); do
    [ -s "$dir/port" ] && break
    sleep 0.1
  done
  [ -s "$dir/port" ] || { cat "$dir/out"; echo "the emulator did not start" >&2; return 1; }
  EMULATOR_URL="http://127.0.0.1:$(cat "$dir/port")"
  export EMULATOR_URL
  echo "emulator: $EMULATOR_URL"
}

# Installs the packed pkg/ into a new throwaway project; prints the project's path.
install_packed_package() {
  local project tarball
  project=$(mktemp -d)
  tarball=$(npm pack --silent --pack-destination "$project" ./pkg)
  echo '{ "name": "demo", "private": true }' > "$project/package.json"
  (cd "$project" && npm install --silent --no-audit --no-fund --offline "./$tarball")
  echo "$project"
}
