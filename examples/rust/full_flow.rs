//! A tiny merchant backend doing the whole flow: create a session, serve the `return_url`,
//! verify the signed redirect, confirm the order with the Order Status API, and decide with
//! `check_payment`; then, with `--refund AMOUNT`, refund part of the order and wait for the
//! refund to settle. Standard-library HTTP server, one file.
//!
//! Without `JUSPAY_MERCHANT_ID`/`JUSPAY_API_KEY` it starts the local emulator, configured to
//! send the customer back to this server (`redirect_base`, an emulator-only testing aid:
//! a real return_url must be https on a domain name). Then:
//!
//!     cargo run -p hypercheckout --example full_flow              # open the printed link, click Pay
//!     cargo run -p hypercheckout --example full_flow -- --self-test   # pays by itself, exits 0 if paid
//!     cargo run -p hypercheckout --example full_flow -- --self-test --refund 10.00
//!
//! Options: `--port N` (return handler port, default: any free one), `--emulator-url URL`
//! (use a running emulator; start it with `--redirect-base http://127.0.0.1:N` and pass the
//! same `--port N`), `--amount A`, `--wait-seconds S` (default 120), `--self-test`,
//! `--refund AMOUNT` (after a paid order: refund that much, then wait until it settles).
//! With credentials (`JUSPAY_RESPONSE_KEY` too, and optionally `JUSPAY_BASE_URL`), pass
//! `--return-url https://...` pointing at this server through your proxy or tunnel.
//!
//! Prints `payment link: URL` and `return handler: URL`, then one line
//! `result: signature=Valid status=CHARGED check=paid` when the customer returns, and with
//! `--refund` a line `refund: <unique_request_id> status=SUCCESS amount_refunded=10`;
//! exits 0 only if the order is paid for the amount (and the refund settled).
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use hypercheckout::{
    check_payment, find_refund, verify_return_url_signature, Client, ClientConfig, Environment,
    HyperCheckoutError, PaymentVerdict, RefundRequest, SessionRequest,
};
use hypercheckout_emulator::{Emulator, EmulatorConfig};

struct Options {
    port: u16,
    emulator_url: Option<String>,
    return_url: String,
    amount: String,
    wait: Duration,
    self_test: bool,
    refund: Option<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        port: 0,
        emulator_url: None,
        return_url: "https://shop.merchant.com/return".into(),
        amount: "149.90".into(),
        wait: Duration::from_secs(120),
        self_test: false,
        refund: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => options.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--emulator-url" => options.emulator_url = Some(value()?),
            "--return-url" => options.return_url = value()?,
            "--amount" => options.amount = value()?,
            "--wait-seconds" => {
                options.wait = Duration::from_secs(
                    value()?
                        .parse()
                        .map_err(|e| format!("--wait-seconds: {e}"))?,
                )
            }
            "--self-test" => options.self_test = true,
            "--refund" => options.refund = Some(value()?),
            other => return Err(format!("unknown argument {other} (see the file's header)")),
        }
    }
    Ok(options)
}

