//! `hypercheckout-emulator`: a local fake Juspay HyperCheckout server.

use std::process::ExitCode;

use clap::Parser;
use hypercheckout_emulator::{run_blocking, EmulatorArgs};

/// A local fake of Juspay HyperCheckout's Session, Order Status, Refund and Mandate APIs, with
/// fault injection.
#[derive(Debug, Parser)]
#[command(name = "hypercheckout-emulator", version)]
struct Cli {
    #[command(flatten)]
    args: EmulatorArgs,
}

fn main() -> ExitCode {
    run_blocking(Cli::parse().args)
}
