// `HyperCheckoutBench URL MODE SESSIONS` -> prints `RATE CPU`: sessions per second and this
// process's CPU (user + system, every thread: the Rust runtime's included; the emulator is
// another process) per session in microseconds, from getrusage (issue 17's headline figure).
// MODE: `blocking` (createSessionBlocking in a loop), `async-seq` (one task awaiting
// createSession in a loop), `async-cN` (N child tasks of a TaskGroup sharing one client).
// One warm-up of 50 sessions first, as core/benches/end_to_end.rs (the Rust side of
// scripts/bench-swift.sh) does.
// MODE `soak`: the leak soak (issue 17, item 4): SESSIONS blocking calls, then SESSIONS/10
// async ones from 32 tasks, through one client, printing RSS, threads and fds (from /proc,
// Linux) at the start, after 10k and at the end; exit 1 on growth after the first 10k.
// MODE `breakdown`: microseconds per call of the FFI parts alone (no I/O), printed as
// `lower+call LIFT` : `routingId(request:)` (lower a SessionRequest, one FFI call) and
// `parseSessionResponse` of an emulator answer (parse in Rust, lift the Session).

import Foundation
import HyperCheckout
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's user + system CPU time, every thread, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    #if canImport(Glibc)
    // Glibc's `RUSAGE_SELF` imports as a `__rusage_who` case; getrusage takes its raw Int32.
    _ = getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #else
    _ = getrusage(RUSAGE_SELF, &usage)
    #endif
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

let counterLock = NSLock()
var counter = 0
let tag = String(UInt32(truncatingIfNeeded: ProcessInfo.processInfo.processIdentifier) ^ UInt32.random(in: 0...UInt32.max), radix: 16)

func request() -> SessionRequest {
    counterLock.lock()
    counter += 1
    let n = counter
    counterLock.unlock()
    let orderId = "s\(tag)-\(n)"
    return SessionRequest(
        orderId: orderId, amount: "10.00", customerId: "c-\(orderId)", paymentPageClientId: "hypercheckout_bench",
        customerEmail: "test@mail.com", returnUrl: "https://shop.merchant.com/return")
}

@main
struct Bench {
    static func main() async throws {
        let args = CommandLine.arguments
        guard args.count == 4, let sessions = Int(args[3]) else {
            FileHandle.standardError.write(Data("usage: HyperCheckoutBench URL blocking|async-seq|async-cN SESSIONS\n".utf8))
            exit(2)
        }
        if args[2] == "breakdown" {
            breakdown(sessions)
            return
        }
        if args[2] == "soak" {
            exit(try await soak(url: args[1], calls: sessions))
        }
        let client = try Client(config: .emulator(baseUrl: args[1]))
        for _ in 0..<50 { _ = try client.createSessionBlocking(request: request()) }
        let mode = args[2]
        let cpuStarted = processCPUSeconds()
        let started = DispatchTime.now().uptimeNanoseconds
        switch mode {
        case "blocking":
            for _ in 0..<sessions { _ = try client.createSessionBlocking(request: request()) }
        case "async-seq":
            for _ in 0..<sessions { _ = try await client.createSession(request: request()) }
        case let m where m.hasPrefix("async-c"):
            let concurrency = Int(m.dropFirst("async-c".count))!
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<concurrency {
                    let share = sessions / concurrency + (i < sessions % concurrency ? 1 : 0)
                    group.addTask {
                        for _ in 0..<share { _ = try await client.createSession(request: request()) }
                    }
                }
                try await group.waitForAll()
            }
        default:
            FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
            exit(2)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let cpu = processCPUSeconds() - cpuStarted
        print(String(format: "%.1f %.1f", Double(sessions) / seconds, cpu / Double(sessions) * 1e6))
    }
}

/// (RSS in KiB, threads, open file descriptors) of this process, from /proc (Linux).
func footprint() -> (rss: Int, threads: Int, fds: Int) {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let rss = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
        .flatMap { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first }
        .flatMap { Int($0) } ?? 0
    func count(_ dir: String) -> Int { (try? FileManager.default.contentsOfDirectory(atPath: dir).count) ?? 0 }
    return (rss, count("/proc/self/task"), count("/proc/self/fd"))
}

func soak(url: String, calls: Int) async throws -> Int32 {
    let client = try Client(config: .emulator(baseUrl: url))
    for _ in 0..<100 { _ = try client.createSessionBlocking(request: request()) }
    // Warm the async side too, so the cooperative pool's threads exist in every row.
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<32 { group.addTask { _ = try await client.createSession(request: request()) } }
        try await group.waitForAll()
    }
    var rows = [("start (after the warm-up calls)", footprint())]
    let started = DispatchTime.now().uptimeNanoseconds
    for i in 1...calls {
        _ = try client.createSessionBlocking(request: request())
        if i == 10_000 { rows.append(("10,000 blocking calls", footprint())) }
    }
    rows.append(("\(calls) blocking calls", footprint()))
    let perTask = calls / 10 / 32
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<32 {
            group.addTask { for _ in 0..<perTask { _ = try await client.createSession(request: request()) } }
        }
        try await group.waitForAll()
    }
    rows.append(("+ \(perTask * 32) async calls (32 tasks)", footprint()))
    print("| point | RSS (MiB) | threads | fds |")
    print("| --- | ---: | ---: | ---: |")
    for (label, f) in rows {
        print("| \(label) | \(String(format: "%.1f", Double(f.rss) / 1024)) | \(f.threads) | \(f.fds) |")
    }
    print("\n\((DispatchTime.now().uptimeNanoseconds - started) / 1_000_000_000) s")
    let base = rows.count > 3 ? rows[1].1 : rows[0].1
    let end = rows[rows.count - 1].1
    if end.rss - base.rss > max(base.rss / 10, 8 * 1024) || end.threads > base.threads || end.fds > base.fds {
        print("!!! growth after the first 10k calls: \(base) -> \(end) (RSS KiB, threads, fds)")
        return 1
    }
    print("no growth after the first 10k calls (RSS within 10% / 8 MiB; threads and fds equal)")
    return 0
}

func breakdown(_ n: Int) {
    let sample = request()
    let body = #"""
        {"status":"NEW","id":"ordeh_abcdefghij0123456789","order_id":"\#(sample.orderId)","payment_links":{"web":"http://127.0.0.1:1/orders/ordeh_abcdefghij0123456789/payment-page"},"sdk_payload":{"requestId":"0123456789abcdef0123456789abcdef","service":"in.juspay.hyperpay","payload":{"clientId":"hypercheckout_bench","amount":"10.00","merchantId":"emulator_merchant","clientAuthToken":"tkn_0123456789abcdef","clientAuthTokenExpiry":"2026-01-01T00:15:00Z","environment":"sandbox","options.getUpiDeepLinks":"true","action":"paymentPage","customerId":"c-x","returnUrl":"https://shop.merchant.com/return","currency":"INR","customerEmail":"test@mail.com","orderId":"\#(sample.orderId)"}}}
        """#
    let headers = ["content-type": "application/json", "x-request-id": "0123456789abcdef0123456789abcdef"]
    func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<n { body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(n)
    }
    var sink = 0
    let lower = time { sink &+= routingId(request: sample).count }
    let lift = time { sink &+= (try! parseSessionResponse(httpStatus: 200, headers: headers, body: body)).id.count }
    print(String(format: "%.1f %.1f", lower, lift), sink == 0 ? "" : "")
}
