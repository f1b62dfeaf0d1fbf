//! Juspay's own published bodies (`testdata/juspay/`, sources in its README) through the
//! exported functions, with their typed fields checked. Every binding runs the same files.

use std::collections::HashMap;
use std::path::PathBuf;

use hypercheckout::{
    check_order_payment, parse_order_status_response, parse_session_request,
    parse_session_response, parse_webhook, session_request_to_json, validate, OrderStatus,
    PaymentVerdict,
};
use serde_json::{json, Value};

mod common;

fn load(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/juspay")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let file: Value = serde_json::from_str(&text).expect("corpus file is JSON");
    file["cases"].as_array().expect("cases").clone()
}

fn name(case: &Value) -> &str {
    case["name"].as_str().unwrap_or("?")
}

/// Collects mismatches and fails once with all of them.
#[derive(Default)]
struct Report(Vec<String>);

impl Report {
    fn check(&mut self, case: &Value, what: &str, expected: &Value, actual: &Value) {
        if expected != actual {
            self.0.push(format!(
                "[{}] {what}: expected {expected}, got {actual}",
                name(case)
            ));
        }
    }
    fn finish(self, file: &str, cases: usize) {
        assert!(
            self.0.is_empty(),
            "{file}: {} mismatch(es) in {cases} case(s):\n  {}",
            self.0.len(),
            self.0.join("\n  ")
        );
    }
}

/// The body the SDK must send for a sample: the sample itself, with an `amount` given as a
/// JSON number sent as its text (the Session API documents a string; Juspay takes both) and
/// the default action made explicit. A case's own `wire` wins.
fn expected_wire(case: &Value) -> Value {
    if let Some(wire) = case.get("wire") {
        return wire.clone();
    }
    let mut body = case["request"].clone();
    let object = body.as_object_mut().expect("request is an object");
    if let Some(Value::Number(n)) = object.get("amount") {
        let text = n.to_string();
        object.insert("amount".into(), json!(text));
    }
    object
        .entry("action")
        .or_insert_with(|| json!("paymentPage"));
    body
}

#[test]
fn session_requests_build_validate_and_go_out_as_published() {
    let cases = load("session_requests.json");
    let mut report = Report::default();
    for case in &cases {
        let text = case["request"].to_string();
        // Problems found while reading count as violations too (what `hypercheckout
        // validate` reports).
        let (request, violations) = match parse_session_request(text) {
            Ok(request) => {
                let violations = validate(&request);
                (Some(request), violations)
            }
            Err(e) => (None, e.violations().to_vec()),
        };
        let mut got: Vec<Value> = violations
            .iter()
            .map(|v| json!({"field": v.field, "code": v.code}))
            .collect();
        let mut want = case
            .get("violations")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        got.sort_by_key(Value::to_string);
        want.sort_by_key(Value::to_string);
        report.check(case, "violations", &json!(want), &json!(got));
        let Some(request) = request else { continue };
        let sent: Value =
            serde_json::from_str(&session_request_to_json(request)).expect("the body is JSON");
        report.check(case, "wire body", &expected_wire(case), &sent);
    }
    report.finish("session_requests.json", cases.len());
}

#[test]
fn session_answers_expose_their_expiries() {
    let cases = load("session_responses.json");
    let mut report = Report::default();
    for case in &cases {
        let status = case["http_status"].as_u64().unwrap_or(200) as u16;
        let body = case["body"].as_str().expect("body text");
        let session = match parse_session_response(status, &HashMap::new(), body) {
            Ok(session) => session,
            Err(e) => {
                report
                    .0
                    .push(format!("[{}] does not parse: {e}", name(case)));
                continue;
            }
        };
        let want = &case["session"];
        let got = json!({
            "id": session.id,
            "order_id": session.order_id,
            "status": session.status,
            "payment_link": session.payment_link,
            "payment_links_expiry": session.payment_link_expiry,
            "order_expiry": session.order_expiry,
            "sdk_payload_expiry": session.sdk_payload.expiry,
            "client_auth_token_expiry": session.sdk_payload.payload.client_auth_token_expiry,
        });
        for key in want.as_object().expect("session").keys() {
            report.check(case, key, &want[key], &got[key]);
        }
        let raw: Value = serde_json::from_str(body).expect("body is JSON");
        let payload: Value = serde_json::from_str(&session.sdk_payload_json).expect("JSON");
        report.check(case, "sdk_payload_json", &raw["sdk_payload"], &payload);
    }
    report.finish("session_responses.json", cases.len());
}

