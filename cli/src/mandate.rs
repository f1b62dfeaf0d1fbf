//! `hypercheckout mandate status|revoke|execute`.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use hypercheckout::{Client, MandateDetails, MandateExecution, MandateExecutionResult};

use crate::connection::{Connection, ConnectionArgs, WithoutCredentials};
use crate::exit;

/// Why the mandate commands do not start an emulator of their own unless asked to.
const NO_MANDATES_EMBEDDED: &str = "a mandate is registered when a customer pays a mandate \
    session. Add --demo to create and pay one on an emulator embedded in this command first, \
    pass --base-url of a running emulator (`hypercheckout emulator`, or `session create --serve \
    --create-mandate required --mandate-max-amount 100`) where one was paid, or set \
    JUSPAY_MERCHANT_ID and JUSPAY_API_KEY.";

/// `mandate ...`.
#[derive(Subcommand)]
pub enum MandateCommand {
    /// A mandate's state, limits and dates (Mandate Status Check API).
    #[command(after_help = exit::TABLE)]
    Status(LookupArgs),
    /// Revoke (cancel) an active mandate for good.
    #[command(after_help = exit::TABLE)]
    Revoke(LookupArgs),
    /// Debit an active mandate: a new order for the amount (Mandate Execution API).
    #[command(after_help = exit::TABLE)]
    Execute(ExecuteArgs),
}

/// `mandate status|revoke MANDATE_ID --routing-id ID`.
#[derive(Args)]
pub struct LookupArgs {
    /// Juspay's mandate id (order status shows it under Mandate) (not with --demo).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    mandate_id: Option<String>,
    /// The x-routing-id: the customer id the mandate was created for, as Juspay
    /// recommends (not with --demo).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "demo",
        conflicts_with = "demo"
    )]
    routing_id: Option<String>,
    /// Create and pay a mandate session on an emulator embedded in this command first, then
    /// act on the mandate it registered. Without credentials or --base-url.
    #[arg(long)]
    demo: bool,
    /// Print the mandate exactly as received, as JSON (holds its token).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// `mandate execute MANDATE_ID --amount A --customer-id C`.
#[derive(Args)]
pub struct ExecuteArgs {
    /// The mandate to debit (not with --demo).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    mandate_id: Option<String>,
    /// The amount to debit, at most the mandate's max amount (exactly it for a FIXED one).
    #[arg(long, allow_negative_numbers = true)]
    amount: String,
    /// The customer the mandate was created for (not with --demo).
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "demo",
        conflicts_with = "demo"
    )]
    customer_id: Option<String>,
    /// A new order id for this debit: 1 to 26 letters, digits, - or _ [default: a fresh
    /// one, printed so that a retry can reuse it]. Repeating it never debits twice.
    #[arg(long, value_name = "ID")]
    order_id: Option<String>,
    /// mandate.execution_date: when to debit, UNIX epoch seconds [default: Juspay picks].
    #[arg(long, value_name = "EPOCH")]
    execution_date: Option<String>,
    /// ISO 4217 currency code [default: Juspay's, INR].
    #[arg(long, value_name = "CODE")]
    currency: Option<String>,
    /// The x-routing-id [default: the customer id].
    #[arg(long, value_name = "ID")]
    routing_id: Option<String>,
    /// Create and pay a mandate session on an emulator embedded in this command first, then
    /// debit the mandate it registered. Without credentials or --base-url.
    #[arg(long)]
    demo: bool,
    /// Print the answer exactly as received, as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs a `mandate` command.
pub fn run(command: MandateCommand) -> ExitCode {
    match command {
        MandateCommand::Status(args) => lookup(args, false),
        MandateCommand::Revoke(args) => lookup(args, true),
        MandateCommand::Execute(args) => execute(args),
    }
}

/// The connection and client; with `--demo`, also the paid demo order's mandate.
fn connect(
    connection: &ConnectionArgs,
    demo: bool,
) -> Result<(Connection, Client, Option<crate::demo::PaidOrder>), ExitCode> {
    let without = if demo {
        WithoutCredentials::Embed
    } else {
        WithoutCredentials::Refuse(NO_MANDATES_EMBEDDED)
    };
    let connection = connection.resolve(without)?;
    if demo && connection.emulator.is_none() {
        eprintln!(
            "error: --demo runs on an emulator embedded in this command; leave out credentials \
             and --base-url with it"
        );
        return Err(exit::code(exit::USAGE));
    }
    let client = Client::new(connection.config.clone()).map_err(|e| exit::report(&e))?;
    let paid = match &connection.emulator {
        Some(emulator) => Some(crate::demo::create_paid_order(
            &client,
            &emulator.url(),
            true,
        )?),
        None => None,
    };
    Ok((connection, client, paid))
}

