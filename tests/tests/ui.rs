//! Compile-time checks of the attribute macros (trybuild).
//!
//! `ui/pass`: shapes and options that must compile (and run) untouched.
//! `ui/fail`: every mistake the macros reject, each `.stderr` pinning the message and the
//! token it points at; user type errors must still point at user code.
//!
//! The `.stderr` files hold rustc's own wording around the macros' messages, which changes
//! between compiler releases, so the `ui/fail` cases run only on the toolchain that wrote
//! them: stable 1.95 (see `FAIL_TOOLCHAIN` below). On any other toolchain they are ignored,
//! and the pass cases still run.
//!
//! To bless the files anew (after changing a message, or for a new toolchain): run
//! `TRYBUILD=overwrite cargo test -p monitor-tests --test ui -- --include-ignored`, read
//! every changed `.stderr` before committing it, and update the version in the
//! `rustversion` gate of `fail` to the toolchain that wrote them.

#[test]
fn pass() {
    trybuild::TestCases::new().pass("ui/pass/*.rs");
}

/// The toolchain the `ui/fail/*.stderr` files were written by.
#[allow(dead_code)]
const FAIL_TOOLCHAIN: &str = "stable 1.95";

#[rustversion::attr(
    not(stable(1.95)),
    ignore = "the ui/fail messages were written by rustc stable 1.95; bless them anew (see the module docs)"
)]
#[test]
fn fail() {
    trybuild::TestCases::new().compile_fail("ui/fail/*.rs");
}
