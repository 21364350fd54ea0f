//! In-process tests of a run: what reaches the transport (messages, events, check-ins,
//! metrics, the transaction) and the exit code, on the sample file, a clean file, a rerun
//! and a missing file.

use std::path::{Path, PathBuf};

use batch_job::job::{self, Outcome, Summary};
use batch_job::store::Store;
use monitor_runtime::metrics::Unit;
use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::{Context, MetricType, MonitorCheckInStatus, SpanStatus};
use monitor_runtime::testing::{self, Capture, Captured, crumb_messages};
use serde_json::json;
use tempfile::TempDir;

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/members.csv")
}

fn clean() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean.csv")
}

fn database(dir: &TempDir) -> String {
    format!(
        "sqlite:{}?mode=rwc",
        dir.path().join("members.db").display()
    )
}

/// Runs the job on `file` into `database` against a capturing client.
fn run(file: PathBuf, database: String) -> (Outcome, Captured) {
    Capture::new().run_async(async move { job::run(&file, &database).await })
}

fn completed(outcome: &Outcome) -> &Summary {
    match outcome {
        Outcome::Completed(summary) => summary,
        Outcome::Failed(error) => panic!("the run failed: {error}"),
    }
}

fn metric(captured: &Captured, name: &str) -> f64 {
    let values: Vec<_> = captured
        .metrics()
        .iter()
        .filter(|m| m.name == name)
        .map(|m| m.value)
        .collect();
    assert_eq!(values.len(), 1, "one {name} per run");
    values[0]
}

fn rows_in(database: &str) -> i64 {
    let database = database.to_owned();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async move { Store::open(&database).await.expect("db").count().await })
        .expect("count")
}

#[test]
fn sample_file_imports_valid_rows_and_reports_each_rejected_row() {
    let dir = tempfile::tempdir().expect("dir");
    let (outcome, captured) = run(sample(), database(&dir));

    assert_eq!(outcome.exit_code(), 65);
    let summary = completed(&outcome);
    assert_eq!(summary.rows, 10);
    assert_eq!(summary.imported, 5);
    let rejected: Vec<_> = summary
        .rejected
        .iter()
        .map(|r| (r.line, r.error_type.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (5, "missing_field"),
            (6, "invalid_email"),
            (7, "invalid_number"),
            (9, "duplicate"),
            (10, "malformed_row"),
        ]
    );
    assert_eq!(rows_in(&database(&dir)), 5);

    // Messages and events, in order.
    let events = captured.events();
    assert_eq!(events.len(), 7, "{events:#?}");
    assert_eq!(events[0].level, Level::Info);
    assert_eq!(
        testing::message(events[0]),
        Some("Starting import from members.csv")
    );
    let row_events = &events[1..6];
    let reported: Vec<_> = row_events
        .iter()
        .map(|e| {
            let Some(Context::Other(data)) = e.contexts.get("capture_errors") else {
                panic!("no capture_errors context");
            };
            (
                data.get("line").and_then(|l| l.as_u64()).unwrap_or(0),
                e.tags.get("error_type").cloned().unwrap_or_default(),
            )
        })
        .collect();
    let mut reported_sorted = reported.clone();
    reported_sorted.sort();
    assert_eq!(
        reported_sorted,
        [
            (5, "missing_field".to_owned()),
            (6, "invalid_email".to_owned()),
            (7, "invalid_number".to_owned()),
            (9, "duplicate".to_owned()),
            (10, "malformed_row".to_owned()),
        ]
    );
    for event in row_events {
        let exception = event.exception.values.last().expect("exception");
        assert_eq!(exception.ty, "RowError");
        assert_eq!(event.level, Level::Error);
        assert_eq!(event.transaction.as_deref(), Some("csv-import"));
        assert!(
            !event.exception.values.iter().any(|e| e
                .value
                .as_deref()
                .unwrap_or("")
                .contains("(at)")),
            "the invalid email itself is not sent"
        );
    }
    assert_eq!(events[6].level, Level::Warning);
    assert_eq!(
        testing::message(events[6]),
        Some("Import completed: 5 success, 5 errors")
    );
    let stages: Vec<_> = crumb_messages(events[6])
        .into_iter()
        .filter(|m| {
            m.starts_with("Reading") || m.starts_with("Validating") || m.starts_with("Writing")
        })
        .collect();
    assert_eq!(
        stages,
        ["Reading the file", "Validating 10 rows", "Writing 6 rows"]
    );

    // The cron check-ins of the run.
    let check_ins = captured.check_ins();
    assert_eq!(check_ins.len(), 2);
    assert_eq!(check_ins[0].monitor_slug, "csv-import");
    assert_eq!(check_ins[0].status, MonitorCheckInStatus::InProgress);
    assert_eq!(check_ins[1].status, MonitorCheckInStatus::Ok);
    assert_eq!(check_ins[0].check_in_id, check_ins[1].check_in_id);
    assert!(check_ins[1].duration.is_some_and(|d| d > 0.0));

    // Metrics.
    assert_eq!(metric(&captured, "rows_imported"), 5.0);
    assert_eq!(metric(&captured, "rows_failed"), 5.0);
    assert!(metric(&captured, "run_duration") > 0.0);
    let duration = captured
        .metrics()
        .into_iter()
        .find(|m| m.name == "run_duration")
        .expect("run_duration");
    assert_eq!(duration.r#type, MetricType::Distribution);
    assert_eq!(duration.unit, Some(Unit::Millisecond));
    for name in ["rows_imported", "rows_failed", "run_duration"] {
        let metric = captured
            .metrics()
            .into_iter()
            .find(|m| m.name == name)
            .expect(name);
        let attribute = |key: &str| metric.attributes.get(key).map(|a| a.0.clone());
        assert_eq!(attribute("job"), Some(json!("csv-import")), "{name}");
        assert_eq!(attribute("exit_code"), Some(json!(65)), "{name}");
        if name != "run_duration" {
            assert_eq!(metric.r#type, MetricType::Counter, "{name}");
        }
    }

    // One transaction, a span per stage, a db.query span per row written.
    let transactions = captured.transactions();
    assert_eq!(transactions.len(), 1);
    let tx = captured.transaction("csv-import");
    assert_eq!(tx.root().op.as_deref(), Some("job"));
    assert_eq!(tx.status(), Some(SpanStatus::Ok));
    let root = tx.root().span_id;
    let stages: Vec<_> = tx
        .children_of(root)
        .into_iter()
        .map(|s| (s.name, s.op.unwrap_or_default()))
        .collect();
    assert_eq!(
        stages,
        [
            ("read".to_owned(), "import.read".to_owned()),
            ("validate".to_owned(), "import.validate".to_owned()),
            ("write".to_owned(), "import.write".to_owned()),
        ]
    );
    let write = tx.span("write");
    let inserts = tx.children_of(write.span_id);
    assert_eq!(inserts.len(), 6);
    assert!(inserts.iter().all(|s| s.op.as_deref() == Some("db.query")));
    let statuses: Vec<_> = inserts.iter().map(|s| s.status).collect();
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == Some(SpanStatus::AlreadyExists))
            .count(),
        1,
        "the duplicate row's span"
    );
    // The events of the run belong to its trace.
    for event in &events {
        let Some(Context::Trace(trace)) = event.contexts.get("trace") else {
            panic!("no trace context");
        };
        assert_eq!(trace.trace_id.to_string(), tx.trace_id());
    }
}

