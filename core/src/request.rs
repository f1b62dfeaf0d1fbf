//! The typed `POST /session` request: one field per documented body parameter.
//!
//! Source: `shared/reference/juspay-session-api.md`, "Body Parameters". Field names are the
//! API's own snake_case names so a merchant can map the reference to code one-to-one; the
//! dotted wire keys (`mandate.*`, `options.create_mandate`, `metadata.*`) are produced by
//! `wire.rs`, the only place that knows the JSON shape.

use std::collections::HashMap;

/// Everything `POST /session` accepts. The order id, amount, customer id and payment page
/// client id are what every session needs; every other field is optional and sent only when
/// set. `validate` lists every broken rule, and the session call refuses an invalid request
/// before sending anything.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct SessionRequest {
    /// Unique order id: letters, digits, `-` and `_`. Required unless `action` is
    /// `PaymentManagement` (which opens no order); empty means not sent.
    pub order_id: String,
    /// Amount as a decimal string with at most two decimals, e.g. `"100"` or `"100.15"`.
    /// Required unless `action` is `PaymentManagement`; empty means not sent.
    pub amount: String,
    /// The merchant's customer id; the empty string means guest checkout.
    #[uniffi(default)]
    pub customer_id: String,
    /// The payment page client id from Juspay's welcome e-mail.
    #[uniffi(default)]
    pub payment_page_client_id: String,
    /// `paymentPage` (the default when absent), `paymentManagement`, `quickPay`, `enach`, or
    /// any other action Juspay documents (`Other`, with Juspay's spelling).
    #[uniffi(default)]
    pub action: Option<Action>,
    #[uniffi(default)]
    /// The customer's e-mail (customer data: never logged).
    pub customer_email: Option<String>,
    #[uniffi(default)]
    /// The customer's phone number (customer data: never logged).
    pub customer_phone: Option<String>,
    /// Where the customer lands after paying: https, no query string, no IP address.
    #[uniffi(default)]
    pub return_url: Option<String>,
    #[uniffi(default)]
    /// The customer's first name (Unicode letters, spaces and `.'-`).
    pub first_name: Option<String>,
    #[uniffi(default)]
    /// The customer's last name (Unicode letters, spaces and `.'-`).
    pub last_name: Option<String>,
    /// ISO 4217 code such as `INR` or `AED`.
    #[uniffi(default)]
    pub currency: Option<String>,
    #[uniffi(default)]
    /// Shown to the customer on the payment page.
    pub description: Option<String>,
    /// Payment page language key, e.g. `EN`, `TH`, `VI`, `ID`, `KO`.
    #[uniffi(default)]
    pub language: Option<String>,
    /// `metadata.*` parameters, keyed without the `metadata.` prefix,
    /// e.g. `JUSPAY:gateway_reference_id`.
    #[uniffi(default)]
    pub metadata: HashMap<String, String>,
    /// The JSON key `options.create_mandate`: required on the wire whenever any `mandate` field
    /// is set.
    #[uniffi(default)]
    pub create_mandate: Option<CreateMandate>,
    #[uniffi(default)]
    /// The JSON keys `mandate.*`: the mandate to set up with this payment; needs the create
    /// mandate field.
    pub mandate: Option<Mandate>,
    #[uniffi(default)]
    /// User-defined field 1: merchant data Juspay stores with the order and returns in order status.
    pub udf1: Option<String>,
    #[uniffi(default)]
    /// User-defined field 2: merchant data Juspay stores with the order and returns in order status.
    pub udf2: Option<String>,
    #[uniffi(default)]
    /// User-defined field 3: merchant data Juspay stores with the order and returns in order status.
    pub udf3: Option<String>,
    #[uniffi(default)]
    /// User-defined field 4: merchant data Juspay stores with the order and returns in order status.
    pub udf4: Option<String>,
    #[uniffi(default)]
    /// User-defined field 5: merchant data Juspay stores with the order and returns in order status.
    pub udf5: Option<String>,
    #[uniffi(default)]
    /// User-defined field 6: merchant data Juspay stores with the order and returns in order status.
    pub udf6: Option<String>,
    #[uniffi(default)]
    /// User-defined field 7: merchant data Juspay stores with the order and returns in order status.
    pub udf7: Option<String>,
    #[uniffi(default)]
    /// User-defined field 8: merchant data Juspay stores with the order and returns in order status.
    pub udf8: Option<String>,
    #[uniffi(default)]
    /// User-defined field 9: merchant data Juspay stores with the order and returns in order status.
    pub udf9: Option<String>,
    #[uniffi(default)]
    /// User-defined field 10: merchant data Juspay stores with the order and returns in order status.
    pub udf10: Option<String>,
    /// Sent as the `x-routing-id` header. Absent, it uses the customer id, or the order id for
    /// a guest checkout (empty customer id), as Juspay recommends.
    #[uniffi(default)]
    pub routing_id: Option<String>,
    /// The JSON key `payment_filter`: which payment methods the page offers (payment
    /// locking), as the JSON object Juspay documents, e.g.
    /// `{"allowDefaultOptions":false,"options":[{"paymentMethodType":"UPI","enable":true}]}`;
    /// sent as that object. Source: DEMO the 20 samples under `payment-page-payment-locking/`.
    #[uniffi(default)]
    pub payment_filter: Option<String>,
    /// The JSON key `options.get_client_auth_token`: ask for a client auth token in the answer.
    #[uniffi(default)]
    pub get_client_auth_token: Option<bool>,
    /// Parameters documented elsewhere (`offer_code`, `theme`, ...), sent untouched as
    /// top-level string fields. Keys may not shadow a typed field.
    #[uniffi(default)]
    pub extra_fields: HashMap<String, String>,
    /// Parameters whose value is not a string (`send_mail: true`, `insured_member_details:
    /// [...]`, `simpl_additional_info: {...}`), each given as JSON text and sent as that
    /// JSON, exactly. Keys may not shadow a typed field or a key of the extra fields.
    #[uniffi(default)]
    pub extra_json: HashMap<String, String>,
}

