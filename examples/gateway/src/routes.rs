//! The gateway's handlers.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use monitor_runtime::{capture_errors, monitored};
use serde::Serialize;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::error::GatewayError;
use crate::upstream::Stats;

/// The dashboard: every organisation with its statistics, and the totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// How many organisations there are.
    pub organisations: usize,
    /// Members across the organisations whose statistics came back.
    pub members: i64,
    /// Deals across the organisations whose statistics came back.
    pub deals: i64,
    /// How many organisations' statistics the web service could not give.
    pub unavailable: usize,
    /// One line per organisation.
    pub per_organisation: Vec<DashboardLine>,
}

/// One organisation on the dashboard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DashboardLine {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its statistics, when the web service gave them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
    /// Why not, when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `GET /api/v1/dashboard`: the organisations and their statistics, gathered from the web
/// service with the caller's `Authorization`. An organisation whose statistics fail (the
/// web service's organisation 3 has no members: a 500 there) is listed with its error; the
/// web service reports that failure itself, in the same trace.
#[monitored(op = "http.handler")]
#[capture_errors]
pub async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Dashboard>, GatewayError> {
    let auth = headers
        .get(AUTHORIZATION)
        .ok_or(GatewayError::Unauthenticated)?;
    let organisations = state.web.organisations(auth).await?;
    let mut dashboard = Dashboard {
        organisations: organisations.len(),
        members: 0,
        deals: 0,
        unavailable: 0,
        per_organisation: Vec::with_capacity(organisations.len()),
    };
    for organisation in organisations {
        let line = match state.web.stats(auth, organisation.id).await {
            Ok(stats) => {
                dashboard.members += stats.member_count;
                dashboard.deals += stats.total_deals;
                DashboardLine {
                    id: organisation.id,
                    name: organisation.name,
                    stats: Some(stats),
                    error: None,
                }
            }
            Err(GatewayError::Unauthenticated) => return Err(GatewayError::Unauthenticated),
            Err(error) => {
                dashboard.unavailable += 1;
                DashboardLine {
                    id: organisation.id,
                    name: organisation.name,
                    stats: None,
                    error: Some(error.to_string()),
                }
            }
        };
        dashboard.per_organisation.push(line);
    }
    Ok(Json(dashboard))
}

/// `GET /health`: liveness. Its transactions are health checks, not sent by default.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /health/monitoring`: the toolkit's health report.
pub async fn monitoring() -> Json<Value> {
    Json(json!({ "status": "ok", "monitoring": monitor_runtime::health() }))
}
