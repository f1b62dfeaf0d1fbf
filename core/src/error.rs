//! The one error type callers see, and the one place HTTP outcomes become it.
//!
//! Variants are what a caller can act on: fix the input (`Validation`, `InvalidRequest`),
//! fix credentials (`Authentication`), back off (`RateLimited`), retry later (`Server`,
//! `Timeout`, `Connection`), distrust the answer (`NotAuthentic`, encrypted mode), or report
//! a bug (`UnexpectedResponse`, `Internal`). API variants
//! keep every field Juspay sends. No variant ever holds the API key or the Authorization
//! header; `tests/secrets.rs` checks that with a canary key.

use serde::Deserialize;

use crate::lenient;
use crate::network::CertificateCheck;
use crate::validate::Violation;

/// At most this much of an unexpected body is kept, so errors stay loggable.
pub const BODY_EXCERPT_CHARS: usize = 512;

/// Every way a call can fail: what to fix, when to retry, what to report.
#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum HyperCheckoutError {
    /// The request broke documented rules; nothing was sent.
    #[error("invalid request: {}", summarize(violations))]
    Validation {
        /// Every broken rule, each naming the field (wire name) and a stable code.
        violations: Vec<Violation>,
    },

    /// HTTP 401/403: the API key or merchant id was refused.
    #[error(
        "authentication failed (HTTP {http_status}){}",
        describe(error_code, error_message, request_id)
    )]
    Authentication {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// Juspay's `status` field (e.g. `error`), as sent.
        status: Option<String>,
        /// The JSON key `error_code` of Juspay's answer (codes such as `invalid_request_error`,
        /// `not_found`), as sent.
        error_code: Option<String>,
        /// The JSON key `error_message` of Juspay's answer, for the developer.
        error_message: Option<String>,
        /// Juspay's message meant for the customer, when it sent one.
        user_message: Option<String>,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
        /// The JSON key `error_info` of Juspay's answer, when the body has one.
        error_info: Option<ErrorInfo>,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
    },

    /// HTTP 400 (and other 4xx without a more specific kind): Juspay rejected the request.
    #[error(
        "request rejected (HTTP {http_status}){}",
        describe(error_code, error_message, request_id)
    )]
    InvalidRequest {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// Juspay's `status` field (e.g. `error`), as sent.
        status: Option<String>,
        /// The JSON key `error_code` of Juspay's answer (codes such as `invalid_request_error`,
        /// `not_found`), as sent.
        error_code: Option<String>,
        /// The JSON key `error_message` of Juspay's answer, for the developer.
        error_message: Option<String>,
        /// Juspay's message meant for the customer, when it sent one.
        user_message: Option<String>,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
        /// The JSON key `error_info` of Juspay's answer, when the body has one.
        error_info: Option<ErrorInfo>,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
    },

    /// HTTP 404.
    #[error(
        "not found (HTTP {http_status}){}",
        describe(error_code, error_message, request_id)
    )]
    NotFound {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// Juspay's `status` field (e.g. `error`), as sent.
        status: Option<String>,
        /// The JSON key `error_code` of Juspay's answer (codes such as `invalid_request_error`,
        /// `not_found`), as sent.
        error_code: Option<String>,
        /// The JSON key `error_message` of Juspay's answer, for the developer.
        error_message: Option<String>,
        /// Juspay's message meant for the customer, when it sent one.
        user_message: Option<String>,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
        /// The JSON key `error_info` of Juspay's answer, when the body has one.
        error_info: Option<ErrorInfo>,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
    },

    /// HTTP 429, after the retries the policy allowed.
    #[error(
        "rate limited (HTTP {http_status}){}",
        describe(error_code, error_message, request_id)
    )]
    RateLimited {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// Juspay's `status` field (e.g. `error`), as sent.
        status: Option<String>,
        /// The JSON key `error_code` of Juspay's answer (codes such as `invalid_request_error`,
        /// `not_found`), as sent.
        error_code: Option<String>,
        /// The JSON key `error_message` of Juspay's answer, for the developer.
        error_message: Option<String>,
        /// Juspay's message meant for the customer, when it sent one.
        user_message: Option<String>,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
        /// The JSON key `error_info` of Juspay's answer, when the body has one.
        error_info: Option<ErrorInfo>,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
        /// The server's `Retry-After`, in seconds, when it sent one.
        retry_after_seconds: Option<u64>,
    },

    /// HTTP 5xx, after the retries the policy allowed.
    #[error(
        "Juspay server error (HTTP {http_status}){}",
        describe(error_code, error_message, request_id)
    )]
    Server {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// Juspay's `status` field (e.g. `error`), as sent.
        status: Option<String>,
        /// The JSON key `error_code` of Juspay's answer (codes such as `invalid_request_error`,
        /// `not_found`), as sent.
        error_code: Option<String>,
        /// The JSON key `error_message` of Juspay's answer, for the developer.
        error_message: Option<String>,
        /// Juspay's message meant for the customer, when it sent one.
        user_message: Option<String>,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
        /// The JSON key `error_info` of Juspay's answer, when the body has one.
        error_info: Option<ErrorInfo>,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
    },

    /// No complete answer within the configured time. The request may have reached Juspay.
    #[error("timed out: {reason}")]
    Timeout {
        /// What went wrong, in words.
        reason: String,
    },

    /// The connection failed or broke. `reason` says whether the request could have been sent.
    #[error("connection failed: {reason}")]
    Connection {
        /// What went wrong, in words.
        reason: String,
    },

    /// The server's TLS certificate (Juspay's, or an `https://` proxy's) was refused; the
    /// request was not sent, and is not retried: it would be refused again. `check` says
    /// which check failed (`network.rs`); the usual fix for `UnknownIssuer` behind a
    /// TLS-inspecting proxy is giving the client configuration the proxy's CA (its CA bundle
    /// PEM field).
    #[error("TLS certificate rejected ({check}): {reason}")]
    Certificate {
        /// Which check refused the certificate.
        check: CertificateCheck,
        /// What went wrong and what to do, in words.
        reason: String,
    },

    /// A body that is not what the API documents (non-JSON, wrong shape, too large).
    #[error(
        "unexpected response (HTTP {http_status}): {reason}; body starts: {body_excerpt:?}{}",
        describe(&None, &None, request_id)
    )]
    UnexpectedResponse {
        /// The HTTP status of Juspay's answer.
        http_status: u16,
        /// What went wrong, in words.
        reason: String,
        /// The start of the body as received (at most `BODY_EXCERPT_CHARS`), whatever its shape.
        body_excerpt: String,
        /// The request id (`x-request-id` header or the body's), to quote to Juspay support.
        request_id: Option<String>,
    },

    /// Encrypted mode: an answer or webhook that failed decryption or signature verification
    /// (altered, not from Juspay, or sealed for other keys). It is never accepted; do not
    /// act on it. Not retried: a forger's answer does not improve with repetition.
    #[error("not authentic: {reason}")]
    NotAuthentic {
        /// What failed, in words (never key material).
        reason: String,
    },

    /// The client configuration is unusable (empty merchant id, bad base URL, ...).
    #[error("invalid configuration: {reason}")]
    Configuration {
        /// What went wrong, in words.
        reason: String,
    },

    /// A bug in this SDK; please report it.
    #[error("internal error: {reason}")]
    Internal {
        /// What went wrong, in words.
        reason: String,
    },
}

