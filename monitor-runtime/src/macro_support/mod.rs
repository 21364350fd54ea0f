//! What the attribute macros expand to. Not a public API: the macros name it as
//! `::monitor_runtime::__private` (or `<crate = path>::__private`), and it may change in
//! any release.
//!
//! Each concern has its own module: [`span`] for `#[monitored]`'s span,
//! [`crumb`](mod@crumb) for `#[breadcrumb]`, [`errors`] for `#[capture_errors]`,
//! [`call_metrics`] for `#[monitored(metrics)]`, and [`probe`](mod@probe) for the autoref specialisation that lets generated code treat
//! `Result`, `ErrorClass`, `anyhow::Error` and `Debug`-only values differently without
//! knowing their types. What is the same at every call is data in the function's
//! [`FnSite`], which the helpers read, so that generated code stays small.

pub mod call_metrics;
pub mod crumb;
pub use crate::cron::expansion as check_in;
pub mod errors;
pub mod probe;
pub mod span;

pub use crate::__monitor_probe as probe;
pub use crate::__monitor_site as site;
pub use ::inventory;
pub use ::sentry;
pub use ::serde_json;

pub use crate::registry::{
    CaptureSpec, CrumbSpec, FnSite, FnSpec, MetricsSpec, ObjectiveSpec, Registration,
};
pub use crate::span::{Instrumented, ParentSpan, SpanGuard, SpanKind};

pub use call_metrics::CallMetrics;
pub use crumb::{CrumbCall, CrumbFields, crumb, crumb_begin, crumb_leave};
pub use errors::{CaptureOptions, CaptureResult, capture_enter, capture_err};
pub use probe::{ClassProbe, ErrorTypeProbe, EventProbe, OkProbe, StatusProbe, ValueProbe};
pub use span::{
    BusyClock, DataValue, Recorder, Started, TagValue, observe, parent_of, record_current, start,
    start_under,
};

/// Calls `f` once. The macros pass the function body as a closure to this helper instead
/// of calling a closure in place: an `FnOnce` bound lets bodies return borrows of their
/// `&mut` arguments, which an immediately invoked closure (inferred `Fn`/`FnMut`) rejects.
#[inline(always)]
pub fn call_once<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Returns `future` unchanged, with its output type fixed to `T` (which may contain `_`).
///
/// A function returning `impl Future<Output = Result<(), E>>` from an `async { Ok(()) }`
/// block only learns the block's error type from the return type once the whole body is
/// checked; generated code reads the output before that, so it names `T` here first.
#[inline(always)]
pub fn future_output<T, F: std::future::Future<Output = T>>(future: F) -> F {
    future
}

/// The `type_name` of a function item, used to name the function the item is nested in.
#[inline]
pub fn type_name_of<T>(_: T) -> &'static str {
    ::core::any::type_name::<T>()
}

/// A function that returns the `type_name` of the item `item` (a function nested in the
/// annotated one, never called): evaluated in the site's static, so the only code it adds
/// is `type_name`'s instantiation.
pub const fn path_of<T>(item: T) -> fn() -> &'static str {
    ::core::mem::forget(item);
    ::core::any::type_name::<T>
}

/// A new, unresolved name slot for a [`FnSite`].
pub const fn unresolved() -> std::sync::OnceLock<&'static str> {
    std::sync::OnceLock::new()
}
