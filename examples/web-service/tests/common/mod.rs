//! Helpers of the in-process tests: a fresh SQLite database per test, and requests sent
//! through the router with tower's `oneshot`, inside a `monitor_runtime::testing` capture.

#![allow(dead_code)] // each test file uses a different subset

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use monitor_runtime::sentry::protocol::Event;
use monitor_runtime::testing::{Capture, Captured};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;
use web_service::{AppState, app};

/// The demo tokens of the seed data.
pub const ADMIN: &str = "admin-token";
/// The plain user's token.
pub const USER: &str = "user-token";

/// The organisation without members (its `/stats` divides by zero).
pub const EMPTY_ORG: i64 = 3;

/// The route of the stats endpoint, as its transactions are named.
pub const STATS_ROUTE: &str = "GET /api/v1/organisations/{id}/stats";

/// The span tree of the stats endpoint's 500 for [`EMPTY_ORG`] (`SpanTree` format).
pub const STATS_500_TREE: &str = "GET /api/v1/organisations/{id}/stats (http.server) internal_error\n\
     \x20 web_service::db::Db::user_by_token (db.query) ok\n\
     \x20 web_service::routes::organisations::stats (http.handler) internal_error\n\
     \x20   web_service::service::OrganisationService::stats (service) internal_error\n\
     \x20     web_service::db::Db::count_members (db.query) ok\n\
     \x20     web_service::db::Db::total_deals (db.query) ok\n\
     \x20     web_service::service::OrganisationService::get (service) ok\n\
     \x20       web_service::db::Db::organisation (db.query) ok\n";

/// A migrated database in a temporary directory, and the router over it.
pub struct TestApp {
    /// The state (for direct database access, e.g. adding users).
    pub state: AppState,
    /// The router, Sentry layers included.
    pub router: Router,
    _dir: TempDir,
}

impl TestApp {
    /// Opens a fresh database with the demo data and builds the router.
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}?mode=rwc", dir.path().join("test.db").display());
        let state = AppState::connect(&url).await.expect("database");
        TestApp {
            router: app(state.clone()),
            state,
            _dir: dir,
        }
    }

    /// Sends `request` through a clone of the router; returns the status and the JSON body
    /// (`Value::Null` when the body is empty or not JSON).
    pub async fn send(&self, request: Request<Body>) -> (StatusCode, Value) {
        send(self.router.clone(), request).await
    }

    /// `GET path`, with a bearer token when given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.send(request("GET", path, token, Body::empty())).await
    }
}

/// Sends `request` through `router`.
pub async fn send(router: Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = router.oneshot(request).await.expect("infallible router");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A request with an optional bearer token.
pub fn request(method: &str, path: &str, token: Option<&str>, body: Body) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    builder.body(body).expect("request")
}

/// A JSON request.
pub fn json_request(method: &str, path: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    let mut request = request(method, path, token, Body::from(body.to_string()));
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().expect("header"));
    request
}

/// Runs `test` against a capturing client with the development profile (every trace,
/// every event level): what the service would send to Sentry is in the `Captured`.
pub fn capture<F, R>(test: impl FnOnce() -> F) -> (R, Captured)
where
    F: Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    Capture::new().run_async(test())
}

/// Error events only (no messages).
pub fn error_events(captured: &Captured) -> Vec<&Event<'static>> {
    captured
        .events()
        .into_iter()
        .filter(|e| !e.exception.values.is_empty())
        .collect()
}

/// The value of tag `key` of `event`.
pub fn tag<'a>(event: &'a Event<'static>, key: &str) -> Option<&'a str> {
    event.tags.get(key).map(String::as_str)
}
