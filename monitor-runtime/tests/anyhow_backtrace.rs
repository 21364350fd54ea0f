//! An `anyhow::Error` created while backtraces are enabled keeps its own backtrace, which
//! points at where the error was made, not where it was reported. (The check runs in a
//! child process started with `RUST_LIB_BACKTRACE=1`: setting it in-process needs `unsafe`,
//! which the workspace forbids.)

#![cfg(feature = "anyhow")]

use monitor_runtime::capture_errors;
use monitor_runtime::testing;

#[inline(never)]
fn make_the_error() -> anyhow::Error {
    anyhow::anyhow!("the ledger does not balance")
}

#[capture_errors]
#[inline(never)]
fn report_it() -> anyhow::Result<()> {
    Err(make_the_error())
}

/// Set in the child process that runs the check.
const CHILD: &str = "MONITOR_TEST_BACKTRACE_CHILD";

#[test]
fn the_errors_own_backtrace_is_used() {
    if std::env::var_os(CHILD).is_none() {
        let status = std::process::Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "the_errors_own_backtrace_is_used", "--nocapture"])
            .env(CHILD, "1")
            .env("RUST_LIB_BACKTRACE", "1")
            .status()
            .expect("the test binary runs again");
        assert!(status.success(), "the check in the child process failed");
        return;
    }
    let ((), captured) = testing::capture(|| {
        let _ = report_it();
    });
    let events = captured.events();
    assert_eq!(events.len(), 1);
    let frames = &events[0]
        .exception
        .values
        .last()
        .unwrap()
        .stacktrace
        .as_ref()
        .expect("a stack")
        .frames;
    let names: Vec<_> = frames
        .iter()
        .map(|f| f.function.clone().unwrap_or_default())
        .collect();
    let top = frames.last().unwrap();
    assert!(
        top.function
            .as_deref()
            .is_some_and(|f| f.starts_with("anyhow_backtrace::make_the_error")),
        "the top frame is where the error was created: {names:#?}"
    );
    assert_eq!(top.in_app, Some(true));
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("anyhow_backtrace::report_it"))
    );
}
