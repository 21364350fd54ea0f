//! The rows of the file, the members they describe, and why a row can be rejected.

use std::borrow::Cow;

use monitor_runtime::ErrorClass;
use monitor_runtime::sentry::protocol::SpanStatus;

/// The columns of the file, in order.
pub const COLUMNS: [&str; 4] = ["organisation", "name", "email", "deals_won"];

/// One row as read, before validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    /// Its line in the file (the header is line 1).
    pub line: u64,
    /// Its fields, trimmed.
    pub fields: Vec<String>,
}

/// A valid member, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The line it came from.
    pub line: u64,
    /// The organisation's name.
    pub organisation: String,
    /// The member's name.
    pub name: String,
    /// The member's email address (unique).
    pub email: String,
    /// Deals the member won.
    pub deals_won: i64,
}

/// Why a row was rejected. Its `error_type` tag names the reason.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    /// A row with the wrong number of fields.
    #[error("expected {expected} fields, found {found}")]
    Malformed {
        /// The number of columns.
        expected: usize,
        /// The number of fields in the row.
        found: usize,
    },
    /// A required field is empty.
    #[error("{field} is missing")]
    MissingField {
        /// The column.
        field: &'static str,
    },
    /// The email is not an address. The value is not repeated (it is personal data).
    #[error("email is not a valid address")]
    InvalidEmail,
    /// A number field is not a non-negative integer.
    #[error("{field} must be a non-negative integer, got {value:?}")]
    InvalidNumber {
        /// The column.
        field: &'static str,
        /// What it held.
        value: String,
    },
    /// The email is already in the database.
    #[error("a member with this email already exists")]
    Duplicate,
    /// The database refused the row for another reason.
    #[error("database error")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for RowError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => RowError::Duplicate,
            _ => RowError::Database(error),
        }
    }
}

impl ErrorClass for RowError {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(match self {
            RowError::Malformed { .. } => "malformed_row",
            RowError::MissingField { .. } => "missing_field",
            RowError::InvalidEmail => "invalid_email",
            RowError::InvalidNumber { .. } => "invalid_number",
            RowError::Duplicate => "duplicate",
            RowError::Database(_) => "database",
        }))
    }

    fn span_status(&self) -> Option<SpanStatus> {
        Some(match self {
            RowError::Duplicate => SpanStatus::AlreadyExists,
            RowError::Database(_) => SpanStatus::InternalError,
            _ => SpanStatus::InvalidArgument,
        })
    }
}

/// A rejected row, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rejected {
    /// Its line in the file.
    pub line: u64,
    /// The `error_type` of the reason.
    pub error_type: String,
    /// The reason.
    pub error: String,
}

impl Rejected {
    /// The rejection of the row at `line` for `error`.
    pub fn new(line: u64, error: &RowError) -> Self {
        Rejected {
            line,
            error_type: error.error_type().unwrap_or_default().into_owned(),
            error: error.to_string(),
        }
    }
}
