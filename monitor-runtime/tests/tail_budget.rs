//! Tail sampling under pressure, in a process of its own (its counters are process-wide):
//! 10,000 concurrent long transactions that the head did not sample, each recording spans,
//! under a 256 KiB budget. The pending traces never hold more than the budget, the oldest
//! are dropped and counted, and a failing request started meanwhile is still answered and
//! kept.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use monitor_runtime::sampling::TailSampling;
use monitor_runtime::sentry::Level;
use monitor_runtime::testing::Capture;
use monitor_runtime::{PerformanceMonitor, monitored};

const BUDGET: usize = 256 * 1024;
const TRANSACTIONS: usize = 10_000;

#[monitored(op = "db.query", data(n))]
fn query(n: usize) -> usize {
    n
}

#[test]
fn ten_thousand_long_transactions_stay_within_a_small_budget() {
    let setting = TailSampling::errors().with_budget(BUDGET);
    let capture = Capture::new()
        .configure(|config| config.traces_sample_rate(0.0).tail_sampling(setting))
        .workers(4);
    let before = monitor_runtime::health().tail_sampling.counters;
    let highest = Arc::new(AtomicUsize::new(0));
    let observed = highest.clone();
    let (answered, captured) = capture.run_async(async move {
        let mut tasks = Vec::with_capacity(TRANSACTIONS);
        for n in 0..TRANSACTIONS {
            tasks.push(monitor_runtime::spawn(
                PerformanceMonitor::start_transaction(format!("long-{n}")).instrument(async move {
                    for step in 0..5 {
                        query(n * 10 + step);
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }),
            ));
            if n % 1_000 == 999 {
                let held = monitor_runtime::health()
                    .tail_sampling
                    .counters
                    .pending_bytes;
                observed.fetch_max(held, Ordering::Relaxed);
            }
        }
        // Meanwhile, a request that fails: answered, and its trace kept.
        let answered = monitor_runtime::spawn(
            PerformanceMonitor::start_transaction("failing").instrument(async {
                query(1);
                monitor_runtime::capture_message("failed under pressure", Level::Error);
                "answered"
            }),
        )
        .await
        .expect("the failing request ran");
        observed.fetch_max(
            monitor_runtime::health()
                .tail_sampling
                .counters
                .pending_bytes,
            Ordering::Relaxed,
        );
        for task in tasks {
            task.await.expect("a long transaction ran");
        }
        answered
    });
    let after = monitor_runtime::health().tail_sampling.counters;
    assert_eq!(answered, "answered");
    assert!(
        highest.load(Ordering::Relaxed) <= BUDGET,
        "pending traces held {} bytes, over the {BUDGET} budget",
        highest.load(Ordering::Relaxed)
    );
    assert!(
        after.dropped_over_budget - before.dropped_over_budget > 1_000,
        "the oldest pending traces were dropped and counted: {after:?}"
    );
    assert_eq!(
        after.pending_traces, 0,
        "every trace finished or was dropped"
    );
    assert_eq!(after.pending_bytes, 0, "and gave its bytes back");
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(
        names,
        ["failing"],
        "the failed request's trace, nothing else"
    );
    assert_eq!(captured.transaction("failing").spans().len(), 1);
}
