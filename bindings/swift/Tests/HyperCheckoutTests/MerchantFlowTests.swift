// The merchant's flow after a session (docs/merchant-flow.md) against the emulator subprocess:
// create a session, pay on the emulator's payment page (POST /orders/{id}/pay), verify the
// signed redirect, read the order status (async and blocking), decide with checkPayment.

import Foundation
import HyperCheckout
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let emulatorResponseKey = "emulator_response_key"

/// Refuses every redirect (so the 302 of /pay is the final answer, and the browser-bound
/// https://shop.merchant.com/... is never fetched) and records the Location it was offered, in
/// case a Foundation does not hand the 302 itself back.
private final class PayDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    private let lock = NSLock()
    private var body = Data()
    private var redirectLocation: String?
    private var redirectStatus: Int?
    private var continuation: CheckedContinuation<(status: Int, location: String?, body: String), Error>?

    func start(_ session: URLSession, _ request: URLRequest) async throws -> (status: Int, location: String?, body: String) {
        try await withCheckedThrowingContinuation { continuation in
            lock.lock()
            self.continuation = continuation
            lock.unlock()
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        lock.lock()
        redirectStatus = response.statusCode
        redirectLocation = response.value(forHTTPHeaderField: "Location") ?? request.url?.absoluteString
        lock.unlock()
        completionHandler(nil)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        body.append(data)
        lock.unlock()
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        lock.lock()
        let continuation = self.continuation
        self.continuation = nil
        let response = task.response as? HTTPURLResponse
        let result = (
            status: response?.statusCode ?? redirectStatus ?? 0,
            location: response?.value(forHTTPHeaderField: "Location") ?? redirectLocation,
            body: String(decoding: body, as: UTF8.self)
        )
        lock.unlock()
        if let error { continuation?.resume(throwing: error) } else { continuation?.resume(returning: result) }
    }
}

/// The decoded query parameters of a URL (form decoding: `+` is a space), as a web framework
/// would hand them to the merchant's handler.
func queryParameters(_ url: String) -> [String: String] {
    guard let q = url.firstIndex(of: "?") else { return [:] }
    var query = url[url.index(after: q)...]
    if let hash = query.firstIndex(of: "#") { query = query[..<hash] }
    var params: [String: String] = [:]
    for pair in query.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ s: Substring) -> String {
            let plain = s.replacingOccurrences(of: "+", with: " ")
            return plain.removingPercentEncoding ?? plain
        }
        params[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return params
}

