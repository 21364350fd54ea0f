//! [`MetricBuilder`]: one metric being written, validated and sent.

use super::validate::{shown, validate_key};
use super::*;

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
/// [`send`](Self::send). See the [module documentation](crate::metrics).
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
    pub(super) fn new(kind: MetricKind, name: Cow<'static, str>, value: f64) -> Self {
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

    /// Drops the metric unsent (a timed future cancelled before completion).
    pub(super) fn discard(mut self) {
        self.pending = None;
    }

    /// The builder with `value` instead (a timer fills in its elapsed time).
    pub(super) fn with_value(self, value: f64) -> Self {
        self.edit(|p| p.value = value)
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

pub(super) fn warn_rejected(error: &MetricError) {
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
