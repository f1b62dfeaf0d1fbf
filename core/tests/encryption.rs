//! Encrypted mode: the vectors sealed by npm `jose` (testdata/encryption.json), the client
//! against the emulator's `/v4` endpoints over loopback HTTP (session, order status, refund,
//! faults, every way the emulator can spoil an answer), key checks, and a canary test that
//! no key material is ever printed. `write_sdk_envelopes` leaves what the SDK and the
//! emulator sealed for `scripts/test-encryption-interop.sh`, where jose checks it.
#![allow(clippy::result_large_err)]

mod common;

use std::sync::atomic::{AtomicU32, Ordering};

use hypercheckout::{
    decrypt_encrypted_answer, encrypt_request_body, parse_encrypted_webhook, Client, ClientConfig,
    EncryptionKeys, Environment, HyperCheckoutError, OrderState, RefundRequest, SessionRequest,
};
use hypercheckout_emulator::{
    Emulator, EmulatorConfig, EncryptionSetup, DEFAULT_MERCHANT_ID, TAMPER_KINDS,
};
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/encryption.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn key(v: &Value, name: &str) -> String {
    v["keys"][name].as_str().unwrap().to_owned()
}

fn keys(v: &Value) -> EncryptionKeys {
    EncryptionKeys::new(
        key(v, "merchant_key_id"),
        key(v, "merchant_private_key_pem"),
        key(v, "juspay_key_id"),
        key(v, "juspay_public_key_pem"),
    )
}

fn setup(v: &Value, tamper: Option<&str>) -> EncryptionSetup {
    EncryptionSetup {
        juspay_private_key_pem: key(v, "juspay_private_key_pem"),
        juspay_key_id: key(v, "juspay_key_id"),
        merchant_public_key_pem: key(v, "merchant_public_key_pem"),
        merchant_key_id: key(v, "merchant_key_id"),
        tamper: tamper.map(str::to_owned),
        encrypted_webhooks: false,
    }
}

fn emulator(v: &Value, tamper: Option<&str>, fault: Option<&str>) -> Emulator {
    Emulator::spawn(EmulatorConfig {
        strict: true,
        encryption: Some(setup(v, tamper)),
        default_fault: fault.map(str::to_owned),
        ..EmulatorConfig::default()
    })
    .expect("emulator starts")
}

/// Encrypted mode without an API key: the keys are the only credential.
fn config(v: &Value, emulator: &Emulator) -> ClientConfig {
    ClientConfig {
        base_url: Some(emulator.url()),
        timeout_ms: 5_000,
        encryption: Some(keys(v)),
        ..ClientConfig::new(DEFAULT_MERCHANT_ID, "", Environment::Sandbox)
    }
}

fn order_id() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "enc{}-{}",
        std::process::id() % 100_000,
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

fn request(order_id: &str) -> SessionRequest {
    SessionRequest {
        return_url: Some("https://shop.merchant.com/return".into()),
        customer_email: Some("enc.customer@example.com".into()),
        ..SessionRequest::new(order_id, "10.50", "cust-enc", "merchant_client")
    }
}

fn pay(emulator: &Emulator, id: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let answer = runtime
        .block_on(
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
                .post(format!("{}/orders/{id}/pay", emulator.url()))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("outcome=success")
                .send(),
        )
        .unwrap();
    assert!(answer.status().is_success() || answer.status().is_redirection());
}

#[test]
fn jose_sealed_answers_are_accepted_and_tampered_ones_refused() {
    let v = vectors();
    let pkcs1 = EncryptionKeys {
        merchant_private_key_pem: key(&v, "merchant_private_key_pkcs1_pem"),
        ..keys(&v)
    };
    let answers = v["answers"].as_array().unwrap();
    assert!(answers.len() >= 20);
    for answer in answers {
        let name = answer["name"].as_str().unwrap();
        let body = answer["body"].as_str().unwrap().to_owned();
        for keys in [keys(&v), pkcs1.clone()] {
            let got = decrypt_encrypted_answer(keys, body.clone());
            match answer["expect"].as_str().unwrap() {
                "ok" => assert_eq!(
                    got.as_deref().unwrap_or_else(|e| panic!("{name}: {e}")),
                    answer["plaintext"].as_str().unwrap(),
                    "{name}"
                ),
                "not_authentic" => assert!(
                    matches!(got, Err(HyperCheckoutError::NotAuthentic { .. })),
                    "{name}: {got:?}"
                ),
                other => panic!("{name}: unknown expectation {other}"),
            }
        }
    }
}

