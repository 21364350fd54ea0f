//! One trace across services, in process: outgoing requests against a local HTTP server
//! (the `reqwest` middleware and the `tower` layer), their `http.client` spans and trace
//! headers, the dynamic sampling context in `baggage` and in envelope headers, continued
//! traces (HTTP and a queue hop through a plain `HashMap`), and strict continuation.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode, Uri};
use monitor_runtime::propagation::reqwest::TraceMiddleware;
use monitor_runtime::propagation::tower::{ContinueTraceLayer, HttpClientLayer};
use monitor_runtime::propagation::{self, PropagationContext};
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::testing::{Capture, Captured, SpanNode};
use monitor_runtime::{Config, monitored};
use reqwest_middleware::ClientWithMiddleware;
use serde_json::Value;

const DSN: &str = "https://pubkey@o17.ingest.sentry.io/42";
const UPSTREAM_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const UPSTREAM_SPAN: &str = "00f067aa0ba902b7";

/// The headers of every request the test server received.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<HeaderMap>>>);

impl Seen {
    fn all(&self) -> Vec<HeaderMap> {
        self.0.lock().unwrap().clone()
    }

    fn only(&self) -> HeaderMap {
        let all = self.all();
        assert_eq!(all.len(), 1, "expected one request");
        all.into_iter().next().unwrap()
    }
}

