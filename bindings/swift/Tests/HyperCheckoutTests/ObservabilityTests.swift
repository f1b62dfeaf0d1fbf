// The SDK's records through a log handler and request events for metrics
// (HyperCheckoutObservability.swift, docs/observability.md): a retried call's attempt, wait
// and answer are .debug records without the key, e-mail or phone; every attempt is an event;
// a slow listener never slows a call.

import Foundation
import HyperCheckout
import XCTest

private final class Captured: @unchecked Sendable {
    private let lock = NSLock()
    private var _records: [LogRecord] = []
    private var _events: [RequestEvent] = []
    private var _threads: Set<String> = []

    func add(_ record: LogRecord) {
        lock.lock()
        _records.append(record)
        _threads.insert(Thread.current.name ?? "")
        lock.unlock()
    }

    func add(_ event: RequestEvent) {
        lock.lock()
        _events.append(event)
        lock.unlock()
    }

    var records: [LogRecord] { lock.lock(); defer { lock.unlock() }; return _records }
    var events: [RequestEvent] { lock.lock(); defer { lock.unlock() }; return _events }
    var threads: Set<String> { lock.lock(); defer { lock.unlock() }; return _threads }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: Bool
    init(_ value: Bool) { _value = value }
    var value: Bool {
        get { lock.lock(); defer { lock.unlock() }; return _value }
        set { lock.lock(); _value = newValue; lock.unlock() }
    }
}

final class ObservabilityTests: XCTestCase {
    static let canary = "sk_canary_obs_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    static let email = "canary.observe.swift@example.com"
    static let phone = "9999000066"

    private var captured = Captured()

    override func setUpWithError() throws {
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        let captured = Captured()
        self.captured = captured
        try HyperCheckoutObservability.setLogHandler(level: .debug) { captured.add($0) }
        HyperCheckoutObservability.setRequestListener { captured.add($0) }
    }

    override func tearDown() {
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        HyperCheckoutObservability.removeRequestListener()
        HyperCheckoutObservability.removeLogHandler()
    }

    private func canaryRequest(_ fault: String) -> SessionRequest {
        var request = makeRequest(fault: fault)
        request.customerEmail = Self.email
        request.customerPhone = Self.phone
        return request
    }

    private func find(_ records: [LogRecord], _ message: String, attempt: String) throws -> LogRecord {
        let found = records.first { $0.message.hasPrefix(message) && $0.fields["attempt"] == attempt }
        return try XCTUnwrap(found, "no \(message) record for attempt \(attempt) in \(records.map(\.message))")
    }

    private func assertNoCanary(_ records: [LogRecord], file: StaticString = #filePath, line: UInt = #line) {
        let encoded = Data("\(Self.canary):".utf8).base64EncodedString()
        for record in records {
            let text = "\(record.message) \(record.fields) \(record.target)"
            for secret in [Self.canary, encoded, Self.email, Self.phone] {
                XCTAssertFalse(text.contains(secret), "\(secret) in \(text)", file: file, line: line)
            }
        }
    }

    func testARetriedCallIsLoggedAtDebugWithoutSecrets() async throws {
        let emulator = try Emulator(["--merchant-id", emulatorMerchantId, "--api-key", Self.canary])
        defer { emulator.stop() }
        let client = try Client(config: emulator.config(apiKey: Self.canary))
        let session = try await client.createSession(request: canaryRequest("429;times=1;retry-after=0"))
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        let records = captured.records

        let sending = try find(records, "sending", attempt: "1")
        XCTAssertEqual(sending.level, .debug)
        XCTAssertEqual(sending.fields["operation"], "create_session")
        XCTAssertEqual(try find(records, "answer", attempt: "1").fields["http_status"], "429")
        let retrying = try find(records, "retrying", attempt: "1")
        XCTAssertEqual(retrying.level, .debug)
        XCTAssertTrue(retrying.message.contains("wait_ms=0"), retrying.message)
        XCTAssertEqual(retrying.fields["reason"], "rate_limited")
        let answer = try find(records, "answer", attempt: "2")
        XCTAssertEqual(answer.fields["http_status"], "200")
        XCTAssertFalse((answer.fields["request_id"] ?? "").isEmpty)
        XCTAssertNotNil(answer.fields["latency_ms"])
        XCTAssertTrue(records.contains { $0.level == .info && $0.message.contains(session.orderId) })
        assertNoCanary(records)
        // Linux keeps 15 bytes of a thread name: "hypercheckout-l".
        XCTAssertTrue(captured.threads.allSatisfy { $0.hasPrefix("hypercheckout-") }, "\(captured.threads)")

        let events = captured.events
        XCTAssertEqual(events.map(\.attempt), [1, 2])
        XCTAssertEqual(events.map(\.httpStatus), [429, 200])
        XCTAssertEqual(events.map(\.willRetry), [true, false])
        XCTAssertEqual(events.map(\.errorKind), ["rate_limited", nil])
        XCTAssertEqual(events[0].retryWaitMs, 0)
        XCTAssertTrue(events.allSatisfy { $0.requestId != nil && $0.latencyMs > 0 && $0.path == "/session" })
    }

    func testAFailedCallIsAWarning() throws {
        let emulator = try Emulator(["--merchant-id", emulatorMerchantId, "--api-key", Self.canary])
        defer { emulator.stop() }
        let client = try Client(config: emulator.config(apiKey: Self.canary, maxRetries: 1))
        let error = expectError { try client.createSessionBlocking(request: self.canaryRequest("503;retry-after=0")) }
        XCTAssertNotNil(error)
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        let failed = captured.records.filter { $0.message.hasPrefix("call failed") }
        XCTAssertEqual(failed.count, 1)
        XCTAssertEqual(failed.first?.level, .warn)
        XCTAssertEqual(failed.first?.fields["kind"], "server")
        assertNoCanary(captured.records)
        XCTAssertEqual(captured.events.map(\.willRetry), [true, false])
    }

    func testBelowTheLevelNoRecordIsMade() async throws {
        HyperCheckoutObservability.setLogLevel(.warn)
        let emulator = try Emulator()
        defer { emulator.stop() }
        let client = try Client(config: emulator.config())
        _ = try await client.createSession(request: makeRequest(fault: "429;times=1;retry-after=0"))
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        XCTAssertEqual(captured.records.count, 0)
        XCTAssertEqual(captured.events.count, 2)  // events do not depend on the log level
    }

    func testASlowListenerDoesNotSlowTheCall() async throws {
        let emulator = try Emulator()
        defer { emulator.stop() }
        let client = try Client(config: emulator.config())
        _ = try await client.createSession(request: makeRequest())  // warm: connection open
        // The warm call's event is queued for whichever listener is installed when it is
        // delivered: flush it to setUp's listener before installing the slow one.
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        let slow = Captured()
        let asleep = Flag(true)
        HyperCheckoutObservability.setRequestListener { event in
            if asleep.value { Thread.sleep(forTimeInterval: 1) }
            slow.add(event)
        }
        let started = Date()
        for _ in 0..<3 { _ = try await client.createSession(request: makeRequest()) }
        let elapsed = Date().timeIntervalSince(started)
        // On the request path the listener would add 3 s.
        XCTAssertLessThan(elapsed, 0.9)
        asleep.value = false
        XCTAssertTrue(HyperCheckoutObservability.flush(timeout: 10))
        XCTAssertEqual(slow.events.count, 3)
    }
}
