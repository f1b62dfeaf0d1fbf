//! Mandate operations after registration: status, revoke, and executing a debit.
//!
//! A mandate is registered by a session with `options.create_mandate` and `mandate.*`
//! (`request.rs`, `request::Mandate`); Juspay then hands out a `mandate_id` (in the order's
//! `mandate` block and the `MANDATE_*` webhooks). These are the calls a merchant makes with
//! it. Sources (evidence table: `docs/refunds-and-mandates.md`):
//! - Mandate Status Check API, <https://docs.juspay.io/hyper-checkout/web/mandates-subscriptions/mandate-status-check-api>:
//!   `POST /mandates/{mandate_id}`, form body `command=check_status`; headers
//!   Authorization, `x-merchantid`, `Content-Type: application/x-www-form-urlencoded`,
//!   `x-routing-id`. Answer: the mandate object (DEMO `mandates/check-status/active.json`).
//! - Revoke Mandate API, <https://juspay.io/in/docs/hyper-checkout/capacitor/mandates/mandate-revoke-api>:
//!   `POST /mandates/{mandate_id}`, `command=revoke`, same headers; answer
//!   `{"mandate_status": "REVOKED", "mandate_id": ...}` (the JSON files under DEMO `mandates/revoke/`).
//! - Mandate Execution API, <https://juspay.io/in/docs/hyper-checkout/android/mandates-subscriptions/mandate-execution-api>:
//!   `POST /txns`, form body `order.order_id`, `order.amount`, `order.customer_id`,
//!   `merchant_id`, `mandate_id`, optional `mandate.execution_date` (UNIX epoch seconds),
//!   `format=json` (DEMO `mandates/execution/request-session.sh`); answer
//!   `{order_id, txn_id, txn_uuid, status, payment.authentication}` (DEMO
//!   `mandates/execution/response.json`). It creates a new order: `order.order_id` is new
//!   each time, and Juspay refuses a reused one (400 `DUPLICATE_ORDER_ID`).
//!
//! None of these pages lists a `version` header, so none is sent.

use std::collections::HashMap;

use serde::Deserialize;

use crate::error::{from_error_answer, unexpected, HttpAnswer, HyperCheckoutError};
use crate::lenient;
use crate::order::{OrderState, OrderStatus};
use crate::validate::{codes, epoch_seconds, is_positive_decimal, Violation, Violations};
use crate::wire::{form_body, WireCall, FORM_CONTENT_TYPE};

/// Longest `mandate_id` accepted. Juspay's ids are 22 characters (`hyhTD5Ga4jJ2KXZwwnyh4A`,
/// DEMO `mandates/check-status/active.json`); no page gives a bound, so this one only keeps a
/// huge id out of a URL and an error message.
pub const MANDATE_ID_MAX: usize = 64;

/// Longest `order.order_id` for a mandate execution. The page says only "Unique Identifier for
/// the order"; Juspay's own execution sample sends the 26-character
/// `26234761248249834753485721` (DEMO `mandates/execution/request.sh`), two more than the
/// longest session sample (`validate::ORDER_ID_MAX`), so the bound is that sample's length.
pub const EXECUTION_ORDER_ID_MAX: usize = 26;

/// Juspay's `status` for a mandate execution whose `order.order_id` already exists
/// (Mandate Execution API, failure table: 400 `{"status_id": 40, "status":
/// "DUPLICATE_ORDER_ID", ...}`).
pub const EXECUTION_ERROR_DUPLICATE_ORDER_ID: &str = "DUPLICATE_ORDER_ID";

/// A mandate's status (the JSON key `status`, or `mandate_status` in some answers). Names:
/// the states of Juspay's mandate pages and samples (CREATED, ACTIVE, PAUSED, REVOKED,
/// FAILURE, EXPIRED; the `MANDATE_*` webhooks are named after them). Only `Active` can be
/// debited.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum MandateState {
    /// Registered, not yet approved by the customer.
    Created,
    /// Approved: can be debited with the mandate execution call.
    Active,
    /// Paused by the merchant or customer until a date.
    Paused,
    /// Cancelled for good (by the revoke call, or by the customer).
    Revoked,
    /// Registration failed.
    Failure,
    /// Past its end date.
    Expired,
    /// A state this SDK does not know yet, exactly as Juspay sent it.
    Other {
        /// The status text as received.
        name: String,
    },
}

