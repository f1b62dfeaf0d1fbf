//! The HTTP client: a shared connection pool per `Client` for async calls (and one per
//! calling thread for blocking calls, `runtime.rs`), async and blocking entry points, the
//! retry loop and the deadline.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};

use crate::config::{ClientConfig, Settings};
use crate::error::{
    bounded, from_error_answer, unexpected, HttpAnswer, HyperCheckoutError, REQUEST_ID_HEADERS,
};
use crate::mandate::{
    self, MandateDetails, MandateExecution, MandateExecutionResult, MandateState,
};
use crate::network::{CertificateCheck, Network};
use crate::observe::{self, Operation, RequestEvent};
use crate::options::{CallLimits, RequestOptions};
use crate::order::{self, OrderStatus, ORDER_STATUS_API_VERSION};
use crate::refund::{self, RefundRequest};
use crate::request::SessionRequest;
use crate::response::{parse_session, Session};
use crate::retry::Policy;
use crate::runtime::{self, PerProcess};
use crate::wire::WireCall;
use crate::{encryption, retry, validate, wire};

/// Answers larger than this are refused: a session answer is a few kilobytes.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A Juspay API client. Make one and share it: any number of threads or tasks can use it at
/// once. Async calls share one connection pool. Blocking calls keep one pool per thread (the
/// whole exchange then runs on the calling thread, which costs less CPU), from a thread's
/// second blocking call on: a thread pool of N threads making blocking calls opens up to N
/// connections for the client (one each, kept while the thread lives), plus those of the
/// shared pool. A thread's pool for a dropped client
/// closes at that thread's next blocking call, or when the thread ends.
#[derive(uniffi::Object)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    /// The shared connection pool (async calls, and a thread's first blocking call), rebuilt
    /// in a forked child (see `runtime.rs`).
    http: PerProcess<reqwest::Client>,
    /// Pools for async calls awaited inside tokio tasks, one per calling runtime.
    runtime_pools: runtime::RuntimePools,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .finish()
    }
}

