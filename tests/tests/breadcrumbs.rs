//! `#[breadcrumb]`: the call crumb's message (a format string over the parameters), data,
//! level and category; the `outcome` crumb (ok, error, panic) with `duration_ms`; nothing
//! formatted without a client; and crumbs that persist in the caller's scope, so that an
//! error captured later in the same task carries them.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use monitor_runtime::sentry::Level;
use monitor_runtime::{breadcrumb, capture_errors, monitored};
use monitor_tests::*;

#[breadcrumb]
fn plain() {}

#[breadcrumb(message = "importing {filename} ({rows} rows, {ratio:.1}%, {opts:?})")]
fn import(filename: &str, rows: usize, ratio: f64, opts: Option<u8>) {
    let _ = (filename, rows, ratio, opts);
}

#[breadcrumb(
    message = "sync of {source}",
    category = "import",
    level = "warning",
    data(row_count = rows.len(), first = rows.first().copied(), source)
)]
fn sync_rows(rows: &[u32], source: &str) -> usize {
    rows.len()
}

#[breadcrumb(category = "db", level = "debug", outcome)]
fn query(fail: bool) -> Result<u32, String> {
    std::thread::sleep(Duration::from_millis(5));
    if fail { Err("timeout".into()) } else { Ok(1) }
}

#[breadcrumb(outcome)]
fn panics() {
    panic!("breadcrumb boom");
}

#[breadcrumb(level = "fatal", outcome)]
fn fatal_ok() {}

#[test]
fn default_message_category_and_level() {
    let ((), c) = run(plain);
    let crumb = assert_crumb(&c, "breadcrumbs::plain", "function");
    assert_eq!(crumb.level, Level::Info);
    assert!(crumb.data.is_empty());
    // No outcome crumb without `outcome`.
    assert_eq!(crumbs(&c).len(), 1);
}

#[test]
fn message_is_a_format_string_over_the_parameters() {
    let ((), c) = run(|| import("users.csv", 120, 99.5, Some(3)));
    assert_crumb(
        &c,
        "importing users.csv (120 rows, 99.5%, Some(3))",
        "function",
    );
}

#[test]
fn data_category_and_level() {
    let (n, c) = run(|| sync_rows(&[4, 5, 6], "erp"));
    assert_eq!(n, 3);
    let crumb = assert_crumb(&c, "sync of erp", "import");
    assert_eq!(crumb.level, Level::Warning);
    assert_eq!(crumb.data.get("row_count"), Some(&3.into()));
    assert_eq!(crumb.data.get("first"), Some(&4.into()));
    assert_eq!(crumb.data.get("source"), Some(&"erp".into()));
}

#[test]
fn outcome_ok_and_error_with_duration() {
    let (_, c) = run(|| (query(false), query(true)));
    let all = crumbs(&c);
    let messages: Vec<_> = all
        .iter()
        .map(|b| b.message.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(
        messages,
        [
            "breadcrumbs::query",
            "breadcrumbs::query returned ok",
            "breadcrumbs::query",
            "breadcrumbs::query returned error",
        ]
    );
    let ok = all[1];
    assert_eq!(ok.category.as_deref(), Some("db"));
    assert_eq!(ok.level, Level::Debug);
    assert_eq!(ok.data.get("outcome"), Some(&"ok".into()));
    let duration = ok
        .data
        .get("duration_ms")
        .and_then(|v| v.as_f64())
        .expect("a duration");
    assert!(
        (5.0..5_000.0).contains(&duration),
        "slept 5 ms, took {duration} ms"
    );
    let error = all[3];
    assert_eq!(error.data.get("outcome"), Some(&"error".into()));
    // An error outcome is at least `error`.
    assert_eq!(error.level, Level::Error);
    assert!(
        error
            .data
            .get("duration_ms")
            .is_some_and(|v| v.as_f64().is_some())
    );
}

#[test]
fn outcome_panic_and_level_floor() {
    let ((), c) = run(|| {
        assert!(std::panic::catch_unwind(panics).is_err());
        fatal_ok();
    });
    let panic = assert_crumb(&c, "breadcrumbs::panics returned panic", "function");
    assert_eq!(panic.data.get("outcome"), Some(&"panic".into()));
    assert_eq!(panic.level, Level::Error);
    assert!(panic.data.contains_key("duration_ms"));
    // A higher level than `error` is kept for the outcome.
    let fatal = assert_crumb(&c, "breadcrumbs::fatal_ok returned ok", "function");
    assert_eq!(fatal.level, Level::Fatal);
}

/// Counts how often it is formatted.
struct Formatted<'a>(&'a AtomicUsize);

