//! The Refund Order API over real HTTP: lifecycle, totals, Juspay's exact errors, injected
//! outcomes, the settle aid, faults (a lost answer still refunds once) and webhooks.

mod common;

use common::*;
use hypercheckout_emulator::{Emulator, EmulatorConfig};
use serde_json::{json, Value};

fn emu_with(f: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    };
    f(&mut config);
    Emulator::spawn(config).expect("emulator starts")
}

/// A strict emulator whose refunds stay PENDING until settled by hand.
fn slow() -> Emulator {
    emu_with(|c| c.refund_settle_ms = 600_000)
}

async fn refund_ok(emu: &Emulator, order_id: &str, form: &[(&str, &str)]) -> Value {
    let resp = refund(&client(), emu, order_id)
        .form(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    body
}

async fn refund_err(emu: &Emulator, order_id: &str, form: &[(&str, &str)]) -> Value {
    let resp = refund(&client(), emu, order_id)
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    resp.json().await.unwrap()
}

/// A paid order of `amount`.
async fn charged(emu: &Emulator, order_id: &str, amount: &str) -> String {
    let mut body = valid_body(order_id);
    body["amount"] = json!(amount);
    charged_order_with(emu, body).await
}

async fn settle(emu: &Emulator, form: &[(&str, &str)]) -> Value {
    let resp = client()
        .post(format!("{}/__emulator/settle", emu.url()))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    resp.json().await.unwrap()
}

#[tokio::test]
async fn full_refund_is_pending_then_succeeds_after_the_settle_delay() {
    let emu = emu_with(|c| c.refund_settle_ms = 300);
    let id = charged_order(&emu, "rf-full-1").await;
    let o = refund_ok(&emu, "rf-full-1", &[("unique_request_id", "rfnd_1")]).await;
    // The answer is the order status body with the refund block.
    assert_eq!(o["order_id"], "rf-full-1");
    assert_eq!(o["id"], id.as_str());
    assert_eq!(o["status"], "CHARGED");
    assert_eq!(o["status_id"], 21);
    assert_eq!(o["amount"], 1);
    assert_eq!(o["effective_amount"], 1);
    assert_eq!(o["amount_refunded"], 1);
    assert_eq!(o["refunded"], true);
    assert_eq!(o["maximum_eligible_refund_amount"], 0);
    let r = &o["refunds"][0];
    assert_eq!(o["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(r["unique_request_id"], "rfnd_1");
    assert_eq!(r["status"], "PENDING");
    assert_eq!(r["amount"], 1);
    assert_eq!(r["sent_to_gateway"], false);
    assert_eq!(r["refund_type"], "STANDARD");
    assert_eq!(r["initiated_by"], "API");
    assert_eq!(r["ref"], Value::Null);
    assert_eq!(r["id"], Value::Null);
    assert_eq!(r["error_code"], Value::Null);
    assert!(r["created"].as_str().unwrap().ends_with('Z'));

    // Still pending right away (300 ms), then SUCCESS without anyone settling it.
    let start = std::time::Instant::now();
    let done = wait_for_order(&emu, "rf-full-1", |o| {
        o["refunds"][0]["status"] == "SUCCESS"
    })
    .await;
    assert!(start.elapsed() >= std::time::Duration::from_millis(150));
    let r = &done["refunds"][0];
    assert_eq!(r["sent_to_gateway"], true);
    assert!(r["ref"]
        .as_str()
        .unwrap()
        .bytes()
        .all(|b| b.is_ascii_digit()));
    assert_eq!(r["id"], r["ref"]);
    assert_eq!(r["error_code"], "00");
    assert_eq!(r["error_message"], "Refund Success");
    assert_eq!(done["status"], "CHARGED");
    assert_eq!(done["refunded"], true);
    assert_eq!(done["amount_refunded"], 1);
    // The ordeh_ id reads the same order.
    assert_eq!(
        order_json(&emu, &id).await["refunds"][0]["status"],
        "SUCCESS"
    );
}

#[tokio::test]
async fn partial_refunds_add_up_and_the_rest_is_exceeded() {
    let emu = slow();
    charged(&emu, "rf-part-1", "100.15").await;
    let o = refund_ok(
        &emu,
        "rf-part-1",
        &[("unique_request_id", "p1"), ("amount", "40")],
    )
    .await;
    assert_eq!(o["amount_refunded"], 40);
    assert_eq!(o["refunded"], false);
    assert_eq!(o["maximum_eligible_refund_amount"].to_string(), "60.15");
    assert_eq!(o["effective_amount"].to_string(), "100.15");

    // More than what is left.
    let e = refund_err(
        &emu,
        "rf-part-1",
        &[("unique_request_id", "p2"), ("amount", "60.16")],
    )
    .await;
    assert_eq!(
        e,
        json!({"status_id": -1, "status": "ERROR",
               "error_message": "Refund amount exceeds the refundable amount.",
               "error_code": "invalid.amount.exceeded"})
    );
    // No amount = the rest of the order.
    let o = refund_ok(&emu, "rf-part-1", &[("unique_request_id", "p3")]).await;
    assert_eq!(o["refunds"][1]["amount"].to_string(), "60.15");
    assert_eq!(o["amount_refunded"].to_string(), "100.15");
    assert_eq!(o["refunded"], true);
    assert_eq!(o["maximum_eligible_refund_amount"], 0);
    assert_eq!(o["status"], "CHARGED");
    // Nothing left: with or without an amount.
    for form in [
        vec![("unique_request_id", "p4")],
        vec![("unique_request_id", "p5"), ("amount", "1")],
    ] {
        let e = refund_err(&emu, "rf-part-1", &form).await;
        assert_eq!(e["error_code"], "invalid.amount.exceeded");
    }
}

#[tokio::test]
async fn a_reused_unique_request_id_is_duplicate_call() {
    let emu = emu_with(|c| c.refund_settle_ms = 0);
    charged(&emu, "rf-dup-1", "10").await;
    refund_ok(
        &emu,
        "rf-dup-1",
        &[("unique_request_id", "same1"), ("amount", "2.25")],
    )
    .await;
    let expected = json!({"status_id": -1, "status": "ERROR",
        "error_message": "A refund call was already completed with this unique_request_id for the order.",
        "error_code": "duplicate.call"});
    // Same id, same or another amount, before and after it settled.
    assert_eq!(
        refund_err(
            &emu,
            "rf-dup-1",
            &[("unique_request_id", "same1"), ("amount", "2.25")]
        )
        .await,
        expected
    );
    wait_for_order(&emu, "rf-dup-1", |o| o["refunds"][0]["status"] == "SUCCESS").await;
    assert_eq!(
        refund_err(
            &emu,
            "rf-dup-1",
            &[("unique_request_id", "same1"), ("amount", "3")]
        )
        .await,
        expected
    );
    let o = order_json(&emu, "rf-dup-1").await;
    assert_eq!(o["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(o["amount_refunded"].to_string(), "2.25");
    // The id is per order: another order may use it.
    charged_order(&emu, "rf-dup-2").await;
    refund_ok(&emu, "rf-dup-2", &[("unique_request_id", "same1")]).await;
}

#[tokio::test]
async fn the_same_amount_again_within_the_window_is_duplicate_call() {
    let emu = slow();
    charged(&emu, "rf-win-1", "10").await;
    refund_ok(
        &emu,
        "rf-win-1",
        &[("unique_request_id", "w1"), ("amount", "3")],
    )
    .await;
    let e = refund_err(
        &emu,
        "rf-win-1",
        &[("unique_request_id", "w2"), ("amount", "3.00")],
    )
    .await;
    // Exactly the page's row, status_id a string there.
    assert_eq!(
        e,
        json!({"status_id": "-1", "status": "ERROR",
               "error_message": "A refund call was already processing with this amount for the order.",
               "error_code": "duplicate.call"})
    );
    // Another amount is fine.
    refund_ok(
        &emu,
        "rf-win-1",
        &[("unique_request_id", "w3"), ("amount", "3.01")],
    )
    .await;

    // With the window off, the same amount twice is two refunds.
    let emu = emu_with(|c| c.duplicate_refund_window_ms = 0);
    charged(&emu, "rf-win-2", "10").await;
    refund_ok(
        &emu,
        "rf-win-2",
        &[("unique_request_id", "w1"), ("amount", "3")],
    )
    .await;
    let o = refund_ok(
        &emu,
        "rf-win-2",
        &[("unique_request_id", "w2"), ("amount", "3")],
    )
    .await;
    assert_eq!(o["amount_refunded"], 6);
}

#[tokio::test]
async fn unknown_and_unpaid_orders() {
    let emu = emu();
    let resp = refund(&client(), &emu, "no-such-order")
        .form(&[("unique_request_id", "u1")])
        .send()
        .await
        .unwrap();
    expect_not_found(resp, "no-such-order").await;

    create(&client(), &emu, &valid_body("rf-new-1")).await;
    let e = refund_err(&emu, "rf-new-1", &[("unique_request_id", "u1")]).await;
    assert_eq!(
        e,
        json!({"status_id": -1, "status": "ERROR",
               "error_message": "Cannot process unsuccessful order.",
               "error_code": "invalid.order.not_successful"})
    );
    // Another merchant's order is unknown too.
    let emu2 = Emulator::spawn(EmulatorConfig {
        credentials: vec![
            hypercheckout_emulator::Credential::default(),
            hypercheckout_emulator::Credential::new("other_merchant", "other_key"),
        ],
        ..EmulatorConfig::default()
    })
    .unwrap();
    charged_order(&emu2, "rf-mine-1").await;
    let resp = client()
        .post(format!("{}/orders/rf-mine-1/refunds", emu2.url()))
        .header("authorization", basic("other_key"))
        .header("x-merchantid", "other_merchant")
        .form(&[("unique_request_id", "u1")])
        .send()
        .await
        .unwrap();
    expect_not_found(resp, "rf-mine-1").await;
}

#[tokio::test]
async fn field_rules_in_strict_mode() {
    let emu = slow();
    charged_order(&emu, "rf-val-1").await;
    // Missing unique_request_id: Juspay's "Mandatory fields are missing".
    let resp = refund(&client(), &emu, "rf-val-1")
        .form(&[("amount", "1")])
        .send()
        .await
        .unwrap();
    let (body, fields) = expect_400(resp).await;
    assert_eq!(body["error_code"], "Mandatory fields are missing");
    assert_eq!(fields, ["unique_request_id"]);
    // All problems at once: a 21-character id, a special character, a bad amount.
    let resp = refund(&client(), &emu, "rf-val-1")
        .form(&[
            ("unique_request_id", "a".repeat(21).as_str()),
            ("amount", "1.005"),
        ])
        .send()
        .await
        .unwrap();
    let (body, fields) = expect_400(resp).await;
    assert_eq!(body["error_code"], "invalid_request");
    assert_eq!(fields, ["unique_request_id", "amount"]);
    let resp = refund(&client(), &emu, "rf-val-1")
        .form(&[("unique_request_id", "a b")])
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["unique_request_id"]);
    // 20 characters with _ and - are fine.
    refund_ok(
        &emu,
        "rf-val-1",
        &[
            ("unique_request_id", "ab_cd-ef_gh-ij_kl-mn"),
            ("amount", "1"),
        ],
    )
    .await;
}

#[tokio::test]
async fn amount_zero_and_the_strict_minimum() {
    let emu = slow();
    charged(&emu, "rf-min-1", "10").await;
    let invalid = json!({"status_id": -1, "status": "ERROR",
        "error_message": "Amount is invalid.", "error_code": "invalid amount"});
    for amount in ["0", "0.00"] {
        assert_eq!(
            refund_err(
                &emu,
                "rf-min-1",
                &[("unique_request_id", "z1"), ("amount", amount)]
            )
            .await,
            invalid
        );
    }
    // Strict: at least 1 INR.
    assert_eq!(
        refund_err(
            &emu,
            "rf-min-1",
            &[("unique_request_id", "z2"), ("amount", "0.99")]
        )
        .await,
        invalid
    );
    // Faithful takes less.
    let emu = Emulator::spawn(EmulatorConfig {
        refund_settle_ms: 600_000,
        ..EmulatorConfig::default()
    })
    .unwrap();
    charged(&emu, "rf-min-2", "10").await;
    let o = refund_ok(
        &emu,
        "rf-min-2",
        &[("unique_request_id", "z2"), ("amount", "0.99")],
    )
    .await;
    assert_eq!(o["amount_refunded"].to_string(), "0.99");
    let e = refund_err(
        &emu,
        "rf-min-2",
        &[("unique_request_id", "z3"), ("amount", "0")],
    )
    .await;
    assert_eq!(e, invalid);
}

#[tokio::test]
async fn encodings_and_headers_per_mode() {
    // Strict: form only; x-routing-id and the colon in the key required, like every call.
    let emu = slow();
    charged(&emu, "rf-enc-1", "10").await;
    let resp = refund(&client(), &emu, "rf-enc-1")
        .json(&json!({"unique_request_id": "j1", "amount": "1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["Content-Type"]);
    let resp = client()
        .post(format!("{}/orders/rf-enc-1/refunds", emu.url()))
        .header(
            "authorization",
            basic(hypercheckout_emulator::DEFAULT_API_KEY),
        )
        .header("x-merchantid", hypercheckout_emulator::DEFAULT_MERCHANT_ID)
        .form(&[("unique_request_id", "j1")])
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["x-routing-id"]);
    let resp = client()
        .post(format!("{}/orders/rf-enc-1/refunds", emu.url()))
        .header("authorization", basic("wrong_key"))
        .header("x-merchantid", hypercheckout_emulator::DEFAULT_MERCHANT_ID)
        .header("x-routing-id", "routing")
        .form(&[("unique_request_id", "j1")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error_code"], "access_denied");

    // Faithful: JSON too (number amounts), a long id like Juspay's Simpl sample, no
    // x-routing-id, the colon-less key the Node SDK sends.
    let emu = Emulator::spawn(EmulatorConfig {
        refund_settle_ms: 600_000,
        ..EmulatorConfig::default()
    })
    .unwrap();
    charged(&emu, "rf-enc-2", "10").await;
    let resp = client()
        .post(format!("{}/orders/rf-enc-2/refunds", emu.url()))
        .header(
            "authorization",
            format!(
                "Basic {}",
                base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    hypercheckout_emulator::DEFAULT_API_KEY
                )
            ),
        )
        .header("x-merchantid", hypercheckout_emulator::DEFAULT_MERCHANT_ID)
        .json(&json!({"unique_request_id": "refund_7800a8ed-eb1f-42a4-b6e0-f3798737cf03", "amount": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let o: Value = resp.json().await.unwrap();
    assert_eq!(o["amount_refunded"], 2);
    assert_eq!(
        o["refunds"][0]["unique_request_id"],
        "refund_7800a8ed-eb1f-42a4-b6e0-f3798737cf03"
    );
}

#[tokio::test]
async fn injected_failure_does_not_count_and_frees_the_amount() {
    let emu = emu_with(|c| c.refund_settle_ms = 0);
    charged(&emu, "rf-fail-1", "10").await;
    let resp = refund(&client(), &emu, "rf-fail-1")
        .header("x-emulator-outcome", "FAILURE")
        .form(&[("unique_request_id", "f1"), ("amount", "10")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let o: Value = resp.json().await.unwrap();
    assert_eq!(o["refunds"][0]["status"], "PENDING");
    let o = wait_for_order(&emu, "rf-fail-1", |o| {
        o["refunds"][0]["status"] == "FAILURE"
    })
    .await;
    let r = &o["refunds"][0];
    assert_eq!(r["id"], "f1");
    assert_eq!(r["ref"], Value::Null);
    assert_eq!(r["sent_to_gateway"], true);
    assert_eq!(o["amount_refunded"], 0);
    assert_eq!(o["refunded"], false);
    assert_eq!(o["maximum_eligible_refund_amount"], 10);
    // "You have to try again with a new unique_request_id": the whole amount is refundable.
    let o = refund_ok(&emu, "rf-fail-1", &[("unique_request_id", "f2")]).await;
    assert_eq!(o["refunds"][1]["amount"], 10);
    // A bad outcome value is a field error.
    let resp = refund(&client(), &emu, "rf-fail-1")
        .header("x-emulator-outcome", "MAYBE")
        .form(&[("unique_request_id", "f3")])
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["x-emulator-outcome"]);
}

#[tokio::test]
async fn manual_review_by_magic_prefix_and_by_field_counts() {
    let emu = emu_with(|c| c.refund_settle_ms = 0);
    charged(&emu, "rf-rev-1", "10").await;
    refund_ok(
        &emu,
        "rf-rev-1",
        &[("unique_request_id", "emureview1"), ("amount", "4")],
    )
    .await;
    refund_ok(
        &emu,
        "rf-rev-1",
        &[
            ("unique_request_id", "r2"),
            ("amount", "5"),
            ("emulator_outcome", "MANUAL_REVIEW"),
        ],
    )
    .await;
    let o = wait_for_order(&emu, "rf-rev-1", |o| {
        o["refunds"][0]["status"] == "MANUAL_REVIEW" && o["refunds"][1]["status"] == "MANUAL_REVIEW"
    })
    .await;
    // Money in review is not refundable again.
    assert_eq!(o["amount_refunded"], 9);
    assert_eq!(o["maximum_eligible_refund_amount"], 1);
    assert!(o["refunds"][0]["ref"].is_string());
}

#[tokio::test]
async fn the_settle_aid_settles_at_once_and_can_choose_the_outcome() {
    let emu = slow();
    charged(&emu, "rf-set-1", "10").await;
    charged(&emu, "rf-set-2", "10").await;
    refund_ok(
        &emu,
        "rf-set-1",
        &[("unique_request_id", "s1"), ("amount", "1")],
    )
    .await;
    refund_ok(
        &emu,
        "rf-set-1",
        &[("unique_request_id", "emupending1"), ("amount", "2")],
    )
    .await;
    refund_ok(
        &emu,
        "rf-set-2",
        &[("unique_request_id", "s3"), ("amount", "3")],
    )
    .await;
    // Nothing settles by itself for ten minutes.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(
        order_json(&emu, "rf-set-1").await["refunds"][0]["status"],
        "PENDING"
    );
    // One order only; the "stay pending" refund stays.
    assert_eq!(
        settle(&emu, &[("order_id", "rf-set-1")]).await,
        json!({"refunds": 1, "executions": 0})
    );
    let o = order_json(&emu, "rf-set-1").await;
    assert_eq!(o["refunds"][0]["status"], "SUCCESS");
    assert_eq!(o["refunds"][1]["status"], "PENDING");
    assert_eq!(
        order_json(&emu, "rf-set-2").await["refunds"][0]["status"],
        "PENDING"
    );
    // A forced outcome settles everything still pending, the held one too.
    assert_eq!(
        settle(&emu, &[("outcome", "FAILURE")]).await,
        json!({"refunds": 2, "executions": 0})
    );
    assert_eq!(
        order_json(&emu, "rf-set-1").await["refunds"][1]["status"],
        "FAILURE"
    );
    assert_eq!(
        order_json(&emu, "rf-set-2").await["refunds"][0]["status"],
        "FAILURE"
    );
    assert_eq!(
        settle(&emu, &[]).await,
        json!({"refunds": 0, "executions": 0})
    );
    let resp = client()
        .post(format!("{}/__emulator/settle?outcome=PENDING", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
}

#[tokio::test]
async fn a_lost_answer_still_refunds_once_and_the_retry_is_duplicate_call() {
    let emu = slow();
    charged(&emu, "rf-lost-1", "10").await;
    // The answer is lost (the socket is reset after the request was read and acted on).
    let err = refund(&client(), &emu, "rf-lost-1")
        .header("x-emulator-fault", "reset-after-request")
        .form(&[("unique_request_id", "lost1"), ("amount", "4")])
        .send()
        .await
        .expect_err("no answer");
    assert!(!err.is_status(), "{err}");
    let o = order_json(&emu, "rf-lost-1").await;
    assert_eq!(o["refunds"].as_array().unwrap().len(), 1);
    assert_eq!(o["refunds"][0]["unique_request_id"], "lost1");
    assert_eq!(o["amount_refunded"], 4);
    // The client's retry with the same id: duplicate.call, nothing refunded twice.
    let e = refund_err(
        &emu,
        "rf-lost-1",
        &[("unique_request_id", "lost1"), ("amount", "4")],
    )
    .await;
    assert_eq!(e["error_code"], "duplicate.call");
    assert_eq!(order_json(&emu, "rf-lost-1").await["amount_refunded"], 4);

    // The same through the body field (a client that cannot add headers).
    let err = refund(&client(), &emu, "rf-lost-1")
        .form(&[
            ("unique_request_id", "lost2"),
            ("amount", "1"),
            ("emulator_fault", "reset-after-request"),
        ])
        .send()
        .await
        .expect_err("no answer");
    assert!(!err.is_status());
    assert_eq!(order_json(&emu, "rf-lost-1").await["amount_refunded"], 5);
}

#[tokio::test]
async fn a_5xx_or_slow_fault_on_a_refund() {
    let emu = slow();
    charged(&emu, "rf-5xx-1", "10").await;
    // A 503 answers before anything is done.
    let resp = refund(&client(), &emu, "rf-5xx-1")
        .header("x-emulator-fault", "503;retry-after=1")
        .form(&[("unique_request_id", "x1")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 503);
    assert_eq!(resp.headers()["retry-after"], "1");
    assert_eq!(order_json(&emu, "rf-5xx-1").await["amount_refunded"], 0);
    // times=1: the retry goes through.
    for expected in [503, 200] {
        let resp = refund(&client(), &emu, "rf-5xx-1")
            .header("x-emulator-fault", "503;times=1")
            .form(&[("unique_request_id", "x2"), ("amount", "2")])
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), expected);
    }
    // delay answers normally, late.
    let start = std::time::Instant::now();
    let resp = refund(&client(), &emu, "rf-5xx-1")
        .header("x-emulator-fault", "delay;ms=300")
        .form(&[("unique_request_id", "x3"), ("amount", "3")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(start.elapsed() >= std::time::Duration::from_millis(300));
    assert_eq!(order_json(&emu, "rf-5xx-1").await["amount_refunded"], 5);
    // Refund requests are counted under their routing id.
    assert!(emu.request_count("routing") >= 4);
}

#[tokio::test]
async fn refund_webhooks_in_order() {
    let sink = WebhookSink::start();
    let emu = emu_with(|c| {
        c.refund_settle_ms = 0;
        c.webhook_url = Some(sink.url.clone());
    });
    charged(&emu, "rf-hook-1", "10").await;
    assert_eq!(sink.next()["event_name"], "ORDER_SUCCEEDED");
    refund_ok(
        &emu,
        "rf-hook-1",
        &[("unique_request_id", "h1"), ("amount", "2")],
    )
    .await;
    let initiated = sink.next();
    assert_eq!(initiated["event_name"], "REFUND_INITIATED");
    assert!(initiated["id"].as_str().unwrap().starts_with("evt_"));
    let order = &initiated["content"]["order"];
    assert_eq!(order["order_id"], "rf-hook-1");
    assert_eq!(order["refunds"][0]["status"], "PENDING");
    let refunded = sink.next();
    assert_eq!(refunded["event_name"], "ORDER_REFUNDED");
    let order = &refunded["content"]["order"];
    assert_eq!(order["status"], "CHARGED");
    assert_eq!(order["refunds"][0]["status"], "SUCCESS");
    assert_eq!(order["amount_refunded"], 2);
    assert_eq!(order["refunded"], false);

    refund_ok(
        &emu,
        "rf-hook-1",
        &[("unique_request_id", "emufail2"), ("amount", "3")],
    )
    .await;
    assert_eq!(sink.next()["event_name"], "REFUND_INITIATED");
    let failed = sink.next();
    assert_eq!(failed["event_name"], "ORDER_REFUND_FAILED");
    assert_eq!(
        failed["content"]["order"]["refunds"][1]["status"],
        "FAILURE"
    );

    refund_ok(
        &emu,
        "rf-hook-1",
        &[("unique_request_id", "emureview3"), ("amount", "4")],
    )
    .await;
    assert_eq!(sink.next()["event_name"], "REFUND_INITIATED");
    let review = sink.next();
    assert_eq!(review["event_name"], "REFUND_MANUAL_REVIEW_NEEDED");
    assert_eq!(review["content"]["order"]["amount_refunded"], 6);
    // An error answer sends nothing.
    refund_err(&emu, "rf-hook-1", &[("unique_request_id", "h1")]).await;
    assert!(sink.none_within(300));
}

#[tokio::test]
async fn the_cli_flags_reach_the_config() {
    use clap::Parser as _;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        args: hypercheckout_emulator::EmulatorArgs,
    }
    let cli = Cli::parse_from([
        "x",
        "--refund-settle-ms",
        "5",
        "--execution-settle-ms",
        "6",
        "--duplicate-refund-window-ms",
        "0",
    ]);
    let config = cli.args.to_config().unwrap();
    assert_eq!(config.refund_settle_ms, 5);
    assert_eq!(config.execution_settle_ms, 6);
    assert_eq!(config.duplicate_refund_window_ms, 0);
    let defaults = Cli::parse_from(["x"]).args.to_config().unwrap();
    assert_eq!(defaults.refund_settle_ms, 200);
    assert_eq!(defaults.execution_settle_ms, 200);
    assert_eq!(defaults.duplicate_refund_window_ms, 5_000);
}
