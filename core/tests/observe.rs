//! The SDK's log records and request events as a binding receives them (`observe.rs`,
//! `docs/observability.md`): through a `LogSink` and a `RequestListener`, for a call retried
//! against the emulator's fault injection; no secret and no customer e-mail or phone in any
//! record; a slow, panicking or absent observer never slows or breaks a call.
//!
//! The sink and the listener are process-wide, so the tests take turns (`TURN`).
#![allow(clippy::result_large_err)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine as _;
use hypercheckout::{
    clear_request_listener, flush_observers, observer_stats, set_log_level, set_log_sink,
    set_request_listener, Client, ClientConfig, Environment, LogLevel, LogRecord, LogSink,
    RequestEvent, RequestListener, SessionRequest,
};
use hypercheckout_emulator::{Credential, Emulator, EmulatorConfig};

const CANARY_KEY: &str = "CANARY-KEY-0b5e7d21";
const CANARY_EMAIL: &str = "canary.observe@example.com";
const CANARY_PHONE: &str = "9999000022";
const MERCHANT: &str = "observe_merchant";

static TURN: Mutex<()> = Mutex::new(());

#[derive(Default)]
struct Capture {
    records: Mutex<Vec<LogRecord>>,
    events: Mutex<Vec<RequestEvent>>,
}

impl LogSink for Capture {
    fn log(&self, record: LogRecord) {
        self.records.lock().unwrap().push(record);
    }
}

impl RequestListener for Capture {
    fn on_request(&self, event: RequestEvent) {
        self.events.lock().unwrap().push(event);
    }
}

/// Installs a fresh capture as sink (at debug) and listener; returns it with the turn.
fn capture() -> (Arc<Capture>, MutexGuard<'static, ()>) {
    let turn = TURN.lock().unwrap_or_else(|p| p.into_inner());
    assert!(flush_observers(10_000), "earlier records delivered");
    let capture = Arc::new(Capture::default());
    set_log_sink(capture.clone(), LogLevel::Debug).expect("no other subscriber in this binary");
    set_request_listener(capture.clone());
    (capture, turn)
}

fn emulator(fault: &str) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        credentials: vec![Credential::new(MERCHANT, CANARY_KEY)],
        default_fault: Some(fault.to_owned()),
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn client(emulator: &Emulator, max_retries: u32) -> Client {
    Client::new(ClientConfig {
        base_url: Some(emulator.url()),
        max_retries,
        ..ClientConfig::new(MERCHANT, CANARY_KEY, Environment::Sandbox)
    })
    .unwrap()
}

/// A request with the canary e-mail and phone, and its own routing id (the emulator counts
/// `times=` per routing id).
fn request() -> SessionRequest {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let order_id = format!("obs{}-{n}", std::process::id() % 100_000);
    SessionRequest {
        customer_email: Some(CANARY_EMAIL.into()),
        customer_phone: Some(CANARY_PHONE.into()),
        routing_id: Some(format!("route-{order_id}")),
        ..SessionRequest::new(order_id, "1.00", "cust-obs", "client")
    }
}

fn assert_no_secret(records: &[LogRecord]) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{CANARY_KEY}:"));
    for record in records {
        let text = format!("{record:?}");
        for canary in [CANARY_KEY, encoded.as_str(), CANARY_EMAIL, CANARY_PHONE] {
            assert!(!text.contains(canary), "{canary} in {text}");
        }
    }
}

fn find<'a>(records: &'a [LogRecord], message: &str, attempt: &str) -> &'a LogRecord {
    records
        .iter()
        .find(|r| {
            r.message.starts_with(message)
                && r.fields.get("attempt").map(String::as_str) == Some(attempt)
        })
        .unwrap_or_else(|| panic!("no {message:?} record for attempt {attempt} in {records:#?}"))
}

#[test]
fn a_retried_call_is_logged_and_every_attempt_is_an_event() {
    let (capture, _turn) = capture();
    let emulator = emulator("429;times=1;retry-after=0");
    let session = client(&emulator, 2)
        .create_session_blocking(request())
        .unwrap();
    assert!(flush_observers(10_000));
    let records = capture.records.lock().unwrap().clone();

    let first = find(&records, "sending", "1");
    assert_eq!(first.level, LogLevel::Debug);
    assert_eq!(first.fields["operation"], "create_session");
    let refused = find(&records, "answer", "1");
    assert_eq!(refused.fields["http_status"], "429");
    assert!(refused.fields.contains_key("latency_ms"), "{refused:?}");
    assert!(refused.fields.contains_key("request_id"), "{refused:?}");
    let retrying = find(&records, "retrying", "1");
    assert_eq!(retrying.level, LogLevel::Debug);
    assert_eq!(retrying.fields["reason"], "rate_limited");
    assert_eq!(retrying.fields["wait_ms"], "0");
    assert_eq!(retrying.fields["retry_after"], "true");
    assert!(retrying.message.contains("wait_ms=0"), "{retrying:?}");
    find(&records, "sending", "2");
    let answer = find(&records, "answer", "2");
    assert_eq!(answer.fields["http_status"], "200");
    assert!(!answer.fields["request_id"].is_empty());
    assert!(records
        .iter()
        .all(|r| r.target.starts_with("hypercheckout")));
    assert!(
        records
            .iter()
            .any(|r| r.level == LogLevel::Info && r.message.contains(&session.order_id)),
        "{records:#?}"
    );
    assert_no_secret(&records);

    let events = capture.events.lock().unwrap().clone();
    assert_eq!(events.len(), 2, "{events:#?}");
    let (first, second) = (&events[0], &events[1]);
    assert_eq!(
        (
            first.operation.as_str(),
            first.method.as_str(),
            first.path.as_str()
        ),
        ("create_session", "POST", "/session")
    );
    assert_eq!((first.attempt, first.http_status), (1, Some(429)));
    assert_eq!(first.error_kind.as_deref(), Some("rate_limited"));
    assert!(first.will_retry);
    assert_eq!(first.retry_wait_ms, Some(0));
    assert!(first.request_id.is_some());
    assert_eq!((second.attempt, second.http_status), (2, Some(200)));
    assert_eq!(second.error_kind, None);
    assert!(!second.will_retry);
    assert_eq!(second.retry_wait_ms, None);
    assert!(second.latency_ms > 0.0);
    assert!(second.request_id.is_some());
}

