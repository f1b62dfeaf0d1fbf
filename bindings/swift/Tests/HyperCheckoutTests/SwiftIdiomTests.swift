// Issue 12, Swift: errors read as sentences (description, errorDescription,
// localizedDescription), a lowerCamelCase `kind` with labelled values, and cancellation of
// the awaiting Task reaching the Rust call (timed, and seen at the emulator and in the core).

import Foundation
import HyperCheckout
import XCTest

final class SwiftIdiomTests: EmulatorTestCase {
    private func client(timeoutMs: UInt64 = 30_000, overallTimeoutMs: UInt64 = 60_000, maxRetries: UInt32 = 2)
        throws -> Client
    {
        try Client(config: emulator.config(timeoutMs: timeoutMs, overallTimeoutMs: overallTimeoutMs, maxRetries: maxRetries))
    }

    /// Every text Swift shows for an error is the core's Display sentence.
    private func assertSentence(
        _ error: HyperCheckoutError, startsWith prefix: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        let sentence = error.description
        XCTAssertTrue(sentence.hasPrefix(prefix), sentence, file: file, line: line)
        XCTAssertEqual("\(error)", sentence, file: file, line: line)
        XCTAssertEqual(String(describing: error), sentence, file: file, line: line)
        XCTAssertEqual(String(reflecting: error), sentence, file: file, line: line)
        XCTAssertEqual(error.errorDescription, sentence, file: file, line: line)
        XCTAssertEqual((error as Error).localizedDescription, sentence, file: file, line: line)
        XCTAssertEqual((error as NSError).localizedDescription, sentence, file: file, line: line)
        XCTAssertFalse(sentence.contains("HyperCheckoutError."), sentence, file: file, line: line)
        XCTAssertFalse(sentence.contains(emulatorApiKey), file: file, line: line)
    }

    // MARK: error text

    func testRateLimitedReadsAsASentenceWithTheRequestId() async throws {
        let error = await expectError {
            try await self.client(maxRetries: 0).createSession(request: makeRequest(fault: "429;retry-after=7"))
        }
        guard let error else { return }
        assertSentence(error, startsWith: "rate limited (HTTP 429)")
        let requestId = try XCTUnwrap(error.requestId)
        XCTAssertTrue(error.localizedDescription.contains(requestId), error.localizedDescription)
        if let code = error.errorCode { XCTAssertTrue(error.description.contains(code), error.description) }
    }

    func testValidationReadsAsASentenceNamingTheField() async throws {
        var request = makeRequest()
        request.amount = "1.234"
        let error = await expectError { try await self.client().createSession(request: request) }
        guard let error else { return }
        assertSentence(error, startsWith: "invalid request: ")
        XCTAssertTrue(error.description.contains("amount"), error.description)
    }

    func testEveryLocalKindReadsAsASentence() throws {
        let error = expectError { try Client(config: ClientConfig(merchantId: "", apiKey: "k", environment: .sandbox)) }
        guard let error else { return }
        assertSentence(error, startsWith: "invalid configuration: ")
        guard case .configuration(let reason) = error.kind else { return XCTFail("\(error.kind)") }
        XCTAssertTrue(reason.contains("merchant_id"), reason)
    }

    // MARK: kind

    func testKindHasLowerCamelCasesAndLabelledValues() async throws {
        let limited = await expectError {
            try await self.client(maxRetries: 0).createSession(request: makeRequest(fault: "429;retry-after=7"))
        }
        switch limited?.kind {
        case .rateLimited(let api)?:
            XCTAssertEqual(api.httpStatus, 429)
            XCTAssertEqual(api.retryAfterSeconds, 7)
            XCTAssertEqual(api.requestId, limited?.requestId)
            XCTAssertEqual(limited?.retryAfterSeconds, 7)
            XCTAssertEqual(limited?.apiError, api)
        default: XCTFail("\(String(describing: limited))")
        }

        let server = await expectError {
            try await self.client(maxRetries: 0).createSession(request: makeRequest(fault: "503"))
        }
        guard case .server(let api)? = server?.kind else { return XCTFail("\(String(describing: server))") }
        XCTAssertEqual(api.httpStatus, 503)
        XCTAssertNil(api.retryAfterSeconds)

        var invalid = makeRequest()
        invalid.orderId = ""
        invalid.amount = "abc"
        let validation = await expectError { try await self.client().createSession(request: invalid) }
        guard case .validation(let violations)? = validation?.kind else {
            return XCTFail("\(String(describing: validation))")
        }
        XCTAssertEqual(Set(violations.map(\.field)).isSuperset(of: ["order_id", "amount"]), true, "\(violations)")
        XCTAssertNil(validation?.apiError)

        let notFound = await expectError {
            try await self.client().getOrderStatus(orderId: uniqueOrderId("nf"), routingId: "r-1")
        }
        guard case .notFound(let missing)? = notFound?.kind else { return XCTFail("\(String(describing: notFound))") }
        // Juspay answers an unknown order with 404, or 400 with "status": "NOT_FOUND".
        XCTAssertTrue([400, 404].contains(missing.httpStatus), "\(missing)")
    }

