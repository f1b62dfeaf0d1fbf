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

/// Swift's default `description`, `debugDescription`, `dump()` and `Mirror` of a struct show
/// every stored property; these keep the API key out of logs, as the Rust `Debug` does.
extension ClientConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "ClientConfig(merchantId: \(String(reflecting: merchantId)), apiKey: <redacted>, "
            + "environment: \(environment), baseUrl: \(baseUrl.map { String(reflecting: $0) } ?? "nil"), "
            + "connectTimeoutMs: \(connectTimeoutMs), timeoutMs: \(timeoutMs), "
            + "overallTimeoutMs: \(overallTimeoutMs), maxRetries: \(maxRetries), "
            + "appName: \(appName.map { String(reflecting: $0) } ?? "nil"), "
            + "appVersion: \(appVersion.map { String(reflecting: $0) } ?? "nil"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "merchantId": merchantId, "apiKey": "<redacted>", "environment": environment,
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
