#!/usr/bin/env bash
# Swift binding (issue 5): builds the Rust library and the uniffi Swift sources
# (scripts/build-swift.sh), the emulator, provisions a Swift toolchain (scripts/swift.sh: the
# host's swift, else a cached Debian trixie chroot built on first use), then runs
# `swift build` and the XCTest suite in bindings/swift (including the merchant-flow tests of
# issue 6 and the error-text / cancellation / quickstart tests of issue 12, checked by name),
# renders the DocC reference (docc convert over the module's symbol graph) and builds and
# runs the example in examples/swift, which depends on the root Package.swift by path.
# Self-contained and idempotent; exits non-zero on any failure. If no
# Swift toolchain can be provisioned it FAILS: Swift is never reported as passed untested.
#
# Env: HYPERCHECKOUT_EMULATOR  prebuilt emulator binary, inside the repository (the chroot
#                              only sees the repository); default: cargo build
#      CARGO_FLAGS             flags for cargo (default --locked)
#      (and scripts/swift.sh's HYPERCHECKOUT_SWIFT_* variables, docs/swift-toolchain.md)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$repo"
work="$repo/target/swift-test"
pkg="$repo/bindings/swift"
example="$repo/examples/swift/CreateSession"
cargo_flags=${CARGO_FLAGS---locked}
export CARGO_FLAGS="$cargo_flags"

say() { printf '\n--- test-swift: %s\n' "$*"; }
die() { printf '\n!!! test-swift: FAILED: %s\n' "$*" >&2; exit 1; }
# shellcheck source=lib/emulator.sh
. "$repo/scripts/lib/emulator.sh"
timed() {  # timed DIR LABEL CMD...: runs CMD in DIR, records its wall time
  local dir=$1 label=$2 start=$SECONDS rc=0
  shift 2
  (cd "$dir" && "$@") || rc=$?
  [ "$rc" -eq 0 ] || die "$label (exit $rc)"
  timings+=("$(printf '%-42s %4ss' "$label" $((SECONDS - start)))")
}
declare -a timings=()

# Rust toolchain.
if [ -f scripts/ensure-rust.sh ]; then
  bash scripts/ensure-rust.sh
elif ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup)"
mkdir -p "$work"

say "Swift toolchain (scripts/swift-toolchain.sh; the first run builds the chroot, ~1-2 min)"
bash scripts/swift-toolchain.sh --is-ready >/dev/null 2>&1 && fresh=cached || fresh="first run"
start=$SECONDS
bash scripts/swift-toolchain.sh || die "no Swift toolchain could be provisioned: the Swift binding was NOT tested"
timings+=("$(printf '%-42s %4ss' "toolchain provisioning ($fresh)" $((SECONDS - start)))")
swift_version=$(bash scripts/swift.sh --version 2>&1) || die "swift --version failed: $swift_version"
printf '%s\n' "$swift_version" | grep -q 'Swift version' || die "unexpected swift --version: $swift_version"
printf '%s\n' "$swift_version" | head -n1

say "native library + generated Swift sources (scripts/build-swift.sh)"
timed "$repo" "build-swift.sh (cargo release + uniffi)" bash scripts/build-swift.sh

if [ -n "${HYPERCHECKOUT_EMULATOR:-}" ]; then
  emulator=$(cd "$(dirname "$HYPERCHECKOUT_EMULATOR")" && pwd -P)/$(basename "$HYPERCHECKOUT_EMULATOR")
else
  say "building the emulator"
  # shellcheck disable=SC2086
  timed "$repo" "cargo build emulator" cargo build $cargo_flags -p hypercheckout-emulator
  emulator="$repo/target/debug/hypercheckout-emulator"
