//! Mandates: registered when a mandate session's order is paid, read and changed with
//! `POST /mandates/{mandate_id}` (`command=check_status|revoke|pause|resume`), debited with
//! the Mandate Execution API (`POST /txns` with `mandate_id`), and the
//! `POST /__emulator/mandates/{id}/status` test aid.
//!
//! Evidence (juspay/juspay-sdk-integration-demo, branch `api-reference`
//! @b2d0d12dab65a80acc2dc7f0691a8a6da116e661, "DEMO"; and Juspay's pages):
//! * States: CREATED, ACTIVE, PAUSED, REVOKED, FAILURE, EXPIRED
//!   (https://juspay.io/in/docs/upi-autopay/docs/how-to-integrate/mandate-status).
//! * Status: `POST /mandates/{id}` form `command=check_status` (DEMO
//!   `mandates/check-status/request.sh`; https://juspay.io/ec-api/docs/mandates/mandate-status-check
//!   says POST); answer as DEMO `mandates/check-status/active.json`.
//! * Revoke: `command=revoke` → `{"mandate_status":"REVOKED","mandate_id":…}` (DEMO
//!   `mandates/revoke/card.json`; "Use this API to revoke/cancel an ACTIVE mandate",
//!   https://juspay.io/in/docs/hyper-checkout/capacitor/mandates/mandate-revoke-api).
//! * Pause / resume: `command=pause` with `pause_start_date`/`pause_end_date`, `command=resume`
//!   with `resume_date` (DEMO `mandates/pause/*`, `mandates/resume/*`); "Only ACTIVE mandates
//!   can be paused", "Resume operation can be done only on Paused mandates".
//! * A bad command: `{"status":"Invalid Request","error_code":"bad_request","error_message":
//!   "Invalid command"}` (DEMO master `api-reference/mandates/mandate_status/mandate_stop_failure_invalid_command.json`).
//! * Execution: `POST /txns`, form `order.order_id`, `order.amount`, `order.customer_id`,
//!   `merchant_id`, `mandate_id`, optional `mandate.execution_date` (epoch seconds),
//!   `format=json` (DEMO `mandates/execution/request-session.sh`); answer DEMO
//!   `mandates/execution/response.json`; errors from the page's failure table
//!   (https://developer.juspay.in/reference/mandate-execution-api and
//!   https://docs.juspay.io/ec-headless/capacitor/mandates/mandate-execution-api): duplicate
//!   order id, "Amount not found in request.", "Invalid order amount", "Order amount greater
//!   than mandate max amount (…)", "Order amount not equal to mandate max amount.", "currency
//!   not valid for mandate transaction.", JP_852 "Mandate is not in active State".
//!   "Till the execution takes place, transaction status will be Pending" (HyperCheckout SEA
//!   Mandate Execution page).
//! * Webhooks MANDATE_CREATED, MANDATE_ACTIVATED, MANDATE_FAILED, MANDATE_PAUSED,
//!   MANDATE_REVOKED, MANDATE_EXPIRED with `content.mandate` (DEMO `mandates/webhook/mandate/*.json`,
//!   `webhooks/mandate_*.json`); an execution's ORDER_SUCCEEDED/ORDER_FAILED carries the
//!   order with its `mandate` block (DEMO `mandates/webhook/txn/success.json`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use axum::Extension;
use serde_json::{json, Map, Value};

use crate::fault::{Api, Connection};
use crate::params::{self, Params};
use crate::refund::{amount_cents, cents_number, cents_text, Outcome};
use crate::server::{
    bad_request, check_headers_and_auth, check_headers_and_auth_or, count_and_fault, json_response,
    lock, order_status_json, payment_page_url, simple_error, AppState, Order, Orders, RequestId,
    FAULT_BODY_FIELD,
};
use crate::util::{iso8601_utc, now_epoch, random_alnum, random_hex};
use crate::validate::{Mode, Problem};

/// A mandate's documented states.
pub(crate) const MANDATE_STATES: [&str; 6] = [
    "CREATED", "ACTIVE", "PAUSED", "REVOKED", "FAILURE", "EXPIRED",
];

