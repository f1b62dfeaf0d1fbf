//! `hypercheckout order status`.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Args;
use hypercheckout::{Client, OrderStatus};

use crate::connection::{ConnectionArgs, WithoutCredentials};
use crate::exit;

/// Why `order status` does not start an emulator of its own: it would have no orders.
pub const NO_ORDERS_EMBEDDED: &str = "an emulator started for this one command would have no \
    orders to look up. Start one that keeps serving (`hypercheckout session create --serve`, or \
    `hypercheckout emulator`) and pass the URL it prints as --base-url, or set JUSPAY_MERCHANT_ID \
    and JUSPAY_API_KEY to ask Juspay.";

/// `order status ORDER_ID`.
#[derive(Args)]
pub struct StatusArgs {
    /// The merchant's order id (as given to session create).
    order_id: String,
    /// The x-routing-id the session was created with (session create prints it: the
    /// customer id, or the order id for a guest) [default: the order id].
    #[arg(long, value_name = "ID")]
    routing_id: Option<String>,
    /// Print the order exactly as received, as JSON (it holds customer data).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    connection: ConnectionArgs,
}

/// Runs `order status`.
pub fn status(args: StatusArgs) -> ExitCode {
    let connection = match args
        .connection
        .resolve(WithoutCredentials::Refuse(NO_ORDERS_EMBEDDED))
    {
        Ok(connection) => connection,
        Err(code) => return code,
    };
    let routing_id = match args.routing_id {
        Some(routing_id) => routing_id,
        None => {
            eprintln!(
                "note: no --routing-id; using the order id, as a guest checkout's session does \
                 (pass the customer id if the session had one)"
            );
            args.order_id.clone()
        }
    };
    let result = Client::new(connection.config)
        .and_then(|client| client.get_order_status_blocking(args.order_id, routing_id));
    match result {
        Ok(order) => {
            let text = if args.json {
                order.raw_json.clone()
            } else {
                format!(
                    "{}\n(use --json for the whole order as received)",
                    order_summary(&order)
                )
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            exit::code(exit::OK)
        }
        Err(error) => exit::report(&error),
    }
}

/// The order's state and money, without customer data (e-mail, phone, VPA).
pub fn order_summary(order: &OrderStatus) -> String {
    let status = order.status.wire_name();
    let paid = if order.status.is_paid() {
        "paid"
    } else {
        "not paid"
    };
    let mut lines = vec![format!(
        "Order:         {}{}",
        order.order_id,
        order
            .id
            .as_deref()
            .map(|id| format!(" (Juspay id {id})"))
            .unwrap_or_default()
    )];
    lines.push(match order.status_id {
        Some(id) => format!("Status:        {status} (status_id {id}): {paid}"),
        None => format!("Status:        {status}: {paid}"),
    });
    if let Some(amount) = &order.amount {
        let currency = order.currency.as_deref().unwrap_or("");
        lines.push(format!("Amount:        {amount} {currency}"));
    }
    if order.refunded == Some(true) || !order.refunds.is_empty() {
        lines.push(format!(
            "Refunded:      {} (effective amount {})",
            order.amount_refunded.as_deref().unwrap_or("?"),
            order.effective_amount.as_deref().unwrap_or("?")
        ));
    }
    for refund in &order.refunds {
        lines.push(format!(
            "  refund       {} {} {}",
            refund.unique_request_id.as_deref().unwrap_or("-"),
            refund.amount.as_deref().unwrap_or("-"),
            refund.status.as_deref().unwrap_or("-"),
        ));
    }
    if let Some(txn_id) = &order.txn_id {
        let method = [&order.payment_method, &order.payment_method_type]
            .iter()
            .filter_map(|v| v.as_deref())
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(format!("Transaction:   {txn_id} {method}"));
    }
    if let Some(mandate) = &order.mandate {
        lines.push(format!(
            "Mandate:       {} {}",
            mandate.mandate_id.as_deref().unwrap_or("-"),
            mandate.mandate_status.as_deref().unwrap_or("-")
        ));
    }
    lines.join("\n")
}
