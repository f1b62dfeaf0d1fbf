//! When a failed call is tried again, and how long to wait first. The whole policy fits on
//! this screen; `docs/retries.md` explains why each case is safe.
//!
//! Retried:
//! - a connection that could not be opened (nothing was sent);
//! - HTTP 429, 502, 503, 504 (Juspay or its load balancer did not process the order, or
//!   asks us to come back);
//! - for reads only (`GET /orders/{id}`, which changes nothing), also HTTP 500.
//!
//! Not retried: timeouts after the request was sent, connections that broke mid-answer,
//! every 4xx but 429, and 500 on `POST /session`: the order may exist, and only the
//! merchant can decide.
//!
//! Calls with an idempotency key Juspay enforces (refunds, mandate execution, revoke;
//! `Policy::Idempotent`) are also retried on 500, on a timeout and on a connection lost
//! after sending: a repeat cannot refund or debit twice.
//!
//! Waits grow exponentially from `BASE_DELAY` with "equal jitter" (half fixed, half random),
//! are capped at `MAX_DELAY`, and yield to the server's `Retry-After` when it sends one. No
//! retry starts if its wait would end past the overall deadline.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime};

pub const BASE_DELAY: Duration = Duration::from_millis(100);
pub const MAX_DELAY: Duration = Duration::from_secs(5);

/// How a call may be repeated. Each call names its policy in `client.rs`; `docs/retries.md`
/// says why each is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// `POST /session`: the statuses of `is_retryable_status`, and nothing that may have
    /// reached Juspay.
    Write,
    /// A call that changes nothing (order status, mandate status): also HTTP 500.
    Read,
    /// A call made idempotent by a key Juspay enforces (a refund's `unique_request_id`, a
    /// mandate execution's new `order_id`, a revoke): also HTTP 500, a per-attempt timeout and
    /// a connection lost after sending. A repeat cannot act twice; the client then recognises
    /// the first attempt's result from Juspay's "already done" answer.
    Idempotent,
}

impl Policy {
    /// Whether an answer with `status` is worth another attempt under this policy.
    pub fn retries_status(self, status: u16) -> bool {
        match self {
            Policy::Write => is_retryable_status(status),
            Policy::Read | Policy::Idempotent => is_retryable_status_for_read(status),
        }
    }

    /// Whether a failure after the request may have been sent (timeout, broken connection)
    /// is worth another attempt.
    pub fn retries_maybe_sent(self) -> bool {
        self == Policy::Idempotent
    }
}

/// Statuses worth retrying for a session call.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Statuses worth retrying for a call that changes nothing (`GET`): a 500 may have done
/// half a job on a write, but a read can simply be asked again.
pub fn is_retryable_status_for_read(status: u16) -> bool {
    is_retryable_status(status) || status == 500
}

/// The wait before retry number `retry` (0 for the first retry): the server's
/// `Retry-After` if it gave one, else exponential backoff with jitter.
pub fn delay_before_retry(retry: u32, retry_after: Option<Duration>) -> Duration {
    if let Some(wait) = retry_after {
        return wait;
    }
    let ceiling = BASE_DELAY
        .saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX))
        .min(MAX_DELAY);
    let half = ceiling / 2;
    half + half.mul_f64(random_fraction())
}

/// `Retry-After` as delta-seconds or an HTTP date (RFC 9110 section 10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A number in [0, 1) that differs between calls and processes. Jitter only has to spread
/// clients apart, not be unpredictable; std's randomly seeded hasher is enough.
fn random_fraction() -> f64 {
    let bits = RandomState::new().hash_one(std::time::Instant::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_statuses() {
        let retryable: Vec<u16> = (400..600).filter(|s| is_retryable_status(*s)).collect();
        assert_eq!(retryable, [429, 502, 503, 504]);
        let for_reads: Vec<u16> = (400..600)
            .filter(|s| is_retryable_status_for_read(*s))
            .collect();
        assert_eq!(for_reads, [429, 500, 502, 503, 504]);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for retry in 0..40 {
            let ceiling = (BASE_DELAY * 2u32.saturating_pow(retry.min(20))).min(MAX_DELAY);
            let delay = delay_before_retry(retry, None);
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{retry}: {delay:?}"
            );
        }
        assert_eq!(
            delay_before_retry(0, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }

    #[test]
    fn retry_after_forms() {
        let now = httpdate::parse_http_date("Wed, 25 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("7", now), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 10:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 09:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