/// The webhook event for a mandate entering `status`.
fn event_for(status: &str) -> &'static str {
    match status {
        "CREATED" => "MANDATE_CREATED",
        "ACTIVE" => "MANDATE_ACTIVATED",
        "PAUSED" => "MANDATE_PAUSED",
        "REVOKED" => "MANDATE_REVOKED",
        "FAILURE" => "MANDATE_FAILED",
        _ => "MANDATE_EXPIRED",
    }
}

/// Ten years: the end date of a mandate whose session gave none (Juspay's samples show end
/// dates decades away, e.g. `2633068438` in DEMO `mandates/check-status/active.json`).
const DEFAULT_MANDATE_LIFETIME_SECS: u64 = 10 * 365 * 86_400;

/// The mandate parameters of a session (`mandate.*`, `options.create_mandate`), kept on its
/// order until the order is paid.
#[derive(Clone, Debug)]
pub(crate) struct MandateTerms {
    pub max_amount: Option<String>,
    pub amount_rule: String,
    pub frequency: String,
    pub rule_value: Option<String>,
    pub start_date: String,
    pub end_date: String,
    pub revokable_by_customer: bool,
    pub block_fund: bool,
}

impl MandateTerms {
    /// The terms of a (validated, normalised) session body: present when
    /// `options.create_mandate` is REQUIRED or OPTIONAL.
    pub(crate) fn from_session(map: &Map<String, Value>, now: u64) -> Option<MandateTerms> {
        let s = |k: &str| map.get(k).and_then(Value::as_str);
        let flag = |k: &str, default: bool| match map.get(k) {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(t)) => t.eq_ignore_ascii_case("true"),
            _ => default,
        };
        if !matches!(s("options.create_mandate"), Some("REQUIRED" | "OPTIONAL")) {
            return None;
        }
        let start = s("mandate.start_date")
            .and_then(|d| d.parse::<u64>().ok())
            .unwrap_or(now);
        let end = s("mandate.end_date")
            .map(str::to_string)
            .unwrap_or_else(|| (start + DEFAULT_MANDATE_LIFETIME_SECS).to_string());
        Some(MandateTerms {
            max_amount: s("mandate.max_amount").map(str::to_string),
            amount_rule: s("mandate.amount_rule").unwrap_or("VARIABLE").to_string(),
            frequency: s("mandate.frequency").unwrap_or("ASPRESENTED").to_string(),
            rule_value: s("mandate.rule_value").map(str::to_string),
            start_date: start.to_string(),
            end_date: end,
            revokable_by_customer: flag("mandate.revokable_by_customer", true),
            block_fund: flag("mandate.block_funds", false),
        })
    }
}

/// A registered mandate.
#[derive(Clone, Debug)]
pub(crate) struct Mandate {
    pub mandate_id: String,
    pub mandate_token: String,
    pub mandate_debit_token: String,
    pub merchant_id: String,
    pub customer_id: String,
    /// The order whose payment registered it.
    pub order_id: String,
    pub currency: String,
    pub status: &'static str,
    /// Max amount in hundredths (a FIXED mandate's amount).
    pub max_amount_cents: Option<u64>,
    pub terms: MandateTerms,
    pub activated_at: Option<u64>,
    pub last_activated_at: Option<u64>,
    pub last_updated: u64,
    pub pause_start_date: Option<u64>,
    pub pause_end_date: Option<u64>,
}

impl Mandate {
    fn max_amount_json(&self) -> Value {
        self.max_amount_cents
            .map(cents_number)
            .unwrap_or(Value::Null)
    }

