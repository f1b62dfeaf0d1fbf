//! The emulator's own implementation of Juspay's documented `POST /session` rules.
//!
//! This deliberately shares no code with the `hypercheckout` client crate: the emulator is
//! the referee, so a bug in the client's validator shows up as a disagreement. Rules come
//! from Juspay's Session API page; where the page is vague, the project's decisions (see
//! `docs/emulator.md`) are noted next to the rule.
//!
//! Lengths are counted in Unicode scalar values (Rust `char`s); names are NFC-normalised
//! first.
//!
//! Two modes ([`Mode`]): **strict** is the Session API page as the project reads it (the
//! contract the SDKs must stay inside); **faithful** (the emulator's default) also accepts
//! what Juspay's own SDKs and samples send. Each relaxation names its evidence; the table is
//! in `docs/emulator.md`.

use serde_json::{Map, Value};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization as _;

/// Which rules the emulator applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Accept what Juspay's official SDKs and samples send (the default).
    Faithful,
    /// The documented contract only.
    Strict,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub reason: String,
    /// True when a required field is absent (as opposed to present but invalid).
    pub missing: bool,
}

impl Problem {
    fn invalid(field: &str, reason: impl Into<String>) -> Problem {
        Problem {
            field: field.to_string(),
            reason: reason.into(),
            missing: false,
        }
    }
    fn missing(field: &str, reason: impl Into<String>) -> Problem {
        Problem {
            field: field.to_string(),
            reason: reason.into(),
            missing: true,
        }
    }
}

/// Fields that must be present (the Session API page marks them required; customer_email,
/// customer_phone and return_url are also tagged "required" there but are optional by the
/// project's decision: a gateway may need them, and return_url may come from the dashboard).
pub const REQUIRED: [&str; 5] = [
    "order_id",
    "amount",
    "customer_id",
    "payment_page_client_id",
    "action",
];

const PLAIN_STRING_KEYS: &[&str] = &[
    "order_id",
    "amount",
    "customer_id",
    "customer_email",
    "customer_phone",
    "payment_page_client_id",
    "action",
    "return_url",
    "first_name",
    "last_name",
    "currency",
    "description",
    "language",
    "options.create_mandate",
    "udf1",
    "udf2",
    "udf3",
    "udf4",
    "udf5",
    "udf6",
    "udf7",
    "udf8",
    "udf9",
    "udf10",
];

const BOOL_KEYS: [&str; 2] = ["mandate.revokable_by_customer", "mandate.block_funds"];

pub const FREQUENCIES: [&str; 10] = [
    "ONETIME",
    "DAILY",
    "WEEKLY",
    "FORTNIGHTLY",
    "MONTHLY",
    "BIMONTHLY",
    "QUARTERLY",
    "HALFYEARLY",
    "YEARLY",
    "ASPRESENTED",
];

/// Keys whose value must be a JSON string. Unknown keys (e.g. `offer_code`, `theme`) may
/// carry anything.
fn must_be_string(key: &str) -> bool {
    PLAIN_STRING_KEYS.contains(&key)
        || key.starts_with("metadata.")
        || (key.starts_with("mandate.") && !BOOL_KEYS.contains(&key))
}

/// Validates a flat Session API body in strict mode (see [`validate_session_in`]).
pub fn validate_session(body: &Map<String, Value>) -> Vec<Problem> {
    validate_session_in(body, Mode::Strict)
}

/// Faithful mode only: the body with JSON numbers and booleans under the known string keys
/// turned into their text (`"amount": 42` -> `"42"`), as Juspay's own Node backend kit sends
/// them (juspay-sdk-integration-demo, branch expresscheckout-nodejs-sdk,
/// JuspayBackendKit/index.js: `amount: 1 + Math.random() * 100 | 0`). Strict mode leaves the
/// body as it is (and refuses such values).
pub fn normalize_body(body: &Map<String, Value>, mode: Mode) -> Map<String, Value> {
    let mut out = body.clone();
    if mode == Mode::Faithful {
        for (key, value) in out.iter_mut() {
            if !must_be_string(key) {
                continue;
            }
            match value {
                Value::Number(n) => *value = Value::String(n.to_string()),
                Value::Bool(b) => *value = Value::String(b.to_string()),
                _ => {}
            }
        }
    }
    out
}

