//! A CRM API (seed 002) instrumented with the monitor toolkit: axum 0.8, sqlx (SQLite by
//! default, any sqlx database through `DATABASE_URL`), and Sentry through `sentry-tower`.
//!
//! What it shows, route by route:
//!
//! | route | what reaches Sentry |
//! |---|---|
//! | `GET /api/v1/organisations` | a transaction with handler, service and `db.query` spans |
//! | `POST /api/v1/organisations` | invalid input: a 422, **not** reported |
//! | `GET /api/v1/organisations/{id}` | unknown id: a 404, **not** reported |
//! | `DELETE /api/v1/organisations/{id}` | admins only: a 403 for others, **not** reported |
//! | `POST /api/v1/organisations/import` | a start and an end message (a warning when rows failed), a breadcrumb per stage |
//! | `GET /api/v1/organisations/{id}/stats` | no members: a division by zero, a 500 **reported** with its context (seed 001) |
//! | `GET /api/v1/me` | the user context (seed 004: tags `authenticated`, `user_role`) |
//! | `GET /health/monitoring` | nothing: the toolkit's health report |
//! | `GET /debug/sentry-test` | a test message and a test error; returns their event ids |
//!
//! `GET /api/v1/organisations` and `GET /api/v1/organisations/{id}/stats` declare service
//! level objectives (`#[monitored(objective(...))]`): their calls and durations are sent as
//! metrics on every request, and `web-service alert-rules` prints the Sentry alert rules
//! derived from them ([`alert_rules`]).
//!
//! The crate is a library so tests can drive [`app()`] in process; `main.rs` only reads the
//! settings, initialises the toolkit and serves.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let state = web_service::AppState::connect("sqlite::memory:").await?;
//! let router = web_service::app(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! web_service::server::serve(listener, router, std::future::pending()).await?;
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod alert_rules;
pub mod app;
pub mod auth;
pub mod db;
pub mod error;
pub mod import;
pub mod migrations;
pub mod models;
pub mod routes;
pub mod server;
pub mod service;
pub mod settings;
pub mod telemetry;

pub use app::{AppState, app};
pub use error::AppError;
