//! A canary API key must never be printable: not through Debug or Display of any value the
//! SDK hands out, not in any error, not in any log line at any level (the SDK's own
//! `tracing` events and the `log` records of the HTTP stack). Customer e-mail and phone must
//! not appear at info level or above.
#![allow(clippy::result_large_err)]

mod common;

use base64::Engine as _;
use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};

const CANARY_KEY: &str = "CANARY-KEY-7f3a9c1e";
const CANARY_EMAIL: &str = "canary.customer@example.com";
const CANARY_PHONE: &str = "9999000011";
const MERCHANT: &str = "canary_merchant";

fn forbidden() -> Vec<String> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{CANARY_KEY}:"));
    vec![CANARY_KEY.to_owned(), encoded]
}

fn request(n: u32) -> SessionRequest {
    SessionRequest {
        customer_email: Some(CANARY_EMAIL.into()),
        customer_phone: Some(CANARY_PHONE.into()),
        ..SessionRequest::new(
            format!("canary-{}-{n}", std::process::id() % 100_000),
            "5.00",
            "cust-1",
            "client",
        )
    }
}

fn emulator(fault: Option<&str>, key: &str) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        credentials: vec![Credential::new(MERCHANT, key)],
        default_fault: fault.map(str::to_owned),
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn config(base_url: String) -> ClientConfig {
    ClientConfig {
        base_url: Some(base_url),
        timeout_ms: 300,
        max_retries: 1,
        ..ClientConfig::new(MERCHANT, CANARY_KEY, Environment::Sandbox)
    }
}

/// One test, because the log capture is process-global.
#[test]
fn the_api_key_never_appears_in_output() {
    let captured = common::CapturedLogs::install();

    let mut printed: Vec<String> = Vec::new();
    let mut record = |label: &str, text: String| printed.push(format!("{label}: {text}"));

    // Success, with the key accepted.
    let ok = emulator(None, CANARY_KEY);
    let client = Client::new(config(ok.url())).unwrap();
    record("client debug", format!("{client:?}"));
    record("config debug", format!("{:?}", config(ok.url())));
    let session = client.create_session_blocking(request(0)).unwrap();
    record("session debug", format!("{session:?}"));

    // Every failure path: refused key, faults, timeouts, broken connections.
    let refusing = emulator(None, "another-key");
    let mut errors: Vec<HyperCheckoutError> = Vec::new();
    errors.push(
        Client::new(config(refusing.url()))
            .unwrap()
            .create_session_blocking(request(1))
            .unwrap_err(),
    );
    for (n, fault) in [
        "500",
        "503;retry-after=0",
        "429;retry-after=0",
        "hang",
        "reset",
        "html",
        "malformed-json",
        "oversized",
    ]
    .into_iter()
    .enumerate()
    {
        let faulty = emulator(Some(fault), CANARY_KEY);
        let client = Client::new(config(faulty.url())).unwrap();
        errors.push(
            client
                .create_session_blocking(request(10 + n as u32))
                .unwrap_err(),
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    errors.push(
        Client::new(config(format!("http://127.0.0.1:{port}")))
            .unwrap()
            .create_session_blocking(request(30))
            .unwrap_err(),
    );
    errors.push(Client::new(config("http://example.com".into())).unwrap_err());
    errors.push(
        Client::new(ClientConfig {
            api_key: format!("{CANARY_KEY}\n"),
            ..config(ok.url())
        })
        .unwrap_err(),
    );
    assert_eq!(errors.len(), 12);
    for error in &errors {
        record("error display", error.to_string());
        record("error debug", format!("{error:?}"));
    }

    let logs = captured.text();
    assert!(
        logs.contains("sending"),
        "the capture saw the SDK's debug events:\n{logs}"
    );
    let mut leaks = Vec::new();
    for secret in forbidden() {
        for text in printed.iter().chain(std::iter::once(&logs)) {
            if text.contains(&secret) {
                leaks.push(format!("{secret:?} in {text}"));
            }
        }
    }
    for line in logs.lines().filter(|l| {
        [" INFO ", " WARN ", " ERROR "]
            .iter()
            .any(|lvl| l.contains(lvl))
    }) {
        for pii in [CANARY_EMAIL, CANARY_PHONE] {
            if line.contains(pii) {
                leaks.push(format!("{pii:?} at info level: {line}"));
            }
        }
    }
    assert!(leaks.is_empty(), "secrets leaked:\n{}", leaks.join("\n"));
}
