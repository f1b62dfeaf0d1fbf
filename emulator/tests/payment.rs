//! Phase 2: payment page, pay → signed redirect, order status after payment, webhooks.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use hypercheckout_emulator::{
    return_url_signature, Emulator, EmulatorConfig, DEFAULT_RESPONSE_KEY,
};
use serde_json::{json, Value};

async fn new_order(emu: &Emulator, order_id: &str) -> (String, String) {
    let v = create(&client(), emu, &valid_body(order_id)).await;
    (
        v["id"].as_str().unwrap().to_string(),
        v["payment_links"]["web"].as_str().unwrap().to_string(),
    )
}

async fn pay(emu: &Emulator, id: &str, outcome: &str) -> reqwest::Response {
    client()
        .post(format!("{}/orders/{id}/pay", emu.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("outcome={outcome}"))
        .send()
        .await
        .unwrap()
}

fn query_pairs(location: &str) -> Vec<(String, String)> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[tokio::test]
async fn payment_page_shows_the_order() {
    let emu = emu();
    let (id, link) = new_order(&emu, "page-1").await;
    let resp = client().get(&link).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = resp.text().await.unwrap();
    assert!(page.contains("page-1"));
    assert!(page.contains(">1.0<"));
    assert!(page.contains("INR"));
    assert!(page.contains("id=\"pay\""));
    assert!(page.contains("id=\"fail\""));
    assert!(page.contains(&format!("action=\"/orders/{id}/pay\"")));

    let missing = client()
        .get(format!("{}/orders/ordeh_nope/payment-page", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn pay_success_redirects_signed_and_charges() {
    let emu = emu();
    let (id, _) = new_order(&emu, "paid-1").await;
    let resp = pay(&emu, &id, "success").await;
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(
        location.starts_with("https://shop.merchant.com/?"),
        "{location}"
    );
    let pairs = query_pairs(&location);
    assert_eq!(get(&pairs, "order_id"), "paid-1");
    assert_eq!(get(&pairs, "status"), "CHARGED");
    assert_eq!(get(&pairs, "status_id"), "21");
    assert_eq!(get(&pairs, "signature_algorithm"), "HMAC-SHA256");
    let expected = return_url_signature(
        &[
            ("order_id", "paid-1"),
            ("status", "CHARGED"),
            ("status_id", "21"),
        ],
        DEFAULT_RESPONSE_KEY,
    );
    assert_eq!(get(&pairs, "signature"), expected);
    // the redirect's own param list, signed as received, verifies too
    assert_eq!(return_url_signature(&pairs, DEFAULT_RESPONSE_KEY), expected);

    let o: Value = order(&client(), &emu, "paid-1", "r")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(o["status"], "CHARGED");
    assert_eq!(o["status_id"], 21);
    assert_eq!(o["txn_detail"]["status"], "CHARGED");
    assert!(o["txn_id"].is_string());
    assert!(o["payment_gateway_response"].is_object());
    assert_eq!(o["refunds"], json!([]));

    // a paid order can be paid no more, nor get a new session
    assert_eq!(pay(&emu, &id, "success").await.status(), 400);
    let resp = session(&client(), &emu, "r")
        .json(&valid_body("paid-1"))
        .send()
        .await
        .unwrap();
    let (err, _) = expect_400(resp).await;
    assert_eq!(err["error_code"], "duplicate.call");
}

#[tokio::test]
async fn pay_failure_then_success() {
    let emu = Emulator::spawn(EmulatorConfig {
        response_key: "92206A0A4A75499C9B11206C2B3B9A53".to_string(),
        ..Default::default()
    })
    .unwrap();
    let (id, _) = new_order(&emu, "fail-1").await;
    let resp = pay(&emu, &id, "failure").await;
    assert_eq!(resp.status(), 302);
    let pairs = query_pairs(resp.headers()["location"].to_str().unwrap());
    assert_eq!(get(&pairs, "status"), "AUTHORIZATION_FAILED");
    assert_eq!(get(&pairs, "status_id"), "27");
    assert_eq!(
        get(&pairs, "signature"),
        return_url_signature(
            &[
                ("order_id", "fail-1"),
                ("status", "AUTHORIZATION_FAILED"),
                ("status_id", "27")
            ],
            "92206A0A4A75499C9B11206C2B3B9A53"
        )
    );
    let o: Value = order(&client(), &emu, "fail-1", "r")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(o["status"], "AUTHORIZATION_FAILED");
    assert_eq!(o["status_id"], 27);
    // the customer may try again
    assert_eq!(pay(&emu, &id, "success").await.status(), 302);
}

#[tokio::test]
async fn pay_rejects_bad_input() {
    let emu = emu();
    let (id, _) = new_order(&emu, "bad-1").await;
    assert_eq!(pay(&emu, &id, "maybe").await.status(), 400);
    assert_eq!(pay(&emu, "ordeh_unknown", "success").await.status(), 404);
}

#[tokio::test]
async fn no_return_url_shows_a_result_page() {
    let emu = emu();
    let mut body = valid_body("noret-1");
    body.as_object_mut().unwrap().remove("return_url");
    let v = create(&client(), &emu, &body).await;
    let resp = pay(&emu, v["id"].as_str().unwrap(), "success").await;
    assert_eq!(resp.status(), 200);
    let page = resp.text().await.unwrap();
    assert!(page.contains("CHARGED") && page.contains("signature"));
}

/// Accepts one HTTP request and sends its head and body down a channel.
fn webhook_receiver() -> (String, mpsc::Receiver<(String, String)>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/juspay", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap();
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .unwrap();
        tx.send((head, String::from_utf8(body).unwrap())).unwrap();
    });
    (url, rx)
}

#[tokio::test]
async fn webhook_is_posted_with_basic_auth() {
    let (hook_url, rx) = webhook_receiver();
    let emu = Emulator::spawn(EmulatorConfig {
        webhook_url: Some(hook_url),
        webhook_username: Some("hookuser".to_string()),
        webhook_password: Some("hookpass".to_string()),
        ..Default::default()
    })
    .unwrap();
    let (id, _) = new_order(&emu, "hook-1").await;
    assert_eq!(pay(&emu, &id, "success").await.status(), 302);
    let (head, body) =
        tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)))
            .await
            .unwrap()
            .expect("webhook arrives");
    assert!(head.starts_with("POST /hooks/juspay HTTP/1.1"), "{head}");
    // base64("hookuser:hookpass")
    assert!(
        head.contains("Authorization: Basic aG9va3VzZXI6aG9va3Bhc3M="),
        "{head}"
    );
    assert!(head
        .to_ascii_lowercase()
        .contains("content-type: application/json"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(v["id"].as_str().unwrap().starts_with("evt_"));
    assert_eq!(v["event_name"], "ORDER_SUCCEEDED");
    assert!(v["date_created"].as_str().unwrap().ends_with('Z'));
    let o = &v["content"]["order"];
    assert_eq!(o["order_id"], "hook-1");
    assert_eq!(o["status"], "CHARGED");
    assert_eq!(o["status_id"], 21);
    assert_eq!(o["id"], id.as_str());
}

#[tokio::test]
async fn failed_payment_webhook() {
    let (hook_url, rx) = webhook_receiver();
    let emu = Emulator::spawn(EmulatorConfig {
        webhook_url: Some(hook_url),
        ..Default::default()
    })
    .unwrap();
    let (id, _) = new_order(&emu, "hook-2").await;
    assert_eq!(pay(&emu, &id, "failure").await.status(), 302);
    let (head, body) =
        tokio::task::spawn_blocking(move || rx.recv_timeout(Duration::from_secs(10)))
            .await
            .unwrap()
            .expect("webhook arrives");
    assert!(!head.contains("Authorization"));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["event_name"], "ORDER_FAILED");
    assert_eq!(v["content"]["order"]["status"], "AUTHORIZATION_FAILED");
}

#[test]
fn webhook_url_must_be_http() {
    let err = Emulator::spawn(EmulatorConfig {
        webhook_url: Some("https://example.com/hook".to_string()),
        ..Default::default()
    })
    .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