#[uniffi::export]
impl Client {
    /// Checks the configuration and prepares the connection pool. Nothing is sent yet.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Self, HyperCheckoutError> {
        runtime::catch_panic(|| {
            let settings = config.resolve()?;
            let http = build_http(&settings)?;
            Ok(Self {
                inner: Arc::new(Inner {
                    settings,
                    http: PerProcess::with(http),
                    runtime_pools: runtime::RuntimePools::new(),
                }),
            })
        })
    }

    /// Validates `request` and creates the session. Invalid requests are never sent.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "create_session", default(options = None))]
    pub async fn create_session_with(
        &self,
        request: SessionRequest,
        options: Option<RequestOptions>,
    ) -> Result<Session, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner.create_session(request, &limits).await
        })
        .await
    }

    /// The blocking form of the session call, for threads that are not async. Must not be
    /// called from inside an async runtime (it returns a `Configuration` error there rather
    /// than deadlock).
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "create_session_blocking", default(options = None))]
    pub fn create_session_blocking_with(
        &self,
        request: SessionRequest,
        options: Option<RequestOptions>,
    ) -> Result<Session, HyperCheckoutError> {
        self.call_blocking(options, "create_session", |inner, limits| async move {
            inner.create_session(request, &limits).await
        })
    }

    /// The Order Status API: `GET /orders/{order_id}`, the authoritative word on whether an
    /// order is paid (the redirect and webhooks only tell you to ask). The routing id is the
    /// `x-routing-id` the session was created with: the session's routing id (the customer id,
    /// or the order id for a guest checkout, unless you chose one). It is required: Juspay
    /// asks for the same value on every call of a customer's session, and no default could
    /// know it. Sends the `version` header `ORDER_STATUS_API_VERSION`. A read, so a 500 is
    /// retried too (see `retry.rs`).
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "get_order_status", default(options = None))]
    pub async fn get_order_status_with(
        &self,
        order_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner
                .get_order_status(&order_id, &routing_id, &limits)
                .await
        })
        .await
    }

    /// The blocking form of the Order Status call; like the blocking session call, not for
    /// use inside an async runtime.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "get_order_status_blocking", default(options = None))]
    pub fn get_order_status_blocking_with(
        &self,
        order_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.call_blocking(options, "get_order_status", |inner, limits| async move {
            inner
                .get_order_status(&order_id, &routing_id, &limits)
                .await
        })
    }

    /// The Refund Order API: `POST /orders/{order_id}/refunds` (form-encoded, `version`
    /// header `REFUND_API_VERSION`). Validates first (nothing is sent if a rule is broken)
    /// and returns the order with its `refunds`; a new refund is usually `PENDING`, and
    /// settles later (`ORDER_REFUNDED` webhook, or the Order Status call).
    ///
    /// The request's unique request id (Juspay's `unique_request_id`) makes the call safe to
    /// repeat: it is retried on 5xx, timeouts and
    /// lost connections, and when Juspay answers `duplicate.call` because the refund already
    /// exists (an earlier attempt whose answer was lost), the order is read and returned as
    /// success, provided it shows a refund with this unique request id (and amount, when
    /// given). Any other `duplicate.call` (e.g. the same amount under a new id within 5
    /// seconds), `invalid.amount.exceeded` and the other documented refusals come back as
    /// `InvalidRequest` with Juspay's error code; an unknown order as `NotFound`.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "create_refund", default(options = None))]
    pub async fn create_refund_with(
        &self,
        request: RefundRequest,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner.create_refund(&request, &limits).await
        })
        .await
    }

    /// The blocking form of the refund call; not for use inside an async runtime.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "create_refund_blocking", default(options = None))]
    pub fn create_refund_blocking_with(
        &self,
        request: RefundRequest,
        options: Option<RequestOptions>,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.call_blocking(options, "create_refund", |inner, limits| async move {
            inner.create_refund(&request, &limits).await
        })
    }

    /// The Mandate Status Check API: `POST /mandates/{mandate_id}` with
    /// `command=check_status`. The routing id is the `x-routing-id` (Juspay recommends the
    /// customer id), required as for the Order Status call. A read: retried on 500 too.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "get_mandate", default(options = None))]
    pub async fn get_mandate_with(
        &self,
        mandate_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner.get_mandate(&mandate_id, &routing_id, &limits).await
        })
        .await
    }

    /// The blocking form of the mandate status call; not for use inside an async runtime.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "get_mandate_blocking", default(options = None))]
    pub fn get_mandate_blocking_with(
        &self,
        mandate_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.call_blocking(options, "get_mandate", |inner, limits| async move {
            inner.get_mandate(&mandate_id, &routing_id, &limits).await
        })
    }

    /// The Revoke Mandate API: `POST /mandates/{mandate_id}` with `command=revoke`. Returns
    /// the mandate; Juspay's answer carries only the JSON keys `mandate_id` and `status`
    /// (`REVOKED`). Safe to
    /// repeat: when Juspay refuses the revoke (HTTP 4xx) and the mandate turns out to be
    /// revoked already (an earlier attempt, or the customer), the revoked mandate is returned.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "revoke_mandate", default(options = None))]
    pub async fn revoke_mandate_with(
        &self,
        mandate_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner
                .revoke_mandate(&mandate_id, &routing_id, &limits)
                .await
        })
        .await
    }

    /// The blocking form of the revoke call; not for use inside an async runtime.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "revoke_mandate_blocking", default(options = None))]
    pub fn revoke_mandate_blocking_with(
        &self,
        mandate_id: String,
        routing_id: String,
        options: Option<RequestOptions>,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.call_blocking(options, "revoke_mandate", |inner, limits| async move {
            inner
                .revoke_mandate(&mandate_id, &routing_id, &limits)
                .await
        })
    }

    /// The Mandate Execution API: `POST /txns`, a debit on an active mandate under a new
    /// order id. Validates first. Safe to repeat with the same order id: Juspay refuses a
    /// second order with that id (`DUPLICATE_ORDER_ID`), and when the existing order is this
    /// debit (same mandate and amount) its result is returned instead of the refusal.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "execute_mandate", default(options = None))]
    pub async fn execute_mandate_with(
        &self,
        execution: MandateExecution,
        options: Option<RequestOptions>,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        self.call(options, |inner, limits| async move {
            inner.execute_mandate(&execution, &limits).await
        })
        .await
    }

    /// The blocking form of the mandate execution call; not for use inside an async runtime.
    ///
    /// `options` (optional) changes this call's timeouts, retries or `x-routing-id`
    /// (`RequestOptions`); without them the client's settings apply.
    #[uniffi::method(name = "execute_mandate_blocking", default(options = None))]
    pub fn execute_mandate_blocking_with(
        &self,
        execution: MandateExecution,
        options: Option<RequestOptions>,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        self.call_blocking(options, "execute_mandate", |inner, limits| async move {
            inner.execute_mandate(&execution, &limits).await
        })
    }
}

