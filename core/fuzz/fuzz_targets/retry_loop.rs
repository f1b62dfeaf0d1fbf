//! The client's retry loop against a scripted loopback server.
//!
//! The input (read with `arbitrary`) scripts up to four answers: a status from a small set, an
//! optional `Retry-After` (huge numbers, HTTP dates, small delays, any text) and a body of a
//! few shapes. A std::net server thread serves them in order, one connection per request. A
//! `Client` (per-attempt 1 s, overall 1.5 s, 2 retries) runs `create_session_blocking` with a
//! valid request. Properties: it returns (Ok or Err) without panicking, within the overall
//! deadline plus slack; at most 1 + max_retries requests are sent; an answer that is not
//! retryable, or a connection closed after the request was read, ends the call after one
//! request; a redirect is not followed; a first 200 with a session body is `Ok`.
#![no_main]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use arbitrary::Arbitrary;
use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use libfuzzer_sys::fuzz_target;

const TIMEOUT_MS: u64 = 1_000;
const OVERALL_MS: u64 = 1_500;
const MAX_RETRIES: u32 = 2;
/// Scheduling slack on a busy machine; a wait that ignores the deadline shows up as seconds.
const SLACK: Duration = Duration::from_millis(1_500);

const SESSION_BODY: &str = r#"{"status":"NEW","id":"ordeh_1","order_id":"ORDER","payment_links":{"web":"https://api.juspay.in/orders/ordeh_1/payment-page"},"sdk_payload":{"requestId":"r1","service":"in.juspay.hyperpay","payload":{"clientId":"client","amount":"1.00","merchantId":"m","clientAuthToken":"tkn","clientAuthTokenExpiry":"2030-01-01T00:00:00Z","environment":"sandbox","action":"paymentPage","customerId":"CUSTOMER","orderId":"ORDER"}}}"#;
const ERROR_BODY: &str =
    r#"{"status":"error","error_code":"E","error_message":"no","user_message":"no"}"#;

#[derive(Arbitrary, Debug, Clone)]
struct Answer {
    status: Status,
    retry_after: Option<RetryAfter>,
    body: Body,
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq)]
enum Status {
    S200,
    S429,
    S500,
    S502,
    S503,
    S504,
    S400,
    S401,
    S404,
    S302,
}

#[derive(Arbitrary, Debug, Clone)]
enum RetryAfter {
    U64Max,
    I64Max,
    Seconds(u8),
    Digits(u64),
    PastDate,
    SoonDate,
    Year9999,
    Text(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq)]
enum Body {
    Session,
    Error,
    Empty,
    Bytes(Vec<u8>),
    TooLarge,
    /// No answer at all: the server reads the request and closes the connection.
    Hangup,
}

impl Status {
    fn code(self) -> u16 {
        match self {
            Status::S200 => 200,
            Status::S429 => 429,
            Status::S500 => 500,
            Status::S502 => 502,
            Status::S503 => 503,
            Status::S504 => 504,
            Status::S400 => 400,
            Status::S401 => 401,
            Status::S404 => 404,
            Status::S302 => 302,
        }
    }
}

impl RetryAfter {
    fn header(&self) -> String {
        match self {
            RetryAfter::U64Max => u64::MAX.to_string(),
            RetryAfter::I64Max => i64::MAX.to_string(),
            RetryAfter::Seconds(s) => (s % 4).to_string(),
            RetryAfter::Digits(n) => n.to_string(),
            RetryAfter::PastDate => "Wed, 21 Oct 2015 07:28:00 GMT".into(),
            RetryAfter::SoonDate => {
                let soon = std::time::SystemTime::now() + Duration::from_secs(2);
                httpdate_fmt(soon)
            }
            RetryAfter::Year9999 => "Fri, 31 Dec 9999 23:59:59 GMT".into(),
            // Anything a header line can carry.
            RetryAfter::Text(t) => t.chars().filter(|c| !matches!(c, '\r' | '\n')).collect(),
        }
    }
}

/// An IMF-fixdate without pulling in a date crate.
fn httpdate_fmt(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    // Civil-from-days (Howard Hinnant).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{weekday}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        months[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

/// What the server is to answer in the current run, and what it saw.
struct Script {
    /// Requests from another run (a routing id that is not this one's) get a 400.
    routing_id: String,
    answers: Vec<Answer>,
    served: usize,
}

struct Harness {
    port: u16,
    script: &'static Mutex<Script>,
    client: Client,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let script: &'static Mutex<Script> = Box::leak(Box::new(Mutex::new(Script {
            routing_id: String::new(),
            answers: Vec::new(),
            served: 0,
        })));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let _ = serve(stream, script);
            }
        });
        let config = ClientConfig {
            base_url: Some(format!("http://127.0.0.1:{port}")),
            connect_timeout_ms: TIMEOUT_MS,
            timeout_ms: TIMEOUT_MS,
            overall_timeout_ms: OVERALL_MS,
            max_retries: MAX_RETRIES,
            ..ClientConfig::new("fuzz_merchant", "fuzz_key", Environment::Sandbox)
        };
        Harness {
            port,
            script,
            client: Client::new(config).unwrap(),
        }
    })
}

