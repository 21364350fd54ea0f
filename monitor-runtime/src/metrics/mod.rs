//! Custom metrics: counters, gauges, distributions and timings, sent as Sentry
//! Application Metrics (`trace_metric` envelope items) and linked to the current trace.
//!
//! ```
//! use std::time::Duration;
//! use monitor_runtime::metrics::{self, Unit};
//!
//! metrics::increment("quiz.completed").tag("subject", "droit_civil");
//! metrics::gauge("users.active", 1247);
//! metrics::timing("quiz.duration", Duration::from_millis(145));
//! metrics::distribution("upload.size", 2.5).unit(Unit::Megabyte);
//! let rows = metrics::timing::measure("import.parse", || 3 + 4);
//! # assert_eq!(rows, 7);
//! ```
//!
//! Each function returns a [`MetricBuilder`] that is sent when it is dropped, at the end of
//! the statement unless it is kept in a variable; [`MetricBuilder::send`] sends it at once
//! and says whether it was valid. Without a Sentry client nothing is sent.
//!
//! - **Tags** become metric attributes, to filter and group by in Sentry.
//! - **Units**: gauges and distributions take one (`Unit::Millisecond`, `"byte"`, …);
//!   counters are unitless. Timings are distributions in milliseconds.
//! - **Trace**: a metric recorded inside a `#[monitored]` call or an entered
//!   [`PerformanceMonitor`](crate::PerformanceMonitor) carries that span's `trace_id` and
//!   `span_id` (the SDK alone would give the request's).
//! - **Privacy**: tags go through the same scrubber as events: values under sensitive keys
//!   become `"[Filtered]"`, secrets inside values are redacted, and personal data is removed
//!   unless `SENTRY_SEND_DEFAULT_PII` is on.
//!
//! # Names and tag keys
//!
//! A metric name or tag key is 1 to 150 characters, each an ASCII letter, digit, `_`, `.` or
//! `-` (`http.requests`, `quiz_completed`, `db.query-time`). Tag keys starting with `sentry.`
//! are reserved for the SDK. Values must be finite, and a counter cannot go down.
//!
//! An invalid metric is never sent and never panics: [`MetricBuilder::send`] returns a
//! [`MetricError`]; a builder dropped unsent logs the error as a `tracing` warning in debug
//! builds. Every rejected metric is counted in the [health report](crate::health()).

mod builder;
pub mod timing;
mod validate;

pub use self::builder::MetricBuilder;
pub(crate) use self::builder::link_metric;
use self::builder::warn_rejected;

pub use self::validate::{MetricError, validate_name, validate_tag_key};

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;
use sentry::protocol::{LogAttribute, Metric};

pub use sentry::protocol::Unit;

/// The longest metric name or tag key accepted.
pub const MAX_NAME_LEN: usize = 150;

static REJECTED: AtomicU64 = AtomicU64::new(0);

/// Metrics rejected by validation since the process started.
pub(crate) fn rejected() -> u64 {
    REJECTED.load(Ordering::Relaxed)
}

/// The kind of a metric, as Sentry stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetricKind {
    /// Occurrences, summed: `increment`.
    Counter,
    /// A current level, such as a queue depth: `gauge`.
    Gauge,
    /// Values to compute percentiles over, such as durations: `distribution`, `timing`.
    Distribution,
}

/// A number a metric can record. Implemented for every primitive integer and float, so
/// lengths and counts (`usize`, `u64`) need no cast; integers above 2^53 lose precision.
///
/// ```
/// let queue: Vec<u8> = Vec::new();
/// monitor_runtime::metrics::gauge("queue.depth", queue.len());
/// ```
pub trait MetricValue {
    /// The value as Sentry stores it.
    fn to_f64(self) -> f64;
}

macro_rules! metric_value {
    ($($t:ty),*) => {$(
        impl MetricValue for $t {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
metric_value!(
    u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, f32, f64
);

/// Adds 1 to the counter `name`.
///
/// ```
/// monitor_runtime::metrics::increment("quiz.completed").tag("subject", "droit_civil");
/// ```
pub fn increment(name: impl Into<Cow<'static, str>>) -> MetricBuilder {
    MetricBuilder::new(MetricKind::Counter, name.into(), 1.0)
}

/// Adds `amount` (zero or more) to the counter `name`.
///
/// ```
/// monitor_runtime::metrics::increment_by("import.rows", 120_u32);
/// ```
pub fn increment_by(name: impl Into<Cow<'static, str>>, amount: impl MetricValue) -> MetricBuilder {
    MetricBuilder::new(MetricKind::Counter, name.into(), amount.to_f64())
}

/// Records the current level of `name`, such as a queue depth or a number of users.
///
/// ```
/// monitor_runtime::metrics::gauge("users.active", 1247);
/// ```
pub fn gauge(name: impl Into<Cow<'static, str>>, value: impl MetricValue) -> MetricBuilder {
    MetricBuilder::new(MetricKind::Gauge, name.into(), value.to_f64())
}

/// Records one value of `name` to compute percentiles over.
///
/// ```
/// use monitor_runtime::metrics::{self, Unit};
///
/// metrics::distribution("upload.size", 2.5).unit(Unit::Megabyte);
/// ```
pub fn distribution(name: impl Into<Cow<'static, str>>, value: impl MetricValue) -> MetricBuilder {
    MetricBuilder::new(MetricKind::Distribution, name.into(), value.to_f64())
}

/// Records a duration of `name`, as a distribution in milliseconds. To time code, see
/// [`timing::measure`], [`timing::measure_future`] and [`timing::start`].
///
/// ```
/// use std::time::Duration;
///
/// monitor_runtime::metrics::timing("quiz.duration", Duration::from_millis(145));
/// ```
pub fn timing(name: impl Into<Cow<'static, str>>, duration: Duration) -> MetricBuilder {
    MetricBuilder::new(MetricKind::Distribution, name.into(), millis(duration))
        .unit(Unit::Millisecond)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests;
