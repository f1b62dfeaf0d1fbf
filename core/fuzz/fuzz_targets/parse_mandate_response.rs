//! The mandate answers on any HTTP answer (see `http_answer` for the input format), both
//! parsers on the same input: `parse_mandate_response` (status check, revoke) and
//! `parse_mandate_execution_response` (`POST /txns`). Never panics; a result only for 2xx;
//! `raw_json` equal to the body; a non-empty mandate id; the mandate's `Debug` never depends
//! on the mandate token's or the payer's VPA's value (it says only whether each is present,
//! as `[redacted]`: core/src/redact.rs).
#![no_main]

use hypercheckout::{parse_mandate_execution_response, parse_mandate_response};
use hypercheckout_fuzz::http_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, headers, body) = http_answer(data);
    match parse_mandate_response(status, &headers, &body) {
        Ok(mandate) => {
            assert!((200..300).contains(&status), "a mandate from HTTP {status}");
            assert_eq!(mandate.raw_json, body, "raw_json is not the body");
            assert!(!mandate.mandate_id.is_empty(), "an empty mandate id");
            let _ = mandate.status.wire_name();
            // Debug does not depend on the token's or the payer's VPA's value: swapping each
            // present one for another value leaves the text as it was.
            let swap = |value: &Option<String>| value.as_ref().map(|v| format!("other-{v}"));
            let hidden = hypercheckout::MandateDetails {
                mandate_token: swap(&mandate.mandate_token),
                payer_vpa: swap(&mandate.payer_vpa),
                ..mandate.clone()
            };
            assert_eq!(
                format!("{mandate:?}"),
                format!("{hidden:?}"),
                "Debug shows a secret"
            );
        }
        Err(error) => {
            let _ = format!("{error} {error:?}");
        }
    }
    match parse_mandate_execution_response(status, &headers, &body) {
        Ok(result) => {
            assert!(
                (200..300).contains(&status),
                "an execution from HTTP {status}"
            );
            assert_eq!(result.raw_json, body, "raw_json is not the body");
            let _ = result.status.wire_name();
            let _ = format!("{result:?}");
        }
        Err(error) => {
            let _ = format!("{error} {error:?}");
        }
    }
});
