//! Observability for the bindings: the SDK's log records into the host's logger, and one
//! request event per attempt for the host's metrics. `docs/observability.md` is the guide.
//!
//! Rust programs need none of this: the client logs through `tracing` (install any
//! subscriber), and may still use [`set_request_listener`] for metrics.
//!
//! **Logs.** A Python, JVM or Swift host has no `tracing` subscriber, so [`set_log_sink`]
//! installs one, process-wide, that turns the crate's own events (target `hypercheckout...`;
//! not the HTTP stack's) into [`LogRecord`]s for a foreign [`LogSink`]. The binding tells it
//! the most verbose level its logger wants ([`set_log_level`]); tracing caches that as its
//! global max level, so a disabled debug record costs one relaxed atomic load on the request
//! path, the same as with no logging at all. The trade-off: when the host makes its logger
//! more verbose later, the SDK learns it only when told (the bindings re-read the level when
//! a client is made, and expose a refresh).
//!
//! **Events.** [`set_request_listener`] installs a process-wide [`RequestListener`]; the
//! client builds a [`RequestEvent`] after every attempt only while one is installed.
//!
//! **Never on the request path.** Host code may be slow (a file handler, a blocked GIL) or
//! throw. So neither sink is called by the request: a record or event goes into a bounded
//! queue (`QUEUE_CAPACITY`) and one delivery thread per kind calls the host. When a queue is
//! full the item is dropped and counted ([`observer_stats`]), never waited for: a listener
//! that sleeps one second per event slows nothing but its own queue. A panic or foreign
//! exception in a sink is caught on the delivery thread and counted; a failing listener is
//! also logged as a warning. [`flush_observers`] waits, bounded, for what is queued (tests,
//! shutdown).
//!
//! The delivery threads enter host code only through `exit::call_host`, so after
//! `prepare_for_exit` no record reaches a host that is shutting down (the reason is the one
//! in `exit.rs`), and they are per process (`runtime::PerProcess`): a forked child starts its
//! own on first use.
//!
//! What a record may hold: the client never logs the API key, the Authorization header, a
//! request or answer body, or an error's message or body excerpt (an answer could echo the
//! customer's e-mail or phone); it logs kinds, statuses, codes, ids, timings and URLs.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

use crate::error::HyperCheckoutError;
use crate::exit;
use crate::runtime::PerProcess;

/// Items waiting for a delivery thread, per kind, before new ones are dropped. A retried
/// call makes about ten records; this holds hundreds of calls' worth while the host catches up.
pub const QUEUE_CAPACITY: usize = 4096;

/// A log record's severity, most severe first. The bindings map it onto the host's levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, uniffi::Enum)]
pub enum LogLevel {
    /// A call failed after it was sent, or the SDK could not do what it was asked.
    Error,
    /// A call failed (the error the caller gets), or a sink failed.
    Warn,
    /// A call started or succeeded (order ids, statuses).
    Info,
    /// Each attempt, retry (reason, wait) and answer (status, latency, request id).
    Debug,
    /// Finer detail; the SDK emits none today.
    Trace,
}

impl LogLevel {
    fn rank(self) -> u8 {
        match self {
            LogLevel::Error => 1,
            LogLevel::Warn => 2,
            LogLevel::Info => 3,
            LogLevel::Debug => 4,
            LogLevel::Trace => 5,
        }
    }

    fn from_tracing(level: tracing::Level) -> Self {
        match level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }
}

/// One log record of the SDK, as the host's logger receives it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LogRecord {
    /// Its severity.
    pub level: LogLevel,
    /// The Rust module that wrote it, e.g. `hypercheckout::client`.
    pub target: String,
    /// One line: the event, then its fields as `name=value`, e.g.
    /// `"retrying attempt=1 reason=rate_limited http_status=429 wait_ms=1000"`.
    pub message: String,
    /// The same fields, for structured logging (`extra`, MDC, metadata).
    pub fields: HashMap<String, String>,
}

