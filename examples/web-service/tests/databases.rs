//! The same service on another database: set `WEB_SERVICE_TEST_DATABASE_URL` to a
//! **throwaway** PostgreSQL or MySQL/MariaDB database (its tables are dropped first), e.g.
//!
//! ```text
//! WEB_SERVICE_TEST_DATABASE_URL=postgres://crm:crm@127.0.0.1/crm cargo test -p web-service --test databases
//! WEB_SERVICE_TEST_DATABASE_URL=mysql://crm:crm@127.0.0.1/crm cargo test -p web-service --test databases
//! ```
//!
//! Without it the test checks nothing and says so: CI has no database server.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use monitor_runtime::testing::Capture;
use serde_json::json;
use sqlx::any::AnyPoolOptions;
use web_service::{AppState, app};

const VARIABLE: &str = "WEB_SERVICE_TEST_DATABASE_URL";

#[test]
fn every_route_works_on_the_database_of_database_url() {
    let Ok(url) = std::env::var(VARIABLE) else {
        eprintln!("{VARIABLE} is not set: skipping the other-database test");
        return;
    };
    let (_, captured) = Capture::new().run_async(async move {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(&url)
            .await
            .expect("connect");
        for table in ["members", "organisations", "users", "_sqlx_migrations"] {
            sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
                .execute(&pool)
                .await
                .expect("drop");
        }
        pool.close().await;

        let state = AppState::connect(&url).await.expect("migrate");
        // A second start applies nothing twice.
        AppState::connect(&url).await.expect("migrate again");
        let router = app(state);
        let call = |method: &str, path: &str, token: &str, body: Body| {
            send(router.clone(), request(method, path, Some(token), body))
        };

        let (status, body) = call("GET", "/api/v1/organisations", USER, Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body.as_array().map(Vec::len), Some(3));
        let (status, body) = send(
            router.clone(),
            json_request(
                "POST",
                "/api/v1/organisations",
                Some(USER),
                &json!({"name": "Acme", "category": "Company"}),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        assert_eq!(body["country"], json!(null));
        let (status, _) = call("GET", "/api/v1/organisations/99", USER, Body::empty()).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call("DELETE", "/api/v1/organisations/1", USER, Body::empty()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = call("DELETE", "/api/v1/organisations/1", ADMIN, Body::empty()).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, body) = call(
            "POST",
            "/api/v1/organisations/import",
            USER,
            Body::from("name,category,country\nGlobex,Startup,US\nAcme,Company,FR\n"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            (body["success"].clone(), body["errors"].clone()),
            (json!(1), json!(1))
        );
        let (status, body) =
            call("GET", "/api/v1/organisations/2/stats", USER, Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["total_deals"], json!(14));
        let (status, _) = call("GET", "/api/v1/organisations/3/stats", USER, Body::empty()).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let (status, body) = call("GET", "/api/v1/me", ADMIN, Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["username"], json!("admin"));
    });
    let errors = error_events(&captured);
    assert_eq!(errors.len(), 1, "only the 500: {errors:#?}");
    assert_eq!(tag(errors[0], "error_type"), Some("zero_division"));
    let tx = captured.transaction("GET /api/v1/organisations/{id}/stats");
    let system = tx.span("web_service::db::Db::count_members").data["system"].clone();
    assert_ne!(system, json!("sqlite"));
}
