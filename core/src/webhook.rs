//! Juspay's webhooks: checking their credentials and reading their body.
//!
//! Source: Juspay's "Webhooks" page (`shared/notes/juspay-facts.md`, "Webhooks"): an HTTPS
//! POST with the HTTP Basic credentials chosen in the dashboard, body
//! `{id, event_name, date_created, content: {order: {...order status...}}}`. A webhook can
//! arrive more than once: handle it idempotently (by `id`, or by the order's state).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use sha2::Sha256;

use crate::error::HyperCheckoutError;
use crate::mandate::{parse_mandate_object, MandateDetails};
use crate::order::{parse_order_object, OrderStatus};
use crate::validate::Violation;

/// Whether the authorization header given (the request's `Authorization` value; pass `""`
/// when the request had none) carries exactly `username` and `password` as HTTP Basic
/// credentials.
/// The comparison takes the same time wherever the first difference is. Empty configured
/// credentials never match: they would accept anyone.
#[uniffi::export]
pub fn verify_webhook_auth(authorization_header: &str, username: &str, password: &str) -> bool {
    if username.is_empty() && password.is_empty() {
        tracing::warn!("webhook credentials are not configured; refusing every webhook");
        return false;
    }
    let header = authorization_header.trim();
    let Some((scheme, encoded)) = header.split_once(' ') else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return false;
    }
    let Ok(received) = base64::engine::general_purpose::STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = format!("{username}:{password}");
    constant_time_eq(&received, expected.as_bytes())
}

/// Equality that does not leak where (or whether the lengths) differ: both sides are
/// HMACed under a fixed key and the digests compared with `Mac::verify_slice`, which is
/// constant time.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let digest = |data: &[u8]| {
        let mut mac = Hmac::<Sha256>::new_from_slice(b"hypercheckout webhook credentials")
            .expect("HMAC accepts keys of any length");
        mac.update(data);
        mac
    };
    let a_digest = digest(a).finalize().into_bytes();
    digest(b).verify_slice(&a_digest).is_ok()
}

/// The JSON key `event_name`. Unknown names are kept, not refused: Juspay adds events over time.
/// Names: Juspay's webhook pages ("Outgoing Webhook/Callback",
/// <https://developer.juspay.in/v3.2/docs/outgoing-webhookcallback-3>) and its samples (the DEMO
/// repository's `webhooks/` and `mandates/webhook/` folders; `docs/juspay-evidence.md`,
/// "Webhook events").
/// Order and refund events carry `content.order`; mandate events `content.mandate`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum WebhookEventName {
    /// The order was paid.
    OrderSucceeded,
    /// The order's payment failed.
    OrderFailed,
    /// A refund succeeded (the order's `refunds` shows it `SUCCESS`).
    OrderRefunded,
    /// A refund failed.
    OrderRefundFailed,
    /// Only part of the amount was charged.
    OrderPartialCharged,
    /// A payment attempt started.
    TxnCreated,
    /// A transaction was charged.
    TxnCharged,
    /// A transaction failed.
    TxnFailed,
    /// A refund was accepted and is `PENDING`.
    RefundInitiated,
    /// A refund's outcome is ambiguous: reconcile it with the gateway (`MANUAL_REVIEW`).
    RefundManualReviewNeeded,
    /// Juspay started refunding a payment by itself (e.g. a late success on a failed order).
    AutoRefundInitiated,
    /// An automatic refund succeeded.
    AutoRefundSucceeded,
    /// An automatic refund failed.
    AutoRefundFailed,
    /// A mandate was registered (`CREATED`).
    MandateCreated,
    /// A mandate became `ACTIVE`.
    MandateActivated,
    /// A mandate's registration failed (`FAILURE`).
    MandateFailed,
    /// A mandate was `PAUSED`.
    MandatePaused,
    /// A mandate `EXPIRED`.
    MandateExpired,
    /// A mandate was `REVOKED`.
    MandateRevoked,
    /// Any other name, exactly as sent.
    Unknown {
        /// The JSON key `event_name` as received.
        name: String,
    },
}

