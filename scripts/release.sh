#!/usr/bin/env bash
# Release artifacts for every mainstream platform, cross-built from one Linux x86_64 machine
# (issue 16). Output in dist/ (gitignored): Python wheels and the sdist, one all-platform jar
# (+ sources, javadoc, a Maven Central pom), the Swift XCFramework / static libraries,
# SHA256SUMS and a CycloneDX SBOM, and dist/SUMMARY.txt (what was built, sizes, timings, and
# what could NOT be built and why). docs/releasing.md explains every step.
#
# Usage: scripts/release.sh [stage...]   stages: tools libs sbom wheels jar swift sums (default: all)
# Each Rust target is built ONCE (cargo zigbuild, release, unstripped so uniffi-bindgen can read
# the metadata symbols) and that one library goes into the wheel, the jar and the XCFramework;
# the copies shipped are stripped afterwards. A target that fails to build is reported as NOT
# BUILT in the summary and the script exits 1 at the end (after building everything else).
#
# Env: RELEASE_TARGETS   space-separated subset of the targets below (default: all)
#      RELEASE_TOOLS     where the tool venv lives (default: target/release-tools)
#      RELEASE_TARGET_DIR  cargo target dir for the cross builds (default: target/release-build)
#      NICE              prefix for the heavy commands (default: "nice -n 10")
# Not called by scripts/test.sh (the full matrix takes ~40 minutes on 2 cores);
# scripts/test-release.sh verifies what it produced.
set -euo pipefail
# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# shellcheck source=lib/cross.sh
. "$repo/scripts/lib/cross.sh"
dist="$repo/dist"
tools=${RELEASE_TOOLS:-$repo/target/release-tools}
venv="$tools/venv"
build_dir=${RELEASE_TARGET_DIR:-$repo/target/release-build}
stage_dir="$build_dir/stage"
# shellcheck disable=SC2206
nice_cmd=(${NICE-nice -n 10})
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

# Rust target -> (short name). The glibc suffix pins manylinux2014's floor (cargo-zigbuild).
all_targets=(
  x86_64-unknown-linux-gnu.2.17
  aarch64-unknown-linux-gnu.2.17
  x86_64-unknown-linux-musl
  aarch64-unknown-linux-musl
  x86_64-pc-windows-gnu
  aarch64-apple-darwin
  x86_64-apple-darwin
  aarch64-apple-ios
  aarch64-apple-ios-sim
  x86_64-apple-ios
)
# shellcheck disable=SC2206
targets=(${RELEASE_TARGETS:-${all_targets[@]}})

say() { printf '\n=== %s\n' "$*"; }
die() { printf '!!! release: %s\n' "$*" >&2; exit 1; }
summary="$build_dir/summary.txt"
note() { printf '%s\n' "$*" | tee -a "$summary"; }
failed=0

