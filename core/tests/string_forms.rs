//! How records and enums print (issue 12): customer data and secrets never, wire names
//! always. The same vectors (`testdata/redaction.json`) run in every binding's tests, where
//! these texts are `toString()`, `description` and `str()`.

use std::collections::HashMap;

use hypercheckout::*;
use serde_json::Value;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/redaction.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key}"))
        .to_owned()
}

/// Both string forms of `value`: neither shows a canary; `redacted` shows something was hidden.
fn assert_redacted(
    v: &Value,
    label: &str,
    value: &(impl std::fmt::Display + std::fmt::Debug),
    hides: bool,
) {
    for form in [format!("{value}"), format!("{value:?}")] {
        for (name, canary) in v["canaries"].as_object().unwrap() {
            let canary = canary.as_str().unwrap();
            assert!(!form.contains(canary), "{label} shows {name}: {form}");
        }
        if hides {
            assert!(form.contains("[redacted]"), "{label} hides nothing: {form}");
        }
    }
}

fn ok_headers() -> HashMap<String, String> {
    HashMap::from([("content-type".into(), "application/json".into())])
}

#[test]
fn no_record_prints_customer_data_or_secrets() {
    let v = vectors();
    let canary = |name: &str| v["canaries"][name].as_str().unwrap().to_owned();

    let request = parse_session_request(text(&v, "session_request_json")).unwrap();
    assert_eq!(
        request.customer_email.as_deref(),
        Some(canary("customer_email").as_str())
    );
    assert_redacted(&v, "SessionRequest", &request, true);

    let session =
        parse_session_response(200, &ok_headers(), &text(&v, "session_response_body")).unwrap();
    let details = &session.sdk_payload.payload;
    assert_eq!(
        details.client_auth_token.as_deref(),
        Some(canary("client_auth_token").as_str())
    );
    assert_eq!(
        details.customer_phone.as_deref(),
        Some(canary("customer_phone").as_str())
    );
    assert_redacted(&v, "Session", &session, true);
    assert_redacted(&v, "SdkPayload", &session.sdk_payload, true);
    assert_redacted(&v, "SdkPayloadDetails", details, true);

    let order =
        parse_order_status_response(200, &ok_headers(), &text(&v, "order_status_body")).unwrap();
    assert_eq!(
        order.payer_vpa.as_deref(),
        Some(canary("payer_vpa").as_str())
    );
    assert!(order.raw_json.contains(&canary("customer_email")));
    assert_redacted(&v, "OrderStatus", &order, true);
    assert!(order.to_string().contains("status=CHARGED"), "{order}");

    let mandate = parse_mandate_response(200, &ok_headers(), &text(&v, "mandate_body")).unwrap();
    assert_eq!(
        mandate.mandate_token.as_deref(),
        Some(canary("mandate_token").as_str())
    );
    assert_redacted(&v, "MandateDetails", &mandate, true);
    assert!(mandate.to_string().contains("status=ACTIVE"), "{mandate}");

    let execution =
        parse_mandate_execution_response(200, &ok_headers(), &text(&v, "mandate_execution_body"))
            .unwrap();
    assert!(execution.raw_json.contains(&canary("customer_email")));
    assert_redacted(&v, "MandateExecutionResult", &execution, true);

    for key in ["order_webhook_body", "mandate_webhook_body"] {
        let event = parse_webhook(&text(&v, key)).unwrap();
        assert!(event.order.is_some() || event.mandate.is_some(), "{key}");
        assert_redacted(&v, key, &event, true);
    }

    // Records without secrets print all they hold, and still no canary.
    let refund = RefundRequest {
        order_id: "order-canary".into(),
        unique_request_id: "r-1".into(),
        amount: Some("1.00".into()),
        routing_id: "cust-canary".into(),
    };
    assert_redacted(&v, "RefundRequest", &refund, false);
    assert_eq!(
        refund.to_string(),
        r#"RefundRequest(order_id="order-canary", unique_request_id="r-1", amount="1.00", routing_id="cust-canary")"#
    );
    let execution = MandateExecution {
        order_id: "exec-1".into(),
        amount: "1.00".into(),
        customer_id: "cust-canary".into(),
        mandate_id: "mdt-canary".into(),
        ..Default::default()
    };
    assert_redacted(&v, "MandateExecution", &execution, false);

    let config = ClientConfig::new("merchant", canary("api_key"), Environment::Sandbox);
    let form = format!("{config:?}");
    assert!(
        !form.contains(&canary("api_key")) && form.contains("[redacted]"),
        "{form}"
    );
}

#[test]
fn validation_errors_do_not_echo_customer_data() {
    let v = vectors();
    let request = parse_session_request(text(&v, "invalid_session_request_json")).unwrap();
    let violations = validate::validate(&request);
    let fields: Vec<_> = violations.iter().map(|x| x.field.as_str()).collect();
    assert!(
        fields.contains(&"customer_email") && fields.contains(&"customer_phone"),
        "{fields:?}"
    );
    let client = Client::new(ClientConfig {
        base_url: Some("http://127.0.0.1:9".into()),
        ..ClientConfig::new(
            "merchant",
            text(&v["canaries"], "api_key"),
            Environment::Sandbox,
        )
    })
    .unwrap();
    let error = client.create_session_blocking(request).unwrap_err();
    assert!(
        matches!(error, HyperCheckoutError::Validation { .. }),
        "{error:?}"
    );
    let texts = [format!("{error}"), format!("{error:?}")]
        .into_iter()
        .chain(violations.iter().map(|x| format!("{x} {x:?}")));
    for form in texts {
        for (name, canary) in v["canaries"].as_object().unwrap() {
            assert!(
                !form.contains(canary.as_str().unwrap()),
                "error text shows {name}: {form}"
            );
        }
    }
}

#[test]
fn enums_print_their_wire_names() {
    let v = vectors();
    let names = &v["enum_wire_names"];
    let expect = |key: &str, shown: String| assert_eq!(shown, text(names, key), "{key}");
    expect("order_state_charged", OrderState::Charged.to_string());
    expect("order_state_new", OrderState::New.to_string());
    expect("mandate_state_active", MandateState::Active.to_string());
    expect(
        "webhook_event_order_succeeded",
        WebhookEventName::OrderSucceeded.to_string(),
    );
    expect("action_payment_page", Action::PaymentPage.to_string());
    expect("action_quick_pay", Action::QuickPay.to_string());
    expect(
        "mandate_frequency_as_presented",
        MandateFrequency::AsPresented.to_string(),
    );
    expect("amount_rule_fixed", AmountRule::Fixed.to_string());
    expect(
        "create_mandate_required",
        CreateMandate::Required.to_string(),
    );
    // Open sets print an unknown name as received.
    let unknown = OrderState::from_name("SOMETHING_NEW");
    assert_eq!(unknown.to_string(), "SOMETHING_NEW");
}
