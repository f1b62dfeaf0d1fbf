//! # hypercheckout
//!
//! A client for Juspay HyperCheckout's Session API (`POST /session`): build a typed
//! [`SessionRequest`], have every documented rule checked before anything is sent, and get a
//! typed [`Session`] back with the `sdk_payload` for your app and the payment link for the
//! web.
//!
//! ```no_run
//! use hypercheckout::{Client, ClientConfig, Environment, SessionRequest};
//!
//! # async fn run() -> Result<(), hypercheckout::HyperCheckoutError> {
//! let client = Client::new(ClientConfig::new("merchant_id", "api_key", Environment::Sandbox))?;
//! let session = client
//!     .create_session(SessionRequest {
//!         return_url: Some("https://shop.merchant.com/return".into()),
//!         ..SessionRequest::new("order-1", "1.00", "customer-1", "merchant_client_id")
//!     })
//!     .await?;
//! println!("{}", session.payment_link);
//! # Ok(())
//! # }
//! ```
//!
//! After the customer pays, the merchant's backend checks three things, each with one call:
//! the signed redirect to `return_url` ([`verify_return_url_signature`]), the order's state
//! ([`Client::get_order_status`]), and, all at once, "paid for this amount?"
//! ([`check_payment`]); webhooks are authenticated with [`verify_webhook_auth`] and read
//! with [`parse_webhook`]. `docs/merchant-flow.md` walks through it.
//!
//! The same surface is exported through uniffi to Python, Kotlin and Swift; everything below
//! marked `#[uniffi::export]` is part of that contract.
//!
//! Files: `request.rs` (the model), `validate.rs` (the rules), `wire.rs` (Juspay's JSON and
//! headers), `response.rs`, `error.rs` (the error kinds and HTTP mapping), `config.rs`,
//! `client.rs` (transport), `retry.rs` (the retry policy), `runtime.rs` (where calls run:
//! fork-safe runtimes and pools), `jvm.rs` (SDK threads attached to a host JVM),
//! `order.rs` (Order Status API), `signature.rs` (return_url signature), `webhook.rs`,
//! `payment.rs` (the paid-for-this-amount check), `refund.rs` (Refund Order API),
//! `mandate.rs` (mandate status, revoke, execution), `observe.rs` (logs into the host's
//! logger, request events for metrics; `docs/observability.md`), `encryption.rs` (encrypted
//! mode: JWS + JWE calls and webhooks, `docs/encryption.md`).
//!
//! After the payment: [`Client::create_refund`], [`Client::get_mandate`],
//! [`Client::revoke_mandate`] and [`Client::execute_mandate`] (each with a `_blocking`
//! form); `docs/refunds-and-mandates.md` has the evidence for every rule.

// The error enum crosses the FFI as a flat record of optional fields; boxing it to please
// this lint would make every binding's error type worse.
#![allow(clippy::result_large_err)]
#![deny(missing_docs)]

use std::collections::HashMap;

mod cancel;
mod client;
mod completion_queue;
mod config;
mod encryption;
mod error;
mod exit;
mod jvm;
mod lenient;
mod mandate;
mod network;
mod observe;
mod options;
mod order;
mod payment;
mod redact;
mod refund;
mod request;
mod response;
mod retry;
mod runtime;
mod signature;
pub mod validate;
mod webhook;
pub mod wire;

