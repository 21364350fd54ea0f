//! `PerformanceMonitor` around sync code, around futures on a multi-thread runtime, and
//! through a panic, asserted on the transactions that reach the transport.

use std::collections::BTreeSet;

use monitor_runtime::PerformanceMonitor;
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::testing;

#[test]
fn sync_monitor_finishes_on_drop_with_children_data_and_tags() {
    let ((), captured) = testing::capture(|| {
        let import = PerformanceMonitor::start("import").op("job");
        import.set_tag("category", "institution");
        import.set_data("rows", 3);
        import.in_scope(|| {
            let parse = PerformanceMonitor::start("parse").op("csv.parse");
            parse.set_data("bytes", 1024);
            parse.set_status(SpanStatus::InvalidArgument);
        });
        let _entered = import.enter();
        let _write = PerformanceMonitor::start("write").op("db.query");
    });
    let tx = captured.transaction("import");
    assert_eq!(
        tx.tree(),
        "import (job) ok\n  parse (csv.parse) invalid_argument\n  write (db.query) ok\n"
    );
    assert_eq!(
        tx.root().tags.get("category").map(String::as_str),
        Some("institution")
    );
    assert_eq!(tx.root().data.get("rows"), Some(&serde_json::json!(3)));
    assert_eq!(
        tx.span("parse").data.get("bytes"),
        Some(&serde_json::json!(1024))
    );
}

#[test]
fn a_monitor_that_is_not_entered_does_not_adopt_spans() {
    let ((), captured) = testing::capture(|| {
        let _outer = PerformanceMonitor::start("outer");
        // Not entered: this is a transaction of its own, not a child.
        let _other = PerformanceMonitor::start("other");
    });
    assert_eq!(captured.transactions().len(), 2);
}

#[test]
fn panic_marks_the_monitor_internal_error_and_still_finishes_it() {
    let ((), captured) = testing::capture(|| {
        let result = std::panic::catch_unwind(|| {
            let monitor = PerformanceMonitor::start("explodes");
            monitor.in_scope(|| {
                let _child = PerformanceMonitor::start("child");
                panic!("boom");
            });
        });
        assert!(result.is_err());
        // The next monitor on this thread is unaffected.
        let _after = PerformanceMonitor::start("after");
    });
    let tx = captured.transaction("explodes");
    assert_eq!(
        tx.tree(),
        "explodes (function) internal_error\n  child (function) internal_error\n"
    );
    assert_eq!(captured.transaction("after").status(), Some(SpanStatus::Ok));
}

#[test]
fn future_dropped_early_is_cancelled() {
    let ((), captured) = testing::Capture::new().workers(2).run_async(async {
        let slow = PerformanceMonitor::start("slow")
            .instrument(tokio::time::sleep(std::time::Duration::from_secs(10)));
        let timed_out = tokio::time::timeout(std::time::Duration::from_millis(20), slow).await;
        assert!(timed_out.is_err());
    });
    assert_eq!(
        captured.transaction("slow").status(),
        Some(SpanStatus::Cancelled)
    );
}

/// 200 concurrent monitors on a 4-worker runtime, each with children started across
/// `.await`s and thread migrations: every transaction arrives with exactly its own
/// children, parented to it.
#[test]
fn concurrent_monitors_never_see_each_others_spans() {
    const TASKS: usize = 200;
    let ((), captured) = testing::capture_async(async {
        let mut handles = Vec::new();
        for task in 0..TASKS {
            handles.push(monitor_runtime::spawn(async move {
                PerformanceMonitor::start_transaction(format!("task-{task}"))
                    .instrument(async move {
                        for step in 0..3 {
                            let child =
                                PerformanceMonitor::start(format!("task-{task}/step-{step}"));
                            child
                                .instrument(async {
                                    tokio::task::yield_now().await;
                                    let _leaf = PerformanceMonitor::start(format!(
                                        "task-{task}/step-{step}/leaf"
                                    ));
                                    tokio::task::yield_now().await;
                                })
                                .await;
                        }
                    })
                    .await;
            }));
        }
        for handle in handles {
            handle.await.expect("task panicked");
        }
    });

    let transactions = captured.transactions();
    assert_eq!(transactions.len(), TASKS, "one transaction per task");
    let mut seen = BTreeSet::new();
    for tx in &transactions {
        let name = tx.name().to_owned();
        assert!(seen.insert(name.clone()), "duplicate transaction {name}");
        let root = tx.root();
        let spans = tx.spans();
        assert_eq!(spans.len(), 6, "{name}:\n{}", tx.tree());
        for span in &spans {
            assert!(
                span.name.starts_with(&format!("{name}/")),
                "{} in {name}",
                span.name
            );
            let expected_parent = if span.name.ends_with("/leaf") {
                let step = span.name.trim_end_matches("/leaf");
                spans.iter().find(|s| s.name == step).map(|s| s.span_id)
            } else {
                Some(root.span_id)
            };
            assert_eq!(
                Some(span.parent_span_id),
                Some(expected_parent),
                "{}",
                tx.tree()
            );
        }
    }
}
