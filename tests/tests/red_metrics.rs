//! `#[monitored(metrics)]`: every call sends its calls counter and its duration, whatever
//! the trace sampling; `objective(...)` tags them and is listed by the registry.

use std::collections::BTreeMap;

use monitor_runtime::monitored;
use monitor_runtime::registry;
use monitor_runtime::sentry::protocol::{LogAttribute, Metric, MetricType, Unit};
use monitor_runtime::testing::{Capture, Captured};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
#[error("card declined")]
struct CardDeclined;

/// Fails for 37 of the calls 0..1000: every 27th up to 972.
fn fails(i: u32) -> bool {
    i.is_multiple_of(27) && i <= 972
}

#[monitored(
    name = "shop.checkout",
    metrics,
    objective(name = "checkout", success = 99.9, latency = "250ms", percentile = 95)
)]
fn checkout(i: u32) -> Result<u32, CardDeclined> {
    if fails(i) { Err(CardDeclined) } else { Ok(i) }
}

#[monitored(name = "shop.checkout_async", metrics)]
async fn checkout_async(i: u32) -> Result<u32, CardDeclined> {
    tokio::task::yield_now().await;
    if fails(i) { Err(CardDeclined) } else { Ok(i) }
}

#[monitored(name = "shop.count", metrics)]
fn count(i: u32) -> u32 {
    i
}

fn attribute<'a>(metric: &'a Metric, key: &str) -> Option<&'a str> {
    match metric.attributes.get(key) {
        Some(LogAttribute(Value::String(s))) => Some(s.as_str()),
        _ => None,
    }
}

/// Per `result` attribute: how many `function.calls` counters of `function`, and the sum
/// of their values.
fn calls_by_result(captured: &Captured, function: &str) -> BTreeMap<String, (usize, f64)> {
    let mut out = BTreeMap::new();
    for metric in captured.metrics() {
        if metric.name != "function.calls" || attribute(metric, "function") != Some(function) {
            continue;
        }
        assert_eq!(metric.r#type, MetricType::Counter);
        let result = attribute(metric, "result")
            .expect("a result attribute")
            .to_owned();
        let entry = out.entry(result).or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += metric.value;
    }
    out
}

fn durations<'a>(captured: &'a Captured, function: &str) -> Vec<&'a Metric> {
    captured
        .metrics()
        .into_iter()
        .filter(|m| m.name == "function.duration" && attribute(m, "function") == Some(function))
        .collect()
}

fn check_thousand_calls(captured: &Captured, function: &str) {
    let calls = calls_by_result(captured, function);
    assert_eq!(calls.get("ok"), Some(&(963, 963.0)), "{calls:?}");
    assert_eq!(calls.get("error"), Some(&(37, 37.0)), "{calls:?}");
    assert_eq!(calls.len(), 2, "{calls:?}");
    for metric in captured.metrics() {
        if metric.name == "function.calls" && attribute(metric, "function") == Some(function) {
            let expected = match attribute(metric, "result") {
                Some("error") => Some("CardDeclined"),
                _ => None,
            };
            assert_eq!(attribute(metric, "error_type"), expected);
        }
    }
    let durations = durations(captured, function);
    assert_eq!(durations.len(), 1000);
    for duration in durations {
        assert_eq!(duration.r#type, MetricType::Distribution);
        assert_eq!(duration.unit, Some(Unit::Millisecond));
        assert!(duration.value >= 0.0 && duration.value.is_finite());
    }
}

#[test]
fn a_thousand_calls_give_963_ok_37_errors_and_1000_durations_at_any_sample_rate() {
    for rate in [0.0, 0.1, 1.0] {
        let ((), captured) = Capture::new()
            .configure(|c| c.traces_sample_rate(rate))
            .run(|| {
                for i in 0..1000 {
                    let _ = checkout(i);
                }
            });
        check_thousand_calls(&captured, "shop.checkout");
        if rate == 0.0 {
            assert!(
                captured.transactions().is_empty(),
                "nothing is traced at rate 0"
            );
        }
    }
}

#[test]
fn async_calls_are_counted_the_same() {
    for rate in [0.0, 1.0] {
        let ((), captured) = Capture::new()
            .configure(|c| c.traces_sample_rate(rate))
            .run_async(async {
                for i in 0..1000 {
                    let _ = checkout_async(i).await;
                }
            });
        check_thousand_calls(&captured, "shop.checkout_async");
    }
}

#[test]
fn objective_tags_the_metrics_and_is_listed() {
    let ((), captured) = Capture::new().run(|| {
        let _ = checkout(1);
        let _ = count(1);
    });
    let calls: Vec<_> = captured
        .metrics()
        .into_iter()
        .filter(|m| m.name == "function.calls")
        .collect();
    let of = |function| {
        calls
            .iter()
            .find(|m| attribute(m, "function") == Some(function))
            .unwrap_or_else(|| panic!("no calls of {function}"))
    };
    assert_eq!(
        attribute(of("shop.checkout"), "objective"),
        Some("checkout")
    );
    assert_eq!(attribute(of("shop.count"), "objective"), None);
    assert_eq!(attribute(of("shop.count"), "result"), Some("ok"));
    let duration = durations(&captured, "shop.checkout");
    assert_eq!(attribute(duration[0], "objective"), Some("checkout"));

    let objectives = registry::objectives();
    let checkout = objectives
        .iter()
        .find(|o| o.name == "checkout")
        .expect("the checkout objective");
    assert_eq!(checkout.function, "shop.checkout");
    assert_eq!(checkout.success_rate, Some(99.9));
    assert_eq!(checkout.latency_ms, Some(250.0));
    assert_eq!(checkout.percentile, Some(95.0));
    assert!(objectives.iter().all(|o| o.function != "shop.count"));
    let info = registry::functions()
        .into_iter()
        .find(|f| f.name == "shop.count")
        .expect("registered");
    assert!(info.metrics);
    assert_eq!(info.objective, None);
}

#[test]
fn a_panicking_call_is_an_error_of_type_panic() {
    #[monitored(name = "shop.explode", metrics)]
    fn explode() -> u32 {
        panic!("boom")
    }
    let ((), captured) = Capture::new().run(|| {
        let _ = std::panic::catch_unwind(explode);
    });
    let calls = calls_by_result(&captured, "shop.explode");
    assert_eq!(calls.get("error"), Some(&(1, 1.0)));
    let metric = captured
        .metrics()
        .into_iter()
        .find(|m| m.name == "function.calls")
        .expect("a counter");
    assert_eq!(attribute(metric, "error_type"), Some("panic"));
}