fn main() {
    match run() {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}

fn run() -> Result<bool, Box<dyn std::error::Error>> {
    let options = options()?;
    // The return handler listens first, so the emulator can be told where it is.
    let listener = TcpListener::bind(("127.0.0.1", options.port))?;
    let handler_url = format!("http://{}", listener.local_addr()?);

    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (config, response_key, _emulator) = match (env("JUSPAY_MERCHANT_ID"), env("JUSPAY_API_KEY"))
    {
        (Some(merchant_id), Some(api_key)) => {
            let response_key =
                env("JUSPAY_RESPONSE_KEY").ok_or("JUSPAY_RESPONSE_KEY is not set")?;
            let mut config = ClientConfig::new(merchant_id, api_key, Environment::Sandbox);
            config.base_url = env("JUSPAY_BASE_URL");
            (config, response_key, None)
        }
        _ => {
            let (base_url, emulator) = match &options.emulator_url {
                Some(url) => (url.clone(), None),
                None => {
                    let emulator = Emulator::spawn(EmulatorConfig {
                        redirect_base: Some(handler_url.clone()),
                        ..EmulatorConfig::default()
                    })?;
                    (emulator.url(), Some(emulator))
                }
            };
            eprintln!("no credentials: using the emulator at {base_url}");
            let mut config = ClientConfig::new(
                hypercheckout_emulator::DEFAULT_MERCHANT_ID,
                hypercheckout_emulator::DEFAULT_API_KEY,
                Environment::Sandbox,
            );
            config.base_url = Some(base_url);
            let key = hypercheckout_emulator::DEFAULT_RESPONSE_KEY.to_owned();
            (config, key, emulator)
        }
    };
    let client = Client::new(config)?;

    // Step 0: the session. Keep order id, amount and routing id in your database.
    let customer_id = "customer-1";
    let order_id = format!("ff-{}", std::process::id());
    let session = client.create_session_blocking(SessionRequest {
        return_url: Some(options.return_url.clone()),
        currency: Some("INR".into()),
        description: Some("Full flow example".into()),
        ..SessionRequest::new(&order_id, &options.amount, customer_id, "your_client_id")
    })?;
    println!("payment link: {}", session.payment_link);
    println!("return handler: {handler_url}");
    std::io::stdout().flush()?;

    if options.self_test {
        let link = session.payment_link.clone();
        std::thread::spawn(move || {
            if let Err(e) = pay_like_a_browser(&link) {
                eprintln!("self-test: could not pay: {e}");
            }
        });
    }

    // Serve until the customer comes back (or time runs out).
    listener.set_nonblocking(true)?;
    let deadline = Instant::now() + options.wait;
    loop {
        let (stream, _) = match listener.accept() {
            Ok(connection) => connection,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if Instant::now() > deadline {
                    eprintln!("nobody came back within {:?}", options.wait);
                    return Ok(false);
                }
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        stream.set_nonblocking(false)?;
        let merchant = Merchant {
            client: &client,
            response_key: &response_key,
            order_id: &order_id,
            amount: &options.amount,
            routing_id: customer_id,
        };
        if let Some(paid) = merchant.handle(stream)? {
            return match (&options.refund, paid) {
                (Some(amount), true) => refund(&client, &order_id, amount, customer_id),
                _ => Ok(paid),
            };
        }
    }
}

/// Step 4 (later, when the customer returns the goods): refund part of the order, then read
/// the order until the refund settles (Juspay answers PENDING first; a webhook
/// `ORDER_REFUNDED` would say the same). The `unique_request_id` is the idempotency key:
/// store it before sending, and send the same one again if the answer is lost.
fn refund(
    client: &Client,
    order_id: &str,
    amount: &str,
    routing_id: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let request = RefundRequest {
        amount: Some(amount.to_owned()),
        ..RefundRequest::new(order_id, format!("rf-{}", std::process::id()), routing_id)
    };
    let mut order = match client.create_refund_blocking(request.clone()) {
        Ok(order) => order,
        Err(HyperCheckoutError::Validation { violations }) => {
            return Err(format!("refund not sent: {violations:?}").into())
        }
        Err(e) => return Err(e.into()),
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = find_refund(&order, &request)
            .and_then(|refund| refund.status.clone())
            .unwrap_or_default();
        if status != "PENDING" || Instant::now() > deadline {
            let refunded = order.amount_refunded.as_deref().unwrap_or("0");
            println!(
                "refund: {} status={status} amount_refunded={refunded}",
                request.unique_request_id
            );
            return Ok(status == "SUCCESS");
        }
        std::thread::sleep(Duration::from_millis(100));
        order = client.get_order_status_blocking(order_id.to_owned(), routing_id.to_owned())?;
    }
}

/// What the merchant knows about the order, from its own database.
struct Merchant<'a> {
    client: &'a Client,
    response_key: &'a str,
    order_id: &'a str,
    amount: &'a str,
    routing_id: &'a str,
}

impl Merchant<'_> {
    /// Answers one request; `Some(paid)` once the return_url has been handled.
    fn handle(&self, mut stream: TcpStream) -> std::io::Result<Option<bool>> {
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        let mut request_line = String::new();
        let mut reader = BufReader::new(stream.try_clone()?);
        reader.read_line(&mut request_line)?;
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
                break;
            }
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != "/return" {
            respond(&mut stream, "404 Not Found", "not here")?;
            return Ok(None);
        }
        let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();

        // Step 1: is the redirect really from Juspay?
        let signature = verify_return_url_signature(&params, self.response_key);
        // Step 2: what does the Order Status API say? (Ask for *our* order id, with the
        // routing id the session used.)
        let (status, verdict) = match self
            .client
            .get_order_status_blocking(self.order_id.to_owned(), self.routing_id.into())
        {
            Ok(order) => {
                // Step 3: all checks at once: signature, ids, CHARGED, amount, currency.
                let verdict = check_payment(
                    &params,
                    self.response_key,
                    &order,
                    self.order_id,
                    self.amount,
                    Some("INR".into()),
                );
                (order.status.wire_name(), verdict)
            }
            Err(e) => {
                eprintln!("order status failed: {e}");
                respond(
                    &mut stream,
                    "502 Bad Gateway",
                    "could not confirm the order",
                )?;
                println!("result: signature={signature:?} status=unknown check=error");
                return Ok(Some(false));
            }
        };
        let paid = verdict == PaymentVerdict::Paid;
        let check = if paid {
            "paid".to_owned()
        } else {
            verdict.to_string()
        };
        println!("result: signature={signature:?} status={status} check={check}");
        std::io::stdout().flush()?;
        let page = if paid {
            format!("Thank you! Order {} is paid.", self.order_id)
        } else {
            format!("Order {} is not confirmed: {check}", self.order_id)
        };
        respond(&mut stream, "200 OK", &page)?;
        Ok(Some(paid))
    }
}

fn respond(stream: &mut TcpStream, status: &str, text: &str) -> std::io::Result<()> {
    let body = format!(
        "<!DOCTYPE html><html><body><p id=\"result\">{}</p></body></html>",
        text.replace('&', "&amp;").replace('<', "&lt;")
    );
    write!(
        stream,
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// `--self-test`: what a customer's browser does on the emulator's page: submit the "pay"
/// form, then follow the redirect (to this server).
fn pay_like_a_browser(link: &str) -> Result<(), Box<dyn std::error::Error>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let page = http
            .get(link)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        if !page.contains("id=\"pay\"") {
            return Err("the payment page has no pay button".into());
        }
        let pay = url::Url::parse(link)?.join("pay")?;
        let answer = http
            .post(pay)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("outcome=success")
            .send()
            .await?;
        let location = answer
            .headers()
            .get("location")
            .ok_or("no redirect after paying")?
            .to_str()?
            .to_owned();
        http.get(location).send().await?;
        Ok(())
    })
}
