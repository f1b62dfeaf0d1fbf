#!/usr/bin/env bash
# Swift binding benchmark (issues 5, 17): CPU per call (each client process's getrusage over
# its calls; the emulator is another process) and sessions per second through the Swift
# binding beside the Rust core, in the same run, against ONE release-mode emulator process on loopback. Writes the
# table to benchmarks/swift.md (--no-write: print only).
#
#   Swift: bindings/swift/Benchmarks (swift build -c release; static Rust lib, release)
#   Rust : the core's own bench, `EMULATOR_URL=<that emulator> SESSIONS=N cargo bench -p
#          hypercheckout --bench end_to_end` (core/benches/end_to_end.rs: blocking sequential,
#          async concurrency 8 and 32, each beside a raw reqwest POST of the same request)
# Swift modes: blocking (sequential createSessionBlocking), async-seq (sequential await; no Rust
# row), async-c8 / async-c32 (8 / 32 concurrent tasks sharing one client). Each cell is the
# median of ROUNDS rounds of SESSIONS sessions; Swift and Rust alternate which goes first.
#
# Usage: scripts/bench-swift.sh [--rounds N] [--sessions N] [--no-write]
#        scripts/bench-swift.sh --soak N    (leak soak instead: N calls, RSS/threads/fds)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
rounds=5
sessions=2000
write=true
soak=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --sessions) sessions=$2; shift 2 ;;
    --no-write) write=false; shift ;;
    --soak) soak=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--sessions N] [--no-write]" >&2; exit 2 ;;
  esac
done
modes=(blocking async-seq async-c8 async-c32)
work="$repo/target/swift-bench"
mkdir -p "$work"
die() { printf '!!! bench-swift: %s\n' "$*" >&2; exit 1; }
if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi

echo "--- building (release): Rust library + Swift sources, emulator, Rust core bench, Swift bench"
bash scripts/build-swift.sh >/dev/null
# shellcheck disable=SC2086
cargo build ${CARGO_FLAGS---locked} --release -p hypercheckout-emulator
# shellcheck disable=SC2086
cargo bench ${CARGO_FLAGS---locked} -p hypercheckout --bench end_to_end --no-run
(cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" build -c release)
swift_version=$(bash scripts/swift.sh --version 2>&1 | head -n1)

emulator="$repo/target/release/hypercheckout-emulator"
"$emulator" --port 0 --strict >"$work/emulator.out" 2>/dev/null &
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
if [ -n "$soak" ]; then
  (cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" run -c release --skip-build HyperCheckoutBench "$url" soak "$soak")
  exit $?
fi

run_swift() {
  (cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" run -c release --skip-build HyperCheckoutBench "$url" "$1" "$sessions")
}
# One run of the core's bench: all its rows at once, against the same emulator process.
run_rust() {
  local out
  # shellcheck disable=SC2086
  out=$(EMULATOR_URL="$url" SESSIONS="$sessions" ROUNDS=1 cargo bench ${CARGO_FLAGS---locked} --quiet -p hypercheckout \
          --bench end_to_end 2>"$work/rust-bench.err") || { cat "$work/rust-bench.err" >&2; return 1; }
  printf '%s\n' "$out" >>"$work/rust-bench.out"
  rust_row() {  # rust_row PREFIX COLUMN: the number in that row of the bench's table
    printf '%s\n' "$out" | awk -F'|' -v p="$1" -v c="$2" 'index($2, p) == 2 {gsub(/ /, "", $c); print $c}'
  }
  local mode prefix sdk raw
  for mode in blocking async-c8 async-c32; do
    case "$mode" in
      # The bench has two sequential rows since the blocking path moved to the calling
      # thread; the fair peer of a blocking call is reqwest on a current-thread runtime.
      blocking) prefix="sequential (blocking SDK vs block_on reqwest, current-thread" ;;
      async-c8) prefix="async, concurrency 8 " ;;
      async-c32) prefix="async, concurrency 32" ;;
    esac
    # Columns of core/benches/end_to_end.rs's table: 3 SDK CPU, 4 reqwest CPU, 6 SDK rate,
    # 7 reqwest rate (its own table is a median of ROUNDS=1 here: one sample per round).
    sdk_cpu=$(rust_row "$prefix" 3)
    raw_cpu=$(rust_row "$prefix" 4)
    sdk=$(rust_row "$prefix" 6)
    raw=$(rust_row "$prefix" 7)
    [ -n "$sdk" ] && [ -n "$raw" ] && [ -n "$sdk_cpu" ] && [ -n "$raw_cpu" ] ||
      die "no '$prefix' row in the Rust bench output: $out"
    results[rust,$mode]="${results[rust,$mode]:-} $sdk"
    results[reqwest,$mode]="${results[reqwest,$mode]:-} $raw"
    results[rustcpu,$mode]="${results[rustcpu,$mode]:-} $sdk_cpu"
    results[reqwestcpu,$mode]="${results[reqwestcpu,$mode]:-} $raw_cpu"
    printf 'round %d %-10s %-6s %10s sessions/s %7s us CPU/call (raw reqwest %s, %s us)\n' \
      "$round" "$mode" rust "$sdk" "$sdk_cpu" "$raw" "$raw_cpu"
  done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
: >"$work/rust-bench.out"
declare -A results
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then order=(swift rust); else order=(rust swift); fi
  for who in "${order[@]}"; do
    if [ "$who" = rust ]; then
      run_rust || die "the Rust core bench failed"
      continue
    fi
    for mode in "${modes[@]}"; do
      value=$(run_swift "$mode") || die "swift $mode failed"
      read -r rate cpu <<<"$value"
      [ -n "${cpu:-}" ] || die "swift $mode printed '$value', not 'RATE CPU'"
      results[swift,$mode]="${results[swift,$mode]:-} $rate"
      results[swiftcpu,$mode]="${results[swiftcpu,$mode]:-} $cpu"
      printf 'round %d %-10s %-6s %10s sessions/s %7s us CPU/call\n' "$round" "$mode" swift "$rate" "$cpu"
    done
  done
done
# FFI parts alone (no I/O): lower a request + one call, parse + lift a Session.
for _ in 1 2 3; do
  results[swift,breakdown]="${results[swift,breakdown]:-};$(cd bindings/swift/Benchmarks && bash "$repo/scripts/swift.sh" run -c release --skip-build HyperCheckoutBench "$url" breakdown 20000 | cut -d' ' -f1-2)"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
kill "$emu_pid" 2>/dev/null || true
wait "$emu_pid" 2>/dev/null || true
trap - EXIT

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
label() {
  case "$1" in
    blocking) echo "sequential, blocking (\`createSessionBlocking\` / \`create_session_blocking\`)" ;;
    async-seq) echo "sequential, async (\`try await createSession\`; the Rust bench has no such row)" ;;
    async-c8) echo "async, 8 concurrent tasks, one shared client (TaskGroup / tokio::spawn)" ;;
    async-c32) echo "async, 32 concurrent tasks, one shared client (TaskGroup / tokio::spawn)" ;;
  esac
}
samples() { echo "${results[$1,$2]:-}" | tr ' ' '\n' | grep -v '^$' || true; }

