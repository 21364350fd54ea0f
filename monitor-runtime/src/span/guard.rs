//! Making a span current around synchronous code.

use std::cell::Cell;
use std::marker::PhantomData;

use sentry::protocol::SpanStatus;

use super::active::{self, ActiveSpan};
use super::current::{self, Current};

/// Keeps a toolkit span current on this thread until dropped, then finishes it.
///
/// Dropped while unwinding, it marks the span `internal_error`. It is `!Send`: the span
/// it made current lives in this thread's locals and must be restored on this thread.
#[must_use = "the span is current only while the guard lives"]
pub struct SpanGuard {
    entered: Option<Entered>,
    _not_send: PhantomData<*const ()>,
}

#[derive(Debug)]
struct Entered {
    previous: Option<Current>,
    status: Cell<Option<SpanStatus>>,
}

impl SpanGuard {
    /// Enters `span` (if any) on this thread.
    #[inline]
    pub(crate) fn enter(span: Option<ActiveSpan>) -> SpanGuard {
        let entered = span.map(|ActiveSpan { current }| Entered {
            previous: current::swap(Some(current)),
            status: Cell::new(None),
        });
        SpanGuard {
            entered,
            _not_send: PhantomData,
        }
    }

    /// A guard that does nothing: no client, or nothing to record.
    #[inline]
    pub(crate) fn inactive() -> SpanGuard {
        SpanGuard {
            entered: None,
            _not_send: PhantomData,
        }
    }

    /// Whether a span was entered.
    pub fn is_recording(&self) -> bool {
        self.entered.is_some()
    }

    /// Finishes the span now with `status` (`None` means `ok`).
    #[inline]
    pub fn complete(self, status: Option<SpanStatus>) {
        self.record(status);
    }

    /// Sets the status the span finishes with when the guard drops.
    #[inline]
    pub fn record(&self, status: Option<SpanStatus>) {
        if let Some(entered) = &self.entered {
            entered.status.set(status);
        }
    }
}

impl Drop for SpanGuard {
    #[inline]
    fn drop(&mut self) {
        if let Some(entered) = self.entered.take() {
            leave(entered);
        }
    }
}

/// Restores the previous span and finishes this one; out of line, so that a guard that
/// entered nothing costs a branch.
#[inline(never)]
fn leave(entered: Entered) {
    let mine = match current::swap(entered.previous) {
        None => return,
        // Nothing to finish: the common case of an unsampled root. Bound by value, so
        // that returning drops an `Unrecorded` (nothing to do), not the whole enum.
        Some(Current::Unsampled(_unrecorded)) => return,
        Some(mine) => mine,
    };
    if std::thread::panicking() {
        active::finish(mine, SpanStatus::InternalError, true);
    } else {
        let status = entered.status.get().unwrap_or(SpanStatus::Ok);
        active::finish(mine, status, false);
    }
}

impl std::fmt::Debug for SpanGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SpanGuard")
            .field("recording", &self.is_recording())
            .finish()
    }
}
