//! Panics and cancellation: the span is still finished, with `internal_error` for a panic
//! (sync and async) and `cancelled` for a future dropped before completion; the next call
//! is unaffected (nothing is left current on the thread).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::{breadcrumb, monitored};
use monitor_tests::*;

const ERR: SpanStatus = SpanStatus::InternalError;

#[monitored]
fn sync_maybe_panics(panic: bool) -> u32 {
    if panic {
        panic!("sync boom");
    }
    1
}

#[monitored]
async fn async_maybe_panics(panic: bool) -> u32 {
    tokio::task::yield_now().await;
    if panic {
        panic!("async boom");
    }
    1
}

#[monitored]
fn outer_sync(panic: bool) -> u32 {
    inner_sync(panic) + 1
}

#[monitored]
fn inner_sync(panic: bool) -> u32 {
    sync_maybe_panics(panic)
}

#[monitored]
async fn slow(secs: u64) -> u32 {
    tokio::time::sleep(Duration::from_secs(secs)).await;
    1
}

#[monitored]
async fn slow_parent() -> u32 {
    slow(60).await + 1
}

/// The spans named `name` in the root transaction: (status, parent is the root).
fn spans_named(
    c: &monitor_runtime::testing::Captured,
    name: &str,
) -> Vec<(Option<SpanStatus>, bool)> {
    let tx = c.transaction(ROOT);
    let root = tx.root().span_id;
    tx.spans()
        .into_iter()
        .filter(|s| s.name == name)
        .map(|s| (s.status, s.parent_span_id == Some(root)))
        .collect()
}

#[test]
fn sync_panic_finishes_span_internal_error_and_next_call_is_unaffected() {
    let (out, c) = run(|| {
        let panicked = catch_unwind(|| sync_maybe_panics(true)).is_err();
        (panicked, sync_maybe_panics(false))
    });
    assert_eq!(out, (true, 1));
    // Both finished, both children of the root: the panicked span was not left current.
    assert_eq!(
        spans_named(&c, "panics::sync_maybe_panics"),
        [(Some(ERR), true), (Some(SpanStatus::Ok), true)]
    );
}

#[test]
fn sync_panic_through_nested_monitored_calls() {
    let (out, c) = run(|| {
        let panicked = catch_unwind(|| outer_sync(true)).is_err();
        (panicked, outer_sync(false))
    });
    assert_eq!(out, (true, 2));
    let tx = c.transaction(ROOT);
    let tree = tx.tree();
    assert_eq!(tx.spans().len(), 6, "{tree}");
    assert_eq!(
        spans_named(&c, "panics::outer_sync"),
        [(Some(ERR), true), (Some(SpanStatus::Ok), true)],
        "{tree}"
    );
    for name in ["panics::inner_sync", "panics::sync_maybe_panics"] {
        let statuses: Vec<_> = spans_named(&c, name).into_iter().map(|(s, _)| s).collect();
        assert_eq!(
            statuses,
            [Some(ERR), Some(SpanStatus::Ok)],
            "{name}\n{tree}"
        );
    }
}

#[test]
fn async_panic_finishes_span_internal_error_and_next_call_is_unaffected() {
    let (out, c) = run_async(async {
        let panicked = catch_panic(async_maybe_panics(true)).await.is_err();
        (panicked, async_maybe_panics(false).await)
    });
    assert_eq!(out, (true, 1));
    assert_eq!(
        spans_named(&c, "panics::async_maybe_panics"),
        [(Some(ERR), true), (Some(SpanStatus::Ok), true)]
    );
}

#[test]
fn async_panic_in_spawned_task_finishes_span_before_the_join() {
    let (out, c) = run_async(async {
        let joined = monitor_runtime::spawn(async_maybe_panics(true)).await;
        (joined.is_err(), async_maybe_panics(false).await)
    });
    assert_eq!(out, (true, 1));
    assert_eq!(
        spans_named(&c, "panics::async_maybe_panics"),
        [(Some(ERR), true), (Some(SpanStatus::Ok), true)]
    );
}

#[test]
fn panicking_transaction_is_finished_internal_error() {
    #[monitored(transaction, name = "job")]
    fn job() {
        panic!("job failed");
    }
    let ((), c) = monitor_runtime::testing::capture(|| {
        assert!(catch_unwind(job).is_err());
    });
    assert_eq!(c.transaction("job").status(), Some(ERR));
}

#[test]
fn future_dropped_by_timeout_finishes_span_cancelled() {
    let (out, c) = run_async(async {
        let timed_out = tokio::time::timeout(Duration::from_millis(20), slow(60))
            .await
            .is_err();
        (timed_out, slow(0).await)
    });
    assert_eq!(out, (true, 1));
    assert_eq!(
        spans_named(&c, "panics::slow"),
        [
            (Some(SpanStatus::Cancelled), true),
            (Some(SpanStatus::Ok), true)
        ]
    );
}

#[test]
fn nested_futures_dropped_by_timeout_are_all_cancelled() {
    let (timed_out, c) = run_async(async {
        tokio::time::timeout(Duration::from_millis(20), slow_parent())
            .await
            .is_err()
    });
    assert!(timed_out);
    let tx = c.transaction(ROOT);
    let parent = assert_child(&c, "panics::slow_parent", "function", SpanStatus::Cancelled);
    let children = tx.children_of(parent.span_id);
    assert_eq!(children.len(), 1, "{}", tx.tree());
    assert_eq!(children[0].name, "panics::slow");
    assert_eq!(children[0].status, Some(SpanStatus::Cancelled));
}

#[test]
fn future_dropped_before_first_poll_records_nothing() {
    let ((), c) = run_async(async {
        drop(slow(60));
    });
    assert!(c.transaction(ROOT).spans().is_empty());
}

#[test]
fn outcome_crumb_of_a_panic_and_of_a_cancellation() {
    #[breadcrumb(outcome)]
    fn crumb_panics() {
        panic!("crumb boom");
    }

    #[breadcrumb(outcome)]
    async fn crumb_slow() {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }

    let ((), c) = run_async(async {
        assert!(catch_unwind(AssertUnwindSafe(crumb_panics)).is_err());
        let _ = tokio::time::timeout(Duration::from_millis(10), crumb_slow()).await;
    });
    let panic = assert_crumb(
        &c,
        "panics::outcome_crumb_of_a_panic_and_of_a_cancellation::crumb_panics returned panic",
        "function",
    );
    assert_eq!(panic.data.get("outcome"), Some(&"panic".into()));
    assert_eq!(panic.level, monitor_runtime::sentry::Level::Error);
    let cancelled = assert_crumb(
        &c,
        "panics::outcome_crumb_of_a_panic_and_of_a_cancellation::crumb_slow returned cancelled",
        "function",
    );
    assert_eq!(cancelled.data.get("outcome"), Some(&"cancelled".into()));
}