/// A server answering `/status/<code>` with that status and anything else with 200,
/// recording every request's headers. Returns its base URL.
async fn server(seen: Seen) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().fallback(move |uri: Uri, headers: HeaderMap| {
        let seen = seen.clone();
        async move {
            seen.0.lock().unwrap().push(headers);
            let status = uri
                .path()
                .strip_prefix("/status/")
                .and_then(|code| code.parse().ok())
                .and_then(|code| StatusCode::from_u16(code).ok())
                .unwrap_or(StatusCode::OK);
            (status, "ok")
        }
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn client() -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
        .with(TraceMiddleware::new())
        .build()
}

#[monitored(transaction, name = "checkout")]
async fn checkout(url: String) -> Option<u16> {
    fetch_order(url).await
}

#[monitored(name = "fetch_order")]
async fn fetch_order(url: String) -> Option<u16> {
    let response = client().get(url).send().await.ok()?;
    Some(response.status().as_u16())
}

fn production() -> Capture {
    Capture::with_config(
        Config::default()
            .dsn(DSN)
            .environment("production")
            .release("shop@1.2.3")
            .traces_sample_rate(1.0)
            .install_logging(false),
    )
}

/// Every entry of the dynamic sampling context a trace headed by `transaction` under
/// [`production`] carries.
fn production_head_dsc(trace_id: &str, transaction: &str) -> BTreeMap<String, String> {
    [
        ("trace_id", trace_id),
        ("public_key", "pubkey"),
        ("sample_rate", "1"),
        ("sampled", "true"),
        ("release", "shop@1.2.3"),
        ("environment", "production"),
        ("transaction", transaction),
        ("org_id", "17"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

/// The `sentry-` entries of a `baggage` value, and the others.
fn baggage(value: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let mut sentry = BTreeMap::new();
    let mut others = Vec::new();
    for member in value.split(',').map(str::trim) {
        match member.strip_prefix("sentry-") {
            Some(entry) => {
                let (key, value) = entry.split_once('=').unwrap();
                let value = percent_decode(value);
                sentry.insert(key.to_owned(), value);
            }
            None => others.push(member.to_owned()),
        }
    }
    (sentry, others)
}

fn percent_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&value[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
        .to_str()
        .unwrap()
}

fn as_json(entries: &BTreeMap<String, String>) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

fn http_span(captured: &Captured, transaction: &str) -> SpanNode {
    let tx = captured.transaction(transaction);
    let spans: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.op.as_deref() == Some("http.client"))
        .collect();
    assert_eq!(spans.len(), 1, "{}", tx.tree());
    spans.into_iter().next().unwrap()
}

#[test]
fn an_outgoing_request_carries_the_current_span_and_the_heads_dynamic_sampling_context() {
    let seen = Seen::default();
    let (port, captured) = production().run_async({
        let seen = seen.clone();
        async move {
            let base = server(seen).await;
            assert_eq!(checkout(format!("{base}/orders/7")).await, Some(200));
            base.rsplit(':').next().unwrap().parse::<u16>().unwrap()
        }
    });
    let tx = captured.transaction("checkout");
    let span = http_span(&captured, "checkout");
    let parent = tx.span("fetch_order");

    // The http.client span: child of the current span, with method, URL, address, status.
    assert_eq!(span.parent_span_id, Some(parent.span_id));
    assert_eq!(span.name, format!("GET http://127.0.0.1:{port}/orders/7"));
    assert_eq!(span.status, Some(SpanStatus::Ok));
    assert_eq!(span.data["http.request.method"], "GET");
    assert_eq!(
        span.data["url"],
        format!("http://127.0.0.1:{port}/orders/7")
    );
    assert_eq!(span.data["server.address"], "127.0.0.1");
    assert_eq!(span.data["server.port"], port);
    assert_eq!(span.data["http.response.status_code"], 200);

    // sentry-trace: this trace, the http.client span as the parent, sampled.
    let headers = seen.only();
    assert_eq!(
        header(&headers, "sentry-trace"),
        format!("{}-{}-1", tx.trace_id(), span.span_id)
    );
    assert!(
        headers.get("traceparent").is_none(),
        "traceparent is opt-in"
    );

    // baggage: the head's dynamic sampling context, every entry.
    let (dsc, others) = baggage(header(&headers, "baggage"));
    assert!(others.is_empty(), "{others:?}");
    let expected = production_head_dsc(&tx.trace_id(), "checkout");
    assert_eq!(dsc, expected);

    // The transaction's envelope carries the same context as its `trace` header.
    assert_eq!(captured.trace_header("checkout"), Some(as_json(&expected)));
}

#[test]
fn urls_outside_the_propagation_targets_get_no_trace_headers_but_a_span() {
    let seen = Seen::default();
    let ((), captured) = Capture::new()
        .configure(|c| c.trace_propagation_targets(["api.internal", "https://*.example.com"]))
        .run_async({
            let seen = seen.clone();
            async move {
                let base = server(seen).await;
                assert_eq!(checkout(format!("{base}/orders/7")).await, Some(200));
            }
        });
    let headers = seen.only();
    assert!(headers.get("sentry-trace").is_none(), "{headers:?}");
    assert!(headers.get("baggage").is_none(), "{headers:?}");
    assert_eq!(
        http_span(&captured, "checkout").status,
        Some(SpanStatus::Ok)
    );
}

#[test]
fn propagation_targets_from_the_environment_select_urls() {
    let env = monitor_runtime::config::MapEnv::new()
        .var("SENTRY_ENVIRONMENT", "development")
        .var("SENTRY_TRACE_PROPAGATION_TARGETS", "127.0.0.1;api.internal")
        .var("SENTRY_PROPAGATE_TRACEPARENT", "true");
    let config = Config::from_source(&env).unwrap().install_logging(false);
    let seen = Seen::default();
    let ((), captured) = Capture::with_config(config).run_async({
        let seen = seen.clone();
        async move {
            let base = server(seen).await;
            checkout(format!("{base}/a")).await;
        }
    });
    let headers = seen.only();
    let tx = captured.transaction("checkout");
    let span = http_span(&captured, "checkout");
    assert_eq!(
        header(&headers, "traceparent"),
        format!("00-{}-{}-01", tx.trace_id(), span.span_id)
    );
    assert!(headers.get("sentry-trace").is_some());
}

#[test]
fn credentials_and_secret_query_values_do_not_reach_the_span() {
    let seen = Seen::default();
    let (port, captured) = Capture::new().run_async({
        let seen = seen.clone();
        async move {
            let base = server(seen).await;
            let with_secrets = base.replacen("http://", "http://alice:hunter2@", 1)
                + "/login?token=s3cr3t&page=2#frag";
            assert_eq!(checkout(with_secrets).await, Some(200));
            base.rsplit(':').next().unwrap().parse::<u16>().unwrap()
        }
    });
    let span = http_span(&captured, "checkout");
    assert_eq!(span.name, format!("GET http://127.0.0.1:{port}/login"));
    let everything = serde_json::to_string(captured.transaction("checkout").raw()).unwrap();
    for secret in ["hunter2", "alice", "s3cr3t", "token", "page=2", "frag"] {
        assert!(
            !everything.contains(secret),
            "{secret} leaked: {everything}"
        );
    }
}

#[test]
fn a_request_that_fails_at_the_transport_level_is_an_http_client_span_with_an_error_status() {
    let ((), captured) = Capture::new().run_async(async {
        // A port nobody listens on: bind, note it, close.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        assert_eq!(checkout(format!("http://{addr}/down")).await, None);
    });
    let span = http_span(&captured, "checkout");
    assert_eq!(span.status, Some(SpanStatus::Unavailable), "{span:?}");
    assert!(!span.data.contains_key("http.response.status_code"));
}

#[test]
fn the_span_status_follows_the_response_status() {
    let ((), captured) = Capture::new().run_async(async {
        let base = server(Seen::default()).await;
        assert_eq!(checkout(format!("{base}/status/503")).await, Some(503));
    });
    let span = http_span(&captured, "checkout");
    assert_eq!(span.status, Some(SpanStatus::Unavailable));
    assert_eq!(span.data["http.response.status_code"], 503);
}

/// Under a plain client (`sentry::test`, no toolkit tracer) with an SDK transaction on
/// the scope, the request's span is an SDK span: the same description and data.
#[test]
fn under_a_plain_client_the_http_client_span_is_an_sdk_child_with_the_same_data() {
    use monitor_runtime::propagation::HttpClientSpan;
    use monitor_runtime::sentry::protocol::EnvelopeItem;
    use monitor_runtime::sentry::{self, ClientOptions, TransactionContext};

    let mut headers = HeaderMap::new();
    let envelopes = sentry::test::with_captured_envelopes_options(
        || {
            let tx =
                sentry::start_transaction(TransactionContext::new("GET /plain", "http.server"));
            sentry::configure_scope(|scope| scope.set_span(Some(tx.clone().into())));
            let span =
                HttpClientSpan::start("POST", "https://u:p@api.example.com:8443/v1/x?k=s3cr3t");
            assert!(span.is_recording());
            assert!(span.inject(&mut headers));
            span.finish(201);
            sentry::configure_scope(|scope| scope.set_span(None));
            tx.finish();
        },
        ClientOptions::new().traces_sample_rate(1.0),
    );
    let tx = envelopes
        .into_iter()
        .flat_map(|e| e.into_items())
        .find_map(|item| match item {
            EnvelopeItem::Transaction(tx) => Some(tx),
            _ => None,
        })
        .expect("the SDK transaction");
    assert_eq!(tx.spans.len(), 1);
    let span = &tx.spans[0];
    assert_eq!(span.op.as_deref(), Some("http.client"));
    assert_eq!(
        span.description.as_deref(),
        Some("POST https://api.example.com:8443/v1/x")
    );
    assert_eq!(span.data["http.request.method"], "POST");
    assert_eq!(span.data["url"], "https://api.example.com:8443/v1/x");
    assert_eq!(span.data["server.address"], "api.example.com");
    assert_eq!(span.data["server.port"], 8443);
    assert_eq!(span.data["http.response.status_code"], 201);
    assert_eq!(span.status, Some(SpanStatus::Ok));
    assert_eq!(
        header(&headers, "sentry-trace"),
        format!("{}-{}-1", tx.spans[0].trace_id, span.span_id)
    );
}

#[test]
fn an_unsampled_trace_propagates_its_decision_without_recording_a_span() {
    let seen = Seen::default();
    let ((), captured) = Capture::new()
        .configure(|c| c.traces_sample_rate(0.0))
        .run_async({
            let seen = seen.clone();
            async move {
                let base = server(seen).await;
                checkout(format!("{base}/a")).await;
            }
        });
    assert!(captured.transactions().is_empty());
    let headers = seen.only();
    assert!(header(&headers, "sentry-trace").ends_with("-0"));
    let (dsc, _) = baggage(header(&headers, "baggage"));
    assert_eq!(dsc["sampled"], "false");
    assert_eq!(dsc["sample_rate"], "0");
    assert_eq!(dsc["transaction"], "checkout");
}

#[test]
fn the_tower_layer_records_the_span_and_injects_the_headers() {
    use tower::{Service, ServiceBuilder, ServiceExt, service_fn};

    #[monitored(transaction, name = "tower_call")]
    async fn call(seen: Seen) -> u16 {
        let mut client = ServiceBuilder::new()
            .layer(HttpClientLayer::new())
            .service(service_fn(move |request: http::Request<String>| {
                let seen = seen.clone();
                async move {
                    seen.0.lock().unwrap().push(request.headers().clone());
                    let mut response = http::Response::new(String::new());
                    *response.status_mut() = http::StatusCode::NOT_FOUND;
                    Ok::<_, std::convert::Infallible>(response)
                }
            }));
        let request = http::Request::get("https://user:pw@svc.internal:8443/items/3?key=v")
            .body(String::new())
            .unwrap();
        let ready = client.ready().await.unwrap();
        ready.call(request).await.unwrap().status().as_u16()
    }

    let seen = Seen::default();
    let (status, captured) = Capture::new().run_async(call(seen.clone()));
    assert_eq!(status, 404);
    let tx = captured.transaction("tower_call");
    let span = http_span(&captured, "tower_call");
    assert_eq!(span.name, "GET https://svc.internal:8443/items/3");
    assert_eq!(span.parent_span_id, Some(tx.root().span_id));
    assert_eq!(span.status, Some(SpanStatus::NotFound));
    assert_eq!(span.data["server.address"], "svc.internal");
    let headers = seen.only();
    assert_eq!(
        header(&headers, "sentry-trace"),
        format!("{}-{}-1", tx.trace_id(), span.span_id)
    );
    let (dsc, _) = baggage(header(&headers, "baggage"));
    assert_eq!(dsc["transaction"], "tower_call");
}

fn upstream_headers(baggage: &str) -> HashMap<String, String> {
    HashMap::from([
        (
            "sentry-trace".to_owned(),
            format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}-1"),
        ),
        ("baggage".to_owned(), baggage.to_owned()),
    ])
}

const UPSTREAM_BAGGAGE: &str = "sentry-trace_id=4bf92f3577b34da6a3ce929d0e0e4736,\
     sentry-public_key=upstreamkey,sentry-sample_rate=0.25,sentry-sampled=true,\
     sentry-release=gateway%401.0.0,sentry-environment=staging,\
     sentry-transaction=GET%20%2Fapi%2Fv1%2Fdashboard,sentry-replay_id=r1, vendor=abc;ttl=1";

#[test]
fn a_continued_trace_forwards_the_frozen_context_and_other_baggage_intact() {
    let upstream = propagation::extract(&upstream_headers(UPSTREAM_BAGGAGE)).unwrap();
    let seen = Seen::default();
    let ((), captured) = production().run_async({
        let seen = seen.clone();
        async move {
            let base = server(seen).await;
            upstream
                .instrument(async {
                    checkout(format!("{base}/orders/7")).await;
                    assert!(failing_step().is_err());
                })
                .await;
        }
    });
    let tx = captured.transaction("checkout");
    assert_eq!(tx.trace_id(), UPSTREAM_TRACE);
    assert_eq!(
        tx.root().parent_span_id.map(|id| id.to_string()),
        Some(UPSTREAM_SPAN.to_owned())
    );

    let headers = seen.only();
    let span = http_span(&captured, "checkout");
    assert_eq!(
        header(&headers, "sentry-trace"),
        format!("{UPSTREAM_TRACE}-{}-1", span.span_id)
    );
    let (forwarded, others) = baggage(header(&headers, "baggage"));
    let (incoming, _) = baggage(UPSTREAM_BAGGAGE);
    assert_eq!(
        forwarded, incoming,
        "the upstream context is forwarded unchanged"
    );
    assert_eq!(others, ["vendor=abc;ttl=1"]);

    // The envelope header is the upstream's context (the SDK's header type has no
    // `replay_id`), on the transaction and on the error event of the trace alike.
    let mut expected = as_json(&incoming);
    expected.as_object_mut().unwrap().remove("replay_id");
    assert_eq!(captured.trace_header("checkout"), Some(expected.clone()));
    let event_envelope = captured
        .envelopes()
        .iter()
        .find(|e| e.event().is_some())
        .expect("the error event");
    let headers = serde_json::to_value(event_envelope.headers()).unwrap();
    assert_eq!(headers["trace"], expected);
}

#[monitored(transaction, name = "failing_step")]
#[monitor_runtime::capture_errors]
fn failing_step() -> Result<(), std::io::Error> {
    Err(std::io::Error::other("payment provider down"))
}

#[test]
fn an_unsampled_upstream_decision_is_honoured() {
    let mut headers = upstream_headers("sentry-sampled=false,sentry-sample_rate=0.5");
    headers.insert(
        "sentry-trace".into(),
        format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}-0"),
    );
    let upstream = propagation::extract(&headers).unwrap();
    let seen = Seen::default();
    let ((), captured) = Capture::new().run_async({
        let seen = seen.clone();
        async move {
            let base = server(seen).await;
            upstream.instrument(checkout(format!("{base}/a"))).await;
        }
    });
    assert!(
        captured.transactions().is_empty(),
        "rate 1.0 here, but upstream said no"
    );
    let forwarded = seen.only();
    assert!(header(&forwarded, "sentry-trace").starts_with(UPSTREAM_TRACE));
    assert!(header(&forwarded, "sentry-trace").ends_with("-0"));
}

#[monitored(transaction, name = "publish", op = "queue.publish")]
fn publish(queue: &mut Vec<(HashMap<String, String>, u64)>, order: u64) {
    let mut headers = HashMap::new();
    assert!(propagation::inject(&mut headers));
    queue.push((headers, order));
}

#[monitored(transaction, name = "consume", op = "queue.process")]
fn consume(order: u64) -> u64 {
    order * 2
}

#[monitored(name = "consume_auto", op = "queue.process")]
fn consume_auto(order: u64) -> u64 {
    order + 1
}

#[test]
fn a_queue_hop_through_a_hashmap_joins_the_producers_trace() {
    let (results, captured) = production().run(|| {
        let mut queue = Vec::new();
        publish(&mut queue, 21);
        let (headers, order) = queue.pop().unwrap();
        let upstream = propagation::extract(&headers).expect("trace headers in the message");
        (
            upstream.continue_with(|| consume(order)),
            upstream.continue_with(|| consume_auto(order)),
        )
    });
    assert_eq!(results, (42, 22));
    let producer = captured.transaction("publish");
    for name in ["consume", "consume_auto"] {
        let consumer = captured.transaction(name);
        assert_eq!(consumer.trace_id(), producer.trace_id(), "{name}");
        assert_eq!(
            consumer.root().parent_span_id,
            Some(producer.root().span_id),
            "{name}"
        );
        assert_eq!(
            captured.trace_header(name),
            captured.trace_header("publish"),
            "{name}: one trace, one dynamic sampling context"
        );
    }
    let dsc = captured.trace_header("publish").unwrap();
    assert_eq!(dsc["transaction"], "publish");
    assert_eq!(dsc["public_key"], "pubkey");
}

#[test]
fn a_queue_hop_with_a_vec_of_pairs_and_a_consumer_inside_another_span() {
    let ((), captured) = Capture::new().run(|| {
        let mut headers: Vec<(String, String)> = Vec::new();
        monitor_runtime::PerformanceMonitor::start_transaction("producer").in_scope(|| {
            propagation::inject(&mut headers);
        });
        let upstream = propagation::extract(&headers).unwrap();
        // The consumer loop runs inside its own transaction: the message's trace wins.
        monitor_runtime::PerformanceMonitor::start_transaction("poll loop").in_scope(|| {
            upstream.continue_with(|| consume(1));
        });
    });
    assert_eq!(
        captured.transaction("consume").trace_id(),
        captured.transaction("producer").trace_id()
    );
    assert_ne!(
        captured.transaction("poll loop").trace_id(),
        captured.transaction("producer").trace_id()
    );
}

fn strict(org: u64) -> Capture {
    Capture::new().configure(|c| c.org_id(org).strict_trace_continuation(true))
}

fn continued_trace(capture: Capture, baggage: &str) -> String {
    let upstream: PropagationContext = propagation::extract(&upstream_headers(baggage)).unwrap();
    let (_, captured) = capture.run(|| upstream.continue_with(|| consume(1)));
    captured.transaction("consume").trace_id()
}

#[test]
fn strict_trace_continuation_refuses_traces_of_other_organisations() {
    // Same organisation: continued.
    assert_eq!(
        continued_trace(strict(17), "sentry-org_id=17"),
        UPSTREAM_TRACE
    );
    // Another organisation: a new trace, strict or not.
    assert_ne!(
        continued_trace(strict(17), "sentry-org_id=99"),
        UPSTREAM_TRACE
    );
    assert_ne!(
        continued_trace(
            Capture::new().configure(|c| c.org_id(17)),
            "sentry-org_id=99"
        ),
        UPSTREAM_TRACE
    );
    // No organisation upstream: refused only when strict.
    assert_ne!(continued_trace(strict(17), "vendor=1"), UPSTREAM_TRACE);
    assert_eq!(
        continued_trace(Capture::new().configure(|c| c.org_id(17)), "vendor=1"),
        UPSTREAM_TRACE
    );
}

#[test]
fn strict_continuation_applies_to_the_sdks_own_continuation_too() {
    use monitor_runtime::sentry::{self, TransactionContext};

    let headers = upstream_headers("sentry-org_id=99");
    let (trace, _) = strict(17).run(|| {
        let pairs = headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let ctx = TransactionContext::continue_from_headers("GET /sdk", "http.server", pairs);
        let transaction = sentry::start_transaction(ctx);
        let trace = transaction.get_trace_context().trace_id.to_string();
        transaction.finish();
        trace
    });
    assert_ne!(
        trace, UPSTREAM_TRACE,
        "sentry-tower's continuation obeys the same rule"
    );
}

#[test]
fn behind_sentry_tower_the_request_transaction_keeps_the_callers_context() {
    use axum::body::Body;
    use axum::routing::get;
    use monitor_runtime::sentry::Hub;
    use sentry_tower::{SentryHttpLayer, SentryLayer};

    #[monitored(op = "http.handler")]
    async fn work() -> &'static str {
        "done"
    }

    let seen = Seen::default();
    let ((), captured) = production().run_async({
        let seen = seen.clone();
        async move {
            let downstream = server(seen).await;
            let hub = Hub::current();
            let app = Router::new()
                .route(
                    "/work",
                    get(move || {
                        let downstream = downstream.clone();
                        async move {
                            let _ = client().get(format!("{downstream}/next")).send().await;
                            work().await
                        }
                    }),
                )
                .layer(ContinueTraceLayer::new())
                .layer(SentryHttpLayer::new().enable_transaction())
                .layer(SentryLayer::<_, _, http::Request<Body>>::new(
                    move |_: &http::Request<Body>| Arc::new(Hub::new_from_top(&hub)),
                ));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move { axum::serve(listener, app).await });
            let response = reqwest::Client::new()
                .get(format!("http://{addr}/work"))
                .header(
                    "sentry-trace",
                    format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}-1"),
                )
                .header("baggage", UPSTREAM_BAGGAGE)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
    });
    let tx = captured.transaction("GET /work");
    assert_eq!(tx.trace_id(), UPSTREAM_TRACE);
    assert!(
        tx.spans()
            .iter()
            .any(|s| s.op.as_deref() == Some("http.handler")),
        "{}",
        tx.tree()
    );
    let (incoming, _) = baggage(UPSTREAM_BAGGAGE);
    let mut expected = as_json(&incoming);
    expected.as_object_mut().unwrap().remove("replay_id");
    assert_eq!(captured.trace_header("GET /work"), Some(expected));
    let (forwarded, others) = baggage(header(&seen.only(), "baggage"));
    assert_eq!(forwarded, incoming);
    assert_eq!(others, ["vendor=abc;ttl=1"]);
}