/// Whether this body asks for a session without an order: `action` `paymentManagement`
/// (managing saved payment methods; Juspay's sample session/v1/paymentmanagement.sh sends only
/// customer_id, payment_page_client_id and action).
pub fn is_order_less(body: &Map<String, Value>) -> bool {
    body.get("action").and_then(Value::as_str) == Some("paymentManagement")
}

/// Validates a flat Session API body, returning every problem found (empty = valid). In
/// faithful mode, pass the body through [`normalize_body`] first.
pub fn validate_session_in(body: &Map<String, Value>, mode: Mode) -> Vec<Problem> {
    let mut problems = Vec::new();
    let faithful = mode == Mode::Faithful;

    // Required keys first, in a stable order. Faithful: `customer_id` and `action` are
    // optional (Juspay's Node backend kit marks both "[optional]", action "default is
    // paymentPage"), and a paymentManagement session needs no order_id/amount.
    for key in REQUIRED {
        let required = match key {
            "customer_id" | "action" => !faithful,
            "order_id" | "amount" => !(faithful && is_order_less(body)),
            _ => true,
        };
        if required && !body.contains_key(key) {
            problems.push(Problem::missing(key, "is required"));
        }
    }

    // Managing saved payment methods needs the customer they belong to (every
    // paymentManagement sample sends a customer_id); both modes.
    let customer = body
        .get("customer_id")
        .and_then(Value::as_str)
        .unwrap_or("");
    if body.get("action").and_then(Value::as_str) == Some("paymentManagement")
        && customer.is_empty()
    {
        problems.push(Problem::invalid(
            "customer_id",
            "is required for paymentManagement (saved payment methods belong to a customer)",
        ));
    }

    // Type checks (map iteration is sorted, so the order is stable).
    for (key, value) in body {
        if must_be_string(key) && !value.is_string() {
            let reason = if faithful {
                "must be a JSON string, number or boolean"
            } else {
                "must be a JSON string"
            };
            problems.push(Problem::invalid(key, reason));
        }
    }
    let s = |key: &str| body.get(key).and_then(Value::as_str);
    let mut check = |key: &str, f: &dyn Fn(&str) -> Option<String>| {
        if let Some(v) = s(key) {
            if let Some(reason) = f(v) {
                problems.push(Problem::invalid(key, reason));
            }
        }
    };

    check("order_id", &|v| {
        // Juspay's own sample merchantContainer/sessionapirequest (juspay-sdk-integration-demo
        // @0822787) sends a 24-character id; the page says fewer than 21.
        let longest = if faithful { 24 } else { 20 };
        if v.chars().count() > longest {
            Some(format!("must be at most {longest} characters long"))
        } else {
            // The character rules, on the part the length rule of `order_id_problem` allows.
            order_id_problem(&v.chars().take(20).collect::<String>())
        }
    });
    check("amount", &amount_problem);
    check("customer_id", &|v| max_len(v, 300));
    check("payment_page_client_id", &|v| {
        v.is_empty().then(|| "must not be empty".to_string())
    });
    check("action", &|v| {
        if faithful {
            // Juspay's samples send other actions too: "enach" (session/v2/request.sh),
            // "quickPay"; the set is open.
            v.is_empty().then(|| "must not be empty".to_string())
        } else {
            (v != "paymentPage" && v != "paymentManagement")
                .then(|| "must be \"paymentPage\" or \"paymentManagement\"".to_string())
        }
    });
    check("customer_email", &email_problem);
    check("customer_phone", &|v| max_len(v, 300));
    check("return_url", &|v| {
        if faithful {
            faithful_return_url_problem(v)
        } else {
            return_url_problem(v)
        }
    });
    check("first_name", &name_problem);
    check("last_name", &name_problem);
    check("description", &|v| max_len(v, 255));
    check("currency", &|v| {
        (v.len() != 3 || !v.bytes().all(|b| b.is_ascii_uppercase()))
            .then(|| "must be exactly 3 uppercase ASCII letters (ISO 4217), e.g. INR".to_string())
    });
    for i in 1..=5 {
        check(&format!("udf{i}"), &|v| {
            // Faithful: `-` too, as Juspay's samples send ("udf1-dummy",
            // add-ons/payment-links/200-standard-link.json).
            let allowed = |c: char| c.is_alphanumeric() || c == ' ' || (faithful && c == '-');
            max_len(v, 255).or_else(|| {
                (!v.chars().all(allowed)).then(|| {
                    if faithful {
                        "may contain only letters, digits, spaces and '-'".to_string()
                    } else {
                        "may contain only letters, digits and spaces (no special characters)"
                            .to_string()
                    }
                })
            })
        });
    }
    for i in 6..=10 {
        check(&format!("udf{i}"), &|v| max_len(v, 255));
    }
    let metadata_keys: Vec<String> = body
        .keys()
        .filter(|k| k.starts_with("metadata."))
        .cloned()
        .collect();
    for key in &metadata_keys {
        check(key, &|v| max_len(v, 255));
    }

    mandate_problems(body, &mut problems);
    problems
}

