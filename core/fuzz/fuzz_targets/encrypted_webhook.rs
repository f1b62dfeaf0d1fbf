//! `parse_encrypted_webhook(keys, body)` and `decrypt_encrypted_answer(keys, body)` on any text,
//! with the test-only keys of `testdata/encryption.json`: the code an attacker reaches by
//! posting to a merchant's webhook URL. Never panics; whatever is accepted is exactly one of
//! the payloads the test keys really signed (mutating an envelope can change its JSON
//! framing, never what it says), and any refusal is `NotAuthentic`.
#![no_main]

use std::sync::OnceLock;

use hypercheckout::{
    decrypt_encrypted_answer, parse_encrypted_webhook, EncryptionKeys, HyperCheckoutError,
};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    keys: EncryptionKeys,
    signed: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../testdata/encryption.json")).unwrap();
        let k = |n: &str| v["keys"][n].as_str().unwrap().to_owned();
        let mut signed: Vec<String> = v["answers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["expect"] == "ok")
            .map(|a| a["plaintext"].as_str().unwrap().to_owned())
            .collect();
        let keys = EncryptionKeys::new(
            k("merchant_key_id"),
            k("merchant_private_key_pem"),
            k("juspay_key_id"),
            k("juspay_public_key_pem"),
        );
        // The sealed webhooks' events, as the SDK opens the unmodified vectors.
        for hook in v["webhooks"].as_array().unwrap() {
            if hook["expect"] == "ok" {
                let body = hook["body"].as_str().unwrap().to_owned();
                signed.push(parse_encrypted_webhook(keys.clone(), body).unwrap().raw_json);
            }
        }
        Fixture { keys, signed }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    let body = String::from_utf8_lossy(data).into_owned();
    match decrypt_encrypted_answer(f.keys.clone(), body.clone()) {
        Ok(plain) => assert!(f.signed.contains(&plain), "accepted a payload nobody signed: {plain}"),
        Err(HyperCheckoutError::NotAuthentic { reason }) => assert!(!reason.contains("KEY-----")),
        Err(other) => panic!("refused as {other:?}, not NotAuthentic"),
    }
    match parse_encrypted_webhook(f.keys.clone(), body) {
        Ok(event) => assert!(
            f.signed.iter().any(|s| s == &event.raw_json),
            "accepted a webhook nobody signed"
        ),
        // A signed payload that is not a webhook is a Validation error from parse_webhook.
        Err(HyperCheckoutError::NotAuthentic { .. } | HyperCheckoutError::Validation { .. }) => {}
        Err(other) => panic!("refused as {other:?}"),
    }
});