const MANDATE_STATES: [(MandateState, &str); 6] = [
    (MandateState::Created, "CREATED"),
    (MandateState::Active, "ACTIVE"),
    (MandateState::Paused, "PAUSED"),
    (MandateState::Revoked, "REVOKED"),
    (MandateState::Failure, "FAILURE"),
    (MandateState::Expired, "EXPIRED"),
];

impl MandateState {
    /// The state for a status text; unknown names are kept in `Other`.
    pub fn from_name(name: &str) -> MandateState {
        MANDATE_STATES
            .iter()
            .find(|(_, wire)| *wire == name)
            .map(|(state, _)| state.clone())
            .unwrap_or_else(|| MandateState::Other {
                name: name.to_owned(),
            })
    }

    /// Every documented state.
    pub fn documented() -> impl Iterator<Item = MandateState> {
        MANDATE_STATES.iter().map(|(state, _)| state.clone())
    }

    fn as_wire_str(&self) -> &str {
        match self {
            MandateState::Other { name } => name,
            known => MANDATE_STATES
                .iter()
                .find(|(state, _)| state == known)
                .map(|(_, wire)| *wire)
                .unwrap_or_default(),
        }
    }
}

#[uniffi::export]
impl MandateState {
    /// The status text on the wire (`ACTIVE`, or an unknown name as received). (Not `name`:
    /// see the wire name of `OrderState`.)
    pub fn wire_name(&self) -> String {
        self.as_wire_str().to_owned()
    }
}

impl std::fmt::Display for MandateState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_wire_str())
    }
}

/// A mandate as Juspay describes it (Mandate Status Check answer, revoke answer, a
/// `MANDATE_*` webhook's `content.mandate`). Field names are Juspay's; amounts are the exact
/// text sent; dates as sent (the start and end dates are epoch seconds, the activation times
/// ISO 8601). Fields Juspay did not send are absent: the revoke answer carries only the
/// mandate id and status.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct MandateDetails {
    /// Juspay's mandate id.
    pub mandate_id: String,
    /// The JSON key `status`, or `mandate_status` in the revoke and pause answers.
    pub status: MandateState,
    /// The order that registered the mandate.
    pub order_id: Option<String>,
    /// The customer the mandate belongs to.
    pub customer_id: Option<String>,
    /// `EMANDATE` (UPI, net banking, wallets) or `MANDATE` (cards).
    pub mandate_type: Option<String>,
    /// e.g. `MONTHLY`, `ASPRESENTED` (as sent).
    pub frequency: Option<String>,
    /// The most one debit may take (exact text).
    pub max_amount: Option<String>,
    /// `FIXED` or `VARIABLE`.
    pub amount_rule: Option<String>,
    /// ISO 4217 code, e.g. `INR`.
    pub currency: Option<String>,
    /// UNIX epoch seconds, as text.
    pub start_date: Option<String>,
    /// UNIX epoch seconds, as text.
    pub end_date: Option<String>,
    /// When the mandate first became active (ISO 8601).
    pub activated_at: Option<String>,
    /// When it last became active (ISO 8601).
    pub last_activated_at: Option<String>,
    /// When Juspay last changed it (ISO 8601).
    pub last_updated: Option<String>,
    /// Whether the customer may revoke it.
    pub revokable_by_customer: Option<bool>,
    /// Whether funds are blocked (the JSON key `block_fund`).
    pub block_fund: Option<bool>,
    /// The JSON key `payment_info.payment_method`, e.g. `COLLECT`.
    pub payment_method: Option<String>,
    /// The JSON key `payment_info.payment_method_type`, e.g. `UPI`.
    pub payment_method_type: Option<String>,
    /// The JSON key `payment_info.upi.payer_vpa`: customer data, never logged.
    pub payer_vpa: Option<String>,
    /// The JSON key `mandate_token`: lets a debit run without the customer; never logged.
    pub mandate_token: Option<String>,
    /// The whole mandate object exactly as received (holds the tokens: never log it).
    pub raw_json: String,
}

