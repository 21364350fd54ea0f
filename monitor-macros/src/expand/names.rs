//! Every name the expansion binds, in one place.
//!
//! Bindings use `Span::mixed_site()`: no user name can clash with them and they cannot
//! capture user names. The items of the registry site are named by the runtime's `site!`
//! macro, inside a block of their own, so they shadow nothing the body can see.

use proc_macro2::{Ident, Span};

macro_rules! bindings {
    ($($(#[$doc:meta])* $name:ident = $text:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $name() -> Ident {
                Ident::new($text, Span::mixed_site())
            }
        )*
    };
}

bindings! {
    /// `&'static FnSite`: the function's registry entry and static options.
    site = "monitor_site";
    /// The started span (`Started`), before it is entered.
    span = "monitor_span";
    /// The entered span (`SpanGuard`) of a sync body.
    guard = "monitor_guard";
    /// Whether the span is recorded (started and sampled).
    recording = "monitor_recording";
    /// Where `tags(...)`/`data(...)` go on a recorded span.
    recorder = "monitor_recorder";
    /// The owned output of a sync body.
    ret = "monitor_ret";
    /// A reference to the output.
    out = "monitor_out";
    /// The output's span status (`None`: ok).
    status = "monitor_status";
    /// The error of an `Err` output.
    err = "monitor_err";
    /// The evaluated `tags(...)`/`data(...)` of `#[capture_errors]`.
    capture = "monitor_capture";
    /// Filled-in options (`CaptureOptions`, `CrumbFields`) before they are handed over.
    fields = "monitor_fields";
    /// The pending outcome crumb.
    crumb = "monitor_crumb";
    /// The pending closing check-in.
    check_in = "monitor_check_in";
    /// The call's RED metrics.
    metrics = "monitor_metrics";
    /// The busy-time clock of a sync body.
    busy = "monitor_busy";
    /// The value `ret` records.
    value = "monitor_value";
    /// The `Ok` value of a `?` rewritten in a `#[track_caller]` body.
    ok = "monitor_ok";
    /// The residual of a `?` rewritten in a `#[track_caller]` body.
    residual = "monitor_residual";
}
