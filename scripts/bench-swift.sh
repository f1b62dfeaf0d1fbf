#!/usr/bin/env bash
# Swift binding benchmark (issue 5): sessions per second through the Swift binding beside the
# Rust core doing the identical workload, in the same run, against ONE release-mode emulator
# process on loopback. Writes the table to benchmarks/swift.md (--no-write: print only).
#
#   Swift: bindings/swift/Benchmarks (swift build -c release; static Rust lib, release)
#   Rust : bindings/swift/bench-rust (its own tiny crate, not a workspace member)
# Modes: blocking (sequential createSessionBlocking), async-seq (sequential await), async-c32
# (32 concurrent tasks sharing one client). Each cell is the median of ROUNDS rounds of
# SESSIONS sessions; Swift and Rust alternate which goes first each round.
#
# Usage: scripts/bench-swift.sh [--rounds N] [--sessions N] [--no-write]
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
rounds=5
sessions=2000
write=true
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --no-write) write=false; shift ;;
    *) echo "usage: $0 [--rounds N] [--sessions N] [--no-write]" >&2; exit 2 ;;
  esac
done
modes=(blocking async-seq async-c32)
work="$repo/target/swift-bench"
mkdir -p "$work"
die() { printf '!!! bench-swift: %s\n' "$*" >&2; exit 1; }
if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi

echo "--- building (release): Rust library + Swift sources, emulator, Rust bench, Swift bench"
bash scripts/build-swift.sh >/dev/null
cargo build ${CARGO_FLAGS---locked} --release -p hypercheckout-emulator
# The bench crate resolves with the repository's lock file and shares its target directory.
cp Cargo.lock bindings/swift/bench-rust/Cargo.lock
CARGO_TARGET_DIR="$repo/target" cargo build --release --manifest-path bindings/swift/bench-rust/Cargo.toml
rust_bench="$repo/target/release/hypercheckout-swift-bench-rust"
(cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" build -c release)
swift_version=$(bash scripts/swift.sh --version 2>&1 | head -n1)

emulator="$repo/target/release/hypercheckout-emulator"
"$emulator" --port 0 >"$work/emulator.out" 2>/dev/null &
emu_pid=$!
trap 'kill "$emu_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'http://[^[:space:]]*' "$work/emulator.out" 2>/dev/null | head -n1 || true)
  [ -n "$url" ] && break
  kill -0 "$emu_pid" 2>/dev/null || die "the emulator exited"
  sleep 0.1
done
[ -n "$url" ] || die "the emulator did not print its URL"

run_swift() {
  (cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" run -c release --skip-build HyperCheckoutBench "$url" "$1" "$sessions")
}
run_rust() { "$rust_bench" "$url" "$1" "$sessions"; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
declare -A results
for round in $(seq 1 "$rounds"); do
  for mode in "${modes[@]}"; do
    if [ $((round % 2)) -eq 1 ]; then order=(swift rust); else order=(rust swift); fi
    for who in "${order[@]}"; do
      value=$("run_$who" "$mode") || die "$who $mode failed"
      results[$who,$mode]="${results[$who,$mode]:-} $value"
      printf 'round %d %-10s %-6s %10s sessions/s\n' "$round" "$mode" "$who" "$value"
    done
  done
done
# FFI parts alone (no I/O): lower a request + one call, parse + lift a Session.
for _ in 1 2 3; do
  results[swift,breakdown]="${results[swift,breakdown]:-};$(cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" run -c release --skip-build HyperCheckoutBench "$url" breakdown 20000 | cut -d' ' -f1-2)"
  results[rust,breakdown]="${results[rust,breakdown]:-};$("$rust_bench" "$url" breakdown 20000)"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
kill "$emu_pid" 2>/dev/null || true
wait "$emu_pid" 2>/dev/null || true
trap - EXIT

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
label() {
  case "$1" in
    blocking) echo "sequential, blocking (\`createSessionBlocking\` / \`create_session_blocking\`)" ;;
    async-seq) echo "sequential, async (\`try await createSession\` / \`.await\`)" ;;
    async-c32) echo "async, 32 concurrent tasks, one shared client (TaskGroup / tokio::spawn)" ;;
  esac
}

table="| mode | Swift binding (sessions/s) | Rust core (sessions/s) | Swift / Rust (medians) | Swift / Rust (median of per-round ratios) |
| --- | ---: | ---: | ---: | ---: |"
for mode in "${modes[@]}"; do
  s=$(echo "${results[swift,$mode]}" | median)
  r=$(echo "${results[rust,$mode]}" | median)
  ratio=$(awk -v s="$s" -v r="$r" 'BEGIN {printf "%.2f", s / r}')
  paired=$(paste -d' ' <(echo "${results[swift,$mode]}" | tr ' ' '\n' | grep -v '^$') \
                        <(echo "${results[rust,$mode]}" | tr ' ' '\n' | grep -v '^$') \
           | awk '{printf "%s ", $1 / $2}' | median)
  table+=$'\n'"$(printf '| %s | %.0f | %.0f | %sx | %.2fx |' "$(label "$mode")" "$s" "$r" "$ratio" "$paired")"
done
col() { echo "${results[$1,breakdown]}" | tr ';' '\n' | grep -v '^$' | cut -d' ' -f"$2" | tr '\n' ' ' | median; }
breakdown_table="| per call, no I/O (median of 3 x 20,000 calls) | Swift binding (us) | Rust core (us) |
| --- | ---: | ---: |
| lower a \`SessionRequest\` + one call (\`routingId(request:)\`; Rust: clone + \`routing_id\`) | $(col swift 1) | $(col rust 1) |
| parse an emulator answer + lift the \`Session\` (\`parseSessionResponse\`) | $(col swift 2) | $(col rust 2) |"

report="# Swift binding benchmark

Generated by \`scripts/bench-swift.sh\` on $(date -u +%Y-%m-%d): sessions per second for the
identical \`POST /session\` workload (unique order ids, same fields) through the Swift binding
and through the Rust core directly, in one run, against one release-mode emulator process on
loopback. Each cell is the median of $rounds rounds of $sessions sessions (after 50 warm-up
sessions per process); Swift and Rust alternate which runs first each round.

$(uname -srm), $(nproc) CPUs, load average $load_before before / $load_after after (other builds
share this machine). $swift_version (Debian trixie chroot via scripts/swift.sh, \`-c release\`),
hypercheckout $(grep -m1 '^version' Cargo.toml | cut -d'"' -f2) (Rust release build, linked statically).

$table

$breakdown_table

Raw samples (sessions/s, in round order):

$(for mode in "${modes[@]}"; do printf -- '- %s: Swift%s; Rust%s\n' "$mode" "${results[swift,$mode]}" "${results[rust,$mode]}"; done)
"

echo
echo "$report"
if $write; then
  mkdir -p benchmarks
  {
    echo "$report"
    cat bindings/swift/Benchmarks/NOTES.md 2>/dev/null || true
  } >benchmarks/swift.md
  echo "wrote benchmarks/swift.md"
fi
