#!/usr/bin/env bash
# Fuzzes the core with cargo-fuzz (docs/fuzzing.md): seeds the corpora from testdata/, builds
# every target once, replays core/fuzz/regressions/, then runs each target for a while.
#
# Usage: scripts/fuzz.sh [--smoke] [TARGET...]
#   --smoke        10 s per target (what the test command runs)
#   TARGET...      only these targets (default: all of core/fuzz/fuzz_targets/)
# Environment:
#   FUZZ_SECONDS       seconds per target without --smoke (default 180)
#   FUZZ_SEED          libFuzzer seed for --smoke (default 1: the same inputs every run)
#   FUZZ_TARGET_DIR    cargo target dir for the fuzz build (default target/fuzz; it is kept
#                      apart from the main target dir: different flags, no lock contention)
#   FUZZ_SANITIZER     none (default: the core is safe Rust; ~2x faster) or address
#   FUZZ_JOBS          build jobs (default 2)
# Exit status: 0 when no target crashed or failed a property; 1 otherwise (each crash file
# is printed); 2 when the tools or the build are missing.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
fuzz_dir=core/fuzz

seconds=${FUZZ_SECONDS:-180}
smoke=false
targets=()
for arg in "$@"; do
  case $arg in
    --smoke) seconds=10; smoke=true ;;
    -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$fuzz_dir"/fuzz_targets/*.rs; do targets+=("$(basename "$f" .rs)"); done
fi

target_dir=${FUZZ_TARGET_DIR:-$repo/target/fuzz}
sanitizer=${FUZZ_SANITIZER:-none}
export CARGO_BUILD_JOBS=${FUZZ_JOBS:-2}
bin_dir=$target_dir/x86_64-unknown-linux-gnu/release

started=$SECONDS
timed() {
  local name=$1 start=$SECONDS
  shift
  echo "==> $name"
  "$@"
  local rc=$?
  echo "    ($name: $((SECONDS - start)) s)"
  return $rc
}

tools() {
  if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal || return 1
  fi
  if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked || return 1
  fi
  cargo fuzz --version
}

