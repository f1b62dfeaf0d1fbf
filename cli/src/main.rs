//! `hypercheckout`: the Session API from a terminal.
//!
//! Exit codes: 0 ok, 2 invalid input, 3 API error, 4 network or timeout, 1 anything else.

// HyperCheckoutError is deliberately flat (see core/src/lib.rs).
#![allow(clippy::result_large_err)]

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use hypercheckout::{
    Client, ClientConfig, Environment, HyperCheckoutError, Session, SessionRequest,
};
use hypercheckout_emulator::{Emulator, EmulatorArgs, EmulatorConfig};

#[derive(Parser)]
#[command(
    name = "hypercheckout",
    version,
    about = "Juspay HyperCheckout sessions from a terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Payment sessions.
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Check a Juspay-format JSON request offline and list every problem at once (reading
    /// and rules alike). Exit 0 when valid, 2 when not.
    Validate {
        /// The request body, as in Juspay's docs (`-` for standard input).
        file: PathBuf,
        /// Print `{"file", "valid", "violations": [{"field", "code", "message"}]}` on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Run the local Juspay emulator until interrupted.
    Emulator(EmulatorArgs),
}

#[derive(Subcommand)]
enum SessionCommand {
    /// Create a session. Without credentials, runs against an embedded local emulator.
    Create(CreateArgs),
}

#[derive(Args)]
struct CreateArgs {
    /// A Juspay-format JSON request body; flags below override its fields.
    #[arg(long, value_name = "FILE.json")]
    request: Option<PathBuf>,
    /// Order id (default: a fresh one).
    #[arg(long)]
    order_id: Option<String>,
    /// Amount as a decimal string, e.g. 1.00.
    #[arg(long)]
    amount: Option<String>,
    #[arg(long)]
    customer_id: Option<String>,
    #[arg(long)]
    customer_email: Option<String>,
    #[arg(long)]
    customer_phone: Option<String>,
    /// payment_page_client_id from Juspay's welcome e-mail.
    #[arg(long)]
    client_id: Option<String>,
    #[arg(long)]
    return_url: Option<String>,
    #[arg(long)]
    first_name: Option<String>,
    #[arg(long)]
    last_name: Option<String>,
    #[arg(long)]
    currency: Option<String>,
    #[arg(long)]
    description: Option<String>,
    /// Print the full response as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

#[derive(Args)]
struct ConnectionArgs {
    #[arg(long, env = "JUSPAY_MERCHANT_ID")]
    merchant_id: Option<String>,
    /// Prefer the environment variable: flags are visible to other users of the machine.
    #[arg(long, env = "JUSPAY_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    #[arg(long = "env", value_enum, default_value = "sandbox")]
    environment: EnvironmentArg,
    /// Use this base URL instead of the environment's.
    #[arg(long)]
    base_url: Option<String>,
    /// Time allowed per attempt, in milliseconds.
    #[arg(long, default_value_t = hypercheckout::DEFAULT_TIMEOUT_MS)]
    timeout_ms: u64,
}

#[derive(Clone, Copy, ValueEnum)]
enum EnvironmentArg {
    Sandbox,
    Production,
}

const EXIT_INVALID_INPUT: u8 = 2;
const EXIT_API_ERROR: u8 = 3;
const EXIT_NETWORK: u8 = 4;

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Session {
            command: SessionCommand::Create(args),
        } => create_session(args),
        Command::Validate { file, json } => validate_file(&file, json),
        Command::Emulator(args) => hypercheckout_emulator::run_blocking(args),
    }
}

