//! Log lines and Sentry logs carry the trace they belong to; `tracing` events become
//! breadcrumbs and error events. Each test installs its subscriber locally
//! (`with_default` / `with_subscriber`), so tests never fight over the global one.

use monitor_runtime::config::LogFormat;
use monitor_runtime::logging::Logging;
use monitor_runtime::sentry::protocol::{Context, Log, LogAttribute};
use monitor_runtime::testing::{self, Captured, LogLines};
use monitor_runtime::{Config, PerformanceMonitor, monitored};
use serde_json::Value;
use tracing::instrument::WithSubscriber;
use tracing_subscriber::prelude::*;

/// What the layers wrote, one JSON object per line.
#[derive(Clone, Default)]
struct Lines(LogLines);

impl Lines {
    fn parsed(&self) -> Vec<Value> {
        self.0.json_lines()
    }

    fn by_message(&self, message: &str) -> Value {
        self.parsed()
            .into_iter()
            .find(|l| l["message"] == message)
            .unwrap_or_else(|| panic!("no line {message:?} in {:?}", self.parsed()))
    }
}

/// A subscriber with the toolkit's layers as `config` sets them, writing JSON to `lines`.
fn subscriber(config: &Config, lines: &Lines) -> impl tracing::Subscriber + Send + Sync {
    let layer = Logging::new(config)
        .format(LogFormat::Json)
        .writer(lines.0.clone())
        .layer()
        .expect("valid log filter");
    tracing_subscriber::registry().with(layer)
}

/// Runs `f` against a capturing client with the toolkit's layers installed on this thread.
fn capture_logged(config: Config, f: impl FnOnce()) -> (Lines, Captured) {
    let lines = Lines::default();
    let subscriber = subscriber(&config, &lines);
    let ((), captured) = testing::capture(|| tracing::subscriber::with_default(subscriber, f));
    (lines, captured)
}

fn debug_config() -> Config {
    Config::default().log_filter("debug".into())
}

#[monitored(name = "checkout")]
fn checkout() {
    tracing::info!(cart_id = 7, "pricing cart");
    reserve_stock();
}

#[monitored(name = "reserve_stock")]
fn reserve_stock() {
    tracing::info!("reserving stock");
}

#[test]
fn json_lines_in_monitored_calls_carry_the_span_that_reaches_the_transport() {
    let (lines, captured) = capture_logged(debug_config(), || {
        tracing::info!("before");
        checkout();
        tracing::info!("after");
    });

    let tx = captured.transaction("checkout");
    let pricing = lines.by_message("pricing cart");
    assert_eq!(pricing["trace_id"], tx.trace_id());
    assert_eq!(pricing["span_id"], tx.root().span_id.to_string());
    assert_eq!(pricing["cart_id"], 7);
    assert_eq!(pricing["level"], "info");
    assert_eq!(pricing["target"], "logging");

    let reserving = lines.by_message("reserving stock");
    assert_eq!(reserving["trace_id"], tx.trace_id());
    assert_eq!(
        reserving["span_id"],
        tx.span("reserve_stock").span_id.to_string(),
        "the innermost span, not the transaction"
    );

    for outside in ["before", "after"] {
        let line = lines.by_message(outside);
        assert!(line.get("trace_id").is_none(), "{line}");
        assert!(line.get("span_id").is_none(), "{line}");
    }
    for line in lines.parsed() {
        for key in ["timestamp", "level", "target", "message"] {
            assert!(line.get(key).is_some(), "{key} missing: {line}");
        }
    }
}

#[test]
fn json_lines_follow_performance_monitors_and_the_scope_span() {
    let (lines, captured) = capture_logged(debug_config(), || {
        let import = PerformanceMonitor::start("import").op("job");
        import.in_scope(|| tracing::info!("importing"));

        // No toolkit span: the span on the hub's scope (as sentry-tower sets it) is used.
        let request = monitor_runtime::sentry::start_transaction(
            monitor_runtime::sentry::TransactionContext::new("GET /orgs", "http.server"),
        );
        monitor_runtime::sentry::configure_scope(|s| s.set_span(Some(request.clone().into())));
        tracing::info!("in request");
        monitor_runtime::sentry::configure_scope(|s| s.set_span(None));
        request.finish();
    });

    let import = captured.transaction("import");
    let line = lines.by_message("importing");
    assert_eq!(line["trace_id"], import.trace_id());
    assert_eq!(line["span_id"], import.root().span_id.to_string());

    let request = captured.transaction("GET /orgs");
    let line = lines.by_message("in request");
    assert_eq!(line["trace_id"], request.trace_id());
    assert_eq!(line["span_id"], request.root().span_id.to_string());
}

#[monitored(name = "async_handler")]
async fn async_handler() {
    tracing::info!("first half");
    tokio::task::yield_now().await;
    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    tracing::info!("second half");
}

