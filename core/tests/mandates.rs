//! `get_mandate`, `revoke_mandate` and `execute_mandate` over real HTTP on loopback: the
//! exact requests, Juspay's sample answers read into `MandateDetails` and
//! `MandateExecutionResult`, and the repeat-safety of revoke and execution.
#![allow(clippy::result_large_err)]

mod common;
mod scripted;

use hypercheckout::{
    validate_mandate_execution, HyperCheckoutError, MandateExecution, MandateState, OrderState,
};
use scripted::{client, script, Step};

/// DEMO `mandates/check-status/active.json` (api-reference @b2d0d12d).
const ACTIVE: &str = r#"{"order_id":"juspayKTestTxns849","frequency":"ASPRESENTED","end_date":"2633068438","status":"ACTIVE","activated_at":"2023-06-09T07:59:32Z","last_activated_at":"2023-06-09T07:59:32Z","amount_rule":"VARIABLE","last_updated":"2023-06-09T07:59:32Z","start_date":"1686293709","mandate_debit_token":"tkn_88620327ecf64826ad5cea548a1554d4","customer_id":"cst_z1fsoxwyhvp5gj13","mandate_id":"hyhTD5Ga4jJ2KXZwwnyh4A","block_fund":false,"currency":"INR","max_amount":20,"mandate_token":"4a1d3fd9727e4b95bdc5cfd60aa12530","revokable_by_customer":true,"payment_info":{"payment_method":"PAY","payment_method_type":"UPI"},"mandate_type":"EMANDATE"}"#;

/// DEMO `mandates/revoke/upi.json`.
const REVOKED: &str = r#"{"mandate_status":"REVOKED","mandate_id":"hyhTD5Ga4jJ2KXZwwnyh4A"}"#;

/// DEMO `mandates/execution/response.json`.
const EXECUTED: &str = r#"{"txn_uuid":"eulmN9X8JpeC7qK6AJq","txn_id":"merchant_id-order_id-1","status":"PENDING_VBV","payment":{"authentication":{"url":"https://api.juspay.in/v2/pay/finish/merchant_id/eulmN9X8JpeCxxxxxJq/2621","method":"GET"}},"order_id":"exec-1"}"#;

/// Mandate Execution API, failure table.
const DUPLICATE_ORDER: &str = r#"{"status_id":40,"status":"DUPLICATE_ORDER_ID","error_message":"Order already exists with the given order_id"}"#;

fn execution() -> MandateExecution {
    MandateExecution {
        order_id: "exec-1".into(),
        amount: "10.00".into(),
        customer_id: "cst_z1fsoxwyhvp5gj13".into(),
        mandate_id: "hyhTD5Ga4jJ2KXZwwnyh4A".into(),
        execution_date: Some("1622369936".into()),
        ..Default::default()
    }
}

