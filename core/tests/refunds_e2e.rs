//! Refunds and mandates end to end against the emulator (real HTTP on loopback, its own
//! implementation of Juspay): session, pay, order status, refund, the refund settles, order
//! status shows it; a lost answer repeated with the same key refunds once; a mandate
//! registered by a paid session is read, debited and revoked.
#![allow(clippy::result_large_err)]

use std::time::{Duration, Instant};

use hypercheckout::{
    check_order_payment, Client, ClientConfig, CreateMandate, Environment, HyperCheckoutError,
    Mandate, MandateExecution, MandateFrequency, MandateState, OrderState, OrderStatus,
    PaymentVerdict, RefundRequest, SessionRequest, REFUND_ERROR_AMOUNT_EXCEEDED,
};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

fn emulator(fault: Option<&str>) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        default_fault: fault.map(str::to_owned),
        refund_settle_ms: 150,
        execution_settle_ms: 150,
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

fn client(emulator: &Emulator, max_retries: u32) -> Client {
    Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 5_000,
        overall_timeout_ms: 15_000,
        max_retries,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    })
    .expect("valid config")
}

/// Creates a session for `order_id` and pays it on the emulator's payment page.
async fn paid_order(emulator: &Emulator, client: &Client, request: SessionRequest) -> String {
    let session = client.create_session(request).await.expect("session");
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/orders/{}/pay", emulator.url(), session.id))
        .form(&[("outcome", "success")])
        .send()
        .await
        .expect("pay");
    assert!(
        answer.status().is_success() || answer.status().is_redirection(),
        "pay: {}",
        answer.status()
    );
    session.routing_id
}

fn shop_order(order_id: &str, customer: &str) -> SessionRequest {
    SessionRequest {
        return_url: Some("https://shop.example.com/return".into()),
        ..SessionRequest::new(order_id, "100.00", customer, "shop_client")
    }
}

