//! One trace across services: trace headers out, trace headers in, and the dynamic
//! sampling context that keeps a distributed trace sampled as a whole.
//!
//! - **Out.** [`inject`] writes `sentry-trace` (the current span as the parent, with the
//!   trace's sampling decision) and `baggage` (the trace's [dynamic sampling
//!   context](DynamicSamplingContext)) into any [`Injector`]: an HTTP header map, a queue
//!   message's headers. For HTTP, the `propagation::reqwest` middleware and the
//!   `propagation::tower` layer (cargo features `reqwest`, `tower`)
//!   also record each request as an `http.client` span, and inject only into URLs matching
//!   `SENTRY_TRACE_PROPAGATION_TARGETS`.
//! - **In.** [`extract`] reads them back from any [`Extractor`] into a
//!   [`PropagationContext`]; code run in its [`continue_with`](PropagationContext::continue_with)
//!   or [`instrument`](PropagationContext::instrument) continues the trace.
//! - **The dynamic sampling context** is produced once by the trace's head (trace id,
//!   public key, sample rate, decision, release, environment, transaction name, and org id
//!   when the DSN has one), frozen the first time it is propagated or sent, forwarded
//!   unchanged by every service downstream, and sent as the `trace` header of every
//!   transaction and event envelope of the trace.
//!
//! A queue hop, producer and consumer:
//!
//! ```
//! use std::collections::HashMap;
//! use monitor_runtime::{monitored, propagation};
//!
//! #[monitored(transaction, op = "queue.publish")]
//! fn publish(body: &str) -> (HashMap<String, String>, String) {
//!     let mut headers = HashMap::new();
//!     propagation::inject(&mut headers); // sentry-trace + baggage of this transaction
//!     (headers, body.to_owned())
//! }
//!
//! #[monitored(transaction, op = "queue.process")]
//! fn process(body: String) -> usize {
//!     body.len()
//! }
//!
//! let (headers, body) = publish("order 42");
//! let length = match propagation::extract(&headers) {
//!     Some(upstream) => upstream.continue_with(|| process(body)), // same trace
//!     None => process(body),
//! };
//! assert_eq!(length, 8);
//! ```
//!
//! | Variable | Accepted values | Default |
//! |---|---|---|
//! | `SENTRY_TRACE_PROPAGATION_TARGETS` | `pattern;pattern`: a request gets trace headers when a pattern occurs in its URL (`*` matches anything); empty: no request | `*`: every request, as the Python, Node, Java, .NET and Ruby SDKs do |
//! | `SENTRY_PROPAGATE_TRACEPARENT` | boolean: also send W3C `traceparent` | false |
//! | `SENTRY_STRICT_TRACE_CONTINUATION` | boolean: continue only traces of this organisation | false |
//! | `SENTRY_ORG_ID` | the organisation id (default: read from the DSN's host, `o<id>.ingest…`) | from the DSN |

mod context;
pub(crate) mod envelope;
mod http_client;
mod settings;
pub(crate) mod span_link;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

use crate::trace_context::{baggage, carrier, dsc, headers, trace_state};
pub use carrier::{Extractor, Injector, PreparedValue};
pub use context::{Continued, PropagationContext};
pub use dsc::DynamicSamplingContext;
pub use headers::{BAGGAGE, SENTRY_TRACE, TRACEPARENT, TraceParent};
pub use http_client::HttpClientSpan;

pub(crate) use settings::{PropagationSettings, default_targets};
pub(crate) use trace_state::ClientFacts;
use trace_state::Outgoing;

/// Writes the trace headers of the current span into `carrier`: `sentry-trace`,
/// `baggage` (the trace's dynamic sampling context first, then the members of a `baggage`
/// value the carrier already had that are not Sentry's, then those received from
/// upstream), and `traceparent` when `SENTRY_PROPAGATE_TRACEPARENT` is on. Returns whether
/// anything was written: nothing is without a bound client.
///
/// The current span is the toolkit's (`#[monitored]`, `PerformanceMonitor`), else the
/// span on the hub's scope (a `sentry-tower` request), else the scope's own trace, which
/// links errors across services even when nothing is traced. An unsampled trace is
/// propagated too, with its decision, so the next service drops it as well.
///
/// `propagation_targets` do not apply here: they are about URLs. Use
/// [`HttpClientSpan`] (or the `reqwest` and `tower` integrations) for HTTP.
pub fn inject<I: Injector + ?Sized>(carrier: &mut I) -> bool {
    let Some((traceparent, tracing)) =
        PropagationSettings::with_current(|settings, tracing| (settings.traceparent, tracing))
    else {
        return false;
    };
    let Some(parent) = span_link::current_parent(tracing) else {
        return false;
    };
    write_headers(carrier, parent, traceparent);
    true
}

/// Reads the trace headers from `carrier`: `sentry-trace` (else W3C `traceparent`) and
/// `baggage`. `None` without a valid trace header. See [`PropagationContext`] to continue
/// the trace.
pub fn extract<E: Extractor + ?Sized>(carrier: &E) -> Option<PropagationContext> {
    PropagationContext::extract(carrier)
}

/// Writes `sentry-trace`, `baggage` and optionally `traceparent` for `parent`.
fn write_headers<I: Injector + ?Sized>(carrier: &mut I, parent: TraceParent, traceparent: bool) {
    carrier.set(SENTRY_TRACE, parent.to_sentry_trace());
    let frozen = trace_state::freeze(parent.trace_id, parent.sampled, ClientFacts::current);
    match frozen.outgoing(carrier.get_existing(BAGGAGE)) {
        Outgoing::Prepared(value) if value.is_empty() => {}
        Outgoing::Prepared(value) => carrier.set_prepared(BAGGAGE, value),
        Outgoing::Merged(value) => carrier.set(BAGGAGE, value),
    }
    if traceparent {
        carrier.set(TRACEPARENT, parent.to_traceparent());
    }
}