fn lookup(args: LookupArgs, revoke: bool) -> ExitCode {
    let (_connection, client, paid) = match connect(&args.connection, args.demo) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let (mandate_id, routing_id) = match paid {
        Some(paid) => (paid.mandate_id.unwrap_or_default(), paid.routing_id),
        None => (
            args.mandate_id.unwrap_or_default(),
            args.routing_id.unwrap_or_default(),
        ),
    };
    let result = if revoke {
        client.revoke_mandate_blocking(mandate_id, routing_id)
    } else {
        client.get_mandate_blocking(mandate_id, routing_id)
    };
    match result {
        Ok(mandate) => {
            let text = if args.json {
                mandate.raw_json.clone()
            } else {
                mandate_summary(&mandate)
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            exit::code(exit::OK)
        }
        Err(error) => exit::report(&error),
    }
}

fn execute(args: ExecuteArgs) -> ExitCode {
    let (_connection, client, paid) = match connect(&args.connection, args.demo) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let (mandate_id, customer_id) = match paid {
        Some(paid) => (paid.mandate_id.unwrap_or_default(), paid.routing_id),
        None => (
            args.mandate_id.unwrap_or_default(),
            args.customer_id.unwrap_or_default(),
        ),
    };
    let order_id = match args.order_id {
        Some(order_id) => order_id,
        None => {
            let order_id = crate::session::fresh_order_id();
            // Before sending: the order id is what makes a retry safe.
            eprintln!(
                "note: no --order-id; using {order_id}. To retry this debit safely (say after a \
                 timeout), run the same command with --order-id {order_id}"
            );
            order_id
        }
    };
    let execution = MandateExecution {
        order_id,
        amount: args.amount,
        customer_id,
        mandate_id,
        execution_date: args.execution_date,
        currency: args.currency,
        routing_id: args.routing_id,
    };
    let routing_id = execution.effective_routing_id().to_owned();
    match client.execute_mandate_blocking(execution) {
        Ok(result) => {
            let text = if args.json {
                result.raw_json.clone()
            } else {
                execution_summary(&result, &routing_id)
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            exit::code(exit::OK)
        }
        Err(error) => exit::report(&error),
    }
}

/// The mandate without its token or the payer's VPA.
pub fn mandate_summary(mandate: &MandateDetails) -> String {
    let mut lines = vec![
        format!("Mandate:       {}", mandate.mandate_id),
        format!("Status:        {}", mandate.status.wire_name()),
    ];
    let optional = [
        ("Order:         ", &mandate.order_id),
        ("Customer:      ", &mandate.customer_id),
        ("Type:          ", &mandate.mandate_type),
        ("Frequency:     ", &mandate.frequency),
        ("Max amount:    ", &mandate.max_amount),
        ("Amount rule:   ", &mandate.amount_rule),
        ("Currency:      ", &mandate.currency),
        ("Start date:    ", &mandate.start_date),
        ("End date:      ", &mandate.end_date),
        ("Activated at:  ", &mandate.activated_at),
    ];
    for (label, value) in optional {
        if let Some(value) = value {
            lines.push(format!("{label}{value}"));
        }
    }
    lines.join("\n")
}

fn execution_summary(result: &MandateExecutionResult, routing_id: &str) -> String {
    let mut lines = vec![
        format!("Debit order:   {}", result.order_id),
        format!("Status:        {}", result.status.wire_name()),
    ];
    if let Some(txn_id) = &result.txn_id {
        lines.push(format!("Transaction:   {txn_id}"));
    }
    if let Some(url) = &result.authentication_url {
        lines.push(format!("Authenticate:  {url}"));
    }
    lines.push(format!(
        "(the debit usually completes later: `hypercheckout order status {} --routing-id \
         {routing_id}` shows the outcome)",
        result.order_id
    ));
    lines.join("\n")
}
