//! The question a merchant's backend actually has: "is this order paid, for this amount?"
//!
//! Juspay's advice (Order Status API page): validate both the status and the amount before
//! fulfilling. The redirect alone is not enough (its `status` says what happened in the
//! browser, not what settled), and the Order Status API alone does not prove the customer
//! who came back is the one who paid for *this* order. `check_payment` does every check in
//! one call and says which one failed.

use std::collections::HashMap;

use crate::order::{OrderState, OrderStatus};
use crate::signature::{verify_return_url_signature, SignatureVerdict};

/// The outcome of the payment check. Only `Paid` means "fulfil the order".
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum PaymentVerdict {
    /// Signature valid, order ids agree, status CHARGED, amount (and currency, when given)
    /// as expected.
    Paid,
    /// The redirect's signature is not `Valid`; nothing in it can be trusted.
    BadSignature {
        /// What the signature check found.
        verdict: SignatureVerdict,
    },
    /// The redirect, the order status and the merchant's order disagree on the order id.
    OrderIdMismatch {
        /// The order id the merchant expected.
        expected_order_id: String,
        /// The order id in the signed redirect.
        redirect_order_id: Option<String>,
        /// The order id the Order Status API answered for.
        status_order_id: String,
    },
    /// The Order Status API does not say CHARGED (yet: `PendingVbv`, `Authorizing` and the
    /// like can still become CHARGED; ask again later or wait for the webhook).
    NotCharged {
        /// The order's state.
        status: OrderState,
    },
    /// `PARTIAL_CHARGED`: only part of the amount was collected. Do not fulfil as paid;
    /// collect the rest or refund what was charged.
    PartiallyCharged {
        /// What was charged (exact text).
        charged_amount: Option<String>,
    },
    /// CHARGED, then refunded in full (a refunded order keeps status CHARGED). Do not
    /// fulfil; if you already did, this is a return.
    Refunded {
        /// How much was refunded (exact text).
        amount_refunded: Option<String>,
    },
    /// CHARGED, then refunded in part (or a refund is in progress): the amount refunded went
    /// back; the effective amount is Juspay's amount after offers, which refunds do not
    /// lower, so the merchant keeps the effective amount less the amount refunded. Fulfil
    /// only what that covers, per your own rules.
    PartiallyRefunded {
        /// How much was refunded (exact text).
        amount_refunded: Option<String>,
        /// The JSON key `effective_amount`: the amount after offers (exact text), not lowered by
        /// refunds.
        effective_amount: Option<String>,
    },
    /// CHARGED, but for another amount than the merchant's order.
    AmountMismatch {
        /// The amount the merchant expected.
        expected_amount: String,
        /// What was charged (exact text).
        charged_amount: Option<String>,
    },
    /// CHARGED, but in another currency than expected.
    CurrencyMismatch {
        /// The currency the merchant expected.
        expected_currency: String,
        /// The currency Juspay charged in.
        charged_currency: Option<String>,
    },
}

impl PaymentVerdict {
    /// True only for `Paid`. (Not exported: the bindings generate `is_paid` themselves.)
    pub fn is_paid(&self) -> bool {
        *self == PaymentVerdict::Paid
    }
}

impl std::fmt::Display for PaymentVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentVerdict::Paid => write!(f, "paid"),
            PaymentVerdict::BadSignature { verdict } => {
                write!(f, "the return_url signature is not valid ({verdict:?})")
            }
            PaymentVerdict::OrderIdMismatch {
                expected_order_id,
                redirect_order_id,
                status_order_id,
            } => write!(
                f,
                "order ids disagree: expected {expected_order_id:?}, redirect {redirect_order_id:?}, order status {status_order_id:?}"
            ),
            PaymentVerdict::NotCharged { status } => write!(f, "order status is {status}, not CHARGED"),
            PaymentVerdict::PartiallyCharged { charged_amount } => {
                write!(f, "only part of the amount was charged ({charged_amount:?})")
            }
            PaymentVerdict::Refunded { amount_refunded } => {
                write!(f, "charged, then refunded in full ({amount_refunded:?})")
            }
            PaymentVerdict::PartiallyRefunded {
                amount_refunded,
                effective_amount,
            } => write!(
                f,
                "charged, then refunded in part ({amount_refunded:?} refunded of {effective_amount:?})"
            ),
            PaymentVerdict::AmountMismatch {
                expected_amount,
                charged_amount,
            } => write!(
                f,
                "charged amount {charged_amount:?} differs from the expected {expected_amount:?}"
            ),
            PaymentVerdict::CurrencyMismatch {
                expected_currency,
                charged_currency,
            } => write!(
                f,
                "charged currency {charged_currency:?} differs from the expected {expected_currency:?}"
            ),
        }
    }
}

