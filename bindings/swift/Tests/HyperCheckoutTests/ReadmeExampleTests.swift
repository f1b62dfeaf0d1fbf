// The README example, compiled and run against the emulator, so the docs stay true.

import Foundation
import HyperCheckout
import XCTest

final class ReadmeExampleTests: XCTestCase {
    /// The quickstart that opens bindings/swift/README.md, as text: the test below runs these
    /// lines (the emulator's URL given to `fromEnvironment`, the only difference).
    static let quickstart = """
        import HyperCheckout

        let client = try Client(config: .fromEnvironment())  // JUSPAY_MERCHANT_ID + JUSPAY_API_KEY, else the local emulator
        let request = SessionRequest(orderId: "order-1001", amount: "100.00", customerId: "customer-42",
                                     paymentPageClientId: "your_client_id", returnUrl: "https://shop.example/return")
        do {
            let session = try await client.createSession(request: request)  // cancelling the Task cancels the call
            print(session.paymentLink)
        } catch let error as HyperCheckoutError {
            print(error.localizedDescription)  // "rate limited (HTTP 429): ... [request id ...]"
        }
        """

    func testQuickstart() async throws {
        let readme = try String(
            contentsOf: repoRoot.appendingPathComponent("bindings/swift/README.md"), encoding: .utf8)
        let opening = try XCTUnwrap(readme.components(separatedBy: "```swift\n").dropFirst().first)
        let block = try XCTUnwrap(opening.components(separatedBy: "\n```").first)
        XCTAssertEqual(block, Self.quickstart, "the README quickstart and this test differ")
        XCTAssertLessThanOrEqual(block.split(separator: "\n", omittingEmptySubsequences: false).count, 12)
        XCTAssertLessThan(readme.range(of: "```swift")!.lowerBound, readme.range(of: "## ")!.lowerBound,
                          "the quickstart must open the README")

        let emulator = try Emulator()
        defer { emulator.stop() }
        var printed: [String] = []
        func print(_ line: String) { printed.append(line) }
        // --- the quickstart, as written (no JUSPAY_* variables here: the emulator) ---
        let client = try Client(config: .fromEnvironment(emulatorUrl: emulator.url, processEnvironment: [:]))  // JUSPAY_MERCHANT_ID + JUSPAY_API_KEY, else the local emulator
        let request = SessionRequest(orderId: "order-1001", amount: "100.00", customerId: "customer-42",
                                     paymentPageClientId: "your_client_id", returnUrl: "https://shop.example/return")
        do {
            let session = try await client.createSession(request: request)  // cancelling the Task cancels the call
            print(session.paymentLink)
        } catch let error as HyperCheckoutError {
            print(error.localizedDescription)  // "rate limited (HTTP 429): ... [request id ...]"
        }
        // ---
        XCTAssertEqual(printed.count, 1)
        XCTAssertTrue(printed.first?.hasSuffix("/payment-page") ?? false, "\(printed)")
    }

    func testFromEnvironmentUsesTheCliVariablesElseTheEmulator() {
        let emulator = ClientConfig.fromEnvironment(processEnvironment: [:])
        XCTAssertEqual(emulator.baseUrl, "http://127.0.0.1:8080")
        XCTAssertEqual(emulator.merchantId, "emulator_merchant")
        let real = ClientConfig.fromEnvironment(
            processEnvironment: ["JUSPAY_MERCHANT_ID": "shop", "JUSPAY_API_KEY": "key_1"])
        XCTAssertEqual(real.merchantId, "shop")
        XCTAssertEqual(real.apiKey, "key_1")
        XCTAssertNil(real.baseUrl)
        XCTAssertEqual(real.environment, .sandbox)
        // Half-set credentials are not silently replaced by the emulator's: the client refuses them.
        let half = ClientConfig.fromEnvironment(processEnvironment: ["JUSPAY_API_KEY": "key_1"])
        XCTAssertThrowsError(try Client(config: half)) { error in
            XCTAssertTrue("\(error)".contains("merchant_id"), "\(error)")
        }
    }

    func testReadmeExample() async throws {
        let emulator = try Emulator()
        defer { emulator.stop() }

        let client = try Client(config: ClientConfig(
            merchantId: "emulator_merchant",
            apiKey: "emulator_api_key",
            environment: .sandbox,
            baseUrl: emulator.url
        ))

        var request = SessionRequest(
            orderId: uniqueOrderId("readme"),
            amount: "100.00",
            customerId: "customer-42",
            paymentPageClientId: "your_client_id",
            action: .paymentPage,
            customerEmail: "test@mail.com",
            returnUrl: "https://shop.merchant.com/return",
            metadata: ["JUSPAY:gateway_reference_id": "Merchant_test"]
        )
        request.udf1 = "loyalty gold"

        for v in validate(request: request) {
            print(v.field, v.code, v.message)
        }
        XCTAssertEqual(validate(request: request), [])

        var created: Session?
        do {
            let session = try await client.createSession(request: request)
            print(session.id, session.paymentLink)
            print(session.sdkPayloadJson)
            created = session
        } catch let error as HyperCheckoutError {
            switch error.kind {
            case .validation(let violations):
                print(violations.map { "\($0.field): \($0.code)" })
            case .rateLimited(let api):
                print(api.httpStatus, api.errorCode ?? "-", api.requestId ?? "-", api.retryAfterSeconds ?? 0)
            case .timeout(let reason):
                print("no complete answer in time (the request may have reached Juspay): \(reason)")
            default:
                print(error.localizedDescription, error.httpStatus ?? 0, error.requestId ?? "-")
            }
        }
        XCTAssertEqual(created?.orderId, request.orderId)
        let body = sessionRequestToJson(request: request)
        XCTAssertTrue(body.contains(#""udf1":"loyalty gold""#), body)
    }
}
