//! The Order Status API: `GET /orders/{order_id}` and its typed answer.
//!
//! Source: Juspay's "Order Status API" pages (`shared/notes/juspay-facts.md`, "Order Status
//! API"): same Basic auth, `x-merchantid`, `x-routing-id` and a `version` header; the answer
//! carries `order_id`, `id`, `status`, `status_id`, `amount` (a JSON **number** here, unlike
//! the session request), `currency`, `udf1..udf10` and much more (`txn_detail`,
//! `payment_gateway_response`, `refunds`, ...), which we keep as the raw JSON.
//!
//! Amounts: a JSON number read into a float can change (`0.1 + 0.2`); we never convert it.
//! `OrderStatus::amount` is the number's exact text as Juspay sent it (`386`, `100.15`,
//! `1.0`), and `payment::amounts_equal` compares two such texts as exact decimals.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{from_error_answer, unexpected, HttpAnswer, HyperCheckoutError};
use crate::lenient;

/// The `version` header sent with `GET /orders/{order_id}`: "Pass the date in YYYY-MM-DD
/// format ... the response will include data corresponding to that specific version date"
/// (Juspay's Order Status API page; this date is its sample value). Pinning it keeps the
/// answer's shape stable however Juspay evolves the API.
pub const ORDER_STATUS_API_VERSION: &str = "2025-01-10";

/// An order's state: the JSON key `status`, with its documented `status_id` number. Names
/// and ids: Juspay's Order Status API and "Transaction Status" pages. Only `Charged` means the
/// customer has paid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum OrderState {
    /// 10: created, no payment attempt yet.
    New,
    /// 20: a payment attempt has started.
    Started,
    /// 21: paid. The only state in which to fulfil the order.
    Charged,
    /// 22: declined by Juspay (e.g. risk checks).
    JuspayDeclined,
    /// 23: waiting for the customer's authentication (3-D Secure, OTP, UPI app).
    PendingVbv,
    /// 24: authentication succeeded; authorization pending.
    VbvSuccessful,
    /// 25: authorized, not yet captured.
    Authorized,
    /// 26
    AuthenticationFailed,
    /// 27
    AuthorizationFailed,
    /// 28: authorization in progress.
    Authorizing,
    /// 29: cash on delivery.
    CodInitiated,
    /// 31: an authorization was voided.
    Voided,
    /// 32
    VoidInitiated,
    /// 33
    CaptureInitiated,
    /// 34
    CaptureFailed,
    /// 35
    VoidFailed,
    /// 36: paid, then refunded automatically (e.g. a late success on a failed order).
    AutoRefunded,
    /// 37: only part of the amount was charged (split payments, BNPL); see
    /// the `PartiallyCharged` verdict of the payment check. Source: DEMO `simpl/api/order-status-partial-charged.json`.
    PartialCharged,
    /// 40: no such order.
    NotFound,
    /// A status this SDK does not know yet, exactly as Juspay sent it. Not an error: new
    /// states must not break a merchant's backend, but they are never "paid".
    Unknown {
        /// The wire name exactly as received.
        name: String,
    },
}

/// (state, wire name, status_id), the documented table.
const STATES: [(OrderState, &str, i64); 19] = [
    (OrderState::New, "NEW", 10),
    (OrderState::Started, "STARTED", 20),
    (OrderState::Charged, "CHARGED", 21),
    (OrderState::JuspayDeclined, "JUSPAY_DECLINED", 22),
    (OrderState::PendingVbv, "PENDING_VBV", 23),
    (OrderState::VbvSuccessful, "VBV_SUCCESSFUL", 24),
    (OrderState::Authorized, "AUTHORIZED", 25),
    (
        OrderState::AuthenticationFailed,
        "AUTHENTICATION_FAILED",
        26,
    ),
    (OrderState::AuthorizationFailed, "AUTHORIZATION_FAILED", 27),
    (OrderState::Authorizing, "AUTHORIZING", 28),
    (OrderState::CodInitiated, "COD_INITIATED", 29),
    (OrderState::Voided, "VOIDED", 31),
    (OrderState::VoidInitiated, "VOID_INITIATED", 32),
    (OrderState::CaptureInitiated, "CAPTURE_INITIATED", 33),
    (OrderState::CaptureFailed, "CAPTURE_FAILED", 34),
    (OrderState::VoidFailed, "VOID_FAILED", 35),
    (OrderState::AutoRefunded, "AUTO_REFUNDED", 36),
    (OrderState::PartialCharged, "PARTIAL_CHARGED", 37),
    (OrderState::NotFound, "NOT_FOUND", 40),
];

