//! Every function shape of the research catalogue (`macro-anchors.md` §3: 3.A from
//! tracing-attributes' tests, the ok-cases of 3.C from fastrace's, 3.E from issues and
//! probes) under `#[monitored]` and `#[breadcrumb]`, and under `#[capture_errors]` where it
//! returns a `Result`.
//!
//! In each shape module, `m` carries `#[monitored]`, `b` `#[breadcrumb]` and `c`
//! `#[capture_errors]` (methods and trait items use the same letters). Each test calls the
//! shape once inside a root transaction under the `testing` capture and checks what a user
//! would: the span's name, op, parent and status, the crumb, the error event. Options of
//! the tracing/fastrace originals are mapped to ours where one exists (`fields` → `data`/
//! `tags`, `target`/`level` → `op`/`level`); where ours has no equivalent the shape is kept
//! and the comment says so.
//!
//! The whole file is compiled with `#![deny(warnings)]`: an expansion that adds a warning to
//! user code fails here.

#![deny(warnings)]

use std::future::Future;
use std::pin::Pin;

use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::{breadcrumb, capture_errors, monitored};
use monitor_tests::*;

/// The default name of an item of this module: `concat!(module_path!(), "::", $path)`.
macro_rules! here {
    ($path:literal) => {
        concat!(module_path!(), "::", $path)
    };
}

/// The default name of a trait impl's method: `<module::Type as module::Trait>::method`.
macro_rules! qualified {
    ($ty:literal as $tr:literal, $method:literal) => {
        concat!(
            "<",
            module_path!(),
            "::",
            $ty,
            " as ",
            module_path!(),
            "::",
            $tr,
            ">::",
            $method
        )
    };
}

#[path = "shapes/catalogue_a.rs"]
mod catalogue_a;
#[path = "shapes/catalogue_c.rs"]
mod catalogue_c;
#[path = "shapes/catalogue_e.rs"]
mod catalogue_e;

/// Captures a message inside the current call, to see which span it is linked to.
fn probe_event(message: &str) {
    monitor_runtime::capture_message(message, Level::Info);
}

/// The span id of the event captured with `message`.
#[track_caller]
fn span_of_event(
    captured: &monitor_runtime::testing::Captured,
    message: &str,
) -> monitor_runtime::sentry::protocol::SpanId {
    let events = captured.events();
    let event = events
        .iter()
        .find(|e| monitor_runtime::testing::message(e) == Some(message))
        .unwrap_or_else(|| panic!("no event {message:?}"));
    event_span_id(event).expect("a trace context on the event")
}

/// Polls `f` to completion on this thread, for futures called outside a runtime.
fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime")
        .block_on(f)
}

/// A boxed future, as async-trait and hand-written trait objects return.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The status of a span whose function returned an `Err` or panicked.
const ERR: SpanStatus = SpanStatus::InternalError;

/// The usual checks: `m` is an `ok` child span of the root with op `function`, and `b`
/// left its call crumb, named after the function, in category `function`.
#[track_caller]
fn check(captured: &monitor_runtime::testing::Captured, m: &str, b: &str) {
    assert_ok_child(captured, m);
    assert_crumb(captured, b, "function");
}
