//! `/health/monitoring`: the toolkit's own health (seed 002).

use axum::Json;
use serde_json::{Value, json};

/// `GET /health/monitoring`: `{"status": "ok", "monitoring": <health report>}`, the report
/// being [`monitor_runtime::health()`]: where events go, what was sent and lost, the
/// logging setup, the instrumented functions and init's warnings (never the DSN's keys).
pub async fn monitoring() -> Json<Value> {
    Json(json!({ "status": "ok", "monitoring": monitor_runtime::health() }))
}
