//! Making a span current around each poll of a future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use sentry::protocol::SpanStatus;

use super::active::{self, ActiveSpan};
use super::current::{self, Current};

pin_project! {
    /// A future whose toolkit span is current while it is polled, on whichever thread polls
    /// it, and is finished when it completes, panics, or is dropped early (`cancelled`).
    ///
    /// The parent was chosen when the span started: for `#[monitored] async fn`, at the
    /// first poll, like `#[tracing::instrument]`.
    #[must_use = "futures do nothing unless polled"]
    pub struct Instrumented<F, S> {
        #[pin]
        inner: F,
        span: Option<Current>,
        status: Option<S>,
    }

    impl<F, S> PinnedDrop for Instrumented<F, S> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(span) = this.span.take() {
                // Dropped before completion: the caller gave up on us.
                let status = if std::thread::panicking() {
                    SpanStatus::InternalError
                } else {
                    SpanStatus::Cancelled
                };
                active::finish(span, status, false);
            }
        }
    }
}

impl<F, S> Instrumented<F, S>
where
    F: Future,
    S: FnOnce(&F::Output) -> Option<SpanStatus>,
{
    /// Wraps `inner`; `status` maps its output to the span's status (`None` means `ok`).
    pub(crate) fn new(span: Option<ActiveSpan>, inner: F, status: S) -> Self {
        Instrumented {
            inner,
            span: span.map(|span| span.current),
            status: Some(status),
        }
    }
}

impl<F, S> Future for Instrumented<F, S>
where
    F: Future,
    S: FnOnce(&F::Output) -> Option<SpanStatus>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if this.span.is_none() {
            return this.inner.poll(cx);
        }
        let previous = current::swap(this.span.take());
        let poll = {
            let _scope = PollScope {
                previous,
                slot: &mut *this.span,
            };
            this.inner.poll(cx)
        };
        if let Poll::Ready(output) = &poll
            && let Some(span) = this.span.take()
        {
            let status = this.status.take().and_then(|f| f(output));
            active::finish(span, status.unwrap_or(SpanStatus::Ok), false);
        }
        poll
    }
}

/// Restores the thread's previous span after a poll, also when the poll panics; a panic
/// finishes the span as `internal_error` right away, since the executor may drop the
/// future only later (after `catch_unwind`, when `panicking()` no longer says so).
struct PollScope<'a> {
    previous: Option<Current>,
    slot: &'a mut Option<Current>,
}

impl Drop for PollScope<'_> {
    fn drop(&mut self) {
        *self.slot = current::swap(self.previous.take());
        if std::thread::panicking()
            && let Some(span) = self.slot.take()
        {
            active::finish(span, SpanStatus::InternalError, true);
        }
    }
}