fn max_len(v: &str, max: usize) -> Option<String> {
    (v.chars().count() > max).then(|| format!("must be at most {max} characters"))
}

/// order_id: "Alphanumeric with character length less than 21". The page's own example
/// ("order-id-9876580") uses `-`, and Juspay's signature vector uses `_`, so both are allowed.
pub fn order_id_problem(v: &str) -> Option<String> {
    if v.is_empty() || v.chars().count() > 20 {
        return Some("must be 1 to 20 characters long".to_string());
    }
    if !v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Some("may contain only ASCII letters, digits, '-' and '_'".to_string());
    }
    None
}

/// True for a positive decimal with at most two fraction digits: `100`, `100.15`, `1.0`.
pub fn is_amount(v: &str) -> bool {
    let (int, frac) = match v.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 2 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    int.bytes().any(|b| b != b'0') || frac.is_some_and(|f| f.bytes().any(|b| b != b'0'))
}

fn amount_problem(v: &str) -> Option<String> {
    (!is_amount(v)).then(|| {
        "must be a positive decimal number with at most 2 decimal places, e.g. \"100\" or \"100.15\""
            .to_string()
    })
}

/// Canonical form of a valid amount, so "1", "1.0" and "01.00" compare equal.
pub fn amount_key(v: &str) -> String {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    format!("{int}.{frac:0<2}")
}

/// customer_email: alphanumerics and ``!#$%&'*+-/=?^_.{|}~`` plus one `@`; `_` and `.` may
/// not begin or end the local part or the domain.
pub fn email_problem(v: &str) -> Option<String> {
    if let Some(p) = max_len(v, 300) {
        return Some(p);
    }
    const SPECIALS: &str = "!#$%&'*+-/=?^_.{|}~";
    if let Some(c) = v
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '@' || SPECIALS.contains(c)))
    {
        return Some(format!("contains a character that is not allowed: {c:?}"));
    }
    let Some((local, domain)) = v.split_once('@') else {
        return Some("must contain an '@'".to_string());
    };
    if domain.contains('@') {
        return Some("must contain exactly one '@'".to_string());
    }
    if local.is_empty() {
        return Some("the part before '@' must not be empty".to_string());
    }
    if domain.is_empty() {
        return Some("the part after '@' must not be empty".to_string());
    }
    let bad_edge = |p: &str| p.starts_with(['_', '.']) || p.ends_with(['_', '.']);
    if bad_edge(local) {
        return Some("the part before '@' must not start or end with '.' or '_'".to_string());
    }
    if bad_edge(domain) {
        return Some("the part after '@' must not start or end with '.' or '_'".to_string());
    }
    None
}

