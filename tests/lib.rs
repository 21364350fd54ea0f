//! Shared helpers for the workspace tests.
//!
//! Every behaviour test runs the code under test inside a root transaction named
//! [`ROOT`], started by `#[monitored(transaction)]` itself, then captures one message event
//! ([`END`]) so that the breadcrumbs left during the call can be read off an event. The
//! assertion helpers read what reached the capturing transport: spans of the root
//! transaction, breadcrumbs of the end event, and error events.

use std::future::Future;

use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::{Breadcrumb, Event, SpanStatus};
use monitor_runtime::testing::{self, Captured, SpanNode};
use monitor_runtime::{capture_message, monitored};

pub use monitor_runtime::testing::crumb_messages;

/// The workspace README's examples, compiled and run as doctests so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}

/// The name of the transaction every helper runs its code in.
pub const ROOT: &str = "root";

/// The message of the event captured at the end of the root transaction.
pub const END: &str = "end of root";

/// Runs `f` inside the root transaction, then captures the end event (inside the root, so
/// it carries every crumb left in the caller's scope).
#[monitored(transaction, name = "root")]
pub fn root<R>(f: impl FnOnce() -> R) -> R {
    let out = f();
    capture_message(END, Level::Info);
    out
}

/// [`root`] for a future.
#[monitored(transaction, name = "root")]
pub async fn root_async<F: Future>(future: F) -> F::Output {
    let out = future.await;
    capture_message(END, Level::Info);
    out
}

/// Runs `f` in the root transaction under a capturing client, on this thread.
pub fn run<R>(f: impl FnOnce() -> R) -> (R, Captured) {
    testing::capture(|| root(f))
}

/// Runs `future` in the root transaction on a 4-worker runtime under a capturing client.
pub fn run_async<F>(future: F) -> (F::Output, Captured)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    testing::capture_async(root_async(future))
}

/// Runs a future that is not `Send` in the root transaction on a current-thread runtime
/// under a capturing client.
///
/// # Panics
/// When the runtime cannot be built.
pub fn run_local<F: Future>(future: F) -> (F::Output, Captured) {
    testing::capture(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime");
        rt.block_on(root_async(future))
    })
}

/// The span named `name` in the root transaction, checked to be a direct child of the
/// root with `op` and `status`.
///
/// # Panics
/// When the span is missing or differs, with the tree in the message.
#[track_caller]
pub fn assert_child(captured: &Captured, name: &str, op: &str, status: SpanStatus) -> SpanNode {
    let tx = captured.transaction(ROOT);
    let span = tx.span(name);
    let tree = tx.tree();
    assert_eq!(span.op.as_deref(), Some(op), "op of {name}\n{tree}");
    assert_eq!(
        span.parent_span_id,
        Some(tx.root().span_id),
        "parent of {name}\n{tree}"
    );
    assert_eq!(span.status, Some(status), "status of {name}\n{tree}");
    span
}

/// [`assert_child`] with op `function` and status `ok`.
#[track_caller]
pub fn assert_ok_child(captured: &Captured, name: &str) -> SpanNode {
    assert_child(captured, name, "function", SpanStatus::Ok)
}

/// The end event.
///
/// # Panics
/// When it was not captured.
#[track_caller]
pub fn end_event(captured: &Captured) -> &Event<'static> {
    captured
        .events()
        .into_iter()
        .find(|e| monitor_runtime::testing::message(e) == Some(END))
        .expect("the end event of the root transaction")
}

/// The breadcrumbs of the end event.
#[track_caller]
pub fn crumbs(captured: &Captured) -> Vec<&Breadcrumb> {
    end_event(captured).breadcrumbs.values.iter().collect()
}

/// The crumb with `message` on the end event, checked to have `category`.
///
/// # Panics
/// When there is no such crumb, listing the crumbs there are.
#[track_caller]
pub fn assert_crumb<'a>(captured: &'a Captured, message: &str, category: &str) -> &'a Breadcrumb {
    let all = crumbs(captured);
    let messages: Vec<_> = all.iter().map(|b| b.message.clone()).collect();
    let crumb = all
        .into_iter()
        .find(|b| b.message.as_deref() == Some(message))
        .unwrap_or_else(|| panic!("no crumb {message:?}; crumbs: {messages:?}"));
    assert_eq!(
        crumb.category.as_deref(),
        Some(category),
        "category of {message:?}"
    );
    crumb
}

/// Error events (those with an exception).
pub fn errors(captured: &Captured) -> Vec<&Event<'static>> {
    captured
        .events()
        .into_iter()
        .filter(|e| !e.exception.values.is_empty())
        .collect()
}

/// The one error event, checked to carry the `function` and `error_type` tags and the
/// `capture_errors` mechanism, handled.
///
/// # Panics
/// When there is not exactly one error event, or it differs.
#[track_caller]
pub fn assert_one_error<'a>(
    captured: &'a Captured,
    function: &str,
    error_type: &str,
) -> &'a Event<'static> {
    let errors = errors(captured);
    assert_eq!(errors.len(), 1, "error events: {errors:#?}");
    let event = errors[0];
    assert_eq!(
        event.tags.get("function").map(String::as_str),
        Some(function)
    );
    assert_eq!(
        event.tags.get("error_type").map(String::as_str),
        Some(error_type)
    );
    let mechanism = event
        .exception
        .values
        .last()
        .and_then(|e| e.mechanism.as_ref())
        .expect("a mechanism on the outermost exception");
    assert_eq!(mechanism.ty, "capture_errors");
    assert_eq!(mechanism.handled, Some(true));
    event
}

/// Checks that no error event was captured.
///
/// # Panics
/// When one was.
#[track_caller]
pub fn assert_no_errors(captured: &Captured) {
    let errors = errors(captured);
    assert!(errors.is_empty(), "unexpected error events: {errors:#?}");
}

/// The values of an event's exceptions, innermost first, as Sentry stores them.
pub fn exception_values(event: &Event<'_>) -> Vec<String> {
    event
        .exception
        .values
        .iter()
        .map(|e| e.value.clone().unwrap_or_default())
        .collect()
}

/// The span id an event is linked to by its trace context.
pub fn event_span_id(event: &Event<'_>) -> Option<monitor_runtime::sentry::protocol::SpanId> {
    match event.contexts.get("trace") {
        Some(monitor_runtime::sentry::protocol::Context::Trace(trace)) => Some(trace.span_id),
        _ => None,
    }
}

/// Polls `future` to completion, catching a panic in any poll (`catch_unwind` for
/// futures).
///
/// # Errors
/// The panic's payload, when the future panicked.
pub async fn catch_panic<F: Future>(future: F) -> Result<F::Output, Box<dyn std::any::Any + Send>> {
    let mut future = std::pin::pin!(future);
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| future.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(out)) => std::task::Poll::Ready(Ok(out)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        }
    })
    .await
}