pub use client::{Client, MAX_RESPONSE_BYTES};
pub use config::{
    ClientConfig, Environment, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RETRIES,
    DEFAULT_OVERALL_TIMEOUT_MS, DEFAULT_TIMEOUT_MS,
};
pub use encryption::{
    decrypt_encrypted_answer, encrypt_request_body, parse_encrypted_webhook, EncryptionKeys,
    JWE_ALG, JWE_ENC, JWS_ALG, MIN_RSA_BITS,
};
pub use error::{ErrorField, ErrorInfo, HyperCheckoutError, BODY_EXCERPT_CHARS};
pub use exit::prepare_for_exit;
pub use mandate::{
    execute_mandate_call, mandate_status_call, parse_mandate_execution_response,
    parse_mandate_response, revoke_mandate_call, validate_mandate_execution,
    validate_mandate_lookup, MandateDetails, MandateExecution, MandateExecutionResult,
    MandateState, EXECUTION_ERROR_DUPLICATE_ORDER_ID, EXECUTION_ORDER_ID_MAX, MANDATE_ID_MAX,
};
pub use network::CertificateCheck;
pub use observe::{
    clear_log_sink, clear_request_listener, flush_observers, observer_stats, set_log_level,
    set_log_sink, set_request_listener, LogLevel, LogRecord, LogSink, ObserverStats, RequestEvent,
    RequestListener, QUEUE_CAPACITY,
};
pub use options::RequestOptions;
pub use order::{
    parse_order_status_response, CardSummary, OrderMandate, OrderState, OrderStatus, Refund,
    TxnDetail, ORDER_STATUS_API_VERSION,
};
pub use payment::{amounts_equal, check_order_payment, check_payment, PaymentVerdict};
pub use refund::{
    find_refund, refund_call, validate_refund, RefundRequest, REFUND_API_VERSION,
    REFUND_ERROR_AMOUNT_EXCEEDED, REFUND_ERROR_DUPLICATE_CALL, REFUND_ERROR_ORDER_NOT_SUCCESSFUL,
    UNIQUE_REQUEST_ID_MAX,
};
pub use request::{Action, AmountRule, CreateMandate, Mandate, MandateFrequency, SessionRequest};
pub use response::{parse_session_response, SdkPayload, SdkPayloadDetails, Session};
pub use retry::{
    delay_before_retry, is_retryable_status, is_retryable_status_for_read, parse_retry_after,
};
pub use signature::{
    verify_return_url_signature, verify_return_url_signature_from_query, SignatureVerdict,
    SIGNATURE_ALGORITHM,
};
pub use validate::{validate, Violation};
pub use webhook::{parse_webhook, verify_webhook_auth, WebhookEvent, WebhookEventName};
pub use wire::{WireCall, WireValue};

uniffi::setup_scaffolding!();

/// Checks `request` against every documented rule without a client; empty means valid.
#[uniffi::export(name = "validate")]
pub fn validate_request(request: SessionRequest) -> Vec<Violation> {
    validate::validate(&request)
}

/// Reads a Juspay-format JSON body (such as the reference's sample request) into a typed
/// request. Does not validate it: call `validate` for that.
#[uniffi::export]
pub fn parse_session_request(json: String) -> Result<SessionRequest, HyperCheckoutError> {
    runtime::catch_panic(|| wire::from_wire_json(&json))
}

/// Every problem with a Juspay-format JSON body at once: what the session request parser
/// refuses and every `validate` rule on the rest. Empty means valid. (`hypercheckout validate`.)
#[uniffi::export]
pub fn validate_session_json(json: String) -> Vec<Violation> {
    wire::validate_wire_json(&json)
}

/// The exact JSON body the session call would send for `request`.
#[uniffi::export]
pub fn session_request_to_json(request: SessionRequest) -> String {
    wire::to_wire_json(&request)
}

/// The `x-routing-id` the session call would send for `request`.
#[uniffi::export]
pub fn routing_id(request: SessionRequest) -> String {
    request.effective_routing_id().to_owned()
}

/// Interprets a `POST /session` answer (status, headers, body) exactly as the client does:
/// a `Session` for 2xx, otherwise the matching error. For callers who make the HTTP call
/// themselves, and for the conformance vectors.
#[uniffi::export(name = "parse_session_response")]
pub fn parse_session_answer(
    http_status: u16,
    headers: HashMap<String, String>,
    body: String,
) -> Result<Session, HyperCheckoutError> {
    runtime::catch_panic(|| response::parse_session_response(http_status, &headers, &body))
}

/// Interprets a `GET /orders/{order_id}` answer exactly as the Order Status call does: an
/// `OrderStatus` for 2xx, otherwise the matching error (Juspay's 400 "NOT_FOUND" included).
/// For callers who make the HTTP call themselves, and for `testdata/order_status.json`.
#[uniffi::export(name = "parse_order_status_response")]
pub fn parse_order_status_answer(
    http_status: u16,
    headers: HashMap<String, String>,
    body: String,
) -> Result<OrderStatus, HyperCheckoutError> {
    runtime::catch_panic(|| order::parse_order_status_response(http_status, &headers, &body))
}

