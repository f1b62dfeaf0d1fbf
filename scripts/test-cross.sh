#!/usr/bin/env bash
# The test command's cross-platform step (issue 16 item 6): the core cross-built for aarch64
# Linux and Windows from this x86_64 Linux machine, packed as release.sh packs it, and RUN:
#
#   1. builds libhypercheckout for aarch64-unknown-linux-gnu.2.17 (cargo-zigbuild: glibc 2.17
#      floor) and hypercheckout.dll for x86_64-pc-windows-gnu (plain cargo with MinGW-w64 as
#      linker: zig's linker drops a DLL's export list), and the Rust example for Windows, in
#      the dev profile (the cheapest cold: docs/releasing.md has the measurements), into
#      target/cross (CROSS_TARGET_DIR);
#   2. packs the manylinux2014 aarch64 wheel (scripts/release_wheel.py, bindings generated from
#      the unstripped library, the library stripped, as release.sh does), checks its glibc floor
#      and `auditwheel show`, and installs it into an arm64 Debian CPython 3.11 under qemu-user:
#      import, the conformance vectors and the Python example's real session against the native
#      emulator;
#   3. adds linux-aarch64/libhypercheckout.so to the jar scripts/test-kotlin.sh built (the test
#      command's previous binding step; run it first when calling this script alone) and runs
#      the Java example from it on an arm64 JDK 17 under qemu-user: JNA picks linux-aarch64;
#   4. Windows: the DLL's export table has every function the generated C header declares,
#      scripts/release-probe.c loads it and calls it under wine (with the test-only
#      bcryptprimitives.dll shim), and the Rust example creates a real session under wine
#      against the native emulator.
#
# Prints the wall and CPU time of each part. Every check that cannot run fails the script
# (nothing is skipped). What it does not cover: the release profile (opt-level 3, thin LTO,
# opt-level s on Windows), the other targets, the wheel/jar size budgets: scripts/release.sh
# and scripts/test-release.sh (docs/releasing.md, "What is verified where").
#
# Caches: the arm64 root in ~/.cache/hypercheckout/arm64-bookworm (HYPERCHECKOUT_ARM64_ROOT),
# the tool venv in target/release-tools (RELEASE_TOOLS, shared with release.sh), the wine
# prefix in target/cross/wineprefix; NICE (default "nice -n 10") prefixes the builds.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
work="$repo/target/cross-test"
build_dir=${CROSS_TARGET_DIR:-$repo/target/cross}
tools=${RELEASE_TOOLS:-$repo/target/release-tools}
venv="$tools/venv"
# shellcheck disable=SC2206
nice_cmd=(${NICE-nice -n 10})
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
arm=aarch64-unknown-linux-gnu
win=x86_64-pc-windows-gnu
export CARGO_INCREMENTAL=0

say() { printf '\n--- %s\n' "$*"; }
die() { printf '!!! test-cross: %s\n' "$*" >&2; exit 1; }
ok() { printf 'ok: %s\n' "$*"; }
# shellcheck source=lib/apt.sh
. "$repo/scripts/lib/apt.sh"
# shellcheck source=lib/emulator.sh
. "$repo/scripts/lib/emulator.sh"
# shellcheck source=lib/cross.sh
. "$repo/scripts/lib/cross.sh"

rm -rf "$work"
mkdir -p "$work" "$build_dir"

# Each part's wall time and the CPU time (user + sys) of the commands it ran (bash's `times`,
# children's line): on a shared machine the CPU figure says what an uncontended run takes.
parts=()
part_start=$SECONDS
part_cpu=0
# `times` runs in this shell (in a $(...) subshell it would report the subshell's children).
cpu_seconds() {
  awk 'NR == 2 { t = 0; for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%.0f", t }' "$work/times.txt"
}
part_name=""
part() {  # part NAME [DESCRIPTION]: ends the running part (if any), starts NAME ("" to end only)
  local now cpu
  now=$SECONDS
  times >"$work/times.txt"
  cpu=$(cpu_seconds)
  if [ -n "$part_name" ]; then
    parts+=("$(printf '%-40s %5s s %6s s' "$part_name" "$((now - part_start))" "$((cpu - part_cpu))")")
    printf 'time: %s: %s s wall, %s s CPU\n' "$part_name" "$((now - part_start))" "$((cpu - part_cpu))"
  fi
  part_name=$1 part_start=$now part_cpu=$cpu
  [ -z "$1" ] || say "$1${2:+: $2}"
}
total_start=$SECONDS

