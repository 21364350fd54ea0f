//! Reading a span from outside the span layer: a public [`SpanHandle`], and the small
//! crate-internal API propagation builds on.
//!
//! For propagation (outgoing `sentry-trace`/`baggage`/`traceparent`, continuing a trace
//! from incoming headers), the layer offers:
//! - [`current_context`]: the current span's trace id, span id, sampling decision and the
//!   head's sample rate, whoever made it (the toolkit, or the SDK on the scope);
//! - [`current_dsc`] / [`frozen_dsc`]: the trace's dynamic sampling context, frozen at the
//!   head (or taken from upstream and forwarded unchanged);
//! - [`RemoteParent`], turned into a [`Parent`](super::active::Parent) for
//!   `ActiveSpan::start_with_parent`, to start a root that continues a trace from another
//!   service (its trace id, parent span id, decision and DSC);
//! - the DSC goes into the envelope headers of every transaction the toolkit sends.

use std::fmt::Display;
use std::sync::Arc;

use sentry::protocol::{DynamicSamplingContext, SpanId, SpanStatus, TraceId};
use sentry::{Hub, TransactionOrSpan};
use serde::Serialize;

use super::active::{Parent, Upstream};
use super::current::{self, Current, Sampling};
use super::trace::{Link, Sink};

/// What propagation needs to know about a span.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SpanContext {
    pub(crate) trace_id: TraceId,
    pub(crate) span_id: SpanId,
    pub(crate) sampling: Sampling,
    /// The head's sample rate, when known.
    pub(crate) sample_rate: Option<f32>,
}

impl SpanContext {
    fn of(current: &Current) -> SpanContext {
        SpanContext {
            trace_id: current.trace_id(),
            span_id: current.span_id(),
            sampling: current.sampling(),
            sample_rate: current.sample_rate(),
        }
    }
}

/// The context of the span code runs in: the toolkit's current span on this thread, else
/// the span on the current hub's scope.
#[allow(dead_code)] // The propagation module's entry point.
pub(crate) fn current_context() -> Option<SpanContext> {
    current::with(|current| current.map(SpanContext::of))
        .or_else(|| scope_span().map(|span| SpanContext::of(&Current::Sdk(span))))
}

/// The dynamic sampling context of the current span's trace.
#[allow(dead_code)] // The propagation module's entry point.
pub(crate) fn current_dsc() -> Option<Arc<DynamicSamplingContext>> {
    current::with(|current| current.and_then(frozen_dsc))
}

/// The DSC of `current`'s trace, frozen the first time it is asked for: the one that came
/// from upstream if any, else one made from the head's decision and the client's settings.
/// `None` for spans whose head is the SDK's (it does not expose its DSC).
pub(crate) fn frozen_dsc(current: &Current) -> Option<Arc<DynamicSamplingContext>> {
    match current {
        Current::Recorded(node) => {
            if let Some(dsc) = node.trace.dsc.get() {
                return Some(dsc.clone());
            }
            let Sink::Transaction { client, .. } = &node.trace.sink else {
                return None;
            };
            let name = {
                let buffer = node.trace.lock();
                buffer
                    .records
                    .first()
                    .map(|root| root.names.name().to_owned())
            };
            Some(super::transaction::dsc(
                &node.trace,
                client,
                name.as_deref(),
            ))
        }
        Current::Unsampled(span) => {
            if let Some(dsc) = &span.dsc {
                return Some(dsc.clone());
            }
            let client = Hub::current().client()?;
            Some(Arc::new(super::transaction::head_dsc(
                &client,
                span.trace_id,
                span.sample_rate,
                span.sampled == Some(true),
                span.site.map(crate::registry::FnSite::name),
            )))
        }
        Current::Sdk(_) => None,
    }
}

/// A span in another service that a new root continues, as read from incoming headers.
#[derive(Debug, Clone)]
pub(crate) struct RemoteParent {
    pub(crate) trace_id: TraceId,
    pub(crate) parent_span_id: SpanId,
    /// The upstream decision (`None`: deferred).
    pub(crate) sampled: Option<bool>,
    /// The DSC from the incoming `baggage`, forwarded unchanged.
    pub(crate) dsc: Option<Arc<DynamicSamplingContext>>,
}

impl From<RemoteParent> for Upstream {
    fn from(remote: RemoteParent) -> Upstream {
        Upstream {
            trace_id: remote.trace_id,
            parent_span_id: remote.parent_span_id,
            sampled: remote.sampled,
            dsc: remote.dsc,
        }
    }
}

fn scope_span() -> Option<TransactionOrSpan> {
    Hub::with_active(|hub| hub.configure_scope(|scope| scope.get_span()))
}

/// A handle on a span: the toolkit's, or the SDK's. Cheap to clone; operations on a span
/// that already finished do nothing.
///
/// ```
/// use monitor_runtime::{PerformanceMonitor, span, testing};
///
/// let (ids, captured) = testing::capture(|| {
///     let _monitor = PerformanceMonitor::start("import");
///     let entered = _monitor.enter();
///     let handle = span::current_span().expect("a span is current");
///     handle.set_tag("batch", 7);
///     drop(entered);
///     (handle.trace_id(), handle.is_recording())
/// });
/// assert!(ids.1);
/// assert_eq!(captured.transaction("import").trace_id(), ids.0.to_string());
/// ```
#[derive(Clone, Debug)]
pub struct SpanHandle {
    pub(crate) current: Current,
}

impl SpanHandle {
    /// The trace the span belongs to.
    pub fn trace_id(&self) -> TraceId {
        self.current.trace_id()
    }