/// Decides whether the order the customer just returned from is paid, for the amount the
/// merchant's own records say:
///
/// 1. the redirect's signature is `Valid` (the redirect's query parameters, checked as the
///    redirect signature check does);
/// 2. the expected order id (the merchant's order), the redirect's `order_id` parameter and
///    the order status's order id are the same;
/// 3. the order status (from the Order Status call, made after the redirect) is CHARGED
///    (`PARTIAL_CHARGED` is `PartiallyCharged`) and nothing was refunded (else `Refunded` or
///    `PartiallyRefunded`);
/// 4. its amount equals the expected amount as a decimal (`"100"`, `"100.0"` and `100.00`
///    are equal, as the amount comparison has it);
/// 5. when an expected currency is given, the currency matches (case-insensitively).
///
/// Checks run in this order and the first failure is returned.
#[uniffi::export(default(expected_currency = None))]
pub fn check_payment(
    redirect_params: &HashMap<String, String>,
    response_key: &str,
    order_status: &OrderStatus,
    expected_order_id: &str,
    expected_amount: &str,
    expected_currency: Option<String>,
) -> PaymentVerdict {
    let verdict = verify_return_url_signature(redirect_params, response_key);
    if verdict != SignatureVerdict::Valid {
        return PaymentVerdict::BadSignature { verdict };
    }
    let redirect_order_id = redirect_params.get("order_id");
    if redirect_order_id.map(String::as_str) != Some(expected_order_id) {
        return PaymentVerdict::OrderIdMismatch {
            expected_order_id: expected_order_id.to_owned(),
            redirect_order_id: redirect_order_id.cloned(),
            status_order_id: order_status.order_id.clone(),
        };
    }
    check_order_payment(
        order_status,
        expected_order_id,
        expected_amount,
        expected_currency,
    )
}

/// Steps 2-5 of the payment check without a redirect: for a webhook or a status poll, where
/// the order status (from the Order Status call) is all there is. Same verdicts;
/// `OrderIdMismatch` has no redirect order id.
#[uniffi::export(default(expected_currency = None))]
pub fn check_order_payment(
    order_status: &OrderStatus,
    expected_order_id: &str,
    expected_amount: &str,
    expected_currency: Option<String>,
) -> PaymentVerdict {
    if order_status.order_id != expected_order_id {
        return PaymentVerdict::OrderIdMismatch {
            expected_order_id: expected_order_id.to_owned(),
            redirect_order_id: None,
            status_order_id: order_status.order_id.clone(),
        };
    }
    if order_status.status == OrderState::PartialCharged {
        return PaymentVerdict::PartiallyCharged {
            charged_amount: order_status.effective_amount.clone(),
        };
    }
    if order_status.status != OrderState::Charged {
        return PaymentVerdict::NotCharged {
            status: order_status.status.clone(),
        };
    }
    if let Some(verdict) = refund_verdict(order_status) {
        return verdict;
    }
    let amount_ok = order_status
        .amount
        .as_deref()
        .is_some_and(|charged| amounts_equal(charged, expected_amount));
    if !amount_ok {
        return PaymentVerdict::AmountMismatch {
            expected_amount: expected_amount.to_owned(),
            charged_amount: order_status.amount.clone(),
        };
    }
    if let Some(expected) = expected_currency {
        let currency_ok = order_status
            .currency
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case(&expected));
        if !currency_ok {
            return PaymentVerdict::CurrencyMismatch {
                expected_currency: expected,
                charged_currency: order_status.currency.clone(),
            };
        }
    }
    PaymentVerdict::Paid
}

/// For a CHARGED order: `Refunded` or `PartiallyRefunded` when money went back, else `None`.
/// Refunded in full when nothing is left (`effective_amount` is zero) or the refunded amount
/// equals the order amount; in part when some amount was refunded, `refunded` is true, or a
/// refund that has not failed is listed (a PENDING refund is money on its way back).
fn refund_verdict(order: &OrderStatus) -> Option<PaymentVerdict> {
    let is_zero = |text: &Option<String>| {
        text.as_deref()
            .and_then(Decimal::parse)
            .is_some_and(|d| d.is_zero())
    };
    let refunded_some = order.amount_refunded.is_some() && !is_zero(&order.amount_refunded);
    let live_refund = order
        .refunds
        .iter()
        .any(|r| !matches!(r.status.as_deref(), Some("FAILURE" | "FAILED")));
    if !(refunded_some || order.refunded == Some(true) || live_refund) {
        return None;
    }
    // At least the whole amount: Juspay's samples refund surcharges too (`amount` 10,
    // `amount_refunded` 10.8: DEMO `surcharge/order-status-response.json`).
    let all_of_it = match (&order.amount_refunded, &order.amount) {
        (Some(refunded), Some(amount)) => {
            refunded_some
                && matches!(
                    (Decimal::parse(refunded), Decimal::parse(amount)),
                    (Some(r), Some(a)) if r.at_least(&a)
                )
        }
        _ => false,
    };
    if all_of_it || (order.effective_amount.is_some() && is_zero(&order.effective_amount)) {
        Some(PaymentVerdict::Refunded {
            amount_refunded: order.amount_refunded.clone(),
        })
    } else {
        Some(PaymentVerdict::PartiallyRefunded {
            amount_refunded: order.amount_refunded.clone(),
            effective_amount: order.effective_amount.clone(),
        })
    }
}