/// return_url: an absolute `https://` URL whose host is a domain name (not an IP address),
/// without query parameters, at most 255 characters.
pub fn return_url_problem(v: &str) -> Option<String> {
    if let Some(p) = max_len(v, 255) {
        return Some(p);
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("must not contain whitespace or control characters".to_string());
    }
    if v.contains('?') {
        return Some("must not contain query parameters ('?')".to_string());
    }
    if !v
        .get(..8)
        .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    {
        return Some("must be an absolute URL starting with https://".to_string());
    }
    match url::Url::parse(v) {
        Err(e) => Some(format!("is not a valid URL ({e})")),
        Ok(u) => match u.host() {
            Some(url::Host::Domain(_)) => None,
            Some(_) => Some("host must be a domain name, not an IP address".to_string()),
            None => Some("must have a host".to_string()),
        },
    }
}

/// Faithful return_url: an absolute `http://` or `https://` URL with a host, query
/// parameters allowed, at most 255 characters. Juspay's own Node backend kit sends
/// `http://<host>:5000/handleJuspayResponse`, and Juspay's signature vector carries the
/// merchant's own query parameter (`myQP`), which Juspay signs and sends back.
pub fn faithful_return_url_problem(v: &str) -> Option<String> {
    if let Some(p) = max_len(v, 255) {
        return Some(p);
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Some("must not contain whitespace or control characters".to_string());
    }
    match url::Url::parse(v) {
        Err(e) => Some(format!("is not a valid URL ({e})")),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            Some("must be an absolute http:// or https:// URL".to_string())
        }
        Ok(u) if u.host().is_none() => Some("must have a host".to_string()),
        Ok(_) => None,
    }
}

/// first_name / last_name (both modes): after NFC normalisation, letters, digits, space and
/// `( ) . - _`, at most 255 characters. A combining mark (Unicode category M) belongs to the
/// letter before it, so names in Indic and Thai scripts (`प्रिया`, `สมศักดิ์`) and decomposed
/// forms (`Zoe\u{308}`) are accepted; a mark with no letter before it is not.
pub fn name_problem(v: &str) -> Option<String> {
    let nfc: String = v.nfc().collect();
    max_len(&nfc, 255).or_else(|| {
        let mut after_letter = false;
        for c in nfc.chars() {
            let ok = if is_combining_mark(c) {
                after_letter
            } else {
                after_letter = c.is_alphanumeric();
                c.is_alphanumeric() || " ().-_".contains(c)
            };
            if !ok {
                return Some(format!(
                    "contains {c:?}; only letters (with their marks), digits, spaces and ( ) . - _ \
                     are allowed"
                ));
            }
        }
        None
    })
}

fn parse_bool(v: &Value) -> Result<bool, ()> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        _ => Err(()),
    }
}

fn epoch_digits(v: &str) -> bool {
    (1..=10).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit())
}

