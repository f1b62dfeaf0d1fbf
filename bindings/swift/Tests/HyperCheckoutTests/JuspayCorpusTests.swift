// Juspay's own published bodies (testdata/juspay/, formats in its README.md) through the
// exported functions, with their typed fields checked. Mirrors core/tests/conformance_juspay.rs:
// every session request in Juspay's samples builds, validates as the corpus says and goes on
// the wire as published; every session answer, order status, error body and webhook parses
// with its typed fields right; `checkOrderPayment` is right for every order.

import Foundation
import HyperCheckout
import XCTest

final class JuspayCorpusTests: XCTestCase {
    /// The files bindings run (official_sdk_requests.json is the emulator's: it replays them).
    static let files = [
        "session_requests.json": 58, "session_responses.json": 22, "order_status.json": 164,
        "errors.json": 25, "webhooks.json": 91,
    ]

    private func cases(_ file: String) throws -> [[String: Any]] {
        let cases = try loadCases("juspay/\(file)")
        XCTAssertGreaterThanOrEqual(cases.count, Self.files[file] ?? 1, "\(file) lost cases")
        return cases
    }

    /// A new corpus file fails here until this suite runs it.
    func testCorpusFilesAllRun() throws {
        let dir = testdataDir.appendingPathComponent("juspay").path
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") })
        XCTAssertEqual(present.subtracting(Self.files.keys).subtracting(["official_sdk_requests.json"]).sorted(), [])
        XCTAssertEqual(Set(Self.files.keys).subtracting(present).sorted(), [])
    }

    func testSessionRequestsBuildValidateAndGoOutAsPublished() throws {
        let file = "session_requests.json"
        let cases = try cases(file)
        let raw = try rawCaseValues("juspay/\(file)", key: "request")
        XCTAssertEqual(raw.count, cases.count)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            guard let text = raw[name] else {
                failures.append("[\(name)] no request text")
                continue
            }
            // Problems found while reading count as violations too (as `hypercheckout validate`).
            var request: SessionRequest?
            var violations: [Violation]
            do {
                let parsed = try parseSessionRequest(json: text)
                request = parsed
                violations = validate(request: parsed)
            } catch let error as HyperCheckoutError {
                violations = error.violations
                if violations.isEmpty { failures.append("[\(name)] parseSessionRequest threw \(error)") }
            }
            if pairs(violations) != pairs(c["violations"]) {
                failures.append("[\(name)] violations \(pairs(violations)) != \(pairs(c["violations"]))")
            }
            guard let request else { continue }
            let sent = sessionRequestToJson(request: request)
            let want = try expectedWire(c, requestText: text)
            let body = try JSONSerialization.jsonObject(with: Data(sent.utf8))
            if !jsonEqual(body, want) { failures.append("[\(name)] wire body \(sent) != \(try jsonText(want))") }
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatch(es) in \(cases.count) case(s) of \(file)")
    }

    /// The case's `wire`, else the request itself with an `amount` given as a JSON number sent
    /// as the text of that number, and the default action made explicit.
    private func expectedWire(_ c: [String: Any], requestText: String) throws -> Any {
        if let wire = c["wire"] { return wire }
        guard var body = c["request"] as? [String: Any] else { throw TestSetupError(description: "request is not an object") }
        let scanner = RawJSONScanner(bytes: Array(requestText.utf8))
        if let amount = try scanner.members(ofObjectAt: 0).first(where: { $0.key == "amount" }) {
            let literal = scanner.text(amount.range)
            if !literal.hasPrefix("\""), body["amount"] is NSNumber { body["amount"] = literal }
        }
        if body["action"] == nil { body["action"] = "paymentPage" }
        return body
    }

