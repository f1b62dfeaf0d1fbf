//! The Refund Order API, `POST /orders/{order_id}/refunds`, Juspay's refund lifecycle, and
//! the `POST /__emulator/settle` test aid.
//!
//! Evidence (the emulator's own reading; it shares nothing with the client crate):
//! * The call: form-encoded `unique_request_id` (required, "less than 21 characters and
//!   alphanumeric") and optional `amount` ("less than or equal to the effective_amount of
//!   the order that is not yet refunded. If this parameter is not passed, then the order is
//!   refunded entirely. The minimum amount that can be refunded is 1 INR"); headers
//!   `x-merchantid`, `x-routing-id`, `version`, Basic auth — the HyperCheckout Refund Order
//!   API page, https://juspay.io/in/docs/hyper-checkout/web/base-sdk-integration/refund-order-api,
//!   and DEMO `orders/refund-order/request.sh` (juspay/juspay-sdk-integration-demo branch
//!   `api-reference` @b2d0d12dab65a80acc2dc7f0691a8a6da116e661).
//! * The answer: the order status body plus `refunds[]` (DEMO
//!   `orders/refund-order/response.json`); a refund is PENDING at first, `sent_to_gateway`
//!   false ("refunds are queued at juspay for a max of 15minutes"), then SUCCESS, FAILURE or
//!   MANUAL_REVIEW (https://developer.juspay.in/v3.2/reference/refund-order, "Status codes
//!   and meaning").
//! * Errors, exactly as the page's "Refund API failure with response code" table shows them
//!   (https://developer.juspay.in/reference/refund-order): duplicate `unique_request_id`,
//!   a second refund of the same amount within 5 seconds, amount above the refundable
//!   amount, amount 0, unknown order, an order that is not CHARGED.
//! * Totals, from Juspay's published order bodies (`testdata/juspay/order_status.json`,
//!   DEMO `webhooks/*.json`): PENDING and MANUAL_REVIEW refunds count in `amount_refunded`
//!   (`orders/refund-order/response.json`: PENDING 1 of 1, amount_refunded 1;
//!   `webhooks/refund_manual_review.json`: 1476 + 75 = 1551), a FAILURE one does not
//!   (`webhooks/order_refund_failed.json`: amount_refunded 0); `refunded` is true only once
//!   the whole amount is refunded (`tata-neu/refund-response.json`, `Offers/partialrefundsOS.json`,
//!   `webhooks/order_refunded.json`: partial refunds, `refunded` false); the order keeps
//!   status CHARGED and `effective_amount` (no offers here, so the amount);
//!   `maximum_eligible_refund_amount` = effective amount − amount_refunded
//!   (`tata-neu/refund-response.json`: 2001 − 1000.56 = 1000.44).
//! * Webhooks: REFUND_INITIATED (DEMO `webhooks/refund_initiate.json`, PENDING),
//!   ORDER_REFUNDED (`order_refunded.json`, SUCCESS), ORDER_REFUND_FAILED
//!   (`order_refund_failed.json`, FAILURE), REFUND_MANUAL_REVIEW_NEEDED
//!   (`refund_manual_review.json`), each with `content.order`.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Value};

use crate::fault::{Api, Connection};
use crate::params::{self, Params};
use crate::server::{
    bad_request, check_headers_and_auth, check_order_id_in_path, count_and_fault, header_str,
    json_response, lock, order_not_found, order_status_json, simple_error, AppState, Order, Orders,
    RequestId, FAULT_BODY_FIELD,
};
use crate::util::{iso8601_utc, now_epoch, random_hex};
use crate::validate::{Mode, Problem};

/// A refund's state (Juspay's four documented values).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefundStatus {
    Pending,
    Success,
    Failure,
    ManualReview,
}

