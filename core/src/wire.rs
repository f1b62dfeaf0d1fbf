//! Juspay's JSON for `POST /session`, both ways, and the request headers.
//!
//! The body is flat: nested concepts travel as dotted keys (`mandate.max_amount`,
//! `options.create_mandate`, `metadata.JUSPAY:gateway_reference_id`). Values are strings,
//! as in the reference's samples, except the two documented Booleans
//! (`mandate.revokable_by_customer`, `mandate.block_funds`).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::error::HyperCheckoutError;
use crate::request::{
    Action, AmountRule, CreateMandate, Mandate, MandateFrequency, SessionRequest,
};
use crate::validate::Violation;

/// Prefix of the `metadata.*` keys.
pub const METADATA_PREFIX: &str = "metadata.";
/// Wire key of `SessionRequest::create_mandate`.
pub const CREATE_MANDATE_KEY: &str = "options.create_mandate";
/// Wire key of `SessionRequest::get_client_auth_token`.
pub const GET_CLIENT_AUTH_TOKEN_KEY: &str = "options.get_client_auth_token";
/// Wire key of `SessionRequest::payment_filter`.
pub const PAYMENT_FILTER_KEY: &str = "payment_filter";

/// Keys owned by typed fields of `SessionRequest` (besides `metadata.*`).
const TYPED_KEYS: &[&str] = &[
    "order_id",
    "amount",
    "customer_id",
    "payment_page_client_id",
    "action",
    "customer_email",
    "customer_phone",
    "return_url",
    "first_name",
    "last_name",
    "currency",
    "description",
    "language",
    CREATE_MANDATE_KEY,
    GET_CLIENT_AUTH_TOKEN_KEY,
    PAYMENT_FILTER_KEY,
    "mandate.max_amount",
    "mandate.start_date",
    "mandate.end_date",
    "mandate.frequency",
    "mandate.rule_value",
    "mandate.amount_rule",
    "mandate.revokable_by_customer",
    "mandate.block_funds",
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

/// Whether `key` belongs to a typed field, so `extra_fields` may not carry it.
pub fn is_typed_key(key: &str) -> bool {
    TYPED_KEYS.contains(&key) || key.starts_with(METADATA_PREFIX) || key.starts_with(MANDATE_PREFIX)
}

/// Every `mandate.*` key is a mandate parameter to Juspay (it then wants
/// `options.create_mandate`); only the documented ones are typed, so no other is sent.
pub const MANDATE_PREFIX: &str = "mandate.";

impl Action {
    const NAMED: [(Action, &'static str); 4] = [
        (Action::PaymentPage, "paymentPage"),
        (Action::PaymentManagement, "paymentManagement"),
        (Action::QuickPay, "quickPay"),
        (Action::Enach, "enach"),
    ];

    /// The name Juspay uses on the wire.
    pub fn wire_name(&self) -> &str {
        match self {
            Action::Other { name } => name,
            named => Self::NAMED
                .iter()
                .find(|(action, _)| action == named)
                .map(|(_, name)| *name)
                .unwrap_or_default(),
        }
    }

    /// The action for a wire name; names Juspay has not documented are `Other`.
    pub fn from_wire_name(name: &str) -> Action {
        Self::NAMED
            .iter()
            .find(|(_, wire)| *wire == name)
            .map(|(action, _)| action.clone())
            .unwrap_or_else(|| Action::Other {
                name: name.to_owned(),
            })
    }
}

impl CreateMandate {
    /// The name Juspay uses on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            CreateMandate::Required => "REQUIRED",
            CreateMandate::Optional => "OPTIONAL",
        }
    }
}

impl MandateFrequency {
    /// Every frequency, in Juspay's documented order.
    pub const ALL: [MandateFrequency; 10] = [
        MandateFrequency::Onetime,
        MandateFrequency::Daily,
        MandateFrequency::Weekly,
        MandateFrequency::Fortnightly,
        MandateFrequency::Monthly,
        MandateFrequency::Bimonthly,
        MandateFrequency::Quarterly,
        MandateFrequency::Halfyearly,
        MandateFrequency::Yearly,
        MandateFrequency::AsPresented,
    ];

    /// The name Juspay uses on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            MandateFrequency::Onetime => "ONETIME",
            MandateFrequency::Daily => "DAILY",
            MandateFrequency::Weekly => "WEEKLY",
            MandateFrequency::Fortnightly => "FORTNIGHTLY",
            MandateFrequency::Monthly => "MONTHLY",
            MandateFrequency::Bimonthly => "BIMONTHLY",
            MandateFrequency::Quarterly => "QUARTERLY",
            MandateFrequency::Halfyearly => "HALFYEARLY",
            MandateFrequency::Yearly => "YEARLY",
            MandateFrequency::AsPresented => "ASPRESENTED",
        }
    }
}

