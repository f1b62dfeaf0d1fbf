// Encrypted mode (docs/encryption.md): the jose-sealed vectors of testdata/encryption.json, a
// session, order status and refund against the emulator's /v4 endpoints, spoiled answers
// refused as NotAuthentic, key checks, and no key material in any output.

import Foundation
import HyperCheckout
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

private let vectorsURL = testdataDir.appendingPathComponent("encryption.json")

private func loadVectors() throws -> [String: Any] {
    guard let data = FileManager.default.contents(atPath: vectorsURL.path),
        let root = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw TestSetupError(description: "\(vectorsURL.path) is missing") }
    return root
}

final class EncryptionTests: XCTestCase {
    private var vectors: [String: Any] = [:]
    private var k: [String: String] { vectors["keys"] as? [String: String] ?? [:] }

    override func setUpWithError() throws {
        vectors = try loadVectors()
    }

    private func keys(privatePem: String? = nil) -> EncryptionKeys {
        EncryptionKeys(
            merchantKeyId: k["merchant_key_id"]!, merchantPrivateKeyPem: privatePem ?? k["merchant_private_key_pem"]!,
            juspayKeyId: k["juspay_key_id"]!, juspayPublicKeyPem: k["juspay_public_key_pem"]!)
    }

    private func cases(_ name: String) -> [[String: Any]] { vectors[name] as? [[String: Any]] ?? [] }

    private func withField(_ field: String, _ value: String) -> EncryptionKeys {
        var bad = keys()
        switch field {
        case "merchant_key_id": bad.merchantKeyId = value
        case "merchant_private_key_pem": bad.merchantPrivateKeyPem = value
        case "juspay_key_id": bad.juspayKeyId = value
        default: bad.juspayPublicKeyPem = value
        }
        return bad
    }

    private func emulator(_ extra: [String] = []) throws -> Emulator {
        try Emulator(["--encryption-keys", vectorsURL.path] + extra)
    }

    private func config(_ emulator: Emulator, _ encryption: EncryptionKeys? = nil) -> ClientConfig {
        var config = emulator.config(apiKey: "")
        config.encryption = encryption ?? keys()
        return config
    }

    func testAnswerVectors() throws {
        let answers = cases("answers")
        XCTAssertGreaterThanOrEqual(answers.count, 20)
        for c in answers {
            let name = c["name"] as! String
            let body = c["body"] as! String
            for key in [keys(), keys(privatePem: k["merchant_private_key_pkcs1_pem"]!)] {
                if c["expect"] as? String == "ok" {
                    XCTAssertEqual(try decryptEncryptedAnswer(keys: key, body: body), c["plaintext"] as? String, name)
                } else {
                    let e = expectError({ try decryptEncryptedAnswer(keys: key, body: body) })
                    guard case .notAuthentic? = e?.kind else { return XCTFail("\(name): \(String(describing: e))") }
                }
            }
        }
    }

    func testWebhookVectors() throws {
        for c in cases("webhooks") {
            let name = c["name"] as! String
            let body = c["body"] as! String
            if c["expect"] as? String == "ok" {
                let event = try parseEncryptedWebhook(keys: keys(), body: body)
                XCTAssertEqual(event.eventName.wireName(), c["event_name"] as? String, name)
                XCTAssertEqual(event.order?.orderId, c["order_id"] as? String, name)
            } else {
                let e = expectError({ try parseEncryptedWebhook(keys: keys(), body: body) })
                guard case .notAuthentic? = e?.kind else { return XCTFail("\(name): \(String(describing: e))") }
            }
        }
    }

    func testWrongKeysAreConfigurationErrors() throws {
        let emu = try emulator()
        defer { emu.stop() }
        for c in cases("config_errors") {
            let bad = withField(c["field"] as! String, c["value"] as! String)
            let e = expectError({ try Client(config: self.config(emu, bad)) })
            guard case .configuration(let reason)? = e?.kind else { return XCTFail("\(c["name"]!): \(String(describing: e))") }
            XCTAssertTrue(reason.contains(c["reason_contains"] as! String), reason)
        }
    }