impl OrderState {
    /// Every documented state, in order of the documented status id.
    pub fn documented() -> impl Iterator<Item = OrderState> {
        STATES.iter().map(|(state, _, _)| state.clone())
    }

    /// The state for a `status` text; unknown names are kept in `Unknown`.
    pub fn from_name(name: &str) -> OrderState {
        STATES
            .iter()
            .find(|(_, wire, _)| *wire == name)
            .map(|(state, _, _)| state.clone())
            .unwrap_or_else(|| OrderState::Unknown {
                name: name.to_owned(),
            })
    }

    fn as_wire_str(&self) -> &str {
        match self {
            OrderState::Unknown { name } => name,
            known => STATES
                .iter()
                .find(|(state, _, _)| state == known)
                .map(|(_, wire, _)| *wire)
                .unwrap_or_default(),
        }
    }
}

#[uniffi::export]
impl OrderState {
    /// The `status` text on the wire (`CHARGED`, or an unknown name as received).
    /// (Not `name`: in Python that would be shadowed by `Unknown`'s field.)
    pub fn wire_name(&self) -> String {
        self.as_wire_str().to_owned()
    }

    /// The documented status id (the JSON key `status_id`); absent for `Unknown`.
    pub fn documented_id(&self) -> Option<i64> {
        STATES
            .iter()
            .find(|(state, _, _)| state == self)
            .map(|(_, _, id)| *id)
    }

    /// Whether this state means paid: only `Charged`.
    pub fn is_paid(&self) -> bool {
        *self == OrderState::Charged
    }
}

impl std::fmt::Display for OrderState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_wire_str())
    }
}

/// The answer of the Order Status API (and the `order` of a webhook): what a merchant acts
/// on, typed; everything else in the raw JSON. Field names are Juspay's. Amounts are the exact
/// text Juspay sent (`"386"`, `"100.15"`), whether it sent a JSON number or a string: never a
/// float; compare them as decimals with the SDK's amount comparison. Fields Juspay did not
/// send are absent (or empty lists).
/// Sources: `testdata/juspay/order_status.json` (164 real answers) and
/// `docs/juspay-evidence.md`, "Order Status fields".
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct OrderStatus {
    /// The merchant's order id.
    pub order_id: String,
    /// Juspay's id for the order (`ordeh_...`), when present.
    pub id: Option<String>,
    /// The order's state (`status`); only `Charged` means paid.
    pub status: OrderState,
    /// The JSON key `status_id` as sent (the state's documented id is the documented value).
    pub status_id: Option<i64>,
    /// The order amount, exactly as written (`"386"`, `"100.15"`, `"1.0"`).
    pub amount: Option<String>,
    /// ISO 4217 code, e.g. `INR`.
    pub currency: Option<String>,
    /// The customer id the order was created with.
    pub customer_id: Option<String>,
    /// Whether any of the order was refunded (a refunded order keeps status `CHARGED`).
    pub refunded: Option<bool>,
    /// How much was refunded so far (exact text).
    pub amount_refunded: Option<String>,
    /// The JSON key `effective_amount`: the amount after offers and discounts (exact text).
    /// Refunds do not lower it (DEMO `tata-neu/refund-response.json`: 2001 after refunding
    /// 1000.56); what is left after refunds is this less the amount refunded.
    pub effective_amount: Option<String>,
    /// Every refund of the order, oldest first as Juspay lists them.
    pub refunds: Vec<Refund>,
    /// The latest transaction's id (the JSON key `txn_id`).
    pub txn_id: Option<String>,
    /// The latest transaction's UUID.
    pub txn_uuid: Option<String>,
    /// The latest transaction, when Juspay sent the JSON key `txn_detail`.
    pub txn_detail: Option<TxnDetail>,
    /// e.g. `VISA`, `UPI`, `NB_HDFC`.
    pub payment_method: Option<String>,
    /// e.g. `CARD`, `UPI`, `NB`, `WALLET`.
    pub payment_method_type: Option<String>,
    /// e.g. `THREE_DS`, `OTP`.
    pub auth_type: Option<String>,
    /// Juspay's numeric gateway id, as text.
    pub gateway_id: Option<String>,
    /// The gateway reference id the merchant configured for the order, if any.
    pub gateway_reference_id: Option<String>,
    /// The card used, for card payments.
    pub card: Option<CardSummary>,
    /// The payer's UPI id (the JSON key `payer_vpa`, or `upi.payer_vpa`): customer data, never
    /// logged.
    pub payer_vpa: Option<String>,
    /// The mandate set up or used by this order.
    pub mandate: Option<OrderMandate>,
    /// User-defined field 1, as the merchant set it.
    pub udf1: Option<String>,
    /// User-defined field 2, as the merchant set it.
    pub udf2: Option<String>,
    /// User-defined field 3, as the merchant set it.
    pub udf3: Option<String>,
    /// User-defined field 4, as the merchant set it.
    pub udf4: Option<String>,
    /// User-defined field 5, as the merchant set it.
    pub udf5: Option<String>,
    /// User-defined field 6, as the merchant set it.
    pub udf6: Option<String>,
    /// User-defined field 7, as the merchant set it.
    pub udf7: Option<String>,
    /// User-defined field 8, as the merchant set it.
    pub udf8: Option<String>,
    /// User-defined field 9, as the merchant set it.
    pub udf9: Option<String>,
    /// User-defined field 10, as the merchant set it.
    pub udf10: Option<String>,
    /// The whole order object exactly as received (holds customer data: never log it).
    pub raw_json: String,
}