    /// The Mandate Status answer (DEMO `mandates/check-status/active.json`) and the
    /// `content.mandate` of MANDATE_* webhooks.
    pub(crate) fn json(&self) -> Value {
        let mut v = json!({
            "order_id": self.order_id,
            "frequency": self.terms.frequency,
            "end_date": self.terms.end_date,
            "status": self.status,
            "amount_rule": self.terms.amount_rule,
            "last_updated": iso8601_utc(self.last_updated),
            "start_date": self.terms.start_date,
            "mandate_debit_token": self.mandate_debit_token,
            "customer_id": self.customer_id,
            "mandate_id": self.mandate_id,
            "block_fund": self.terms.block_fund,
            "currency": self.currency,
            "max_amount": self.max_amount_json(),
            "mandate_token": self.mandate_token,
            "revokable_by_customer": self.terms.revokable_by_customer,
            "payment_info": {"payment_method": "VISA", "payment_method_type": "CARD"},
            // Card mandates are "MANDATE" (DEMO `mandates/order-status/card.json`,
            // `webhooks/mandate_created.json`); UPI/NB ones are "EMANDATE".
            "mandate_type": "MANDATE",
        });
        let obj = v.as_object_mut().expect("object");
        if let Some(t) = self.activated_at {
            obj.insert("activated_at".into(), json!(iso8601_utc(t)));
        }
        if let Some(t) = self.last_activated_at {
            obj.insert("last_activated_at".into(), json!(iso8601_utc(t)));
        }
        if let Some(rv) = self.rule_value_json() {
            obj.insert("rule_value".into(), rv);
        }
        v
    }

    fn rule_value_json(&self) -> Option<Value> {
        let rv = self.terms.rule_value.as_deref()?;
        Some(rv.parse::<u64>().map(|n| json!(n)).unwrap_or(json!(rv)))
    }

    /// The `mandate` block of an order status body (DEMO `mandates/order-status/card.json`).
    pub(crate) fn order_block_json(&self) -> Value {
        let mut v = json!({
            "start_date": self.terms.start_date,
            "revokable_by_customer": self.terms.revokable_by_customer,
            "max_amount": self.max_amount_json(),
            "mandate_type": "MANDATE",
            "mandate_token": self.mandate_token,
            "mandate_status": self.status,
            "mandate_id": self.mandate_id,
            "frequency": self.terms.frequency,
            "end_date": self.terms.end_date,
            "block_fund": self.terms.block_fund,
            "amount_rule": self.terms.amount_rule,
        });
        if let Some(rv) = self.rule_value_json() {
            v.as_object_mut()
                .expect("object")
                .insert("rule_value".into(), rv);
        }
        v
    }

    /// The pause/resume answer (DEMO `mandates/pause/response.json`, `mandates/resume/response.json`).
    fn command_json(&self, message: &str) -> Value {
        let mut v = self.order_block_json();
        let obj = v.as_object_mut().expect("object");
        obj.insert("response_message".into(), json!(message));
        if let Some(t) = self.last_activated_at {
            obj.insert("last_activated_at".into(), json!(iso8601_utc(t)));
        }
        if let Some(t) = self.pause_start_date {
            obj.insert("pause_start_date".into(), json!(iso8601_utc(t)));
        }
        if let Some(t) = self.pause_end_date {
            obj.insert("pause_end_date".into(), json!(iso8601_utc(t)));
        }
        v
    }

    fn set_status(&mut self, status: &'static str) {
        let now = now_epoch();
        if status == "ACTIVE" {
            self.activated_at.get_or_insert(now);
            self.last_activated_at = Some(now);
        }
        self.status = status;
        self.last_updated = now;
    }
}

fn mandate_event(mandate: &Mandate) -> String {
    crate::webhook::event_body(
        event_for(mandate.status),
        json!({ "mandate": mandate.json() }),
    )
}