    private func pay(_ url: String, _ id: String) async throws {
        var request = URLRequest(url: URL(string: "\(url)/orders/\(id)/pay")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "content-type")
        request.httpBody = Data("outcome=success".utf8)
        final class NoRedirect: NSObject, URLSessionTaskDelegate {
            func urlSession(
                _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
            ) { completionHandler(nil) }
        }
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirect(), delegateQueue: nil)
        let (_, response) = try await session.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        XCTAssertTrue((200..<400).contains(status), "pay: \(status)")
    }

    func testSessionOrderStatusAndRefundInEncryptedMode() async throws {
        let emu = try emulator()
        defer { emu.stop() }
        let client = try Client(config: config(emu))
        let session = try await client.createSession(request: makeRequest(orderId: uniqueOrderId("senc")))
        let first = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        XCTAssertEqual(first.status, .new)
        try await pay(emu.url, session.id)
        let paid = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        XCTAssertEqual(paid.status, .charged)
        let refunded = try await client.createRefund(
            request: RefundRequest(
                orderId: session.orderId, uniqueRequestId: "rf-sw-enc", amount: "1.00", routingId: session.routingId))
        XCTAssertEqual(refunded.refunds.map(\.uniqueRequestId), ["rf-sw-enc"])
    }

    func testSpoiledAnswersAreRefusedAndNotRetried() async throws {
        for tamper in ["tag", "payload", "header", "kid", "signature", "alg-none", "wrong-key", "plain"] {
            let emu = try emulator(["--tamper", tamper])
            defer { emu.stop() }
            let client = try Client(config: config(emu))
            let request = makeRequest(orderId: uniqueOrderId("stmp"))
            let e = await expectError({ try await client.createSession(request: request) })
            guard case .notAuthentic(let reason)? = e?.kind else { return XCTFail("\(tamper): \(String(describing: e))") }
            XCTAssertTrue(reason.contains("HTTP 200"), reason)
            XCTAssertNil(e?.httpStatus)
            let count = try await emu.count(routingId: request.customerId)
            XCTAssertEqual(count, 1, "\(tamper): retried")
        }
    }

    func testNoKeyMaterialInAnyOutput() async throws {
        let emu = try emulator()
        defer { emu.stop() }
        var texts: [String] = []
        let config = config(emu)
        texts += everyText(config) + everyText(keys()) + everyText([keys()])
        XCTAssertTrue("\(keys())".contains("[redacted]"), "\(keys())")
        let client = try Client(config: config)
        texts += everyText(client)
        texts += everyText(try await client.createSession(request: makeRequest(orderId: uniqueOrderId("scan"))))
        var errors: [HyperCheckoutError] = []
        for tamper in ["tag", "signature", "plain"] {
            let bad = try emulator(["--tamper", tamper])
            defer { bad.stop() }
            let spoiled = try Client(config: self.config(bad))
            if let e = await expectError({ try await spoiled.createSession(request: makeRequest()) }) { errors.append(e) }
        }
        for c in cases("config_errors") {
            let bad = withField(c["field"] as! String, c["value"] as! String)
            if let e = expectError({ try Client(config: self.config(emu, bad)) }) { errors.append(e) }
        }
        for c in cases("webhooks") where c["expect"] as? String != "ok" {
            if let e = expectError({ try parseEncryptedWebhook(keys: keys(), body: c["body"] as! String) }) {
                errors.append(e)
            }
        }
        XCTAssertGreaterThanOrEqual(errors.count, 3 + cases("config_errors").count)
        for error in errors { texts += everyText(error) }
        let secrets = ["merchant_private_key_pem", "merchant_private_key_pkcs1_pem", "juspay_private_key_pem", "juspay_public_key_pem"]
            .flatMap { (k[$0] ?? "").split(separator: "\n").map(String.init) }
            .filter { !$0.hasPrefix("-----") && $0.count > 20 }
        XCTAssertGreaterThan(secrets.count, 40)
        for text in texts {
            for secret in secrets where text.contains(secret) { XCTFail("key material in: \(text.prefix(300))") }
            XCTAssertFalse(text.contains("KEY-----\n"), "a PEM in: \(text.prefix(300))")
        }
    }
}
