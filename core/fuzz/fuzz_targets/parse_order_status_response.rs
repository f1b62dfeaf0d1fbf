//! `parse_order_status_response(status, headers, body)` on any answer (see `http_answer` for
//! the input format). Never panics; an `OrderStatus` only for 2xx, with `raw_json` equal to
//! the body and `amount` (when present) a slice of it, exactly as written.
#![no_main]

use hypercheckout::parse_order_status_response;
use hypercheckout_fuzz::http_answer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, headers, body) = http_answer(data);
    match parse_order_status_response(status, &headers, &body) {
        Ok(order) => {
            assert!((200..300).contains(&status), "an order from HTTP {status}");
            assert_eq!(order.raw_json, body, "raw_json is not the body");
            let _ = order.status.wire_name();
            let _ = format!("{order:?}");
        }
        Err(error) => {
            let _ = format!("{error} {error:?}");
        }
    }
});