/// One entry of an order's `refunds`.
#[derive(Clone, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Refund {
    /// The merchant's idempotency key for the refund.
    #[serde(default, deserialize_with = "lenient::text")]
    pub unique_request_id: Option<String>,
    /// Juspay's refund id.
    #[serde(default, deserialize_with = "lenient::text")]
    pub id: Option<String>,
    /// The gateway's refund reference (Juspay's `ref`).
    #[serde(default, rename = "ref", deserialize_with = "lenient::text")]
    pub reference: Option<String>,
    /// The bank's acquirer reference number, when known.
    #[serde(default, deserialize_with = "lenient::text")]
    pub arn: Option<String>,
    /// `PENDING`, `SUCCESS`, `FAILURE`, `MANUAL_REVIEW` (as sent).
    #[serde(default, deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// The refund's amount (exact text).
    #[serde(default, deserialize_with = "lenient::decimal")]
    pub amount: Option<String>,
    /// When the refund was created, as Juspay wrote it (ISO-8601).
    #[serde(default, deserialize_with = "lenient::text")]
    pub created: Option<String>,
    /// Whether Juspay has passed the refund to the gateway.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub sent_to_gateway: Option<bool>,
    /// e.g. `STANDARD`, `INSTANT`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub refund_type: Option<String>,
    /// Who started the refund (e.g. `API`, `DASHBOARD`), as sent.
    #[serde(default, deserialize_with = "lenient::text")]
    pub initiated_by: Option<String>,
    /// The gateway's error code, for a failed refund.
    #[serde(default, deserialize_with = "lenient::text")]
    pub error_code: Option<String>,
    /// The gateway's error message, for a failed refund.
    #[serde(default, deserialize_with = "lenient::text")]
    pub error_message: Option<String>,
}

/// The JSON key `txn_detail`: the order's latest transaction.
#[derive(Clone, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct TxnDetail {
    /// The transaction id (the JSON key `txn_id`).
    #[serde(default, deserialize_with = "lenient::text")]
    pub txn_id: Option<String>,
    /// The latest transaction's UUID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub txn_uuid: Option<String>,
    /// e.g. `PAYU`, `HDFC`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub gateway: Option<String>,
    /// Juspay's numeric gateway id, as text.
    #[serde(default, deserialize_with = "lenient::text")]
    pub gateway_id: Option<String>,
    /// The transaction's status, as sent (e.g. `CHARGED`).
    #[serde(default, deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// The amount the transaction was for (exact text).
    #[serde(default, deserialize_with = "lenient::decimal")]
    pub txn_amount: Option<String>,
    /// The amount after offers and surcharges (exact text).
    #[serde(default, deserialize_with = "lenient::decimal")]
    pub net_amount: Option<String>,
    /// The transaction's error code, for a failed attempt.
    #[serde(default, deserialize_with = "lenient::text")]
    pub error_code: Option<String>,
    /// The transaction's error message, for a failed attempt.
    #[serde(default, deserialize_with = "lenient::text")]
    pub error_message: Option<String>,
}

