//! Fault injection: the `x-emulator-fault` header / `--fault` flag grammar, the faulty
//! responses themselves, and the connection wrapper that lets a fault take over the wire
//! (headers that never end, a reset after the request).
//!
//! Grammar (also in `docs/emulator.md`):
//!
//! ```text
//! SPEC  = KIND *( ";" PARAM )
//! PARAM = "times=" N | "ms=" MS | "retry-after=" S | "retry-after-raw=" TEXT
//! ```
//!
//! Parameters in any order, each at most once; whitespace around `;` and `=` ignored; kind
//! case-insensitive. `retry-after-raw` sends TEXT as the `Retry-After` value exactly (any
//! visible ASCII but `;`), for 429, 5xx and `html`; it excludes `retry-after`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// What the faulty response looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// No fault (lets a request override a server-wide `--fault`).
    None,
    /// Sleep `ms` milliseconds (default 1000), then answer normally.
    Delay,
    /// Never answer; keep the connection open until the client gives up.
    Hang,
    /// `silent`: read the whole request, never write a byte. The same behaviour as `Hang`
    /// (the request, body included, is always read before a fault applies); a second name
    /// for what hostile-server tests call it.
    Silent,
    /// HTTP 500 / 502 / 503 / 504 with a Juspay-shaped JSON error body.
    Status(u16),
    /// HTTP 429 `request.exceeded` with `Retry-After` (default 1 second).
    TooManyRequests,
    /// HTTP 200, `application/json`, but the body is truncated, invalid JSON.
    MalformedJson,
    /// HTTP 502 with a `text/html` error page, as a load balancer would send.
    Html,
    /// HTTP 200 declaring a longer `Content-Length` than is sent, then the connection aborts.
    Reset,
    /// HTTP 200 with a valid JSON body of about 8 MiB.
    Oversized,
    /// The normal answer, its body sent one byte every `ms` milliseconds (default 100).
    Trickle,
    /// `HTTP/1.1 200 OK` and then one more header line every `ms` milliseconds (default
    /// 100; 0 = as fast as the socket takes them), never the blank line that ends them.
    EndlessHeaders,
    /// 401 whose `error_message`, `user_message` and `x-request-id` header echo the received
    /// Authorization header and the key decoded from it: for testing that a client scrubs
    /// its key from server text.
    EchoAuth,
    /// Read the whole request, then close the socket (TCP reset) without a byte of answer.
    ResetAfterRequest,
    /// The normal answer with its body gzip-compressed and `Content-Encoding: gzip`, asked
    /// for or not.
    Gzip,
    /// 200, `application/json`, a body that is not valid UTF-8.
    InvalidUtf8,
    /// 200, `application/json`, `Content-Length: 0`.
    Empty200,
    /// 200 whose JSON object repeats keys (`status`, `status_id`, `order_id`, `amount`) with
    /// different values.
    DuplicateKeys,
    /// 200 whose amount is the JSON number `1e400` (beyond any float).
    HugeNumber,
    /// 200 whose body is 500,000 `[` then 500,000 `]`: valid JSON, 1,000,000 bytes (within
    /// a 1 MiB limit), streamed in 64 KiB chunks.
    DeepNesting,
}

/// Kinds, by name, in the order the error message lists them.
const KINDS: &[(&str, FaultKind)] = &[
    ("delay", FaultKind::Delay),
    ("hang", FaultKind::Hang),
    ("silent", FaultKind::Silent),
    ("500", FaultKind::Status(500)),
    ("502", FaultKind::Status(502)),
    ("503", FaultKind::Status(503)),
    ("504", FaultKind::Status(504)),
    ("429", FaultKind::TooManyRequests),
    ("malformed-json", FaultKind::MalformedJson),
    ("html", FaultKind::Html),
    ("reset", FaultKind::Reset),
    ("oversized", FaultKind::Oversized),
    ("trickle", FaultKind::Trickle),
    ("endless-headers", FaultKind::EndlessHeaders),
    ("echo-auth", FaultKind::EchoAuth),
    ("reset-after-request", FaultKind::ResetAfterRequest),
    ("gzip", FaultKind::Gzip),
    ("invalid-utf8", FaultKind::InvalidUtf8),
    ("empty-200", FaultKind::Empty200),
    ("duplicate-keys", FaultKind::DuplicateKeys),
    ("huge-number", FaultKind::HugeNumber),
    ("deep-nesting", FaultKind::DeepNesting),
    ("none", FaultKind::None),
];

