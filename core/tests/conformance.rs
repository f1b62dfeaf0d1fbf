//! Runs the cross-language conformance vectors in `testdata/` (schema: `docs/testdata.md`)
//! through the public API, exactly as every binding's suite does.
//!
//! Each test goes through a whole file and collects every mismatch, then fails once listing
//! them all with the case names, so one run shows everything that disagrees. Each file must
//! also hold at least a minimum number of cases, so an emptied or truncated file fails too.

mod common;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use hypercheckout::{
    parse_session_answer, parse_session_request, parse_session_response, routing_id,
    session_request_to_json, validate, validate_request, wire, HyperCheckoutError, Session,
    SessionRequest, Violation,
};
use serde_json::{json, Map, Value};

const MIN_VALIDATION_CASES: usize = 150;
const MIN_PARSE_ERROR_CASES: usize = 20;
const MIN_WIRE_CASES: usize = 15;
const MIN_RESPONSE_CASES: usize = 25;

// ---------------------------------------------------------------------------------------------
// Loading and reporting

fn testdata_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testdata")
}

/// Reads `testdata/<file>` as a JSON object with an `about` text and a `cases` array.
fn load(file: &str) -> Map<String, Value> {
    let path = testdata_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Object(doc)) => doc,
        Ok(_) => panic!("{file}: top level must be a JSON object"),
        Err(e) => panic!("{file}: not valid JSON: {e}"),
    }
}

/// Collects mismatches for one file and panics with all of them at the end.
struct Report {
    file: &'static str,
    problems: Vec<String>,
    checked: usize,
}

impl Report {
    fn new(file: &'static str) -> Self {
        Report {
            file,
            problems: Vec::new(),
            checked: 0,
        }
    }

    fn fail(&mut self, case: &str, problem: impl Into<String>) {
        self.problems.push(format!("[{case}] {}", problem.into()));
    }

    /// The file's cases, after checking their count and that names are present and unique.
    fn cases(&mut self, doc: &Map<String, Value>, min: usize) -> Vec<Map<String, Value>> {
        if !doc.get("about").is_some_and(Value::is_string) {
            self.fail("<file>", "missing \"about\" text");
        }
        let Some(cases) = doc.get("cases").and_then(Value::as_array) else {
            self.fail("<file>", "missing \"cases\" array");
            return Vec::new();
        };
        if cases.len() < min {
            self.fail(
                "<file>",
                format!("only {} cases, expected at least {min}", cases.len()),
            );
        }
        let mut names = HashSet::new();
        let mut out = Vec::new();
        for (index, case) in cases.iter().enumerate() {
            let Some(case) = case.as_object() else {
                self.fail(&format!("#{index}"), "case is not a JSON object");
                continue;
            };
            match case.get("name").and_then(Value::as_str) {
                Some(name) if !name.is_empty() => {
                    if !names.insert(name.to_owned()) {
                        self.fail(name, "duplicate case name");
                    }
                }
                _ => self.fail(&format!("#{index}"), "case without a non-empty \"name\""),
            }
            out.push(case.clone());
        }
        out
    }

    fn finish(self) {
        assert!(
            self.problems.is_empty(),
            "{}: {} mismatch(es) in {} case(s):\n  {}",
            self.file,
            self.problems.len(),
            self.checked,
            self.problems.join("\n  ")
        );
        eprintln!("{}: {} cases agree", self.file, self.checked);
    }
}

fn name_of(case: &Map<String, Value>) -> String {
    case.get("name")
        .and_then(Value::as_str)
        .unwrap_or("<unnamed>")
        .to_owned()
}

