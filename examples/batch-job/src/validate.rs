//! Stage 2: validating each row. A rejected row is reported by `#[capture_errors]`, one
//! event per row, tagged with the reason's `error_type`.

use monitor_runtime::{add_breadcrumb, capture_errors, monitored};
use serde_json::json;

use crate::record::{COLUMNS, Member, RawRow, Rejected, RowError};

/// The rows that passed, and those that did not.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Validated {
    /// Members ready to store.
    pub valid: Vec<Member>,
    /// Rows rejected.
    pub rejected: Vec<Rejected>,
}

/// Validates every row.
#[monitored(name = "validate", op = "import.validate", data(rows = rows.len()))]
pub fn validate_rows(rows: Vec<RawRow>) -> Validated {
    add_breadcrumb(
        "import",
        format!("Validating {} rows", rows.len()),
        &[("row_count", json!(rows.len()))],
    );
    let mut validated = Validated::default();
    for row in rows {
        match validate_row(&row) {
            Ok(member) => validated.valid.push(member),
            Err(error) => validated.rejected.push(Rejected::new(row.line, &error)),
        }
    }
    validated
}

/// Validates one row; a rejection is captured with the row's line as context.
#[capture_errors(data(line = row.line))]
pub fn validate_row(row: &RawRow) -> Result<Member, RowError> {
    let [organisation, name, email, deals_won] = row.fields.as_slice() else {
        return Err(RowError::Malformed {
            expected: COLUMNS.len(),
            found: row.fields.len(),
        });
    };
    for (field, value) in [
        ("organisation", organisation),
        ("name", name),
        ("email", email),
    ] {
        if value.is_empty() {
            return Err(RowError::MissingField { field });
        }
    }
    if !is_email(email) {
        return Err(RowError::InvalidEmail);
    }
    let deals_won = deals_won
        .parse::<i64>()
        .ok()
        .filter(|n| *n >= 0)
        .ok_or_else(|| RowError::InvalidNumber {
            field: "deals_won",
            value: deals_won.clone(),
        })?;
    Ok(Member {
        line: row.line,
        organisation: organisation.clone(),
        name: name.clone(),
        email: email.to_lowercase(),
        deals_won,
    })
}

/// A plausible address: one `@`, something before it, a dotted domain after it, no
/// spaces.
///
/// ```
/// use batch_job::validate::is_email;
/// assert!(is_email("claire.martin@example.com"));
/// assert!(!is_email("noah.weber(at)example.com"));
/// assert!(!is_email("a@b"));
/// ```
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}
