//! Runs the refund and mandate vectors (`testdata/refunds.json`, `testdata/mandates.json`,
//! `testdata/webhooks_refunds_mandates.json`; schema in `docs/testdata.md`) through the
//! public API, as every binding's suite does. Each test collects every mismatch of its file
//! and fails once listing them all; each file must hold a minimum number of cases.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;

use hypercheckout::{
    execute_mandate_call, find_refund, mandate_status_call, parse_mandate_execution_response,
    parse_mandate_response, parse_order_status_response, parse_webhook, refund_call,
    revoke_mandate_call, validate_mandate_execution, validate_mandate_lookup, validate_refund,
    HyperCheckoutError, MandateExecution, MandateState, OrderState, RefundRequest, Violation,
    WebhookEventName, WireCall,
};
use serde_json::{json, Value};

fn load(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(doc["about"].is_string(), "{file}: no about");
    doc["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no cases"))
        .clone()
}

fn finish(file: &str, problems: Vec<String>, checked: usize, minimum: usize) {
    assert!(
        checked >= minimum,
        "{file}: only {checked} cases (at least {minimum} expected)"
    );
    assert!(
        problems.is_empty(),
        "{file}: {} mismatch(es):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn text(value: &Value) -> Option<String> {
    value.as_str().map(str::to_owned)
}

fn refund_request(value: &Value) -> RefundRequest {
    RefundRequest {
        order_id: text(&value["order_id"]).unwrap(),
        unique_request_id: text(&value["unique_request_id"]).unwrap(),
        amount: text(&value["amount"]),
        routing_id: text(&value["routing_id"]).unwrap(),
    }
}

fn execution(value: &Value) -> MandateExecution {
    MandateExecution {
        order_id: text(&value["order_id"]).unwrap(),
        amount: text(&value["amount"]).unwrap(),
        customer_id: text(&value["customer_id"]).unwrap(),
        mandate_id: text(&value["mandate_id"]).unwrap(),
        execution_date: text(&value["execution_date"]),
        currency: text(&value["currency"]),
        routing_id: text(&value["routing_id"]),
    }
}

fn call_json(call: &WireCall) -> Value {
    json!({
        "method": call.method,
        "path": call.path,
        "content_type": call.content_type,
        "version": call.version,
        "routing_id": call.routing_id,
        "body": call.body,
    })
}

fn pairs(violations: &[Violation]) -> Value {
    violations
        .iter()
        .map(|v| json!([v.field, v.code]))
        .collect()
}

fn headers(case: &Value) -> HashMap<String, String> {
    case["headers"]
        .as_object()
        .map(|h| {
            h.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

fn error_json(error: &HyperCheckoutError) -> Value {
    json!({
        "kind": common::error_kind(error),
        "status": error.api_status(),
        "error_code": error.error_code(),
    })
}

/// Every key of `expected` must equal the same key of `actual`.
fn compare(problems: &mut Vec<String>, name: &str, expected: &Value, actual: &Value) {
    match expected.as_object() {
        Some(keys) => {
            for (key, want) in keys {
                if actual.get(key) != Some(want) {
                    problems.push(format!(
                        "[{name}] {key}: expected {want}, got {}",
                        actual.get(key).unwrap_or(&Value::Null)
                    ));
                }
            }
        }
        None => problems.push(format!("[{name}] expectation is not an object")),
    }
}

fn state_json(name: String, known: bool) -> (Value, Value) {
    (Value::String(name), Value::Bool(known))
}

#[test]
fn refunds() {
    let mut problems = Vec::new();
    let cases = load("refunds.json");
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        match case["kind"].as_str() {
            Some("wire") => {
                let call = refund_call(&refund_request(&case["request"]));
                compare(&mut problems, name, &case["call"], &call_json(&call));
            }
            Some("validation") => {
                let got = pairs(&validate_refund(&refund_request(&case["request"])));
                if got != case["violations"] {
                    problems.push(format!(
                        "[{name}] violations: expected {}, got {got}",
                        case["violations"]
                    ));
                }
            }
            Some("answer") => {
                let status = case["http_status"].as_u64().unwrap() as u16;
                let body = case["body"].as_str().unwrap().to_owned();
                let result = parse_order_status_response(status, &headers(case), &body);
                match (result, case.get("order"), case.get("error")) {
                    (Ok(order), Some(want), None) => {
                        let refunds: Vec<Value> = order
                            .refunds
                            .iter()
                            .map(|r| {
                                json!({
                                    "unique_request_id": r.unique_request_id,
                                    "status": r.status,
                                    "amount": r.amount,
                                })
                            })
                            .collect();
                        let actual = json!({
                            "order_id": order.order_id,
                            "status": order.status.wire_name(),
                            "amount_refunded": order.amount_refunded,
                            "refund_count": order.refunds.len(),
                            "refunds": refunds,
                        });
                        compare(&mut problems, name, want, &actual);
                        if order.raw_json != body {
                            problems.push(format!("[{name}] raw_json differs from the body"));
                        }
                    }
                    (Err(error), None, Some(want)) => {
                        compare(&mut problems, name, want, &error_json(&error))
                    }
                    (outcome, _, _) => {
                        problems.push(format!("[{name}] unexpected outcome {outcome:?}"))
                    }
                }
            }
            Some("find_refund") => {
                let body = case["order_body"].as_str().unwrap().to_owned();
                let order = parse_order_status_response(200, &HashMap::new(), &body).unwrap();
                let found = find_refund(&order, &refund_request(&case["request"])).is_some();
                if Some(found) != case["found"].as_bool() {
                    problems.push(format!("[{name}] found: expected {}", case["found"]));
                }
            }
            other => problems.push(format!("[{name}] unknown kind {other:?}")),
        }
    }
    finish("refunds.json", problems, cases.len(), 45);
}

#[test]
fn mandates() {
    let mut problems = Vec::new();
    let cases = load("mandates.json");
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let args = &case["args"];
        let arg = |key: &str| args[key].as_str().unwrap_or_default().to_owned();
        match (case["kind"].as_str(), case["call"].as_str()) {
            (Some("wire"), Some(which)) => {
                let call = match which {
                    "status" => mandate_status_call(&arg("mandate_id"), &arg("routing_id")),
                    "revoke" => revoke_mandate_call(&arg("mandate_id"), &arg("routing_id")),
                    "execute" => {
                        execute_mandate_call(&execution(&args["execution"]), &arg("merchant_id"))
                    }
                    other => {
                        problems.push(format!("[{name}] unknown call {other}"));
                        continue;
                    }
                };
                compare(&mut problems, name, &case["expect"], &call_json(&call));
            }
            (Some("validation"), Some(which)) => {
                let got = match which {
                    "lookup" => validate_mandate_lookup(&arg("mandate_id"), &arg("routing_id")),
                    "execution" => validate_mandate_execution(&execution(&args["execution"])),
                    other => {
                        problems.push(format!("[{name}] unknown call {other}"));
                        continue;
                    }
                };
                let got = pairs(&got);
                if got != case["violations"] {
                    problems.push(format!(
                        "[{name}] violations: expected {}, got {got}",
                        case["violations"]
                    ));
                }
            }
            (Some("answer"), _) => {
                let status = case["http_status"].as_u64().unwrap() as u16;
                let body = case["body"].as_str().unwrap().to_owned();
                let (actual, key) = match case["parse"].as_str() {
                    Some("mandate") => (
                        parse_mandate_response(status, &headers(case), &body).map(|m| {
                            let known = !matches!(m.status, MandateState::Other { .. });
                            let (status, known) = state_json(m.status.wire_name(), known);
                            if m.raw_json != body {
                                return json!({"raw_json": "differs from the body"});
                            }
                            json!({
                                "mandate_id": m.mandate_id, "status": status, "known_status": known,
                                "order_id": m.order_id, "customer_id": m.customer_id,
                                "max_amount": m.max_amount, "frequency": m.frequency,
                                "amount_rule": m.amount_rule, "start_date": m.start_date,
                                "end_date": m.end_date, "block_fund": m.block_fund,
                                "revokable_by_customer": m.revokable_by_customer,
                                "currency": m.currency, "mandate_type": m.mandate_type,
                                "payment_method_type": m.payment_method_type,
                            })
                        }),
                        "mandate",
                    ),
                    Some("execution") => (
                        parse_mandate_execution_response(status, &headers(case), &body).map(|e| {
                            let known = !matches!(e.status, OrderState::Unknown { .. });
                            let (status, known) = state_json(e.status.wire_name(), known);
                            json!({
                                "order_id": e.order_id, "status": status, "known_status": known,
                                "txn_id": e.txn_id, "txn_uuid": e.txn_uuid,
                                "authentication_url": e.authentication_url,
                                "authentication_method": e.authentication_method,
                                "raw_json_is_body": e.raw_json == body,
                            })
                        }),
                        "execution",
                    ),
                    other => {
                        problems.push(format!("[{name}] unknown parse {other:?}"));
                        continue;
                    }
                };
                match (actual, case.get(key), case.get("error")) {
                    (Ok(actual), Some(want), None) => compare(&mut problems, name, want, &actual),
                    (Err(error), None, Some(want)) => {
                        compare(&mut problems, name, want, &error_json(&error))
                    }
                    (outcome, _, _) => {
                        problems.push(format!("[{name}] unexpected outcome {outcome:?}"))
                    }
                }
            }
            other => problems.push(format!("[{name}] unknown kind {other:?}")),
        }
    }
    finish("mandates.json", problems, cases.len(), 50);
}

#[test]
fn refund_and_mandate_webhooks() {
    let mut problems = Vec::new();
    let cases = load("webhooks_refunds_mandates.json");
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let body = case["body"].as_str().unwrap_or_default();
        match parse_webhook(body) {
            Ok(event) => {
                let order = event.order.as_ref();
                let mandate = event.mandate.as_ref();
                let actual = json!({
                    "id": event.id,
                    "event_name": event.event_name.wire_name(),
                    "known_event": !matches!(event.event_name, WebhookEventName::Unknown { .. }),
                    "order_id": order.map(|o| o.order_id.clone()),
                    "order_status": order.map(|o| o.status.wire_name()),
                    "refund_statuses": order
                        .map(|o| o.refunds.iter().map(|r| json!(r.status)).collect::<Vec<_>>())
                        .unwrap_or_default(),
                    "mandate_id": mandate.map(|m| m.mandate_id.clone()),
                    "mandate_status": mandate.map(|m| m.status.wire_name()),
                });
                compare(&mut problems, name, &case["event"], &actual);
                if event.raw_json != body {
                    problems.push(format!("[{name}] raw_json differs from the body"));
                }
            }
            Err(error) => problems.push(format!("[{name}] parse failed: {error}")),
        }
    }
    finish("webhooks_refunds_mandates.json", problems, cases.len(), 20);
}