impl HyperCheckoutError {
    /// The violations of a `Validation` error (empty for other kinds).
    pub fn violations(&self) -> &[Violation] {
        match self {
            HyperCheckoutError::Validation { violations } => violations,
            _ => &[],
        }
    }

    /// Juspay's `error_code` (or `code`), for errors that come from an API answer: e.g.
    /// `duplicate.call`, `invalid.amount.exceeded` on a refund.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            HyperCheckoutError::Authentication { error_code, .. }
            | HyperCheckoutError::InvalidRequest { error_code, .. }
            | HyperCheckoutError::NotFound { error_code, .. }
            | HyperCheckoutError::RateLimited { error_code, .. }
            | HyperCheckoutError::Server { error_code, .. } => error_code.as_deref(),
            _ => None,
        }
    }

    /// Juspay's top-level `status` text of an error answer (e.g. `NOT_FOUND`,
    /// `DUPLICATE_ORDER_ID`, `ERROR`).
    pub fn api_status(&self) -> Option<&str> {
        match self {
            HyperCheckoutError::Authentication { status, .. }
            | HyperCheckoutError::InvalidRequest { status, .. }
            | HyperCheckoutError::NotFound { status, .. }
            | HyperCheckoutError::RateLimited { status, .. }
            | HyperCheckoutError::Server { status, .. } => status.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, for errors that come from an HTTP answer.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            HyperCheckoutError::Authentication { http_status, .. }
            | HyperCheckoutError::InvalidRequest { http_status, .. }
            | HyperCheckoutError::NotFound { http_status, .. }
            | HyperCheckoutError::RateLimited { http_status, .. }
            | HyperCheckoutError::Server { http_status, .. }
            | HyperCheckoutError::UnexpectedResponse { http_status, .. } => Some(*http_status),
            _ => None,
        }
    }
}