fi
[ -x "$emulator" ] || die "emulator binary $emulator is missing"
case "$emulator" in
  "$repo"/*) ;;
  *) [ -x "$(command -v swift 2>/dev/null || true)" ] \
       || die "HYPERCHECKOUT_EMULATOR=$emulator is outside the repository: the Swift chroot cannot see it" ;;
esac
export HYPERCHECKOUT_EMULATOR="$emulator"

say "swift build (bindings/swift)"
timed "$pkg" "swift build" bash "$repo/scripts/swift.sh" build

# NetworkTests' proxy: Debian's tinyproxy on the host (the chroot shares its loopback), with
# a generated configuration; the tests get its URL and log path through the environment.
say "tinyproxy for NetworkTests (scripts/ensure-tinyproxy.sh), on the host loopback"
bash scripts/ensure-tinyproxy.sh || die "tinyproxy is needed by NetworkTests"
proxy_dir="$work/tinyproxy"
rm -rf "$proxy_dir" && mkdir -p "$proxy_dir"
proxy_password="swift-proxy-canary-Pw-3e8b"
proxy_pid=""
for _ in 1 2 3 4 5; do
  proxy_port=$((20000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && continue  # taken
  printf 'Port %s\nListen 127.0.0.1\nTimeout 60\nLogFile "%s"\nLogLevel Connect\nMaxClients 100\nBasicAuth proxyuser %s\nDisableViaHeader Yes\n' \
    "$proxy_port" "$proxy_dir/tinyproxy.log" "$proxy_password" > "$proxy_dir/tinyproxy.conf"
  tinyproxy -d -c "$proxy_dir/tinyproxy.conf" >/dev/null 2>&1 &
  proxy_pid=$!
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null && break 2
    kill -0 "$proxy_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$proxy_pid" 2>/dev/null || true
  proxy_pid=""
done
[ -n "$proxy_pid" ] || die "tinyproxy did not start"
trap 'kill "$proxy_pid" 2>/dev/null || true' EXIT
export HYPERCHECKOUT_TEST_PROXY_URL="http://proxyuser:$proxy_password@127.0.0.1:$proxy_port"
export HYPERCHECKOUT_TEST_PROXY_PASSWORD="$proxy_password"
export HYPERCHECKOUT_TEST_PROXY_LOG="$proxy_dir/tinyproxy.log"

say "swift test --disable-swift-testing (bindings/swift, XCTest against the emulator)"
log="$work/swift-test.log"
start=$SECONDS
set +e
(cd "$pkg" && bash "$repo/scripts/swift.sh" test --disable-swift-testing 2>&1) | tee "$log"
status=${PIPESTATUS[0]}
set -e
kill "$proxy_pid" 2>/dev/null || true
wait "$proxy_pid" 2>/dev/null || true
trap - EXIT
timings+=("$(printf '%-42s %4ss' "swift test" $((SECONDS - start)))")
[ "$status" -eq 0 ] || die "swift test exited with $status (log: $log)"
summary=$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' "$log" | tail -n1 || true)
summary=$(printf "%s" "$summary" | sed -E "s/^[[:space:]]+//")
[ -n "$summary" ] || die "no XCTest summary in the swift test output: no tests ran (log: $log)"
executed=$(printf '%s' "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
failures=$(printf '%s' "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
[ "$executed" -gt 0 ] || die "XCTest ran no tests"
[ "$failures" -eq 0 ] || die "$failures XCTest failure(s)"
# Issue 10: Juspay's corpus (testdata/juspay) and issue 11: the exit test must have run too.
# Issue 6: the merchant flow (every signature / order-status / webhook vector, and a session
# paid on the emulator, its signed redirect verified, its order status read) must have run.
for t in MerchantFlowConformanceTests.testSignatureVectors MerchantFlowConformanceTests.testOrderStatusVectors \
         MerchantFlowConformanceTests.testWebhookVectors MerchantFlowTests.testPaidOrderEndToEnd \
         MerchantFlowTests.testFailedPaymentIsNotCharged MerchantFlowTests.testUnknownOrderIsNotFound \
         JuspayCorpusTests.testSessionRequestsBuildValidateAndGoOutAsPublished \
         JuspayCorpusTests.testSessionAnswersExposeTheirExpiries JuspayCorpusTests.testOrderStatusesTypeWhatAMerchantActsOn \
         JuspayCorpusTests.testErrorBodiesKeepEverythingJuspaySaid JuspayCorpusTests.testWebhooksOfEveryEventParse \
         ExitTests.testPrepareForExitIsRegisteredAtLoad ExitTests.testExitWithCallsInFlightNeverCrashes \
         SwiftIdiomTests.testRateLimitedReadsAsASentenceWithTheRequestId SwiftIdiomTests.testKindHasLowerCamelCasesAndLabelledValues \
         SwiftIdiomTests.testCancelledTaskStopsTheRustCallAtOnce SwiftIdiomTests.testCancelledTaskSendsNoMoreRetries \
         SwiftIdiomTests.testAlreadyCancelledTaskSendsNothing ReadmeExampleTests.testQuickstart \
         MerchantFlowTests.testPaidOrderRefundedEndToEnd MerchantFlowTests.testMandateLifecycleEndToEnd \
         AfterPaymentConformanceTests.testRefundVectors AfterPaymentConformanceTests.testMandateVectors \
         AfterPaymentConformanceTests.testRefundAndMandateWebhookVectors \
         NetworkTests.testTLSEmulatorIsTrustedOnlyThroughItsCA NetworkTests.testCallsGoThroughAProxyWhosePasswordNeverShows \
         NetworkTests.testAPerCallTimeoutBeatsTheClients NetworkTests.testPerCallMaxRetriesAndRoutingId \
         ObservabilityTests.testARetriedCallIsLoggedAtDebugWithoutSecrets ObservabilityTests.testAFailedCallIsAWarning \
         ObservabilityTests.testBelowTheLevelNoRecordIsMade ObservabilityTests.testASlowListenerDoesNotSlowTheCall; do
  grep -q "Test Case '$t' passed" "$log" || die "$t did not run and pass (log: $log)"
done

# Issue 12: what the cancellation test measured.
grep -h '^cancellation: ' "$log" | sed 's/^/    /' || true

# Issue 12: the DocC reference. `swift package generate-documentation` needs the
# swift-docc-plugin, a git URL dependency this offline machine cannot fetch, so the same two
# steps the plugin runs are run directly: swift-symbolgraph-extract over the module just built,
# then `docc convert` (both ship with the toolchain; in the chroot in /usr/libexec/swift/bin).
say "DocC reference (swift-symbolgraph-extract + docc convert; the docc plugin cannot be fetched offline)"
docs="$repo/target/swift-docs"
rm -rf "$docs" && mkdir -p "$docs/symbols"
triple=$(cd "$pkg" && bash "$repo/scripts/swift.sh" -print-target-info 2>/dev/null \
  | sed -n 's/.*"triple": *"\([^"]*\)".*/\1/p' | head -n1)
