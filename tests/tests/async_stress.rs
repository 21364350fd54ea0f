//! 1,000 concurrent monitored tasks on a 4-worker runtime: every transaction arrives with
//! exactly its own children, correctly parented; no span is lost or misparented.
//!
//! Each task is a `#[monitored(transaction)]` fn that awaits nested `#[monitored]` fns
//! (with `yield_now` between polls, so tasks interleave and migrate between workers), runs
//! two children with `join!`, and awaits a child spawned with `monitor_runtime::spawn`.
//! Every span records its task's number, so a span that landed in the wrong transaction
//! or under the wrong parent is caught.

use std::collections::BTreeMap;

use monitor_runtime::monitored;
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::testing::{self, CapturedTransaction};
use tokio::task::yield_now;

const TASKS: u32 = 1_000;

#[monitored(transaction, name = "stress.task", tags(task = i))]
async fn task(i: u32) -> u32 {
    yield_now().await;
    let nested = level1(i).await;
    let (left, right) = tokio::join!(left(i), right(i));
    let spawned = monitor_runtime::spawn(spawned(i))
        .await
        .expect("the spawned child does not panic");
    yield_now().await;
    nested + left + right + spawned
}

#[monitored(data(i))]
async fn level1(i: u32) -> u32 {
    yield_now().await;
    let v = level2(i).await;
    yield_now().await;
    v + 1
}

#[monitored(data(i))]
async fn level2(i: u32) -> u32 {
    yield_now().await;
    i
}

#[monitored(data(i))]
async fn left(i: u32) -> u32 {
    for _ in 0..3 {
        yield_now().await;
    }
    i
}

#[monitored(data(i))]
async fn right(i: u32) -> u32 {
    yield_now().await;
    i
}

#[monitored(data(i))]
async fn spawned(i: u32) -> u32 {
    yield_now().await;
    i
}

/// The task number a transaction was started for.
fn task_of(tx: &CapturedTransaction<'_>) -> u32 {
    tx.raw()
        .tags
        .get("task")
        .and_then(|t| t.parse().ok())
        .expect("a task tag")
}

/// The one child of `parent` named `name`, checked to belong to task `i`.
#[track_caller]
fn child(
    tx: &CapturedTransaction<'_>,
    parent: monitor_runtime::sentry::protocol::SpanId,
    name: &str,
    i: u32,
) -> monitor_runtime::testing::SpanNode {
    let named: Vec<_> = tx
        .children_of(parent)
        .into_iter()
        .filter(|s| s.name == name)
        .collect();
    assert_eq!(
        named.len(),
        1,
        "task {i}: one {name} under its parent\n{}",
        tx.tree()
    );
    let span = named.into_iter().next().expect("checked above");
    assert_eq!(
        span.data.get("i"),
        Some(&i.into()),
        "task {i}: {name} belongs to another task\n{}",
        tx.tree()
    );
    assert_eq!(span.status, Some(SpanStatus::Ok), "task {i}: {name}");
    span
}

#[test]
fn thousand_concurrent_tasks_keep_their_own_span_trees() {
    let (sums, captured) = testing::capture_async(async {
        let handles: Vec<_> = (0..TASKS)
            .map(|i| monitor_runtime::spawn(task(i)))
            .collect();
        let mut sums = Vec::with_capacity(handles.len());
        for handle in handles {
            sums.push(handle.await.expect("no task panics"));
        }
        sums
    });
    assert_eq!(sums, (0..TASKS).map(|i| 4 * i + 1).collect::<Vec<_>>());

    let transactions = captured.transactions();
    assert_eq!(
        transactions.len(),
        TASKS as usize,
        "one transaction per task"
    );
    let mut seen = BTreeMap::new();
    for tx in &transactions {
        let i = task_of(tx);
        assert!(seen.insert(i, ()).is_none(), "task {i} sent twice");
        assert_eq!(tx.name(), "stress.task");
        assert_eq!(tx.status(), Some(SpanStatus::Ok));
        // Exactly its own five children: no more (another task's), no fewer (lost).
        assert_eq!(tx.spans().len(), 5, "task {i}\n{}", tx.tree());
        let root = tx.root().span_id;
        let trace = tx.trace_id();
        let level1 = child(tx, root, "async_stress::level1", i);
        child(tx, level1.span_id, "async_stress::level2", i);
        child(tx, root, "async_stress::left", i);
        child(tx, root, "async_stress::right", i);
        child(tx, root, "async_stress::spawned", i);
        // `join!` does not nest one child under the other.
        assert!(
            tx.children_of(level1.span_id).len() == 1,
            "task {i}\n{}",
            tx.tree()
        );
        assert_eq!(tx.trace_id(), trace);
        for span in tx.raw().spans.iter() {
            assert_eq!(
                span.trace_id.to_string(),
                trace,
                "task {i}: span of another trace"
            );
        }
    }
    assert_eq!(seen.len(), TASKS as usize);
    // Nothing was captured outside the tasks' transactions.
    assert!(captured.events().is_empty());
}
