//! The span the next service continues: the trace id, span id and sampling decision that
//! go into `sentry-trace`, for `propagation::inject`, the HTTP integrations and the span
//! helpers (`span::trace_headers()`, `SpanHandle::trace_headers()`).

use sentry::Hub;
use sentry::TransactionOrSpan;

use super::{Current, Sampling};
use crate::trace_context::headers::{SENTRY_TRACE, TraceParent};
use crate::trace_context::trace_state;

/// The current span as the next hop must see it: the toolkit's current span on this
/// thread, else the span on the hub's scope, else the scope's own propagation context (a
/// trace id for errors and logs when nothing is traced, with the decision left to the
/// callee). `tracing`: whether the client samples traces (an unsampled SDK span is then
/// "not sampled" rather than "deferred"). `None` when no client is bound.
pub(crate) fn current_parent(tracing: bool) -> Option<TraceParent> {
    if let Some(parent) = super::with_current(|current| current.map(span_parent)) {
        return Some(parent);
    }
    // Inside `continue_with` before any span starts, the caller's span is the parent, as
    // it is for the first span started there.
    if let Some(remote) = super::remote() {
        return Some(remote);
    }
    Hub::with_active(|hub| {
        hub.configure_scope(|scope| match scope.get_span() {
            Some(span) => Some(sdk_parent(&span, super::is_sampled(&span), tracing)),
            None => parent_of(scope.iter_trace_propagation_headers()),
        })
    })
}

/// A toolkit span as the parent of the next hop; a root heading its trace first records
/// what it was sampled with, so the trace's context carries the rate and the name.
pub(crate) fn span_parent(current: &Current) -> TraceParent {
    // The head's facts (a copy of its name, under the trace's lock) are read only while
    // the trace is unknown here: once per trace, not once per outgoing request.
    if !trace_state::knows(current.trace_id())
        && let Some(head) = super::head_of(current)
    {
        trace_state::note_head(current.trace_id(), &head.name, head.sample_rate);
    }
    TraceParent {
        trace_id: current.trace_id(),
        span_id: current.span_id(),
        sampled: sampled(current.sampling()),
    }
}

fn sampled(sampling: Sampling) -> Option<bool> {
    match sampling {
        Sampling::Sampled => Some(true),
        Sampling::NotSampled => Some(false),
        Sampling::Deferred => None,
    }
}

/// An SDK span as the parent of the next hop. The ids are read from the span's context
/// rather than from its `sentry-trace` header, which the SDK formats through an allocated
/// hex string.
fn sdk_parent(span: &TransactionOrSpan, sampled: bool, tracing: bool) -> TraceParent {
    let context = span.get_trace_context();
    let span_id = match span {
        TransactionOrSpan::Transaction(_) => context.span_id,
        // A child's context is its transaction's: its own id is asked for apart.
        TransactionOrSpan::Span(span) => span.get_span_id(),
    };
    TraceParent {
        trace_id: context.trace_id,
        span_id,
        sampled: match (sampled, tracing) {
            (true, _) => Some(true),
            (false, true) => Some(false),
            (false, false) => None,
        },
    }
}

/// The propagation facts in `sentry-trace` headers.
fn parent_of(headers: impl Iterator<Item = (&'static str, String)>) -> Option<TraceParent> {
    headers
        .filter(|(name, _)| *name == SENTRY_TRACE)
        .find_map(|(_, value)| TraceParent::parse_sentry_trace(&value))
}
