//! The quickstart as a user runs it: no DSN, so local mode. Its stderr shows one line per
//! event and transaction, and `MONITOR_EVENTS_FILE` receives them as JSON lines.

mod common;

use common::{quickstart, text};

#[test]
fn local_mode_prints_and_records_the_error_and_the_transaction() {
    let dir = std::env::temp_dir().join(format!("quickstart-local-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let events_file = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&events_file);

    let output = quickstart([("MONITOR_EVENTS_FILE", &events_file)]);
    let (stdout, stderr) = text(&output);
    assert!(
        output.status.success(),
        "quickstart failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("quiz 1: average 9"), "{stdout}");
    assert!(
        stdout.contains("quiz 89: quiz 89 has no questions (reported)"),
        "{stdout}"
    );

    // One readable console line per event and per transaction.
    let event_line = stderr
        .lines()
        .find(|l| l.contains("[sentry] event"))
        .unwrap_or_else(|| panic!("no event line in stderr:\n{stderr}"));
    assert!(event_line.contains("error"), "{event_line}");
    assert!(
        event_line.contains("quiz 89 has no questions"),
        "{event_line}"
    );
    assert!(event_line.contains("error_type=EmptyQuiz"), "{event_line}");
    assert!(event_line.contains("feature=quiz"), "{event_line}");
    let tx_line = stderr
        .lines()
        .find(|l| l.contains("[sentry] transaction"))
        .unwrap_or_else(|| panic!("no transaction line in stderr:\n{stderr}"));
    assert!(tx_line.contains("nightly-scores"), "{tx_line}");
    assert!(tx_line.contains("spans=2"), "{tx_line}");

    // The events file holds the same error and transaction as JSON.
    let text = std::fs::read_to_string(&events_file).expect("events file written");
    let items: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let event = items
        .iter()
        .find(|i| i["type"] == "event")
        .unwrap_or_else(|| panic!("no event item in {text}"));
    assert_eq!(event["payload"]["tags"]["error_type"], "EmptyQuiz");
    assert_eq!(
        event["payload"]["exception"]["values"][0]["value"],
        "quiz 89 has no questions"
    );
    let transaction = items
        .iter()
        .find(|i| i["type"] == "transaction")
        .unwrap_or_else(|| panic!("no transaction item in {text}"));
    assert_eq!(transaction["payload"]["transaction"], "nightly-scores");
    assert_eq!(
        transaction["payload"]["spans"].as_array().map(Vec::len),
        Some(2)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
