//! `hypercheckout session create`.

use std::collections::BTreeMap;
use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use hypercheckout::{Client, Session, SessionRequest, Violation};
use serde_json::value::RawValue;

use crate::connection::{ConnectionArgs, WithoutCredentials};
use crate::exit;

/// The `payment_page_client_id` sent to an emulator when none is given (it accepts any).
const EMULATOR_CLIENT_ID: &str = "emulator_client";

/// `session create`: every field of the core's `SessionRequest` has a flag.
#[derive(Args)]
pub struct CreateArgs {
    /// A Juspay-format JSON request body (`-` for standard input); the flags below
    /// override its fields.
    #[arg(long, value_name = "FILE.json")]
    request: Option<PathBuf>,
    /// Order id: letters, digits, - and _, at most 20 [default: a fresh one].
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// Amount as a decimal string with at most two decimals, e.g. 1.00.
    #[arg(long, allow_negative_numbers = true)]
    amount: Option<String>,
    /// The merchant's customer id ("" for a guest checkout).
    #[arg(long, value_name = "ID")]
    customer_id: Option<String>,
    /// Customer e-mail (never printed back).
    #[arg(long, value_name = "EMAIL")]
    customer_email: Option<String>,
    /// Customer phone (never printed back).
    #[arg(long, value_name = "PHONE")]
    customer_phone: Option<String>,
    /// payment_page_client_id from Juspay's welcome e-mail [on an emulator: emulator_client].
    #[arg(long, value_name = "ID")]
    client_id: Option<String>,
    /// paymentPage (Juspay's default), paymentManagement, quickPay, enach, or any other
    /// action Juspay documents, as spelled there.
    #[arg(long, value_name = "ACTION")]
    action: Option<String>,
    /// Where the customer lands after paying: https, a domain name, no query string.
    #[arg(long, value_name = "URL")]
    return_url: Option<String>,
    /// Customer's first name.
    #[arg(long, value_name = "NAME")]
    first_name: Option<String>,
    /// Customer's last name.
    #[arg(long, value_name = "NAME")]
    last_name: Option<String>,
    /// ISO 4217 currency code, e.g. INR (Juspay's default) or AED.
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// Order description, at most 255 characters.
    #[arg(long, value_name = "TEXT")]
    description: Option<String>,
    /// Payment page language key, e.g. EN, TH, VI, ID, KO.
    #[arg(long, value_name = "KEY")]
    language: Option<String>,
    /// A metadata.* parameter, as KEY=VALUE with or without the `metadata.` prefix, e.g.
    /// JUSPAY:gateway_reference_id=Merchant_test or expiryinmins=30 (repeatable).
    #[arg(long, value_name = "KEY=VALUE")]
    metadata: Vec<String>,
    /// udf1 (user-defined field; udf1-udf5: letters, digits and spaces).
    #[arg(long, value_name = "TEXT")]
    udf1: Option<String>,
    /// udf2 (letters, digits and spaces).
    #[arg(long, value_name = "TEXT")]
    udf2: Option<String>,
    /// udf3 (letters, digits and spaces).
    #[arg(long, value_name = "TEXT")]
    udf3: Option<String>,
    /// udf4 (letters, digits and spaces).
    #[arg(long, value_name = "TEXT")]
    udf4: Option<String>,
    /// udf5 (letters, digits and spaces).
    #[arg(long, value_name = "TEXT")]
    udf5: Option<String>,
    /// udf6 (udf6-udf10: any characters, at most 255).
    #[arg(long, value_name = "TEXT")]
    udf6: Option<String>,
    /// udf7 (any characters).
    #[arg(long, value_name = "TEXT")]
    udf7: Option<String>,
    /// udf8 (any characters).
    #[arg(long, value_name = "TEXT")]
    udf8: Option<String>,
    /// udf9 (any characters).
    #[arg(long, value_name = "TEXT")]
    udf9: Option<String>,
    /// udf10 (any characters).
    #[arg(long, value_name = "TEXT")]
    udf10: Option<String>,
    /// The x-routing-id header [default: the customer id, or the order id for a guest].
    /// Keep it: order status calls for this order need the same value.
    #[arg(long, value_name = "ID")]
    routing_id: Option<String>,
    /// payment_filter: which payment methods the page offers, as Juspay's JSON object,
    /// e.g. '{"allowDefaultOptions":false,"options":[{"paymentMethodType":"UPI","enable":true}]}'.
    #[arg(long, value_name = "JSON")]
    payment_filter: Option<String>,
    /// Ask for a client auth token in the answer (options.get_client_auth_token).
    #[arg(long)]
    get_client_auth_token: bool,
    /// options.create_mandate: set up a mandate with this payment (required for any
    /// --mandate-* flag).
    #[arg(long, value_enum, value_name = "WHEN")]
    create_mandate: Option<CreateMandateArg>,
    /// mandate.max_amount: the most one debit may take (required unless the amount rule
    /// is FIXED).
    #[arg(long, value_name = "AMOUNT", allow_negative_numbers = true)]
    mandate_max_amount: Option<String>,
    /// mandate.start_date, UNIX epoch seconds.
    #[arg(long, value_name = "EPOCH")]
    mandate_start_date: Option<String>,
    /// mandate.end_date, UNIX epoch seconds, after the start date.
    #[arg(long, value_name = "EPOCH")]
    mandate_end_date: Option<String>,
    /// mandate.frequency: ONETIME, DAILY, WEEKLY, FORTNIGHTLY, MONTHLY, BIMONTHLY,
    /// QUARTERLY, HALFYEARLY, YEARLY or ASPRESENTED (Juspay's default).
    #[arg(long, value_name = "FREQUENCY")]
    mandate_frequency: Option<String>,
    /// mandate.rule_value: the day of the week (1-7) or month (1-31) debits run on.
    #[arg(long, value_name = "DAY")]
    mandate_rule_value: Option<String>,
    /// mandate.amount_rule: FIXED or VARIABLE (Juspay's default).
    #[arg(long, value_name = "RULE")]
    mandate_amount_rule: Option<String>,
    /// mandate.revokable_by_customer: true or false (false only with ONETIME).
    #[arg(long, value_name = "BOOL")]
    mandate_revokable_by_customer: Option<String>,
    /// mandate.block_funds: true or false (true only with ONETIME).
    #[arg(long, value_name = "BOOL")]
    mandate_block_funds: Option<String>,
    /// Any other body parameter Juspay documents, as KEY=VALUE, sent as a string
    /// (repeatable), e.g. offer_code=SAVE10.
    #[arg(long, value_name = "KEY=VALUE")]
    field: Vec<String>,
    /// Print the full response as JSON.
    #[arg(long)]
    json: bool,
    /// Keep the embedded emulator serving after printing, so the payment link works, until
    /// Ctrl-C [default: when stdin and stdout are both a terminal].
    #[arg(long, visible_alias = "keep-serving", conflicts_with = "no_serve")]
    serve: bool,
    /// Stop the embedded emulator when the command ends, even at a terminal.
    #[arg(long)]
    no_serve: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// `options.create_mandate`.
#[derive(Clone, Copy, ValueEnum)]
enum CreateMandateArg {
    /// Only mandate-capable instruments are shown.
    Required,
    /// The customer chooses.
    Optional,
}

/// Runs `session create`.
pub fn create(args: CreateArgs) -> ExitCode {
    let connection = match args.connection.resolve(WithoutCredentials::Embed) {
        Ok(connection) => connection,
        Err(code) => return code,
    };
    if (args.serve || args.no_serve) && connection.emulator.is_none() {
        eprintln!(
            "error: --serve/--no-serve only apply to the embedded emulator, which runs when \
             neither credentials nor --base-url are given"
        );
        return exit::code(exit::USAGE);
    }
    let request = match build_request(&args, connection.is_emulator) {
        Ok(request) => request,
        Err(code) => return code,
    };
    let result =
        Client::new(connection.config).and_then(|client| client.create_session_blocking(request));
    let session = match result {
        Ok(session) => session,
        Err(error) => return exit::report(&error),
    };
    let text = if args.json {
        session_json(&session)
    } else {
        session_summary(&session)
    };
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout(), "{text}");

