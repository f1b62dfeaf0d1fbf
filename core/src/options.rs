//! Per-call options, as stripe's `RequestOptions`: what one call may change of the client's
//! defaults. Every field left `None` keeps the client's value.

use std::time::Duration;

use crate::config::Settings;
use crate::error::HyperCheckoutError;
use crate::validate::{self, Violation};

/// What one call may change of the client's defaults (`ClientConfig`); a field left unset
/// keeps the client's value. Pass it as the last argument of any call (sessions, order
/// status, refunds, mandates; async and blocking).
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct RequestOptions {
    /// Time allowed for one attempt of this call, in milliseconds (unset: the client
    /// configuration's per-attempt timeout).
    #[uniffi(default)]
    pub timeout_ms: Option<u64>,
    /// Time allowed for this call and its retries, in milliseconds (unset: the client
    /// configuration's overall timeout).
    #[uniffi(default)]
    pub overall_timeout_ms: Option<u64>,
    /// Retries after the first attempt for this call; 0 disables (unset: the client
    /// configuration's retry count).
    #[uniffi(default)]
    pub max_retries: Option<u32>,
    /// The `x-routing-id` sent with this call, in place of the one the call would send
    /// (the request's routing id or customer id, or the call's routing id argument). A
    /// session created with it reports it as the session's routing id.
    #[uniffi(default)]
    pub routing_id: Option<String>,
}

/// The limits one call runs under: the client's, with the call's options applied.
#[derive(Debug, Clone)]
pub(crate) struct CallLimits {
    pub timeout: Duration,
    pub overall_timeout: Duration,
    pub max_retries: u32,
    pub routing_id: Option<String>,
}

impl CallLimits {
    /// The client's limits with `options` applied; a broken option is a `Validation` error
    /// naming it, and nothing is sent.
    pub(crate) fn resolve(
        settings: &Settings,
        options: Option<&RequestOptions>,
    ) -> Result<CallLimits, HyperCheckoutError> {
        let mut limits = CallLimits {
            timeout: settings.timeout,
            overall_timeout: settings.overall_timeout,
            max_retries: settings.max_retries,
            routing_id: None,
        };
        let Some(options) = options else {
            return Ok(limits);
        };
        let mut violations = Vec::new();
        for (field, value) in [
            ("options.timeout_ms", options.timeout_ms),
            ("options.overall_timeout_ms", options.overall_timeout_ms),
        ] {
            if value == Some(0) {
                violations.push(Violation {
                    field: field.into(),
                    code: validate::codes::INVALID_VALUE.into(),
                    message: format!("{field} must be greater than zero"),
                });
            }
        }
        if let Some(routing_id) = &options.routing_id {
            violations.extend(validate::validate_routing_option(routing_id));
        }
        if !violations.is_empty() {
            return Err(HyperCheckoutError::Validation { violations });
        }
        if let Some(ms) = options.timeout_ms {
            limits.timeout = Duration::from_millis(ms);
        }
        if let Some(ms) = options.overall_timeout_ms {
            limits.overall_timeout = Duration::from_millis(ms);
        }
        if let Some(retries) = options.max_retries {
            limits.max_retries = retries;
        }
        limits.routing_id = options.routing_id.clone();
        Ok(limits)
    }

    /// The `x-routing-id` to send: the option's, else the call's own.
    pub(crate) fn routing_id<'a>(&'a self, own: &'a str) -> &'a str {
        self.routing_id.as_deref().unwrap_or(own)
    }
}
