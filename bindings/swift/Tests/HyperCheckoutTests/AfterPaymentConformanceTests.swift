// Issue 13: the refund and mandate vectors (testdata/refunds.json, testdata/mandates.json,
// testdata/webhooks_refunds_mandates.json; schema in docs/testdata.md) through the Swift API,
// mirroring core/tests/conformance_after_payment.rs. Each test collects every mismatch of its
// file and fails once listing them all; each file must hold a minimum number of cases.

import Foundation
import HyperCheckout
import XCTest

private func text(_ value: Any?) -> String? { value as? String }

private func refundRequest(_ value: Any?) -> RefundRequest {
    let v = value as? [String: Any] ?? [:]
    return RefundRequest(
        orderId: text(v["order_id"]) ?? "", uniqueRequestId: text(v["unique_request_id"]) ?? "",
        amount: text(v["amount"]), routingId: text(v["routing_id"]) ?? "")
}

private func execution(_ value: Any?) -> MandateExecution {
    let v = value as? [String: Any] ?? [:]
    return MandateExecution(
        orderId: text(v["order_id"]) ?? "", amount: text(v["amount"]) ?? "", customerId: text(v["customer_id"]) ?? "",
        mandateId: text(v["mandate_id"]) ?? "", executionDate: text(v["execution_date"]), currency: text(v["currency"]),
        routingId: text(v["routing_id"]))
}

private func callJson(_ call: WireCall) -> [String: Any?] {
    [
        "method": call.method, "path": call.path, "content_type": call.contentType, "version": call.version,
        "routing_id": call.routingId, "body": call.body,
    ]
}

/// (field, code) pairs in order, as the vectors list them.
private func orderedPairs(_ violations: [Violation]) -> [[String]] { violations.map { [$0.field, $0.code] } }
private func orderedPairs(_ expected: Any?) -> [[String]] {
    ((expected as? [Any]) ?? []).map { ($0 as? [Any] ?? []).map { "\($0)" } }
}

private func headers(_ c: [String: Any]) -> [String: String] {
    (c["headers"] as? [String: Any] ?? [:]).mapValues { $0 as? String ?? "" }
}

/// The generated case's name, as core/tests/common/mod.rs `error_kind` spells it.
private func kindName(_ error: HyperCheckoutError) -> String {
    switch error.kind {
    case .validation: return "Validation"
    case .authentication: return "Authentication"
    case .invalidRequest: return "InvalidRequest"
    case .notFound: return "NotFound"
    case .rateLimited: return "RateLimited"
    case .server: return "Server"
    case .timeout: return "Timeout"
    case .connection: return "Connection"
    case .certificate: return "Certificate"
    case .unexpectedResponse: return "UnexpectedResponse"
    case .notAuthentic: return "NotAuthentic"
    case .configuration: return "Configuration"
    case .internal: return "Internal"
    }
}

private func errorJson(_ error: HyperCheckoutError) -> [String: Any?] {
    ["kind": kindName(error), "status": error.apiError?.status, "error_code": error.errorCode]
}

/// A value as JSON would hold it (nil -> NSNull, nested optionals flattened), so it compares
/// with what JSONSerialization read from the vector.
private func normalized(_ value: Any?) -> Any {
    guard let value else { return NSNull() }
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional {
        guard let inner = mirror.children.first?.value else { return NSNull() }
        return normalized(inner)
    }
    if let dict = value as? [String: Any?] { return dict.mapValues { normalized($0) } }
    if let array = value as? [Any?] { return array.map { normalized($0) } }
    return value
}

private func same(_ want: Any, _ got: Any) -> Bool {
    let w = try? JSONSerialization.data(withJSONObject: [want], options: [.sortedKeys])
    let g = try? JSONSerialization.data(withJSONObject: [normalized(got)], options: [.sortedKeys])
    guard let w, let g else { return false }
    // Re-read both so numbers and booleans compare the way JSONSerialization reads them.
    let wv = try? JSONSerialization.jsonObject(with: w) as? NSArray
    let gv = try? JSONSerialization.jsonObject(with: g) as? NSArray
    return wv != nil && wv == gv
}