#[derive(Deserialize)]
struct WireMandate {
    #[serde(default, deserialize_with = "lenient::text")]
    mandate_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    mandate_status: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    customer_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    mandate_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    frequency: Option<String>,
    #[serde(default, deserialize_with = "lenient::decimal")]
    max_amount: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    amount_rule: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    start_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    end_date: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    activated_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    last_activated_at: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    last_updated: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    revokable_by_customer: Option<bool>,
    #[serde(default, deserialize_with = "lenient::flag")]
    block_fund: Option<bool>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    payment_info: Option<WirePaymentInfo>,
    #[serde(default, deserialize_with = "lenient::text")]
    mandate_token: Option<String>,
}

#[derive(Deserialize)]
struct WirePaymentInfo {
    #[serde(default, deserialize_with = "lenient::text")]
    payment_method: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    payment_method_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    upi: Option<WireUpi>,
}

#[derive(Deserialize)]
struct WireUpi {
    #[serde(default, deserialize_with = "lenient::text")]
    payer_vpa: Option<String>,
}

/// Reads a mandate object. Only `mandate_id` and a status are required; other fields of an
/// unexpected type are read as absent (they stay in `raw_json`).
pub(crate) fn parse_mandate_object(json: &str) -> Result<MandateDetails, String> {
    let wire: WireMandate =
        serde_json::from_str(json).map_err(|e| format!("not a mandate: {e}"))?;
    let mandate_id = wire
        .mandate_id
        .filter(|id| !id.is_empty())
        .ok_or("not a mandate: no mandate_id")?;
    let status = wire
        .status
        .or(wire.mandate_status)
        .ok_or("not a mandate: no status or mandate_status")?;
    let info = wire.payment_info;
    Ok(MandateDetails {
        mandate_id,
        status: MandateState::from_name(&status),
        order_id: wire.order_id,
        customer_id: wire.customer_id,
        mandate_type: wire.mandate_type,
        frequency: wire.frequency,
        max_amount: wire.max_amount,
        amount_rule: wire.amount_rule,
        currency: wire.currency,
        start_date: wire.start_date,
        end_date: wire.end_date,
        activated_at: wire.activated_at,
        last_activated_at: wire.last_activated_at,
        last_updated: wire.last_updated,
        revokable_by_customer: wire.revokable_by_customer,
        block_fund: wire.block_fund,
        payment_method: info.as_ref().and_then(|i| i.payment_method.clone()),
        payment_method_type: info.as_ref().and_then(|i| i.payment_method_type.clone()),
        payer_vpa: info.and_then(|i| i.upi).and_then(|u| u.payer_vpa),
        mandate_token: wire.mandate_token,
        raw_json: json.to_owned(),
    })
}

/// Interprets a `POST /mandates/{mandate_id}` answer (status check or revoke) exactly as
/// `get_mandate` and `revoke_mandate` do: `MandateDetails` for 2xx, otherwise the matching
/// error (`error.rs`).
pub fn parse_mandate_response(
    http_status: u16,
    headers: &HashMap<String, String>,
    body: &str,
) -> Result<MandateDetails, HyperCheckoutError> {
    parse_mandate_answer(&HttpAnswer::from_parts(http_status, headers, body))
}

pub(crate) fn parse_mandate_answer(
    answer: &HttpAnswer<'_>,
) -> Result<MandateDetails, HyperCheckoutError> {
    if (200..300).contains(&answer.status) {
        let text = std::str::from_utf8(answer.body)
            .map_err(|_| unexpected(answer, "mandate body is not UTF-8"))?;
        return parse_mandate_object(text).map_err(|reason| unexpected(answer, &reason));
    }
    Err(from_error_answer(answer))
}

