//! `hypercheckout`: the merchant's side of Juspay HyperCheckout from a terminal: create a
//! session, check a request offline, verify the signed redirect and a webhook, ask for an
//! order's status, refund it, and read, revoke and debit mandates. Without credentials it talks to a local emulator (nothing is charged).
//!
//! One module per command; `exit.rs` holds the exit-code table every command shares
//! (docs/cli.md).

// HyperCheckoutError is deliberately flat (see core/src/lib.rs).
#![allow(clippy::result_large_err)]

mod connection;
mod demo;
mod exit;
mod mandate;
mod order;
mod refund;
mod session;
mod signature;
mod validate;
mod webhook;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hypercheckout_emulator::EmulatorArgs;

#[derive(Parser)]
#[command(
    name = "hypercheckout",
    version,
    about = "Juspay HyperCheckout from a terminal: sessions, order status, refunds, mandates, signed redirects, webhooks",
    long_about = "Juspay HyperCheckout from a terminal: sessions, order status, refunds, mandates, \
        signed redirects, webhooks.\n\nCredentials come from JUSPAY_MERCHANT_ID and JUSPAY_API_KEY (or \
        --merchant-id/--api-key). Without both, commands talk to a local Juspay emulator: \
        session create starts one inside this process; refund and mandate commands do with \
        --demo (an order created and paid first); every command takes --base-url of a running \
        one (hypercheckout emulator, or session create --serve). Nothing is charged.",
    after_help = exit::TABLE,
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
enum Command {
    /// Payment sessions.
    #[command(after_help = exit::TABLE)]
    Session {
        #[command(subcommand)]
        command: SessionCommand,
    },
    /// Orders.
    #[command(after_help = exit::TABLE)]
    Order {
        #[command(subcommand)]
        command: OrderCommand,
    },
    /// Refunds of a paid order.
    #[command(after_help = exit::TABLE)]
    Refund {
        #[command(subcommand)]
        command: RefundCommand,
    },
    /// Mandates (recurring payments): status, revoke, debit.
    #[command(after_help = exit::TABLE)]
    Mandate {
        #[command(subcommand)]
        command: mandate::MandateCommand,
    },
    /// The signed redirect to return_url.
    #[command(after_help = exit::TABLE)]
    Signature {
        #[command(subcommand)]
        command: SignatureCommand,
    },
    /// Webhooks Juspay sends to the merchant.
    #[command(after_help = exit::TABLE)]
    Webhook {
        #[command(subcommand)]
        command: WebhookCommand,
    },
    /// Check a Juspay-format JSON request offline and list every problem at once (reading
    /// and rules alike). Exit 0 when valid, 5 when not.
    #[command(after_help = exit::TABLE)]
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
    /// Create a session and print its payment link. Without credentials, runs against an
    /// embedded local emulator (kept serving with --serve, or at a terminal).
    #[command(after_help = exit::TABLE)]
    Create(session::CreateArgs),
}

#[derive(Subcommand)]
enum OrderCommand {
    /// Ask the Order Status API whether an order is paid (GET /orders/{order_id}).
    /// Without credentials, needs --base-url of a running emulator.
    #[command(after_help = exit::TABLE)]
    Status(order::StatusArgs),
}

#[derive(Subcommand)]
enum RefundCommand {
    /// Refund a charged order, fully or in part (Refund Order API). Safe to repeat with the
    /// same --unique-request-id. Without credentials: --demo, or --base-url of a running
    /// emulator.
    #[command(after_help = exit::TABLE)]
    Create(refund::CreateArgs),
}

#[derive(Subcommand)]
enum SignatureCommand {
    /// Verify the signature of the redirect to return_url with the Response Key. Exit 0
    /// when valid, 6 when invalid or missing.
    #[command(after_help = exit::TABLE)]
    Verify(signature::VerifyArgs),
}

#[derive(Subcommand)]
enum WebhookCommand {
    /// Check a webhook's Authorization header against the dashboard's webhook credentials,
    /// then print its typed event. Exit 0 when authentic, 6 when not.
    #[command(after_help = exit::TABLE)]
    Verify(webhook::VerifyArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Session {
            command: SessionCommand::Create(args),
        } => session::create(args),
        Command::Order {
            command: OrderCommand::Status(args),
        } => order::status(args),
        Command::Refund {
            command: RefundCommand::Create(args),
        } => refund::create(args),
        Command::Mandate { command } => mandate::run(command),
        Command::Signature {
            command: SignatureCommand::Verify(args),
        } => signature::verify(args),
        Command::Webhook {
            command: WebhookCommand::Verify(args),
        } => webhook::verify(args),
        Command::Validate { file, json } => validate::validate_file(&file, json),
        Command::Emulator(args) => hypercheckout_emulator::run_blocking(args),
    }
}

/// A file's text (`-` is standard input); an unreadable file is a usage error.
fn read_text(path: &PathBuf) -> Result<String, ExitCode> {
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    };
    text.map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        exit::code(exit::USAGE)
    })
}
