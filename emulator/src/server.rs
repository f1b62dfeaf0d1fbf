//! HTTP routes and handlers.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};
use base64::Engine as _;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::fault::{self, Api, Connection, FaultAction, FaultRequest, FaultSpec, Wrap};
use crate::util::{iso8601_utc, now_epoch, random_alnum, random_hex, random_lower_alnum};
use crate::validate::{self, Mode, Problem};
use crate::Credential;

/// Webhook delivery settings (phase 2).
#[derive(Clone, Debug)]
pub(crate) struct WebhookTarget {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// Shared state of one emulator instance.
pub(crate) struct AppState {
    pub credentials: Vec<Credential>,
    pub default_fault: Option<FaultSpec>,
    pub response_key: String,
    pub webhook: Option<WebhookTarget>,
    pub verbose: bool,
    pub base_url: String,
    /// Testing aid: where redirects go instead of the return_url's origin.
    pub redirect_base: Option<url::Url>,
    /// Faithful (default) or strict validation.
    pub mode: Mode,
    /// How long a new refund stays PENDING before it settles.
    pub refund_settle: std::time::Duration,
    /// How long a mandate execution's order stays PENDING_VBV before it settles.
    pub execution_settle: std::time::Duration,
    /// Juspay's "Duplicate Refund Request within 5 seconds": a second refund of the same
    /// amount on the same order within this window gets `duplicate.call`.
    pub duplicate_refund_window: std::time::Duration,
    /// Webhook bodies waiting to be sent, in order, by one background task.
    pub(crate) webhook_queue: Mutex<Option<tokio::sync::mpsc::UnboundedSender<String>>>,
    counts: Mutex<Bounded<String, u64>>,
    total: AtomicU64,
    fault_uses: Mutex<Bounded<(String, String), u64>>,
    pub(crate) orders: Mutex<Orders>,
    /// Encrypted mode's keys (`encryption.rs`), when set up.
    pub(crate) encryption: Option<crate::encryption::ServerKeys>,
}

/// How many routing ids (and fault budgets) are remembered before the oldest are forgotten,
/// so a long benchmark with a new customer per call stays bounded.
const MAX_COUNTERS: usize = 100_000;

/// A map that forgets its oldest entries (by first insertion) past `max` entries.
pub(crate) struct Bounded<K, V> {
    map: HashMap<K, V>,
    age: VecDeque<K>,
    max: usize,
}

impl<K: Hash + Eq + Clone, V> Bounded<K, V> {
    pub(crate) fn new(max: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            age: VecDeque::new(),
            max: max.max(1),
        }
    }

    pub(crate) fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.get(key)
    }

    pub(crate) fn get_mut<Q: Hash + Eq + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.map.get_mut(key)
    }

    /// Every value, for sweeps such as settling all pending refunds.
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.map.values_mut()
    }

    /// The entry for `key`, made with `make` (forgetting the oldest entries) if absent.
    fn entry(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        if !self.map.contains_key(&key) {
            self.insert_new(key.clone(), make());
        }
        self.map.get_mut(&key).expect("present")
    }

    /// Inserts an absent `key`, returning the entries forgotten to make room.
    pub(crate) fn insert_new(&mut self, key: K, value: V) -> Vec<V> {
        let mut forgotten = Vec::new();
        while self.map.len() >= self.max {
            let Some(oldest) = self.age.pop_front() else {
                break;
            };
            forgotten.extend(self.map.remove(&oldest));
        }
        self.age.push_back(key.clone());
        self.map.insert(key, value);
        forgotten
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

pub(crate) struct Orders {
    /// (merchant_id, order_id) -> order, the oldest forgotten past `max_orders`
    pub(crate) by_key: Bounded<(String, String), Order>,
    /// ordeh_ id -> (merchant_id, order_id); entries whose order was forgotten are removed
    pub(crate) by_id: HashMap<String, (String, String)>,
    /// mandate_id -> mandate (kept under the same lock as the orders they belong to), the
    /// oldest forgotten past `max_orders`.
    pub(crate) mandates: Bounded<String, crate::mandate::Mandate>,
}

impl Orders {
    fn new(max_orders: usize) -> Orders {
        Orders {
            by_key: Bounded::new(max_orders),
            by_id: HashMap::new(),
            mandates: Bounded::new(max_orders),
        }
    }

    /// Stores a new order (its key is not stored yet), forgetting the oldest past the limit.
    pub(crate) fn insert(&mut self, order: Order) {
        let key = (order.merchant_id.clone(), order.order_id.clone());
        let id = order.id.clone();
        for forgotten in self.by_key.insert_new(key.clone(), order) {
            self.by_id.remove(&forgotten.id);
        }
        self.by_id.insert(id, key);
    }

    /// How many orders are kept.
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }

    pub(crate) fn get_by_id(&self, id: &str) -> Option<&Order> {
        self.by_key.get(self.by_id.get(id)?)
    }

    pub(crate) fn get_by_id_mut(&mut self, id: &str) -> Option<&mut Order> {
        let key = self.by_id.get(id)?.clone();
        self.by_key.get_mut(&key)
    }

    /// The key of `merchant`'s order named `order_id`, or whose `ordeh_` id is `order_id`
    /// (Order Status takes either).
    pub(crate) fn key_of(&self, merchant: &str, order_id: &str) -> Option<(String, String)> {
        let key = (merchant.to_string(), order_id.to_string());
        if self.by_key.get(&key).is_some() {
            return Some(key);
        }
        self.by_id
            .get(order_id)
            .filter(|(m, _)| m == merchant)
            .cloned()
    }
}

