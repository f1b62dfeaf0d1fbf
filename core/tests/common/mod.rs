//! Test support shared by the integration tests: a log capture and a one-shot raw HTTP
//! server that records the exact request bytes.
#![allow(dead_code)] // each test binary uses its own part

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Every line any `tracing` event or `log` record writes, at every level.
#[derive(Clone, Default)]
pub struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Installs the process-global subscriber; call once per test binary.
    pub fn install() -> Self {
        let captured = Self::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .try_init()
            .expect("install the capturing subscriber");
        captured
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One HTTP request as it arrived on the socket.
pub struct RawRequest {
    pub request_line: String,
    /// Lower-cased names.
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// Accepts one connection on a free loopback port, records the request (head and
/// Content-Length body) and answers `status_line` with a JSON `body`.
pub fn serve_once(status_line: &'static str, body: &'static str) -> (u16, JoinHandle<RawRequest>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        let request = loop {
            let n = stream.read(&mut buffer).unwrap();
            seen.extend_from_slice(&buffer[..n]);
            if let Some(request) = parse_complete(&seen) {
                break request;
            }
            assert!(n > 0, "connection closed mid-request");
        };
        write!(
            stream,
            "HTTP/1.1 {status_line}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        request
    });
    (port, server)
}

fn parse_complete(seen: &[u8]) -> Option<RawRequest> {
    let text = String::from_utf8_lossy(seen);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let request_line = lines.next()?.to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers
        .get("content-length")
        .map_or(0, |v| v.parse().unwrap());
    (body.len() >= length).then(|| RawRequest {
        request_line,
        headers,
        body: body.to_owned(),
    })
}

/// The error's variant name, as the vectors in `testdata/` write it.
pub fn error_kind(error: &hypercheckout::HyperCheckoutError) -> &'static str {
    use hypercheckout::HyperCheckoutError as E;
    match error {
        E::Validation { .. } => "Validation",
        E::Authentication { .. } => "Authentication",
        E::InvalidRequest { .. } => "InvalidRequest",
        E::NotFound { .. } => "NotFound",
        E::RateLimited { .. } => "RateLimited",
        E::Server { .. } => "Server",
        E::Timeout { .. } => "Timeout",
        E::Connection { .. } => "Connection",
        E::Certificate { .. } => "Certificate",
        E::UnexpectedResponse { .. } => "UnexpectedResponse",
        E::NotAuthentic { .. } => "NotAuthentic",
        E::Configuration { .. } => "Configuration",
        E::Internal { .. } => "Internal",
    }
}

/// The error's fields under the vectors' names; absent options are `null`.
pub fn error_fields(
    error: &hypercheckout::HyperCheckoutError,
) -> serde_json::Map<String, serde_json::Value> {
    use hypercheckout::HyperCheckoutError as E;
    use serde_json::json;
    let fields = match error {
        E::Authentication {
            http_status,
            status,
            error_code,
            error_message,
            user_message,
            request_id,
            error_info,
            body_excerpt,
        }
        | E::InvalidRequest {
            http_status,
            status,
            error_code,
            error_message,
            user_message,
            request_id,
            error_info,
            body_excerpt,
        }
        | E::NotFound {
            http_status,
            status,
            error_code,
            error_message,
            user_message,
            request_id,
            error_info,
            body_excerpt,
        }
        | E::Server {
            http_status,
            status,
            error_code,
            error_message,
            user_message,
            request_id,
            error_info,
            body_excerpt,
        } => api_fields(
            json!({
                "http_status": http_status, "status": status, "error_code": error_code,
                "error_message": error_message, "user_message": user_message, "request_id": request_id,
                "body_excerpt": body_excerpt,
            }),
            error_info,
        ),
        E::RateLimited {
            http_status,
            status,
            error_code,
            error_message,
            user_message,
            request_id,
            retry_after_seconds,
            error_info,
            body_excerpt,
        } => api_fields(
            json!({
                "http_status": http_status, "status": status, "error_code": error_code,
                "error_message": error_message, "user_message": user_message, "request_id": request_id,
                "retry_after_seconds": retry_after_seconds, "body_excerpt": body_excerpt,
            }),
            error_info,
        ),
        E::UnexpectedResponse {
            http_status,
            reason,
            body_excerpt,
            request_id,
        } => json!({
            "http_status": http_status, "reason": reason, "body_excerpt": body_excerpt,
            "request_id": request_id,
        }),
        E::Validation { violations } => json!({
            "violations": violations
                .iter()
                .map(|v| json!({"field": v.field, "code": v.code, "message": v.message}))
                .collect::<Vec<_>>(),
        }),
        E::Timeout { reason }
        | E::Connection { reason }
        | E::NotAuthentic { reason }
        | E::Configuration { reason }
        | E::Internal { reason } => json!({ "reason": reason }),
        E::Certificate { check, reason } => {
            json!({ "check": format!("{check:?}"), "reason": reason })
        }
    };
    match fields {
        serde_json::Value::Object(map) => map,
        _ => unreachable!("json! of an object literal"),
    }
}

/// `error_info` under the corpus's names (`testdata/juspay/errors.json`).
fn api_fields(
    mut fields: serde_json::Value,
    info: &Option<hypercheckout::ErrorInfo>,
) -> serde_json::Value {
    use serde_json::json;
    let info = info.clone().unwrap_or_default();
    let map = fields.as_object_mut().expect("an object");
    map.insert("error_info_code".into(), json!(info.code));
    map.insert("error_info_category".into(), json!(info.category));
    map.insert("developer_message".into(), json!(info.developer_message));
    map.insert("error_info_request_id".into(), json!(info.request_id));
    let listed: Vec<_> = info
        .fields
        .iter()
        .map(|f| json!({"field_name": f.field_name, "reason": f.reason}))
        .collect();
    let listed = if listed.is_empty() {
        json!(null)
    } else {
        json!(listed)
    };
    map.insert("fields".into(), listed);
    fields
}
pub mod tinyproxy;
