// Hand-written conveniences over the uniffi-generated API (Generated/HyperCheckout.swift).
// No logic that belongs in the Rust core lives here: validation, serialization, retries and
// error mapping are all Rust.

import Foundation

extension ClientConfig {
    /// A configuration for the local emulator (`cargo run -p hypercheckout-emulator`), with its
    /// default credentials: merchant id `emulator_merchant`, API key `emulator_api_key`.
    ///
    /// - Parameters:
    ///   - baseUrl: The URL the emulator printed, e.g. `http://127.0.0.1:8080`.
    ///   - timeoutMs: Time allowed for one attempt.
    ///   - maxRetries: Retries after the first attempt where a retry is safe.
    public static func emulator(
        baseUrl: String,
        merchantId: String = "emulator_merchant",
        apiKey: String = "emulator_api_key",
        timeoutMs: UInt64 = 30_000,
        maxRetries: UInt32 = 2
    ) -> ClientConfig {
        ClientConfig(
            merchantId: merchantId, apiKey: apiKey, environment: .sandbox, baseUrl: baseUrl,
            timeoutMs: timeoutMs, maxRetries: maxRetries)
    }
}

/// `"\(config)"`, `String(describing:)` and `String(reflecting:)` use the Rust `Debug` of
/// `ClientConfig` (exported by the core: the API key shows as redacted). `dump()` and `Mirror`
/// would still walk the stored properties and print the key; this mirror redacts it.
extension ClientConfig: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "merchantId": merchantId, "apiKey": "[redacted]", "environment": environment,
                "baseUrl": baseUrl as Any, "connectTimeoutMs": connectTimeoutMs,
                "timeoutMs": timeoutMs, "overallTimeoutMs": overallTimeoutMs,
                "maxRetries": maxRetries, "appName": appName as Any, "appVersion": appVersion as Any,
            ], displayStyle: .struct)
    }
}

extension HyperCheckoutError {
    /// The HTTP status of an error that came from an HTTP answer, else `nil`.
    public var httpStatus: UInt16? {
        switch self {
        case .Authentication(let status, _, _, _, _, _), .InvalidRequest(let status, _, _, _, _, _),
            .NotFound(let status, _, _, _, _, _), .RateLimited(let status, _, _, _, _, _, _),
            .Server(let status, _, _, _, _, _), .UnexpectedResponse(let status, _, _, _):
            return status
        case .Validation, .Timeout, .Connection, .Configuration, .Internal:
            return nil
        }
    }

    /// Juspay's `x-request-id` / `error_info.request_id` for support tickets, when known.
    public var requestId: String? {
        switch self {
        case .Authentication(_, _, _, _, _, let id), .InvalidRequest(_, _, _, _, _, let id),
            .NotFound(_, _, _, _, _, let id), .RateLimited(_, _, _, _, _, let id, _),
            .Server(_, _, _, _, _, let id), .UnexpectedResponse(_, _, _, let id):
            return id
        case .Validation, .Timeout, .Connection, .Configuration, .Internal:
            return nil
        }
    }

    /// The violations of a `.Validation` error, else an empty array.
    public var violations: [Violation] {
        if case .Validation(let violations) = self { return violations }
        return []
    }
}