impl RefundStatus {
    fn name(self) -> &'static str {
        match self {
            RefundStatus::Pending => "PENDING",
            RefundStatus::Success => "SUCCESS",
            RefundStatus::Failure => "FAILURE",
            RefundStatus::ManualReview => "MANUAL_REVIEW",
        }
    }

    /// Whether the refund counts in `amount_refunded` (all but FAILURE).
    fn counts(self) -> bool {
        self != RefundStatus::Failure
    }
}

/// What an asynchronous operation (a refund, a mandate execution) settles to: a test chooses
/// it with the `x-emulator-outcome` header (or the `emulator_outcome` parameter), or with a
/// magic prefix of its id (`emufail…`, `emureview…`, `emupending…`, case-insensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Success,
    Failure,
    ManualReview,
    /// Stays pending until `POST /__emulator/settle` says otherwise.
    Pending,
}

/// Header that chooses an [`Outcome`]; the same name as a parameter is `emulator_outcome`.
pub(crate) const OUTCOME_HEADER: &str = "x-emulator-outcome";
/// Parameter that chooses an [`Outcome`] when a client cannot add headers.
pub(crate) const OUTCOME_FIELD: &str = "emulator_outcome";

impl Outcome {
    fn parse(text: &str) -> Option<Outcome> {
        match text.trim().to_ascii_uppercase().as_str() {
            "SUCCESS" => Some(Outcome::Success),
            "FAILURE" => Some(Outcome::Failure),
            "MANUAL_REVIEW" => Some(Outcome::ManualReview),
            "PENDING" => Some(Outcome::Pending),
            _ => None,
        }
    }

