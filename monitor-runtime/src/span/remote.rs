//! The remote parent in effect on this thread: inside
//! `PropagationContext::continue_with` (which sets it through
//! `propagation::span_link::with_remote_parent`), the first toolkit span started where no
//! toolkit span is current continues the remote trace.

use std::cell::Cell;

use super::active::{ActiveSpan, Parent, SpanKind, SpanSpec, Upstream};
use crate::trace_context::headers::TraceParent;

thread_local! {
    /// The remote parent in effect on this thread (inside `with_remote_parent`).
    static REMOTE: Cell<Option<TraceParent>> = const { Cell::new(None) };
}

/// Puts `parent` in effect on this thread; returns the one it replaces (`None` as well
/// while the thread is being torn down).
pub(crate) fn replace_remote(parent: Option<TraceParent>) -> Option<TraceParent> {
    REMOTE.try_with(|cell| cell.replace(parent)).ok().flatten()
}

/// What `span::active` calls when no toolkit span is current: `Some(started)` when a
/// remote parent is in effect (a transaction continuing it, or nothing for
/// [`SpanKind::Span`] or without a client), `None` to carry on as usual.
#[inline]
pub(crate) fn remote_root(spec: SpanSpec<'_>) -> Option<Option<ActiveSpan>> {
    let parent = REMOTE.try_with(Cell::get).ok().flatten()?;
    if spec.kind() == SpanKind::Span {
        return Some(None);
    }
    Some(ActiveSpan::start_with_parent(
        spec,
        &Parent::Remote(Upstream::from(parent)),
    ))
}

impl From<TraceParent> for Upstream {
    fn from(parent: TraceParent) -> Self {
        Upstream {
            trace_id: parent.trace_id,
            parent_span_id: parent.span_id,
            sampled: parent.sampled,
        }
    }
}