fn mandate_problems(body: &Map<String, Value>, problems: &mut Vec<Problem>) {
    let s = |key: &str| body.get(key).and_then(Value::as_str);
    let any_mandate = body.keys().any(|k| k.starts_with("mandate."));
    let create_present = body.contains_key("options.create_mandate");

    // Juspay's documented mandate parameters (Session API, "Mandate Parameters"); any other
    // `mandate.*` key is refused by name rather than passed on.
    const DOCUMENTED: [&str; 8] = [
        "mandate.max_amount",
        "mandate.start_date",
        "mandate.end_date",
        "mandate.frequency",
        "mandate.rule_value",
        "mandate.amount_rule",
        "mandate.revokable_by_customer",
        "mandate.block_funds",
    ];
    for key in body.keys() {
        if key.starts_with("mandate.") && !DOCUMENTED.contains(&key.as_str()) {
            problems.push(Problem::invalid(
                key,
                "is not a documented mandate parameter",
            ));
        }
    }
    if any_mandate && !create_present {
        problems.push(Problem::missing(
            "options.create_mandate",
            "is required when any mandate.* field is present",
        ));
    }
    if let Some(c) = s("options.create_mandate") {
        if c != "REQUIRED" && c != "OPTIONAL" {
            problems.push(Problem::invalid(
                "options.create_mandate",
                "must be \"REQUIRED\" or \"OPTIONAL\"",
            ));
        }
    }

    // Effective frequency: the default is ASPRESENTED; None when the given value is invalid
    // (then the frequency-dependent rules are skipped).
    let frequency = s("mandate.frequency");
    let freq_given = body.contains_key("mandate.frequency");
    if let Some(f) = frequency {
        if !FREQUENCIES.contains(&f) {
            problems.push(Problem::invalid(
                "mandate.frequency",
                format!("must be one of {}", FREQUENCIES.join(", ")),
            ));
        }
    }
    let effective: Option<&str> = match frequency {
        None if !freq_given => Some("ASPRESENTED"),
        Some(f) if FREQUENCIES.contains(&f) => Some(f),
        _ => None,
    };
    let freq_label = |f: &str| {
        if freq_given {
            f.to_string()
        } else {
            format!("{f} (the default)")
        }
    };

    if let Some(rv) = s("mandate.rule_value") {
        if rv.is_empty() || !rv.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(Problem::invalid("mandate.rule_value", "must be digits"));
        } else if let Some(f) = effective {
            let max = match f {
                "WEEKLY" => Some(7),
                "FORTNIGHTLY" => Some(16),
                "MONTHLY" | "BIMONTHLY" | "QUARTERLY" | "HALFYEARLY" | "YEARLY" => Some(31),
                _ => None,
            };
            match max {
                None => problems.push(Problem::invalid(
                    "mandate.rule_value",
                    format!("is not allowed when mandate.frequency is {}", freq_label(f)),
                )),
                Some(max) => {
                    let n: u64 = rv.parse().unwrap_or(u64::MAX);
                    if !(1..=max).contains(&n) {
                        problems.push(Problem::invalid(
                            "mandate.rule_value",
                            format!("must be between 1 and {max} when mandate.frequency is {f}"),
                        ));
                    }
                }
            }
        }
    }

    let amount_rule = s("mandate.amount_rule");
    if let Some(a) = amount_rule {
        if a != "FIXED" && a != "VARIABLE" {
            problems.push(Problem::invalid(
                "mandate.amount_rule",
                "must be \"FIXED\" or \"VARIABLE\"",
            ));
        }
    }
    if create_present && amount_rule != Some("FIXED") && !body.contains_key("mandate.max_amount") {
        problems.push(Problem::missing(
            "mandate.max_amount",
            "is required for a mandate unless mandate.amount_rule is FIXED",
        ));
    }
    if let Some(m) = s("mandate.max_amount") {
        if m.chars().count() > 8 {
            problems.push(Problem::invalid(
                "mandate.max_amount",
                "must be at most 8 characters",
            ));
        } else if !is_amount(m) {
            problems.push(Problem::invalid(
                "mandate.max_amount",
                "must be a positive decimal number with at most 2 decimal places",
            ));
        }
    }

    let mut dates = [None, None];
    for (i, key) in ["mandate.start_date", "mandate.end_date"]
        .iter()
        .enumerate()
    {
        if let Some(d) = s(key) {
            if epoch_digits(d) {
                dates[i] = d.parse::<u64>().ok();
            } else {
                problems.push(Problem::invalid(
                    key,
                    "must be a UNIX epoch timestamp in seconds (1 to 10 digits)",
                ));
            }
        }
    }
    if let [Some(start), Some(end)] = dates {
        if end <= start {
            problems.push(Problem::invalid(
                "mandate.end_date",
                "must be after mandate.start_date",
            ));
        }
    }

    for key in BOOL_KEYS {
        let Some(v) = body.get(key) else { continue };
        let Ok(b) = parse_bool(v) else {
            problems.push(Problem::invalid(
                key,
                "must be true or false (a JSON boolean or the string \"true\"/\"false\")",
            ));
            continue;
        };
        let Some(f) = effective else { continue };
        if key == "mandate.revokable_by_customer" {
            if !b && f != "ONETIME" {
                problems.push(Problem::invalid(
                    key,
                    format!(
                        "may be false only when mandate.frequency is ONETIME (it is {})",
                        freq_label(f)
                    ),
                ));
            }
        } else if f == "ONETIME" && !b {
            problems.push(Problem::invalid(
                key,
                "must be true when mandate.frequency is ONETIME",
            ));
        } else if f != "ONETIME" && b {
            problems.push(Problem::invalid(
                key,
                format!(
                    "must be false for a recurring mandate (mandate.frequency is {})",
                    freq_label(f)
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(v: Value) -> Vec<Problem> {
        validate_session(v.as_object().unwrap())
    }

    fn base() -> Value {
        json!({
            "order_id": "order-1",
            "amount": "1.0",
            "customer_id": "",
            "payment_page_client_id": "client",
            "action": "paymentPage",
        })
    }

    fn with(pairs: &[(&str, Value)]) -> Value {
        let mut b = base();
        for (k, v) in pairs {
            b[*k] = v.clone();
        }
        b
    }

    fn fields(v: Value) -> Vec<String> {
        problems(v).into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn minimal_is_valid() {
        assert!(problems(base()).is_empty());
    }

    #[test]
    fn amounts() {
        for ok in ["100", "100.15", "1.0", "0.01", "007"] {
            assert!(is_amount(ok), "{ok}");
        }
        for bad in [
            "100.1532", "-1", "1e3", "", "0", "0.00", ".5", "1.", " 1", "1 ", "+1", "1,0",
        ] {
            assert!(!is_amount(bad), "{bad}");
        }
        assert_eq!(amount_key("1"), amount_key("1.00"));
        assert_eq!(amount_key("01.5"), amount_key("1.50"));
        assert_ne!(amount_key("1.5"), amount_key("1.05"));
    }

    #[test]
    fn emails() {
        for ok in [
            "a@b",
            "test@mail.com",
            "a.b+c@x-y.com",
            "x!#$%&'*+-/=?^_{|}~@d",
        ] {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for bad in [
            "", "a", "@b", "a@", "a@@b", "a@b@c", "_a@b", "a_@b", "a@.b", "a@b.", ".a@b", "a@_b",
            "a b@c", "a\"b@c", "é@b", "a@b`",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
        let long = format!("{}@b.com", "a".repeat(300));
        assert!(email_problem(&long).is_some());
    }

    #[test]
    fn return_urls() {
        for ok in [
            "https://shop.merchant.com",
            "https://a.b/c/d#x",
            "HTTPS://x.com:8443/p",
        ] {
            assert_eq!(return_url_problem(ok), None, "{ok}");
        }
        for bad in [
            "http://shop.com",
            "https://shop.com/?a=1",
            "https://shop.com?",
            "https://1.2.3.4/x",
            "https://[::1]/",
            "shop.com",
            "https://",
            "https:shop.com",
            " https://shop.com",
            "https://sh op.com",
        ] {
            assert!(return_url_problem(bad).is_some(), "{bad}");
        }
        let long = format!("https://a.com/{}", "p".repeat(250));
        assert!(return_url_problem(&long).is_some());
    }

    #[test]
    fn order_ids() {
        assert_eq!(order_id_problem("order_1727694028"), None);
        assert_eq!(order_id_problem("order-id-9876580"), None);
        assert_eq!(order_id_problem(&"a".repeat(20)), None);
        assert!(order_id_problem(&"a".repeat(21)).is_some());
        assert!(order_id_problem("").is_some());
        assert!(order_id_problem("a b").is_some());
        assert!(order_id_problem("a.b").is_some());
    }

    fn faithful_fields(v: Value) -> Vec<String> {
        let body = normalize_body(v.as_object().unwrap(), Mode::Faithful);
        validate_session_in(&body, Mode::Faithful)
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn names_in_every_script() {
        for ok in [
            "प्रिया",
            "สมศักดิ์",
            "Zoe\u{308}",
            "Nguyễn",
            "Nguye\u{302}\u{303}n",
            "O'Neil".replace('\'', "-").as_str(),
        ] {
            assert_eq!(name_problem(ok), None, "{ok:?}");
        }
        assert!(
            name_problem("\u{308}Zoe").is_some(),
            "a mark with no letter"
        );
        assert!(name_problem("a \u{308}").is_some(), "a mark after a space");
        // NFC before counting: 255 decomposed letters are 255 characters, not 510.
        assert_eq!(name_problem(&"e\u{301}".repeat(255)), None);
        assert!(name_problem(&"e\u{301}".repeat(256)).is_some());
    }

    #[test]
    fn faithful_accepts_what_juspay_sends() {
        // Juspay's Node backend kit: a number amount, an http return_url with a port.
        assert!(faithful_fields(json!({
            "order_id": "order_1700000000000", "amount": 42,
            "payment_page_client_id": "c", "customer_id": "hdfc-testing-customer-one",
            "action": "paymentPage", "return_url": "http://localhost:5000/handleJuspayResponse",
            "currency": "INR",
        }))
        .is_empty());
        // The official Node SDK README: no customer_id, no action.
        assert!(faithful_fields(
            json!({"amount": 1, "order_id": "o1", "payment_page_client_id": "c"})
        )
        .is_empty());
        // Order-less paymentManagement; other actions; udf with '-'; objects; booleans.
        assert!(faithful_fields(json!({
            "customer_id": "customer", "payment_page_client_id": "clientId",
            "action": "paymentManagement"
        }))
        .is_empty());
        assert!(faithful_fields(with(&[
            ("action", json!("quickPay")),
            ("udf1", json!("udf1-dummy")),
            (
                "payment_filter",
                json!({"allowDefaultOptions": false, "options": []})
            ),
            ("metadata.expiryinmins", json!(15)),
            (
                "return_url",
                json!("https://shop.example.com/done?myQP=aGVsbG9Xb3JsZA==")
            ),
            ("options.create_mandate", json!("OPTIONAL")),
            ("mandate.amount_rule", json!("FIXED")),
        ]))
        .is_empty());
        // Still refused in faithful mode: what would break the payment.
        assert_eq!(
            faithful_fields(with(&[("amount", json!("1e3"))])),
            ["amount"]
        );
        assert_eq!(faithful_fields(with(&[("amount", json!({}))])), ["amount"]);
        assert_eq!(faithful_fields(with(&[("action", json!(""))])), ["action"]);
        assert_eq!(
            faithful_fields(with(&[("return_url", json!("ftp://x.com"))])),
            ["return_url"]
        );
        assert_eq!(
            faithful_fields(json!({"payment_page_client_id": "c", "action": "paymentPage"})),
            ["order_id", "amount"]
        );
        // Strict refuses every one of them.
        assert_eq!(fields(with(&[("amount", json!(42))])), ["amount"]);
        assert_eq!(fields(with(&[("action", json!("quickPay"))])), ["action"]);
        assert_eq!(fields(with(&[("udf1", json!("udf1-dummy"))])), ["udf1"]);
        assert_eq!(
            fields(with(&[("return_url", json!("https://a.com/x?q=1"))])),
            ["return_url"]
        );
        assert_eq!(
            fields(
                json!({"customer_id": "c", "payment_page_client_id": "c", "action": "paymentManagement"})
            ),
            ["order_id", "amount"]
        );
    }

    #[test]
    fn names_and_udfs() {
        assert_eq!(name_problem("Jöhn (Jr.) O-Neil_x"), None);
        assert!(name_problem("John!").is_some());
        assert!(fields(with(&[("udf1", json!("ab_c"))])) == ["udf1"]);
        assert!(fields(with(&[("udf6", json!("ab_c!"))])).is_empty());
        assert!(fields(with(&[("udf5", json!("ab c 9"))])).is_empty());
        assert_eq!(
            fields(with(&[("udf10", json!("x".repeat(256)))])),
            ["udf10"]
        );
        assert_eq!(
            fields(with(&[(
                "metadata.JUSPAY:gateway_reference_id",
                json!("x".repeat(256))
            )])),
            ["metadata.JUSPAY:gateway_reference_id"]
        );
    }

    #[test]
    fn required_and_types() {
        let p = problems(json!({}));
        assert_eq!(p.len(), 5);
        assert!(p.iter().all(|p| p.missing));
        assert_eq!(fields(with(&[("amount", json!(100))])), ["amount"]);
        assert!(fields(with(&[("offer_code", json!(5)), ("theme", json!("dark"))])).is_empty());
        assert_eq!(
            fields(with(&[("payment_page_client_id", json!(""))])),
            ["payment_page_client_id"]
        );
        assert_eq!(fields(with(&[("action", json!("pay"))])), ["action"]);
        assert_eq!(fields(with(&[("currency", json!("inr"))])), ["currency"]);
    }

    #[test]
    fn mandates() {
        let ok = with(&[
            ("options.create_mandate", json!("REQUIRED")),
            ("mandate.max_amount", json!("1000.0")),
            ("mandate.frequency", json!("MONTHLY")),
            ("mandate.rule_value", json!("31")),
            ("mandate.start_date", json!("1633087969")),
            ("mandate.end_date", json!("1633088989")),
            ("mandate.block_funds", json!(false)),
            ("mandate.revokable_by_customer", json!("true")),
        ]);
        assert!(problems(ok).is_empty());
        assert_eq!(
            fields(with(&[("mandate.max_amount", json!("10"))])),
            ["options.create_mandate"]
        );
        assert_eq!(
            fields(with(&[("options.create_mandate", json!("OPTIONAL"))])),
            ["mandate.max_amount"]
        );
        assert!(fields(with(&[
            ("options.create_mandate", json!("OPTIONAL")),
            ("mandate.amount_rule", json!("FIXED")),
        ]))
        .is_empty());
        let m = |extra: &[(&str, Value)]| {
            let mut v = with(&[
                ("options.create_mandate", json!("REQUIRED")),
                ("mandate.max_amount", json!("100")),
            ]);
            for (k, x) in extra {
                v[*k] = x.clone();
            }
            fields(v)
        };
        assert_eq!(
            m(&[("mandate.frequency", json!("HOURLY"))]),
            ["mandate.frequency"]
        );
        assert_eq!(
            m(&[("mandate.rule_value", json!("1"))]),
            ["mandate.rule_value"]
        );
        assert_eq!(
            m(&[
                ("mandate.frequency", json!("WEEKLY")),
                ("mandate.rule_value", json!("8"))
            ]),
            ["mandate.rule_value"]
        );
        assert!(m(&[
            ("mandate.frequency", json!("FORTNIGHTLY")),
            ("mandate.rule_value", json!("16"))
        ])
        .is_empty());
        assert_eq!(
            m(&[
                ("mandate.frequency", json!("DAILY")),
                ("mandate.rule_value", json!("1"))
            ]),
            ["mandate.rule_value"]
        );
        assert_eq!(
            m(&[("mandate.max_amount", json!("123456.78"))]),
            ["mandate.max_amount"]
        );
        assert_eq!(
            m(&[("mandate.start_date", json!("12345678901"))]),
            ["mandate.start_date"]
        );
        assert_eq!(
            m(&[
                ("mandate.start_date", json!("200")),
                ("mandate.end_date", json!("100"))
            ]),
            ["mandate.end_date"]
        );
        assert_eq!(
            m(&[("mandate.revokable_by_customer", json!(false))]),
            ["mandate.revokable_by_customer"]
        );
        assert!(m(&[
            ("mandate.frequency", json!("ONETIME")),
            ("mandate.revokable_by_customer", json!(false)),
            ("mandate.block_funds", json!("true"))
        ])
        .is_empty());
        assert_eq!(
            m(&[
                ("mandate.frequency", json!("ONETIME")),
                ("mandate.block_funds", json!(false))
            ]),
            ["mandate.block_funds"]
        );
        assert_eq!(
            m(&[("mandate.block_funds", json!(true))]),
            ["mandate.block_funds"]
        );
        assert_eq!(
            m(&[("mandate.block_funds", json!("yes"))]),
            ["mandate.block_funds"]
        );
        assert_eq!(
            m(&[("mandate.amount_rule", json!("fixed"))]),
            ["mandate.amount_rule"]
        );
        assert_eq!(
            m(&[("options.create_mandate", json!("MAYBE"))]),
            ["options.create_mandate"]
        );
    }
}