/// A parsed fault specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultSpec {
    pub kind: FaultKind,
    /// Only the first N requests with the same (x-routing-id, spec) pair are faulted.
    pub times: Option<u64>,
    /// Milliseconds, for `delay`, `trickle` and `endless-headers`.
    pub ms: Option<u64>,
    /// Seconds for the `Retry-After` header.
    pub retry_after: Option<u64>,
    /// Exact text for the `Retry-After` header (`retry-after-raw=`).
    pub retry_after_raw: Option<String>,
    /// Canonical text of the spec, used as the `times` counter key.
    pub canonical: String,
}

impl FaultSpec {
    /// Parses `KIND[;times=N][;ms=MS][;retry-after=S][;retry-after-raw=TEXT]`.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let mut parts = spec.split(';').map(str::trim);
        let kind_text = parts.next().unwrap_or("").to_ascii_lowercase();
        let kind = match KINDS.iter().find(|(name, _)| *name == kind_text) {
            Some((_, kind)) => *kind,
            None if kind_text.is_empty() => return Err("empty fault kind".to_string()),
            None => {
                let names: Vec<&str> = KINDS.iter().map(|(name, _)| *name).collect();
                return Err(format!(
                    "unknown fault kind {kind_text:?} (expected one of: {})",
                    names.join(", ")
                ));
            }
        };
        let mut out = FaultSpec {
            kind,
            times: None,
            ms: None,
            retry_after: None,
            retry_after_raw: None,
            canonical: String::new(),
        };
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let (key, value) = part
                .split_once('=')
                .ok_or_else(|| format!("fault parameter {part:?} is not KEY=VALUE"))?;
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            if key == "retry-after-raw" {
                if HeaderValue::from_str(value).is_err() || value.is_empty() {
                    return Err(format!(
                        "fault parameter retry-after-raw: {value:?} cannot be a header value"
                    ));
                }
                if out.retry_after_raw.replace(value.to_string()).is_some() {
                    return Err("fault parameter retry-after-raw given twice".to_string());
                }
                continue;
            }
            let number: u64 = value
                .parse()
                .map_err(|_| format!("fault parameter {key}: {value:?} is not a whole number"))?;
            let slot = match key.as_str() {
                "times" => &mut out.times,
                "ms" => &mut out.ms,
                "retry-after" => &mut out.retry_after,
                _ => {
                    return Err(format!(
                        "unknown fault parameter {key:?} (expected times, ms, retry-after, \
                         retry-after-raw)"
                    ))
                }
            };
            if slot.replace(number).is_some() {
                return Err(format!("fault parameter {key} given twice"));
            }
        }
        if out.retry_after_raw.is_some() {
            if out.retry_after.is_some() {
                return Err("give retry-after or retry-after-raw, not both".to_string());
            }
            if !matches!(
                kind,
                FaultKind::Status(_) | FaultKind::TooManyRequests | FaultKind::Html
            ) {
                return Err(format!(
                    "retry-after-raw applies to 429, 500, 502, 503, 504 and html, not {kind_text}"
                ));
            }
        }
        let mut canonical = kind_text;
        if let Some(n) = out.times {
            canonical.push_str(&format!(";times={n}"));
        }
        if let Some(n) = out.ms {
            canonical.push_str(&format!(";ms={n}"));
        }
        if let Some(n) = out.retry_after {
            canonical.push_str(&format!(";retry-after={n}"));
        }
        if let Some(text) = &out.retry_after_raw {
            canonical.push_str(&format!(";retry-after-raw={text}"));
        }
        out.canonical = canonical;
        Ok(out)
    }

    /// The `Retry-After` value to send, if any (`default` when neither parameter is given).
    fn retry_after_value(&self, default: Option<u64>) -> Option<HeaderValue> {
        match (&self.retry_after_raw, self.retry_after.or(default)) {
            (Some(text), _) => HeaderValue::from_str(text).ok(),
            (None, Some(secs)) => Some(HeaderValue::from(secs)),
            (None, None) => None,
        }
    }
}

