// The process never crashes when it ends with async calls in flight (issue 11, item 1).
//
// An async call completes on a Rust runtime thread, which resumes the Swift continuation
// there; if the process is exiting at that moment, that thread runs Swift code while exit()
// tears the process down. The package registers the core's prepareForExit() with atexit
// (Sources/HyperCheckoutExitHook), so no runtime thread enters Swift once exit() has begun.
//
// Each scenario of Sources/HyperCheckoutExitProbe runs HYPERCHECKOUT_EXIT_RUNS times (default
// 50), two at a time, while a busy thread in this process keeps a core loaded. Any run that dies
// by a signal, hangs, or exits with another status fails.

import Foundation
import HyperCheckoutExitHook
import XCTest

final class ExitTests: XCTestCase {
    static let runs = Int(ProcessInfo.processInfo.environment["HYPERCHECKOUT_EXIT_RUNS"] ?? "") ?? 50
    static let scenarios: [(name: String, status: Int32)] = [
        ("exit-main", 0), ("exit-3", 3), ("exit-in-task", 0), ("exit-in-thread", 0), ("return", 0),
    ]

    /// The probe is built next to the test bundle (`swift build` builds every target).
    private func probePath() throws -> String {
        let candidates = [
            Bundle(for: ExitTests.self).bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ].map { $0.appendingPathComponent("HyperCheckoutExitProbe").path }
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestSetupError(description: "HyperCheckoutExitProbe not built (run `swift build` first); looked in \(candidates)")
        }
        return path
    }

    /// One run: (termination reason, status or signal, the end of stderr).
    private func runOnce(_ probe: String, _ scenario: String, _ url: String) -> (String, Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: probe)
        process.arguments = [scenario, url]
        let errPath = NSTemporaryDirectory() + "exit-probe-\(UUID().uuidString).err"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errPath) }
        guard let errFile = FileHandle(forWritingAtPath: errPath) else { return ("setup", -1, "no stderr file") }
        process.standardError = errFile
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return ("setup", -1, "\(error)") }
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            done.signal()
        }
        if done.wait(timeout: .now() + 60) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            done.wait()
            return ("hang", -1, "no exit within 60 s")
        }
        try? errFile.close()
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        let reason = process.terminationReason == .exit ? "exit" : "signal"
        return (reason, process.terminationStatus, String(stderr.suffix(600)))
    }

    /// The hook's constructor ran in this process too (the test bundle links the package).
    func testPrepareForExitIsRegisteredAtLoad() {
        XCTAssertTrue(hypercheckout_exit_hook_registered())
    }

    func testExitWithCallsInFlightNeverCrashes() throws {
        let probe = try probePath()
        let emulator = try Emulator()
        defer { emulator.stop() }

        // A busy core: the crash window is a thread switch at the wrong moment.
        let stop = Counter()
        let burner = Thread {
            var x: UInt64 = 1
            while stop.value == 0 { for i in 0..<100_000 { x = x &* 6364136223846793005 &+ UInt64(i) } }
            if x == 42 { print(x) }
        }
        burner.start()
        defer { stop.increment() }

        var summary: [String] = []
        var failures: [String] = []
        for (scenario, expected) in Self.scenarios {
            let started = Date()
            let results = Locked<[(String, Int32, String)]>([])
            let slots = DispatchSemaphore(value: 2)
            let group = DispatchGroup()
            for _ in 0..<Self.runs {
                slots.wait()
                group.enter()
                DispatchQueue.global().async {
                    let result = self.runOnce(probe, scenario, emulator.url)
                    results.mutate { $0.append(result) }
                    slots.signal()
                    group.leave()
                }
            }
            group.wait()
            let bad = results.value.filter { $0.0 != "exit" || $0.1 != expected }
            summary.append(
                "\(scenario): \(Self.runs - bad.count)/\(Self.runs) clean "
                    + "(\(String(format: "%.1f", Date().timeIntervalSince(started))) s)")
            for (reason, status, stderr) in bad.prefix(3) {
                failures.append("\(scenario): \(reason) \(status) (expected exit \(expected)): \(stderr)")
            }
            if !bad.isEmpty { failures.append("\(scenario): \(bad.count) of \(Self.runs) runs failed") }
        }
        print("exit test, \(Self.runs) runs per scenario under load:\n  " + summary.joined(separator: "\n  "))
        XCTAssertEqual(failures, [])
    }
}

final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
    func mutate(_ body: (inout Value) -> Void) {
        lock.lock()
        body(&stored)
        lock.unlock()
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
