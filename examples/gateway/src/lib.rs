//! An API gateway in front of the web service (`examples/web-service`), instrumented with
//! the monitor toolkit: one request to the gateway is one trace across both processes.
//!
//! | route | what it does | what reaches Sentry |
//! |---|---|---|
//! | `GET /api/v1/dashboard` | lists the organisations and gathers each one's statistics through the web service's API, forwarding the caller's `Authorization` | a transaction with an `http.client` span per call; the web service's transactions continue its trace |
//! | `GET /health` | liveness | nothing: health checks are not sent (`SENTRY_IGNORE_HEALTH_CHECKS`) |
//! | `GET /health/monitoring` | the toolkit's health report | a transaction |
//!
//! How the trace crosses the process boundary:
//! - outgoing calls go through `reqwest-middleware` with the toolkit's
//!   [`TraceMiddleware`](monitor_runtime::propagation::reqwest::TraceMiddleware): each is an
//!   `http.client` span carrying `sentry-trace` (its own span id as the parent) and
//!   `baggage` (the trace's dynamic sampling context);
//! - the web service continues the trace (`sentry-tower`, plus the toolkit's
//!   [`ContinueTraceLayer`](monitor_runtime::propagation::tower::ContinueTraceLayer) for the
//!   dynamic sampling context): its transactions have the gateway's `http.client` spans as
//!   parents, it keeps the gateway's sampling decision, and every envelope of the trace, in
//!   both services, carries the gateway's dynamic sampling context.
//!
//! The crate is a library so tests can build [`app()`] in process; `main.rs` reads the
//! settings, initialises the toolkit and serves.

#![warn(missing_docs)]

pub mod app;
pub mod error;
pub mod routes;
pub mod settings;
pub mod upstream;

pub use app::{AppState, app};
pub use error::GatewayError;
