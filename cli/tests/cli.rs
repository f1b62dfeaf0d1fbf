//! The `hypercheckout` binary against a real emulator on loopback: output and every exit
//! code of the table in `cli/src/exit.rs` (0 ok, 2 usage, 3 API refused, 4 network,
//! 5 invalid request, 6 not authentic).

mod common;

use common::{http, hypercheckout, hypercheckout_with_stdin, pay, text};
use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_MERCHANT_ID, DEFAULT_RESPONSE_KEY};

#[test]
fn without_credentials_it_uses_the_embedded_emulator_and_says_it_stops() {
    let out = hypercheckout(&[
        "session",
        "create",
        "--amount",
        "1.00",
        "--customer-id",
        "c1",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.starts_with("Payment link:  http://127.0.0.1:"),
        "{stdout}"
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("local Juspay emulator"), "{stderr}");
    // Not a terminal, no --serve: the command ends and says the link dies with it.
    assert!(stderr.contains("no longer answers"), "{stderr}");
}

#[test]
fn json_output_keeps_the_sdk_payload() {
    let out = hypercheckout(&["session", "create", "--amount", "2.50", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["status"], "NEW");
    assert_eq!(
        body["sdk_payload"]["payload"]["options.getUpiDeepLinks"],
        "true"
    );
    assert_eq!(body["sdk_payload"]["payload"]["amount"], "2.50");
}

#[test]
fn invalid_input_exits_5_and_lists_every_violation() {
    let out = hypercheckout(&[
        "session",
        "create",
        "--amount",
        "1e3",
        "--order-id",
        "bad#id",
        "--udf1",
        "a$b",
        "--metadata",
        "no-equals-sign",
        "--mandate-frequency",
        "HOURLY",
        "--routing-id",
        "tab\there",
    ]);
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    for field in [
        "order_id",
        "amount",
        "udf1",
        "--metadata",
        "mandate.frequency",
        "routing_id",
    ] {
        assert!(stderr.contains(field), "{field} missing from {stderr}");
    }
    assert!(stderr.contains("nothing was sent"), "{stderr}");
}

#[test]
fn session_flags_reach_the_wire() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    let out = hypercheckout(&[
        "session",
        "create",
        "--base-url",
        &url,
        "--order-id",
        "flags-1",
        "--amount",
        "3.00",
        "--customer-id",
        "cust-9",
        "--client-id",
        "shop",
        "--action",
        "paymentPage",
        "--udf1",
        "first",
        "--udf10",
        "any: thing",
        "--metadata",
        "JUSPAY:gateway_reference_id=Merchant_test",
        "--routing-id",
        "route-77",
        "--retries",
        "0",
        "--timeout-ms",
        "5000",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(session["routing_id"], "route-77");
    // --base-url without credentials: honoured, with the emulator's defaults, and said.
    assert!(
        text(&out.stderr).contains("default credentials"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(emulator.request_count("route-77"), 1);

    let out = hypercheckout(&[
        "order",
        "status",
        "flags-1",
        "--routing-id",
        "route-77",
        "--base-url",
        &url,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let order: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(order["udf1"], "first");
    assert_eq!(order["udf10"], "any: thing");
    assert_eq!(order["customer_id"], "cust-9");
    assert_eq!(order["status"], "NEW");
    assert_eq!(emulator.request_count("route-77"), 2);
}

#[test]
fn pay_then_verify_the_redirect_and_ask_the_order_status() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    let out = hypercheckout(&[
        "session",
        "create",
        "--base-url",
        &url,
        "--order-id",
        "paid-1",
        "--amount",
        "4.20",
        "--customer-id",
        "cust-1",
        "--return-url",
        "https://shop.merchant.com/return",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let redirect = pay(&url, session["id"].as_str().unwrap(), "success");
    assert!(
        redirect.starts_with("https://shop.merchant.com/return?"),
        "{redirect}"
    );

    // The whole URL, the query alone, and standard input: valid, exit 0.
    let query = redirect.split_once('?').unwrap().1;
    for input in [redirect.as_str(), query] {
        let out = hypercheckout(&[
            "signature",
            "verify",
            input,
            "--response-key",
            DEFAULT_RESPONSE_KEY,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
        let stdout = text(&out.stdout);
        assert!(stdout.starts_with("valid"), "{stdout}");
        assert!(stdout.contains("status = CHARGED"), "{stdout}");
    }
    let out = hypercheckout_with_stdin(
        &["signature", "verify"],
        &[("JUSPAY_RESPONSE_KEY", DEFAULT_RESPONSE_KEY)],
        &redirect,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // Tampered, signed with another key, unsigned: exit 6.
    let tampered = redirect.replace("paid-1", "paid-2");
    let unsigned = redirect.split("&signature=").next().unwrap().to_owned();
    for (input, key, verdict) in [
        (tampered.as_str(), DEFAULT_RESPONSE_KEY, "invalid"),
        (redirect.as_str(), "another-key", "invalid"),
        (unsigned.as_str(), DEFAULT_RESPONSE_KEY, "missing signature"),
    ] {
        let out = hypercheckout(&["signature", "verify", input, "--response-key", key]);
        assert_eq!(out.status.code(), Some(6), "{input}: {}", text(&out.stdout));
        assert!(
            text(&out.stdout).starts_with(verdict),
            "{}",
            text(&out.stdout)
        );
    }
    // No key at all: a usage error, and the emulator's key is named.
    let out = hypercheckout(&["signature", "verify", &redirect]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(DEFAULT_RESPONSE_KEY));

    let out = hypercheckout(&[
        "order",
        "status",
        "paid-1",
        "--routing-id",
        "cust-1",
        "--base-url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("CHARGED (status_id 21): paid"), "{stdout}");
    assert!(stdout.contains("Amount:        4.2"), "{stdout}");

    // An unknown order: Juspay's NOT_FOUND is a refusal, exit 3.
    let out = hypercheckout(&["order", "status", "no-such-order", "--base-url", &url]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no --routing-id"));
}

#[test]
fn webhook_verify_checks_the_credentials_then_prints_the_event() {
    // A real webhook: the emulator posts it to this listener when the order is paid.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    let emulator = Emulator::spawn(EmulatorConfig {
        webhook_url: Some(hook_url),
        webhook_username: Some("hookuser".into()),
        webhook_password: Some("hookpass".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let url = emulator.url();
    let out = hypercheckout(&[
        "session",
        "create",
        "--base-url",
        &url,
        "--order-id",
        "hooked-1",
        "--amount",
        "9.99",
        "--return-url",
        "https://shop.merchant.com/return",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    pay(&url, session["id"].as_str().unwrap(), "success");
    let (authorization, body) = common::receive_webhook(&listener);

    let dir = common::temp_dir("webhook");
    let body_file = dir.join("body.json");
    std::fs::write(&body_file, &body).unwrap();
    let body_path = body_file.to_str().unwrap();

    let out = hypercheckout(&[
        "webhook",
        "verify",
        "--authorization",
        &authorization,
        "--username",
        "hookuser",
        "--password",
        "hookpass",
        body_path,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("authentic"), "{stdout}");
    assert!(stdout.contains("ORDER_SUCCEEDED"), "{stdout}");
    assert!(stdout.contains("hooked-1"), "{stdout}");

    // Credentials from the environment, body on stdin, a whole header line, JSON out.
    let out = hypercheckout_with_stdin(
        &[
            "webhook",
            "verify",
            "--json",
            "--authorization",
            &format!("Authorization: {authorization}"),
        ],
        &[
            ("JUSPAY_WEBHOOK_USERNAME", "hookuser"),
            ("JUSPAY_WEBHOOK_PASSWORD", "hookpass"),
        ],
        &body,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let event: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(event["event_name"], "ORDER_SUCCEEDED");
    assert_eq!(event["order"]["order_id"], "hooked-1");
    assert_eq!(event["order"]["paid"], true);

    // Wrong password or no header: not authentic, exit 6, and the event is not shown.
    for header in [authorization.as_str(), ""] {
        let out = hypercheckout(&[
            "webhook",
            "verify",
            "--authorization",
            header,
            "--username",
            "hookuser",
            "--password",
            if header.is_empty() {
                "hookpass"
            } else {
                "wrong"
            },
            body_path,
        ]);
        assert_eq!(out.status.code(), Some(6), "{}", text(&out.stdout));
        assert!(!text(&out.stdout).contains("hooked-1"));
    }
    // Authentic, but not a webhook body: exit 5.
    let out = hypercheckout_with_stdin(
        &[
            "webhook",
            "verify",
            "--authorization",
            &authorization,
            "--username",
            "hookuser",
            "--password",
            "hookpass",
        ],
        &[],
        "[1, 2]",
    );
    assert_eq!(out.status.code(), Some(5), "{}", text(&out.stderr));
    // No expected credentials: usage, exit 2.
    let out = hypercheckout(&[
        "webhook",
        "verify",
        "--authorization",
        &authorization,
        body_path,
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn serve_keeps_the_payment_link_alive() {
    use std::io::BufRead as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hypercheckout"))
        .args(["session", "create", "--amount", "1.00", "--serve"])
        .env_remove("JUSPAY_MERCHANT_ID")
        .env_remove("JUSPAY_API_KEY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let link = line
        .trim()
        .strip_prefix("Payment link:  ")
        .unwrap()
        .to_owned();
    // After printing, the link still answers (the old CLI had already stopped serving).
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (status, page) = http("GET", &link, "");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("id=\"pay\""), "{page}");
    assert!(child.try_wait().unwrap().is_none(), "it exited");
    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(stderr.contains("keeps serving"), "{stderr}");
    assert!(stderr.contains("Ctrl-C"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    for (args, says) in [
        (
            vec!["session", "create", "--no-such-flag"],
            "unexpected argument",
        ),
        (
            vec!["session", "create", "--amount", "1", "--env", "production"],
            "needs credentials",
        ),
        (
            vec![
                "session",
                "create",
                "--amount",
                "1",
                "--base-url",
                "https://sandbox.juspay.in",
            ],
            "only a local emulator",
        ),
        (vec!["session", "create", "--merchant-id", "m"], "give both"),
        (
            vec![
                "session",
                "create",
                "--amount",
                "1",
                "--serve",
                "--base-url",
                &url,
            ],
            "only apply to the embedded emulator",
        ),
        (vec!["order", "status", "o1"], "no orders to look up"),
        (vec!["validate", "/no/such/file.json"], "cannot read"),
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
    // Nothing reached the emulator.
    assert_eq!(emulator.total_requests(), 0);
    // The table is in every --help.
    for args in [
        vec!["--help"],
        vec!["order", "status", "--help"],
        vec!["refund", "create", "--help"],
        vec!["mandate", "execute", "--help"],
    ] {
        let out = hypercheckout(&args);
        assert_eq!(out.status.code(), Some(0));
        assert!(
            text(&out.stdout).contains("6  not authentic"),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn validate_checks_a_file_offline() {
    let dir = common::temp_dir("validate");
    let good = dir.join("good.json");
    std::fs::write(
        &good,
        r#"{"order_id":"testing-order-one","amount":"1.0","customer_id":"c","payment_page_client_id":"x","action":"paymentPage","metadata.JUSPAY:gateway_reference_id":"Merchant_test"}"#,
    )
    .unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"order_id":"x","amount":"-1","return_url":"http://10.0.0.1/?a=1"}"#,
    )
    .unwrap();
    let out = hypercheckout(&["validate", good.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = hypercheckout(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5));
    let stderr = text(&out.stderr);
    for field in ["amount", "return_url", "payment_page_client_id"] {
        assert!(stderr.contains(field), "{field} missing from {stderr}");
    }

    // A reading problem (an unknown frequency, an array where text belongs) no longer hides
    // the rule violations, and --json lists them all on stdout.
    let mixed = dir.join("mixed.json");
    std::fs::write(
        &mixed,
        r#"{"order_id":"o#1","amount":"-1","payment_page_client_id":"x","action":"pay","mandate.frequency":"HOURLY","udf1":[1]}"#,
    )
    .unwrap();
    let out = hypercheckout(&["validate", "--json", mixed.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["valid"], false);
    let mut found: Vec<String> = report["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}:{}",
                v["field"].as_str().unwrap(),
                v["code"].as_str().unwrap()
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "amount:invalid_amount",
            "mandate.frequency:invalid_value",
            "order_id:invalid_characters",
            "udf1:invalid_type"
        ]
    );
    // A JSON number amount is read as its text, as Juspay's samples send it and the
    // emulator's default mode accepts it.
    let number = dir.join("number.json");
    std::fs::write(
        &number,
        r#"{"order_id":"o1","amount":100,"customer_id":"c","payment_page_client_id":"x"}"#,
    )
    .unwrap();
    let out = hypercheckout(&["validate", "--json", number.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // The same file as a session request, with a flag over it.
    let out = hypercheckout(&[
        "session",
        "create",
        "--request",
        number.to_str().unwrap(),
        "--amount",
        "7.00",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let session: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(session["order_id"], "o1");
    assert_eq!(session["sdk_payload"]["payload"]["amount"], "7.00");
}

#[test]
fn a_refused_key_exits_3() {
    let emulator = Emulator::spawn(EmulatorConfig::default()).unwrap();
    let url = emulator.url();
    let out = hypercheckout(&[
        "session",
        "create",
        "--amount",
        "1.00",
        "--client-id",
        "x",
        "--merchant-id",
        DEFAULT_MERCHANT_ID,
        "--api-key",
        "wrong-key-1234",
        "--base-url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("access_denied"), "{stderr}");
    assert!(
        !stderr.contains("wrong-key-1234"),
        "the key leaked: {stderr}"
    );
}

#[test]
fn an_unreachable_server_exits_4() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = hypercheckout(&[
        "session",
        "create",
        "--amount",
        "1.00",
        "--client-id",
        "x",
        "--merchant-id",
        "m",
        "--api-key",
        "k",
        "--base-url",
        &url,
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
}

#[test]
fn a_server_that_never_answers_exits_4_within_the_timeout() {
    let emulator = Emulator::spawn(EmulatorConfig {
        default_fault: Some("hang".into()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let started = std::time::Instant::now();
    let out = hypercheckout(&[
        "order",
        "status",
        "o1",
        "--base-url",
        &emulator.url(),
        "--timeout-ms",
        "300",
        "--overall-timeout-ms",
        "800",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert!(text(&out.stderr).contains("time"), "{}", text(&out.stderr));
}

#[test]
fn every_flag_has_help_text() {
    for command in [
        vec!["session", "create"],
        vec!["order", "status"],
        vec!["refund", "create"],
        vec!["mandate", "status"],
        vec!["mandate", "revoke"],
        vec!["mandate", "execute"],
        vec!["signature", "verify"],
        vec!["webhook", "verify"],
        vec!["validate"],
    ] {
        let mut args = command.clone();
        args.push("--help");
        let out = hypercheckout(&args);
        assert_eq!(out.status.code(), Some(0));
        let help = text(&out.stdout);
        let lines: Vec<&str> = help.lines().collect();
        let mut flags = 0;
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            if !(trimmed.starts_with("--") || trimmed.starts_with("-h,")) || !line.starts_with("  ")
            {
                continue;
            }
            flags += 1;
            // Clap puts the help after the flag, or (long help) on the next, deeper line.
            let inline = trimmed
                .split_once("  ")
                .is_some_and(|(_, rest)| !rest.trim().is_empty());
            let next = lines.get(i + 1).copied().unwrap_or("");
            let below = next.starts_with("          ")
                && !next.trim().is_empty()
                && !next.trim_start().starts_with('-');
            assert!(inline || below, "{command:?}: no help for {trimmed:?}");
        }
        assert!(flags >= 2, "{command:?}: {help}");
    }
}

#[test]
fn at_a_terminal_it_keeps_serving_without_a_flag() {
    use std::io::BufRead as _;
    // A real terminal: util-linux `script` runs the command on a pseudo-terminal.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED: `script` (util-linux) is not installed; the terminal case is untested");
        return;
    }
    let command = format!(
        "{} session create --amount 1.00",
        env!("CARGO_BIN_EXE_hypercheckout")
    );
    let mut child = std::process::Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env_remove("JUSPAY_MERCHANT_ID")
        .env_remove("JUSPAY_API_KEY")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut link = None;
    let mut serving = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if let Some(found) = line.trim().strip_prefix("Payment link:  ") {
            link = Some(found.to_owned());
        }
        if line.contains("keeps serving") {
            serving = true;
            break;
        }
        assert!(
            !line.contains("no longer answers"),
            "it stopped at a terminal"
        );
    }
    assert!(serving, "no 'keeps serving' line");
    let (status, page) = http("GET", &link.expect("a payment link"), "");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(status, 200, "{page}");
}

#[test]
fn ca_file_trusts_a_tls_server_and_without_it_the_certificate_exits_4() {
    let emulator = Emulator::spawn(EmulatorConfig {
        tls: Some(hypercheckout_emulator::EmulatorTls::default()),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let dir = common::temp_dir("ca-file");
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, emulator.ca_pem().unwrap()).unwrap();
    let url = emulator.url();
    let args = |extra: &[&str]| {
        let mut args = vec![
            "session",
            "create",
            "--amount",
            "1.00",
            "--client-id",
            "x",
            "--base-url",
            &url,
        ];
        args.extend_from_slice(extra);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        hypercheckout_with_stdin(&args, &[("HTTPS_PROXY", ""), ("https_proxy", "")], "")
    };
    let trusted = run(args(&["--ca-file", ca.to_str().unwrap()]));
    assert_eq!(trusted.status.code(), Some(0), "{}", text(&trusted.stderr));
    let refused = run(args(&[]));
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("unknown issuer"),
        "{}",
        text(&refused.stderr)
    );
    // A proxy that is not there: exit 4, and the password is not printed.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let proxy = format!("http://u:cli-proxy-Pw-1234@127.0.0.1:{port}");
    let dead = run(args(&[
        "--ca-file",
        ca.to_str().unwrap(),
        "--proxy",
        &proxy,
        "--retries",
        "0",
    ]));
    assert_eq!(dead.status.code(), Some(4), "{}", text(&dead.stderr));
    assert!(
        !text(&dead.stderr).contains("cli-proxy-Pw"),
        "{}",
        text(&dead.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}
