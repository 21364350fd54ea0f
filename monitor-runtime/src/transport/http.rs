//! Delivery to a real Sentry server over HTTP(S), and the small HTTP client it shares with the
//! Spotlight destination.
//!
//! Each HTTP destination owns a current-thread tokio runtime, created on (and only ever driven
//! by) its worker thread, so the transport works the same whether or not the application runs
//! tokio, and never competes with the application's runtime. Every request is bounded by its
//! request timeout *and* by the shutdown deadline, whichever comes first, even when that
//! deadline is set after the request started.

use std::error::Error as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use sentry::Envelope;
use sentry::client_report::{Reason as TransportLossReason, Recorder};
use sentry::protocol::{EnvelopeFilterCallbacks, EnvelopeItem, ItemContainer};
use sentry::transports::{RateLimiter, RateLimitingCategory};
use sentry::types::Dsn;

use super::queue::{Delivery, ShutdownDeadline, Sink};
use super::stats::DropReason;

/// The initial capacity of a request body.
const BODY_CAPACITY: usize = 8 * 1024;

/// The content type Sentry (and Spotlight, which otherwise silently ignores the body) expects.
pub(crate) const ENVELOPE_CONTENT_TYPE: &str = "application/x-sentry-envelope";

/// The HTTP `User-Agent` of every request: the toolkit and its version, then the SDK's
/// (`monitor-toolkit/0.1.0 sentry.rust/0.49.5`).
pub(crate) fn user_agent() -> String {
    format!(
        "monitor-toolkit/{} {}",
        env!("CARGO_PKG_VERSION"),
        sentry::ClientOptions::default().user_agent
    )
}

/// The answer to one POST, or why there is none.
#[derive(Debug)]
pub(crate) enum PostResult {
    Answered {
        status: reqwest::StatusCode,
        rate_limits: Option<String>,
        retry_after: Option<String>,
    },
    /// Connecting, sending or reading failed or timed out; the text has no URL in it.
    Failed(String),
    /// The shutdown deadline passed first; the request was abandoned.
    DeadlinePassed,
}

/// A reqwest client plus the single-threaded runtime that drives it.
pub(crate) struct HttpPoster {
    runtime: tokio::runtime::Runtime,
    client: reqwest::Client,
}

impl HttpPoster {
    /// Builds the runtime and the client. Call on the worker thread.
    pub(crate) fn new(builder: reqwest::ClientBuilder) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| format!("cannot start the transport's async runtime: {err}"))?;
        let client = {
            let _context = runtime.enter();
            builder
                // A redirected POST would turn into a GET and lose the body: treat 3xx as an error.
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(user_agent())
                .build()
                .map_err(|err| format!("cannot build the HTTP client: {}", describe(&err)))?
        };
        Ok(Self { runtime, client })
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends `request` and reads the whole answer, unless `deadline` passes first.
    pub(crate) fn post(
        &self,
        request: reqwest::RequestBuilder,
        deadline: &ShutdownDeadline,
    ) -> PostResult {
        if deadline.remaining().is_some_and(|left| left.is_zero()) {
            return PostResult::DeadlinePassed;
        }
        let exchange = async move {
            let response = request.send().await?;
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned)
            };
            let rate_limits = header("x-sentry-rate-limits");
            let retry_after = header(RETRY_AFTER.as_str());
            let status = response.status();
            // Read the body so the connection can be reused; its content does not matter.
            let _ = response.bytes().await;
            Ok::<_, reqwest::Error>(PostResult::Answered {
                status,
                rate_limits,
                retry_after,
            })
        };
        self.runtime.block_on(async {
            tokio::select! {
                result = exchange => result.unwrap_or_else(|err| PostResult::Failed(describe(&err))),
                () = deadline.expired() => PostResult::DeadlinePassed,
            }
        })
    }
}

/// A one-line description of a reqwest error and its causes, without the request URL.
pub(crate) fn describe(err: &reqwest::Error) -> String {
    let mut text = String::from(if err.is_timeout() {
        "request timed out"
    } else if err.is_connect() {
        "cannot connect"
    } else if err.is_body() || err.is_decode() {
        "cannot read the response"
    } else if err.is_builder() {
        "invalid request"
    } else {
        "request failed"
    });
    let mut cause = err.source();
    while let Some(inner) = cause {
        let piece = inner.to_string();
        if !text.ends_with(&piece) {
            text.push_str(": ");
            text.push_str(&piece);
        }
        cause = inner.source();
    }
    text
}

