//! Compile-time checks of the attribute macros (trybuild).
//!
//! `ui/fail`: every mistake the macros reject, each `.stderr` pinning the message and the
//! token it points at; user type errors must still point at user code.
//! `ui/pass`: hygiene cases that must compile (and run) untouched.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p monitor-tests
//! --test ui`, then read every changed `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