impl AmountRule {
    /// The name Juspay uses on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            AmountRule::Fixed => "FIXED",
            AmountRule::Variable => "VARIABLE",
        }
    }
}

/// One value of the body: built here, or JSON text the merchant gave (`extra_json`,
/// `payment_filter`), sent byte for byte.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(untagged)]
pub enum WireValue {
    /// A value built by the SDK.
    Value(Value),
    /// JSON text from the merchant, sent byte for byte.
    Raw(Box<RawValue>),
}

impl From<Value> for WireValue {
    fn from(value: Value) -> Self {
        WireValue::Value(value)
    }
}

/// The JSON object sent as the body of `POST /session`. Keys come out sorted, so the same
/// request always produces the same bytes. Empty `order_id`/`amount` are left out (a
/// `paymentManagement` session has neither); JSON text that does not parse is left out too
/// (`validate` reports it first).
pub fn to_wire(request: &SessionRequest) -> BTreeMap<String, WireValue> {
    let mut body = BTreeMap::new();
    let mut put = |key: &str, value: WireValue| {
        body.insert(key.to_owned(), value);
    };
    let text = |s: &str| WireValue::Value(Value::String(s.to_owned()));
    let raw = |s: &str| {
        RawValue::from_string(s.trim().to_owned())
            .ok()
            .map(WireValue::Raw)
    };

    for (key, value) in [("order_id", &request.order_id), ("amount", &request.amount)] {
        if !value.is_empty() {
            put(key, text(value));
        }
    }
    // Always sent, "" for a guest checkout: the Session API marks it required (two of
    // Juspay's samples leave it out; the documented form is the safe one).
    put("customer_id", text(&request.customer_id));
    put(
        "payment_page_client_id",
        text(&request.payment_page_client_id),
    );
    put("action", text(request.effective_action().wire_name()));
    let optional = [
        ("customer_email", &request.customer_email),
        ("customer_phone", &request.customer_phone),
        ("return_url", &request.return_url),
        ("first_name", &request.first_name),
        ("last_name", &request.last_name),
        ("currency", &request.currency),
        ("description", &request.description),
        ("language", &request.language),
    ];
    for (key, value) in optional.into_iter().chain(request.udfs()) {
        if let Some(value) = value {
            put(key, text(value));
        }
    }
    for (key, value) in &request.metadata {
        put(&format!("{METADATA_PREFIX}{key}"), text(value));
    }
    if let Some(create_mandate) = request.create_mandate {
        put(CREATE_MANDATE_KEY, text(create_mandate.wire_name()));
    }
    if let Some(get_token) = request.get_client_auth_token {
        // A string, as in Juspay's samples (`"options.get_client_auth_token": "true"`).
        put(GET_CLIENT_AUTH_TOKEN_KEY, text(bool_name(get_token)));
    }
    if let Some(filter) = request.payment_filter.as_deref().and_then(raw) {
        put(PAYMENT_FILTER_KEY, filter);
    }
    if let Some(mandate) = &request.mandate {
        let strings = [
            ("mandate.max_amount", mandate.max_amount.as_deref()),
            ("mandate.start_date", mandate.start_date.as_deref()),
            ("mandate.end_date", mandate.end_date.as_deref()),
            (
                "mandate.frequency",
                mandate.frequency.map(MandateFrequency::wire_name),
            ),
            ("mandate.rule_value", mandate.rule_value.as_deref()),
            (
                "mandate.amount_rule",
                mandate.amount_rule.map(AmountRule::wire_name),
            ),
        ];
        for (key, value) in strings {
            if let Some(value) = value {
                put(key, text(value));
            }
        }
        let flags = [
            (
                "mandate.revokable_by_customer",
                mandate.revokable_by_customer,
            ),
            ("mandate.block_funds", mandate.block_funds),
        ];
        for (key, value) in flags {
            if let Some(value) = value {
                put(key, Value::Bool(value).into());
            }
        }
    }
    for (key, value) in &request.extra_fields {
        // Validation rejects typed keys here; never let an extra silently replace one.
        if !is_typed_key(key) {
            put(key, text(value));
        }
    }
    for (key, value) in &request.extra_json {
        if !is_typed_key(key) && !request.extra_fields.contains_key(key) {
            if let Some(value) = raw(value) {
                put(key, value);
            }
        }
    }
    body
}

