//! `refund create` and `mandate status|revoke|execute`: the real binary against a real
//! emulator on loopback, every outcome's exit code (0 ok, 2 usage, 3 API refused,
//! 4 network, 5 invalid request).

mod common;

use common::{hypercheckout, pay, text};
use hypercheckout_emulator::{Emulator, EmulatorConfig};

/// A session created with the binary on `url`, then paid on the payment page.
fn paid_order(url: &str, order_id: &str, customer_id: &str, extra: &[&str]) {
    let mut args = vec![
        "session",
        "create",
        "--base-url",
        url,
        "--order-id",
        order_id,
        "--amount",
        "10.00",
        "--customer-id",
        customer_id,
        "--return-url",
        "https://shop.merchant.com/return",
        "--json",
    ];
    args.extend_from_slice(extra);
    let out = hypercheckout(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    pay(url, session["id"].as_str().unwrap(), "success");
}

fn order_json(url: &str, order_id: &str, routing_id: &str) -> serde_json::Value {
    let out = hypercheckout(&[
        "order",
        "status",
        order_id,
        "--routing-id",
        routing_id,
        "--base-url",
        url,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn refund_create_is_idempotent_and_every_refusal_has_its_code() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    paid_order(&url, "refund-me", "rc1", &[]);
    let refund = |extra: &[&str]| {
        let mut args = vec![
            "refund",
            "create",
            "refund-me",
            "--routing-id",
            "rc1",
            "--base-url",
            &url,
        ];
        args.extend_from_slice(extra);
        hypercheckout(&args)
    };

    let out = refund(&["--amount", "2.00", "--unique-request-id", "r-one"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("Refund:        r-one of 2"), "{stdout}");
    // The same key again (a retry after a lost answer): success, and no second refund.
    let out = refund(&["--amount", "2.00", "--unique-request-id", "r-one"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let order = order_json(&url, "refund-me", "rc1");
    assert_eq!(order["refunds"].as_array().unwrap().len(), 1, "{order}");
    assert_eq!(order["amount_refunded"], 2);

    // More than is left: Juspay's invalid.amount.exceeded, exit 3.
    let out = refund(&["--amount", "100.00", "--unique-request-id", "r-two"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("invalid.amount.exceeded"),
        "{}",
        text(&out.stderr)
    );

    // Broken rules: exit 5, every field named, nothing sent.
    let before = emulator.total_requests();
    let out = refund(&["--amount", "1e3", "--unique-request-id", "not ok!"]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("amount") && stderr.contains("unique_request_id"),
        "{stderr}"
    );
    assert_eq!(emulator.total_requests(), before);

    // No key given: one is generated and printed before sending, for a safe retry; the rest
    // of the order is refunded.
    let out = refund(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let generated = stderr
        .split("--unique-request-id ")
        .nth(1)
        .expect("the generated id is printed")
        .trim()
        .to_owned();
    assert!(
        text(&out.stdout).contains(&generated),
        "{generated}: {}",
        text(&out.stdout)
    );
    let order = order_json(&url, "refund-me", "rc1");
    assert_eq!(order["amount_refunded"], 10, "{order}");

    // An unknown order: exit 3.
    let out = hypercheckout(&[
        "refund",
        "create",
        "no-such-order",
        "--unique-request-id",
        "r-3",
        "--base-url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[test]
fn refund_create_usage_and_network() {
    for (args, says) in [
        (vec!["refund", "create"], "ORDER_ID"),
        (vec!["refund", "create", "o1"], "--demo"),
        (
            vec![
                "refund",
                "create",
                "--demo",
                "--base-url",
                "http://127.0.0.1:9",
            ],
            "embedded",
        ),
        (
            vec!["refund", "create", "o1", "--demo"],
            "cannot be used with",
        ),
    ] {
        let out = hypercheckout(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(says),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = hypercheckout(&[
        "refund",
        "create",
        "o1",
        "--unique-request-id",
        "r1",
        "--base-url",
        &format!("http://127.0.0.1:{port}"),
        "--retries",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
}

#[test]
fn refund_demo_creates_pays_refunds_and_settles() {
    let out = hypercheckout(&["refund", "create", "--demo", "--amount", "4.00"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("of 4"), "{stdout}");
    assert!(stdout.contains("SUCCESS"), "{stdout}");
    assert!(
        text(&out.stderr).contains("created and paid order"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn mandate_status_execute_revoke() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    paid_order(
        &url,
        "mandate-reg",
        "mc1",
        &[
            "--create-mandate",
            "required",
            "--mandate-max-amount",
            "50.00",
        ],
    );
    let order = order_json(&url, "mandate-reg", "mc1");
    let mandate_id = order["mandate"]["mandate_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no mandate in {order}"))
        .to_owned();
    let run = |args: &[&str]| {
        let mut all = vec!["mandate"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--base-url", &url]);
        hypercheckout(&all)
    };

    let out = run(&["status", &mandate_id, "--routing-id", "mc1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Status:        ACTIVE"), "{stdout}");
    assert!(stdout.contains("50"), "{stdout}");

    let out = run(&[
        "execute",
        &mandate_id,
        "--amount",
        "20.00",
        "--customer-id",
        "mc1",
        "--order-id",
        "debit-1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("debit-1"),
        "{}",
        text(&out.stdout)
    );

    // Over the mandate's limit: refused by the API, exit 3.
    let out = run(&[
        "execute",
        &mandate_id,
        "--amount",
        "60.00",
        "--customer-id",
        "mc1",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    // A broken rule: exit 5, nothing sent.
    let before = emulator.total_requests();
    let out = run(&[
        "execute",
        &mandate_id,
        "--amount",
        "-1",
        "--customer-id",
        "mc1",
    ]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    assert_eq!(emulator.total_requests(), before);

    let out = run(&["revoke", &mandate_id, "--routing-id", "mc1"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("REVOKED"),
        "{}",
        text(&out.stdout)
    );
    // A revoked mandate cannot be debited: exit 3.
    let out = run(&[
        "execute",
        &mandate_id,
        "--amount",
        "5.00",
        "--customer-id",
        "mc1",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let out = run(&["status", "no_such_mandate", "--routing-id", "mc1"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));

    // Usage: no routing id, no mandate, --demo with a base URL.
    for args in [
        vec!["mandate", "status", &mandate_id],
        vec!["mandate", "revoke", "--routing-id", "mc1"],
        vec!["mandate", "status", "--demo", "--base-url", &url],
        vec!["mandate", "execute", &mandate_id, "--customer-id", "mc1"],
    ] {
        let out = hypercheckout(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn mandate_demos() {
    for (args, says) in [
        (vec!["mandate", "status", "--demo"], "ACTIVE"),
        (vec!["mandate", "revoke", "--demo"], "REVOKED"),
        (
            vec!["mandate", "execute", "--demo", "--amount", "5.00"],
            "Debit order:",
        ),
    ] {
        let out = hypercheckout(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stdout).contains(says),
            "{args:?}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn webhook_verify_types_refund_and_mandate_events() {
    // Every webhook the emulator sends, in order, from a listener thread.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let (sender, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || loop {
        if sender.send(common::receive_webhook(&listener)).is_err() {
            break;
        }
    });
    let emulator = Emulator::spawn(EmulatorConfig {
        webhook_url: Some(hook_url),
        webhook_username: Some("hookuser".into()),
        webhook_password: Some("hookpass".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let url = emulator.url();
    paid_order(
        &url,
        "hook-mandate",
        "hc1",
        &[
            "--create-mandate",
            "required",
            "--mandate-max-amount",
            "50.00",
        ],
    );
    let out = hypercheckout(&[
        "refund",
        "create",
        "hook-mandate",
        "--routing-id",
        "hc1",
        "--unique-request-id",
        "hook-r1",
        "--amount",
        "3.00",
        "--base-url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let dir = common::temp_dir("events");
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while !(seen.iter().any(|e: &String| e == "ORDER_REFUNDED")
        && seen.iter().any(|e| e == "MANDATE_ACTIVATED"))
    {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let (authorization, body) = received
            .recv_timeout(left)
            .unwrap_or_else(|_| panic!("webhooks so far: {seen:?}"));
        let file = dir.join(format!("event-{}.json", seen.len()));
        std::fs::write(&file, &body).unwrap();
        let out = hypercheckout(&[
            "webhook",
            "verify",
            "--authorization",
            &authorization,
            "--username",
            "hookuser",
            "--password",
            "hookpass",
            "--json",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{body}: {}", text(&out.stderr));
        let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let name = event["event_name"].as_str().unwrap().to_owned();
        if name.starts_with("MANDATE_") {
            assert!(event["mandate"]["mandate_id"].is_string(), "{event}");
        }
        if name == "ORDER_REFUNDED" {
            assert_eq!(event["order"]["order_id"], "hook-mandate", "{event}");
            assert_eq!(event["order"]["amount_refunded"], "3", "{event}");
            // The human form lists the settled refund.
            let out = hypercheckout(&[
                "webhook",
                "verify",
                "--authorization",
                &authorization,
                "--username",
                "hookuser",
                "--password",
                "hookpass",
                file.to_str().unwrap(),
            ]);
            let stdout = text(&out.stdout);
            assert!(
                stdout.contains("refund       hook-r1 3 SUCCESS"),
                "{stdout}"
            );
        }
        if name == "MANDATE_ACTIVATED" {
            assert_eq!(event["mandate"]["status"], "ACTIVE", "{event}");
        }
        seen.push(name);
    }
    assert!(seen.iter().any(|e| e == "ORDER_SUCCEEDED"), "{seen:?}");
}