/// Polls the order until `done` holds (the emulator settles after 150 ms).
async fn order_until(
    client: &Client,
    order_id: &str,
    routing_id: &str,
    done: impl Fn(&OrderStatus) -> bool,
) -> OrderStatus {
    let started = Instant::now();
    loop {
        let order = client
            .get_order_status(order_id.into(), routing_id.into())
            .await
            .expect("order status");
        if done(&order) {
            return order;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "never settled: {order:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn refund_status(order: &OrderStatus, id: &str) -> Option<String> {
    order
        .refunds
        .iter()
        .find(|r| r.unique_request_id.as_deref() == Some(id))
        .and_then(|r| r.status.clone())
}

#[tokio::test]
async fn a_refund_settles_and_the_order_shows_it() {
    let emulator = emulator(None);
    let client = client(&emulator, 2);
    let routing = paid_order(&emulator, &client, shop_order("e2e-r1", "cust-r1")).await;
    let order = client
        .get_order_status("e2e-r1".into(), routing.clone())
        .await
        .unwrap();
    assert_eq!(order.status, OrderState::Charged);

    // A partial refund: PENDING at first.
    let refunded = client
        .create_refund(RefundRequest {
            amount: Some("40.00".into()),
            ..RefundRequest::new("e2e-r1", "rf-r1-1", routing.clone())
        })
        .await
        .unwrap();
    assert_eq!(
        refund_status(&refunded, "rf-r1-1").as_deref(),
        Some("PENDING")
    );

    // It settles; the order keeps CHARGED and shows the refund.
    let order = order_until(&client, "e2e-r1", &routing, |o| {
        refund_status(o, "rf-r1-1").as_deref() == Some("SUCCESS")
    })
    .await;
    assert_eq!(order.status, OrderState::Charged);
    assert_eq!(order.amount_refunded.as_deref(), Some("40"));
    assert!(matches!(
        check_order_payment(&order, "e2e-r1", "100.00", None),
        PaymentVerdict::PartiallyRefunded { .. }
    ));

    // More than is left is refused with Juspay's code; nothing changes.
    let error = client
        .create_refund(RefundRequest {
            amount: Some("60.01".into()),
            ..RefundRequest::new("e2e-r1", "rf-r1-2", routing.clone())
        })
        .await
        .unwrap_err();
    assert_eq!(
        error.error_code(),
        Some(REFUND_ERROR_AMOUNT_EXCEEDED),
        "{error:?}"
    );

    // The rest, without an amount, refunds the order in full.
    client
        .create_refund(RefundRequest::new("e2e-r1", "rf-r1-3", routing.clone()))
        .await
        .unwrap();
    let order = order_until(&client, "e2e-r1", &routing, |o| {
        refund_status(o, "rf-r1-3").as_deref() == Some("SUCCESS")
    })
    .await;
    assert_eq!(order.refunded, Some(true));
    assert_eq!(order.refunds.len(), 2, "the refused refund left no trace");
    assert!(matches!(
        check_order_payment(&order, "e2e-r1", "100.00", None),
        PaymentVerdict::Refunded { .. }
    ));
}

#[tokio::test]
async fn a_refund_repeated_after_a_lost_answer_refunds_once() {
    // The emulator carries the refund out, then resets the connection without an answer
    // (`reset-after-request`), for the first request of each routing id.
    let emulator = emulator(Some("reset-after-request;times=1"));
    let plain = client(&emulator, 0);
    // The fault also hits each routing id's first session call (nothing is done there);
    // absorb it, then the session goes through.
    let _ = plain.create_session(shop_order("e2e-r2", "cust-r2")).await;
    let routing = paid_order(&emulator, &plain, shop_order("e2e-r2", "cust-r2")).await;

    // The merchant's call, no retries: the answer is lost.
    let request = RefundRequest {
        amount: Some("25.00".into()),
        ..RefundRequest::new("e2e-r2", "rf-r2-1", "lost-r2")
    };
    let error = plain.create_refund(request.clone()).await.unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Connection { .. }),
        "{error:?}"
    );
    // The merchant repeats it with the same key: Juspay says duplicate.call, the SDK finds
    // the refund on the order and returns the order, not the error.
    let order = plain.create_refund(request.clone()).await.unwrap();
    assert_eq!(order.refunds.len(), 1, "refunded once: {order:?}");
    assert_eq!(order.amount_refunded.as_deref(), Some("25"));

    // With retries on, one call survives the lost answer by itself.
    let retrying = client(&emulator, 2);
    let order = retrying
        .create_refund(RefundRequest {
            amount: Some("30.00".into()),
            ..RefundRequest::new("e2e-r2", "rf-r2-2", "lost-r2-b")
        })
        .await
        .unwrap();
    assert_eq!(order.refunds.len(), 2, "{order:?}");
    // Lost attempt, retry (duplicate.call), the order read: the fault did hit.
    assert_eq!(emulator.request_count("lost-r2-b"), 3);
    let order = order_until(&retrying, "e2e-r2", &routing, |o| {
        o.refunds
            .iter()
            .all(|r| r.status.as_deref() == Some("SUCCESS"))
    })
    .await;
    assert_eq!(order.amount_refunded.as_deref(), Some("55"));

    // A key reused for another amount is not "already done": the refusal stands.
    let error = retrying
        .create_refund(RefundRequest {
            amount: Some("1.00".into()),
            ..RefundRequest::new("e2e-r2", "rf-r2-1", "lost-r2")
        })
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("duplicate.call"), "{error:?}");
}

fn mandate_session(order_id: &str, customer: &str) -> SessionRequest {
    SessionRequest {
        create_mandate: Some(CreateMandate::Required),
        mandate: Some(Mandate {
            max_amount: Some("500.00".into()),
            frequency: Some(MandateFrequency::Monthly),
            ..Mandate::default()
        }),
        ..shop_order(order_id, customer)
    }
}

#[tokio::test]
async fn a_mandate_is_read_debited_and_revoked() {
    let emulator = emulator(None);
    let client = client(&emulator, 2);
    let routing = paid_order(&emulator, &client, mandate_session("e2e-m1", "cust-m1")).await;
    let order = client
        .get_order_status("e2e-m1".into(), routing.clone())
        .await
        .unwrap();
    let mandate_id = order
        .mandate
        .as_ref()
        .and_then(|m| m.mandate_id.clone())
        .expect("the paid order carries its mandate");

    let mandate = client
        .get_mandate(mandate_id.clone(), routing.clone())
        .await
        .unwrap();
    assert_eq!(mandate.status, MandateState::Active);
    assert_eq!(mandate.max_amount.as_deref(), Some("500"));
    assert_eq!(mandate.customer_id.as_deref(), Some("cust-m1"));

    let execution = MandateExecution {
        order_id: "e2e-m1-debit-1".into(),
        amount: "199.00".into(),
        customer_id: "cust-m1".into(),
        mandate_id: mandate_id.clone(),
        ..MandateExecution::default()
    };
    let debit = client.execute_mandate(execution.clone()).await.unwrap();
    assert_eq!(debit.order_id, "e2e-m1-debit-1");
    assert_eq!(debit.status, OrderState::PendingVbv);
    let debited = order_until(&client, "e2e-m1-debit-1", "cust-m1", |o| {
        o.status == OrderState::Charged
    })
    .await;
    assert_eq!(debited.amount.as_deref(), Some("199"));

    // The same debit again (a merchant retry): the existing one, not DUPLICATE_ORDER_ID.
    let again = client.execute_mandate(execution.clone()).await.unwrap();
    assert_eq!(again.order_id, "e2e-m1-debit-1");
    assert_eq!(again.status, OrderState::Charged);

    // Above the mandate's limit: Juspay's refusal.
    let error = client
        .execute_mandate(MandateExecution {
            order_id: "e2e-m1-debit-2".into(),
            amount: "500.01".into(),
            ..execution.clone()
        })
        .await
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::InvalidRequest { .. }),
        "{error:?}"
    );

    let revoked = client
        .revoke_mandate(mandate_id.clone(), routing.clone())
        .await
        .unwrap();
    assert_eq!(revoked.status, MandateState::Revoked);
    // Revoking again is revoking once.
    let again = client
        .revoke_mandate(mandate_id.clone(), routing.clone())
        .await
        .unwrap();
    assert_eq!(again.status, MandateState::Revoked);
    // A revoked mandate cannot be debited.
    let error = client
        .execute_mandate(MandateExecution {
            order_id: "e2e-m1-debit-3".into(),
            ..execution
        })
        .await
        .unwrap_err();
    assert_eq!(error.error_code(), Some("JP_852"), "{error:?}");
}

