//! The application: its shared state and its router.

use axum::Router;
use axum::routing::{get, post};

use crate::db::{Db, DbError};
use crate::routes;
use crate::service::OrganisationService;
use crate::telemetry;

/// The transaction name of every route: `"<METHOD> <route template>"`, as
/// [`telemetry::transaction_name`] names requests. `main` declares them to the toolkit
/// ([`telemetry::declare_routes`]) so `SENTRY_TRACES_SAMPLER` rules can target routes; the
/// tests check the list against what the router serves.
pub const ROUTES: [&str; 9] = [
    "GET /api/v1/organisations",
    "POST /api/v1/organisations",
    "POST /api/v1/organisations/import",
    "GET /api/v1/organisations/{id}",
    "DELETE /api/v1/organisations/{id}",
    "GET /api/v1/organisations/{id}/stats",
    "GET /api/v1/me",
    "GET /health/monitoring",
    "GET /debug/sentry-test",
];

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The organisations service.
    pub organisations: OrganisationService,
}

impl AppState {
    /// State over an open database.
    pub fn new(db: Db) -> Self {
        AppState {
            organisations: OrganisationService::new(db.clone()),
            db,
        }
    }

    /// Opens the database at `url`, applies the migrations (schema and demo data), and
    /// returns the state.
    pub async fn connect(url: &str) -> Result<Self, DbError> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(AppState::new(db))
    }
}

/// The API's router, with the Sentry layers (see [`telemetry`]). Build it after the
/// toolkit is initialised. A route added here goes into [`ROUTES`] too.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/api/v1/organisations",
            get(routes::organisations::list).post(routes::organisations::create),
        )
        .route(
            "/api/v1/organisations/import",
            post(routes::organisations::import),
        )
        .route(
            "/api/v1/organisations/{id}",
            get(routes::organisations::get).delete(routes::organisations::delete),
        )
        .route(
            "/api/v1/organisations/{id}/stats",
            get(routes::organisations::stats),
        )
        .route("/api/v1/me", get(routes::me::me))
        .route("/health/monitoring", get(routes::health::monitoring))
        .route("/debug/sentry-test", get(routes::debug::sentry_test))
        .fallback(routes::not_found);
    telemetry::instrument(routes, state.clone()).with_state(state)
}
