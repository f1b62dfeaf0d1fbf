//! Verifying the signed redirect to the merchant's `return_url`.
//!
//! After a payment Juspay sends the customer's browser to `return_url` with `order_id`,
//! `status`, `status_id` (plus the merchant's own query parameters), `signature` and
//! `signature_algorithm=HMAC-SHA256`. Anyone can type such a URL, so it proves nothing until
//! the signature checks out. The algorithm (Juspay's "Handle Payment Response" page,
//! `shared/notes/juspay-facts.md`, "return_url redirect signature"):
//!
//! 1. drop `signature` and `signature_algorithm`;
//! 2. percent-encode each key and each value;
//! 3. sort the pairs by encoded key (byte order);
//! 4. join as `k=v&k=v`;
//! 5. percent-encode that whole string;
//! 6. HMAC-SHA256 it with the dashboard's Response Key; base64 the digest;
//! 7. compare, in constant time, with the received `signature` (percent-decoded once).
//!
//! "Percent-encode" is Java's `URLEncoder.encode(s, "UTF-8")`, as in Juspay's own sample:
//! ASCII letters, digits and `.-*_` stay, space becomes `+`, every other UTF-8 byte becomes
//! `%XX` in upper case. The emulator implements the same steps separately; it is the referee.
//!
//! Choices where the page is silent, all failing closed:
//! - a parameter that appears twice in a query string gives `Invalid`: the signature could
//!   cover one copy while the merchant's framework reads the other;
//! - a missing or different `signature_algorithm` gives `UnsupportedAlgorithm`;
//! - an empty response key gives `Invalid` (it would let anyone sign);
//! - a signature that is not base64 gives `Invalid`; spaces in it are read as `+` (base64
//!   has no spaces, and a `+` left unencoded in a query string decodes to a space).

use std::collections::HashMap;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The only `signature_algorithm` Juspay documents for the redirect.
pub const SIGNATURE_ALGORITHM: &str = "HMAC-SHA256";

/// What the redirect's signature says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum SignatureVerdict {
    /// Signed with the response key: the parameters are Juspay's. (The order may still be
    /// unpaid: confirm with the Order Status API, or use the payment check.)
    Valid,
    /// The signature does not match: the parameters were altered, or signed with another key.
    Invalid,
    /// No `signature` parameter (or an empty one).
    MissingSignature,
    /// The `signature_algorithm` parameter is missing or is not `HMAC-SHA256`.
    UnsupportedAlgorithm,
}

#[uniffi::export]
impl SignatureVerdict {
    /// Whether the verdict is `Valid`.
    pub fn is_valid(&self) -> bool {
        *self == SignatureVerdict::Valid
    }
}

/// Verifies the redirect's parameters (already decoded, as a web framework hands them over)
/// with the dashboard's Response Key.
#[uniffi::export]
pub fn verify_return_url_signature(
    params: &HashMap<String, String>,
    response_key: &str,
) -> SignatureVerdict {
    verify_pairs(
        params.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        response_key,
    )
}

/// Like the redirect signature check over parameters, from the full redirect URL
/// (`https://shop.example.com/return?order_id=...`), its query string with or without the
/// leading `?`, or a path with a query (`/return?...`). A fragment is ignored.
#[uniffi::export]
pub fn verify_return_url_signature_from_query(
    url_or_query: &str,
    response_key: &str,
) -> SignatureVerdict {
    let without_fragment = url_or_query.split('#').next().unwrap_or("");
    let query = match without_fragment.split_once('?') {
        Some((_, query)) => query,
        // No `?`: a bare query string, unless it is a URL or path without one.
        None if without_fragment.contains("://") || without_fragment.starts_with('/') => "",
        None => without_fragment,
    };
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut seen = std::collections::HashSet::new();
    if !pairs.iter().all(|(k, _)| seen.insert(k.as_str())) {
        tracing::warn!("return_url query repeats a parameter; treating the signature as invalid");
        return SignatureVerdict::Invalid;
    }
    verify_pairs(pairs, response_key)
}