#[tokio::test]
async fn a_debit_and_a_revoke_survive_lost_answers() {
    let emulator = emulator(Some("reset-after-request;times=1"));
    let client = client(&emulator, 2);
    let _ = client
        .create_session(mandate_session("e2e-m2", "cust-m2"))
        .await;
    let routing = paid_order(&emulator, &client, mandate_session("e2e-m2", "cust-m2")).await;
    let order = client
        .get_order_status("e2e-m2".into(), routing.clone())
        .await;
    // The first GET of this routing id was reset too; ask again.
    let order = match order {
        Ok(order) => order,
        Err(_) => client
            .get_order_status("e2e-m2".into(), routing.clone())
            .await
            .unwrap(),
    };
    let mandate_id = order.mandate.and_then(|m| m.mandate_id).unwrap();

    // The execution is carried out and its answer lost; the retry gets DUPLICATE_ORDER_ID
    // and the client returns the existing debit.
    let debit = client
        .execute_mandate(MandateExecution {
            order_id: "e2e-m2-debit".into(),
            amount: "10.00".into(),
            customer_id: "cust-m2".into(),
            mandate_id: mandate_id.clone(),
            routing_id: Some("lost-m2-exec".into()),
            ..MandateExecution::default()
        })
        .await
        .unwrap();
    assert_eq!(debit.order_id, "e2e-m2-debit");
    // Lost attempt, retry (DUPLICATE_ORDER_ID), the order read.
    assert_eq!(emulator.request_count("lost-m2-exec"), 3);

    // The revoke is carried out and its answer lost; the retry is refused ("not allowed:
    // REVOKED") and the client returns the revoked mandate.
    let revoked = client
        .revoke_mandate(mandate_id, "lost-m2-revoke".into())
        .await
        .unwrap();
    assert_eq!(revoked.status, MandateState::Revoked);
    // Lost attempt, refused retry, the status check.
    assert_eq!(emulator.request_count("lost-m2-revoke"), 3);
}

#[tokio::test]
async fn an_echoed_key_never_leaves_a_refund_or_mandate_error() {
    // `echo-auth`: a 401 whose message, user message and x-request-id carry the received
    // Authorization value and the key decoded from it.
    let emulator = emulator(Some("echo-auth"));
    let client = client(&emulator, 0);
    let errors = [
        client
            .create_refund(RefundRequest::new("o-1", "rf-1", "cust-1"))
            .await
            .unwrap_err(),
        client
            .get_mandate("m1".into(), "cust-1".into())
            .await
            .unwrap_err(),
        client
            .revoke_mandate("m1".into(), "cust-1".into())
            .await
            .unwrap_err(),
        client
            .execute_mandate(MandateExecution {
                order_id: "o-2".into(),
                amount: "1".into(),
                customer_id: "cust-1".into(),
                mandate_id: "m1".into(),
                ..MandateExecution::default()
            })
            .await
            .unwrap_err(),
    ];
    for error in errors {
        assert!(
            matches!(error, HyperCheckoutError::Authentication { .. }),
            "{error:?}"
        );
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(DEFAULT_API_KEY), "{shown}");
        assert!(
            !shown.contains("ZW11bGF0b3JfYXBpX2tleT"),
            "base64 of the key: {shown}"
        );
    }
}