impl HyperCheckoutError {
    /// The same error with `scrub` applied to every text a server could have put in it
    /// (the client removes echoes of the API key this way, `config.rs`).
    pub(crate) fn scrubbed(self, scrub: impl Fn(&str) -> String) -> Self {
        let opt = |text: Option<String>| text.map(|t| scrub(&t));
        let info = |info: Option<ErrorInfo>| {
            info.map(|i| ErrorInfo {
                code: opt(i.code),
                category: opt(i.category),
                user_message: opt(i.user_message),
                developer_message: opt(i.developer_message),
                request_id: opt(i.request_id),
                fields: i
                    .fields
                    .into_iter()
                    .map(|f| ErrorField {
                        field_name: opt(f.field_name),
                        reason: opt(f.reason),
                    })
                    .collect(),
            })
        };
        use HyperCheckoutError as E;
        macro_rules! api {
            ($variant:ident { $($extra:ident),* } = $http_status:ident, $status:ident, $error_code:ident, $error_message:ident, $user_message:ident, $request_id:ident, $error_info:ident, $body_excerpt:ident) => {
                E::$variant {
                    $http_status,
                    status: opt($status),
                    error_code: opt($error_code),
                    error_message: opt($error_message),
                    user_message: opt($user_message),
                    request_id: opt($request_id),
                    error_info: info($error_info),
                    body_excerpt: scrub(&$body_excerpt),
                    $($extra),*
                }
            };
        }
        match self {
            E::Validation { violations } => E::Validation { violations },
            E::Authentication {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
            } => api!(
                Authentication {} = http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt
            ),
            E::InvalidRequest {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
            } => api!(
                InvalidRequest {} = http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt
            ),
            E::NotFound {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
            } => api!(
                NotFound {} = http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt
            ),
            E::RateLimited {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
                retry_after_seconds,
            } => api!(
                RateLimited {
                    retry_after_seconds
                } = http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt
            ),
            E::Server {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
            } => api!(
                Server {} = http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt
            ),
            E::Timeout { reason } => E::Timeout {
                reason: scrub(&reason),
            },
            E::Connection { reason } => E::Connection {
                reason: scrub(&reason),
            },
            E::Certificate { check, reason } => E::Certificate {
                check,
                reason: scrub(&reason),
            },
            E::UnexpectedResponse {
                http_status,
                reason,
                body_excerpt,
                request_id,
            } => E::UnexpectedResponse {
                http_status,
                reason: scrub(&reason),
                body_excerpt: scrub(&body_excerpt),
                request_id: opt(request_id),
            },
            E::NotAuthentic { reason } => E::NotAuthentic {
                reason: scrub(&reason),
            },
            E::Configuration { reason } => E::Configuration {
                reason: scrub(&reason),
            },
            E::Internal { reason } => E::Internal {
                reason: scrub(&reason),
            },
        }
    }
}

/// Longest text an error keeps from a transport library or a server (reasons, headers): an
/// error message must stay loggable however large the input was (issue 11, item 6).
pub(crate) const MAX_REASON_CHARS: usize = 1024;

/// `text` cut to `MAX_REASON_CHARS` characters, marked when cut.
pub(crate) fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_REASON_CHARS) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}... [{} more bytes]", &text[..at], text.len() - at),
    }
}

fn summarize(violations: &[Violation]) -> String {
    violations
        .iter()
        .map(Violation::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe(
    code: &Option<String>,
    message: &Option<String>,
    request_id: &Option<String>,
) -> String {
    let mut text = String::new();
    if let Some(code) = code {
        text.push_str(&format!(": {code}"));
    }
    if let Some(message) = message {
        text.push_str(&format!(": {message}"));
    }
    if let Some(request_id) = request_id {
        text.push_str(&format!(" [request id {request_id}]"));
    }
    text
}

/// What an HTTP answer looked like, as far as error mapping needs.
pub(crate) struct HttpAnswer<'a> {
    pub status: u16,
    pub body: &'a [u8],
    pub request_id_header: Option<String>,
    pub retry_after: Option<std::time::Duration>,
}

impl<'a> HttpAnswer<'a> {
    /// An answer given as plain parts (by a caller who made the HTTP call, or a test vector).
    /// Header names are matched case-insensitively.
    pub(crate) fn from_parts(
        status: u16,
        headers: &std::collections::HashMap<String, String>,
        body: &'a str,
    ) -> Self {
        let header = |name: &str| {
            headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.clone())
        };
        HttpAnswer {
            status,
            body: body.as_bytes(),
            request_id_header: REQUEST_ID_HEADERS.iter().find_map(|name| header(name)),
            retry_after: header("retry-after")
                .and_then(|v| crate::retry::parse_retry_after(&v, std::time::SystemTime::now())),
        }
    }
}

/// Where Juspay puts a request id when the body has none, in order of preference.
pub(crate) const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "x-response-id"];

