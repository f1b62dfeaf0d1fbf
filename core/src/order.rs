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

/// The `version` header sent with `GET /orders/{order_id}`: "Pass the date in YYYY-MM-DD
/// format ... the response will include data corresponding to that specific version date"
/// (Juspay's Order Status API page; this date is its sample value). Pinning it keeps the
/// answer's shape stable however Juspay evolves the API.
pub const ORDER_STATUS_API_VERSION: &str = "2025-01-10";

/// An order's `status`, with its documented `status_id`. Names and ids: Juspay's Order
/// Status API and "Transaction Status" pages. Only `Charged` means the customer has paid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
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
    /// 40: no such order.
    NotFound,
    /// A status this SDK does not know yet, exactly as Juspay sent it. Not an error: new
    /// states must not break a merchant's backend, but they are never "paid".
    Unknown { name: String },
}

/// (state, wire name, status_id), the documented table.
const STATES: [(OrderState, &str, i64); 18] = [
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
    (OrderState::NotFound, "NOT_FOUND", 40),
];

impl OrderState {
    /// Every documented state, in `status_id` order.
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

    /// The documented `status_id`, `None` for `Unknown`.
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

/// The answer of the Order Status API (and the `order` of a webhook).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OrderStatus {
    /// The merchant's order id.
    pub order_id: String,
    /// Juspay's id for the order (`ordeh_...`), when present.
    pub id: Option<String>,
    pub status: OrderState,
    /// `status_id` as sent (see `OrderState::documented_id` for the documented value).
    pub status_id: Option<i64>,
    /// The order amount, exactly as the JSON number was written (`"386"`, `"100.15"`,
    /// `"1.0"`): never converted to a float. Compare with `amounts_equal`, not as text.
    pub amount: Option<String>,
    /// ISO 4217 code, e.g. `INR`.
    pub currency: Option<String>,
    pub customer_id: Option<String>,
    pub udf1: Option<String>,
    pub udf2: Option<String>,
    pub udf3: Option<String>,
    pub udf4: Option<String>,
    pub udf5: Option<String>,
    pub udf6: Option<String>,
    pub udf7: Option<String>,
    pub udf8: Option<String>,
    pub udf9: Option<String>,
    pub udf10: Option<String>,
    /// The whole order object exactly as received: `txn_detail`, `payment_gateway_response`,
    /// `refunds` and every field not modelled above.
    pub raw_json: String,
}

#[derive(Deserialize)]
struct WireOrder<'a> {
    #[serde(borrow)]
    order_id: Scalar<'a>,
    id: Option<String>,
    status: String,
    #[serde(borrow)]
    status_id: Option<Scalar<'a>>,
    #[serde(borrow)]
    amount: Option<&'a RawValue>,
    currency: Option<String>,
    #[serde(borrow)]
    customer_id: Option<Scalar<'a>>,
    udf1: Option<String>,
    udf2: Option<String>,
    udf3: Option<String>,
    udf4: Option<String>,
    udf5: Option<String>,
    udf6: Option<String>,
    udf7: Option<String>,
    udf8: Option<String>,
    udf9: Option<String>,
    udf10: Option<String>,
}

/// Juspay's older APIs send some ids as numbers (`"order_id": 635` in a sample): accept a
/// string or a number and keep its text exactly, digits beyond `f64` included
/// (`123456789012345678901234567890` stays that, issue 11 item 10).
struct Scalar<'a>(&'a RawValue);

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        if text.starts_with('"')
            || text.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'])
        {
            Ok(Scalar(raw))
        } else {
            Err(serde::de::Error::custom("expected a string or a number"))
        }
    }
}

impl Scalar<'_> {
    fn text(self) -> String {
        let raw = self.0.get();
        if raw.starts_with('"') {
            // A valid JSON string (the parser checked it): decoding cannot fail.
            serde_json::from_str(raw).unwrap_or_default()
        } else {
            raw.to_owned()
        }
    }
}

/// Reads an order object (the Order Status body, or a webhook's `content.order`).
pub(crate) fn parse_order_object(json: &str) -> Result<OrderStatus, String> {
    let wire: WireOrder = serde_json::from_str(json).map_err(|e| format!("not an order: {e}"))?;
    let amount = match wire.amount {
        None => None,
        Some(raw) => Some(amount_text(raw.get())?),
    };
    let status_id = match wire.status_id.map(Scalar::text) {
        None => None,
        Some(text) => Some(
            text.parse::<i64>()
                .map_err(|_| format!("status_id {text:?} is not a whole number"))?,
        ),
    };
    Ok(OrderStatus {
        order_id: wire.order_id.text(),
        id: wire.id,
        status: OrderState::from_name(&wire.status),
        status_id,
        amount,
        currency: wire.currency,
        customer_id: wire.customer_id.map(Scalar::text),
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

/// The amount's text: a JSON number as written, or (tolerated) a JSON string holding one.
/// (`null` never gets here: serde reads it as an absent `Option`.)
fn amount_text(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    let text = if raw.starts_with('"') {
        serde_json::from_str::<String>(raw).map_err(|e| format!("amount: {e}"))?
    } else {
        raw.to_owned()
    };
    if crate::payment::Decimal::parse(&text).is_none() {
        return Err(format!("amount {text:?} is not a number"));
    }
    Ok(text)
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
            [10, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 31, 32, 33, 34, 35, 36, 40]
        );
        let unknown = OrderState::from_name("PARTIAL_CHARGED");
        assert_eq!(
            unknown,
            OrderState::Unknown {
                name: "PARTIAL_CHARGED".into()
            }
        );
        assert_eq!(unknown.wire_name(), "PARTIAL_CHARGED");
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
