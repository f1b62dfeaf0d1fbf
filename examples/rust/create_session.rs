//! Create a payment session and print what a merchant backend hands on.
//!
//! With `JUSPAY_MERCHANT_ID` and `JUSPAY_API_KEY` set, talks to Juspay's sandbox (or
//! `JUSPAY_BASE_URL`); without them, starts the local emulator and talks to that.
//!
//!     cargo run -p hypercheckout --example create_session
#![allow(clippy::result_large_err)]

use hypercheckout::{Client, ClientConfig, Environment, HyperCheckoutError, SessionRequest};
use hypercheckout_emulator::{Emulator, EmulatorConfig};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (config, _emulator) = match (
        std::env::var("JUSPAY_MERCHANT_ID"),
        std::env::var("JUSPAY_API_KEY"),
    ) {
        (Ok(merchant_id), Ok(api_key)) => {
            let mut config = ClientConfig::new(merchant_id, api_key, Environment::Sandbox);
            config.base_url = std::env::var("JUSPAY_BASE_URL").ok();
            (config, None)
        }
        _ => {
            let emulator = Emulator::spawn(EmulatorConfig::default())?;
            eprintln!(
                "no credentials: using the local emulator at {}",
                emulator.url()
            );
            let mut config = ClientConfig::new(
                hypercheckout_emulator::DEFAULT_MERCHANT_ID,
                hypercheckout_emulator::DEFAULT_API_KEY,
                Environment::Sandbox,
            );
            config.base_url = Some(emulator.url());
            (config, Some(emulator))
        }
    };
    let client = Client::new(config)?;

    let order_id = format!("ex-{}", std::process::id());
    let request = SessionRequest {
        customer_email: Some("test@mail.com".into()),
        customer_phone: Some("9876543210".into()),
        return_url: Some("https://shop.merchant.com/return".into()),
        first_name: Some("John".into()),
        description: Some("Complete your payment".into()),
        ..SessionRequest::new(order_id, "1.00", "customer-1", "your_client_id")
    };

    match client.create_session(request).await {
        Ok(session) => {
            println!("payment link: {}", session.payment_link);
            println!("order {} is {}", session.order_id, session.status);
            // Hand this to the app's HyperCheckout SDK untouched.
            println!("sdk_payload: {}", session.sdk_payload_json);
            Ok(())
        }
        Err(HyperCheckoutError::Validation { violations }) => {
            for v in &violations {
                eprintln!("{v}");
            }
            Err("invalid request".into())
        }
        Err(other) => Err(other.into()),
    }
}