#[test]
fn json_lines_keep_their_span_across_awaits_on_a_multi_thread_runtime() {
    let lines = Lines::default();
    let subscriber = subscriber(&debug_config(), &lines);
    let ((), captured) = testing::Capture::new().workers(2).run_async(
        async {
            let handlers: Vec<_> = (0..8)
                .map(|_| monitor_runtime::spawn(async_handler().with_current_subscriber()))
                .collect();
            for handler in handlers {
                handler.await.expect("handler ran");
            }
        }
        .with_subscriber(subscriber),
    );

    let transactions = captured.transactions();
    assert_eq!(transactions.len(), 8);
    let parsed = lines.parsed();
    assert_eq!(parsed.len(), 16);
    for tx in &transactions {
        let mine: Vec<_> = parsed
            .iter()
            .filter(|l| l["trace_id"] == tx.trace_id())
            .collect();
        assert_eq!(mine.len(), 2, "both halves of one call in its own trace");
        for line in mine {
            assert_eq!(line["span_id"], tx.root().span_id.to_string());
        }
    }
}

#[monitored(name = "pay")]
fn pay() {
    tracing::info!("loading cart");
    tracing::warn!(attempt = 2, "card declined, retrying");
    tracing::debug!("retry internals");
    tracing::error!(order_id = 7, "payment failed");
}

#[test]
fn an_error_event_carries_the_breadcrumbs_of_the_info_events_before_it() {
    let (_lines, captured) = capture_logged(debug_config(), pay);

    let events = captured.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = events[0];
    assert_eq!(event.level, monitor_runtime::sentry::Level::Error);
    assert_eq!(
        testing::crumb_messages(event),
        ["loading cart", "card declined, retrying"]
    );
    let tx = captured.transaction("pay");
    match event.contexts.get("trace") {
        Some(Context::Trace(trace)) => {
            assert_eq!(trace.trace_id.to_string(), tx.trace_id());
            assert_eq!(trace.span_id, tx.root().span_id);
        }
        other => panic!("no trace context: {other:?}"),
    }
}

#[test]
fn a_debug_event_reaches_neither_breadcrumbs_nor_events() {
    let (lines, captured) = capture_logged(debug_config(), || {
        tracing::debug!("only a line");
        monitor_runtime::capture_message("probe", monitor_runtime::sentry::Level::Error);
    });
    assert_eq!(lines.parsed().len(), 1, "the line is still written");
    let events = captured.events();
    assert_eq!(events.len(), 1, "only the probe");
    assert!(
        events[0].breadcrumbs.values.is_empty(),
        "{:?}",
        events[0].breadcrumbs
    );
    assert!(captured.logs().is_empty());
}

fn attribute<'a>(log: &'a Log, key: &str) -> Option<&'a Value> {
    log.attributes.get(key).map(|LogAttribute(v)| v)
}

#[test]
fn sentry_logs_are_opt_in_and_point_at_the_toolkit_span() {
    let (_lines, captured) = capture_logged(debug_config(), checkout);
    assert!(
        captured.logs().is_empty(),
        "SENTRY_ENABLE_LOGS is off by default"
    );

    let (_lines, captured) = capture_logged(debug_config().enable_logs(true), || {
        checkout();
        tracing::debug!("below the logs level");
    });
    let tx = captured.transaction("checkout");
    let logs = captured.logs();
    let bodies: Vec<_> = logs.iter().map(|l| l.body.as_str()).collect();
    assert_eq!(bodies, ["pricing cart", "reserving stock"]);

    let reserving = logs[1];
    assert_eq!(
        reserving.trace_id.map(|t| t.to_string()),
        Some(tx.trace_id())
    );
    let child = tx.span("reserve_stock").span_id.to_string();
    assert_eq!(
        attribute(reserving, "sentry.trace.parent_span_id"),
        Some(&Value::from(child.clone()))
    );
    assert_eq!(
        attribute(reserving, "parent_span_id"),
        Some(&Value::from(child))
    );
    assert_eq!(attribute(logs[0], "cart_id"), Some(&Value::from(7)));
}

#[monitored(name = "direct_logger")]
fn direct_logger() {
    reserve_stock_with_logger();
}

#[monitored(name = "inner_logger")]
fn reserve_stock_with_logger() {
    monitor_runtime::sentry::logger_info!(sku = "A-1", "reserved");
}

#[test]
fn sdk_logs_inside_nested_calls_get_the_nested_span() {
    let ((), captured) = testing::capture(direct_logger);
    let tx = captured.transaction("direct_logger");
    let logs = captured.logs();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].trace_id.map(|t| t.to_string()), Some(tx.trace_id()));
    assert_eq!(
        attribute(logs[0], "sentry.trace.parent_span_id"),
        Some(&Value::from(tx.span("inner_logger").span_id.to_string()))
    );
}

#[test]
fn with_the_span_layer_on_a_monitored_call_is_still_recorded_once() {
    let layer = Logging::new(&debug_config())
        .lines(false)
        .span_layer(true)
        .layer()
        .expect("valid log filter");
    let subscriber = tracing_subscriber::registry().with(layer);
    let ((), captured) =
        testing::capture(|| tracing::subscriber::with_default(subscriber, checkout));
    let transactions = captured.transactions();
    assert_eq!(
        transactions.len(),
        1,
        "no second transaction from a tracing span"
    );
    assert_eq!(
        transactions[0].tree(),
        "checkout (function) ok\n  reserve_stock (function) ok\n"
    );
}
