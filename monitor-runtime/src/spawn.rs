//! Spawning tasks that stay in the current trace.
//!
//! A task spawned with `tokio::spawn` is first polled on some worker thread, outside the
//! spawner's span and hub, so its spans would start a new trace and its breadcrumbs would
//! land in that worker's hub. [`spawn`] carries both along: the toolkit's current span
//! becomes the task's parent, and the task gets its own hub forked from the spawner's, so
//! its scope (tags, user, breadcrumbs) starts as the spawner's and stays its own. Spawned
//! inside `PropagationContext::continue_with` or `instrument` before any span started
//! there, the task continues the received trace as the spawner would have.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use sentry::{Hub, SentryFuture, SentryFutureExt};

use crate::propagation::TraceParent;
use crate::propagation::span_link;
use crate::span::{self, Current};

/// `tokio::spawn` that keeps the task in the current trace; returns tokio's `JoinHandle`.
///
/// Must be called inside a tokio runtime, like `tokio::spawn`.
///
/// ```
/// # let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// # rt.block_on(async {
/// let handle = monitor_runtime::spawn(async { 2 + 2 });
/// assert_eq!(handle.await.unwrap(), 4);
/// # });
/// ```
pub fn spawn<F>(future: F) -> tokio::task::JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    tokio::spawn(in_current_trace(future))
}

/// Binds `future` to the current trace without spawning it: the toolkit's current span
/// becomes the parent of spans it starts (or, inside
/// [`PropagationContext::continue_with`](crate::propagation::PropagationContext::continue_with)
/// with no span current, the received trace's caller), and it runs on its own hub forked
/// from the current one. For executors other than tokio.
pub fn in_current_trace<F: Future>(future: F) -> InTrace<F> {
    let hub = Hub::with_active(|hub| Some(Arc::new(Hub::new_from_top(hub))));
    let parent = span::current();
    let remote = match parent {
        Some(_) => None,
        None => span_link::current_remote(),
    };
    InTrace {
        inner: match hub {
            Some(hub) => Bound::Hub {
                inner: future.bind_hub(hub),
            },
            None => Bound::Plain { inner: future },
        },
        parent,
        remote,
    }
}

pin_project! {
    /// A future bound to the trace it was created in; see [`in_current_trace`].
    #[must_use = "futures do nothing unless polled"]
    pub struct InTrace<F> {
        #[pin]
        inner: Bound<F>,
        parent: Option<Current>,
        // The received trace's caller, when the future was made inside `continue_with`
        // with no toolkit span current.
        remote: Option<TraceParent>,
    }
}

pin_project! {
    #[project = BoundProj]
    enum Bound<F> {
        Hub { #[pin] inner: SentryFuture<F> },
        Plain { #[pin] inner: F },
    }
}

impl<F: Future> Future for InTrace<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _parent = ParentScope::enter(this.parent);
        let inner = this.inner;
        let poll = move || match inner.project() {
            BoundProj::Hub { inner } => inner.poll(cx),
            BoundProj::Plain { inner } => inner.poll(cx),
        };
        match *this.remote {
            Some(remote) => span_link::with_remote_parent(Some(remote), poll),
            None => poll(),
        }
    }
}

/// Makes the carried parent current for one poll and takes it back afterwards.
struct ParentScope<'a> {
    slot: &'a mut Option<Current>,
    previous: Option<Current>,
    entered: bool,
}

impl<'a> ParentScope<'a> {
    fn enter(slot: &'a mut Option<Current>) -> Self {
        match slot.take() {
            Some(parent) => ParentScope {
                previous: span::swap(Some(parent)),
                slot,
                entered: true,
            },
            None => ParentScope {
                slot,
                previous: None,
                entered: false,
            },
        }
    }
}

impl Drop for ParentScope<'_> {
    fn drop(&mut self) {
        if self.entered {
            *self.slot = span::swap(self.previous.take());
        }
    }
}