/// The calls without options (Rust only: the bindings have one method with a default).
impl Client {
    /// [`Client::create_session_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn create_session(
        &self,
        request: SessionRequest,
    ) -> Result<Session, HyperCheckoutError> {
        self.create_session_with(request, None).await
    }

    /// [`Client::create_session_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn create_session_blocking(
        &self,
        request: SessionRequest,
    ) -> Result<Session, HyperCheckoutError> {
        self.create_session_blocking_with(request, None)
    }

    /// [`Client::get_order_status_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn get_order_status(
        &self,
        order_id: String,
        routing_id: String,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.get_order_status_with(order_id, routing_id, None).await
    }

    /// [`Client::get_order_status_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn get_order_status_blocking(
        &self,
        order_id: String,
        routing_id: String,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.get_order_status_blocking_with(order_id, routing_id, None)
    }

    /// [`Client::create_refund_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn create_refund(
        &self,
        request: RefundRequest,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.create_refund_with(request, None).await
    }

    /// [`Client::create_refund_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn create_refund_blocking(
        &self,
        request: RefundRequest,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        self.create_refund_blocking_with(request, None)
    }

    /// [`Client::get_mandate_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn get_mandate(
        &self,
        mandate_id: String,
        routing_id: String,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.get_mandate_with(mandate_id, routing_id, None).await
    }

    /// [`Client::get_mandate_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn get_mandate_blocking(
        &self,
        mandate_id: String,
        routing_id: String,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.get_mandate_blocking_with(mandate_id, routing_id, None)
    }

    /// [`Client::revoke_mandate_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn revoke_mandate(
        &self,
        mandate_id: String,
        routing_id: String,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.revoke_mandate_with(mandate_id, routing_id, None).await
    }

    /// [`Client::revoke_mandate_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn revoke_mandate_blocking(
        &self,
        mandate_id: String,
        routing_id: String,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        self.revoke_mandate_blocking_with(mandate_id, routing_id, None)
    }

    /// [`Client::execute_mandate_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub async fn execute_mandate(
        &self,
        execution: MandateExecution,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        self.execute_mandate_with(execution, None).await
    }

    /// [`Client::execute_mandate_blocking_with`] without options: the client's timeouts, retries and the
    /// call's own routing id.
    pub fn execute_mandate_blocking(
        &self,
        execution: MandateExecution,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        self.execute_mandate_blocking_with(execution, None)
    }
}

impl Client {
    /// Every async entry point: `work` gets its own handle on the client and the call's
    /// limits (the client's with `options` applied), and runs on the shared runtime
    /// (`runtime::run`: cancellable, exit-guarded, panic-free); no echo of a secret leaves in
    /// its error.
    async fn call<T, F>(
        &self,
        options: Option<RequestOptions>,
        work: impl FnOnce(Arc<Inner>, CallLimits) -> F,
    ) -> Result<T, HyperCheckoutError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, HyperCheckoutError>> + Send + 'static,
    {
        let limits = CallLimits::resolve(&self.inner.settings, options.as_ref());
        let result = match limits {
            Ok(limits) => {
                let inner = &self.inner;
                let make_pool = || build_http(&inner.settings);
                runtime::run(
                    &inner.runtime_pools,
                    make_pool,
                    work(Arc::clone(inner), limits),
                )
                .await
            }
            Err(error) => Err(error),
        };
        self.inner.scrubbed(result)
    }

    /// Every blocking entry point (`runtime::block_on`; `method` names the async form).
    fn call_blocking<'a, T, F>(
        &'a self,
        options: Option<RequestOptions>,
        method: &str,
        work: impl FnOnce(&'a Inner, CallLimits) -> F,
    ) -> Result<T, HyperCheckoutError>
    where
        F: Future<Output = Result<T, HyperCheckoutError>> + 'a,
    {
        let inner = &self.inner;
        let result = match CallLimits::resolve(&inner.settings, options.as_ref()) {
            Ok(limits) => runtime::block_on(
                method,
                inner,
                || build_http(&inner.settings),
                || work(inner, limits),
            ),
            Err(error) => Err(error),
        };
        self.inner.scrubbed(result)
    }
}

impl Inner {
    /// No echo of the API key leaves the client, whatever a server put in its answer.
    fn scrubbed<T>(&self, result: Result<T, HyperCheckoutError>) -> Result<T, HyperCheckoutError> {
        result.map_err(|e| e.scrubbed(|text| self.settings.scrub(text)))
    }

