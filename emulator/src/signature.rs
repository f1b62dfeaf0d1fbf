//! The `return_url` redirect signature, implemented independently of the client crate.
//!
//! Algorithm (Juspay's published verification steps, see `shared/notes/juspay-facts.md`):
//! drop `signature` and `signature_algorithm`; percent-encode every key and value; sort the
//! pairs by encoded key (byte order); join as `k=v&k=v`; percent-encode that whole string;
//! HMAC-SHA256 it with the response key; base64 (standard, padded) the digest.
//!
//! The percent-encoding is `application/x-www-form-urlencoded` as done by Java's
//! `URLEncoder.encode(s, "UTF-8")` (Juspay's own verification sample): ASCII letters, digits and
//! `.-*_` are kept, space becomes `+`, every other byte of the UTF-8 encoding becomes `%XX`
//! (uppercase hex).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// `application/x-www-form-urlencoded` encoding, Java `URLEncoder` style.
pub fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Signs redirect parameters with `response_key`. Pairs named `signature` or
/// `signature_algorithm` are ignored.
pub fn return_url_signature<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
    response_key: &str,
) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| k.as_ref() != "signature" && k.as_ref() != "signature_algorithm")
        .map(|(k, v)| (form_encode(k.as_ref()), form_encode(v.as_ref())))
        .collect();
    encoded.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let joined = encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    let message = form_encode(&joined);
    let mut mac =
        Hmac::<Sha256>::new_from_slice(response_key.as_bytes()).expect("HMAC takes any key size");
    mac.update(message.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_vector() {
        let params = [
            ("order_id", "order_1727694028"),
            ("status", "AUTHORIZATION_FAILED"),
            ("status_id", "27"),
            ("myQP", "aGVsbG9Xb3JsZA=="),
        ];
        assert_eq!(
            return_url_signature(&params, "92206A0A4A75499C9B11206C2B3B9A53"),
            "8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I="
        );
        // signature / signature_algorithm are excluded, order does not matter
        let mut more = params.to_vec();
        more.reverse();
        more.push(("signature", "x"));
        more.push(("signature_algorithm", "HMAC-SHA256"));
        assert_eq!(
            return_url_signature(&more, "92206A0A4A75499C9B11206C2B3B9A53"),
            "8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I="
        );
    }

    #[test]
    fn encoding() {
        assert_eq!(form_encode("a b+c=d&é~*._-"), "a+b%2Bc%3Dd%26%C3%A9%7E*._-");
    }
}