    /// Every generated case, built directly: `kind` gives its lowerCamelCase case with the same
    /// values, and every text Swift shows (`description`, `errorDescription`,
    /// `localizedDescription`, `NSError`) is the core's sentence. The `switch` in
    /// `kind(_:)` (Support.swift) has no `default`, so a new error kind does not compile until
    /// it is listed there, and the count below fails until it is built here.
    func testEveryKindMapsAndReadsAsASentence() {
        let violation = Violation(field: "amount", code: "bad_format", message: "must be a decimal")
        func api(_ kind: HyperCheckoutError.Kind, status: UInt16, retryAfter: UInt64? = nil) -> Bool {
            switch kind {
            case .authentication(let a), .invalidRequest(let a), .notFound(let a), .rateLimited(let a), .server(let a):
                return a.httpStatus == status && a.status == "error" && a.errorCode == "E_CODE"
                    && a.errorMessage == "what Juspay said" && a.userMessage == "shown to users"
                    && a.requestId == "req-\(status)" && a.errorInfo == nil && a.bodyExcerpt == "{}"
                    && a.retryAfterSeconds == retryAfter
            default: return false
            }
        }
        let head: (UInt16) -> String = { ": E_CODE: what Juspay said [request id req-\($0)]" }
        let cases: [(HyperCheckoutError, String, (HyperCheckoutError.Kind) -> Bool)] = [
            (.Validation(violations: [violation]), "invalid request: ",
             { if case .validation(violations: let v) = $0 { return v == [violation] }; return false }),
            (.Authentication(httpStatus: 401, status: "error", errorCode: "E_CODE", errorMessage: "what Juspay said",
                             userMessage: "shown to users", requestId: "req-401", errorInfo: nil, bodyExcerpt: "{}"),
             "authentication failed (HTTP 401)" + head(401),
             { if case .authentication = $0 { return api($0, status: 401) }; return false }),
            (.InvalidRequest(httpStatus: 400, status: "error", errorCode: "E_CODE", errorMessage: "what Juspay said",
                             userMessage: "shown to users", requestId: "req-400", errorInfo: nil, bodyExcerpt: "{}"),
             "request rejected (HTTP 400)" + head(400),
             { if case .invalidRequest = $0 { return api($0, status: 400) }; return false }),
            (.NotFound(httpStatus: 404, status: "error", errorCode: "E_CODE", errorMessage: "what Juspay said",
                       userMessage: "shown to users", requestId: "req-404", errorInfo: nil, bodyExcerpt: "{}"),
             "not found (HTTP 404)" + head(404),
             { if case .notFound = $0 { return api($0, status: 404) }; return false }),
            (.RateLimited(httpStatus: 429, status: "error", errorCode: "E_CODE", errorMessage: "what Juspay said",
                          userMessage: "shown to users", requestId: "req-429", errorInfo: nil, bodyExcerpt: "{}",
                          retryAfterSeconds: 7),
             "rate limited (HTTP 429)" + head(429),
             { if case .rateLimited = $0 { return api($0, status: 429, retryAfter: 7) }; return false }),
            (.Server(httpStatus: 503, status: "error", errorCode: "E_CODE", errorMessage: "what Juspay said",
                     userMessage: "shown to users", requestId: "req-503", errorInfo: nil, bodyExcerpt: "{}"),
             "Juspay server error (HTTP 503)" + head(503),
             { if case .server = $0 { return api($0, status: 503) }; return false }),
            (.Timeout(reason: "no answer"), "timed out: no answer",
             { $0 == .timeout(reason: "no answer") }),
            (.Connection(reason: "refused"), "connection failed: refused",
             { $0 == .connection(reason: "refused") }),
            (.Certificate(check: .unknownIssuer, reason: "not trusted"), "TLS certificate rejected (",
             { $0 == .certificate(check: .unknownIssuer, reason: "not trusted") }),
            (.UnexpectedResponse(httpStatus: 502, reason: "not JSON", bodyExcerpt: "<html>", requestId: "req-502"),
             "unexpected response (HTTP 502): not JSON; body starts: \"<html>\" [request id req-502]",
             { $0 == .unexpectedResponse(httpStatus: 502, reason: "not JSON", bodyExcerpt: "<html>", requestId: "req-502") }),
            (.NotAuthentic(reason: "bad signature"), "not authentic: bad signature",
             { $0 == .notAuthentic(reason: "bad signature") }),
            (.Configuration(reason: "merchant_id is empty"), "invalid configuration: merchant_id is empty",
             { $0 == .configuration(reason: "merchant_id is empty") }),
            (.Internal(reason: "bug"), "internal error: bug", { $0 == .internal(reason: "bug") }),
        ]
        XCTAssertEqual(Set(cases.map { kind($0.0) }).count, 13, "one case per error kind")
        for (error, prefix, matches) in cases {
            assertSentence(error, startsWith: prefix)
            XCTAssertTrue(matches(error.kind), "\(kind(error)) gave \(error.kind)")
            XCTAssertTrue(error.description.contains("req-") == (error.requestId != nil), error.description)
        }
    }