part tools "rustup targets, Debian packages, the zig venv, the emulator"
bash scripts/ensure-rust.sh
# shellcheck source=/dev/null
command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
for t in "$arm" "$win"; do
  cross_rust_target "$t" || die "rustup target add $t failed"
done
cross_debs llvm-objdump=llvm file=file zip=zip unzip=unzip x86_64-w64-mingw32-gcc=gcc-mingw-w64-x86-64
cross_tools_venv "$venv"
export PATH="$venv/bin:$PATH"
emulator="${HYPERCHECKOUT_EMULATOR:-${CARGO_TARGET_DIR:-$repo/target}/debug/hypercheckout-emulator}"
[ -x "$emulator" ] || "${nice_cmd[@]}" cargo build --locked -p hypercheckout-emulator || die "the emulator did not build"
[ -x "$emulator" ] || die "no emulator at $emulator"
export HYPERCHECKOUT_EMULATOR="$emulator"

# The dev profile (Cargo.toml: opt-level 0, 256 codegen units, line tables for the core only):
# measured cold here it builds the two libraries in about a third of the time of the lean
# release profile test-release.sh uses for its test programs (docs/releasing.md). The code,
# the exported C ABI and the packaging are the shipped ones; the optimiser is not.
build() {  # build LOG COMMAND...: one cross build, its log in $work
  local log="$work/$1.log"
  shift
  env CARGO_TARGET_DIR="$build_dir" "${nice_cmd[@]}" "$@" >"$log" 2>&1 \
    || die "$* failed: $(grep -m1 -E '^error' "$log") ($log)"
  grep -o 'Finished .*' "$log" | tail -n1
}

part "build aarch64 library" "the core for $arm.2.17 (cargo-zigbuild, dev profile)"
build build-arm cargo-zigbuild zigbuild --locked -p hypercheckout --lib --target "$arm.2.17"
arm_lib="$build_dir/$arm/debug/libhypercheckout.so"
[[ "$(file -b "$arm_lib")" == "ELF 64-bit LSB shared object, ARM aarch64"* ]] || die "$arm_lib is $(file -b "$arm_lib")"

part "build Windows DLL" "the core for $win (cargo + MinGW-w64, dev profile)"
# Plain cargo: x86_64-w64-mingw32-gcc is rustc's default linker for windows-gnu and cc's
# compiler for AWS-LC's and ring's C (release.sh's zb explains why not zig).
build build-win cargo build --locked -p hypercheckout --lib --target "$win"
win_dll="$build_dir/$win/debug/hypercheckout.dll"
[[ "$(file -b "$win_dll")" == "PE32+ executable (DLL)"*x86-64* ]] || die "$win_dll is $(file -b "$win_dll")"

part "build Windows example" "the Rust example for $win (create_session.exe)"
# A separate cargo run from the library's: an example also enables the dev-dependencies'
# features (ring for rustls, the emulator), which would otherwise change the library built.
build build-win-exe cargo build --locked -p hypercheckout --example create_session --target "$win"
win_exe="$build_dir/$win/debug/examples/create_session.exe"
[ -f "$win_exe" ] || die "no $win_exe"

part "pack wheel" "bindings and the C header, the aarch64 wheel"
gen="$work/gen"
uniffi_generate "$arm_lib" python "$gen/python"
uniffi_generate "$arm_lib" swift "$gen/swift"
(cd bindings/python && maturin sdist --out "$work/sdist") >"$work/sdist.log" 2>&1 || die "maturin sdist failed: $work/sdist.log"
pkg_info "$work/sdist/hypercheckout-$version.tar.gz" "$work/PKG-INFO"
strip_lib "$arm_lib" "$work/lib/$arm/libhypercheckout.so"
strip_lib "$win_dll" "$work/lib/$win/hypercheckout.dll"
tag=manylinux_2_17_aarch64.manylinux2014_aarch64
python3 scripts/release_wheel.py --tag "py3-none-$tag" --lib "$work/lib/$arm/libhypercheckout.so" --generated "$gen/python" \
  --source bindings/python/python/hypercheckout --pkg-info "$work/PKG-INFO" --out "$work/dist" >/dev/null \
  || die "release_wheel.py failed"