    async fn create_session(
        &self,
        request: SessionRequest,
        limits: &CallLimits,
    ) -> Result<Session, HyperCheckoutError> {
        let violations = validate::validate(&request);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        let body = wire::to_wire_json(&request);
        let routing_id = request.effective_routing_id();
        tracing::info!(order_id = %request.order_id, "creating session");
        let call = WireCall {
            method: "POST".into(),
            path: "/session".into(),
            content_type: Some(wire::JSON_CONTENT_TYPE.into()),
            version: None,
            routing_id: routing_id.to_owned(),
            body: Some(body),
        };
        let answer = match &self.settings.encryption {
            // .NET SessionService.cs @622f844e: `/v4/session`, the same JSON, sealed.
            Some(keys) => {
                let json = call.body.clone().unwrap_or_default();
                let sealed = encryption::encrypted_call(keys, &call, "/v4/session".into(), &json)?;
                self.send_sealed(&sealed, Policy::Write, Operation::CreateSession, limits)
                    .await?
            }
            None => {
                self.send(&call, Policy::Write, Operation::CreateSession, limits)
                    .await?
            }
        };
        let mut session = parse_session(&answer.borrow())?;
        session.routing_id = limits.routing_id(routing_id).to_owned();
        tracing::info!(order_id = %session.order_id, id = %session.id, "session created");
        Ok(session)
    }

    async fn get_order_status(
        &self,
        order_id: &str,
        routing_id: &str,
        limits: &CallLimits,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        let violations = validate::validate_order_lookup(order_id, routing_id);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        tracing::info!(order_id, "fetching order status");
        let call = WireCall {
            method: "GET".into(),
            path: order::order_path(order_id),
            content_type: None,
            version: Some(ORDER_STATUS_API_VERSION.into()),
            routing_id: routing_id.to_owned(),
            body: None,
        };
        let answer = match &self.settings.encryption {
            // .NET OrderService.cs @622f844e (EncryptedOrderStatus) and Node Order.js
            // (`jwePath: '/v4/order-status'`): a POST whose body is `{"order_id"}`.
            Some(keys) => {
                let json = serde_json::json!({ "order_id": order_id }).to_string();
                let sealed =
                    encryption::encrypted_call(keys, &call, "/v4/order-status".into(), &json)?;
                self.send_sealed(&sealed, Policy::Read, Operation::GetOrderStatus, limits)
                    .await?
            }
            None => {
                self.send(&call, Policy::Read, Operation::GetOrderStatus, limits)
                    .await?
            }
        };
        let status = order::parse_answer(&answer.borrow())?;
        tracing::info!(order_id, status = %status.status, "order status");
        Ok(status)
    }

    async fn create_refund(
        &self,
        request: &RefundRequest,
        limits: &CallLimits,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        let violations = refund::validate_refund(request);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        let order_id = request.order_id.as_str();
        tracing::info!(order_id, unique_request_id = %request.unique_request_id, "creating refund");
        let call = refund::refund_call(request);
        let sent = match &self.settings.encryption {
            // .NET OrderService.cs @622f844e (EncryptedRefundOrder): `/v4/orders/{id}/refunds`
            // with the same fields as JSON instead of a form.
            Some(keys) => {
                let mut json =
                    serde_json::json!({ "unique_request_id": request.unique_request_id });
                if let Some(amount) = &request.amount {
                    json["amount"] = amount.clone().into();
                }
                let path = format!("/v4{}", call.path);
                match encryption::encrypted_call(keys, &call, path, &json.to_string()) {
                    Ok(sealed) => {
                        self.send_sealed(
                            &sealed,
                            Policy::Idempotent,
                            Operation::CreateRefund,
                            limits,
                        )
                        .await
                    }
                    Err(error) => Err(error),
                }
            }
            None => {
                self.send(&call, Policy::Idempotent, Operation::CreateRefund, limits)
                    .await
            }
        };
        let result = match sent {
            Ok(answer) => order::parse_answer(&answer.borrow()),
            Err(error) => Err(error),
        };
        match result {
            Err(error) if error.error_code() == Some(refund::REFUND_ERROR_DUPLICATE_CALL) => {
                // Juspay has seen this refund: an earlier attempt (ours, or the merchant's
                // before a lost answer) may have made it. Only the order can tell.
                tracing::info!(
                    order_id,
                    "duplicate.call: looking for the refund on the order"
                );
                match self
                    .get_order_status(order_id, &request.routing_id, limits)
                    .await
                {
                    Ok(order) if refund::find_refund(&order, request).is_some() => {
                        tracing::info!(order_id, "refund already exists; returning the order");
                        Ok(order)
                    }
                    _ => Err(error),
                }
            }
            Ok(order) => {
                tracing::info!(order_id, refunds = order.refunds.len(), "refund accepted");
                Ok(order)
            }
            other => other,
        }
    }

    async fn get_mandate(
        &self,
        mandate_id: &str,
        routing_id: &str,
        limits: &CallLimits,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        let violations = mandate::validate_mandate_lookup(mandate_id, routing_id);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        tracing::info!(mandate_id, "fetching mandate status");
        let call = mandate::mandate_status_call(mandate_id, routing_id);
        let answer = self
            .send(&call, Policy::Read, Operation::GetMandate, limits)
            .await?;
        let details = mandate::parse_mandate_answer(&answer.borrow())?;
        tracing::info!(mandate_id, status = %details.status, "mandate status");
        Ok(details)
    }