/// `card`: what identifies the card used, never the number.
#[derive(Clone, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CardSummary {
    /// The card number's last four digits.
    #[serde(default, deserialize_with = "lenient::text")]
    pub last_four_digits: Option<String>,
    /// e.g. `VISA`, `MASTERCARD`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_brand: Option<String>,
    /// `CREDIT` or `DEBIT`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_type: Option<String>,
    /// The issuing bank, e.g. `HDFC Bank`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_issuer: Option<String>,
    /// The issuer's country, e.g. `INDIA`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_issuer_country: Option<String>,
    /// The card's first six digits (ISIN/BIN).
    #[serde(default, deserialize_with = "lenient::text")]
    pub card_isin: Option<String>,
}

/// `mandate`: the mandate an order registered or debited.
#[derive(Clone, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct OrderMandate {
    /// Juspay's mandate id, used by the mandate calls.
    #[serde(default, deserialize_with = "lenient::text")]
    pub mandate_id: Option<String>,
    /// e.g. `CREATED`, `ACTIVE`, `PAUSED`, `REVOKED`, `FAILURE`, `EXPIRED` (as sent).
    #[serde(default, deserialize_with = "lenient::text")]
    pub mandate_status: Option<String>,
    /// e.g. `EMANDATE`, as sent.
    #[serde(default, deserialize_with = "lenient::text")]
    pub mandate_type: Option<String>,
    /// How often the mandate may debit (e.g. `MONTHLY`, `ASPRESENTED`), as sent.
    #[serde(default, deserialize_with = "lenient::text")]
    pub frequency: Option<String>,
    /// The most one debit may take (exact text).
    #[serde(default, deserialize_with = "lenient::decimal")]
    pub max_amount: Option<String>,
    /// `FIXED` or `VARIABLE`, as sent.
    #[serde(default, deserialize_with = "lenient::text")]
    pub amount_rule: Option<String>,
    /// When the mandate starts, as sent (UNIX seconds or a date).
    #[serde(default, deserialize_with = "lenient::text")]
    pub start_date: Option<String>,
    /// When the mandate ends, as sent (UNIX seconds or a date).
    #[serde(default, deserialize_with = "lenient::text")]
    pub end_date: Option<String>,
    /// Whether the customer may revoke the mandate themselves.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub revokable_by_customer: Option<bool>,
}

#[derive(Deserialize)]
struct WireOrder {
    #[serde(default, deserialize_with = "lenient::text")]
    order_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::integer")]
    status_id: Option<i64>,
    #[serde(default)]
    amount: Option<Box<RawValue>>,
    #[serde(default, deserialize_with = "lenient::text")]
    currency: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    customer_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::flag")]
    refunded: Option<bool>,
    #[serde(default, deserialize_with = "lenient::decimal")]
    amount_refunded: Option<String>,
    #[serde(default, deserialize_with = "lenient::decimal")]
    effective_amount: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    refunds: Option<Vec<Refund>>,
    #[serde(default, deserialize_with = "lenient::text")]
    txn_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    txn_uuid: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    txn_detail: Option<TxnDetail>,
    #[serde(default, deserialize_with = "lenient::text")]
    payment_method: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    payment_method_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    auth_type: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    gateway_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    gateway_reference_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    card: Option<CardSummary>,
    #[serde(default, deserialize_with = "lenient::text")]
    payer_vpa: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    upi: Option<WireUpi>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    mandate: Option<OrderMandate>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf1: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf2: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf3: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf4: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf5: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf6: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf7: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf8: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf9: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    udf10: Option<String>,
}

#[derive(Deserialize)]
struct WireUpi {
    #[serde(default, deserialize_with = "lenient::text")]
    payer_vpa: Option<String>,
}

/// Reads an order object (the Order Status body, or a webhook's `content.order`). Only
/// `order_id` and `status` are required; any other field of an unexpected type is read as
/// absent (it stays in `raw_json`).
pub(crate) fn parse_order_object(json: &str) -> Result<OrderStatus, String> {
    let wire: WireOrder = serde_json::from_str(json).map_err(|e| format!("not an order: {e}"))?;
    let order_id = wire.order_id.ok_or("not an order: no order_id")?;
    let status = wire.status.ok_or("not an order: no status")?;
    let amount = match wire.amount {
        None => None,
        Some(raw) => Some(amount_text(raw.get())?),
    };
    Ok(OrderStatus {
        order_id,
        id: wire.id,
        status: OrderState::from_name(&status),
        status_id: wire.status_id,
        amount,
        currency: wire.currency,
        customer_id: wire.customer_id,
        refunded: wire.refunded,
        amount_refunded: wire.amount_refunded,
        effective_amount: wire.effective_amount,
        refunds: wire.refunds.unwrap_or_default(),
        txn_id: wire.txn_id,
        txn_uuid: wire.txn_uuid,
        txn_detail: wire.txn_detail,
        payment_method: wire.payment_method,
        payment_method_type: wire.payment_method_type,
        auth_type: wire.auth_type,
        gateway_id: wire.gateway_id,
        gateway_reference_id: wire.gateway_reference_id,
        card: wire.card,
        payer_vpa: wire.payer_vpa.or(wire.upi.and_then(|upi| upi.payer_vpa)),
        mandate: wire.mandate,
        udf1: wire.udf1,
        udf2: wire.udf2,
        udf3: wire.udf3,
        udf4: wire.udf4,
        udf5: wire.udf5,
        udf6: wire.udf6,
        udf7: wire.udf7,
        udf8: wire.udf8,
        udf9: wire.udf9,
        udf10: wire.udf10,
        raw_json: json.to_owned(),
    })
}

