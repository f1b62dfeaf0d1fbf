//! The Refund Order API: `POST /orders/{order_id}/refunds`, its rules, its wire form, and
//! how a repeated refund is recognised.
//!
//! Sources (all in `docs/refunds-and-mandates.md`, with the rest of the evidence):
//! - Juspay's Refund Order API page
//!   (<https://docs.juspay.io/payment-page-enterprise/web/base-sdk-integration/refund-order-api>,
//!   and the same text on <https://juspay.io/in/docs/api-reference/docs/express-checkout/refund-order-api>):
//!   headers `version` (a date), `Content-Type: application/x-www-form-urlencoded`,
//!   `x-merchantid`, `x-routing-id`; body `unique_request_id` ("You cannot reuse the value for
//!   two different refund requests ... should be less than 21 characters") and optional
//!   `amount` ("If this parameter is not passed, then the order is refunded entirely"); the
//!   answer is the order status object with its `refunds` block.
//! - Its error table (<https://developer.juspay.in/reference/refund-order>): 400 `duplicate.call`
//!   (the same `unique_request_id` again, or the same amount again within 5 seconds), 400
//!   `invalid.amount.exceeded`, 400 "Mandatory fields are missing", 400 `invalid amount`
//!   (amount 0), 400 `"status": "NOT_FOUND"` (unknown order), 400
//!   `invalid.order.not_successful` (an order that was never charged).
//! - The SDKs send the same thing: DEMO `orders/refund-order/request.sh` (form fields,
//!   `version: 2023-06-30`), .NET `Juspay/Services/OrderService.cs` (`Refund`:
//!   `ContentType.FormUrlEncoded`, path `/orders/{id}/refunds`), Node (recorded in
//!   `testdata/juspay/official_sdk_requests.json`).

use crate::order::{order_path, OrderStatus, Refund, ORDER_STATUS_API_VERSION};
use crate::payment::amounts_equal;
use crate::validate::{codes, is_positive_decimal, Violation, Violations};
use crate::wire::{form_body, WireCall, FORM_CONTENT_TYPE};

/// `unique_request_id`: "The length of the unique_request_id should be less than 21
/// characters" (Refund Order API page, body parameters).
pub const UNIQUE_REQUEST_ID_MAX: usize = 20;

/// The `version` header sent with a refund. The answer is an order status object, so the
/// refund pins the same date as `get_order_status`: both calls then describe an order in the
/// same shape. (The page asks for "the current date"; its sample sends `2023-06-30`. A fixed
/// date keeps the answer's shape stable however Juspay evolves the API.)
pub const REFUND_API_VERSION: &str = ORDER_STATUS_API_VERSION;

/// Juspay's `error_code` for a refund it has already seen: the same `unique_request_id`
/// again, or the same amount again within 5 seconds. `create_refund` turns the first kind
/// into success when the order shows the refund (see `Client::create_refund`).
pub const REFUND_ERROR_DUPLICATE_CALL: &str = "duplicate.call";
/// Juspay's `error_code` for a refund larger than what is left to refund.
pub const REFUND_ERROR_AMOUNT_EXCEEDED: &str = "invalid.amount.exceeded";
/// Juspay's `error_code` for a refund on an order that was never charged.
pub const REFUND_ERROR_ORDER_NOT_SUCCESSFUL: &str = "invalid.order.not_successful";

/// A refund of (part of) a charged order: `POST /orders/{order_id}/refunds`.
///
/// The unique request id (Juspay's `unique_request_id`) is the idempotency key: keep it, and
/// send the same value again if a call ends without an answer (timeout, lost connection).
/// Juspay never refunds twice for one key, and the refund call returns the order when the
/// refund already exists.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RefundRequest {
    /// The merchant's order id of the charged order.
    pub order_id: String,
    /// The refund's idempotency key: 1 to 20 letters, digits, `-` or `_`; a new one for
    /// every distinct refund.
    pub unique_request_id: String,
    /// The amount to refund, as a decimal string with at most two decimals (`"50"`,
    /// `"50.25"`). Absent, it refunds whatever is left of the order.
    #[uniffi(default)]
    pub amount: Option<String>,
    /// The `x-routing-id` the order's session used (the session's routing id): required, as
    /// for the Order Status call.
    pub routing_id: String,
}

