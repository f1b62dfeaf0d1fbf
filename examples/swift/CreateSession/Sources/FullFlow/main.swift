// The merchant's whole flow with the Swift binding: create a session, the customer pays,
// verify the signed redirect, read the order status, refund part of it, wait for the refund
// to settle, read the order status again.
//
// Against the local emulator (the default: no JUSPAY_MERCHANT_ID / JUSPAY_API_KEY set) the
// example also plays the customer, paying on the emulator's payment page:
//
//     cargo run -p hypercheckout-emulator &      # prints: listening on http://127.0.0.1:PORT
//     swift run FullFlow --base-url http://127.0.0.1:PORT
//
// With real credentials (JUSPAY_MERCHANT_ID, JUSPAY_API_KEY: the CLI's variables; sandbox)
// nobody can pay from here: pass a paid order (--order-id ID --routing-id R) and its response
// key (--response-key, for the redirect check: skipped without it), and the example reads,
// refunds and re-reads that order. Exits non-zero on failure.

import Foundation
import HyperCheckout

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

func option(_ name: String, env: String? = nil, default fallback: String? = nil) -> String? {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
    return env.flatMap { ProcessInfo.processInfo.environment[$0] } ?? fallback
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("failed: \(message)\n".utf8))
    exit(1)
}

/// Refuses the redirect, so the emulator's 302 (and its signed Location) is the answer.
final class NoRedirect: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}

/// The customer pays on the emulator's payment page: `POST /orders/{id}/pay`. Returns the
/// redirect URL the browser would be sent to (the merchant's return URL, signed).
func payOnEmulator(baseUrl: String, session: Session) async throws -> String {
    var request = URLRequest(url: URL(string: "\(baseUrl)/orders/\(session.id)/pay")!, timeoutInterval: 10)
    request.httpMethod = "POST"
    request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data("outcome=success".utf8)
    let urlSession = URLSession(configuration: .ephemeral, delegate: NoRedirect(), delegateQueue: nil)
    defer { urlSession.finishTasksAndInvalidate() }
    let response: URLResponse = try await withCheckedThrowingContinuation { continuation in
        urlSession.dataTask(with: request) { _, response, error in
            if let response { continuation.resume(returning: response) } else {
                continuation.resume(throwing: error ?? URLError(.badServerResponse))
            }
        }.resume()
    }
    guard let http = response as? HTTPURLResponse, http.statusCode == 302,
        let location = http.value(forHTTPHeaderField: "Location")
    else { throw URLError(.badServerResponse) }
    return location
}

func describe(_ order: OrderStatus) -> String {
    let refunds = order.refunds.map { "\($0.uniqueRequestId ?? "?"):\($0.amount ?? "?"):\($0.status ?? "?")" }
    return "\(order.status.wireName()) amount \(order.amount ?? "?") refunded \(order.amountRefunded ?? "0") refunds \(refunds)"
}

@main
struct FullFlow {
    static func main() async {
        let env = ProcessInfo.processInfo.environment
        let onEmulator = (env["JUSPAY_MERCHANT_ID"] ?? "").isEmpty && (env["JUSPAY_API_KEY"] ?? "").isEmpty
        let baseUrl = option("base-url", env: "HYPERCHECKOUT_BASE_URL", default: onEmulator ? "http://127.0.0.1:8080" : nil)
        let config = ClientConfig.fromEnvironment(emulatorUrl: baseUrl ?? "", baseUrl: onEmulator ? nil : baseUrl)
        do {
            let client = try Client(config: config)
            let orderId: String
            let routingId: String
            let amount: String
            if onEmulator {
                // 1. The session (the merchant's backend), 2. the customer pays (the emulator).
                let request = SessionRequest(
                    orderId: "ff-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased(),
                    amount: "100.00", customerId: "customer-42", paymentPageClientId: "your_client_id",
                    returnUrl: "https://shop.example/return")
                let session = try await client.createSession(request: request)
                print("session: \(session.orderId) -> \(session.paymentLink)")
                let redirect = try await payOnEmulator(baseUrl: baseUrl ?? "", session: session)
                // 3. The signed redirect: a hint to look, never proof of payment.
                let verdict = verifyReturnUrlSignatureFromQuery(urlOrQuery: redirect, responseKey: "emulator_response_key")
                print("redirect signature: \(verdict)")
                guard verdict == .valid else { fail("the redirect's signature is \(verdict)") }
                orderId = session.orderId
                routingId = session.routingId
                amount = request.amount
            } else {
                guard let id = option("order-id"), let routing = option("routing-id") else {
                    fail("with real credentials, pass a paid order: --order-id ID --routing-id R")
                }
                orderId = id
                routingId = routing
                amount = option("amount") ?? ""
            }

            // 4. The order status: the authoritative answer.
            let order = try await client.getOrderStatus(orderId: orderId, routingId: routingId)
            print("order status: \(describe(order))")
            let expected = amount.isEmpty ? (order.amount ?? "") : amount
            let payment = checkOrderPayment(orderStatus: order, expectedOrderId: orderId, expectedAmount: expected)
            print("payment verdict: \(payment)")
            guard payment == .paid else { fail("the order is not paid: \(payment)") }

            // 5. Refund part of it. Keep the unique request id: repeating it is safe.
            let refund = RefundRequest(
                orderId: orderId, uniqueRequestId: "rf" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16),
                amount: "40.00", routingId: routingId)
            let afterRefund = try await client.createRefund(request: refund)
            print("refund created: \(describe(afterRefund))")

            // 6. The refund settles (webhook ORDER_REFUNDED, or poll as here).
            for _ in 0..<60 {
                let now = try await client.getOrderStatus(orderId: orderId, routingId: routingId)
                if let mine = now.refunds.first(where: { $0.uniqueRequestId == refund.uniqueRequestId }),
                    mine.status != "PENDING"
                {
                    print("refund settled: \(mine.status ?? "?")")
                    // 7. The order status shows it.
                    print("order status after refund: \(describe(now))")
                    let verdict = checkOrderPayment(orderStatus: now, expectedOrderId: orderId, expectedAmount: expected)
                    print("payment verdict after refund: \(verdict)")
                    return
                }
                try await Task.sleep(nanoseconds: 500_000_000)
            }
            fail("the refund did not settle in 30 s")
        } catch let error as HyperCheckoutError {
            fail(error.localizedDescription)  // the core's sentence, request id included
        } catch {
            fail("\(error)")
        }
    }
}