    func testSessionAnswersExposeTheirExpiries() throws {
        let file = "session_responses.json"
        let cases = try cases(file)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let status = UInt16((c["http_status"] as? NSNumber)?.intValue ?? 200)
            let body = c["body"] as? String ?? ""
            let session: Session
            do {
                session = try parseSessionResponse(httpStatus: status, headers: [:], body: body)
            } catch {
                failures.append("[\(name)] does not parse: \(error)")
                continue
            }
            let got: [String: Any?] = [
                "id": session.id, "order_id": session.orderId, "status": session.status,
                "payment_link": session.paymentLink, "payment_links_expiry": session.paymentLinkExpiry,
                "order_expiry": session.orderExpiry, "sdk_payload_expiry": session.sdkPayload.expiry,
                "client_auth_token_expiry": session.sdkPayload.payload.clientAuthTokenExpiry,
            ]
            failures += compareJSON(name, got, c["session"])
            let rawBody = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            let payload = try? JSONSerialization.jsonObject(with: Data(session.sdkPayloadJson.utf8))
            if !jsonEqual(payload, rawBody?["sdk_payload"]) {
                failures.append("[\(name)] sdk_payload_json is not the body's sdk_payload")
            }
            XCTAssertEqual(session.routingId, "", "\(name): a parsed answer has no routing id of its own")
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatch(es) in \(cases.count) case(s) of \(file)")
    }

    func testOrderStatusesTypeWhatAMerchantActsOn() throws {
        let file = "order_status.json"
        let cases = try cases(file)
        var failures: [String] = []
        var verdicts: [String: Int] = [:]
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let status = UInt16((c["http_status"] as? NSNumber)?.intValue ?? 200)
            let body = c["body"] as? String ?? ""
            let order: OrderStatus
            do {
                order = try parseOrderStatusResponse(httpStatus: status, headers: [:], body: body)
            } catch {
                failures.append("[\(name)] does not parse: \(error)")
                continue
            }
            if order.rawJson != body { failures.append("[\(name)] raw_json is not the body") }
            failures += compareJSON(name, orderFields(order), c["order"])
            if let want = (c["check"] as? [String: Any])?["verdict"] as? String, let amount = order.amount {
                let verdict = verdictName(
                    checkOrderPayment(orderStatus: order, expectedOrderId: order.orderId, expectedAmount: amount))
                verdicts[verdict, default: 0] += 1
                if verdict != want { failures.append("[\(name)] verdict: expected \(want), got \(verdict)") }
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatch(es) in \(cases.count) case(s) of \(file)")
        // Every verdict the corpus holds was reached (refunds included).
        XCTAssertEqual(
            Set(verdicts.keys), ["paid", "refunded", "partially_refunded", "partially_charged", "not_charged"],
            "\(verdicts)")
    }

    func testErrorBodiesKeepEverythingJuspaySaid() throws {
        let file = "errors.json"
        let cases = try cases(file)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let status = UInt16((c["http_status"] as? NSNumber)?.intValue ?? 400)
            let body = c["body"] as? String ?? ""
            let caught: HyperCheckoutError?
            do {
                if c["endpoint"] as? String == "order_status" {
                    _ = try parseOrderStatusResponse(httpStatus: status, headers: [:], body: body)
                } else {
                    _ = try parseSessionResponse(httpStatus: status, headers: [:], body: body)
                }
                caught = nil
            } catch let error as HyperCheckoutError {
                caught = error
            }
            guard let error = caught else {
                failures.append("[\(name)] parsed as a success")
                continue
            }
            let got = fields(error)
            failures += compareJSON(name, got, c["error"])
            let excerpt = String(String.UnicodeScalarView(body.unicodeScalars.prefix(512)))
            if got["body_excerpt"] as? String != excerpt {
                failures.append("[\(name)] body_excerpt is not the body's first 512 characters: \(kind(error))")
            }
            XCTAssertEqual(error.bodyExcerpt, excerpt, name)
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatch(es) in \(cases.count) case(s) of \(file)")
    }

    func testWebhooksOfEveryEventParse() throws {
        let file = "webhooks.json"
        let cases = try cases(file)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let body = c["body"] as? String ?? ""
            let event: WebhookEvent
            do {
                event = try parseWebhook(body: body)
            } catch {
                failures.append("[\(name)] does not parse: \(error)")
                continue
            }
            let got: [String: Any?] = [
                "id": event.id, "event_name": event.eventName.wireName(), "date_created": event.dateCreated,
                "order_id": event.order?.orderId, "order_status": event.order?.status.wireName(),
                "refund_count": event.order.map { $0.refunds.count },
            ]
            failures += compareJSON(name, got, c["event"])
        }
        XCTAssertEqual(failures, [], "\(failures.count) mismatch(es) in \(cases.count) case(s) of \(file)")
    }

