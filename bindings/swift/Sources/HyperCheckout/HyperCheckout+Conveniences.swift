// Hand-written conveniences over the uniffi-generated API (Generated/HyperCheckout.swift).
// No logic that belongs in the Rust core lives here: validation, serialization, retries and
// error mapping are all Rust. What is here fills what uniffi 0.32's Swift generator cannot
// express (each point says why): cancellable async calls, a Swift-style view of the error,
// the error's human text, and a mirror that hides the API key.

import Foundation

// MARK: - Async calls that honour Task cancellation

/// uniffi 0.32's Swift async wrapper awaits the Rust future to the end and never calls
/// `rust_future_cancel` (uniffi_bindgen 0.32.2, `templates/Async.swift`), so a cancelled
/// `Task` would wait for the call's own timeout. uniffi.toml therefore leaves the generated
/// `createSession` / `getOrderStatus` out of the Swift API, and these versions run the core's
/// `*Cancellable` methods (core/src/cancel.rs) with a ``CancelToken`` that the task's
/// cancellation handler cancels: the Rust call stops at once (request, retries and
/// connection dropped) and the `await` throws `CancellationError`.
@inline(__always)
private func cancellingRustCall<T>(_ call: (CancelToken) async throws -> T) async throws -> T {
    let token = CancelToken()
    do {
        return try await withTaskCancellationHandler {
            try await call(token)
        } onCancel: {
            token.cancel()
        }
    } catch HyperCheckoutError.Connection where token.isCancelled() {
        // The core's answer to a cancelled token; Swift code expects CancellationError.
        throw CancellationError()
    }
}

/// Every call takes `options:` (optional, last): a ``RequestOptions`` with this call's
/// `timeoutMs`, `overallTimeoutMs`, `maxRetries` or `routingId` in place of the client's.
extension Client {
    /// Validates `request` and creates the session (`POST /session`). Invalid requests are
    /// never sent.
    ///
    /// Cancelling the awaiting `Task` stops the call at once, retries included, and throws
    /// `CancellationError`; the session may still have been created if the request had
    /// already reached Juspay.
    ///
    /// - Parameter request: The session to create; see ``validate(request:)`` for its rules.
    /// - Returns: The session: ``Session/paymentLink``, ``Session/sdkPayloadJson`` and the
    ///   ``Session/routingId`` to pass to ``getOrderStatus(orderId:routingId:)``.
    /// - Throws: ``HyperCheckoutError`` (its ``HyperCheckoutError/kind`` says what to do), or
    ///   `CancellationError`.
    public func createSession(request: SessionRequest, options: RequestOptions? = nil) async throws -> Session {
        try await cancellingRustCall { token in
            try await self.createSessionCancellable(request: request, token: token, options: options)
        }
    }

    /// The Order Status API (`GET /orders/{order_id}`): the authoritative word on whether an
    /// order is paid. A read, so server errors are retried too.
    ///
    /// Cancelling the awaiting `Task` stops the call at once and throws `CancellationError`.
    ///
    /// - Parameters:
    ///   - orderId: The merchant's order id.
    ///   - routingId: The `x-routing-id` the session was created with: ``Session/routingId``.
    /// - Throws: ``HyperCheckoutError`` (`.notFound` for an unknown order), or
    ///   `CancellationError`.
    public func getOrderStatus(orderId: String, routingId: String, options: RequestOptions? = nil) async throws -> OrderStatus {
        try await cancellingRustCall { token in
            try await self.getOrderStatusCancellable(orderId: orderId, routingId: routingId, token: token, options: options)
        }
    }

    /// Refunds an order (`POST /orders/{order_id}/refunds`), in full or in part, and returns
    /// the order with its ``OrderStatus/refunds``; a new refund is usually pending and settles
    /// later. Validates first; safe to repeat with the same `uniqueRequestId` (a refund that
    /// already exists is returned, never made twice).
    ///
    /// Cancelling the awaiting `Task` stops the call at once and throws `CancellationError`
    /// (the refund may exist: repeat with the same `uniqueRequestId` to find out).
    ///
    /// - Throws: ``HyperCheckoutError`` (`.invalidRequest` with Juspay's `errorCode` for
    ///   refusals such as `invalid.amount.exceeded`, `.notFound` for an unknown order), or
    ///   `CancellationError`.
    public func createRefund(request: RefundRequest, options: RequestOptions? = nil) async throws -> OrderStatus {
        try await cancellingRustCall { token in
            try await self.createRefundCancellable(request: request, token: token, options: options)
        }
    }

