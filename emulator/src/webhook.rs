//! Webhook delivery: every event (order, refund, mandate) goes through one queue and one
//! background task, so a receiver sees them in the order they happened (REFUND_INITIATED
//! before ORDER_REFUNDED, MANDATE_CREATED before MANDATE_ACTIVATED). Best effort, as
//! before: each POST is tried once with a 10 s timeout; failures are only logged with
//! `--verbose`.
//!
//! Body shape, as in Juspay's samples (DEMO `webhooks/*.json`, `mandates/webhook/**` on the
//! `api-reference` branch of juspay/juspay-sdk-integration-demo @b2d0d12d):
//! `{"id":"evt_V2_…","event_name":…,"date_created":…,"content":{"order":{…}}}`, or
//! `"content":{"mandate":{…}}` for MANDATE_* events.

use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::server::{lock, AppState, WebhookTarget};
use crate::util::{iso8601_utc, now_epoch, random_lower_alnum};

/// A webhook body for `event_name` with `content` (`{"order": …}` or `{"mandate": …}`).
pub(crate) fn event_body(event_name: &str, content: Value) -> String {
    json!({
        "id": format!("evt_V2_{}", random_lower_alnum(32)),
        "event_name": event_name,
        "date_created": iso8601_utc(now_epoch()),
        "content": content,
    })
    .to_string()
}

/// Queues `body` for delivery (nothing happens without `--webhook-url`). Must be called
/// on the emulator's runtime (any handler or task is).
pub(crate) fn send(st: &AppState, body: String) {
    let Some(target) = st.webhook.clone() else {
        return;
    };
    // Juspay's JWT webhooks (docs.juspay.io/api-reference/docs/express-checkout/jwt-webhook).
    let body = match &st.encryption {
        Some(keys) if keys.encrypted_webhooks => crate::encryption::webhook_body(keys, &body),
        _ => body,
    };
    let mut queue = lock(&st.webhook_queue);
    if queue.is_none() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
        let verbose = st.verbose;
        tokio::spawn(async move {
            while let Some(body) = rx.recv().await {
                let result =
                    tokio::time::timeout(Duration::from_secs(10), post_webhook(&target, &body))
                        .await;
                if verbose {
                    match result {
                        Ok(Ok(status)) => {
                            eprintln!("[emulator] webhook -> {} answered {status}", target.url)
                        }
                        Ok(Err(e)) => {
                            eprintln!("[emulator] webhook -> {} failed: {e}", target.url)
                        }
                        Err(_) => eprintln!("[emulator] webhook -> {} timed out", target.url),
                    }
                }
            }
        });
        *queue = Some(tx);
    }
    if let Some(tx) = queue.as_ref() {
        let _ = tx.send(body);
    }
}

/// Minimal HTTP/1.1 POST over plain TCP; returns the response status code.
async fn post_webhook(target: &WebhookTarget, body: &str) -> std::io::Result<u16> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
    let url = url::Url::parse(&target.url).map_err(|e| bad(&e.to_string()))?;
    let host = url
        .host_str()
        .ok_or_else(|| bad("webhook URL has no host"))?;
    let port = url.port_or_known_default().unwrap_or(80);
    let mut path = url.path().to_string();
    if let Some(q) = url.query() {
        path.push('?');
        path.push_str(q);
    }
    let authority = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let mut stream = tokio::net::TcpStream::connect((host.trim_matches(['[', ']']), port)).await?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: hypercheckout-emulator\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if target.username.is_some() || target.password.is_some() {
        let creds = format!(
            "{}:{}",
            target.username.as_deref().unwrap_or(""),
            target.password.as_deref().unwrap_or("")
        );
        request.push_str(&format!(
            "Authorization: Basic {}\r\n",
            base64::engine::general_purpose::STANDARD.encode(creds)
        ));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    let mut head = vec![0u8; 64];
    let n = stream.read(&mut head).await?;
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("webhook receiver sent no HTTP status line"))
}