fn create_session(args: CreateArgs) -> ExitCode {
    let mut request = match &args.request {
        Some(path) => match read_request(path) {
            Ok(request) => request,
            Err(code) => return code,
        },
        None => SessionRequest::default(),
    };
    apply_flags(&mut request, &args);

    let c = &args.connection;
    let (config, _emulator) = match (&c.merchant_id, &c.api_key) {
        (Some(merchant_id), Some(api_key)) => {
            let environment = match c.environment {
                EnvironmentArg::Sandbox => Environment::Sandbox,
                EnvironmentArg::Production => Environment::Production,
            };
            let mut config = ClientConfig::new(merchant_id, api_key, environment);
            config.base_url = c.base_url.clone();
            (config, None)
        }
        (None, None) => {
            let emulator = match Emulator::spawn(EmulatorConfig::default()) {
                Ok(emulator) => emulator,
                Err(e) => {
                    eprintln!("error: could not start the local emulator: {e}");
                    return ExitCode::FAILURE;
                }
            };
            eprintln!(
                "note: no JUSPAY_MERCHANT_ID/JUSPAY_API_KEY given; using a local Juspay emulator at {} (nothing is charged)",
                emulator.url()
            );
            if request.payment_page_client_id.is_empty() {
                request.payment_page_client_id = "emulator_client".into();
            }
            let mut config = ClientConfig::new(
                hypercheckout_emulator::DEFAULT_MERCHANT_ID,
                hypercheckout_emulator::DEFAULT_API_KEY,
                Environment::Sandbox,
            );
            config.base_url = Some(emulator.url());
            (config, Some(emulator))
        }
        _ => {
            eprintln!("error: give both a merchant id and an API key (--merchant-id/JUSPAY_MERCHANT_ID and --api-key/JUSPAY_API_KEY), or neither to use the local emulator");
            return ExitCode::from(EXIT_INVALID_INPUT);
        }
    };
    let config = ClientConfig {
        timeout_ms: c.timeout_ms,
        app_name: Some("hypercheckout-cli".into()),
        app_version: Some(env!("CARGO_PKG_VERSION").into()),
        ..config
    };

    let result = Client::new(config).and_then(|client| client.create_session_blocking(request));
    match result {
        Ok(session) => {
            let text = if args.json {
                session_json(&session)
            } else {
                session_summary(&session)
            };
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{text}");
            ExitCode::SUCCESS
        }
        Err(error) => report(&error),
    }
}

fn apply_flags(request: &mut SessionRequest, args: &CreateArgs) {
    let set = |slot: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            *slot = value.clone();
        }
    };
    set(&mut request.amount, &args.amount);
    set(&mut request.customer_id, &args.customer_id);
    set(&mut request.payment_page_client_id, &args.client_id);
    let set_optional = |slot: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            *slot = value.clone();
        }
    };
    set_optional(&mut request.customer_email, &args.customer_email);
    set_optional(&mut request.customer_phone, &args.customer_phone);
    set_optional(&mut request.return_url, &args.return_url);
    set_optional(&mut request.first_name, &args.first_name);
    set_optional(&mut request.last_name, &args.last_name);
    set_optional(&mut request.currency, &args.currency);
    set_optional(&mut request.description, &args.description);
    match &args.order_id {
        Some(order_id) => request.order_id = order_id.clone(),
        None if request.order_id.is_empty() => request.order_id = fresh_order_id(),
        None => {}
    }
}

/// `order-` and the time in milliseconds: 19 characters, under the 20 allowed.
fn fresh_order_id() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    format!("order-{millis}")
}

fn read_text(path: &PathBuf) -> Result<String, ExitCode> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        ExitCode::from(EXIT_INVALID_INPUT)
    })
}

fn read_request(path: &PathBuf) -> Result<SessionRequest, ExitCode> {
    let text = read_text(path)?;
    hypercheckout::parse_session_request(text).map_err(|error| report(&error))
}

fn validate_file(path: &PathBuf, json: bool) -> ExitCode {
    let text = match read_text(path) {
        Ok(text) => text,
        Err(code) => return code,
    };
    // Reading problems (`"amount": [1]`, an unknown mandate frequency) and rule violations
    // together: one problem must not hide the others.
    let violations = hypercheckout::validate_session_json(text);
    if json {
        let listed: Vec<_> = violations
            .iter()
            .map(|v| serde_json::json!({"field": v.field, "code": v.code, "message": v.message}))
            .collect();
        let value = serde_json::json!({
            "file": path.display().to_string(),
            "valid": violations.is_empty(),
            "violations": listed,
        });
        let _ = writeln!(
            std::io::stdout(),
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
    } else if violations.is_empty() {
        let _ = writeln!(std::io::stdout(), "{}: valid", path.display());
    } else {
        eprintln!("{}: {} violation(s)", path.display(), violations.len());
        for v in &violations {
            eprintln!("  {:<32} {:<28} {}", v.field, v.code, v.message);
        }
    }
    if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_INVALID_INPUT)
    }
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

fn report(error: &HyperCheckoutError) -> ExitCode {
    use HyperCheckoutError as E;
    match error {
        E::Validation { violations } => {
            eprintln!(
                "error: the request is invalid ({} violation(s)); nothing was sent",
                violations.len()
            );
            for v in violations {
                eprintln!("  {:<32} {:<28} {}", v.field, v.code, v.message);
            }
            ExitCode::from(EXIT_INVALID_INPUT)
        }
        E::Configuration { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_INVALID_INPUT)
        }
        E::Timeout { .. } | E::Connection { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_NETWORK)
        }
        E::Authentication { .. }
        | E::InvalidRequest { .. }
        | E::NotFound { .. }
        | E::RateLimited { .. }
        | E::Server { .. }
        | E::UnexpectedResponse { .. } => {
            eprintln!("error: {error}");
            ExitCode::from(EXIT_API_ERROR)
        }
        E::Internal { .. } => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
