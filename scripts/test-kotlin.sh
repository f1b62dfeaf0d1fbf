#!/usr/bin/env bash
# Kotlin/JVM binding (issue 4). Self-contained and idempotent; exits non-zero on any failure.
#   1. builds the emulator (cargo build -p hypercheckout-emulator) unless
#      $HYPERCHECKOUT_EMULATOR names a prebuilt binary;
#   2. mvn verify on bindings/kotlin: cargo build --release -p hypercheckout, uniffi library-mode
#      generation, kotlin compile, jar with linux-x86-64/libhypercheckout.so inside, the
#      JUnit 5 suite (conformance vectors, emulator tests, Java tests, README quickstarts) under
#      Surefire, and the Dokka reference with the -javadoc and -sources jars;
#   3. checks the jar's contents and the Dokka reference (copied to target/doc/kotlin), the
#      -javadoc and -sources jars, installs it in the local Maven repository, builds
#      examples/kotlin (Kotlin and Java) against it and runs both examples with a plain
#      `java -cp` (no -Djna.library.path) against a fresh emulator.
#
# Env: HYPERCHECKOUT_EMULATOR  prebuilt emulator binary (default: target/debug/hypercheckout-emulator)
#      MVN                     maven command (default: mvn)
#      MAVEN_ARGS_EXTRA        extra arguments for every mvn call (e.g. -o, -Dmaven.repo.local=...)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
mvn_cmd=${MVN:-mvn}
# shellcheck disable=SC2206
mvn_args=(-B -ntp -Dstyle.color=never ${MAVEN_ARGS_EXTRA:-})

say() { printf '\n--- %s\n' "$*"; }
die() { printf '!!! test-kotlin: %s\n' "$*" >&2; exit 1; }

# Toolchains.
if [ -f scripts/ensure-rust.sh ]; then
  bash scripts/ensure-rust.sh
elif ! command -v cargo >/dev/null 2>&1 && [ -f "$HOME/.cargo/env" ]; then
  . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup)"
command -v "$mvn_cmd" >/dev/null 2>&1 || die "$mvn_cmd not found: install Maven 3.8+"
command -v java >/dev/null 2>&1 || die "java not found: install a JDK 17+"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || die "JDK 17+ required (found ${java_major:-unknown})"

# 1. The emulator.
if [ -n "${HYPERCHECKOUT_EMULATOR:-}" ]; then
  emulator=$HYPERCHECKOUT_EMULATOR
  [ -x "$emulator" ] || die "HYPERCHECKOUT_EMULATOR=$emulator is not an executable"
else
  say "building the emulator"
  cargo build -p hypercheckout-emulator
  emulator="${CARGO_TARGET_DIR:-$repo/target}/debug/hypercheckout-emulator"
fi
export HYPERCHECKOUT_EMULATOR=$emulator

# 2. Build, generate, compile, test, package.
say "tinyproxy for the proxy tests (scripts/ensure-tinyproxy.sh)"
bash scripts/ensure-tinyproxy.sh || die "tinyproxy is needed by NetworkTest"

say "mvn verify (bindings/kotlin)"
rm -rf bindings/kotlin/target/surefire-reports  # the checks below read this run's reports only
"$mvn_cmd" "${mvn_args[@]}" -f bindings/kotlin verify

# Suites that must have run (a class Surefire did not find would pass silently).
for suite in ObservabilityTest SystemLoggerFallbackTest NetworkTest ExitTest; do
  report="bindings/kotlin/target/surefire-reports/TEST-dev.hypercheckout.$suite.xml"
  [ -f "$report" ] || die "$suite did not run (no $report)"
  head_line=$(grep -m1 '<testsuite ' "$report")
  for count in skipped failures errors; do
    grep -q " $count=\"0\"" <<<"$head_line" || die "$suite: $count in $report"
  done
  echo "ok: $suite ran"
done

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' bindings/kotlin/pom.xml | head -n 1)
jar="bindings/kotlin/target/hypercheckout-$version.jar"
[ -f "$jar" ] || die "$jar was not built"

say "jar contents"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) native=linux-x86-64/libhypercheckout.so ;;
  Linux-aarch64) native=linux-aarch64/libhypercheckout.so ;;
  Darwin-arm64) native=darwin-aarch64/libhypercheckout.dylib ;;
  Darwin-x86_64) native=darwin-x86-64/libhypercheckout.dylib ;;
  *) die "unsupported host $(uname -s)-$(uname -m)" ;;
esac
listing=$(unzip -l "$jar" 2>/dev/null || jar tf "$jar")
for entry in "$native" dev/hypercheckout/Client.class dev/hypercheckout/HyperCheckoutJava.class \
  dev/hypercheckout/HyperCheckoutClient.class dev/hypercheckout/SessionRequestBuilder.class dev/hypercheckout/HyperCheckoutErrors.class; do
  grep -q "$entry" <<<"$listing" || die "$jar lacks $entry"
  echo "ok: $entry"