/// The body as compact JSON text.
pub fn to_wire_json(request: &SessionRequest) -> String {
    serde_json::to_string(&to_wire(request)).unwrap_or_default()
}

/// Headers for a Juspay API call, in the order they are sent. The Authorization value is a
/// secret: callers must never log or display it.
pub fn headers(merchant_id: &str, api_key: &str, routing_id: &str) -> [(&'static str, String); 4] {
    [
        ("authorization", basic_auth(api_key)),
        ("x-merchantid", merchant_id.to_owned()),
        ("x-routing-id", routing_id.to_owned()),
        ("content-type", "application/json".to_owned()),
    ]
}

/// Basic auth with the API key as user name and an empty password: `base64("API_KEY:")`.
pub fn basic_auth(api_key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{api_key}:"));
    format!("Basic {encoded}")
}

/// Reads a Juspay-format JSON body (like the reference's sample request) into a typed
/// request. Unknown keys land in `extra_fields`. Every problem is reported at once as
/// `HyperCheckoutError::Validation`; `validate` is not run here.
pub fn from_wire_json(json: &str) -> Result<SessionRequest, HyperCheckoutError> {
    let (request, problems) = read_wire_json(json);
    if problems.is_empty() {
        Ok(request)
    } else {
        Err(invalid(problems))
    }
}

/// Everything wrong with a Juspay-format JSON body, at once: what `from_wire_json` refuses
/// (not JSON, wrong types, unknown enum values) and then every rule of `validate` on what
/// could be read. Empty means the body would be sent as is. (`hypercheckout validate`.)
pub fn validate_wire_json(json: &str) -> Vec<Violation> {
    let (request, mut problems) = read_wire_json(json);
    let unreadable = problems.iter().any(|p| p.field.is_empty());
    if !unreadable {
        // A field that could not be read is reported once, for that reason, not again as
        // missing (`"options.create_mandate": "MAYBE"` is not also `create_mandate_required`).
        let rules = crate::validate::validate(&request);
        let unread: Vec<String> = problems.iter().map(|p| p.field.clone()).collect();
        problems.extend(rules.into_iter().filter(|v| !unread.contains(&v.field)));
    }
    problems
}

/// The request as far as it could be read, and the problems found reading it.
fn read_wire_json(json: &str) -> (SessionRequest, Vec<Violation>) {
    // Values stay raw: `extra_json` and `payment_filter` are sent exactly as written.
    let object: BTreeMap<String, Box<RawValue>> = match serde_json::from_str(json) {
        Ok(object) => object,
        Err(e) => {
            let message = if json.trim_start().starts_with('{') {
                format!("not valid JSON: {e}")
            } else {
                "must be a JSON object".to_owned()
            };
            let problem = violation("", "invalid_json", message);
            return (SessionRequest::default(), vec![problem]);
        }
    };

    let mut problems = Vec::new();
    let mut request = SessionRequest::default();
    let mut mandate = Mandate::default();
    for (key, raw) in object {
        if key == PAYMENT_FILTER_KEY {
            if raw.get().trim_start().starts_with('{') {
                request.payment_filter = Some(raw.get().to_owned());
            } else {
                problems.push(violation(&key, "invalid_type", "must be a JSON object"));
            }
            continue;
        }
        let Some(text) = crate::lenient::raw_text(raw.get()) else {
            // `"mandate": {...}` and the like: Juspay's body is flat (`mandate.max_amount`).
            let nested_family = matches!(key.as_str(), "mandate" | "metadata" | "options");
            if nested_family || is_typed_key(&key) || request.udf_slot(&key).is_some() {
                problems.push(violation(
                    &key,
                    "invalid_type",
                    "must be a string, number or boolean",
                ));
            } else if raw.get() != "null" {
                // Not a typed field: any JSON value is sent exactly as given.
                request.extra_json.insert(key, raw.get().to_owned());
            }
            continue;
        };
        let is_string = raw.get().starts_with('"');
        match key.as_str() {
            "order_id" => request.order_id = text,
            "amount" => request.amount = text,
            "customer_id" => request.customer_id = text,
            "payment_page_client_id" => request.payment_page_client_id = text,
            "action" => request.action = Some(Action::from_wire_name(&text)),
            GET_CLIENT_AUTH_TOKEN_KEY => {
                request.get_client_auth_token =
                    one_of(&mut problems, &key, &text, &[true, false], bool_name)
            }
            "customer_email" => request.customer_email = Some(text),
            "customer_phone" => request.customer_phone = Some(text),
            "return_url" => request.return_url = Some(text),
            "first_name" => request.first_name = Some(text),
            "last_name" => request.last_name = Some(text),
            "currency" => request.currency = Some(text),
            "description" => request.description = Some(text),
            "language" => request.language = Some(text),
            CREATE_MANDATE_KEY => {
                request.create_mandate = one_of(
                    &mut problems,
                    &key,
                    &text,
                    &[CreateMandate::Required, CreateMandate::Optional],
                    CreateMandate::wire_name,
                )
            }
            "mandate.max_amount" => mandate.max_amount = Some(text),
            "mandate.start_date" => mandate.start_date = Some(text),
            "mandate.end_date" => mandate.end_date = Some(text),
            "mandate.rule_value" => mandate.rule_value = Some(text),
            "mandate.frequency" => {
                mandate.frequency = one_of(
                    &mut problems,
                    &key,
                    &text,
                    &MandateFrequency::ALL,
                    MandateFrequency::wire_name,
                )
            }
            "mandate.amount_rule" => {
                mandate.amount_rule = one_of(
                    &mut problems,
                    &key,
                    &text,
                    &[AmountRule::Fixed, AmountRule::Variable],
                    AmountRule::wire_name,
                )
            }
            "mandate.revokable_by_customer" => {
                mandate.revokable_by_customer =
                    one_of(&mut problems, &key, &text, &[true, false], bool_name)
            }
            "mandate.block_funds" => {
                mandate.block_funds = one_of(&mut problems, &key, &text, &[true, false], bool_name)
            }
            _ => {
                if let Some(metadata_key) = key.strip_prefix(METADATA_PREFIX) {
                    request.metadata.insert(metadata_key.to_owned(), text);
                } else if key.starts_with(MANDATE_PREFIX) {
                    problems.push(violation(
                        &key,
                        "invalid_key",
                        "is not a documented mandate parameter (mandate.max_amount, start_date, \
                         end_date, frequency, rule_value, amount_rule, revokable_by_customer, \
                         block_funds)",
                    ));
                } else if let Some(slot) = request.udf_slot(&key) {
                    *slot = Some(text);
                } else if is_string {
                    request.extra_fields.insert(key, text);
                } else {
                    // `send_mail: true`, `quantity: 2`: kept as the JSON the merchant wrote.
                    request.extra_json.insert(key, raw.get().to_owned());
                }
            }
        }
    }
    if !mandate.is_empty() {
        request.mandate = Some(mandate);
    }
    (request, problems)
}

fn bool_name(value: bool) -> &'static str {
    if value {
        "true"
    } else {
        "false"
    }
}