/// Which API the faulted request was for (some bodies take its shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    Session,
    OrderStatus,
    /// `POST /orders/{id}/refunds` (answers with an order).
    Refund,
    /// `POST /mandates/{id}` (and faithful `GET`).
    Mandate,
    /// `POST /txns` (mandate execution).
    Txns,
}

impl Api {
    /// Whether `reset-after-request` lets the request take effect before the reset. On the
    /// calls that change money or a mandate (refund, mandate commands, execution) the reset
    /// models an answer lost on the way back: the refund is recorded, so a client's retry
    /// with the same `unique_request_id` meets `duplicate.call`, which is exactly the case a
    /// client must handle. Session and order status keep the older behaviour (nothing done).
    fn acts_before_reset(self) -> bool {
        matches!(self, Api::Refund | Api::Mandate | Api::Txns)
    }
}

/// What a fault needs to know about the request.
pub(crate) struct FaultRequest<'a> {
    pub request_id: &'a str,
    pub headers: &'a HeaderMap,
    pub api: Api,
    pub connection: &'a Connection,
}

/// What the handler should do for a fault.
pub(crate) enum FaultAction {
    /// Answer normally (possibly after a delay that was already slept).
    Proceed,
    /// Answer normally, then pass the answer through [`Wrap::apply`].
    Wrap(Wrap),
    /// Answer with this response instead.
    Respond(Response),
}

/// A change to the normal answer.
pub(crate) enum Wrap {
    Trickle(Duration),
    Gzip,
    /// Let the handler act, then reset the connection instead of answering.
    ResetAfter(Connection),
}

/// Carries out `spec`: sleeps for `delay`, never returns for `hang`, otherwise builds the
/// faulty response (or says how to change the normal one).
pub(crate) async fn perform(spec: &FaultSpec, req: &FaultRequest<'_>) -> FaultAction {
    let ms = |default: u64| Duration::from_millis(spec.ms.unwrap_or(default));
    let resp = match spec.kind {
        FaultKind::None => return FaultAction::Proceed,
        FaultKind::Delay => {
            tokio::time::sleep(ms(1000)).await;
            return FaultAction::Proceed;
        }
        FaultKind::Hang | FaultKind::Silent => {
            // Headers are never sent; the connection stays open until the client gives up
            // or the emulator shuts down.
            std::future::pending::<()>().await;
            unreachable!()
        }
        FaultKind::Trickle => return FaultAction::Wrap(Wrap::Trickle(ms(100))),
        FaultKind::Gzip => return FaultAction::Wrap(Wrap::Gzip),
        FaultKind::Status(code) => status_fault(code, spec, req.request_id),
        FaultKind::TooManyRequests => {
            let body = json!({
                "status": "error",
                "error_code": "request.exceeded",
                "error_message": "Too many requests",
            });
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, json_body(&body)).into_response();
            set_retry_after(&mut resp, spec.retry_after_value(Some(1)));
            set_json(&mut resp);
            resp
        }
        FaultKind::MalformedJson => {
            let body = format!(
                "{{\"status\": \"NEW\", \"id\": \"ordeh_{}\", \"order_id\": \"",
                crate::util::random_lower_alnum(20)
            );
            json_200(body)
        }
        FaultKind::Html => {
            let body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
                        <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>awselb/2.0</center>\r\n\
                        </body>\r\n</html>\r\n";
            let mut resp = (StatusCode::BAD_GATEWAY, body).into_response();
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            set_retry_after(&mut resp, spec.retry_after_value(None));
            resp
        }
        FaultKind::Reset => reset_response(),
        FaultKind::Oversized => json_200(oversized_body()),
        FaultKind::EndlessHeaders => {
            req.connection.set(ConnectionMode::Raw);
            endless_headers(ms(100))
        }
        FaultKind::ResetAfterRequest if req.api.acts_before_reset() => {
            return FaultAction::Wrap(Wrap::ResetAfter(req.connection.clone()))
        }
        FaultKind::ResetAfterRequest => {
            // The request (body included) has been read; whatever hyper now writes is
            // refused and the socket is reset.
            req.connection.set(ConnectionMode::Kill);
            StatusCode::OK.into_response()
        }
        FaultKind::EchoAuth => echo_auth(req.headers),
        FaultKind::InvalidUtf8 => {
            let mut body = b"{\"status\":\"NEW\",\"status_id\":10,\"id\":\"ordeh_".to_vec();
            body.extend_from_slice(b"\xff\xfe\xfd\",\"order_id\":\"invalid-\xc3\x28\"}");
            json_200(body)
        }
        FaultKind::Empty200 => json_200(Bytes::new()),
        FaultKind::DuplicateKeys => json_200(
            "{\"status\":\"NEW\",\"status\":\"CHARGED\",\"status_id\":10,\"status_id\":21,\
             \"id\":\"ordeh_duplicatekeys00001\",\"order_id\":\"dup-1\",\"order_id\":\"dup-2\",\
             \"amount\":1,\"amount\":1000000,\"currency\":\"INR\"}",
        ),
        FaultKind::HugeNumber => json_200(huge_number_body(req.api, req.request_id)),
        FaultKind::DeepNesting => deep_nesting(),
    };
    FaultAction::Respond(resp)
}

