//! The options beyond the basics, each on the span tree or the envelope: `ret`,
//! `parent`, `follows_from`, `short_name`, `busy_time`, heartbeat check-ins, and
//! `#[cfg]` parameters named in `data(...)`.

// `#[cfg(all())]` is the always-true condition the `#[cfg]` cases are written with.
#![allow(clippy::non_minimal_cfg)]

use std::time::Duration;

use monitor_runtime::propagation::{self, PropagationContext};
use monitor_runtime::sentry::protocol::{MonitorCheckInStatus, SpanStatus};
use monitor_runtime::testing::{self, SpanNode};
use monitor_runtime::{PerformanceMonitor, breadcrumb, capture_errors, monitored};
use monitor_tests::*;
use serde::Serialize;
use serde_json::{Value, json};

#[derive(Serialize)]
struct Login {
    user: &'static str,
    password: &'static str,
}

#[monitored(ret)]
fn login() -> Login {
    Login {
        user: "ada",
        password: "hunter2",
    }
}

#[monitored(ret)]
fn connection_string() -> Result<String, String> {
    Ok("postgres://app:s3cret@db/crm".to_owned())
}

#[monitored(ret)]
fn failing_lookup() -> Result<u32, String> {
    Err("not there".into())
}

#[derive(Debug)]
#[allow(dead_code)] // read through `Debug`
struct Opaque(u8);

#[monitored(ret)]
fn opaque() -> Opaque {
    Opaque(7)
}

#[monitored(ret(display))]
fn shown() -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::LOCALHOST
}

#[monitored(ret(debug))]
async fn debugged() -> Option<&'static str> {
    tokio::task::yield_now().await;
    Some("x")
}

#[test]
fn ret_records_the_value_scrubbed() {
    let (_, c) = run(|| {
        (
            login(),
            connection_string(),
            failing_lookup(),
            opaque(),
            shown(),
        )
    });
    let data = |name| assert_ok_child(&c, name).data.get("return").cloned();
    assert_eq!(
        data("options::login"),
        Some(json!({ "user": "ada", "password": "[Filtered]" })),
        "a sensitive key inside the value is filtered"
    );
    assert_eq!(
        data("options::connection_string"),
        Some(json!("postgres://app:[Filtered]@db/crm")),
        "the Ok value is recorded, its secrets scrubbed"
    );
    assert_eq!(
        data("options::opaque"),
        Some(json!("Opaque(7)")),
        "Debug when not Serialize"
    );
    assert_eq!(data("options::shown"), Some(json!("127.0.0.1")));
    let failed = assert_child(
        &c,
        "options::failing_lookup",
        "function",
        SpanStatus::InternalError,
    );
    assert_eq!(
        failed.data.get("return"),
        None,
        "an Err records no return value"
    );

    let (_, c) = run_async(debugged());
    assert_eq!(
        assert_ok_child(&c, "options::debugged").data.get("return"),
        Some(&json!("Some(\"x\")"))
    );
}

#[monitored]
fn elsewhere(batch: &PerformanceMonitor) -> u32 {
    process(batch, 2)
}

#[monitored(parent = batch)]
fn process(batch: &PerformanceMonitor, item: u32) -> u32 {
    item * 2
}

#[monitored(parent = None, name = "detached")]
fn detached() -> u32 {
    1
}

#[test]
fn parent_chooses_the_span_to_start_under() {
    let (_, c) = run(|| {
        let batch = PerformanceMonitor::start("batch");
        let out = elsewhere(&batch);
        drop(batch);
        (out, detached())
    });
    let tx = c.transaction(ROOT);
    let batch = tx.span("batch");
    let processed = tx.span("options::process");
    assert_eq!(
        processed.parent_span_id,
        Some(batch.span_id),
        "under the monitor given, not the current span\n{}",
        tx.tree()
    );
    assert_ok_child(&c, "options::elsewhere");
    // `parent = None` starts a trace of its own.
    let detached = c.transaction("detached");
    assert_ne!(detached.trace_id(), tx.trace_id());
}

