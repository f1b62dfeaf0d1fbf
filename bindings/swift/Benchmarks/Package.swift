// swift-tools-version:5.9
//
// Swift side of scripts/bench-swift.sh: sessions per second through the binding.
//   swift run -c release HyperCheckoutBench URL blocking|async-seq|async-cN SESSIONS
import PackageDescription

let package = Package(
    name: "HyperCheckoutBench",
    platforms: [.macOS(.v10_15)],
    dependencies: [.package(path: "..")],
    targets: [
        .executableTarget(
            name: "HyperCheckoutBench",
            dependencies: [.product(name: "HyperCheckout", package: "swift")],
            path: "Sources/HyperCheckoutBench"
        ),
    ]
)
