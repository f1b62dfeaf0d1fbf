//! The HTTP client: one connection pool per `Client`, async and blocking entry points, the
//! retry loop and the deadline.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER, USER_AGENT};

use crate::config::{ClientConfig, Settings};
use crate::error::{
    bounded, from_error_answer, unexpected, HttpAnswer, HyperCheckoutError, REQUEST_ID_HEADERS,
};
use crate::order::{self, OrderStatus, ORDER_STATUS_API_VERSION};
use crate::request::SessionRequest;
use crate::response::{parse_session, Session};
use crate::runtime::{self, PerProcess};
use crate::{retry, validate, wire};

/// Answers larger than this are refused: a session answer is a few kilobytes.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// A Juspay API client. Cheap to share: wrap it in an `Arc` (bindings do) and use it from
/// any number of threads or tasks; they share one connection pool.
#[derive(uniffi::Object)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    /// The connection pool, rebuilt in a forked child (see `runtime.rs`).
    http: PerProcess<reqwest::Client>,
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
                }),
            })
        })
    }

    /// Validates `request` and creates the session. Invalid requests are never sent.
    pub async fn create_session(
        &self,
        request: SessionRequest,
    ) -> Result<Session, HyperCheckoutError> {
        let inner = Arc::clone(&self.inner);
        let result = runtime::run(async move { inner.create_session(request).await }).await;
        self.inner.scrubbed(result)
    }

    /// The blocking form of `create_session`, for threads that are not async. Must not be
    /// called from inside an async runtime (it returns a `Configuration` error there rather
    /// than deadlock).
    pub fn create_session_blocking(
        &self,
        request: SessionRequest,
    ) -> Result<Session, HyperCheckoutError> {
        let result = runtime::block_on("create_session", self.inner.create_session(request));
        self.inner.scrubbed(result)
    }

    /// The Order Status API: `GET /orders/{order_id}`, the authoritative word on whether an
    /// order is paid (the redirect and webhooks only tell you to ask). `routing_id` is the
    /// `x-routing-id` the session was created with: `session.routing_id` (the customer id,
    /// or the order id for a guest checkout, unless you chose one). It is required: Juspay
    /// asks for the same value on every call of a customer's session, and no default could
    /// know it. Sends the `version` header `ORDER_STATUS_API_VERSION`. A read, so a 500 is
    /// retried too (see `retry.rs`).
    pub async fn get_order_status(
        &self,
        order_id: String,
        routing_id: String,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        let inner = Arc::clone(&self.inner);
        let result =
            runtime::run(async move { inner.get_order_status(&order_id, &routing_id).await }).await;
        self.inner.scrubbed(result)
    }

    /// The blocking form of `get_order_status`; like `create_session_blocking`, not for use
    /// inside an async runtime.
    pub fn get_order_status_blocking(
        &self,
        order_id: String,
        routing_id: String,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        let result = runtime::block_on(
            "get_order_status",
            self.inner.get_order_status(&order_id, &routing_id),
        );
        self.inner.scrubbed(result)
    }
}

impl Inner {
    /// No echo of the API key leaves the client, whatever a server put in its answer.
    fn scrubbed<T>(&self, result: Result<T, HyperCheckoutError>) -> Result<T, HyperCheckoutError> {
        result.map_err(|e| e.scrubbed(|text| self.settings.api_key.scrub(text)))
    }

    async fn create_session(&self, request: SessionRequest) -> Result<Session, HyperCheckoutError> {
        let violations = validate::validate(&request);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        let body = wire::to_wire_json(&request);
        let routing_id = request.effective_routing_id();
        tracing::info!(order_id = %request.order_id, "creating session");
        let answer = self
            .send(reqwest::Method::POST, "/session", Some(body), routing_id)
            .await?;
        let mut session = parse_session(&answer.borrow())?;
        session.routing_id = routing_id.to_owned();
        tracing::info!(order_id = %session.order_id, id = %session.id, "session created");
        Ok(session)
    }

    async fn get_order_status(
        &self,
        order_id: &str,
        routing_id: &str,
    ) -> Result<OrderStatus, HyperCheckoutError> {
        let violations = validate::validate_order_lookup(order_id, routing_id);
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        tracing::info!(order_id, "fetching order status");
        let answer = self
            .send(
                reqwest::Method::GET,
                &order::order_path(order_id),
                None,
                routing_id,
            )
            .await?;
        let status = order::parse_answer(&answer.borrow())?;
        tracing::info!(order_id, status = %status.status, "order status");
        Ok(status)
    }

