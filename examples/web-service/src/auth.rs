//! Authentication: `Authorization: Bearer <token>` against the users in the database.
//!
//! The [`authenticate`] middleware runs for every request, inside the request's Sentry hub,
//! so the user it finds is on that request's events and transaction only: the user context
//! (id, username, email, role) and the tags `authenticated` and `user_role` (seed 004). An
//! anonymous request gets `authenticated=false`. Handlers that need a user take
//! [`CurrentUser`], which answers 401 when there is none.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use monitor_runtime::{User, add_breadcrumb, capture_errors, clear_user, set_user};
use serde_json::json;

use crate::app::AppState;
use crate::db::Db;
use crate::error::AppError;
use crate::models::UserRecord;

/// The authenticated user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub UserRecord);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The bearer token of `headers`: `None` without an `Authorization` header, an error when
/// the header is not `Bearer <token>`.
///
/// ```
/// use axum::http::{HeaderMap, HeaderValue};
/// use web_service::auth::bearer_token;
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(bearer_token(&headers).unwrap(), None);
/// headers.insert("authorization", HeaderValue::from_static("Bearer admin-token"));
/// assert_eq!(bearer_token(&headers).unwrap(), Some("admin-token"));
/// headers.insert("authorization", HeaderValue::from_static("Basic YWRtaW4="));
/// assert!(bearer_token(&headers).is_err());
/// ```
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, AppError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated)?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(AppError::Unauthenticated)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(AppError::Unauthenticated);
    }
    Ok(Some(token))
}

/// The user holding `token`. A database failure is a reported 500; an unknown token is a
/// 401, not reported.
#[capture_errors]
pub async fn resolve_user(db: &Db, token: &str) -> Result<UserRecord, AppError> {
    db.user_by_token(token)
        .await?
        .ok_or(AppError::Unauthenticated)
}

/// Middleware: finds the request's user and puts it on the request's Sentry scope and in
/// its extensions. A request with a bad or unknown token is answered 401 at once.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = match bearer_token(request.headers()) {
        Ok(token) => token.map(str::to_owned),
        Err(error) => {
            clear_user();
            return error.into_response();
        }
    };
    let Some(token) = token else {
        clear_user();
        return next.run(request).await;
    };
    match resolve_user(&state.db, &token).await {
        Ok(user) => {
            set_user(
                User::new(user.id.to_string())
                    .username(&user.username)
                    .email(&user.email)
                    .role(&user.role),
            );
            add_breadcrumb(
                "auth",
                format!("Authenticated as {}", user.username),
                &[("user_id", json!(user.id)), ("role", json!(user.role))],
            );
            request.extensions_mut().insert(CurrentUser(user));
            next.run(request).await
        }
        Err(error) => {
            clear_user();
            error.into_response()
        }
    }
}