    async fn revoke_mandate(
        &self,
        mandate_id: &str,
        routing_id: &str,
        limits: &CallLimits,
    ) -> Result<MandateDetails, HyperCheckoutError> {
        let violations = mandate::validate_mandate_lookup(mandate_id, routing_id);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        tracing::info!(mandate_id, "revoking mandate");
        let call = mandate::revoke_mandate_call(mandate_id, routing_id);
        let result = match self
            .send(&call, Policy::Idempotent, Operation::RevokeMandate, limits)
            .await
        {
            Ok(answer) => mandate::parse_mandate_answer(&answer.borrow()),
            Err(error) => Err(error),
        };
        match result {
            Err(error @ HyperCheckoutError::InvalidRequest { .. }) => {
                // Refused: perhaps because it is revoked already (an earlier attempt whose
                // answer was lost). Revoked is what the caller wanted.
                match self.get_mandate(mandate_id, routing_id, limits).await {
                    Ok(details) if details.status == MandateState::Revoked => {
                        tracing::info!(mandate_id, "mandate was already revoked");
                        Ok(details)
                    }
                    _ => Err(error),
                }
            }
            other => other,
        }
    }

    async fn execute_mandate(
        &self,
        execution: &MandateExecution,
        limits: &CallLimits,
    ) -> Result<MandateExecutionResult, HyperCheckoutError> {
        let violations = mandate::validate_mandate_execution(execution);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        let order_id = execution.order_id.as_str();
        tracing::info!(order_id, mandate_id = %execution.mandate_id, "executing mandate");
        let call = mandate::execute_mandate_call(execution, &self.settings.merchant_id);
        let result = match self
            .send(&call, Policy::Idempotent, Operation::ExecuteMandate, limits)
            .await
        {
            Ok(answer) => mandate::parse_execution_answer(&answer.borrow()),
            Err(error) => Err(error),
        };
        match result {
            Err(error)
                if error.api_status() == Some(mandate::EXECUTION_ERROR_DUPLICATE_ORDER_ID) =>
            {
                // The order exists: if it is this very debit, an earlier attempt made it.
                let routing_id = execution.effective_routing_id();
                match self.get_order_status(order_id, routing_id, limits).await {
                    Ok(order) => match mandate::execution_from_order(&order, execution) {
                        Some(found) => {
                            tracing::info!(order_id, "mandate debit already exists; returning it");
                            Ok(found)
                        }
                        None => Err(error),
                    },
                    Err(_) => Err(error),
                }
            }
            Ok(done) => {
                tracing::info!(order_id, status = %done.status, "mandate execution accepted");
                Ok(done)
            }
            other => other,
        }
    }

    /// Sends one API call with retries under `policy`, within the overall deadline. The
    /// request is exactly `call` plus the credentials. Each attempt, retry and answer is a
    /// debug record, a failure a warning, and each attempt a `RequestEvent` (`observe.rs`).
    async fn send(
        &self,
        call: &WireCall,
        policy: Policy,
        operation: Operation,
        limits: &CallLimits,
    ) -> Result<OwnedAnswer, HyperCheckoutError> {
        if self.settings.api_key.expose().trim().is_empty() {
            return Err(HyperCheckoutError::Configuration {
                reason: "api_key is empty: encrypted mode covers create_session, \
                         get_order_status and create_refund; other calls need the API key"
                    .into(),
            });
        }
        self.send_as(call, policy, operation, limits, false).await
    }

    /// `send` for an encrypted-mode call (its body sealed by `encryption::encrypted_call`):
    /// no Authorization header, and a 2xx answer is decrypted and verified or refused as
    /// `NotAuthentic` (never retried, never accepted).
    async fn send_sealed(
        &self,
        call: &WireCall,
        policy: Policy,
        operation: Operation,
        limits: &CallLimits,
    ) -> Result<OwnedAnswer, HyperCheckoutError> {
        self.send_as(call, policy, operation, limits, true).await
    }

    /// The body of `send` and `send_sealed`: Basic auth unless `sealed`.
    async fn send_as(
        &self,
        call: &WireCall,
        policy: Policy,
        operation: Operation,
        limits: &CallLimits,
        sealed: bool,
    ) -> Result<OwnedAnswer, HyperCheckoutError> {
        let started = Instant::now();
        let result = self
            .send_attempts(call, policy, operation, limits, started, sealed)
            .await;
        if let Err(error) = &result {
            // Kind, status, code and request id only: an error's message or body excerpt
            // could echo the customer's e-mail or phone.
            tracing::warn!(
                operation = operation.name(),
                kind = observe::error_kind(error),
                http_status = error.http_status(),
                error_code = error.error_code(),
                request_id = observe::error_request_id(error),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "call failed"
            );
        }
        result
    }