/// An order as the emulator remembers it.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    pub id: String,
    pub merchant_id: String,
    pub order_id: String,
    pub amount: String,
    pub currency: String,
    pub customer_id: String,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub return_url: Option<String>,
    pub description: Option<String>,
    pub udfs: [String; 10],
    pub status: &'static str,
    pub status_id: u32,
    pub date_created: u64,
    pub txn_id: Option<String>,
    /// Juspay's id for the transaction (`txn_uuid`), set with `txn_id`.
    pub txn_uuid: Option<String>,
    /// From the session's `metadata.JUSPAY:gateway_reference_id`, if any.
    pub gateway_reference_id: Option<String>,
    pub last_updated: u64,
    /// Payment attempts made on the payment page.
    pub attempts: u32,
    /// Refunds, oldest first (`refunds[]` of the order status).
    pub refunds: Vec<crate::refund::Refund>,
    /// The session's mandate parameters, when it had `options.create_mandate`: paying the
    /// order registers a mandate with them.
    pub mandate_terms: Option<crate::mandate::MandateTerms>,
    /// The mandate this order registered (its latest attempt) or, for an order made by a
    /// mandate execution, the mandate it debited.
    pub mandate_id: Option<String>,
    /// True for an order made by `POST /txns` (a mandate execution).
    pub from_execution: bool,
    /// What a mandate execution's order settles to.
    pub execution_outcome: Option<crate::refund::Outcome>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl AppState {
    pub(crate) fn new(
        credentials: Vec<Credential>,
        default_fault: Option<FaultSpec>,
        response_key: String,
        webhook: Option<WebhookTarget>,
        verbose: bool,
        base_url: String,
    ) -> AppState {
        AppState {
            credentials,
            default_fault,
            response_key,
            webhook,
            verbose,
            base_url,
            redirect_base: None,
            mode: Mode::Faithful,
            refund_settle: std::time::Duration::from_millis(crate::DEFAULT_REFUND_SETTLE_MS),
            execution_settle: std::time::Duration::from_millis(crate::DEFAULT_EXECUTION_SETTLE_MS),
            duplicate_refund_window: std::time::Duration::from_millis(
                crate::DEFAULT_DUPLICATE_REFUND_WINDOW_MS,
            ),
            webhook_queue: Mutex::new(None),
            counts: Mutex::new(Bounded::new(MAX_COUNTERS)),
            total: AtomicU64::new(0),
            fault_uses: Mutex::new(Bounded::new(MAX_COUNTERS)),
            orders: Mutex::new(Orders::new(crate::DEFAULT_MAX_ORDERS)),
            encryption: None,
        }
    }

    /// Sets how many orders are kept (before any is stored).
    pub(crate) fn set_max_orders(&mut self, max_orders: usize) {
        self.orders = Mutex::new(Orders::new(max_orders));
    }

    /// How many orders are kept now.
    pub(crate) fn order_count(&self) -> usize {
        lock(&self.orders).len()
    }

    pub(crate) fn request_count(&self, routing_id: &str) -> u64 {
        lock(&self.counts).get(routing_id).copied().unwrap_or(0)
    }

    pub(crate) fn total_requests(&self) -> u64 {
        self.total.load(Ordering::SeqCst)
    }

    fn record(&self, routing_id: &str) {
        *lock(&self.counts).entry(routing_id.to_string(), || 0) += 1;
        self.total.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether this request should get `spec`'s fault (accounts for `times=N`).
    fn fault_applies(&self, routing_id: &str, spec: &FaultSpec) -> bool {
        let Some(times) = spec.times else {
            return true;
        };
        let mut uses = lock(&self.fault_uses);
        let n = uses.entry((routing_id.to_string(), spec.canonical.clone()), || 0);
        if *n < times {
            *n += 1;
            true
        } else {
            false
        }
    }
}

/// The random id of the current request (also sent as `x-request-id`).
#[derive(Clone, Debug)]
pub(crate) struct RequestId(pub String);

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/session", post(create_session))
        .route("/orders/{order_id}", get(order_status))
        .route(
            "/orders/{id}/payment-page",
            get(crate::payment::payment_page),
        )
        .route("/orders/{id}/pay", post(crate::payment::pay))
        .route(
            "/orders/{order_id}/refunds",
            post(crate::refund::create_refund),
        )
        .route(
            "/mandates/{mandate_id}",
            post(crate::mandate::mandate_command).get(crate::mandate::mandate_get),
        )
        .route("/txns", post(crate::mandate::execute))
        .route("/v4/session", post(crate::encryption::session))
        .route("/v4/order-status", post(crate::encryption::order_status))
        .route(
            "/v4/orders/{order_id}/refunds",
            post(crate::encryption::refund),
        )
        .route("/__emulator/settle", post(crate::refund::settle_now))
        .route(
            "/__emulator/mandates/{mandate_id}/status",
            post(crate::mandate::set_mandate_status),
        )
        .route("/__emulator/stats", get(stats))
        .route(
            "/__emulator/orders/{id}/status",
            post(crate::payment::set_status),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            request_id_layer,
        ))
        .with_state(state)
}