/// Every key of `expected` must equal the same key of `actual`.
private func compare(_ problems: inout [String], _ name: String, _ expected: Any?, _ actual: [String: Any?]) {
    guard let keys = expected as? [String: Any] else { return problems.append("[\(name)] expectation is not an object") }
    for (key, want) in keys {
        let got: Any? = actual[key] ?? nil
        if !same(want, got as Any) { problems.append("[\(name)] \(key): expected \(want), got \(String(describing: got))") }
    }
}

final class AfterPaymentConformanceTests: XCTestCase {
    private func finish(_ file: String, _ problems: [String], _ checked: Int, minimum: Int) {
        XCTAssertGreaterThanOrEqual(checked, minimum, "\(file): only \(checked) cases")
        XCTAssertTrue(problems.isEmpty, "\(file): \(problems.count) mismatch(es):\n\(problems.joined(separator: "\n"))")
    }

    func testRefundVectors() throws {
        var problems: [String] = []
        let cases = try loadCases("refunds.json")
        for c in cases {
            let name = c["name"] as? String ?? "?"
            switch c["kind"] as? String {
            case "wire":
                compare(&problems, name, c["call"], callJson(refundCall(request: refundRequest(c["request"]))))
            case "validation":
                let got = orderedPairs(validateRefund(request: refundRequest(c["request"])))
                if got != orderedPairs(c["violations"]) { problems.append("[\(name)] violations: got \(got)") }
            case "answer":
                let body = c["body"] as? String ?? ""
                let status = UInt16((c["http_status"] as? NSNumber)?.intValue ?? 0)
                do {
                    let order = try parseOrderStatusResponse(httpStatus: status, headers: headers(c), body: body)
                    guard let want = c["order"] else { problems.append("[\(name)] parsed, an error was expected"); continue }
                    let refunds: [Any?] = order.refunds.map {
                        ["unique_request_id": $0.uniqueRequestId, "status": $0.status, "amount": $0.amount] as [String: Any?]
                    }
                    compare(&problems, name, want, [
                        "order_id": order.orderId, "status": order.status.wireName(),
                        "amount_refunded": order.amountRefunded, "refund_count": order.refunds.count, "refunds": refunds,
                    ])
                    if order.rawJson != body { problems.append("[\(name)] rawJson differs from the body") }
                } catch let error as HyperCheckoutError {
                    guard let want = c["error"] else { problems.append("[\(name)] unexpected error \(error)"); continue }
                    compare(&problems, name, want, errorJson(error))
                }
            case "find_refund":
                let order = try parseOrderStatusResponse(httpStatus: 200, headers: [:], body: c["order_body"] as? String ?? "")
                let found = findRefund(order: order, request: refundRequest(c["request"])) != nil
                if found != (c["found"] as? Bool) { problems.append("[\(name)] found: expected \(String(describing: c["found"]))") }
            default:
                problems.append("[\(name)] unknown kind \(String(describing: c["kind"]))")
            }
        }
        finish("refunds.json", problems, cases.count, minimum: 45)
    }

