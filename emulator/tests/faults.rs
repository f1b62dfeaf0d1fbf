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