/// Called by the payment page after an attempt on a mandate order: registers the mandate
/// (ACTIVE after a successful payment, FAILURE after a failed one). Returns the webhook
/// bodies to send before the order's own event (MANDATE_CREATED) and after it
/// (MANDATE_ACTIVATED / MANDATE_FAILED); nothing for an order without mandate terms.
pub(crate) fn register_on_payment(
    orders: &mut Orders,
    key: &(String, String),
    success: bool,
) -> (Vec<String>, Vec<String>) {
    let Some(order) = orders.by_key.get(key) else {
        return (Vec::new(), Vec::new());
    };
    let Some(terms) = order.mandate_terms.clone() else {
        return (Vec::new(), Vec::new());
    };
    let now = now_epoch();
    // A FIXED mandate without max_amount debits the registration amount.
    let max_amount_cents = terms
        .max_amount
        .as_deref()
        .or((terms.amount_rule == "FIXED").then_some(order.amount.as_str()))
        .and_then(amount_cents);
    let mut mandate = Mandate {
        mandate_id: random_alnum(22),
        mandate_token: random_hex(32),
        mandate_debit_token: format!("tkn_{}", random_hex(32)),
        merchant_id: order.merchant_id.clone(),
        customer_id: order.customer_id.clone(),
        order_id: order.order_id.clone(),
        currency: order.currency.clone(),
        status: "CREATED",
        max_amount_cents,
        terms,
        activated_at: None,
        last_activated_at: None,
        last_updated: now,
        pause_start_date: None,
        pause_end_date: None,
    };
    let before = vec![mandate_event(&mandate)];
    mandate.set_status(if success { "ACTIVE" } else { "FAILURE" });
    let after = vec![mandate_event(&mandate)];
    let id = mandate.mandate_id.clone();
    orders.mandates.insert_new(id.clone(), mandate);
    if let Some(order) = orders.by_key.get_mut(key) {
        order.mandate_id = Some(id);
    }
    (before, after)
}

/// Marks every ACTIVE, PAUSED or CREATED mandate past its end date EXPIRED (with its
/// MANDATE_EXPIRED webhook). Called before mandates or orders are read.
pub(crate) fn expire_due(st: &AppState, orders: &mut Orders) {
    let now = now_epoch();
    for mandate in orders.mandates.values_mut() {
        let ended = mandate
            .terms
            .end_date
            .parse::<u64>()
            .is_ok_and(|end| end < now);
        if ended && matches!(mandate.status, "ACTIVE" | "PAUSED" | "CREATED") {
            mandate.set_status("EXPIRED");
            crate::webhook::send(st, mandate_event(mandate));
        }
    }
}

/// `{"status":"Invalid Request","error_code":…,"error_message":…}`, the shape of Juspay's
/// mandate errors (DEMO master `api-reference/mandates/mandate_status/mandate_stop_failure_*.json`
/// with `bad_request`; the execution table with `Invalid`).
fn invalid_request(error_code: &str, message: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({"status": "Invalid Request", "error_code": error_code, "error_message": message}),
    )
}

/// An unknown mandate id (or another merchant's). Juspay publishes no sample; the emulator
/// answers the mandate error shape plus the `RESOURCE_NOT_FOUND` block of its Order Status
/// "Invalid order id" answer.
fn mandate_not_found() -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "status": "Invalid Request",
            "error_code": "bad_request",
            "error_message": "Mandate not found",
            "error_info": {
                "user_message": "Mandate Not Found",
                "developer_message": "Mandate Not Found",
                "code": "RESOURCE_NOT_FOUND",
                "category": "USER_ERROR",
            },
        }),
    )
}

/// `POST /mandates/{mandate_id}` with `command=check_status|revoke|pause|resume`.
pub(crate) async fn mandate_command(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(mandate_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_fault = params::peek(&body, FAULT_BODY_FIELD);
    count_and_fault(
        &st,
        &headers,
        body_fault.as_deref(),
        &rid,
        Api::Mandate,
        &connection,
    )
    .await
    .run(|| {
        let merchant = match check_headers_and_auth(&st, &headers, &rid) {
            Ok(m) => m,
            Err(resp) => return resp,
        };
        match params::parse(&headers, &body, st.mode) {
            Ok(p) => command_answer(&st, &merchant, &mandate_id, &p),
            Err(problem) => bad_request(&rid, &[problem]),
        }
    })
    .await
}

/// Faithful only: `GET /mandates/{mandate_id}` answers like `command=check_status`, for
/// clients written against older Express Checkout docs. Strict: 405 (Juspay documents POST).
pub(crate) async fn mandate_get(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(mandate_id): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if st.mode == Mode::Strict {
        return simple_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            &format!(
                "Method {method} is not allowed on {} (use POST with command=check_status)",
                uri.path()
            ),
        );
    }
    count_and_fault(&st, &headers, None, &rid, Api::Mandate, &connection)
        .await
        .run(|| {
            let merchant = match check_headers_and_auth(&st, &headers, &rid) {
                Ok(m) => m,
                Err(resp) => return resp,
            };
            let mut p = Params::new();
            p.insert("command".into(), "check_status".into());
            command_answer(&st, &merchant, &mandate_id, &p)
        })
        .await
}

