//! Rust programs read the SDK's records through `tracing`, their own subscriber: a retried
//! call's attempt, wait and answer are debug events, and no secret, e-mail or phone is in
//! any line (`docs/observability.md`). The bindings' sink cannot be installed beside it.
#![allow(clippy::result_large_err)]

mod common;

use std::sync::Arc;

use base64::Engine as _;
use hypercheckout::{
    set_log_sink, Client, ClientConfig, Environment, HyperCheckoutError, LogLevel, LogRecord,
    LogSink, SessionRequest,
};
use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};

const CANARY_KEY: &str = "CANARY-KEY-5d1c9e44";
const CANARY_EMAIL: &str = "canary.tracing@example.com";
const CANARY_PHONE: &str = "9999000033";

struct Unused;

impl LogSink for Unused {
    fn log(&self, _: LogRecord) {}
}

#[test]
fn a_retried_call_reaches_the_programs_subscriber() {
    let captured = common::CapturedLogs::install();
    let emulator = Emulator::spawn(EmulatorConfig {
        credentials: vec![Credential::new("tracing_merchant", CANARY_KEY)],
        default_fault: Some("503;times=1;retry-after=0".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let client = Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        ..ClientConfig::new("tracing_merchant", CANARY_KEY, Environment::Sandbox)
    })
    .unwrap();
    client
        .create_session_blocking(SessionRequest {
            customer_email: Some(CANARY_EMAIL.into()),
            customer_phone: Some(CANARY_PHONE.into()),
            ..SessionRequest::new("tracing-1", "1.00", "cust-tracing", "client")
        })
        .unwrap();
    let text = captured.text();
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{text}"))
            .to_owned()
    };
    assert!(line("sending").contains("DEBUG"));
    assert!(line("sending").contains("attempt=1"));
    let retrying = line("retrying");
    assert!(
        retrying.contains("DEBUG") && retrying.contains("wait_ms=0"),
        "{retrying}"
    );
    assert!(
        retrying.contains("reason=\"server\"") || retrying.contains("reason=server"),
        "{retrying}"
    );
    let answer = text
        .lines()
        .find(|l| l.contains("answer") && l.contains("http_status=200"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        answer.contains("request_id=") && answer.contains("latency_ms="),
        "{answer}"
    );
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{CANARY_KEY}:"));
    for canary in [CANARY_KEY, encoded.as_str(), CANARY_EMAIL, CANARY_PHONE] {
        assert!(!text.contains(canary), "{canary} in\n{text}");
    }

    let refused = set_log_sink(Arc::new(Unused), LogLevel::Debug);
    assert!(
        matches!(refused, Err(HyperCheckoutError::Configuration { .. })),
        "{refused:?}"
    );
}
