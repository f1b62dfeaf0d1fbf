// swift-tools-version:5.9
//
// Example: create a HyperCheckout session from Swift (async/await and blocking).
// Uses the binding package by path, the way an app would depend on it.
// Run scripts/build-swift.sh first, then, against the emulator:
//   swift run CreateSession --base-url http://127.0.0.1:PORT
import PackageDescription

let package = Package(
    name: "CreateSession",
    platforms: [.macOS(.v10_15)],
    dependencies: [
        // A path dependency's identity is its directory name: `swift`.
        .package(path: "../../../bindings/swift"),
    ],
    targets: [
        .executableTarget(
            name: "CreateSession",
            dependencies: [.product(name: "HyperCheckout", package: "swift")],
            path: "Sources/CreateSession"
        ),
    ]
)
