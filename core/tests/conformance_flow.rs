//! Runs the merchant-flow conformance vectors (`testdata/signatures.json`,
//! `order_status.json`, `webhooks.json`; schema in `docs/testdata.md`) through the public
//! API, as every binding's suite does. Like `conformance.rs`, each test reads a whole file,
//! collects every mismatch, and fails once listing them all; a file with fewer cases than
//! its minimum fails too.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use hypercheckout::{
    parse_order_status_response, parse_webhook, verify_return_url_signature,
    verify_return_url_signature_from_query, verify_webhook_auth, HyperCheckoutError, OrderState,
    OrderStatus, SignatureVerdict, WebhookEventName,
};
use serde_json::{Map, Value};

const MIN_SIGNATURE_CASES: usize = 35;
const MIN_ORDER_STATUS_CASES: usize = 35;
const MIN_WEBHOOK_CASES: usize = 20;

fn cases(file: &str, min: usize) -> Vec<Map<String, Value>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(doc["about"].is_string(), "{file}: missing \"about\"");
    let cases: Vec<Map<String, Value>> = doc["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: missing \"cases\""))
        .iter()
        .map(|c| c.as_object().expect("case is an object").clone())
        .collect();
    assert!(
        cases.len() >= min,
        "{file}: only {} cases, expected at least {min}",
        cases.len()
    );
    let mut names = HashSet::new();
    for case in &cases {
        let name = case["name"].as_str().expect("case has a name");
        assert!(names.insert(name.to_owned()), "{file}: duplicate {name}");
    }
    cases
}

fn text(value: &Value) -> String {
    value.as_str().expect("string").to_owned()
}

fn verdict_name(verdict: SignatureVerdict) -> &'static str {
    match verdict {
        SignatureVerdict::Valid => "Valid",
        SignatureVerdict::Invalid => "Invalid",
        SignatureVerdict::MissingSignature => "MissingSignature",
        SignatureVerdict::UnsupportedAlgorithm => "UnsupportedAlgorithm",
    }
}

fn finish(file: &str, problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{file}: {} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn signatures() {
    let mut problems = Vec::new();
    for case in cases("signatures.json", MIN_SIGNATURE_CASES) {
        let name = text(&case["name"]);
        let key = text(&case["response_key"]);
        let got = match (case.get("params"), case.get("query")) {
            (Some(Value::Object(params)), None) => {
                let params: HashMap<String, String> =
                    params.iter().map(|(k, v)| (k.clone(), text(v))).collect();
                verify_return_url_signature(&params, &key)
            }
            (None, Some(Value::String(query))) => {
                verify_return_url_signature_from_query(query, &key)
            }
            _ => {
                problems.push(format!("[{name}] needs exactly one of params/query"));
                continue;
            }
        };
        let expected = text(&case["verdict"]);
        if verdict_name(got) != expected {
            problems.push(format!(
                "[{name}] expected {expected}, got {}",
                verdict_name(got)
            ));
        }
    }
    finish("signatures.json", problems);
}

/// Compares the keys present in `expected` with an order; `null` means absent.
fn compare_order(
    name: &str,
    expected: &Map<String, Value>,
    order: &OrderStatus,
    problems: &mut Vec<String>,
) {
    let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
    let udfs = [
        &order.udf1,
        &order.udf2,
        &order.udf3,
        &order.udf4,
        &order.udf5,
        &order.udf6,
        &order.udf7,
        &order.udf8,
        &order.udf9,
        &order.udf10,
    ];
    for (key, want) in expected {
        let got = match key.as_str() {
            "order_id" => Value::String(order.order_id.clone()),
            "id" => opt(&order.id),
            "status" => Value::String(order.status.wire_name()),
            "known_status" => Value::Bool(!matches!(order.status, OrderState::Unknown { .. })),
            "status_id" => order.status_id.map(Value::from).unwrap_or(Value::Null),
            "amount" => opt(&order.amount),
            "currency" => opt(&order.currency),
            "customer_id" => opt(&order.customer_id),
            udf if udf.starts_with("udf") => {
                let index: usize = udf[3..].parse().expect("udfN");
                opt(udfs[index - 1])
            }
            other => {
                problems.push(format!("[{name}] unknown order key {other}"));
                continue;
            }
        };
        if &got != want {
            problems.push(format!("[{name}] {key}: expected {want}, got {got}"));
        }
    }
}

fn compare_error(
    name: &str,
    expected: &Map<String, Value>,
    error: &HyperCheckoutError,
    problems: &mut Vec<String>,
) {
    let fields = common::error_fields(error);
    if let HyperCheckoutError::Validation { violations } = error {
        let mut got: Vec<(String, String)> = violations
            .iter()
            .map(|v| (v.field.clone(), v.code.clone()))
            .collect();
        got.sort();
        let mut want: Vec<(String, String)> = expected
            .get("violations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .map(|v| (text(&v["field"]), text(&v["code"])))
                    .collect()
            })
            .unwrap_or_default();
        want.sort();
        if got != want {
            problems.push(format!(
                "[{name}] violations: expected {want:?}, got {got:?}"
            ));
        }
    }
    for (key, want) in expected {
        match key.as_str() {
            "kind" => {
                if common::error_kind(error) != want.as_str().unwrap_or_default() {
                    problems.push(format!(
                        "[{name}] expected error {want}, got {}: {error}",
                        common::error_kind(error)
                    ));
                }
            }
            "violations" => {}
            field => {
                let got = fields.get(field).cloned().unwrap_or(Value::Null);
                if &got != want {
                    problems.push(format!("[{name}] {field}: expected {want}, got {got}"));
                }
            }
        }
    }
}