# --- tools -----------------------------------------------------------------------------------
# zig (the cross linker and C compiler, from the ziglang wheel), cargo-zigbuild (cargo with zig
# as linker), maturin (the sdist), auditwheel (checks the Linux wheels' tags); pinned in
# scripts/release-requirements.txt, in a venv under target/ (never the system Python).
stage_tools() {
  say "tools: rustup targets, venv $venv (ziglang, cargo-zigbuild, maturin, auditwheel)"
  [ -f scripts/ensure-rust.sh ] && bash scripts/ensure-rust.sh
  command -v cargo >/dev/null 2>&1 || { [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"; }
  command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup)"
  local t
  for t in "${targets[@]}"; do
    # A target rustup cannot download (its dist server lacks it) is reported, not fatal.
    cross_rust_target "$t" || note "NOT BUILT ${t%.2.17}: \`rustup target add ${t%.2.17}\` failed (rust-std not downloadable here)"
  done
  cross_tools_venv "$venv"
  # file, llvm (llvm-lipo, llvm-objdump, llvm-strip), unzip, zip, and for Windows MinGW-w64's
  # gcc (the linker, see zb): Debian packages.
  local debs=(file=file llvm-objdump=llvm unzip=unzip zip=zip)
  [[ " ${targets[*]} " == *-windows-gnu* ]] && debs+=(x86_64-w64-mingw32-gcc=gcc-mingw-w64-x86-64)
  cross_debs "${debs[@]}"
}

tool_path() { export PATH="$venv/bin:$tools/bin:$PATH"; }

lib_dir() { echo "$build_dir/${1%.2.17}/release"; }

# cargo-zigbuild with the release environment: unstripped (uniffi-bindgen reads the metadata
# symbols), Apple deployment floors. macOS 11.0: zig (0.17) gives C code (ring, AWS-LC) its
# bundled Darwin libc headers only for macOS >= 11 (with 10.15, "TargetConditionals.h not found"). Usage: zb TARGET [VAR=VALUE...] -- cargo-zigbuild-args...
zb() {
  local t=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  local cargo=(cargo-zigbuild)
  # Windows is linked by Debian's MinGW-w64 instead (plain cargo: x86_64-w64-mingw32-gcc is
  # rustc's default linker for windows-gnu, and cc compiles AWS-LC's and ring's C with it):
  # zig's linker drops the export list rustc passes for a Windows cdylib (a .def file;
  # rust-cross/cargo-zigbuild#251). Measured here: the zig-linked DLL exported none of the
  # uniffi functions, only AWS-LC's 9 dllexport-marked jitter-entropy symbols, so no binding
  # could have called it.
  if [[ "$t" == *-windows-gnu ]] && [ "$1" = zigbuild ]; then
    shift
    cargo=(cargo build)
  fi
  env "${envs[@]}" CARGO_TARGET_DIR="$build_dir" CARGO_PROFILE_RELEASE_STRIP=false \
    MACOSX_DEPLOYMENT_TARGET=11.0 IPHONEOS_DEPLOYMENT_TARGET=13.0 \
    "${nice_cmd[@]}" "${cargo[@]}" "$@"
}
# A macOS dylib links Apple frameworks (Security, CoreFoundation, SystemConfiguration through
# rustls-native-certs and reqwest's proxy lookup), which zig does not ship: without an Apple
# SDK the cdylib cannot link. The static library needs no linking: build that alone, so the
# XCFramework gets its macOS slice even when the wheel and jar cannot get a dylib.
apple_static_fallback() {
  local t=$1
  note "NOT BUILT $t dylib: $(grep -m1 -E 'error: |unable to find framework|undefined symbol' "$build_dir/build-$t.log" | cut -c1-220)"
  cp "$build_dir/build-$t.log" "$build_dir/build-$t-dylib.log"
  zb "$t" -- rustc --locked --release -p hypercheckout --lib --crate-type staticlib --target "$t" >"$build_dir/build-$t.log" 2>&1
}

# --- libs ------------------------------------------------------------------------------------
stage_libs() {
  tool_path
  local t start end dir
  for t in "${targets[@]}"; do
    rustup target list --installed | grep -qx "${t%.2.17}" || continue
    say "libs: $t"
    start=$(date +%s)
    # zig bundles Darwin's libc headers for macOS only: ring's and AWS-LC's C code cannot be
    # compiled for iOS without Apple's iOS SDK (Xcode; cargo-zigbuild uses it through SDKROOT).
    if [[ "$t" == *-apple-ios* ]] && [ -z "${SDKROOT:-}" ]; then
      note "NOT BUILT $t: zig has no iOS SDK headers (ring and AWS-LC compile C for the target); needs Xcode's iOS SDK via SDKROOT, or a macOS runner (scripts/build-xcframework.sh)"
      failed=1
      continue
    fi
    local envs=()
    case "$t" in
      # Python's musl builds load shared objects: link musl dynamically (rustc's musl default
      # is a static CRT, which would put a second libc into the process). maturin does the same.
      *-musl) envs=("CARGO_TARGET_$(tr 'a-z-' 'A-Z_' <<<"$t")_RUSTFLAGS=-C target-feature=-crt-static") ;;
      # The Windows wheel was over the 4 MB budget (4268 KiB, stripped DLL 9.3 MB) at opt-level 3:
      # optimise for size there only (Rust and, through cc's OPT_LEVEL, AWS-LC's and ring's C).
      # The panic strategy stays unwind: uniffi catches panics at the FFI boundary.
      *-windows-*) envs=(CARGO_PROFILE_RELEASE_OPT_LEVEL=s) ;;
    esac
    # iOS needs only the static library (an XCFramework slice); everything else the cdylib too.
    local cmd=(zigbuild --locked --release -p hypercheckout --lib --target "$t")
    case "$t" in *-apple-ios*) cmd=(rustc --locked --release -p hypercheckout --lib --crate-type staticlib --target "$t") ;; esac
    if zb "$t" "${envs[@]}" -- "${cmd[@]}" >"$build_dir/build-$t.log" 2>&1 \
      || { [[ "$t" == *-apple-darwin ]] && apple_static_fallback "$t"; }; then
      end=$(date +%s)
      note "built $t in $((end - start)) s ($(grep -o 'Finished .*' "$build_dir/build-$t.log" | tail -n1))"
    else
      end=$(date +%s)
      note "NOT BUILT $t after $((end - start)) s: $(grep -m1 -E '^error|error:' "$build_dir/build-$t.log" | cut -c1-200) (log: ${build_dir#"$repo"/}/build-$t.log)"
      failed=1
    fi
    dir=$(lib_dir "$t")
    ls -l "$dir"/libhypercheckout.* "$dir"/hypercheckout.dll 2>/dev/null || true
  done
}

