//! Issue 15 items 3-5 over real loopback networking: a call through a real proxy
//! (tinyproxy, `common/tinyproxy.rs`) with credentials that never leak, a wrong proxy's clear
//! error, the emulator's TLS mode trusted only through a custom CA (and refused, with the check
//! that failed, without it), and per-call options beating the client's defaults.
#![allow(clippy::result_large_err)]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use common::tinyproxy::{TinyProxy, PROXY_PASSWORD};
use hypercheckout::{
    CertificateCheck, Client, ClientConfig, Environment, HyperCheckoutError, RequestOptions,
    SessionRequest,
};
use hypercheckout_emulator::{
    Emulator, EmulatorConfig, EmulatorTls, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID,
};

fn emulator(tls: Option<EmulatorTls>, fault: Option<&str>) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        tls,
        default_fault: fault.map(str::to_owned),
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

fn tls_emulator() -> Emulator {
    emulator(Some(EmulatorTls::default()), None)
}

fn config_for(emulator: &Emulator) -> ClientConfig {
    ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 10_000,
        // The environment of whoever runs the tests must not decide where they connect.
        proxy_from_env: false,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    }
}

fn trusting(emulator: &Emulator) -> ClientConfig {
    ClientConfig {
        ca_bundle_pem: emulator.ca_pem(),
        ..config_for(emulator)
    }
}

fn request() -> SessionRequest {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let order_id = format!("net{}-{n}", std::process::id());
    SessionRequest {
        return_url: Some("https://shop.merchant.com".into()),
        routing_id: Some(format!("route-{order_id}")),
        ..SessionRequest::new(order_id, "1.00", "customer-1", "client-1")
    }
}

fn create(config: ClientConfig) -> Result<hypercheckout::Session, HyperCheckoutError> {
    Client::new(config)?.create_session_blocking(request())
}

fn certificate_check(
    result: Result<hypercheckout::Session, HyperCheckoutError>,
) -> CertificateCheck {
    match result {
        Err(HyperCheckoutError::Certificate { check, reason }) => {
            assert!(reason.contains("request not sent"), "{reason}");
            check
        }
        other => panic!("expected a Certificate error, got {other:?}"),
    }
}

// ------------------------------------------------------------------------------ trust

#[test]
fn tls_emulator_is_trusted_only_through_its_ca() {
    let emu = tls_emulator();
    assert!(emu.url().starts_with("https://127.0.0.1:"), "{}", emu.url());
    let session = create(trusting(&emu)).expect("trusted through ca_bundle_pem");
    assert!(session.payment_link.starts_with("https://"));

    // The bundled roots do not know the emulator's CA: refused, typed, not retried.
    let error = create(config_for(&emu)).unwrap_err();
    assert!(error.to_string().contains("unknown issuer"), "{error}");
    assert!(error.to_string().contains("ca_bundle_pem"), "{error}");
    assert_eq!(
        certificate_check(Err(error)),
        CertificateCheck::UnknownIssuer
    );
    assert_eq!(emu.total_requests(), 1, "the refused calls sent nothing");

    // The CA alone, without the bundled roots, is enough.
    let only_the_ca = ClientConfig {
        trust_bundled_roots: false,
        ..trusting(&emu)
    };
    create(only_the_ca).expect("the CA alone");
    // The OS store does not know it either.
    let os = ClientConfig {
        trust_os_store: true,
        ..config_for(&emu)
    };
    if let Err(error) = Client::new(os.clone()) {
        panic!("an OS store must load (or be empty) without failing: {error}");
    }
    assert_eq!(
        certificate_check(create(os)),
        CertificateCheck::UnknownIssuer
    );
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
    let emu = emulator(
        Some(EmulatorTls {
            names: vec!["api.juspay.example".into()],
            expired: false,
        }),
        None,
    );
    assert_eq!(
        certificate_check(create(trusting(&emu))),
        CertificateCheck::NameMismatch
    );
}

#[test]
fn an_expired_certificate_is_expired() {
    let emu = emulator(
        Some(EmulatorTls {
            expired: true,
            ..EmulatorTls::default()
        }),
        None,
    );
    assert_eq!(
        certificate_check(create(trusting(&emu))),
        CertificateCheck::Expired
    );
}

