//! `create_refund` over real HTTP on loopback: the exact request it sends, how it reads
//! Juspay's answers, and that a repeated refund (after a lost answer) comes back as the
//! order rather than as `duplicate.call`.
//!
//! Two kinds of server: a scripted one (below) that plays Juspay's documented answers in
//! order and records every request byte for byte, for the wire and the error table; and the
//! emulator (`refunds_e2e` at the end), for the lifecycle, once it implements refunds.
#![allow(clippy::result_large_err)]

mod common;
mod scripted;

use hypercheckout::{validate_refund, HyperCheckoutError, RefundRequest, REFUND_API_VERSION};
use scripted::{client, script, Step};

/// A charged order of 100.00 with the given refunds (JSON array text).
fn order_body(refunds: &str, amount_refunded: &str) -> String {
    format!(
        r#"{{"order_id":"o-1","id":"ordeh_1","status":"CHARGED","status_id":21,"amount":100.00,"currency":"INR","refunded":false,"amount_refunded":{amount_refunded},"effective_amount":100.00,"refunds":{refunds}}}"#
    )
}

const PENDING_R1: &str = r#"[{"unique_request_id":"r-1","status":"PENDING","amount":10.5,"created":"2024-09-30T11:00:28Z","sent_to_gateway":false,"refund_type":"STANDARD","initiated_by":"API","id":null,"ref":null}]"#;

/// Juspay's documented `duplicate.call` body (Refund Order API, error table).
const DUPLICATE: &str = r#"{"status_id":-1,"status":"ERROR","error_message":"A refund call was already completed with this unique_request_id for the order.","error_code":"duplicate.call"}"#;

fn refund(amount: Option<&str>) -> RefundRequest {
    RefundRequest {
        amount: amount.map(str::to_owned),
        ..RefundRequest::new("o-1", "r-1", "cust-1")
    }
}