/// The JSON key `error_info`: Juspay's structured error detail (`docs/juspay-evidence.md`,
/// "Error shapes"; 21 of the corpus's error bodies carry it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct ErrorInfo {
    /// e.g. `INVALID_INPUT`, `RESOURCE_NOT_FOUND`, `UNAUTHORIZED`, `DUPLICATE_REQUEST`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub code: Option<String>,
    /// e.g. `USER_ERROR`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub category: Option<String>,
    /// A message meant for the customer.
    #[serde(default, deserialize_with = "lenient::text")]
    pub user_message: Option<String>,
    /// A message meant for the merchant's developer.
    #[serde(default, deserialize_with = "lenient::text")]
    pub developer_message: Option<String>,
    /// Juspay's id for the failed request, to quote to Juspay support.
    #[serde(default, deserialize_with = "lenient::text")]
    pub request_id: Option<String>,
    /// The fields Juspay refused, with why.
    #[serde(default, deserialize_with = "fields")]
    pub fields: Vec<ErrorField>,
}

/// One entry of the JSON key `error_info.fields` of Juspay's answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, uniffi::Record)]
pub struct ErrorField {
    /// The refused field, as Juspay names it.
    #[serde(default, deserialize_with = "lenient::text")]
    pub field_name: Option<String>,
    /// Why Juspay refused it.
    #[serde(default, deserialize_with = "lenient::text")]
    pub reason: Option<String>,
}

fn fields<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ErrorField>, D::Error> {
    Ok(lenient::shaped(d)?.unwrap_or_default())
}

/// An error body of any of Juspay's shapes: `{status, error_code, error_message,
/// user_message, error_info}`, `{session_id, code, type, message, user_message}` (mandate
/// APIs), `{error, error_message, user_message}`. Top-level fields win; `code`/`message`
/// stand in for `error_code`/`error_message`, and `error_info.user_message` for a missing
/// `user_message`.
#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default, deserialize_with = "lenient::text")]
    status: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    error_code: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    code: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    error_message: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    message: Option<String>,
    #[serde(default, deserialize_with = "lenient::text")]
    user_message: Option<String>,
    #[serde(default, deserialize_with = "lenient::shaped")]
    error_info: Option<ErrorInfo>,
}

/// Maps a non-2xx answer to the error the caller can act on.
pub(crate) fn from_error_answer(answer: &HttpAnswer<'_>) -> HyperCheckoutError {
    let http_status = answer.status;
    if http_status == 407 {
        // Not Juspay's answer but the proxy's (a plain-http call through `proxy_url`; for
        // https the tunnel's 407 fails the connection, `client.rs`). Nothing reached Juspay.
        return HyperCheckoutError::Connection {
            reason: "the proxy refused its credentials (HTTP 407 Proxy Authentication \
                     Required; request not sent to Juspay): check the user:password in proxy_url"
                .into(),
        };
    }
    let parsed: Option<ErrorBody> = serde_json::from_slice(answer.body).ok();
    let Some(body) = parsed else {
        return unexpected(
            answer,
            "error status with a body that is not Juspay's JSON error",
        );
    };
    let request_id = body
        .error_info
        .as_ref()
        .and_then(|info| info.request_id.clone())
        .or_else(|| answer.request_id_header.clone());
    let user_message = body.user_message.or_else(|| {
        body.error_info
            .as_ref()
            .and_then(|info| info.user_message.clone())
    });
    let (status, error_code, error_message, error_info) = (
        body.status,
        body.error_code.or(body.code),
        body.error_message.or(body.message),
        body.error_info,
    );
    let body_excerpt = excerpt(answer.body);
    macro_rules! api {
        ($variant:ident $(, $extra:ident: $value:expr)*) => {
            HyperCheckoutError::$variant {
                http_status,
                status,
                error_code,
                error_message,
                user_message,
                request_id,
                error_info,
                body_excerpt,
                $($extra: $value),*
            }
        };
    }
    match http_status {
        401 | 403 => api!(Authentication),
        404 => api!(NotFound),
        429 => api!(RateLimited, retry_after_seconds: answer.retry_after.map(|d| d.as_secs())),
        // The Order Status API answers an unknown order with HTTP 400 and
        // `"status": "NOT_FOUND"` (its "Error Codes" section): that is a NotFound too.
        400..=499 if status.as_deref() == Some("NOT_FOUND") => api!(NotFound),
        400..=499 => api!(InvalidRequest),
        500..=599 => api!(Server),
        _ => unexpected(answer, "HTTP status outside 2xx, 4xx and 5xx"),
    }
}

fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(BODY_EXCERPT_CHARS)
        .collect()
}

pub(crate) fn unexpected(answer: &HttpAnswer<'_>, reason: &str) -> HyperCheckoutError {
    HyperCheckoutError::UnexpectedResponse {
        http_status: answer.status,
        reason: reason.to_owned(),
        body_excerpt: excerpt(answer.body),
        request_id: answer.request_id_header.clone(),
    }
}
