//! [`tower`](https://docs.rs/tower) layers (cargo feature `tower`), over `http::Request`:
//!
//! - [`HttpClientLayer`], for hyper- and tower-based HTTP clients: each request is an
//!   `http.client` span with trace headers, like the `reqwest` middleware;
//! - [`ContinueTraceLayer`], for servers: each request continues the trace its
//!   `sentry-trace` and `baggage` headers carry, dynamic sampling context included.
//!
//! Behind `sentry-tower`'s `SentryHttpLayer` (which starts the request's transaction from
//! `sentry-trace` but reads nothing else of `baggage`), `ContinueTraceLayer` freezes the
//! caller's dynamic sampling context for that transaction, so the trace keeps the head's
//! context in this service's envelopes and outgoing calls. Without a request transaction,
//! the first `#[monitored]` span of the request (typically the handler) becomes the
//! transaction continuing the trace.
//!
//! ```
//! use axum::{Router, routing::get};
//! use monitor_runtime::propagation::tower::ContinueTraceLayer;
//!
//! let app: Router = Router::new()
//!     .route("/", get(|| async { "ok" }))
//!     .layer(ContinueTraceLayer::new());
//!     // With sentry-tower, add its layers after this one (they wrap it):
//!     // .layer(SentryHttpLayer::new().enable_transaction())
//!     // .layer(NewSentryLayer::new_from_top())
//! # let _ = app;
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::{Request, Response};
use pin_project_lite::pin_project;
use sentry::protocol::SpanStatus;
use tower_layer::Layer;
use tower_service::Service;

use super::headers::TraceParent;
use super::{HttpClientSpan, PropagationContext, span_link};

/// A layer recording each request of an HTTP client as an `http.client` span, and
/// injecting the trace headers into those whose URL matches
/// `SENTRY_TRACE_PROPAGATION_TARGETS`. See [`HttpClientSpan`] for what the span holds.
///
/// ```
/// use monitor_runtime::propagation::tower::HttpClientLayer;
/// use tower::{ServiceBuilder, service_fn};
///
/// let client = ServiceBuilder::new()
///     .layer(HttpClientLayer::new())
///     .service(service_fn(|request: http::Request<String>| async move {
///         // hand the request to hyper here
///         Ok::<_, std::convert::Infallible>(http::Response::new(String::new()))
///     }));
/// # let _ = client;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct HttpClientLayer {
    _private: (),
}

impl HttpClientLayer {
    /// The layer.
    pub fn new() -> Self {
        HttpClientLayer::default()
    }
}

impl<S> Layer<S> for HttpClientLayer {
    type Service = HttpClientService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        HttpClientService { inner }
    }
}

/// The service [`HttpClientLayer`] makes.
#[derive(Debug, Clone)]
pub struct HttpClientService<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for HttpClientService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = HttpClientFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let span = HttpClientSpan::start_uri(request.method().as_str(), request.uri());
        span.inject(request.headers_mut());
        HttpClientFuture {
            inner: self.inner.call(request),
            span: Some(span),
        }
    }
}

pin_project! {
    /// The response future of [`HttpClientService`]: finishes the span with the response's
    /// status, or `internal_error` when the inner service fails.
    #[must_use = "futures do nothing unless polled"]
    pub struct HttpClientFuture<F> {
        #[pin]
        inner: F,
        span: Option<HttpClientSpan>,
    }
}

impl<F, ResBody, E> Future for HttpClientFuture<F>
where
    F: Future<Output = Result<Response<ResBody>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let output = std::task::ready!(this.inner.poll(cx));
        if let Some(span) = this.span.take() {
            match &output {
                Ok(response) => span.finish(response.status().as_u16()),
                Err(_) => span.fail(SpanStatus::InternalError),
            }
        }
        Poll::Ready(output)
    }
}

/// A layer continuing, for each request, the trace its headers carry; see the
/// [module documentation](self).
#[derive(Debug, Clone, Copy, Default)]
pub struct ContinueTraceLayer {
    _private: (),
}

impl ContinueTraceLayer {
    /// The layer.
    pub fn new() -> Self {
        ContinueTraceLayer::default()
    }
}

impl<S> Layer<S> for ContinueTraceLayer {
    type Service = ContinueTraceService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        ContinueTraceService { inner }
    }
}

/// The service [`ContinueTraceLayer`] makes.
#[derive(Debug, Clone)]
pub struct ContinueTraceService<S> {
    inner: S,
}

impl<S, ReqBody> Service<Request<ReqBody>> for ContinueTraceService<S>
where
    S: Service<Request<ReqBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ContinueTraceFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let context = super::extract(request.headers());
        ContinueTraceFuture {
            inner: self.inner.call(request),
            context,
            remote: None,
        }
    }
}

pin_project! {
    /// The response future of [`ContinueTraceService`].
    #[must_use = "futures do nothing unless polled"]
    pub struct ContinueTraceFuture<F> {
        #[pin]
        inner: F,
        context: Option<PropagationContext>,
        // Set at the first poll when no request transaction continues the trace: the
        // remote parent in effect around each poll.
        remote: Option<Option<TraceParent>>,
    }
}

impl<F: Future> Future for ContinueTraceFuture<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Some(context) = this.context.take() {
            // `SentryHttpLayer` starts its transaction at its first poll, just before ours.
            match span_link::scope_trace_id() {
                Some(trace) => context.adopt_for(trace),
                None => *this.remote = Some(context.adopt()),
            }
        }
        match *this.remote {
            Some(parent) => {
                let inner = this.inner;
                span_link::with_remote_parent(parent, || inner.poll(cx))
            }
            None => this.inner.poll(cx),
        }
    }
}
