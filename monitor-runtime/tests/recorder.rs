//! The span recorder, asserted on what reaches the transport: unsampled roots keep their
//! trace ids for logs, errors and propagation; toolkit spans under an SDK span join that
//! span's transaction (merged by the toolkit's transport, or as SDK spans under a plain
//! client); transactions the toolkit sends carry what the SDK's would, and the DSC.

#[path = "support/sdk.rs"]
mod sdk;

use sdk::in_sdk_transaction;

use monitor_runtime::sentry::protocol::{Context, EnvelopeItem, SpanStatus};
use monitor_runtime::sentry::{self, ClientOptions, Level, TransactionContext};
use monitor_runtime::span::{self, ParentSpan, Sampling};
use monitor_runtime::testing::{self, Capture, Captured};
use monitor_runtime::{PerformanceMonitor, logging, monitored};

fn at_rate(rate: f32) -> Capture {
    Capture::new().configure(|config| config.traces_sample_rate(rate))
}

#[monitored(name = "job")]
fn job(f: impl FnOnce()) {
    f();
}

#[monitored]
fn step(n: u32) -> u32 {
    inner(n) + 1
}

#[monitored(op = "db.query")]
fn inner(n: u32) -> u32 {
    n
}

fn trace_of_event(captured: &Captured) -> (String, String) {
    let event = captured.events()[0];
    match event.contexts.get("trace") {
        Some(Context::Trace(trace)) => (trace.trace_id.to_string(), trace.span_id.to_string()),
        other => panic!("no trace context on the event: {other:?}"),
    }
}

#[test]
fn an_unsampled_root_has_one_trace_id_for_logs_errors_and_propagation() {
    let (seen, captured) = at_rate(0.0).run(|| {
        let mut seen = None;
        job(|| {
            let ids = logging::current_trace_ids().expect("ids inside an unsampled root");
            let headers = span::trace_headers();
            let handle = span::current_span().expect("the root is current");
            assert_eq!(step(1), 2, "children run, unrecorded");
            monitor_runtime::capture_message("inside", Level::Error);
            seen = Some((ids, headers, handle.sampling(), handle.is_recording()));
        });
        seen.expect("ran")
    });
    let (ids, headers, sampling, recording) = seen;
    assert!(captured.transactions().is_empty(), "nothing sent at rate 0");
    assert_eq!((sampling, recording), (Sampling::NotSampled, false));
    assert_eq!(
        headers,
        [(
            "sentry-trace",
            format!("{}-{}-0", ids.trace_id, ids.span_id)
        )]
    );
    let (trace_id, span_id) = trace_of_event(&captured);
    assert_eq!(trace_id, ids.trace_id.to_string());
    assert_eq!(span_id, ids.span_id.to_string());
}

#[test]
fn unsampled_roots_get_distinct_traces() {
    let (ids, _) = at_rate(0.0).run(|| {
        (0..100)
            .map(|_| {
                let mut id = None;
                job(|| id = logging::current_trace_ids().map(|ids| ids.trace_id));
                id.expect("ids")
            })
            .collect::<std::collections::HashSet<_>>()
    });
    assert_eq!(ids.len(), 100);
}

#[test]
fn sampled_roots_carry_release_environment_sdk_and_the_dsc() {
    let ((), captured) = at_rate(1.0).run(|| job(|| assert_eq!(step(2), 3)));
    let tx = captured.transaction("job");
    assert_eq!(
        tx.tree(),
        "job (function) ok\n  recorder::step (function) ok\n    recorder::inner (db.query) ok\n"
    );
    let raw = tx.raw();
    assert_eq!(raw.release.as_deref(), Some("monitor-tests@0.0.0"));
    assert_eq!(raw.environment.as_deref(), Some("development"));
    let sdk = raw.sdk.as_ref().expect("sdk info");
    assert_eq!(sdk.name, "sentry.rust");
    assert!(sdk.version.starts_with("0."), "version {}", sdk.version);
    assert!(sdk.integrations.iter().any(|i| i == "monitor-runtime"));
    assert!(raw.timestamp.is_some_and(|end| end >= raw.start_timestamp));
    for span in &raw.spans {
        assert!(
            span.timestamp
                .is_some_and(|end| end >= span.start_timestamp)
        );
        assert_eq!(span.trace_id.to_string(), tx.trace_id());
    }

    let envelope = captured
        .envelopes()
        .iter()
        .find(|e| e.items().any(|i| matches!(i, EnvelopeItem::Transaction(_))))
        .expect("the transaction's envelope");
    let mut wire = Vec::new();
    envelope.to_writer(&mut wire).expect("serialises");
    let header: serde_json::Value =
        serde_json::from_slice(wire.split(|b| *b == b'\n').next().expect("a header line"))
            .expect("the header is JSON");
    let dsc = &header["trace"];
    assert_eq!(dsc["trace_id"], tx.trace_id());
    assert_eq!(dsc["public_key"], "local");
    assert_eq!(dsc["sample_rate"], "1");
    assert_eq!(dsc["sampled"], "true");
    assert_eq!(dsc["release"], "monitor-tests@0.0.0");
    assert_eq!(dsc["environment"], "development");
    assert_eq!(dsc["transaction"], "job");
}

