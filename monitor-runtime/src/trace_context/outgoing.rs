//! Writing the trace headers for the next hop: `sentry-trace`, `baggage` with the trace's
//! dynamic sampling context, and optionally `traceparent`. `propagation::inject`, the
//! HTTP integrations and the span helpers (`span::trace_headers()`,
//! `SpanHandle::trace_headers()`) all write through here, each naming its parent.

use super::carrier::Injector;
use super::headers::{BAGGAGE, SENTRY_TRACE, TRACEPARENT, TraceParent};
use super::settings::PropagationSettings;
use super::trace_state::{self, ClientFacts, Outgoing};

/// Writes the headers for the parent `parent` gives (asked with whether the bound client
/// samples traces) into `carrier`, with the client's `traceparent` setting. Returns whether
/// anything was written: nothing without a bound client or a parent.
pub(crate) fn inject_with<I: Injector + ?Sized>(
    carrier: &mut I,
    parent: impl FnOnce(bool) -> Option<TraceParent>,
) -> bool {
    let Some((traceparent, tracing)) =
        PropagationSettings::with_current(|settings, tracing| (settings.traceparent, tracing))
    else {
        return false;
    };
    let Some(parent) = parent(tracing) else {
        return false;
    };
    write_headers(carrier, parent, traceparent);
    true
}

/// What [`inject_with`] writes, as `(name, value)` pairs in the order written.
pub(crate) fn header_list(
    parent: impl FnOnce(bool) -> Option<TraceParent>,
) -> Vec<(&'static str, String)> {
    let mut headers: Vec<(String, String)> = Vec::with_capacity(3);
    inject_with(&mut headers, parent);
    // `write_headers` writes these three names only: give them back as the constants.
    headers
        .into_iter()
        .filter_map(|(name, value)| {
            [SENTRY_TRACE, BAGGAGE, TRACEPARENT]
                .into_iter()
                .find(|known| *known == name)
                .map(|known| (known, value))
        })
        .collect()
}

/// Writes `sentry-trace`, `baggage` and optionally `traceparent` for `parent`. The
/// values are written from the stack (`sentry-trace`, `traceparent`) or shared
/// (`baggage`, prepared once per trace), so a header map's own values are the only copies.
pub(crate) fn write_headers<I: Injector + ?Sized>(
    carrier: &mut I,
    parent: TraceParent,
    traceparent: bool,
) {
    let frozen = trace_state::freeze(parent.trace_id, parent.sampled, ClientFacts::current);
    // Read before anything is written: a fresh header map answers without hashing.
    let baggage = frozen.outgoing(carrier.get_existing(BAGGAGE));
    parent.with_sentry_trace(|value| carrier.set_str(SENTRY_TRACE, value));
    match baggage {
        Outgoing::Prepared(value) if value.is_empty() => {}
        Outgoing::Prepared(value) => carrier.set_prepared(BAGGAGE, value),
        Outgoing::Merged(value) => carrier.set(BAGGAGE, value),
    }
    if traceparent {
        parent.with_traceparent(|value| carrier.set_str(TRACEPARENT, value));
    }
}
