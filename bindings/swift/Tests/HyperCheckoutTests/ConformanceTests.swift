// The cross-language conformance vectors (testdata/, schema in docs/testdata.md), run through
// the exported functions, plus the validation vectors against the emulator.

import Foundation
import HyperCheckout
import XCTest

final class ConformanceTests: XCTestCase {
    static var emulator: Emulator?

    override class func tearDown() {
        emulator?.stop()
        emulator = nil
        super.tearDown()
    }

    func sharedEmulator() throws -> Emulator {
        if let emulator = Self.emulator { return emulator }
        let emulator = try Emulator()
        Self.emulator = emulator
        return emulator
    }

    /// Every conformance file (docs/testdata.md) must be there, and each one is run by this
    /// suite: a new file in testdata/ fails here until the Swift tests run it.
    func testConformanceFilesPresent() throws {
        let run: Set = [
            "validation.json", "parse_errors.json", "wire.json", "responses.json",  // ConformanceTests
            "signatures.json", "order_status.json", "webhooks.json",  // MerchantFlowConformanceTests
            "refunds.json", "mandates.json", "webhooks_refunds_mandates.json",  // AfterPaymentConformanceTests
            "encryption.json",  // EncryptionTests
            "redaction.json",  // StringFormsTests
        ]
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: testdataDir.path).filter { $0.hasSuffix(".json") })
        XCTAssertTrue(run.isSubset(of: files), "missing conformance files: \(run.subtracting(files).sorted())")
        XCTAssertEqual(files.subtracting(run).sorted(), [], "testdata files not run by the Swift suite")
    }

    func testValidationVectors() throws {
        let cases = try loadCases("validation.json")
        let raw = try rawCaseValues("validation.json", key: "request")
        XCTAssertEqual(raw.count, cases.count)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            do {
                let request = try parseSessionRequest(json: raw[name] ?? jsonText(c["request"]!))
                let got = pairs(validate(request: request))
                let want = pairs(c["violations"])
                if got != want { failures.append("\(name): got \(got), want \(want)") }
            } catch {
                failures.append("\(name): parseSessionRequest threw \(error)")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) validation vectors failed")
    }

    func testParseErrorVectors() throws {
        let cases = try loadCases("parse_errors.json")
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            do {
                let request = try parseSessionRequest(json: c["json"] as! String)
                failures.append("\(name): parsed to \(request)")
            } catch HyperCheckoutError.Validation(let violations) {
                let got = pairs(violations)
                let want = pairs(c["violations"])
                if got != want { failures.append("\(name): got \(got), want \(want)") }
            } catch {
                failures.append("\(name): threw \(error), want Validation")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) parse-error vectors failed")
    }

    func testWireVectors() throws {
        let cases = try loadCases("wire.json")
        let raw = try rawCaseValues("wire.json", key: "request")
        XCTAssertEqual(raw.count, cases.count)
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            do {
                let request = try parseSessionRequest(json: raw[name] ?? jsonText(c["request"]!))
                let body = try JSONSerialization.jsonObject(with: Data(sessionRequestToJson(request: request).utf8))
                if !jsonEqual(body, c["body"]) {
                    failures.append("\(name): body \(sessionRequestToJson(request: request)) != \(c["body"]!)")
                }
                let routing = routingId(request: request)
                if routing != c["routing_id"] as? String {
                    failures.append("\(name): routing id \(routing) != \(c["routing_id"] ?? "nil")")
                }
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) wire vectors failed")
    }

    func testResponseVectors() throws {
        let cases = try loadCases("responses.json")
        var failures: [String] = []
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let status = UInt16((c["http_status"] as! NSNumber).intValue)
            let headers = c["headers"] as? [String: String] ?? [:]
            let body = c["body"] as! String
            do {
                let session = try parseSessionResponse(httpStatus: status, headers: headers, body: body)
                guard let want = c["session"] as? [String: Any] else {
                    failures.append("\(name): got a session \(session), want error \(c["error"] ?? "")")
                    continue
                }
                failures += compareFields(name, sessionFields(session), want)
            } catch let error as HyperCheckoutError {
                guard var want = c["error"] as? [String: Any] else {
                    failures.append("\(name): threw \(error), want a session")
                    continue
                }
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
        XCTAssertEqual(failures, [], "\(failures.count) of \(cases.count) response vectors failed")
    }

    private func sessionFields(_ s: Session) -> [String: Any?] {
        let p = s.sdkPayload.payload
        return [
            "status": s.status, "id": s.id, "order_id": s.orderId, "payment_link": s.paymentLink,
            "sdk_payload_json": s.sdkPayloadJson,
            "sdk_payload": [
                "request_id": s.sdkPayload.requestId, "service": s.sdkPayload.service,
                "payload": [
                    "client_id": p.clientId, "amount": p.amount, "merchant_id": p.merchantId,
                    "client_auth_token": p.clientAuthToken, "client_auth_token_expiry": p.clientAuthTokenExpiry,
                    "environment": p.environment, "action": p.action, "customer_id": p.customerId,
                    "return_url": p.returnUrl, "currency": p.currency, "first_name": p.firstName,
                    "last_name": p.lastName, "customer_phone": p.customerPhone,
                    "customer_email": p.customerEmail, "order_id": p.orderId, "description": p.description,
                ] as [String: Any?],
            ] as [String: Any?],
        ]
    }

    /// The emulator implements Juspay's rules independently: every request the vectors call
    /// valid must create a session there. Its faithful (default) mode is the referee here: some
    /// vectors are valid because Juspay's own samples send them (udf1-5 with `-`, a return_url
    /// query, `quickPay`, paymentManagement without an order; issue 10), which strict mode, the
    /// Session page alone, refuses by design (docs/emulator.md, "Faithful and strict"). A case
    /// reusing an order id with another amount gets a fresh emulator (orders are remembered per
    /// order id).
    /// Valid for the client, refused or mis-answered by the emulator: disagreements between the
    /// core and the referee, reported to their owners (the same list as the Python suite's), so
    /// that any *other* disagreement still fails. Remove an entry once the two agree.
    static let knownEmulatorDisagreements: [String: String] = [:]

    func testValidVectorsAcceptedByEmulator() async throws {
        let valid = try loadCases("validation.json").filter { ($0["violations"] as? [Any])?.isEmpty ?? false }
        XCTAssertFalse(valid.isEmpty)
        let raw = try rawCaseValues("validation.json", key: "request")
        var emulator = try Emulator(strict: false)
        var client = try Client(config: emulator.config(maxRetries: 0))
        var amounts: [String: String] = [:]
        var failures: [String] = []
        for c in valid {
            let name = c["name"] as? String ?? "?"
            let request = try parseSessionRequest(json: raw[name] ?? jsonText(c["request"]!))
            if let seen = amounts[request.orderId], seen != request.amount {
                emulator.stop()
                emulator = try Emulator(strict: false)
                client = try Client(config: emulator.config(maxRetries: 0))
                amounts = [:]
            }
            amounts[request.orderId] = request.amount
            do {
                let session = try await client.createSession(request: request)
                if session.orderId != request.orderId { failures.append("\(name): order id \(session.orderId)") }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        emulator.stop()
        let unexpected = failures.filter { failure in
            !Self.knownEmulatorDisagreements.keys.contains { failure.hasPrefix("\($0):") }
        }
        XCTAssertEqual(unexpected, [], "\(unexpected.count) of \(valid.count) valid vectors were refused")
        let agreed = Set(Self.knownEmulatorDisagreements.keys).filter { name in !failures.contains { $0.hasPrefix("\(name):") } }
        if !agreed.isEmpty { print("warning: the emulator now agrees on \(agreed.sorted()): remove them from the list") }
    }

    /// Invalid requests throw `.Validation` with the vector's violations and never reach the
    /// server (the emulator counts every request).
    func testInvalidVectorsNeverSent() async throws {
        let invalid = try loadCases("validation.json").filter { !(($0["violations"] as? [Any])?.isEmpty ?? true) }
        XCTAssertFalse(invalid.isEmpty)
        let raw = try rawCaseValues("validation.json", key: "request")
        let emulator = try sharedEmulator()
        let client = try Client(config: emulator.config())
        let before = try await emulator.stats(routingId: "").total
        var failures: [String] = []
        for c in invalid {
            let name = c["name"] as? String ?? "?"
            let request = try parseSessionRequest(json: raw[name] ?? jsonText(c["request"]!))
            do {
                _ = try await client.createSession(request: request)
                failures.append("\(name): was sent")
            } catch HyperCheckoutError.Validation(let violations) {
                if pairs(violations) != pairs(c["violations"]) {
                    failures.append("\(name): \(pairs(violations)) != \(pairs(c["violations"]))")
                }
            } catch {
                failures.append("\(name): threw \(error)")
            }
        }
        XCTAssertEqual(failures, [])
        let after = try await emulator.stats(routingId: "").total
        XCTAssertEqual(after, before, "invalid requests reached the emulator")
    }
}