    async fn send_attempts(
        &self,
        call: &WireCall,
        policy: Policy,
        operation: Operation,
        limits: &CallLimits,
        started: Instant,
        sealed: bool,
    ) -> Result<OwnedAnswer, HyperCheckoutError> {
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).map_err(|_| {
            HyperCheckoutError::Internal {
                reason: format!("unknown HTTP method {:?} (request not sent)", call.method),
            }
        })?;
        let settings = &self.settings;
        // A blocking call on its thread's own runtime uses that thread's pool, an async call
        // inside a tokio task its runtime's (`runtime.rs`).
        let http = match runtime::call_pool() {
            Some(http) => http,
            None => self.http.get_or_try_init(|| build_http(settings))?,
        };
        let url = settings.endpoint(&call.path);
        let deadline = started + limits.overall_timeout;
        let mut retry = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timeout(limits, started));
            }
            let mut builder = http.request(method.clone(), url.clone());
            for (name, value) in wire::headers(
                &settings.merchant_id,
                settings.api_key.expose(),
                limits.routing_id(&call.routing_id),
            ) {
                if name == "content-type" {
                    continue; // the call's own, below
                }
                if sealed && name == "authorization" {
                    continue; // encrypted mode: the signature authenticates, no Basic auth
                }
                builder = builder.header(name, value);
            }
            if let Some(content_type) = &call.content_type {
                builder = builder.header("content-type", content_type);
            }
            if let Some(version) = &call.version {
                builder = builder.header("version", version);
            }
            if let Some(body) = &call.body {
                builder = builder.body(body.clone());
            }
            let attempt_number = retry + 1;
            tracing::debug!(
                operation = operation.name(),
                %method,
                %url,
                attempt = attempt_number,
                "sending"
            );
            let sent = Instant::now();
            let attempt = tokio::time::timeout(
                limits.timeout.min(remaining),
                read_answer(builder, &settings.network),
            )
            .await;
            let latency = sent.elapsed();
            // What this attempt saw, for the records and the event.
            let mut http_status = None;
            let mut request_id = None;
            let failure = match attempt {
                Err(_elapsed) if policy.retries_maybe_sent() => Ok(Retryable {
                    error: timeout(limits, started),
                    retry_after: None,
                }),
                Err(_elapsed) => Err(timeout(limits, started)),
                Ok(Ok(mut answer)) => {
                    http_status = Some(answer.status);
                    request_id.clone_from(&answer.request_id);
                    tracing::debug!(
                        operation = operation.name(),
                        attempt = attempt_number,
                        http_status = answer.status,
                        latency_ms = latency.as_millis() as u64,
                        request_id = answer.request_id.as_deref(),
                        "answer"
                    );
                    let opened = match (&settings.encryption, sealed) {
                        (Some(keys), true) if (200..300).contains(&answer.status) => {
                            keys.open_envelope(&answer.body).map(Some).map_err(
                                |encryption::Refused(reason)| HyperCheckoutError::NotAuthentic {
                                    reason: format!(
                                        "HTTP {} answer refused: {reason}{}",
                                        answer.status,
                                        answer
                                            .request_id
                                            .as_deref()
                                            .map(|id| format!(" (request id {id})"))
                                            .unwrap_or_default()
                                    ),
                                },
                            )
                        }
                        _ => Ok(None),
                    };
                    match opened {
                        Ok(Some(plain)) => answer.body = plain,
                        Ok(None) => {}
                        // Never retried, never accepted: recorded like any failure.
                        Err(error) => {
                            let seen = Seen {
                                number: attempt_number,
                                latency,
                                http_status,
                                request_id,
                            };
                            attempted(operation, &call.method, &seen, Some(&error), None);
                            return Err(error);
                        }
                    }
                    if (200..300).contains(&answer.status) {
                        let seen = Seen {
                            number: attempt_number,
                            latency,
                            http_status,
                            request_id,
                        };
                        attempted(operation, &call.method, &seen, None, None);
                        return Ok(answer);
                    }
                    let error = from_error_answer(&answer.borrow());
                    if policy.retries_status(answer.status) {
                        Ok(Retryable {
                            error,
                            retry_after: answer.retry_after,
                        })
                    } else {
                        Err(error)
                    }
                }
                Ok(Err(SendError::NotSent(error))) => Ok(Retryable {
                    error,
                    retry_after: None,
                }),
                Ok(Err(SendError::MaybeSent(error))) if policy.retries_maybe_sent() => {
                    Ok(Retryable {
                        error,
                        retry_after: None,
                    })
                }
                Ok(Err(SendError::MaybeSent(error) | SendError::Fatal(error))) => Err(error),
            };
            let seen = Seen {
                number: attempt_number,
                latency,
                http_status,
                request_id,
            };
            let failure = match failure {
                Ok(failure) => failure,
                Err(error) => {
                    attempted(operation, &call.method, &seen, Some(&error), None);
                    return Err(error);
                }
            };
            if retry >= limits.max_retries {
                attempted(operation, &call.method, &seen, Some(&failure.error), None);
                return Err(failure.error);
            }
            let wait = retry::delay_before_retry(retry, failure.retry_after);
            // Checked: a hostile `Retry-After: 18446744073709551615` must lose to the
            // deadline, not overflow `Instant` (issue 11, item 2).
            let retry_at = Instant::now().checked_add(wait);
            if retry_at.is_none_or(|at| at >= deadline) {
                tracing::debug!(
                    operation = operation.name(),
                    attempt = attempt_number,
                    wait_ms = wait.as_millis() as u64,
                    "no time left to retry"
                );
                attempted(operation, &call.method, &seen, Some(&failure.error), None);
                return Err(failure.error);
            }
            tracing::debug!(
                operation = operation.name(),
                attempt = attempt_number,
                reason = observe::error_kind(&failure.error),
                http_status = failure.error.http_status(),
                wait_ms = wait.as_millis() as u64,
                retry_after = failure.retry_after.is_some(),
                "retrying"
            );
            attempted(
                operation,
                &call.method,
                &seen,
                Some(&failure.error),
                Some(wait),
            );
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }
}

