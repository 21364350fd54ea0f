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

fn validate_key(metric: &str, key: &str) -> Result<(), MetricError> {
    if is_valid_identifier(key) && !key.starts_with("sentry.") {
        Ok(())
    } else {
        Err(MetricError::InvalidTagKey {
            metric: shown(metric),
            key: shown(key),
        })
    }
}

fn is_valid_identifier(text: &str) -> bool {
    (1..=MAX_NAME_LEN).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// Keeps error messages short whatever was passed in.
fn shown(text: &str) -> String {
    const SHOWN: usize = MAX_NAME_LEN + 10;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
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

/// What is to be sent.
#[derive(Debug, Clone)]
struct Pending {
    kind: MetricKind,
    name: Cow<'static, str>,
    value: f64,
    unit: Option<Unit>,
    unit_on_counter: bool,
    tags: Vec<(Cow<'static, str>, LogAttribute)>,
}

impl Pending {
    fn validate(&self) -> Result<(), MetricError> {
        validate_name(&self.name)?;
        for (key, _) in &self.tags {
            validate_key(&self.name, key)?;
        }
        if self.unit_on_counter {
            return Err(MetricError::UnitOnCounter {
                metric: shown(&self.name),
            });
        }
        let expected = match self.kind {
            _ if !self.value.is_finite() => Some("a finite number"),
            MetricKind::Counter if self.value < 0.0 => Some("zero or more: a counter only goes up"),
            _ => None,
        };
        match expected {
            Some(expected) => Err(MetricError::InvalidValue {
                metric: shown(&self.name),
                value: self.value,
                expected,
            }),
            None => Ok(()),
        }
    }

    fn send(self) -> Result<(), MetricError> {
        if let Err(err) = self.validate() {
            REJECTED.fetch_add(1, Ordering::Relaxed);
            return Err(err);
        }
        let Pending {
            kind,
            name,
            value,
            unit,
            tags,
            ..
        } = self;
        match kind {
            MetricKind::Counter => {
                let mut metric = sentry::metrics::counter(name, value);
                for (key, value) in tags {
                    metric = metric.attribute(key, value);
                }
                metric.capture();
            }
            MetricKind::Gauge => {
                let mut metric = sentry::metrics::gauge(name, value);
                for (key, value) in tags {
                    metric = metric.attribute(key, value);
                }
                if let Some(unit) = unit {
                    metric = metric.unit(unit);
                }
                metric.capture();
            }
            MetricKind::Distribution => {
                let mut metric = sentry::metrics::distribution(name, value);
                for (key, value) in tags {
                    metric = metric.attribute(key, value);
                }
                if let Some(unit) = unit {
                    metric = metric.unit(unit);
                }
                metric.capture();
            }
        }
        Ok(())
    }
}

/// A metric about to be sent: add tags and a unit, then let it drop or call
/// [`send`](Self::send). See the [module documentation](self).
///
/// ```
/// use monitor_runtime::metrics;
///
/// let result = metrics::increment("http.requests")
///     .tag("http.route", "/organisations")
///     .tag("http.response.status_code", 200)
///     .send();
/// assert!(result.is_ok());
/// ```
#[derive(Debug)]
pub struct MetricBuilder {
    pending: Option<Pending>,
}

impl MetricBuilder {
    fn new(kind: MetricKind, name: Cow<'static, str>, value: f64) -> Self {
        MetricBuilder {
            pending: Some(Pending {
                kind,
                name,
                value,
                unit: None,
                unit_on_counter: false,
                tags: Vec::new(),
            }),
        }
    }

    fn edit(mut self, f: impl FnOnce(&mut Pending)) -> Self {
        if let Some(pending) = &mut self.pending {
            f(pending);
        }
        self
    }

    /// Adds a tag (a metric attribute): a string, number or boolean.
    ///
    /// ```
    /// monitor_runtime::metrics::increment("orders.placed").tag("country", "FR").tag("first_order", true);
    /// ```
    pub fn tag(self, key: impl Into<Cow<'static, str>>, value: impl Into<LogAttribute>) -> Self {
        let (key, value) = (key.into(), value.into());
        self.edit(|p| p.tags.push((key, value)))
    }

    /// Adds several tags.
    ///
    /// ```
    /// monitor_runtime::metrics::gauge("pool.connections", 8).tags([("db", "crm"), ("role", "primary")]);
    /// ```
    pub fn tags<I, K, V>(self, tags: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<Cow<'static, str>>,
        V: Into<LogAttribute>,
    {
        self.edit(|p| {
            p.tags
                .extend(tags.into_iter().map(|(k, v)| (k.into(), v.into())));
        })
    }

    /// Sets the unit of a gauge or distribution: a [`Unit`] or its name (`"byte"`, `"ms"`).
    /// Counters are unitless; giving one a unit makes the metric invalid.
    ///
    /// ```
    /// use monitor_runtime::metrics::{self, Unit};
    ///
    /// metrics::gauge("memory.used", 512).unit(Unit::Mebibyte);
    /// metrics::distribution("payload", 1.5).unit("kilobyte");
    /// assert!(metrics::increment("jobs").unit("second").send().is_err());
    /// ```
    pub fn unit(self, unit: impl Into<Unit>) -> Self {
        let unit = unit.into();
        self.edit(|p| {
            if p.kind == MetricKind::Counter {
                p.unit_on_counter = true;
            } else {
                p.unit = Some(unit);
            }
        })
    }

    /// Checks the metric without sending it.
    ///
    /// ```
    /// assert!(monitor_runtime::metrics::gauge("cpu", f64::NAN).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), MetricError> {
        self.pending.as_ref().map_or(Ok(()), Pending::validate)
    }

    /// Sends the metric now, or returns why it is invalid (then nothing is sent).
    ///
    /// ```
    /// use monitor_runtime::metrics;
    ///
    /// assert!(metrics::gauge("users.active", 10).send().is_ok());
    /// assert!(metrics::gauge("users active", 10).send().is_err());
    /// ```
    pub fn send(mut self) -> Result<(), MetricError> {
        self.pending.take().map_or(Ok(()), Pending::send)
    }
}

impl Drop for MetricBuilder {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.take()
            && let Err(error) = pending.send()
        {
            warn_rejected(&error);
        }
    }
}

fn warn_rejected(error: &MetricError) {
    if cfg!(debug_assertions) {
        tracing::warn!(target: "monitor_runtime::metrics", %error, "metric not sent");
    }
}

/// Points a metric captured inside a toolkit span at that span; the SDK only knows the
/// scope's span. Runs in `before_send_metric`, on the capturing thread.
pub(crate) fn link_metric(metric: &mut Metric) {
    if let Some(ids) = crate::logging::toolkit_trace_ids() {
        metric.trace_id = ids.trace_id;
        metric.span_id = Some(ids.span_id);
    }
}

/// Timing code: a closure, a future, or anything between two points.
///
/// Every timing is a distribution in milliseconds, like [`timing`](fn@crate::metrics::timing).
pub mod timing {
    use super::*;

    /// Runs `f` and records how long it took.
    ///
    /// ```
    /// let sum = monitor_runtime::metrics::timing::measure("report.build", || (1..=10).sum::<u32>());
    /// assert_eq!(sum, 55);
    /// ```
    pub fn measure<R>(name: impl Into<Cow<'static, str>>, f: impl FnOnce() -> R) -> R {
        start(name).measure(f)
    }

    /// Wraps `future` so that the time from its first poll to its completion is recorded.
    /// Dropped before it completes, it records nothing.
    ///
    /// ```
    /// # async fn fetch() -> u32 { 7 }
    /// # async fn handler() {
    /// use monitor_runtime::metrics::timing;
    ///
    /// let rows = timing::measure_future("crm.fetch", fetch()).await;
    /// # let _ = rows;
    /// # }
    /// ```
    pub fn measure_future<F: Future>(name: impl Into<Cow<'static, str>>, future: F) -> Timed<F> {
        start(name).measure_future(future)
    }

    /// Starts a timer, recorded when it is dropped or [stopped](Timer::stop).
    ///
    /// ```
    /// use monitor_runtime::metrics::timing;
    ///
    /// let timer = timing::start("import.run").tag("source", "csv");
    /// // ... the work ...
    /// timer.stop()?;
    /// # Ok::<(), monitor_runtime::metrics::MetricError>(())
    /// ```
    pub fn start(name: impl Into<Cow<'static, str>>) -> Timer {
        Timer {
            metric: Some(super::timing(name, Duration::ZERO)),
            started: Instant::now(),
        }
    }

    /// A running timer; see [`start`].
    #[derive(Debug)]
    pub struct Timer {
        metric: Option<MetricBuilder>,
        started: Instant,
    }

    impl Timer {
        /// Adds a tag to the timing.
        ///
        /// ```
        /// let timer = monitor_runtime::metrics::timing::start("email.send").tag("provider", "smtp");
        /// # drop(timer);
        /// ```
        pub fn tag(
            mut self,
            key: impl Into<Cow<'static, str>>,
            value: impl Into<LogAttribute>,
        ) -> Self {
            self.metric = self.metric.take().map(|m| m.tag(key, value));
            self
        }

        /// Time since the timer started.
        ///
        /// ```
        /// let timer = monitor_runtime::metrics::timing::start("work");
        /// assert!(timer.elapsed() < std::time::Duration::from_secs(60));
        /// ```
        pub fn elapsed(&self) -> std::time::Duration {
            self.started.elapsed()
        }

        /// Records the time since the timer started, now.
        ///
        /// ```
        /// assert!(monitor_runtime::metrics::timing::start("work").stop().is_ok());
        /// ```
        pub fn stop(mut self) -> Result<(), MetricError> {
            self.record()
        }

        /// Runs `f` and records how long it took (the clock restarts when `f` starts).
        ///
        /// ```
        /// use monitor_runtime::metrics::timing;
        ///
        /// let n = timing::start("parse").tag("format", "csv").measure(|| "1,2,3".split(',').count());
        /// assert_eq!(n, 3);
        /// ```
        pub fn measure<R>(mut self, f: impl FnOnce() -> R) -> R {
            self.started = Instant::now();
            let result = f();
            if let Err(error) = self.record() {
                warn_rejected(&error);
            }
            result
        }

        /// Wraps `future`, recording the time from its first poll to its completion.
        ///
        /// ```
        /// # async fn send_email() {}
        /// # async fn handler() {
        /// use monitor_runtime::metrics::timing;
        ///
        /// timing::start("email.send").tag("provider", "smtp").measure_future(send_email()).await;
        /// # }
        /// ```
        pub fn measure_future<F: Future>(mut self, future: F) -> Timed<F> {
            Timed {
                inner: future,
                metric: self.metric.take(),
                started: None,
            }
        }

        fn record(&mut self) -> Result<(), MetricError> {
            let elapsed = self.started.elapsed();
            match self.metric.take() {
                Some(metric) => metric.with_value(millis(elapsed)).send(),
                None => Ok(()),
            }
        }
    }

    impl Drop for Timer {
        fn drop(&mut self) {
            if let Err(error) = self.record() {
                warn_rejected(&error);
            }
        }
    }

    pin_project! {
        /// A future whose run time is recorded when it completes; see [`measure_future`].
        #[must_use = "futures do nothing unless polled"]
        pub struct Timed<F> {
            #[pin]
            inner: F,
            metric: Option<MetricBuilder>,
            started: Option<Instant>,
        }

        impl<F> PinnedDrop for Timed<F> {
            fn drop(this: Pin<&mut Self>) {
                // Cancelled before completion: a partial duration would skew the percentiles.
                if let Some(mut metric) = this.project().metric.take() {
                    metric.pending = None;
                }
            }
        }
    }

    impl<F: Future> Future for Timed<F> {
        type Output = F::Output;

        fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
            let this = self.project();
            let started = *this.started.get_or_insert_with(Instant::now);
            let poll = this.inner.poll(cx);
            if poll.is_ready()
                && let Some(metric) = this.metric.take()
                && let Err(error) = metric.with_value(millis(started.elapsed())).send()
            {
                warn_rejected(&error);
            }
            poll
        }
    }
}

impl MetricBuilder {
    fn with_value(self, value: f64) -> Self {
        self.edit(|p| p.value = value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_keys_follow_the_documented_form() {
        for good in [
            "a",
            "http.requests",
            "quiz_completed",
            "db.query-time",
            "A9",
        ] {
            assert!(validate_name(good).is_ok(), "{good}");
            assert!(validate_tag_key(good).is_ok(), "{good}");
        }
        let longest = "x".repeat(MAX_NAME_LEN);
        assert!(validate_name(&longest).is_ok());
        let too_long = "x".repeat(MAX_NAME_LEN + 1);
        for bad in [
            "",
            "quiz completed",
            "a/b",
            "é",
            "a:b",
            "tab\t",
            too_long.as_str(),
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
            assert!(validate_tag_key(bad).is_err(), "{bad:?}");
        }
        assert!(validate_tag_key("sentry.release").is_err());
        assert!(validate_name("sentry.release").is_ok());
    }

    #[test]
    fn errors_are_clear_and_stay_short() {
        let huge = "y ".repeat(50_000);
        let message = increment(huge).send().unwrap_err().to_string();
        assert!(message.len() < 400, "{}", message.len());
        assert!(message.starts_with("metric name \"y y"));

        assert_eq!(
            increment("jobs")
                .tag("sentry.environment", "x")
                .send()
                .unwrap_err()
                .to_string(),
            "tag key \"sentry.environment\" of metric \"jobs\" is invalid: expected 1 to 150 ASCII letters, digits, `_`, `.` or `-`, not starting with `sentry.`"
        );
        assert_eq!(
            increment_by("jobs", -1).send().unwrap_err().to_string(),
            "value -1 of metric \"jobs\" is invalid: expected zero or more: a counter only goes up"
        );
        assert_eq!(
            gauge("load", f64::INFINITY).send().unwrap_err().to_string(),
            "value inf of metric \"load\" is invalid: expected a finite number"
        );
        assert_eq!(
            increment("jobs")
                .unit("second")
                .send()
                .unwrap_err()
                .to_string(),
            "metric \"jobs\" is a counter, and counters have no unit"
        );
        assert!(gauge("load", -3.5).send().is_ok(), "gauges may go down");
    }

    #[test]
    fn invalid_metrics_dropped_unsent_never_panic_and_are_counted() {
        let before = rejected();
        drop(increment("bad name"));
        drop(timing::start("bad name too"));
        let value = timing::measure("still bad!", || 5);
        assert_eq!(value, 5);
        assert!(rejected() >= before + 3);
    }

    #[test]
    fn values_of_every_primitive_type_are_accepted() {
        assert_eq!(7_usize.to_f64(), 7.0);
        assert_eq!((-2_i64).to_f64(), -2.0);
        assert_eq!(1.5_f32.to_f64(), 1.5);
        assert_eq!(millis(Duration::from_micros(1500)), 1.5);
    }
}
