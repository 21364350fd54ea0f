//! `/health/monitoring`: the toolkit's own health (seed 002).

use axum::Json;
use serde_json::{Value, json};

use crate::observability;

/// `GET /health/monitoring`: `{"status": "ok", "monitoring": <health report>}`.
pub async fn monitoring() -> Json<Value> {
    Json(json!({ "status": "ok", "monitoring": observability::health() }))
}
