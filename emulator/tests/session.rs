//! POST /session over real HTTP: success shape, auth, headers and every validation rule.

mod common;

use common::*;
use hypercheckout_emulator::{
    Credential, Emulator, EmulatorConfig, DEFAULT_API_KEY, DEFAULT_MERCHANT_ID,
};
use serde_json::{json, Value};

fn is_iso_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[tokio::test]
async fn success_has_the_reference_shape() {
    let emu = emu();
    let c = client();
    let resp = session(&c, &emu, "cust-1")
        .json(&valid_body("testing-order-one"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let rid = resp.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: Value = resp.json().await.unwrap();

    let top: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        top,
        [
            "id",
            "order_expiry",
            "order_id",
            "payment_links",
            "sdk_payload",
            "status"
        ]
    );
    // Expiries as Juspay's session/v2 sample: order, link and payload expire together,
    // the token no later.
    let expiry = body["order_expiry"].as_str().unwrap();
    assert!(is_iso_utc(expiry), "{expiry}");
    assert_eq!(body["payment_links"]["expiry"], expiry);
    assert_eq!(body["sdk_payload"]["expiry"], expiry);
    assert!(
        body["sdk_payload"]["payload"]["clientAuthTokenExpiry"]
            .as_str()
            .unwrap()
            <= expiry
    );
    assert_eq!(body["status"], "NEW");
    assert_eq!(body["order_id"], "testing-order-one");
    let id = body["id"].as_str().unwrap();
    assert!(id.starts_with("ordeh_"));
    assert_eq!(id.len(), 26);
    assert!(id[6..]
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    assert_eq!(
        body["payment_links"]["web"],
        format!("{}/orders/{id}/payment-page", emu.url())
    );
    let sdk = &body["sdk_payload"];
    assert_eq!(sdk["service"], "in.juspay.hyperpay");
    let request_id = sdk["requestId"].as_str().unwrap();
    assert_eq!(request_id.len(), 32);
    assert!(request_id.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(request_id, rid);

    let p = &sdk["payload"];
    let mut keys: Vec<&str> = p.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    let mut expected = vec![
        "clientId",
        "amount",
        "merchantId",
        "clientAuthToken",
        "clientAuthTokenExpiry",
        "environment",
        "options.getUpiDeepLinks",
        "lastName",
        "action",
        "customerId",
        "returnUrl",
        "currency",
        "firstName",
        "customerPhone",
        "customerEmail",
        "orderId",
        "description",
    ];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(p["clientId"], "yourClientId");
    assert_eq!(p["amount"], "1.0");
    assert_eq!(p["merchantId"], DEFAULT_MERCHANT_ID);
    assert!(p["clientAuthToken"].as_str().unwrap().starts_with("tkn_"));
    let expiry = p["clientAuthTokenExpiry"].as_str().unwrap();
    assert!(is_iso_utc(expiry), "{expiry}");
    assert_eq!(p["environment"], "sandbox");
    assert_eq!(p["options.getUpiDeepLinks"], "true");
    assert_eq!(p["lastName"], "wick");
    assert_eq!(p["firstName"], "John");
    assert_eq!(p["action"], "paymentPage");
    assert_eq!(p["customerId"], "testing-customer-one");
    assert_eq!(p["returnUrl"], "https://shop.merchant.com");
    assert_eq!(p["currency"], "INR");
    assert_eq!(p["customerPhone"], "9876543210");
    assert_eq!(p["customerEmail"], "test@mail.com");
    assert_eq!(p["orderId"], "testing-order-one");
    assert_eq!(p["description"], "Complete your payment");
}

#[tokio::test]
async fn minimal_guest_request_omits_absent_keys() {
    let emu = emu();
    let body = json!({
        "order_id": "o_1",
        "amount": "100",
        "customer_id": "",
        "payment_page_client_id": "cid",
        "action": "paymentPage",
        "currency": "AED",
        "offer_code": "X",
        "theme": {"any": "thing"},
        "udf6": "special!chars_ok",
        "language": "EN"
    });
    let v = create(&client(), &emu, &body).await;
    let p = v["sdk_payload"]["payload"].as_object().unwrap();
    assert_eq!(p["customerId"], "");
    assert_eq!(p["currency"], "AED");
    assert_eq!(p["action"], "paymentPage");
    for absent in [
        "lastName",
        "firstName",
        "returnUrl",
        "customerPhone",
        "customerEmail",
        "description",
    ] {
        assert!(!p.contains_key(absent), "{absent}");
    }
}

#[tokio::test]
async fn every_response_has_a_request_id() {
    let emu = emu();
    let c = client();
    let a = c.get(format!("{}/nope", emu.url())).send().await.unwrap();
    let b = c
        .get(format!("{}/__emulator/stats", emu.url()))
        .send()
        .await
        .unwrap();
    let ra = a.headers()["x-request-id"].to_str().unwrap().to_string();
    let rb = b.headers()["x-request-id"].to_str().unwrap().to_string();
    assert_ne!(ra, rb);
    assert_eq!(a.status(), 404);
    let body: Value = a.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_code"], "not_found");
    assert!(body["error_message"].is_string());
}

#[tokio::test]
async fn wrong_method_is_405_json() {
    let emu = emu();
    let resp = client()
        .get(format!("{}/session", emu.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "error");
}

async fn expect_401(resp: reqwest::Response) {
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().contains_key("x-request-id"));
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["status"], "error");
    assert_eq!(body["error_code"], "access_denied");
    assert!(body["error_message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn unauthorized_variants() {
    let emu = emu();
    let c = client();
    let url = format!("{}/session", emu.url());
    let body = valid_body("o1");
    let base = || {
        c.post(&url)
            .header("x-merchantid", DEFAULT_MERCHANT_ID)
            .header("x-routing-id", "r")
            .json(&body)
    };
    expect_401(base().send().await.unwrap()).await; // no Authorization
    expect_401(
        base()
            .header("authorization", basic("wrong"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    expect_401(
        base()
            .header("authorization", "Bearer emulator_api_key")
            .send()
            .await
            .unwrap(),
    )
    .await;
    expect_401(
        base()
            .header("authorization", "Basic !!!")
            .send()
            .await
            .unwrap(),
    )
    .await;
    // base64("emulator_api_key") without the colon
    expect_401(
        base()
            .header("authorization", "Basic ZW11bGF0b3JfYXBpX2tleQ==")
            .send()
            .await
            .unwrap(),
    )
    .await;
    // a non-empty password
    expect_401(
        base()
            .basic_auth(DEFAULT_API_KEY, Some("pw"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    // right key, other merchant
    expect_401(
        c.post(&url)
            .header("authorization", basic(DEFAULT_API_KEY))
            .header("x-merchantid", "someone_else")
            .header("x-routing-id", "r")
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    // reqwest's own basic_auth with an empty password is accepted
    let ok = base()
        .basic_auth(DEFAULT_API_KEY, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn several_credentials() {
    let emu = Emulator::spawn(EmulatorConfig {
        credentials: vec![Credential::new("m1", "k1"), Credential::new("m2", "k2")],
        ..Default::default()
    })
    .unwrap();
    let c = client();
    let send = |m: &str, k: &str| {
        c.post(format!("{}/session", emu.url()))
            .header("authorization", basic(k))
            .header("x-merchantid", m)
            .header("x-routing-id", "r")
            .json(&valid_body("o1"))
            .send()
    };
    assert_eq!(send("m1", "k1").await.unwrap().status(), 200);
    assert_eq!(send("m2", "k2").await.unwrap().status(), 200);
    assert_eq!(send("m1", "k2").await.unwrap().status(), 401);
    assert_eq!(
        send(DEFAULT_MERCHANT_ID, DEFAULT_API_KEY)
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn missing_headers_are_400() {
    let emu = emu();
    let c = client();
    let url = format!("{}/session", emu.url());
    let resp = c
        .post(&url)
        .header("authorization", basic(DEFAULT_API_KEY))
        .json(&valid_body("o1"))
        .send()
        .await
        .unwrap();
    let (body, fields) = expect_400(resp).await;
    assert_eq!(fields, ["x-merchantid", "x-routing-id"]);
    assert_eq!(body["error_code"], "Mandatory fields are missing");
    assert_eq!(body["error_info"]["code"], "MISSING_MANDATORY_PARAMETER");

    let resp = c
        .post(&url)
        .header("authorization", basic(DEFAULT_API_KEY))
        .header("x-merchantid", DEFAULT_MERCHANT_ID)
        .json(&valid_body("o1"))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["x-routing-id"]);
}

#[tokio::test]
async fn content_type_and_json_errors() {
    let emu = emu();
    let c = client();
    let text = serde_json::to_string(&valid_body("o1")).unwrap();
    let resp = session(&c, &emu, "r")
        .header("content-type", "text/plain")
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["Content-Type"]);
    let resp = session(&c, &emu, "r")
        .body(text.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(expect_400(resp).await.1, ["Content-Type"]);
    let resp = session(&c, &emu, "r")
        .header("content-type", "application/json; charset=utf-8")
        .body(text)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    for bad in ["{not json", "", "[1,2]", "\"str\""] {
        let resp = session(&c, &emu, "r")
            .header("content-type", "application/json")
            .body(bad)
            .send()
            .await
            .unwrap();
        let (body, fields) = expect_400(resp).await;
        assert_eq!(fields, ["body"], "{bad}");
        assert_eq!(body["error_code"], "invalid_request");
        assert_eq!(body["error_info"]["code"], "INVALID_INPUT");
    }
}

/// (modifications to the valid body, expected field names, expected "missing" flavour)
type Changes = Vec<(&'static str, Option<Value>)>;

fn cases() -> Vec<(Changes, Vec<&'static str>, bool)> {
    use serde_json::json as j;
    let s = |v: &str| Some(j!(v));
    vec![
        // required fields
        (vec![("order_id", None)], vec!["order_id"], true),
        (vec![("amount", None)], vec!["amount"], true),
        (vec![("customer_id", None)], vec!["customer_id"], true),
        (
            vec![("payment_page_client_id", None)],
            vec!["payment_page_client_id"],
            true,
        ),
        (vec![("action", None)], vec!["action"], true),
        (
            vec![("order_id", None), ("amount", None)],
            vec!["order_id", "amount"],
            true,
        ),
        (
            vec![("payment_page_client_id", s(""))],
            vec!["payment_page_client_id"],
            false,
        ),
        (vec![("action", s("checkout"))], vec!["action"], false),
        // order_id
        (vec![("order_id", s(""))], vec!["order_id"], false),
        (
            vec![("order_id", s("abcdefghij0123456789X"))],
            vec!["order_id"],
            false,
        ),
        (vec![("order_id", s("order 1"))], vec!["order_id"], false),
        (vec![("order_id", s("order.1"))], vec!["order_id"], false),
        // amount
        (vec![("amount", s("100.1532"))], vec!["amount"], false),
        (vec![("amount", s("-1"))], vec!["amount"], false),
        (vec![("amount", s("1e3"))], vec!["amount"], false),
        (vec![("amount", s(""))], vec!["amount"], false),
        (vec![("amount", s("0"))], vec!["amount"], false),
        (vec![("amount", s("0.00"))], vec!["amount"], false),
        (vec![("amount", s(".5"))], vec!["amount"], false),
        (vec![("amount", s("1."))], vec!["amount"], false),
        (vec![("amount", s(" 1"))], vec!["amount"], false),
        (vec![("amount", Some(j!(100)))], vec!["amount"], false),
        // email
        (
            vec![("customer_email", s("not-an-email"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("a@b@c.com"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("_a@b.com"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("a.@b.com"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("a@b.com."))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("a@_b.com"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("a b@c.com"))],
            vec!["customer_email"],
            false,
        ),
        (
            vec![("customer_email", s("@c.com"))],
            vec!["customer_email"],
            false,
        ),
        // lengths
        (
            vec![("customer_phone", Some(j!("9".repeat(301))))],
            vec!["customer_phone"],
            false,
        ),
        (
            vec![("customer_id", Some(j!("c".repeat(301))))],
            vec!["customer_id"],
            false,
        ),
        (
            vec![("description", Some(j!("d".repeat(256))))],
            vec!["description"],
            false,
        ),
        (
            vec![(
                "metadata.JUSPAY:gateway_reference_id",
                Some(j!("m".repeat(256))),
            )],
            vec!["metadata.JUSPAY:gateway_reference_id"],
            false,
        ),
        // return_url
        (
            vec![("return_url", s("http://shop.merchant.com"))],
            vec!["return_url"],
            false,
        ),
        (
            vec![("return_url", s("https://shop.merchant.com/done?x=1"))],
            vec!["return_url"],
            false,
        ),
        (
            vec![("return_url", s("https://10.0.0.1/done"))],
            vec!["return_url"],
            false,
        ),
        (
            vec![("return_url", s("https://[2001:db8::1]/done"))],
            vec!["return_url"],
            false,
        ),
        (
            vec![("return_url", s("/relative/path"))],
            vec!["return_url"],
            false,
        ),
        (
            vec![(
                "return_url",
                Some(j!(format!("https://shop.com/{}", "p".repeat(250)))),
            )],
            vec!["return_url"],
            false,
        ),
        // names
        (vec![("first_name", s("John!"))], vec!["first_name"], false),
        (vec![("last_name", s("O'Neil"))], vec!["last_name"], false),
        (
            vec![("last_name", Some(j!("w".repeat(256))))],
            vec!["last_name"],
            false,
        ),
        // currency
        (vec![("currency", s("inr"))], vec!["currency"], false),
        (vec![("currency", s("INRR"))], vec!["currency"], false),
        // udfs
        (vec![("udf1", s("has_underscore"))], vec!["udf1"], false),
        (vec![("udf5", s("semi;colon"))], vec!["udf5"], false),
        (
            vec![("udf3", Some(j!("u".repeat(256))))],
            vec!["udf3"],
            false,
        ),
        (
            vec![("udf7", Some(j!("u".repeat(256))))],
            vec!["udf7"],
            false,
        ),
        // mandates
        (
            vec![("mandate.max_amount", s("100"))],
            vec!["options.create_mandate"],
            true,
        ),
        (
            vec![("options.create_mandate", s("OPTIONAL"))],
            vec!["mandate.max_amount"],
            true,
        ),
        (
            vec![
                ("options.create_mandate", s("ALWAYS")),
                ("mandate.max_amount", s("100")),
            ],
            vec!["options.create_mandate"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("123456789")),
            ],
            vec!["mandate.max_amount"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("10.123")),
            ],
            vec!["mandate.max_amount"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("HOURLY")),
            ],
            vec!["mandate.frequency"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("WEEKLY")),
                ("mandate.rule_value", s("8")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("FORTNIGHTLY")),
                ("mandate.rule_value", s("17")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("MONTHLY")),
                ("mandate.rule_value", s("32")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("YEARLY")),
                ("mandate.rule_value", s("0")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("DAILY")),
                ("mandate.rule_value", s("1")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.rule_value", s("1")),
            ],
            vec!["mandate.rule_value"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.amount_rule", s("SOMETIMES")),
            ],
            vec!["mandate.amount_rule"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.start_date", s("12345678901")),
            ],
            vec!["mandate.start_date"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.end_date", s("2024-01-01")),
            ],
            vec!["mandate.end_date"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.start_date", s("1633088989")),
                ("mandate.end_date", s("1633087969")),
            ],
            vec!["mandate.end_date"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.revokable_by_customer", Some(j!(false))),
            ],
            vec!["mandate.revokable_by_customer"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("MONTHLY")),
                ("mandate.revokable_by_customer", s("false")),
            ],
            vec!["mandate.revokable_by_customer"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("ONETIME")),
                ("mandate.block_funds", Some(j!(false))),
            ],
            vec!["mandate.block_funds"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.frequency", s("MONTHLY")),
                ("mandate.block_funds", s("true")),
            ],
            vec!["mandate.block_funds"],
            false,
        ),
        (
            vec![
                ("options.create_mandate", s("REQUIRED")),
                ("mandate.max_amount", s("100")),
                ("mandate.block_funds", s("yes")),
            ],
            vec!["mandate.block_funds"],
            false,
        ),
        // several problems at once are all reported
        (
            vec![
                ("amount", s("abc")),
                ("customer_email", s("x")),
                ("currency", s("rupees")),
                ("udf2", s("a-b")),
            ],
            vec!["amount", "customer_email", "currency", "udf2"],
            false,
        ),
    ]
}

#[tokio::test]
async fn each_rule_is_enforced() {
    let emu = emu();
    let c = client();
    for (i, (changes, expected, missing)) in cases().into_iter().enumerate() {
        let mut body = valid_body(&format!("rule{i}"));
        for (k, v) in &changes {
            match v {
                Some(v) => body[*k] = v.clone(),
                None => {
                    body.as_object_mut().unwrap().remove(*k);
                }
            }
        }
        let resp = session(&c, &emu, "rules").json(&body).send().await.unwrap();
        let (err, mut fields) = expect_400(resp).await;
        fields.sort();
        let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(fields, expected, "case {i}: {changes:?} -> {err}");
        let (code, info) = if missing {
            (
                "Mandatory fields are missing",
                "MISSING_MANDATORY_PARAMETER",
            )
        } else {
            ("invalid_request", "INVALID_INPUT")
        };
        assert_eq!(err["error_code"], code, "case {i}: {err}");
        assert_eq!(err["error_info"]["code"], info, "case {i}");
        for f in &expected {
            assert!(
                err["error_message"].as_str().unwrap().contains(f.as_str()),
                "case {i}: {err}"
            );
        }
    }
}

#[tokio::test]
async fn valid_edge_cases_are_accepted() {
    let emu = emu();
    let c = client();
    let cases: Vec<Vec<(&str, Value)>> = vec![
        vec![("order_id", json!("abcdefghij0123456789"))],
        vec![("order_id", json!("order_1727694028"))],
        vec![("amount", json!("100.15"))],
        vec![("amount", json!("100"))],
        vec![("customer_email", json!("a.b+c!#$%&'*/=?^{|}~-@x-y.co"))],
        vec![(
            "return_url",
            json!("https://shop.merchant.com/pay/done#frag"),
        )],
        vec![("return_url", json!("https://localhost:8443/x"))],
        vec![("first_name", json!("Jöhn (Jr.) O-Neil_x"))],
        vec![
            ("udf1", json!("user 5349")),
            ("udf6", json!("user_5349!@#")),
        ],
        vec![("customer_id", json!(""))],
        vec![
            ("options.create_mandate", json!("REQUIRED")),
            ("mandate.max_amount", json!("1000.0")),
            ("mandate.start_date", json!("1633087969")),
            ("mandate.end_date", json!("1633088989")),
            ("mandate.frequency", json!("ASPRESENTED")),
            ("mandate.amount_rule", json!("VARIABLE")),
            ("mandate.revokable_by_customer", json!(true)),
            ("mandate.block_funds", json!(false)),
        ],
        vec![
            ("options.create_mandate", json!("OPTIONAL")),
            ("mandate.amount_rule", json!("FIXED")),
            ("mandate.frequency", json!("ONETIME")),
            ("mandate.revokable_by_customer", json!("false")),
            ("mandate.block_funds", json!("true")),
        ],
        vec![
            ("options.create_mandate", json!("REQUIRED")),
            ("mandate.max_amount", json!("99999.99")),
            ("mandate.frequency", json!("WEEKLY")),
            ("mandate.rule_value", json!("7")),
        ],
    ];
    for (i, changes) in cases.into_iter().enumerate() {
        let mut body = valid_body(&format!("ok{i}"));
        for (k, v) in &changes {
            body[*k] = v.clone();
        }
        let resp = session(&c, &emu, "edge").json(&body).send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 200, "case {i}: {changes:?} -> {text}");
    }
}

#[tokio::test]
async fn repeated_order_id_same_amount_gets_same_id_fresh_token() {
    let emu = emu();
    let c = client();
    let a = create(&c, &emu, &valid_body("repeat-1")).await;
    let mut again = valid_body("repeat-1");
    again["amount"] = json!("1.00");
    let b = create(&c, &emu, &again).await;
    assert_eq!(a["id"], b["id"]);
    assert_ne!(
        a["sdk_payload"]["payload"]["clientAuthToken"],
        b["sdk_payload"]["payload"]["clientAuthToken"]
    );
    let mut other = valid_body("repeat-1");
    other["amount"] = json!("2.00");
    let resp = session(&c, &emu, "r").json(&other).send().await.unwrap();
    let (err, fields) = expect_400(resp).await;
    assert_eq!(err["error_code"], "duplicate.call");
    assert_eq!(err["error_info"]["code"], "DUPLICATE_REQUEST");
    assert_eq!(fields, ["amount"]);
}

/// The emulator can be used from plain synchronous code (own thread, own runtime).
#[test]
fn works_from_sync_code() {
    use std::io::{Read, Write};
    let emu = emu();
    let addr = emu.url().trim_start_matches("http://").to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /__emulator/stats?routing_id=x HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.ends_with("{\"count\":0,\"total\":0}"), "{out}");
    emu.shutdown();
    assert!(std::net::TcpStream::connect(&addr).is_err());
}