#[test]
fn mandate_status_is_a_form_post_and_reads_juspays_sample() {
    let (url, server) = script(vec![Step::Answer("200 OK", ACTIVE.into())]);
    let mandate = client(&url)
        .get_mandate_blocking("hyhTD5Ga4jJ2KXZwwnyh4A".into(), "cust-1".into())
        .unwrap();
    let seen = server.join().unwrap();
    assert_eq!(
        seen[0].request_line,
        "POST /mandates/hyhTD5Ga4jJ2KXZwwnyh4A HTTP/1.1"
    );
    assert_eq!(
        seen[0].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(seen[0].headers["x-routing-id"], "cust-1");
    assert!(!seen[0].headers.contains_key("version"));
    assert_eq!(seen[0].body, "command=check_status");
    assert_eq!(mandate.status, MandateState::Active);
    assert_eq!(mandate.max_amount.as_deref(), Some("20"));
    assert_eq!(mandate.frequency.as_deref(), Some("ASPRESENTED"));
    assert_eq!(mandate.start_date.as_deref(), Some("1686293709"));
    assert_eq!(mandate.block_fund, Some(false));
    assert_eq!(mandate.payment_method_type.as_deref(), Some("UPI"));
    let shown = format!("{mandate:?}");
    assert!(
        !shown.contains("4a1d3fd9727e4b95bdc5cfd60aa12530"),
        "{shown}"
    );
}

#[test]
fn revoke_sends_the_command_and_reads_the_short_answer() {
    let (url, server) = script(vec![Step::Answer("200 OK", REVOKED.into())]);
    let mandate = client(&url)
        .revoke_mandate_blocking("hyhTD5Ga4jJ2KXZwwnyh4A".into(), "cust-1".into())
        .unwrap();
    assert_eq!(server.join().unwrap()[0].body, "command=revoke");
    assert_eq!(mandate.status, MandateState::Revoked);
    assert_eq!(mandate.mandate_id, "hyhTD5Ga4jJ2KXZwwnyh4A");
}

#[test]
fn revoking_a_revoked_mandate_returns_it() {
    // A lost answer: the first attempt revoked it; the repeat is refused; status says REVOKED.
    let refused = r#"{"status":"Invalid Request","error_code":"bad_request","error_message":"Mandate is not active"}"#;
    let (url, server) = script(vec![
        Step::Answer("400 Bad Request", refused.into()),
        Step::Answer("200 OK", ACTIVE.replace("\"ACTIVE\"", "\"REVOKED\"")),
    ]);
    let mandate = client(&url)
        .revoke_mandate_blocking("hyhTD5Ga4jJ2KXZwwnyh4A".into(), "cust-1".into())
        .unwrap();
    assert_eq!(mandate.status, MandateState::Revoked);
    let seen = server.join().unwrap();
    assert_eq!(seen[1].body, "command=check_status");

    // Refused while still active: the refusal stands.
    let (url, server) = script(vec![
        Step::Answer("400 Bad Request", refused.into()),
        Step::Answer("200 OK", ACTIVE.into()),
    ]);
    let error = client(&url)
        .revoke_mandate_blocking("hyhTD5Ga4jJ2KXZwwnyh4A".into(), "cust-1".into())
        .unwrap_err();
    assert_eq!(error.error_code(), Some("bad_request"));
    server.join().unwrap();
}

#[test]
fn execution_sends_juspays_fields_and_reads_the_transaction() {
    let (url, server) = script(vec![Step::Answer("200 OK", EXECUTED.into())]);
    let result = client(&url).execute_mandate_blocking(execution()).unwrap();
    let seen = server.join().unwrap();
    assert_eq!(seen[0].request_line, "POST /txns HTTP/1.1");
    assert_eq!(
        seen[0].body,
        "order.order_id=exec-1&order.amount=10.00&order.customer_id=cst_z1fsoxwyhvp5gj13&merchant_id=merchant_1&mandate_id=hyhTD5Ga4jJ2KXZwwnyh4A&mandate.execution_date=1622369936&format=json"
    );
    assert_eq!(seen[0].headers["x-routing-id"], "cst_z1fsoxwyhvp5gj13");
    assert_eq!(result.order_id, "exec-1");
    assert_eq!(result.status, OrderState::PendingVbv);
    assert_eq!(result.txn_id.as_deref(), Some("merchant_id-order_id-1"));
    assert_eq!(result.authentication_method.as_deref(), Some("GET"));
}

#[test]
fn a_repeated_execution_returns_the_existing_debit() {
    let order = r#"{"order_id":"exec-1","status":"CHARGED","status_id":21,"amount":10,"txn_id":"m-exec-1-1","mandate":{"mandate_id":"hyhTD5Ga4jJ2KXZwwnyh4A","mandate_status":"ACTIVE"}}"#;
    let (url, server) = script(vec![
        Step::Drop,
        Step::Answer("400 Bad Request", DUPLICATE_ORDER.into()),
        Step::Answer("200 OK", order.into()),
    ]);
    let result = client(&url).execute_mandate_blocking(execution()).unwrap();
    assert_eq!(result.status, OrderState::Charged);
    assert_eq!(result.txn_id.as_deref(), Some("m-exec-1-1"));
    let seen = server.join().unwrap();
    assert_eq!(seen[0].body, seen[1].body);
    assert_eq!(seen[2].request_line, "GET /orders/exec-1 HTTP/1.1");

    // Another mandate's order under this id: the refusal stands.
    let other = order.replace("hyhTD5Ga4jJ2KXZwwnyh4A", "someOtherMandate");
    let (url, server) = script(vec![
        Step::Answer("400 Bad Request", DUPLICATE_ORDER.into()),
        Step::Answer("200 OK", other),
    ]);
    let error = client(&url)
        .execute_mandate_blocking(execution())
        .unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::InvalidRequest { .. }),
        "{error:?}"
    );
    assert_eq!(error.api_status(), Some("DUPLICATE_ORDER_ID"));
    server.join().unwrap();
}

#[test]
fn invalid_mandate_calls_are_never_sent() {
    let client = client("http://127.0.0.1:9");
    let error = client
        .get_mandate_blocking("../x".into(), "".into())
        .unwrap_err();
    let fields: Vec<_> = error
        .violations()
        .iter()
        .map(|v| (v.field.as_str(), v.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("mandate_id", "invalid_characters"),
            ("routing_id", "required")
        ]
    );
    let bad = MandateExecution {
        order_id: "x".repeat(27),
        amount: "0".into(),
        customer_id: String::new(),
        mandate_id: String::new(),
        execution_date: Some("soon".into()),
        currency: Some("inr".into()),
        routing_id: None,
    };
    let error = client.execute_mandate_blocking(bad.clone()).unwrap_err();
    let fields: Vec<_> = error
        .violations()
        .iter()
        .map(|v| (v.field.as_str(), v.code.as_str()))
        .collect();
    assert_eq!(
        fields,
        [
            ("order.order_id", "too_long"),
            ("order.amount", "invalid_amount"),
            ("order.customer_id", "required"),
            ("mandate_id", "required"),
            ("mandate.execution_date", "invalid_epoch_seconds"),
            ("order.currency", "invalid_currency"),
        ]
    );
    assert_eq!(validate_mandate_execution(&bad), error.violations());
}