/// Receives the SDK's log records, on the SDK's delivery thread (never on the request's).
/// Implemented by each binding over the host's logger, which installs it as the log sink.
#[uniffi::export(foreign)]
pub trait LogSink: Send + Sync {
    /// Called once per record, in order. Should not block for long: records queue up behind
    /// it and are dropped when the queue is full.
    fn log(&self, record: LogRecord);
}

/// One attempt of an API call, for metrics: what was called, how it ended, what follows.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RequestEvent {
    /// Which call, as the same text in every language: `"create_session"`,
    /// `"get_order_status"`, `"create_refund"`, `"get_mandate"`, `"revoke_mandate"` or
    /// `"execute_mandate"`.
    pub operation: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The path with its ids left out, e.g. `/orders/{order_id}`: safe as a metric label.
    pub path: String,
    /// 1 for the first attempt, 2 for the first retry, ...
    pub attempt: u32,
    /// The answer's HTTP status; none when no answer came (timeout, connection failure).
    pub http_status: Option<u16>,
    /// From sending to the end of the answer (or the failure), in milliseconds.
    pub latency_ms: f64,
    /// Juspay's request id (`x-request-id` and similar), when the answer had one.
    pub request_id: Option<String>,
    /// The error kind this attempt ended with, snake case like the error's variant
    /// (`rate_limited`, `server`, `timeout`, `connection`, ...); none when it succeeded.
    pub error_kind: Option<String>,
    /// Whether the client tries again after this attempt.
    pub will_retry: bool,
    /// The wait before that retry, in milliseconds.
    pub retry_wait_ms: Option<u64>,
}

/// Receives one `RequestEvent` per attempt, on the SDK's delivery thread, once installed as
/// the request listener.
#[uniffi::export(foreign)]
pub trait RequestListener: Send + Sync {
    /// Called once per attempt, in order. A slow listener delays only later events (dropped
    /// when the queue is full), never a call.
    fn on_request(&self, event: RequestEvent);
}

/// Counters of the delivery threads since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct ObserverStats {
    /// Log records handed to the sink.
    pub logs_delivered: u64,
    /// Log records dropped because the queue was full.
    pub logs_dropped: u64,
    /// Request events handed to the listener.
    pub events_delivered: u64,
    /// Request events dropped because the queue was full.
    pub events_dropped: u64,
    /// Sink or listener calls that panicked or threw.
    pub callback_failures: u64,
}

/// Installs `sink` as the receiver of the SDK's log records at `max_level` and above, for
/// the whole process (replacing an earlier sink). For hosts without a `tracing` subscriber:
/// it installs the SDK's own as the global one, and fails with `Configuration` if the
/// program already has one (a Rust program: read the records there).
#[uniffi::export]
pub fn set_log_sink(sink: Arc<dyn LogSink>, max_level: LogLevel) -> Result<(), HyperCheckoutError> {
    static BRIDGE: std::sync::Once = std::sync::Once::new();
    static BRIDGED: AtomicBool = AtomicBool::new(false);
    BRIDGE.call_once(|| {
        BRIDGED.store(
            tracing::subscriber::set_global_default(Bridge).is_ok(),
            Relaxed,
        );
    });
    if !BRIDGED.load(Relaxed) {
        return Err(HyperCheckoutError::Configuration {
            reason: "a tracing subscriber is already installed in this process; the SDK's records go to it".into(),
        });
    }
    *LOG_SINK.write().unwrap_or_else(PoisonError::into_inner) = Some(sink);
    set_log_level(Some(max_level));
    Ok(())
}

/// Changes the most verbose level the sink receives; none stops all records (the sink stays
/// installed). Bindings call it when the host's logger level may have changed.
#[uniffi::export]
pub fn set_log_level(max_level: Option<LogLevel>) {
    MAX_LEVEL.store(max_level.map_or(0, LogLevel::rank), Relaxed);
    // tracing caches each call site's interest and the global max level: recompute them.
    tracing::callsite::rebuild_interest_cache();
}

