// Create a HyperCheckout session with the Swift binding, async and blocking.
//
// Runs against the local emulator:
//
//     cargo run -p hypercheckout-emulator &      # prints: listening on http://127.0.0.1:PORT
//     swift run CreateSession --base-url http://127.0.0.1:PORT
//
// Credentials come from JUSPAY_MERCHANT_ID and JUSPAY_API_KEY (the same variables as the
// `hypercheckout` CLI), sent to the Juspay sandbox; without them the local emulator is used
// (never the real sandbox with made-up keys). --base-url / HYPERCHECKOUT_BASE_URL is the
// emulator's URL (default http://127.0.0.1:8080), or an endpoint override for real
// credentials; --client-id / HYPERCHECKOUT_CLIENT_ID the payment page client id. Exits
// non-zero on failure.

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
        var config = ClientConfig.fromEnvironment(
            emulatorUrl: option("base-url", env: "HYPERCHECKOUT_BASE_URL", default: "http://127.0.0.1:8080")!,
            baseUrl: ProcessInfo.processInfo.environment["JUSPAY_API_KEY"] == nil
                ? nil : option("base-url", env: "HYPERCHECKOUT_BASE_URL"))
        config.appName = "create-session-example"
        config.appVersion = sdkVersion()
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
        } catch let error as HyperCheckoutError {
            // The text is the core's sentence (request id included); `kind` says what to do.
            switch error.kind {
            case .validation(let violations):
                for v in violations { print("invalid: \(v.field): \(v.code): \(v.message)") }
            case .rateLimited(let api):
                print("failed: \(error.localizedDescription) (retry after \(api.retryAfterSeconds ?? 1) s)")
            default:
                print("failed: \(error.localizedDescription)")
            }
            exit(1)
        } catch {
            print("failed: \(error)")
            exit(1)
        }
    }
}
