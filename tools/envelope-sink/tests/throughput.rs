//! Throughput: a burst of 2,000 envelopes from one thread reaches a fast server at the
//! toolkit's default settings with nothing dropped (issue 8). The rate it reaches is printed
//! (`cargo test -p envelope-sink --release -- --nocapture` for the README's figure).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use monitor_runtime::sentry::Level;
use monitor_runtime::{Config, capture_message, init_with};
use serde_json::Value;

const BURST: u64 = 2_000;

/// The sink binary on a free loopback port, killed when dropped.
struct Sink {
    child: Child,
    port: u16,
}

impl Sink {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_envelope-sink"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("the sink starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the sink names its port");
        let port = line
            .trim()
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Sink { child, port }
    }

    fn stats(&self) -> Value {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .write_all(b"GET /stats HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            .expect("request");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("response");
        let body = response
            .split_once("\r\n\r\n")
            .map(|(_, body)| body)
            .expect("a body");
        serde_json::from_str(body).expect("JSON stats")
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_burst_of_two_thousand_envelopes_arrives_with_none_dropped() {
    let sink = Sink::start();
    let guard = init_with(
        Config::default()
            .dsn(format!("http://public@127.0.0.1:{}/1", sink.port))
            .install_logging(false),
    )
    .expect("valid configuration");

    let start = Instant::now();
    for i in 0..BURST {
        capture_message(&format!("burst {i}"), Level::Error);
    }
    let produced = start.elapsed();
    assert!(guard.flush(Duration::from_secs(60)), "flushed in time");
    let delivered = start.elapsed();
    let stats = guard.transport_stats();
    drop(guard);

    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").expect("the remote destination");
    assert_eq!(remote.total_dropped(), 0, "{remote:?}");
    assert_eq!(remote.sent, snapshot.received, "{snapshot:?}");
    assert!(remote.sent >= BURST, "{remote:?}");
    let received = sink.stats();
    assert_eq!(received["envelopes"], remote.sent, "{received}");
    assert_eq!(received["items_by_type"]["event"], BURST, "{received}");
    assert_eq!(received["malformed"], 0, "{received}");

    let rate = BURST as f64 / delivered.as_secs_f64();
    eprintln!(
        "throughput: {BURST} envelopes captured in {produced:.2?}, all delivered after \
         {delivered:.2?}: {rate:.0} envelopes/s ({} build)",
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
    );
}
