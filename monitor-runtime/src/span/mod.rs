//! The toolkit's spans: where the current one lives, how it is started, entered around
//! sync code and futures, and finished.
//!
//! `#[monitored]` and [`PerformanceMonitor`](crate::PerformanceMonitor) are built on this
//! module; most users never touch it directly. The two functions here read the current
//! span, for code that talks to the SDK or propagates a trace by hand.

mod active;
mod current;
mod guard;
mod instrument;
pub(crate) mod parent;

pub use active::SpanKind;
pub use guard::SpanGuard;
pub use instrument::Instrumented;
pub use parent::{IntoParent, Parent};

pub(crate) use active::{ActiveSpan, SpanName, SpanSpec, finish, is_sampled, link_of, link_to};
pub(crate) use current::{Current, get as current, swap, with as with_current};

use sentry::TransactionOrSpan;
use sentry::protocol::TraceContext;

/// The span code runs in: the toolkit's current span on this thread (from `#[monitored]`
/// or an entered [`PerformanceMonitor`](crate::PerformanceMonitor)), else the span on the
/// current hub's scope (for example the request transaction of `sentry-tower`).
///
/// ```
/// // No client bound in a doctest: there is no span.
/// assert!(monitor_runtime::span::current_span().is_none());
/// ```
pub fn current_span() -> Option<TransactionOrSpan> {
    current::get()
        .map(|c| c.span)
        .or_else(|| sentry::Hub::with_active(|hub| hub.configure_scope(|scope| scope.get_span())))
}

/// The `sentry-trace` header to send with an outgoing request, so that the service called
/// continues this trace. Empty when no span is current.
///
/// ```
/// let headers = monitor_runtime::span::trace_headers();
/// for (name, value) in &headers {
///     // request.header(name, value)
///     let _ = (name, value);
/// }
/// ```
pub fn trace_headers() -> Vec<(&'static str, String)> {
    current_span()
        .map(|span| span.iter_headers().collect())
        .unwrap_or_default()
}

/// The trace context of the toolkit's current span on this thread, for events captured
/// inside it.
pub(crate) fn current_trace_context() -> Option<TraceContext> {
    current::with(|c| c.map(Current::trace_context))
}