impl RefundRequest {
    /// A full refund of `order_id`.
    pub fn new(
        order_id: impl Into<String>,
        unique_request_id: impl Into<String>,
        routing_id: impl Into<String>,
    ) -> Self {
        RefundRequest {
            order_id: order_id.into(),
            unique_request_id: unique_request_id.into(),
            amount: None,
            routing_id: routing_id.into(),
        }
    }
}

/// Every documented rule for a refund, all at once; empty means it would be sent.
pub fn validate_refund(request: &RefundRequest) -> Vec<Violation> {
    // order_id and routing_id: exactly the rules of an order lookup (the id is one path
    // segment, the routing id a header).
    let mut found = Violations(crate::validate::validate_order_lookup(
        &request.order_id,
        &request.routing_id,
    ));
    let id = &request.unique_request_id;
    if found.required("unique_request_id", id) {
        found.max_len("unique_request_id", id, UNIQUE_REQUEST_ID_MAX);
        // "Do not pass any special characters" (refunds block, `unique_request_id`). `-` and
        // `_` are not refused: Juspay's own tests and samples send them (.NET
        // `Order.cs` "request_<n>", DEMO webhook `erf_b0c764a743c4221b`).
        found.charset(
            "unique_request_id",
            id,
            "letters, digits, '-' and '_'",
            |c| c.is_ascii_alphanumeric() || c == '-' || c == '_',
        );
    }
    if let Some(amount) = &request.amount {
        // "Refund Amount is 0" is refused (`invalid amount`); the format is the session's
        // ("stringified double or integer values with upto two decimal places").
        if !is_positive_decimal(amount) {
            found.push(
                "amount",
                codes::INVALID_AMOUNT,
                "must be a positive number with at most two decimals, e.g. \"50\" or \"50.25\" \
                 (leave it out for a full refund)",
            );
        }
    }
    found.0
}

/// The exact call `create_refund` sends for `request` (path, form body, headers but the
/// credentials). Does not validate.
pub fn refund_call(request: &RefundRequest) -> WireCall {
    let mut fields = vec![("unique_request_id", request.unique_request_id.as_str())];
    if let Some(amount) = &request.amount {
        fields.push(("amount", amount));
    }
    WireCall {
        method: "POST".into(),
        path: format!("{}/refunds", order_path(&request.order_id)),
        content_type: Some(FORM_CONTENT_TYPE.into()),
        version: Some(REFUND_API_VERSION.into()),
        routing_id: request.routing_id.clone(),
        body: Some(form_body(&fields)),
    }
}

/// The refund `request` created, if `order` shows it: the same `unique_request_id` and, when
/// the request named an amount, the same amount. This is how a repeated refund (after a lost
/// answer) is recognised as done rather than failed.
pub fn find_refund<'a>(order: &'a OrderStatus, request: &RefundRequest) -> Option<&'a Refund> {
    order.refunds.iter().find(|refund| {
        refund.unique_request_id.as_deref() == Some(request.unique_request_id.as_str())
            && match (&request.amount, &refund.amount) {
                (None, _) => true,
                (Some(asked), Some(made)) => amounts_equal(asked, made),
                (Some(_), None) => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_and_path() {
        let mut request = RefundRequest::new("order 1/2", "rf-1_a", "cust-1");
        let call = refund_call(&request);
        assert_eq!(call.path, "/orders/order%201%2F2/refunds");
        assert_eq!(call.body.as_deref(), Some("unique_request_id=rf-1_a"));
        request.amount = Some("10.50".into());
        assert_eq!(
            refund_call(&request).body.as_deref(),
            Some("unique_request_id=rf-1_a&amount=10.50")
        );
    }

    #[test]
    fn every_violation_at_once() {
        let request = RefundRequest {
            order_id: String::new(),
            unique_request_id: "x".repeat(21) + "!",
            amount: Some("0".into()),
            routing_id: String::new(),
        };
        let fields: Vec<(String, String)> = validate_refund(&request)
            .into_iter()
            .map(|v| (v.field, v.code))
            .collect();
        let expected = [
            ("order_id", "required"),
            ("routing_id", "required"),
            ("unique_request_id", "too_long"),
            ("unique_request_id", "invalid_characters"),
            ("amount", "invalid_amount"),
        ];
        assert_eq!(
            fields,
            expected.map(|(f, c)| (f.to_owned(), c.to_owned())).to_vec()
        );
        assert!(validate_refund(&RefundRequest::new("o-1", "r1", "c1")).is_empty());
    }
}
