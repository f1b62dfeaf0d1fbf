//! The merchant-flow paths never print a secret: not the API key (order status calls, their
//! errors and logs), not the response key (signature checks, payment verdicts), not the
//! webhook password or the Authorization header carrying it. Same approach as `secrets.rs`:
//! canary values, every Debug/Display we hand out, and all log output at TRACE.
#![allow(clippy::result_large_err)]

mod common;

use std::collections::HashMap;

use base64::Engine as _;
use hypercheckout::{
    check_payment, parse_webhook, verify_return_url_signature,
    verify_return_url_signature_from_query, verify_webhook_auth, Client, ClientConfig, Environment,
    SessionRequest,
};
use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};

const CANARY_API_KEY: &str = "CANARY-API-KEY-51c0";
const CANARY_RESPONSE_KEY: &str = "CANARY-RESPONSE-KEY-9d2e";
const CANARY_WEBHOOK_PASSWORD: &str = "CANARY-HOOK-PASS-4b7a";
const MERCHANT: &str = "canary_merchant";

fn emulator(fault: Option<&str>, api_key: &str) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        credentials: vec![Credential::new(MERCHANT, api_key)],
        default_fault: fault.map(str::to_owned),
        response_key: CANARY_RESPONSE_KEY.into(),
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn client_for(emulator: &Emulator) -> Client {
    Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 300,
        max_retries: 1,
        ..ClientConfig::new(MERCHANT, CANARY_API_KEY, Environment::Sandbox)
    })
    .unwrap()
}

/// One test: the log capture is process-global.
#[test]
fn no_secret_appears_in_output() {
    let captured = common::CapturedLogs::install();
    let mut printed: Vec<String> = Vec::new();

    // A paid order, through the whole flow.
    let ok = emulator(None, CANARY_API_KEY);
    let client = client_for(&ok);
    let session = client
        .create_session_blocking(SessionRequest {
            return_url: Some("https://shop.merchant.com/return".into()),
            ..SessionRequest::new("canary-flow-1", "5.00", "cust", "client")
        })
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let location = runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = http
            .post(format!("{}/orders/{}/pay", ok.url(), session.id))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await
            .unwrap();
        answer.headers()["location"].to_str().unwrap().to_owned()
    });
    let order = client
        .get_order_status_blocking(session.order_id.clone(), "cust-default".into())
        .unwrap();
    printed.push(format!("{order:?}"));
    let redirect: HashMap<String, String> = url::Url::parse(&location)
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    for key in [CANARY_RESPONSE_KEY, "wrong key", ""] {
        printed.push(format!("{:?}", verify_return_url_signature(&redirect, key)));
        printed.push(format!(
            "{:?}",
            verify_return_url_signature_from_query(&location, key)
        ));
        for amount in ["5", "6"] {
            let verdict = check_payment(
                &redirect,
                key,
                &order,
                &session.order_id,
                amount,
                Some("XYZ".into()),
            );
            printed.push(format!("{verdict:?}"));
            printed.push(verdict.to_string());
        }
    }

    // Order status failures.
    let mut errors = Vec::new();
    errors.push(
        Client::new(ClientConfig {
            base_url: Some(emulator(None, "another").url()),
            ..ClientConfig::new(MERCHANT, CANARY_API_KEY, Environment::Sandbox)
        })
        .unwrap()
        .get_order_status_blocking("o".into(), "cust-default".into())
        .unwrap_err(),
    );
    for fault in [
        "500",
        "503;retry-after=0",
        "hang",
        "reset",
        "html",
        "malformed-json",
    ] {
        let faulty = emulator(Some(fault), CANARY_API_KEY);
        errors.push(
            client_for(&faulty)
                .get_order_status_blocking("o".into(), "cust-default".into())
                .unwrap_err(),
        );
    }
    errors.push(
        client
            .get_order_status_blocking("none".into(), "cust-default".into())
            .unwrap_err(),
    );

    // Webhooks.
    let header = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("hooks:{CANARY_WEBHOOK_PASSWORD}"))
    );
    for password in [CANARY_WEBHOOK_PASSWORD, "wrong"] {
        printed.push(verify_webhook_auth(&header, "hooks", password).to_string());
    }
    errors.push(parse_webhook("{not json").unwrap_err());
    errors
        .push(parse_webhook(r#"{"id":"e","event_name":"X","content":{"order":{}}}"#).unwrap_err());
    for error in &errors {
        printed.push(error.to_string());
        printed.push(format!("{error:?}"));
    }

    let logs = captured.text();
    assert!(logs.contains("fetching order status"), "{logs}");
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let forbidden = [
        CANARY_API_KEY.to_owned(),
        b64(&format!("{CANARY_API_KEY}:")),
        CANARY_RESPONSE_KEY.to_owned(),
        CANARY_WEBHOOK_PASSWORD.to_owned(),
        header.clone(),
        b64(&format!("hooks:{CANARY_WEBHOOK_PASSWORD}")),
    ];
    let mut leaks = Vec::new();
    for secret in &forbidden {
        for text in printed.iter().chain(std::iter::once(&logs)) {
            if text.contains(secret.as_str()) {
                leaks.push(format!("{secret:?} in {text}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