    let Some(emulator) = connection.emulator else {
        return exit::code(exit::OK);
    };
    let at_terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let serve = args.serve || (at_terminal && !args.no_serve);
    let url = emulator.url();
    if !serve {
        eprintln!(
            "note: the embedded emulator stopped with this command, so the payment link above \
             no longer answers. To try the link: add --serve (keeps it running until Ctrl-C), \
             or run `hypercheckout emulator` in another terminal and pass its URL as --base-url."
        );
        return exit::code(exit::OK);
    }
    eprintln!(
        "\nThe embedded emulator keeps serving at {url} so the payment link works. \
         Press Ctrl-C to stop it.\n\
         Open the link and press Pay (or Fail); the browser is sent to your return_url with the \
         signed result. Then, in another terminal:\n  \
         hypercheckout order status {order} --routing-id {routing} --base-url {url}\n  \
         hypercheckout signature verify 'THE_REDIRECT_URL' --response-key {key}",
        order = session.order_id,
        routing = session.routing_id,
        key = hypercheckout_emulator::DEFAULT_RESPONSE_KEY,
    );
    // Until the process is interrupted: SIGINT/SIGTERM end it (the shell reports Ctrl-C's
    // usual 130), and the emulator with it; there is nothing to flush.
    loop {
        std::thread::park();
    }
}

