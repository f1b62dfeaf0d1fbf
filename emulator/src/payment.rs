//! Phase 2: the hosted payment page (to be completed).

use axum::http::StatusCode;
use axum::response::Response;

use crate::server::simple_error;

pub(crate) async fn payment_page() -> Response {
    simple_error(
        StatusCode::NOT_FOUND,
        "not_found",
        "payment page not implemented yet",
    )
}

pub(crate) async fn pay() -> Response {
    simple_error(
        StatusCode::NOT_FOUND,
        "not_found",
        "payment page not implemented yet",
    )
}
