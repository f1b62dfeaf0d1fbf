//! The client against the emulator over real loopback HTTP: success, every error kind, every
//! fault, timeouts, retries counted at the emulator, and concurrency.
#![allow(clippy::result_large_err)]

mod common;

use std::io::Read;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hypercheckout::{
    Client, ClientConfig, CreateMandate, Environment, HyperCheckoutError, Mandate,
    MandateFrequency, SessionRequest,
};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

fn emulator_with(fault: Option<&str>) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        default_fault: fault.map(str::to_owned),
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

fn config_for(emulator: &Emulator) -> ClientConfig {
    ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 5_000,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    }
}

fn client_for(emulator: &Emulator) -> Client {
    Client::new(config_for(emulator)).expect("valid config")
}

/// Order ids unique within this test binary and across runs.
fn order_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("t{}-{n}", std::process::id())
}

fn request() -> SessionRequest {
    let order_id = order_id();
    SessionRequest {
        customer_email: Some("test@mail.com".into()),
        customer_phone: Some("9876543210".into()),
        return_url: Some("https://shop.merchant.com".into()),
        first_name: Some("John".into()),
        last_name: Some("wick".into()),
        description: Some("Complete your payment".into()),
        metadata: [(
            "JUSPAY:gateway_reference_id".to_owned(),
            "Merchant_test".to_owned(),
        )]
        .into(),
        routing_id: Some(format!("route-{order_id}")),
        ..SessionRequest::new(order_id, "1.0", "testing-customer-one", "yourClientId")
    }
}

#[tokio::test]
async fn creates_a_session_async() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let request = request();
    let session = client.create_session(request.clone()).await.unwrap();
    assert_eq!(session.status, "NEW");
    assert_eq!(session.order_id, request.order_id);
    assert!(session.id.starts_with("ordeh_"), "{}", session.id);
    assert!(session.payment_link.starts_with(&emulator.url()));
    let payload = &session.sdk_payload.payload;
    assert_eq!(session.sdk_payload.service, "in.juspay.hyperpay");
    assert_eq!(payload.amount.as_deref(), Some("1.0"));
    assert_eq!(payload.customer_email.as_deref(), Some("test@mail.com"));
    assert!(payload
        .client_auth_token
        .as_deref()
        .unwrap()
        .starts_with("tkn_"));
    // The raw payload keeps keys the typed view does not model.
    let raw: serde_json::Value = serde_json::from_str(&session.sdk_payload_json).unwrap();
    assert_eq!(raw["payload"]["options.getUpiDeepLinks"], "true");
    assert_eq!(
        emulator.request_count(request.routing_id.as_deref().unwrap()),
        1
    );
}

#[test]
fn creates_a_session_blocking_with_a_mandate() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let request = SessionRequest {
        create_mandate: Some(CreateMandate::Optional),
        mandate: Some(Mandate {
            max_amount: Some("1000.00".into()),
            frequency: Some(MandateFrequency::Monthly),
            rule_value: Some("5".into()),
            start_date: Some("1633087969".into()),
            end_date: Some("1633088989".into()),
            ..Mandate::default()
        }),
        ..request()
    };
    let session = client.create_session_blocking(request).unwrap();
    assert_eq!(session.status, "NEW");
}

#[test]
fn guest_checkout_routes_by_order_id() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let request = SessionRequest {
        customer_id: String::new(),
        routing_id: None,
        ..request()
    };
    client.create_session_blocking(request.clone()).unwrap();
    assert_eq!(emulator.request_count(&request.order_id), 1);
}

#[test]
fn invalid_requests_are_never_sent() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let request = SessionRequest {
        amount: "100.1532".into(),
        customer_email: Some(".bad@mail.com".into()),
        ..request()
    };
    let error = client.create_session_blocking(request).unwrap_err();
    let fields: Vec<_> = error
        .violations()
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(fields, ["amount", "customer_email"]);
    assert_eq!(emulator.total_requests(), 0);
}

#[test]
fn wrong_key_is_an_authentication_error() {
    let emulator = emulator_with(None);
    let client = Client::new(ClientConfig {
        api_key: "not-the-key".into(),
        ..config_for(&emulator)
    })
    .unwrap();
    match client.create_session_blocking(request()).unwrap_err() {
        HyperCheckoutError::Authentication {
            http_status,
            error_code,
            ..
        } => {
            assert_eq!(http_status, 401);
            assert_eq!(error_code.as_deref(), Some("access_denied"));
        }
        other => panic!("expected Authentication, got {other:?}"),
    }
}

