// swift-tools-version:5.9
//
// HyperCheckout for Swift, as the repository's root package: its identity is `hypercheckout`
// (SwiftPM derives it from the repository URL or directory name), so an app writes
//
//     .package(path: "/path/to/hypercheckout")                 // or .package(url: ...), see below
//     .product(name: "HyperCheckout", package: "hypercheckout")
//
// The sources are those of bindings/swift (its own Package.swift, identity `swift`, keeps
// the tests, the exit probe and the benchmarks). Run `scripts/build-swift.sh` first: the
// uniffi-generated Swift API and the Rust static library are build products, not committed:
//   bindings/swift/Sources/HyperCheckout/Generated/HyperCheckout.swift
//   bindings/swift/Sources/HyperCheckoutFFI/{HyperCheckoutFFI.h,module.modulemap}
//   bindings/swift/lib/libhypercheckout.a
//
// URL dependencies: SwiftPM refuses `unsafeFlags` in a package fetched by URL, and a fresh
// clone has no generated files. So when bindings/swift/lib is absent this manifest asks for
// no unsafe flag and links `-lhypercheckout` from the linker's own search path
// (LIBRARY_PATH, /usr/local/lib); the generated Swift file must still be there (a release
// that commits it, or an XCFramework binary target on Apple, is the remaining step:
// bindings/swift/README.md, "Depending on the package").
import Foundation
import PackageDescription

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
let binding = "bindings/swift"
let nativeLibDir = "\(root)/\(binding)/lib"

for required in [
    "Sources/HyperCheckout/Generated/HyperCheckout.swift",
    "Sources/HyperCheckoutFFI/module.modulemap",
] where !FileManager.default.fileExists(atPath: "\(root)/\(binding)/\(required)") {
    FileHandle.standardError.write(Data(
        "error: \(binding)/\(required) is missing: run scripts/build-swift.sh from the repository root first\n".utf8))
    exit(1)
}

// A checkout with the library built links it from bindings/swift/lib (root or path dependency).
let linkerSettings: [LinkerSetting] =
    FileManager.default.fileExists(atPath: "\(nativeLibDir)/libhypercheckout.a")
    ? [.unsafeFlags(["-L\(nativeLibDir)"])] : []

let package = Package(
    name: "HyperCheckout",
    platforms: [.macOS(.v10_15), .iOS(.v13)],
    products: [
        .library(name: "HyperCheckout", targets: ["HyperCheckout"]),
    ],
    targets: [
        // C declarations of the Rust library; its module map carries `link "hypercheckout"`.
        .systemLibrary(name: "HyperCheckoutFFI", path: "\(binding)/Sources/HyperCheckoutFFI"),
        // Registers the core's prepare_for_exit() with atexit() at load time (exit_hook.c).
        .target(
            name: "HyperCheckoutExitHook",
            path: "\(binding)/Sources/HyperCheckoutExitHook",
            cSettings: [.headerSearchPath("../HyperCheckoutFFI")]
        ),
        .target(
            name: "HyperCheckout",
            dependencies: ["HyperCheckoutFFI", "HyperCheckoutExitHook"],
            path: "\(binding)/Sources/HyperCheckout",
            linkerSettings: linkerSettings
        ),
    ]
)
