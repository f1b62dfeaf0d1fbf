//! Faithful (default) and strict modes against the exact requests Juspay's official Node SDK
//! sends (testdata/juspay/official_sdk_requests.json, recorded from npm
//! expresscheckout-nodejs 1.0.0), replayed byte for byte on a raw socket.

mod common;

use common::*;
use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};
use serde_json::{json, Value};

struct Recorded {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

/// The recorded session and order-status requests, placeholders filled in.
fn official_sdk_requests() -> (Credential, Vec<Recorded>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/juspay/official_sdk_requests.json"
    );
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let keys = &file["api_key_placeholder"];
    let key = keys["given_api_key"].as_str().unwrap();
    let fill = |text: &str| {
        text.replace(
            "<BASE64(official_sdk_key)>",
            keys["base64_without_colon"].as_str().unwrap(),
        )
        .replace(
            "<BASE64(official_sdk_key:)>",
            keys["base64_with_colon"].as_str().unwrap(),
        )
        .replace("<official_sdk_key>", key)
    };
    let requests = file["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["path"] == "/session" || r["method"] == "GET")
        .map(|r| Recorded {
            method: r["method"].as_str().unwrap().to_string(),
            path: r["path"].as_str().unwrap().to_string(),
            headers: r["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap().to_string(),
                        fill(h[1].as_str().unwrap()),
                    )
                })
                .collect(),
            body: fill(r["body"].as_str().unwrap()),
        })
        .collect::<Vec<_>>();
    assert_eq!(requests.len(), 2, "a session and an order status");
    let merchant = keys["merchant_id"].as_str().unwrap();
    (Credential::new(merchant, key), requests)
}

