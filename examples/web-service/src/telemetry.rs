//! The Sentry plumbing of the router: `sentry-tower`'s layers in the order that names
//! transactions by route template and continues incoming traces, and the per-request
//! context middleware.
//!
//! Layers added to an axum `Router` with `.layer` run *after* routing, so the request
//! carries its `MatchedPath` and the transaction is `GET /api/v1/organisations/{id}`, not
//! `GET /api/v1/organisations/7`. The order (outermost first):
//!
//! 1. `NewSentryLayer::new_from_top()`: a hub per request, forked from the current one, so
//!    the user, tags and breadcrumbs of one request never reach another's events;
//! 2. `SentryHttpLayer::new().enable_transaction()`: the `http.server` transaction, which
//!    continues an incoming `sentry-trace` header and finishes with the response status;
//! 3. the toolkit's `ContinueTraceLayer`: keeps the caller's dynamic sampling context (the
//!    `sentry-` entries of `baggage`) for that transaction, so a trace started by the
//!    gateway keeps the gateway's context in this service's envelopes;
//! 4. [`request_context`]: the route on the scope (so events show it too), a breadcrumb, the
//!    `status_code` tag, a structured log line (with the request's `trace_id` and `span_id`)
//!    and the request metrics;
//! 5. [`crate::auth::authenticate`]: the user context.
//!
//! Wrapping the router in these layers from the outside (`ServiceBuilder::new().layer(..)
//! .service(router)`) would run them before routing, and name every transaction after its
//! raw path (research `sentry-rust.md` §8).

use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request};
use axum::http::Request as HttpRequest;
use axum::middleware::{self, Next};
use axum::response::Response;
use monitor_runtime::config::Config;
use monitor_runtime::propagation::tower::ContinueTraceLayer;
use monitor_runtime::{add_breadcrumb, metrics, set_tag};
use sentry_tower::{NewSentryLayer, SentryHttpLayer};
use serde_json::json;

use crate::app::AppState;
use crate::auth;

/// The route name of requests no route matched, so that scanners probing random paths do
/// not create one transaction name per path.
pub const UNMATCHED_ROUTE: &str = "<unmatched>";

/// Adds the Sentry layers and the context middleware to every route of `router`.
///
/// Call it after the routes and the fallback are added: axum applies layers only to what
/// the router holds at that point. Build the router after the toolkit is initialised
/// (`SentryHttpLayer::new` reads the client's `send_default_pii`).
pub fn instrument(router: Router<AppState>, state: AppState) -> Router<AppState> {
    router
        .layer(middleware::from_fn_with_state(state, auth::authenticate))
        .layer(middleware::from_fn(request_context))
        .layer(ContinueTraceLayer::new())
        .layer(SentryHttpLayer::new().enable_transaction())
        .layer(NewSentryLayer::<HttpRequest<Body>>::new_from_top())
}

/// `"<METHOD> <route template>"`, the name of the request's transaction.
pub fn transaction_name(request: &Request) -> String {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED_ROUTE, MatchedPath::as_str);
    format!("{} {}", request.method(), route)
}

/// Middleware: names the request on its scope, leaves an `http` breadcrumb (seed 002's
/// middleware), and once the response is ready sets the `status_code` tag, logs
/// `request_completed` (`request_failed` for a 5xx) and records the request metrics
/// `http.requests` and `http.request.duration`, by method, route and status.
pub async fn request_context(request: Request, next: Next) -> Response {
    let name = transaction_name(&request);
    // Also renames the transaction `SentryHttpLayer` started, which matters for unmatched
    // requests: it named them after their raw path.
    monitor_runtime::sentry::configure_scope(|scope| scope.set_transaction(Some(&name)));
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    add_breadcrumb(
        "http",
        format!("HTTP Request: {method} {path}"),
        &[("method", json!(method)), ("url", json!(path))],
    );

    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();

    set_tag("status_code", status);
    let route = name
        .split_once(' ')
        .map_or(name.as_str(), |(_, route)| route);
    let duration_ms = elapsed.as_secs_f64() * 1e3;
    // These lines carry the request's `trace_id` and `span_id`. A 5xx is logged as a
    // warning: `#[capture_errors]` has already reported it, and an ERROR line would become
    // a second Sentry event for the same failure.
    if response.status().is_server_error() {
        tracing::warn!(%method, route, path, status, duration_ms, "request_failed");
    } else {
        tracing::info!(%method, route, path, status, duration_ms, "request_completed");
    }
    metrics::increment("http.requests")
        .tag("method", method.as_str())
        .tag("route", route)
        .tag("status_code", status);
    metrics::timing("http.request.duration", elapsed)
        .tag("method", method)
        .tag("route", route)
        .tag("status_code", status);
    response
}

/// Declares every route template of the API as a transaction name (see
/// [`crate::app::ROUTES`]), so that `SENTRY_TRACES_SAMPLER` rules written against routes
/// (`GET /api/v1/organisations/*=1.0`) are known to init, which warns only about rules
/// matching nothing the service produces.
pub fn declare_routes(config: Config) -> Config {
    crate::app::ROUTES
        .iter()
        .fold(config, |config, route| config.known_transaction(*route))
}
