//! The HTTP handlers, one module per resource.
//!
//! Handlers are `#[monitored(op = "http.handler")]` (a span under the request's
//! transaction) and `#[capture_errors]` (an `Err` is reported as the error classifies
//! itself: 4xx not, 5xx yes).

use axum::Json;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

pub mod debug;
pub mod health;
pub mod me;
pub mod organisations;

/// The answer to a path no route matches: a 404, not reported.
pub async fn not_found() -> impl IntoResponse {
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "detail": "Not Found" })),
    )
}