const EVENT_NAMES: [(WebhookEventName, &str); 19] = [
    (WebhookEventName::OrderSucceeded, "ORDER_SUCCEEDED"),
    (WebhookEventName::OrderFailed, "ORDER_FAILED"),
    (WebhookEventName::OrderRefunded, "ORDER_REFUNDED"),
    (WebhookEventName::OrderRefundFailed, "ORDER_REFUND_FAILED"),
    (
        WebhookEventName::OrderPartialCharged,
        "ORDER_PARTIAL_CHARGED",
    ),
    (WebhookEventName::TxnCreated, "TXN_CREATED"),
    (WebhookEventName::TxnCharged, "TXN_CHARGED"),
    (WebhookEventName::TxnFailed, "TXN_FAILED"),
    (WebhookEventName::RefundInitiated, "REFUND_INITIATED"),
    (
        WebhookEventName::RefundManualReviewNeeded,
        "REFUND_MANUAL_REVIEW_NEEDED",
    ),
    (
        WebhookEventName::AutoRefundInitiated,
        "AUTO_REFUND_INITIATED",
    ),
    (
        WebhookEventName::AutoRefundSucceeded,
        "AUTO_REFUND_SUCCEEDED",
    ),
    (WebhookEventName::AutoRefundFailed, "AUTO_REFUND_FAILED"),
    (WebhookEventName::MandateCreated, "MANDATE_CREATED"),
    (WebhookEventName::MandateActivated, "MANDATE_ACTIVATED"),
    (WebhookEventName::MandateFailed, "MANDATE_FAILED"),
    (WebhookEventName::MandatePaused, "MANDATE_PAUSED"),
    (WebhookEventName::MandateExpired, "MANDATE_EXPIRED"),
    (WebhookEventName::MandateRevoked, "MANDATE_REVOKED"),
];

impl WebhookEventName {
    /// The event for the JSON key `event_name`'s text; unknown names are kept in `Unknown`.
    pub fn from_name(name: &str) -> WebhookEventName {
        EVENT_NAMES
            .iter()
            .find(|(_, wire)| *wire == name)
            .map(|(event, _)| event.clone())
            .unwrap_or_else(|| WebhookEventName::Unknown {
                name: name.to_owned(),
            })
    }
}

#[uniffi::export]
impl WebhookEventName {
    /// The JSON key `event_name`'s text on the wire (not `name`: see the wire name of
    /// `OrderState`).
    pub fn wire_name(&self) -> String {
        match self {
            WebhookEventName::Unknown { name } => name.clone(),
            known => EVENT_NAMES
                .iter()
                .find(|(event, _)| event == known)
                .map(|(_, wire)| (*wire).to_owned())
                .unwrap_or_default(),
        }
    }
}

/// A parsed webhook body.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct WebhookEvent {
    /// The event's id (`evt_...`); the same event delivered twice has the same id. Absent in
    /// some of Juspay's own samples (DEMO `orderFailedSplit`): then de-duplicate by the
    /// order's id and state.
    pub id: Option<String>,
    /// What happened (the JSON key `event_name`).
    pub event_name: WebhookEventName,
    /// As sent, e.g. `2024-09-30T11:00:28Z`.
    pub date_created: Option<String>,
    /// `content.order`, when the event carries one (order events do). Its status is what
    /// Juspay saw when it sent the event; confirm with the Order Status call before fulfilling.
    pub order: Option<OrderStatus>,
    /// `content.mandate`, when the event carries one (`MANDATE_*` events) and it reads as a
    /// mandate (a `mandate_id` key and a status); otherwise absent, the body being in the raw
    /// JSON. Confirm with the mandate status call before acting on it.
    pub mandate: Option<MandateDetails>,
    /// The whole body exactly as received.
    pub raw_json: String,
}