table="| mode | Swift CPU µs/call | Rust core CPU µs/call | raw reqwest CPU µs/call | Swift − Rust CPU µs | Swift (sessions/s) | Rust core (sessions/s) | raw reqwest (sessions/s) | Swift / Rust (median of per-round ratios) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for mode in "${modes[@]}"; do
  s=$(samples swift "$mode" | median)
  sc=$(samples swiftcpu "$mode" | median)
  if [ -n "${results[rust,$mode]:-}" ]; then
    r=$(samples rust "$mode" | median)
    q=$(samples reqwest "$mode" | median)
    rc=$(samples rustcpu "$mode" | median)
    qc=$(samples reqwestcpu "$mode" | median)
    paired=$(paste -d' ' <(samples swift "$mode") <(samples rust "$mode") | awk '{printf "%s ", $1 / $2}' | median)
    table+=$'\n'"$(printf '| %s | %.1f | %.1f | %.1f | %+.1f | %.0f | %.0f | %.0f | %.2fx |' "$(label "$mode")" "$sc" "$rc" "$qc" "$(awk -v a="$sc" -v b="$rc" 'BEGIN {print a - b}')" "$s" "$r" "$q" "$paired")"
  else
    table+=$'\n'"$(printf '| %s | %.1f | - | - | - | %.0f | - | - | - |' "$(label "$mode")" "$sc" "$s")"
  fi
done
col() { echo "${results[$1,breakdown]}" | tr ';' '\n' | grep -v '^$' | cut -d' ' -f"$2" | tr '\n' ' ' | median; }
breakdown_table="| per call, no I/O (median of 3 x 20,000 calls) | Swift binding (us) |
| --- | ---: |
| lower a \`SessionRequest\` + one call (\`routingId(request:)\`) | $(col swift 1) |
| parse an emulator answer + lift the \`Session\` (\`parseSessionResponse\`) | $(col swift 2) |"

report="# Swift binding benchmark

Generated by \`scripts/bench-swift.sh\` on $(date -u +%Y-%m-%d): CPU per call (each client
process's user + system time over its calls, every thread, from getrusage; the emulator is a
separate process) and sessions per second for
\`POST /session\` through the Swift binding (\`bindings/swift/Benchmarks\`) and through the
Rust core's own bench (\`core/benches/end_to_end.rs\`, run with \`EMULATOR_URL\` and
\`SESSIONS\`, which also times a raw reqwest POST of the same request), in one run, against one
release-mode emulator process on loopback. Each cell is the median of $rounds rounds of
$sessions sessions (after 50 warm-up sessions per process); Swift and Rust alternate which runs
first each round. The two benches build their requests independently (unique order ids, same
kind of fields; the Rust one has no sequential-async row).

$(uname -srm), $(nproc) CPUs, load average $load_before before / $load_after after (other builds
share this machine). $swift_version (Debian trixie chroot via scripts/swift.sh, \`-c release\`),
hypercheckout $(grep -m1 '^version' Cargo.toml | cut -d'"' -f2) (Rust release build, linked statically).

$table

$breakdown_table

Raw samples (sessions/s, then CPU µs/call, in round order):

$(for mode in "${modes[@]}"; do
    printf -- '- %s: Swift%s (CPU%s)' "$mode" "${results[swift,$mode]}" "${results[swiftcpu,$mode]}"
    [ -n "${results[rust,$mode]:-}" ] && printf '; Rust%s (CPU%s); raw reqwest%s (CPU%s)' "${results[rust,$mode]}" "${results[rustcpu,$mode]}" "${results[reqwest,$mode]}" "${results[reqwestcpu,$mode]}"
    printf '\n'
  done)
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
