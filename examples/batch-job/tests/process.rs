//! The batch job as a separate process in local mode (no DSN): its exit codes, the console
//! lines (stderr) of its check-ins, messages, events, transaction and metrics, and its JSON
//! logs (stdout, set up by `init!()`), which carry the run's trace inside the run.

use std::path::Path;
use std::process::{Command, Output};

fn batch_job(args: &[&str], database: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_batch-job"))
        .args(args)
        .env_remove("SENTRY_DSN")
        .env_remove("RUST_LOG")
        .env_remove("MONITOR_EVENTS_FILE")
        .env("SENTRY_ENVIRONMENT", "development")
        .env("SENTRY_DEBUG", "false")
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info")
        .env(
            "DATABASE_URL",
            format!("sqlite:{}?mode=rwc", database.display()),
        )
        .output()
        .expect("run batch-job")
}

fn data(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .display()
        .to_string()
}

fn json_logs(output: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

fn console(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| l.starts_with("[sentry] "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn sample_file_exits_65_and_prints_every_item() {
    let dir = tempfile::tempdir().expect("dir");
    let output = batch_job(&[&data("data/members.csv")], &dir.path().join("m.db"));
    let lines = console(&output);
    let text = lines.join("\n");
    assert_eq!(output.status.code(), Some(65), "{text}");

    assert_eq!(
        lines[0], "[sentry] check-in csv-import in_progress",
        "{text}"
    );
    let events: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("[sentry] event "))
        .collect();
    assert_eq!(events.len(), 7, "{text}");
    assert!(events[0].starts_with("[sentry] event info \"Starting import from members.csv\""));
    for error_type in [
        "missing_field",
        "invalid_email",
        "invalid_number",
        "malformed_row",
        "duplicate",
    ] {
        assert!(
            events.iter().any(|e| e.starts_with("[sentry] event error ")
                && e.contains(" RowError ")
                && e.contains(&format!("error_type={error_type} "))),
            "no {error_type} event in:\n{text}"
        );
    }
    assert!(
        events[6].starts_with("[sentry] event warning \"Import completed: 5 success, 5 errors\""),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[sentry] check-in csv-import ok ")),
        "{text}"
    );
    assert!(
        lines.iter().any(
            |l| l.starts_with("[sentry] transaction csv-import ok ") && l.contains(" spans=9 ")
        ),
        "{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l == "[sentry] metrics 3 (first: counter rows_imported=5)"),
        "metrics flushed before exit:\n{text}"
    );

    let logs = json_logs(&output);
    let done = logs
        .iter()
        .find(|l| l["message"] == "run_completed")
        .expect("run_completed log");
    assert_eq!(done["imported"], 5);
    assert_eq!(done["rejected"], 5);
    assert_eq!(done["exit_code"], 65);
    assert!(done.get("trace_id").is_none(), "after the run: {done}");
    // Lines written during the run are in its trace, which the console printed.
    let trace = lines
        .iter()
        .find_map(|l| l.strip_prefix("[sentry] transaction csv-import ok "))
        .and_then(|l| l.split("trace=").nth(1))
        .and_then(|t| t.split('…').next())
        .expect("the transaction's trace")
        .to_owned();
    for message in ["import_started", "import_completed"] {
        let log = logs
            .iter()
            .find(|l| l["message"] == message)
            .unwrap_or_else(|| panic!("no {message} log"));
        assert!(
            log["trace_id"]
                .as_str()
                .is_some_and(|t| t.len() == 32 && t.starts_with(&trace)),
            "{log} vs trace={trace}…"
        );
        assert!(
            log["span_id"].as_str().is_some_and(|s| s.len() == 16),
            "{log}"
        );
    }
}

#[test]
fn clean_file_exits_0() {
    let dir = tempfile::tempdir().expect("dir");
    let output = batch_job(
        &[&data("tests/fixtures/clean.csv")],
        &dir.path().join("m.db"),
    );
    let lines = console(&output);
    let text = lines.join("\n");
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(!text.contains("[sentry] event error"), "{text}");
    assert!(
        text.contains("[sentry] event info \"Import completed: 4 success, 0 errors\""),
        "{text}"
    );
    assert!(text.contains("[sentry] check-in csv-import ok "), "{text}");
    assert!(
        text.contains("[sentry] metrics 3 (first: counter rows_imported=4)"),
        "{text}"
    );
}

#[test]
fn missing_file_exits_1_with_a_failed_check_in() {
    let dir = tempfile::tempdir().expect("dir");
    let output = batch_job(
        &[&dir.path().join("nope.csv").display().to_string()],
        &dir.path().join("m.db"),
    );
    let lines = console(&output);
    let text = lines.join("\n");
    assert_eq!(output.status.code(), Some(1), "{text}");
    let events: Vec<_> = lines
        .iter()
        .filter(|l| l.starts_with("[sentry] event error "))
        .collect();
    assert_eq!(events.len(), 1, "the failure is reported once:\n{text}");
    assert!(
        events[0].starts_with("[sentry] event error \"cannot read ")
            && events[0].contains(" JobError ")
            && events[0].contains("error_type=io "),
        "{text}"
    );
    let failed = json_logs(&output)
        .into_iter()
        .find(|l| l["message"] == "run_failed")
        .expect("run_failed log");
    assert_eq!(failed["level"], "warn");
    assert_eq!(failed["exit_code"], 1);
    assert!(
        text.contains("[sentry] check-in csv-import error "),
        "{text}"
    );
    assert!(
        text.contains("[sentry] transaction csv-import internal_error "),
        "{text}"
    );
}

#[test]
fn bad_command_line_exits_2_without_reporting() {
    let dir = tempfile::tempdir().expect("dir");
    let output = batch_job(&["--no-such-flag"], &dir.path().join("m.db"));
    assert_eq!(output.status.code(), Some(2));
    assert!(console(&output).is_empty());
}