    /// The span's id.
    pub fn span_id(&self) -> SpanId {
        self.current.span_id()
    }

    /// Whether the span's trace is sent, not sent, or decided later.
    pub fn sampling(&self) -> Sampling {
        self.current.sampling()
    }

    /// Whether the span records anything: tags and data set on it are kept.
    pub fn is_recording(&self) -> bool {
        self.current.is_recording()
    }

    /// Sets the span's status; it keeps it instead of `ok` when it finishes.
    pub fn set_status(&self, status: SpanStatus) {
        self.current.set_status(status);
    }

    /// Sets a tag on the span (on a transaction, a tag of the transaction).
    pub fn set_tag(&self, key: &str, value: impl Display) {
        match &self.current {
            Current::Recorded(node) => node.set_tag(key, value.to_string()),
            Current::Unsampled(_) => {}
            Current::Sdk(span) => span.set_tag(key, value),
        }
    }

    /// Attaches data to the span. Values that do not serialise are recorded as their
    /// serialisation error, never a panic.
    pub fn set_data(&self, key: &str, value: impl Serialize) {
        if !self.is_recording() {
            return;
        }
        let value = crate::__private::DataValue::to_data(&value);
        match &self.current {
            Current::Recorded(node) => node.set_data(key, value),
            Current::Unsampled(_) => {}
            Current::Sdk(span) => span.set_data(key, value),
        }
    }

    /// Links this span to another one (Sentry's span links), for work that follows from
    /// it without being its child. Only spans recorded by the toolkit keep links.
    pub fn add_link(&self, to: &SpanHandle) {
        if let Current::Recorded(node) = &self.current {
            node.add_link(Link {
                trace_id: to.trace_id(),
                span_id: to.span_id(),
                sampled: match to.sampling() {
                    Sampling::Sampled => Some(true),
                    Sampling::NotSampled => Some(false),
                    Sampling::Deferred => None,
                },
            });
        }
    }

    /// The `sentry-trace` header for an outgoing request made inside this span.
    pub fn trace_headers(&self) -> Vec<(&'static str, String)> {
        vec![("sentry-trace", sentry_trace(&self.current))]
    }

    /// The SDK's span, when this is one (a span of `sentry-tower` or `sentry-tracing`, or
    /// a child of one under a client the toolkit did not build).
    pub fn as_sentry(&self) -> Option<&TransactionOrSpan> {
        match &self.current {
            Current::Sdk(span) => Some(span),
            _ => None,
        }
    }
}

/// An explicit parent for a new span: another span of this process (a [`SpanHandle`], a
/// [`PerformanceMonitor`](crate::PerformanceMonitor)), or none at all (a new trace).
///
/// ```
/// use monitor_runtime::PerformanceMonitor;
/// use monitor_runtime::span::ParentSpan;
///
/// let (_, captured) = monitor_runtime::testing::capture(|| {
///     let job = PerformanceMonitor::start_transaction("job");
///     // Started elsewhere, but a child of `job`.
///     let step = PerformanceMonitor::builder("step").parent(&job).start();
///     drop(step);
///     // A trace of its own, whatever is current.
///     PerformanceMonitor::builder("detached").parent(ParentSpan::new_trace()).start();
/// });
/// assert_eq!(captured.transaction("job").spans()[0].name, "step");
/// assert_ne!(captured.transaction("detached").trace_id(), captured.transaction("job").trace_id());
/// ```
#[derive(Clone, Debug)]
pub struct ParentSpan(pub(crate) Parent);

impl ParentSpan {
    /// No parent: the span starts a new trace.
    pub fn new_trace() -> ParentSpan {
        ParentSpan(Parent::None)
    }

    /// The usual lookup: the current span, else the scope's.
    pub fn current() -> ParentSpan {
        ParentSpan(Parent::Current)
    }
}

impl From<&SpanHandle> for ParentSpan {
    fn from(handle: &SpanHandle) -> ParentSpan {
        ParentSpan(Parent::Span(handle.current.clone()))
    }
}

impl From<SpanHandle> for ParentSpan {
    fn from(handle: SpanHandle) -> ParentSpan {
        ParentSpan(Parent::Span(handle.current))
    }
}

impl<T: Into<ParentSpan>> From<Option<T>> for ParentSpan {
    /// `None` means the usual lookup.
    fn from(parent: Option<T>) -> ParentSpan {
        parent.map_or_else(ParentSpan::current, Into::into)
    }
}

impl From<RemoteParent> for ParentSpan {
    fn from(remote: RemoteParent) -> ParentSpan {
        ParentSpan(Parent::Remote(remote.into()))
    }
}

/// The `sentry-trace` header value: `<trace>-<span>[-<sampled>]`.
pub(crate) fn sentry_trace(current: &Current) -> String {
    let flag = match current.sampling() {
        Sampling::Sampled => "-1",
        Sampling::NotSampled => "-0",
        Sampling::Deferred => "",
    };
    format!("{}-{}{flag}", current.trace_id(), current.span_id())
}

/// The span code runs in; see [`super::current_span`].
pub(crate) fn current_handle() -> Option<SpanHandle> {
    current::get()
        .or_else(|| scope_span().map(Current::Sdk))
        .map(|current| SpanHandle { current })
}

/// Sets the status of the span code runs in (the toolkit's, else the scope's).
pub(crate) fn set_current_status(status: SpanStatus) {
    let set = current::with(|current| current.map(|c| c.set_status(status)).is_some());
    if !set && let Some(span) = scope_span() {
        span.set_status(status);
    }
}