#[test]
fn encrypted_webhooks() {
    let v = vectors();
    for hook in v["webhooks"].as_array().unwrap() {
        let name = hook["name"].as_str().unwrap();
        let got = parse_encrypted_webhook(keys(&v), hook["body"].as_str().unwrap().to_owned());
        match hook["expect"].as_str().unwrap() {
            "ok" => {
                let event = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    event.event_name.wire_name(),
                    hook["event_name"].as_str().unwrap()
                );
                assert_eq!(
                    event.order.unwrap().order_id,
                    hook["order_id"].as_str().unwrap()
                );
            }
            _ => assert!(
                matches!(got, Err(HyperCheckoutError::NotAuthentic { .. })),
                "{name}: {got:?}"
            ),
        }
    }
}

#[test]
fn wrong_keys_are_configuration_errors_naming_the_key() {
    let v = vectors();
    for case in v["config_errors"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let value = case["value"].as_str().unwrap().to_owned();
        let mut bad = keys(&v);
        match case["field"].as_str().unwrap() {
            "merchant_key_id" => bad.merchant_key_id = value,
            "merchant_private_key_pem" => bad.merchant_private_key_pem = value,
            "juspay_key_id" => bad.juspay_key_id = value,
            "juspay_public_key_pem" => bad.juspay_public_key_pem = value,
            other => panic!("{name}: unknown field {other}"),
        }
        let error = Client::new(ClientConfig {
            encryption: Some(bad),
            ..ClientConfig::new("m", "", Environment::Sandbox)
        })
        .unwrap_err();
        let HyperCheckoutError::Configuration { reason } = &error else {
            panic!("{name}: {error:?}");
        };
        let wanted = case["reason_contains"].as_str().unwrap();
        assert!(
            reason.contains(wanted),
            "{name}: {reason:?} lacks {wanted:?}"
        );
    }
    // Without encryption an API key is still required.
    assert!(matches!(
        Client::new(ClientConfig::new("m", "", Environment::Sandbox)),
        Err(HyperCheckoutError::Configuration { .. })
    ));
}

#[test]
fn session_order_status_and_refund_in_encrypted_mode() {
    let v = vectors();
    let emu = emulator(&v, None, None);
    let client = Client::new(config(&v, &emu)).unwrap();
    let id = order_id();
    let session = client.create_session_blocking(request(&id)).unwrap();
    assert_eq!(session.order_id, id);
    assert!(session.payment_link.starts_with(&emu.url()));
    let order = client
        .get_order_status_blocking(id.clone(), session.routing_id.clone())
        .unwrap();
    assert_eq!(order.status, OrderState::New);
    pay(&emu, &session.id);
    let order = client
        .get_order_status_blocking(id.clone(), session.routing_id.clone())
        .unwrap();
    assert_eq!(order.status, OrderState::Charged);
    let refunded = client
        .create_refund_blocking(RefundRequest {
            amount: Some("2.50".into()),
            ..RefundRequest::new(id.clone(), "rf-enc-1", session.routing_id.clone())
        })
        .unwrap();
    assert_eq!(refunded.refunds.len(), 1);
    assert_eq!(
        refunded.refunds[0].unique_request_id.as_deref(),
        Some("rf-enc-1")
    );
    // A repeat: Juspay's duplicate.call comes back as plain JSON, and the client finds the
    // refund through the encrypted order status.
    let again = client
        .create_refund_blocking(RefundRequest {
            amount: Some("2.50".into()),
            ..RefundRequest::new(id.clone(), "rf-enc-1", session.routing_id.clone())
        })
        .unwrap();
    assert_eq!(again.refunds.len(), 1);

    // Validation still runs first: nothing is sent.
    let before = emu.total_requests();
    let error = client
        .create_session_blocking(request("bad order id with spaces"))
        .unwrap_err();
    assert!(matches!(error, HyperCheckoutError::Validation { .. }));
    assert_eq!(emu.total_requests(), before);

    // Calls without an encrypted endpoint need the API key, and say so before sending.
    let error = client
        .get_mandate_blocking("mandate-1".into(), "cust-enc".into())
        .unwrap_err();
    assert!(
        matches!(&error, HyperCheckoutError::Configuration { reason } if reason.contains("api_key")),
        "{error:?}"
    );
    assert_eq!(emu.total_requests(), before);
}

