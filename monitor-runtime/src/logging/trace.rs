//! The Sentry trace a log line or a Sentry log belongs to.
//!
//! The toolkit's current span lives in a thread-local (see [`crate::span`]), which the SDK
//! cannot see: `sentry::logger_*!`, `LogLayer` and the metrics API stamp what they send with
//! the span on the hub's scope, i.e. the request or root transaction, never a nested
//! `#[monitored]` call. The functions here read the toolkit's span first.

use sentry::TransactionOrSpan;
use sentry::protocol::{Log, LogAttribute, SpanId, TraceId};

use crate::span;

/// The attribute Sentry's log protocol reads the enclosing span from.
pub(crate) const PARENT_SPAN_ATTRIBUTE: &str = "sentry.trace.parent_span_id";

/// The attribute `sentry-core` 0.49 writes the scope's span id to (`Scope::apply_to_log`);
/// kept equal to [`PARENT_SPAN_ATTRIBUTE`] so the two never name different spans.
const SDK_PARENT_SPAN_ATTRIBUTE: &str = "parent_span_id";

/// The trace and span a piece of telemetry belongs to.
///
/// ```
/// use monitor_runtime::logging::TraceIds;
///
/// // Outside any span (and without a client), there is nothing to link to.
/// assert_eq!(monitor_runtime::logging::current_trace_ids(), None::<TraceIds>);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceIds {
    /// The trace, as Sentry shows it in the trace view.
    pub trace_id: TraceId,
    /// The innermost span that is current.
    pub span_id: SpanId,
}

/// The trace and span code runs in: the toolkit's current span on this thread (from
/// `#[monitored]` or an entered [`PerformanceMonitor`](crate::PerformanceMonitor)), else the
/// span on the current hub's scope (a `sentry-tower` request transaction, a `SpanLayer`
/// span); `None` outside any span.
///
/// This is what the toolkit's log lines carry as `trace_id` and `span_id`; use it to put the
/// same ids on output the toolkit does not format.
///
/// ```
/// use monitor_runtime::{PerformanceMonitor, logging, testing};
///
/// let (ids, captured) = testing::capture(|| {
///     PerformanceMonitor::start("import").in_scope(logging::current_trace_ids)
/// });
/// let ids = ids.expect("inside a span");
/// assert_eq!(ids.trace_id.to_string(), captured.transaction("import").trace_id());
/// ```
pub fn current_trace_ids() -> Option<TraceIds> {
    toolkit_trace_ids().or_else(scope_trace_ids)
}

/// The toolkit's current span only: the hooks use this, since the SDK already applied the
/// scope's span when there is none.
pub(crate) fn toolkit_trace_ids() -> Option<TraceIds> {
    span::current_ids().map(|(trace_id, span_id)| TraceIds { trace_id, span_id })
}

#[cold]
fn scope_trace_ids() -> Option<TraceIds> {
    // `with_active` skips the scope read entirely when no client is bound, which is the
    // common case for a process that logs but has not initialised Sentry.
    let span = sentry::Hub::with_active(|hub| hub.configure_scope(|scope| scope.get_span()))?;
    Some(ids_of(&span))
}

fn ids_of(span: &TransactionOrSpan) -> TraceIds {
    let trace = span.get_trace_context();
    let span_id = match span {
        TransactionOrSpan::Transaction(_) => trace.span_id,
        TransactionOrSpan::Span(span) => span.get_span_id(),
    };
    TraceIds {
        trace_id: trace.trace_id,
        span_id,
    }
}

/// Points a Sentry log captured inside a toolkit span at that span, as the SDK does for the
/// scope's span. A parent span the caller set explicitly is kept.
pub(crate) fn link_log(log: &mut Log) {
    let Some(ids) = toolkit_trace_ids() else {
        return;
    };
    log.trace_id = Some(ids.trace_id);
    // The SDK writes its key only when the protocol key is absent, so a protocol key here
    // was set by the caller on purpose.
    if log.attributes.contains_key(PARENT_SPAN_ATTRIBUTE) {
        return;
    }
    let id = ids.span_id.to_string();
    log.attributes.insert(
        PARENT_SPAN_ATTRIBUTE.to_owned(),
        LogAttribute(id.clone().into()),
    );
    log.attributes.insert(
        SDK_PARENT_SPAN_ATTRIBUTE.to_owned(),
        LogAttribute(id.into()),
    );
}