awhl="$work/dist/hypercheckout-$version-py3-none-$tag.whl"
[ -f "$awhl" ] || die "no $awhl"
abi_list "$gen/swift/HyperCheckoutFFI.h"
ok "$(basename "$awhl"): $(du -k "$awhl" | cut -f1) KiB (dev profile; the 4 MB budget is release.sh's); the C header declares $(wc -l <"$work/abi.txt") uniffi functions"

part "inspect wheel" "the aarch64 wheel's glibc floor and auditwheel show"
ok "$tag: highest glibc symbol version $(glibc_floor "$work/lib/$arm/libhypercheckout.so")"
said=$(auditwheel_tag "$awhl")
[ "$said" = "${tag%%.*}" ] || die "auditwheel show says '$said' for $tag"
ok "auditwheel show says $said"

part "arm64 root" "the arm64 Debian root for qemu-user (cached: $arm64_root)"
arm64_root_ensure
ok "arm64 CPython 3.11 and JDK 17 in $arm64_root"

start_emulator "$work" "$emulator"

part "wheel on arm64 CPython (qemu)" "the aarch64 wheel in an arm64 CPython 3.11 under qemu-user"
arm64_wheel_run "$awhl" "$("$venv/bin/python" -c 'import pip, os; print(os.path.dirname(os.path.dirname(pip.__file__)))')" "$version"
ok "aarch64 manylinux wheel: pip accepted its tag on arm64, conformance vectors and a real session against the emulator"

part "jar on arm64 JDK (qemu)" "the jar with linux-aarch64 on an arm64 JDK 17 under qemu-user"
kjar="bindings/kotlin/target/hypercheckout-$version.jar"
classes=examples/kotlin/target/classes
for f in "$kjar" "$classes/dev/hypercheckout/example/JavaMain.class" examples/kotlin/target/classpath.txt; do
  [ -f "$f" ] || die "no $f: run scripts/test-kotlin.sh first (the test command's Kotlin step, which builds the jar and examples/kotlin)"
done
jar="$work/hypercheckout-$version.jar"
cp "$kjar" "$jar"
mkdir -p "$work/jarlibs/linux-aarch64"
cp "$work/lib/$arm/libhypercheckout.so" "$work/jarlibs/linux-aarch64/"
(cd "$work/jarlibs" && zip -q -X -r "$jar" .)
# (The listing first: with pipefail, grep -q closing the pipe early failed unzip with SIGPIPE.)
listing=$(unzip -l "$jar")
grep -q ' linux-aarch64/libhypercheckout.so$' <<<"$listing" || die "$jar lacks linux-aarch64/libhypercheckout.so"
# The example's dependencies (JNA, Kotlin, coroutines) without the binding jar it was built
# against: this jar replaces it.
deps=$(tr ':' '\n' <examples/kotlin/target/classpath.txt | grep -v '/hypercheckout-[^/]*\.jar$' | paste -sd:)
arm64_java_run "$jar:$deps:$repo/$classes"
ok "the jar (test-kotlin's classes + linux-aarch64) runs the Java example on an arm64 JDK 17 under qemu-user"

part "Windows DLL and example (wine)" "the DLL's exports, loaded and called under wine, the Rust example's session"
check_exports "$work/lib/$win/hypercheckout.dll" "hypercheckout.dll (stripped)"
wine_setup "$build_dir/wineprefix"
wine_probe "$work/lib/$win/hypercheckout.dll" "$version"
ok "hypercheckout.dll: loaded and called under wine ($("$wine" --version 2>/dev/null))"
wine_session "$win_exe"
ok "create_session.exe created a real session under wine against the native emulator on loopback"
stop_emulator

part ""
echo
echo "================ test-cross: times ================"
printf '%-40s %7s %8s\n' part wall CPU
printf '%s\n' "${parts[@]}"
times >"$work/times.txt"
printf '%-40s %5s s %6s s\n' total "$((SECONDS - total_start))" "$(cpu_seconds)"
say "test-cross: all checks passed"