/// A debit on an active mandate: `POST /txns` (the Mandate Execution API). It creates a new
/// order, so its order id must be new; it is also the idempotency key: Juspay refuses a
/// second order with the same id, and the mandate execution call recognises its own earlier
/// attempt.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct MandateExecution {
    /// A new order id for this debit: 1 to 26 letters, digits, `-` or `_`.
    pub order_id: String,
    /// The amount to debit, a decimal string with at most two decimals; at most the
    /// mandate's maximum amount (exactly it for a `FIXED` mandate), which Juspay checks.
    pub amount: String,
    /// The customer the mandate was created for.
    pub customer_id: String,
    /// The mandate to debit (the mandate id of `MandateDetails`).
    pub mandate_id: String,
    /// The JSON key `mandate.execution_date`: when to debit, UNIX epoch seconds. Only for
    /// mandates whose pre-debit notification Juspay sends; absent lets Juspay pick (25 hours
    /// after the notification).
    #[uniffi(default)]
    pub execution_date: Option<String>,
    /// `order.currency`, ISO 4217 (Juspay's default is INR).
    #[uniffi(default)]
    pub currency: Option<String>,
    /// The `x-routing-id`; absent sends the customer id, as Juspay recommends.
    #[uniffi(default)]
    pub routing_id: Option<String>,
}

impl MandateExecution {
    /// The `x-routing-id` this execution is sent with.
    pub fn effective_routing_id(&self) -> &str {
        self.routing_id.as_deref().unwrap_or(&self.customer_id)
    }
}

/// What Juspay answers a mandate execution: the new order's first transaction. The debit
/// itself usually completes later: confirm with the Order Status call for this order id or the
/// `ORDER_SUCCEEDED`/`ORDER_FAILED` webhook.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct MandateExecutionResult {
    /// The new order's id (the order id sent).
    pub order_id: String,
    /// The transaction's status, e.g. `PendingVbv` or `Charged` (Juspay's transaction states
    /// share the order states' names).
    pub status: OrderState,
    /// The transaction id, e.g. `merchant-order-1`.
    pub txn_id: Option<String>,
    /// Juspay's transaction UUID.
    pub txn_uuid: Option<String>,
    /// `payment.authentication.url`, when the debit needs one (rare for mandates).
    pub authentication_url: Option<String>,
    /// `payment.authentication.method` (`GET` or `POST`).
    pub authentication_method: Option<String>,
    /// The whole answer exactly as received (or the order status body, when an earlier
    /// attempt's order was found instead).
    pub raw_json: String,
}

#[derive(Deserialize)]
struct WireExecution {
    #[serde(default, deserialize_with = "lenient::text")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    txn_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    txn_uuid: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    payment: Option<WirePayment>,
}

#[derive(Deserialize)]
struct WirePayment {
    #[serde(default, deserialize_with = "lenient::shaped")]
    authentication: Option<WireAuthentication>,
}

#[derive(Deserialize)]
struct WireAuthentication {
    #[serde(default, deserialize_with = "lenient::text")]
    url: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    method: Option<String>,
}

/// Interprets a `POST /txns` (mandate execution) answer exactly as `execute_mandate` does.
pub fn parse_mandate_execution_response(
    http_status: u16,
    headers: &HashMap<String, String>,
    body: &str,
) -> Result<MandateExecutionResult, HyperCheckoutError> {
    parse_execution_answer(&HttpAnswer::from_parts(http_status, headers, body))
}

pub(crate) fn parse_execution_answer(
    answer: &HttpAnswer<'_>,
) -> Result<MandateExecutionResult, HyperCheckoutError> {
    if !(200..300).contains(&answer.status) {
        return Err(from_error_answer(answer));
    }
    let text = std::str::from_utf8(answer.body)
        .map_err(|_| unexpected(answer, "mandate execution body is not UTF-8"))?;
    let wire: WireExecution = serde_json::from_str(text)
        .map_err(|e| unexpected(answer, &format!("not a mandate execution answer: {e}")))?;
    let (Some(order_id), Some(status)) = (wire.order_id, wire.status) else {
        return Err(unexpected(
            answer,
            "not a mandate execution answer: no order_id or status",
        ));
    };
    let authentication = wire.payment.and_then(|p| p.authentication);
    Ok(MandateExecutionResult {
        order_id,
        status: OrderState::from_name(&status),
        txn_id: wire.txn_id,
        txn_uuid: wire.txn_uuid,
        authentication_url: authentication.as_ref().and_then(|a| a.url.clone()),
        authentication_method: authentication.and_then(|a| a.method),
        raw_json: text.to_owned(),
    })
}

