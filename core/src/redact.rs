//! How records print, in Rust and in every binding: one text, secrets left out.
//!
//! Each record here gets a `Display` and a `Debug` that write `Name(field="value", ...)`:
//! fields that are absent (`None`, empty lists and maps) are left out, and the fields that
//! identify a customer or grant access (e-mail, phone, the client auth token, the payer's VPA,
//! the mandate token, bodies as received) show as `[redacted]` when present.
//!
//! The records export `Debug` through uniffi (`#[uniffi::export(Debug)]` on each), so Kotlin's
//! `toString()` and Swift's `debugDescription` are this text, and with it Swift's `print`,
//! `"\(x)"`, `String(describing:)` and `String(reflecting:)` (which fall back to
//! `debugDescription` for a type that is not `CustomStringConvertible`). Not `Display`: Swift
//! would then give the records a `description` property, and `SessionRequest` and
//! `SdkPayloadDetails` already have a field of that name (Juspay's `description`), which does
//! not compile. Python keeps its own `repr`, written the Python way (`Name(field='value')`)
//! from the same list of secret fields (`_idioms.SENSITIVE_FIELDS`); its canary tests run the
//! same vectors (`testdata/redaction.json`).
//!
//! Every impl destructures its record without `..`: a field added to a record does not
//! compile until it is listed here, as shown or as secret, so nothing new is printed by
//! accident and nothing is silently missing either.
//!
//! Enums print their wire names (`CHARGED`, `paymentPage`, `ORDER_SUCCEEDED`), exported
//! the same way (`#[uniffi::export(Display)]`): without it Kotlin printed
//! `OrderState$New@5faeada1`. `OrderState`, `MandateState` and `PaymentVerdict` have theirs
//! next to their wire tables; the request's enums and the webhook's are below.

use std::collections::HashMap;
use std::fmt;

use crate::mandate::{MandateDetails, MandateExecution, MandateExecutionResult};
use crate::order::{CardSummary, OrderMandate, OrderStatus, Refund, TxnDetail};
use crate::refund::RefundRequest;
use crate::request::{Mandate, SessionRequest};
use crate::response::{SdkPayload, SdkPayloadDetails, Session};
use crate::webhook::WebhookEvent;

/// What a secret field shows instead of its value (the same text as the API key's).
pub(crate) const REDACTED: &str = "[redacted]";

/// A value as a record's text shows it.
trait Shown {
    /// False for an absent value, which is left out.
    fn present(&self) -> bool {
        true
    }
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

impl Shown for String {
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl<T: Shown> Shown for Option<T> {
    fn present(&self) -> bool {
        self.as_ref().is_some_and(Shown::present)
    }
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => value.show(f),
            None => Ok(()),
        }
    }
}

impl<T: Shown> Shown for Vec<T> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            item.show(f)?;
        }
        f.write_str("]")
    }
}

/// Sorted by key, so the text is the same on every run.
impl Shown for HashMap<String, String> {
    fn present(&self) -> bool {
        !self.is_empty()
    }
    fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut entries: Vec<_> = self.iter().collect();
        entries.sort();
        f.write_str("{")?;
        for (i, (key, value)) in entries.into_iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{key:?}: {value:?}")?;
        }
        f.write_str("}")
    }
}

/// Numbers, flags, enums (their wire names) and nested records: their `Display`.
macro_rules! shown_by_display {
    ($($ty:ty),* $(,)?) => {
        $(impl Shown for $ty {
            fn show(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        })*
    };
}

shown_by_display!(
    bool,
    i64,
    crate::request::Action,
    crate::request::CreateMandate,
    crate::request::MandateFrequency,
    crate::request::AmountRule,
    crate::order::OrderState,
    crate::mandate::MandateState,
    crate::webhook::WebhookEventName,
    Mandate,
    SdkPayload,
    SdkPayloadDetails,
    OrderStatus,
    Refund,
    TxnDetail,
    CardSummary,
    OrderMandate,
    MandateDetails,
);

/// Writes `Name(a=..., b=...)`, leaving out absent fields.
struct RecordText<'a, 'b> {
    f: &'a mut fmt::Formatter<'b>,
    fields: usize,
    result: fmt::Result,
}

impl<'a, 'b> RecordText<'a, 'b> {
    fn new(f: &'a mut fmt::Formatter<'b>, name: &str) -> Self {
        let result = f.write_str(name).and_then(|()| f.write_str("("));
        Self {
            f,
            fields: 0,
            result,
        }
    }

    fn start(&mut self, name: &str) -> bool {
        if self.result.is_err() {
            return false;
        }
        let separator = if self.fields == 0 { "" } else { ", " };
        self.fields += 1;
        self.result = write!(self.f, "{separator}{name}=");
        self.result.is_ok()
    }

    fn field(&mut self, name: &str, value: &dyn Shown) {
        if value.present() && self.start(name) {
            self.result = value.show(self.f);
        }
    }

    /// A secret: only whether it is there.
    fn secret(&mut self, name: &str, value: &dyn Shown) {
        if value.present() && self.start(name) {
            self.result = self.f.write_str(REDACTED);
        }
    }

    fn finish(self) -> fmt::Result {
        self.result.and_then(|()| self.f.write_str(")"))
    }
}

/// `record_text!(Type { shown, secret_one [secret], ... })`: `Display` and `Debug` for
/// `Type`, listing every field (the destructuring has no `..`).
macro_rules! record_text {
    (@put $text:ident, $field:ident) => {
        $text.field(stringify!($field), $field)
    };
    (@put $text:ident, $field:ident secret) => {
        $text.secret(stringify!($field), $field)
    };
    ($ty:ident { $($field:ident $([$kind:ident])?),* $(,)? }) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let $ty { $($field),* } = self;
                let mut text = RecordText::new(f, stringify!($ty));
                $(record_text!(@put text, $field $($kind)?);)*
                text.finish()
            }
        }

        /// The same text as `Display`: secrets redacted.
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    };
}

