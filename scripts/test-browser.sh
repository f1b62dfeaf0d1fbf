#!/usr/bin/env bash
# Real-browser test of the merchant flow (issue 6): headless Chromium from Debian's packages,
# driven by Playwright (playwright-core from npm, using that Chromium), pays on the
# emulator's payment page and lands on the Rust example's return_url handler, which verifies
# the signature with the SDK and confirms the order with the Order Status API.
#
#   emulator (--redirect-base http://127.0.0.1:PORT)
#   examples/rust/full_flow --emulator-url EMU --port PORT    creates the session, serves /return
#   node scripts/browser/pay.cjs LINK http://127.0.0.1:PORT   opens the link, clicks "Pay"
#
# The return_url stays https://shop.merchant.com/return (Juspay's rule: https, domain name);
# the emulator's --redirect-base (a testing aid) sends the browser to the local handler.
# Installs what it lacks (needs root for apt-get). Fails loudly, exits non-zero.
set -euo pipefail
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
work="$repo/target/browser-test"
started=$SECONDS
pids=()

say() { printf '\n--- [%3ss] %s\n' "$((SECONDS - started))" "$*"; }
die() { printf '!!! test-browser: %s\n' "$*" >&2; exit 1; }
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

# Waits up to $3 seconds for a line matching $2 in file $1; prints the match.
wait_for_line() {
  local file=$1 pattern=$2 seconds=$3 i
  for ((i = 0; i < seconds * 10; i++)); do
    if grep -m1 -E "$pattern" "$file" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  return 1
}

mkdir -p "$work"

say "Chromium"
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  command -v apt-get >/dev/null 2>&1 || die "$chromium missing and no apt-get to install it"
  [ "$(id -u)" = 0 ] || die "$chromium missing; run as root (apt-get install chromium) or set CHROMIUM"
  apt_get update -qq
  apt_get install -y -qq chromium >/dev/null
fi
[ -x "$chromium" ] || die "$chromium is not installed"
"$chromium" --version || die "$chromium does not start"

say "Node.js and playwright-core"
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || {
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 || die "node/npm missing"
  apt_get update -qq && apt_get install -y -qq nodejs npm >/dev/null
}
node --version
if ! node -e "process.exit(require(\"$work/node_modules/playwright-core/package.json\").version === \"${PLAYWRIGHT_CORE_VERSION:-1.65.1}\" ? 0 : 1)" 2>/dev/null; then
  # Only the driver library: its own browser download is never used (and fails here).
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$work" --no-save --no-audit \
    --no-fund --loglevel=error "playwright-core@${PLAYWRIGHT_CORE_VERSION:-1.65.1}" || die "npm install playwright-core failed"
fi
export PLAYWRIGHT_CORE="$work/node_modules/playwright-core"
export CHROMIUM="$chromium"

say "building the emulator and the Rust example"
if [ -f scripts/ensure-rust.sh ]; then bash scripts/ensure-rust.sh; fi
command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
cargo build --quiet --locked -p hypercheckout-emulator --bin hypercheckout-emulator
cargo build --quiet --locked -p hypercheckout --example full_flow
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
emulator_bin="$target_dir/debug/hypercheckout-emulator"
example_bin="$target_dir/debug/examples/full_flow"
[ -x "$emulator_bin" ] || die "$emulator_bin was not built"
[ -x "$example_bin" ] || die "$example_bin was not built"

# A free port for the return handler (the emulator must know it before the example starts).
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
handler="http://127.0.0.1:$port"

say "starting the emulator (redirects to $handler)"
"$emulator_bin" --redirect-base "$handler" >"$work/emulator.out" 2>"$work/emulator.err" &
pids+=($!)
emulator_url=$(wait_for_line "$work/emulator.out" 'listening on http://' 20 | grep -oE 'http://[^ ]+') \
  || { cat "$work/emulator.err" >&2; die "the emulator did not start"; }
echo "emulator: $emulator_url"

say "creating the session (examples/rust/full_flow)"
"$example_bin" --emulator-url "$emulator_url" --port "$port" --wait-seconds 90 \
  >"$work/example.out" 2>"$work/example.err" &
example_pid=$!
pids+=($example_pid)
link=$(wait_for_line "$work/example.out" '^payment link: ' 30 | sed 's/^payment link: //') \
  || { cat "$work/example.err" >&2; die "the example printed no payment link"; }
echo "payment link: $link"

say "paying in headless Chromium"
node scripts/browser/pay.cjs "$link" "$handler" "$work/return-page.png" \
  || { cat "$work/example.out" "$work/example.err" >&2; die "the browser run failed"; }

say "the merchant's verdict"
status=0
wait "$example_pid" || status=$?
cat "$work/example.out"
[ "$status" -eq 0 ] || { cat "$work/example.err" >&2; die "the example exited with $status"; }
grep -qx 'result: signature=Valid status=CHARGED check=paid' "$work/example.out" \
  || die "expected 'result: signature=Valid status=CHARGED check=paid'"

say "PASS: browser paid, signature Valid, order CHARGED, check_payment Paid (screenshot: $work/return-page.png)"