# Target -> wheel platform tag(s), JNA resource prefix, library file name.
wheel_tag() {
  case "$1" in
    x86_64-unknown-linux-gnu*) echo manylinux_2_17_x86_64.manylinux2014_x86_64 ;;
    aarch64-unknown-linux-gnu*) echo manylinux_2_17_aarch64.manylinux2014_aarch64 ;;
    x86_64-unknown-linux-musl) echo musllinux_1_2_x86_64 ;;
    aarch64-unknown-linux-musl) echo musllinux_1_2_aarch64 ;;
    x86_64-pc-windows-gnu) echo win_amd64 ;;
    aarch64-apple-darwin) echo macosx_11_0_arm64 ;;
    x86_64-apple-darwin) echo macosx_11_0_x86_64 ;;
    *) echo "" ;;
  esac
}
jna_prefix() {
  case "$1" in
    x86_64-unknown-linux-gnu*) echo linux-x86-64 ;;
    aarch64-unknown-linux-gnu*) echo linux-aarch64 ;;
    x86_64-pc-windows-gnu) echo win32-x86-64 ;;
    aarch64-apple-darwin) echo darwin-aarch64 ;;
    x86_64-apple-darwin) echo darwin-x86-64 ;;
    *) echo "" ;;
  esac
}
lib_name() {
  case "$1" in
    *-windows-*) echo hypercheckout.dll ;;
    *-apple-*) echo libhypercheckout.dylib ;;
    *) echo libhypercheckout.so ;;
  esac
}
# The shipped copy (strip_lib: without debug info and local symbols, the exports stay).
stripped_lib() {
  local t=$1 src out
  src="$(lib_dir "$t")/$(lib_name "$t")"
  [ -f "$src" ] || return 1
  out="$stage_dir/lib/${t%.2.17}/$(lib_name "$t")"
  if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
    strip_lib "$src" "$out"
  fi
  echo "$out"
}
# uniffi-bindgen reads the metadata from the UNSTRIPPED host library (any target's works; the
# generated code does not depend on the platform).
generate() {
  local lang=$1 out="$stage_dir/gen-$1" lib
  lib="$(lib_dir x86_64-unknown-linux-gnu)/libhypercheckout.so"
  [ -f "$lib" ] || die "the x86_64 Linux library is needed to generate the bindings: build it first"
  uniffi_generate "$lib" "$lang" "$out"
  echo "$out"
}

# --- wheels ----------------------------------------------------------------------------------
stage_wheels() {
  tool_path
  say "wheels: sdist (maturin sdist) and one wheel per built target"
  mkdir -p "$dist"
  rm -f "$dist"/hypercheckout-*.whl "$dist/hypercheckout-$version.tar.gz"
  (cd bindings/python && maturin sdist --out "$dist") >"$build_dir/sdist.log" 2>&1 || die "maturin sdist failed: $build_dir/sdist.log"
  local sdist="$dist/hypercheckout-$version.tar.gz"
  [ -f "$sdist" ] || die "no $sdist"
  mkdir -p "$stage_dir"
  pkg_info "$sdist" "$stage_dir/PKG-INFO"
  local gen t tag lib sbom=()
  gen=$(generate python)
  [ -f "$dist/hypercheckout.cdx.json" ] && sbom=(--sbom "$dist/hypercheckout.cdx.json")
  for t in "${targets[@]}"; do
    tag=$(wheel_tag "$t")
    [ -n "$tag" ] || continue
    if ! lib=$(stripped_lib "$t"); then
      note "NOT BUILT wheel py3-none-$tag: no library for $t"
      continue
    fi
    python3 scripts/release_wheel.py --tag "py3-none-$tag" --lib "$lib" --generated "$gen" \
      --source bindings/python/python/hypercheckout --pkg-info "$stage_dir/PKG-INFO" "${sbom[@]}" --out "$dist" >/dev/null
    note "wheel $(basename "$dist/hypercheckout-$version-py3-none-$tag.whl") $(du -k "$dist/hypercheckout-$version-py3-none-$tag.whl" | cut -f1) KiB"
  done
}