#[test]
fn juspay_400_is_an_invalid_request_with_its_fields() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let first = request();
    client.create_session_blocking(first.clone()).unwrap();
    // Same order, other amount: Juspay refuses.
    let again = SessionRequest {
        amount: "2.00".into(),
        ..first
    };
    match client.create_session_blocking(again).unwrap_err() {
        HyperCheckoutError::InvalidRequest {
            http_status,
            error_code,
            request_id,
            ..
        } => {
            assert_eq!(http_status, 400);
            assert_eq!(error_code.as_deref(), Some("duplicate.call"));
            assert!(request_id.is_some());
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[test]
fn unknown_path_is_not_found() {
    let emulator = emulator_with(None);
    let client = Client::new(ClientConfig {
        base_url: Some(format!("{}/no-such-prefix", emulator.url())),
        ..config_for(&emulator)
    })
    .unwrap();
    let error = client.create_session_blocking(request()).unwrap_err();
    assert!(
        matches!(
            error,
            HyperCheckoutError::NotFound {
                http_status: 404,
                ..
            }
        ),
        "{error:?}"
    );
}

/// Runs one request against an emulator whose every answer is `fault`; returns the outcome
/// and how many attempts reached the emulator.
fn with_fault(
    fault: &str,
    tune: impl FnOnce(ClientConfig) -> ClientConfig,
) -> (
    Result<hypercheckout::Session, HyperCheckoutError>,
    u64,
    Duration,
) {
    let emulator = emulator_with(Some(fault));
    let client = Client::new(tune(config_for(&emulator))).unwrap();
    let request = request();
    let started = Instant::now();
    let outcome = client.create_session_blocking(request.clone());
    let attempts = emulator.request_count(request.routing_id.as_deref().unwrap());
    (outcome, attempts, started.elapsed())
}

#[test]
fn server_500_is_not_retried() {
    let (outcome, attempts, _) = with_fault("500", |c| c);
    let error = outcome.unwrap_err();
    assert!(
        matches!(
            error,
            HyperCheckoutError::Server {
                http_status: 500,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(attempts, 1);
}

#[test]
fn retryable_statuses_are_retried_up_to_the_limit() {
    for (fault, status) in [("503;retry-after=0", 503), ("502", 502), ("504", 504)] {
        let (outcome, attempts, _) = with_fault(fault, |c| c);
        let error = outcome.unwrap_err();
        assert_eq!(error.http_status(), Some(status), "{fault}: {error:?}");
        assert_eq!(attempts, 3, "{fault}: one attempt and two retries");
    }
}

#[test]
fn a_transient_failure_recovers() {
    let (outcome, attempts, _) = with_fault("503;times=2;retry-after=0", |c| c);
    assert_eq!(outcome.unwrap().status, "NEW");
    assert_eq!(attempts, 3);
}

#[test]
fn retries_can_be_disabled() {
    let (outcome, attempts, _) = with_fault("503;retry-after=0", |c| ClientConfig {
        max_retries: 0,
        ..c
    });
    assert!(outcome.is_err());
    assert_eq!(attempts, 1);
}

#[test]
fn rate_limiting_carries_retry_after() {
    let (outcome, attempts, _) = with_fault("429;retry-after=0", |c| c);
    match outcome.unwrap_err() {
        HyperCheckoutError::RateLimited {
            http_status,
            error_code,
            retry_after_seconds,
            ..
        } => {
            assert_eq!(http_status, 429);
            assert_eq!(error_code.as_deref(), Some("request.exceeded"));
            assert_eq!(retry_after_seconds, Some(0));
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(attempts, 3);
}

#[test]
fn retry_after_is_honoured() {
    let (outcome, attempts, elapsed) = with_fault("503;times=1;retry-after=1", |c| c);
    assert!(outcome.is_ok());
    assert_eq!(attempts, 2);
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
}

#[test]
fn no_retry_waits_past_the_overall_deadline() {
    let (outcome, attempts, elapsed) = with_fault("503;retry-after=30", |c| ClientConfig {
        overall_timeout_ms: 2_000,
        ..c
    });
    assert!(matches!(
        outcome,
        Err(HyperCheckoutError::Server {
            http_status: 503,
            ..
        })
    ));
    assert_eq!(attempts, 1);
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn a_hanging_server_times_out_within_the_bound() {
    let (outcome, attempts, elapsed) = with_fault("hang", |c| ClientConfig {
        timeout_ms: 300,
        ..c
    });
    assert!(
        matches!(outcome, Err(HyperCheckoutError::Timeout { .. })),
        "{outcome:?}"
    );
    assert_eq!(
        attempts, 1,
        "a request that may have been processed is not retried"
    );
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
}

#[test]
fn the_overall_deadline_bounds_a_slow_server() {
    let (outcome, _, elapsed) = with_fault("hang", |c| ClientConfig {
        timeout_ms: 10_000,
        overall_timeout_ms: 400,
        ..c
    });
    assert!(
        matches!(outcome, Err(HyperCheckoutError::Timeout { .. })),
        "{outcome:?}"
    );
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn a_short_delay_is_fine() {
    let (outcome, _, elapsed) = with_fault("delay;ms=100", |c| c);
    assert!(outcome.is_ok());
    assert!(elapsed >= Duration::from_millis(100));
}

#[test]
fn malformed_json_is_an_unexpected_response() {
    let (outcome, attempts, _) = with_fault("malformed-json", |c| c);
    match outcome.unwrap_err() {
        HyperCheckoutError::UnexpectedResponse {
            http_status,
            body_excerpt,
            ..
        } => {
            assert_eq!(http_status, 200);
            assert!(!body_excerpt.is_empty());
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(attempts, 1);
}

#[test]
fn an_html_error_page_is_an_unexpected_response_after_retries() {
    let (outcome, attempts, _) = with_fault("html", |c| c);
    match outcome.unwrap_err() {
        HyperCheckoutError::UnexpectedResponse {
            http_status,
            body_excerpt,
            ..
        } => {
            assert_eq!(http_status, 502);
            assert!(body_excerpt.len() <= hypercheckout::BODY_EXCERPT_CHARS * 4);
            assert!(body_excerpt.contains("<"), "{body_excerpt}");
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
    assert_eq!(attempts, 3, "502 is retryable whatever its body");
}

#[test]
fn a_reset_mid_body_is_a_connection_error_not_retried() {
    let (outcome, attempts, _) = with_fault("reset", |c| c);
    assert!(
        matches!(outcome, Err(HyperCheckoutError::Connection { .. })),
        "{outcome:?}"
    );
    assert_eq!(attempts, 1);
}

#[test]
fn an_oversized_body_is_refused() {
    let (outcome, _, _) = with_fault("oversized", |c| c);
    match outcome.unwrap_err() {
        HyperCheckoutError::UnexpectedResponse {
            reason,
            body_excerpt,
            ..
        } => {
            assert!(reason.contains("larger than"), "{reason}");
            assert!(body_excerpt.chars().count() <= hypercheckout::BODY_EXCERPT_CHARS);
        }
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[test]
fn a_refused_connection_is_a_connection_error() {
    // Bind then drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::new(ClientConfig {
        base_url: Some(format!("http://127.0.0.1:{port}")),
        ..ClientConfig::new("m", "k", Environment::Sandbox)
    })
    .unwrap();
    let error = client.create_session_blocking(request()).unwrap_err();
    match error {
        HyperCheckoutError::Connection { reason } => {
            assert!(reason.contains("not sent"), "{reason}")
        }
        other => panic!("expected Connection, got {other:?}"),
    }
}

#[tokio::test]
async fn blocking_inside_a_runtime_is_refused_not_deadlocked() {
    let client = Client::new(ClientConfig::new("m", "k", Environment::Sandbox)).unwrap();
    let error = client.create_session_blocking(request()).unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Configuration { .. }),
        "{error:?}"
    );
}

#[test]
fn bad_configurations_are_refused() {
    let base = ClientConfig::new("m", "k", Environment::Production);
    let bad = [
        ClientConfig {
            merchant_id: " ".into(),
            ..base.clone()
        },
        ClientConfig {
            api_key: String::new(),
            ..base.clone()
        },
        ClientConfig {
            timeout_ms: 0,
            ..base.clone()
        },
        ClientConfig {
            base_url: Some("http://api.example.com".into()),
            ..base.clone()
        },
        ClientConfig {
            base_url: Some("not a url".into()),
            ..base.clone()
        },
        ClientConfig {
            app_name: Some("bad\nname".into()),
            ..base.clone()
        },
        ClientConfig {
            app_name: Some("café".into()),
            ..base.clone()
        },
        ClientConfig {
            app_name: Some("my shop".into()),
            ..base.clone()
        },
    ];
    for config in bad {
        let error = Client::new(config.clone()).unwrap_err();
        assert!(
            matches!(error, HyperCheckoutError::Configuration { .. }),
            "{config:?}: {error:?}"
        );
    }
    assert!(Client::new(base).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_sessions_share_one_client() {
    let emulator = emulator_with(None);
    let client = Arc::new(client_for(&emulator));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let client = Arc::clone(&client);
            tokio::spawn(async move { client.create_session(request()).await })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap().unwrap().status, "NEW");
    }
    assert_eq!(emulator.total_requests(), 50);
}

#[test]
fn eight_threads_share_one_client() {
    let emulator = emulator_with(None);
    let client = Arc::new(client_for(&emulator));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = Arc::clone(&client);
            std::thread::spawn(move || {
                for _ in 0..10 {
                    client.create_session_blocking(request()).unwrap();
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(emulator.total_requests(), 80);
}

/// The exact bytes on the wire, seen by a bare TCP listener.
#[test]
fn sends_the_documented_headers_and_body() {
    let (port, server) = common::serve_once(
        "401 Unauthorized",
        r#"{"status":"error","error_code":"access_denied"}"#,
    );
    let client = Client::new(ClientConfig {
        base_url: Some(format!("http://127.0.0.1:{port}")),
        app_name: Some("shop".into()),
        app_version: Some("2.1".into()),
        ..ClientConfig::new("merchant_x", "key_abc", Environment::Sandbox)
    })
    .unwrap();
    let request = SessionRequest {
        extra_fields: [("offer_code".to_owned(), "testingCode".to_owned())].into(),
        ..SessionRequest::new("order-1", "1.00", "customer-9", "client_1")
    };
    let _ = client.create_session_blocking(request.clone());
    let seen = server.join().unwrap();
    assert_eq!(seen.request_line, "POST /session HTTP/1.1");
    let headers = seen.headers;
    // base64("key_abc:")
    assert_eq!(headers["authorization"], "Basic a2V5X2FiYzo=");
    assert_eq!(headers["x-merchantid"], "merchant_x");
    assert_eq!(headers["x-routing-id"], "customer-9");
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        headers["user-agent"],
        format!("hypercheckout/{} shop/2.1", hypercheckout::sdk_version())
    );
    let body: serde_json::Value = serde_json::from_str(&seen.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "order_id": "order-1", "amount": "1.00", "customer_id": "customer-9",
            "payment_page_client_id": "client_1", "action": "paymentPage",
            "offer_code": "testingCode"
        })
    );
}

/// Bindings select faults per request through `extra_fields` (they cannot add headers).
#[test]
fn a_fault_can_be_selected_per_request_by_a_body_field() {
    let emulator = emulator_with(None);
    let client = client_for(&emulator);
    let request = SessionRequest {
        extra_fields: [(
            "emulator_fault".to_owned(),
            "503;times=1;retry-after=0".to_owned(),
        )]
        .into(),
        ..request()
    };
    client.create_session_blocking(request.clone()).unwrap();
    assert_eq!(
        emulator.request_count(request.routing_id.as_deref().unwrap()),
        2
    );
}

/// A cancelled call (an asyncio task, a coroutine, a Swift task) must not keep its request
/// running: the connection is closed as soon as the awaiting future is dropped.
#[tokio::test]
async fn dropping_the_future_cancels_the_request() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(3)))
            .unwrap();
        let mut buffer = [0u8; 8192];
        let _ = stream.read(&mut buffer).unwrap(); // the request; never answered
        let waited = Instant::now();
        // 0 bytes = the client closed the connection.
        let closed = matches!(stream.read(&mut buffer), Ok(0));
        (closed, waited.elapsed())
    });
    let client = Client::new(ClientConfig {
        base_url: Some(format!("http://127.0.0.1:{port}")),
        timeout_ms: 30_000,
        ..ClientConfig::new("m", "k", Environment::Sandbox)
    })
    .unwrap();
    let outcome =
        tokio::time::timeout(Duration::from_millis(300), client.create_session(request())).await;
    assert!(outcome.is_err(), "the server never answers");
    let (closed, waited) = tokio::task::spawn_blocking(move || server.join().unwrap())
        .await
        .unwrap();
    assert!(
        closed && waited < Duration::from_secs(2),
        "closed={closed} after {waited:?}"
    );
}
