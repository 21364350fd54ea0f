//! Every point where propagation touches the span layer, in one place.
//!
//! What propagation needs from the span layer (`crate::span`, whose spans are the
//! toolkit's records, unsampled ids, or SDK spans of other integrations):
//! - the current span's trace id, span id and sampling decision ([`current_parent`]), and,
//!   when a toolkit root heads the trace, what it was sampled with, for the trace's dynamic
//!   sampling context;
//! - an `http.client` child of the current span, not made current ([`start_http_child`],
//!   [`ChildSpan`]), and its request recorded on it;
//! - roots that continue a remote parent: [`with_remote_parent`] makes one the parent of
//!   the first toolkit span started where no toolkit span is current, and
//!   `span::remote` is what `span::active` calls to start it; `ParentSpan::from(&context)`
//!   names one as an explicit parent.
//!
//! The trace's frozen dynamic sampling context is kept per trace in `trace_state`, which
//! needs only the trace id from here.

use sentry::protocol::SpanStatus;

use super::headers::TraceParent;
use crate::registry::{FnSite, FnSpec};
pub(crate) use crate::span::current_parent;
use crate::span::{
    self, ActiveSpan, Current, Parent, ParentSpan, RequestFacts, SpanKind, SpanSpec, Upstream,
};

/// A child of the current span that is not made current (an `http.client` span): a
/// record of the toolkit's, or an SDK span under an SDK parent and a plain client.
#[derive(Debug)]
pub(crate) struct ChildSpan(Current);

impl ChildSpan {
    /// Finishes the child with `status`, its request recorded first.
    pub(crate) fn finish_request(self, request: RequestFacts, status: SpanStatus) {
        span::set_request(&self.0, request);
        self.finish(status);
    }

    /// The child as the parent of the next hop.
    pub(crate) fn as_parent(&self) -> TraceParent {
        span::span_parent(&self.0)
    }

    /// Finishes the child with `status`.
    pub(crate) fn finish(self, status: SpanStatus) {
        span::finish(self.0, status, true);
    }
}

/// The span operation of outgoing HTTP requests.
const HTTP_CLIENT_OP: &str = "http.client";

/// The names an `http.client` record starts with: a static site, so that starting the
/// record allocates nothing. Its description is its request's (`RequestFacts`), set
/// when the span finishes and written when the transaction is converted; an SDK child
/// gets it when it finishes too.
static HTTP_CLIENT_SITE: FnSite = FnSite {
    explicit_name: Some(HTTP_CLIENT_OP),
    path_of_nested_item: crate::__private::path_of(http_client_site),
    op: Some(HTTP_CLIENT_OP),
    sample_rate: None,
    module: module_path!(),
    file: file!(),
    line: line!(),
    macros: &[],
    spec: FnSpec::NONE,
    resolved: crate::__private::unresolved(),
};

fn http_client_site() {}

/// An `http.client` child of the current span, when the current span records; it is not
/// made current. `None` when nothing would be recorded.
pub(crate) fn start_http_child() -> Option<ChildSpan> {
    ActiveSpan::start(SpanSpec::Site(&HTTP_CLIENT_SITE, SpanKind::Span))
        .filter(ActiveSpan::is_recording)
        .map(|active| ChildSpan(active.current))
}

/// The trace of the span on the hub's scope (a `sentry-tower` request transaction).
#[cfg(feature = "tower")]
pub(crate) fn scope_trace_id() -> Option<sentry::protocol::TraceId> {
    sentry::Hub::with_active(|hub| hub.configure_scope(|scope| scope.get_span()))
        .map(|span| span.get_trace_context().trace_id)
}

/// Runs `f` with `parent` as the parent of the first toolkit span `f` starts, instead of
/// whatever span is current around the call: a `#[monitored]` function (any kind but
/// `span`) or a `PerformanceMonitor` started inside becomes a transaction continuing the
/// remote trace. `None` runs `f` detached from the current span, so it starts a new trace.
pub(crate) fn with_remote_parent<R>(parent: Option<TraceParent>, f: impl FnOnce() -> R) -> R {
    let _restore = Restore {
        span: Some(span::swap(None)),
        remote: span::replace_remote(parent),
    };
    f()
}

/// The remote parent in effect on this thread (inside `continue_with` or `instrument`),
/// for `spawn` to carry into the task.
pub(crate) fn current_remote() -> Option<TraceParent> {
    span::remote()
}

/// Puts back the toolkit span and remote parent that were in effect, also on unwind.
struct Restore {
    span: Option<Option<span::Current>>,
    remote: Option<TraceParent>,
}

impl Drop for Restore {
    fn drop(&mut self) {
        span::replace_remote(self.remote);
        if let Some(previous) = self.span.take() {
            span::swap(previous);
        }
    }
}

/// The parent a span names with an extracted trace (`ParentSpan::from(&context)`):
/// `adopted` is what the context gives after strict continuation (`None`: refused).
pub(crate) fn parent_span(adopted: Option<TraceParent>) -> ParentSpan {
    match adopted {
        Some(parent) => ParentSpan::from_parent(Parent::Remote(Upstream::from(parent))),
        None => ParentSpan::new_trace(),
    }
}
