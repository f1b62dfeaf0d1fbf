// Create a HyperCheckout session with the Swift binding, async and blocking.
//
// Runs against the local emulator:
//
//     cargo run -p hypercheckout-emulator &      # prints: listening on http://127.0.0.1:PORT
//     swift run CreateSession --base-url http://127.0.0.1:PORT
//
// Configuration comes from arguments (--base-url, --merchant-id, --api-key, --client-id) or
// the environment: HYPERCHECKOUT_BASE_URL, HYPERCHECKOUT_MERCHANT_ID, HYPERCHECKOUT_API_KEY,
// HYPERCHECKOUT_CLIENT_ID. Without a base URL the Juspay sandbox is used. Exits non-zero on
// failure.

import Foundation
import HyperCheckout

func option(_ name: String, env: String, default fallback: String? = nil) -> String? {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
    return ProcessInfo.processInfo.environment[env] ?? fallback
}

func buildRequest(clientId: String) -> SessionRequest {
    let orderId = "ex-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
    return SessionRequest(
        orderId: orderId,
        amount: "100.00",
        customerId: "customer-42",
        paymentPageClientId: clientId,
        action: .paymentPage,
        customerEmail: "test@mail.com",
        customerPhone: "9876543210",
        returnUrl: "https://shop.merchant.com/return",
        firstName: "John",
        lastName: "Wick",
        description: "Complete your payment",
        metadata: ["JUSPAY:gateway_reference_id": "Merchant_test"]
    )
}

@main
struct CreateSession {
    static func main() async {
        let clientId = option("client-id", env: "HYPERCHECKOUT_CLIENT_ID", default: "your_client_id")!
        let config = ClientConfig(
            merchantId: option("merchant-id", env: "HYPERCHECKOUT_MERCHANT_ID", default: "emulator_merchant")!,
            apiKey: option("api-key", env: "HYPERCHECKOUT_API_KEY", default: "emulator_api_key")!,
            environment: .sandbox,
            baseUrl: option("base-url", env: "HYPERCHECKOUT_BASE_URL"),
            appName: "create-session-example",
            appVersion: sdkVersion()
        )
        print("hypercheckout \(sdkVersion()); config: \(config)")  // Rust Debug: the API key prints as [redacted]

        // Validation happens in Rust before anything is sent.
        var invalid = buildRequest(clientId: clientId)
        invalid.amount = "100.999"
        for violation in validate(request: invalid) {
            print("invalid on purpose: \(violation.field): \(violation.code): \(violation.message)")
        }

        do {
            let client = try Client(config: config)
            let session = try await client.createSession(request: buildRequest(clientId: clientId))
            print("async:    \(session.orderId) -> \(session.id) \(session.paymentLink)")
            let blocking = try client.createSessionBlocking(request: buildRequest(clientId: clientId))
            print("blocking: \(blocking.orderId) -> \(blocking.id) \(blocking.paymentLink)")
            print("sdk_payload for the mobile SDK: \(session.sdkPayloadJson.prefix(80))...")

            // After the customer pays: read the order with the routing id the session was
            // created with, and decide. Unpaid here, so the verdict is "not charged".
            let order = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
            let verdict = checkOrderPayment(orderStatus: order, expectedOrderId: session.orderId, expectedAmount: "100.00")
            print("order status: \(order.status.wireName()) refunds: \(order.refunds.count) verdict: \(verdict)")
        } catch HyperCheckoutError.Validation(let violations) {
            for v in violations { print("invalid: \(v.field): \(v.code): \(v.message)") }
            exit(1)
        } catch let error as HyperCheckoutError {
            // Every variant carries what support needs: HTTP status, Juspay's codes, request id.
            print("failed: \(error) (http status: \(error.httpStatus.map(String.init) ?? "-"), "
                + "request id: \(error.requestId ?? "-"))")
            exit(1)
        } catch {
            print("failed: \(error)")
            exit(1)
        }
    }
}
