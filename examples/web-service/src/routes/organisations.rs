//! `/api/v1/organisations`: list, create, read, delete, import, statistics.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use monitor_runtime::{capture_errors, monitored};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::models::{
    ImportSummary, NewOrganisation, Organisation, OrganisationStats, ValidationErrors,
};

/// `GET /api/v1/organisations`. Objective: 99.9 % of calls succeed, 95 % within 250 ms.
#[monitored(
    op = "http.handler",
    objective(
        name = "organisations.list",
        success = 99.9,
        latency = "250ms",
        percentile = 95
    )
)]
#[capture_errors]
pub async fn list(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Result<Json<Vec<Organisation>>, AppError> {
    Ok(Json(state.organisations.list().await?))
}

/// `POST /api/v1/organisations`: a JSON [`NewOrganisation`]. Invalid input is a 422 that
/// is not reported.
#[monitored(op = "http.handler")]
#[capture_errors]
pub async fn create(
    State(state): State<AppState>,
    _user: CurrentUser,
    payload: Result<Json<NewOrganisation>, JsonRejection>,
) -> Result<(StatusCode, Json<Organisation>), AppError> {
    let Json(new) = payload.map_err(|rejection| {
        AppError::Validation(ValidationErrors::single("body", rejection.body_text()))
    })?;
    let organisation = state.organisations.create(new).await?;
    Ok((StatusCode::CREATED, Json(organisation)))
}

/// `GET /api/v1/organisations/{id}`: a 404, not reported, when it does not exist.
#[monitored(op = "http.handler", data(id))]
#[capture_errors]
pub async fn get(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<Organisation>, AppError> {
    Ok(Json(state.organisations.get(id).await?))
}

/// `DELETE /api/v1/organisations/{id}`: admins only (a 403, not reported, for others).
#[monitored(op = "http.handler", data(id))]
#[capture_errors]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<i64>,
) -> Result<StatusCode, AppError> {
    state.organisations.delete(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/organisations/{id}/stats`: a reported 500 for an organisation without
/// members. Objective: 99.5 % of calls succeed, 99 % within 500 ms.
#[monitored(
    op = "http.handler",
    data(id),
    objective(
        name = "organisations.stats",
        success = 99.5,
        latency = "500ms",
        percentile = 99
    )
)]
#[capture_errors]
pub async fn stats(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Json<OrganisationStats>, AppError> {
    Ok(Json(state.organisations.stats(id).await?))
}

/// The query of the import route.
#[derive(Debug, Deserialize)]
pub struct ImportParams {
    /// The name of the uploaded file, for the messages.
    pub filename: Option<String>,
}

/// `POST /api/v1/organisations/import?filename=…`: a CSV body with the header
/// `name,category,country`.
#[monitored(op = "http.handler")]
#[capture_errors]
pub async fn import(
    State(state): State<AppState>,
    _user: CurrentUser,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Result<Json<ImportSummary>, AppError> {
    let csv = std::str::from_utf8(&body)
        .map_err(|_| AppError::Validation(ValidationErrors::single("body", "must be UTF-8 CSV")))?;
    let filename = params.filename.unwrap_or_else(|| "upload.csv".to_owned());
    Ok(Json(state.organisations.import(&filename, csv).await?))
}