#[allow(clippy::result_large_err)]
fn epoch_param(params: &Params, name: &str) -> Result<Option<u64>, Response> {
    match params::get(params, name) {
        None => Ok(None),
        Some(v) if (1..=10).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) => {
            Ok(v.parse().ok())
        }
        Some(_) => Err(invalid_request(
            "bad_request",
            &format!("{name} must be a UNIX epoch timestamp in seconds"),
        )),
    }
}

fn command_answer(st: &AppState, merchant: &str, mandate_id: &str, params: &Params) -> Response {
    let command = params::get(params, "command").unwrap_or("");
    if !matches!(command, "check_status" | "revoke" | "pause" | "resume") {
        return invalid_request("bad_request", "Invalid command");
    }
    let mut orders = lock(&st.orders);
    expire_due(st, &mut orders);
    let Some(mandate) = orders
        .mandates
        .get_mut(mandate_id)
        .filter(|m| m.merchant_id == merchant)
    else {
        return mandate_not_found();
    };
    let not_allowed = |what: &str, status: &str| {
        invalid_request(
            "bad_request",
            &format!("{what} is not allowed: the mandate is {status}"),
        )
    };
    match command {
        "check_status" => json_response(StatusCode::OK, &mandate.json()),
        "revoke" => {
            // ACTIVE (and PAUSED, or CREATED awaiting the gateway) mandates can be revoked;
            // a REVOKED, FAILURE or EXPIRED one cannot — so a retried revoke whose first
            // answer was lost meets this error and should read the status.
            if !matches!(mandate.status, "ACTIVE" | "PAUSED" | "CREATED") {
                return not_allowed("Revoke", mandate.status);
            }
            mandate.set_status("REVOKED");
            crate::webhook::send(st, mandate_event(mandate));
            json_response(
                StatusCode::OK,
                &json!({"mandate_status": "REVOKED", "mandate_id": mandate.mandate_id}),
            )
        }
        "pause" => {
            if mandate.status != "ACTIVE" {
                return not_allowed("Pause", mandate.status);
            }
            let (start, end) = match (
                epoch_param(params, "pause_start_date"),
                epoch_param(params, "pause_end_date"),
            ) {
                (Ok(s), Ok(e)) => (s, e),
                (Err(resp), _) | (_, Err(resp)) => return resp,
            };
            mandate.pause_start_date = Some(start.unwrap_or_else(now_epoch));
            mandate.pause_end_date = end;
            mandate.set_status("PAUSED");
            crate::webhook::send(st, mandate_event(mandate));
            json_response(StatusCode::OK, &mandate.command_json("Mandate is Paused."))
        }
        _ => {
            if mandate.status != "PAUSED" {
                return not_allowed("Resume", mandate.status);
            }
            if let Err(resp) = epoch_param(params, "resume_date") {
                return resp;
            }
            mandate.pause_start_date = None;
            mandate.set_status("ACTIVE");
            crate::webhook::send(st, mandate_event(mandate));
            json_response(StatusCode::OK, &mandate.command_json("Mandate is Resumed."))
        }
    }
}

// ---------------------------------------------------------------- POST /txns