#[test]
fn scope_tags_and_user_apply_to_toolkit_transactions() {
    let ((), captured) = testing::capture(|| {
        monitor_runtime::set_tag("tenant", "alforis");
        job(|| {
            // Set inside the call, on the caller's scope: kept, as the SDK would.
            monitor_runtime::set_tag("stage", "import");
        });
    });
    let tags = &captured.transaction("job").raw().tags;
    assert_eq!(tags.get("tenant").map(String::as_str), Some("alforis"));
    assert_eq!(tags.get("stage").map(String::as_str), Some("import"));
}

#[test]
fn toolkit_children_join_the_sdk_transaction_on_the_scope() {
    let ((), captured) = testing::capture(|| {
        in_sdk_transaction("GET /orgs", || {
            assert_eq!(step(1), 2);
            let monitor = PerformanceMonitor::start("render").op("template");
            monitor.set_data("rows", 3);
        });
    });
    assert_eq!(
        captured.transactions().len(),
        1,
        "no transaction of the toolkit's own"
    );
    let tx = captured.transaction("GET /orgs");
    let root = tx.root().span_id;
    let children: Vec<_> = tx.children_of(root).into_iter().map(|s| s.name).collect();
    assert_eq!(children, ["recorder::step", "render"], "{}", tx.tree());
    let step = tx.span("recorder::step");
    assert_eq!(tx.children_of(step.span_id)[0].name, "recorder::inner");
    assert_eq!(
        tx.span("render").data.get("rows"),
        Some(&serde_json::json!(3))
    );
}

