//! Fault injection over real HTTP: every kind, times=N, server default faults, counting.

mod common;

use std::time::{Duration, Instant};

use common::*;
use hypercheckout_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

async fn faulted(emu: &Emulator, routing: &str, spec: &str) -> reqwest::Response {
    session(&client(), emu, routing)
        .header("x-emulator-fault", spec)
        .json(&valid_body("fault-order"))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn status_faults_have_juspay_bodies() {
    let emu = emu();
    for code in [500u16, 502, 503, 504] {
        let resp = faulted(&emu, "r5xx", &code.to_string()).await;
        assert_eq!(resp.status().as_u16(), code);
        assert!(resp.headers().get("retry-after").is_none());
        assert!(resp.headers().contains_key("x-request-id"));
        assert!(resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["status"], "error");
        assert!(body["error_code"].is_string());
        assert!(body["error_message"].is_string());
    }
    let body: Value = faulted(&emu, "r", "500").await.json().await.unwrap();
    assert_eq!(body["error_code"], "Internal server Error");
    for code in [502u16, 503] {
        let resp = faulted(&emu, "r", &format!("{code};retry-after=7")).await;
        assert_eq!(resp.status().as_u16(), code);
        assert_eq!(resp.headers()["retry-after"], "7");
    }
    assert_eq!(emu.request_count("r5xx"), 4);
}

#[tokio::test]
async fn too_many_requests() {
    let emu = emu();
    let resp = faulted(&emu, "r", "429").await;
    assert_eq!(resp.status(), 429);
    assert_eq!(resp.headers()["retry-after"], "1");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"status":"error","error_code":"request.exceeded","error_message":"Too many requests"})
    );
    let resp = faulted(&emu, "r", "429;retry-after=3").await;
    assert_eq!(resp.headers()["retry-after"], "3");
}

