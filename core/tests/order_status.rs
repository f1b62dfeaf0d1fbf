//! `get_order_status` against the emulator: every documented status, the typed fields, the
//! headers on the wire, routing ids, errors and the read-only retry policy.
#![allow(clippy::result_large_err)]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use hypercheckout::{
    amounts_equal, Client, ClientConfig, Environment, HyperCheckoutError, OrderState, Session,
    SessionRequest, ORDER_STATUS_API_VERSION,
};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

fn emulator(fault: Option<&str>) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        default_fault: fault.map(str::to_owned),
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

fn client_for(emulator: &Emulator) -> Client {
    Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 5_000,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    })
    .unwrap()
}

fn order_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "os{}-{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn create(client: &Client, customer_id: &str) -> Session {
    let request = SessionRequest {
        return_url: Some("https://shop.merchant.com/return".into()),
        udf1: Some("gold tier".into()),
        udf6: Some("a&b=c".into()),
        ..SessionRequest::new(order_id(), "100.15", customer_id, "client")
    };
    client.create_session_blocking(request).unwrap()
}

/// The emulator's test-only way to move an order to any status.
fn set_status(emulator: &Emulator, id: &str, status: &str) {
    let url = format!("{}/__emulator/orders/{id}/status", emulator.url());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime
        .block_on(
            reqwest::Client::new()
                .post(url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(format!("status={status}"))
                .send(),
        )
        .unwrap();
    assert_eq!(answer.status(), 200, "set status {status}");
}

#[test]
fn every_documented_status_is_typed() {
    let emulator = emulator(None);
    let client = client_for(&emulator);
    let session = create(&client, "cust-1");
    let fresh = client
        .get_order_status_blocking(session.order_id.clone(), "cust-1".into())
        .unwrap();
    assert_eq!(fresh.status, OrderState::New);
    assert_eq!(fresh.status_id, Some(10));

    let states: Vec<OrderState> = OrderState::documented().collect();
    assert_eq!(states.len(), 19);
    for state in states {
        set_status(&emulator, &session.id, &state.wire_name());
        let order = client
            .get_order_status_blocking(session.order_id.clone(), "cust-1".into())
            .unwrap();
        assert_eq!(order.status, state);
        assert_eq!(order.status_id, state.documented_id(), "{state}");
        assert_eq!(order.status.is_paid(), state == OrderState::Charged);
    }

    set_status(&emulator, &session.id, "SETTLEMENT_HELD;99");
    let order = client
        .get_order_status_blocking(session.order_id.clone(), "cust-1".into())
        .unwrap();
    assert_eq!(
        order.status,
        OrderState::Unknown {
            name: "SETTLEMENT_HELD".into()
        }
    );
    assert_eq!(order.status_id, Some(99));
    assert!(!order.status.is_paid());
}

#[tokio::test]
async fn fields_of_a_new_order() {
    let emulator = emulator(None);
    let client = client_for(&emulator);
    let request = SessionRequest {
        return_url: Some("https://shop.merchant.com/return".into()),
        currency: Some("INR".into()),
        udf1: Some("gold tier".into()),
        udf6: Some("a&b=c".into()),
        ..SessionRequest::new(order_id(), "100.15", "cust-7", "client")
    };
    let session = client.create_session(request).await.unwrap();
    let order = client
        .get_order_status(session.order_id.clone(), "cust-7".into())
        .await
        .unwrap();
    assert_eq!(order.order_id, session.order_id);
    assert_eq!(order.id.as_deref(), Some(session.id.as_str()));
    assert_eq!(order.amount.as_deref(), Some("100.15"));
    assert!(amounts_equal(order.amount.as_deref().unwrap(), "100.150"));
    assert_eq!(order.currency.as_deref(), Some("INR"));
    assert_eq!(order.customer_id.as_deref(), Some("cust-7"));
    assert_eq!(order.udf1.as_deref(), Some("gold tier"));
    assert_eq!(order.udf6.as_deref(), Some("a&b=c"));
    assert_eq!(order.udf2.as_deref(), Some(""));
    let raw: serde_json::Value = serde_json::from_str(&order.raw_json).unwrap();
    assert_eq!(raw["merchant_id"], DEFAULT_MERCHANT_ID);
    assert!(raw["payment_links"]["web"].is_string());
}

#[test]
fn the_session_routing_id_travels_to_order_status() {
    let emulator = emulator(None);
    let client = client_for(&emulator);
    let session = create(&client, "cust-2");
    assert_eq!(session.routing_id, "cust-2");
    client
        .get_order_status_blocking(session.order_id.clone(), session.routing_id.clone())
        .unwrap();
    // The session and this call, both under the customer's routing id.
    assert_eq!(emulator.request_count("cust-2"), 2);
    assert_eq!(emulator.request_count(&session.order_id), 0);
    let missing = client
        .get_order_status_blocking(session.order_id.clone(), String::new())
        .unwrap_err();
    assert_eq!(missing.violations()[0].field, "routing_id");
}

#[test]
fn unknown_order_is_not_found() {
    let emulator = emulator(None);
    let client = client_for(&emulator);
    let error = client
        .get_order_status_blocking("no-such-order".into(), "cust-default".into())
        .unwrap_err();
    assert!(
        matches!(
            error,
            HyperCheckoutError::NotFound {
                http_status: 400,
                ref status,
                ref user_message,
                ..
            } if status.as_deref() == Some("NOT_FOUND")
                && user_message.as_deref() == Some("Order Not Found")
        ),
        "{error:?}"
    );
    let error = client
        .get_order_status_blocking(String::new(), "cust-default".into())
        .unwrap_err();
    assert_eq!(error.violations()[0].field, "order_id");
}

#[test]
fn wrong_key_is_an_authentication_error() {
    let emulator = emulator(None);
    let client = Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, "wrong", Environment::Sandbox)
    })
    .unwrap();
    let error = client
        .get_order_status_blocking("any".into(), "cust-default".into())
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Authentication { .. }),
        "{error:?}"
    );
}