#[test]
fn order_status_answers() {
    let mut problems = Vec::new();
    for case in cases("order_status.json", MIN_ORDER_STATUS_CASES) {
        let name = text(&case["name"]);
        let status = case["http_status"].as_u64().expect("http_status") as u16;
        let headers: HashMap<String, String> = case["headers"]
            .as_object()
            .map(|h| h.iter().map(|(k, v)| (k.clone(), text(v))).collect())
            .unwrap_or_default();
        let body = text(&case["body"]);
        match (
            parse_order_status_response(status, &headers, &body),
            case.get("order"),
            case.get("error"),
        ) {
            (Ok(order), Some(Value::Object(expected)), None) => {
                if order.raw_json != body {
                    problems.push(format!("[{name}] raw_json differs from the body"));
                }
                compare_order(&name, expected, &order, &mut problems);
            }
            (Err(error), None, Some(Value::Object(expected))) => {
                compare_error(&name, expected, &error, &mut problems)
            }
            (got, _, _) => problems.push(format!("[{name}] unexpected outcome {got:?}")),
        }
    }
    finish("order_status.json", problems);
}

#[test]
fn webhooks() {
    let mut problems = Vec::new();
    for case in cases("webhooks.json", MIN_WEBHOOK_CASES) {
        let name = text(&case["name"]);
        if let Some(header) = case.get("authorization") {
            let got = verify_webhook_auth(
                &text(header),
                &text(&case["username"]),
                &text(&case["password"]),
            );
            if Some(got) != case["accepted"].as_bool() {
                problems.push(format!("[{name}] expected accepted={}", case["accepted"]));
            }
            continue;
        }
        let body = text(&case["body"]);
        match (parse_webhook(&body), case.get("event"), case.get("error")) {
            (Ok(event), Some(Value::Object(expected)), None) => {
                if event.raw_json != body {
                    problems.push(format!("[{name}] raw_json differs from the body"));
                }
                for (key, want) in expected {
                    let got = match key.as_str() {
                        "id" => serde_json::json!(event.id),
                        "event_name" => Value::String(event.event_name.wire_name()),
                        "known_event" => Value::Bool(!matches!(
                            event.event_name,
                            WebhookEventName::Unknown { .. }
                        )),
                        "date_created" => event
                            .date_created
                            .clone()
                            .map(Value::String)
                            .unwrap_or(Value::Null),
                        "order" => match (&event.order, want) {
                            (Some(order), Value::Object(expected)) => {
                                compare_order(&name, expected, order, &mut problems);
                                continue;
                            }
                            (None, _) => Value::Null,
                            (Some(_), _) => Value::String("<an order>".into()),
                        },
                        other => Value::String(format!("<unknown key {other}>")),
                    };
                    if &got != want {
                        problems.push(format!("[{name}] {key}: expected {want}, got {got}"));
                    }
                }
            }
            (Err(error), None, Some(Value::Object(expected))) => {
                compare_error(&name, expected, &error, &mut problems)
            }
            (got, _, _) => problems.push(format!("[{name}] unexpected outcome {got:?}")),
        }
    }
    finish("webhooks.json", problems);
}