/// Whether two decimal texts (JSON numbers or session-style amounts) are the same number,
/// exactly: `"100"`, `"100.0"`, `"100.00"` and `"1e2"` are equal; `"100.001"` is not
/// `"100"`. Anything that is not a number equals nothing.
#[uniffi::export]
pub fn amounts_equal(a: &str, b: &str) -> bool {
    match (Decimal::parse(a), Decimal::parse(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// An exact decimal: `digits × 10^exponent`, normalized (no leading or trailing zeros in
/// `digits`; zero is empty digits with exponent 0 and no sign), so equal numbers are equal
/// values.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    digits: String,
    exponent: i64,
}

impl Decimal {
    /// JSON's number grammar: `-?int(.frac)?([eE][+-]?exp)?`, surrounding spaces allowed.
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, rest) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => {
                let exp = &rest[at + 1..];
                let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
                if digits.is_empty() || digits.len() > 9 || !all_digits(digits) {
                    return None;
                }
                (&rest[..at], exp.parse::<i64>().ok()?)
            }
            None => (rest, 0),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => return None,
            None => (mantissa, ""),
        };
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return None;
        }
        let all = format!("{whole}{fraction}");
        let mut exponent = exponent - fraction.len() as i64;
        let trimmed = all.trim_start_matches('0');
        let significant = trimmed.trim_end_matches('0');
        exponent += (trimmed.len() - significant.len()) as i64;
        if significant.is_empty() {
            return Some(Decimal {
                negative: false,
                digits: String::new(),
                exponent: 0,
            });
        }
        Some(Decimal {
            negative,
            digits: significant.to_owned(),
            exponent,
        })
    }
}

impl Decimal {
    pub(crate) fn is_zero(&self) -> bool {
        self.digits.is_empty()
    }

    /// `self >= other`, exactly (both normalized; signs first, then magnitude).
    pub(crate) fn at_least(&self, other: &Decimal) -> bool {
        match (self.negative, other.negative) {
            (false, true) => return true,
            (true, false) => return false,
            _ => {}
        }
        let magnitude = self.magnitude_cmp(other);
        if self.negative {
            magnitude.is_le()
        } else {
            magnitude.is_ge()
        }
    }

    fn magnitude_cmp(&self, other: &Decimal) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        // Position of the leading digit, then the digits themselves left-aligned.
        let lead = |d: &Decimal| d.digits.len() as i64 + d.exponent;
        lead(self).cmp(&lead(other)).then_with(|| {
            let width = self.digits.len().max(other.digits.len());
            let pad = |d: &Decimal| format!("{:0<width$}", d.digits);
            pad(self).cmp(&pad(other))
        })
    }
}

fn all_digits(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_equality() {
        for (a, b) in [
            ("100", "100.00"),
            ("100.1", "100.10"),
            ("1e2", "100"),
            ("0.5", "5E-1"),
            ("0", "-0.0"),
            ("007", "7"),
            ("1.0", "1.00"),
        ] {
            assert!(amounts_equal(a, b), "{a} = {b}");
        }
        for (a, b) in [
            ("100", "100.001"),
            ("100", "-100"),
            ("1", "10"),
            ("x", "x"),
            ("", ""),
            ("1.", "1"),
            (".5", "0.5"),
            ("1e", "1"),
            ("0.1", "0.10000000000000001"),
        ] {
            assert!(!amounts_equal(a, b), "{a} != {b}");
        }
        let d = |t: &str| Decimal::parse(t).unwrap();
        for (a, b) in [
            ("10.8", "10"),
            ("10", "10.00"),
            ("9200", "9000"),
            ("1.01", "1"),
            ("0", "-1"),
            ("1e3", "999.99"),
        ] {
            assert!(d(a).at_least(&d(b)), "{a} >= {b}");
        }
        for (a, b) in [("9.99", "10"), ("-2", "-1"), ("0", "0.01"), ("99", "100")] {
            assert!(!d(a).at_least(&d(b)), "{a} < {b}");
        }
    }
}
