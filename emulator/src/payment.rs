//! The hosted payment page: `GET /orders/{id}/payment-page`, `POST /orders/{id}/pay`, the
//! signed redirect to `return_url`, and the best-effort webhook.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::server::{lock, order_status_json, simple_error, AppState};
use crate::signature::{form_encode, return_url_signature};
use crate::util::{html_escape, now_epoch};

fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

fn unknown_order(id: &str) -> Response {
    simple_error(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("Order {id} not found"),
    )
}

pub(crate) async fn payment_page(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
) -> Response {
    let Some(order) = lock(&st.orders).get_by_id(&id).cloned() else {
        return unknown_order(&id);
    };
    let e = |s: &str| html_escape(s);
    let mut description = order
        .description
        .as_deref()
        .map(|d| format!("<p id=\"description\">{}</p>\n", e(d)))
        .unwrap_or_default();
    if order.mandate_terms.is_some() {
        description
            .push_str("<p id=\"mandate\">Paying registers a mandate for later debits.</p>\n");
    }
    let action = format!("/orders/{}/pay", e(&order.id));
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Emulator checkout: {order_id}</title>\n</head>\n<body>\n\
         <h1>HyperCheckout emulator</h1>\n\
         <p>Order <span id=\"order-id\">{order_id}</span></p>\n\
         <p>Amount <span id=\"amount\">{amount}</span> <span id=\"currency\">{currency}</span></p>\n\
         <p>Status <span id=\"status\">{status}</span></p>\n{description}\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"outcome\" value=\"success\">\
         <button id=\"pay\" type=\"submit\">Pay</button></form>\n\
         <form method=\"post\" action=\"{action}\">\
         <input type=\"hidden\" name=\"outcome\" value=\"failure\">\
         <button id=\"fail\" type=\"submit\">Fail</button></form>\n\
         </body>\n</html>\n",
        order_id = e(&order.order_id),
        amount = e(&order.amount),
        currency = e(&order.currency),
        status = e(order.status),
    );
    html(StatusCode::OK, page)
}

pub(crate) async fn pay(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut outcome = None;
    let query = uri.query().unwrap_or("").as_bytes().to_vec();
    for (k, v) in url::form_urlencoded::parse(&query).chain(url::form_urlencoded::parse(&body)) {
        if k == "outcome" {
            outcome = Some(v.into_owned());
        }
    }
    let success = match outcome.as_deref() {
        Some("success") => true,
        Some("failure") => false,
        _ => {
            return simple_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "form field outcome must be \"success\" or \"failure\"",
            )
        }
    };
    let (order, webhooks) = {
        let mut orders = lock(&st.orders);
        let Some(order) = orders.get_by_id_mut(&id) else {
            return unknown_order(&id);
        };
        if order.status == "CHARGED" {
            return simple_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!("Order {} has already been paid", order.order_id),
            );
        }
        order.attempts += 1;
        order.txn_id = Some(format!(
            "{}-{}-{}",
            order.merchant_id, order.order_id, order.attempts
        ));
        // Juspay's txn_uuids look like "eulwh5QbZSBvw35eWnH" (orders/order-status/card.json).
        order.txn_uuid = Some(format!("eul{}", crate::util::random_alnum(16)));
        (order.status, order.status_id) = if success {
            ("CHARGED", 21)
        } else {
            ("AUTHORIZATION_FAILED", 27)
        };
        order.last_updated = now_epoch();
        let key = (order.merchant_id.clone(), order.order_id.clone());
        // A mandate session's order registers its mandate with the payment: MANDATE_CREATED
        // before the order's event, MANDATE_ACTIVATED / MANDATE_FAILED after it.
        let (before, after) = crate::mandate::register_on_payment(&mut orders, &key, success);
        let order = orders.by_key.get(&key).expect("present").clone();
        let event = crate::webhook::event_body(
            if success {
                "ORDER_SUCCEEDED"
            } else {
                "ORDER_FAILED"
            },
            json!({"order": order_status_json(&orders, &order, &st.base_url)}),
        );
        let mut webhooks = before;
        webhooks.push(event);
        webhooks.extend(after);
        (order, webhooks)
    };
    for body in webhooks {
        crate::webhook::send(&st, body);
    }

    let status_id = order.status_id.to_string();
    let params = [
        ("order_id", order.order_id.as_str()),
        ("status", order.status),
        ("status_id", status_id.as_str()),
    ];
    let return_url = order
        .return_url
        .as_deref()
        .map(|url| rebase(url, st.redirect_base.as_ref()));
    match return_url.as_deref() {
        Some(return_url) => match signed_redirect(return_url, &params, &st.response_key) {
            Some(location) => {
                let body = format!(
                    "<!DOCTYPE html>\n<html><body><a href=\"{0}\">{0}</a></body></html>\n",
                    html_escape(&location)
                );
                let mut resp = html(StatusCode::FOUND, body);
                if let Ok(v) = HeaderValue::from_str(&location) {
                    resp.headers_mut().insert(header::LOCATION, v);
                }
                resp
            }
            None => simple_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Internal server Error",
                "stored return_url cannot be parsed",
            ),
        },
        None => {
            // Juspay would use the dashboard's return URL; the emulator has none, so it shows
            // the signed result instead.
            let mut all: Vec<(String, String)> = params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let signature = return_url_signature(&all, &st.response_key);
            all.push(("signature".into(), signature));
            all.push(("signature_algorithm".into(), "HMAC-SHA256".into()));
            let rows: String = all
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<dt>{}</dt><dd id=\"{0}\">{}</dd>\n",
                        html_escape(k),
                        html_escape(v)
                    )
                })
                .collect();
            html(
                StatusCode::OK,
                format!(
                    "<!DOCTYPE html>\n<html><body>\n<h1>Payment {}</h1>\n<p>No return_url was \
                     given for this order.</p>\n<dl>\n{rows}</dl>\n</body></html>\n",
                    html_escape(order.status)
                ),
            )
        }
    }
}

