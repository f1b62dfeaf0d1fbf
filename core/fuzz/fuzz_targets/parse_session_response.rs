//! `parse_session_response(status, headers, body)` on any answer (see `http_answer` for the
//! input format). Never panics; a `Session` only for 2xx, and its `sdk_payload_json` is the
//! payload exactly as received (a slice of the body); errors format without panicking.
#![no_main]

use hypercheckout::parse_session_response;
use hypercheckout_fuzz::http_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, headers, body) = http_answer(data);
    match parse_session_response(status, &headers, &body) {
        Ok(session) => {
            assert!((200..300).contains(&status), "a Session from HTTP {status}");
            assert!(
                body.contains(&session.sdk_payload_json),
                "sdk_payload_json is not the text received"
            );
            let _ = format!("{session:?}");
        }
        Err(error) => {
            let _ = format!("{error} {error:?}");
        }
    }
});