/// The request: the `--request` file's JSON object with the flags written over it, read by
/// the core exactly as `hypercheckout validate` reads a file. Every problem is reported at
/// once; nothing is sent if there is one.
fn build_request(args: &CreateArgs, on_emulator: bool) -> Result<SessionRequest, ExitCode> {
    let mut body: BTreeMap<String, Box<RawValue>> = BTreeMap::new();
    if let Some(path) = &args.request {
        let text = crate::read_text(path)?;
        match serde_json::from_str(&text) {
            Ok(object) => body = object,
            Err(_) => {
                // Not a JSON object: the core says how, in its words.
                let violations = hypercheckout::validate_session_json(text);
                return Err(invalid(&violations));
            }
        }
    }
    let mut problems = Vec::new();
    let body = &mut body;
    let put = |body: &mut BTreeMap<String, Box<RawValue>>, key: &str, value: &str| {
        let text = serde_json::Value::String(value.to_owned()).to_string();
        if let Ok(raw) = RawValue::from_string(text) {
            body.insert(key.to_owned(), raw);
        }
    };
    let strings: [(&str, &Option<String>); 30] = [
        ("order_id", &args.order_id),
        ("amount", &args.amount),
        ("customer_id", &args.customer_id),
        ("customer_email", &args.customer_email),
        ("customer_phone", &args.customer_phone),
        ("payment_page_client_id", &args.client_id),
        ("action", &args.action),
        ("return_url", &args.return_url),
        ("first_name", &args.first_name),
        ("last_name", &args.last_name),
        ("currency", &args.currency),
        ("description", &args.description),
        ("language", &args.language),
        ("udf1", &args.udf1),
        ("udf2", &args.udf2),
        ("udf3", &args.udf3),
        ("udf4", &args.udf4),
        ("udf5", &args.udf5),
        ("udf6", &args.udf6),
        ("udf7", &args.udf7),
        ("udf8", &args.udf8),
        ("udf9", &args.udf9),
        ("udf10", &args.udf10),
        ("mandate.max_amount", &args.mandate_max_amount),
        ("mandate.start_date", &args.mandate_start_date),
        ("mandate.end_date", &args.mandate_end_date),
        ("mandate.frequency", &args.mandate_frequency),
        ("mandate.rule_value", &args.mandate_rule_value),
        ("mandate.amount_rule", &args.mandate_amount_rule),
        (
            "mandate.revokable_by_customer",
            &args.mandate_revokable_by_customer,
        ),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            put(body, key, value);
        }
    }
    if let Some(value) = &args.mandate_block_funds {
        put(body, "mandate.block_funds", value);
    }
    if let Some(when) = args.create_mandate {
        let name = match when {
            CreateMandateArg::Required => "REQUIRED",
            CreateMandateArg::Optional => "OPTIONAL",
        };
        put(body, "options.create_mandate", name);
    }
    if args.get_client_auth_token {
        put(body, "options.get_client_auth_token", "true");
    }
    for pair in &args.metadata {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => {
                let key = key.strip_prefix("metadata.").unwrap_or(key);
                put(body, &format!("metadata.{key}"), value);
            }
            _ => problems.push(violation(
                "--metadata",
                "invalid_value",
                format!("{pair:?} is not KEY=VALUE"),
            )),
        }
    }
    for pair in &args.field {
        match pair.split_once('=') {
            Some((key, value)) if !key.is_empty() => put(body, key, value),
            _ => problems.push(violation(
                "--field",
                "invalid_value",
                format!("{pair:?} is not KEY=VALUE"),
            )),
        }
    }
    let has = |body: &BTreeMap<String, Box<RawValue>>, key: &str| {
        body.get(key).is_some_and(|v| v.get() != "\"\"")
    };
    if !body.contains_key("order_id") {
        put(body, "order_id", &fresh_order_id());
    }
    if on_emulator && !has(body, "payment_page_client_id") {
        put(body, "payment_page_client_id", EMULATOR_CLIENT_ID);
    }
    if let Some(filter) = &args.payment_filter {
        match RawValue::from_string(filter.clone()) {
            Ok(raw) => {
                body.insert("payment_filter".into(), raw);
            }
            Err(e) => problems.push(violation(
                "payment_filter",
                "invalid_json",
                format!("is not JSON: {e}"),
            )),
        }
    }

    let json = serde_json::to_string(body).unwrap_or_default();
    problems.extend(hypercheckout::validate_session_json(json.clone()));
    let mut request = hypercheckout::parse_session_request(json).ok();
    if let Some(request) = &mut request {
        request.routing_id = args.routing_id.clone();
        // The routing id is a header, not a body field: checked on the typed request.
        for v in hypercheckout::validate(request) {
            if !problems
                .iter()
                .any(|p| p.field == v.field && p.code == v.code)
            {
                problems.push(v);
            }
        }
    }
    if let (None, Some(routing_id)) = (&request, &args.routing_id) {
        // The body could not be read, but the header can still be checked.
        let lookup = hypercheckout::validate::validate_order_lookup("-", routing_id);
        problems.extend(lookup.into_iter().filter(|v| v.field == "routing_id"));
    }
    match request {
        Some(request) if problems.is_empty() => Ok(request),
        _ => Err(invalid(&problems)),
    }
}

