//! An `anyhow::Error` created while backtraces are enabled keeps its own backtrace, which
//! points at where the error was made, not where it was reported. (Its own test binary: it
//! sets `RUST_LIB_BACKTRACE` before any backtrace is taken.)

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

#[test]
fn the_errors_own_backtrace_is_used() {
    // SAFETY: the only test of this binary, run before any thread reads the environment.
    unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "1") };
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
