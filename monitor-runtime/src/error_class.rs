//! Errors that classify themselves for Sentry.
//!
//! `#[capture_errors]` and `#[monitored]` ask an error how it wants to be reported: under
//! which `error_type` tag, at which level, with which span status, and whether to report it
//! at all. An HTTP 404 is part of normal operation and is not reported; a 500 is.

use std::borrow::Cow;

use sentry::Level;
use sentry::protocol::SpanStatus;

/// How an error type wants to be reported.
///
/// Every method has a default, so an implementation overrides only what it knows. Options
/// given to the macros (`error_type = "…"`, `level = "…"`, `skip_if = …`) win over the
/// classification.
///
/// ```
/// use std::borrow::Cow;
/// use monitor_runtime::ErrorClass;
/// use monitor_runtime::sentry::protocol::SpanStatus;
///
/// #[derive(Debug)]
/// enum ApiError {
///     NotFound,
///     Database(String),
/// }
///
/// impl ErrorClass for ApiError {
///     fn error_type(&self) -> Option<Cow<'static, str>> {
///         Some(match self {
///             ApiError::NotFound => "not_found".into(),
///             ApiError::Database(_) => "database".into(),
///         })
///     }
///     fn should_report(&self) -> bool {
///         // A 404 is the client's mistake, not ours.
///         !matches!(self, ApiError::NotFound)
///     }
///     fn span_status(&self) -> Option<SpanStatus> {
///         Some(match self {
///             ApiError::NotFound => SpanStatus::NotFound,
///             ApiError::Database(_) => SpanStatus::InternalError,
///         })
///     }
/// }
///
/// assert!(!ApiError::NotFound.should_report());
/// assert_eq!(ApiError::Database("down".into()).error_type().as_deref(), Some("database"));
/// ```
pub trait ErrorClass {
    /// The `error_type` tag. `None` keeps the default: the error type's name.
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }

    /// The event level. `None` keeps the default, [`Level::Error`].
    fn level(&self) -> Option<Level> {
        None
    }

    /// Whether this error is reported to Sentry at all.
    fn should_report(&self) -> bool {
        true
    }

    /// The status given to the current span when a function returns this error.
    /// `None` keeps the default, `internal_error`.
    fn span_status(&self) -> Option<SpanStatus> {
        None
    }

    /// The HTTP status this error maps to, if any. Set as the `status_code` tag, so that the
    /// toolkit's filter drops 4xx and keeps 5xx.
    fn http_status(&self) -> Option<u16> {
        None
    }
}

impl<T: ErrorClass + ?Sized> ErrorClass for &T {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        (**self).error_type()
    }
    fn level(&self) -> Option<Level> {
        (**self).level()
    }
    fn should_report(&self) -> bool {
        (**self).should_report()
    }
    fn span_status(&self) -> Option<SpanStatus> {
        (**self).span_status()
    }
    fn http_status(&self) -> Option<u16> {
        (**self).http_status()
    }
}

/// What a classification said, collected once so that the capture path reads it without
/// knowing whether the error type implements [`ErrorClass`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Classification {
    /// See [`ErrorClass::error_type`].
    pub error_type: Option<Cow<'static, str>>,
    /// See [`ErrorClass::level`].
    pub level: Option<Level>,
    /// See [`ErrorClass::should_report`].
    pub report: bool,
    /// See [`ErrorClass::span_status`].
    pub span_status: Option<SpanStatus>,
    /// See [`ErrorClass::http_status`].
    pub http_status: Option<u16>,
}

impl Classification {
    /// The classification of an error that says nothing about itself.
    pub fn unclassified() -> Self {
        Classification {
            report: true,
            ..Classification::default()
        }
    }

    /// Reads every answer of an [`ErrorClass`] implementation.
    pub fn of<E: ErrorClass + ?Sized>(error: &E) -> Self {
        Classification {
            error_type: error.error_type(),
            level: error.level(),
            report: error.should_report(),
            span_status: error.span_status(),
            http_status: error.http_status(),
        }
    }
}