fn violation(field: &str, code: &str, message: String) -> Violation {
    Violation {
        field: field.to_owned(),
        code: code.to_owned(),
        message,
    }
}

fn invalid(violations: &[Violation]) -> ExitCode {
    exit::report(&hypercheckout::HyperCheckoutError::Validation {
        violations: violations.to_vec(),
    })
}

/// `order-` and the time in milliseconds: 19 characters, under the 20 allowed. Never the
/// same twice in one process (`--demo` creates an order and then a debit order in the same
/// millisecond or so).
pub fn fresh_order_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or_default();
    let previous = LAST
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |last| {
            Some(now.max(last + 1))
        })
        .unwrap_or(now);
    format!("order-{}", now.max(previous + 1))
}

/// The payment link first: it is what a person at a terminal wants to open.
fn session_summary(session: &Session) -> String {
    let payload = &session.sdk_payload.payload;
    let mut lines = vec![
        format!("Payment link:  {}", session.payment_link),
        format!(
            "Order:         {} (Juspay id {})",
            session.order_id, session.id
        ),
        format!("Status:        {}", session.status),
    ];
    if let Some(amount) = &payload.amount {
        let currency = payload.currency.as_deref().unwrap_or("");
        lines.push(format!("Amount:        {amount} {currency}"));
    }
    if let Some(expiry) = &session.payment_link_expiry {
        lines.push(format!("Link expires:  {expiry}"));
    }
    if let Some(expiry) = &payload.client_auth_token_expiry {
        lines.push(format!("SDK token expires: {expiry}"));
    }
    lines.push(format!(
        "Routing id:    {} (pass it to order-status calls)",
        session.routing_id
    ));
    lines.push("(use --json for the full response, including sdk_payload)".into());
    lines.join("\n")
}

/// The response as Juspay sent it, with `sdk_payload` untouched.
fn session_json(session: &Session) -> String {
    let sdk_payload: serde_json::Value =
        serde_json::from_str(&session.sdk_payload_json).unwrap_or(serde_json::Value::Null);
    let value = serde_json::json!({
        "status": session.status,
        "id": session.id,
        "order_id": session.order_id,
        "payment_links": {"web": session.payment_link, "expiry": session.payment_link_expiry},
        "order_expiry": session.order_expiry,
        "sdk_payload": sdk_payload,
        // Not Juspay's: the x-routing-id to pass to order-status calls for this order.
        "routing_id": session.routing_id,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