/// One attempt as the records and the `RequestEvent` describe it.
struct Seen {
    number: u32,
    latency: Duration,
    http_status: Option<u16>,
    request_id: Option<String>,
}

/// Emits the attempt's `RequestEvent`, if a listener wants it.
fn attempted(
    operation: Operation,
    method: &str,
    seen: &Seen,
    error: Option<&HyperCheckoutError>,
    retry_wait: Option<Duration>,
) {
    if !observe::listening() {
        return;
    }
    observe::emit(RequestEvent {
        operation: operation.name().to_owned(),
        method: method.to_owned(),
        path: operation.path_template().to_owned(),
        attempt: seen.number,
        http_status: seen.http_status,
        latency_ms: seen.latency.as_secs_f64() * 1000.0,
        request_id: seen
            .request_id
            .clone()
            .or_else(|| error.and_then(observe::error_request_id).map(str::to_owned)),
        error_kind: error.map(|e| observe::error_kind(e).to_owned()),
        will_retry: retry_wait.is_some(),
        retry_wait_ms: retry_wait.map(|wait| wait.as_millis() as u64),
    });
}

struct Retryable {
    error: HyperCheckoutError,
    retry_after: Option<Duration>,
}

enum SendError {
    /// The request never left: safe to retry.
    NotSent(HyperCheckoutError),
    /// The request may have reached Juspay (timeout, connection lost after sending): retried
    /// only for idempotent calls.
    MaybeSent(HyperCheckoutError),
    /// Retrying cannot help (a bug, a refused certificate, an oversized answer).
    Fatal(HyperCheckoutError),
}

/// An answer read whole, within `MAX_RESPONSE_BYTES`.
pub(crate) struct OwnedAnswer {
    status: u16,
    body: Vec<u8>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
}

impl OwnedAnswer {
    fn borrow(&self) -> HttpAnswer<'_> {
        HttpAnswer {
            status: self.status,
            body: &self.body,
            request_id_header: self.request_id.clone(),
            retry_after: self.retry_after,
        }
    }
}