/// What the remote destination needs to know; built from [`super::RemoteSettings`] and the
/// client's transport options.
pub(crate) struct RemoteConfig {
    pub(crate) dsn: Dsn,
    /// `sentry_client` in `X-Sentry-Auth`.
    pub(crate) sentry_client: String,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) http_proxy: Option<String>,
    pub(crate) https_proxy: Option<String>,
    pub(crate) accept_invalid_certs: bool,
    pub(crate) recorder: Recorder,
    /// Shared by the destination's threads: a limit one request learns applies to all.
    pub(crate) limiter: Arc<Mutex<RateLimiter>>,
}

/// Posts envelopes to the DSN's envelope endpoint, honouring Sentry rate limits. The remote
/// destination runs several, one per thread, each with its own kept-alive connection.
pub(crate) struct RemoteSink {
    poster: Result<HttpPoster, String>,
    /// The envelope endpoint, parsed once: a request only clones it.
    url: reqwest::Url,
    /// `Content-Type` and `X-Sentry-Auth`, built once: a request only clones them.
    headers: HeaderMap,
    /// DSN keys, blanked out of every error text we keep.
    secrets: Vec<String>,
    limiter: Arc<Mutex<RateLimiter>>,
    recorder: Recorder,
}

impl RemoteSink {
    /// Builds the client; call on the worker thread.
    pub(crate) fn new(config: &RemoteConfig) -> Self {
        // The client's timeout bounds every request it sends, connection included.
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout);
        if config.accept_invalid_certs {
            builder = builder.danger_accept_invalid_certs(true);
        }
        let mut proxy_error = None;
        for (url, is_https) in [(&config.http_proxy, false), (&config.https_proxy, true)] {
            let Some(url) = url else { continue };
            let proxy = if is_https {
                reqwest::Proxy::https(url)
            } else {
                reqwest::Proxy::http(url)
            };
            match proxy {
                Ok(proxy) => builder = builder.proxy(proxy),
                // Sending without the proxy could leak traffic the user meant to route; refuse.
                Err(err) => proxy_error = Some(format!("invalid proxy URL: {}", describe(&err))),
            }
        }
        let auth = config.dsn.to_auth(Some(&config.sentry_client)).to_string();
        let mut secrets = vec![config.dsn.public_key().to_owned()];
        secrets.extend(config.dsn.secret_key().map(str::to_owned));
        let poster = match proxy_error {
            Some(err) => Err(err),
            None => HttpPoster::new(builder),
        };
        let mut headers = HeaderMap::with_capacity(2);
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static(ENVELOPE_CONTENT_TYPE),
        );
        if let Ok(auth) = HeaderValue::from_str(&auth) {
            headers.insert(HeaderName::from_static("x-sentry-auth"), auth);
        }
        Self {
            poster,
            url: config.dsn.envelope_api_url(),
            headers,
            secrets,
            limiter: Arc::clone(&config.limiter),
            recorder: config.recorder.clone(),
        }
    }

    fn redact(&self, mut text: String) -> String {
        for secret in self.secrets.iter().filter(|s| !s.is_empty()) {
            text = text.replace(secret.as_str(), "[redacted]");
        }
        text
    }

    /// Removes what current rate limits forbid, recording each removed item for client
    /// reports. Returns the envelope to send, if anything is left, and whether its telemetry
    /// was removed (only client reports riding along are left to send).
    fn apply_rate_limits(&self, envelope: Envelope) -> Option<(Envelope, bool)> {
        let limiter = self.limiter.lock().unwrap_or_else(PoisonError::into_inner);
        if limiter.is_disabled(RateLimitingCategory::Any).is_some() {
            self.recorder
                .record_lost_data(&envelope, TransportLossReason::RatelimitBackoff);
            return None;
        }
        let allowed = |item: &EnvelopeItem| limiter.is_enabled(category(item));
        if envelope.items().all(allowed) {
            return Some((envelope, false));
        }
        let headers = envelope.headers().clone();
        let had_telemetry = envelope.items().any(is_telemetry);
        let filtered = envelope.filter(EnvelopeFilterCallbacks::new(allowed, |item| {
            self.recorder
                .record_lost_data(&item, TransportLossReason::RatelimitBackoff)
        }))?;
        if filtered.items().any(is_telemetry) {
            // `filter` rebuilds the envelope with fresh headers; keep the trace context etc.
            Some((filtered.with_headers(headers), false))
        } else {
            Some((filtered, had_telemetry))
        }
    }

    fn update_limits(&self, status: u16, rate_limits: Option<&str>, retry_after: Option<&str>) {
        let mut limiter = self.limiter.lock().unwrap_or_else(PoisonError::into_inner);
        // Same precedence as the SDK's own transports.
        if let Some(header) = rate_limits {
            limiter.update_from_sentry_header(header);
        } else if let Some(header) = retry_after {
            limiter.update_from_retry_after(header);
        } else if status == 429 {
            limiter.update_from_429();
        }
    }
}

