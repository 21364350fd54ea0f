//! The remote parent in effect on this thread: inside
//! `PropagationContext::continue_with` (which sets it through
//! `propagation::span_link::with_remote_parent`), the first toolkit span started where no
//! toolkit span is current continues the remote trace (`active::remote_root`).

use std::cell::Cell;

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

/// The remote parent in effect on this thread, if any.
#[inline]
pub(crate) fn remote() -> Option<TraceParent> {
    REMOTE.try_with(Cell::get).ok().flatten()
}