#[monitored(parent = upstream, name = "continued")]
fn continued(upstream: &PropagationContext) -> u32 {
    11
}

#[monitored(follows_from = upstream)]
fn linked_to_remote(upstream: &PropagationContext) -> u32 {
    12
}

const UPSTREAM_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const UPSTREAM_SPAN: &str = "00f067aa0ba902b7";

fn upstream() -> PropagationContext {
    let mut headers = std::collections::HashMap::new();
    headers.insert(
        "sentry-trace".to_owned(),
        format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}-1"),
    );
    propagation::extract(&headers).expect("a valid sentry-trace")
}

#[test]
fn parent_and_follows_from_take_an_extracted_trace() {
    let (_, c) = run(|| (continued(&upstream()), linked_to_remote(&upstream())));
    let tx = c.transaction("continued");
    assert_eq!(
        tx.trace_id(),
        UPSTREAM_TRACE,
        "continues the caller's trace"
    );
    assert_eq!(
        tx.root().parent_span_id.map(|id| id.to_string()).as_deref(),
        Some(UPSTREAM_SPAN)
    );
    let linked = assert_ok_child(&c, "options::linked_to_remote");
    assert_eq!(
        linked.data.get("links"),
        Some(&json!([{
            "trace_id": UPSTREAM_TRACE,
            "span_id": UPSTREAM_SPAN,
            "sampled": true,
            "attributes": { "sentry.link.type": "follows_from" },
        }]))
    );
}

#[monitored(follows_from = upstream)]
fn consume(upstream: &PerformanceMonitor) -> u32 {
    3
}

#[test]
fn follows_from_records_a_link_not_a_parent() {
    let (_, c) = run(|| {
        let upstream = PerformanceMonitor::start("produce");
        let out = consume(&upstream);
        drop(upstream);
        out
    });
    let tx = c.transaction(ROOT);
    let produce = tx.span("produce");
    let consume = assert_ok_child(&c, "options::consume");
    let links = consume.data.get("links").expect("links in span data");
    assert_eq!(
        links,
        &json!([{
            "trace_id": tx.trace_id(),
            "span_id": produce.span_id.to_string(),
            "sampled": true,
            "attributes": { "sentry.link.type": "follows_from" },
        }])
    );
}

struct Cart;

impl Cart {
    #[monitored(short_name)]
    fn checkout(&self) -> u32 {
        4
    }
}

#[monitored(short_name)]
fn bare() -> u32 {
    5
}

#[test]
fn short_name_drops_the_module_path() {
    let (_, c) = run(|| (Cart.checkout(), bare()));
    assert_ok_child(&c, "Cart::checkout");
    assert_ok_child(&c, "bare");
}

#[monitored(busy_time)]
async fn mostly_waiting() -> u32 {
    tokio::time::sleep(Duration::from_millis(30)).await;
    tokio::task::yield_now().await;
    6
}

#[monitored(busy_time)]
fn all_busy() -> u32 {
    std::hint::black_box(7)
}

/// The span's duration from its protocol timestamps.
fn wall_ms(c: &testing::Captured, span: &SpanNode) -> f64 {
    let tx = c.transaction(ROOT);
    let raw = tx
        .raw()
        .spans
        .iter()
        .find(|s| s.span_id == span.span_id)
        .expect("the protocol span");
    let end = raw.timestamp.expect("finished");
    end.duration_since(raw.start_timestamp)
        .expect("ends after it starts")
        .as_secs_f64()
        * 1000.0
}