async fn request_id_layer(
    State(st): State<Arc<AppState>>,
    mut req: Request,
    next: Next,
) -> Response {
    let rid = random_hex(32);
    req.extensions_mut().insert(RequestId(rid.clone()));
    let log = st.verbose.then(|| {
        let routing = req
            .headers()
            .get("x-routing-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string();
        format!("{} {} routing-id={routing}", req.method(), req.uri())
    });
    let mut resp = next.run(req).await;
    // A fault (echo-auth) may have set its own.
    if !resp.headers().contains_key("x-request-id") {
        if let Ok(v) = HeaderValue::from_str(&rid) {
            resp.headers_mut().insert("x-request-id", v);
        }
    }
    if let Some(line) = log {
        eprintln!(
            "[emulator] {line} -> {} (request {rid})",
            resp.status().as_u16()
        );
    }
    resp
}

// ---------------------------------------------------------------- responses

pub(crate) fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let text = serde_json::to_string(body).expect("serializable");
    let mut resp = (status, text).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// `{"status":"error","error_code":...,"error_message":...}` (401, 404, 405).
pub(crate) fn simple_error(status: StatusCode, error_code: &str, message: &str) -> Response {
    json_response(
        status,
        &json!({"status": "error", "error_code": error_code, "error_message": message}),
    )
}

/// 401 as Juspay's Order Status page shows it (`error_info` with `UNAUTHORIZED`), plus the
/// `error_message` the emulator always gave.
pub(crate) fn unauthorized(message: &str) -> Response {
    json_response(
        StatusCode::UNAUTHORIZED,
        &json!({
            "status": "error",
            "error_code": "access_denied",
            "error_message": message,
            "error_info": {
                "user_message": "Unauthorized.",
                "developer_message": message,
                "code": "UNAUTHORIZED",
                "category": "USER_ERROR",
            },
        }),
    )
}

/// A Juspay-shaped 400 with an `error_info` block.
pub(crate) fn bad_request_with(
    rid: &str,
    error_code: &str,
    info_code: &str,
    error_message: String,
    user_message: String,
    problems: &[Problem],
) -> Response {
    let developer_message = problems
        .iter()
        .map(|p| format!("{} {}", p.field, p.reason))
        .collect::<Vec<_>>()
        .join("; ");
    let fields: Vec<Value> = problems
        .iter()
        .map(|p| json!({"field_name": p.field, "reason": p.reason}))
        .collect();
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "status": "Bad Request",
            "error_code": error_code,
            "error_message": error_message,
            "user_message": user_message,
            "error_info": {
                "code": info_code,
                "category": "USER_ERROR",
                "request_id": rid,
                "developer_message": developer_message,
                "fields": fields,
            }
        }),
    )
}

/// 400 for validation problems: "Mandatory fields are missing" if anything required is
/// absent, else "invalid_request".
pub(crate) fn bad_request(rid: &str, problems: &[Problem]) -> Response {
    let missing: Vec<&str> = problems
        .iter()
        .filter(|p| p.missing)
        .map(|p| p.field.as_str())
        .collect();
    let invalid: Vec<&str> = problems
        .iter()
        .filter(|p| !p.missing)
        .map(|p| p.field.as_str())
        .collect();
    let all: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    let user_message = format!(
        "The request could not be processed. Please check: {}",
        all.join(", ")
    );
    if missing.is_empty() {
        bad_request_with(
            rid,
            "invalid_request",
            "INVALID_INPUT",
            format!("Invalid value for field(s): {}", invalid.join(", ")),
            user_message,
            problems,
        )
    } else {
        let mut message = format!("Mandatory fields are missing: {}", missing.join(", "));
        if !invalid.is_empty() {
            message.push_str(&format!(
                "; invalid value for field(s): {}",
                invalid.join(", ")
            ));
        }
        bad_request_with(
            rid,
            "Mandatory fields are missing",
            "MISSING_MANDATORY_PARAMETER",
            message,
            user_message,
            problems,
        )
    }
}

async fn not_found(method: Method, uri: Uri) -> Response {
    simple_error(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("No such endpoint: {method} {}", uri.path()),
    )
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    simple_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        &format!("Method {method} is not allowed on {}", uri.path()),
    )
}

// ---------------------------------------------------------------- common request steps

pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// The body field that selects a fault, for clients that cannot add headers: an SDK's
/// `extra_fields` pass it through untouched.
pub const FAULT_BODY_FIELD: &str = "emulator_fault";

/// What to do with a request after counting it and applying its fault.
pub(crate) enum Pre {
    /// The fault answered.
    Answer(Response),
    /// Answer normally, then change the answer if a wrap is given.
    Continue(Option<Wrap>),
}

