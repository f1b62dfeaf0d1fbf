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
    /// The fields every API error (`.Authentication`, `.InvalidRequest`, `.NotFound`,
    /// `.RateLimited`, `.Server`) carries, else `nil`.
    private var apiFields: (
        httpStatus: UInt16, status: String?, errorCode: String?, errorMessage: String?,
        userMessage: String?, requestId: String?, errorInfo: ErrorInfo?, bodyExcerpt: String
    )? {
        switch self {
        case .Authentication(let s, let st, let c, let m, let u, let r, let i, let b),
            .InvalidRequest(let s, let st, let c, let m, let u, let r, let i, let b),
            .NotFound(let s, let st, let c, let m, let u, let r, let i, let b),
            .Server(let s, let st, let c, let m, let u, let r, let i, let b),
            .RateLimited(let s, let st, let c, let m, let u, let r, let i, let b, _):
            return (s, st, c, m, u, r, i, b)
        case .Validation, .Timeout, .Connection, .UnexpectedResponse, .Configuration, .Internal:
            return nil
        }
    }

    /// The HTTP status of an error that came from an HTTP answer, else `nil`.
    public var httpStatus: UInt16? {
        if case .UnexpectedResponse(let status, _, _, _) = self { return status }
        return apiFields?.httpStatus
    }

    /// Juspay's `x-request-id` / `error_info.request_id` for support tickets, when known.
    public var requestId: String? {
        if case .UnexpectedResponse(_, _, _, let id) = self { return id }
        return apiFields?.requestId
    }

    /// Juspay's error code (`error_code`, or `code` in bodies of other shapes) of an API error.
    public var errorCode: String? { apiFields?.errorCode }

    /// Juspay's `error_message` (or `message`) of an API error.
    public var errorMessage: String? { apiFields?.errorMessage }

    /// The text Juspay suggests showing the customer (`user_message`, else
    /// `error_info.user_message`) of an API error.
    public var userMessage: String? { apiFields?.userMessage }

    /// Juspay's `error_info` (code, category, messages, per-field reasons) of an API error.
    public var errorInfo: ErrorInfo? { apiFields?.errorInfo }

    /// The start of the body as received (at most 512 characters), for API errors and
    /// `.UnexpectedResponse`, else `nil`.
    public var bodyExcerpt: String? {
        if case .UnexpectedResponse(_, _, let excerpt, _) = self { return excerpt }
        return apiFields?.bodyExcerpt
    }

    /// The violations of a `.Validation` error, else an empty array.
    public var violations: [Violation] {
        if case .Validation(let violations) = self { return violations }
        return []
    }
}

