#!/usr/bin/env bash
# Swift binding (issue 5), native side: builds the Rust library in release mode, generates the
# uniffi Swift bindings (library mode, root uniffi.toml) and lays them out in the SwiftPM
# package bindings/swift. Everything it writes is gitignored (bindings/swift/.gitignore):
#
#   bindings/swift/Sources/HyperCheckout/Generated/HyperCheckout.swift   uniffi Swift API
#   bindings/swift/Sources/HyperCheckoutFFI/HyperCheckoutFFI.h           uniffi C header
#   bindings/swift/Sources/HyperCheckoutFFI/module.modulemap             module HyperCheckoutFFI
#   bindings/swift/lib/libhypercheckout.a                                the Rust staticlib
#
# Linking choice: STATIC. The Rust staticlib is linked into every Swift binary that uses the
# package (no rpath, no .so to ship next to the app; the same choice an XCFramework makes).
# lib/ holds only the .a, so `ld` cannot pick a .so instead.
#
# Idempotent; runs on the host (needs cargo, not swift). Exits non-zero on any failure.
# Env: CARGO_FLAGS  extra flags for the cargo commands (e.g. --locked, the default)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
pkg="$repo/bindings/swift"
gen_swift="$pkg/Sources/HyperCheckout/Generated"
gen_ffi="$pkg/Sources/HyperCheckoutFFI"
libdir="$pkg/lib"
cargo_flags=${CARGO_FLAGS---locked}

say() { printf -- '--- build-swift: %s\n' "$*"; }
die() { printf '!!! build-swift: %s\n' "$*" >&2; exit 1; }

if ! command -v cargo >/dev/null 2>&1; then
  [ -f "$HOME/.cargo/env" ] && . "$HOME/.cargo/env"
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust (rustup)"

start=$SECONDS
say "cargo build --release -p hypercheckout"
# shellcheck disable=SC2086
cargo build $cargo_flags --release -p hypercheckout
so="$repo/target/release/libhypercheckout.so"
[ "$(uname -s)" = Darwin ] && so="$repo/target/release/libhypercheckout.dylib"
a="$repo/target/release/libhypercheckout.a"
[ -f "$so" ] || die "$so was not built"
[ -f "$a" ] || die "$a was not built (core/Cargo.toml crate-type must include staticlib)"

say "uniffi-bindgen generate --library $(basename "$so") --language swift"
tmp=$(mktemp -d "$repo/target/swift-gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
cargo run $cargo_flags --quiet --release -p uniffi-bindgen -- generate \
  --library "$so" --language swift --config "$repo/uniffi.toml" --out-dir "$tmp" 2>"$tmp/bindgen.err" \
  || { cat "$tmp/bindgen.err" >&2; die "uniffi-bindgen failed"; }
# The only expected warning is the missing swift-format (formatting is cosmetic).
grep -v 'swift-format' "$tmp/bindgen.err" >&2 || true
for f in HyperCheckout.swift HyperCheckoutFFI.h HyperCheckoutFFI.modulemap; do
  [ -s "$tmp/$f" ] || die "uniffi-bindgen did not write $f (check uniffi.toml [crates.hypercheckout.bindings.swift])"
done

# uniffi copies Rust doc comments into /** ... */ blocks, and Swift nests block comments: a
# `/*` in a doc comment comments out the rest of the generated file, and swiftc then reports
# missing types far away. Name the Rust line instead (docs/STYLE: never `/*` in a doc comment).
if bad=$(grep -rnE '^\s*///.*/\*' "$repo/core/src" 2>/dev/null) && [ -n "$bad" ]; then
  die "a Rust doc comment contains '/*', which breaks the generated Swift (and Kotlin): $bad"
fi

mkdir -p "$gen_swift" "$gen_ffi" "$libdir"
install -m 0644 "$tmp/HyperCheckout.swift" "$gen_swift/HyperCheckout.swift"
install -m 0644 "$tmp/HyperCheckoutFFI.h" "$gen_ffi/HyperCheckoutFFI.h"
# SwiftPM wants the module map of a system-library target named module.modulemap. The generated
# one is kept as is, plus `link "hypercheckout"`, so anything importing the FFI module autolinks
# the Rust library (the -L directory comes from Package.swift).
grep -q '^module HyperCheckoutFFI' "$tmp/HyperCheckoutFFI.modulemap" \
  || die "unexpected module map: $(cat "$tmp/HyperCheckoutFFI.modulemap")"
sed 's/^\(\s*\)export \*/\1link "hypercheckout"\n\1export */' "$tmp/HyperCheckoutFFI.modulemap" \
  >"$gen_ffi/module.modulemap"
grep -q 'link "hypercheckout"' "$gen_ffi/module.modulemap" || die "could not add the link directive"

# Static library alone in its directory (a .so next to it would win at link time).
rm -f "$libdir"/libhypercheckout.*
install -m 0644 "$a" "$libdir/libhypercheckout.a"

say "sdk files ready in $((SECONDS - start))s:"
ls -l "$gen_swift/HyperCheckout.swift" "$gen_ffi/HyperCheckoutFFI.h" "$gen_ffi/module.modulemap" "$libdir/libhypercheckout.a" \
  | sed 's/^/    /'
