//! Tail sampling on the web service (issue 14's acceptance): at a traces rate of 0 with
//! `SENTRY_TAIL_SAMPLING=errors`, 1,000 requests of which 10 fail with a 500 send exactly
//! the 10 failed requests' transactions, with their whole span trees, and their error
//! events share those transactions' traces.

mod common;

use axum::http::StatusCode;
use common::*;
use monitor_runtime::sampling::TailSampling;
use monitor_runtime::sentry::protocol::Context;
use monitor_runtime::testing::Capture;

const REQUESTS: usize = 1_000;

#[test]
fn at_rate_zero_only_the_failed_requests_traces_are_sent_whole() {
    let capture = Capture::new().configure(|config| {
        config
            .traces_sample_rate(0.0)
            .tail_sampling(TailSampling::errors())
    });
    let (statuses, captured) = capture.run_async(async {
        let app = TestApp::new().await;
        let mut statuses = Vec::with_capacity(REQUESTS);
        for n in 0..REQUESTS {
            let (status, _) = if n % 100 == 42 {
                app.get(
                    &format!("/api/v1/organisations/{EMPTY_ORG}/stats"),
                    Some(USER),
                )
                .await
            } else {
                app.get("/api/v1/organisations/1/stats", Some(ADMIN)).await
            };
            statuses.push(status);
        }
        statuses
    });
    let failed = statuses
        .iter()
        .filter(|s| **s == StatusCode::INTERNAL_SERVER_ERROR)
        .count();
    assert_eq!(failed, 10);
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        990
    );

    let transactions = captured.transactions();
    assert_eq!(
        transactions.len(),
        10,
        "the failed requests' transactions, nothing else"
    );
    let events = error_events(&captured);
    assert_eq!(events.len(), 10);
    for (tx, event) in transactions.iter().zip(&events) {
        assert_eq!(tx.name(), STATS_ROUTE);
        assert_eq!(tx.tree(), STATS_500_TREE,);
        let raw = tx.raw();
        assert_eq!(raw.tags.get("sampling").map(String::as_str), Some("tail"));
        assert_eq!(
            raw.tags.get("sampling.reason").map(String::as_str),
            Some("error")
        );
        let Some(Context::Trace(trace)) = event.contexts.get("trace") else {
            panic!("no trace context on the error event");
        };
        assert_eq!(trace.trace_id.to_string(), tx.trace_id());
    }
}