#[test]
fn a_refund_is_sent_form_encoded_with_the_documented_headers() {
    let (url, server) = script(vec![Step::Answer("200 OK", order_body(PENDING_R1, "0"))]);
    let order = client(&url)
        .create_refund_blocking(refund(Some("10.50")))
        .unwrap();
    let seen = server.join().unwrap();
    assert_eq!(seen.len(), 1);
    let request = &seen[0];
    assert_eq!(request.request_line, "POST /orders/o-1/refunds HTTP/1.1");
    assert_eq!(
        request.headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(request.headers["version"], REFUND_API_VERSION);
    assert_eq!(request.headers["x-routing-id"], "cust-1");
    assert_eq!(request.headers["x-merchantid"], "merchant_1");
    assert_eq!(request.body, "unique_request_id=r-1&amount=10.50");
    assert_eq!(order.order_id, "o-1");
    assert_eq!(order.refunds.len(), 1);
    assert_eq!(order.refunds[0].status.as_deref(), Some("PENDING"));
    assert_eq!(order.refunds[0].amount.as_deref(), Some("10.5"));
}

#[test]
fn a_full_refund_sends_no_amount() {
    let (url, server) = script(vec![Step::Answer("200 OK", order_body(PENDING_R1, "0"))]);
    client(&url).create_refund_blocking(refund(None)).unwrap();
    assert_eq!(server.join().unwrap()[0].body, "unique_request_id=r-1");
}

#[test]
fn a_duplicate_of_an_existing_refund_returns_the_order() {
    // The merchant's first call made the refund but its answer was lost; the merchant calls
    // again with the same unique_request_id: Juspay says duplicate.call, the order shows it.
    let (url, server) = script(vec![
        Step::Answer("400 Bad Request", DUPLICATE.into()),
        Step::Answer("200 OK", order_body(PENDING_R1, "0")),
    ]);
    let order = client(&url)
        .create_refund_blocking(refund(Some("10.50")))
        .unwrap();
    assert_eq!(
        order.refunds[0].unique_request_id.as_deref(),
        Some("r-1"),
        "the existing refund"
    );
    let seen = server.join().unwrap();
    assert_eq!(seen[1].request_line, "GET /orders/o-1 HTTP/1.1");
    assert_eq!(seen[1].headers["x-routing-id"], "cust-1");
}

#[test]
fn a_duplicate_that_the_order_does_not_show_stays_an_error() {
    for (what, refunds) in [
        ("no refunds", "[]".to_owned()),
        ("another id", PENDING_R1.replace("\"r-1\"", "\"r-other\"")),
        // The same id for another amount is the merchant's mistake, not this refund.
        ("another amount", PENDING_R1.replace("10.5", "20")),
    ] {
        let (url, server) = script(vec![
            Step::Answer("400 Bad Request", DUPLICATE.into()),
            Step::Answer("200 OK", order_body(&refunds, "0")),
        ]);
        let error = client(&url)
            .create_refund_blocking(refund(Some("10.50")))
            .unwrap_err();
        assert!(
            matches!(
                error,
                HyperCheckoutError::InvalidRequest {
                    http_status: 400,
                    ..
                }
            ),
            "{what}: {error:?}"
        );
        assert_eq!(error.error_code(), Some("duplicate.call"), "{what}");
        assert_eq!(server.join().unwrap().len(), 2, "{what}");
    }
}

#[test]
fn a_lost_answer_is_retried_with_the_same_key_and_never_refunds_twice() {
    // Attempt 1 reaches the server, which closes without answering (it made the refund);
    // attempt 2, the same request, gets duplicate.call; the order shows the refund.
    let (url, server) = script(vec![
        Step::Drop,
        Step::Answer("400 Bad Request", DUPLICATE.into()),
        Step::Answer("200 OK", order_body(PENDING_R1, "0")),
    ]);
    let order = client(&url)
        .create_refund_blocking(refund(Some("10.50")))
        .unwrap();
    assert_eq!(order.refunds.len(), 1);
    let seen = server.join().unwrap();
    assert_eq!(seen[0].body, seen[1].body, "the retry is the same request");
    assert_eq!(seen[0].request_line, seen[1].request_line);
}

#[test]
fn a_500_is_retried_for_a_refund() {
    let (url, server) = script(vec![
        Step::Answer(
            "500 Internal Server Error",
            r#"{"status":"error","error_code":"internal"}"#.into(),
        ),
        Step::Answer("200 OK", order_body(PENDING_R1, "0")),
    ]);
    client(&url)
        .create_refund_blocking(refund(Some("10.50")))
        .unwrap();
    assert_eq!(server.join().unwrap().len(), 2);
}

#[test]
fn documented_refusals_are_typed() {
    // Juspay's error table (Refund Order API): each body with its HTTP status.
    let cases = [
        (
            r#"{"status_id":-1,"status":"ERROR","error_message":"Refund amount exceeds the refundable amount.","error_code":"invalid.amount.exceeded"}"#,
            "InvalidRequest",
            Some("invalid.amount.exceeded"),
        ),
        (
            r#"{"status_id":-1,"status":"ERROR","error_message":"Cannot process unsuccessful order.","error_code":"invalid.order.not_successful"}"#,
            "InvalidRequest",
            Some("invalid.order.not_successful"),
        ),
        (
            r#"{"status_id":40,"status":"NOT_FOUND","order_id":"o-1"}"#,
            "NotFound",
            None,
        ),
    ];
    for (body, kind, code) in cases {
        let (url, server) = script(vec![Step::Answer("400 Bad Request", body.into())]);
        let error = client(&url)
            .create_refund_blocking(refund(Some("10.50")))
            .unwrap_err();
        assert_eq!(common::error_kind(&error), kind, "{body}");
        assert_eq!(error.error_code(), code, "{body}");
        assert_eq!(server.join().unwrap().len(), 1, "not retried: {body}");
    }
}

#[test]
fn an_invalid_refund_is_never_sent() {
    // No server at all: a request that left would fail with Connection, not Validation.
    let client = client("http://127.0.0.1:9");
    let request = RefundRequest {
        order_id: "..".into(),
        unique_request_id: "has space".into(),
        amount: Some("1.234".into()),
        routing_id: "".into(),
    };
    let error = client.create_refund_blocking(request.clone()).unwrap_err();
    let fields: Vec<(&str, &str)> = error
        .violations()
        .iter()
        .map(|v| (v.field.as_str(), v.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("order_id", "dot_segment"),
            ("routing_id", "required"),
            ("unique_request_id", "invalid_characters"),
            ("amount", "invalid_amount"),
        ]
    );
    assert_eq!(validate_refund(&request), error.violations());
}