# --- jar -------------------------------------------------------------------------------------
# mvn builds the classes, the sources and the Dokka javadoc jar from the x86_64 Linux library
# (tests neither compiled nor run: scripts/test-kotlin.sh runs them); the other platforms' libraries are then added
# at JNA's resource paths. The pom shipped is a flattened one with Maven Central's required
# elements (release-pom.xml.in); bindings/kotlin/pom.xml stays the build file.
stage_jar() {
  tool_path
  say "jar: mvn package (bindings/kotlin), then every platform's library at its JNA prefix"
  local host_lib mvn_target t prefix lib
  host_lib=$(stripped_lib x86_64-unknown-linux-gnu.2.17) || die "no x86_64 Linux library"
  mvn_target="$stage_dir/mvn-cargo/release"
  mkdir -p "$mvn_target"
  # The pom reads ${cargo.target.dir}/release/libhypercheckout.so for both generation and the
  # jar; the unstripped one is given (uniffi-bindgen needs its metadata); the jar's copy is
  # replaced by the stripped one below.
  cp -p "$(lib_dir x86_64-unknown-linux-gnu)/libhypercheckout.so" "$mvn_target/"
  # Reused when newer than the library and every Kotlin source (mvn takes minutes).
  local k=bindings/kotlin/target/hypercheckout-$version
  if [ -f "$k-javadoc.jar" ] && [ -f "$k-sources.jar" ] && [ "$k.jar" -nt "$mvn_target/libhypercheckout.so" ] \
    && [ -z "$(find bindings/kotlin/src/main bindings/kotlin/pom.xml uniffi.toml -newer "$k.jar" -print -quit)" ]; then
    echo "jar: reusing $k*.jar (newer than the library and the sources)"
  else
    "${nice_cmd[@]}" mvn -B -ntp -q -Dstyle.color=never -f bindings/kotlin/pom.xml -DskipTests -Dmaven.test.skip=true \
      -Dhypercheckout.skipCargo=true -Dcargo.target.dir="$stage_dir/mvn-cargo" \
      package >"$build_dir/mvn.log" 2>&1 || die "mvn package failed: $build_dir/mvn.log"
  fi
  local out=bindings/kotlin/target
  local jar="$dist/hypercheckout-$version.jar"
  cp "$out/hypercheckout-$version.jar" "$jar"
  cp "$out/hypercheckout-$version-sources.jar" "$dist/"
  cp "$out/hypercheckout-$version-javadoc.jar" "$dist/"
  rm -rf "$stage_dir/jarlibs"
  for t in "${targets[@]}"; do
    prefix=$(jna_prefix "$t")
    [ -n "$prefix" ] || continue
    if ! lib=$(stripped_lib "$t"); then
      note "NOT IN JAR $prefix: no library for $t"
      continue
    fi
    mkdir -p "$stage_dir/jarlibs/$prefix"
    cp "$lib" "$stage_dir/jarlibs/$prefix/"
  done
  (cd "$stage_dir/jarlibs" && zip -q -X -r "$jar" .)
  sed -e "s/@VERSION@/$version/g" \
    -e "s/@JNA@/$(sed -n 's:.*<jna.version>\(.*\)</jna.version>.*:\1:p' bindings/kotlin/pom.xml)/" \
    -e "s/@COROUTINES@/$(sed -n 's:.*<coroutines.version>\(.*\)</coroutines.version>.*:\1:p' bindings/kotlin/pom.xml)/" \
    -e "s/@KOTLIN@/$(sed -n 's:.*<kotlin.version>\(.*\)</kotlin.version>.*:\1:p' bindings/kotlin/pom.xml)/" \
    scripts/release-pom.xml.in >"$dist/hypercheckout-$version.pom"
  note "jar $(basename "$jar") $(du -k "$jar" | cut -f1) KiB: $(cd "$stage_dir/jarlibs" && find . -type f | sed 's:^\./::' | sort | tr '\n' ' ')"
}