#[tokio::test]
async fn times_n_then_success() {
    let emu = emu();
    let spec = "503;times=2;retry-after=0";
    for _ in 0..2 {
        let resp = faulted(&emu, "retry-me", spec).await;
        assert_eq!(resp.status(), 503);
        assert_eq!(resp.headers()["retry-after"], "0");
    }
    let resp = faulted(&emu, "retry-me", spec).await;
    assert_eq!(resp.status(), 200);
    // a different routing id has its own budget
    assert_eq!(faulted(&emu, "other", spec).await.status(), 503);
    // a different spec on the same routing id has its own budget
    assert_eq!(faulted(&emu, "retry-me", "503;times=1").await.status(), 503);
    assert_eq!(faulted(&emu, "retry-me", "503;times=1").await.status(), 200);
    assert_eq!(emu.request_count("retry-me"), 5);
    assert_eq!(emu.request_count("other"), 1);
    assert_eq!(emu.total_requests(), 6);

    let stats: Value = client()
        .get(format!(
            "{}/__emulator/stats?routing_id=retry-me",
            emu.url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stats, json!({"count": 5, "total": 6}));
}

#[tokio::test]
async fn delay_then_normal_answer() {
    let emu = emu();
    let start = Instant::now();
    let resp = faulted(&emu, "r", "delay;ms=300").await;
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(resp.status(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "NEW");
}

#[tokio::test]
async fn hang_until_the_client_gives_up() {
    let emu = emu();
    let c = reqwest::Client::builder()
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = session(&c, &emu, "hang")
        .header("x-emulator-fault", "hang")
        .json(&valid_body("o"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(start.elapsed() >= Duration::from_millis(400));
    assert_eq!(emu.request_count("hang"), 1);
    // hang;times=1 hangs once, then answers
    let err = session(&c, &emu, "hang1")
        .header("x-emulator-fault", "hang;times=1")
        .json(&valid_body("o"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout());
    let ok = session(&c, &emu, "hang1")
        .header("x-emulator-fault", "hang;times=1")
        .json(&valid_body("o"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    // shutting down with a hung connection open is prompt
    let start = Instant::now();
    drop(emu);
    assert!(start.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn malformed_json() {
    let emu = emu();
    let resp = faulted(&emu, "r", "malformed-json").await;
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let text = resp.text().await.unwrap();
    assert!(text.starts_with('{'));
    assert!(serde_json::from_str::<Value>(&text).is_err());
}

#[tokio::test]
async fn html_error_page() {
    let emu = emu();
    let resp = faulted(&emu, "r", "html").await;
    assert_eq!(resp.status(), 502);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = resp.text().await.unwrap();
    assert!(text.contains("<html>") && text.contains("502 Bad Gateway"));
}

#[tokio::test]
async fn reset_mid_body() {
    let emu = emu();
    let resp = faulted(&emu, "r", "reset").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], "4096");
    let err = resp.bytes().await.unwrap_err();
    assert!(
        err.is_body() || err.is_decode() || err.is_request(),
        "{err:?}"
    );
    // the server is fine afterwards
    assert_eq!(faulted(&emu, "r", "none").await.status(), 200);
}

#[test]
fn reset_closes_the_socket_early() {
    use std::io::{Read, Write};
    let emu = emu();
    let addr = emu.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /orders/x HTTP/1.1\r\nHost: {addr}\r\nx-emulator-fault: reset\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out); // EOF or a reset error; either way the socket ends
    let text = String::from_utf8_lossy(&out);
    let (head, body) = text.split_once("\r\n\r\n").expect("headers were sent");
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(head.to_ascii_lowercase().contains("content-length: 4096"));
    assert!(body.len() < 4096, "{}", body.len());
}

#[tokio::test]
async fn oversized_body() {
    let emu = emu();
    let resp = faulted(&emu, "r", "oversized").await;
    assert_eq!(resp.status(), 200);
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.len() >= 8 * 1024 * 1024);
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(v["status"], "NEW");
}

#[tokio::test]
async fn invalid_fault_header_is_400() {
    let emu = emu();
    let (_, fields) = expect_400(faulted(&emu, "r", "teapot").await).await;
    assert_eq!(fields, ["x-emulator-fault"]);
}

#[tokio::test]
async fn faults_apply_before_auth_and_to_orders() {
    let emu = emu();
    let resp = client()
        .post(format!("{}/session", emu.url()))
        .header("x-routing-id", "noauth")
        .header("x-emulator-fault", "503")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let resp = order(&client(), &emu, "whatever", "ord")
        .header("x-emulator-fault", "504")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 504);
    assert_eq!(emu.request_count("noauth"), 1);
    assert_eq!(emu.request_count("ord"), 1);
}

#[tokio::test]
async fn server_default_fault_and_header_override() {
    let emu = Emulator::spawn(EmulatorConfig {
        default_fault: Some("500;times=1".to_string()),
        ..Default::default()
    })
    .unwrap();
    let c = client();
    let send = |routing: &'static str| session(&c, &emu, routing).json(&valid_body("d1")).send();
    assert_eq!(send("a").await.unwrap().status(), 500);
    assert_eq!(send("a").await.unwrap().status(), 200);
    assert_eq!(send("b").await.unwrap().status(), 500);
    let resp = session(&c, &emu, "c")
        .header("x-emulator-fault", "none")
        .json(&valid_body("d1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = session(&c, &emu, "c")
        .header("x-emulator-fault", "429")
        .json(&valid_body("d1"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
}

#[test]
fn invalid_default_fault_is_rejected() {
    let err = Emulator::spawn(EmulatorConfig {
        default_fault: Some("nope".to_string()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

// ---------------------------------------------------------------- hostile-server kinds

/// A raw GET /orders/x carrying `spec`; returns every byte the emulator sent until it
/// closed the socket (or an error ended the read) or `limit` bytes arrived.
fn raw_fault(emu: &Emulator, spec: &str, limit: usize) -> (Vec<u8>, Option<std::io::Error>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(emu.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /orders/x HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
         x-emulator-fault: {spec}\r\n\r\n",
        emu.addr()
    )
    .unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    while out.len() < limit {
        match s.read(&mut buf) {
            Ok(0) => return (out, None),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) => return (out, Some(e)),
        }
    }
    (out, None)
}

#[tokio::test]
async fn trickle_sends_the_normal_answer_a_byte_at_a_time() {
    let emu = emu();
    let start = Instant::now();
    let resp = faulted(&emu, "r", "trickle;ms=2").await;
    assert_eq!(resp.status(), 200);
    let len: usize = resp.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "NEW");
    // One byte every 2 ms: the whole body takes at least (len - 1) * 2 ms.
    assert!(start.elapsed() >= Duration::from_millis(2 * (len as u64 - 1)));
}

#[test]
fn endless_headers_never_end() {
    let emu = emu();
    let (bytes, _) = raw_fault(&emu, "endless-headers;ms=0", 64 * 1024);
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{}", &text[..80]);
    assert!(bytes.len() >= 64 * 1024);
    assert!(!text.contains("\r\n\r\n"), "the head never ends");
    assert!(text.contains("x-emulator-endless-100: "));
}

#[test]
fn reset_after_request_answers_nothing() {
    let emu = emu();
    let (bytes, _) = raw_fault(&emu, "reset-after-request", 1024);
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
    // POST too: the whole body is read first.
    let (bytes, _) = {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(emu.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let body = valid_body("reset-1").to_string();
        write!(
            s,
            "POST /session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
             x-emulator-fault: reset-after-request\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = Vec::new();
        let r = s.read_to_end(&mut out).err();
        (out, r)
    };
    assert!(bytes.is_empty());
    assert_eq!(emu.total_requests(), 2);
}

#[tokio::test]
async fn silent_is_hang() {
    let emu = emu();
    let c = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = session(&c, &emu, "s")
        .header("x-emulator-fault", "silent")
        .json(&valid_body("o"))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn echo_auth_repeats_the_credentials() {
    let emu = emu();
    let resp = faulted(&emu, "r", "echo-auth").await;
    assert_eq!(resp.status(), 401);
    let auth = basic(hypercheckout_emulator::DEFAULT_API_KEY);
    assert_eq!(resp.headers()["x-request-id"], auth.as_str());
    let body: Value = resp.json().await.unwrap();
    for field in ["error_message", "user_message"] {
        let text = body[field].as_str().unwrap();
        assert!(text.contains(&auth), "{text}");
        assert!(
            text.contains(hypercheckout_emulator::DEFAULT_API_KEY),
            "{text}"
        );
    }
}

#[tokio::test]
async fn retry_after_raw_is_sent_exactly() {
    let emu = emu();
    for spec in [
        "503;retry-after-raw=18446744073709551615",
        "429;retry-after-raw=18446744073709551615",
    ] {
        let resp = faulted(&emu, "r", spec).await;
        assert_eq!(resp.headers()["retry-after"], "18446744073709551615");
    }
    let resp = faulted(
        &emu,
        "r",
        "429;retry-after-raw=Wed, 21 Oct 2015 07:28:00 GMT",
    )
    .await;
    assert_eq!(resp.status(), 429);
    assert_eq!(
        resp.headers()["retry-after"],
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
}

#[test]
fn gzip_wraps_the_normal_answer() {
    let emu = emu();
    let (bytes, _) = raw_fault(&emu, "gzip", 1 << 20);
    let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
    assert!(text.contains("content-encoding: gzip"), "{text}");
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let body = &bytes[end + 4..];
    assert_eq!(&body[..2], &[0x1f, 0x8b]);
    // Stored deflate: the JSON is inside as is (the 400 for the missing x-merchantid).
    let inner = String::from_utf8_lossy(body);
    assert!(inner.contains("\"x-merchantid\""), "{inner}");
}

#[tokio::test]
async fn bodies_that_must_fail_closed() {
    let emu = emu();
    let bytes = faulted(&emu, "r", "invalid-utf8")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(std::str::from_utf8(&bytes).is_err());

    let resp = faulted(&emu, "r", "empty-200").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], "0");
    assert!(resp.bytes().await.unwrap().is_empty());

    let text = faulted(&emu, "r", "duplicate-keys")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text.matches("\"status\":").count(), 2, "{text}");
    assert_eq!(text.matches("\"amount\":").count(), 2, "{text}");

    let text = faulted(&emu, "r", "huge-number")
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"amount\":1e400"), "{text}");
    let order = order(&client(), &emu, "x", "r")
        .header("x-emulator-fault", "huge-number")
        .send()
        .await
        .unwrap();
    let text = order.text().await.unwrap();
    assert!(text.contains("\"amount\":1e400") && text.contains("\"status\":\"CHARGED\""));
}

#[tokio::test]
async fn deep_nesting_is_a_megabyte_of_brackets() {
    let emu = emu();
    let resp = faulted(&emu, "r", "deep-nesting").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], "1000000");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(bytes.len(), 1_000_000);
    assert!(bytes.len() < 1 << 20, "within a 1 MiB limit");
    assert!(bytes[..500_000].iter().all(|&b| b == b'['));
    assert!(bytes[500_000..].iter().all(|&b| b == b']'));
}