impl SessionRequest {
    /// A request with the required fields set and everything else empty. In Rust, set the
    /// rest with struct-update syntax:
    ///
    /// ```
    /// use hypercheckout::SessionRequest;
    /// let request = SessionRequest {
    ///     customer_email: Some("test@mail.com".into()),
    ///     return_url: Some("https://shop.merchant.com".into()),
    ///     ..SessionRequest::new("order-1", "1.00", "customer-1", "your_client_id")
    /// };
    /// assert!(hypercheckout::validate(&request).is_empty());
    /// ```
    pub fn new(
        order_id: impl Into<String>,
        amount: impl Into<String>,
        customer_id: impl Into<String>,
        payment_page_client_id: impl Into<String>,
    ) -> Self {
        Self {
            order_id: order_id.into(),
            amount: amount.into(),
            customer_id: customer_id.into(),
            payment_page_client_id: payment_page_client_id.into(),
            ..Self::default()
        }
    }

    /// The `x-routing-id` this request is sent with (see `routing_id`).
    pub fn effective_routing_id(&self) -> &str {
        match &self.routing_id {
            Some(id) if !id.is_empty() => id,
            _ if self.customer_id.is_empty() => &self.order_id,
            _ => &self.customer_id,
        }
    }

    /// The action on the wire; Juspay requires one, and `paymentPage` is the common case.
    pub fn effective_action(&self) -> Action {
        self.action.clone().unwrap_or(Action::PaymentPage)
    }

    /// Whether this request opens an order (every action but `paymentManagement`, which
    /// manages saved instruments: DEMO `api-reference` `session/v1/paymentmanagement.sh`).
    pub fn opens_order(&self) -> bool {
        self.effective_action() != Action::PaymentManagement
    }

