//! `PerformanceMonitor`: a span around a block of code, by hand.
//!
//! For a block of work that is not a whole function (where `#[monitored]` fits better).
//! The monitor is an RAII guard: it starts a span (a child of the current span, or
//! a new transaction), and finishes it when dropped, `internal_error` if dropped while
//! panicking. Spans started inside it become its children once it is entered around sync
//! code ([`PerformanceMonitor::enter`], [`PerformanceMonitor::in_scope`]) or around a
//! future ([`PerformanceMonitor::instrument`]).

use std::borrow::Cow;
use std::fmt::Display;
use std::future::Future;
use std::marker::PhantomData;

use sentry::protocol::SpanStatus;
use serde::Serialize;

use crate::span::{
    self, ActiveSpan, Current, DynamicSpec, Instrumented, ParentSpan, SpanHandle, SpanKind,
    SpanSpec,
};

/// A span around a block of code, finished on drop.
///
/// ```
/// use monitor_runtime::PerformanceMonitor;
///
/// fn create_organisation(name: &str) -> u64 {
///     let monitor = PerformanceMonitor::start("create_organisation").op("db.query");
///     let id = 42; // insert the row
///     monitor.set_data("org_id", id);
///     monitor.set_tag("category", "institution");
///     let _ = name;
///     id
/// } // finished here, status `ok`
/// # assert_eq!(create_organisation("Alforis"), 42);
/// ```
#[must_use = "the span is finished as soon as the monitor is dropped"]
pub struct PerformanceMonitor {
    current: Option<Current>,
}

/// Options for a [`PerformanceMonitor`], set before it starts.
///
/// ```
/// use monitor_runtime::PerformanceMonitor;
///
/// let monitor = PerformanceMonitor::builder("nightly-import")
///     .op("job")
///     .transaction()
///     .sample_rate(1.0)
///     .start();
/// monitor.finish();
/// ```
#[derive(Debug, Clone)]
pub struct MonitorBuilder {
    name: Cow<'static, str>,
    op: Cow<'static, str>,
    kind: SpanKind,
    sample_rate: Option<f32>,
    parent: ParentSpan,
}

impl MonitorBuilder {
    /// The span's operation, such as `db.query` or `http.client`. Default: `function`.
    pub fn op(mut self, op: impl Into<Cow<'static, str>>) -> Self {
        self.op = op.into();
        self
    }

    /// Always start a new transaction, even when a span is current (it then continues the
    /// same trace).
    pub fn transaction(mut self) -> Self {
        self.kind = SpanKind::Transaction;
        self
    }

    /// Only start a child span; do nothing when no span is current.
    pub fn child_only(mut self) -> Self {
        self.kind = SpanKind::Span;
        self
    }

    /// The sampling rate of the transaction this monitor starts, when it starts one. A
    /// parent's decision and a matching `SENTRY_TRACES_SAMPLER` rule take precedence.
    pub fn sample_rate(mut self, rate: f32) -> Self {
        self.sample_rate = Some(rate);
        self
    }

    /// The span's parent, instead of the current span: another monitor, a
    /// [`SpanHandle`], or [`ParentSpan::new_trace`].
    pub fn parent(mut self, parent: impl Into<ParentSpan>) -> Self {
        self.parent = parent.into();
        self
    }

    /// Starts the span.
    pub fn start(self) -> PerformanceMonitor {
        let spec = DynamicSpec {
            name: self.name,
            op: self.op,
            kind: self.kind,
            sample_rate: self.sample_rate,
        };
        let active = ActiveSpan::start_with_parent(SpanSpec::Dynamic(&spec), &self.parent.0);
        PerformanceMonitor {
            current: active.map(|active| active.current),
        }
    }
}

impl PerformanceMonitor {
    /// Starts a span named `name`: a child of the current span, else a new transaction.
    pub fn start(name: impl Into<Cow<'static, str>>) -> PerformanceMonitor {
        PerformanceMonitor::builder(name).start()
    }

    /// Starts a new transaction named `name`, even when a span is current.
    pub fn start_transaction(name: impl Into<Cow<'static, str>>) -> PerformanceMonitor {
        PerformanceMonitor::builder(name).transaction().start()
    }

    /// Options to set before the span starts.
    pub fn builder(name: impl Into<Cow<'static, str>>) -> MonitorBuilder {
        MonitorBuilder {
            name: name.into(),
            op: Cow::Borrowed("function"),
            kind: SpanKind::Auto,
            sample_rate: None,
            parent: ParentSpan::current(),
        }
    }