impl Sink for RemoteSink {
    fn deliver(&mut self, envelope: Envelope, deadline: &ShutdownDeadline) -> Delivery {
        let poster = match &self.poster {
            Ok(poster) => poster,
            Err(err) => {
                self.recorder
                    .record_lost_data(&envelope, TransportLossReason::InternalError);
                return Delivery::failed(DropReason::SendError, err.clone());
            }
        };
        let Some((envelope, telemetry_rate_limited)) = self.apply_rate_limits(envelope) else {
            return Delivery::dropped(DropReason::RateLimited);
        };
        // An envelope whose telemetry was rate limited still carries client reports worth
        // delivering, but it does not count as sent.
        let lost_as = |reason| {
            if telemetry_rate_limited {
                DropReason::RateLimited
            } else {
                reason
            }
        };

        // Most envelopes (a transaction of a few spans, a batch of metrics) fit without the
        // buffer growing through every power of two.
        let mut body = Vec::with_capacity(BODY_CAPACITY);
        if let Err(err) = super::wire::write_envelope(&envelope, &mut body) {
            self.recorder
                .record_lost_data(&envelope, TransportLossReason::InternalError);
            return Delivery::failed(
                lost_as(DropReason::SendError),
                format!("cannot serialise envelope: {err}"),
            );
        }
        let request = poster
            .client()
            .post(self.url.clone())
            .headers(self.headers.clone())
            .body(body);

        match poster.post(request, deadline) {
            PostResult::DeadlinePassed => Delivery::failed(
                DropReason::Shutdown,
                "a delivery was still in progress at the shutdown deadline",
            ),
            PostResult::Failed(err) => {
                self.recorder
                    .record_lost_data(&envelope, TransportLossReason::NetworkError);
                Delivery::failed(lost_as(DropReason::NetworkError), self.redact(err))
            }
            PostResult::Answered {
                status,
                rate_limits,
                retry_after,
            } => {
                self.update_limits(
                    status.as_u16(),
                    rate_limits.as_deref(),
                    retry_after.as_deref(),
                );
                if status.is_success() {
                    if telemetry_rate_limited {
                        Delivery::dropped(DropReason::RateLimited)
                    } else {
                        Delivery::Sent
                    }
                } else if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
                    // Sentry counts what it rejects with 429 itself: no client report here.
                    Delivery::failed(DropReason::RateLimited, format!("HTTP {status}"))
                } else {
                    self.recorder
                        .record_lost_data(&envelope, TransportLossReason::SendError);
                    Delivery::failed(lost_as(DropReason::SendError), format!("HTTP {status}"))
                }
            }
        }
    }
}

/// The rate-limit category of an item, as Sentry's `X-Sentry-Rate-Limits` names them.
fn category(item: &EnvelopeItem) -> RateLimitingCategory {
    match item {
        EnvelopeItem::Event(_) => RateLimitingCategory::Error,
        EnvelopeItem::SessionUpdate(_) | EnvelopeItem::SessionAggregates(_) => {
            RateLimitingCategory::Session
        }
        EnvelopeItem::Transaction(_) => RateLimitingCategory::Transaction,
        EnvelopeItem::Attachment(_) => RateLimitingCategory::Attachment,
        EnvelopeItem::ItemContainer(ItemContainer::Logs(_)) => RateLimitingCategory::LogItem,
        EnvelopeItem::ItemContainer(ItemContainer::Metrics(_)) => RateLimitingCategory::TraceMetric,
        _ => RateLimitingCategory::Any,
    }
}

/// Whether the item is something the application produced, as opposed to SDK bookkeeping.
fn is_telemetry(item: &EnvelopeItem) -> bool {
    !matches!(item, EnvelopeItem::ClientReport(_))
}