/// `POST /txns`: the Mandate Execution API (the emulator serves `/txns` for mandate debits
/// only).
pub(crate) async fn execute(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_fault = params::peek(&body, FAULT_BODY_FIELD);
    count_and_fault(
        &st,
        &headers,
        body_fault.as_deref(),
        &rid,
        Api::Txns,
        &connection,
    )
    .await
    .run(|| execute_answer(&st, &rid, &headers, &body))
    .await
}

fn missing(field: &str) -> Problem {
    Problem {
        field: field.to_string(),
        reason: "is required".to_string(),
        missing: true,
    }
}

fn invalid(field: &str, reason: impl Into<String>) -> Problem {
    Problem {
        field: field.to_string(),
        reason: reason.into(),
        missing: false,
    }
}

fn execute_answer(st: &Arc<AppState>, rid: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let strict = st.mode == Mode::Strict;
    // The form is read before auth here: the faithful merchant may come from it.
    let params = match params::parse(headers, body, st.mode) {
        Ok(p) => p,
        Err(problem) => {
            if let Err(resp) = check_headers_and_auth(st, headers, rid) {
                return resp;
            }
            return bad_request(rid, &[problem]);
        }
    };
    let body_merchant = params::get(&params, "merchant_id");
    let merchant = match check_headers_and_auth_or(st, headers, rid, body_merchant) {
        Ok(m) => m,
        Err(resp) => return resp,
    };

    let mut problems = Vec::new();
    let order_id = params::get(&params, "order.order_id");
    match order_id {
        None => problems.push(missing("order.order_id")),
        Some(id) => {
            // The session's order_id rule, the same limits per mode.
            let longest = if strict { 20 } else { 24 };
            let chars_ok = id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if id.chars().count() > longest || !chars_ok {
                problems.push(invalid(
                    "order.order_id",
                    format!("must be 1 to {longest} ASCII letters, digits, '-' and '_' characters"),
                ));
            }
        }
    }
    let customer_id = params::get(&params, "order.customer_id");
    if customer_id.is_none() {
        problems.push(missing("order.customer_id"));
    }
    let mandate_id = params::get(&params, "mandate_id");
    if mandate_id.is_none() {
        problems.push(missing("mandate_id"));
    }
    if strict {
        // The page lists merchant_id ("The username you hold at Juspay") and format ("Should
        // be passed as json") as parameters; strict holds them.
        match body_merchant {
            None => problems.push(missing("merchant_id")),
            Some(m) if m != merchant => {
                problems.push(invalid("merchant_id", "must equal the x-merchantid header"))
            }
            Some(_) => {}
        }
        match params::get(&params, "format") {
            None => problems.push(missing("format")),
            Some("json") => {}
            Some(_) => problems.push(invalid("format", "must be json")),
        }
    }
    if let Some(d) = params::get(&params, "mandate.execution_date") {
        if !((1..=10).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit())) {
            problems.push(invalid(
                "mandate.execution_date",
                "must be a UNIX epoch timestamp in seconds (1 to 10 digits)",
            ));
        }
    }
    let outcome = match Outcome::requested(
        headers,
        &params,
        order_id.unwrap_or(""),
        &[Outcome::Success, Outcome::Failure, Outcome::Pending],
    ) {
        Ok(o) => o,
        Err(p) => {
            problems.push(p);
            Outcome::Success
        }
    };
    if !problems.is_empty() {
        return bad_request(rid, &problems);
    }
    let (order_id, customer_id, mandate_id) = (
        order_id.unwrap_or_default(),
        customer_id.unwrap_or_default(),
        mandate_id.unwrap_or_default(),
    );
    let Some(amount_text) = params::get(&params, "order.amount") else {
        return invalid_request("Invalid", "Amount not found in request.");
    };
    let Some(cents) = amount_cents(amount_text.trim()).filter(|c| *c > 0) else {
        return invalid_request("Invalid", "Invalid order amount");
    };

    let mut orders = lock(&st.orders);
    expire_due(st, &mut orders);
    let Some(mandate) = orders
        .mandates
        .get(mandate_id)
        .filter(|m| m.merchant_id == merchant)
    else {
        return mandate_not_found();
    };
    // "Customer Identifier against which the mandate was created" (the page's parameter
    // description); a mismatch is refused with the execution errors' shape (no published
    // sample).
    if mandate.customer_id != customer_id {
        return invalid_request(
            "Invalid",
            "order.customer_id is not the customer the mandate was created for.",
        );
    }
    if mandate.status != "ACTIVE" {
        // JP_852 "Mandate is not in active State" (the table gives no body; this is the
        // execution errors' shape with that code).
        return invalid_request("JP_852", "Mandate is not in active State");
    }
    if let Some(currency) = params::get(&params, "order.currency") {
        if currency != mandate.currency {
            return invalid_request("Invalid", "currency not valid for mandate transaction.");
        }
    }
    let Some(max) = mandate.max_amount_cents else {
        return invalid_request("Invalid", "Mandate max amount not found.");
    };
    if mandate.terms.amount_rule == "FIXED" && cents != max {
        return invalid_request("Invalid", "Order amount not equal to mandate max amount.");
    }
    if cents > max {
        return invalid_request(
            "Invalid",
            &format!(
                "Order amount greater than mandate max amount ({} {})",
                mandate.currency,
                cents_text(max)
            ),
        );
    }
    let key = (merchant.clone(), order_id.to_string());
    if orders.by_key.get(&key).is_some() {
        return json_response(
            StatusCode::BAD_REQUEST,
            &json!({
                "status_id": 40,
                "status": "DUPLICATE_ORDER_ID",
                "error_message": "Order already exists with the given order_id",
            }),
        );
    }
    let currency = mandate.currency.clone();
    let now = now_epoch();
    let id = format!("ordeh_{}", crate::util::random_lower_alnum(20));
    let txn_id = format!("{merchant}-{order_id}-1");
    let txn_uuid = format!("eul{}", random_alnum(16));
    let mut udfs: [String; 10] = Default::default();
    for (i, u) in udfs.iter_mut().enumerate() {
        *u = params::get(&params, &format!("order.udf{}", i + 1))
            .unwrap_or_default()
            .to_string();
    }
    orders.insert(Order {
        id: id.clone(),
        merchant_id: merchant.clone(),
        order_id: order_id.to_string(),
        amount: amount_text.trim().to_string(),
        currency,
        customer_id: customer_id.to_string(),
        customer_email: None,
        customer_phone: None,
        return_url: None,
        description: params::get(&params, "order.description").map(str::to_string),
        udfs,
        status: "PENDING_VBV",
        status_id: 23,
        date_created: now,
        txn_id: Some(txn_id.clone()),
        txn_uuid: Some(txn_uuid.clone()),
        gateway_reference_id: None,
        last_updated: now,
        attempts: 1,
        refunds: Vec::new(),
        mandate_terms: None,
        mandate_id: Some(mandate_id.to_string()),
        from_execution: true,
        execution_outcome: Some(outcome),
    });
    drop(orders);
    if outcome != Outcome::Pending {
        let st = st.clone();
        let delay = st.execution_settle;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            settle_execution(&st, &key, None);
        });
    }
    json_response(
        StatusCode::OK,
        &json!({
            "txn_uuid": txn_uuid,
            "txn_id": txn_id,
            "status": "PENDING_VBV",
            "payment": {
                "authentication": {
                    "url": payment_page_url(&st.base_url, &id),
                    "method": "GET",
                },
            },
            "order_id": order_id,
        }),
    )
}