final class MerchantFlowTests: EmulatorTestCase {
    /// `POST {emulator}/orders/{ordeh_id}/pay` with `outcome=...` as a form body, the redirect
    /// not followed: (HTTP status, Location).
    func pay(_ session: Session, outcome: String, file: StaticString = #filePath, line: UInt = #line) async throws
        -> (status: Int, location: String)
    {
        var request = URLRequest(url: URL(string: "\(try emulator.url)/orders/\(session.id)/pay")!, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("outcome=\(outcome)".utf8)
        let delegate = PayDelegate()
        let urlSession = URLSession(configuration: .ephemeral, delegate: delegate, delegateQueue: nil)
        defer { urlSession.finishTasksAndInvalidate() }
        let answer = try await delegate.start(urlSession, request)
        XCTAssertEqual(answer.status, 302, "pay answered \(answer.status): \(answer.body)", file: file, line: line)
        let location = try XCTUnwrap(answer.location, "no Location in the pay answer", file: file, line: line)
        return (answer.status, location)
    }

    /// Issue 13: the whole flow with a refund. Session, pay, verify the redirect, order status,
    /// refund part of it (pending), the refund settles (the emulator's `--refund-settle-ms`,
    /// 200 ms by default), the order status shows it; the same refund again is recognised and
    /// not made twice; more than is left is Juspay's `invalid.amount.exceeded`.
    func testPaidOrderRefundedEndToEnd() async throws {
        let client = try Client(config: emulator.config())
        let session = try await client.createSession(request: makeRequest(amount: "100.00"))
        let (_, location) = try await pay(session, outcome: "success")
        XCTAssertEqual(verifyReturnUrlSignatureFromQuery(urlOrQuery: location, responseKey: emulatorResponseKey), .valid)
        let paid = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        XCTAssertEqual(paid.status, .charged)
        XCTAssertEqual(checkOrderPayment(orderStatus: paid, expectedOrderId: session.orderId, expectedAmount: "100.00"), .paid)

        let refund = RefundRequest(
            orderId: session.orderId, uniqueRequestId: "rf\(session.orderId.suffix(12))", amount: "40.00",
            routingId: session.routingId)
        let refunded = try await client.createRefund(request: refund)
        let made = try XCTUnwrap(refunded.refunds.first { $0.uniqueRequestId == refund.uniqueRequestId }, "\(refunded.refunds)")
        XCTAssertTrue(amountsEqual(a: made.amount ?? "", b: "40.00"), "\(made)")
        XCTAssertTrue(["PENDING", "SUCCESS"].contains(made.status ?? ""), "\(made)")

        // The refund settles: poll the order status, as a merchant without webhooks would.
        var settled: OrderStatus?
        for _ in 0..<100 {
            let status = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
            if status.refunds.first(where: { $0.uniqueRequestId == refund.uniqueRequestId })?.status == "SUCCESS" {
                settled = status
                break
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let after = try XCTUnwrap(settled, "the refund never settled")
        // (`refunded` stays false for a partial refund: the emulator sets it for a full one.)
        XCTAssertTrue(amountsEqual(a: after.amountRefunded ?? "", b: "40.00"), "\(String(describing: after.amountRefunded))")
        let verdict = checkOrderPayment(orderStatus: after, expectedOrderId: session.orderId, expectedAmount: "100.00")
        guard case .partiallyRefunded = verdict else { return XCTFail("\(verdict)") }

        // The same unique_request_id again (a retry after a lost answer): the refund is found,
        // not made twice.
        let again = try client.createRefundBlocking(request: refund)
        XCTAssertEqual(again.refunds.filter { $0.uniqueRequestId == refund.uniqueRequestId }.count, 1)

        // More than is left: Juspay's refusal, typed.
        var tooMuch = refund
        tooMuch.uniqueRequestId = "rx\(session.orderId.suffix(12))"
        tooMuch.amount = "60.01"
        let error = await expectError { try await client.createRefund(request: tooMuch) }
        guard case .invalidRequest(let api)? = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(api.errorCode, "invalid.amount.exceeded")
    }

    /// Issue 13: a mandate session paid on the emulator registers an ACTIVE mandate; read it
    /// (async and blocking), debit it under a new order id (the execution settles CHARGED),
    /// revoke it (repeating the revoke is safe), and a debit on the revoked mandate is refused.
    func testMandateLifecycleEndToEnd() async throws {
        let client = try Client(config: emulator.config())
        var request = makeRequest(amount: "1.00")
        request.createMandate = .required
        request.mandate = Mandate(maxAmount: "500.00", frequency: .monthly, amountRule: .variable)
        let session = try await client.createSession(request: request)
        _ = try await pay(session, outcome: "success")
        let order = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        let mandateId = try XCTUnwrap(order.mandate?.mandateId, "no mandate on the paid order: \(order.rawJson)")
        let customerId = request.customerId

        let mandate = try await client.getMandate(mandateId: mandateId, routingId: customerId)
        XCTAssertEqual(mandate.status, .active)
        XCTAssertEqual(mandate.mandateId, mandateId)
        XCTAssertTrue(amountsEqual(a: mandate.maxAmount ?? "", b: "500.00"), "\(mandate)")
        XCTAssertEqual(try client.getMandateBlocking(mandateId: mandateId, routingId: customerId).status, .active)

        let debit = MandateExecution(
            orderId: uniqueOrderId("md"), amount: "120.00", customerId: customerId, mandateId: mandateId,
            executionDate: nil, currency: nil, routingId: customerId)
        let executed = try await client.executeMandate(execution: debit)
        XCTAssertEqual(executed.orderId, debit.orderId)
        var charged = false
        for _ in 0..<100 {
            let status = try await client.getOrderStatus(orderId: debit.orderId, routingId: customerId)
            if status.status == .charged {
                charged = true
                XCTAssertTrue(amountsEqual(a: status.amount ?? "", b: "120.00"))
                break
            }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        XCTAssertTrue(charged, "the mandate debit never settled")

        let revoked = try await client.revokeMandate(mandateId: mandateId, routingId: customerId)
        XCTAssertEqual(revoked.status, .revoked)
        XCTAssertEqual(try client.revokeMandateBlocking(mandateId: mandateId, routingId: customerId).status, .revoked)
        let reread = try await client.getMandate(mandateId: mandateId, routingId: customerId)
        XCTAssertEqual(reread.status, .revoked)

        var late = debit
        late.orderId = uniqueOrderId("mx")
        let error = expectError { try client.executeMandateBlocking(execution: late) }
        XCTAssertNotNil(error?.apiError, "\(String(describing: error))")
    }

    func testPaidOrderEndToEnd() async throws {
        let client = try Client(config: emulator.config())
        let request = makeRequest(amount: "100.10")
        let routing = routingId(request: request)
        let session = try await client.createSession(request: request)
        XCTAssertEqual(session.orderId, request.orderId)
        XCTAssertEqual(session.routingId, routing, "the session carries the x-routing-id it was created with")

        let (_, location) = try await pay(session, outcome: "success")
        XCTAssertTrue(location.hasPrefix("https://shop.merchant.com/return?"), location)

        // 1. The signed redirect.
        XCTAssertEqual(verifyReturnUrlSignatureFromQuery(urlOrQuery: location, responseKey: emulatorResponseKey), .valid)
        let params = queryParameters(location)
        XCTAssertEqual(params["order_id"], request.orderId)
        XCTAssertEqual(params["status"], "CHARGED")
        XCTAssertEqual(params["status_id"], "21")
        XCTAssertEqual(params["signature_algorithm"], "HMAC-SHA256")
        XCTAssertEqual(verifyReturnUrlSignature(params: params, responseKey: emulatorResponseKey), .valid)
        let tampered = location.replacingOccurrences(of: "status=CHARGED", with: "status=PENDING_VBV")
        XCTAssertNotEqual(tampered, location)
        XCTAssertEqual(verifyReturnUrlSignatureFromQuery(urlOrQuery: tampered, responseKey: emulatorResponseKey), .invalid)
        XCTAssertEqual(verifyReturnUrlSignatureFromQuery(urlOrQuery: location, responseKey: "another_key"), .invalid)
        var tamperedParams = params
        tamperedParams["order_id"] = uniqueOrderId("othr")
        XCTAssertEqual(verifyReturnUrlSignature(params: tamperedParams, responseKey: emulatorResponseKey), .invalid)

        // 2. The Order Status API, async and blocking.
        let order = try await client.getOrderStatus(orderId: request.orderId, routingId: session.routingId)
        let blocking = try client.getOrderStatusBlocking(orderId: request.orderId, routingId: session.routingId)
        for o in [order, blocking] {
            XCTAssertEqual(o.orderId, request.orderId)
            XCTAssertEqual(o.id, session.id)
            XCTAssertEqual(o.status, .charged)
            XCTAssertEqual(o.status.wireName(), "CHARGED")
            XCTAssertEqual(o.status.documentedId(), 21)
            XCTAssertTrue(o.status.isPaid())
            XCTAssertEqual(o.statusId, 21)
            XCTAssertTrue(amountsEqual(a: o.amount ?? "", b: request.amount), "amount \(o.amount ?? "nil")")
            XCTAssertTrue(o.rawJson.contains("\"txn_detail\""), o.rawJson)
            XCTAssertNotNil(o.txnDetail, "txn_detail is typed")
            XCTAssertEqual(o.refunds, [])
        }
        XCTAssertEqual(
            checkOrderPayment(orderStatus: order, expectedOrderId: request.orderId, expectedAmount: request.amount), .paid)
        XCTAssertFalse(amountsEqual(a: order.amount ?? "", b: "100.11"))

        // 3. The decision.
        XCTAssertEqual(
            checkPayment(
                redirectParams: params, responseKey: emulatorResponseKey, orderStatus: order,
                expectedOrderId: request.orderId, expectedAmount: request.amount, expectedCurrency: "INR"),
            .paid)
        let wrongAmount = checkPayment(
            redirectParams: params, responseKey: emulatorResponseKey, orderStatus: order,
            expectedOrderId: request.orderId, expectedAmount: "100.11")
        guard case .amountMismatch(let expected, let charged) = wrongAmount else {
            return XCTFail("wrong amount gave \(wrongAmount)")
        }
        XCTAssertEqual(expected, "100.11")
        XCTAssertTrue(amountsEqual(a: charged ?? "", b: "100.10"))
        let badSignature = checkPayment(
            redirectParams: tamperedParams, responseKey: emulatorResponseKey, orderStatus: order,
            expectedOrderId: request.orderId, expectedAmount: request.amount)
        XCTAssertEqual(badSignature, .badSignature(verdict: .invalid))
        let otherOrder = checkPayment(
            redirectParams: params, responseKey: emulatorResponseKey, orderStatus: order,
            expectedOrderId: uniqueOrderId("othr"), expectedAmount: request.amount)
        guard case .orderIdMismatch = otherOrder else { return XCTFail("another order id gave \(otherOrder)") }
    }

    func testFailedPaymentIsNotCharged() async throws {
        let client = try Client(config: emulator.config())
        let request = makeRequest(amount: "42.00")
        let session = try await client.createSession(request: request)
        let (_, location) = try await pay(session, outcome: "failure")

        // The failure redirect is signed too, and says so.
        XCTAssertEqual(verifyReturnUrlSignatureFromQuery(urlOrQuery: location, responseKey: emulatorResponseKey), .valid)
        let params = queryParameters(location)
        XCTAssertEqual(params["status"], "AUTHORIZATION_FAILED")

        let order = try await client.getOrderStatus(orderId: request.orderId, routingId: session.routingId)
        XCTAssertEqual(order.status, .authorizationFailed)
        XCTAssertNotEqual(order.status, .charged)
        XCTAssertFalse(order.status.isPaid())
        let blocking = try client.getOrderStatusBlocking(orderId: request.orderId, routingId: session.routingId)
        XCTAssertEqual(blocking.status, .authorizationFailed)
        XCTAssertEqual(
            checkPayment(
                redirectParams: params, responseKey: emulatorResponseKey, orderStatus: order,
                expectedOrderId: request.orderId, expectedAmount: request.amount),
            .notCharged(status: .authorizationFailed))
    }

    func testUnknownOrderIsNotFound() async throws {
        let client = try Client(config: emulator.config())
        let orderId = uniqueOrderId("none")
        let routing = "cust-\(orderId)"
        let error = await expectError { try await client.getOrderStatus(orderId: orderId, routingId: routing) }
        guard case .NotFound = error else { return XCTFail("unknown order gave \(String(describing: error))") }
        let blockingError = expectError { try client.getOrderStatusBlocking(orderId: orderId, routingId: routing) }
        guard case .NotFound = blockingError else { return XCTFail("unknown order gave \(String(describing: blockingError))") }
        XCTAssertEqual(blockingError?.httpStatus, error?.httpStatus)
        XCTAssertFalse(error?.bodyExcerpt?.isEmpty ?? true)
    }

    /// Order ids that would reach another endpoint ("." and ".." collapse in a URL path), that
    /// are too long, or hold control characters, and routing ids that cannot be a header, are
    /// `.Validation` errors; nothing is sent (issue 11, items 3, 4, 6).
    func testUnsafeOrderLookupsAreRefusedBeforeSending() async throws {
        let client = try Client(config: emulator.config())
        let before = try await emulator.stats(routingId: "").total
        let cases: [(String, String)] = [
            (".", "c1"), ("..", "c1"), (String(repeating: "a", count: 129), "c1"), ("bad\nid", "c1"),
            ("ok-order", "jos\u{e9}"), ("ok-order", "a\r\nb"),
        ]
        for (orderId, routing) in cases {
            let error = await expectError { try await client.getOrderStatus(orderId: orderId, routingId: routing) }
            guard case .Validation(let violations)? = error, !violations.isEmpty else {
                XCTFail("\(orderId.prefix(10)) / \(routing): \(String(describing: error))")
                continue
            }
            let blocking = expectError { try client.getOrderStatusBlocking(orderId: orderId, routingId: routing) }
            guard case .Validation? = blocking else {
                XCTFail("blocking \(orderId.prefix(10)) / \(routing): \(String(describing: blocking))")
                continue
            }
        }
        let after = try await emulator.stats(routingId: "").total
        XCTAssertEqual(after, before, "a refused lookup reached the emulator")
    }
}