/// Removes the log sink: no more records are made for it.
#[uniffi::export]
pub fn clear_log_sink() {
    set_log_level(None);
    *LOG_SINK.write().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Installs `listener` to receive a `RequestEvent` after every attempt of every client in
/// the process (replacing an earlier listener).
#[uniffi::export]
pub fn set_request_listener(listener: Arc<dyn RequestListener>) {
    *LISTENER.write().unwrap_or_else(PoisonError::into_inner) = Some(listener);
    LISTENING.store(true, Relaxed);
}

/// Removes the request listener: no more events are made.
#[uniffi::export]
pub fn clear_request_listener() {
    LISTENING.store(false, Relaxed);
    *LISTENER.write().unwrap_or_else(PoisonError::into_inner) = None;
}

/// Waits until every record and event queued before this call (and the records their
/// delivery made) has been handed to the sink and listener, waiting at most the timeout
/// given (milliseconds); true if
/// they all were. Tests use it, and a host may
/// before it exits.
#[uniffi::export]
pub fn flush_observers(timeout_ms: u64) -> bool {
    let deadline = Instant::now() + Duration::from_millis(timeout_ms);
    // Events first: delivering one can log (a failing listener), logging never makes events.
    EVENTS.wait_for(EVENTS.queued.load(Relaxed), deadline)
        && LOGS.wait_for(LOGS.queued.load(Relaxed), deadline)
}

/// The delivery threads' counters.
#[uniffi::export]
pub fn observer_stats() -> ObserverStats {
    ObserverStats {
        logs_delivered: LOGS.delivered.load(Relaxed),
        logs_dropped: LOGS.dropped.load(Relaxed),
        events_delivered: EVENTS.delivered.load(Relaxed),
        events_dropped: EVENTS.dropped.load(Relaxed),
        callback_failures: FAILURES.load(Relaxed),
    }
}

/// The calls the client makes, each with its path template for `RequestEvent::path`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operation {
    CreateSession,
    GetOrderStatus,
    CreateRefund,
    GetMandate,
    RevokeMandate,
    ExecuteMandate,
}

impl Operation {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Operation::CreateSession => "create_session",
            Operation::GetOrderStatus => "get_order_status",
            Operation::CreateRefund => "create_refund",
            Operation::GetMandate => "get_mandate",
            Operation::RevokeMandate => "revoke_mandate",
            Operation::ExecuteMandate => "execute_mandate",
        }
    }

    /// The path without ids (the paths themselves are built in `wire.rs`, `order.rs`,
    /// `refund.rs` and `mandate.rs`).
    pub(crate) fn path_template(self) -> &'static str {
        match self {
            Operation::CreateSession => "/session",
            Operation::GetOrderStatus => "/orders/{order_id}",
            Operation::CreateRefund => "/orders/{order_id}/refunds",
            Operation::GetMandate | Operation::RevokeMandate => "/mandates/{mandate_id}",
            Operation::ExecuteMandate => "/txns",
        }
    }
}

/// The error's variant in snake case, for `RequestEvent::error_kind` and the records.
pub(crate) fn error_kind(error: &HyperCheckoutError) -> &'static str {
    match error {
        HyperCheckoutError::Validation { .. } => "validation",
        HyperCheckoutError::Authentication { .. } => "authentication",
        HyperCheckoutError::InvalidRequest { .. } => "invalid_request",
        HyperCheckoutError::NotFound { .. } => "not_found",
        HyperCheckoutError::RateLimited { .. } => "rate_limited",
        HyperCheckoutError::Server { .. } => "server",
        HyperCheckoutError::Timeout { .. } => "timeout",
        HyperCheckoutError::Connection { .. } => "connection",
        HyperCheckoutError::Certificate { .. } => "certificate",
        HyperCheckoutError::UnexpectedResponse { .. } => "unexpected_response",
        HyperCheckoutError::NotAuthentic { .. } => "not_authentic",
        HyperCheckoutError::Configuration { .. } => "configuration",
        HyperCheckoutError::Internal { .. } => "internal",
    }
}