/// The request's bytes as the SDK wrote them: its headers in its order (Host pointed at the
/// emulator), a chunked body when it declared one.
fn wire(emu: &Emulator, r: &Recorded, change: impl Fn(&str, &str) -> Option<String>) -> Vec<u8> {
    let mut out = format!("{} {} HTTP/1.1\r\n", r.method, r.path);
    let mut chunked = false;
    for (name, value) in &r.headers {
        let value = if name.eq_ignore_ascii_case("host") {
            emu.addr().to_string()
        } else {
            value.clone()
        };
        chunked |= name.eq_ignore_ascii_case("transfer-encoding") && value == "chunked";
        if let Some(value) = change(name, &value) {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if let Some(extra) = change("+", "") {
        out.push_str(&extra);
    }
    out.push_str("\r\n");
    if chunked {
        if !r.body.is_empty() {
            out.push_str(&format!("{:x}\r\n{}\r\n", r.body.len(), r.body));
        }
        out.push_str("0\r\n\r\n");
    } else {
        out.push_str(&r.body);
    }
    out.into_bytes()
}

fn spawn(credential: &Credential, strict: bool) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        credentials: vec![credential.clone()],
        strict,
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn as_sent(_: &str, value: &str) -> Option<String> {
    Some(value.to_string())
}

#[test]
fn faithful_accepts_the_official_sdk_requests() {
    let (credential, requests) = official_sdk_requests();
    let emu = spawn(&credential, false);
    let session = send_raw(&emu, &wire(&emu, &requests[0], as_sent));
    assert_eq!(
        session.status,
        200,
        "{}",
        String::from_utf8_lossy(&session.body)
    );
    let body = session.json();
    assert_eq!(body["order_id"], "order_recorded_1");
    // The JSON number 1 comes back as Juspay writes a payload amount.
    assert_eq!(body["sdk_payload"]["payload"]["amount"], "1.0");
    assert_eq!(body["sdk_payload"]["payload"]["action"], "paymentPage");

    let status = send_raw(&emu, &wire(&emu, &requests[1], as_sent));
    assert_eq!(
        status.status,
        200,
        "{}",
        String::from_utf8_lossy(&status.body)
    );
    let order = status.json();
    assert_eq!(order["order_id"], "order_recorded_1");
    assert_eq!(order["id"], body["id"]);
    assert_eq!(order["amount"], json!(1));
    // Counted under "" (no x-routing-id).
    assert_eq!(emu.request_count(""), 2);
}

#[test]
fn strict_refuses_the_official_sdk_requests() {
    let (credential, requests) = official_sdk_requests();
    let emu = spawn(&credential, true);
    for r in &requests {
        // As sent: no x-routing-id.
        let answer = send_raw(&emu, &wire(&emu, r, as_sent));
        assert_eq!(answer.status, 400, "{} {}", r.method, r.path);
        let fields: Vec<Value> = answer.json()["error_info"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["field_name"].clone())
            .collect();
        assert_eq!(fields, [json!("x-routing-id")]);

        // With an x-routing-id: the key without its colon is still refused.
        let with_routing = |name: &str, value: &str| match name {
            "+" => Some("x-routing-id: customer-1\r\n".to_string()),
            _ => Some(value.to_string()),
        };
        let answer = send_raw(&emu, &wire(&emu, r, with_routing));
        assert_eq!(answer.status, 401, "{} {}", r.method, r.path);
        assert_eq!(answer.json()["error_code"], "access_denied");
    }
    // And with both fixed, the session's JSON-number amount is refused.
    let fixed = |name: &str, value: &str| match name {
        "+" => Some("x-routing-id: customer-1\r\n".to_string()),
        "Authorization" => Some(basic(&credential.api_key)),
        _ => Some(value.to_string()),
    };
    let answer = send_raw(&emu, &wire(&emu, &requests[0], fixed));
    assert_eq!(answer.status, 400);
    let fields = answer.json()["error_info"]["fields"].clone();
    let names: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field_name"].as_str().unwrap())
        .collect();
    // ... and so are the customer_id and action the SDK's README body leaves out.
    assert_eq!(names, ["customer_id", "action", "amount"]);
}

#[tokio::test]
async fn faithful_takes_juspays_own_samples_strict_does_not() {
    let samples = [
        // Juspay's Node backend kit: number amount, http return_url with a port.
        json!({"order_id": "order_1700000000000", "amount": 42,
               "payment_page_client_id": "yourClientId", "customer_id": "hdfc-testing-customer-one",
               "action": "paymentPage", "return_url": "http://localhost:5000/handleJuspayResponse",
               "currency": "INR"}),
        // session/v1/paymentmanagement.sh: no order.
        json!({"customer_id": "customer", "payment_page_client_id": "clientId",
               "action": "paymentManagement"}),
        // session/v2/request.sh: action enach.
        json!({"amount": "10.00", "order_id": "yourUniqueOrderId", "customer_id": "c",
               "payment_page_client_id": "picasso", "return_url": "https://shop.merchant.com",
               "action": "enach", "service": "in.juspay.ec", "options.create_mandate": "REQUIRED",
               "mandate.max_amount": "1000.00", "mandate.start_date": "1644420442",
               "mandate.end_date": "1646234827"}),
        // payment-links sample: payment_filter object, udf with '-', metadata as a number.
        json!({"order_id": "order_a_b_id_dummy_1", "amount": "100.0", "customer_id": "c",
               "payment_page_client_id": "picasso", "action": "quickPay",
               "udf1": "udf1-dummy", "metadata.expiryinmins": 3397, "send_mail": true,
               "return_url": "https://juspay.in/?from=emulator",
               "payment_filter": {"allowDefaultOptions": false,
                                  "options": [{"paymentMethodType": "UPI", "enable": true}]}}),
    ];
    let c = client();
    for strict in [false, true] {
        let emu = if strict { emu() } else { faithful() };
        for sample in &samples {
            let resp = session(&c, &emu, "r").json(sample).send().await.unwrap();
            let status = resp.status();
            let body: Value = resp.json().await.unwrap();
            if strict {
                assert_eq!(status, 400, "{sample} {body}");
            } else {
                assert_eq!(status, 200, "{sample} {body}");
            }
        }
    }
}

#[tokio::test]
async fn order_less_session_and_order_expiry() {
    let emu = faithful();
    let c = client();
    let body: Value = session(&c, &emu, "r")
        .json(
            &json!({"customer_id": "customer", "payment_page_client_id": "clientId",
                      "action": "paymentManagement"}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["status"], "NEW");
    assert!(body.get("id").is_none() && body.get("order_id").is_none());
    assert_eq!(
        body["sdk_payload"]["payload"]["action"],
        "paymentManagement"
    );
    assert!(body["sdk_payload"]["payload"].get("amount").is_none());
    assert_eq!(emu.order_count(), 0);

    // metadata.expiryinmins sets the order's expiry; the token still expires in 15 minutes.
    let mut request = valid_body("expiring-1");
    request["metadata.expiryinmins"] = json!("3397");
    let body = create(&c, &emu, &request).await;
    let token = body["sdk_payload"]["payload"]["clientAuthTokenExpiry"]
        .as_str()
        .unwrap();
    let expiry = body["order_expiry"].as_str().unwrap();
    assert!(token < expiry, "{token} {expiry}");
    assert_eq!(body["payment_links"]["expiry"], expiry);
}
