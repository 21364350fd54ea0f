//! The transaction and error filters are counted in the health report, once each (the
//! envelope hook that drops a transaction is not counted again as `discarded_by_hook`).
//!
//! Its own test binary: `init` binds process-wide state.

#[path = "support/events_file.rs"]
mod events_file;

use monitor_runtime::sentry::Level;
use monitor_runtime::{Config, PerformanceMonitor, health, init_with};

#[test]
fn filtered_transactions_and_errors_are_counted_by_reason() {
    let dir = std::env::temp_dir().join(format!("monitor-filter-health-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let guard = init_with(
        Config::default()
            .environment("development")
            .traces_sample_rate(1.0)
            .install_logging(false)
            .events_file(dir.join("events.jsonl"))
            .ignore_transaction("GET /metrics")
            .ignore_error("*broken pipe*")
            .before_send_transaction(|t| (t.name.as_deref() != Some("secret")).then_some(t)),
    )
    .expect("init");
    for name in [
        "GET /metrics",
        "GET /healthz",
        "GET /ready",
        "secret",
        "GET /api",
    ] {
        PerformanceMonitor::start_transaction(name).finish();
    }
    monitor_runtime::capture_message("broken pipe while writing", Level::Error);
    monitor_runtime::capture_message("kept", Level::Error);
    assert!(guard.flush(std::time::Duration::from_secs(5)));

    let report = serde_json::to_value(health()).expect("JSON");
    let events = &report["sentry"]["events"];
    assert_eq!(events["filtered"]["ignored_transaction"], 3, "{events:#}");
    assert_eq!(events["filtered"]["before_send_transaction"], 1);
    assert_eq!(events["filtered"]["ignored_error"], 1);
    assert_eq!(events["dropped_by_reason"]["ignored_transaction"], 3);
    assert_eq!(events["dropped_by_reason"]["before_send_transaction"], 1);
    assert_eq!(events["dropped_by_reason"]["ignored_error"], 1);
    assert!(
        events["dropped_by_reason"]
            .get("discarded_by_hook")
            .is_none()
    );
    assert_eq!(events["dropped"], 5);
    drop(guard);
    assert_eq!(
        events_file::transaction_names(&dir.join("events.jsonl")),
        ["GET /api"]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
