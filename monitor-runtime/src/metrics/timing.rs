//! Timing code: a closure, a future, or anything between two points.
//!
//! Every timing is a distribution in milliseconds, like [`timing`](fn@crate::metrics::timing).

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
            if let Some(metric) = this.project().metric.take() {
                metric.discard();
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
