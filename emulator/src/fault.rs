//! Fault injection: the `x-emulator-fault` header / `--fault` flag grammar and the faulty
//! responses themselves.
//!
//! Grammar: `KIND[;times=N][;ms=MS][;retry-after=S]` (parameters in any order, whitespace
//! around `;` and `=` ignored, kind case-insensitive).

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// What the faulty response looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// No fault (lets a request override a server-wide `--fault`).
    None,
    /// Sleep `ms` milliseconds (default 1000), then answer normally.
    Delay,
    /// Never answer; keep the connection open until the client gives up.
    Hang,
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
}

/// A parsed fault specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultSpec {
    pub kind: FaultKind,
    /// Only the first N requests with the same (x-routing-id, spec) pair are faulted.
    pub times: Option<u64>,
    /// Milliseconds, for `delay`.
    pub ms: Option<u64>,
    /// Seconds for the `Retry-After` header.
    pub retry_after: Option<u64>,
    /// Canonical text of the spec, used as the `times` counter key.
    pub canonical: String,
}

impl FaultSpec {
    /// Parses `KIND[;times=N][;ms=MS][;retry-after=S]`.
    pub fn parse(spec: &str) -> Result<FaultSpec, String> {
        let mut parts = spec.split(';').map(str::trim);
        let kind_text = parts.next().unwrap_or("").to_ascii_lowercase();
        let kind = match kind_text.as_str() {
            "none" => FaultKind::None,
            "delay" => FaultKind::Delay,
            "hang" => FaultKind::Hang,
            "500" => FaultKind::Status(500),
            "502" => FaultKind::Status(502),
            "503" => FaultKind::Status(503),
            "504" => FaultKind::Status(504),
            "429" => FaultKind::TooManyRequests,
            "malformed-json" => FaultKind::MalformedJson,
            "html" => FaultKind::Html,
            "reset" => FaultKind::Reset,
            "oversized" => FaultKind::Oversized,
            "" => return Err("empty fault kind".to_string()),
            other => {
                return Err(format!(
                    "unknown fault kind {other:?} (expected one of: delay, hang, 500, 502, 503, \
                     504, 429, malformed-json, html, reset, oversized, none)"
                ))
            }
        };
        let mut out = FaultSpec {
            kind,
            times: None,
            ms: None,
            retry_after: None,
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
            let number: u64 = value
                .parse()
                .map_err(|_| format!("fault parameter {key}: {value:?} is not a whole number"))?;
            let slot = match key.as_str() {
                "times" => &mut out.times,
                "ms" => &mut out.ms,
                "retry-after" => &mut out.retry_after,
                _ => {
                    return Err(format!(
                        "unknown fault parameter {key:?} (expected times, ms, retry-after)"
                    ))
                }
            };
            if slot.replace(number).is_some() {
                return Err(format!("fault parameter {key} given twice"));
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
        out.canonical = canonical;
        Ok(out)
    }
}

/// What the handler should do for a fault.
pub enum FaultAction {
    /// Answer normally (possibly after a delay that was already slept).
    Proceed,
    /// Answer with this response instead.
    Respond(Response),
}

/// Carries out `spec`: sleeps for `delay`, never returns for `hang`, otherwise builds the
/// faulty response.
pub async fn perform(spec: &FaultSpec, request_id: &str) -> FaultAction {
    let resp = match spec.kind {
        FaultKind::None => return FaultAction::Proceed,
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(spec.ms.unwrap_or(1000))).await;
            return FaultAction::Proceed;
        }
        FaultKind::Hang => {
            // Headers are never sent; the connection stays open until the client gives up
            // or the emulator shuts down.
            std::future::pending::<()>().await;
            unreachable!()
        }
        FaultKind::Status(code) => status_fault(code, spec.retry_after, request_id),
        FaultKind::TooManyRequests => {
            let body = json!({
                "status": "error",
                "error_code": "request.exceeded",
                "error_message": "Too many requests",
            });
            let mut resp = (StatusCode::TOO_MANY_REQUESTS, json_body(&body)).into_response();
            set_retry_after(&mut resp, Some(spec.retry_after.unwrap_or(1)));
            set_json(&mut resp);
            resp
        }
        FaultKind::MalformedJson => {
            let body = format!(
                "{{\"status\": \"NEW\", \"id\": \"ordeh_{}\", \"order_id\": \"",
                crate::util::random_lower_alnum(20)
            );
            let mut resp = (StatusCode::OK, body).into_response();
            set_json(&mut resp);
            resp
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
            set_retry_after(&mut resp, spec.retry_after);
            resp
        }
        FaultKind::Reset => reset_response(),
        FaultKind::Oversized => {
            let mut resp = (StatusCode::OK, oversized_body()).into_response();
            set_json(&mut resp);
            resp
        }
    };
    FaultAction::Respond(resp)
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

fn set_retry_after(resp: &mut Response, secs: Option<u64>) {
    if let Some(s) = secs {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(s));
    }
}

fn status_fault(code: u16, retry_after: Option<u64>, request_id: &str) -> Response {
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
    set_retry_after(&mut resp, retry_after);
    resp
}

/// 200 + `Content-Length: 4096`, ~30 bytes of body, a short pause (so hyper flushes what it
/// has), then an I/O error which makes hyper abort the connection.
fn reset_response() -> Response {
    let stream = futures_util::stream::unfold(0u8, |step| async move {
        let item: Result<Bytes, std::io::Error> = match step {
            0 => Ok(Bytes::from_static(
                b"{\"status\": \"NEW\", \"id\": \"ordeh_",
            )),
            1 => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
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
        for kind in [
            "hang",
            "500",
            "502",
            "504",
            "429",
            "malformed-json",
            "html",
            "reset",
            "oversized",
            "none",
        ] {
            FaultSpec::parse(kind).unwrap();
        }
        assert!(FaultSpec::parse("").is_err());
        assert!(FaultSpec::parse("418").is_err());
        assert!(FaultSpec::parse("503;times=x").is_err());
        assert!(FaultSpec::parse("503;times").is_err());
        assert!(FaultSpec::parse("503;foo=1").is_err());
        assert!(FaultSpec::parse("503;times=1;times=2").is_err());
    }

    #[test]
    fn oversized_is_json() {
        let b = oversized_body();
        assert_eq!(b.len(), 8 * 1024 * 1024);
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["status"], "NEW");
    }
}