/// Reads one request (headers and a Content-Length body) and writes the next scripted answer.
fn serve(stream: TcpStream, script: &Mutex<Script>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut routing_id = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "x-routing-id" => routing_id = value.trim().to_owned(),
                "content-length" => length = value.trim().parse().unwrap_or(0),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length.min(1 << 20)];
    reader.read_exact(&mut body)?;

    let answer = {
        let mut s = script.lock().unwrap();
        if s.routing_id == routing_id {
            s.served += 1;
            s.answers.get(s.served - 1).cloned()
        } else {
            None
        }
    };
    let (status, retry_after, body) = match &answer {
        Some(a) => (
            a.status.code(),
            a.retry_after.as_ref().map(RetryAfter::header),
            a.body.clone(),
        ),
        // Past the script (or another run's request): an answer that ends the call at once.
        None => (400, None, Body::Error),
    };
    let body: Vec<u8> = match body {
        Body::Hangup => return Ok(()),
        Body::Session => SESSION_BODY.as_bytes().to_vec(),
        Body::Error => ERROR_BODY.as_bytes().to_vec(),
        Body::Empty => Vec::new(),
        Body::Bytes(b) => b,
        Body::TooLarge => vec![b' '; (1 << 20) + 1],
    };
    let mut head = format!(
        "HTTP/1.1 {status} Fuzz\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if status == 302 {
        head.push_str("Location: http://127.0.0.1:9/elsewhere\r\n");
    }
    if let Some(value) = retry_after {
        head.push_str(&format!("Retry-After: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn retryable(status: Status) -> bool {
    matches!(status.code(), 429 | 502 | 503 | 504)
}

fuzz_target!(|answers: Vec<Answer>| {
    static RUN: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let h = harness();
    let answers: Vec<Answer> = answers.into_iter().take(4).collect();
    let run = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let customer_id = format!("fuzz-{}-{run}", h.port);
    {
        let mut s = h.script.lock().unwrap();
        s.routing_id = customer_id.clone();
        s.answers = answers.clone();
        s.served = 0;
    }
    let request = SessionRequest::new(format!("order-{run}"), "1.00", customer_id, "client");

    let started = Instant::now();
    let result = h.client.create_session_blocking(request);
    let elapsed = started.elapsed();
    let served = h.script.lock().unwrap().served;

    let bound = Duration::from_millis(OVERALL_MS) + SLACK;
    assert!(
        elapsed <= bound,
        "took {elapsed:?} (bound {bound:?}): {result:?}"
    );
    assert!(
        served <= 1 + MAX_RETRIES as usize,
        "{served} requests for max_retries {MAX_RETRIES}"
    );
    // Under load an attempt may time out; that is an answer too.
    let timed_out = matches!(result, Err(HyperCheckoutError::Timeout { .. }));
    if let Some(first) = answers.first() {
        // A POST that reached the server is never repeated unless the answer says so.
        if (first.body == Body::Hangup || !retryable(first.status)) && !timed_out {
            assert_eq!(served, 1, "{first:?} was retried: {result:?}");
        }
        // Redirects are never followed: the Location (a closed port) never shows up.
        if first.status == Status::S302 {
            assert!(
                !format!("{result:?}").contains("/elsewhere"),
                "a redirect was followed: {result:?}"
            );
        }
        // ... unless the header line itself is not HTTP (a NUL or other control character
        // in the Retry-After text): the client then rightly refuses the whole answer.
        let header_ok = first
            .retry_after
            .as_ref()
            .is_none_or(|r| r.header().chars().all(|c| c == '\t' || !c.is_control()));
        if first.status == Status::S200 && first.body == Body::Session && !timed_out && header_ok {
            assert!(result.is_ok(), "a 200 with a session body gave {result:?}");
        }
    }
    if result.is_ok() {
        let last = served.checked_sub(1).and_then(|i| answers.get(i));
        assert!(
            last.is_some_and(|a| a.status == Status::S200 && a.body == Body::Session),
            "Ok from {last:?}"
        );
    }
    let _ = format!("{result:?}");
});
