//! The rules a metric name and tag key follow, and [`MetricError`] for one that breaks them.

use super::*;

/// Why a metric was not sent.
///
/// ```
/// use monitor_runtime::metrics;
///
/// let err = metrics::increment("quiz completed").send().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "metric name \"quiz completed\" is invalid: expected 1 to 150 ASCII letters, digits, `_`, `.` or `-`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MetricError {
    /// The name is empty, too long, or has a character outside `[a-zA-Z0-9_.-]`.
    #[error(
        "metric name {name:?} is invalid: expected 1 to {MAX_NAME_LEN} ASCII letters, digits, `_`, `.` or `-`"
    )]
    InvalidName {
        /// The name given (shortened when very long).
        name: String,
    },
    /// A tag key is empty, too long, has a character outside `[a-zA-Z0-9_.-]`, or starts
    /// with the reserved `sentry.`.
    #[error(
        "tag key {key:?} of metric {metric:?} is invalid: expected 1 to {MAX_NAME_LEN} ASCII letters, digits, `_`, `.` or `-`, not starting with `sentry.`"
    )]
    InvalidTagKey {
        /// The metric's name.
        metric: String,
        /// The key given (shortened when very long).
        key: String,
    },
    /// The value is NaN or infinite, or a counter's is negative.
    #[error("value {value} of metric {metric:?} is invalid: expected {expected}")]
    InvalidValue {
        /// The metric's name.
        metric: String,
        /// The value given.
        value: f64,
        /// What the value should have been.
        expected: &'static str,
    },
    /// A unit was given to a counter; Sentry counters are unitless.
    #[error("metric {metric:?} is a counter, and counters have no unit")]
    UnitOnCounter {
        /// The metric's name.
        metric: String,
    },
}

/// Checks a metric name: 1 to 150 characters of `[a-zA-Z0-9_.-]`.
///
/// ```
/// use monitor_runtime::metrics::validate_name;
///
/// assert!(validate_name("http.requests").is_ok());
/// assert!(validate_name("quiz completed").is_err());
/// assert!(validate_name("").is_err());
/// ```
pub fn validate_name(name: &str) -> Result<(), MetricError> {
    if is_valid_identifier(name) {
        Ok(())
    } else {
        Err(MetricError::InvalidName { name: shown(name) })
    }
}

/// Checks a tag key: like a name, and not starting with `sentry.`.
///
/// ```
/// use monitor_runtime::metrics::validate_tag_key;
///
/// assert!(validate_tag_key("http.route").is_ok());
/// assert!(validate_tag_key("sentry.environment").is_err());
/// assert!(validate_tag_key("user id").is_err());
/// ```
pub fn validate_tag_key(key: &str) -> Result<(), MetricError> {
    validate_key("", key)
}

pub(super) fn validate_key(metric: &str, key: &str) -> Result<(), MetricError> {
    if is_valid_identifier(key) && !key.starts_with("sentry.") {
        Ok(())
    } else {
        Err(MetricError::InvalidTagKey {
            metric: shown(metric),
            key: shown(key),
        })
    }
}

pub(super) fn is_valid_identifier(text: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Keeps error messages short whatever was passed in.
pub(super) fn shown(text: &str) -> String {
    crate::settings::shorten(text, MAX_NAME_LEN + 10)
}
