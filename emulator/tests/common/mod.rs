#![allow(dead_code)]

use base64::Engine as _;
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};
use serde_json::{json, Value};

/// A strict-mode emulator: most of these tests check the documented contract.
pub fn emu() -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

/// A faithful-mode (default) emulator.
pub fn faithful() -> Emulator {
    Emulator::spawn(EmulatorConfig::default()).expect("emulator starts")
}

/// Asserts Juspay's "Invalid order id" answer: 400 `NOT_FOUND`, status_id 40.
pub async fn expect_not_found(resp: reqwest::Response, order_id: &str) {
    assert_eq!(resp.status(), 400);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "status": "NOT_FOUND",
            "error_info": {
                "user_message": "Order Not Found",
                "developer_message": "Order Not Found",
                "code": "RESOURCE_NOT_FOUND",
                "category": "USER_ERROR",
            },
            "status_id": 40,
            "order_id": order_id,
        })
    );
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub fn basic(api_key: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:"))
    )
}

/// A valid body resembling the reference's sample request.
pub fn valid_body(order_id: &str) -> Value {
    json!({
        "order_id": order_id,
        "amount": "1.0",
        "customer_id": "testing-customer-one",
        "customer_email": "test@mail.com",
        "customer_phone": "9876543210",
        "payment_page_client_id": "yourClientId",
        "action": "paymentPage",
        "return_url": "https://shop.merchant.com",
        "description": "Complete your payment",
        "first_name": "John",
        "last_name": "wick",
        "metadata.JUSPAY:gateway_reference_id": "Merchant_test"
    })
}

pub fn session(client: &reqwest::Client, emu: &Emulator, routing: &str) -> reqwest::RequestBuilder {
    client
        .post(format!("{}/session", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", routing)
}

pub fn order(
    client: &reqwest::Client,
    emu: &Emulator,
    order_id: &str,
    routing: &str,
) -> reqwest::RequestBuilder {
    client
        .get(format!("{}/orders/{order_id}", emu.url()))
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", routing)
        .header("version", "2024-01-01")
}

pub async fn create(client: &reqwest::Client, emu: &Emulator, body: &Value) -> Value {
    let resp = session(client, emu, "routing")
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

/// Asserts a Juspay-shaped 400 and returns (body, field names).
pub async fn expect_400(resp: reqwest::Response) -> (Value, Vec<String>) {
    assert_eq!(resp.status(), 400);
    let rid = resp
        .headers()
        .get("x-request-id")
        .expect("x-request-id")
        .to_str()
        .unwrap()
        .to_string();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "Bad Request", "{body}");
    assert!(body["error_code"].is_string());
    assert!(body["error_message"].is_string());
    assert!(body["user_message"].is_string());
    let info = &body["error_info"];
    assert_eq!(info["category"], "USER_ERROR");
    assert_eq!(info["request_id"], rid.as_str());
    assert!(info["developer_message"].is_string());
    let fields = info["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert!(f["reason"].is_string());
            f["field_name"].as_str().unwrap().to_string()
        })
        .collect();
    (body, fields)
}