#[test]
fn trust_settings_are_checked() {
    let emu = tls_emulator();
    let bad = |config: ClientConfig| match Client::new(config) {
        Err(HyperCheckoutError::Configuration { reason }) => reason,
        other => panic!("expected Configuration, got {other:?}"),
    };
    let reason = bad(ClientConfig {
        ca_bundle_pem: Some("-----BEGIN CERTIFICATE-----\nnot base64\n".into()),
        ..config_for(&emu)
    });
    assert!(reason.contains("ca_bundle_pem"), "{reason}");
    let reason = bad(ClientConfig {
        trust_bundled_roots: false,
        ..config_for(&emu)
    });
    assert!(reason.contains("nothing to trust"), "{reason}");
}

// ------------------------------------------------------------------------------ proxies

#[test]
fn calls_go_through_an_explicit_proxy_with_credentials() {
    let proxy = TinyProxy::start();
    let tls = tls_emulator();
    let port = tls.addr().port();
    // HTTPS through the proxy: a CONNECT tunnel; the proxy relays bytes it cannot read.
    let config = ClientConfig {
        proxy_url: Some(proxy.url()),
        ..trusting(&tls)
    };
    let debug = format!("{config:?}");
    assert!(!debug.contains(PROXY_PASSWORD), "{debug}");
    assert!(debug.contains("[redacted]@127.0.0.1"), "{debug}");
    let client = Client::new(config).unwrap();
    assert!(!format!("{client:?}").contains(PROXY_PASSWORD));
    client
        .create_session_blocking(request())
        .expect("through the proxy");
    let log = proxy.log();
    assert!(
        log.contains(&format!("CONNECT 127.0.0.1:{port}")),
        "the proxy relayed the call: {log}"
    );

    // Plain http (loopback only) through the proxy too.
    let plain = emulator(None, None);
    let config = ClientConfig {
        proxy_url: Some(proxy.url()),
        ..config_for(&plain)
    };
    Client::new(config)
        .unwrap()
        .create_session_blocking(request())
        .expect("http through the proxy");
    assert!(proxy
        .log()
        .contains(&format!("http://127.0.0.1:{}/session", plain.addr().port())));
}

#[test]
fn a_proxy_that_refuses_or_is_not_there_is_a_clear_connection_error() {
    let proxy = TinyProxy::start();
    let emu = tls_emulator();
    let reason = |config: ClientConfig| match create(config) {
        Err(HyperCheckoutError::Connection { reason }) => reason,
        other => panic!("expected Connection, got {other:?}"),
    };
    // No credentials: the proxy's 407.
    let text = reason(ClientConfig {
        proxy_url: Some(proxy.url_without_credentials()),
        ..trusting(&emu)
    });
    assert!(text.contains("407") && text.contains("proxy_url"), "{text}");
    // Wrong credentials (tinyproxy answers 401 to those): the tunnel failed, through the proxy.
    let wrong = proxy.url().replace(PROXY_PASSWORD, "wrong-password-1234");
    let text = reason(ClientConfig {
        proxy_url: Some(wrong),
        max_retries: 0,
        ..trusting(&emu)
    });
    assert!(
        text.contains("through proxy http://[redacted]@127.0.0.1"),
        "{text}"
    );
    assert!(!text.contains("wrong-password"), "{text}");
    // Nothing listening where the proxy should be.
    let closed = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let text = reason(ClientConfig {
        proxy_url: Some(format!("http://u:{PROXY_PASSWORD}@127.0.0.1:{closed}")),
        max_retries: 0,
        ..trusting(&emu)
    });
    assert!(
        text.contains("could not connect (request not sent; through proxy"),
        "{text}"
    );
    assert!(!text.contains(PROXY_PASSWORD), "{text}");
    assert_eq!(emu.total_requests(), 0);

    // no_proxy: the same dead proxy is bypassed for the emulator's host.
    let config = ClientConfig {
        proxy_url: Some(format!("http://127.0.0.1:{closed}")),
        no_proxy: vec!["127.0.0.1".into()],
        ..trusting(&emu)
    };
    create(config).expect("no_proxy bypasses the proxy");
}

