// Exit-safety probe (issue 11, item 1), run by Tests/HyperCheckoutTests/ExitTests.swift: starts
// many async calls on one client against the emulator at BASE_URL, waits until answers are
// flowing, then ends the process while calls are still completing, in the way SCENARIO names.
// Every run must end with the scenario's exit status (3 for exit-3, else 0), never a signal.
//
//     HyperCheckoutExitProbe SCENARIO BASE_URL
//
// Scenarios: exit-main (exit(0) on the main thread), exit-3 (exit(3) on the main thread),
// exit-in-task (exit(0) inside a Swift task), exit-in-thread (exit(0) on a plain Thread while
// the main thread waits), return (the top-level code ends with calls in flight).

import Foundation
import HyperCheckout

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let scenarios = ["exit-main", "exit-3", "exit-in-task", "exit-in-thread", "return"]
let arguments = CommandLine.arguments
guard arguments.count == 3, scenarios.contains(arguments[1]) else {
    fputs("usage: HyperCheckoutExitProbe \(scenarios.joined(separator: "|")) BASE_URL\n", stderr)
    exit(64)
}
let scenario = arguments[1]
let workers = 16

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

let completed = Counter()
let client: Client
do {
    client = try Client(config: .emulator(baseUrl: arguments[2], maxRetries: 0))
} catch {
    fputs("probe: \(error)\n", stderr)
    exit(70)
}
let pid = getpid()

// Each worker calls createSession in a loop, so answers complete continuously.
for worker in 0..<workers {
    Task.detached {
        var n = 0
        while true {
            n += 1
            let orderId = "x\(pid)w\(worker)n\(n)"
            let request = SessionRequest(
                orderId: orderId, amount: "1.00", customerId: "c\(pid)", paymentPageClientId: "exit_probe")
            _ = try? await client.createSession(request: request)
            completed.increment()
        }
    }
}

// Wait (at most 20 s) until every worker has had an answer, plus a random 0-5 ms, so the end
// falls at a different point of the calls each run.
let deadline = Date().addingTimeInterval(20)
while completed.value < workers {
    if Date() > deadline {
        fputs("probe: only \(completed.value) calls completed in 20 s\n", stderr)
        exit(71)
    }
    usleep(1000)
}
usleep(UInt32.random(in: 0...5000))

switch scenario {
case "exit-main":
    exit(0)
case "exit-3":
    exit(3)
case "exit-in-task":
    Task.detached { exit(0) }
    while true { sleep(1) }
case "exit-in-thread":
    Thread { exit(0) }.start()
    while true { sleep(1) }
default:  // "return": the top-level code ends, the process exits with status 0
    break
}