impl Wrap {
    /// Changes the normal answer `resp` as this wrap says.
    pub(crate) async fn apply(self, resp: Response) -> Response {
        if let Wrap::ResetAfter(connection) = &self {
            // The handler has acted (the refund is recorded); whatever hyper now writes is
            // refused and the socket is reset.
            connection.set(ConnectionMode::Kill);
            drop(resp);
            return StatusCode::OK.into_response();
        }
        let (mut parts, body) = resp.into_parts();
        // The emulator's own answers are small and in memory.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        let body = match self {
            Wrap::Trickle(every) => {
                parts
                    .headers
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
                let stream = futures_util::stream::unfold(0usize, move |at| {
                    let bytes = bytes.clone();
                    async move {
                        if at >= bytes.len() {
                            return None;
                        }
                        if at > 0 {
                            tokio::time::sleep(every).await;
                        }
                        Some((Ok::<_, io::Error>(bytes.slice(at..at + 1)), at + 1))
                    }
                });
                Body::from_stream(stream)
            }
            Wrap::Gzip => {
                parts
                    .headers
                    .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                Body::from(gzip_stored(&bytes))
            }
            Wrap::ResetAfter(_) => unreachable!("handled above"),
        };
        Response::from_parts(parts, body)
    }
}
fn json_body(v: &serde_json::Value) -> String {
    serde_json::to_string(v).expect("serializable")
}

fn set_json(resp: &mut Response) {
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
}

/// 200, `application/json`, exactly these bytes.
fn json_200(body: impl Into<Body>) -> Response {
    let mut resp = (StatusCode::OK, body.into()).into_response();
    set_json(&mut resp);
    resp
}