#[test]
fn every_spoiled_answer_is_refused_and_not_retried() {
    let v = vectors();
    for &tamper in TAMPER_KINDS {
        let emu = emulator(&v, Some(tamper), None);
        let client = Client::new(config(&v, &emu)).unwrap();
        let request = request(&order_id());
        let routing = request.effective_routing_id().to_owned();
        let error = client.create_session_blocking(request).unwrap_err();
        assert!(
            matches!(&error, HyperCheckoutError::NotAuthentic { reason } if reason.contains("HTTP 200")),
            "{tamper}: {error:?}"
        );
        assert_eq!(emu.request_count(&routing), 1, "{tamper}: not retried");
        let error = client
            .get_order_status_blocking("enc-missing".into(), routing.clone())
            .unwrap_err();
        // Error answers are plain JSON in this mode, so a 4xx is still read as one.
        assert!(
            matches!(error, HyperCheckoutError::NotFound { .. })
                || matches!(error, HyperCheckoutError::InvalidRequest { .. }),
            "{tamper}: {error:?}"
        );
    }
}

#[test]
fn faults_and_refusals_in_encrypted_mode() {
    let v = vectors();
    // A 503 once: retried, then the encrypted answer is accepted.
    let emu = emulator(&v, None, Some("503;times=1;retry-after=0"));
    let client = Client::new(config(&v, &emu)).unwrap();
    let request = request(&order_id());
    let routing = request.effective_routing_id().to_owned();
    client.create_session_blocking(request).unwrap();
    assert_eq!(emu.request_count(&routing), 2);

    let emu = emulator(&v, None, Some("500"));
    let client = Client::new(config(&v, &emu)).unwrap();
    let error = client
        .create_session_blocking(self::request(&order_id()))
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Server { .. }),
        "{error:?}"
    );

    // Signed with a key the emulator does not know: Juspay's side refuses (plain 401).
    let emu = emulator(&v, None, None);
    let other = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/encryption-keys/other.pem"
    ))
    .unwrap();
    let client = Client::new(ClientConfig {
        encryption: Some(EncryptionKeys {
            merchant_private_key_pem: other,
            ..keys(&v)
        }),
        ..config(&v, &emu)
    })
    .unwrap();
    let error = client
        .create_session_blocking(self::request(&order_id()))
        .unwrap_err();
    assert!(
        matches!(
            error,
            HyperCheckoutError::Authentication {
                http_status: 401,
                ..
            }
        ),
        "{error:?}"
    );

    // An emulator without encryption set up: 401, not a crash.
    let plain = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let client = Client::new(config(&v, &plain)).unwrap();
    let error = client
        .create_session_blocking(self::request(&order_id()))
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Authentication { .. }),
        "{error:?}"
    );
}

