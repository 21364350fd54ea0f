//! The web service's API, as the gateway calls it: through `reqwest-middleware` with the
//! toolkit's [`TraceMiddleware`], so each call is an `http.client` span and carries the
//! trace headers.

use axum::http::HeaderValue;
use axum::http::header::AUTHORIZATION;
use monitor_runtime::propagation::reqwest::TraceMiddleware;
use reqwest::StatusCode;
use reqwest_middleware::{ClientBuilder, ClientWithMiddleware};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::GatewayError;

/// An organisation, as the web service lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// An organisation's statistics, as the web service computes them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    /// How many members it has.
    pub member_count: i64,
    /// Deals won by all its members.
    pub total_deals: i64,
    /// `total_deals / member_count`.
    pub deals_per_member: f64,
}

/// A client of the web service.
#[derive(Debug, Clone)]
pub struct WebService {
    base: String,
    client: ClientWithMiddleware,
}

impl WebService {
    /// A client of the web service at `base` (no trailing `/`), with request timeouts.
    pub fn new(base: impl Into<String>) -> WebService {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(2))
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        WebService {
            base: base.into(),
            client: ClientBuilder::new(client)
                .with(TraceMiddleware::new())
                .build(),
        }
    }

    /// `GET /api/v1/organisations`.
    pub async fn organisations(
        &self,
        auth: &HeaderValue,
    ) -> Result<Vec<Organisation>, GatewayError> {
        self.get("/api/v1/organisations", auth).await
    }

    /// `GET /api/v1/organisations/{id}/stats`.
    pub async fn stats(&self, auth: &HeaderValue, id: i64) -> Result<Stats, GatewayError> {
        self.get(&format!("/api/v1/organisations/{id}/stats"), auth)
            .await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        auth: &HeaderValue,
    ) -> Result<T, GatewayError> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header(AUTHORIZATION, auth.clone())
            .send()
            .await
            .map_err(|e| GatewayError::Upstream(format!("GET {path}: {e}")))?;
        match response.status() {
            StatusCode::UNAUTHORIZED => Err(GatewayError::Unauthenticated),
            status if !status.is_success() => Err(GatewayError::Upstream(format!(
                "GET {path} answered {status}"
            ))),
            _ => response
                .json()
                .await
                .map_err(|e| GatewayError::Upstream(format!("GET {path}: {e}"))),
        }
    }
}
