//! `hypercheckout webhook verify`: a webhook's credentials, then its typed event.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use hypercheckout::{parse_webhook, verify_webhook_auth, WebhookEvent};

use crate::exit;

/// `webhook verify --authorization HEADER [BODY]`.
#[derive(Args)]
pub struct VerifyArgs {
    /// The request's Authorization header value (`Basic ...`); a whole
    /// `Authorization: Basic ...` line is accepted too. "" when the request had none.
    #[arg(long, value_name = "HEADER")]
    authorization: String,
    /// The webhook body as received (`-` or nothing: standard input).
    body: Option<PathBuf>,
    /// The webhook username configured in the Juspay dashboard.
    #[arg(long, env = "JUSPAY_WEBHOOK_USERNAME", value_name = "USER")]
    username: Option<String>,
    /// The webhook password configured in the Juspay dashboard. Prefer the environment
    /// variable.
    #[arg(
        long,
        env = "JUSPAY_WEBHOOK_PASSWORD",
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    password: Option<String>,
    /// Print the event as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `webhook verify`: 0 authentic and readable, 6 not authentic (the event is not
/// shown), 5 authentic but not a webhook body.
pub fn verify(args: VerifyArgs) -> ExitCode {
    let (username, password) = match (&args.username, &args.password) {
        (Some(username), Some(password)) if !(username.is_empty() && password.is_empty()) => {
            (username, password)
        }
        _ => {
            eprintln!(
                "error: give the webhook username and password configured in the Juspay \
                 dashboard (--username/JUSPAY_WEBHOOK_USERNAME and \
                 --password/JUSPAY_WEBHOOK_PASSWORD)"
            );
            return exit::code(exit::USAGE);
        }
    };
    let body = match args.body.as_ref().filter(|p| p.as_os_str() != "-") {
        Some(path) => match crate::read_text(path) {
            Ok(text) => text,
            Err(code) => return code,
        },
        None => match std::io::read_to_string(std::io::stdin()) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: cannot read standard input: {e}");
                return exit::code(exit::USAGE);
            }
        },
    };
    let header = args.authorization.trim();
    let header = match header.split_once(':') {
        Some((name, value)) if name.trim().eq_ignore_ascii_case("authorization") => value,
        _ => header,
    };
    if !verify_webhook_auth(header, username, password) {
        let _ = writeln!(
            std::io::stdout(),
            "not authentic: the Authorization header does not carry the expected credentials; \
             do not act on this body"
        );
        return exit::code(exit::NOT_AUTHENTIC);
    }
    match parse_webhook(&body) {
        Ok(event) => {
            let text = if args.json {
                event_json(&event)
            } else {
                event_summary(&event)
            };
            let _ = writeln!(std::io::stdout(), "{text}");
            exit::code(exit::OK)
        }
        Err(error) => {
            eprintln!("error: the credentials match, but the body is not a webhook event");
            exit::report(&error)
        }
    }
}

fn event_summary(event: &WebhookEvent) -> String {
    let mut lines = vec![
        "authentic: the Authorization header carries the expected credentials".to_owned(),
        format!("Event:         {}", event.event_name.wire_name()),
    ];
    if let Some(id) = &event.id {
        lines.push(format!(
            "Event id:      {id} (the same event delivered twice has the same id)"
        ));
    }
    if let Some(date) = &event.date_created {
        lines.push(format!("Created:       {date}"));
    }
    match &event.order {
        Some(order) => {
            lines.push(String::new());
            lines.push(crate::order::order_summary(order));
            lines.push(
                "Confirm with `hypercheckout order status` before fulfilling: a webhook says what \
                 Juspay saw when it sent it."
                    .into(),
            );
        }
        None if event.mandate.is_none() => {
            lines.push("Order:         (the event carries none)".into())
        }
        None => {}
    }
    if let Some(mandate) = &event.mandate {
        lines.push(String::new());
        lines.push(crate::mandate::mandate_summary(mandate));
    }
    lines.join("\n")
}

fn event_json(event: &WebhookEvent) -> String {
    let order = event.order.as_ref().map(|order| {
        serde_json::json!({
            "order_id": order.order_id,
            "id": order.id,
            "status": order.status.wire_name(),
            "status_id": order.status_id,
            "amount": order.amount,
            "currency": order.currency,
            "paid": order.status.is_paid(),
            "refunded": order.refunded,
            "amount_refunded": order.amount_refunded,
        })
    });
    let mandate = event.mandate.as_ref().map(|mandate| {
        serde_json::json!({
            "mandate_id": mandate.mandate_id,
            "status": mandate.status.wire_name(),
            "max_amount": mandate.max_amount,
            "frequency": mandate.frequency,
        })
    });
    let value = serde_json::json!({
        "authentic": true,
        "id": event.id,
        "event_name": event.event_name.wire_name(),
        "date_created": event.date_created,
        "order": order,
        "mandate": mandate,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
