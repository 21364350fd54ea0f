//! End-to-end tests: a real `sentry::Client` on our transport, against real TCP servers on
//! 127.0.0.1 that refuse, hang, fail or rate-limit.
//!
//! Arithmetic of the fault tests: counting is per envelope and each `capture_message` produces
//! exactly one envelope (client reports are never sent on their own: the SDK attaches them as an
//! extra item to the next envelope). So after `close`, `sent + Σ dropped == number of captures`
//! exactly, with no allowance for client-report envelopes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sentry::protocol::{Event, Transaction};
use sentry::{Client, ClientOptions, Hub, Level};

use super::*;

const CAPTURES: u64 = 1000;
/// Generous: this measures "never blocks on the network", not speed (debug build, 2 cores).
const CAPTURE_BUDGET: Duration = Duration::from_secs(2);
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(1);
const SHUTDOWN_SLACK: Duration = Duration::from_secs(1);

#[derive(Clone)]
enum Reply {
    Status(u16, Vec<(&'static str, &'static str)>),
    /// Read the request, never answer, keep the connection open.
    Hang,
    /// 429 with a one-minute error rate limit for requests carrying an error event, 200 for
    /// the others.
    LimitErrors,
    /// 200 after this long.
    Delay(Duration),
}

/// What a [`FakeServer`] saw of its connections.
#[derive(Default)]
struct Connections {
    accepted: AtomicUsize,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

#[derive(Debug, Clone)]
struct Recorded {
    path: String,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

impl Recorded {
    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal HTTP/1.1 server: the n-th request gets `script[n]` (the last entry repeats).
struct FakeServer {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    connections: Arc<Connections>,
}

impl FakeServer {
    fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let script = Arc::new(script);
        let counter = Arc::new(AtomicUsize::new(0));
        let connections = Arc::new(Connections::default());
        let seen_connections = Arc::clone(&connections);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                seen_connections.accepted.fetch_add(1, Ordering::SeqCst);
                let (seen, script, counter, connections) = (
                    Arc::clone(&seen),
                    Arc::clone(&script),
                    Arc::clone(&counter),
                    Arc::clone(&seen_connections),
                );
                std::thread::spawn(move || serve(stream, &script, &counter, &seen, &connections));
            }
        });
        Self {
            port,
            requests,
            connections,
        }
    }

    fn ok() -> Self {
        Self::start(vec![Reply::Status(200, vec![])])
    }

    fn dsn(&self) -> String {
        format!("http://public@127.0.0.1:{}/1", self.port)
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    script: &[Reply],
    counter: &AtomicUsize,
    seen: &Mutex<Vec<Recorded>>,
    connections: &Connections,
) {
    let mut writer = stream.try_clone().unwrap();
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let path = request_line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        let length = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        seen.lock().unwrap().push(Recorded {
            path,
            headers,
            body,
        });
        let index = counter.fetch_add(1, Ordering::SeqCst);
        let in_flight = connections.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        connections
            .max_in_flight
            .fetch_max(in_flight, Ordering::SeqCst);
        let reply = match script.get(index).or(script.last()).unwrap() {
            Reply::Delay(delay) => {
                std::thread::sleep(*delay);
                Reply::Status(200, vec![])
            }
            Reply::LimitErrors => {
                let carries_event =
                    String::from_utf8_lossy(&seen.lock().unwrap().last().unwrap().body)
                        .contains(r#""type":"event""#);
                if carries_event {
                    Reply::Status(429, vec![("X-Sentry-Rate-Limits", "60:error:organization")])
                } else {
                    Reply::Status(200, vec![])
                }
            }
            other => other.clone(),
        };
        match &reply {
            Reply::Hang => {
                // Hold the connection until the client gives up on it.
                let mut scratch = [0; 1024];
                while reader.read(&mut scratch).unwrap_or(0) > 0 {}
                return;
            }
            Reply::LimitErrors | Reply::Delay(_) => unreachable!("resolved above"),
            Reply::Status(status, extra) => {
                let mut response = format!("HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\n");
                for (name, value) in extra {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                let written = writer.write_all(response.as_bytes());
                connections.in_flight.fetch_sub(1, Ordering::SeqCst);
                if written.is_err() {
                    return;
                }
            }
        }
    }
}

/// A port on which nothing listens: bound, then released.
fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Small queues, so that 1,000 captures overflow them (the default holds a whole burst).
const QUEUE_CAPACITY: usize = 100;

fn remote(dsn: &str) -> TransportSettings {
    TransportSettings {
        remote: Some(RemoteSettings::new(dsn.parse().unwrap())),
        queue_capacity: QUEUE_CAPACITY,
        ..Default::default()
    }
}

/// Local-mode clients still need *a* DSN for the SDK to enable them; nothing is sent there.
const PLACEHOLDER_DSN: &str = "http://local@127.0.0.1:9/0";

fn client(dsn: &str, settings: TransportSettings, stats: &Arc<TransportStats>) -> Arc<Client> {
    client_with_hook(dsn, settings, None, stats)
}

fn client_with_hook(
    dsn: &str,
    settings: TransportSettings,
    hook: Option<EnvelopeHook>,
    stats: &Arc<TransportStats>,
) -> Arc<Client> {
    let factory = TransportFactory::new(settings, hook, Arc::clone(stats));
    Arc::new(Client::from(
        ClientOptions::new()
            .dsn(dsn)
            .traces_sample_rate(1.0)
            .transport(factory),
    ))
}

/// Captures `count` messages through a hub bound to `client`; returns how long that took.
fn capture_messages(client: &Arc<Client>, count: u64) -> Duration {
    let hub = Arc::new(Hub::new(Some(Arc::clone(client)), Default::default()));
    let start = Instant::now();
    Hub::run(hub, || {
        for i in 0..count {
            sentry::capture_message(&format!("message {i}"), Level::Error);
        }
    });
    start.elapsed()
}

/// Captures 1,000 messages and closes the client like the init guard would; checks the
/// timing guarantees and returns the remote destination's counters.
fn thousand_then_close(
    client: &Arc<Client>,
    stats: &TransportStats,
) -> (DestinationSnapshot, bool) {
    let took = capture_messages(client, CAPTURES);
    assert!(took < CAPTURE_BUDGET, "1000 captures took {took:?}");
    let start = Instant::now();
    let drained = client.close(Some(SHUTDOWN_TIMEOUT));
    let took = start.elapsed();
    assert!(
        took < SHUTDOWN_TIMEOUT + SHUTDOWN_SLACK,
        "close took {took:?}"
    );
    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").unwrap().clone();
    assert_eq!(remote.sent, 0, "{remote:?}");
    assert_eq!(remote.total_dropped(), CAPTURES, "{remote:?}");
    (remote, drained)
}

fn only_reasons(snapshot: &DestinationSnapshot, allowed: &[&str]) {
    for reason in snapshot.dropped.keys() {
        assert!(
            allowed.contains(&reason.as_str()),
            "unexpected reason {reason} in {snapshot:?}"
        );
    }
}

#[test]
fn connection_refused_drops_everything_quickly_as_network_errors() {
    let dsn = format!("http://public@127.0.0.1:{}/1", dead_port());
    let stats = Arc::new(TransportStats::default());
    let client = client(&dsn, remote(&dsn), &stats);
    let (remote, _) = thousand_then_close(&client, &stats);
    only_reasons(&remote, &["network_error", "queue_full", "shutdown"]);
    assert!(remote.dropped_count("network_error") >= 1, "{remote:?}");
    let error = remote.last_error.unwrap();
    assert!(error.contains("connect"), "{error}");
    assert!(!error.contains("public"), "DSN key leaked: {error}");
}

#[test]
fn hung_server_never_blocks_capture_flush_or_close() {
    let server = FakeServer::start(vec![Reply::Hang]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);

    let took = capture_messages(&client, CAPTURES);
    assert!(took < CAPTURE_BUDGET, "1000 captures took {took:?}");
    // The stock transport hangs here once its queue is full.
    let start = Instant::now();
    assert!(!client.flush(Some(Duration::from_millis(300))));
    let took = start.elapsed();
    assert!(
        (Duration::from_millis(290)..Duration::from_millis(800)).contains(&took),
        "flush took {took:?}"
    );

    let start = Instant::now();
    assert!(!client.close(Some(SHUTDOWN_TIMEOUT)));
    let took = start.elapsed();
    assert!(
        took >= SHUTDOWN_TIMEOUT - Duration::from_millis(10)
            && took < SHUTDOWN_TIMEOUT + SHUTDOWN_SLACK,
        "close took {took:?}"
    );
    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").unwrap();
    assert_eq!(remote.sent, 0);
    assert_eq!(remote.total_dropped(), CAPTURES, "{remote:?}");
    only_reasons(remote, &["queue_full", "shutdown"]);
    // Everything accepted (a full queue, plus the ones in flight if the threads had started
    // by the time the queue filled up) was still there at the deadline.
    let capacity = QUEUE_CAPACITY as u64;
    let in_flight = DEFAULT_REMOTE_CONCURRENCY as u64;
    assert!(
        (capacity..=capacity + in_flight).contains(&remote.dropped_count("shutdown")),
        "{remote:?}"
    );
    assert_eq!(
        remote.last_error.as_deref(),
        Some("a delivery was still in progress at the shutdown deadline")
    );
    assert!(!server.requests().is_empty());
}

#[test]
fn server_errors_are_counted_as_send_errors() {
    let server = FakeServer::start(vec![Reply::Status(500, vec![])]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    let (remote, _) = thousand_then_close(&client, &stats);
    only_reasons(&remote, &["send_error", "queue_full", "shutdown"]);
    assert!(remote.dropped_count("send_error") >= 1, "{remote:?}");
    assert_eq!(
        remote.last_error.as_deref(),
        Some("HTTP 500 Internal Server Error")
    );
    assert_eq!(
        server.requests().len() as u64,
        remote.dropped_count("send_error")
    );
}

#[test]
fn global_rate_limit_stops_requests_after_the_first_429() {
    let server = FakeServer::start(vec![Reply::Status(
        429,
        vec![("X-Sentry-Rate-Limits", "60::organization")],
    )]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    let (remote, _) = thousand_then_close(&client, &stats);
    only_reasons(&remote, &["rate_limited", "queue_full"]);
    assert!(remote.dropped_count("rate_limited") >= 1, "{remote:?}");
    // Only the envelopes that met the 429 went out (one per connection in flight before the
    // first answer); the rest were dropped without a request.
    let requests = server.requests().len();
    assert!(
        (1..=DEFAULT_REMOTE_CONCURRENCY).contains(&requests),
        "{requests} requests"
    );
}

#[test]
fn error_rate_limit_blocks_errors_but_not_transactions() {
    let server = FakeServer::start(vec![Reply::LimitErrors]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);

    let took = capture_messages(&client, CAPTURES);
    assert!(took < CAPTURE_BUDGET, "1000 captures took {took:?}");
    assert!(client.flush(Some(Duration::from_secs(5))));
    // One more error after the limit is known for sure: dropped without a request, and
    // recorded for the next client report.
    capture_messages(&client, 1);
    assert!(client.flush(Some(Duration::from_secs(5))));
    let requests_before = server.requests().len();

    client.send_envelope(
        Transaction {
            name: Some("checkout".into()),
            timestamp: Some(std::time::SystemTime::now()),
            ..Default::default()
        }
        .into(),
    );
    let start = Instant::now();
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));
    assert!(start.elapsed() < SHUTDOWN_TIMEOUT + SHUTDOWN_SLACK);

    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").unwrap();
    assert_eq!(
        remote.sent, 1,
        "only the transaction is delivered: {remote:?}"
    );
    assert_eq!(remote.total_dropped(), CAPTURES + 1, "{remote:?}");
    only_reasons(remote, &["rate_limited", "queue_full"]);

    let requests = server.requests();
    let last = requests.last().unwrap();
    assert_eq!(requests.len(), requests_before + 1);
    let body = last.body_text();
    assert!(body.contains(r#""type":"transaction""#), "{body}");
    // Sentry learns about the errors we held back.
    assert!(body.contains(r#""type":"client_report""#), "{body}");
    assert!(body.contains("ratelimit_backoff"), "{body}");
    // Only the requests already in flight when the first 429 arrived carried error events.
    let with_events = requests
        .iter()
        .filter(|request| request.body_text().contains(r#""type":"event""#))
        .count();
    assert!(
        (1..=DEFAULT_REMOTE_CONCURRENCY).contains(&with_events),
        "{with_events} requests carried events"
    );
}

#[test]
fn healthy_server_receives_every_envelope_with_auth_and_content_type() {
    let server = FakeServer::ok();
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    capture_messages(&client, 20);
    assert!(client.flush(Some(Duration::from_secs(5))));
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));

    let snapshot = stats.snapshot();
    assert_eq!(snapshot.get("remote").unwrap().sent, 20, "{snapshot:?}");
    assert_eq!(snapshot.total_dropped(), 0);
    let requests = server.requests();
    assert_eq!(requests.len(), 20);
    for request in &requests {
        assert_eq!(request.path, "/api/1/envelope/");
        assert_eq!(
            request.headers.get("content-type").map(String::as_str),
            Some("application/x-sentry-envelope")
        );
        let auth = &request.headers["x-sentry-auth"];
        assert!(auth.starts_with("Sentry "), "{auth}");
        assert!(auth.contains("sentry_key=public"), "{auth}");
        assert!(auth.contains("sentry_client=sentry.rust/"), "{auth}");
        let agent = &request.headers["user-agent"];
        assert!(
            agent.starts_with(concat!(
                "monitor-toolkit/",
                env!("CARGO_PKG_VERSION"),
                " sentry.rust/"
            )),
            "{agent}"
        );
        let envelope = Envelope::from_slice(&request.body).unwrap();
        assert!(
            envelope
                .event()
                .and_then(|e| e.message.as_deref())
                .is_some_and(|m| m.starts_with("message "))
        );
    }
}

#[test]
fn several_requests_are_in_flight_over_kept_alive_connections() {
    let server = FakeServer::start(vec![Reply::Delay(Duration::from_millis(150))]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    capture_messages(&client, 40);
    assert!(client.flush(Some(Duration::from_secs(30))));
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));

    assert_eq!(stats.snapshot().get("remote").unwrap().sent, 40);
    let max_in_flight = server.connections.max_in_flight.load(Ordering::SeqCst);
    assert!(
        (2..=DEFAULT_REMOTE_CONCURRENCY).contains(&max_in_flight),
        "{max_in_flight} requests were in flight at most"
    );
    // One kept-alive connection per request in flight, reused for all 40 requests.
    let accepted = server.connections.accepted.load(Ordering::SeqCst);
    assert!(
        (1..=DEFAULT_REMOTE_CONCURRENCY).contains(&accepted),
        "{accepted} connections for 40 requests"
    );
}

#[test]
fn a_recovery_shows_as_a_success_after_the_last_error() {
    let server = FakeServer::start(vec![Reply::Status(503, vec![]), Reply::Status(200, vec![])]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    capture_messages(&client, 1);
    assert!(client.flush(Some(Duration::from_secs(5))));
    let failed = stats.snapshot().get("remote").unwrap().clone();
    assert_eq!(
        failed.last_error.as_deref(),
        Some("HTTP 503 Service Unavailable")
    );
    assert!(
        failed.last_error_at.is_some() && failed.last_success_at.is_none(),
        "{failed:?}"
    );

    std::thread::sleep(Duration::from_millis(5));
    capture_messages(&client, 1);
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));
    let recovered = stats.snapshot().get("remote").unwrap().clone();
    // The error stays for the record, with its time; the later success shows the recovery.
    assert_eq!(recovered.last_error, failed.last_error);
    assert_eq!(recovered.last_error_at, failed.last_error_at);
    let (error_at, success_at) = (
        recovered.last_error_at.unwrap(),
        recovered.last_success_at.expect("a success"),
    );
    assert!(success_at > error_at, "{error_at} then {success_at}");
}

#[test]
fn server_errors_reach_sentry_as_client_reports() {
    let server = FakeServer::start(vec![Reply::Status(500, vec![]), Reply::Status(200, vec![])]);
    let stats = Arc::new(TransportStats::default());
    let client = client(&server.dsn(), remote(&server.dsn()), &stats);
    capture_messages(&client, 1);
    assert!(client.flush(Some(Duration::from_secs(5))));
    capture_messages(&client, 1);
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let body = requests[1].body_text();
    assert!(body.contains(r#""type":"client_report""#), "{body}");
    assert!(body.contains(r#""reason":"send_error""#), "{body}");
    let remote = stats.snapshot().get("remote").unwrap().clone();
    assert_eq!((remote.sent, remote.dropped_count("send_error")), (1, 1));
}

#[test]
fn spotlight_receives_envelopes_with_the_envelope_content_type() {
    let sidecar = FakeServer::ok();
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        spotlight: Some(sidecar.url("/stream")),
        ..Default::default()
    };
    let client = client(PLACEHOLDER_DSN, settings, &stats);
    let event_id = client.capture_event(
        Event {
            message: Some("hello spotlight".into()),
            ..Default::default()
        },
        None,
    );
    assert!(client.close(Some(Duration::from_secs(5))));

    let requests = sidecar.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].path, "/stream");
    assert_eq!(
        requests[0].headers.get("content-type").map(String::as_str),
        Some("application/x-sentry-envelope")
    );
    let envelope = Envelope::from_slice(&requests[0].body).unwrap();
    let event = envelope.event().unwrap();
    assert_eq!(event.event_id, event_id);
    assert_eq!(event.message.as_deref(), Some("hello spotlight"));
    assert_eq!(stats.snapshot().get("spotlight").unwrap().sent, 1);
}

#[test]
fn spotlight_works_beside_a_real_dsn() {
    let sentry_server = FakeServer::ok();
    let sidecar = FakeServer::ok();
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        spotlight: Some(sidecar.url("/stream")),
        ..remote(&sentry_server.dsn())
    };
    let client = client(&sentry_server.dsn(), settings, &stats);
    capture_messages(&client, 3);
    assert!(client.close(Some(Duration::from_secs(5))));
    assert_eq!(sentry_server.requests().len(), 3);
    assert_eq!(sidecar.requests().len(), 3);
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.get("remote").unwrap().sent, 3);
    assert_eq!(snapshot.get("spotlight").unwrap().sent, 3);
}

#[test]
fn dead_spotlight_backs_off_and_counts_drops_without_blocking() {
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        spotlight: Some(format!("http://127.0.0.1:{}/stream", dead_port())),
        ..Default::default()
    };
    let client = client(PLACEHOLDER_DSN, settings, &stats);
    capture_messages(&client, 1);
    assert!(client.flush(Some(Duration::from_secs(5))));
    // Within the first 1 s backoff: skipped without even trying to connect.
    let took = capture_messages(&client, 10);
    assert!(took < Duration::from_millis(500), "captures took {took:?}");
    assert!(client.flush(Some(Duration::from_secs(5))));
    let start = Instant::now();
    assert!(client.close(Some(SHUTDOWN_TIMEOUT)));
    assert!(start.elapsed() < SHUTDOWN_TIMEOUT);

    let snapshot = stats.snapshot();
    let spotlight = snapshot.get("spotlight").unwrap();
    assert_eq!(spotlight.sent, 0);
    assert_eq!(spotlight.dropped_count("network_error"), 1, "{spotlight:?}");
    assert_eq!(spotlight.dropped_count("spotlight_unavailable"), 10);
    assert!(
        spotlight
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("next attempt in 1s"))
    );
}