    /// Mandate status (`POST /mandates/{mandate_id}`, `command=check_status`).
    ///
    /// Cancelling the awaiting `Task` stops the call at once and throws `CancellationError`.
    ///
    /// - Parameters:
    ///   - mandateId: Juspay's mandate id (from the order's ``OrderStatus/mandate``).
    ///   - routingId: The `x-routing-id` (Juspay recommends the customer id).
    public func getMandate(mandateId: String, routingId: String, options: RequestOptions? = nil) async throws -> MandateDetails {
        try await cancellingRustCall { token in
            try await self.getMandateCancellable(mandateId: mandateId, routingId: routingId, token: token, options: options)
        }
    }

    /// Revokes a mandate (`POST /mandates/{mandate_id}`, `command=revoke`); safe to repeat.
    ///
    /// Cancelling the awaiting `Task` stops the call at once and throws `CancellationError`.
    ///
    /// - Parameters:
    ///   - mandateId: Juspay's mandate id.
    ///   - routingId: The `x-routing-id` (Juspay recommends the customer id).
    public func revokeMandate(mandateId: String, routingId: String, options: RequestOptions? = nil) async throws -> MandateDetails {
        try await cancellingRustCall { token in
            try await self.revokeMandateCancellable(mandateId: mandateId, routingId: routingId, token: token, options: options)
        }
    }

    /// Debits an active mandate under a new order id (`POST /txns`). Validates first; safe to
    /// repeat with the same order id.
    ///
    /// Cancelling the awaiting `Task` stops the call at once and throws `CancellationError`
    /// (the debit may exist: repeat with the same order id to find out).
    public func executeMandate(execution: MandateExecution, options: RequestOptions? = nil) async throws -> MandateExecutionResult {
        try await cancellingRustCall { token in
            try await self.executeMandateCancellable(execution: execution, token: token, options: options)
        }
    }
}

// MARK: - Configuration

extension ClientConfig {
    /// A configuration for the local emulator (`cargo run -p hypercheckout-emulator`), with its
    /// default credentials: merchant id `emulator_merchant`, API key `emulator_api_key`.
    ///
    /// - Parameters:
    ///   - baseUrl: The URL the emulator printed, e.g. `http://127.0.0.1:8080`.
    ///   - merchantId: The emulator's merchant id (its default unless you started it otherwise).
    ///   - apiKey: The emulator's API key.
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

    /// The configuration the examples use: `JUSPAY_MERCHANT_ID` and `JUSPAY_API_KEY` from the
    /// environment (the same variables as the `hypercheckout` CLI) against `environment`,
    /// else the local emulator at `emulatorUrl` with its default credentials. Never the real
    /// sandbox with made-up keys.
    ///
    /// - Parameters:
    ///   - environment: Where real credentials go (default ``Environment/sandbox``).
    ///   - emulatorUrl: The emulator's URL, used when no credentials are set.
    ///   - baseUrl: Overrides the endpoint for real credentials too (a proxy, the emulator).
    ///   - processEnvironment: The variables to read (default: this process's).
    public static func fromEnvironment(
        environment: Environment = .sandbox,
        emulatorUrl: String = "http://127.0.0.1:8080",
        baseUrl: String? = nil,
        processEnvironment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ClientConfig {
        let merchantId = processEnvironment["JUSPAY_MERCHANT_ID"] ?? ""
        let apiKey = processEnvironment["JUSPAY_API_KEY"] ?? ""
        if merchantId.isEmpty && apiKey.isEmpty {
            return .emulator(baseUrl: baseUrl ?? emulatorUrl)
        }
        // Half-set credentials stay half-set: Client(config:) names the empty one.
        return ClientConfig(merchantId: merchantId, apiKey: apiKey, environment: environment, baseUrl: baseUrl)
    }
}

/// `"\(config)"`, `String(describing:)` and `String(reflecting:)` use the Rust `Debug` of
/// `ClientConfig` (exported by the core: the API key shows as redacted). `dump()` and `Mirror`
/// would still walk the stored properties and print the key; this mirror redacts it.
extension ClientConfig: CustomReflectable {
    /// The stored properties, with `apiKey` and `proxyUrl` (it may hold a password) shown as
    /// `[redacted]`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "merchantId": merchantId, "apiKey": "[redacted]", "environment": environment,
                "baseUrl": baseUrl as Any, "connectTimeoutMs": connectTimeoutMs,
                "timeoutMs": timeoutMs, "overallTimeoutMs": overallTimeoutMs,
                "maxRetries": maxRetries, "appName": appName as Any, "appVersion": appVersion as Any,
                "proxyUrl": proxyUrl == nil ? "nil" : "[redacted]", "noProxy": noProxy,
                "proxyFromEnv": proxyFromEnv, "caBundlePem": caBundlePem.map { "\($0.utf8.count) bytes" } as Any,
                "trustOsStore": trustOsStore, "trustBundledRoots": trustBundledRoots,
                "encryption": encryption as Any,
            ], displayStyle: .struct)
    }
}

