//! `/debug/sentry-test`: check that events reach Sentry (seed 002's `/test-sentry`).

use axum::Json;
use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::types::Uuid;
use monitor_runtime::{Report, capture_message, monitored};
use serde_json::{Value, json};

/// The test error: what Python calls `1 / 0`.
#[derive(Debug, thiserror::Error)]
#[error("division by zero")]
pub struct ZeroDivisionError;

/// `numerator / denominator`, or the test error.
pub fn divide(numerator: i64, denominator: i64) -> Result<i64, ZeroDivisionError> {
    numerator.checked_div(denominator).ok_or(ZeroDivisionError)
}

/// `GET /debug/sentry-test`: captures a test message (info) and a test error, and returns
/// their event ids (`null` for one the profile filtered out: production sends only
/// errors).
#[monitored(op = "http.handler")]
pub async fn sentry_test() -> Json<Value> {
    let message_id = capture_message("Test message from CRM", Level::Info);
    let error_id = match divide(1, 0) {
        Ok(_) => Uuid::nil(),
        Err(error) => Report::error(&error)
            .tag("error_type", "sentry_test")
            .extra("test", "sentry")
            .capture(),
    };
    Json(json!({
        "message": "Check Sentry dashboard!",
        "message_event_id": id(message_id),
        "error_event_id": id(error_id),
    }))
}

fn id(id: Uuid) -> Option<String> {
    (!id.is_nil()).then(|| id.simple().to_string())
}