fn set_retry_after(resp: &mut Response, value: Option<HeaderValue>) {
    if let Some(v) = value {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

fn status_fault(code: u16, spec: &FaultSpec, request_id: &str) -> Response {
    let (error_code, message) = match code {
        500 => ("Internal server Error", "Internal server error"),
        502 => ("bad_gateway", "Bad gateway"),
        503 => ("service_unavailable", "Service temporarily unavailable"),
        _ => ("gateway_timeout", "Gateway timeout"),
    };
    let body = json!({
        "status": "error",
        "error_code": error_code,
        "error_message": format!("{message} (emulated fault, request {request_id})"),
    });
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut resp = (status, json_body(&body)).into_response();
    set_json(&mut resp);
    set_retry_after(&mut resp, spec.retry_after_value(None));
    resp
}

/// 200 + `Content-Length: 4096`, ~30 bytes of body, a short pause (so hyper flushes what it
/// has), then an I/O error which makes hyper abort the connection.
fn reset_response() -> Response {
    let stream = futures_util::stream::unfold(0u8, |step| async move {
        let item: Result<Bytes, io::Error> = match step {
            0 => Ok(Bytes::from_static(
                b"{\"status\": \"NEW\", \"id\": \"ordeh_",
            )),
            1 => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(io::Error::new(
                    io::ErrorKind::ConnectionReset,
                    "emulated connection reset",
                ))
            }
            _ => return None,
        };
        Some((item, step + 1))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    set_json(&mut resp);
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
    resp
}

/// A valid JSON document of exactly 8 MiB.
pub(crate) fn oversized_body() -> Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    BODY.get_or_init(|| {
        const SIZE: usize = 8 * 1024 * 1024;
        let head = b"{\"status\":\"NEW\",\"padding\":\"";
        let tail = b"\"}";
        let mut v = Vec::with_capacity(SIZE);
        v.extend_from_slice(head);
        v.resize(SIZE - tail.len(), b'x');
        v.extend_from_slice(tail);
        Bytes::from(v)
    })
    .clone()
}

/// The raw bytes of a status line and header lines, one line every `every`, forever. Sent
/// in [`ConnectionMode::Raw`]: the connection drops hyper's own response head, so these
/// bytes are all the client sees.
fn endless_headers(every: Duration) -> Response {
    let stream = futures_util::stream::unfold(0u64, move |n| async move {
        let line = if n == 0 {
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".to_string()
        } else {
            if every.is_zero() {
                tokio::task::yield_now().await;
            } else {
                tokio::time::sleep(every).await;
            }
            format!("x-emulator-endless-{n}: {}\r\n", "h".repeat(32))
        };
        Some((Ok::<_, io::Error>(Bytes::from(line)), n + 1))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    // A declared length keeps hyper from chunk-framing the raw bytes.
    resp.headers_mut().insert(
        header::CONTENT_LENGTH,
        HeaderValue::from_static("1000000000000"),
    );
    resp
}

/// 401 echoing the Authorization header and the key decoded from it (`base64(KEY:)` or
/// `base64(KEY)`), in the body and as `x-request-id`.
fn echo_auth(headers: &HeaderMap) -> Response {
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let key = auth
        .split_once(' ')
        .and_then(|(_, b64)| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .map(|raw| {
            let text = String::from_utf8_lossy(&raw).into_owned();
            text.strip_suffix(':').map(str::to_owned).unwrap_or(text)
        })
        .unwrap_or_default();
    let body = json!({
        "status": "error",
        "error_code": "access_denied",
        "error_message": format!("Invalid API key {key} (Authorization: {auth})"),
        "user_message": format!("Unauthorized: {auth} / {key}"),
        "error_info": {
            "code": "UNAUTHORIZED",
            "category": "USER_ERROR",
            "user_message": format!("Unauthorized: {auth}"),
            "developer_message": format!("Invalid API Key {key}"),
            "request_id": auth,
        },
    });
    let mut resp = (StatusCode::UNAUTHORIZED, json_body(&body)).into_response();
    set_json(&mut resp);
    if let Ok(v) = HeaderValue::from_str(&auth) {
        // The request-id layer leaves an x-request-id a handler has set.
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

/// A well-formed answer for `api` whose amount is the JSON number `1e400`.
fn huge_number_body(api: Api, request_id: &str) -> String {
    match api {
        Api::Session => format!(
            "{{\"status\":\"NEW\",\"id\":\"ordeh_hugenumber000000001\",\"order_id\":\"huge-number\",\
             \"payment_links\":{{\"web\":\"https://example.invalid/pay\"}},\
             \"sdk_payload\":{{\"requestId\":\"{request_id}\",\"service\":\"in.juspay.hyperpay\",\
             \"payload\":{{\"clientId\":\"c\",\"amount\":1e400,\"merchantId\":\"m\",\
             \"clientAuthToken\":\"tkn_x\",\"orderId\":\"huge-number\"}}}}}}"
        ),
        Api::Mandate => "{\"mandate_id\":\"hugenumber000000000001\",\"status\":\"ACTIVE\",\
             \"max_amount\":1e400,\"currency\":\"INR\",\"amount_rule\":\"VARIABLE\"}"
            .to_string(),
        Api::Txns => "{\"order_id\":\"huge-number\",\"txn_id\":\"m-huge-number-1\",\
             \"txn_uuid\":\"eulhugenumber0001\",\"status\":\"PENDING_VBV\",\"amount\":1e400}"
            .to_string(),
        Api::OrderStatus | Api::Refund => "{\"id\":\"ordeh_hugenumber000000001\",\"order_id\":\"huge-number\",\
             \"status\":\"CHARGED\",\"status_id\":21,\"amount\":1e400,\"effective_amount\":1e400,\
             \"currency\":\"INR\"}"
            .to_string(),
    }
}

/// Levels of nesting in `deep-nesting`.
pub const DEEP_NESTING_LEVELS: usize = 500_000;

/// `[` x 500,000 then `]` x 500,000 (1,000,000 bytes), streamed in 64 KiB chunks.
fn deep_nesting() -> Response {
    const CHUNK: usize = 64 * 1024;
    let total = 2 * DEEP_NESTING_LEVELS;
    let stream = futures_util::stream::unfold(0usize, move |at| async move {
        if at >= total {
            return None;
        }
        let end = (at + CHUNK).min(total);
        let chunk: Vec<u8> = (at..end)
            .map(|i| if i < DEEP_NESTING_LEVELS { b'[' } else { b']' })
            .collect();
        Some((Ok::<_, io::Error>(Bytes::from(chunk)), end))
    });
    let mut resp = Response::new(Body::from_stream(stream));
    set_json(&mut resp);
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(total));
    resp
}

/// A gzip member (RFC 1952) holding `data` in stored (uncompressed) deflate blocks: a real
/// gzip body any decoder reads, without a compression dependency.
pub(crate) fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        let len = chunk.len() as u16;
        out.push(u8::from(last));
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// CRC-32 (IEEE, reflected, as gzip uses), bit by bit: the bodies are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

// ---------------------------------------------------------------- the wire

/// How a connection treats what hyper writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnectionMode {
    /// Pass everything through.
    Normal = 0,
    /// Drop hyper's response head; pass the body bytes (the fault's raw bytes) through.
    Raw = 1,
    /// Refuse every read and write and reset the socket.
    Kill = 2,
}

/// A handle on one accepted connection, given to handlers as `ConnectInfo<Connection>`.
#[derive(Clone, Debug, Default)]
pub struct Connection(Arc<AtomicU8>);

impl Connection {
    pub(crate) fn set(&self, mode: ConnectionMode) {
        self.0.store(mode as u8, Ordering::SeqCst);
    }

    fn mode(&self) -> ConnectionMode {
        match self.0.load(Ordering::SeqCst) {
            1 => ConnectionMode::Raw,
            2 => ConnectionMode::Kill,
            _ => ConnectionMode::Normal,
        }
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, FaultListener>>
    for Connection
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, FaultListener>) -> Connection {
        stream.io().connection.clone()
    }
}

/// The emulator's listener: TCP, or TLS over it (`tls.rs`), each connection wrapped in a
/// [`FaultIo`].
pub struct FaultListener(TcpListener, Option<tokio_rustls::TlsAcceptor>);

impl FaultListener {
    pub(crate) fn new(
        listener: TcpListener,
        tls: Option<tokio_rustls::TlsAcceptor>,
    ) -> FaultListener {
        FaultListener(listener, tls)
    }
}

/// How long a client may take over its TLS handshake. Handshakes run one at a time in
/// `accept`: a test server's simplicity, bounded so a stalled client cannot stop the others.
const TLS_HANDSHAKE_LIMIT: Duration = Duration::from_secs(3);

impl axum::serve::Listener for FaultListener {
    type Io = FaultIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (FaultIo, SocketAddr) {
        loop {
            match self.0.accept().await {
                Ok((stream, addr)) => {
                    let _ = stream.set_nodelay(true);
                    let inner = match &self.1 {
                        None => Stream::Plain(stream),
                        Some(acceptor) => {
                            match tokio::time::timeout(TLS_HANDSHAKE_LIMIT, acceptor.accept(stream))
                                .await
                            {
                                Ok(Ok(tls)) => Stream::Tls(Box::new(tls)),
                                // A client that refused our certificate (the point of
                                // some tests) or gave up: next.
                                _ => continue,
                            }
                        }
                    };
                    let io = FaultIo {
                        inner,
                        connection: Connection::default(),
                        head_matched: 0,
                    };
                    return (io, addr);
                }
                // Out of file descriptors and the like: back off briefly, as axum does.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// A connection's byte stream: plain TCP or TLS over it.
enum Stream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

impl Stream {
    fn tcp(&self) -> &TcpStream {
        match self {
            Stream::Plain(tcp) => tcp,
            Stream::Tls(tls) => tls.get_ref().0,
        }
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// A TCP (or TLS) stream that a fault can take over (see [`ConnectionMode`]).
pub struct FaultIo {
    inner: Stream,
    connection: Connection,
    /// In raw mode, how much of hyper's head terminator (`\r\n\r\n`) has been dropped;
    /// 4 = the whole head is gone, pass the rest through.
    head_matched: u8,
}

impl FaultIo {
    fn kill(&mut self) -> io::Error {
        // A zero linger makes the close a TCP reset, at once (it cannot block).
        let _ = self.inner.tcp().set_zero_linger();
        io::Error::new(
            io::ErrorKind::ConnectionReset,
            "emulated reset after request",
        )
    }
}

impl AsyncRead for FaultIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.connection.mode() == ConnectionMode::Kill {
            return Poll::Ready(Err(self.kill()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for FaultIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.connection.mode() {
            ConnectionMode::Normal => Pin::new(&mut self.inner).poll_write(cx, buf),
            ConnectionMode::Kill => Poll::Ready(Err(self.kill())),
            ConnectionMode::Raw if self.head_matched < 4 => {
                // Drop hyper's head up to and including its blank line.
                const END: &[u8; 4] = b"\r\n\r\n";
                for (i, &b) in buf.iter().enumerate() {
                    self.head_matched = if b == END[self.head_matched as usize] {
                        self.head_matched + 1
                    } else if b == b'\r' {
                        1
                    } else {
                        0
                    };
                    if self.head_matched == 4 {
                        return Poll::Ready(Ok(i + 1));
                    }
                }
                Poll::Ready(Ok(buf.len()))
            }
            ConnectionMode::Raw => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.connection.mode() == ConnectionMode::Kill {
            return Poll::Ready(Err(self.kill()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.connection.mode() == ConnectionMode::Kill {
            return Poll::Ready(Err(self.kill()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_grammar() {
        let s = FaultSpec::parse("503;times=2;retry-after=0").unwrap();
        assert_eq!(s.kind, FaultKind::Status(503));
        assert_eq!(s.times, Some(2));
        assert_eq!(s.retry_after, Some(0));
        assert_eq!(s.canonical, "503;times=2;retry-after=0");
        let s = FaultSpec::parse(" Delay ; ms = 50 ").unwrap();
        assert_eq!(s.kind, FaultKind::Delay);
        assert_eq!(s.ms, Some(50));
        assert_eq!(s.canonical, "delay;ms=50");
        for (kind, _) in KINDS {
            FaultSpec::parse(kind).unwrap();
        }
        let s = FaultSpec::parse("503; retry-after-raw = 18446744073709551615").unwrap();
        assert_eq!(s.retry_after_raw.as_deref(), Some("18446744073709551615"));
        assert_eq!(s.canonical, "503;retry-after-raw=18446744073709551615");
        let s = FaultSpec::parse("429;retry-after-raw=Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            s.retry_after_raw.as_deref(),
            Some("Wed, 21 Oct 2015 07:28:00 GMT")
        );
        assert!(FaultSpec::parse("503;retry-after=1;retry-after-raw=1").is_err());
        assert!(FaultSpec::parse("trickle;retry-after-raw=1").is_err());
        assert!(FaultSpec::parse("503;retry-after-raw=").is_err());
        assert_eq!(FaultSpec::parse("SILENT").unwrap().kind, FaultKind::Silent);
        assert!(FaultSpec::parse("").is_err());
        assert!(FaultSpec::parse("418").is_err());
        assert!(FaultSpec::parse("503;times=x").is_err());
        assert!(FaultSpec::parse("503;times").is_err());
        assert!(FaultSpec::parse("503;foo=1").is_err());
        assert!(FaultSpec::parse("503;times=1;times=2").is_err());
    }

    #[test]
    fn gzip_is_gzip() {
        // `printf hello | gzip` ends with CRC 0x3610a686 and length 5.
        assert_eq!(crc32(b"hello"), 0x3610_a686);
        let g = gzip_stored(b"hello");
        assert_eq!(&g[..3], &[0x1f, 0x8b, 8]);
        assert_eq!(&g[g.len() - 4..], &5u32.to_le_bytes());
        let big = gzip_stored(&[b'x'; 70_000]);
        assert_eq!(big.len(), 10 + 5 + 65_535 + 5 + 4_465 + 8);
    }

    #[test]
    fn oversized_is_json() {
        let b = oversized_body();
        assert_eq!(b.len(), 8 * 1024 * 1024);
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["status"], "NEW");
    }
}