/// The request id an error carries, when it came from an answer.
pub(crate) fn error_request_id(error: &HyperCheckoutError) -> Option<&str> {
    match error {
        HyperCheckoutError::Authentication { request_id, .. }
        | HyperCheckoutError::InvalidRequest { request_id, .. }
        | HyperCheckoutError::NotFound { request_id, .. }
        | HyperCheckoutError::RateLimited { request_id, .. }
        | HyperCheckoutError::Server { request_id, .. }
        | HyperCheckoutError::UnexpectedResponse { request_id, .. } => request_id.as_deref(),
        _ => None,
    }
}

/// Whether a listener is installed; the client builds events only then.
pub(crate) fn listening() -> bool {
    LISTENING.load(Relaxed)
}

/// Queues `event` for the listener (dropped and counted if the queue is full).
pub(crate) fn emit(event: RequestEvent) {
    if listening() {
        EVENTS.push(event, deliver_event);
    }
}

/// 0: off; otherwise `LogLevel::rank` of the most verbose level wanted.
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
static LOG_SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
static LISTENING: AtomicBool = AtomicBool::new(false);
static LISTENER: RwLock<Option<Arc<dyn RequestListener>>> = RwLock::new(None);
static FAILURES: AtomicU64 = AtomicU64::new(0);
static LOGS: Delivery<LogRecord> = Delivery::new("hypercheckout-logs");
static EVENTS: Delivery<RequestEvent> = Delivery::new("hypercheckout-events");

fn deliver_log(record: LogRecord) {
    let sink = LOG_SINK
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(sink) = sink {
        if call_guarded(|| sink.log(record)).is_err() {
            // Not logged: the sink that failed is where it would go.
            FAILURES.fetch_add(1, Relaxed);
        }
    }
}

fn deliver_event(event: RequestEvent) {
    let listener = LISTENER
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    if let Some(listener) = listener {
        if let Err(reason) = call_guarded(|| listener.on_request(event)) {
            FAILURES.fetch_add(1, Relaxed);
            tracing::warn!(reason = %reason, "the request listener failed; the call was not affected");
        }
    }
}

/// Calls host code unless the process is exiting; a panic (a foreign exception arrives as
/// one) becomes its message.
fn call_guarded(f: impl FnOnce()) -> Result<(), String> {
    let outcome = exit::call_host(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    match outcome {
        None | Some(Ok(())) => Ok(()),
        Some(Err(payload)) => Err(payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned())),
    }
}

/// A bounded queue and the thread that empties it into the host.
struct Delivery<T> {
    thread_name: &'static str,
    capacity: usize,
    sender: PerProcess<SyncSender<T>>,
    /// Items accepted into the queue, and items taken out and handled (delivered, skipped
    /// for want of a sink, or failed): `flush_observers` compares the two.
    queued: AtomicU64,
    done: AtomicU64,
    delivered: AtomicU64,
    dropped: AtomicU64,
}