impl fmt::Display for Formatted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fetch_add(1, Ordering::SeqCst);
        f.write_str("formatted")
    }
}

impl serde::Serialize for Formatted<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.fetch_add(1, Ordering::SeqCst);
        s.serialize_str("serialized")
    }
}

#[breadcrumb(message = "value {value}", data(value))]
fn formats(value: Formatted<'_>) {
    let _ = value;
}

#[test]
fn nothing_is_formatted_without_a_client() {
    let count = AtomicUsize::new(0);
    formats(Formatted(&count));
    assert_eq!(count.load(Ordering::SeqCst), 0);
    let ((), c) = run(|| formats(Formatted(&count)));
    assert_eq!(
        count.load(Ordering::SeqCst),
        2,
        "message and data, once each"
    );
    let crumb = assert_crumb(&c, "value formatted", "function");
    assert_eq!(crumb.data.get("value"), Some(&"serialized".into()));
}

// ---------------------------------------------------------------------------------------
// Breadcrumbs persist: a crumb left by a `#[breadcrumb]` fn called inside a nested
// `#[monitored]` call appears on an error captured afterwards by the outer caller, in the
// same task, on a 4-worker runtime.

#[breadcrumb(message = "validating request {id}")]
fn validate(id: u32) {
    let _ = id;
}

#[breadcrumb(message = "loaded {rows} rows for {id}", outcome)]
async fn load(id: u32, rows: u32) -> u32 {
    tokio::task::yield_now().await;
    rows
}

#[monitored]
async fn inner_step(id: u32) -> u32 {
    tokio::task::yield_now().await;
    validate(id);
    tokio::task::yield_now().await;
    load(id, 3).await
}

#[monitored]
async fn handler(id: u32) -> u32 {
    tokio::task::yield_now().await;
    inner_step(id).await
}

#[capture_errors]
fn save(id: u32) -> Result<(), String> {
    Err(format!("saving request {id} failed"))
}

#[monitored(transaction, name = "request")]
async fn request(id: u32) -> Result<(), String> {
    let rows = handler(id).await;
    tokio::task::yield_now().await;
    assert_eq!(rows, 3);
    save(id)
}

#[test]
fn breadcrumbs_persist_after_nested_monitored_calls() {
    let (out, c) = monitor_runtime::testing::capture_async(request(1));
    assert!(out.is_err());
    let events = errors(&c);
    assert_eq!(events.len(), 1);
    assert_eq!(
        crumb_messages(events[0]),
        [
            "validating request 1",
            "loaded 3 rows for 1",
            // The outcome crumb is named after the function, whatever the message.
            "breadcrumbs::load returned ok",
        ]
    );
    let tx = c.transaction("request");
    assert_eq!(tx.spans().len(), 2, "{}", tx.tree());
}

#[test]
fn breadcrumbs_persist_per_task_under_concurrency() {
    // Fifty requests at once, each in its own task (a forked hub per task, as a web
    // server gives each request): each error carries its own request's crumbs only.
    let (outs, c) = monitor_runtime::testing::capture_async(async {
        let handles: Vec<_> = (0..50)
            .map(|id| monitor_runtime::spawn(request(id)))
            .collect();
        let mut outs = Vec::new();
        for handle in handles {
            outs.push(handle.await.expect("no panic").is_err());
        }
        outs
    });
    assert!(outs.iter().all(|failed| *failed));
    let events = errors(&c);
    assert_eq!(events.len(), 50);
    for event in events {
        let value = exception_values(event).pop().expect("a message");
        let id: u32 = value
            .trim_start_matches("saving request ")
            .trim_end_matches(" failed")
            .parse()
            .expect("an id");
        assert_eq!(
            crumb_messages(event),
            [
                format!("validating request {id}"),
                format!("loaded 3 rows for {id}"),
                "breadcrumbs::load returned ok".to_owned(),
            ],
            "request {id}"
        );
    }
}