# The manifest for Apple users of a release: a binaryTarget on the XCFramework zip (SwiftPM
# checks it against this SHA-256, what `swift package compute-checksum` prints). The URL is the
# release asset's; RELEASE_DOWNLOAD_URL sets its base (the default is a placeholder).
write_binary_manifest() {
  local sum base=${RELEASE_DOWNLOAD_URL:-https://github.com/hypercheckout/hypercheckout/releases/download/v$version}
  sum=$(sha256sum "$dist/HyperCheckoutFFI.xcframework.zip" | cut -d' ' -f1)
  cat >"$dist/Package.swift.binary" <<SWIFT
// swift-tools-version:5.9
// Release manifest for Apple platforms (scripts/release.sh): the Rust core as a prebuilt
// XCFramework, the generated Swift API and the thin layer from the repository's sources.
import PackageDescription

let package = Package(
    name: "HyperCheckout",
    platforms: [.macOS(.v11), .iOS(.v13)],
    products: [.library(name: "HyperCheckout", targets: ["HyperCheckout"])],
    targets: [
        .binaryTarget(
            name: "HyperCheckoutFFI",
            url: "$base/HyperCheckoutFFI.xcframework.zip",
            checksum: "$sum"
        ),
        .target(
            name: "HyperCheckoutExitHook",
            path: "bindings/swift/Sources/HyperCheckoutExitHook",
            cSettings: [.headerSearchPath("../HyperCheckoutFFI")]
        ),
        .target(
            name: "HyperCheckout",
            dependencies: ["HyperCheckoutFFI", "HyperCheckoutExitHook"],
            path: "bindings/swift/Sources/HyperCheckout"
        ),
    ]
)
SWIFT
}

# --- swift -----------------------------------------------------------------------------------
# An XCFramework is a directory and an Info.plist: assembled here without Xcode from the
# static libraries (one per platform variant; llvm-lipo merges architectures), the uniffi C
# header and module map. Plus the Linux static libraries and the generated Swift source.
stage_swift() {
  tool_path
  say "swift: HyperCheckoutFFI.xcframework (without Xcode), Linux static libraries"
  local gen x="$stage_dir/HyperCheckoutFFI.xcframework" t libs=() plist_libs=""
  gen=$(generate swift)
  rm -rf "$x" "$stage_dir/swift"
  mkdir -p "$x" "$stage_dir/swift"
  add_variant() {  # id platform variant(or "") archs... -- libs...
    local id=$1 platform=$2 variant=$3; shift 3
    local archs=() files=()
    while [ "$1" != -- ]; do archs+=("$1"); shift; done; shift
    files=("$@")
    mkdir -p "$x/$id/Headers"
    cp "$gen/HyperCheckoutFFI.h" "$x/$id/Headers/"
    cp "$gen/HyperCheckoutFFI.modulemap" "$x/$id/Headers/module.modulemap"
    if [ "${#files[@]}" -gt 1 ]; then
      llvm-lipo -create "${files[@]}" -output "$x/$id/libhypercheckout.a"
    else
      cp "${files[0]}" "$x/$id/libhypercheckout.a"
    fi
    llvm-strip --strip-debug "$x/$id/libhypercheckout.a"
    local a variant_xml=""
    [ -n "$variant" ] && variant_xml="
			<key>SupportedPlatformVariant</key>
			<string>$variant</string>"
    plist_libs+="
		<dict>
			<key>HeadersPath</key>
			<string>Headers</string>
			<key>LibraryIdentifier</key>
			<string>$id</string>
			<key>LibraryPath</key>
			<string>libhypercheckout.a</string>
			<key>SupportedArchitectures</key>
			<array>$(for a in "${archs[@]}"; do printf '\n\t\t\t\t<string>%s</string>' "$a"; done)
			</array>
			<key>SupportedPlatform</key>
			<string>$platform</string>$variant_xml
		</dict>"
    note "xcframework slice $id (${archs[*]})"
  }
  have() { [ -f "$(lib_dir "$1")/libhypercheckout.a" ]; }
  a_of() { echo "$(lib_dir "$1")/libhypercheckout.a"; }
  if have aarch64-apple-ios; then
    add_variant ios-arm64 ios "" arm64 -- "$(a_of aarch64-apple-ios)"
  else
    note "NOT IN XCFRAMEWORK ios-arm64: aarch64-apple-ios did not build"
  fi
  local sim_archs=() sim_libs=()
  have aarch64-apple-ios-sim && { sim_archs+=(arm64); sim_libs+=("$(a_of aarch64-apple-ios-sim)"); }
  have x86_64-apple-ios && { sim_archs+=(x86_64); sim_libs+=("$(a_of x86_64-apple-ios)"); }
  if [ "${#sim_libs[@]}" -gt 0 ]; then
    local sid="ios-$(IFS=_; echo "${sim_archs[*]}")-simulator"
    add_variant "$sid" ios simulator "${sim_archs[@]}" -- "${sim_libs[@]}"
  else
    note "NOT IN XCFRAMEWORK ios simulator: neither aarch64-apple-ios-sim nor x86_64-apple-ios built (rustup could not download their rust-std here)"
  fi
  local mac_archs=() mac_libs=()
  have aarch64-apple-darwin && { mac_archs+=(arm64); mac_libs+=("$(a_of aarch64-apple-darwin)"); }
  have x86_64-apple-darwin && { mac_archs+=(x86_64); mac_libs+=("$(a_of x86_64-apple-darwin)"); }
  if [ "${#mac_libs[@]}" -gt 0 ]; then
    add_variant "macos-$(IFS=_; echo "${mac_archs[*]}")" macos "" "${mac_archs[@]}" -- "${mac_libs[@]}"
  else
    note "NOT IN XCFRAMEWORK macos: no macOS static library built"
  fi
  mkdir -p "$dist"
  rm -f "$dist/HyperCheckoutFFI.xcframework.zip" "$dist/Package.swift.binary"
  if [ -z "$plist_libs" ]; then
    note "NOT BUILT HyperCheckoutFFI.xcframework: no Apple static library was built"
  else
  cat >"$x/Info.plist" <<PLIST
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>AvailableLibraries</key>
	<array>$plist_libs
	</array>
	<key>CFBundlePackageType</key>
	<string>XFWK</string>
	<key>XCFrameworkFormatVersion</key>
	<string>1.0</string>
</dict>
</plist>
PLIST
    (cd "$stage_dir" && zip -q -X -r "$dist/HyperCheckoutFFI.xcframework.zip" HyperCheckoutFFI.xcframework)
    write_binary_manifest
    note "swift $(du -k "$dist/HyperCheckoutFFI.xcframework.zip" | cut -f1) KiB HyperCheckoutFFI.xcframework.zip"
  fi
  # The Swift sources and the Linux static libraries (SwiftPM on Linux links -lhypercheckout).
  cp "$gen/HyperCheckout.swift" "$stage_dir/swift/"
  for t in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
    have "$t" || continue
    mkdir -p "$stage_dir/swift/lib/${t%%-*}-linux"
    cp "$(a_of "$t")" "$stage_dir/swift/lib/${t%%-*}-linux/"
    llvm-strip --strip-debug "$stage_dir/swift/lib/${t%%-*}-linux/libhypercheckout.a"
  done
  rm -f "$dist/hypercheckout-swift-$version.tar.gz"
  tar -C "$stage_dir/swift" -czf "$dist/hypercheckout-swift-$version.tar.gz" .
  note "swift $(du -k "$dist/hypercheckout-swift-$version.tar.gz" | cut -f1) KiB hypercheckout-swift-$version.tar.gz (Linux static libraries + HyperCheckout.swift)"
}

# --- sums ------------------------------------------------------------------------------------
stage_sbom() {
  say "SBOM (CycloneDX 1.5, scripts/release_sbom.py)"
  mkdir -p "$dist"
  python3 scripts/release_sbom.py "$dist/hypercheckout.cdx.json" | tee -a "$summary"
}

stage_sums() {
  say "SHA256SUMS"
  (cd "$dist" && rm -f SHA256SUMS && find . -maxdepth 1 -type f ! -name SHA256SUMS ! -name SUMMARY.txt -printf '%f\n' \
    | sort | xargs sha256sum >SHA256SUMS)
  note "SHA256SUMS: $(wc -l <"$dist/SHA256SUMS") files"
  cp "$summary" "$dist/SUMMARY.txt"
}

main() {
  mkdir -p "$build_dir"
  local stages=("$@")
  if [ "${#stages[@]}" -eq 0 ]; then
    stages=(tools libs sbom wheels jar swift sums)
    : >"$summary"
  fi
  local s
  for s in "${stages[@]}"; do
    "stage_$s"
  done
  exit "$failed"
}

main "$@"
