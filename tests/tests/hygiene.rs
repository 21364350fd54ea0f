//! Hygiene: user names never clash with the expansion's. Parameters named like internal
//! bindings, local modules named `sentry` and `monitor_runtime`, a glob import shadowing
//! prelude names, local macros named like the std macros the expansion calls, and lint
//! levels as strict as `#![deny(warnings, clippy::pedantic)]`. Also `crate = path` through
//! a re-export, shown to be the path actually used.

#![deny(warnings, clippy::pedantic)]
// Lints about the user code itself, not the expansion:
#![allow(
    clippy::too_many_arguments,
    clippy::unnecessary_wraps,
    clippy::needless_pass_by_value,
    clippy::unused_async,
    clippy::must_use_candidate,
    clippy::missing_errors_doc
)]

use std::future::Future;
use std::panic::Location;
use std::sync::atomic::{AtomicUsize, Ordering};

use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::{breadcrumb, capture_errors, monitored};
use monitor_tests::{
    ROOT, assert_child, assert_crumb, assert_ok_child, assert_one_error, crumb_messages, end_event,
    run, run_async,
};

/// Parameters named like every binding and item the expansion makes, and like the
/// bindings other macros use.
mod params {
    use super::*;

    #[monitored(data(monitor_site, span))]
    pub fn sync(
        monitor_site: u32,
        monitor_ret: u32,
        monitor_span: u32,
        __monitor_runtime_path: u32,
        span: u32,
        guard: u32,
        e: u32,
        x: u32,
        result: u32,
    ) -> u32 {
        monitor_site
            + monitor_ret
            + monitor_span
            + __monitor_runtime_path
            + span
            + guard
            + e
            + x
            + result
    }

    #[monitored(data(monitor_out))]
    #[breadcrumb(outcome, message = "{monitor_crumb} {monitor_fields}")]
    #[capture_errors(data(monitor_err), tags(monitor_capture))]
    pub async fn stacked_async(
        monitor_out: u32,
        monitor_out_ref: u32,
        monitor_crumb: u32,
        monitor_fields: u32,
        monitor_err: u32,
        monitor_capture: u32,
        monitor_guard: u32,
        monitor_recorder: u32,
    ) -> Result<u32, String> {
        tokio::task::yield_now().await;
        let sum = monitor_out
            + monitor_out_ref
            + monitor_crumb
            + monitor_fields
            + monitor_err
            + monitor_capture
            + monitor_guard
            + monitor_recorder;
        if sum > 100 {
            Err(format!("{sum}"))
        } else {
            Ok(sum)
        }
    }

    #[track_caller]
    #[monitored]
    #[capture_errors]
    pub fn track_caller(
        monitor_out: u32,
        monitor_ok: u32,
        monitor_residual: u32,
        e: u32,
    ) -> Result<u32, String> {
        let x: Result<u32, String> = if e > 0 {
            Err("e".into())
        } else {
            Ok(monitor_out + monitor_ok + monitor_residual)
        };
        let v = x?;
        let _caller = Location::caller();
        Ok(v)
    }

    #[allow(clippy::manual_async_fn)]
    #[monitored(data(monitor_site))]
    pub fn async_tail(monitor_site: u32, monitor_span: u32) -> impl Future<Output = u32> {
        async move { monitor_site + monitor_span }
    }
}

#[test]
fn params_named_like_internal_bindings() {
    let (out, c) = run(|| {
        (
            params::sync(1, 1, 1, 1, 1, 1, 1, 1, 1),
            params::track_caller(1, 2, 3, 0),
            params::track_caller(1, 2, 3, 1).is_err(),
        )
    });
    assert_eq!(out, (9, Ok(6), true));
    let span = assert_ok_child(&c, "hygiene::params::sync");
    assert_eq!(span.data.get("monitor_site"), Some(&1.into()));
    assert_eq!(span.data.get("span"), Some(&1.into()));
    assert_one_error(&c, "hygiene::params::track_caller", "String");

    let (out, c) = run_async(async {
        (
            params::stacked_async(1, 2, 3, 4, 5, 6, 7, 8).await,
            params::stacked_async(50, 50, 1, 1, 1, 1, 1, 1)
                .await
                .is_err(),
            params::async_tail(2, 3).await,
        )
    });
    assert_eq!(out, (Ok(36), true, 5));
    let tx = c.transaction(ROOT);
    assert_eq!(tx.spans().len(), 3, "{}", tx.tree());
    let event = assert_one_error(&c, "hygiene::params::stacked_async", "String");
    assert_eq!(
        event.tags.get("monitor_capture").map(String::as_str),
        Some("1")
    );
    // The message's `{monitor_crumb}` and `{monitor_fields}` are the user's parameters.
    assert_crumb(&c, "3 4", "function");
    let span = tx.span("hygiene::params::async_tail");
    assert_eq!(span.data.get("monitor_site"), Some(&2.into()));
}

/// Local modules named like the runtime and the SDK, next to the annotated functions.
mod local_modules {
    use ::monitor_runtime::{breadcrumb, capture_errors, monitored};

    #[allow(dead_code)]
    mod monitor_runtime {
        pub mod __private {
            pub fn start() {}
        }
    }

    #[allow(dead_code)]
    mod sentry {
        pub struct Level;
    }

    #[allow(dead_code)]
    mod inventory {}

    #[allow(dead_code)]
    mod serde_json {}

    #[monitored(tags(k = "v"), data(x))]
    #[breadcrumb(level = "warning", outcome)]
    #[capture_errors(level = "error", tags(x = x))]
    pub fn all(x: u32) -> Result<u32, String> {
        if x > 0 { Err("positive".into()) } else { Ok(x) }
    }
}

