// The merchant-flow conformance vectors (docs/testdata.md, "Merchant flow"): every case of
// testdata/signatures.json, order_status.json and webhooks.json through the exported functions.

import Foundation
import HyperCheckout
import XCTest

final class MerchantFlowConformanceTests: XCTestCase {
    /// Loads a file and fails (rather than passing vacuously) if it has fewer cases than it has
    /// today: an emptied or truncated file must not make the suite green.
    private func cases(_ file: String, atLeast minimum: Int) throws -> [[String: Any]] {
        let cases = try loadCases(file)
        XCTAssertGreaterThanOrEqual(cases.count, minimum, "\(file): \(cases.count) cases, expected at least \(minimum)")
        return cases
    }

    private func verdictName(_ verdict: SignatureVerdict) -> String {
        switch verdict {
        case .valid: return "Valid"
        case .invalid: return "Invalid"
        case .missingSignature: return "MissingSignature"
        case .unsupportedAlgorithm: return "UnsupportedAlgorithm"
        }
    }

    func testSignatureVectors() throws {
        let cases = try cases("signatures.json", atLeast: 38)
        var failures: [String] = []
        var ran = (params: 0, query: 0)
        var verdicts: Set<String> = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            guard let key = c["response_key"] as? String, let want = c["verdict"] as? String else {
                failures.append("\(name): no response_key or verdict")
                continue
            }
            verdicts.insert(want)
            let got: SignatureVerdict
            if let params = c["params"] {
                guard let params = params as? [String: String] else {
                    failures.append("\(name): params are not all strings")
                    continue
                }
                got = verifyReturnUrlSignature(params: params, responseKey: key)
                ran.params += 1
            } else if let query = c["query"] as? String {
                got = verifyReturnUrlSignatureFromQuery(urlOrQuery: query, responseKey: key)
                ran.query += 1
            } else {
                failures.append("\(name): neither params nor query")
                continue
            }
            if verdictName(got) != want { failures.append("\(name): \(verdictName(got)) != \(want)") }
            XCTAssertEqual(got.isValid(), got == .valid, name)
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) signature vectors failed")
        XCTAssertEqual(ran.params + ran.query, cases.count)
        XCTAssertGreaterThan(ran.params, 0, "no params cases")
        XCTAssertGreaterThan(ran.query, 0, "no query cases")
        XCTAssertEqual(verdicts, ["Valid", "Invalid", "MissingSignature", "UnsupportedAlgorithm"])
    }

    func testOrderStatusVectors() throws {
        let cases = try cases("order_status.json", atLeast: 39)
        var failures: [String] = []
        var ran = (order: 0, error: 0)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            guard let status = (c["http_status"] as? NSNumber).map({ UInt16($0.intValue) }),
                let headers = (c["headers"] ?? [String: String]()) as? [String: String],
                let body = c["body"] as? String
            else {
                failures.append("\(name): bad case (http_status, headers, body)")
                continue
            }
            do {
                let order = try parseOrderStatusResponse(httpStatus: status, headers: headers, body: body)
                guard let want = c["order"] as? [String: Any] else {
                    failures.append("\(name): got \(order), want error \(c["error"] ?? "")")
                    continue
                }
                ran.order += 1
                failures += compareFields(name, orderFields(order), want)
                if order.rawJson != body { failures.append("\(name): raw_json is not the body") }
            } catch let error as HyperCheckoutError {
                guard var want = c["error"] as? [String: Any] else {
                    failures.append("\(name): threw \(error), want an order")
                    continue
                }
                ran.error += 1
                let wantKind = want.removeValue(forKey: "kind") as? String
                if kind(error) != wantKind {
                    failures.append("\(name): kind \(kind(error)) != \(wantKind ?? "nil") (\(error))")
                    continue
                }
                failures += compareFields(name, fields(error), want)
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) order-status vectors failed")
        XCTAssertEqual(ran.order + ran.error, cases.count)
        XCTAssertGreaterThan(ran.order, 0)
        XCTAssertGreaterThan(ran.error, 0)
    }

    func testWebhookVectors() throws {
        let cases = try cases("webhooks.json", atLeast: 23)
        var failures: [String] = []
        var ran = (auth: 0, body: 0)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            if let accepted = c["accepted"] as? Bool {
                guard let header = c["authorization"] as? String, let user = c["username"] as? String,
                    let password = c["password"] as? String
                else {
                    failures.append("\(name): bad auth case")
                    continue
                }
                ran.auth += 1
                let got = verifyWebhookAuth(authorizationHeader: header, username: user, password: password)
                if got != accepted { failures.append("\(name): accepted \(got) != \(accepted)") }
            } else if let body = c["body"] as? String {
                ran.body += 1
                do {
                    let event = try parseWebhook(body: body)
                    guard let want = c["event"] as? [String: Any] else {
                        failures.append("\(name): parsed to \(event), want error \(c["error"] ?? "")")
                        continue
                    }
                    failures += compareFields(name, eventFields(event), want)
                    if event.rawJson != body { failures.append("\(name): raw_json is not the body") }
                } catch HyperCheckoutError.Validation(let violations) {
                    guard let want = c["error"] as? [String: Any] else {
                        failures.append("\(name): threw Validation \(pairs(violations)), want an event")
                        continue
                    }
                    if want["kind"] as? String != "Validation" { failures.append("\(name): kind Validation != \(want["kind"] ?? "nil")") }
                    if pairs(violations) != pairs(want["violations"]) {
                        failures.append("\(name): \(pairs(violations)) != \(pairs(want["violations"]))")
                    }
                } catch {
                    failures.append("\(name): threw \(error)")
                }
            } else {
                failures.append("\(name): neither an auth case nor a body case")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) webhook vectors failed")
        XCTAssertEqual(ran.auth + ran.body, cases.count)
        XCTAssertGreaterThan(ran.auth, 0)
        XCTAssertGreaterThan(ran.body, 0)
    }

    private func orderFields(_ o: OrderStatus) -> [String: Any?] {
        var isKnown = true
        if case .unknown = o.status { isKnown = false }
        return [
            "order_id": o.orderId, "id": o.id, "status": o.status.wireName(), "known_status": isKnown,
            "status_id": o.statusId.map { Int($0) }, "amount": o.amount, "currency": o.currency,
            "customer_id": o.customerId, "udf1": o.udf1, "udf2": o.udf2, "udf3": o.udf3, "udf4": o.udf4,
            "udf5": o.udf5, "udf6": o.udf6, "udf7": o.udf7, "udf8": o.udf8, "udf9": o.udf9, "udf10": o.udf10,
        ]
    }

    private func eventFields(_ e: WebhookEvent) -> [String: Any?] {
        var isKnown = true
        if case .unknown = e.eventName { isKnown = false }
        return [
            "id": e.id, "event_name": e.eventName.wireName(), "known_event": isKnown, "date_created": e.dateCreated,
            "order": e.order.map { orderFields($0) },
        ]
    }
}
