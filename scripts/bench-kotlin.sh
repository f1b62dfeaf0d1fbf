#!/usr/bin/env bash
# Kotlin/JVM benchmark (issues 4, 17): CPU per call and sessions/s from the SDK (blocking threads and coroutines)
# beside java.net.http.HttpClient sending the identical POST, against a release emulator, in
# the same run. Release builds throughout (the pom builds the cdylib with --release).
# Prints a Markdown table (results go in benchmarks/kotlin.md by hand, with the machine).
#
# Usage: scripts/bench-kotlin.sh [seconds-per-run=5] [rounds=3] [threads=8] [coroutines=50]
#        scripts/bench-kotlin.sh soak [calls=100000]     (leak soak: RSS, threads, fds)
#        scripts/bench-kotlin.sh first-call [jvms=7]     (fresh JVMs: class load -> first session)
# Env:   MAVEN_ARGS_EXTRA  extra mvn arguments (e.g. -Dhypercheckout.skipCargo=true)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
# shellcheck disable=SC2206
mvn_args=(-B -ntp -q -Dstyle.color=never ${MAVEN_ARGS_EXTRA:-})
target="${CARGO_TARGET_DIR:-$repo/target}"

echo "--- building the release emulator" >&2
cargo build --release -p hypercheckout-emulator >&2
echo "--- building the binding and the benchmark (mvn test-compile, release cdylib)" >&2
mvn "${mvn_args[@]}" -f bindings/kotlin test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >&2

log=$(mktemp)
"$target/release/hypercheckout-emulator" --port 0 --strict >"$log" 2>/dev/null &
emulator_pid=$!
trap 'kill "$emulator_pid" 2>/dev/null || true; rm -f "$log"' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://[^[:space:]]*' "$log" | head -n 1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "the emulator did not start" >&2; exit 1; }

k=bindings/kotlin/target
echo "--- $(nproc) cores, $(java -version 2>&1 | head -n 1), emulator $url" >&2
classpath="$k/test-classes:$k/classes:$(cat $k/bench-classpath.txt)"
if [ "${1:-}" = soak ]; then
  # A small heap, so RSS growth is native memory (Bench.kt's soak says why).
  java -Xmx64m -XX:+UseSerialGC -cp "$classpath" dev.hypercheckout.bench.BenchKt "$url" soak "${2:-100000}"
  exit $?
fi
if [ "${1:-}" = first-call ]; then
  # Fresh JVMs, SDK and OkHttp alternating; the medians of "ready", "first" and "total".
  for _ in $(seq 1 "${2:-7}"); do
    for which in sdk okhttp; do
      java -cp "$classpath" dev.hypercheckout.bench.BenchKt "$url" first-call "$which"
    done
  done | tee /dev/stderr | awk '
    { which = $2; sub(":", "", which); n[which]++
      r[which, n[which]] = $4; f[which, n[which]] = $7; t[which, n[which]] = $10 }
    function median(a, w, k,   v, i, j, x, m) {
      m = n[w]; for (i = 1; i <= m; i++) v[i] = a[w, i]
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { x = v[i]; v[i] = v[j]; v[j] = x }
      return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
    }
    END { for (w in n) printf "| %s | %.1f ms | %.1f ms | %.1f ms | %d JVMs |\n", w, median(r, w), median(f, w), median(t, w), n[w] }'
  exit 0
fi
java -cp "$classpath" dev.hypercheckout.bench.BenchKt "$url" "${1:-5}" "${2:-3}" "${3:-8}" "${4:-50}"
