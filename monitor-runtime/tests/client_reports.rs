//! Client reports reach Sentry as the SDKs send them: losses ride along with the next
//! envelope, and what is still pending when the guard is dropped (or flushed) is sent in an
//! envelope of its own. One test: `init_with` binds the process-wide client.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::thread;

use monitor_runtime::config::Config;
use monitor_runtime::sentry::protocol::EnvelopeItem;
use monitor_runtime::sentry::{Envelope, Level};

/// Answers the first request with a one-minute rate limit on errors, the others with 200;
/// keeps every request body.
fn server() -> (u16, Arc<Mutex<Vec<Vec<u8>>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&bodies);
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let seen = Arc::clone(&seen);
            thread::spawn(move || {
                loop {
                    let Some(body) = read_request(&mut stream) else {
                        return;
                    };
                    let first = {
                        let mut seen = seen.lock().unwrap();
                        seen.push(body);
                        seen.len() == 1
                    };
                    let answer = if first {
                        "HTTP/1.1 429 Too Many Requests\r\nX-Sentry-Rate-Limits: 60:error:organization\r\nContent-Length: 0\r\n\r\n"
                    } else {
                        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
                    };
                    if stream.write_all(answer.as_bytes()).is_err() {
                        return;
                    }
                }
            });
        }
    });
    (port, bodies)
}

/// One HTTP/1.1 request's body, by its Content-Length.
fn read_request(stream: &mut impl Read) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some(body)
}

#[test]
fn losses_pending_at_shutdown_are_sent_in_a_client_report_of_their_own() {
    let (port, bodies) = server();
    let guard = monitor_runtime::init_with(
        Config::default()
            .environment("production")
            .dsn(format!("http://public@127.0.0.1:{port}/1"))
            .install_logging(false),
    )
    .expect("valid configuration");
    monitor_runtime::capture_message("first", Level::Error);
    // Make sure the first answer (the rate limit) is known before the others are sent.
    assert!(guard.flush(std::time::Duration::from_secs(10)));
    for i in 0..5 {
        monitor_runtime::capture_message(&format!("held back {i}"), Level::Error);
    }
    let stats = guard.transport_stats();
    drop(guard);

    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").expect("remote");
    assert_eq!(remote.dropped_count("rate_limited"), 6, "{remote:?}");

    let bodies = bodies.lock().unwrap();
    let last = Envelope::from_slice(bodies.last().expect("requests")).expect("an envelope");
    let items: Vec<_> = last.items().collect();
    assert_eq!(items.len(), 1, "a client report on its own: {items:?}");
    let EnvelopeItem::ClientReport(report) = items[0] else {
        panic!("not a client report: {items:?}");
    };
    let json = serde_json::to_value(report).expect("JSON");
    let discarded = json["discarded_events"]
        .as_array()
        .expect("discarded events");
    let held_back: u64 = discarded
        .iter()
        .filter(|d| d["reason"] == "ratelimit_backoff" && d["category"] == "error")
        .map(|d| d["quantity"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(held_back, 5, "{json}");
    assert_eq!(remote.sent, 1, "the client report envelope: {remote:?}");
}