/// A read is retried on 500; a session is not (see `tests/client.rs`).
#[test]
fn a_500_is_retried_for_reads() {
    let emulator = emulator(Some("500;times=1"));
    let client = client_for(&emulator);
    // The session's routing id takes its one 500 first (sessions are not retried on 500).
    let request = SessionRequest {
        return_url: Some("https://shop.merchant.com/return".into()),
        ..SessionRequest::new(order_id(), "5", "cust-500", "client")
    };
    let first = client.create_session_blocking(request.clone()).unwrap_err();
    assert!(matches!(first, HyperCheckoutError::Server { .. }));
    let session = client.create_session_blocking(request).unwrap();
    let order = client
        .get_order_status_blocking(session.order_id.clone(), "read-route".into())
        .unwrap();
    assert_eq!(order.status, OrderState::New);
    assert_eq!(emulator.request_count("read-route"), 2);
}

#[test]
fn retries_stop_at_the_limit_for_reads() {
    let emulator = emulator(Some("503;retry-after=0"));
    let client = client_for(&emulator);
    let error = client
        .get_order_status_blocking("o-1".into(), "limit".into())
        .unwrap_err();
    assert!(matches!(
        error,
        HyperCheckoutError::Server {
            http_status: 503,
            ..
        }
    ));
    assert_eq!(emulator.request_count("limit"), 3);
}

#[tokio::test]
async fn blocking_inside_a_runtime_is_refused() {
    let emulator = emulator(None);
    let client = client_for(&emulator);
    let error = client
        .get_order_status_blocking("o".into(), "cust-default".into())
        .unwrap_err();
    assert!(matches!(error, HyperCheckoutError::Configuration { .. }));
}

/// The exact request on the wire, seen by a bare TCP listener.
#[test]
fn sends_the_documented_request() {
    let (port, server) = common::serve_once(
        "200 OK",
        r#"{"order_id":"a/b c","status":"CHARGED","status_id":21,"amount":1.10}"#,
    );
    let client = Client::new(ClientConfig {
        base_url: Some(format!("http://127.0.0.1:{port}/base")),
        ..ClientConfig::new("merchant_x", "key_abc", Environment::Sandbox)
    })
    .unwrap();
    let order = client
        .get_order_status_blocking("a/b c".into(), "cust-9".into())
        .unwrap();
    assert_eq!(order.amount.as_deref(), Some("1.10"));
    let seen = server.join().unwrap();
    assert_eq!(seen.request_line, "GET /base/orders/a%2Fb%20c HTTP/1.1");
    let headers = seen.headers;
    assert_eq!(headers["authorization"], "Basic a2V5X2FiYzo=");
    assert_eq!(headers["x-merchantid"], "merchant_x");
    assert_eq!(headers["x-routing-id"], "cust-9");
    assert_eq!(headers["version"], ORDER_STATUS_API_VERSION);
    assert!(!headers.contains_key("content-type"), "{headers:?}");
    assert!(!headers.contains_key("content-length"), "{headers:?}");
}
