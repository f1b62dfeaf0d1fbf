//! `parse_retry_after(text, now)` on any text, for a "now" at the epoch, today and the year
//! 9999: never panics; delta-seconds read exactly; `delay_before_retry` with the result never
//! panics at any retry number.
#![no_main]

use std::time::{Duration, SystemTime};

use hypercheckout::{delay_before_retry, parse_retry_after};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let year_9999 = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
    for now in [SystemTime::UNIX_EPOCH, SystemTime::now(), year_9999] {
        let wait = parse_retry_after(&text, now);
        if let Ok(seconds) = text.trim().parse::<u64>() {
            assert_eq!(wait, Some(Duration::from_secs(seconds)));
        }
        for retry in [0, 1, 2, 31, 32, 64, u32::MAX] {
            let _ = delay_before_retry(retry, wait);
        }
    }
});
