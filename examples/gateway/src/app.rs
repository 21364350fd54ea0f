//! The gateway's state, its router and its Sentry layers.

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use monitor_runtime::config::Config;
use monitor_runtime::propagation::tower::ContinueTraceLayer;
use sentry_tower::{NewSentryLayer, SentryHttpLayer};

use crate::routes;
use crate::upstream::WebService;

/// The transaction name of every route (`"<METHOD> <route template>"`, as `sentry-tower`
/// names requests), declared to the toolkit so `SENTRY_TRACES_SAMPLER` rules can name them.
pub const ROUTES: [&str; 3] = [
    "GET /api/v1/dashboard",
    "GET /health",
    "GET /health/monitoring",
];

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The web service's API.
    pub web: WebService,
}

/// The gateway's router. Build it after the toolkit is initialised.
///
/// The layers, outermost first: a hub per request (`NewSentryLayer`), the request's
/// `http.server` transaction named by route template, continuing an incoming
/// `sentry-trace` (`SentryHttpLayer`, added with `.layer` so it runs after routing), and the
/// toolkit's `ContinueTraceLayer`, which keeps an incoming dynamic sampling context for
/// that transaction (when the gateway is itself called by a traced service).
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/dashboard", get(routes::dashboard))
        .route("/health", get(routes::health))
        .route("/health/monitoring", get(routes::monitoring))
        .layer(ContinueTraceLayer::new())
        .layer(SentryHttpLayer::new().enable_transaction())
        .layer(NewSentryLayer::<Request<Body>>::new_from_top())
        .with_state(state)
}

/// Declares [`ROUTES`] as known transaction names.
pub fn declare_routes(config: Config) -> Config {
    ROUTES
        .iter()
        .fold(config, |config, route| config.known_transaction(*route))
}
