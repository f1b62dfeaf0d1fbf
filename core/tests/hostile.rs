//! The client against hostile servers and hostile inputs (issue 11): each attack that once
//! broke it, and each that was found sound, kept as a test. Servers are the emulator's
//! fault modes (real HTTP on loopback) and, for TLS, a loopback TLS server with a
//! certificate nobody trusts.
#![allow(clippy::result_large_err)]

use std::time::{Duration, Instant};

use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID};

fn emulator() -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

fn config(base_url: String) -> ClientConfig {
    ClientConfig {
        base_url: Some(base_url),
        timeout_ms: 2_000,
        overall_timeout_ms: 5_000,
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY, Environment::Sandbox)
    }
}

fn client(emulator: &Emulator) -> Client {
    Client::new(config(emulator.url())).expect("valid config")
}

/// A valid request whose fault (the emulator's `emulator_fault` body field) is `fault`.
fn request(routing: &str, fault: &str) -> SessionRequest {
    let mut request = SessionRequest {
        routing_id: Some(routing.into()),
        ..SessionRequest::new(format!("h-{routing}"), "1.00", "cust-h", "client")
    };
    if !fault.is_empty() {
        request
            .extra_fields
            .insert("emulator_fault".into(), fault.into());
    }
    request
}

#[test]
fn a_retry_after_beyond_any_clock_loses_to_the_deadline() {
    // Item 2: `Instant::now() + u64::MAX seconds` used to panic inside the retry loop.
    let emulator = emulator();
    let client = client(&emulator);
    for (routing, fault) in [
        ("ra-u64", "503;retry-after-raw=18446744073709551615"),
        ("ra-i64", "429;retry-after-raw=9223372036854775807"),
        ("ra-999999", "503;retry-after-raw=999999"),
    ] {
        let started = Instant::now();
        let error = client
            .create_session_blocking(request(routing, fault))
            .unwrap_err();
        assert!(
            matches!(
                error,
                HyperCheckoutError::Server { .. } | HyperCheckoutError::RateLimited { .. }
            ),
            "{fault}: {error:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(3), "{fault}");
        assert_eq!(emulator.request_count(routing), 1, "{fault}: not retried");
    }
}

#[test]
fn dot_segment_order_ids_are_refused_before_sending() {
    // Item 3: `..` would have requested `GET {base}/` with the key.
    let emulator = emulator();
    let client = client(&emulator);
    for id in [".", ".."] {
        let error = client
            .get_order_status_blocking(id.into(), "cust".into())
            .unwrap_err();
        assert_eq!(error.violations()[0].code, "dot_segment", "{id}");
    }
    assert_eq!(emulator.total_requests(), 0);
}

#[test]
fn unsendable_header_values_are_validation_errors() {
    // Item 4: CR/LF/NUL/DEL or non-ASCII in what becomes a header.
    let emulator = emulator();
    let client = client(&emulator);
    for customer in ["c1\r\nX-Evil: 1", "nul\0", "del\x7f", "josé", "🙂"] {
        let request = SessionRequest::new("o-hdr", "1.00", customer, "client");
        let error = client.create_session_blocking(request).unwrap_err();
        let fields: Vec<_> = error.violations().iter().map(|v| v.code.as_str()).collect();
        assert_eq!(fields, ["invalid_header_value"], "{customer:?}: {error:?}");
    }
    let error = client
        .get_order_status_blocking("o-1".into(), "route\n".into())
        .unwrap_err();
    assert_eq!(error.violations()[0].field, "routing_id");
    assert_eq!(emulator.total_requests(), 0);
    for merchant in ["m\r\n", "mérchant"] {
        let config = ClientConfig {
            merchant_id: merchant.into(),
            ..config(emulator.url())
        };
        assert!(
            matches!(
                Client::new(config),
                Err(HyperCheckoutError::Configuration { .. })
            ),
            "{merchant:?}"
        );
    }
}

#[test]
fn base_urls_with_credentials_are_refused() {
    // Item 5: `user:pw@` would have sent a second Authorization header.
    let config = config("https://user:pw@sandbox.juspay.in".into());
    let error = Client::new(config).unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, HyperCheckoutError::Configuration { .. }));
    assert!(!text.contains("pw"), "{text}");
}