done
if grep -q '\.kt$' <<<"$listing"; then die "$jar contains Kotlin sources"; fi

say "reference docs (Dokka), sources and javadoc jars"
docs_jar="bindings/kotlin/target/hypercheckout-$version-javadoc.jar"
sources_jar="bindings/kotlin/target/hypercheckout-$version-sources.jar"
[ -f "$docs_jar" ] || die "$docs_jar was not built"
[ -f "$sources_jar" ] || die "$sources_jar was not built"
for page in index.html hypercheckout/dev.hypercheckout/-hyper-checkout-client/index.html \
  hypercheckout/dev.hypercheckout/-session-request-builder/index.html \
  hypercheckout/dev.hypercheckout/-hyper-checkout-errors/index.html \
  hypercheckout/dev.hypercheckout/-hyper-checkout-exception/index.html; do
  [ -f "bindings/kotlin/target/dokka/$page" ] || die "Dokka did not write $page"
done
# uniffi's plumbing is @suppress/internal: the reference must not list it.
if [ -e bindings/kotlin/target/dokka/hypercheckout/dev.hypercheckout/-ffi-converter-string/index.html ]; then
  die "the Dokka reference documents uniffi's FfiConverterString"
fi
sources=$(unzip -l "$sources_jar" 2>/dev/null || jar tf "$sources_jar")
grep -q 'dev/hypercheckout/hypercheckout.kt' <<<"$sources" || die "$sources_jar lacks the generated sources"
grep -q 'dev/hypercheckout/HyperCheckoutClient.kt' <<<"$sources" || die "$sources_jar lacks the thin layer"
rm -rf target/doc/kotlin && mkdir -p target/doc && cp -r bindings/kotlin/target/dokka target/doc/kotlin
echo "ok: Dokka HTML in target/doc/kotlin ($(find target/doc/kotlin -name '*.html' | wc -l) pages), $(basename "$docs_jar"), $(basename "$sources_jar")"

# 3. The example, as a merchant would build it: a Maven project depending on the jar.
say "installing $jar in the local Maven repository"
"$mvn_cmd" "${mvn_args[@]}" -q -f bindings/kotlin install:install-file \
  -Dfile="$repo/$jar" -DpomFile="$repo/bindings/kotlin/pom.xml"
# The examples below build and run against a copy installed under a version of this checkout's
# own ($version-local-<directory>): ~/.m2 is shared, and another checkout installing
# $version while this script ran once swapped the jar under the examples (a NoClassDefFoundError
# for a class this checkout has and the other did not).
local_version="$version-local-$(basename "$repo" | tr -c 'A-Za-z0-9_\n' '_')"
local_pom="$repo/bindings/kotlin/target/pom-$local_version.xml"
sed "0,/^  <version>$version<\/version>/s//  <version>$local_version<\/version>/" \
  bindings/kotlin/pom.xml >"$local_pom"
grep -q "^  <version>$local_version</version>" "$local_pom" || die "could not write $local_pom"
"$mvn_cmd" "${mvn_args[@]}" -q -f bindings/kotlin install:install-file \
  -Dfile="$repo/$jar" -DpomFile="$local_pom"

say "building examples/kotlin (against $local_version)"
"$mvn_cmd" "${mvn_args[@]}" -q -f examples/kotlin package -Dhypercheckout.version="$local_version"

say "running the example against the emulator (plain java -cp)"
log=$(mktemp)
"$emulator" --port 0 >"$log" 2>/dev/null &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^[:space:]]*' "$log" | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || die "the emulator exited"
  sleep 0.1
done
[ -n "$url" ] || die "the emulator did not print its URL"
classpath="examples/kotlin/target/classes:$(cat examples/kotlin/target/classpath.txt)"
grep -q "hypercheckout-$local_version.jar" <<<"$classpath" || die "the example's classpath lacks the binding jar"
# Without credentials the examples use the emulator; unset them so a merchant's real keys in
# this shell are never used by the test run.
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY -u JUSPAY_BASE_URL \
  java -cp "$classpath" dev.hypercheckout.example.MainKt "$url"

say "running the metrics example (Micrometer counters and timer, SLF4J records)"
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY -u JUSPAY_BASE_URL \
  java -cp "$classpath" dev.hypercheckout.example.MetricsKt "$url"

say "running the Kotlin full-flow example (session, pay, verify, status, refund, settled)"
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY -u JUSPAY_BASE_URL -u JUSPAY_RESPONSE_KEY \
  java -cp "$classpath" dev.hypercheckout.example.FullFlowKt "$url"

say "running the Java example (it starts its own emulator from HYPERCHECKOUT_EMULATOR)"
env -u JUSPAY_MERCHANT_ID -u JUSPAY_API_KEY -u JUSPAY_BASE_URL \
  java -cp "$classpath" dev.hypercheckout.example.JavaMain

say "kotlin: all passed"