#[test]
fn proxy_settings_are_checked_without_echoing_credentials() {
    let emu = emulator(None, None);
    for (proxy_url, words) in [
        (
            format!("ftp://u:{PROXY_PASSWORD}@127.0.0.1:1"),
            "not supported",
        ),
        (PROXY_PASSWORD.to_string(), "not a URL"),
        (format!("http://u:{PROXY_PASSWORD}@127.0.0.1:1/x"), "path"),
    ] {
        match Client::new(ClientConfig {
            proxy_url: Some(proxy_url.clone()),
            ..config_for(&emu)
        }) {
            Err(HyperCheckoutError::Configuration { reason }) => {
                assert!(reason.contains(words), "{reason}");
                assert!(!reason.contains(PROXY_PASSWORD), "{reason}");
            }
            other => panic!("{proxy_url}: expected Configuration, got {other:?}"),
        }
    }
    let config = ClientConfig {
        proxy_url: Some("socks5://u:p@127.0.0.1:1080".into()),
        ..config_for(&emu)
    };
    Client::new(config).expect("socks5 proxies are accepted");
}

// ------------------------------------------------------------------------------ per call

#[test]
fn a_per_call_timeout_beats_the_clients() {
    let emu = emulator(None, Some("delay;ms=3000"));
    let client = Client::new(config_for(&emu)).unwrap(); // 10 s per attempt
    let options = RequestOptions {
        timeout_ms: Some(300),
        ..RequestOptions::default()
    };
    let started = Instant::now();
    let error = client
        .create_session_blocking_with(request(), Some(options.clone()))
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(error, HyperCheckoutError::Timeout { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("per-attempt limit 300 ms"),
        "{error}"
    );
    assert!(took < Duration::from_millis(2_500), "took {took:?}");

    // Async too, and on a read (retried on timeout: the overall option bounds it).
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let error = runtime
        .block_on(client.get_order_status_with(
            "order-x".into(),
            "route-x".into(),
            Some(RequestOptions {
                overall_timeout_ms: Some(700),
                ..options
            }),
        ))
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Timeout { .. }),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(2_500));
}

#[test]
fn per_call_max_retries_and_routing_id() {
    let emu = emulator(None, Some("503"));
    let client = Client::new(config_for(&emu)).unwrap(); // 2 retries by default
    let first = request();
    let routing = first.routing_id.clone().unwrap();
    let error = client
        .create_session_blocking_with(
            first,
            Some(RequestOptions {
                max_retries: Some(0),
                ..RequestOptions::default()
            }),
        )
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Server { .. }),
        "{error:?}"
    );
    assert_eq!(emu.request_count(&routing), 1, "max_retries 0: no retry");
    let second = request();
    let routing = second.routing_id.clone().unwrap();
    let _ = client.create_session_blocking(second);
    assert_eq!(emu.request_count(&routing), 3, "the client's 2 retries");

    let emu = emulator(None, None);
    let client = Client::new(config_for(&emu)).unwrap();
    let session = client
        .create_session_blocking_with(
            request(),
            Some(RequestOptions {
                routing_id: Some("per-call-route".into()),
                ..RequestOptions::default()
            }),
        )
        .unwrap();
    assert_eq!(session.routing_id, "per-call-route");
    assert_eq!(emu.request_count("per-call-route"), 1);
    client
        .get_order_status_blocking_with(
            session.order_id.clone(),
            "ignored-route".into(),
            Some(RequestOptions {
                routing_id: Some("per-call-route".into()),
                ..RequestOptions::default()
            }),
        )
        .unwrap();
    assert_eq!(emu.request_count("per-call-route"), 2);
    assert_eq!(emu.request_count("ignored-route"), 0);
}

#[test]
fn broken_options_are_validation_errors_and_nothing_is_sent() {
    let emu = emulator(None, None);
    let client = Client::new(config_for(&emu)).unwrap();
    let error = client
        .create_session_blocking_with(
            request(),
            Some(RequestOptions {
                timeout_ms: Some(0),
                routing_id: Some("bad\nroute".into()),
                ..RequestOptions::default()
            }),
        )
        .unwrap_err();
    let fields: Vec<_> = error
        .violations()
        .iter()
        .map(|v| v.field.as_str())
        .collect();
    assert_eq!(
        fields,
        ["options.timeout_ms", "options.routing_id"],
        "{error}"
    );
    assert_eq!(emu.total_requests(), 0);
}
