//! Every point where propagation touches the span layer, in one place.
//!
//! Written against the span layer as it is today (spans are the SDK's `Transaction` and
//! `Span`, the toolkit's current one held in `span::current`). What propagation needs from
//! it:
//! - the current span's trace id, span id and sampling decision ([`current_parent`]);
//! - an `http.client` child of the current span, not made current ([`start_child`],
//!   [`ChildSpan`]);
//! - roots that continue a remote parent: [`with_remote_parent`] makes one the parent of
//!   the first toolkit span started where no toolkit span is current, and
//!   [`remote_root`] is what `span::active` calls to start it.
//!
//! The trace's frozen dynamic sampling context is kept per trace in `trace_state`, which
//! needs only the trace id from here.

use std::cell::Cell;

use sentry::protocol::{SpanStatus, Value};
use sentry::{Hub, Span, TransactionContext, TransactionOrSpan};

use super::headers::TraceParent;
use crate::span::{self, ActiveSpan, SpanKind, SpanSpec};

/// The current span as the next hop must see it: the toolkit's current span on this
/// thread, else the span on the hub's scope, else the scope's own propagation context (a
/// trace id for errors and logs when nothing is traced, with the decision left to the
/// callee). `tracing`: whether the client samples traces (an unsampled span is then "not
/// sampled" rather than "deferred"). `None` when no client is bound.
pub(crate) fn current_parent(tracing: bool) -> Option<TraceParent> {
    if let Some(parent) =
        span::with_current(|current| current.map(|c| parent_from(&c.span, c.sampled, tracing)))
    {
        return Some(parent);
    }
    Hub::with_active(|hub| {
        hub.configure_scope(|scope| match scope.get_span() {
            Some(span) => Some(parent_from(&span, span::is_sampled(&span), tracing)),
            None => parent_of(scope.iter_trace_propagation_headers()),
        })
    })
}

/// `span` as the parent of the next hop. The ids are read from the span's context rather
/// than from its `sentry-trace` header, which the SDK formats through an allocated hex
/// string.
fn parent_from(span: &TransactionOrSpan, sampled: bool, tracing: bool) -> TraceParent {
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

/// A child of the current span that is not made current (an `http.client` span): on
/// today's span layer, the SDK's `Span`.
#[derive(Debug)]
pub(crate) struct ChildSpan(Span);

impl ChildSpan {
    /// Sets the request's data entries, under one lock: `http.request.method`, `url`,
    /// `server.address` and `server.port` (as Sentry's conventions ask: only a port the
    /// URL names).
    pub(crate) fn set_request_data(
        &self,
        method: &str,
        url: String,
        host: Option<&str>,
        port: Option<u16>,
    ) {
        let mut data = self.0.data();
        data.set_data("http.request.method".into(), Value::from(method));
        data.set_data("url".into(), Value::from(url));
        if let Some(host) = host {
            data.set_data("server.address".into(), Value::from(host));
        }
        if let Some(port) = port {
            data.set_data("server.port".into(), Value::from(port));
        }
    }

    /// Finishes the child with the response's HTTP status (`http.response.status_code`)
    /// and `status`.
    pub(crate) fn finish_with_response(self, code: u16, status: SpanStatus) {
        self.0
            .set_data("http.response.status_code", Value::from(code));
        self.finish(status);
    }

    /// The child as the parent of the next hop (it exists only in sampled traces).
    pub(crate) fn as_parent(&self) -> TraceParent {
        TraceParent {
            trace_id: self.0.get_trace_context().trace_id,
            span_id: self.0.get_span_id(),
            sampled: Some(true),
        }
    }

    /// Finishes the child with `status`.
    pub(crate) fn finish(self, status: SpanStatus) {
        self.0.set_status(status);
        self.0.finish();
    }
}

/// A child of the current span with `op` and `description`, when the current span is
/// sampled; it is not made current. `None` when nothing would be recorded.
pub(crate) fn start_child(op: &str, description: &str) -> Option<ChildSpan> {
    let from_toolkit = span::with_current(|current| {
        let current = current?;
        Some(
            current
                .sampled
                .then(|| current.span.start_child(op, description)),
        )
    });
    let child = match from_toolkit {
        Some(child) => child,
        None => Hub::with_active(|hub| {
            let parent = hub.configure_scope(|scope| scope.get_span())?;
            span::is_sampled(&parent).then(|| parent.start_child(op, description))
        }),
    };
    child.map(ChildSpan)
}

/// The trace of the span on the hub's scope (a `sentry-tower` request transaction).
#[cfg(feature = "tower")]
pub(crate) fn scope_trace_id() -> Option<sentry::protocol::TraceId> {
    Hub::with_active(|hub| hub.configure_scope(|scope| scope.get_span()))
        .map(|span| span.get_trace_context().trace_id)
}

/// The propagation facts in `sentry-trace` headers.
fn parent_of(headers: impl Iterator<Item = (&'static str, String)>) -> Option<TraceParent> {
    headers
        .filter(|(name, _)| *name == super::headers::SENTRY_TRACE)
        .find_map(|(_, value)| TraceParent::parse_sentry_trace(&value))
}

thread_local! {
    /// The remote parent in effect on this thread (inside `with_remote_parent`).
    static REMOTE: Cell<Option<TraceParent>> = const { Cell::new(None) };
}

/// Runs `f` with `parent` as the parent of the first toolkit span `f` starts, instead of
/// whatever span is current around the call: a `#[monitored]` function (any kind but
/// `span`) or a `PerformanceMonitor` started inside becomes a transaction continuing the
/// remote trace. `None` runs `f` detached from the current span, so it starts a new trace.
pub(crate) fn with_remote_parent<R>(parent: Option<TraceParent>, f: impl FnOnce() -> R) -> R {
    let _restore = Restore {
        span: Some(span::swap(None)),
        remote: REMOTE.try_with(|cell| cell.replace(parent)).ok().flatten(),
    };
    f()
}

/// Puts back the toolkit span and remote parent that were in effect, also on unwind.
struct Restore {
    span: Option<Option<span::Current>>,
    remote: Option<TraceParent>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = REMOTE.try_with(|cell| cell.set(self.remote));
        if let Some(previous) = self.span.take() {
            span::swap(previous);
        }
    }
}

/// What `span::active` calls when no toolkit span is current: `Some(started)` when a
/// remote parent is in effect (a transaction continuing it, or nothing for
/// [`SpanKind::Span`] or without a client), `None` to carry on as usual.
pub(crate) fn remote_root(spec: SpanSpec<'_>) -> Option<Option<ActiveSpan>> {
    let parent = REMOTE.try_with(Cell::get).ok().flatten()?;
    if spec.kind == SpanKind::Span {
        return Some(None);
    }
    Hub::with_active(|_| Some(()))?;
    let mut ctx = TransactionContext::new_with_details(
        spec.name.get(),
        spec.op,
        parent.trace_id,
        None,
        Some(parent.span_id),
    );
    ctx.set_sampled(parent.sampled);
    Some(Some(ActiveSpan::root_from_context(spec, ctx)))
}
