//! Mandates over real HTTP: registered by paying a mandate session, status, revoke, pause and
//! resume, execution (a new order that settles), Juspay's errors, faults and webhooks.

mod common;

use common::*;
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_MERCHANT_ID};
use serde_json::{json, Value};

fn emu_with(f: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    };
    f(&mut config);
    Emulator::spawn(config).expect("emulator starts")
}

fn mandate_body(order_id: &str) -> Value {
    let mut body = valid_body(order_id);
    let obj = body.as_object_mut().unwrap();
    obj.insert("options.create_mandate".into(), json!("REQUIRED"));
    obj.insert("mandate.max_amount".into(), json!("100.00"));
    obj.insert("mandate.frequency".into(), json!("ASPRESENTED"));
    body
}

/// Pays a mandate session's order; returns the mandate id.
async fn registered(emu: &Emulator, order_id: &str, body: Value) -> String {
    charged_order_with(emu, body).await;
    let o = order_json(emu, order_id).await;
    assert_eq!(o["mandate"]["mandate_status"], "ACTIVE", "{o}");
    o["mandate"]["mandate_id"].as_str().unwrap().to_string()
}

async fn command(emu: &Emulator, mandate_id: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let resp = post(&client(), emu, &format!("/mandates/{mandate_id}"))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn execution(mandate_id: &str, order_id: &str, amount: &str) -> Vec<(String, String)> {
    [
        ("order.order_id", order_id),
        ("order.amount", amount),
        ("order.customer_id", "testing-customer-one"),
        ("mandate_id", mandate_id),
        ("merchant_id", DEFAULT_MERCHANT_ID),
        ("format", "json"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn execute(emu: &Emulator, form: &[(String, String)]) -> (u16, Value) {
    let resp = post(&client(), emu, "/txns")
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

fn with(mut form: Vec<(String, String)>, key: &str, value: Option<&str>) -> Vec<(String, String)> {
    form.retain(|(k, _)| k != key);
    if let Some(v) = value {
        form.push((key.to_string(), v.to_string()));
    }
    form
}

#[tokio::test]
async fn paying_a_mandate_session_registers_an_active_mandate() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| c.webhook_url = Some(sink.url.clone()));
    let mut body = mandate_body("mn-reg-1");
    body["mandate.frequency"] = json!("MONTHLY");
    body["mandate.rule_value"] = json!("5");
    body["mandate.start_date"] = json!("1700000000");
    body["mandate.end_date"] = json!("2700000000");
    let page = {
        let v = create(&client(), &emu, &body).await;
        client()
            .get(v["payment_links"]["web"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(page.contains("id=\"mandate\""));
    let mandate_id = registered(&emu, "mn-reg-1", body).await;
    assert_eq!(mandate_id.len(), 22);

    let o = order_json(&emu, "mn-reg-1").await;
    let m = &o["mandate"];
    assert_eq!(m["max_amount"], 100);
    assert_eq!(m["frequency"], "MONTHLY");
    assert_eq!(m["rule_value"], 5);
    assert_eq!(m["amount_rule"], "VARIABLE");
    assert_eq!(m["start_date"], "1700000000");
    assert_eq!(m["end_date"], "2700000000");
    assert_eq!(m["revokable_by_customer"], true);
    assert_eq!(m["block_fund"], false);
    assert_eq!(m["mandate_type"], "MANDATE");
    assert!(m["mandate_token"].is_string());

    let (status, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!(status, 200);
    assert_eq!(s["mandate_id"], mandate_id.as_str());
    assert_eq!(s["status"], "ACTIVE");
    assert_eq!(s["order_id"], "mn-reg-1");
    assert_eq!(s["customer_id"], "testing-customer-one");
    assert_eq!(s["currency"], "INR");
    assert_eq!(s["max_amount"], 100);
    assert!(s["mandate_debit_token"]
        .as_str()
        .unwrap()
        .starts_with("tkn_"));
    assert!(s["activated_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(s["payment_info"]["payment_method_type"], "CARD");

    // MANDATE_CREATED, the order's event (with the mandate block), MANDATE_ACTIVATED.
    let created = sink.next();
    assert_eq!(created["event_name"], "MANDATE_CREATED");
    assert_eq!(created["content"]["mandate"]["status"], "CREATED");
    assert_eq!(
        created["content"]["mandate"]["mandate_id"],
        mandate_id.as_str()
    );
    assert!(created["content"].get("order").is_none());
    let order = sink.next();
    assert_eq!(order["event_name"], "ORDER_SUCCEEDED");
    assert_eq!(
        order["content"]["order"]["mandate"]["mandate_id"],
        mandate_id.as_str()
    );
    let activated = sink.next();
    assert_eq!(activated["event_name"], "MANDATE_ACTIVATED");
    assert_eq!(activated["content"]["mandate"]["status"], "ACTIVE");

    // A plain order has no mandate block.
    charged_order(&emu, "mn-plain-1").await;
    assert!(order_json(&emu, "mn-plain-1")
        .await
        .get("mandate")
        .is_none());
}

#[tokio::test]
async fn a_failed_payment_gives_a_failed_mandate() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| c.webhook_url = Some(sink.url.clone()));
    let v = create(&client(), &emu, &mandate_body("mn-fail-1")).await;
    let resp = client()
        .post(format!(
            "{}/orders/{}/pay",
            emu.url(),
            v["id"].as_str().unwrap()
        ))
        .form(&[("outcome", "failure")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 302);
    let o = order_json(&emu, "mn-fail-1").await;
    assert_eq!(o["mandate"]["mandate_status"], "FAILURE");
    let mandate_id = o["mandate"]["mandate_id"].as_str().unwrap().to_string();
    assert_eq!(sink.next()["event_name"], "MANDATE_CREATED");
    assert_eq!(sink.next()["event_name"], "ORDER_FAILED");
    assert_eq!(sink.next()["event_name"], "MANDATE_FAILED");
    let (status, e) = execute(&emu, &execution(&mandate_id, "mn-fail-debit", "1")).await;
    assert_eq!(status, 400);
    assert_eq!(
        e,
        json!({"status": "Invalid Request", "error_code": "JP_852",
               "error_message": "Mandate is not in active State"})
    );
}

#[tokio::test]
async fn execution_makes_a_new_order_that_settles_and_can_be_refunded() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| {
        c.execution_settle_ms = 300;
        c.refund_settle_ms = 0;
        c.webhook_url = Some(sink.url.clone());
    });
    let mandate_id = registered(&emu, "mn-exe-1", mandate_body("mn-exe-1")).await;
    for _ in 0..3 {
        sink.next(); // registration events
    }
    let form = with(
        execution(&mandate_id, "mn-exe-debit-1", "99.50"),
        "mandate.execution_date",
        Some("1767225600"),
    );
    let (status, a) = execute(&emu, &form).await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["status"], "PENDING_VBV");
    assert_eq!(a["order_id"], "mn-exe-debit-1");
    assert_eq!(
        a["txn_id"],
        format!("{DEFAULT_MERCHANT_ID}-mn-exe-debit-1-1").as_str()
    );
    assert!(a["txn_uuid"].as_str().unwrap().starts_with("eul"));
    assert_eq!(a["payment"]["authentication"]["method"], "GET");
    assert!(a["payment"]["authentication"]["url"].is_string());

    // Order Status reads it: pending first, then CHARGED.
    let o = order_json(&emu, "mn-exe-debit-1").await;
    assert_eq!(o["status"], "PENDING_VBV");
    assert_eq!(o["status_id"], 23);
    assert_eq!(o["amount"].to_string(), "99.5");
    assert_eq!(o["customer_id"], "testing-customer-one");
    assert_eq!(o["mandate"]["mandate_id"], mandate_id.as_str());
    assert_eq!(o["txn_detail"]["txn_object_type"], "EMANDATE_PAYMENT");
    assert_eq!(o["txn_detail"]["source_object"], "MANDATE");
    assert_eq!(o["txn_detail"]["source_object_id"], mandate_id.as_str());
    let o = wait_for_order(&emu, "mn-exe-debit-1", |o| o["status"] == "CHARGED").await;
    assert_eq!(o["status_id"], 21);
    let event = sink.next();
    assert_eq!(event["event_name"], "ORDER_SUCCEEDED");
    assert_eq!(event["content"]["order"]["order_id"], "mn-exe-debit-1");
    assert_eq!(
        event["content"]["order"]["mandate"]["mandate_id"],
        mandate_id.as_str()
    );

    // A debit is an order like any other: it can be refunded.
    let resp = refund(&client(), &emu, "mn-exe-debit-1")
        .form(&[("unique_request_id", "mnref1"), ("amount", "9.50")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // The mandate may be debited again with a new order id, up to its max amount.
    let (status, _) = execute(&emu, &execution(&mandate_id, "mn-exe-debit-2", "100")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn execution_errors_as_juspay_lists_them() {
    let emu = emu_with(|c| c.execution_settle_ms = 600_000);
    let mandate_id = registered(&emu, "mn-err-1", mandate_body("mn-err-1")).await;
    let base = execution(&mandate_id, "mn-err-debit", "10");
    let invalid =
        |m: &str| json!({"status": "Invalid Request", "error_code": "Invalid", "error_message": m});

    let cases: Vec<(Vec<(String, String)>, Value)> = vec![
        (
            with(base.clone(), "order.amount", None),
            invalid("Amount not found in request."),
        ),
        (
            with(base.clone(), "order.amount", Some("0")),
            invalid("Invalid order amount"),
        ),
        (
            with(base.clone(), "order.amount", Some("1.234")),
            invalid("Invalid order amount"),
        ),
        (
            with(base.clone(), "order.amount", Some("100.01")),
            invalid("Order amount greater than mandate max amount (INR 100.00)"),
        ),
        (
            with(base.clone(), "order.currency", Some("USD")),
            invalid("currency not valid for mandate transaction."),
        ),
        (
            with(base.clone(), "order.customer_id", Some("someone-else")),
            invalid("order.customer_id is not the customer the mandate was created for."),
        ),
    ];
    for (form, expected) in cases {
        let (status, body) = execute(&emu, &form).await;
        assert_eq!((status, &body), (400, &expected), "{form:?}");
    }
    // Unknown mandate.
    let (status, body) = execute(
        &emu,
        &with(base.clone(), "mandate_id", Some("nosuchmandate")),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["error_message"], "Mandate not found");
    assert_eq!(body["error_info"]["code"], "RESOURCE_NOT_FOUND");
    // Missing and malformed fields, all at once, in the usual 400.
    let form = with(
        with(
            with(base.clone(), "order.customer_id", None),
            "format",
            Some("xml"),
        ),
        "mandate.execution_date",
        Some("tomorrow"),
    );
    let resp = post(&client(), &emu, "/txns")
        .form(&form)
        .send()
        .await
        .unwrap();
    let (body, fields) = expect_400(resp).await;
    assert_eq!(body["error_code"], "Mandatory fields are missing");
    assert_eq!(
        fields,
        ["order.customer_id", "format", "mandate.execution_date"]
    );
    // Strict wants merchant_id and format.
    let form = with(with(base.clone(), "merchant_id", None), "format", None);
    let resp = post(&client(), &emu, "/txns")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["merchant_id", "format"]);
    // An existing order id (the registration order's).
    let (status, body) = execute(
        &emu,
        &with(base.clone(), "order.order_id", Some("mn-err-1")),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"status_id": 40, "status": "DUPLICATE_ORDER_ID",
               "error_message": "Order already exists with the given order_id"})
    );
    // Nothing above made an order.
    let resp = order(&client(), &emu, "mn-err-debit", "routing")
        .send()
        .await
        .unwrap();
    expect_not_found(resp, "mn-err-debit").await;
}

#[tokio::test]
async fn a_fixed_mandate_debits_exactly_its_amount() {
    let emu = emu_with(|c| c.execution_settle_ms = 600_000);
    let mut body = mandate_body("mn-fix-1");
    body.as_object_mut().unwrap().remove("mandate.max_amount");
    body["mandate.amount_rule"] = json!("FIXED");
    body["amount"] = json!("25.00");
    let mandate_id = registered(&emu, "mn-fix-1", body).await;
    let (status, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!((status, &s["max_amount"]), (200, &json!(25)));
    let (status, e) = execute(&emu, &execution(&mandate_id, "mn-fix-d1", "24")).await;
    assert_eq!(status, 400);
    assert_eq!(
        e["error_message"],
        "Order amount not equal to mandate max amount."
    );
    let (status, _) = execute(&emu, &execution(&mandate_id, "mn-fix-d2", "25.0")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn execution_outcomes_and_the_settle_aid() {
    let emu = emu_with(|c| c.execution_settle_ms = 0);
    let mandate_id = registered(&emu, "mn-out-1", mandate_body("mn-out-1")).await;
    // Injected failure by header.
    let resp = post(&client(), &emu, "/txns")
        .header("x-emulator-outcome", "FAILURE")
        .form(&execution(&mandate_id, "mn-out-d1", "5"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let o = wait_for_order(&emu, "mn-out-d1", |o| o["status"] != "PENDING_VBV").await;
    assert_eq!(o["status"], "AUTHORIZATION_FAILED");
    assert_eq!(o["status_id"], 27);
    // By magic prefix; MANUAL_REVIEW is not an execution outcome.
    execute(&emu, &execution(&mandate_id, "emufail-d2", "5")).await;
    let o = wait_for_order(&emu, "emufail-d2", |o| o["status"] != "PENDING_VBV").await;
    assert_eq!(o["status"], "AUTHORIZATION_FAILED");
    let resp = post(&client(), &emu, "/txns")
        .header("x-emulator-outcome", "MANUAL_REVIEW")
        .form(&execution(&mandate_id, "mn-out-d3", "5"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["x-emulator-outcome"]);
    // Held, then settled by the aid.
    execute(&emu, &execution(&mandate_id, "emupending-d4", "5")).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    assert_eq!(
        order_json(&emu, "emupending-d4").await["status"],
        "PENDING_VBV"
    );
    let resp = client()
        .post(format!("{}/__emulator/settle", emu.url()))
        .form(&[("outcome", "SUCCESS")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.json::<Value>().await.unwrap(),
        json!({"refunds": 0, "executions": 1})
    );
    assert_eq!(order_json(&emu, "emupending-d4").await["status"], "CHARGED");
}

#[tokio::test]
async fn revoke_then_nothing_more() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| c.webhook_url = Some(sink.url.clone()));
    let mandate_id = registered(&emu, "mn-rev-1", mandate_body("mn-rev-1")).await;
    for _ in 0..3 {
        sink.next();
    }
    let (status, body) = command(&emu, &mandate_id, &[("command", "revoke")]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"mandate_status": "REVOKED", "mandate_id": mandate_id})
    );
    let event = sink.next();
    assert_eq!(event["event_name"], "MANDATE_REVOKED");
    assert_eq!(event["content"]["mandate"]["status"], "REVOKED");
    let (_, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!(s["status"], "REVOKED");
    assert_eq!(
        order_json(&emu, "mn-rev-1").await["mandate"]["mandate_status"],
        "REVOKED"
    );
    // Again: refused; and no debit.
    let (status, body) = command(&emu, &mandate_id, &[("command", "revoke")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"status": "Invalid Request", "error_code": "bad_request",
               "error_message": "Revoke is not allowed: the mandate is REVOKED"})
    );
    let (status, body) = execute(&emu, &execution(&mandate_id, "mn-rev-d1", "1")).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("JP_852")));
}

#[tokio::test]
async fn pause_and_resume() {
    let emu = emu();
    let mandate_id = registered(&emu, "mn-pau-1", mandate_body("mn-pau-1")).await;
    let (status, p) = command(
        &emu,
        &mandate_id,
        &[
            ("command", "pause"),
            ("pause_start_date", "1900000000"),
            ("pause_end_date", "1900086400"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{p}");
    assert_eq!(p["mandate_status"], "PAUSED");
    assert_eq!(p["response_message"], "Mandate is Paused.");
    assert_eq!(p["pause_start_date"], "2030-03-17T17:46:40Z");
    assert_eq!(p["pause_end_date"], "2030-03-18T17:46:40Z");
    let (status, _) = execute(&emu, &execution(&mandate_id, "mn-pau-d1", "1")).await;
    assert_eq!(status, 400);
    let (status, e) = command(&emu, &mandate_id, &[("command", "pause")]).await;
    assert_eq!(
        (status, e["error_message"].as_str()),
        (400, Some("Pause is not allowed: the mandate is PAUSED"))
    );
    let (status, r) = command(
        &emu,
        &mandate_id,
        &[("command", "resume"), ("resume_date", "1900086400")],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(r["mandate_status"], "ACTIVE");
    assert_eq!(r["response_message"], "Mandate is Resumed.");
    let (status, e) = command(&emu, &mandate_id, &[("command", "resume")]).await;
    assert_eq!(
        (status, e["error_message"].as_str()),
        (400, Some("Resume is not allowed: the mandate is ACTIVE"))
    );
    let (status, e) = command(
        &emu,
        &mandate_id,
        &[("command", "pause"), ("pause_end_date", "soon")],
    )
    .await;
    assert_eq!(
        (status, e["error_code"].as_str()),
        (400, Some("bad_request"))
    );
    let (status, _) = execute(&emu, &execution(&mandate_id, "mn-pau-d2", "1")).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn bad_commands_unknown_mandates_and_modes() {
    let emu = emu();
    let mandate_id = registered(&emu, "mn-bad-1", mandate_body("mn-bad-1")).await;
    let invalid = json!({"status": "Invalid Request", "error_code": "bad_request", "error_message": "Invalid command"});
    for form in [vec![("command", "stop")], vec![]] {
        let (status, body) = command(&emu, &mandate_id, &form).await;
        assert_eq!((status, body), (400, invalid.clone()));
    }
    let (status, body) = command(&emu, "nosuchmandate", &[("command", "check_status")]).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"status": "Invalid Request", "error_code": "bad_request",
               "error_message": "Mandate not found",
               "error_info": {"user_message": "Mandate Not Found",
                              "developer_message": "Mandate Not Found",
                              "code": "RESOURCE_NOT_FOUND", "category": "USER_ERROR"}})
    );
    // Strict: form only, POST only, auth as everywhere.
    let resp = post(&client(), &emu, &format!("/mandates/{mandate_id}"))
        .json(&json!({"command": "check_status"}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["Content-Type"]);
    let resp = client()
        .get(format!("{}/mandates/{mandate_id}", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "r")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let resp = client()
        .post(format!("{}/mandates/{mandate_id}", emu.url()))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "r")
        .form(&[("command", "check_status")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Faithful: GET works, JSON works, /txns may name the merchant in the form only.
    let emu = faithful();
    let mandate_id = registered(&emu, "mn-bad-2", mandate_body("mn-bad-2")).await;
    let resp = client()
        .get(format!("{}/mandates/{mandate_id}", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "ACTIVE");
    let resp = post(&client(), &emu, &format!("/mandates/{mandate_id}"))
        .json(&json!({"command": "check_status"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut form = execution(&mandate_id, "mn-bad-d1", "1");
    form.retain(|(k, _)| k != "format");
    let resp = client()
        .post(format!("{}/txns", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Without header or field: the header is missing.
    form.retain(|(k, _)| k != "merchant_id");
    form = with(form, "order.order_id", Some("mn-bad-d2"));
    let resp = client()
        .post(format!("{}/txns", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["x-merchantid"]);
}

#[tokio::test]
async fn lost_answers_on_revoke_and_execution() {
    let emu = emu_with(|c| c.execution_settle_ms = 600_000);
    let mandate_id = registered(&emu, "mn-lost-1", mandate_body("mn-lost-1")).await;
    // The execution is made; its answer lost; the retry meets DUPLICATE_ORDER_ID.
    let err = post(&client(), &emu, "/txns")
        .header("x-emulator-fault", "reset-after-request")
        .form(&execution(&mandate_id, "mn-lost-d1", "3"))
        .send()
        .await
        .expect_err("no answer");
    assert!(!err.is_status());
    assert_eq!(
        order_json(&emu, "mn-lost-d1").await["status"],
        "PENDING_VBV"
    );
    let (status, body) = execute(&emu, &execution(&mandate_id, "mn-lost-d1", "3")).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (400, Some("DUPLICATE_ORDER_ID"))
    );
    // The revoke is done; its answer lost; the retry is refused; the status says REVOKED.
    let err = post(&client(), &emu, &format!("/mandates/{mandate_id}"))
        .form(&[
            ("command", "revoke"),
            ("emulator_fault", "reset-after-request"),
        ])
        .send()
        .await
        .expect_err("no answer");
    assert!(!err.is_status());
    let (_, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!(s["status"], "REVOKED");
    // A 503 on a command does nothing.
    let mandate_id = registered(&emu, "mn-lost-2", mandate_body("mn-lost-2")).await;
    let resp = post(&client(), &emu, &format!("/mandates/{mandate_id}"))
        .header("x-emulator-fault", "503")
        .form(&[("command", "revoke")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    let (_, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!(s["status"], "ACTIVE");
}

#[tokio::test]
async fn expiry_and_the_status_aid() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| c.webhook_url = Some(sink.url.clone()));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut body = mandate_body("mn-exp-1");
    body["mandate.start_date"] = json!((now - 60).to_string());
    body["mandate.end_date"] = json!((now + 1).to_string());
    let mandate_id = registered(&emu, "mn-exp-1", body).await;
    for _ in 0..3 {
        sink.next();
    }
    // Past the end date, the next read finds it EXPIRED (and says so by webhook).
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (_, s) = command(&emu, &mandate_id, &[("command", "check_status")]).await;
    assert_eq!(s["status"], "EXPIRED");
    let event = sink.next();
    assert_eq!(event["event_name"], "MANDATE_EXPIRED");
    let (status, body) = execute(&emu, &execution(&mandate_id, "mn-exp-d1", "1")).await;
    assert_eq!((status, body["error_code"].as_str()), (400, Some("JP_852")));

    // The aid sets any documented state, with its webhook.
    let mandate_id = registered(&emu, "mn-exp-2", mandate_body("mn-exp-2")).await;
    for _ in 0..3 {
        sink.next();
    }
    for (status, event) in [
        ("PAUSED", "MANDATE_PAUSED"),
        ("ACTIVE", "MANDATE_ACTIVATED"),
        ("FAILURE", "MANDATE_FAILED"),
        ("REVOKED", "MANDATE_REVOKED"),
        ("EXPIRED", "MANDATE_EXPIRED"),
        ("CREATED", "MANDATE_CREATED"),
    ] {
        let resp = client()
            .post(format!(
                "{}/__emulator/mandates/{mandate_id}/status",
                emu.url()
            ))
            .form(&[("status", status)])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.json::<Value>().await.unwrap()["status"], status);
        assert_eq!(sink.next()["event_name"], event);
    }
    let resp = client()
        .post(format!(
            "{}/__emulator/mandates/{mandate_id}/status",
            emu.url()
        ))
        .form(&[("status", "ASLEEP")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let resp = client()
        .post(format!("{}/__emulator/mandates/nosuch/status", emu.url()))
        .form(&[("status", "ACTIVE")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn body_faults_take_each_endpoints_shape() {
    let emu = emu();
    let mandate_id = registered(&emu, "mn-flt-1", mandate_body("mn-flt-1")).await;
    for (path, form, key) in [
        (
            format!("/mandates/{mandate_id}"),
            vec![("command".to_string(), "check_status".to_string())],
            "max_amount",
        ),
        (
            "/txns".to_string(),
            execution(&mandate_id, "mn-flt-d1", "1"),
            "amount",
        ),
        (
            "/orders/mn-flt-1/refunds".to_string(),
            vec![("unique_request_id".to_string(), "hn1".to_string())],
            "amount",
        ),
    ] {
        let resp = post(&client(), &emu, &path)
            .header("x-emulator-fault", "huge-number")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        let text = resp.text().await.unwrap();
        assert!(text.contains(&format!("\"{key}\":1e400")), "{path}: {text}");
    }
    // Nothing was done by those answers.
    assert_eq!(order_json(&emu, "mn-flt-1").await["refunds"], json!([]));
    let resp = order(&client(), &emu, "mn-flt-d1", "routing")
        .send()
        .await
        .unwrap();
    expect_not_found(resp, "mn-flt-d1").await;
    // A wrapping fault (trickle) still answers the real thing.
    let resp = post(&client(), &emu, &format!("/mandates/{mandate_id}"))
        .header("x-emulator-fault", "trickle;ms=1")
        .form(&[("command", "check_status")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.json::<Value>().await.unwrap()["status"], "ACTIVE");
}