impl Pre {
    /// Runs `handle` unless the fault answered, and applies any wrap to its answer.
    pub(crate) async fn run(self, handle: impl FnOnce() -> Response) -> Response {
        match self {
            Pre::Answer(resp) => resp,
            Pre::Continue(None) => handle(),
            Pre::Continue(Some(wrap)) => wrap.apply(handle()).await,
        }
    }
}

/// Counts the request, then applies the fault from `x-emulator-fault`, else the body's
/// `emulator_fault` field, else the server default.
pub(crate) async fn count_and_fault(
    st: &AppState,
    headers: &HeaderMap,
    body_fault: Option<&str>,
    rid: &str,
    api: Api,
    connection: &Connection,
) -> Pre {
    match fault_answer(st, headers, body_fault, rid, api, connection).await {
        Ok(wrap) => Pre::Continue(wrap),
        Err(resp) => Pre::Answer(resp),
    }
}

/// `Err(answer)` when the fault answers, `Ok(wrap)` when the request goes on.
async fn fault_answer(
    st: &AppState,
    headers: &HeaderMap,
    body_fault: Option<&str>,
    rid: &str,
    api: Api,
    connection: &Connection,
) -> Result<Option<Wrap>, Response> {
    let routing = header_str(headers, "x-routing-id").unwrap_or("");
    st.record(routing);
    let (field, requested) = match headers.get("x-emulator-fault") {
        Some(v) => (
            "x-emulator-fault",
            Some(v.to_str().map_err(|e| e.to_string())),
        ),
        None => (FAULT_BODY_FIELD, body_fault.map(Ok)),
    };
    let spec = match requested {
        Some(text) => match text.and_then(FaultSpec::parse) {
            Ok(spec) => Some(spec),
            Err(e) => {
                return Err(bad_request(
                    rid,
                    &[Problem {
                        field: field.to_string(),
                        reason: format!("is not a valid fault spec: {e}"),
                        missing: false,
                    }],
                ))
            }
        },
        None => st.default_fault.clone(),
    };
    let Some(spec) = spec else {
        return Ok(None);
    };
    if !st.fault_applies(routing, &spec) {
        return Ok(None);
    }
    let request = FaultRequest {
        request_id: rid,
        headers,
        api,
        connection,
    };
    match fault::perform(&spec, &request).await {
        FaultAction::Proceed => Ok(None),
        FaultAction::Wrap(wrap) => Ok(Some(wrap)),
        FaultAction::Respond(resp) => Err(resp),
    }
}

/// Checks x-merchantid / x-routing-id (400) then Basic auth (401); returns the merchant id.
///
/// Faithful mode: `x-routing-id` may be absent and the credentials may be `base64(KEY)`
/// without the colon, as Juspay's official Node SDK sends them (expresscheckout-nodejs
/// 1.0.0, `JuspayResource.js`: `'Basic ' + base64Encode(apiKey)`, no x-routing-id; its PHP
/// and .NET SDKs send no x-routing-id either).
#[allow(clippy::result_large_err)]
pub(crate) fn check_headers_and_auth(
    st: &AppState,
    headers: &HeaderMap,
    rid: &str,
) -> Result<String, Response> {
    check_headers_and_auth_or(st, headers, rid, None)
}

/// [`check_headers_and_auth`], except that in faithful mode a missing `x-merchantid` header
/// may be made up for by `body_merchant` (the `merchant_id` form field of `POST /txns`:
/// Juspay's own execution sample, DEMO `mandates/execution/request.sh` @b2d0d12d, sends no
/// x-merchantid header, only `merchant_id=...` in the body).
#[allow(clippy::result_large_err)]
pub(crate) fn check_headers_and_auth_or(
    st: &AppState,
    headers: &HeaderMap,
    rid: &str,
    body_merchant: Option<&str>,
) -> Result<String, Response> {
    let strict = st.mode == Mode::Strict;
    let body_merchant = body_merchant.filter(|m| !strict && !m.trim().is_empty());
    let mut problems = Vec::new();
    let required: &[&str] = if strict {
        &["x-merchantid", "x-routing-id"]
    } else if body_merchant.is_some() {
        &[]
    } else {
        &["x-merchantid"]
    };
    for &name in required {
        if header_str(headers, name).is_none() {
            problems.push(Problem {
                field: name.to_string(),
                reason: "header is required".to_string(),
                missing: true,
            });
        }
    }
    if !problems.is_empty() {
        return Err(bad_request(rid, &problems));
    }
    let merchant = header_str(headers, "x-merchantid")
        .or(body_merchant.map(str::trim))
        .unwrap_or_default();
    let Some(auth) = headers.get(header::AUTHORIZATION) else {
        return Err(unauthorized("Authorization header is missing"));
    };
    let auth = auth.to_str().unwrap_or("").trim();
    let Some((scheme, encoded)) = auth.split_once(' ') else {
        return Err(unauthorized(
            "Authorization must be HTTP Basic: base64(API_KEY + \":\")",
        ));
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(unauthorized(
            "Authorization must be HTTP Basic: base64(API_KEY + \":\")",
        ));
    }
    let encoded = encoded.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Some(decoded) = decoded else {
        return Err(unauthorized(
            "Authorization credentials are not valid base64",
        ));
    };
    let (api_key, password) = match decoded.split_once(':') {
        Some(pair) => pair,
        None if !strict => (decoded.as_str(), ""),
        None => {
            return Err(unauthorized(
                "Authorization credentials must be API_KEY followed by ':' (empty password)",
            ))
        }
    };
    if !password.is_empty() {
        return Err(unauthorized(
            "Authorization password must be empty: base64(API_KEY + \":\")",
        ));
    }
    if st
        .credentials
        .iter()
        .any(|c| c.api_key == api_key && c.merchant_id == merchant)
    {
        Ok(merchant.to_string())
    } else {
        Err(unauthorized("Invalid API key or merchant id"))
    }
}

