// swift-tools-version:5.9
//
// Examples: create a HyperCheckout session from Swift (async/await and blocking), and the
// whole merchant flow with a refund (FullFlow).
// Depends on the repository's root package (identity `hypercheckout`) by path, the way an
// app would depend on it. Run scripts/build-swift.sh first, then, against the emulator:
//   swift run CreateSession --base-url http://127.0.0.1:PORT
import Foundation
import PackageDescription

// A path dependency's identity is its directory's name: `hypercheckout` in a clone made with
// `git clone .../hypercheckout`, whatever the checkout is called here (CI and worktrees
// differ). An app depending by URL writes `package: "hypercheckout"`.
let repo = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let identity = repo.lastPathComponent.lowercased()

let package = Package(
    name: "CreateSession",
    platforms: [.macOS(.v10_15)],
    dependencies: [
        .package(path: "../../.."),
    ],
    targets: [
        .executableTarget(
            name: "CreateSession",
            dependencies: [.product(name: "HyperCheckout", package: identity)],
            path: "Sources/CreateSession"
        ),
        // Issue 13: session, pay (on the emulator), redirect, order status, refund, settled.
        .executableTarget(
            name: "FullFlow",
            dependencies: [.product(name: "HyperCheckout", package: identity)],
            path: "Sources/FullFlow"
        ),
        // Issue 15: the SDK's records in a log handler, request events as counters.
        .executableTarget(
            name: "Observability",
            dependencies: [.product(name: "HyperCheckout", package: identity)],
            path: "Sources/Observability"
        ),
    ]
)