#[test]
fn toolkit_children_join_an_sdk_transaction_from_several_threads() {
    let ((), captured) = testing::capture_async(async {
        let tx = sentry::start_transaction(TransactionContext::new("GET /fan-out", "http.server"));
        sentry::configure_scope(|scope| scope.set_span(Some(tx.clone().into())));
        let tasks: Vec<_> = (0..8u32)
            .map(|n| {
                monitor_runtime::spawn(async move {
                    tokio::task::yield_now().await;
                    step(n)
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        sentry::configure_scope(|scope| scope.set_span(None));
        tx.finish();
    });
    let tx = captured.transaction("GET /fan-out");
    let root = tx.root().span_id;
    assert_eq!(tx.children_of(root).len(), 8, "{}", tx.tree());
    assert_eq!(tx.spans().len(), 16);
}

#[test]
fn children_of_an_unsampled_sdk_transaction_record_nothing() {
    let (headers, captured) = at_rate(0.0).run(|| {
        in_sdk_transaction("GET /quiet", || {
            let mut headers = Vec::new();
            job(|| headers = span::trace_headers());
            headers
        })
    });
    assert!(captured.transactions().is_empty());
    // The scope's span stays the reference: its trace, not a new one.
    assert!(headers[0].1.ends_with("-0"), "{headers:?}");
}

#[test]
fn a_span_finished_after_its_sdk_transaction_is_lost_like_the_sdks() {
    let ((), captured) = testing::capture(|| {
        let late = in_sdk_transaction("GET /early", || PerformanceMonitor::start("late"));
        drop(late);
    });
    let tx = captured.transaction("GET /early");
    assert!(tx.spans().is_empty(), "{}", tx.tree());
}

#[test]
fn a_transaction_keeps_at_most_a_thousand_spans() {
    let ((), captured) = testing::capture(|| {
        job(|| {
            for n in 0..1_500 {
                inner(n);
            }
        })
    });
    assert_eq!(captured.transaction("job").spans().len(), 1_000);
}

#[test]
fn explicit_parents_and_links() {
    let ((), captured) = testing::capture(|| {
        let batch = PerformanceMonitor::start_transaction("batch");
        let other = PerformanceMonitor::start_transaction("other");
        // Not entered anywhere, yet a child of `batch`.
        let item = PerformanceMonitor::builder("item").parent(&batch).start();
        let handle = item.handle().expect("recorded");
        handle.add_link(&other.handle().expect("recorded"));
        drop(item);
        // Entered `other`, but a new trace of its own.
        other.in_scope(|| {
            PerformanceMonitor::builder("detached")
                .parent(ParentSpan::new_trace())
                .start()
                .finish();
        });
    });
    let batch = captured.transaction("batch");
    let other = captured.transaction("other");
    let item = batch.span("item");
    assert_eq!(item.parent_span_id, Some(batch.root().span_id));
    let links = item.data.get("links").expect("a link");
    assert_eq!(links[0]["trace_id"], other.trace_id());
    assert_eq!(links[0]["span_id"], other.root().span_id.to_string());
    assert_eq!(links[0]["sampled"], true);
    let detached = captured.transaction("detached");
    assert_ne!(detached.trace_id(), other.trace_id());
    assert_eq!(detached.root().parent_span_id, None);
}

#[test]
fn a_transaction_kind_under_a_toolkit_span_continues_its_trace() {
    #[monitored(transaction, name = "consumer")]
    fn consumer() {}

    let ((), captured) = testing::capture(|| job(consumer));
    let job = captured.transaction("job");
    let consumer = captured.transaction("consumer");
    assert_eq!(consumer.trace_id(), job.trace_id());
    assert_eq!(consumer.root().parent_span_id, Some(job.root().span_id));
}

#[test]
fn status_set_on_the_current_span_is_kept() {
    let ((), captured) = testing::capture(|| {
        job(|| {
            span::current_span()
                .expect("current")
                .set_status(SpanStatus::NotFound)
        })
    });
    assert_eq!(
        captured.transaction("job").status(),
        Some(SpanStatus::NotFound)
    );
}

// ---------------------------------------------------------------------------------------
// Under a plain client (`sentry::test`), without the toolkit's sampler or transport.

fn plain(
    rate: f32,
    f: impl FnOnce(),
) -> Vec<monitor_runtime::sentry::protocol::Transaction<'static>> {
    let envelopes = sentry::test::with_captured_envelopes_options(
        f,
        ClientOptions::new().traces_sample_rate(rate),
    );
    envelopes
        .into_iter()
        .flat_map(|e| e.into_items())
        .filter_map(|item| match item {
            EnvelopeItem::Transaction(tx) => Some(*tx),
            _ => None,
        })
        .collect()
}

#[test]
fn toolkit_roots_are_sent_under_a_plain_client() {
    let txs = plain(1.0, || job(|| assert_eq!(step(1), 2)));
    assert_eq!(txs.len(), 1);
    assert_eq!(txs[0].name.as_deref(), Some("job"));
    assert_eq!(txs[0].spans.len(), 2);
    assert!(txs[0].sdk.is_some());
}

#[test]
fn toolkit_children_of_sdk_spans_are_sdk_spans_under_a_plain_client() {
    let txs = plain(1.0, || {
        in_sdk_transaction("GET /plain", || assert_eq!(step(3), 4))
    });
    assert_eq!(txs.len(), 1);
    let names: Vec<_> = txs[0]
        .spans
        .iter()
        .filter_map(|s| s.description.as_deref())
        .collect();
    assert_eq!(names, ["recorder::inner", "recorder::step"]);
}

#[test]
fn nothing_is_recorded_without_a_client() {
    let mut ran = false;
    job(|| {
        assert!(span::current_span().is_none());
        assert!(logging::current_trace_ids().is_none());
        ran = true;
    });
    assert!(ran);
}

#[test]
fn a_handle_outlives_its_span_harmlessly() {
    let (handle, captured) = testing::capture(|| {
        let monitor = PerformanceMonitor::start("short");
        let handle = monitor.handle().expect("recorded");
        drop(monitor);
        handle.set_tag("late", "ignored");
        handle.set_status(SpanStatus::Aborted);
        handle
    });
    let tx = captured.transaction("short");
    assert_eq!(tx.status(), Some(SpanStatus::Ok));
    assert!(!tx.root().tags.contains_key("late"));
    assert_eq!(handle.sampling(), Sampling::Sampled);
}

#[test]
fn toolkit_children_join_a_sentry_tracing_transaction() {
    use tracing_subscriber::layer::SubscriberExt;

    let ((), captured) = testing::capture(|| {
        let subscriber =
            tracing_subscriber::registry().with(sentry::integrations::tracing::SpanLayer::new());
        tracing::subscriber::with_default(subscriber, || {
            let request = tracing::info_span!("handle_request");
            let _entered = request.enter();
            assert_eq!(step(5), 6);
        });
    });
    let tx = captured.transaction("handle_request");
    let step = tx.span("recorder::step");
    assert_eq!(
        step.parent_span_id,
        Some(tx.root().span_id),
        "{}",
        tx.tree()
    );
    assert_eq!(tx.children_of(step.span_id)[0].name, "recorder::inner");
}