// ---------------------------------------------------------------- POST /session

/// `sdk_payload.payload`, in the field order of Juspay's sample response.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Payload<'a> {
    client_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    amount: Option<String>,
    merchant_id: &'a str,
    client_auth_token: String,
    client_auth_token_expiry: String,
    environment: &'a str,
    #[serde(rename = "options.getUpiDeepLinks")]
    get_upi_deep_links: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a str>,
    action: &'a str,
    customer_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_url: Option<&'a str>,
    currency: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
}

#[derive(Serialize)]
struct SdkPayload<'a> {
    #[serde(rename = "requestId")]
    request_id: &'a str,
    service: &'a str,
    payload: Payload<'a>,
    /// As in Juspay's samples (session/v2/response.json, add-ons/payment-links/*.json).
    expiry: String,
}

#[derive(Serialize)]
struct PaymentLinks {
    web: String,
    expiry: String,
}

#[derive(Serialize)]
struct SessionResponse<'a> {
    status: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_links: Option<PaymentLinks>,
    sdk_payload: SdkPayload<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_expiry: Option<String>,
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim())
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"))
}

async fn create_session(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body_fault = serde_json::from_slice::<Value>(&body).ok().and_then(|v| {
        v.get(FAULT_BODY_FIELD)
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    count_and_fault(
        &st,
        &headers,
        body_fault.as_deref(),
        &rid,
        Api::Session,
        &connection,
    )
    .await
    .run(|| session_answer(&st, &rid, &headers, &body))
    .await
}

/// Everything after the fault: headers, auth, body, rules, the order.
fn session_answer(st: &AppState, rid: &str, headers: &HeaderMap, body: &[u8]) -> Response {
    let merchant = match check_headers_and_auth(st, headers, rid) {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    // Both modes: every Juspay SDK sends JSON to /session (Node OrderSession.js, PHP
    // OrderSession.php, .NET HttpClient.cs), and the Session page documents only JSON.
    if !is_json_content_type(headers) {
        return bad_request(
            rid,
            &[Problem {
                field: "Content-Type".to_string(),
                reason: "header must be application/json".to_string(),
                missing: !headers.contains_key(header::CONTENT_TYPE),
            }],
        );
    }
    session_answer_for(st, rid, &merchant, body)
}

/// The session after authentication (Basic auth here, the signature on `/v4/session`).
pub(crate) fn session_answer_for(
    st: &AppState,
    rid: &str,
    merchant: &str,
    body: &[u8],
) -> Response {
    let parsed: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return bad_request(
                rid,
                &[Problem {
                    field: "body".to_string(),
                    reason: format!("is not valid JSON ({e})"),
                    missing: false,
                }],
            )
        }
    };
    let Value::Object(map) = parsed else {
        return bad_request(
            rid,
            &[Problem {
                field: "body".to_string(),
                reason: "must be a JSON object".to_string(),
                missing: false,
            }],
        );
    };
    let normalized = validate::normalize_body(&map, st.mode);
    let problems = validate::validate_session_in(&normalized, st.mode);
    if !problems.is_empty() {
        return bad_request(rid, &problems);
    }
    session_success(st, rid, merchant, &normalized, map.get("amount"))
}

/// How long an order (and its payment link) lives: `metadata.expiryinmins` minutes when
/// given (Juspay's payment-links sample: 3397 minutes gives an `order_expiry` 3397 minutes
/// after creation), else 15 minutes (session/v2/response.json: order, link and token expire
/// together).
fn order_lifetime_secs(map: &Map<String, Value>) -> u64 {
    let minutes = map
        .get("metadata.expiryinmins")
        .and_then(|v| match v {
            Value::String(s) => s.trim().parse::<u64>().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        })
        .filter(|m| (1..=525_600).contains(m))
        .unwrap_or(15);
    minutes * 60
}

/// An amount as Juspay writes it in `sdk_payload.payload.amount` when the request gave a
/// JSON number: a decimal with at least one fraction digit (`42` -> `"42.0"`, as
/// session/v2/response.json shows `"10.0"`). A string amount is echoed as given.
fn payload_amount(raw: Option<&Value>, text: &str) -> String {
    match raw {
        Some(Value::Number(_)) if !text.contains('.') => format!("{text}.0"),
        _ => text.to_string(),
    }
}

/// `raw_amount` is the amount as the request gave it (a string, or in faithful mode a
/// number); `map` is the normalised body.
fn session_success(
    st: &AppState,
    rid: &str,
    merchant: &str,
    map: &Map<String, Value>,
    raw_amount: Option<&Value>,
) -> Response {
    let s = |k: &str| map.get(k).and_then(Value::as_str);
    let order_id = s("order_id");
    let amount = s("amount");
    let currency = s("currency").unwrap_or("INR");
    let now = now_epoch();
    let expiry = iso8601_utc(now + order_lifetime_secs(map));
    let token_expiry = iso8601_utc(now + (15 * 60).min(order_lifetime_secs(map)));

    // A faithful-mode paymentManagement session without an order: no order is stored and
    // the answer has no id, order_id or payment link (Juspay publishes no sample of it).
    let id = match (order_id, amount) {
        (Some(order_id), Some(amount)) => {
            match store_order(st, rid, merchant, order_id, amount, map) {
                Ok(id) => Some(id),
                Err(resp) => return resp,
            }
        }
        _ => None,
    };

    let resp = SessionResponse {
        status: "NEW",
        payment_links: id.as_ref().map(|id| PaymentLinks {
            web: payment_page_url(&st.base_url, id),
            expiry: expiry.clone(),
        }),
        id,
        order_id,
        sdk_payload: SdkPayload {
            request_id: rid,
            service: "in.juspay.hyperpay",
            payload: Payload {
                client_id: s("payment_page_client_id").unwrap_or_default(),
                amount: amount.map(|a| payload_amount(raw_amount, a)),
                merchant_id: merchant,
                client_auth_token: format!("tkn_{}", random_alnum(21)),
                client_auth_token_expiry: token_expiry,
                environment: "sandbox",
                get_upi_deep_links: "true",
                last_name: s("last_name"),
                action: s("action").unwrap_or("paymentPage"),
                customer_id: s("customer_id").unwrap_or_default(),
                return_url: s("return_url"),
                currency,
                first_name: s("first_name"),
                customer_phone: s("customer_phone"),
                customer_email: s("customer_email"),
                order_id,
                description: s("description"),
            },
            expiry: expiry.clone(),
        },
        order_expiry: order_id.map(|_| expiry),
    };
    json_response(StatusCode::OK, &resp)
}

/// Finds or creates the order for a session; returns its `ordeh_` id, or a 400.
#[allow(clippy::result_large_err)]
fn store_order(
    st: &AppState,
    rid: &str,
    merchant: &str,
    order_id: &str,
    amount: &str,
    map: &Map<String, Value>,
) -> Result<String, Response> {
    let s = |k: &str| map.get(k).and_then(Value::as_str);
    let mut orders = lock(&st.orders);
    let key = (merchant.to_string(), order_id.to_string());
    if let Some(existing) = orders.by_key.get(&key) {
        if validate::amount_key(&existing.amount) != validate::amount_key(amount) {
            return Err(bad_request_with(
                rid,
                "duplicate.call",
                "DUPLICATE_REQUEST",
                format!(
                    "Order {order_id} already exists with a different amount ({}); an \
                     order's amount cannot change",
                    existing.amount
                ),
                "This order already exists with a different amount.".to_string(),
                &[Problem {
                    field: "amount".to_string(),
                    reason: format!(
                        "differs from the existing order's amount {}",
                        existing.amount
                    ),
                    missing: false,
                }],
            ));
        }
        if existing.status == "CHARGED" {
            return Err(bad_request_with(
                rid,
                "duplicate.call",
                "ALREADY_EXISTS",
                format!("Order {order_id} has already been paid (status CHARGED)"),
                "This order has already been paid.".to_string(),
                &[Problem {
                    field: "order_id".to_string(),
                    reason: "refers to an order that is already CHARGED".to_string(),
                    missing: false,
                }],
            ));
        }
        return Ok(existing.id.clone());
    }
    let id = format!("ordeh_{}", random_lower_alnum(20));
    let mut udfs: [String; 10] = Default::default();
    for (i, u) in udfs.iter_mut().enumerate() {
        *u = s(&format!("udf{}", i + 1)).unwrap_or_default().to_string();
    }
    let now = now_epoch();
    orders.insert(Order {
        id: id.clone(),
        merchant_id: merchant.to_string(),
        order_id: order_id.to_string(),
        amount: amount.to_string(),
        currency: s("currency").unwrap_or("INR").to_string(),
        customer_id: s("customer_id").unwrap_or_default().to_string(),
        customer_email: s("customer_email").map(str::to_string),
        customer_phone: s("customer_phone").map(str::to_string),
        return_url: s("return_url").map(str::to_string),
        description: s("description").map(str::to_string),
        udfs,
        status: "NEW",
        status_id: 10,
        date_created: now,
        txn_id: None,
        txn_uuid: None,
        gateway_reference_id: s("metadata.JUSPAY:gateway_reference_id").map(str::to_string),
        last_updated: now,
        attempts: 0,
        refunds: Vec::new(),
        mandate_terms: crate::mandate::MandateTerms::from_session(map, now),
        mandate_id: None,
        from_execution: false,
        execution_outcome: None,
    });
    Ok(id)
}

pub(crate) fn payment_page_url(base: &str, id: &str) -> String {
    format!("{base}/orders/{id}/payment-page")
}

// ---------------------------------------------------------------- GET /orders/{order_id}

/// An amount as a JSON number the way Juspay writes one: `1` (not `1.0`) for a whole
/// amount, `100.15`, `10.5` (card.json: `"amount": 9000`; the Session page's `"1.0"` comes
/// back as `1`).
pub(crate) fn amount_number(amount: &str) -> Value {
    let Ok(f) = amount.parse::<f64>() else {
        return Value::Null;
    };
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        return Value::Number(serde_json::Number::from(f as i64));
    }
    serde_json::Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

/// The Order Status API body for `order`. After a payment it carries what most of Juspay's
/// real CHARGED bodies carry (orders/order-status/card.json on the api-reference branch of
/// juspay-sdk-integration-demo): txn ids, auth_type, gateway_id, gateway_reference_id, the
/// card, txn_detail and payment_gateway_response.
pub(crate) fn order_status_json(orders: &Orders, order: &Order, base_url: &str) -> Value {
    let amount = amount_number(&order.amount);
    // Refund totals as Juspay's samples keep them (docs/emulator.md "Refunds"): PENDING,
    // SUCCESS and MANUAL_REVIEW refunds count, FAILURE ones do not; `refunded` only once the
    // whole amount is refunded; the order stays CHARGED.
    let amount_cents = crate::refund::amount_cents(&order.amount).unwrap_or(0);
    let refunded_cents = crate::refund::refunded_cents(order);
    let fully_refunded = refunded_cents > 0 && refunded_cents >= amount_cents;
    let mut v = json!({
        "id": order.id,
        "order_id": order.order_id,
        "merchant_id": order.merchant_id,
        "customer_id": order.customer_id,
        "customer_email": order.customer_email,
        "customer_phone": order.customer_phone,
        "product_id": "",
        "status": order.status,
        "status_id": order.status_id,
        "amount": amount,
        "effective_amount": amount,
        "currency": order.currency,
        "refunded": fully_refunded,
        "amount_refunded": crate::refund::cents_number(refunded_cents),
        "date_created": iso8601_utc(order.date_created),
        "last_updated": iso8601_utc(order.last_updated),
        "return_url": order.return_url,
        "description": order.description.clone().unwrap_or_default(),
        "payment_links": {
            "web": payment_page_url(base_url, &order.id),
            "mobile": payment_page_url(base_url, &order.id),
            "iframe": payment_page_url(base_url, &order.id),
        },
    });
    let obj = v.as_object_mut().expect("object");
    for (i, u) in order.udfs.iter().enumerate() {
        obj.insert(format!("udf{}", i + 1), Value::String(u.clone()));
    }
    let mandate = order
        .mandate_id
        .as_deref()
        .and_then(|id| orders.mandates.get(id));
    if let Some(mandate) = mandate {
        obj.insert("mandate".into(), mandate.order_block_json());
    }
    if let Some(txn_id) = &order.txn_id {
        let charged = order.status == "CHARGED";
        // A mandate execution waits in PENDING_VBV until it settles: no error yet.
        let pending = order.status == "PENDING_VBV";
        let (code, message) = if charged || pending {
            ("", "")
        } else {
            (
                "AUTHORIZATION_FAILED",
                "Payment failed on the emulator's payment page",
            )
        };
        let txn_uuid = order.txn_uuid.clone().unwrap_or_default();
        obj.insert("txn_id".into(), json!(txn_id));
        obj.insert("txn_uuid".into(), json!(txn_uuid));
        obj.insert("payment_method_type".into(), json!("CARD"));
        obj.insert("payment_method".into(), json!("VISA"));
        obj.insert("auth_type".into(), json!("THREE_DS"));
        obj.insert("gateway_id".into(), json!(100));
        obj.insert(
            "gateway_reference_id".into(),
            json!(order.gateway_reference_id),
        );
        if charged {
            obj.insert(
                "maximum_eligible_refund_amount".into(),
                crate::refund::cents_number(amount_cents.saturating_sub(refunded_cents)),
            );
        }
        obj.insert("bank_error_code".into(), json!(code));
        obj.insert("bank_error_message".into(), json!(message));
        obj.insert("resp_code".into(), Value::Null);
        obj.insert("resp_message".into(), Value::Null);
        obj.insert(
            "card".into(),
            json!({
                "expiry_year": "2030",
                "card_reference": format!("ref_{txn_uuid}"),
                "saved_to_locker": false,
                "expiry_month": "12",
                "name_on_card": "Emulator Test",
                "card_issuer": "Emulator Bank",
                "last_four_digits": "1111",
                "using_saved_card": false,
                "card_fingerprint": format!("fp_{txn_uuid}"),
                "card_isin": "411111",
                "card_type": "CREDIT",
                "card_brand": "VISA",
                "using_token": false,
            }),
        );
        obj.insert(
            "txn_detail".into(),
            json!({
                "txn_id": txn_id,
                "order_id": order.order_id,
                "status": order.status,
                "error_code": if charged || pending { Value::Null } else { json!(code) },
                "net_amount": amount,
                "surcharge_amount": null,
                "tax_amount": null,
                "txn_amount": amount,
                "gateway_id": 100,
                "currency": order.currency,
                "express_checkout": true,
                "redirect": true,
                "txn_uuid": txn_uuid,
                "gateway": "DUMMY",
                "error_message": message,
                "created": iso8601_utc(order.last_updated),
            }),
        );
        obj.insert(
            "payment_gateway_response".into(),
            json!({
                "resp_code": if charged { "SUCCESS" } else if pending { "PENDING" } else { "FAILURE" },
                "rrn": "",
                "created": iso8601_utc(order.last_updated),
                "epg_txn_id": format!("emu_{txn_id}"),
                "resp_message": if charged {
                    "Transaction successful"
                } else if pending {
                    "Transaction pending"
                } else {
                    message
                },
                "auth_id_code": "",
                "txn_id": txn_id,
            }),
        );
        if order.from_execution {
            // A mandate debit's transaction, as in DEMO mandates/webhook/txn/success.json
            // @b2d0d12d: txn_object_type EMANDATE_PAYMENT, source_object MANDATE.
            if let Some(detail) = obj.get_mut("txn_detail").and_then(Value::as_object_mut) {
                detail.insert("txn_object_type".into(), json!("EMANDATE_PAYMENT"));
                detail.insert("source_object".into(), json!("MANDATE"));
                detail.insert("source_object_id".into(), json!(order.mandate_id));
                detail.insert("express_checkout".into(), json!(false));
            }
        }
        let refunds: Vec<Value> = order.refunds.iter().map(|r| r.json()).collect();
        obj.insert("refunds".into(), Value::Array(refunds));
    }
    v
}

/// Longest order id GET /orders takes (both modes); longer ones get a short 400 that does
/// not repeat them.
pub const MAX_ORDER_ID_IN_PATH: usize = 255;

/// 400 for an unknown order, exactly as Juspay's Order Status page shows it ("Invalid order
/// id": `{"status":"NOT_FOUND","error_info":{...,"code":"RESOURCE_NOT_FOUND",...},
/// "status_id":40,"order_id":...}`; hypercheckout-global order-status-api, Error Codes).
pub(crate) fn order_not_found(order_id: &str) -> Response {
    json_response(
        StatusCode::BAD_REQUEST,
        &json!({
            "status": "NOT_FOUND",
            "error_info": {
                "user_message": "Order Not Found",
                "developer_message": "Order Not Found",
                "code": "RESOURCE_NOT_FOUND",
                "category": "USER_ERROR",
            },
            "status_id": 40,
            "order_id": order_id,
        }),
    )
}

async fn order_status(
    State(st): State<Arc<AppState>>,
    Extension(RequestId(rid)): Extension<RequestId>,
    ConnectInfo(connection): ConnectInfo<Connection>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    count_and_fault(&st, &headers, None, &rid, Api::OrderStatus, &connection)
        .await
        .run(|| order_status_answer(&st, &rid, &order_id, &headers))
        .await
}

/// Both modes: "." and ".." are path segments, never order ids (a client that sends them has
/// had its URL collapsed), and a huge id is refused without being repeated.
#[allow(clippy::result_large_err)]
pub(crate) fn check_order_id_in_path(rid: &str, order_id: &str) -> Result<(), Response> {
    let length = order_id.chars().count();
    if order_id == "." || order_id == ".." || length > MAX_ORDER_ID_IN_PATH {
        let reason = if length > MAX_ORDER_ID_IN_PATH {
            format!("must be at most {MAX_ORDER_ID_IN_PATH} characters (got {length})")
        } else {
            "must not be \".\" or \"..\"".to_string()
        };
        return Err(bad_request(
            rid,
            &[Problem {
                field: "order_id".to_string(),
                reason,
                missing: false,
            }],
        ));
    }
    Ok(())
}

fn order_status_answer(st: &AppState, rid: &str, order_id: &str, headers: &HeaderMap) -> Response {
    let merchant = match check_headers_and_auth(st, headers, rid) {
        Ok(m) => m,
        Err(resp) => return resp,
    };
    order_status_for(st, rid, &merchant, order_id)
}

/// The order's status after authentication (Basic auth here, the signature on
/// `/v4/order-status`).
pub(crate) fn order_status_for(
    st: &AppState,
    rid: &str,
    merchant: &str,
    order_id: &str,
) -> Response {
    if let Err(resp) = check_order_id_in_path(rid, order_id) {
        return resp;
    }
    let mut orders = lock(&st.orders);
    crate::mandate::expire_due(st, &mut orders);
    let order = orders
        .key_of(merchant, order_id)
        .and_then(|key| orders.by_key.get(&key));
    match order {
        Some(order) => json_response(
            StatusCode::OK,
            &order_status_json(&orders, order, &st.base_url),
        ),
        None => order_not_found(order_id),
    }
}

// ---------------------------------------------------------------- GET /__emulator/stats

async fn stats(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    let routing = url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "routing_id")
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let routing = routing.as_str();
    json_response(
        StatusCode::OK,
        &json!({"count": st.request_count(routing), "total": st.total_requests()}),
    )
}