#[test]
fn local_sentry_and_monitor_runtime_modules() {
    let (out, c) = run(|| local_modules::all(1));
    assert!(out.is_err());
    assert_child(
        &c,
        "hygiene::local_modules::all",
        "function",
        SpanStatus::InternalError,
    );
    assert_crumb(&c, "hygiene::local_modules::all returned error", "function");
    assert_one_error(&c, "hygiene::local_modules::all", "String");
}

/// A glob import of names the expansion could otherwise pick up: prelude types and
/// variants, and std's macros.
mod shadowing {
    #[allow(dead_code, non_camel_case_types, clippy::upper_case_acronyms)]
    pub mod names {
        pub struct Ok;
        pub struct Err;
        pub struct Some;
        pub struct None;
        pub struct Option;
        pub struct Box;
        pub struct String;
        pub struct Vec;
        pub fn drop() {}
        pub mod core {}
        pub mod std {}
        pub fn call_once() {}
    }

    #[allow(unused_imports)]
    use self::names::*;

    #[allow(unused_macros)]
    macro_rules! format {
        ($($t:tt)*) => {
            compile_error!("the user's `format!` was used")
        };
    }

    #[allow(unused_macros)]
    macro_rules! line {
        () => {
            compile_error!("the user's `line!` was used")
        };
    }

    #[allow(unused_macros)]
    macro_rules! file {
        () => {
            compile_error!("the user's `file!` was used")
        };
    }

    #[allow(unused_macros)]
    macro_rules! module_path {
        () => {
            compile_error!("the user's `module_path!` was used")
        };
    }

    type Result<T> = ::core::result::Result<T, u8>;

    #[::monitor_runtime::monitored(data(x))]
    #[::monitor_runtime::breadcrumb(message = "x is {x}", outcome)]
    #[::monitor_runtime::capture_errors]
    pub fn shadowed(x: u8) -> Result<u8> {
        if x > 0 {
            ::core::result::Result::Err(x)
        } else {
            ::core::result::Result::Ok(x)
        }
    }

    #[track_caller]
    #[::monitor_runtime::monitored]
    #[::monitor_runtime::capture_errors]
    pub fn shadowed_track_caller(x: u8) -> ::core::result::Result<u8, u8> {
        let v = shadowed(x)?;
        ::core::result::Result::Ok(v)
    }

    #[::monitor_runtime::monitored]
    pub async fn shadowed_async(x: u8) -> Result<u8> {
        shadowed(x)
    }
}

#[test]
fn glob_import_and_macros_shadowing_std_names() {
    let (out, c) = run(|| (shadowed_both(0), shadowing::shadowed(1)));
    assert_eq!(out, ((Ok(0), Ok(0)), Err(1)));
    let tx = c.transaction(ROOT);
    assert!(
        tx.spans()
            .iter()
            .any(|s| s.name == "hygiene::shadowing::shadowed_track_caller")
    );
    assert_crumb(&c, "x is 1", "function");
    assert_one_error(&c, "hygiene::shadowing::shadowed", "u8");
    let (out, _) = run_async(shadowing::shadowed_async(0));
    assert_eq!(out, Ok(0));
}

fn shadowed_both(x: u8) -> (Result<u8, u8>, Result<u8, u8>) {
    (shadowing::shadowed(x), shadowing::shadowed_track_caller(x))
}

/// `crate = path` naming the runtime through a re-export whose `__private::start` counts
/// its calls: the counter proves the expansion went through the re-export.
mod wrapped {
    pub static STARTS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

    pub mod rt {
        pub mod __private {
            pub use ::monitor_runtime::__private::*;

            pub fn start(
                site: &'static FnSite,
                kind: SpanKind,
            ) -> ::monitor_runtime::__private::Started {
                super::super::STARTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                ::monitor_runtime::__private::start(site, kind)
            }
        }
    }
}

#[monitored(crate = wrapped::rt)]
fn through_reexport() -> u32 {
    1
}

#[monitored(crate = crate::wrapped::rt)]
async fn through_reexport_async() -> u32 {
    2
}

#[breadcrumb(crate = wrapped::rt, outcome)]
#[capture_errors(crate = wrapped::rt)]
fn crumb_through_reexport() -> Result<(), String> {
    Err("through a re-export".into())
}

#[test]
fn crate_path_through_a_reexport() {
    let before = wrapped::STARTS.load(Ordering::SeqCst);
    let (out, c) = run(|| (through_reexport(), crumb_through_reexport()));
    assert_eq!(out.0, 1);
    assert_eq!(wrapped::STARTS.load(Ordering::SeqCst) - before, 1);
    assert_ok_child(&c, "hygiene::through_reexport");
    assert_one_error(&c, "hygiene::crumb_through_reexport", "String");
    assert_eq!(
        crumb_messages(end_event(&c)),
        [
            "hygiene::crumb_through_reexport",
            "hygiene::crumb_through_reexport returned error"
        ]
    );
    let (out, c) = run_async(through_reexport_async());
    assert_eq!(out, 2);
    assert_eq!(wrapped::STARTS.load(Ordering::SeqCst) - before, 2);
    assert_ok_child(&c, "hygiene::through_reexport_async");
}

static UNUSED: AtomicUsize = AtomicUsize::new(0);

/// An unused parameter still warns (the expansion does not silence it): the expectation
/// would be unfulfilled otherwise, an error under `#![deny(warnings)]`.
#[monitored]
#[breadcrumb(outcome)]
#[capture_errors]
fn unused_param(#[expect(unused_variables)] x: u32) -> Result<usize, String> {
    Ok(UNUSED.load(Ordering::SeqCst))
}

#[test]
fn unused_variables_still_warn() {
    let (out, _) = run(|| unused_param(1));
    assert_eq!(out, Ok(0));
}
