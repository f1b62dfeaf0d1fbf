#!/usr/bin/env bash
# Apple platforms: builds HyperCheckoutFFI.xcframework (the Rust static library for iOS
# devices, the iOS simulator and macOS, with the uniffi C header and module map) plus the
# generated HyperCheckout.swift, for an Xcode project or a binaryTarget-based package.
#
# REQUIRES macOS with Xcode (xcodebuild, lipo) and rustup. This project's machines are Linux
# and CANNOT run it: there it prints so and exits 1 without building anything. The script has
# therefore NOT been run by this project's CI; treat it as a starting point, not a tested
# artifact. On Linux use scripts/build-swift.sh (SwiftPM + static library), which is tested.
#
# Output: target/xcframework/HyperCheckoutFFI.xcframework, target/xcframework/HyperCheckout.swift
set -euo pipefail

if [ "$(uname -s)" != Darwin ]; then
  echo "build-xcframework: NOT BUILT: an XCFramework needs macOS with Xcode (xcodebuild, lipo)," >&2
  echo "build-xcframework: and this machine runs $(uname -s). Nothing was built. On Linux," >&2
  echo "build-xcframework: scripts/build-swift.sh builds the SwiftPM package instead." >&2
  exit 1
fi
for tool in xcodebuild lipo cargo rustup; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-xcframework: $tool not found" >&2; exit 1; }
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
out="$repo/target/xcframework"
ios=aarch64-apple-ios
ios_sim=(aarch64-apple-ios-sim x86_64-apple-ios)
macos=(aarch64-apple-darwin x86_64-apple-darwin)
export IPHONEOS_DEPLOYMENT_TARGET=${IPHONEOS_DEPLOYMENT_TARGET:-13.0}
export MACOSX_DEPLOYMENT_TARGET=${MACOSX_DEPLOYMENT_TARGET:-10.15}

rustup target add "$ios" "${ios_sim[@]}" "${macos[@]}"
for target in "$ios" "${ios_sim[@]}" "${macos[@]}"; do
  cargo build --locked --release -p hypercheckout --target "$target"
done

rm -rf "$out"
mkdir -p "$out/headers" "$out/ios-sim" "$out/macos"
cargo build --locked --release -p hypercheckout
cargo run --locked --quiet --release -p uniffi-bindgen -- generate \
  --library target/release/libhypercheckout.dylib --language swift --config uniffi.toml --out-dir "$out/gen"
cp "$out/gen/HyperCheckoutFFI.h" "$out/headers/"
cp "$out/gen/HyperCheckoutFFI.modulemap" "$out/headers/module.modulemap"
cp "$out/gen/HyperCheckout.swift" "$out/HyperCheckout.swift"

# One fat library per platform variant (simulator: arm64 + x86_64; macOS: arm64 + x86_64).
lipo -create "target/${ios_sim[0]}/release/libhypercheckout.a" "target/${ios_sim[1]}/release/libhypercheckout.a" \
  -output "$out/ios-sim/libhypercheckout.a"
lipo -create "target/${macos[0]}/release/libhypercheckout.a" "target/${macos[1]}/release/libhypercheckout.a" \
  -output "$out/macos/libhypercheckout.a"

xcodebuild -create-xcframework \
  -library "target/$ios/release/libhypercheckout.a" -headers "$out/headers" \
  -library "$out/ios-sim/libhypercheckout.a" -headers "$out/headers" \
  -library "$out/macos/libhypercheckout.a" -headers "$out/headers" \
  -output "$out/HyperCheckoutFFI.xcframework"

echo "build-xcframework: $out/HyperCheckoutFFI.xcframework and $out/HyperCheckout.swift"