/// The execution result an earlier attempt left behind, read from the order it created:
/// only when that order is this debit (same mandate, same amount). `None` otherwise.
pub(crate) fn execution_from_order(
    order: &OrderStatus,
    execution: &MandateExecution,
) -> Option<MandateExecutionResult> {
    let same_mandate = order.mandate.as_ref().and_then(|m| m.mandate_id.as_deref())
        == Some(execution.mandate_id.as_str());
    let same_amount = order
        .amount
        .as_deref()
        .is_some_and(|amount| crate::payment::amounts_equal(amount, &execution.amount));
    (same_mandate && same_amount).then(|| MandateExecutionResult {
        order_id: order.order_id.clone(),
        status: order.status.clone(),
        txn_id: order
            .txn_id
            .clone()
            .or_else(|| order.txn_detail.as_ref().and_then(|t| t.txn_id.clone())),
        txn_uuid: order
            .txn_uuid
            .clone()
            .or_else(|| order.txn_detail.as_ref().and_then(|t| t.txn_uuid.clone())),
        authentication_url: None,
        authentication_method: None,
        raw_json: order.raw_json.clone(),
    })
}

/// The rules for `get_mandate`/`revoke_mandate(mandate_id, routing_id)`: the id becomes one
/// path segment, the routing id a header. Empty means valid.
pub fn validate_mandate_lookup(mandate_id: &str, routing_id: &str) -> Vec<Violation> {
    let mut found = Violations::default();
    check_mandate_id(&mut found, "mandate_id", mandate_id);
    if found.required("routing_id", routing_id) {
        crate::validate::check_routing_id(&mut found, "routing_id", routing_id);
    }
    found.0
}

/// Juspay's mandate ids are alphanumeric (`hyhTD5Ga4jJ2KXZwwnyh4A`); `-` and `_` are allowed
/// too so that ids of other shapes still work. Anything else (`/`, `?`, `%`, `..`, spaces,
/// control characters) is refused: it cannot be Juspay's id and would only be escaped into
/// a path that Juspay does not know.
fn check_mandate_id(found: &mut Violations, field: &str, mandate_id: &str) {
    if found.required(field, mandate_id) {
        found.max_len(field, mandate_id, MANDATE_ID_MAX);
        found.charset(field, mandate_id, "letters, digits, '-' and '_'", |c| {
            c.is_ascii_alphanumeric() || c == '-' || c == '_'
        });
    }
}

/// Every documented rule for a mandate execution, all at once; empty means it would be sent.
/// Field names are the wire's (`order.order_id`, `mandate.execution_date`, ...). The amount's
/// limit is the mandate's, which only Juspay knows: it refuses a larger one (400 "Order amount
/// greater than mandate max amount").
pub fn validate_mandate_execution(execution: &MandateExecution) -> Vec<Violation> {
    let mut found = Violations::default();
    let e = execution;
    if found.required("order.order_id", &e.order_id) {
        found.max_len("order.order_id", &e.order_id, EXECUTION_ORDER_ID_MAX);
        found.charset(
            "order.order_id",
            &e.order_id,
            "letters, digits, '-' and '_'",
            |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        );
    }
    // "Will accept stringified double or integer values with upto two decimal places"
    // (the same rule as the session's amount); a missing amount is refused ("Amount not found
    // in request.").
    if found.required("order.amount", &e.amount) && !is_positive_decimal(&e.amount) {
        found.push(
            "order.amount",
            codes::INVALID_AMOUNT,
            "must be a positive number with at most two decimals, e.g. \"100\" or \"100.15\"",
        );
    }
    // "Customer Identifier against which the mandate was created": required.
    if found.required("order.customer_id", &e.customer_id) {
        found.max_len(
            "order.customer_id",
            &e.customer_id,
            crate::validate::CUSTOMER_FIELD_MAX,
        );
    }
    check_mandate_id(&mut found, "mandate_id", &e.mandate_id);
    epoch_seconds(&mut found, "mandate.execution_date", &e.execution_date);
    if let Some(currency) = &e.currency {
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            found.push(
                "order.currency",
                codes::INVALID_CURRENCY,
                "must be a three-letter ISO 4217 code in upper case, e.g. INR",
            );
        }
    }
    // The routing id travels as a header: named after where it came from.
    let routing_field = if e.routing_id.is_some() {
        "routing_id"
    } else {
        "order.customer_id"
    };
    let routing_id = e.effective_routing_id();
    if !routing_id.is_empty() {
        crate::validate::check_routing_id(&mut found, routing_field, routing_id);
    } else if e.routing_id.is_some() {
        found.push(
            "routing_id",
            codes::REQUIRED,
            "must not be empty when given",
        );
    }
    found.0
}