if HYPERCHECKOUT_SWIFT_TOOL=docc bash "$repo/scripts/swift.sh" --help >/dev/null 2>&1; then
  timed "$pkg" "docc: symbol graph" env HYPERCHECKOUT_SWIFT_TOOL=swift-symbolgraph-extract bash "$repo/scripts/swift.sh" \
    -module-name HyperCheckout -target "${triple:-x86_64-unknown-linux-gnu}" -I "$pkg/.build/debug/Modules" \
    -I "$pkg/Sources/HyperCheckoutFFI" -I "$pkg/Sources/HyperCheckoutExitHook/include" \
    -minimum-access-level public -output-dir "$docs/symbols"
  timed "$pkg" "docc convert" env HYPERCHECKOUT_SWIFT_TOOL=docc bash "$repo/scripts/swift.sh" convert \
    --additional-symbol-graph-dir "$docs/symbols" --fallback-display-name HyperCheckout \
    --fallback-bundle-identifier dev.hypercheckout --output-path "$docs/HyperCheckout.doccarchive"
  pages="$docs/HyperCheckout.doccarchive/data/documentation/hypercheckout"
  for page in client/createsession\(request:options:\).json hypercheckouterror/kind-swift.enum.json \
              hypercheckouterror/apierror-swift.struct.json clientconfig/fromenvironment\(environment:emulatorurl:baseurl:processenvironment:\).json; do
    [ -s "$pages/$page" ] || die "DocC did not render $page"
  done
  printf '    DocC archive: %s (%s symbol pages)\n' "$docs/HyperCheckout.doccarchive" "$(find "$pages" -name '*.json' | wc -l)"
else
  printf '\n!!! test-swift: DocC NOT RENDERED: this toolchain has no docc (the chroot has one; a host swift without docc does not)\n' >&2
fi

say "example: examples/swift/CreateSession against the emulator"
timed "$example" "swift build (example)" bash "$repo/scripts/swift.sh" build
start_emulator "$work" "$emulator"
example_out="$work/example.out"
(cd "$example" && HYPERCHECKOUT_BASE_URL="$url" bash "$repo/scripts/swift.sh" run --skip-build CreateSession) \
  | tee "$example_out" || die "the example failed"
grep -q '^async: ' "$example_out" && grep -q '^blocking: ' "$example_out" && grep -q '^order status: ' "$example_out" \
  || die "the example did not create both sessions"
say "example: FullFlow (session, pay, redirect, order status, refund, settled) against the emulator"
flow_out="$work/full-flow.out"
(cd "$example" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY HYPERCHECKOUT_BASE_URL="$url" \
   bash "$repo/scripts/swift.sh" run --skip-build FullFlow) | tee "$flow_out" || die "the FullFlow example failed"
grep -q '^redirect signature: valid' "$flow_out" && grep -q '^refund settled: SUCCESS' "$flow_out" \
  && grep -q '^order status after refund: CHARGED' "$flow_out" || die "the FullFlow example did not refund a paid order"
say "example: Observability (log handler, request events as counters) against the emulator"
obs_out="$work/observability.out"
(cd "$example" && env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY HYPERCHECKOUT_BASE_URL="$url" \
   bash "$repo/scripts/swift.sh" run --skip-build Observability) | tee "$obs_out" || die "the Observability example failed"
grep -q '^attempts: 3' "$obs_out" || die "the Observability example did not count 3 attempts"
stop_emulator

say "timings"
printf '    %s\n' "${timings[@]}"
say "swift binding: all checks passed ($summary)"
