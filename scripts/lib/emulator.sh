# Sourced by the test scripts: one way to start the emulator binary and wait for its URL.
#
#   start_emulator WORK_DIR EMULATOR [ARGS...]   runs EMULATOR --port 0 ARGS in the background
#       (stdout WORK_DIR/emulator.out, stderr WORK_DIR/emulator.err), kills it on EXIT, and
#       sets emu_pid and url; calls the script's own die() if it exits or prints no URL.
#   stop_emulator                                  kills it, waits, clears the EXIT trap.
start_emulator() {
  local work=$1 emulator=$2 out
  shift 2
  out="$work/emulator.out"
  "$emulator" --port 0 "$@" >"$out" 2>"$work/emulator.err" &
  emu_pid=$!
  trap 'kill "$emu_pid" 2>/dev/null || true' EXIT
  url=""
  for _ in $(seq 1 300); do
    url=$(grep -o 'http://[^[:space:]]*' "$out" 2>/dev/null | head -n1 || true)
    [ -n "$url" ] && break
    kill -0 "$emu_pid" 2>/dev/null || die "the emulator exited: $(cat "$work/emulator.err")"
    sleep 0.1
  done
  [ -n "$url" ] || die "the emulator did not print its URL"
}

stop_emulator() {
  kill "$emu_pid" 2>/dev/null || true
  wait "$emu_pid" 2>/dev/null || true
  trap - EXIT
}