#[test]
fn busy_time_counts_polls_only() {
    let (_, c) = run_async(mostly_waiting());
    let span = assert_ok_child(&c, "options::mostly_waiting");
    let busy = span
        .data
        .get("busy_ms")
        .and_then(Value::as_f64)
        .expect("busy_ms");
    let wall = wall_ms(&c, &span);
    assert!(wall >= 30.0, "slept 30 ms: {wall}");
    assert!(busy >= 0.0 && busy < wall, "busy {busy} ms, wall {wall} ms");

    let (_, c) = run(all_busy);
    let span = assert_ok_child(&c, "options::all_busy");
    let busy = span
        .data
        .get("busy_ms")
        .and_then(Value::as_f64)
        .expect("busy_ms");
    assert!(
        busy >= 0.0 && busy <= wall_ms(&c, &span) + 0.001,
        "sync busy time is wall time"
    );
}

#[monitored(check_in(slug = "inventory-sync", heartbeat, interval = "10 minutes"))]
fn inventory_sync(fail: bool) -> Result<u32, String> {
    if fail {
        Err("upstream down".into())
    } else {
        Ok(8)
    }
}

#[test]
fn a_heartbeat_sends_one_check_in_per_run() {
    let (_, c) = testing::capture(|| inventory_sync(false));
    let check_ins = c.check_ins();
    assert_eq!(check_ins.len(), 1, "{check_ins:?}");
    assert_eq!(check_ins[0].monitor_slug, "inventory-sync");
    assert_eq!(check_ins[0].status, MonitorCheckInStatus::Ok);
    assert!(check_ins[0].duration.is_some());
    assert!(
        check_ins[0].monitor_config.is_some(),
        "the schedule travels with it"
    );

    let (_, c) = testing::capture(|| inventory_sync(true));
    let check_ins = c.check_ins();
    assert_eq!(check_ins.len(), 1);
    assert_eq!(check_ins[0].status, MonitorCheckInStatus::Error);
}

#[monitored(data(kept))]
fn monitored_cfg(#[cfg(all())] kept: u32, #[cfg(any())] _gone: u32) -> u32 {
    kept
}

#[breadcrumb(data(kept))]
fn crumb_cfg(#[cfg(all())] kept: u32) -> u32 {
    kept
}

#[capture_errors(data(kept), tags(kept))]
fn capture_cfg(#[cfg(all())] kept: u32) -> Result<u32, String> {
    Err(format!("failed with {kept}"))
}

#[monitored(data(kept))]
#[breadcrumb(data(kept))]
#[capture_errors(data(kept))]
fn stacked_cfg(#[cfg(all())] kept: u32) -> Result<u32, String> {
    Err(format!("stacked with {kept}"))
}

#[test]
fn cfg_parameters_are_recorded_where_they_exist() {
    let (_, c) = run(|| (monitored_cfg(9), crumb_cfg(10)));
    assert_eq!(
        assert_ok_child(&c, "options::monitored_cfg")
            .data
            .get("kept"),
        Some(&json!(9))
    );
    let crumb = assert_crumb(&c, "options::crumb_cfg", "function");
    assert_eq!(crumb.data.get("kept"), Some(&json!(10)));

    let (_, c) = run(|| capture_cfg(11));
    let event = assert_one_error(&c, "options::capture_cfg", "String");
    assert_eq!(event.tags.get("kept").map(String::as_str), Some("11"));
    let context = match event.contexts.get("capture_errors") {
        Some(monitor_runtime::sentry::protocol::Context::Other(map)) => map,
        other => panic!("no capture_errors context: {other:?}"),
    };
    assert_eq!(context.get("kept"), Some(&json!(11)));

    let (_, c) = run(|| stacked_cfg(12));
    let span = assert_child(
        &c,
        "options::stacked_cfg",
        "function",
        SpanStatus::InternalError,
    );
    assert_eq!(span.data.get("kept"), Some(&json!(12)));
    assert_eq!(
        assert_crumb(&c, "options::stacked_cfg", "function")
            .data
            .get("kept"),
        Some(&json!(12))
    );
    assert_one_error(&c, "options::stacked_cfg", "String");
}