    // MARK: cancellation

    /// A Task cancelled while its call waits on the emulator's `silent` fault (the request is
    /// read, no byte is ever answered) ends at once, not at its 20 s timeout, and the core's
    /// count of running cancellable calls falls back: the Rust future was dropped. Twenty
    /// rounds (a timing test must not be flaky); prints the slowest.
    func testCancelledTaskStopsTheRustCallAtOnce() async throws {
        let client = try client(timeoutMs: 20_000, overallTimeoutMs: 30_000, maxRetries: 0)
        var slowest = 0.0
        for _ in 0..<20 {
            let request = makeRequest(fault: "silent")
            let before = cancellableCallsInFlight()
            let task = Task { try await client.createSession(request: request) }
            // Wait until the emulator has the request, so the cancel hits a call on the wire.
            try await waitFor { try await self.emulator.count(routingId: routingId(request: request)) == 1 }
            XCTAssertEqual(cancellableCallsInFlight(), before + 1)
            let cancelled = Date()
            task.cancel()
            let result = await task.result
            let elapsed = Date().timeIntervalSince(cancelled)
            slowest = max(slowest, elapsed)
            XCTAssertLessThan(elapsed, 0.5)
            guard case .failure(let error) = result, error is CancellationError else { return XCTFail("\(result)") }
            XCTAssertEqual(cancellableCallsInFlight(), before, "the Rust call is still running")
        }
        print(String(format: "cancellation: 20 calls cancelled on the wire; the slowest returned %.1f ms after Task.cancel() (timeout 20 s)", slowest * 1000))
    }

    /// Cancelling during a retry wait stops the retry loop in Rust: the emulator never gets
    /// the retries it would have got one and two seconds later.
    func testCancelledTaskSendsNoMoreRetries() async throws {
        let client = try client(overallTimeoutMs: 30_000, maxRetries: 3)
        let request = makeRequest(fault: "503;retry-after=1")
        let task = Task { try await client.createSession(request: request) }
        try await waitFor { try await self.emulator.count(routingId: routingId(request: request)) == 1 }
        let cancelled = Date()
        task.cancel()
        let result = await task.result
        XCTAssertLessThan(Date().timeIntervalSince(cancelled), 0.5)
        guard case .failure(let error) = result, error is CancellationError else { return XCTFail("\(result)") }
        try await Task.sleep(nanoseconds: 2_500_000_000)
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 1, "a retry was sent after the Task was cancelled")
    }

    /// A Task cancelled before it calls sends nothing.
    func testAlreadyCancelledTaskSendsNothing() async throws {
        let client = try client()
        let request = makeRequest()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.createSession(request: request)
        }
        let result = await task.result
        guard case .failure(let error) = result, error is CancellationError else { return XCTFail("\(result)") }
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 0)
    }

    /// Not cancelled: the same calls still answer (the token path adds no failure).
    func testUncancelledCallsStillAnswer() async throws {
        let client = try client()
        let session = try await client.createSession(request: makeRequest())
        let status = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        XCTAssertEqual(status.orderId, session.orderId)
    }

    private func waitFor(_ condition: () async throws -> Bool) async throws {
        let deadline = Date().addingTimeInterval(10)
        while try await !condition() {
            guard Date() < deadline else { throw TestSetupError(description: "condition not met in 10 s") }
            try await Task.sleep(nanoseconds: 20_000_000)
        }
    }
}
