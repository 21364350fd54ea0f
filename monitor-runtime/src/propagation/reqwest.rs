//! Outgoing requests made with [`reqwest`](https://docs.rs/reqwest) (cargo feature
//! `reqwest`): a [`reqwest-middleware`](https://docs.rs/reqwest-middleware) middleware.
//!
//! ```no_run
//! use monitor_runtime::propagation::reqwest::TraceMiddleware;
//!
//! # async fn run() -> Result<(), reqwest_middleware::Error> {
//! let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
//!     .with(TraceMiddleware::new())
//!     .build();
//! // An `http.client` span, and `sentry-trace` + `baggage` on the request.
//! let response = client.get("http://127.0.0.1:3000/api/v1/organisations").send().await?;
//! # let _ = response;
//! # Ok(()) }
//! ```
//!
//! Why a middleware and not a client wrapper: `reqwest-middleware` is how the reqwest
//! ecosystem composes behaviour around requests (retries with `reqwest-retry`, caching,
//! OpenTelemetry with `reqwest-tracing`), and its `ClientWithMiddleware` keeps reqwest's
//! request-builder API. A wrapper of our own would be one more client type that composes
//! with none of them. Placed after a retry middleware, each attempt is its own span.

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next, Result};
use sentry::protocol::SpanStatus;

use super::HttpClientSpan;

/// Records every request as an `http.client` span and injects the trace headers into the
/// requests whose URL matches `SENTRY_TRACE_PROPAGATION_TARGETS`. See
/// [`HttpClientSpan`] for what the span holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceMiddleware {
    _private: (),
}

impl TraceMiddleware {
    /// The middleware.
    pub fn new() -> Self {
        TraceMiddleware::default()
    }
}

#[async_trait::async_trait]
impl Middleware for TraceMiddleware {
    async fn handle(
        &self,
        mut request: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> Result<Response> {
        let span = HttpClientSpan::start_url(request.method().as_str(), request.url());
        span.inject(request.headers_mut());
        let result = next.run(request, extensions).await;
        match &result {
            Ok(response) => span.finish(response.status().as_u16()),
            Err(error) => span.fail(failure_status(error)),
        }
        result
    }
}

/// What a request that got no response failed with, as a span status.
fn failure_status(error: &reqwest_middleware::Error) -> SpanStatus {
    match error {
        reqwest_middleware::Error::Reqwest(error) if error.is_timeout() => {
            SpanStatus::DeadlineExceeded
        }
        reqwest_middleware::Error::Reqwest(error) if error.is_connect() => SpanStatus::Unavailable,
        _ => SpanStatus::InternalError,
    }
}