/// Checks a `--redirect-base`: an http(s) origin, nothing after it.
pub(crate) fn parse_redirect_base(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text).map_err(|e| format!("redirect base {text:?}: {e}"))?;
    let origin_only = url.path() == "/" && url.query().is_none() && url.fragment().is_none();
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() || !origin_only {
        return Err(format!(
            "redirect base {text:?} must be just scheme://host[:port], e.g. http://127.0.0.1:8080"
        ));
    }
    Ok(url)
}

/// The testing aid behind `--redirect-base`: `return_url` with the base's scheme, host and
/// port. Unchanged without a base (or if the stored URL does not parse).
fn rebase(return_url: &str, base: Option<&url::Url>) -> String {
    let (Some(base), Ok(original)) = (base, url::Url::parse(return_url)) else {
        return return_url.to_string();
    };
    let mut url = base.clone();
    url.set_path(original.path());
    url.set_query(original.query());
    url.to_string()
}

/// Statuses a test may give an order through `POST /__emulator/orders/{id}/status`: the
/// Order Status API's documented names and ids (Juspay's "Transaction Status" page).
const SETTABLE_STATUSES: [(&str, u32); 19] = [
    ("NEW", 10),
    ("STARTED", 20),
    ("CHARGED", 21),
    ("JUSPAY_DECLINED", 22),
    ("PENDING_VBV", 23),
    ("VBV_SUCCESSFUL", 24),
    ("AUTHORIZED", 25),
    ("AUTHENTICATION_FAILED", 26),
    ("AUTHORIZATION_FAILED", 27),
    ("AUTHORIZING", 28),
    ("COD_INITIATED", 29),
    ("VOIDED", 31),
    ("VOID_INITIATED", 32),
    ("CAPTURE_INITIATED", 33),
    ("CAPTURE_FAILED", 34),
    ("VOID_FAILED", 35),
    ("AUTO_REFUNDED", 36),
    // DEMO `simpl/api/order-status-partial-charged.json` @032dc746.
    ("PARTIAL_CHARGED", 37),
    ("NOT_FOUND", 40),
];

/// Testing aid, no auth, not part of Juspay's API: `POST /__emulator/orders/{ordeh_id}/status`
/// with `status=NAME` (form body or query) sets the order's status and status_id, so a
/// client's handling of every status can be tested. `status=OTHER_NAME;ID` sets a status
/// Juspay does not document (e.g. `PARTIAL_CHARGED;99`). Answers with the order status JSON.
pub(crate) async fn set_status(
    State(st): State<Arc<AppState>>,
    Path(id): Path<String>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let query = uri.query().unwrap_or("").as_bytes().to_vec();
    let requested = url::form_urlencoded::parse(&query)
        .chain(url::form_urlencoded::parse(&body))
        .find(|(k, _)| k == "status")
        .map(|(_, v)| v.into_owned());
    let Some(requested) = requested else {
        return simple_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "form field status is required",
        );
    };
    let known = SETTABLE_STATUSES
        .iter()
        .find(|(name, _)| *name == requested)
        .copied();
    let (name, status_id): (&'static str, u32) = match known {
        Some(found) => found,
        None => match requested
            .split_once(';')
            .map(|(n, i)| (n, i.parse::<u32>()))
        {
            Some((name, Ok(status_id))) if !name.is_empty() => {
                // Orders keep `&'static str` statuses; a test sets only a handful of these.
                (Box::leak(name.to_string().into_boxed_str()), status_id)
            }
            _ => {
                return simple_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    &format!(
                        "status {requested:?} is not a documented status (use NAME;ID for others)"
                    ),
                )
            }
        },
    };
    let mut orders = lock(&st.orders);
    let Some(order) = orders.get_by_id_mut(&id) else {
        return unknown_order(&id);
    };
    order.status = name;
    order.status_id = status_id;
    order.last_updated = now_epoch();
    let order = orders.get_by_id(&id).expect("present");
    crate::server::json_response(
        StatusCode::OK,
        &order_status_json(&orders, order, &st.base_url),
    )
}

/// `return_url` plus its own query parameters and the result parameters, all signed.
pub(crate) fn signed_redirect(
    return_url: &str,
    params: &[(&str, &str)],
    key: &str,
) -> Option<String> {
    let mut url = url::Url::parse(return_url).ok()?;
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let signature = return_url_signature(&pairs, key);
    pairs.push(("signature".into(), signature));
    pairs.push(("signature_algorithm".into(), "HMAC-SHA256".into()));
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    url.set_query(Some(&query));
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_signs_existing_params_with_the_published_vector() {
        let location = signed_redirect(
            "https://shop.example.com/done?myQP=aGVsbG9Xb3JsZA%3D%3D",
            &[
                ("order_id", "order_1727694028"),
                ("status", "AUTHORIZATION_FAILED"),
                ("status_id", "27"),
            ],
            "92206A0A4A75499C9B11206C2B3B9A53",
        )
        .unwrap();
        assert_eq!(
            location,
            "https://shop.example.com/done?myQP=aGVsbG9Xb3JsZA%3D%3D&order_id=order_1727694028\
             &status=AUTHORIZATION_FAILED&status_id=27\
             &signature=8Esx2nrz3KE059rdsTkffYKu6AXXk07KzBo3KOexl3I%3D\
             &signature_algorithm=HMAC-SHA256"
        );
    }
}
