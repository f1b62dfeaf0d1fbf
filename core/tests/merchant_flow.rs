//! The whole merchant flow against the emulator, over real HTTP: create a session, open the
//! payment page, pay, follow the signed redirect, verify it with the SDK, confirm the order
//! with the Order Status API and decide with `check_payment`; plus the webhook and the
//! emulator's `redirect_base` testing aid.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::atomic::{AtomicU32, Ordering};

use hypercheckout::{
    check_payment, parse_webhook, verify_return_url_signature,
    verify_return_url_signature_from_query, verify_webhook_auth, Client, ClientConfig, Environment,
    OrderState, PaymentVerdict, Session, SessionRequest, SignatureVerdict, WebhookEventName,
};
use hypercheckout_emulator::{
    Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID, DEFAULT_RESPONSE_KEY,
};

const RETURN_URL: &str = "https://shop.merchant.com/return";

fn client_for(emulator: &Emulator) -> Client {
    Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    })
    .unwrap()
}

fn order_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "mf{}-{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn create(client: &Client, amount: &str) -> Session {
    let request = SessionRequest {
        return_url: Some(RETURN_URL.into()),
        currency: Some("INR".into()),
        ..SessionRequest::new(order_id(), amount, "cust-flow", "client")
    };
    client.create_session(request).await.unwrap()
}