    /// The outcome asked for by the header, else the parameter, else the id's magic prefix,
    /// else success. `allowed` lists what this operation can end as.
    #[allow(clippy::result_large_err)]
    pub(crate) fn requested(
        headers: &HeaderMap,
        params: &Params,
        id: &str,
        allowed: &[Outcome],
    ) -> Result<Outcome, Problem> {
        let given = match header_str(headers, OUTCOME_HEADER) {
            Some(v) => Some((OUTCOME_HEADER, v)),
            None => params::get(params, OUTCOME_FIELD).map(|v| (OUTCOME_FIELD, v)),
        };
        if let Some((field, text)) = given {
            return match Outcome::parse(text).filter(|o| allowed.contains(o)) {
                Some(o) => Ok(o),
                None => Err(Problem {
                    field: field.to_string(),
                    reason: format!(
                        "must be one of {}",
                        allowed
                            .iter()
                            .map(|o| o.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    missing: false,
                }),
            };
        }
        let lower = id.to_ascii_lowercase();
        let magic = [
            ("emufail", Outcome::Failure),
            ("emureview", Outcome::ManualReview),
            ("emupending", Outcome::Pending),
        ];
        Ok(magic
            .iter()
            .find(|(prefix, o)| lower.starts_with(prefix) && allowed.contains(o))
            .map(|(_, o)| *o)
            .unwrap_or(Outcome::Success))
    }

    fn name(self) -> &'static str {
        match self {
            Outcome::Success => "SUCCESS",
            Outcome::Failure => "FAILURE",
            Outcome::ManualReview => "MANUAL_REVIEW",
            Outcome::Pending => "PENDING",
        }
    }
}

/// One refund of an order.
#[derive(Clone, Debug)]
pub(crate) struct Refund {
    pub unique_request_id: String,
    pub amount_cents: u64,
    pub status: RefundStatus,
    /// What the refund settles to.
    pub outcome: Outcome,
    pub created: u64,
    /// When it was made, for the 5-second duplicate window.
    pub made_at: Instant,
    /// The gateway's refund id (`ref`), once sent to the gateway.
    pub reference: Option<String>,
}

impl Refund {
    /// The `refunds[]` entry, shaped as in DEMO `orders/refund-order/response.json` (PENDING),
    /// `webhooks/order_refunded.json` (SUCCESS: `ref`, `error_code` "00", "Refund Success"),
    /// `webhooks/order_refund_failed.json` (FAILURE: `id` = unique_request_id, `ref` null)
    /// and `webhooks/refund_manual_review.json` (MANUAL_REVIEW).
    pub(crate) fn json(&self) -> Value {
        let (error_message, error_code, id) = match self.status {
            RefundStatus::Pending => ("", Value::Null, Value::Null),
            RefundStatus::Success => (
                "Refund Success",
                json!("00"),
                json!(self.reference.clone().unwrap_or_default()),
            ),
            RefundStatus::Failure => (
                "Refund failed at the gateway (emulated)",
                json!("REFUND_FAILED"),
                json!(self.unique_request_id),
            ),
            RefundStatus::ManualReview => (
                "Refund request was raised for this transaction. But it is pending state.",
                Value::Null,
                Value::Null,
            ),
        };
        json!({
            "unique_request_id": self.unique_request_id,
            "status": self.status.name(),
            "sent_to_gateway": self.status != RefundStatus::Pending,
            "refund_type": "STANDARD",
            "refund_source": "DUMMY",
            "ref": self.reference,
            "initiated_by": "API",
            "id": id,
            "error_message": error_message,
            "error_code": error_code,
            "created": iso8601_utc(self.created),
            "amount": cents_number(self.amount_cents),
        })
    }
}

/// A valid amount (digits, optionally `.` and 1–2 digits; zero allowed) in hundredths.
pub(crate) fn amount_cents(amount: &str) -> Option<u64> {
    let (int, frac) = match amount.split_once('.') {
        Some((i, f)) => (i, f),
        None => (amount, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !digits(int)
        || !digits(frac)
        || frac.len() > 2
        || (amount.contains('.') && frac.is_empty())
    {
        return None;
    }
    let int = int.trim_start_matches('0');
    if int.len() > 15 {
        return None;
    }
    let whole: u64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac: u64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

/// Hundredths as a JSON number the way Juspay writes amounts: `1`, `10.8`, `1000.56`.
pub(crate) fn cents_number(cents: u64) -> Value {
    if cents.is_multiple_of(100) {
        return json!(cents / 100);
    }
    serde_json::Number::from_f64(cents as f64 / 100.0)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// Hundredths as text, `1.00`.
pub(crate) fn cents_text(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// What counts in `amount_refunded`: every refund but the failed ones.
pub(crate) fn refunded_cents(order: &Order) -> u64 {
    order
        .refunds
        .iter()
        .filter(|r| r.status.counts())
        .map(|r| r.amount_cents)
        .sum()
}

/// `{"status_id": -1, "status": "ERROR", "error_message": …, "error_code": …}`, the shape of
/// every refund-specific failure in the Refund Order page's table.
fn refund_error(error_code: &str, message: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "status_id": -1,
            "status": "ERROR",
            "error_message": message,
            "error_code": error_code,
        }),
    )
}

/// `POST /orders/{order_id}/refunds`.
pub(crate) async fn create_refund(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_fault = params::peek(&body, FAULT_BODY_FIELD);
    count_and_fault(
        &st,
        &headers,
        body_fault.as_deref(),
        &rid,
        Api::Refund,
        &connection,
    )
    .await
    .run(|| refund_answer(&st, &rid, &order_id, &headers, &body))
    .await
}

/// unique_request_id: strict, 1..=20 ASCII letters, digits, `_` and `-` ("less than 21
/// characters and alphanumeric"; `_` is in nearly every Juspay sample: `refund_1590649567`,
/// `erf_b0c764a743c4221b`). Faithful: up to 64 visible ASCII characters (Juspay's own Simpl
/// refund sample sends the 43-character `refund_7800a8ed-eb1f-42a4-b6e0-f3798737cf03`,
/// https://juspay.io/in/docs/payment-method-integrations/express-checkout-api/simpl-pay-after-delivery-multiclaim/refund).
fn unique_request_id_problem(v: &str, mode: Mode) -> Option<String> {
    match mode {
        Mode::Strict => {
            if v.chars().count() > 20 {
                Some("must be at most 20 characters (less than 21)".to_string())
            } else if !v
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            {
                Some("may contain only ASCII letters, digits, '_' and '-'".to_string())
            } else {
                None
            }
        }
        Mode::Faithful => {
            if v.chars().count() > 64 {
                Some("must be at most 64 characters".to_string())
            } else if !v.bytes().all(|b| b.is_ascii_graphic()) {
                Some("may contain only visible ASCII characters".to_string())
            } else {
                None
            }
        }
    }
}

fn refund_answer(
    st: &Arc<AppState>,
    rid: &str,
    order_id: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let merchant = match check_headers_and_auth(st, headers, rid) {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    refund_answer_for(st, rid, &merchant, order_id, headers, body, false)
}

/// The refund after authentication (Basic auth, or the signature on `/v4/...`). `v4`: the
/// body is the decrypted JSON of `/v4/orders/{id}/refunds`, which every SDK sends as JSON,
/// so it is read as JSON in both modes.
pub(crate) fn refund_answer_for(
    st: &Arc<AppState>,
    rid: &str,
    merchant: &str,
    order_id: &str,
    headers: &HeaderMap,
    body: &[u8],
    v4: bool,
) -> Response {
    if let Err(resp) = check_order_id_in_path(rid, order_id) {
        return resp;
    }
    let mut json_headers = HeaderMap::new();
    json_headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    let (parse_headers, parse_mode) = if v4 {
        (&json_headers, Mode::Faithful)
    } else {
        (headers, st.mode)
    };
    let params = match params::parse(parse_headers, body, parse_mode) {
        Ok(p) => p,
        Err(problem) => return bad_request(rid, &[problem]),
    };

    // Field checks, all problems at once.
    let mut problems = Vec::new();
    let unique_request_id = params::get(&params, "unique_request_id");
    match unique_request_id {
        None => problems.push(Problem {
            field: "unique_request_id".to_string(),
            reason: "is required".to_string(),
            missing: true,
        }),
        Some(v) => {
            if let Some(reason) = unique_request_id_problem(v, st.mode) {
                problems.push(Problem {
                    field: "unique_request_id".to_string(),
                    reason,
                    missing: false,
                });
            }
        }
    }
    let amount = params::get(&params, "amount");
    let requested_cents = match amount.map(|a| (a, amount_cents(a.trim()))) {
        None => None,
        Some((_, Some(c))) => Some(c),
        Some((_, None)) => {
            problems.push(Problem {
                field: "amount".to_string(),
                reason: "must be a decimal number with at most 2 decimal places, e.g. \"100\" \
                         or \"100.15\""
                    .to_string(),
                missing: false,
            });
            None
        }
    };
    let outcome = match Outcome::requested(
        headers,
        &params,
        unique_request_id.unwrap_or(""),
        &[
            Outcome::Success,
            Outcome::Failure,
            Outcome::ManualReview,
            Outcome::Pending,
        ],
    ) {
        Ok(o) => o,
        Err(problem) => {
            problems.push(problem);
            Outcome::Success
        }
    };
    if !problems.is_empty() {
        return bad_request(rid, &problems);
    }
    let unique_request_id = unique_request_id.unwrap_or_default().to_string();

    // "Refund Amount is 0": {"status_id": -1, "status": "ERROR", "error_message": "Amount is
    // invalid.", "error_code": "invalid amount"}. Strict also holds the HyperCheckout page's
    // "The minimum amount that can be refunded is 1 INR".
    if let Some(c) = requested_cents {
        if c == 0 || (st.mode == Mode::Strict && c < 100) {
            return refund_error("invalid amount", "Amount is invalid.");
        }
    }

    let mut orders = lock(&st.orders);
    let Some(key) = orders.key_of(merchant, order_id) else {
        // "Invalid Order id": the Order Status NOT_FOUND body, 400.
        return order_not_found(order_id);
    };
    let window = st.duplicate_refund_window;
    let order = orders.by_key.get_mut(&key).expect("key_of found it");
    // Checked first, so a retry of a refund that was made (its answer lost) always meets
    // duplicate.call, whatever happened to the order since.
    if order
        .refunds
        .iter()
        .any(|r| r.unique_request_id == unique_request_id)
    {
        return refund_error(
            "duplicate.call",
            "A refund call was already completed with this unique_request_id for the order.",
        );
    }
    // "Refunds can be initiated only for transactions that are CHARGED"; the table's
    // "Unsuccessful order" row (its error_code is cut off on the page after
    // "invalid.order.not_successf"; the emulator completes it as below).
    if order.status != "CHARGED" {
        return refund_error(
            "invalid.order.not_successful",
            "Cannot process unsuccessful order.",
        );
    }
    let total = amount_cents(&order.amount).unwrap_or(0);
    let refundable = total.saturating_sub(refunded_cents(order));
    let cents = requested_cents.unwrap_or(refundable);
    if cents == 0 || cents > refundable {
        return refund_error(
            "invalid.amount.exceeded",
            "Refund amount exceeds the refundable amount.",
        );
    }
    // "Duplicate Refund Request within 5 seconds" (status_id is a string in that row).
    if !window.is_zero()
        && order
            .refunds
            .iter()
            .any(|r| r.amount_cents == cents && r.status.counts() && r.made_at.elapsed() < window)
    {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({
                "status_id": "-1",
                "status": "ERROR",
                "error_message": "A refund call was already processing with this amount for the order.",
                "error_code": "duplicate.call",
            }),
        );
    }
    order.refunds.push(Refund {
        unique_request_id: unique_request_id.clone(),
        amount_cents: cents,
        status: RefundStatus::Pending,
        outcome,
        created: now_epoch(),
        made_at: Instant::now(),
        reference: None,
    });
    order.last_updated = now_epoch();
    let order = orders.by_key.get(&key).expect("present");
    let answer = order_status_json(&orders, order, &st.base_url);
    crate::webhook::send(
        st,
        crate::webhook::event_body("REFUND_INITIATED", json!({ "order": answer.clone() })),
    );
    drop(orders);

    if outcome != Outcome::Pending {
        let st = st.clone();
        let delay = st.refund_settle;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            settle_refund(&st, &key, &unique_request_id, None);
        });
    }
    json_response(StatusCode::OK, &answer)
}

/// Moves a PENDING refund to its outcome (or `force`), sending the matching webhook.
/// Returns whether it changed anything.
fn settle_refund(
    st: &AppState,
    key: &(String, String),
    unique_request_id: &str,
    force: Option<Outcome>,
) -> bool {
    let mut orders = lock(&st.orders);
    let event = settle_refund_in(&mut orders, key, unique_request_id, force);
    if let Some(event) = event {
        if let Some(order) = orders.by_key.get(key) {
            let body = order_status_json(&orders, order, &st.base_url);
            crate::webhook::send(
                st,
                crate::webhook::event_body(event, json!({ "order": body })),
            );
        }
        true
    } else {
        false
    }
}

/// The state change of [`settle_refund`]; returns the webhook event to send.
fn settle_refund_in(
    orders: &mut Orders,
    key: &(String, String),
    unique_request_id: &str,
    force: Option<Outcome>,
) -> Option<&'static str> {
    let order = orders.by_key.get_mut(key)?;
    let refund = order
        .refunds
        .iter_mut()
        .find(|r| r.unique_request_id == unique_request_id)?;
    if refund.status != RefundStatus::Pending {
        return None;
    }
    let (status, event) = match force.unwrap_or(refund.outcome) {
        Outcome::Pending => return None,
        Outcome::Success => (RefundStatus::Success, "ORDER_REFUNDED"),
        Outcome::Failure => (RefundStatus::Failure, "ORDER_REFUND_FAILED"),
        Outcome::ManualReview => (RefundStatus::ManualReview, "REFUND_MANUAL_REVIEW_NEEDED"),
    };
    refund.status = status;
    if status != RefundStatus::Failure {
        // Gateway refund ids in Juspay's samples are digit strings ("55430487").
        refund.reference = Some(format!(
            "{}",
            u64::from_str_radix(&random_hex(12), 16).unwrap_or(0)
        ));
    }
    order.last_updated = now_epoch();
    Some(event)
}

