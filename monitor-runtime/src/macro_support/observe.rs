//! The future of an async annotated function, observed: what the sync expansion does
//! after its body returns, done when the body's future completes, inside the span.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

pin_project! {
    /// Polls `inner`, and when it completes calls `hook` with its output. Wrapped inside
    /// the span's own future wrapper, so the hook runs while the span is current (an error
    /// captured there carries the span's trace). Dropped before completion, the hook is
    /// dropped uncalled: what it owns (a pending crumb, a check-in, call metrics) records
    /// the cancellation.
    #[must_use = "futures do nothing unless polled"]
    pub struct Observed<F, H> {
        #[pin]
        inner: F,
        hook: Option<H>,
        capture_frames: bool,
        busy: Option<Duration>,
    }
}

impl<F, H> Observed<F, H>
where
    F: Future,
    H: FnOnce(&F::Output),
{
    /// Observes `inner`. With `capture_frames`, each poll is a new `#[capture_errors]`
    /// frame; with `busy_time`, the time spent in `poll` is recorded on the current span
    /// as `busy_ms` when the future completes.
    #[inline]
    pub fn new(inner: F, capture_frames: bool, busy_time: bool, hook: H) -> Self {
        Observed {
            inner,
            hook: Some(hook),
            capture_frames,
            busy: busy_time.then_some(Duration::ZERO),
        }
    }
}

impl<F, H> Future for Observed<F, H>
where
    F: Future,
    H: FnOnce(&F::Output),
{
    type Output = F::Output;

    // Generic, so copied per annotated function: it only polls and calls the hook; the
    // frame and busy-time work is in non-generic functions.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let started = before_poll(*this.capture_frames, this.busy);
        let poll = this.inner.poll(cx);
        after_poll(this.busy, started, poll.is_ready());
        if let Poll::Ready(output) = &poll
            && let Some(hook) = this.hook.take()
        {
            hook(output);
        }
        poll
    }
}

/// A new `#[capture_errors]` frame if asked, and the start of the poll if busy time counts.
#[inline(never)]
fn before_poll(capture_frames: bool, busy: &Option<Duration>) -> Option<Instant> {
    if capture_frames {
        super::errors::next_generation();
    }
    busy.map(|_| Instant::now())
}

/// Adds the poll to the busy time; once the future is ready, records it on the current span.
#[inline(never)]
fn after_poll(busy: &mut Option<Duration>, started: Option<Instant>, ready: bool) {
    if let (Some(busy), Some(started)) = (busy.as_mut(), started) {
        *busy += started.elapsed();
    }
    if ready && let Some(busy) = busy.take() {
        super::span::record_busy(busy);
    }
}

impl<F, H> std::fmt::Debug for Observed<F, H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observed").finish_non_exhaustive()
    }
}
