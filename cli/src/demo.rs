//! `--demo`: on an emulator embedded in the command, an order created and paid first (as a
//! customer on the payment page would), so that `refund create` and the `mandate` commands
//! have something to act on.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::process::ExitCode;
use std::time::Duration;

use hypercheckout::{Client, CreateMandate, Mandate, SessionRequest};

use crate::exit;

/// The amount of the demo order (and the demo mandate's limit).
pub const DEMO_AMOUNT: &str = "10.00";
/// The customer of the demo order; also its routing id.
pub const DEMO_CUSTOMER: &str = "demo-customer";

/// A paid order on the embedded emulator.
pub struct PaidOrder {
    /// The merchant's order id.
    pub order_id: String,
    /// The routing id its session used (the customer id).
    pub routing_id: String,
    /// The mandate the payment registered, for a mandate session.
    pub mandate_id: Option<String>,
}

/// Creates a session for a fresh order on the emulator at `base_url`, pays it on the
/// payment page, and reads it back. With `mandate`, the session sets up a mandate
/// (ASPRESENTED, VARIABLE, at most `DEMO_AMOUNT`), which the payment registers.
pub fn create_paid_order(
    client: &Client,
    base_url: &str,
    mandate: bool,
) -> Result<PaidOrder, ExitCode> {
    let order_id = crate::session::fresh_order_id();
    let mut request = SessionRequest {
        return_url: Some("https://shop.merchant.com/return".into()),
        ..SessionRequest::new(&order_id, DEMO_AMOUNT, DEMO_CUSTOMER, "emulator_client")
    };
    if mandate {
        request.create_mandate = Some(CreateMandate::Required);
        request.mandate = Some(Mandate {
            max_amount: Some(DEMO_AMOUNT.into()),
            ..Mandate::default()
        });
    }
    let session = client
        .create_session_blocking(request)
        .map_err(|e| exit::report(&e))?;
    pay(base_url, &session.id).map_err(|reason| {
        eprintln!("error: could not pay the demo order on the emulator: {reason}");
        exit::code(exit::INTERNAL)
    })?;
    let order = client
        .get_order_status_blocking(order_id.clone(), DEMO_CUSTOMER.into())
        .map_err(|e| exit::report(&e))?;
    let mandate_id = order.mandate.as_ref().and_then(|m| m.mandate_id.clone());
    eprintln!(
        "demo: created and paid order {order_id} ({DEMO_AMOUNT} {}) as customer {DEMO_CUSTOMER} \
         on the embedded emulator{}",
        order.currency.as_deref().unwrap_or("INR"),
        mandate_id
            .as_deref()
            .map(|id| format!(", registering mandate {id} (at most {DEMO_AMOUNT} a debit)"))
            .unwrap_or_default()
    );
    if mandate && mandate_id.is_none() {
        eprintln!("error: the emulator registered no mandate for the demo order");
        return Err(exit::code(exit::INTERNAL));
    }
    Ok(PaidOrder {
        order_id,
        routing_id: DEMO_CUSTOMER.into(),
        mandate_id,
    })
}

/// The payment page's Pay button: `POST /orders/{id}/pay` with `outcome=success`. The
/// emulator answers 302 to the signed return_url (or 200 without one).
fn pay(base_url: &str, juspay_id: &str) -> Result<(), String> {
    let authority = base_url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{base_url} is not an http URL"))?
        .trim_end_matches('/');
    let mut stream = TcpStream::connect(authority).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    let form = "outcome=success";
    write!(
        stream,
        "POST /orders/{juspay_id}/pay HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| e.to_string())?;
    let status = answer.split(' ').nth(1).unwrap_or("");
    if status == "302" || status == "200" {
        Ok(())
    } else {
        Err(format!(
            "HTTP {status}: {}",
            answer.lines().last().unwrap_or("")
        ))
    }
}