/// Moves a pending execution's order to CHARGED or AUTHORIZATION_FAILED (its outcome, or
/// `force`), with its ORDER_SUCCEEDED / ORDER_FAILED webhook. Returns whether it changed.
fn settle_execution(st: &AppState, key: &(String, String), force: Option<Outcome>) -> bool {
    let mut orders = lock(&st.orders);
    let Some(order) = orders.by_key.get_mut(key) else {
        return false;
    };
    if !order.from_execution || order.status != "PENDING_VBV" {
        return false;
    }
    let success = match force.or(order.execution_outcome) {
        Some(Outcome::Pending) => return false,
        Some(Outcome::Failure) => false,
        _ => true,
    };
    (order.status, order.status_id) = if success {
        ("CHARGED", 21)
    } else {
        ("AUTHORIZATION_FAILED", 27)
    };
    order.last_updated = now_epoch();
    let order = orders.by_key.get(key).expect("present");
    let body = order_status_json(&orders, order, &st.base_url);
    crate::webhook::send(
        st,
        crate::webhook::event_body(
            if success {
                "ORDER_SUCCEEDED"
            } else {
                "ORDER_FAILED"
            },
            json!({ "order": body }),
        ),
    );
    true
}

/// The executions part of `POST /__emulator/settle`: settles every pending execution (of
/// order `only`, when given); returns how many. MANUAL_REVIEW, which only refunds have,
/// leaves executions alone.
pub(crate) fn settle_executions_now(
    st: &AppState,
    only: Option<&str>,
    force: Option<Outcome>,
) -> usize {
    if force == Some(Outcome::ManualReview) {
        return 0;
    }
    let keys: Vec<(String, String)> = {
        let mut orders = lock(&st.orders);
        orders
            .by_key
            .values_mut()
            .filter(|o| o.from_execution && o.status == "PENDING_VBV")
            .filter(|o| only.is_none_or(|x| x == o.order_id || x == o.id))
            .filter(|o| force.is_some() || o.execution_outcome != Some(Outcome::Pending))
            .map(|o| (o.merchant_id.clone(), o.order_id.clone()))
            .collect()
    };
    keys.iter()
        .filter(|key| settle_execution(st, key, force))
        .count()
}