/// Testing aid, no auth, not Juspay behaviour: `POST /__emulator/settle` settles every
/// PENDING refund and every pending mandate execution now, without waiting for
/// `--refund-settle-ms` / `--execution-settle-ms`. `outcome=SUCCESS|FAILURE|MANUAL_REVIEW`
/// (form body or query) overrides what each settles to (MANUAL_REVIEW applies to refunds
/// only); without it, each settles as it was told when made, and those told to stay PENDING
/// stay. `order_id=ID` limits it to one order (the merchant's order id or the `ordeh_` id).
/// Answers `{"refunds": N, "executions": M}`, the counts settled.
pub(crate) async fn settle_now(State(st): State<Arc<AppState>>, uri: Uri, body: Bytes) -> Response {
    let query = uri.query().unwrap_or("").as_bytes().to_vec();
    let mut params = Params::new();
    for (k, v) in url::form_urlencoded::parse(&query).chain(url::form_urlencoded::parse(&body)) {
        params
            .entry(k.into_owned())
            .or_insert_with(|| v.into_owned());
    }
    let force = match params::get(&params, "outcome") {
        None => None,
        Some(text) => match Outcome::parse(text).filter(|o| *o != Outcome::Pending) {
            Some(o) => Some(o),
            None => {
                return simple_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "outcome must be SUCCESS, FAILURE or MANUAL_REVIEW",
                )
            }
        },
    };
    let only = params::get(&params, "order_id").map(str::to_owned);
    let pending: Vec<((String, String), String)> = {
        let mut orders = lock(&st.orders);
        let mut found = Vec::new();
        for order in orders.by_key.values_mut() {
            if only
                .as_deref()
                .is_some_and(|o| o != order.order_id && o != order.id)
            {
                continue;
            }
            for r in &order.refunds {
                if r.status == RefundStatus::Pending
                    && (force.is_some() || r.outcome != Outcome::Pending)
                {
                    found.push((
                        (order.merchant_id.clone(), order.order_id.clone()),
                        r.unique_request_id.clone(),
                    ));
                }
            }
        }
        found
    };
    let refunds = pending
        .iter()
        .filter(|(key, uid)| settle_refund(&st, key, uid, force))
        .count();
    let executions = crate::mandate::settle_executions_now(&st, only.as_deref(), force);
    json_response(
        StatusCode::OK,
        &json!({"refunds": refunds, "executions": executions}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents() {
        assert_eq!(amount_cents("1"), Some(100));
        assert_eq!(amount_cents("1.0"), Some(100));
        assert_eq!(amount_cents("100.15"), Some(10015));
        assert_eq!(amount_cents("0.5"), Some(50));
        assert_eq!(amount_cents("0"), Some(0));
        assert_eq!(amount_cents("1."), None);
        assert_eq!(amount_cents(".5"), None);
        assert_eq!(amount_cents("1.005"), None);
        assert_eq!(amount_cents("-1"), None);
        assert_eq!(amount_cents("1e3"), None);
        assert_eq!(amount_cents(""), None);
        assert_eq!(cents_number(100).to_string(), "1");
        assert_eq!(cents_number(1080).to_string(), "10.8");
        assert_eq!(cents_number(100056).to_string(), "1000.56");
        assert_eq!(cents_text(5), "0.05");
        assert_eq!(Outcome::parse("manual_review"), Some(Outcome::ManualReview));
    }
}
