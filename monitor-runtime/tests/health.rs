//! `health()` in every state, held against checked-in snapshots
//! (`tests/snapshots/health_*.json`; run with `UPDATE_SNAPSHOTS=1` to rewrite them).
//!
//! One test function: `init` binds process-wide state, so the states are visited in order.

use std::path::PathBuf;
use std::time::Duration;

use monitor_runtime::sentry::Level;
use monitor_runtime::{Config, capture_message, health, init_with};
use serde_json::{Value, json};

const DSN: &str = "https://publickey123:secretkey456@127.0.0.1:9/42";

/// The report as JSON, with what varies between runs replaced by placeholders.
fn normalised() -> Value {
    let mut report = serde_json::to_value(health()).expect("the report serialises");
    assert_eq!(
        report["instrumented_functions"],
        monitor_runtime::registry::functions().len()
    );
    report["instrumented_functions"] = json!("<registry count>");
    let sentry = &mut report["sentry"];
    for key in ["last_transport_error_at", "last_transport_success_at"] {
        placeholder_time(&mut sentry[key]);
    }
    if let Some(destinations) = sentry["events"]["destinations"].as_array_mut() {
        for destination in destinations {
            placeholder_time(&mut destination["last_error_at"]);
            placeholder_time(&mut destination["last_success_at"]);
        }
    }
    report
}

/// Times vary between runs: a time (RFC 3339, UTC) becomes `"<time>"`, `null` stays.
fn placeholder_time(value: &mut Value) {
    if let Some(time) = value.as_str() {
        assert!(
            time.len() == 24 && time.ends_with('Z') && time.as_bytes()[10] == b'T',
            "{time} is not an RFC 3339 UTC time"
        );
        *value = json!("<time>");
    }
}

fn assert_snapshot(name: &str, actual: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.json"));
    let pretty = serde_json::to_string_pretty(actual).expect("JSON") + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &pretty).expect("snapshot written");
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    let expected: Value = serde_json::from_str(&expected).expect("snapshot is JSON");
    assert_eq!(
        actual, &expected,
        "{name} changed; if on purpose, run with UPDATE_SNAPSHOTS=1:\n{pretty}"
    );
}

#[test]
fn health_reports_every_state_in_the_documented_shape() {
    assert_eq!(
        normalised(),
        json!({
            "initialised": false,
            "sentry": {
                "enabled": false,
                "mode": "disabled",
                "environment": null,
                "release": null,
                "dsn_configured": false,
                "dsn_host": null,
                "project_id": null,
                "spotlight": false,
                "sample_rate": null,
                "traces_sample_rate": null,
                "tracing_enabled": false,
                "events": {
                    "sent": 0,
                    "dropped": 0,
                    "dropped_by_reason": {},
                    "filtered": {
                        "below_level": 0,
                        "http_4xx": 0,
                        "ignored_error_type": 0,
                        "ignored_error": 0,
                        "ignored_transaction": 0,
                        "before_send_transaction": 0
                    },
                    "discarded_by_hook": 0,
                    "tail_not_kept": 0,
                    "received": 0,
                    "destinations": []
                },
                "last_transport_error": null,
                "last_transport_error_at": null,
                "last_transport_success_at": null
            },
            "logging": null,
            "metrics": { "rejected": 0 },
            "tail_sampling": {
                "setting": "off",
                "pending_traces": 0,
                "pending_bytes": 0,
                "kept_error": 0,
                "kept_status": 0,
                "kept_slow": 0,
                "not_kept": 0,
                "dropped_over_budget": 0,
                "spans_over_cap": 0
            },
            "instrumented_functions": "<registry count>",
            "warnings": []
        })
    );

    // Local mode: the console; one event sent, one below the level floor.
    let local = init_with(
        Config::default()
            .environment("development")
            .release("crm@1.4.0")
            .min_event_level(Level::Error)
            .log_filter("info,sqlx=warn".into()),
    )
    .expect("valid configuration");
    capture_message("import failed", Level::Error);
    capture_message("import started", Level::Info);
    assert!(local.flush(Duration::from_secs(5)));
    let report = normalised();
    // The event, and the client report that tells Sentry about the filtered one (flush
    // sends pending client reports on their own).
    assert_eq!(report["sentry"]["events"]["sent"], 2, "{report:#}");
    assert_eq!(report["sentry"]["events"]["received"], 2, "{report:#}");
    assert_snapshot("health_local", &report);
    drop(local);
    assert_eq!(normalised()["initialised"], false, "the guard is gone");

    // Spotlight without a DSN.
    let spotlight = init_with(
        Config::default()
            .environment("development")
            .spotlight(Some("http://127.0.0.1:9/stream".into()))
            .install_logging(false),
    )
    .expect("valid configuration");
    let report = normalised();
    assert_eq!(report["sentry"]["mode"], "spotlight");
    assert_eq!(report["sentry"]["spotlight"], true);
    assert_eq!(report["logging"]["installed"], false);
    assert!(!report.to_string().contains("127.0.0.1:9/stream"));
    drop(spotlight);

    // Remote mode; the global subscriber is taken by the local run, which is reported.
    let remote = init_with(
        Config::default()
            .dsn(DSN)
            .environment("staging")
            .release("crm@1.4.0")
            .traces_sample_rate(0.25)
            .enable_logs(true),
    )
    .expect("valid configuration");
    let report = normalised();
    let text = report.to_string();
    assert!(!text.contains("secretkey456"), "{text}");
    assert!(!text.contains("publickey123"), "{text}");
    assert_snapshot("health_remote", &report);
    drop(remote);
}
