//! The toolkit span that is current on this thread.
//!
//! Sentry keeps its current span on the hub's scope, and writing it there costs a scope
//! clone and an allocation per write (`configure_scope`). Doing that around every poll of
//! every monitored future is what made the naive approach misparent spans under tokio, and
//! forking a hub per call instead makes breadcrumbs copy-on-write. The toolkit keeps its
//! own current span in a thread-local instead, moved in before a body runs or a future is
//! polled and moved out right after, so that concurrent tasks sharing a worker thread never
//! see each other's span. See `ARCHITECTURE.md` for the measurements behind this choice.

use std::cell::Cell;

use sentry::TransactionOrSpan;
use sentry::protocol::TraceContext;

/// A span made current by the toolkit, with its sampling decision cached so that nested
/// calls can skip unsampled work without taking the span's lock.
#[derive(Clone, Debug)]
pub(crate) struct Current {
    pub(crate) span: TransactionOrSpan,
    pub(crate) sampled: bool,
}

impl Current {
    /// The trace context an event captured inside this span should carry.
    pub(crate) fn trace_context(&self) -> TraceContext {
        match &self.span {
            TransactionOrSpan::Transaction(tx) => tx.get_trace_context(),
            TransactionOrSpan::Span(span) => {
                // The SDK exposes a child span's id but not its op or parent; Sentry links
                // an event to its span by trace and span id.
                let transaction = span.get_trace_context();
                TraceContext {
                    span_id: span.get_span_id(),
                    trace_id: transaction.trace_id,
                    ..TraceContext::default()
                }
            }
        }
    }
}

thread_local! {
    static CURRENT: Cell<Option<Current>> = const { Cell::new(None) };
    /// Whether `CURRENT` holds a span: a one-word read answers the common "nothing is
    /// current" case without moving the span out and back.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

/// Makes `new` current and returns what was current before.
///
/// Callers restore the returned value with another `swap`, strictly nested, which is
/// what every guard and future wrapper in this module does (also while unwinding).
pub(crate) fn swap(new: Option<Current>) -> Option<Current> {
    let active = new.is_some();
    let previous = CURRENT
        .try_with(|cell| cell.replace(new))
        .unwrap_or_default();
    let _ = ACTIVE.try_with(|flag| flag.set(active));
    previous
}

/// Runs `f` with a borrow of the current span, without cloning it.
///
/// `f` must not touch the current span itself (it would see `None`); the callers only
/// start children or read a trace context.
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(Option<&Current>) -> R) -> R {
    if !ACTIVE.try_with(Cell::get).unwrap_or(false) {
        return f(None);
    }
    let restore = Restore(CURRENT.try_with(Cell::take).ok().flatten());
    f(restore.0.as_ref())
}

/// Puts a borrowed current span back, also when the borrower panics.
struct Restore(Option<Current>);

impl Drop for Restore {
    fn drop(&mut self) {
        let value = self.0.take();
        // Fails only while the thread's locals are destroyed; then nothing is current.
        let _ = CURRENT.try_with(|cell| cell.set(value));
    }
}

/// A clone of the current toolkit span, if any.
pub(crate) fn get() -> Option<Current> {
    with(|c| c.cloned())
}