fn verify_pairs(pairs: Vec<(String, String)>, response_key: &str) -> SignatureVerdict {
    let mut signature = None;
    let mut algorithm = None;
    let mut signed = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        match key.as_str() {
            "signature" => signature = Some(value),
            "signature_algorithm" => algorithm = Some(value),
            _ => signed.push((key, value)),
        }
    }
    let Some(signature) = signature.filter(|s| !s.is_empty()) else {
        return SignatureVerdict::MissingSignature;
    };
    if !algorithm.is_some_and(|a| a.eq_ignore_ascii_case(SIGNATURE_ALGORITHM)) {
        return SignatureVerdict::UnsupportedAlgorithm;
    }
    if response_key.is_empty() {
        tracing::warn!("the response key is empty; refusing to verify");
        return SignatureVerdict::Invalid;
    }
    let Some(received) = decode_signature(&signature) else {
        return SignatureVerdict::Invalid;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(response_key.as_bytes())
        .expect("HMAC accepts keys of any length");
    mac.update(signing_string(&signed).as_bytes());
    // `verify_slice` compares in constant time.
    match mac.verify_slice(&received) {
        Ok(()) => SignatureVerdict::Valid,
        Err(_) => SignatureVerdict::Invalid,
    }
}

/// Steps 1-5: the text that is HMACed.
pub(crate) fn signing_string(pairs: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .filter(|(k, _)| k != "signature" && k != "signature_algorithm")
        .map(|(k, v)| (java_url_encode(k), java_url_encode(v)))
        .collect();
    encoded.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined: Vec<String> = encoded.iter().map(|(k, v)| format!("{k}={v}")).collect();
    java_url_encode(&joined.join("&"))
}

/// Java's `URLEncoder.encode(text, "UTF-8")`.
pub(crate) fn java_url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(byte))
            }
            b' ' => out.push('+'),
            other => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(other >> 4)]));
                out.push(char::from(HEX[usize::from(other & 0xF)]));
            }
        }
    }
    out
}

/// Step 7's "percent-decoded once" (only `%XX`; raw base64 has no `%`, so an already
/// decoded value is unchanged), then base64.
fn decode_signature(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |at: usize| char::from(*bytes.get(at)?).to_digit(16);
            decoded.push((hex(i + 1)? * 16 + hex(i + 2)?) as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let normalized: Vec<u8> = decoded
        .into_iter()
        .map(|b| if b == b' ' { b'+' } else { b })
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(normalized)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "92206A0A4A75499C9B11206C2B3B9A53";
    const SIGNATURE: &str = "8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I=";

    fn published(extra: &[(&str, &str)]) -> HashMap<String, String> {
        [
            ("order_id", "order_1727694028"),
            ("status", "AUTHORIZATION_FAILED"),
            ("status_id", "27"),
            ("myQP", "aGVsbG9Xb3JsZA=="),
            ("signature_algorithm", "HMAC-SHA256"),
        ]
        .iter()
        .chain(extra)
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn the_published_vector() {
        let params = published(&[("signature", SIGNATURE)]);
        assert_eq!(
            verify_return_url_signature(&params, KEY),
            SignatureVerdict::Valid
        );
        let encoded = published(&[(
            "signature",
            "8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I%3D",
        )]);
        assert_eq!(
            verify_return_url_signature(&encoded, KEY),
            SignatureVerdict::Valid
        );
    }

    #[test]
    fn encoding_is_javas_url_encoder() {
        assert_eq!(
            java_url_encode("a b+c=d&é~*._-"),
            "a+b%2Bc%3Dd%26%C3%A9%7E*._-"
        );
    }

    #[test]
    fn malformed_percent_escapes_are_invalid() {
        assert_eq!(decode_signature("ab%2"), None);
        assert_eq!(decode_signature("ab%zz"), None);
        assert_eq!(decode_signature("YQ%3D%3D"), Some(b"a".to_vec()));
    }
}
