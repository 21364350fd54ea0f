//! Tail sampling, asserted on what reaches the transport: at a head rate of 0 the traces
//! of failed and slow work are sent with their whole span trees, marked, and nothing else
//! is; pending traces stay within their memory budget.
//!
//! The counters in `health()` are process-wide, so the tests here compare before and
//! after, and the budget test runs in its own process (`tail_budget.rs`).

use std::time::Duration;

#[path = "support/sdk.rs"]
mod sdk;

use sdk::in_sdk_transaction;

use monitor_runtime::sampling::TailSampling;
use monitor_runtime::sentry::protocol::{Context, SpanStatus};
use monitor_runtime::sentry::{self, Level};
use monitor_runtime::testing::{Capture, Captured};
use monitor_runtime::{PerformanceMonitor, monitored, span};

fn tail(setting: TailSampling) -> Capture {
    Capture::new().configure(|config| config.traces_sample_rate(0.0).tail_sampling(setting))
}

#[monitored(name = "request")]
fn request(n: u32, fail: bool) -> Result<u32, String> {
    let rows = query(n);
    if fail {
        monitor_runtime::capture_message("request failed", Level::Error);
    }
    Ok(rows)
}

#[monitored(op = "db.query")]
fn query(n: u32) -> u32 {
    n
}

#[monitored(name = "failing")]
fn failing() -> Result<(), String> {
    query(1);
    Err("no such row".to_owned())
}

fn tags<'a>(captured: &'a Captured, name: &str) -> (Option<&'a str>, Option<&'a str>) {
    let tx = captured.transaction(name).raw();
    (
        tx.tags.get("sampling").map(String::as_str),
        tx.tags.get("sampling.reason").map(String::as_str),
    )
}

fn trace_of(event: &sentry::protocol::Event<'static>) -> String {
    match event.contexts.get("trace") {
        Some(Context::Trace(trace)) => trace.trace_id.to_string(),
        other => panic!("no trace context: {other:?}"),
    }
}

#[test]
fn at_rate_zero_only_the_traces_with_an_error_are_sent_whole() {
    let ((), captured) = tail(TailSampling::errors()).run(|| {
        for n in 0..100 {
            let _ = request(n, n % 25 == 3);
        }
    });
    let transactions = captured.transactions();
    assert_eq!(transactions.len(), 4, "the 4 failed requests, nothing else");
    let events = captured.events();
    assert_eq!(events.len(), 4);
    for (tx, event) in transactions.iter().zip(&events) {
        assert_eq!(
            tx.tree(),
            "request (function) ok\n  tail_sampling::query (db.query) ok\n"
        );
        assert_eq!(
            tx.trace_id(),
            trace_of(event),
            "the event is in the kept trace"
        );
        let raw = tx.raw();
        assert_eq!(raw.tags.get("sampling").map(String::as_str), Some("tail"));
        assert_eq!(
            raw.tags.get("sampling.reason").map(String::as_str),
            Some("error")
        );
    }
}

#[test]
fn an_error_status_keeps_the_trace() {
    let ((), captured) = tail(TailSampling::errors()).run(|| {
        let _ = failing();
    });
    let tx = captured.transaction("failing");
    assert_eq!(tx.status(), Some(SpanStatus::InternalError));
    assert_eq!(tags(&captured, "failing"), (Some("tail"), Some("status")));
    assert_eq!(tx.spans().len(), 1);
}

#[test]
fn a_slow_trace_is_kept_and_a_fast_one_is_not() {
    // Wide margins: the fast root does nothing, the slow one sleeps past the threshold.
    let setting = TailSampling::errors().slow_over(Duration::from_millis(500));
    let ((), captured) = tail(setting).run(|| {
        let slow = PerformanceMonitor::start("slow");
        std::thread::sleep(Duration::from_millis(600));
        drop(slow);
        PerformanceMonitor::start("fast").finish();
    });
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["slow"]);
    assert_eq!(tags(&captured, "slow"), (Some("tail"), Some("slow")));
}

#[test]
fn a_slow_sdk_transaction_is_kept_and_a_fast_one_is_not() {
    let setting = TailSampling::errors().slow_over(Duration::from_millis(500));
    let ((), captured) = tail(setting).run(|| {
        in_sdk_transaction("GET /slow", || {
            std::thread::sleep(Duration::from_millis(600))
        });
        in_sdk_transaction("GET /fast", || query(1));
    });
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["GET /slow"]);
    assert_eq!(tags(&captured, "GET /slow"), (Some("tail"), Some("slow")));
}

#[test]
fn head_sampled_traces_are_sent_unmarked() {
    let capture = Capture::new().configure(|config| {
        config
            .traces_sample_rate(1.0)
            .tail_sampling(TailSampling::errors())
    });
    let ((), captured) = capture.run(|| {
        let _ = request(1, false);
    });
    assert_eq!(tags(&captured, "request"), (None, None));
}

#[test]
fn a_pending_trace_propagates_its_heads_decision() {
    let (headers, captured) = tail(TailSampling::errors()).run(|| {
        let monitor = PerformanceMonitor::start("pending");
        let headers = monitor.in_scope(span::trace_headers);
        assert!(monitor.is_recording(), "recorded, for the tail decision");
        headers
    });
    assert!(
        headers[0].1.ends_with("-0"),
        "downstream keeps the head's decision: {headers:?}"
    );
    assert!(captured.transactions().is_empty());
}