/// Testing aid, no auth, not Juspay behaviour: `POST /__emulator/mandates/{mandate_id}/status`
/// with `status=CREATED|ACTIVE|PAUSED|REVOKED|FAILURE|EXPIRED` (form body or query) sets a
/// mandate's status and sends its MANDATE_* webhook; answers the Mandate Status JSON.
/// Unknown mandate → 404, bad status → 400.
pub(crate) async fn set_mandate_status(
    State(st): State<Arc<AppState>>,
    Path(mandate_id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let query = uri.query().unwrap_or("").as_bytes().to_vec();
    let requested = url::form_urlencoded::parse(&query)
        .chain(url::form_urlencoded::parse(&body))
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned());
    let Some(status) = requested
        .as_deref()
        .and_then(|r| MANDATE_STATES.iter().find(|s| **s == r))
    else {
        return simple_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("status must be one of {}", MANDATE_STATES.join(", ")),
        );
    };
    let mut orders = lock(&st.orders);
    let Some(mandate) = orders.mandates.get_mut(mandate_id.as_str()) else {
        return simple_error(
            StatusCode::NOT_FOUND,
            "not_found",
            &format!("Mandate {mandate_id} not found"),
        );
    };
    mandate.set_status(status);
    crate::webhook::send(&st, mandate_event(mandate));
    json_response(StatusCode::OK, &mandate.json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_from_a_session() {
        let body: Map<String, Value> = serde_json::from_value(json!({
            "options.create_mandate": "REQUIRED",
            "mandate.max_amount": "100.00",
            "mandate.frequency": "MONTHLY",
            "mandate.rule_value": "5",
            "mandate.revokable_by_customer": false,
        }))
        .unwrap();
        let t = MandateTerms::from_session(&body, 1_700_000_000).unwrap();
        assert_eq!(t.amount_rule, "VARIABLE");
        assert_eq!(t.frequency, "MONTHLY");
        assert_eq!(t.start_date, "1700000000");
        assert_eq!(
            t.end_date,
            (1_700_000_000 + DEFAULT_MANDATE_LIFETIME_SECS).to_string()
        );
        assert!(!t.revokable_by_customer);
        let none: Map<String, Value> = serde_json::from_value(json!({"amount": "1"})).unwrap();
        assert!(MandateTerms::from_session(&none, 0).is_none());
    }
}
