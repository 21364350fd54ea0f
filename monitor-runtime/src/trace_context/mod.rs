//! What travels with a trace from service to service, and what this process keeps of it:
//! the `sentry-trace`, `traceparent` and `baggage` headers ([`headers`], [`baggage`]), the
//! carriers they are read from and written to ([`carrier`]), the dynamic sampling context
//! ([`dsc`]), and the per-trace store of the frozen context ([`trace_state`]).
//!
//! Beneath both `span` (whose roots record how their trace was sampled) and `propagation`
//! (which extracts and injects headers around the span layer): it names neither. Users
//! reach its public items through `monitor_runtime::propagation`.

pub(crate) mod baggage;
pub(crate) mod carrier;
pub(crate) mod dsc;
pub(crate) mod headers;
pub(crate) mod trace_state;