impl<T: Send + 'static> Delivery<T> {
    const fn new(thread_name: &'static str) -> Self {
        Self::with_capacity(thread_name, QUEUE_CAPACITY)
    }

    const fn with_capacity(thread_name: &'static str, capacity: usize) -> Self {
        Self {
            thread_name,
            capacity,
            sender: PerProcess::new(),
            queued: AtomicU64::new(0),
            done: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
        }
    }

    fn push(&'static self, item: T, deliver: fn(T)) {
        let sender = self.sender.get_or_try_init(|| {
            let (sender, receiver) = sync_channel(self.capacity);
            std::thread::Builder::new()
                .name(self.thread_name.into())
                .spawn(move || self.run(receiver, deliver))
                .map(|_| sender)
        });
        let Ok(sender) = sender else {
            self.dropped.fetch_add(1, Relaxed);
            return;
        };
        // Counted before it can be taken out, so `done` never passes `queued`.
        self.queued.fetch_add(1, Relaxed);
        match sender.try_send(item) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {
                self.queued.fetch_sub(1, Relaxed);
                self.dropped.fetch_add(1, Relaxed);
            }
        }
    }

    /// Waits until `target` items have been handled, or `deadline` (false then).
    fn wait_for(&self, target: u64, deadline: Instant) -> bool {
        while self.done.load(Relaxed) < target {
            if Instant::now() >= deadline || exit::is_exiting() {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }

    fn run(&self, receiver: Receiver<T>, deliver: fn(T)) {
        while let Ok(item) = receiver.recv() {
            deliver(item);
            self.delivered.fetch_add(1, Relaxed);
            self.done.fetch_add(1, Relaxed);
        }
    }
}

/// The process-wide `tracing` subscriber `set_log_sink` installs: the crate's own events at
/// the current level become `LogRecord`s; spans are not used by the crate and are ignored.
struct Bridge;

fn ours(metadata: &Metadata<'_>) -> bool {
    metadata.target().starts_with("hypercheckout")
}

fn wanted(metadata: &Metadata<'_>) -> bool {
    ours(metadata) && LogLevel::from_tracing(*metadata.level()).rank() <= MAX_LEVEL.load(Relaxed)
}

impl Subscriber for Bridge {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if wanted(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        wanted(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(match MAX_LEVEL.load(Relaxed) {
            0 => LevelFilter::OFF,
            1 => LevelFilter::ERROR,
            2 => LevelFilter::WARN,
            3 => LevelFilter::INFO,
            4 => LevelFilter::DEBUG,
            _ => LevelFilter::TRACE,
        })
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let metadata = event.metadata();
        let mut fields = Fields::default();
        event.record(&mut fields);
        let mut message = fields.message;
        for (name, value) in &fields.ordered {
            message.push(' ');
            message.push_str(name);
            message.push('=');
            message.push_str(value);
        }
        LOGS.push(
            LogRecord {
                level: LogLevel::from_tracing(*metadata.level()),
                target: metadata.target().to_owned(),
                message,
                fields: fields.ordered.into_iter().collect(),
            },
            deliver_log,
        );
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[derive(Default)]
struct Fields {
    message: String,
    ordered: Vec<(String, String)>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.put(field, format!("{value:?}"));
    }
}

impl Fields {
    fn put(&mut self, field: &Field, value: String) {
        if field.name() == "message" {
            self.message = value;
        } else {
            self.ordered.push((field.name().to_owned(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicBool;

    static BLOCKED: AtomicBool = AtomicBool::new(true);
    static SMALL: Delivery<u32> = Delivery::with_capacity("hypercheckout-test", 2);

    static TAKEN: AtomicBool = AtomicBool::new(false);

    fn held(_: u32) {
        TAKEN.store(true, Relaxed);
        while BLOCKED.load(Relaxed) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_without_waiting() {
        SMALL.push(0, held); // taken by the thread, which then holds it
        let deadline = Instant::now() + Duration::from_secs(10);
        while !TAKEN.load(Relaxed) {
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(1));
        }
        let started = Instant::now();
        for n in 1..=10 {
            SMALL.push(n, held);
        }
        assert!(started.elapsed() < Duration::from_secs(1));
        // One in the thread's hands, two in the queue, the rest dropped.
        assert_eq!(SMALL.dropped.load(Relaxed), 8);
        BLOCKED.store(false, Relaxed);
        while SMALL.done.load(Relaxed) < 3 {
            assert!(Instant::now() < deadline);
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(SMALL.queued.load(Relaxed), 3);
    }

    #[test]
    fn levels_rank_from_error_to_trace() {
        assert!(LogLevel::Error.rank() < LogLevel::Warn.rank());
        assert!(LogLevel::Debug.rank() < LogLevel::Trace.rank());
        assert_eq!(
            LogLevel::from_tracing(tracing::Level::DEBUG),
            LogLevel::Debug
        );
    }
}
