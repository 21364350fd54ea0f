//! Dropping the guard returns within the shutdown timeout (+1 s) whatever the Sentry server
//! does, captures never block meanwhile, and every envelope is counted. Each scenario runs
//! against a real TCP server of this test's own on 127.0.0.1.
//!
//! One test function runs the scenarios in turn: `init_with` binds the client to the
//! process, so scenarios must not overlap.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use monitor_runtime::config::Config;
use monitor_runtime::sentry::Level;

const CAPTURES: u64 = 1_000;
const SHUTDOWN: Duration = Duration::from_secs(1);

/// How the fake server answers each request.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    Hang,
    Status500,
    RateLimited,
}

fn serve(behaviour: Behaviour) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            thread::spawn(move || answer(stream, behaviour));
        }
    });
    port
}

fn answer(mut stream: TcpStream, behaviour: Behaviour) {
    let mut buffer = [0u8; 65536];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let response = match behaviour {
            Behaviour::Hang => {
                thread::sleep(Duration::from_secs(3600));
                return;
            }
            Behaviour::Status500 => {
                "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n".to_owned()
            }
            Behaviour::RateLimited => "HTTP/1.1 429 Too Many Requests\r\n\
                 x-sentry-rate-limits: 60::organization\r\ncontent-length: 0\r\n\r\n"
                .to_owned(),
        };
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
    // dropped here: nothing listens any more
}

fn scenario(name: &str, port: u16) -> (u64, u64) {
    let config = Config::default()
        .environment("production")
        .dsn(format!("http://public@127.0.0.1:{port}/1"))
        .shutdown_timeout(SHUTDOWN)
        .install_logging(false);
    let guard = monitor_runtime::init_with(config).expect("valid configuration");
    let stats = guard.transport_stats();

    let started = Instant::now();
    for i in 0..CAPTURES {
        monitor_runtime::capture_message(&format!("{name} {i}"), Level::Error);
    }
    let capturing = started.elapsed();
    assert!(
        capturing < Duration::from_secs(5),
        "{name}: {CAPTURES} captures took {capturing:?}; capture must never wait for Sentry"
    );

    let dropping = Instant::now();
    drop(guard);
    let shutdown = dropping.elapsed();
    assert!(
        shutdown <= SHUTDOWN + Duration::from_secs(1),
        "{name}: dropping the guard took {shutdown:?}"
    );

    let snapshot = stats.snapshot();
    let remote = snapshot.get("remote").expect("a remote destination");
    // The captures, plus at most one envelope of client reports sent at shutdown.
    assert!(
        (CAPTURES..=CAPTURES + 1).contains(&snapshot.received),
        "{name}: {snapshot:?}"
    );
    assert_eq!(
        remote.sent + remote.total_dropped(),
        snapshot.received,
        "{name}: every envelope produced is counted once"
    );
    (remote.sent, remote.total_dropped())
}

#[test]
fn guard_drop_is_bounded_and_every_envelope_is_counted_whatever_the_server_does() {
    for (name, port) in [
        ("refused", dead_port()),
        ("hung", serve(Behaviour::Hang)),
        ("status-500", serve(Behaviour::Status500)),
        ("rate-limited", serve(Behaviour::RateLimited)),
    ] {
        let (sent, dropped) = scenario(name, port);
        assert_eq!(sent, 0, "{name}: nothing can have been delivered");
        assert!(
            dropped >= CAPTURES,
            "{name}: every capture is counted as dropped"
        );
    }
}
