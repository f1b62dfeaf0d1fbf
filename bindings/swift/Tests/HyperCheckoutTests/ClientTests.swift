// The client against the emulator subprocess: success, every error kind, injected faults
// (selected per request with the `emulator_fault` body field, see docs/emulator.md).

import Foundation
import HyperCheckout
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

final class ClientTests: EmulatorTestCase {
    func client(
        apiKey: String = emulatorApiKey, timeoutMs: UInt64 = 30_000, overallTimeoutMs: UInt64 = 60_000,
        maxRetries: UInt32 = 2
    ) throws -> Client {
        try Client(
            config: emulator.config(
                apiKey: apiKey, timeoutMs: timeoutMs, overallTimeoutMs: overallTimeoutMs, maxRetries: maxRetries))
    }

    func checkSession(_ session: Session, _ request: SessionRequest, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        XCTAssertEqual(session.status, "NEW", file: file, line: line)
        XCTAssertEqual(session.orderId, request.orderId, file: file, line: line)
        XCTAssertTrue(session.id.hasPrefix("ordeh_"), session.id, file: file, line: line)
        XCTAssertTrue(session.paymentLink.hasSuffix("/orders/\(session.id)/payment-page"), file: file, line: line)
        XCTAssertEqual(session.sdkPayload.service, "in.juspay.hyperpay", file: file, line: line)
        let details = session.sdkPayload.payload
        XCTAssertEqual(details.orderId, request.orderId, file: file, line: line)
        XCTAssertEqual(details.amount, request.amount, file: file, line: line)
        XCTAssertEqual(details.clientId, request.paymentPageClientId, file: file, line: line)
        XCTAssertEqual(details.merchantId, emulatorMerchantId, file: file, line: line)
        XCTAssertTrue(details.clientAuthToken?.hasPrefix("tkn_") ?? false, file: file, line: line)
        // sdkPayloadJson is the exact JSON to hand to the mobile SDK.
        let json = try JSONSerialization.jsonObject(with: Data(session.sdkPayloadJson.utf8)) as? [String: Any]
        XCTAssertEqual((json?["payload"] as? [String: Any])?["orderId"] as? String, request.orderId, file: file, line: line)
    }

    // MARK: success