/// The `version` header the Order Status call sends.
#[uniffi::export]
pub fn order_status_api_version() -> String {
    ORDER_STATUS_API_VERSION.to_owned()
}

/// This SDK's version.
#[uniffi::export]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Every documented rule for a refund, all at once (empty means valid); nothing is sent.
#[uniffi::export(name = "validate_refund")]
pub fn validate_refund_request(request: RefundRequest) -> Vec<Violation> {
    refund::validate_refund(&request)
}

/// The exact request the refund call sends for `request` (path, form body, `content-type`,
/// `version`, `x-routing-id`; never the credentials).
#[uniffi::export(name = "refund_call")]
pub fn refund_wire_call(request: RefundRequest) -> WireCall {
    refund::refund_call(&request)
}

/// Interprets a `POST /orders/{order_id}/refunds` answer exactly as the refund call does
/// (before it resolves a `duplicate.call`): the order with its refunds for 2xx, otherwise the
/// matching error (`InvalidRequest` with Juspay's error code, `NotFound`, ...).
#[uniffi::export(name = "parse_refund_response")]
pub fn parse_refund_answer(
    http_status: u16,
    headers: HashMap<String, String>,
    body: String,
) -> Result<OrderStatus, HyperCheckoutError> {
    runtime::catch_panic(|| order::parse_order_status_response(http_status, &headers, &body))
}

/// The refund of `order` that `request` asked for (same unique request id, and amount
/// when given), if the order shows it.
#[uniffi::export(name = "find_refund")]
pub fn find_refund_in_order(order: OrderStatus, request: RefundRequest) -> Option<Refund> {
    refund::find_refund(&order, &request).cloned()
}

/// The rules the mandate status and revoke calls apply to their arguments; empty means valid.
#[uniffi::export(name = "validate_mandate_lookup")]
pub fn validate_mandate_lookup_args(mandate_id: String, routing_id: String) -> Vec<Violation> {
    mandate::validate_mandate_lookup(&mandate_id, &routing_id)
}

/// Every documented rule for a mandate execution, all at once; empty means valid.
#[uniffi::export(name = "validate_mandate_execution")]
pub fn validate_mandate_execution_request(execution: MandateExecution) -> Vec<Violation> {
    mandate::validate_mandate_execution(&execution)
}

/// The exact request the mandate status call sends (no credentials).
#[uniffi::export(name = "mandate_status_call")]
pub fn mandate_status_wire_call(mandate_id: String, routing_id: String) -> WireCall {
    mandate::mandate_status_call(&mandate_id, &routing_id)
}

/// The exact request the revoke call sends (no credentials).
#[uniffi::export(name = "revoke_mandate_call")]
pub fn revoke_mandate_wire_call(mandate_id: String, routing_id: String) -> WireCall {
    mandate::revoke_mandate_call(&mandate_id, &routing_id)
}

/// The exact request the mandate execution call sends for the merchant id given (a body
/// field of this API; no credentials).
#[uniffi::export(name = "execute_mandate_call")]
pub fn execute_mandate_wire_call(execution: MandateExecution, merchant_id: String) -> WireCall {
    mandate::execute_mandate_call(&execution, &merchant_id)
}

/// Interprets a mandate status or revoke answer exactly as the mandate status and revoke
/// calls do.
#[uniffi::export(name = "parse_mandate_response")]
pub fn parse_mandate_answer(
    http_status: u16,
    headers: HashMap<String, String>,
    body: String,
) -> Result<MandateDetails, HyperCheckoutError> {
    runtime::catch_panic(|| mandate::parse_mandate_response(http_status, &headers, &body))
}

/// Interprets a mandate execution (`POST /txns`) answer exactly as the mandate execution call does
/// (before it resolves a `DUPLICATE_ORDER_ID`).
#[uniffi::export(name = "parse_mandate_execution_response")]
pub fn parse_mandate_execution_answer(
    http_status: u16,
    headers: HashMap<String, String>,
    body: String,
) -> Result<MandateExecutionResult, HyperCheckoutError> {
    runtime::catch_panic(|| mandate::parse_mandate_execution_response(http_status, &headers, &body))
}

/// The `version` header the refund call sends.
#[uniffi::export]
pub fn refund_api_version() -> String {
    REFUND_API_VERSION.to_owned()
}
