//! The context helpers never deadlock when called from the `before_send` path, including
//! for errors captured with `capture_error` (the SDK's own `Hub::capture_error` holds the
//! hub's lock while `before_send` runs; research `sentry-rust.md` §8).

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use monitor_runtime::sentry::Level;
use monitor_runtime::testing::Capture;
use monitor_runtime::{Report, User};

#[test]
fn context_helpers_inside_before_send_do_not_deadlock() {
    let (done, finished) = mpsc::channel();
    thread::spawn(move || {
        let capture = Capture::new().configure(|config| {
            config.before_send(|mut event| {
                monitor_runtime::set_tag("seen_by_hook", "yes");
                monitor_runtime::set_context("hook", serde_json::json!({ "ran": true }));
                monitor_runtime::set_user(User::new("7").role("user"));
                monitor_runtime::add_breadcrumb("hook", "inside before_send", &[]);
                let _ = monitor_runtime::span::current_span();
                event.tags.insert("hooked".into(), "true".into());
                Some(event)
            })
        });
        let ((), captured) = capture.run(|| {
            let error = "x".parse::<u32>().unwrap_err();
            monitor_runtime::capture_error(&error);
            Report::error(&error).tag("via", "report").capture();
            monitor_runtime::capture_message("plain message", Level::Error);
        });
        let _ = done.send(captured);
    });
    let captured = finished
        .recv_timeout(Duration::from_secs(10))
        .expect("capturing from a before_send that touches the scope deadlocked");
    let events = captured.events();
    assert_eq!(events.len(), 3);
    assert!(
        events
            .iter()
            .all(|e| e.tags.get("hooked").map(String::as_str) == Some("true"))
    );
    // What the hook set on the scope applies to the events captured after it ran.
    assert_eq!(
        events[2].tags.get("seen_by_hook").map(String::as_str),
        Some("yes")
    );
}

#[test]
fn before_send_can_drop_events() {
    let capture = Capture::new().configure(|config| {
        config.before_send(|event| (event.message.as_deref() != Some("noise")).then_some(event))
    });
    let ((), captured) = capture.run(|| {
        monitor_runtime::capture_message("noise", Level::Error);
        monitor_runtime::capture_message("signal", Level::Error);
    });
    let messages: Vec<_> = captured
        .events()
        .iter()
        .filter_map(|e| monitor_runtime::testing::message(e).map(str::to_owned))
        .collect();
    assert_eq!(messages, ["signal"]);
}
