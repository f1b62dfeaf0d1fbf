//! The typed `POST /session` answer (reference "Sample Request & Response" and "API
//! Responses: 200").
//!
//! `sdk_payload` is meant for the app's checkout SDK untouched, so besides the typed view we
//! keep its exact text: keys we do not model (`options.getUpiDeepLinks`, future ones)
//! survive byte for byte.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{from_error_answer, unexpected, HttpAnswer, HyperCheckoutError};

/// A created payment session.
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Session {
    /// Order status, `NEW` for a fresh order.
    pub status: String,
    /// Juspay's order id (`ordeh_...`); "" for a `paymentManagement` session (no order).
    pub id: String,
    /// The merchant's order id, as sent ("" for `paymentManagement`).
    pub order_id: String,
    /// `payment_links.web`: the hosted payment page ("" when Juspay sent none).
    pub payment_link: String,
    /// The typed view of the JSON key `sdk_payload`.
    pub sdk_payload: SdkPayload,
    /// The JSON key `sdk_payload` exactly as received: hand this to the frontend SDK.
    pub sdk_payload_json: String,
    /// `payment_links.expiry`: when the payment link stops working (ISO-8601), if Juspay
    /// said (DEMO `TPV/TPVResp.json`: `2024-12-18T05:20:34Z`).
    pub payment_link_expiry: Option<String>,
    /// The JSON key `order_expiry`: when the order itself expires, if Juspay said.
    pub order_expiry: Option<String>,
    /// The `x-routing-id` the session was created with: pass it to the Order Status call for
    /// this order, so every call of the customer's session reaches the same place. Empty
    /// when the answer was parsed outside a client (by the session answer parser).
    pub routing_id: String,
}

/// The JSON key `sdk_payload`: the process call for the HyperCheckout SDK.
#[derive(Clone, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct SdkPayload {
    /// The SDK request id (`requestId`).
    #[serde(rename = "requestId")]
    pub request_id: String,
    /// The SDK service to start, e.g. `in.juspay.hyperpay`.
    pub service: String,
    /// The process payload for the frontend SDK.
    pub payload: SdkPayloadDetails,
    /// The JSON key `sdk_payload.expiry`, when Juspay sends one (ISO-8601).
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub expiry: Option<String>,
}

/// The JSON key `sdk_payload.payload`: the fields the reference documents; all optional
/// because Juspay echoes only what the request carried.
#[derive(Clone, Default, PartialEq, Deserialize, uniffi::Record)]
#[uniffi::export(Debug)]
#[serde(rename_all = "camelCase")]
pub struct SdkPayloadDetails {
    /// The payment page client id.
    pub client_id: Option<String>,
    /// The order amount, as echoed.
    pub amount: Option<String>,
    /// The merchant id, as echoed.
    pub merchant_id: Option<String>,
    /// Authenticates the frontend SDK for this order; short-lived.
    pub client_auth_token: Option<String>,
    /// ISO-8601 UTC expiry of the client auth token, e.g. `2022-03-12T20:29:23Z`.
    pub client_auth_token_expiry: Option<String>,
    /// `sandbox` or `production`, as echoed.
    pub environment: Option<String>,
    /// The session's action, e.g. `paymentPage`.
    pub action: Option<String>,
    /// The customer id, as echoed.
    pub customer_id: Option<String>,
    /// The return URL, as echoed.
    pub return_url: Option<String>,
    /// The currency, as echoed.
    pub currency: Option<String>,
    /// The customer's first name, as echoed.
    pub first_name: Option<String>,
    /// The customer's last name, as echoed.
    pub last_name: Option<String>,
    /// The customer's phone, as echoed (customer data: never logged).
    pub customer_phone: Option<String>,
    /// The customer's e-mail, as echoed (customer data: never logged).
    pub customer_email: Option<String>,
    /// The order id, as echoed.
    pub order_id: Option<String>,
    /// The order description, as echoed.
    pub description: Option<String>,
}

/// A `paymentManagement` session opens no order, so its answer may have no `id`,
/// `order_id` or payment link: those read as "" (Juspay publishes no such answer; the
/// emulator's has none of the three). An answer with an order must have its payment link.
#[derive(Deserialize)]
struct WireSession<'a> {
    status: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    order_id: String,
    payment_links: Option<WireLinks>,
    #[serde(borrow)]
    sdk_payload: &'a RawValue,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    order_expiry: Option<String>,
}

#[derive(Deserialize)]
struct WireLinks {
    web: String,
    #[serde(default, deserialize_with = "crate::lenient::text")]
    expiry: Option<String>,
}

/// Parses a 2xx body of `POST /session`.
pub(crate) fn parse_session(answer: &HttpAnswer<'_>) -> Result<Session, HyperCheckoutError> {
    let wire: WireSession = serde_json::from_slice(answer.body)
        .map_err(|e| unexpected(answer, &format!("not a session: {e}")))?;
    let links = match (wire.payment_links, wire.order_id.is_empty()) {
        (Some(links), _) => Some(links),
        (None, true) => None,
        (None, false) => {
            return Err(unexpected(
                answer,
                "not a session: missing field `payment_links`",
            ))
        }
    };
    let sdk_payload: SdkPayload = serde_json::from_str(wire.sdk_payload.get())
        .map_err(|e| unexpected(answer, &format!("sdk_payload has the wrong shape: {e}")))?;
    Ok(Session {
        status: wire.status,
        id: wire.id,
        order_id: wire.order_id,
        payment_link: links.as_ref().map(|l| l.web.clone()).unwrap_or_default(),
        sdk_payload,
        sdk_payload_json: wire.sdk_payload.get().to_owned(),
        payment_link_expiry: links.and_then(|l| l.expiry),
        order_expiry: wire.order_expiry,
        routing_id: String::new(),
    })
}

/// Interprets a `POST /session` answer exactly as the client does: a 2xx body becomes a
/// `Session`, anything else the matching `HyperCheckoutError`. For callers who make the HTTP
/// call themselves, and for the conformance vectors in `testdata/responses.json`.
pub fn parse_session_response(
    http_status: u16,
    headers: &HashMap<String, String>,
    body: &str,
) -> Result<Session, HyperCheckoutError> {
    let answer = HttpAnswer::from_parts(http_status, headers, body);
    if (200..300).contains(&http_status) {
        parse_session(&answer)
    } else {
        Err(from_error_answer(&answer))
    }
}
