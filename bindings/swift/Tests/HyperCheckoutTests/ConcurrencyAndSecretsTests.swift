// Concurrent tasks sharing one client, and the canary-key test.

import Foundation
import HyperCheckout
import XCTest

final class ConcurrencyTests: XCTestCase {
    /// 50 tasks in a TaskGroup share one `Client` (it is `Sendable`); every task gets its own
    /// session and the emulator saw each request exactly once.
    func testFiftyConcurrentTasksShareOneClient() async throws {
        let emulator = try Emulator()
        defer { emulator.stop() }
        let client = try Client(config: emulator.config())
        let requests = (0..<50).map { _ in makeRequest(orderId: uniqueOrderId("conc")) }
        let sessions = try await withThrowingTaskGroup(of: (SessionRequest, Session).self) { group in
            for request in requests {
                group.addTask { (request, try await client.createSession(request: request)) }
            }
            var results: [(SessionRequest, Session)] = []
            for try await result in group { results.append(result) }
            return results
        }
        XCTAssertEqual(sessions.count, 50)
        for (request, session) in sessions {
            XCTAssertEqual(session.orderId, request.orderId)
            XCTAssertEqual(session.sdkPayload.payload.amount, request.amount)
        }
        XCTAssertEqual(Set(sessions.map(\.1.id)).count, 50, "session ids must be distinct")
        let total = try await emulator.stats(routingId: "").total
        XCTAssertEqual(total, 50)
    }

    /// Async and blocking calls mixed, with faults that retry, on one client from many tasks.
    func testConcurrentMixedCallsWithRetries() async throws {
        let emulator = try Emulator()
        defer { emulator.stop() }
        let client = try Client(config: emulator.config())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let request = makeRequest(fault: i % 2 == 0 ? "503;times=1;retry-after=0" : nil)
                    let session =
                        i % 4 == 1
                        ? try client.createSessionBlocking(request: request)
                        : try await client.createSession(request: request)
                    XCTAssertEqual(session.orderId, request.orderId)
                }
            }
            try await group.waitForAll()
        }
        let total = try await emulator.stats(routingId: "").total
        XCTAssertEqual(total, 30)  // 20 + one retry for each of the 10 faulted requests
    }
}

final class SecretsTests: XCTestCase {
    static let canary = "sk_canary_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    func testCanaryKeyNeverLeaks() async throws {
        let canary = Self.canary
        // An emulator that knows the canary key, so faults happen on authenticated calls,
        // and one that does not, for the 401 path.
        let emulator = try Emulator(["--merchant-id", emulatorMerchantId, "--api-key", canary])
        defer { emulator.stop() }
        let other = try Emulator()
        defer { other.stop() }

        var texts: [String] = []
        let config = emulator.config(apiKey: canary, timeoutMs: 300, overallTimeoutMs: 2000)
        texts += everyText(config) + everyText([config])
        XCTAssertTrue("\(config)".contains("redacted"), "\(config)")
        var dumped = ""
        dump(config, to: &dumped)
        XCTAssertTrue(dumped.contains("[redacted]"), dumped)
        XCTAssertTrue("\(config)".contains(emulatorMerchantId))
        XCTAssertEqual(config.apiKey, canary, "the key itself stays readable in code")
        let client = try Client(config: config)
        texts += everyText(client)

        let session = try await client.createSession(request: makeRequest())
        texts += everyText(session) + [session.sdkPayloadJson]

        var errors: [HyperCheckoutError] = []
        for fault in ["500", "503;retry-after=0", "429;retry-after=0", "hang", "reset", "malformed-json", "html", "oversized"] {
            if let e = await expectError({ try await client.createSession(request: makeRequest(fault: fault)) }) {
                errors.append(e)
            }
        }
        if let e = expectError({ try client.createSessionBlocking(request: makeRequest(fault: "malformed-json")) }) {
            errors.append(e)
        }
        if let e = await expectError({ try await client.createSession(request: makeRequest(amount: "-1")) }) {
            errors.append(e)
        }
        let refused = try Client(config: other.config(apiKey: canary))
        if let e = await expectError({ try await refused.createSession(request: makeRequest()) }) {
            guard case .Authentication = e else { return XCTFail("\(e)") }
            errors.append(e)
        }
        for bad in [canary + "\n", canary + "\u{0}"] {
            if let e = expectError({ try Client(config: emulator.config(apiKey: bad)) }) { errors.append(e) }
        }
        var remote = config
        remote.baseUrl = "http://example.com"
        if let e = expectError({ try Client(config: remote) }) { errors.append(e) }

        XCTAssertEqual(errors.count, 14)
        XCTAssertEqual(
            Set(errors.map(kind)),
            ["Server", "RateLimited", "Timeout", "Connection", "UnexpectedResponse", "Validation", "Authentication", "Configuration"])
        for error in errors { texts += everyText(error) }

        XCTAssertGreaterThan(texts.count, 60)
        let leaks = texts.filter { $0.contains(canary) }
        XCTAssertEqual(leaks, [], "the API key leaked")
    }
}
