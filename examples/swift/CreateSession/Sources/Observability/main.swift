// The SDK's log records in your logging, and request metrics from its events.
//
//     swift run Observability --base-url http://127.0.0.1:PORT     # against the emulator
//
// Against the emulator the first attempt is answered 429 (Retry-After: 0): the log shows the
// attempt, the retry with its wait, and the answer; the counters show 3 attempts (429, 200,
// the order status). On Apple platforms `HyperCheckoutObservability.useOSLog()` sends the
// records to os.Logger instead; with swift-log, forward them in the handler. Exits non-zero
// on failure.

import Foundation
import HyperCheckout

func option(_ name: String, env: String, default fallback: String? = nil) -> String? {
    let args = CommandLine.arguments
    if let i = args.firstIndex(of: "--\(name)"), i + 1 < args.count { return args[i + 1] }
    return ProcessInfo.processInfo.environment[env] ?? fallback
}

/// A plain dictionary of counters and a latency sum, as a metrics library would hold them.
/// The listener runs on the SDK's delivery thread, hence the lock.
final class Metrics: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var counts: [String: Int] = [:]
    private(set) var latencyMsTotal = 0.0

    func record(_ event: RequestEvent) {
        let status = event.httpStatus.map(String.init) ?? event.errorKind ?? "none"
        lock.lock()
        counts["hypercheckout_attempts{operation=\(event.operation),status=\(status)}", default: 0] += 1
        if event.willRetry { counts["hypercheckout_retries{reason=\(event.errorKind ?? "-")}", default: 0] += 1 }
        latencyMsTotal += event.latencyMs
        lock.unlock()
    }

    func snapshot() -> ([String: Int], Double) {
        lock.lock()
        defer { lock.unlock() }
        return (counts, latencyMsTotal)
    }
}

@main
struct Observability {
    static func main() async {
        let metrics = Metrics()
        do {
            // Logs: any closure; here standard error, as an app would hand them to its logger.
            try HyperCheckoutObservability.setLogHandler(level: .debug) { record in
                FileHandle.standardError.write(Data("\(record.level) hypercheckout: \(record.message)\n".utf8))
            }
        } catch {
            print("could not install the log handler: \(error)")
            exit(1)
        }
        HyperCheckoutObservability.setRequestListener { metrics.record($0) }

        let emulated = ProcessInfo.processInfo.environment["JUSPAY_API_KEY"] == nil
        let config = ClientConfig.fromEnvironment(
            emulatorUrl: option("base-url", env: "HYPERCHECKOUT_BASE_URL", default: "http://127.0.0.1:8080")!,
            baseUrl: emulated ? nil : option("base-url", env: "HYPERCHECKOUT_BASE_URL"))
        let orderId = "ex-obs-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
        do {
            let client = try Client(config: config)
            let session = try await client.createSession(request: SessionRequest(
                orderId: orderId, amount: "1.00", customerId: "customer-42",
                paymentPageClientId: "your_client_id", returnUrl: "https://shop.merchant.com/return",
                extraFields: emulated ? ["emulator_fault": "429;times=1;retry-after=0"] : [:]))
            _ = try await client.getOrderStatus(orderId: session.orderId, routingId: session.routingId)
        } catch {
            print("failed: \(error)")
            exit(1)
        }
        HyperCheckoutObservability.flush(timeout: 2)
        let (counts, latency) = metrics.snapshot()
        for (name, count) in counts.sorted(by: { $0.key < $1.key }) { print("\(name) \(count)") }
        let attempts = counts.filter { $0.key.hasPrefix("hypercheckout_attempts") }.values.reduce(0, +)
        print("attempts: \(attempts), latency total: \(Int(latency)) ms, dropped: \(HyperCheckoutObservability.stats().eventsDropped)")
        if emulated && attempts != 3 {
            print("expected 3 attempts (429, 200, order status)")
            exit(1)
        }
    }
}