/// What a browser does: load `payment_links.web`, submit the form of `button_id`, and
/// return the redirect's `Location` (not followed: it points at the merchant's site).
async fn pay(session: &Session, button_id: &str) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(&session.payment_link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&session.order_id), "{html}");
    // The form holding the button: `<form method="post" action="...">...<button id="pay"`.
    let button = html
        .find(&format!("id=\"{button_id}\""))
        .expect("button on the page");
    let form = html[..button]
        .rfind("<form")
        .expect("form around the button");
    let action_at = html[form..].find("action=\"").unwrap() + form + 8;
    let action = &html[action_at..action_at + html[action_at..].find('"').unwrap()];
    let outcome_at = html[form..button]
        .find("name=\"outcome\" value=\"")
        .unwrap()
        + form
        + 22;
    let outcome = &html[outcome_at..outcome_at + html[outcome_at..].find('"').unwrap()];
    let base = url::Url::parse(&session.payment_link).unwrap();
    let answer = http
        .post(base.join(action).unwrap())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("outcome={outcome}"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// The redirect's query as a framework hands it over: decoded, one value per name.
fn params(location: &str) -> HashMap<String, String> {
    url::Url::parse(location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn full_local_flow_ends_paid() {
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = client_for(&emulator);
    let session = create(&client, "149.90").await;

    let location = pay(&session, "pay").await;
    assert!(
        location.starts_with(&format!("{RETURN_URL}?")),
        "{location}"
    );

    // 1. The redirect is Juspay's.
    assert_eq!(
        verify_return_url_signature_from_query(&location, DEFAULT_RESPONSE_KEY),
        SignatureVerdict::Valid
    );
    let redirect = params(&location);
    assert_eq!(
        verify_return_url_signature(&redirect, DEFAULT_RESPONSE_KEY),
        SignatureVerdict::Valid
    );
    assert_eq!(redirect["order_id"], session.order_id);
    assert_eq!(redirect["status"], "CHARGED");

    // 2. The Order Status API agrees.
    let order = client
        .get_order_status(redirect["order_id"].clone(), "cust-flow".into())
        .await
        .unwrap();
    assert_eq!(order.status, OrderState::Charged);
    assert_eq!(order.status_id, Some(21));
    assert!(order.raw_json.contains("txn_detail"));

    // 3. Paid, for this amount.
    let verdict = check_payment(
        &redirect,
        DEFAULT_RESPONSE_KEY,
        &order,
        &session.order_id,
        "149.9",
        Some("INR".into()),
    );
    assert_eq!(verdict, PaymentVerdict::Paid);
    assert!(verdict.is_paid());
}

#[tokio::test]
async fn every_failed_check_is_named() {
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = client_for(&emulator);

    // A failed payment is signed too, but not CHARGED.
    let failed = create(&client, "10").await;
    let location = pay(&failed, "fail").await;
    let redirect = params(&location);
    assert_eq!(redirect["status"], "AUTHORIZATION_FAILED");
    let order = client
        .get_order_status(failed.order_id.clone(), "cust-default".into())
        .await
        .unwrap();
    assert_eq!(
        check_payment(
            &redirect,
            DEFAULT_RESPONSE_KEY,
            &order,
            &failed.order_id,
            "10",
            None
        ),
        PaymentVerdict::NotCharged {
            status: OrderState::AuthorizationFailed
        }
    );

    // A paid order, checked against the wrong expectations.
    let paid = create(&client, "10").await;
    let redirect = params(&pay(&paid, "pay").await);
    let order = client
        .get_order_status(paid.order_id.clone(), "cust-default".into())
        .await
        .unwrap();
    let check = |redirect: &HashMap<String, String>,
                 key: &str,
                 id: &str,
                 amount: &str,
                 currency: Option<&str>| {
        check_payment(
            redirect,
            key,
            &order,
            id,
            amount,
            currency.map(str::to_owned),
        )
    };
    assert_eq!(
        check(
            &redirect,
            DEFAULT_RESPONSE_KEY,
            &paid.order_id,
            "10.00",
            None
        ),
        PaymentVerdict::Paid
    );
    assert_eq!(
        check(&redirect, "another key", &paid.order_id, "10", None),
        PaymentVerdict::BadSignature {
            verdict: SignatureVerdict::Invalid
        }
    );
    let mut forged = redirect.clone();
    forged.insert("order_id".into(), failed.order_id.clone());
    assert!(matches!(
        check(&forged, DEFAULT_RESPONSE_KEY, &failed.order_id, "10", None),
        PaymentVerdict::BadSignature { .. }
    ));
    let mut unsigned = redirect.clone();
    unsigned.remove("signature");
    assert_eq!(
        check(&unsigned, DEFAULT_RESPONSE_KEY, &paid.order_id, "10", None),
        PaymentVerdict::BadSignature {
            verdict: SignatureVerdict::MissingSignature
        }
    );
    assert_eq!(
        check(
            &redirect,
            DEFAULT_RESPONSE_KEY,
            &failed.order_id,
            "10",
            None
        ),
        PaymentVerdict::OrderIdMismatch {
            expected_order_id: failed.order_id.clone(),
            redirect_order_id: Some(paid.order_id.clone()),
            status_order_id: paid.order_id.clone(),
        }
    );
    assert_eq!(
        check(
            &redirect,
            DEFAULT_RESPONSE_KEY,
            &paid.order_id,
            "10.01",
            None
        ),
        PaymentVerdict::AmountMismatch {
            expected_amount: "10.01".into(),
            charged_amount: Some("10".into()),
        }
    );
    assert!(matches!(
        check(
            &redirect,
            DEFAULT_RESPONSE_KEY,
            &paid.order_id,
            "10",
            Some("USD")
        ),
        PaymentVerdict::CurrencyMismatch { .. }
    ));
}

#[tokio::test]
async fn redirect_base_sends_the_customer_to_a_local_handler() {
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        redirect_base: Some("http://127.0.0.1:9".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = client_for(&emulator);
    let session = create(&client, "1").await;
    let location = pay(&session, "pay").await;
    assert!(
        location.starts_with("http://127.0.0.1:9/return?order_id="),
        "{location}"
    );
    assert_eq!(
        verify_return_url_signature_from_query(&location, DEFAULT_RESPONSE_KEY),
        SignatureVerdict::Valid
    );
    assert!(Emulator::spawn(EmulatorConfig {
        strict: true,
        redirect_base: Some("http://127.0.0.1:9/path".into()),
        ..EmulatorConfig::default()
    })
    .is_err());
}

#[tokio::test]
async fn webhook_is_authenticated_and_parsed() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let receiver = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream);
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        let length: usize = headers["content-length"].parse().unwrap();
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        reader
            .get_mut()
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
            .unwrap();
        (headers, String::from_utf8(body).unwrap())
    });
    let emulator = Emulator::spawn(EmulatorConfig {
        strict: true,
        webhook_url: Some(format!("http://127.0.0.1:{port}/hooks/juspay")),
        webhook_username: Some("hooks".into()),
        webhook_password: Some("hook-pass".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = client_for(&emulator);
    let session = create(&client, "42.50").await;
    pay(&session, "pay").await;
    let (headers, body) = tokio::task::spawn_blocking(move || receiver.join().unwrap())
        .await
        .unwrap();

    let authorization = &headers["authorization"];
    assert!(verify_webhook_auth(authorization, "hooks", "hook-pass"));
    assert!(!verify_webhook_auth(authorization, "hooks", "hook-pas"));
    assert!(!verify_webhook_auth("", "hooks", "hook-pass"));

    let event = parse_webhook(&body).unwrap();
    assert_eq!(event.event_name, WebhookEventName::OrderSucceeded);
    assert!(event.id.as_deref().is_some_and(|id| id.starts_with("evt_")));
    let order = event.order.expect("an order event");
    assert_eq!(order.order_id, session.order_id);
    assert_eq!(order.status, OrderState::Charged);
    assert!(hypercheckout::amounts_equal(
        order.amount.as_deref().unwrap(),
        "42.5"
    ));
}
