//! What a gateway request can fail with, and how each failure is reported.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use monitor_runtime::ErrorClass;
use monitor_runtime::sentry::protocol::SpanStatus;
use serde_json::json;

/// Everything a gateway request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// No `Authorization` header, or the web service refused it: 401, not reported.
    #[error("authentication required")]
    Unauthenticated,
    /// The web service could not be reached or answered with an error: 502, reported.
    #[error("the web service failed: {0}")]
    Upstream(String),
}

impl GatewayError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            GatewayError::Unauthenticated => StatusCode::UNAUTHORIZED,
            GatewayError::Upstream(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

/// 4xx are the caller's business; a failing dependency is the gateway's.
impl ErrorClass for GatewayError {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(match self {
            GatewayError::Unauthenticated => "unauthenticated",
            GatewayError::Upstream(_) => "upstream",
        }))
    }

    fn should_report(&self) -> bool {
        self.status().is_server_error()
    }

    fn span_status(&self) -> Option<SpanStatus> {
        Some(match self {
            GatewayError::Unauthenticated => SpanStatus::Unauthenticated,
            GatewayError::Upstream(_) => SpanStatus::Unavailable,
        })
    }

    fn http_status(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        (self.status(), Json(json!({ "detail": self.to_string() }))).into_response()
    }
}
