//! The exit codes, one table for every command, and how an SDK error maps onto them.

use std::process::ExitCode;

use hypercheckout::HyperCheckoutError;

/// The command did what it was asked (a verification command: the input is authentic).
pub const OK: u8 = 0;
/// Something this tool did not expect (a bug, or the local emulator could not start).
pub const INTERNAL: u8 = 1;
/// The command line is wrong: unknown flag, bad flag value, missing argument, flags that do
/// not go together, an unreadable file. Clap's own code for the same thing, kept so.
pub const USAGE: u8 = 2;
/// Juspay (or the emulator) answered and refused: authentication, a rejected request, an
/// unknown order, rate limiting, a server error, an answer that could not be read.
pub const API_REFUSED: u8 = 3;
/// No answer: the connection failed or the time allowed ran out.
pub const NETWORK: u8 = 4;
/// The request breaks a documented rule; nothing was sent (also `validate` finding a
/// problem, and a webhook body that is not a webhook).
pub const INVALID_REQUEST: u8 = 5;
/// A verification said no: the redirect's signature is not valid (or missing), or the
/// webhook's Authorization header does not carry the expected credentials, or (encrypted
/// mode) an answer failed decryption or signature verification.
pub const NOT_AUTHENTIC: u8 = 6;

/// The table shown at the end of `--help` (and in docs/cli.md).
pub const TABLE: &str = "\
Exit codes:
  0  success (for a verify command: authentic)
  1  internal error (a bug, or the local emulator could not start)
  2  usage error: bad flags or arguments, flags that do not go together, unreadable file
  3  the API refused: authentication, rejected request, not found, rate limit, 5xx
  4  network: connection failed or timed out
  5  invalid request: a documented rule is broken, nothing was sent
  6  not authentic: signature invalid or missing, webhook credentials wrong,
     encrypted answer failed decryption or verification

Environment: JUSPAY_MERCHANT_ID, JUSPAY_API_KEY (without both: a local emulator),
JUSPAY_RESPONSE_KEY (signature verify), JUSPAY_WEBHOOK_USERNAME, JUSPAY_WEBHOOK_PASSWORD
(webhook verify). See docs/cli.md.";

/// An exit code from the table.
pub fn code(code: u8) -> ExitCode {
    ExitCode::from(code)
}

/// Prints `error` on stderr (the SDK's errors never hold the key) and returns its code.
pub fn report(error: &HyperCheckoutError) -> ExitCode {
    use HyperCheckoutError as E;
    match error {
        E::Validation { violations } => {
            eprintln!(
                "error: the request is invalid ({} violation(s)); nothing was sent",
                violations.len()
            );
            print_violations(violations);
            code(INVALID_REQUEST)
        }
        E::NotAuthentic { .. } => {
            eprintln!("error: {error}");
            code(NOT_AUTHENTIC)
        }
        E::Configuration { .. } => {
            eprintln!("error: {error}");
            code(USAGE)
        }
        E::Timeout { .. } | E::Connection { .. } | E::Certificate { .. } => {
            eprintln!("error: {error}");
            code(NETWORK)
        }
        E::Authentication { .. }
        | E::InvalidRequest { .. }
        | E::NotFound { .. }
        | E::RateLimited { .. }
        | E::Server { .. }
        | E::UnexpectedResponse { .. } => {
            eprintln!("error: {error}");
            code(API_REFUSED)
        }
        // Anything the core adds later is reported, not a panic.
        #[allow(unreachable_patterns)]
        _ => {
            eprintln!("error: {error}");
            code(INTERNAL)
        }
    }
}

/// One line per violation, aligned: field, code, message.
pub fn print_violations(violations: &[hypercheckout::Violation]) {
    for v in violations {
        eprintln!("  {:<32} {:<28} {}", v.field, v.code, v.message);
    }
}