/// Private key material must never be printable: no line of either private PEM (nor the
/// public PEM's body, which is not secret but is key material) in any Debug/Display of the
/// config, client, errors, or in the logs at any level.
#[test]
fn no_key_material_in_any_output() {
    let captured = common::CapturedLogs::install();
    let v = vectors();
    let mut printed = Vec::new();
    let emu = emulator(&v, None, None);
    let config = config(&v, &emu);
    printed.push(format!("{config:?}"));
    printed.push(format!("{:?}", keys(&v)));
    let client = Client::new(config.clone()).unwrap();
    printed.push(format!("{client:?}"));
    let session = client
        .create_session_blocking(request(&order_id()))
        .unwrap();
    printed.push(format!("{session:?}"));
    let mut errors = Vec::new();
    for tamper in ["tag", "signature", "wrong-key", "plain"] {
        let emu = emulator(&v, Some(tamper), None);
        errors.push(
            Client::new(self::config(&v, &emu))
                .unwrap()
                .create_session_blocking(request(&order_id()))
                .unwrap_err(),
        );
    }
    for case in v["config_errors"].as_array().unwrap() {
        let mut bad = keys(&v);
        let value = case["value"].as_str().unwrap().to_owned();
        match case["field"].as_str().unwrap() {
            "merchant_key_id" => bad.merchant_key_id = value,
            "merchant_private_key_pem" => bad.merchant_private_key_pem = value,
            "juspay_key_id" => bad.juspay_key_id = value,
            _ => bad.juspay_public_key_pem = value,
        }
        errors.push(
            Client::new(ClientConfig {
                encryption: Some(bad),
                ..config.clone()
            })
            .unwrap_err(),
        );
    }
    for hook in v["webhooks"].as_array().unwrap() {
        if let Err(e) = parse_encrypted_webhook(keys(&v), hook["body"].as_str().unwrap().into()) {
            errors.push(e);
        }
    }
    for error in &errors {
        printed.push(error.to_string());
        printed.push(format!("{error:?}"));
    }
    let logs = captured.text();
    assert!(logs.contains("sending"), "the capture saw the SDK's events");
    let mut secrets = Vec::new();
    for name in [
        "merchant_private_key_pem",
        "merchant_private_key_pkcs1_pem",
        "juspay_private_key_pem",
        "juspay_public_key_pem",
    ] {
        secrets.extend(
            key(&v, name)
                .lines()
                .filter(|l| !l.starts_with("-----") && l.len() > 20)
                .map(str::to_owned),
        );
    }
    assert!(secrets.len() > 40);
    for text in printed.iter().chain(std::iter::once(&logs)) {
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "key material in: {text}");
        }
        assert!(!text.contains("KEY-----\n"), "a PEM in: {text}");
    }
}

/// What the SDK seals (requests) and what the emulator seals (answers), for jose to check in
/// `scripts/test-encryption-interop.sh`. Also checks the SDK's own envelopes here: the
/// emulator, a separate implementation, opens them.
#[test]
fn write_sdk_envelopes() {
    let v = vectors();
    let mut requests = Vec::new();
    for (name, json) in [
        (
            "session",
            r#"{"order_id":"o-1","amount":"10.50","customer_id":"c-1"}"#.to_owned(),
        ),
        ("order_status", r#"{"order_id":"o-1"}"#.to_owned()),
        (
            "unicode",
            r#"{"description":"नमस्ते ✓ \"quoted\""}"#.to_owned(),
        ),
        ("large", format!(r#"{{"udf1":"{}"}}"#, "x".repeat(100_000))),
    ] {
        let body = encrypt_request_body(keys(&v), json.clone()).unwrap();
        requests.push(serde_json::json!({"name": name, "body": body, "plaintext": json}));
    }
    // The emulator's sealed answers, fetched with an SDK-sealed request over raw HTTP.
    let emu = emulator(&v, None, None);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let id = order_id();
    let body = hypercheckout::session_request_to_json(request(&id));
    let sealed = encrypt_request_body(keys(&v), body).unwrap();
    let answer = runtime
        .block_on(async {
            reqwest::Client::new()
                .post(format!("{}/v4/session", emu.url()))
                .header("x-merchantid", DEFAULT_MERCHANT_ID)
                .header("x-routing-id", "cust-enc")
                .header("content-type", "application/json")
                .body(sealed)
                .send()
                .await?
                .text()
                .await
        })
        .unwrap();
    let opened = decrypt_encrypted_answer(keys(&v), answer.clone()).unwrap();
    assert!(opened.contains(&id), "{opened}");
    let answers = vec![serde_json::json!({"name": "emulator_session", "body": answer})];
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/encryption-interop");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        format!("{dir}/sdk.json"),
        serde_json::to_string_pretty(
            &serde_json::json!({"requests": requests, "answers": answers}),
        )
        .unwrap(),
    )
    .unwrap();
}