#[test]
fn a_failed_call_is_a_warning_without_the_customer() {
    let (capture, _turn) = capture();
    let emulator = emulator("503;retry-after=0");
    let error = client(&emulator, 1)
        .create_session_blocking(request())
        .unwrap_err();
    assert_eq!(error.http_status(), Some(503));
    assert!(flush_observers(10_000));
    let records = capture.records.lock().unwrap().clone();
    let failed = records
        .iter()
        .find(|r| r.message.starts_with("call failed"))
        .unwrap_or_else(|| panic!("{records:#?}"));
    assert_eq!(failed.level, LogLevel::Warn);
    assert_eq!(failed.fields["kind"], "server");
    assert_eq!(failed.fields["http_status"], "503");
    assert_no_secret(&records);

    let events = capture.events.lock().unwrap().clone();
    assert_eq!(events.len(), 2, "{events:#?}");
    assert!(events[0].will_retry && !events[1].will_retry);
    assert!(events
        .iter()
        .all(|e| e.error_kind.as_deref() == Some("server")));
    assert!(events.iter().all(|e| e.http_status == Some(503)));
}

#[test]
fn a_path_template_has_no_ids() {
    let (capture, _turn) = capture();
    let emulator = emulator("none");
    let client = client(&emulator, 0);
    let session = client.create_session_blocking(request()).unwrap();
    client
        .get_order_status_blocking(session.order_id.clone(), session.routing_id.clone())
        .unwrap();
    assert!(flush_observers(10_000));
    let events = capture.events.lock().unwrap().clone();
    let order = events
        .iter()
        .find(|e| e.operation == "get_order_status")
        .unwrap();
    assert_eq!(
        (order.method.as_str(), order.path.as_str()),
        ("GET", "/orders/{order_id}")
    );
    assert!(events.iter().all(|e| !e.path.contains(&session.order_id)));
}

#[test]
fn below_the_level_no_record_is_made() {
    let (capture, _turn) = capture();
    set_log_level(Some(LogLevel::Warn));
    let retried = emulator("429;times=1;retry-after=0");
    client(&retried, 2)
        .create_session_blocking(request())
        .unwrap();
    set_log_level(None);
    let failing = emulator("503;retry-after=0");
    assert!(client(&failing, 0)
        .create_session_blocking(request())
        .is_err());
    assert!(flush_observers(10_000));
    assert_eq!(capture.records.lock().unwrap().len(), 0);
    // Events do not depend on the log level.
    assert_eq!(capture.events.lock().unwrap().len(), 3);
}

struct Slow {
    slow: AtomicBool,
    seen: AtomicU32,
}

impl RequestListener for Slow {
    fn on_request(&self, _: RequestEvent) {
        if self.slow.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_secs(1));
        }
        self.seen.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn a_slow_listener_does_not_slow_the_call() {
    let (_capture, _turn) = capture();
    let slow = Arc::new(Slow {
        slow: AtomicBool::new(true),
        seen: AtomicU32::new(0),
    });
    set_request_listener(slow.clone());
    let emulator = emulator("none");
    let client = client(&emulator, 0);
    client.create_session_blocking(request()).unwrap(); // warm: connection made
    let started = Instant::now();
    for _ in 0..3 {
        client.create_session_blocking(request()).unwrap();
    }
    let elapsed = started.elapsed();
    // Three calls against a local server; with the listener on the request path they would
    // take over 3 s. Generous for a loaded machine, far below one sleeping event.
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    slow.slow.store(false, Ordering::SeqCst);
    assert!(flush_observers(10_000));
    assert_eq!(slow.seen.load(Ordering::SeqCst), 4);
    clear_request_listener();
}

struct Panics;

impl RequestListener for Panics {
    fn on_request(&self, _: RequestEvent) {
        panic!("listener bug");
    }
}

impl LogSink for Panics {
    fn log(&self, _: LogRecord) {
        panic!("sink bug");
    }
}

#[test]
fn a_panicking_listener_or_sink_is_caught_and_counted() {
    let (capture, _turn) = capture();
    set_request_listener(Arc::new(Panics));
    let before = observer_stats().callback_failures;
    let emulator = emulator("none");
    client(&emulator, 0)
        .create_session_blocking(request())
        .unwrap();
    assert!(flush_observers(10_000));
    assert_eq!(observer_stats().callback_failures, before + 1);
    let records = capture.records.lock().unwrap().clone();
    let warning = records
        .iter()
        .find(|r| r.message.starts_with("the request listener failed"))
        .unwrap_or_else(|| panic!("{records:#?}"));
    assert_eq!(warning.level, LogLevel::Warn);
    assert!(warning.message.contains("listener bug"));

    set_log_sink(Arc::new(Panics), LogLevel::Debug).unwrap();
    clear_request_listener();
    let before = observer_stats();
    client(&emulator, 0)
        .create_session_blocking(request())
        .unwrap();
    assert!(flush_observers(10_000));
    let after = observer_stats();
    assert!(after.callback_failures > before.callback_failures);
    assert!(after.logs_delivered > before.logs_delivered);
}