    func testCreateSessionAsync() async throws {
        var request = makeRequest()
        request.firstName = "John"
        request.lastName = "Wick"
        request.metadata = ["k": "v"]
        request.udf6 = "x y"
        let session = try await client().createSession(request: request)
        try checkSession(session, request)
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 1)
    }

    func testCreateSessionBlocking() throws {
        let request = makeRequest()
        let session = try client().createSessionBlocking(request: request)
        try checkSession(session, request)
    }

    func testSameOrderSameAmountReturnsSameOrder() async throws {
        let client = try client()
        let request = makeRequest()
        let first = try await client.createSession(request: request)
        let second = try await client.createSession(request: request)
        XCTAssertEqual(first.id, second.id)
    }

    func testMandateRequest() async throws {
        var request = makeRequest()
        request.createMandate = .required
        request.mandate = Mandate(maxAmount: "5000.00", frequency: .monthly, ruleValue: "5", amountRule: .variable)
        XCTAssertEqual(validate(request: request), [])
        try checkSession(try await client().createSession(request: request), request)
    }

    func testParsedRequestRoundTrip() async throws {
        let orderId = uniqueOrderId("json")
        let request = try parseSessionRequest(
            json: #"{"order_id":"\#(orderId)","amount":"1.00","customer_id":"c-\#(orderId)","#
                + #""payment_page_client_id":"hypercheckout_test","action":"paymentPage","offer_code":"X"}"#)
        XCTAssertEqual(request.extraFields, ["offer_code": "X"])
        let body = try JSONSerialization.jsonObject(with: Data(sessionRequestToJson(request: request).utf8)) as? [String: Any]
        XCTAssertEqual(body?["order_id"] as? String, orderId)
        XCTAssertEqual(routingId(request: request), "c-\(orderId)")
        try checkSession(try await client().createSession(request: request), request)
    }

    // MARK: error kinds

    func testValidationErrorNothingSent() async throws {
        var request = makeRequest(amount: "1.234")
        request.customerEmail = "not-an-email"
        let expected = pairs(validate(request: request))
        XCTAssertEqual(Set(validate(request: request).map(\.field)), ["amount", "customer_email"])
        let error = await expectError { try await self.client().createSession(request: request) }
        guard case .Validation(let violations)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(pairs(violations), expected)
        XCTAssertEqual(error?.violations.count, violations.count)
        XCTAssertNil(error?.httpStatus)
        XCTAssertTrue(violations.allSatisfy { !$0.message.isEmpty })
        XCTAssertTrue(String(describing: error!).contains("amount"))
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 0)
    }

    func testValidationErrorBlocking() throws {
        let error = expectError { try self.client().createSessionBlocking(request: makeRequest(orderId: "bad order id!")) }
        guard case .Validation(let violations)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(violations.map(\.field), ["order_id"])
    }

    func testAuthenticationErrorWithWrongKey() async throws {
        let client = try client(apiKey: "wrong_key")
        let error = await expectError { try await client.createSession(request: makeRequest()) }
        guard case .Authentication(let status, _, let code, let message, _, _, _, let excerpt)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(status, 401)
        XCTAssertEqual(code, "access_denied")
        XCTAssertFalse(message?.isEmpty ?? true)
        XCTAssertEqual(error?.httpStatus, 401)
        XCTAssertEqual(error?.errorCode, code)
        XCTAssertEqual(error?.errorMessage, message)
        XCTAssertFalse(excerpt.isEmpty)
        XCTAssertEqual(error?.bodyExcerpt, excerpt)
    }

    func testInvalidRequestDuplicateOrder() async throws {
        let client = try client()
        var request = makeRequest()
        _ = try await client.createSession(request: request)
        request.amount = "11.00"
        let error = await expectError { try await client.createSession(request: request) }
        guard case .InvalidRequest(let status, _, let code, let message, _, let requestId, _, _)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(status, 400)
        XCTAssertEqual(code, "duplicate.call")
        XCTAssertFalse(message?.isEmpty ?? true)
        XCTAssertEqual(requestId?.count, 32)
        XCTAssertEqual(error?.requestId, requestId)
    }

    func testNotFound() async throws {
        let client = try Client(config: .emulator(baseUrl: emulator.url + "/no/such/prefix"))
        let error = await expectError { try await client.createSession(request: makeRequest()) }
        guard case .NotFound(let status, _, let code, _, _, _, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(status, 404)
        XCTAssertEqual(code, "not_found")
    }

    func testRateLimitedAfterRetries() async throws {
        let request = makeRequest(fault: "429;retry-after=0")
        let error = await expectError { try await self.client().createSession(request: request) }
        guard case .RateLimited(let status, _, let code, _, _, _, _, _, let retryAfter)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(status, 429)
        XCTAssertEqual(code, "request.exceeded")
        XCTAssertEqual(retryAfter, 0)
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 3)  // 1 + maxRetries (2)
    }

    func testServerError500NotRetried() async throws {
        let request = makeRequest(fault: "500")
        let error = await expectError { try await self.client().createSession(request: request) }
        guard case .Server(let status, _, let code, _, _, _, _, _)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(status, 500)
        XCTAssertEqual(code, "Internal server Error")
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 1)
    }

    func testServerErrors502To504RetriedThenThrown() async throws {
        let client = try client(maxRetries: 1)
        for status in [502, 503, 504] {
            let request = makeRequest(fault: "\(status);retry-after=0")
            let error = await expectError { try await client.createSession(request: request) }
            guard case .Server(let got, _, _, _, _, _, _, _)? = error else { return XCTFail("\(String(describing: error))") }
            XCTAssertEqual(Int(got), status)
            let count = try await emulator.count(routingId: routingId(request: request))
            XCTAssertEqual(count, 2, "\(status)")
        }
    }

    /// `503;times=2;retry-after=0`: two 503s, retried, then a session; the emulator saw 3.
    func testTransient503RetriedThenSuccess() async throws {
        let request = makeRequest(fault: "503;times=2;retry-after=0")
        let session = try await client().createSession(request: request)
        XCTAssertEqual(session.orderId, request.orderId)
        let stats = try await emulator.stats(routingId: routingId(request: request))
        XCTAssertEqual(stats.count, 3)
        XCTAssertGreaterThanOrEqual(stats.total, 3)
    }

    func testTransient503RetriedThenSuccessBlocking() throws {
        let request = makeRequest(fault: "503;times=1;retry-after=0")
        XCTAssertEqual(try client().createSessionBlocking(request: request).orderId, request.orderId)
    }

    func testHangTimesOutAsync() async throws {
        let client = try client(timeoutMs: 300, overallTimeoutMs: 2000)
        let started = Date()
        let error = await expectError { try await client.createSession(request: makeRequest(fault: "hang")) }
        let elapsed = Date().timeIntervalSince(started)
        guard case .Timeout(let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertNil(error?.httpStatus)
        XCTAssertGreaterThanOrEqual(elapsed, 0.25)
        XCTAssertLessThan(elapsed, 1.5)
    }

    func testHangTimesOutBlocking() throws {
        let client = try client(timeoutMs: 300, overallTimeoutMs: 2000)
        let started = Date()
        let error = expectError { try client.createSessionBlocking(request: makeRequest(fault: "hang")) }
        guard case .Timeout? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)
    }

    /// uniffi's Swift async functions do not propagate task cancellation to the Rust future:
    /// a cancelled call still ends, with the outcome of the request, within the configured
    /// timeouts (documented in README.md). This pins that behaviour down.
    func testTaskCancellationEndsAtOnceNotAtTheTimeout() async throws {
        // Before issue 12 a cancelled call ran to its timeout (uniffi's Swift async does not
        // forward cancellation); now it ends at once with CancellationError (SwiftIdiomTests).
        let client = try client(timeoutMs: 5000, overallTimeoutMs: 10_000)
        let started = Date()
        let task = Task { try await client.createSession(request: makeRequest(fault: "hang")) }
        try await Task.sleep(nanoseconds: 100_000_000)
        task.cancel()
        let result = await task.result
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.0)
        guard case .failure(let error) = result, error is CancellationError else { return XCTFail("\(result)") }
    }

    func testOverallTimeoutBoundsRetries() async throws {
        // Each attempt gets a 503 asking for a 5 s wait; the overall limit stops it early.
        let client = try client(overallTimeoutMs: 1000, maxRetries: 5)
        let started = Date()
        let error = await expectError { try await client.createSession(request: makeRequest(fault: "503;retry-after=5")) }
        guard case .Server? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertLessThan(Date().timeIntervalSince(started), 1.5)
    }

    func testResetIsConnectionErrorNotRetried() async throws {
        let request = makeRequest(fault: "reset")
        let error = await expectError { try await self.client().createSession(request: request) }
        guard case .Connection(let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertFalse(reason.isEmpty)
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 1)
    }

    func testConnectionRefused() async throws {
        let port = try freePort()
        let client = try Client(config: .emulator(baseUrl: "http://127.0.0.1:\(port)", maxRetries: 1))
        let error = await expectError { try await client.createSession(request: makeRequest()) }
        guard case .Connection(let reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("not sent"), reason)
    }

    func testMalformedJson() async throws {
        let error = await expectError { try await self.client().createSession(request: makeRequest(fault: "malformed-json")) }
        guard case .UnexpectedResponse(let status, _, let excerpt, let requestId)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(status, 200)
        XCTAssertFalse(excerpt.isEmpty)
        XCTAssertEqual(requestId?.count, 32)
    }

    func testHtml502() async throws {
        let client = try client(maxRetries: 0)
        let error = await expectError { try await client.createSession(request: makeRequest(fault: "html")) }
        guard case .UnexpectedResponse(let status, _, let excerpt, _)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(status, 502)
        XCTAssertTrue(excerpt.contains("<"))
    }

    func testOversized() async throws {
        let error = await expectError { try await self.client().createSession(request: makeRequest(fault: "oversized")) }
        guard case .UnexpectedResponse(_, let reason, let excerpt, _)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertTrue(reason.contains("larger"), reason)
        XCTAssertLessThanOrEqual(excerpt.count, 512)
    }

    func testDelayWithinTimeout() async throws {
        let started = Date()
        _ = try await client().createSession(request: makeRequest(fault: "delay;ms=200"))
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.2)
    }

    func testServerWideFaultFlag() async throws {
        let emulator = try Emulator(["--fault", "503;times=1;retry-after=0"])
        defer { emulator.stop() }
        let request = makeRequest()
        let session = try await Client(config: emulator.config()).createSession(request: request)
        XCTAssertEqual(session.orderId, request.orderId)
        let count = try await emulator.count(routingId: routingId(request: request))
        XCTAssertEqual(count, 2)
    }

    func testConfigurationErrors() throws {
        let base = ClientConfig.emulator(baseUrl: "http://127.0.0.1:1")
        var configs: [String: ClientConfig] = [:]
        configs["empty merchant"] = { var c = base; c.merchantId = ""; return c }()
        configs["blank key"] = { var c = base; c.apiKey = " "; return c }()
        configs["plain http remote"] = { var c = base; c.baseUrl = "http://example.com"; return c }()
        configs["bad url"] = { var c = base; c.baseUrl = "not a url"; return c }()
        configs["zero timeout"] = { var c = base; c.timeoutMs = 0; return c }()
        configs["bad user agent"] = { var c = base; c.appName = "bad\nname"; return c }()
        for (name, config) in configs {
            let error = expectError { try Client(config: config) }
            guard case .Configuration(let reason)? = error else {
                XCTFail("\(name): \(String(describing: error))")
                continue
            }
            XCTAssertFalse(reason.isEmpty, name)
        }
    }

    func testDefaultConfigValues() throws {
        let config = ClientConfig(merchantId: emulatorMerchantId, apiKey: emulatorApiKey, environment: .production)
        XCTAssertNil(config.baseUrl)
        XCTAssertEqual(config.connectTimeoutMs, 5000)
        XCTAssertEqual(config.timeoutMs, 30000)
        XCTAssertEqual(config.overallTimeoutMs, 60000)
        XCTAssertEqual(config.maxRetries, 2)
        _ = try Client(config: config)  // production URL, nothing sent
    }

    func testSdkVersion() {
        XCTAssertFalse(sdkVersion().isEmpty)
        XCTAssertTrue(sdkVersion().first?.isNumber ?? false, sdkVersion())
    }

    func testParseSessionResponseHelper() throws {
        let error = expectError {
            try parseSessionResponse(
                httpStatus: 401, headers: ["x-request-id": "abc"],
                body: #"{"status":"error","error_code":"access_denied","error_message":"no"}"#)
        }
        guard case .Authentication(401, "error", "access_denied", "no", nil, let requestId, nil, let excerpt)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(requestId, "abc")
        XCTAssertEqual(excerpt, #"{"status":"error","error_code":"access_denied","error_message":"no"}"#)

        // Juspay's error_info: typed, and its user_message is the fallback for the top level.
        let withInfo = expectError {
            try parseSessionResponse(
                httpStatus: 400, headers: [:],
                body: #"{"status":"invalid_request_error","error_code":"INVALID_REQUEST","#
                    + #""error_info":{"code":"INVALID_INPUT","user_message":"Invalid input data","#
                    + #""developer_message":"amount too high","fields":[{"field_name":"amount","reason":"too high"}]}}"#)
        }
        guard case .InvalidRequest? = withInfo else { return XCTFail("\(String(describing: withInfo))") }
        XCTAssertEqual(withInfo?.errorCode, "INVALID_REQUEST")
        XCTAssertEqual(withInfo?.userMessage, "Invalid input data")
        XCTAssertEqual(withInfo?.errorInfo?.code, "INVALID_INPUT")
        XCTAssertEqual(withInfo?.errorInfo?.developerMessage, "amount too high")
        XCTAssertEqual(withInfo?.errorInfo?.fields, [ErrorField(fieldName: "amount", reason: "too high")])
    }

    // MARK: helpers

    private func freePort() throws -> Int {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TestSetupError(description: "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { ptr -> Int32 in
                guard bind(fd, ptr, len) == 0 else { return -1 }
                return getsockname(fd, ptr, &len)
            }
        }
        guard bound == 0 else { throw TestSetupError(description: "bind() failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