record_text!(SessionRequest {
    order_id,
    amount,
    customer_id,
    payment_page_client_id,
    action,
    customer_email [secret],
    customer_phone [secret],
    return_url,
    first_name,
    last_name,
    currency,
    description,
    language,
    metadata,
    create_mandate,
    mandate,
    udf1,
    udf2,
    udf3,
    udf4,
    udf5,
    udf6,
    udf7,
    udf8,
    udf9,
    udf10,
    routing_id,
    payment_filter,
    get_client_auth_token,
    extra_fields,
    extra_json,
});

record_text!(Mandate {
    max_amount,
    start_date,
    end_date,
    frequency,
    rule_value,
    amount_rule,
    revokable_by_customer,
    block_funds,
});

record_text!(Session {
    status,
    id,
    order_id,
    payment_link,
    sdk_payload,
    sdk_payload_json [secret],
    payment_link_expiry,
    order_expiry,
    routing_id,
});

record_text!(SdkPayload {
    request_id,
    service,
    payload,
    expiry,
});

record_text!(SdkPayloadDetails {
    client_id,
    amount,
    merchant_id,
    client_auth_token [secret],
    client_auth_token_expiry,
    environment,
    action,
    customer_id,
    return_url,
    currency,
    first_name,
    last_name,
    customer_phone [secret],
    customer_email [secret],
    order_id,
    description,
});

record_text!(OrderStatus {
    order_id,
    id,
    status,
    status_id,
    amount,
    currency,
    customer_id,
    refunded,
    amount_refunded,
    effective_amount,
    refunds,
    txn_id,
    txn_uuid,
    txn_detail,
    payment_method,
    payment_method_type,
    auth_type,
    gateway_id,
    gateway_reference_id,
    card,
    payer_vpa [secret],
    mandate,
    udf1,
    udf2,
    udf3,
    udf4,
    udf5,
    udf6,
    udf7,
    udf8,
    udf9,
    udf10,
    raw_json [secret],
});

record_text!(Refund {
    unique_request_id,
    id,
    reference,
    arn,
    status,
    amount,
    created,
    sent_to_gateway,
    refund_type,
    initiated_by,
    error_code,
    error_message,
});

record_text!(TxnDetail {
    txn_id,
    txn_uuid,
    gateway,
    gateway_id,
    status,
    txn_amount,
    net_amount,
    error_code,
    error_message,
});

record_text!(CardSummary {
    last_four_digits,
    card_brand,
    card_type,
    card_issuer,
    card_issuer_country,
    card_isin,
});

record_text!(OrderMandate {
    mandate_id,
    mandate_status,
    mandate_type,
    frequency,
    max_amount,
    amount_rule,
    start_date,
    end_date,
    revokable_by_customer,
});

record_text!(WebhookEvent {
    id,
    event_name,
    date_created,
    order,
    mandate,
    raw_json [secret],
});

record_text!(MandateDetails {
    mandate_id,
    status,
    order_id,
    customer_id,
    mandate_type,
    frequency,
    max_amount,
    amount_rule,
    currency,
    start_date,
    end_date,
    activated_at,
    last_activated_at,
    last_updated,
    revokable_by_customer,
    block_fund,
    payment_method,
    payment_method_type,
    payer_vpa [secret],
    mandate_token [secret],
    raw_json [secret],
});

record_text!(RefundRequest {
    order_id,
    unique_request_id,
    amount,
    routing_id,
});

record_text!(MandateExecution {
    order_id,
    amount,
    customer_id,
    mandate_id,
    execution_date,
    currency,
    routing_id,
});

record_text!(MandateExecutionResult {
    order_id,
    status,
    txn_id,
    txn_uuid,
    authentication_url,
    authentication_method,
    raw_json [secret],
});

macro_rules! wire_name_display {
    ($($ty:ty),* $(,)?) => {
        $(impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.wire_name())
            }
        })*
    };
}

wire_name_display!(
    crate::request::Action,
    crate::request::CreateMandate,
    crate::request::MandateFrequency,
    crate::request::AmountRule,
    crate::webhook::WebhookEventName,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_left_out_and_secrets_redacted() {
        let request = SessionRequest {
            customer_email: Some("someone@example.com".into()),
            metadata: HashMap::from([("b".into(), "2".into()), ("a".into(), "1".into())]),
            ..SessionRequest::new("o-1", "1.00", "c-1", "client")
        };
        assert_eq!(
            request.to_string(),
            r#"SessionRequest(order_id="o-1", amount="1.00", customer_id="c-1", payment_page_client_id="client", customer_email=[redacted], metadata={"a": "1", "b": "2"})"#
        );
        assert_eq!(format!("{request:?}"), request.to_string());
    }
}