/// `EncryptionKeys` (encrypted mode, docs/encryption.md): the core's description redacts both
/// PEMs; this mirror does the same for `dump()` and `Mirror`.
extension EncryptionKeys: CustomReflectable {
    /// The key ids, with both PEMs shown as `[redacted]`.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "merchantKeyId": merchantKeyId, "merchantPrivateKeyPem": "[redacted]",
                "juspayKeyId": juspayKeyId, "juspayPublicKeyPem": "[redacted]",
            ], displayStyle: .struct)
    }
}

// MARK: - Records that hold customer data

// `print`, `"\(x)"`, `String(describing:)` and `String(reflecting:)` of every record use the
// core's `Debug` text (exported by the core, `core/src/redact.rs`): customer e-mail and phone,
// the client auth token, the payer's VPA, the mandate token and raw bodies show as
// `[redacted]`. `dump()` and `Mirror` would still walk the stored properties; for the records
// that hold such data the mirror has no children, so `dump()` prints that same text. The
// properties themselves stay readable in code.
extension SessionRequest: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension Session: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension SdkPayload: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension SdkPayloadDetails: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension OrderStatus: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension MandateDetails: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension MandateExecutionResult: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
extension WebhookEvent: CustomReflectable {
    /// No children: `dump()` prints the redacted text.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

// MARK: - Errors

/// The generated enum already has `description` (the core's Display text, request id
/// included) but does not declare the conformance, so `print(error)`, `"\(error)"`,
/// `String(reflecting:)` and therefore the generated `errorDescription` and
/// `localizedDescription` printed a dump of the case. Declaring it makes all of them the
/// sentence.
extension HyperCheckoutError: CustomStringConvertible {}

extension HyperCheckoutError {
    /// The fields of an error Juspay answered with (`.authentication`, `.invalidRequest`,
    /// `.notFound`, `.rateLimited`, `.server`), as one value.
    public struct APIError: Equatable, Hashable, Sendable {
        /// The HTTP status of the answer.
        public var httpStatus: UInt16
        /// Juspay's `status` field (for example `"error"`), when present.
        public var status: String?
        /// Juspay's `error_code` (or `code` in bodies of other shapes).
        public var errorCode: String?
        /// Juspay's `error_message` (or `message`).
        public var errorMessage: String?
        /// The text Juspay suggests showing the customer.
        public var userMessage: String?
        /// Juspay's request id, for support tickets.
        public var requestId: String?
        /// Juspay's `error_info`, when the body has one.
        public var errorInfo: ErrorInfo?
        /// The start of the body as received (at most 512 characters).
        public var bodyExcerpt: String
        /// The server's `Retry-After` in seconds: only for `.rateLimited`, when it sent one.
        public var retryAfterSeconds: UInt64?

        /// The fields in the generated cases' order (kept internal: construct-only by the SDK).
        init(
            _ httpStatus: UInt16, _ status: String?, _ errorCode: String?, _ errorMessage: String?,
            _ userMessage: String?, _ requestId: String?, _ errorInfo: ErrorInfo?, _ bodyExcerpt: String,
            retryAfter: UInt64? = nil
        ) {
            self.httpStatus = httpStatus
            self.status = status
            self.errorCode = errorCode
            self.errorMessage = errorMessage
            self.userMessage = userMessage
            self.requestId = requestId
            self.errorInfo = errorInfo
            self.bodyExcerpt = bodyExcerpt
            self.retryAfterSeconds = retryAfter
        }
    }

    /// What went wrong, as a Swift enum with lowerCamelCase cases and labelled values.
    ///
    /// uniffi 0.32 names the generated cases in UpperCamelCase (`.RateLimited`) with every
    /// field positional, and has no option to change that (its Swift `class_name` filter is
    /// applied to error cases even after a `rename`). Switch over `error.kind` instead:
    ///
    /// ```swift
    /// catch let error as HyperCheckoutError {
    ///     switch error.kind {
    ///     case .validation(let violations): print(violations.map(\.field))
    ///     case .rateLimited(let api): print(api.retryAfterSeconds ?? 0, api.requestId ?? "-")
    ///     case .timeout, .connection: print("retry later: \(error)")
    ///     default: print(error.localizedDescription)
    ///     }
    /// }
    /// ```
    public enum Kind: Equatable, Hashable, Sendable {
        /// The request broke documented rules; nothing was sent.
        case validation(violations: [Violation])
        /// HTTP 401/403: the API key or merchant id was refused.
        case authentication(APIError)
        /// HTTP 400 and other 4xx: Juspay rejected the request.
        case invalidRequest(APIError)
        /// HTTP 404 (or Juspay's 400 with `"status": "NOT_FOUND"`).
        case notFound(APIError)
        /// HTTP 429 after the allowed retries; see ``APIError/retryAfterSeconds``.
        case rateLimited(APIError)
        /// HTTP 5xx after the allowed retries.
        case server(APIError)
        /// No complete answer in time; the request may have reached Juspay.
        case timeout(reason: String)
        /// The connection failed or broke; `reason` says whether the request could have been sent.
        case connection(reason: String)
        /// The server's TLS certificate was refused (not retried); `check` says which check
        /// failed, e.g. ``CertificateCheck/unknownIssuer`` (trust its CA with `caBundlePem`).
        case certificate(check: CertificateCheck, reason: String)
        /// A body that is not what the API documents.
        case unexpectedResponse(httpStatus: UInt16, reason: String, bodyExcerpt: String, requestId: String?)
        /// Encrypted mode: an answer or webhook that failed decryption or signature
        /// verification. Never accepted; do not act on it.
        case notAuthentic(reason: String)
        /// The client configuration is unusable.
        case configuration(reason: String)
        /// A bug in this SDK; please report it.
        case `internal`(reason: String)
    }

