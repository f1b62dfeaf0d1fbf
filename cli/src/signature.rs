//! `hypercheckout signature verify`: the signed redirect to return_url.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Args;
use hypercheckout::{verify_return_url_signature_from_query, SignatureVerdict};

use crate::exit;

/// `signature verify [URL_OR_QUERY]`.
#[derive(Args)]
pub struct VerifyArgs {
    /// The full redirect URL (https://shop.example.com/return?order_id=...), a path with a
    /// query, or the query string alone; `-` or nothing reads it from standard input.
    /// Quote it: it contains `&`.
    url_or_query: Option<String>,
    /// The Response Key from the Juspay dashboard (the embedded emulator signs with
    /// emulator_response_key). Prefer the environment variable.
    #[arg(
        long,
        env = "JUSPAY_RESPONSE_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    response_key: Option<String>,
}

/// Runs `signature verify`: exit 0 when valid, 6 otherwise.
pub fn verify(args: VerifyArgs) -> ExitCode {
    let Some(key) = args.response_key.filter(|k| !k.is_empty()) else {
        eprintln!(
            "error: give the Response Key from the Juspay dashboard with --response-key or \
             JUSPAY_RESPONSE_KEY (the emulator's is {})",
            hypercheckout_emulator::DEFAULT_RESPONSE_KEY
        );
        return exit::code(exit::USAGE);
    };
    let input = match args.url_or_query.as_deref() {
        None | Some("-") => match std::io::read_to_string(std::io::stdin()) {
            Ok(text) => text.trim().to_owned(),
            Err(e) => {
                eprintln!("error: cannot read standard input: {e}");
                return exit::code(exit::USAGE);
            }
        },
        Some(text) => text.trim().to_owned(),
    };
    if input.is_empty() {
        eprintln!("error: no redirect URL or query string given");
        return exit::code(exit::USAGE);
    }
    let verdict = verify_return_url_signature_from_query(&input, &key);
    let (line, code) = match verdict {
        SignatureVerdict::Valid => (
            "valid: signed with the response key, so these parameters are Juspay's (confirm \
             payment with `hypercheckout order status`: the redirect can be a moment old)",
            exit::OK,
        ),
        SignatureVerdict::Invalid => (
            "invalid: the signature does not match (the parameters were altered, signed with \
             another key, or a parameter is repeated)",
            exit::NOT_AUTHENTIC,
        ),
        SignatureVerdict::MissingSignature => (
            "missing signature: there is no `signature` parameter",
            exit::NOT_AUTHENTIC,
        ),
        SignatureVerdict::UnsupportedAlgorithm => (
            "unsupported algorithm: signature_algorithm is missing or not HMAC-SHA256",
            exit::NOT_AUTHENTIC,
        ),
    };
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{line}");
    if verdict.is_valid() {
        for (key, value) in query_pairs(&input) {
            if key != "signature" && key != "signature_algorithm" {
                let _ = writeln!(out, "  {key} = {value}");
            }
        }
    }
    exit::code(code)
}

/// The decoded `key=value` pairs of the query part, for display only (the verification
/// itself is the core's).
fn query_pairs(input: &str) -> Vec<(String, String)> {
    let without_fragment = input.split('#').next().unwrap_or("");
    let query = match without_fragment.split_once('?') {
        Some((_, query)) => query,
        None => without_fragment,
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn form_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