async fn read_answer(
    builder: reqwest::RequestBuilder,
    network: &Network,
) -> Result<OwnedAnswer, SendError> {
    let via = || {
        network
            .proxy_note()
            .map(|note| format!("; {note}"))
            .unwrap_or_default()
    };
    let mut response = builder.send().await.map_err(|e| {
        if e.is_builder() {
            // Validation keeps unsendable values out, so this is a bug, and nothing left.
            SendError::Fatal(HyperCheckoutError::Internal {
                reason: format!(
                    "could not build the request (request not sent): {}",
                    describe(&e)
                ),
            })
        } else if let Some((check, advice, tls)) = certificate_problem(&e) {
            // Not transient: retrying a certificate the client refuses only delays the
            // answer (issue 11, item 11).
            SendError::Fatal(HyperCheckoutError::Certificate {
                check,
                reason: format!("{advice} (request not sent{}): {tls}", via()),
            })
        } else if e.is_connect() && describe(&e).contains("proxy authorization required") {
            // The proxy's 407 to CONNECT: the credentials will not improve on a retry.
            SendError::Fatal(HyperCheckoutError::Connection {
                reason: format!(
                    "the proxy refused its credentials (HTTP 407 Proxy Authentication Required; \
                     request not sent{}): check the user:password in proxy_url",
                    via()
                ),
            })
        } else if e.is_connect() {
            SendError::NotSent(HyperCheckoutError::Connection {
                reason: format!(
                    "could not connect (request not sent{}): {}",
                    via(),
                    describe(&e)
                ),
            })
        } else if e.is_timeout() {
            SendError::MaybeSent(HyperCheckoutError::Timeout {
                reason: describe(&e),
            })
        } else {
            SendError::MaybeSent(HyperCheckoutError::Connection {
                reason: format!("request may have been sent: {}", describe(&e)),
            })
        }
    })?;
    let status = response.status().as_u16();
    let headers = response.headers();
    let request_id = REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| header_text(headers, name));
    let retry_after = header_text(headers, RETRY_AFTER.as_str())
        .and_then(|v| retry::parse_retry_after(&v, SystemTime::now()));
    let too_large = |body: Vec<u8>| {
        SendError::Fatal(unexpected(
            &HttpAnswer {
                status,
                body: &body,
                request_id_header: request_id.clone(),
                retry_after: None,
            },
            &format!("answer is larger than {MAX_RESPONSE_BYTES} bytes"),
        ))
    };
    if response
        .content_length()
        .is_some_and(|len| len > MAX_RESPONSE_BYTES as u64)
    {
        let first = response.chunk().await.ok().flatten().unwrap_or_default();
        return Err(too_large(first.to_vec()));
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                body.extend_from_slice(&chunk);
                if body.len() > MAX_RESPONSE_BYTES {
                    return Err(too_large(body));
                }
            }
            Ok(None) => break,
            Err(e) => {
                return Err(SendError::MaybeSent(HyperCheckoutError::Connection {
                    reason: format!(
                        "connection lost while reading the answer (HTTP {status}, request was processed): {}",
                        describe(&e)
                    ),
                }))
            }
        }
    }
    Ok(OwnedAnswer {
        status,
        body,
        request_id,
        retry_after,
    })
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(bounded)
}

/// The TLS error behind `error`, when the server's certificate was refused: which check
/// failed (`network.rs`), what to do, and rustls's words.
fn certificate_problem(error: &reqwest::Error) -> Option<(CertificateCheck, &'static str, String)> {
    let mut source = std::error::Error::source(error);
    while let Some(mut cause) = source {
        // rustls's error arrives as an `io::Error` inside an `io::Error`, and `io::Error`
        // does not list what it wraps as its `source()`: unwrap with `get_ref`.
        while let Some(inner) = cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            cause = inner;
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return CertificateCheck::classify(tls)
                .map(|(check, advice)| (check, advice, tls.to_string()));
        }
        source = cause.source();
    }
    None
}

/// reqwest's message and its causes. None of them can hold the key: it only travels in a
/// header, and reqwest never prints headers.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    // reqwest's message includes the URL, which could be long.
    bounded(&text)
}

fn timeout(limits: &CallLimits, started: Instant) -> HyperCheckoutError {
    HyperCheckoutError::Timeout {
        reason: format!(
            "no complete answer after {} ms (per-attempt limit {} ms, overall limit {} ms); the request may have reached Juspay",
            started.elapsed().as_millis(),
            limits.timeout.as_millis(),
            limits.overall_timeout.as_millis()
        ),
    }
}

fn build_http(settings: &Settings) -> Result<reqwest::Client, HyperCheckoutError> {
    let mut default_headers = HeaderMap::new();
    let user_agent = HeaderValue::from_str(&settings.user_agent).map_err(|_| {
        HyperCheckoutError::Configuration {
            reason: "the User-Agent built from app_name/app_version is not a valid header value"
                .into(),
        }
    })?;
    default_headers.insert(USER_AGENT, user_agent);
    let builder = settings.network.apply(reqwest::Client::builder())?;
    builder
        .default_headers(default_headers)
        .connect_timeout(settings.connect_timeout)
        // Juspay does not redirect API calls; following one would resend the key elsewhere.
        .redirect(reqwest::redirect::Policy::none())
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| HyperCheckoutError::Internal {
            reason: format!("could not build the HTTP client: {e}"),
        })
}
