//! Small helpers: random identifiers and UTC timestamps, without extra dependencies.

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A random-enough 64-bit value for identifiers (not for cryptography).
///
/// `RandomState::new()` is seeded from the OS once per thread and then perturbed on every
/// call; hashing a global counter plus the clock gives distinct values across threads.
pub(crate) fn random_u64() -> u64 {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    RandomState::new().hash_one((n, nanos))
}

fn random_from(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut bits = random_u64();
    let mut left = 10; // use 6 bits at a time, 10 draws per u64
    while out.len() < len {
        if left == 0 {
            bits = random_u64();
            left = 10;
        }
        let idx = (bits & 0x3f) as usize;
        bits >>= 6;
        left -= 1;
        if idx < alphabet.len() {
            out.push(alphabet[idx] as char);
        }
    }
    out
}

/// `len` random characters from `[a-z0-9]`.
pub(crate) fn random_lower_alnum(len: usize) -> String {
    random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", len)
}

/// `len` random characters from `[a-zA-Z0-9]`.
pub(crate) fn random_alnum(len: usize) -> String {
    random_from(
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        len,
    )
}

/// `len` random lowercase hex digits.
pub(crate) fn random_hex(len: usize) -> String {
    random_from(b"0123456789abcdef", len)
}

/// Seconds since the Unix epoch.
pub(crate) fn now_epoch() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Formats epoch seconds as ISO-8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn iso8601_utc(epoch_secs: u64) -> String {
    let days = (epoch_secs / 86_400) as i64;
    let secs = epoch_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u64; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe as i64 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Minimal HTML escaping for text and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601_utc(1_647_116_963), "2022-03-12T20:29:23Z");
        assert_eq!(iso8601_utc(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso8601_utc(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn random_shapes() {
        let a = random_lower_alnum(20);
        assert_eq!(a.len(), 20);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
        assert_ne!(a, random_lower_alnum(20));
        let h = random_hex(32);
        assert_eq!(h.len(), 32);
        assert!(h.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(random_alnum(21).len(), 21);
    }
}
