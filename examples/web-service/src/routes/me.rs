//! `/api/v1/me`: who the caller is.

use axum::Json;
use monitor_runtime::monitored;

use crate::auth::CurrentUser;
use crate::models::UserRecord;

/// `GET /api/v1/me`: the authenticated user (its context is already on the request's
/// scope, set by the auth middleware).
#[monitored(op = "http.handler")]
pub async fn me(CurrentUser(user): CurrentUser) -> Json<UserRecord> {
    tracing::info!(user_id = user.id, "user_profile_accessed");
    Json(user)
}
