//! The API's errors: what the client sees, and how each is reported to Sentry.
//!
//! [`AppError`] implements [`ErrorClass`], so `#[capture_errors]` on a handler asks it
//! whether to report (4xx: no, 5xx: yes, seed 004), under which `error_type` tag, with which
//! `status_code` tag and span status.

use std::borrow::Cow;

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use monitor_runtime::ErrorClass;
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::sentry::{Hub, Level};
use serde_json::json;

use crate::models::ValidationErrors;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No or an unknown bearer token: 401.
    #[error("authentication required")]
    Unauthenticated,
    /// The user's role does not allow this: 403.
    #[error("forbidden: {action} requires the admin role")]
    Forbidden {
        /// What was attempted.
        action: &'static str,
    },
    /// No such resource: 404.
    #[error("{entity} {id} not found")]
    NotFound {
        /// What kind of resource.
        entity: &'static str,
        /// Its id.
        id: i64,
    },
    /// The input is invalid: 422.
    #[error("invalid input: {0}")]
    Validation(ValidationErrors),
    /// The input conflicts with stored data (a duplicate name): 409.
    #[error("conflict: {0}")]
    Conflict(String),
    /// An organisation without members has no per-member statistics: 500, reported
    /// (seed 001's division by zero).
    #[error("division by zero: organisation {organisation_id} has no members")]
    DivisionByZero {
        /// The organisation whose statistics were asked for.
        organisation_id: i64,
    },
    /// The database failed: 500, reported.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                AppError::Conflict("a record with the same unique value already exists".into())
            }
            _ => AppError::Database(error),
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Validation(errors)
    }
}

impl AppError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden { .. } => StatusCode::FORBIDDEN,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::DivisionByZero { .. } | AppError::Database(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl ErrorClass for AppError {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(match self {
            AppError::Unauthenticated
            | AppError::Forbidden { .. }
            | AppError::NotFound { .. }
            | AppError::Validation(_)
            | AppError::Conflict(_) => "http_exception",
            AppError::DivisionByZero { .. } => "zero_division",
            AppError::Database(_) => "database",
        }))
    }

    fn level(&self) -> Option<Level> {
        Some(if self.status().is_server_error() {
            Level::Error
        } else {
            Level::Info
        })
    }

    fn should_report(&self) -> bool {
        self.status().is_server_error()
    }

    fn span_status(&self) -> Option<SpanStatus> {
        Some(match self {
            AppError::Unauthenticated => SpanStatus::Unauthenticated,
            AppError::Forbidden { .. } => SpanStatus::PermissionDenied,
            AppError::NotFound { .. } => SpanStatus::NotFound,
            AppError::Validation(_) => SpanStatus::InvalidArgument,
            AppError::Conflict(_) => SpanStatus::AlreadyExists,
            AppError::DivisionByZero { .. } | AppError::Database(_) => SpanStatus::InternalError,
        })
    }

    fn http_status(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

impl IntoResponse for AppError {
    /// FastAPI's shape, `{"detail": …}`. A 500 never shows its cause to the client; it
    /// carries the Sentry event id instead, so a support request can find the event.
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            AppError::Validation(errors) => json!({ "detail": errors }),
            _ if status.is_server_error() => {
                let event_id = Hub::current()
                    .last_event_id()
                    .filter(|id| !id.is_nil())
                    .map(|id| id.simple().to_string());
                json!({ "detail": "Internal server error", "event_id": event_id })
            }
            e => json!({ "detail": e.to_string() }),
        };
        (status, Json(body)).into_response()
    }
}
