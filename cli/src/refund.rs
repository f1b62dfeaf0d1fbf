//! `hypercheckout refund create`.

use std::io::Write as _;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use hypercheckout::{Client, OrderStatus, RefundRequest};

use crate::connection::{ConnectionArgs, WithoutCredentials};
use crate::exit;

/// Why `refund create` does not start an emulator of its own unless asked to.
const NO_ORDERS_EMBEDDED: &str = "a refund needs a paid order. Add --demo to create and pay \
    one on an emulator embedded in this command first, pass --base-url of a running emulator \
    (`hypercheckout emulator`, or `session create --serve`) where you paid one, or set \
    JUSPAY_MERCHANT_ID and JUSPAY_API_KEY to refund a real order.";

/// `refund create ORDER_ID`.
#[derive(Args)]
pub struct CreateArgs {
    /// The merchant's order id of the charged order (not with --demo).
    #[arg(required_unless_present = "demo", conflicts_with = "demo")]
    order_id: Option<String>,
    /// The amount to refund, a decimal string with at most two decimals [default: all that
    /// is left].
    #[arg(long, allow_negative_numbers = true)]
    amount: Option<String>,
    /// The refund's idempotency key: 1 to 20 letters, digits, - or _ [default: a fresh one,
    /// printed so that a retry can reuse it]. Repeating a call with the same key never
    /// refunds twice.
    #[arg(long, value_name = "ID")]
    unique_request_id: Option<String>,
    /// The x-routing-id the order's session used (the customer id, or the order id for a
    /// guest) [default: the order id] (not with --demo).
    #[arg(long, value_name = "ID", conflicts_with = "demo")]
    routing_id: Option<String>,
    /// Create and pay an order (10.00 INR) on an emulator embedded in this command, then
    /// refund it and wait for the refund to settle. Without credentials or --base-url.
    #[arg(long)]
    demo: bool,
    /// Print the order with its refunds exactly as received, as JSON (holds customer data).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `refund create`.
pub fn create(args: CreateArgs) -> ExitCode {
    let without = if args.demo {
        WithoutCredentials::Embed
    } else {
        WithoutCredentials::Refuse(NO_ORDERS_EMBEDDED)
    };
    let connection = match args.connection.resolve(without) {
        Ok(connection) => connection,
        Err(code) => return code,
    };
    if args.demo && connection.emulator.is_none() {
        eprintln!(
            "error: --demo runs on an emulator embedded in this command; leave out credentials \
             and --base-url with it"
        );
        return exit::code(exit::USAGE);
    }
    let client = match Client::new(connection.config) {
        Ok(client) => client,
        Err(error) => return exit::report(&error),
    };
    let (order_id, routing_id) = match (&connection.emulator, &args.order_id) {
        (Some(emulator), _) => {
            match crate::demo::create_paid_order(&client, &emulator.url(), false) {
                Ok(order) => (order.order_id, order.routing_id),
                Err(code) => return code,
            }
        }
        (None, Some(order_id)) => {
            let routing_id = args.routing_id.clone().unwrap_or_else(|| {
                eprintln!(
                    "note: no --routing-id; using the order id, as a guest checkout's session \
                     does (pass the customer id if the session had one)"
                );
                order_id.clone()
            });
            (order_id.clone(), routing_id)
        }
        (None, None) => {
            eprintln!("error: give the ORDER_ID to refund");
            return exit::code(exit::USAGE);
        }
    };
    let unique_request_id = match &args.unique_request_id {
        Some(id) => id.clone(),
        None => {
            let id = fresh_unique_request_id();
            // Before sending: after a timeout this is what makes a retry safe.
            eprintln!(
                "note: no --unique-request-id; using {id}. To retry this refund safely (say \
                 after a timeout), run the same command with --unique-request-id {id}"
            );
            id
        }
    };
    let request = RefundRequest {
        amount: args.amount.clone(),
        ..RefundRequest::new(&order_id, &unique_request_id, &routing_id)
    };
    let mut order = match client.create_refund_blocking(request) {
        Ok(order) => order,
        Err(error) => return exit::report(&error),
    };
    if connection.emulator.is_some() {
        // The emulator settles refunds after a short delay, as Juspay does after minutes.
        order = settle(&client, order, &unique_request_id, &routing_id);
    }
    let text = if args.json {
        order.raw_json.clone()
    } else {
        refund_summary(&order, &unique_request_id, &routing_id)
    };
    let _ = writeln!(std::io::stdout(), "{text}");
    exit::code(exit::OK)
}

/// Reads the order until the refund is no longer PENDING (at most five seconds).
fn settle(client: &Client, order: OrderStatus, id: &str, routing_id: &str) -> OrderStatus {
    let started = Instant::now();
    let mut order = order;
    let pending = |order: &OrderStatus| {
        order.refunds.iter().any(|r| {
            r.unique_request_id.as_deref() == Some(id) && r.status.as_deref() == Some("PENDING")
        })
    };
    if pending(&order) {
        eprintln!("demo: the refund is PENDING; waiting for the emulator to settle it");
    }
    while pending(&order) && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(100));
        match client.get_order_status_blocking(order.order_id.clone(), routing_id.to_owned()) {
            Ok(read) => order = read,
            Err(_) => break,
        }
    }
    order
}

/// `rf` and the time in milliseconds, then the process id: unique enough for one
/// merchant's refunds, within the 20 characters allowed.
fn fresh_unique_request_id() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let mut id = format!("rf{millis}{:04x}", std::process::id() & 0xffff);
    id.truncate(20);
    id
}

fn refund_summary(order: &OrderStatus, unique_request_id: &str, routing_id: &str) -> String {
    let refund = order
        .refunds
        .iter()
        .find(|r| r.unique_request_id.as_deref() == Some(unique_request_id));
    let mut lines = Vec::new();
    match refund {
        Some(refund) => lines.push(format!(
            "Refund:        {} of {} {}: {}",
            unique_request_id,
            refund.amount.as_deref().unwrap_or("?"),
            order.currency.as_deref().unwrap_or(""),
            refund.status.as_deref().unwrap_or("?")
        )),
        None => lines.push(format!("Refund:        {unique_request_id}")),
    }
    lines.push(crate::order::order_summary(order));
    if refund.is_some_and(|r| r.status.as_deref() == Some("PENDING")) {
        lines.push(format!(
            "(PENDING until Juspay settles it, up to minutes later: `hypercheckout order status \
             {} --routing-id {routing_id}` shows the outcome; --json for the whole order)",
            order.order_id
        ));
    } else {
        lines.push("(--json for the whole order as received)".into());
    }
    lines.join("\n")
}
