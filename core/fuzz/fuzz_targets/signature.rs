//! Return-URL signature verification. Input: the response key on the first line, then a
//! redirect URL or query string.
//!
//! - `verify_return_url_signature_from_query` and `verify_return_url_signature` never panic
//!   on the text as given;
//! - its parameters, signed by the emulator's independent `return_url_signature`, verify
//!   `Valid` as a decoded map and as a query string (an empty key gives `Invalid`: the
//!   documented choice, since it would let anyone sign);
//! - changing one byte of one value makes both `Invalid`.
#![no_main]

use std::collections::{BTreeMap, HashMap};

use hypercheckout::{
    verify_return_url_signature, verify_return_url_signature_from_query, SignatureVerdict,
    SIGNATURE_ALGORITHM,
};
use hypercheckout_emulator::{form_encode, return_url_signature};
use hypercheckout_fuzz::pick;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (key, query) = text.split_once('\n').unwrap_or(("", &text));

    // As given.
    let _ = verify_return_url_signature_from_query(query, key);
    let query_only = query.split('#').next().unwrap_or("");
    let query_only = query_only.split_once('?').map_or(query_only, |(_, q)| q);
    let given: HashMap<String, String> = url::form_urlencoded::parse(query_only.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let _ = verify_return_url_signature(&given, key);

    // Signed correctly.
    let mut params: BTreeMap<String, String> = given.into_iter().collect();
    params.remove("signature");
    params.remove("signature_algorithm");
    let expected = if key.is_empty() {
        SignatureVerdict::Invalid
    } else {
        SignatureVerdict::Valid
    };
    check(&params, key, expected, "signed by the emulator");

    // One byte changed in one value.
    if params.is_empty() {
        return;
    }
    let choice = pick(data);
    let name = params.keys().nth(choice % params.len()).unwrap().clone();
    let signature = sign(&params, key);
    let value = params.get_mut(&name).unwrap();
    let before = value.clone();
    let mut bytes = std::mem::take(value).into_bytes();
    let ascii: Vec<usize> = (0..bytes.len()).filter(|&i| bytes[i].is_ascii()).collect();
    if ascii.is_empty() {
        bytes.push(b'x');
    } else {
        let at = ascii[(choice / 7) % ascii.len()];
        let delta = 1 + (choice % 0x7f) as u8; // 1..=127: stays ASCII, always differs
        bytes[at] ^= delta;
    }
    *value = String::from_utf8(bytes).expect("ASCII edits keep UTF-8");
    assert_ne!(*value, before);
    check_with(
        &params,
        &signature,
        key,
        SignatureVerdict::Invalid,
        "one byte of a value changed",
    );
});

fn sign(params: &BTreeMap<String, String>, key: &str) -> String {
    let pairs: Vec<(&String, &String)> = params.iter().collect();
    return_url_signature(&pairs, key)
}

fn check(params: &BTreeMap<String, String>, key: &str, expected: SignatureVerdict, what: &str) {
    check_with(params, &sign(params, key), key, expected, what);
}

/// Both entry points, with `signature` attached to `params`.
fn check_with(
    params: &BTreeMap<String, String>,
    signature: &str,
    key: &str,
    expected: SignatureVerdict,
    what: &str,
) {
    let mut map: HashMap<String, String> =
        params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    map.insert("signature".into(), signature.to_owned());
    map.insert("signature_algorithm".into(), SIGNATURE_ALGORITHM.into());
    assert_eq!(
        verify_return_url_signature(&map, key),
        expected,
        "map, {what}: {params:?} key {key:?}"
    );

    let mut query = String::from("https://shop.example.com/return?");
    for (k, v) in params {
        query.push_str(&format!("{}={}&", form_encode(k), form_encode(v)));
    }
    query.push_str(&format!(
        "signature={}&signature_algorithm={SIGNATURE_ALGORITHM}",
        form_encode(signature)
    ));
    assert_eq!(
        verify_return_url_signature_from_query(&query, key),
        expected,
        "query, {what}: {query:?} key {key:?}"
    );
}