#[test]
fn sdk_transactions_are_kept_with_their_toolkit_spans_only_when_they_fail() {
    let ((), captured) = tail(TailSampling::errors()).run(|| {
        for n in 0..20u32 {
            in_sdk_transaction(&format!("GET /orders/{n}"), || {
                query(n);
                if n == 7 {
                    monitor_runtime::capture_message("order 7 failed", Level::Error);
                }
            });
        }
    });
    let transactions = captured.transactions();
    assert_eq!(transactions.len(), 1, "only the failed request");
    let tx = &transactions[0];
    assert_eq!(tx.name(), "GET /orders/7");
    assert_eq!(
        tx.raw().tags.get("sampling").map(String::as_str),
        Some("tail")
    );
    assert_eq!(
        tx.spans().len(),
        1,
        "the toolkit's span joined it: {}",
        tx.tree()
    );
    assert_eq!(trace_of(captured.events()[0]), tx.trace_id());
}

#[test]
fn with_tail_sampling_off_nothing_unsampled_is_recorded() {
    let capture = Capture::new().configure(|config| config.traces_sample_rate(0.0));
    let (recording, captured) = capture.run(|| {
        let monitor = PerformanceMonitor::start("off");
        let recording = monitor.is_recording();
        monitor_runtime::capture_message("failed", Level::Error);
        recording
    });
    assert!(!recording);
    assert!(captured.transactions().is_empty());
}

#[test]
fn the_setting_and_counters_show_in_health() {
    let before = monitor_runtime::health().tail_sampling.counters;
    let ((), _) = tail(TailSampling::errors()).run(|| {
        let _ = request(1, true);
        let _ = request(2, false);
    });
    let after = monitor_runtime::health().tail_sampling.counters;
    assert!(after.kept_error > before.kept_error);
    assert!(after.not_kept > before.not_kept);
}

/// What code running inside a pending trace read: ids and the outgoing `sentry-trace`.
struct ReadWhilePending {
    trace_id: String,
    root_id: String,
    outer_id: String,
    inner_id: String,
    header_of_inner: String,
}

#[monitored(name = "pending.root")]
fn pending_root(spans: u32) -> Result<ReadWhilePending, String> {
    let root = span::current_span().expect("the root is current");
    // Enough siblings to cross several of the buffer's chunks before the spans read.
    for n in 0..spans {
        query(n);
    }
    let (outer_id, (inner_id, header_of_inner)) = pending_outer();
    monitor_runtime::capture_message("failed after the reads", Level::Error);
    Ok(ReadWhilePending {
        trace_id: root.trace_id().to_string(),
        root_id: root.span_id().to_string(),
        outer_id,
        inner_id,
        header_of_inner,
    })
}

#[monitored(name = "pending.outer")]
fn pending_outer() -> (String, (String, String)) {
    let outer = span::current_span().expect("outer is current");
    let inner = pending_inner();
    query(1);
    (outer.span_id().to_string(), inner)
}

#[monitored(name = "pending.inner")]
fn pending_inner() -> (String, String) {
    let inner = span::current_span().expect("inner is current");
    let header = span::trace_headers()
        .into_iter()
        .find(|(name, _)| *name == "sentry-trace")
        .map(|(_, value)| value)
        .expect("a sentry-trace header");
    (inner.span_id().to_string(), header)
}

#[test]
fn a_kept_trace_shows_the_ids_read_while_it_was_pending() {
    let (read, captured) = tail(TailSampling::errors()).run(|| pending_root(40));
    let read = read.expect("ok");
    // While pending, the propagated decision is the head's, with the span's real id.
    assert_eq!(
        read.header_of_inner,
        format!("{}-{}-0", read.trace_id, read.inner_id)
    );
    let tx = captured.transaction("pending.root");
    assert_eq!(
        tags(&captured, "pending.root"),
        (Some("tail"), Some("error"))
    );
    assert_eq!(tx.trace_id(), read.trace_id);
    assert_eq!(tx.root().span_id.to_string(), read.root_id);
    assert_eq!(
        trace_of(captured.events()[0]),
        read.trace_id,
        "the event is in the kept trace"
    );
    // The whole tree, parents by id.
    let spans = tx.spans();
    assert_eq!(spans.len(), 40 + 3, "{}", tx.tree());
    let outer = tx.span("pending.outer");
    let inner = tx.span("pending.inner");
    assert_eq!(outer.span_id.to_string(), read.outer_id);
    assert_eq!(inner.span_id.to_string(), read.inner_id);
    assert_eq!(outer.parent_span_id, Some(tx.root().span_id));
    assert_eq!(inner.parent_span_id, Some(outer.span_id));
    let under_root = tx.children_of(tx.root().span_id);
    assert_eq!(under_root.len(), 41, "40 queries and outer");
    let under_outer: Vec<String> = tx
        .children_of(outer.span_id)
        .into_iter()
        .map(|span| span.name)
        .collect();
    assert_eq!(under_outer, ["pending.inner", "tail_sampling::query"]);
    // Every span id in the transaction is distinct.
    let mut ids: Vec<_> = spans.iter().map(|span| span.span_id).collect();
    ids.push(tx.root().span_id);
    ids.sort_unstable_by_key(ToString::to_string);
    ids.dedup();
    assert_eq!(ids.len(), 44);
}
