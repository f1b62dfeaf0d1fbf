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

#[tokio::test]
async fn oldest_orders_are_forgotten_past_max_orders() {
    use hypercheckout_emulator::{Emulator, EmulatorConfig};
    let emu = Emulator::spawn(EmulatorConfig {
        max_orders: 3,
        ..Default::default()
    })
    .unwrap();
    let c = client();
    let mut ids = Vec::new();
    for i in 0..5 {
        let body = create(&c, &emu, &valid_body(&format!("keep-{i}"))).await;
        ids.push(body["id"].as_str().unwrap().to_string());
        assert!(emu.order_count() <= 3);
    }
    assert_eq!(emu.order_count(), 3);
    for (i, id) in ids.iter().enumerate().take(2) {
        let resp = order(&c, &emu, &format!("keep-{i}"), "r")
            .send()
            .await
            .unwrap();
        expect_not_found(resp, &format!("keep-{i}")).await;
        let resp = order(&c, &emu, id, "r").send().await.unwrap();
        expect_not_found(resp, id).await;
        let page = c
            .get(format!("{}/orders/{id}/payment-page", emu.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 404);
    }
    for (i, id) in ids.iter().enumerate().skip(2) {
        let resp = order(&c, &emu, &format!("keep-{i}"), "r")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let resp = order(&c, &emu, id, "r").send().await.unwrap();
        assert_eq!(resp.status(), 200);
    }
    // A forgotten order id can be used again.
    create(&c, &emu, &valid_body("keep-0")).await;
    assert_eq!(emu.order_count(), 3);
    assert!(Emulator::spawn(EmulatorConfig {
        max_orders: 0,
        ..Default::default()
    })
    .is_err());
}

#[test]
fn dot_segments_and_huge_ids_are_refused_cleanly() {
    let emu = emu();
    let auth = basic(hypercheckout_emulator::DEFAULT_API_KEY);
    let get = |path: &str| {
        send_raw(
            &emu,
            format!(
                "GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\n\
                 x-merchantid: {}\r\nx-routing-id: r\r\n\r\n",
                hypercheckout_emulator::DEFAULT_MERCHANT_ID
            )
            .as_bytes(),
        )
    };
    for path in ["/orders/..", "/orders/.", "/orders/%2E%2E", "/orders/%2e"] {
        let answer = get(path);
        assert_eq!(answer.status, 400, "{path}");
        assert_eq!(
            answer.json()["error_info"]["fields"][0]["field_name"],
            "order_id"
        );
    }
    let long = "a".repeat(5_000);
    let answer = get(&format!("/orders/{long}"));
    assert_eq!(answer.status, 400);
    assert!(answer.body.len() < 1_000, "the id is not repeated");
    let answer = get(&format!("/orders/{}", "a".repeat(255)));
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["status"], "NOT_FOUND");
}

#[tokio::test]
async fn a_charged_order_has_the_fields_of_juspays_charged_bodies() {
    let emu = emu();
    let c = client();
    let mut body = valid_body("charged-1");
    body["amount"] = json!("1.00");
    let created = create(&c, &emu, &body).await;
    let id = created["id"].as_str().unwrap();
    let resp = c
        .post(format!("{}/orders/{id}/pay", emu.url()))
        .form(&[("outcome", "success")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let o: Value = order(&c, &emu, "charged-1", "r")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(o["status"], "CHARGED");
    assert_eq!(o["amount"].to_string(), "1", "Juspay writes 1, not 1.0");
    assert_eq!(o["effective_amount"].to_string(), "1");
    for key in [
        "auth_type",
        "gateway_id",
        "gateway_reference_id",
        "txn_id",
        "txn_uuid",
        "txn_detail",
        "payment_gateway_response",
        "payment_method",
        "payment_method_type",
        "card",
    ] {
        assert!(o.get(key).is_some(), "{key}");
    }
    assert_eq!(o["gateway_reference_id"], "Merchant_test");
    assert_eq!(o["refunded"], false);
    assert_eq!(o["amount_refunded"], 0);
    assert_eq!(o["refunds"], json!([]));
    assert_eq!(o["card"]["card_brand"], "VISA");
    assert_eq!(o["card"]["last_four_digits"], "1111");
    assert_eq!(o["txn_detail"]["txn_uuid"], o["txn_uuid"]);
    assert_eq!(o["txn_detail"]["txn_amount"].to_string(), "1");
}