/// `/mandates/{mandate_id}`, the id escaped as one path segment.
fn mandate_path(mandate_id: &str) -> String {
    // The same escaping as an order id (`order.rs`).
    crate::order::order_path(mandate_id).replacen("/orders/", "/mandates/", 1)
}

fn command_call(mandate_id: &str, routing_id: &str, command: &str) -> WireCall {
    WireCall {
        method: "POST".into(),
        path: mandate_path(mandate_id),
        content_type: Some(FORM_CONTENT_TYPE.into()),
        version: None,
        routing_id: routing_id.to_owned(),
        body: Some(form_body(&[("command", command)])),
    }
}

/// The exact call `get_mandate` sends (no credentials). Does not validate.
pub fn mandate_status_call(mandate_id: &str, routing_id: &str) -> WireCall {
    command_call(mandate_id, routing_id, "check_status")
}

/// The exact call `revoke_mandate` sends (no credentials). Does not validate.
pub fn revoke_mandate_call(mandate_id: &str, routing_id: &str) -> WireCall {
    command_call(mandate_id, routing_id, "revoke")
}

/// The exact call `execute_mandate` sends for a merchant (no credentials; `merchant_id` is a
/// body field of this API). Fields in the order of Juspay's sample. Does not validate.
pub fn execute_mandate_call(execution: &MandateExecution, merchant_id: &str) -> WireCall {
    let e = execution;
    let mut fields = vec![
        ("order.order_id", e.order_id.as_str()),
        ("order.amount", e.amount.as_str()),
        ("order.customer_id", e.customer_id.as_str()),
    ];
    if let Some(currency) = &e.currency {
        fields.push(("order.currency", currency));
    }
    fields.push(("merchant_id", merchant_id));
    fields.push(("mandate_id", &e.mandate_id));
    if let Some(date) = &e.execution_date {
        fields.push(("mandate.execution_date", date));
    }
    fields.push(("format", "json"));
    WireCall {
        method: "POST".into(),
        path: "/txns".into(),
        content_type: Some(FORM_CONTENT_TYPE.into()),
        version: None,
        routing_id: e.effective_routing_id().to_owned(),
        body: Some(form_body(&fields)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for state in MandateState::documented() {
            assert_eq!(MandateState::from_name(&state.wire_name()), state);
        }
        assert_eq!(
            MandateState::from_name("PENDING"),
            MandateState::Other {
                name: "PENDING".into()
            }
        );
    }

    #[test]
    fn paths_and_bodies() {
        assert_eq!(
            mandate_status_call("abc", "c").path,
            "/mandates/abc".to_owned()
        );
        assert_eq!(mandate_path("a/b"), "/mandates/a%2Fb");
        assert_eq!(
            revoke_mandate_call("abc", "c").body.as_deref(),
            Some("command=revoke")
        );
        let execution = MandateExecution {
            order_id: "o-1".into(),
            amount: "1.00".into(),
            customer_id: "cst 1".into(),
            mandate_id: "m1".into(),
            execution_date: Some("1622369936".into()),
            ..Default::default()
        };
        let call = execute_mandate_call(&execution, "merchant");
        assert_eq!(
            call.body.as_deref(),
            Some("order.order_id=o-1&order.amount=1.00&order.customer_id=cst+1&merchant_id=merchant&mandate_id=m1&mandate.execution_date=1622369936&format=json")
        );
        assert_eq!(call.routing_id, "cst 1");
    }

    #[test]
    fn revoke_answer_reads() {
        let m = parse_mandate_object(r#"{"mandate_status":"REVOKED","mandate_id":"m1"}"#).unwrap();
        assert_eq!(m.status, MandateState::Revoked);
        assert_eq!(m.max_amount, None);
        assert!(parse_mandate_object(r#"{"mandate_id":"m1"}"#).is_err());
    }
}
