//! GET /orders/{order_id} over real HTTP.

mod common;

use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn order_status_after_session() {
    let emu = emu();
    let c = client();
    let mut body = valid_body("status-1");
    body["amount"] = json!("100.15");
    body["udf1"] = json!("first udf");
    body["udf10"] = json!("ten!");
    let created = create(&c, &emu, &body).await;
    let resp = order(&c, &emu, "status-1", "cust").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().contains_key("x-request-id"));
    let o: Value = resp.json().await.unwrap();
    assert_eq!(o["order_id"], "status-1");
    assert_eq!(o["id"], created["id"]);
    assert_eq!(o["status"], "NEW");
    assert_eq!(o["status_id"], 10);
    assert!(o["amount"].is_number());
    assert_eq!(o["amount"].to_string(), "100.15");
    assert_eq!(o["effective_amount"].to_string(), "100.15");
    assert_eq!(o["refunded"], false);
    assert_eq!(o["amount_refunded"], 0);
    assert_eq!(o["currency"], "INR");
    assert_eq!(o["customer_id"], "testing-customer-one");
    assert_eq!(o["customer_email"], "test@mail.com");
    assert_eq!(o["customer_phone"], "9876543210");
    assert_eq!(o["return_url"], "https://shop.merchant.com");
    assert_eq!(o["udf1"], "first udf");
    assert_eq!(o["udf10"], "ten!");
    for i in 2..=9 {
        assert_eq!(o[format!("udf{i}")], "");
    }
    assert_eq!(o["payment_links"]["web"], created["payment_links"]["web"]);
    assert!(o["date_created"].as_str().unwrap().ends_with('Z'));
    assert!(o.get("txn_detail").is_none());

    // lookup by the ordeh_ id works too
    let id = created["id"].as_str().unwrap();
    let by_id: Value = order(&c, &emu, id, "cust")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_id["order_id"], "status-1");
    assert_eq!(emu.request_count("cust"), 2);
}

#[tokio::test]
async fn order_status_errors() {
    let emu = emu();
    let c = client();
    create(&c, &emu, &valid_body("known")).await;

    let resp = order(&c, &emu, "unknown", "r").send().await.unwrap();
    expect_not_found(resp, "unknown").await;

    let resp = c
        .get(format!("{}/orders/known", emu.url()))
        .header("authorization", basic("bad"))
        .header("x-merchantid", hypercheckout_emulator::DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "r")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], "access_denied");

    let resp = c
        .get(format!("{}/orders/known", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .header("x-merchantid", hypercheckout_emulator::DEFAULT_MERCHANT_ID)
        .send()
        .await
        .unwrap();
    let (_, fields) = expect_400(resp).await;
    assert_eq!(fields, ["x-routing-id"]);
}

#[tokio::test]
async fn orders_are_per_merchant() {
    use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};
    let emu = Emulator::spawn(EmulatorConfig {
        credentials: vec![Credential::new("m1", "k1"), Credential::new("m2", "k2")],
        ..Default::default()
    })
    .unwrap();
    let c = client();
    let resp = c
        .post(format!("{}/session", emu.url()))
        .header("authorization", basic("k1"))
        .header("x-merchantid", "m1")
        .header("x-routing-id", "r")
        .json(&valid_body("shared"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let get = |m: &str, k: &str| {
        c.get(format!("{}/orders/shared", emu.url()))
            .header("authorization", basic(k))
            .header("x-merchantid", m)
            .header("x-routing-id", "r")
            .send()
    };
    assert_eq!(get("m1", "k1").await.unwrap().status(), 200);
    expect_not_found(get("m2", "k2").await.unwrap(), "shared").await;
}