/// `[{"field", "code"}]` as a sorted list of pairs (a multiset).
fn expected_pairs(value: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    let list = value
        .and_then(Value::as_array)
        .ok_or("missing \"violations\" array")?;
    let mut pairs = list
        .iter()
        .map(|v| {
            let field = v.get("field").and_then(Value::as_str);
            let code = v.get("code").and_then(Value::as_str);
            match (field, code) {
                (Some(field), Some(code)) => Ok((field.to_owned(), code.to_owned())),
                _ => Err(format!("malformed violation {v}")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    pairs.sort();
    Ok(pairs)
}

fn actual_pairs(violations: &[Violation]) -> Vec<(String, String)> {
    let mut pairs: Vec<_> = violations
        .iter()
        .map(|v| (v.field.clone(), v.code.clone()))
        .collect();
    pairs.sort();
    pairs
}

fn show_pairs(pairs: &[(String, String)]) -> String {
    let items: Vec<_> = pairs.iter().map(|(f, c)| format!("{f:?}:{c}")).collect();
    format!("[{}]", items.join(", "))
}

fn show_violations(violations: &[Violation]) -> String {
    let items: Vec<_> = violations
        .iter()
        .map(|v| format!("{:?}:{} ({})", v.field, v.code, v.message))
        .collect();
    format!("[{}]", items.join(", "))
}

/// The request object of a case as the Juspay JSON text a binding would pass in.
fn request_text(case: &Map<String, Value>) -> Result<String, String> {
    match case.get("request") {
        Some(request @ Value::Object(_)) => Ok(request.to_string()),
        _ => Err("missing \"request\" object".to_owned()),
    }
}

// ---------------------------------------------------------------------------------------------
// validation.json

#[test]
fn validation_vectors() {
    let mut report = Report::new("validation.json");
    let doc = load("validation.json");
    for case in report.cases(&doc, MIN_VALIDATION_CASES) {
        let name = name_of(&case);
        report.checked += 1;
        let expected = match expected_pairs(case.get("violations")) {
            Ok(pairs) => pairs,
            Err(why) => {
                report.fail(&name, why);
                continue;
            }
        };
        let text = match request_text(&case) {
            Ok(text) => text,
            Err(why) => {
                report.fail(&name, why);
                continue;
            }
        };
        let request = match parse_session_request(text) {
            Ok(request) => request,
            Err(e) => {
                report.fail(
                    &name,
                    format!(
                        "parse_session_request failed: {e}; expected {}",
                        show_pairs(&expected)
                    ),
                );
                continue;
            }
        };
        let exported = validate_request(request.clone());
        let direct = validate(&request);
        if exported != direct {
            report.fail(
                &name,
                format!(
                    "validate_request {} differs from validate::validate {}",
                    show_violations(&exported),
                    show_violations(&direct)
                ),
            );
        }
        let actual = actual_pairs(&exported);
        if actual != expected {
            report.fail(
                &name,
                format!(
                    "expected {}, got {}",
                    show_pairs(&expected),
                    show_violations(&exported)
                ),
            );
        }
    }
    report.finish();
}

// ---------------------------------------------------------------------------------------------
// parse_errors.json

#[test]
fn parse_error_vectors() {
    let mut report = Report::new("parse_errors.json");
    let doc = load("parse_errors.json");
    for case in report.cases(&doc, MIN_PARSE_ERROR_CASES) {
        let name = name_of(&case);
        report.checked += 1;
        let expected = match expected_pairs(case.get("violations")) {
            Ok(pairs) => pairs,
            Err(why) => {
                report.fail(&name, why);
                continue;
            }
        };
        let Some(text) = case.get("json").and_then(Value::as_str) else {
            report.fail(&name, "missing \"json\" text");
            continue;
        };
        match parse_session_request(text.to_owned()) {
            Ok(request) => report.fail(
                &name,
                format!(
                    "parsed without error (expected {}): {request:?}",
                    show_pairs(&expected)
                ),
            ),
            Err(HyperCheckoutError::Validation { violations }) => {
                if actual_pairs(&violations) != expected {
                    report.fail(
                        &name,
                        format!(
                            "expected {}, got {}",
                            show_pairs(&expected),
                            show_violations(&violations)
                        ),
                    );
                }
            }
            Err(other) => report.fail(&name, format!("expected a Validation error, got {other:?}")),
        }
    }
    report.finish();
}

// ---------------------------------------------------------------------------------------------
// wire.json

#[test]
fn wire_vectors() {
    let mut report = Report::new("wire.json");
    let doc = load("wire.json");
    let merchant_id = doc.get("merchant_id").and_then(Value::as_str);
    let api_key = doc.get("api_key").and_then(Value::as_str);
    let (Some(merchant_id), Some(api_key)) = (merchant_id, api_key) else {
        report.fail(
            "<file>",
            "missing file-level \"merchant_id\" or \"api_key\"",
        );
        report.finish();
        return;
    };
    for case in report.cases(&doc, MIN_WIRE_CASES) {
        let name = name_of(&case);
        report.checked += 1;
        let text = match request_text(&case) {
            Ok(text) => text,
            Err(why) => {
                report.fail(&name, why);
                continue;
            }
        };
        let request = match parse_session_request(text) {
            Ok(request) => request,
            Err(e) => {
                report.fail(&name, format!("parse_session_request failed: {e}"));
                continue;
            }
        };
        // The client sends only valid requests, so a wire case must be one.
        let violations = validate(&request);
        if !violations.is_empty() {
            report.fail(
                &name,
                format!(
                    "wire request is not valid: {}",
                    show_violations(&violations)
                ),
            );
        }
        check_body(&mut report, &name, &case, &request);
        let routing = check_routing_id(&mut report, &name, &case, &request);
        check_headers(&mut report, &name, &case, merchant_id, api_key, &routing);
    }
    report.finish();
}

fn check_body(
    report: &mut Report,
    name: &str,
    case: &Map<String, Value>,
    request: &SessionRequest,
) {
    let Some(expected @ Value::Object(_)) = case.get("body") else {
        report.fail(name, "missing \"body\" object");
        return;
    };
    let exported_text = session_request_to_json(request.clone());
    match serde_json::from_str::<Value>(&exported_text) {
        Ok(actual) if &actual == expected => {}
        Ok(actual) => report.fail(
            name,
            format!(
                "session_request_to_json body differs: {}",
                json_diff(expected, &actual)
            ),
        ),
        Err(e) => report.fail(
            name,
            format!("session_request_to_json is not JSON ({e}): {exported_text}"),
        ),
    }
    let direct = serde_json::to_value(wire::to_wire(request)).expect("the body is JSON");
    if &direct != expected {
        report.fail(
            name,
            format!(
                "wire::to_wire body differs: {}",
                json_diff(expected, &direct)
            ),
        );
    }
}

fn check_routing_id(
    report: &mut Report,
    name: &str,
    case: &Map<String, Value>,
    request: &SessionRequest,
) -> String {
    let exported = routing_id(request.clone());
    let direct = request.effective_routing_id();
    if exported != direct {
        report.fail(
            name,
            format!("routing_id {exported:?} differs from effective_routing_id {direct:?}"),
        );
    }
    match case.get("routing_id").and_then(Value::as_str) {
        Some(expected) if expected == exported => {}
        Some(expected) => report.fail(
            name,
            format!("routing_id: expected {expected:?}, got {exported:?}"),
        ),
        None => report.fail(name, "missing \"routing_id\""),
    }
    exported
}

fn check_headers(
    report: &mut Report,
    name: &str,
    case: &Map<String, Value>,
    merchant_id: &str,
    api_key: &str,
    routing: &str,
) {
    let Some(expected) = case.get("headers").and_then(Value::as_object) else {
        report.fail(name, "missing \"headers\" object");
        return;
    };
    let expected: HashMap<String, Value> = expected
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
        .collect();
    let mut actual = HashMap::new();
    for (header, value) in wire::headers(merchant_id, api_key, routing) {
        if actual
            .insert(header.to_ascii_lowercase(), Value::String(value))
            .is_some()
        {
            report.fail(name, format!("header {header} sent twice"));
        }
    }
    if actual != expected {
        let mut keys: Vec<_> = expected.keys().chain(actual.keys()).collect();
        keys.sort();
        keys.dedup();
        let mut diff = String::new();
        for key in keys {
            let (e, a) = (expected.get(key), actual.get(key));
            if e != a {
                // Never print a real secret; these vectors use a fixed test key only.
                let _ = write!(diff, " {key}: expected {e:?}, got {a:?};");
            }
        }
        report.fail(name, format!("headers differ:{diff}"));
    }
}

/// Per-key differences between two JSON objects (or the whole values otherwise).
fn json_diff(expected: &Value, actual: &Value) -> String {
    let (Some(e), Some(a)) = (expected.as_object(), actual.as_object()) else {
        return format!("expected {expected}, got {actual}");
    };
    let mut keys: Vec<_> = e.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = String::new();
    for key in keys {
        match (e.get(key), a.get(key)) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                let show = |v: Option<&Value>| v.map_or("<absent>".to_owned(), Value::to_string);
                let _ = write!(out, " {key:?}: expected {}, got {};", show(x), show(y));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// responses.json

#[test]
fn response_vectors() {
    let mut report = Report::new("responses.json");
    let doc = load("responses.json");
    for case in report.cases(&doc, MIN_RESPONSE_CASES) {
        let name = name_of(&case);
        report.checked += 1;
        let Some(status) = case
            .get("http_status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok())
        else {
            report.fail(&name, "missing or bad \"http_status\"");
            continue;
        };
        let mut headers = HashMap::new();
        match case.get("headers") {
            None => {}
            Some(Value::Object(map)) => {
                for (key, value) in map {
                    match value.as_str() {
                        Some(value) => {
                            headers.insert(key.clone(), value.to_owned());
                        }
                        None => report.fail(&name, format!("header {key} is not a string")),
                    }
                }
            }
            Some(_) => report.fail(&name, "\"headers\" is not an object"),
        }
        let Some(body) = case.get("body").and_then(Value::as_str) else {
            report.fail(&name, "missing \"body\" text");
            continue;
        };

        let outcome = parse_session_response(status, &headers, body);
        let exported = parse_session_answer(status, headers.clone(), body.to_owned());
        if exported != outcome {
            report.fail(
                &name,
                format!("exported parse_session_response {exported:?} differs from {outcome:?}"),
            );
        }

        match (case.get("session"), case.get("error"), outcome) {
            (Some(expected), None, Ok(session)) => {
                let actual = session_json(&session);
                if &actual != expected {
                    report.fail(
                        &name,
                        format!("session differs: {}", json_diff(expected, &actual)),
                    );
                    if let (Some(e), Some(a)) =
                        (expected.get("sdk_payload"), actual.get("sdk_payload"))
                    {
                        if e != a {
                            report.fail(&name, format!("sdk_payload differs: {}", json_diff(e, a)));
                        }
                    }
                }
            }
            (Some(_), None, Err(e)) => {
                report.fail(&name, format!("expected a session, got error {e:?}"));
            }
            (None, Some(Value::Object(expected)), Err(e)) => {
                let (kind, fields) = (common::error_kind(&e), common::error_fields(&e));
                match expected.get("kind").and_then(Value::as_str) {
                    Some(k) if k == kind => {}
                    Some(k) => {
                        report.fail(&name, format!("kind: expected {k}, got {kind} ({e:?})"))
                    }
                    None => report.fail(&name, "error without \"kind\""),
                }
                for (key, want) in expected.iter().filter(|(k, _)| *k != "kind") {
                    let got = fields.get(key).unwrap_or(&Value::Null);
                    if got != want {
                        report.fail(
                            &name,
                            format!("error.{key}: expected {want}, got {got} ({kind})"),
                        );
                    }
                }
            }
            (None, Some(Value::Object(_)), Ok(session)) => {
                report.fail(&name, format!("expected an error, got session {session:?}"));
            }
            _ => report.fail(
                &name,
                "needs exactly one of \"session\" or \"error\" (an object)",
            ),
        }
    }
    report.finish();
}

fn session_json(session: &Session) -> Value {
    let p = &session.sdk_payload.payload;
    json!({
        "status": session.status,
        "id": session.id,
        "order_id": session.order_id,
        "payment_link": session.payment_link,
        "sdk_payload_json": session.sdk_payload_json,
        "sdk_payload": {
            "request_id": session.sdk_payload.request_id,
            "service": session.sdk_payload.service,
            "payload": {
                "client_id": p.client_id,
                "amount": p.amount,
                "merchant_id": p.merchant_id,
                "client_auth_token": p.client_auth_token,
                "client_auth_token_expiry": p.client_auth_token_expiry,
                "environment": p.environment,
                "action": p.action,
                "customer_id": p.customer_id,
                "return_url": p.return_url,
                "currency": p.currency,
                "first_name": p.first_name,
                "last_name": p.last_name,
                "customer_phone": p.customer_phone,
                "customer_email": p.customer_email,
                "order_id": p.order_id,
                "description": p.description,
            },
        },
    })
}

// ---------------------------------------------------------------------------------------------
// Not expressible in Juspay JSON

/// `parse_session_request` routes every typed key to its typed field, so a request whose
/// `extra_fields` shadow a typed key can only be built in code. Such a request is invalid
/// (`reserved_key`) and the typed value is what goes on the wire (core/src/request.rs:
/// "Keys may not shadow a typed field").
#[test]
fn extra_fields_may_not_shadow_typed_keys() {
    let mut request = SessionRequest::new("order-1001", "100", "customer-1", "yourClientId");
    request.udf1 = Some("typed".into());
    for (key, value) in [
        ("amount", "999"),
        ("order_id", "other-order"),
        ("mandate.max_amount", "1"),
        ("options.create_mandate", "REQUIRED"),
        ("metadata.JUSPAY:gateway_reference_id", "BUS"),
        ("udf1", "shadow"),
        ("offer_code", "testingCode"),
    ] {
        request.extra_fields.insert(key.into(), value.into());
    }
    let mut expected: Vec<(String, String)> = [
        "amount",
        "order_id",
        "mandate.max_amount",
        "options.create_mandate",
        "metadata.JUSPAY:gateway_reference_id",
        "udf1",
    ]
    .into_iter()
    .map(|field| (field.to_owned(), "reserved_key".to_owned()))
    .collect();
    expected.sort();
    let violations = validate_request(request.clone());
    assert_eq!(
        actual_pairs(&violations),
        expected,
        "{}",
        show_violations(&violations)
    );

    let body: Value = serde_json::from_str(&session_request_to_json(request)).unwrap();
    assert_eq!(
        body,
        json!({
            "order_id": "order-1001",
            "amount": "100",
            "customer_id": "customer-1",
            "payment_page_client_id": "yourClientId",
            "action": "paymentPage",
            "udf1": "typed",
            "offer_code": "testingCode",
        })
    );
}