    func testMandateVectors() throws {
        var problems: [String] = []
        let cases = try loadCases("mandates.json")
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let args = c["args"] as? [String: Any] ?? [:]
            let arg = { (key: String) in args[key] as? String ?? "" }
            switch (c["kind"] as? String, c["call"] as? String) {
            case ("wire", let which?):
                let call: WireCall
                switch which {
                case "status": call = mandateStatusCall(mandateId: arg("mandate_id"), routingId: arg("routing_id"))
                case "revoke": call = revokeMandateCall(mandateId: arg("mandate_id"), routingId: arg("routing_id"))
                case "execute": call = executeMandateCall(execution: execution(args["execution"]), merchantId: arg("merchant_id"))
                default: problems.append("[\(name)] unknown call \(which)"); continue
                }
                compare(&problems, name, c["expect"], callJson(call))
            case ("validation", let which?):
                let got: [Violation]
                switch which {
                case "lookup": got = validateMandateLookup(mandateId: arg("mandate_id"), routingId: arg("routing_id"))
                case "execution": got = validateMandateExecution(execution: execution(args["execution"]))
                default: problems.append("[\(name)] unknown call \(which)"); continue
                }
                if orderedPairs(got) != orderedPairs(c["violations"]) {
                    problems.append("[\(name)] violations: got \(orderedPairs(got))")
                }
            case ("answer", _):
                let body = c["body"] as? String ?? ""
                let status = UInt16((c["http_status"] as? NSNumber)?.intValue ?? 0)
                let parse = c["parse"] as? String
                do {
                    let actual: [String: Any?]
                    switch parse {
                    case "mandate":
                        let m = try parseMandateResponse(httpStatus: status, headers: headers(c), body: body)
                        var known = true
                        if case .other = m.status { known = false }
                        if m.rawJson != body { problems.append("[\(name)] rawJson differs from the body") }
                        actual = [
                            "mandate_id": m.mandateId, "status": m.status.wireName(), "known_status": known,
                            "order_id": m.orderId, "customer_id": m.customerId, "max_amount": m.maxAmount,
                            "frequency": m.frequency, "amount_rule": m.amountRule, "start_date": m.startDate,
                            "end_date": m.endDate, "block_fund": m.blockFund, "revokable_by_customer": m.revokableByCustomer,
                            "currency": m.currency, "mandate_type": m.mandateType, "payment_method_type": m.paymentMethodType,
                        ]
                    case "execution":
                        let e = try parseMandateExecutionResponse(httpStatus: status, headers: headers(c), body: body)
                        var known = true
                        if case .unknown = e.status { known = false }
                        actual = [
                            "order_id": e.orderId, "status": e.status.wireName(), "known_status": known,
                            "txn_id": e.txnId, "txn_uuid": e.txnUuid, "authentication_url": e.authenticationUrl,
                            "authentication_method": e.authenticationMethod, "raw_json_is_body": e.rawJson == body,
                        ]
                    default:
                        problems.append("[\(name)] unknown parse \(String(describing: parse))"); continue
                    }
                    guard let want = c[parse ?? ""] else { problems.append("[\(name)] parsed, an error was expected"); continue }
                    compare(&problems, name, want, actual)
                } catch let error as HyperCheckoutError {
                    guard let want = c["error"] else { problems.append("[\(name)] unexpected error \(error)"); continue }
                    compare(&problems, name, want, errorJson(error))
                }
            default:
                problems.append("[\(name)] unknown kind \(String(describing: c["kind"]))")
            }
        }
        finish("mandates.json", problems, cases.count, minimum: 50)
    }

    func testRefundAndMandateWebhookVectors() throws {
        var problems: [String] = []
        let cases = try loadCases("webhooks_refunds_mandates.json")
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let body = c["body"] as? String ?? ""
            do {
                let event = try parseWebhook(body: body)
                var known = true
                if case .unknown = event.eventName { known = false }
                let refundStatuses: [Any?] = event.order?.refunds.map { $0.status } ?? []
                compare(&problems, name, c["event"], [
                    "id": event.id, "event_name": event.eventName.wireName(), "known_event": known,
                    "order_id": event.order?.orderId, "order_status": event.order?.status.wireName(),
                    "refund_statuses": refundStatuses, "mandate_id": event.mandate?.mandateId,
                    "mandate_status": event.mandate?.status.wireName(),
                ])
                if event.rawJson != body { problems.append("[\(name)] rawJson differs from the body") }
            } catch {
                problems.append("[\(name)] parse failed: \(error)")
            }
        }
        finish("webhooks_refunds_mandates.json", problems, cases.count, minimum: 20)
    }
}