    // MARK: helpers

    /// The order's typed fields under the corpus's names.
    private func orderFields(_ o: OrderStatus) -> [String: Any?] {
        [
            "order_id": o.orderId, "id": o.id, "status": o.status.wireName(), "status_id": o.statusId,
            "amount": o.amount, "currency": o.currency, "customer_id": o.customerId, "refunded": o.refunded,
            "amount_refunded": o.amountRefunded, "effective_amount": o.effectiveAmount, "txn_id": o.txnId,
            "txn_uuid": o.txnUuid, "gateway_id": o.gatewayId, "gateway_reference_id": o.gatewayReferenceId,
            "auth_type": o.authType, "payment_method": o.paymentMethod, "payment_method_type": o.paymentMethodType,
            "card_last_four": o.card?.lastFourDigits, "card_brand": o.card?.cardBrand, "card_type": o.card?.cardType,
            "card_issuer_country": o.card?.cardIssuerCountry, "payer_vpa": o.payerVpa,
            "refund_count": o.refunds.count,
            "refunds": o.refunds.map { r -> [String: Any?] in
                [
                    "unique_request_id": r.uniqueRequestId, "id": r.id, "reference": r.reference, "status": r.status,
                    "amount": r.amount, "sent_to_gateway": r.sentToGateway, "refund_type": r.refundType,
                    "error_code": r.errorCode, "error_message": r.errorMessage,
                ]
            },
            "txn_detail": o.txnDetail.map { t -> [String: Any?] in
                [
                    "txn_id": t.txnId, "txn_uuid": t.txnUuid, "gateway": t.gateway, "status": t.status,
                    "error_code": t.errorCode, "error_message": t.errorMessage,
                ]
            },
        ]
    }

    private func verdictName(_ verdict: PaymentVerdict) -> String {
        switch verdict {
        case .paid: return "paid"
        case .refunded: return "refunded"
        case .partiallyRefunded: return "partially_refunded"
        case .partiallyCharged: return "partially_charged"
        case .notCharged: return "not_charged"
        default: return "other: \(verdict)"
        }
    }

    /// Compares every key of `want` (a JSON object) with `got`; a key `got` lacks counts as null.
    private func compareJSON(_ name: String, _ got: [String: Any?], _ want: Any?) -> [String] {
        guard let want = want as? [String: Any] else { return ["[\(name)] expectation is not an object"] }
        return want.keys.sorted().compactMap { key in
            let value = asJSON(got[key] ?? nil)
            guard !jsonEqual(value, want[key]) else { return nil }
            return "[\(name)] \(key): expected \((try? jsonText(want[key]!)) ?? "?"), got \((try? jsonText(value)) ?? "\(value)")"
        }
    }
}

/// A Swift value (optionals, strings, integers, booleans, arrays, dictionaries) as the JSON
/// value JSONSerialization would give: nil is NSNull, numbers and booleans are NSNumber.
func asJSON(_ value: Any?) -> Any {
    guard let value else { return NSNull() }
    let mirror = Mirror(reflecting: value)
    if mirror.displayStyle == .optional {
        guard let wrapped = mirror.children.first?.value else { return NSNull() }
        return asJSON(wrapped)
    }
    switch value {
    case let b as Bool: return NSNumber(value: b)
    case let s as String: return s
    case let i as Int: return NSNumber(value: i)
    case let i as Int64: return NSNumber(value: i)
    case let i as UInt16: return NSNumber(value: i)
    case let i as UInt64: return NSNumber(value: i)
    case let d as [String: Any?]: return d.mapValues { asJSON($0) }
    case let d as [String: Any]: return d.mapValues { asJSON($0) }
    case let a as [Any?]: return a.map { asJSON($0) }
    case let a as [Any]: return a.map { asJSON($0) }
    default: return "\(value)"
    }
}