    /// Sends one API call with retries, under the overall deadline. `GET` calls carry the
    /// Order Status API's `version` header and no `content-type`, and are retried on 500.
    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<String>,
        routing_id: &str,
    ) -> Result<OwnedAnswer, HyperCheckoutError> {
        let is_read = method == reqwest::Method::GET;
        let settings = &self.settings;
        let http = self.http.get_or_try_init(|| build_http(settings))?;
        let url = settings.endpoint(path);
        let started = Instant::now();
        let deadline = started + settings.overall_timeout;
        let mut retry = 0;
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(timeout(settings, started));
            }
            let mut builder = http.request(method.clone(), url.clone());
            for (name, value) in
                wire::headers(&settings.merchant_id, settings.api_key.expose(), routing_id)
            {
                if body.is_none() && name == "content-type" {
                    continue; // nothing to describe
                }
                builder = builder.header(name, value);
            }
            if is_read {
                builder = builder.header("version", ORDER_STATUS_API_VERSION);
            }
            if let Some(body) = &body {
                builder = builder.body(body.clone());
            }
            tracing::debug!(%method, %url, attempt = retry + 1, "sending");
            let attempt =
                tokio::time::timeout(settings.timeout.min(remaining), read_answer(builder)).await;
            let failure = match attempt {
                Err(_elapsed) => return Err(timeout(settings, started)),
                Ok(Ok(answer)) => {
                    tracing::debug!(
                        status = answer.status,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "answer"
                    );
                    if (200..300).contains(&answer.status) {
                        return Ok(answer);
                    }
                    let error = from_error_answer(&answer.borrow());
                    let retryable = if is_read {
                        retry::is_retryable_status_for_read(answer.status)
                    } else {
                        retry::is_retryable_status(answer.status)
                    };
                    if !retryable {
                        return Err(error);
                    }
                    Retryable {
                        error,
                        retry_after: answer.retry_after,
                    }
                }
                Ok(Err(SendError::NotSent(error))) => Retryable {
                    error,
                    retry_after: None,
                },
                Ok(Err(SendError::Fatal(error))) => return Err(error),
            };
            if retry >= settings.max_retries {
                return Err(failure.error);
            }
            let wait = retry::delay_before_retry(retry, failure.retry_after);
            // Checked: a hostile `Retry-After: 18446744073709551615` must lose to the
            // deadline, not overflow `Instant` (issue 11, item 2).
            let retry_at = Instant::now().checked_add(wait);
            if retry_at.is_none_or(|at| at >= deadline) {
                tracing::debug!(wait_ms = wait.as_millis() as u64, "no time left to retry");
                return Err(failure.error);
            }
            let shown = failure
                .error
                .clone()
                .scrubbed(|t| settings.api_key.scrub(t));
            tracing::debug!(wait_ms = wait.as_millis() as u64, error = %shown, "retrying");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }
}

struct Retryable {
    error: HyperCheckoutError,
    retry_after: Option<Duration>,
}

enum SendError {
    /// The request never left: safe to retry.
    NotSent(HyperCheckoutError),
    /// The request may have been processed.
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

async fn read_answer(builder: reqwest::RequestBuilder) -> Result<OwnedAnswer, SendError> {
    let mut response = builder.send().await.map_err(|e| {
        if e.is_builder() {
            // Validation keeps unsendable values out, so this is a bug, and nothing left.
            SendError::Fatal(HyperCheckoutError::Internal {
                reason: format!(
                    "could not build the request (request not sent): {}",
                    describe(&e)
                ),
            })
        } else if let Some(tls) = certificate_problem(&e) {
            // Not transient: retrying a certificate the client refuses only delays the
            // answer (issue 11, item 11).
            SendError::Fatal(HyperCheckoutError::Connection {
                reason: format!("TLS certificate rejected (request not sent): {tls}"),
            })
        } else if e.is_connect() {
            SendError::NotSent(HyperCheckoutError::Connection {
                reason: format!("could not connect (request not sent): {}", describe(&e)),
            })
        } else if e.is_timeout() {
            SendError::Fatal(HyperCheckoutError::Timeout {
                reason: describe(&e),
            })
        } else {
            SendError::Fatal(HyperCheckoutError::Connection {
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
                return Err(SendError::Fatal(HyperCheckoutError::Connection {
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

/// The TLS error behind `error`, when the server's certificate was refused.
fn certificate_problem(error: &reqwest::Error) -> Option<String> {
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
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_)
                    | rustls::Error::NoCertificatesPresented
                    | rustls::Error::UnsupportedNameType
            )
            .then(|| tls.to_string());
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

fn timeout(settings: &Settings, started: Instant) -> HyperCheckoutError {
    HyperCheckoutError::Timeout {
        reason: format!(
            "no complete answer after {} ms (per-attempt limit {} ms, overall limit {} ms); the request may have reached Juspay",
            started.elapsed().as_millis(),
            settings.timeout.as_millis(),
            settings.overall_timeout.as_millis()
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
    reqwest::Client::builder()
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
