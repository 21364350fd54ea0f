//! SDK transactions tail sampling does not keep are not losses: the health report counts
//! the envelopes it emptied under `events.tail_not_kept`, outside `dropped` and
//! `discarded_by_hook`.
//!
//! Its own test binary: `init` binds process-wide state.

#[path = "support/sdk.rs"]
mod sdk;

#[path = "support/events_file.rs"]
mod events_file;

use std::time::Duration;

use monitor_runtime::sampling::TailSampling;
use monitor_runtime::sentry::Level;
use monitor_runtime::{Config, health, init_with};
use sdk::in_sdk_transaction;

#[test]
fn sdk_transactions_tail_sampling_drops_are_not_counted_as_lost() {
    let dir = std::env::temp_dir().join(format!("monitor-tail-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let guard = init_with(
        Config::default()
            .environment("development")
            .traces_sample_rate(0.0)
            .tail_sampling(TailSampling::errors())
            .install_logging(false)
            .events_file(dir.join("events.jsonl")),
    )
    .expect("init");
    let before = health().tail_sampling.counters;
    for n in 0..5u32 {
        in_sdk_transaction(&format!("GET /orders/{n}"), || {
            if n == 3 {
                monitor_runtime::capture_message("order 3 failed", Level::Error);
            }
        });
    }
    assert!(guard.flush(Duration::from_secs(5)));

    let report = health();
    let events = &report.sentry.events;
    assert_eq!(events.tail_not_kept, 4, "{events:#?}");
    assert_eq!(events.discarded_by_hook, 0, "{events:#?}");
    assert_eq!(events.dropped, 0, "{events:#?}");
    assert!(events.dropped_by_reason.is_empty(), "{events:#?}");
    // Six envelopes produced; each destination sent the kept transaction and the error
    // event, and nothing it was given is missing.
    assert_eq!(events.received, 6, "{events:#?}");
    assert!(!events.destinations.is_empty());
    for destination in &events.destinations {
        assert_eq!(destination.sent, 2, "{destination:?}");
        assert!(destination.dropped.is_empty(), "{destination:?}");
    }
    let counters = &report.tail_sampling.counters;
    assert_eq!(counters.not_kept - before.not_kept, 4);
    assert_eq!(counters.kept_error - before.kept_error, 1);
    let json = serde_json::to_value(&report).expect("JSON");
    assert_eq!(json["sentry"]["events"]["tail_not_kept"], 4);
    drop(guard);

    assert_eq!(
        events_file::transaction_names(&dir.join("events.jsonl")),
        ["GET /orders/3"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