/// The order's typed fields under the corpus's names.
fn order_fields(order: &OrderStatus) -> Value {
    let card = order.card.clone();
    json!({
        "order_id": order.order_id,
        "id": order.id,
        "status": order.status.wire_name(),
        "status_id": order.status_id,
        "amount": order.amount,
        "currency": order.currency,
        "customer_id": order.customer_id,
        "refunded": order.refunded,
        "amount_refunded": order.amount_refunded,
        "effective_amount": order.effective_amount,
        "txn_id": order.txn_id,
        "txn_uuid": order.txn_uuid,
        "gateway_id": order.gateway_id,
        "gateway_reference_id": order.gateway_reference_id,
        "auth_type": order.auth_type,
        "payment_method": order.payment_method,
        "payment_method_type": order.payment_method_type,
        "card_last_four": card.as_ref().and_then(|c| c.last_four_digits.clone()),
        "card_brand": card.as_ref().and_then(|c| c.card_brand.clone()),
        "card_type": card.as_ref().and_then(|c| c.card_type.clone()),
        "card_issuer_country": card.as_ref().and_then(|c| c.card_issuer_country.clone()),
        "payer_vpa": order.payer_vpa,
        "refund_count": order.refunds.len(),
        "refunds": order.refunds.iter().map(|r| json!({
            "unique_request_id": r.unique_request_id, "id": r.id, "reference": r.reference,
            "status": r.status, "amount": r.amount, "sent_to_gateway": r.sent_to_gateway,
            "refund_type": r.refund_type, "error_code": r.error_code,
            "error_message": r.error_message,
        })).collect::<Vec<_>>(),
        "txn_detail": order.txn_detail.as_ref().map(|t| json!({
            "txn_id": t.txn_id, "txn_uuid": t.txn_uuid, "gateway": t.gateway,
            "status": t.status, "error_code": t.error_code, "error_message": t.error_message,
        })),
    })
}

fn verdict_name(verdict: &PaymentVerdict) -> &'static str {
    match verdict {
        PaymentVerdict::Paid => "paid",
        PaymentVerdict::Refunded { .. } => "refunded",
        PaymentVerdict::PartiallyRefunded { .. } => "partially_refunded",
        PaymentVerdict::PartiallyCharged { .. } => "partially_charged",
        PaymentVerdict::NotCharged { .. } => "not_charged",
        _ => "other",
    }
}

#[test]
fn order_statuses_type_what_a_merchant_acts_on() {
    let cases = load("order_status.json");
    let mut report = Report::default();
    for case in &cases {
        let status = case["http_status"].as_u64().unwrap_or(200) as u16;
        let body = case["body"].as_str().expect("body text");
        let order = match parse_order_status_response(status, &HashMap::new(), body) {
            Ok(order) => order,
            Err(e) => {
                report
                    .0
                    .push(format!("[{}] does not parse: {e}", name(case)));
                continue;
            }
        };
        report.check(case, "raw_json", &json!(body), &json!(order.raw_json));
        let got = order_fields(&order);
        for (key, want) in case["order"].as_object().expect("order") {
            report.check(case, key, want, &got[key]);
        }
        if let (Some(want), Some(amount)) = (case["check"]["verdict"].as_str(), &order.amount) {
            let verdict = check_order_payment(&order, &order.order_id, amount, None);
            report.check(
                case,
                "verdict",
                &json!(want),
                &json!(verdict_name(&verdict)),
            );
        }
    }
    report.finish("order_status.json", cases.len());
}

#[test]
fn error_bodies_keep_everything_juspay_said() {
    let cases = load("errors.json");
    let mut report = Report::default();
    for case in &cases {
        let status = case["http_status"].as_u64().unwrap_or(400) as u16;
        let body = case["body"].as_str().expect("body text");
        let headers = HashMap::new();
        let error = if case["endpoint"] == "order_status" {
            parse_order_status_response(status, &headers, body).err()
        } else {
            parse_session_response(status, &headers, body).err()
        };
        let Some(error) = error else {
            report
                .0
                .push(format!("[{}] parsed as a success", name(case)));
            continue;
        };
        let got = common::error_fields(&error);
        for (key, want) in case["error"].as_object().expect("error") {
            report.check(case, key, want, got.get(key).unwrap_or(&Value::Null));
        }
        let excerpt: String = body
            .chars()
            .take(hypercheckout::BODY_EXCERPT_CHARS)
            .collect();
        report.check(case, "body_excerpt", &json!(excerpt), &got["body_excerpt"]);
    }
    report.finish("errors.json", cases.len());
}

#[test]
fn webhooks_of_every_event_parse() {
    let cases = load("webhooks.json");
    let mut report = Report::default();
    for case in &cases {
        let body = case["body"].as_str().expect("body text");
        let event = match parse_webhook(body) {
            Ok(event) => event,
            Err(e) => {
                report
                    .0
                    .push(format!("[{}] does not parse: {e}", name(case)));
                continue;
            }
        };
        let got = json!({
            "id": event.id,
            "event_name": event.event_name.wire_name(),
            "date_created": event.date_created,
            "order_id": event.order.as_ref().map(|o| o.order_id.clone()),
            "order_status": event.order.as_ref().map(|o| o.status.wire_name()),
            "refund_count": event.order.as_ref().map(|o| o.refunds.len()),
        });
        for (key, want) in case["event"].as_object().expect("event") {
            report.check(case, key, want, &got[key]);
        }
    }
    report.finish("webhooks.json", cases.len());
}