    pub(crate) fn udfs(&self) -> [(&'static str, &Option<String>); 10] {
        [
            ("udf1", &self.udf1),
            ("udf2", &self.udf2),
            ("udf3", &self.udf3),
            ("udf4", &self.udf4),
            ("udf5", &self.udf5),
            ("udf6", &self.udf6),
            ("udf7", &self.udf7),
            ("udf8", &self.udf8),
            ("udf9", &self.udf9),
            ("udf10", &self.udf10),
        ]
    }

    pub(crate) fn udf_slot(&mut self, name: &str) -> Option<&mut Option<String>> {
        Some(match name {
            "udf1" => &mut self.udf1,
            "udf2" => &mut self.udf2,
            "udf3" => &mut self.udf3,
            "udf4" => &mut self.udf4,
            "udf5" => &mut self.udf5,
            "udf6" => &mut self.udf6,
            "udf7" => &mut self.udf7,
            "udf8" => &mut self.udf8,
            "udf9" => &mut self.udf9,
            "udf10" => &mut self.udf10,
            _ => return None,
        })
    }
}

/// What the HyperCheckout screen opens for. An open set: the actions in Juspay's samples are
/// named, any other is `Other` and sent as written (DEMO: `paymentPage` 53 samples,
/// `paymentManagement` 2, `quickPay` 1, `enach` 1; `docs/juspay-evidence.md`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum Action {
    /// Start the payment page.
    PaymentPage,
    /// Manage saved cards and linked wallets; opens no order (order id and amount optional).
    PaymentManagement,
    /// One-tap payment with the customer's last used instrument.
    QuickPay,
    /// e-NACH (bank-account mandate) registration.
    Enach,
    /// Any other action, exactly as Juspay spells it.
    Other {
        /// The action exactly as Juspay spells it (e.g. `paymentPage`).
        name: String,
    },
}

/// The JSON key `options.create_mandate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum CreateMandate {
    /// Only mandate-capable instruments are shown.
    Required,
    /// The customer chooses whether to set up a mandate.
    Optional,
}

/// `mandate.frequency`; Juspay's default is `AsPresented`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum MandateFrequency {
    /// Supported only by UPI; valid for 90 days.
    Onetime,
    /// `DAILY`
    Daily,
    /// `WEEKLY`
    Weekly,
    /// `FORTNIGHTLY`
    Fortnightly,
    /// `MONTHLY`
    Monthly,
    /// `BIMONTHLY`: every two months.
    Bimonthly,
    /// `QUARTERLY`
    Quarterly,
    /// `HALFYEARLY`
    Halfyearly,
    /// `YEARLY`
    Yearly,
    /// `ASPRESENTED`: whenever the merchant presents a debit (Juspay's default).
    AsPresented,
}

/// The JSON key `mandate.amount_rule`; Juspay's default is `Variable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
#[uniffi::export(Display)]
pub enum AmountRule {
    /// `FIXED`: every debit is exactly the maximum amount.
    Fixed,
    /// `VARIABLE`: any amount up to the maximum amount (Juspay's default).
    Variable,
}

/// The `mandate.*` parameters. Every field is optional on the wire; `validate` checks the
/// documented combinations.
#[derive(Clone, Default, PartialEq, uniffi::Record)]
#[uniffi::export(Debug)]
pub struct Mandate {
    /// Decimal string, at most 8 characters; required unless the amount rule is `Fixed`.
    #[uniffi(default)]
    pub max_amount: Option<String>,
    /// UNIX epoch seconds (UTC), as a string of digits.
    #[uniffi(default)]
    pub start_date: Option<String>,
    /// UNIX epoch seconds (UTC), after the start date.
    #[uniffi(default)]
    pub end_date: Option<String>,
    #[uniffi(default)]
    /// How often the mandate may debit; Juspay's default is `AsPresented`.
    pub frequency: Option<MandateFrequency>,
    /// Day of the week/month the mandate runs on; range depends on `frequency`.
    #[uniffi(default)]
    pub rule_value: Option<String>,
    #[uniffi(default)]
    /// Whether debits are fixed or up to the maximum amount; Juspay's default is `Variable`.
    pub amount_rule: Option<AmountRule>,
    #[uniffi(default)]
    /// Whether the customer may revoke the mandate (UPI `Onetime` mandates only).
    pub revokable_by_customer: Option<bool>,
    #[uniffi(default)]
    /// Block the funds at registration (UPI `Onetime` mandates only).
    pub block_funds: Option<bool>,
}

impl Mandate {
    pub(crate) fn is_empty(&self) -> bool {
        self == &Mandate::default()
    }
}