#[test]
fn clean_file_exits_zero_with_an_info_summary() {
    let dir = tempfile::tempdir().expect("dir");
    let (outcome, captured) = run(clean(), database(&dir));

    assert_eq!(outcome.exit_code(), 0);
    assert_eq!(completed(&outcome).imported, 4);
    let events = captured.events();
    let messages: Vec<_> = events
        .iter()
        .map(|e| (e.level, testing::message(e).unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        messages,
        [
            (Level::Info, "Starting import from clean.csv".to_owned()),
            (
                Level::Info,
                "Import completed: 4 success, 0 errors".to_owned()
            ),
        ]
    );
    let statuses: Vec<_> = captured.check_ins().iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [MonitorCheckInStatus::InProgress, MonitorCheckInStatus::Ok]
    );
    assert_eq!(metric(&captured, "rows_imported"), 4.0);
    assert_eq!(metric(&captured, "rows_failed"), 0.0);
}

#[test]
fn rerun_rejects_every_row_as_duplicate() {
    let dir = tempfile::tempdir().expect("dir");
    let (first, _) = run(clean(), database(&dir));
    assert_eq!(first.exit_code(), 0);
    let (second, captured) = run(clean(), database(&dir));
    assert_eq!(second.exit_code(), 65);
    assert_eq!(completed(&second).imported, 0);
    let duplicates = captured
        .events()
        .iter()
        .filter(|e| e.tags.get("error_type").map(String::as_str) == Some("duplicate"))
        .count();
    assert_eq!(
        duplicates, 4,
        "one event per row, though their messages are equal"
    );
    assert_eq!(rows_in(&database(&dir)), 4);
}

#[test]
fn missing_file_fails_the_run_and_its_check_in() {
    let dir = tempfile::tempdir().expect("dir");
    let (outcome, captured) = run(dir.path().join("nope.csv"), database(&dir));

    assert_eq!(outcome.exit_code(), 1);
    assert!(matches!(outcome, Outcome::Failed(_)));
    let errors: Vec<_> = captured
        .events()
        .into_iter()
        .filter(|e| !e.exception.values.is_empty())
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].tags.get("error_type").map(String::as_str),
        Some("io")
    );
    let statuses: Vec<_> = captured.check_ins().iter().map(|c| c.status).collect();
    assert_eq!(
        statuses,
        [
            MonitorCheckInStatus::InProgress,
            MonitorCheckInStatus::Error
        ]
    );
    assert_eq!(
        captured.transaction("csv-import").status(),
        Some(SpanStatus::InternalError)
    );
    // A failed run still records its metrics.
    assert_eq!(metric(&captured, "rows_imported"), 0.0);
    assert_eq!(metric(&captured, "rows_failed"), 0.0);
    assert!(metric(&captured, "run_duration") > 0.0);
    assert!(
        !dir.path().join("members.db").exists(),
        "nothing is created when the file cannot be read"
    );
}
