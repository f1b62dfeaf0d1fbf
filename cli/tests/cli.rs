//! The `hypercheckout` binary: output and exit codes (0 ok, 2 invalid input, 3 API error,
//! 4 network or timeout).

use std::process::{Command, Output};

use hypercheckout_emulator::{Emulator, EmulatorConfig, DEFAULT_MERCHANT_ID};

fn hypercheckout(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hypercheckout"))
        .args(args)
        .env_remove("JUSPAY_MERCHANT_ID")
        .env_remove("JUSPAY_API_KEY")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn without_credentials_it_uses_the_embedded_emulator() {
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
    assert!(text(&out.stderr).contains("local Juspay emulator"));
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
fn invalid_input_exits_2_and_lists_every_violation() {
    let out = hypercheckout(&[
        "session",
        "create",
        "--amount",
        "1e3",
        "--order-id",
        "bad#id",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("order_id") && stderr.contains("amount"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was sent"), "{stderr}");
}

#[test]
fn validate_checks_a_file_offline() {
    let dir = std::env::temp_dir().join(format!("hc-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
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
    assert_eq!(out.status.code(), Some(2));
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
    assert_eq!(out.status.code(), Some(2));
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