    /// This error as a ``Kind``: lowerCamelCase cases, labelled values.
    public var kind: Kind {
        switch self {
        case .Validation(let violations): return .validation(violations: violations)
        case .Authentication(let s, let st, let c, let m, let u, let r, let i, let b):
            return .authentication(APIError(s, st, c, m, u, r, i, b))
        case .InvalidRequest(let s, let st, let c, let m, let u, let r, let i, let b):
            return .invalidRequest(APIError(s, st, c, m, u, r, i, b))
        case .NotFound(let s, let st, let c, let m, let u, let r, let i, let b):
            return .notFound(APIError(s, st, c, m, u, r, i, b))
        case .RateLimited(let s, let st, let c, let m, let u, let r, let i, let b, let after):
            return .rateLimited(APIError(s, st, c, m, u, r, i, b, retryAfter: after))
        case .Server(let s, let st, let c, let m, let u, let r, let i, let b):
            return .server(APIError(s, st, c, m, u, r, i, b))
        case .Timeout(let reason): return .timeout(reason: reason)
        case .Connection(let reason): return .connection(reason: reason)
        case .Certificate(let check, let reason): return .certificate(check: check, reason: reason)
        case .UnexpectedResponse(let status, let reason, let excerpt, let requestId):
            return .unexpectedResponse(httpStatus: status, reason: reason, bodyExcerpt: excerpt, requestId: requestId)
        case .NotAuthentic(let reason): return .notAuthentic(reason: reason)
        case .Configuration(let reason): return .configuration(reason: reason)
        case .Internal(let reason): return .internal(reason: reason)
        }
    }

    /// The fields of an error Juspay answered with, else `nil`.
    public var apiError: APIError? {
        switch kind {
        case .authentication(let api), .invalidRequest(let api), .notFound(let api), .rateLimited(let api),
            .server(let api):
            return api
        case .validation, .timeout, .connection, .certificate, .unexpectedResponse, .notAuthentic,
            .configuration, .internal:
            return nil
        }
    }

    /// The HTTP status of an error that came from an HTTP answer, else `nil`.
    public var httpStatus: UInt16? {
        if case .UnexpectedResponse(let status, _, _, _) = self { return status }
        return apiError?.httpStatus
    }

    /// Juspay's `x-request-id` / `error_info.request_id` for support tickets, when known.
    public var requestId: String? {
        if case .UnexpectedResponse(_, _, _, let id) = self { return id }
        return apiError?.requestId
    }

    /// Juspay's error code (`error_code`, or `code` in bodies of other shapes) of an API error.
    public var errorCode: String? { apiError?.errorCode }

    /// Juspay's `error_message` (or `message`) of an API error.
    public var errorMessage: String? { apiError?.errorMessage }

    /// The text Juspay suggests showing the customer (`user_message`, else
    /// `error_info.user_message`) of an API error.
    public var userMessage: String? { apiError?.userMessage }

    /// Juspay's `error_info` (code, category, messages, per-field reasons) of an API error.
    public var errorInfo: ErrorInfo? { apiError?.errorInfo }

    /// The server's `Retry-After`, in seconds, of a `.rateLimited` error that had one.
    public var retryAfterSeconds: UInt64? { apiError?.retryAfterSeconds }

    /// The start of the body as received (at most 512 characters), for API errors and
    /// `.unexpectedResponse`, else `nil`.
    public var bodyExcerpt: String? {
        if case .UnexpectedResponse(_, _, let excerpt, _) = self { return excerpt }
        return apiError?.bodyExcerpt
    }

    /// The violations of a `.validation` error, else an empty array.
    public var violations: [Violation] {
        if case .Validation(let violations) = self { return violations }
        return []
    }
}
