//! Making a span current around each poll of a future.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

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
    ///
    /// One copy of this type exists per annotated `async fn`, so its generic methods only
    /// poll and map the output; the span's work is in non-generic functions compiled once
    /// (about a quarter of the code a debug build generated per function before).
    #[must_use = "futures do nothing unless polled"]
    pub struct Instrumented<F, S> {
        #[pin]
        inner: F,
        span: Option<Current>,
        status: Option<S>,
        hooks: PollHooks,
        busy: Duration,
    }

    impl<F, S> PinnedDrop for Instrumented<F, S> {
        fn drop(this: Pin<&mut Self>) {
            cancel(this.project().span);
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
        Self::with_hooks(span, inner, status, PollHooks::NONE)
    }

    /// Wraps `inner` with `hooks` run around its polls; `status` runs while the span is
    /// still current, so it may also capture what the output holds.
    pub(crate) fn with_hooks(
        span: Option<ActiveSpan>,
        inner: F,
        status: S,
        hooks: PollHooks,
    ) -> Self {
        Instrumented {
            inner,
            span: current_of(span),
            status: Some(status),
            hooks,
            busy: Duration::ZERO,
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
        let mut scope = PollScope::enter(this.span, *this.hooks, this.busy);
        let poll = this.inner.poll(cx);
        if let Poll::Ready(output) = &poll {
            let status = match this.status.take() {
                Some(status) => status(output),
                None => None,
            };
            scope.complete(status);
        }
        poll
    }
}

fn current_of(span: Option<ActiveSpan>) -> Option<Current> {
    span.map(|span| span.current)
}

/// Dropped before completion: the caller gave up on the future, or a panic unwinds it.
#[inline]
fn cancel(slot: &mut Option<Current>) {
    if let Some(span) = slot.take() {
        let status = if std::thread::panicking() {
            SpanStatus::InternalError
        } else {
            SpanStatus::Cancelled
        };
        active::finish(span, status, false);
    }
}

/// What an annotated `async fn` needs around each poll besides its span, as plain
/// function pointers: `__private` owns `#[capture_errors]` frames and busy time, and this
/// module stays below it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PollHooks {
    /// Called before each poll.
    pub(crate) before_poll: Option<fn()>,
    /// Called once, when the future completes and before its span finishes, with the
    /// time spent inside `poll`; `None` does not time the polls.
    pub(crate) on_busy: Option<fn(Duration)>,
}

impl PollHooks {
    /// No hooks: the span alone.
    pub(crate) const NONE: PollHooks = PollHooks {
        before_poll: None,
        on_busy: None,
    };
}

/// The span made current for one poll. Leaving restores the thread's previous span, also
/// when the poll panics; a panic finishes the span as `internal_error` right away, since
/// the executor may drop the future only later (after `catch_unwind`, when `panicking()` no
/// longer says so).
struct PollScope<'a> {
    /// `None` when the future has no span (nothing was swapped).
    previous: Option<Option<Current>>,
    slot: &'a mut Option<Current>,
    /// When this poll started, if polls are timed, and the time they took so far.
    started: Option<Instant>,
    busy: &'a mut Duration,
    on_busy: Option<fn(Duration)>,
}

impl<'a> PollScope<'a> {
    #[inline]
    fn enter(slot: &'a mut Option<Current>, hooks: PollHooks, busy: &'a mut Duration) -> Self {
        let previous = slot.is_some().then(|| current::swap(slot.take()));
        if let Some(before_poll) = hooks.before_poll {
            before_poll();
        }
        PollScope {
            previous,
            slot,
            started: hooks.on_busy.map(|_| Instant::now()),
            busy,
            on_busy: hooks.on_busy,
        }
    }

    /// The future completed: its busy time is reported while the span is current, then the
    /// span leaves and finishes with `status` (`None` is `ok`).
    #[inline]
    fn complete(&mut self, status: Option<SpanStatus>) {
        self.stop_clock();
        if let Some(on_busy) = self.on_busy {
            on_busy(*self.busy);
        }
        self.leave();
        if let Some(span) = self.slot.take() {
            active::finish(span, status.unwrap_or(SpanStatus::Ok), false);
        }
    }

    #[inline]
    fn stop_clock(&mut self) {
        if let Some(started) = self.started.take() {
            *self.busy += started.elapsed();
        }
    }

    #[inline]
    fn leave(&mut self) {
        self.stop_clock();
        if let Some(previous) = self.previous.take() {
            *self.slot = current::swap(previous);
            if std::thread::panicking()
                && let Some(span) = self.slot.take()
            {
                active::finish(span, SpanStatus::InternalError, true);
            }
        }
    }
}

impl Drop for PollScope<'_> {
    fn drop(&mut self) {
        self.leave();
    }
}
