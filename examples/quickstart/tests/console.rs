//! What the quickstart prints, run as a user runs it: no SDK debug noise by default,
//! `SENTRY_DEBUG=true` turns it on, no fake DSN in local mode, and no DSN secret or URL
//! password on any line, the SDK's own debug lines included (issues 8 and 9).

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use common::{quickstart, text};

const DSN_SECRET: &str = "planted0dsn0secret0b7e";
const SPOTLIGHT_PASSWORD: &str = "planted-spotlight-pw-41c";

fn run(env: &[(&str, &str)]) -> (String, String) {
    let output = quickstart(env.iter().copied());
    let (stdout, stderr) = text(&output);
    assert!(
        output.status.success(),
        "quickstart failed:\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// A server that answers every request with `status`, on a free loopback port.
fn server(status: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let mut buffer = [0; 65536];
                // One read is enough for the small envelopes of the quickstart; then answer
                // and close, so each request is complete.
                let _ = stream.read(&mut buffer);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Whatever\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            });
        }
    });
    port
}

fn dead_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The secret in every form it could be printed in.
fn forms(secret: &str) -> Vec<String> {
    let encoded: String = secret
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let escaped = serde_json::to_string(secret).expect("JSON");
    vec![
        secret.to_owned(),
        encoded,
        escaped.trim_matches('"').to_owned(),
    ]
}

#[test]
fn no_sdk_debug_noise_by_default() {
    let (_, stderr) = run(&[]);
    assert!(stderr.contains("[sentry] event error"), "{stderr}");
    assert!(
        !stderr.contains("invoking before_send") && !stderr.contains("enabled sentry client"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[monitor] sentry shutdown: "),
        "the shutdown line: {stderr}"
    );
}

#[test]
fn local_mode_with_debug_prints_the_sdk_lines_but_no_fake_dsn() {
    let (stdout, stderr) = run(&[("SENTRY_DEBUG", "true")]);
    assert!(
        stderr.contains("[sentry] invoking before_send callback"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[sentry] enabled sentry client in local mode"),
        "{stderr}"
    );
    let all = format!("{stdout}{stderr}");
    for fake in ["local@localhost", "localhost/0", "for DSN"] {
        assert!(!all.contains(fake), "{fake:?} printed:\n{all}");
    }
}

#[test]
fn debug_output_never_shows_the_dsn_secret_or_the_spotlight_password() {
    // One run whose server fails every request and whose Spotlight is down, one whose
    // server is down: every error path that prints or records a URL is taken, with the
    // SDK's debug output on.
    let failing = server(500);
    let runs = [
        format!("http://public:{DSN_SECRET}@127.0.0.1:{failing}/42"),
        format!("http://public:{DSN_SECRET}@127.0.0.1:{}/42", dead_port()),
    ];
    let spotlight = format!(
        "http://monitor:{SPOTLIGHT_PASSWORD}@127.0.0.1:{}/stream",
        dead_port()
    );
    for dsn in &runs {
        let (stdout, stderr) = run(&[
            ("SENTRY_DSN", dsn),
            ("SENTRY_SPOTLIGHT", &spotlight),
            ("SENTRY_DEBUG", "true"),
        ]);
        let all = format!("{stdout}\n{stderr}");
        assert!(
            all.contains("[sentry] invoking before_send callback"),
            "{all}"
        );
        assert!(
            all.contains("[sentry] spotlight: cannot deliver to http://127.0.0.1:"),
            "the Spotlight failure is reported: {all}"
        );
        assert!(
            all.contains("remote: 0 delivered"),
            "every delivery to the DSN failed: {all}"
        );
        for secret in [DSN_SECRET, SPOTLIGHT_PASSWORD] {
            for form in forms(secret) {
                assert!(!all.contains(&form), "{form:?} printed:\n{all}");
            }
        }
    }
}