#[derive(Deserialize)]
struct WireEvent<'a> {
    id: Option<Value>,
    event_name: Option<String>,
    date_created: Option<Value>,
    #[serde(borrow)]
    content: Option<WireContent<'a>>,
}

#[derive(Deserialize)]
struct WireContent<'a> {
    #[serde(borrow)]
    order: Option<&'a RawValue>,
    #[serde(borrow)]
    mandate: Option<&'a RawValue>,
}

/// Reads a webhook body. Check the webhook's authorization first (the webhook auth check):
/// an unauthenticated body is not Juspay's. Problems are reported as `Validation` with the
/// JSON path as the field.
#[uniffi::export]
pub fn parse_webhook(body: &str) -> Result<WebhookEvent, HyperCheckoutError> {
    crate::runtime::catch_panic(|| read_webhook(body))
}

fn read_webhook(body: &str) -> Result<WebhookEvent, HyperCheckoutError> {
    let invalid = |field: &str, code: &str, message: String| HyperCheckoutError::Validation {
        violations: vec![Violation {
            field: field.to_owned(),
            code: code.to_owned(),
            message,
        }],
    };
    let wire: WireEvent = serde_json::from_str(body).map_err(|e| {
        invalid(
            "",
            "invalid_json",
            format!("not a webhook JSON object: {e}"),
        )
    })?;
    let id = match wire.id {
        Some(Value::String(id)) if !id.is_empty() => Some(id),
        Some(Value::Number(id)) => Some(id.to_string()),
        _ => None,
    };
    let Some(event_name) = wire.event_name.filter(|n| !n.is_empty()) else {
        return Err(invalid("event_name", "required", "is required".into()));
    };
    let date_created = match wire.date_created {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text),
        Some(other) => Some(other.to_string()),
    };
    let (order, mandate) = match wire.content {
        Some(content) => (content.order, content.mandate),
        None => (None, None),
    };
    // Lenient, unlike `content.order`: a mandate event is worth delivering even when its
    // mandate cannot be read (the body stays in `raw_json`); `get_mandate` is the
    // authoritative word anyway.
    let mandate = mandate.and_then(|raw| parse_mandate_object(raw.get()).ok());
    let order = match order {
        None => None,
        Some(raw) => Some(
            parse_order_object(raw.get())
                .map_err(|reason| invalid("content.order", "invalid_value", reason))?,
        ),
    };
    Ok(WebhookEvent {
        id,
        event_name: WebhookEventName::from_name(&event_name),
        date_created,
        order,
        mandate,
        raw_json: body.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(credentials: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(credentials)
        )
    }

    #[test]
    fn basic_credentials() {
        assert!(verify_webhook_auth(
            &basic("juspay:s3cret"),
            "juspay",
            "s3cret"
        ));
        assert!(verify_webhook_auth(
            &format!(
                "  basic {} ",
                base64::engine::general_purpose::STANDARD.encode("juspay:s3cret")
            ),
            "juspay",
            "s3cret"
        ));
        for wrong in [
            basic("juspay:s3cre"),
            basic("juspay:s3crett"),
            basic("Juspay:s3cret"),
            basic("juspay"),
            "Bearer anything".into(),
            "Basic !!!".into(),
            "".into(),
        ] {
            assert!(!verify_webhook_auth(&wrong, "juspay", "s3cret"), "{wrong}");
        }
        assert!(!verify_webhook_auth(&basic(":"), "", ""));
    }

    #[test]
    fn event_names() {
        assert_eq!(
            WebhookEventName::from_name("ORDER_SUCCEEDED"),
            WebhookEventName::OrderSucceeded
        );
        let unknown = WebhookEventName::from_name("LOAN_ACTIVE");
        assert_eq!(unknown.wire_name(), "LOAN_ACTIVE");
        for (event, name) in EVENT_NAMES {
            assert_eq!(WebhookEventName::from_name(name), event);
            assert_eq!(event.wire_name(), name);
        }
        assert_eq!(WebhookEventName::TxnCreated.wire_name(), "TXN_CREATED");
    }
}
