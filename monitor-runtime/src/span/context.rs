//! Reading a span from outside the span layer: a public [`SpanHandle`], [`ParentSpan`],
//! and what propagation (`propagation::span_link`) reads besides the current span:
//! [`head_of`] and [`set_request`]. The trace's dynamic sampling context is propagation's
//! (`trace_context::trace_state`, per trace id); roots that head a trace record their
//! decision there when they are propagated or sent.

use std::fmt::Display;

use sentry::protocol::{SpanId, SpanStatus, TraceId};
use sentry::{Hub, TransactionOrSpan};
use serde::Serialize;

use super::active::Parent;
use super::current::{self, Current, Sampling};
use super::request::RequestFacts;
use super::trace::{Link, Sink};

/// What a root that heads its trace was sampled with.
pub(crate) struct HeadFacts {
    pub(crate) name: String,
    pub(crate) sample_rate: f32,
}

/// The head facts of `current`'s trace when its root is the trace's head in this process
/// and its rate is known; `None` otherwise (a continued trace, an SDK head).
pub(crate) fn head_of(current: &Current) -> Option<HeadFacts> {
    match current {
        Current::Recorded(node) => {
            let Sink::Transaction {
                parent_span_id: None,
                ..
            } = node.trace.sink
            else {
                return None;
            };
            let sample_rate = node.trace.head.sample_rate;
            if sample_rate.is_nan() {
                return None;
            }
            let name = node.trace.lock().records.first()?.names.name().to_owned();
            Some(HeadFacts { name, sample_rate })
        }
        Current::Unsampled(span) if span.head && !span.sample_rate.is_nan() => Some(HeadFacts {
            name: span
                .site
                .map(crate::registry::FnSite::name)
                .unwrap_or_default()
                .to_owned(),
            sample_rate: span.sample_rate,
        }),
        Current::Unsampled(_) | Current::Sdk(_) => None,
    }
}

/// Records an `http.client` span's request on it: typed on a toolkit record (one lock;
/// its data entries are built when the transaction is converted), as the description and
/// data entries of an SDK span.
pub(crate) fn set_request(current: &Current, request: RequestFacts) {
    match current {
        Current::Recorded(node) => node.set_request(request),
        Current::Unsampled(_) => {}
        Current::Sdk(TransactionOrSpan::Span(span)) => {
            span.set_name(request.description());
            let mut data = span.data();
            for (key, value) in request.entries() {
                data.set_data(key.into(), value);
            }
        }
        Current::Sdk(TransactionOrSpan::Transaction(tx)) => {
            let mut data = tx.data();
            for (key, value) in request.entries() {
                data.set_data(key.into(), value);
            }
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
        let value = to_data(&value);
        match &self.current {
            Current::Recorded(node) => node.set_data(key, value),
            Current::Unsampled(_) => {}
            Current::Sdk(span) => span.set_data(key, value),
        }
    }

    /// Links this span to another one (Sentry's span links), for work that follows from
    /// it without being its child. A span that is not recorded keeps none.
    pub fn add_link(&self, to: &SpanHandle) {
        add_link(&self.current, &Parent::Span(to.current.clone()));
    }

    /// The trace headers for an outgoing request or message made inside this span, as
    /// [`propagation::inject`](crate::propagation::inject) writes them: `sentry-trace`
    /// with this span as the parent, `baggage` with the trace's dynamic sampling context,
    /// and `traceparent` when `SENTRY_PROPAGATE_TRACEPARENT` is on.
    pub fn trace_headers(&self) -> Vec<(&'static str, String)> {
        crate::trace_context::outgoing::header_list(|_| Some(super::span_parent(&self.current)))
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
    pub(crate) fn from_parent(parent: Parent) -> ParentSpan {
        ParentSpan(parent)
    }

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

/// Links `current` to the span `target` names (`add_link`, `#[monitored(follows_from =
/// …)]`); nothing when it names none or `current` is not recorded.
pub(crate) fn add_link(current: &Current, target: &Parent) {
    let of = |span: &Current| Link {
        trace_id: span.trace_id(),
        span_id: span.span_id(),
        sampled: match span.sampling() {
            Sampling::Sampled => Some(true),
            Sampling::NotSampled => Some(false),
            Sampling::Deferred => None,
        },
    };
    let link = match target {
        Parent::None => return,
        Parent::Current => match current_handle() {
            Some(handle) => of(&handle.current),
            None => return,
        },
        Parent::Span(span) => of(span),
        Parent::Remote(upstream) => Link {
            trace_id: upstream.trace_id,
            span_id: upstream.parent_span_id,
            sampled: upstream.sampled,
        },
    };
    match current {
        Current::Recorded(node) => node.add_link(link),
        // The SDK's spans keep data only: the link is written as the recorder writes it.
        Current::Sdk(span) => span.set_data(
            super::transaction::LINKS_KEY,
            sentry::protocol::Value::Array(vec![super::transaction::link_value(&link)]),
        ),
        Current::Unsampled(_) => {}
    }
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

/// `value` as span data: its JSON, or its serialisation error as a string (never a panic).
pub(crate) fn to_data<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| serde_json::Value::String(format!("<unserialisable: {e}>")))
}