#[test]
fn huge_inputs_give_bounded_errors() {
    // Item 6: a 10 MB order id used to come back inside a Connection error's message.
    let emulator = emulator();
    let client = client(&emulator);
    let huge = "a".repeat(10 * 1024 * 1024);
    let error = client
        .get_order_status_blocking(huge.clone(), "cust".into())
        .unwrap_err();
    assert_eq!(error.violations()[0].code, "too_long");
    assert!(error.to_string().len() < 1_000);
    let error = client
        .create_session_blocking(SessionRequest::new(huge, "1", "c", "x"))
        .unwrap_err();
    assert!(error.to_string().len() < 1_000);
    assert_eq!(emulator.total_requests(), 0);
}

#[test]
fn an_echoed_authorization_header_is_scrubbed() {
    // Item 7: a server that echoes the Authorization header must not put the key (raw, or
    // base64 of `key:`/`key`) into any error text.
    let emulator = emulator();
    let client = client(&emulator);
    let error = client
        .create_session_blocking(request("echo", "echo-auth"))
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    for secret in [
        DEFAULT_API_KEY.to_owned(),
        base64_of(&format!("{DEFAULT_API_KEY}:")),
        base64_of(DEFAULT_API_KEY),
    ] {
        let unpadded = secret.trim_end_matches('=');
        assert!(!shown.contains(unpadded), "{unpadded} in {shown}");
    }
    assert!(shown.contains("[redacted]"), "{shown}");
}

fn base64_of(text: &str) -> String {
    // The standard alphabet with padding, by hand so the test does not share the code under
    // test's encoder configuration.
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn hostile_bodies_fail_closed_and_quickly() {
    // Found sound; kept so: each must be an error, not a session, within the timeouts.
    let emulator = emulator();
    let client = client(&emulator);
    for fault in [
        "gzip",
        "invalid-utf8",
        "empty-200",
        "huge-number",
        "malformed-json",
        "deep-nesting",
        "oversized",
        "reset",
    ] {
        let started = Instant::now();
        let outcome = client.create_session_blocking(request(fault, fault));
        assert!(outcome.is_err(), "{fault}: {outcome:?}");
        assert!(started.elapsed() < Duration::from_secs(3), "{fault}");
    }
}

#[test]
fn slow_and_silent_servers_are_bounded_by_the_attempt_timeout() {
    let emulator = emulator();
    let client = Client::new(ClientConfig {
        timeout_ms: 300,
        overall_timeout_ms: 1_000,
        ..config(emulator.url())
    })
    .unwrap();
    for (routing, fault) in [
        ("trickle", "trickle;ms=100"),
        ("endless", "endless-headers;ms=50"),
        ("silent", "silent"),
    ] {
        let started = Instant::now();
        let error = client
            .create_session_blocking(request(routing, fault))
            .unwrap_err();
        assert!(
            matches!(error, HyperCheckoutError::Timeout { .. }),
            "{fault}: {error:?}"
        );
        assert!(started.elapsed() < Duration::from_millis(1_500), "{fault}");
    }
}

#[test]
fn a_post_that_may_have_been_processed_is_never_retried() {
    let emulator = emulator();
    let client = client(&emulator);
    let error = client
        .create_session_blocking(request("rar", "reset-after-request"))
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Connection { .. }),
        "{error:?}"
    );
    assert_eq!(emulator.request_count("rar"), 1);
}

#[test]
fn an_untrusted_certificate_is_not_retried() {
    // Item 11: a certificate error is not transient. A loopback TLS server with a
    // self-signed certificate counts the handshakes it sees.
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&accepted);
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let cert = certified.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server_config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap();
    let server_config = Arc::new(server_config);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            counter.fetch_add(1, Ordering::SeqCst);
            let config = Arc::clone(&server_config);
            std::thread::spawn(move || {
                let mut tls = rustls::ServerConnection::new(config).unwrap();
                // Drive the handshake until the client gives up on the certificate.
                let _ = tls.complete_io(&mut stream);
            });
        }
    });
    let client = Client::new(ClientConfig {
        max_retries: 2,
        ..config(format!("https://localhost:{port}"))
    })
    .unwrap();
    let error = client
        .create_session_blocking(request("tls", ""))
        .unwrap_err();
    assert!(
        matches!(
            &error,
            HyperCheckoutError::Certificate { check: hypercheckout::CertificateCheck::UnknownIssuer, reason }
                if reason.contains("certificate")
        ),
        "{error:?}"
    );
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "retried: {error}");
}