# One file per input, named by content, so re-seeding is idempotent.
seed() {
  python3 - "$fuzz_dir/corpus" <<'PY'
import hashlib, json, os, sys, urllib.parse

root = sys.argv[1]
def load(name):
    with open(os.path.join("testdata", name + ".json"), encoding="utf-8") as f:
        return json.load(f)["cases"]
counts = {}
def put(target, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    d = os.path.join(root, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, "seed-" + hashlib.sha1(data).hexdigest()[:16])
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
    counts[target] = counts.get(target, 0) + 1
def answer(case):  # the format of hypercheckout_fuzz::http_answer
    head = "".join(f"{k}: {v}\n" for k, v in case.get("headers", {}).items())
    return f"{case['http_status']}\n{head}\n{case['body']}"

for c in load("validation") + load("wire"):
    put("parse_session_request", json.dumps(c["request"], ensure_ascii=False))
for c in load("parse_errors"):
    put("parse_session_request", c["json"])
retry_after = {"7", "0", " 120 ", "-1", "1e3", "18446744073709551615", "18446744073709551616",
               "9223372036854775807", "Wed, 21 Oct 2015 07:28:00 GMT",
               "Fri, 31 Dec 9999 23:59:59 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
               "Sun Nov  6 08:49:37 1994", ""}
for c in load("responses"):
    put("parse_session_response", answer(c))
    retry_after.update(v for k, v in c.get("headers", {}).items() if k.lower() == "retry-after")
for c in load("order_status"):
    put("parse_order_status_response", answer(c))
    retry_after.update(v for k, v in c.get("headers", {}).items() if k.lower() == "retry-after")
for c in load("webhooks") + load("webhooks_refunds_mandates"):
    if "body" in c:
        put("parse_webhook", c["body"])
with open(os.path.join("testdata", "encryption.json"), encoding="utf-8") as f:
    enc = json.load(f)
for c in enc["answers"] + enc["webhooks"]:
    put("encrypted_webhook", c["body"])
for c in load("mandates"):
    if c["kind"] == "answer":
        put("parse_mandate_response", answer(c))
for c in load("refunds"):
    if c["kind"] == "answer":
        put("parse_order_status_response", answer(c))
for c in load("signatures"):
    query = c["query"] if "query" in c else "?" + urllib.parse.urlencode(c["params"])
    put("signature", c["response_key"] + "\n" + query)
for v in retry_after:
    put("parse_retry_after", v)
print("    seeds: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
PY
}

build() {
  # One build for every target: release with debug assertions (cargo-fuzz's default).
  (cd core && cargo +nightly fuzz build -O -a -s "$sanitizer" --codegen-units 16 \
    --target-dir "$target_dir")
}

failed=()
# Crash inputs kept in core/fuzz/regressions/<target>/ must pass before fuzzing starts.
replay() {
  local target dir files
  for target in "${targets[@]}"; do
    dir=$fuzz_dir/regressions/$target
    [ -d "$dir" ] || continue
    files=("$dir"/*)
    [ -e "${files[0]}" ] || continue
    mkdir -p "$fuzz_dir/corpus/$target"
    cp "${files[@]}" "$fuzz_dir/corpus/$target/"
    if "$bin_dir/$target" -rss_limit_mb=2048 "${files[@]}" >"$log_dir/$target.replay.log" 2>&1; then
      echo "    $target: ${#files[@]} regression input(s) pass"
    else
      echo "!!! $target: a regression input fails:"
      grep -E "panicked|Running:|SUMMARY|deadly signal" "$log_dir/$target.replay.log" | head -8 | sed 's/^/    /'
      failed+=("$target (regression)")
    fi
  done
}

declare -a summary
run_target() {
  local target=$1 log=$log_dir/$1.log start=$SECONDS
  local extra=()
  # A few hundred runs a second at best (real sockets, real backoff): let inputs be as long
  # as four scripted answers need from the start instead of growing the limit slowly.
  [ "$target" = retry_loop ] && extra=(-len_control=0 -max_len=512)
  # The smoke run in the test command follows one fixed mutation sequence, so a red run is
  # reproducible (`FUZZ_SEED`); long runs take a fresh seed each time to explore.
  $smoke && extra+=(-seed="${FUZZ_SEED:-1}")
  mkdir -p "$fuzz_dir/corpus/$target" "$fuzz_dir/artifacts/$target"
  "$bin_dir/$target" "$fuzz_dir/corpus/$target" \
    -artifact_prefix="$fuzz_dir/artifacts/$target/" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -print_final_stats=1 "${extra[@]}" >"$log" 2>&1
  local rc=$?
  local runs
  runs=$(grep -oE '^stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  if [ $rc -eq 0 ]; then
    summary+=("$(printf '%-30s %6s s %12s runs  ok' "$target" $((SECONDS - start)) "${runs:-?}")")
  else
    summary+=("$(printf '%-30s %6s s %12s runs  CRASH' "$target" $((SECONDS - start)) "${runs:-?}")")
    failed+=("$target")
    echo "!!! $target failed (exit $rc); log: $log"
    grep -E "panicked at|thread '.*' panicked|SUMMARY|deadly signal|ERROR: libFuzzer" -A3 "$log" | head -20 | sed 's/^/    /'
    local crash
    crash=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')
    if [ -n "$crash" ] && [ -f "$crash" ]; then
      echo "    crash file: $crash ($(wc -c <"$crash") bytes); reproduce: $bin_dir/$target $crash"
      echo "    base64: $(base64 -w0 "$crash" | cut -c1-600)"
    fi
  fi
}

log_dir=$(mktemp -d "${TMPDIR:-/tmp}/hypercheckout-fuzz.XXXXXX")
timed "tools (nightly, cargo-fuzz)" tools || { echo "!!! cannot install the fuzz tools"; exit 2; }
timed "seed corpora from testdata/" seed || { echo "!!! seeding failed"; exit 2; }
timed "build ${#targets[@]} targets (one cargo fuzz build, sanitizer $sanitizer)" build \
  || { echo "!!! the fuzz build failed"; exit 2; }
timed "replay core/fuzz/regressions/" replay
for target in "${targets[@]}"; do
  timed "fuzz $target for $seconds s" run_target "$target"
done

echo
echo "==> summary ($((SECONDS - started)) s in all; logs in $log_dir)"
printf '    %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}"
  echo "(docs/fuzzing.md: minimise with 'cargo +nightly fuzz tmin', keep the input in core/fuzz/regressions/<target>/)"
  exit 1
fi
echo "no crashes"
