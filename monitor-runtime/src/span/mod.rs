//! The toolkit's spans: where the current one lives, how sampling is decided before
//! anything is built, how spans are recorded and sent, entered around sync code and
//! futures, and finished.
//!
//! `#[monitored]` and [`PerformanceMonitor`](crate::PerformanceMonitor) are built on this
//! module; most users never touch it directly. The public functions here read the current
//! span, for code that talks to the SDK or propagates a trace by hand.
//!
//! | file | holds |
//! |---|---|
//! | `active.rs` | the start: parent lookup, the sampling decision, what is built |
//! | `current.rs` | the thread-local current span and what a span is ([`Sampling`]) |
//! | `trace.rs` | the recorder: one buffer of plain records per transaction |
//! | `transaction.rs` | records to the protocol's transaction, the DSC, sending |
//! | `graft.rs` | toolkit spans under an SDK span, merged into its transaction |
//! | `tracer.rs` | what the toolkit knows about the bound client |
//! | `ids.rs` | trace and span ids, sampling draws: a per-thread generator |
//! | `context.rs` | [`SpanHandle`], and what propagation reads |
//! | `guard.rs`, `instrument.rs` | entering a span around sync code and futures |

mod active;
mod budget;
mod context;
mod current;
pub(crate) mod graft;
mod guard;
mod ids;
mod instrument;
mod next_hop;
mod parent;
mod remote;
mod request;
mod spec;
pub(crate) mod tail;
mod trace;
mod tracer;
mod transaction;

pub use context::{ParentSpan, SpanHandle};
pub use current::Sampling;
// What the macros' expansion names, through `__private`; not for hand-written code.
#[doc(hidden)]
pub use guard::SpanGuard;
pub use instrument::Instrumented;
pub(crate) use instrument::PollHooks;
pub use parent::IntoParent;
#[doc(hidden)]
pub use spec::SpanKind;
pub use tail::TailHealth;

pub(crate) use active::{ActiveSpan, Parent, Upstream, finish};
pub(crate) use context::{
    add_link, current_handle, head_of, set_current_status, set_request, to_data,
};
pub(crate) use current::is_sampled;
pub(crate) use current::{Current, get as current, swap, with as with_current};
pub(crate) use next_hop::{current_parent, span_parent};
pub(crate) use remote::{remote, replace_remote};
pub(crate) use request::RequestFacts;
pub(crate) use spec::{DynamicSpec, SpanSpec};
pub(crate) use tracer::install;

use sentry::protocol::TraceContext;

/// The span code runs in: the toolkit's current span on this thread (from `#[monitored]`
/// or an entered [`PerformanceMonitor`](crate::PerformanceMonitor)), else the span on the
/// current hub's scope (for example the request transaction of `sentry-tower`).
///
/// ```
/// // No client bound in a doctest: there is no span.
/// assert!(monitor_runtime::span::current_span().is_none());
/// ```
pub fn current_span() -> Option<SpanHandle> {
    current_handle()
}

/// The trace headers to send with an outgoing request or message, so that the service
/// called continues this trace: what [`propagation::inject`](crate::propagation::inject)
/// writes (`sentry-trace` with the current span as the parent, `baggage` with the trace's
/// dynamic sampling context, and `traceparent` when `SENTRY_PROPAGATE_TRACEPARENT` is on).
/// Without a span, the scope's own trace; empty without a bound client.
///
/// ```
/// let headers = monitor_runtime::span::trace_headers();
/// for (name, value) in &headers {
///     // request.header(name, value)
///     let _ = (name, value);
/// }
/// ```
pub fn trace_headers() -> Vec<(&'static str, String)> {
    crate::trace_context::outgoing::header_list(current_parent)
}

/// The trace and span ids of the toolkit's current span on this thread.
#[inline]
pub(crate) fn current_ids() -> Option<(sentry::protocol::TraceId, sentry::protocol::SpanId)> {
    current::with(|c| c.map(|c| (c.trace_id(), c.span_id())))
}

/// An error event was captured in trace `trace_id` (inside the toolkit's current span,
/// if any): tail sampling keeps that trace.
pub(crate) fn note_error(trace_id: sentry::protocol::TraceId) {
    current::with(|current| {
        let pending = match current {
            Some(Current::Recorded(node)) if node.trace.trace_id == trace_id => {
                node.trace.tail.as_ref()
            }
            _ => None,
        };
        tail::note_error(trace_id, pending);
    });
}

/// The trace context of the toolkit's current span on this thread, for events captured
/// inside it.
pub(crate) fn current_trace_context() -> Option<TraceContext> {
    current::with(|c| c.map(Current::trace_context))
}
