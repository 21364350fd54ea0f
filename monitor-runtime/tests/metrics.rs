//! Metrics reach the transport as `trace_metric` items with their type, value, unit and
//! attributes, linked to the toolkit's span and scrubbed like everything else.

use std::time::Duration;

use monitor_runtime::metrics::{self, Unit, timing};
use monitor_runtime::monitored;
use monitor_runtime::sentry::protocol::{LogAttribute, Metric, MetricType};
use monitor_runtime::testing::{self, Captured};
use serde_json::Value;

fn metric<'a>(captured: &'a Captured, name: &str) -> &'a Metric {
    let all = captured.metrics();
    let names: Vec<_> = all.iter().map(|m| m.name.to_string()).collect();
    all.into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no metric {name:?} in {names:?}"))
}

fn attribute<'a>(metric: &'a Metric, key: &str) -> Option<&'a Value> {
    metric.attributes.get(key).map(|LogAttribute(v)| v)
}

#[test]
fn metrics_reach_the_transport_with_type_value_unit_and_attributes() {
    let ((), captured) = testing::capture(|| {
        metrics::increment("quiz.completed").tag("subject", "droit_civil");
        metrics::increment_by("import.rows", 120_usize);
        metrics::gauge("users.active", 1247).tag("region", "eu");
        metrics::distribution("upload.size", 2.5).unit(Unit::Megabyte);
        metrics::timing("quiz.duration", Duration::from_micros(145_200));
        metrics::gauge("queue.depth", 3)
            .unit("item")
            .tags([("queue", "emails"), ("priority", "high")])
            .send()
            .expect("valid metric");
    });

    let completed = metric(&captured, "quiz.completed");
    assert_eq!(completed.r#type, MetricType::Counter);
    assert_eq!(completed.value, 1.0);
    assert_eq!(completed.unit, None);
    assert_eq!(
        attribute(completed, "subject"),
        Some(&Value::from("droit_civil"))
    );
    assert_eq!(
        attribute(completed, "sentry.environment"),
        Some(&Value::from("development")),
        "the SDK's default attributes are kept"
    );

    assert_eq!(metric(&captured, "import.rows").value, 120.0);

    let users = metric(&captured, "users.active");
    assert_eq!(users.r#type, MetricType::Gauge);
    assert_eq!(users.value, 1247.0);
    assert_eq!(attribute(users, "region"), Some(&Value::from("eu")));

    let upload = metric(&captured, "upload.size");
    assert_eq!(upload.r#type, MetricType::Distribution);
    assert_eq!(upload.unit, Some(Unit::Megabyte));

    let duration = metric(&captured, "quiz.duration");
    assert_eq!(duration.r#type, MetricType::Distribution);
    assert_eq!(duration.unit, Some(Unit::Millisecond));
    assert!((duration.value - 145.2).abs() < 1e-9, "{}", duration.value);

    let depth = metric(&captured, "queue.depth");
    assert_eq!(depth.unit, Some(Unit::Other("item".into())));
    assert_eq!(attribute(depth, "priority"), Some(&Value::from("high")));

    let wire = captured.to_wire_text();
    assert!(wire.contains(r#""type":"trace_metric""#), "{wire}");
    assert_eq!(captured.metrics().len(), 6);
}

#[test]
fn invalid_metrics_never_reach_the_transport() {
    let ((), captured) = testing::capture(|| {
        assert!(metrics::increment("quiz completed").send().is_err());
        metrics::gauge("cpu", f64::NAN);
        metrics::increment("jobs").tag("sentry.release", "forged");
        metrics::increment("ok");
    });
    let names: Vec<_> = captured
        .metrics()
        .iter()
        .map(|m| m.name.to_string())
        .collect();
    assert_eq!(names, ["ok"]);
}

#[test]
fn a_secret_planted_in_a_tag_is_scrubbed() {
    let ((), captured) = testing::capture(|| {
        metrics::increment("db.connect")
            .tag("api_token", "tok_live_5ecret")
            .tag("dsn", "postgres://crm:hunter2@db.internal/crm")
            .tag("note", "retry with Bearer abc.def.ghi");
    });
    let wire = captured.to_wire_text();
    for secret in ["tok_live_5ecret", "hunter2", "abc.def.ghi"] {
        assert!(!wire.contains(secret), "{secret} reached the transport");
    }
    let connect = metric(&captured, "db.connect");
    assert_eq!(
        attribute(connect, "api_token"),
        Some(&Value::from("[Filtered]"))
    );
    assert_eq!(
        attribute(connect, "dsn"),
        Some(&Value::from("postgres://crm:[Filtered]@db.internal/crm"))
    );
}

#[monitored(name = "grade_quiz")]
fn grade_quiz() {
    score_answers();
}

#[monitored(name = "score_answers")]
fn score_answers() {
    metrics::increment("answers.scored");
}

#[test]
fn metrics_inside_monitored_calls_carry_the_innermost_span() {
    let ((), captured) = testing::capture(grade_quiz);
    let tx = captured.transaction("grade_quiz");
    let scored = metric(&captured, "answers.scored");
    assert_eq!(scored.trace_id.to_string(), tx.trace_id());
    assert_eq!(scored.span_id, Some(tx.span("score_answers").span_id));
}

#[test]
fn closures_and_futures_are_timed() {
    let (value, captured) = testing::Capture::new().workers(1).run_async(async {
        let sync = timing::measure("report.build", || {
            std::thread::sleep(Duration::from_millis(5));
            3
        });
        let fetched = timing::start("crm.fetch")
            .tag("source", "api")
            .measure_future(async {
                tokio::time::sleep(Duration::from_millis(10)).await;
                4
            })
            .await;
        // Cancelled: records nothing.
        let slow = timing::measure_future(
            "never.finishes",
            tokio::time::sleep(Duration::from_secs(10)),
        );
        let _ = tokio::time::timeout(Duration::from_millis(1), slow).await;
        sync + fetched
    });
    assert_eq!(value, 7);
    let build = metric(&captured, "report.build");
    assert!(build.value >= 5.0, "{}", build.value);
    assert_eq!(build.unit, Some(Unit::Millisecond));
    let fetch = metric(&captured, "crm.fetch");
    assert!(fetch.value >= 10.0, "{}", fetch.value);
    assert_eq!(attribute(fetch, "source"), Some(&Value::from("api")));
    assert!(
        captured
            .metrics()
            .iter()
            .all(|m| m.name != "never.finishes")
    );
}
