//! What reports a call's outcome besides the span: the cron check-in and the RED metrics.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Gen, names};

/// Sends the `in_progress` check-in (none for a heartbeat) and binds the closing one.
pub fn check_in_start(cg: &Gen<'_>) -> TokenStream {
    if !has_check_in(cg) {
        return TokenStream::new();
    }
    let p = &cg.p;
    let (call, site) = (names::check_in(), names::site());
    quote! {
        #[allow(unused_mut)]
        let mut #call = #p::check_in::start(#site);
    }
}

/// Sends the closing check-in from `monitor_status`.
pub fn check_in_finish(cg: &Gen<'_>) -> TokenStream {
    if !has_check_in(cg) {
        return TokenStream::new();
    }
    let (call, status) = (names::check_in(), names::status());
    quote! { #call.complete(#status.is_some()); }
}

fn has_check_in(cg: &Gen<'_>) -> bool {
    cg.options
        .monitored
        .as_ref()
        .is_some_and(|m| m.check_in.is_some())
}

/// Starts the call's RED metrics.
pub fn metrics_start(cg: &Gen<'_>) -> TokenStream {
    if !has_metrics(cg) {
        return TokenStream::new();
    }
    let p = &cg.p;
    let (metrics, site) = (names::metrics(), names::site());
    quote! {
        #[allow(unused_mut)]
        let mut #metrics = #p::CallMetrics::start(#site);
    }
}

/// Sends the call's RED metrics for the output bound to `monitor_out` (a reference).
pub fn metrics_finish(cg: &Gen<'_>) -> TokenStream {
    if !has_metrics(cg) {
        return TokenStream::new();
    }
    let p = &cg.p;
    let (metrics, out) = (names::metrics(), names::out());
    quote! { #metrics.finish(#p::probe!(error_type #out)); }
}

fn has_metrics(cg: &Gen<'_>) -> bool {
    cg.options
        .monitored
        .as_ref()
        .is_some_and(crate::args::MonitoredArgs::sends_metrics)
}