#[test]
fn one_deadline_is_shared_by_all_destinations() {
    let sentry_server = FakeServer::start(vec![Reply::Hang]);
    let sidecar = FakeServer::start(vec![Reply::Hang]);
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        spotlight: Some(sidecar.url("/stream")),
        ..remote(&sentry_server.dsn())
    };
    let client = client(&sentry_server.dsn(), settings, &stats);
    capture_messages(&client, 5);
    let start = Instant::now();
    assert!(!client.close(Some(Duration::from_millis(500))));
    let took = start.elapsed();
    assert!(took < Duration::from_millis(900), "close took {took:?}");
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.get("remote").unwrap().dropped_count("shutdown"), 5);
    assert_eq!(
        snapshot.get("spotlight").unwrap().dropped_count("shutdown"),
        5
    );
}

#[test]
fn local_mode_writes_the_events_file_and_counts_console_lines() {
    let path = std::env::temp_dir().join(format!(
        "monitor-transport-{}-local-mode.jsonl",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        console: true,
        events_file: Some(path.clone()),
        ..Default::default()
    };
    validate(&settings).unwrap();
    let client = client(PLACEHOLDER_DSN, settings, &stats);
    capture_messages(&client, 2);
    client.send_envelope(
        Transaction {
            name: Some("GET /health".into()),
            timestamp: Some(std::time::SystemTime::now()),
            ..Default::default()
        }
        .into(),
    );
    assert!(client.close(Some(Duration::from_secs(5))));

    let text = std::fs::read_to_string(&path).unwrap();
    let types: Vec<String> = text
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["type"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(types, ["event", "event", "transaction"]);
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.get("events_file").unwrap().sent, 3);
    assert_eq!(snapshot.get("console").unwrap().sent, 3);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn hook_rewrites_or_discards_before_any_destination() {
    let server = FakeServer::ok();
    let stats = Arc::new(TransportStats::default());
    let hook: EnvelopeHook = Arc::new(|envelope: Envelope, _: &ShutdownDeadline| {
        let message = envelope.event()?.message.clone()?;
        (!message.contains("secret")).then_some(envelope)
    });
    let client = client_with_hook(&server.dsn(), remote(&server.dsn()), Some(hook), &stats);
    let hub = Arc::new(Hub::new(Some(Arc::clone(&client)), Default::default()));
    Hub::run(hub, || {
        sentry::capture_message("public", Level::Info);
        sentry::capture_message("secret", Level::Info);
    });
    assert!(client.close(Some(Duration::from_secs(5))));
    let snapshot = stats.snapshot();
    assert_eq!(snapshot.discarded_by_hook, 1);
    assert_eq!(snapshot.get("remote").unwrap().sent, 1);
    assert_eq!(server.requests().len(), 1);
}

#[cfg(feature = "testing")]
#[test]
fn capture_sink_holds_every_envelope_once_flushed() {
    let sink = capture::CaptureSink::new();
    let stats = Arc::new(TransportStats::default());
    let settings = TransportSettings {
        capture: Some(Arc::clone(&sink)),
        ..Default::default()
    };
    let client = client(PLACEHOLDER_DSN, settings, &stats);
    capture_messages(&client, 3);
    // The preparation stage hands envelopes on from its own thread: flush waits for it.
    assert!(client.flush(Some(Duration::from_secs(5))));
    let envelopes = sink.take();
    assert_eq!(envelopes.len(), 3);
    assert_eq!(
        envelopes[2].event().and_then(|e| e.message.as_deref()),
        Some("message 2")
    );
    assert!(sink.is_empty());
    assert_eq!(stats.snapshot().get("capture").unwrap().sent, 3);
    assert!(client.close(Some(Duration::from_secs(1))));
}

#[test]
fn validate_rejects_configurations_that_cannot_work() {
    assert!(validate(&TransportSettings::default()).is_ok());
    let zero = TransportSettings {
        queue_capacity: 0,
        ..Default::default()
    };
    assert!(matches!(
        validate(&zero),
        Err(TransportError::ZeroQueueCapacity)
    ));
    for url in ["not a url", "ftp://localhost/stream", "http://"] {
        let settings = TransportSettings {
            spotlight: Some(url.into()),
            ..Default::default()
        };
        assert!(
            matches!(
                validate(&settings),
                Err(TransportError::SpotlightUrl { .. })
            ),
            "{url}"
        );
    }
    let spotlight = TransportSettings {
        spotlight: Some(crate::settings::parse::DEFAULT_SPOTLIGHT_URL.into()),
        ..Default::default()
    };
    assert!(validate(&spotlight).is_ok());
    let missing_dir = TransportSettings {
        events_file: Some(
            std::env::temp_dir()
                .join("no-such-dir-monitor")
                .join("e.jsonl"),
        ),
        ..Default::default()
    };
    let err = validate(&missing_dir).unwrap_err();
    assert!(
        err.to_string().contains("cannot open the events file"),
        "{err}"
    );
    let mut zero_timeout = remote("http://public@127.0.0.1:1/1");
    if let Some(remote) = &mut zero_timeout.remote {
        remote.request_timeout = Duration::ZERO;
    }
    assert!(matches!(
        validate(&zero_timeout),
        Err(TransportError::ZeroTimeout { which: "request" })
    ));
}

#[test]
fn remote_settings_debug_hides_the_dsn_key() {
    let settings = RemoteSettings::new(
        "https://abcdef123@o1.ingest.example.com/42"
            .parse()
            .unwrap(),
    );
    let text = format!("{settings:?}");
    assert!(!text.contains("abcdef123"), "{text}");
    assert!(text.contains("o1.ingest.example.com"), "{text}");
}