/// The amount's text: a JSON number as written, or a JSON string holding one. The order's
/// amount decides "paid for this amount", so unlike the lenient fields, a non-number fails.
/// (`null` never gets here: serde reads it as an absent `Option`.)
fn amount_text(raw: &str) -> Result<String, String> {
    match lenient::raw_text(raw) {
        Some(text) if crate::payment::Decimal::parse(&text).is_some() => Ok(text),
        _ => Err(format!("amount {raw} is not a number")),
    }
}

/// Interprets a `GET /orders/{order_id}` answer exactly as the client does.
///
/// Besides the usual mapping (`error.rs`), Juspay answers an unknown order id with **HTTP
/// 400** and `{"status":"NOT_FOUND","status_id":40,"error_info":{"code":"RESOURCE_NOT_FOUND",...}}`
/// (Order Status API page, "Error Codes"); a 4xx with `"status":"NOT_FOUND"` becomes
/// `NotFound`, as a 404 does.
pub fn parse_order_status_response(
    http_status: u16,
    headers: &HashMap<String, String>,
    body: &str,
) -> Result<OrderStatus, HyperCheckoutError> {
    parse_answer(&HttpAnswer::from_parts(http_status, headers, body))
}

pub(crate) fn parse_answer(answer: &HttpAnswer<'_>) -> Result<OrderStatus, HyperCheckoutError> {
    if (200..300).contains(&answer.status) {
        let text = std::str::from_utf8(answer.body)
            .map_err(|_| unexpected(answer, "order status body is not UTF-8"))?;
        return parse_order_object(text).map_err(|reason| unexpected(answer, &reason));
    }
    Err(from_error_answer(answer))
}

/// `/orders/{order_id}` with the id percent-encoded as one path segment: everything but
/// RFC 3986 unreserved characters is escaped, so `/`, `?`, `#` or `..` in an id can never
/// reach another endpoint.
pub(crate) fn order_path(order_id: &str) -> String {
    let mut path = String::from("/orders/");
    for &b in order_id.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            path.push(b as char);
        } else {
            path.push_str(&format!("%{b:02X}"));
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_state_round_trips() {
        let ids: Vec<i64> = OrderState::documented()
            .map(|s| {
                assert_eq!(OrderState::from_name(&s.wire_name()), s);
                s.documented_id().unwrap()
            })
            .collect();
        assert_eq!(
            ids,
            [10, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33, 34, 35, 36, 37, 40]
        );
        let unknown = OrderState::from_name("SUCCESS");
        assert_eq!(
            unknown,
            OrderState::Unknown {
                name: "SUCCESS".into()
            }
        );
        assert_eq!(unknown.wire_name(), "SUCCESS");
        assert_eq!(unknown.documented_id(), None);
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(order_path("order_1-2.3~"), "/orders/order_1-2.3~");
        assert_eq!(order_path("a/../b?c#d e"), "/orders/a%2F..%2Fb%3Fc%23d%20e");
        assert_eq!(order_path("é"), "/orders/%C3%A9");
    }

    #[test]
    fn amount_keeps_its_text() {
        let order =
            parse_order_object(r#"{"order_id":"o","status":"CHARGED","amount":100.10}"#).unwrap();
        assert_eq!(order.amount.as_deref(), Some("100.10"));
        let order = parse_order_object(r#"{"order_id":635,"status":"NEW","amount":"7"}"#).unwrap();
        assert_eq!(order.amount.as_deref(), Some("7"));
        assert_eq!(order.order_id, "635");
        assert!(parse_order_object(r#"{"order_id":"o","status":"NEW","amount":"x"}"#).is_err());
    }
}