/// The value among `allowed` whose wire name is `text`; otherwise records a violation.
fn one_of<T: Copy>(
    problems: &mut Vec<Violation>,
    key: &str,
    text: &str,
    allowed: &[T],
    name: fn(T) -> &'static str,
) -> Option<T> {
    let found = allowed.iter().copied().find(|v| name(*v) == text);
    if found.is_none() {
        let names: Vec<_> = allowed.iter().map(|v| name(*v)).collect();
        problems.push(violation(
            key,
            "invalid_value",
            format!("must be one of {}", names.join(", ")),
        ));
    }
    found
}

fn violation(field: &str, code: &str, message: impl Into<String>) -> Violation {
    Violation {
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

fn invalid(violations: Vec<Violation>) -> HyperCheckoutError {
    HyperCheckoutError::Validation { violations }
}

/// `Content-Type` of the session call.
pub const JSON_CONTENT_TYPE: &str = "application/json";
/// `Content-Type` of the refund and mandate calls: their pages' header tables say
/// `application/x-www-form-urlencoded`, and Juspay's SDKs send that (`docs/refunds-and-mandates.md`).
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// One API call as it goes on the wire, all but the credentials (`authorization`,
/// `x-merchantid`, which the client adds): what the wire vectors in `testdata/` pin, and
/// exactly what the client sends.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WireCall {
    /// `GET` or `POST`.
    pub method: String,
    /// The path after the base URL, ids percent-encoded, e.g. `/orders/o-1/refunds`.
    pub path: String,
    /// The `content-type` header; absent for a call without a body.
    pub content_type: Option<String>,
    /// The `version` header, when the API asks for one.
    pub version: Option<String>,
    /// The `x-routing-id` header.
    pub routing_id: String,
    /// The body exactly as sent; absent for none.
    pub body: Option<String>,
}

/// `application/x-www-form-urlencoded` text of `fields`, in the order given (the WHATWG
/// form encoding: space as `+`, everything but `*-._` and alphanumerics escaped).
pub fn form_body(fields: &[(&str, &str)]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in fields {
        form.append_pair(key, value);
    }
    form.finish()
}
