//! Every error's text is one sentence with the request id when there is one (issue 12,
//! item 1): the bindings show this `Display` as Python `str(e)`, Kotlin/Java `toString()` and
//! Swift `description`/`localizedDescription`.

use hypercheckout::HyperCheckoutError;

#[test]
fn an_unexpected_response_names_its_request_id() {
    let with_id = HyperCheckoutError::UnexpectedResponse {
        http_status: 502,
        reason: "not JSON".into(),
        body_excerpt: "<html>".into(),
        request_id: Some("req-502".into()),
    };
    assert_eq!(
        with_id.to_string(),
        "unexpected response (HTTP 502): not JSON; body starts: \"<html>\" [request id req-502]"
    );
    let without = HyperCheckoutError::UnexpectedResponse {
        http_status: 502,
        reason: "not JSON".into(),
        body_excerpt: "<html>".into(),
        request_id: None,
    };
    assert_eq!(
        without.to_string(),
        "unexpected response (HTTP 502): not JSON; body starts: \"<html>\""
    );
}

#[test]
fn an_api_error_is_code_message_and_request_id() {
    let e = HyperCheckoutError::RateLimited {
        http_status: 429,
        status: Some("error".into()),
        error_code: Some("request.exceeded".into()),
        error_message: Some("Too many requests".into()),
        user_message: None,
        request_id: Some("5f3c".into()),
        error_info: None,
        body_excerpt: "{}".into(),
        retry_after_seconds: Some(7),
    };
    assert_eq!(
        e.to_string(),
        "rate limited (HTTP 429): request.exceeded: Too many requests [request id 5f3c]"
    );
}
