//! `parse_session_request(text)` on any text. When it parses, `validate` runs; when the request
//! validates clean, its wire JSON (`session_request_to_json`) parses back into the same request
//! and serializes to the same bytes.
#![no_main]

use hypercheckout::{parse_session_request, session_request_to_json, validate, SessionRequest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let Ok(request) = parse_session_request(text) else {
        return;
    };
    if !validate(&request).is_empty() {
        return;
    }
    let json = session_request_to_json(request.clone());
    let again = parse_session_request(json.clone())
        .unwrap_or_else(|e| panic!("the wire JSON of a valid request does not parse: {e}\n{json}"));
    // The wire always carries `action` (paymentPage when unset), so a request that left it
    // unset comes back with it set; nothing else may change.
    let expected = SessionRequest {
        action: Some(request.effective_action()),
        ..request
    };
    assert_eq!(again, expected, "round trip changed the request\n{json}");
    assert!(
        validate(&again).is_empty(),
        "round trip made it invalid\n{json}"
    );
    assert_eq!(
        session_request_to_json(again),
        json,
        "second serialization differs"
    );
});