#[test]
fn without_a_request_transaction_the_handler_continues_the_trace() {
    use axum::body::Body;
    use axum::routing::get;
    use monitor_runtime::sentry::Hub;
    use sentry_tower::SentryLayer;

    #[monitored(op = "http.server", name = "GET /solo")]
    async fn solo() -> &'static str {
        "solo"
    }

    let ((), captured) = Capture::new().run_async(async {
        // sentry-tower's hub layer only (a hub per request, forked from the capture's), no
        // request transaction.
        let hub = Hub::current();
        let app = Router::new()
            .route("/solo", get(solo))
            .layer(ContinueTraceLayer::new())
            .layer(SentryLayer::<_, _, http::Request<Body>>::new(
                move |_: &http::Request<Body>| Arc::new(Hub::new_from_top(&hub)),
            ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        reqwest::Client::new()
            .get(format!("http://{addr}/solo"))
            .header("sentry-trace", format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}"))
            .send()
            .await
            .unwrap();
    });
    let tx = captured.transaction("GET /solo");
    assert_eq!(tx.trace_id(), UPSTREAM_TRACE);
    assert_eq!(
        tx.root().parent_span_id.map(|id| id.to_string()),
        Some(UPSTREAM_SPAN.to_owned())
    );
}

/// Headers as `span::trace_headers()` gives them, for comparison with `inject`'s.
fn owned(headers: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

#[test]
fn the_span_helpers_give_the_headers_inject_gives() {
    use monitor_runtime::PerformanceMonitor;
    use monitor_runtime::span;

    let capture = production().configure(|config| config.propagate_traceparent(true));
    let (seen, captured) = capture.run(|| {
        let job = PerformanceMonitor::start_transaction("job");
        job.in_scope(|| {
            let step = PerformanceMonitor::start("step");
            // Not entered: the helpers of `step` name it as the parent all the same.
            let step_headers = (
                owned(step.trace_headers()),
                owned(step.handle().unwrap().trace_headers()),
                step.handle().unwrap().span_id(),
            );
            let mut injected: Vec<(String, String)> = Vec::new();
            assert!(propagation::inject(&mut injected));
            let current = (
                injected,
                owned(span::trace_headers()),
                owned(span::current_span().unwrap().trace_headers()),
                owned(job.trace_headers()),
            );
            step.finish();
            (step_headers, current)
        })
    });
    let ((step_monitor, step_handle, step_id), (injected, free, handle, monitor)) = seen;
    let tx = captured.transaction("job");

    // One implementation: the same three headers from every helper.
    let names: Vec<_> = injected.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["sentry-trace", "baggage", "traceparent"]);
    assert_eq!(free, injected);
    assert_eq!(handle, injected);
    assert_eq!(monitor, injected);
    assert_eq!(
        injected[0].1,
        format!("{}-{}-1", tx.trace_id(), tx.root().span_id)
    );
    let (dsc, others) = baggage(&injected[1].1);
    assert!(others.is_empty(), "{others:?}");
    let expected = production_head_dsc(&tx.trace_id(), "job");
    assert_eq!(dsc, expected);
    assert_eq!(captured.trace_header("job"), Some(as_json(&expected)));
    assert_eq!(
        injected[2].1,
        format!("00-{}-{}-01", tx.trace_id(), tx.root().span_id)
    );

    // A handle on another span: that span is the parent, the trace's context the same.
    assert_eq!(step_monitor, step_handle);
    assert_eq!(step_handle[0].1, format!("{}-{step_id}-1", tx.trace_id()));
    assert_eq!(step_handle[1], injected[1]);
    assert_eq!(tx.span("step").span_id.to_string(), step_id.to_string());
}

#[test]
fn in_a_continued_trace_the_span_helpers_forward_the_upstream_context() {
    use monitor_runtime::span;

    let upstream = propagation::extract(&upstream_headers(UPSTREAM_BAGGAGE)).unwrap();
    let (headers, _captured) = production().run(|| {
        upstream.continue_with(|| {
            // No span started yet: the caller's span is the parent.
            let before = owned(span::trace_headers());
            let inside = consume_with_headers();
            (before, inside)
        })
    });
    let (before, inside) = headers;
    assert_eq!(before[0].1, format!("{UPSTREAM_TRACE}-{UPSTREAM_SPAN}-1"));
    let (incoming, _) = baggage(UPSTREAM_BAGGAGE);
    for headers in [&before, &inside] {
        let (forwarded, others) = baggage(&headers[1].1);
        assert_eq!(forwarded, incoming, "the frozen upstream context");
        assert_eq!(others, ["vendor=abc;ttl=1"]);
    }
    assert!(inside[0].1.starts_with(UPSTREAM_TRACE), "{inside:?}");
}

#[monitored(transaction, name = "consume_with_headers")]
fn consume_with_headers() -> Vec<(String, String)> {
    owned(monitor_runtime::span::trace_headers())
}

#[monitored(transaction, name = "spawned_consumer", op = "queue.process")]
async fn spawned_consumer(order: u64) -> u64 {
    order * 3
}

#[test]
fn tasks_spawned_in_a_continued_trace_continue_it() {
    let upstream = propagation::extract(&upstream_headers(UPSTREAM_BAGGAGE)).unwrap();
    let ((from_closure, from_future), captured) = production().run_async(async move {
        // Spawned inside `continue_with`, awaited outside it.
        let handle = upstream.continue_with(|| monitor_runtime::spawn(spawned_consumer(1)));
        let from_closure = handle.await.unwrap();
        // Spawned from a future polled by `instrument`, before any span started there.
        let from_future = upstream
            .clone()
            .instrument(async { monitor_runtime::spawn(spawned_consumer(2)).await.unwrap() })
            .await;
        (from_closure, from_future)
    });
    assert_eq!((from_closure, from_future), (3, 6));
    let consumers: Vec<_> = captured
        .transactions()
        .into_iter()
        .filter(|tx| tx.name() == "spawned_consumer")
        .collect();
    assert_eq!(consumers.len(), 2);
    for tx in consumers {
        assert_eq!(tx.trace_id(), UPSTREAM_TRACE);
        assert_eq!(
            tx.root().parent_span_id.map(|id| id.to_string()),
            Some(UPSTREAM_SPAN.to_owned()),
            "the caller's span is the spawned transaction's parent"
        );
    }
    let (mut incoming, _) = baggage(UPSTREAM_BAGGAGE);
    incoming.remove("replay_id");
    assert_eq!(
        captured.trace_header("spawned_consumer"),
        Some(as_json(&incoming)),
        "the upstream's dynamic sampling context in the envelope header"
    );
}
