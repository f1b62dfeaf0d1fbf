//! `parse_webhook(body)` on any text. Never panics; on success `raw_json` is the body, the id
//! (when there is one) and the event name are non-empty, and the order (if any) is a slice of
//! the body.
#![no_main]

use hypercheckout::parse_webhook;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    match parse_webhook(&body) {
        Ok(event) => {
            assert_eq!(event.raw_json, body, "raw_json is not the body");
            assert!(
                event.id.as_ref().is_none_or(|id| !id.is_empty()),
                "empty id accepted"
            );
            assert!(
                !event.event_name.wire_name().is_empty(),
                "empty event name accepted"
            );
            if let Some(order) = &event.order {
                assert!(
                    body.contains(&order.raw_json),
                    "order.raw_json is not from the body"
                );
            }
            let _ = format!("{event:?}");
        }
        Err(error) => {
            let _ = format!("{error} {error:?}");
        }
    }
});
