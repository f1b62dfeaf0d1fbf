// The SDK's log records in the app's logging, and one request event per attempt for metrics
// (thin layer over core/src/observe.rs; docs/observability.md is the guide).
//
// swift-log is the Swift server convention, but this package depends on nothing that must be
// fetched from GitHub (the build machines reach only package registries), so it is not used:
// on Apple platforms `useOSLog()` sends the records to `os.Logger` (subsystem
// "dev.hypercheckout"); anywhere, `setLogHandler` takes a closure (forward to swift-log's
// `Logger` in one line). Nothing is logged, and nothing printed, until one of them is called.

import Foundation

#if canImport(os)
    import os
#endif

/// Where the SDK's log records and request events go. Everything here is process-wide.
///
/// ```swift
/// // Logs: each attempt, retry (reason, wait) and answer (status, latency, request id) is
/// // .debug; a failed call .warn; never the key or the customer's e-mail or phone.
/// try HyperCheckoutObservability.setLogHandler(level: .debug) { record in
///     print(record.level, record.message)      // or: swiftLogLogger.debug("\(record.message)")
/// }
/// // Metrics: one event per attempt.
/// HyperCheckoutObservability.setRequestListener { event in
///     counts["\(event.operation) \(event.httpStatus.map(String.init) ?? event.errorKind ?? "-")", default: 0] += 1
/// }
/// ```
///
/// Handlers run on the SDK's delivery threads (`hypercheckout-logs`, `hypercheckout-events`),
/// never on the calling task or thread, through bounded queues (4096; when full, new items
/// are dropped and counted in ``stats()``): a slow handler never slows a payment. The level is
/// checked in the core first, so records below it cost nothing.
public enum HyperCheckoutObservability {
    /// Sends every record at `level` and more severe to `handler`, replacing an earlier
    /// handler. Throws `HyperCheckoutError.configuration` only if the process already has a
    /// Rust `tracing` subscriber (never the case for a Swift app).
    public static func setLogHandler(
        level: LogLevel = .info, _ handler: @escaping @Sendable (LogRecord) -> Void
    ) throws {
        try setLogSink(sink: ClosureSink(handler), maxLevel: level)
    }

    #if canImport(os)
        /// Sends the records to `os.Logger(subsystem: "dev.hypercheckout", category: "sdk")`
        /// (Console.app, `log stream`); `.debug` and `.trace` become `os` debug messages.
        @available(macOS 11.0, iOS 14.0, tvOS 14.0, watchOS 7.0, *)
        public static func useOSLog(level: LogLevel = .info) throws {
            let logger = Logger(subsystem: "dev.hypercheckout", category: "sdk")
            try setLogHandler(level: level) { record in
                switch record.level {
                case .error: logger.error("\(record.message, privacy: .public)")
                case .warn: logger.warning("\(record.message, privacy: .public)")
                case .info: logger.info("\(record.message, privacy: .public)")
                case .debug, .trace: logger.debug("\(record.message, privacy: .public)")
                }
            }
        }
    #endif

    /// Changes the most verbose level the handler receives; `nil` stops all records.
    public static func setLogLevel(_ level: LogLevel?) {
        HyperCheckout.setLogLevel(maxLevel: level)
    }

    /// Removes the log handler.
    public static func removeLogHandler() {
        clearLogSink()
    }

    /// Calls `listener` with one ``RequestEvent`` per attempt of every client in the process
    /// (`operation`, `method`, `path` as a template such as `/orders/{order_id}`,
    /// `httpStatus`, `attempt`, `latencyMs`, `requestId`, `errorKind`, `willRetry`,
    /// `retryWaitMs`), replacing an earlier listener (events still queued go to the new one:
    /// ``flush(timeout:)`` first if that matters).
    public static func setRequestListener(_ listener: @escaping @Sendable (RequestEvent) -> Void) {
        HyperCheckout.setRequestListener(listener: ClosureListener(listener))
    }

    /// Removes the request listener.
    public static func removeRequestListener() {
        clearRequestListener()
    }

    /// Waits until every record and event queued so far has been delivered, at most
    /// `timeout` seconds; whether they all were (tests, shutdown).
    @discardableResult
    public static func flush(timeout: TimeInterval) -> Bool {
        flushObservers(timeoutMs: UInt64(max(0, timeout) * 1000))
    }

    /// The delivery threads' counters: delivered, dropped (queue full), failed handlers.
    public static func stats() -> ObserverStats {
        observerStats()
    }
}

private final class ClosureSink: LogSink, @unchecked Sendable {
    let handler: @Sendable (LogRecord) -> Void
    init(_ handler: @escaping @Sendable (LogRecord) -> Void) { self.handler = handler }
    func log(record: LogRecord) { handler(record) }
}

private final class ClosureListener: RequestListener, @unchecked Sendable {
    let handler: @Sendable (RequestEvent) -> Void
    init(_ handler: @escaping @Sendable (RequestEvent) -> Void) { self.handler = handler }
    func onRequest(event: RequestEvent) { handler(event) }
}
