// The README example, compiled and run against the emulator, so the docs stay true.

import Foundation
import HyperCheckout
import XCTest

final class ReadmeExampleTests: XCTestCase {
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
        } catch HyperCheckoutError.Validation(let violations) {
            print(violations.map { "\($0.field): \($0.code)" })
        } catch HyperCheckoutError.RateLimited(let status, _, let code, _, _, let requestId, _, _, let retryAfter) {
            print(status, code ?? "-", requestId ?? "-", retryAfter ?? 0)
        } catch HyperCheckoutError.Timeout(let reason) {
            print("no complete answer in time (the request may have reached Juspay): \(reason)")
        } catch let error as HyperCheckoutError {
            print(error, error.httpStatus ?? 0, error.requestId ?? "-")
        }
        XCTAssertEqual(created?.orderId, request.orderId)
        let body = sessionRequestToJson(request: request)
        XCTAssertTrue(body.contains(#""udf1":"loyalty gold""#), body)
    }
}