    /// Sets the span's operation.
    pub fn op(self, op: &str) -> Self {
        match &self.current {
            Some(Current::Recorded(node)) => node.set_op(op),
            Some(Current::Sdk(span)) => span.set_op(op),
            Some(Current::Unsampled(_)) | None => {}
        }
        self
    }

    /// Whether this monitor records anything: a client is enabled and the trace is sampled.
    /// Use it to skip computing costly data.
    pub fn is_recording(&self) -> bool {
        self.current.as_ref().is_some_and(Current::is_recording)
    }

    /// Attaches data to the span. Values that do not serialise are recorded as their
    /// serialisation error, never a panic.
    pub fn set_data(&self, key: &str, value: impl Serialize) {
        if let Some(handle) = self.handle() {
            handle.set_data(key, value);
        }
    }

    /// Sets a tag on the span (on a transaction, a tag of the transaction event).
    pub fn set_tag(&self, key: &str, value: impl Display) {
        if let Some(handle) = self.handle().filter(SpanHandle::is_recording) {
            handle.set_tag(key, value);
        }
    }

    /// Sets the span's status; the monitor then keeps it instead of `ok` when it finishes.
    pub fn set_status(&self, status: SpanStatus) {
        if let Some(current) = &self.current {
            current.set_status(status);
        }
    }

    /// The `sentry-trace` header for an outgoing request made inside this monitor.
    pub fn trace_headers(&self) -> Vec<(&'static str, String)> {
        self.handle()
            .map(|handle| handle.trace_headers())
            .unwrap_or_default()
    }

    /// A handle on this monitor's span (`None` when it records nothing and has no ids,
    /// for example without a client): to read its ids, or to pass it as a parent.
    pub fn handle(&self) -> Option<SpanHandle> {
        self.current.clone().map(|current| SpanHandle { current })
    }

    /// Makes this monitor's span current on this thread until the returned guard drops, so
    /// spans started meanwhile become its children.
    ///
    /// ```
    /// use monitor_runtime::PerformanceMonitor;
    ///
    /// let monitor = PerformanceMonitor::start("import");
    /// {
    ///     let _entered = monitor.enter();
    ///     // `#[monitored]` functions called here are children of "import".
    /// }
    /// monitor.finish();
    /// ```
    pub fn enter(&self) -> Entered<'_> {
        Entered {
            previous: self.current.clone().map(|c| span::swap(Some(c))),
            _monitor: PhantomData,
        }
    }

    /// Runs `f` with this monitor's span current.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _entered = self.enter();
        f()
    }

    /// Runs `future` with this monitor's span current during each poll, and finishes the
    /// span when the future completes (`cancelled` if it is dropped before).
    ///
    /// ```
    /// use monitor_runtime::PerformanceMonitor;
    ///
    /// async fn import() -> usize {
    ///     PerformanceMonitor::start("import")
    ///         .instrument(async { 3 })
    ///         .await
    /// }
    /// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    /// # assert_eq!(rt.block_on(import()), 3);
    /// ```
    // The status mapper is a plain `fn` so the type can be named; an alias would hide it.
    #[allow(clippy::type_complexity)]
    pub fn instrument<F: Future>(
        mut self,
        future: F,
    ) -> Instrumented<F, fn(&F::Output) -> Option<SpanStatus>> {
        let active = self.current.take().map(|current| ActiveSpan { current });
        Instrumented::new(active, future, |_| None)
    }

    /// Finishes the span now (it is also finished on drop).
    pub fn finish(self) {}
}

impl Drop for PerformanceMonitor {
    fn drop(&mut self) {
        let Some(current) = self.current.take() else {
            return;
        };
        if std::thread::panicking() {
            span::finish(current, SpanStatus::InternalError, true);
        } else {
            span::finish(current, SpanStatus::Ok, false);
        }
    }
}

impl std::fmt::Debug for PerformanceMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PerformanceMonitor")
            .field("recording", &self.is_recording())
            .finish()
    }
}

impl From<&PerformanceMonitor> for ParentSpan {
    /// The monitor's span; a monitor that records nothing and has no ids (no client)
    /// leaves the usual lookup.
    fn from(monitor: &PerformanceMonitor) -> ParentSpan {
        monitor.handle().into()
    }
}

/// A [`PerformanceMonitor`] made current on this thread; see [`PerformanceMonitor::enter`].
#[must_use = "the monitor is current only while this guard lives"]
pub struct Entered<'a> {
    /// `Some` when something was entered: what was current before.
    previous: Option<Option<Current>>,
    _monitor: PhantomData<(&'a PerformanceMonitor, *const ())>,
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            span::swap(previous);
        }
    }
}

impl std::fmt::Debug for Entered<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entered").finish_non_exhaustive()
    }
}
