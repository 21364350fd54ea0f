//! One outgoing HTTP request: its `http.client` span and its trace headers.
//!
//! The `reqwest` middleware and the `tower` layer are thin adapters over
//! [`HttpClientSpan`]; use it directly to instrument another HTTP client.

use std::borrow::Cow;

use sentry::protocol::SpanStatus;

use super::carrier::Injector;
use super::headers::TraceParent;
use super::span_link::{self, ChildSpan};
use crate::span::RequestFacts;
use crate::trace_context::settings::PropagationSettings;

/// An outgoing HTTP request: an `http.client` span, child of the current span, and the
/// trace headers for the request.
///
/// - Description `GET https://host/path`: no query, no fragment, no credentials.
/// - Data, as in Sentry's span conventions: `http.request.method`, `url` (as in the
///   description), `server.address`, `server.port` (when the URL names one), and
///   `http.response.status_code` once the response is in.
/// - Status from the response's HTTP status; a request that failed before any response
///   (refused, timed out) gets the status its failure maps to; one dropped before either
///   (the caller gave up) is `cancelled`.
/// - Trace headers only for URLs matching `SENTRY_TRACE_PROPAGATION_TARGETS` (every URL
///   by default). An unsampled trace records no span but still propagates its decision.
///
/// ```
/// use monitor_runtime::propagation::HttpClientSpan;
///
/// let url = "https://api.example.com/v1/orders?token=s3cr3t";
/// let span = HttpClientSpan::start("GET", url);
/// let mut headers = http::HeaderMap::new();
/// span.inject(&mut headers); // nothing without a Sentry client bound
/// // … send the request with `headers` …
/// span.finish(200);
/// ```
#[derive(Debug)]
#[must_use = "the span is finished when this is finished or dropped"]
pub struct HttpClientSpan {
    /// The span and its request, recorded with the status when it finishes (one write:
    /// the record is locked once).
    span: Option<(ChildSpan, RequestFacts)>,
    /// What the callee continues, when the URL is a propagation target.
    propagate: Option<(TraceParent, bool)>,
}

/// The parts of a URL the span shows.
struct Target<'a> {
    scheme: Option<&'a str>,
    host: Option<&'a str>,
    port: Option<u16>,
    path: &'a str,
}

impl Target<'_> {
    /// The request's facts: `METHOD scheme://host[:port]/path` (only the path for a
    /// relative URL) in one allocation, without the formatter (this runs on every request).
    fn facts(&self, method: &str) -> RequestFacts {
        let scheme_and_host = self.scheme.zip(self.host);
        let len = method.len()
            + 1
            + scheme_and_host.map_or(0, |(scheme, host)| scheme.len() + 3 + host.len() + 6)
            + self.path.len().max(1);
        let mut text = String::with_capacity(len);
        text.push_str(method);
        text.push(' ');
        let mut host_range = None;
        if let Some((scheme, host)) = scheme_and_host {
            text.push_str(scheme);
            text.push_str("://");
            host_range = Some(text.len()..text.len() + host.len());
            text.push_str(host);
            if let Some(port) = self.port {
                text.push(':');
                push_decimal(&mut text, port);
            }
        }
        text.push_str(if self.path.is_empty() { "/" } else { self.path });
        RequestFacts::new(text, method.len(), host_range, self.port)
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, mut n: u16) {
    let mut digits = [0u8; 5];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&digit| char::from(digit)));
}

impl HttpClientSpan {
    /// Starts the span of a request to `url` (any absolute or relative URL; one that does
    /// not parse is shown as `<invalid url>` and gets no trace headers).
    pub fn start(method: &str, url: &str) -> HttpClientSpan {
        match reqwest::Url::parse(url) {
            Ok(url) => HttpClientSpan::start_url(method, &url),
            Err(_) => HttpClientSpan::begin(
                method,
                url,
                Target {
                    scheme: None,
                    host: None,
                    port: None,
                    path: "<invalid url>",
                },
                false,
            ),
        }
    }

    /// Starts the span of a request to `url`.
    pub fn start_url(method: &str, url: &reqwest::Url) -> HttpClientSpan {
        let target = Target {
            scheme: Some(url.scheme()),
            host: url.host_str(),
            port: url.port(),
            path: url.path(),
        };
        HttpClientSpan::begin(method, url.as_str(), target, true)
    }

    /// Starts the span of a request to `uri` (as `http::Request` holds it). A relative URI
    /// is matched against the propagation targets as its path.
    pub fn start_uri(method: &str, uri: &http::Uri) -> HttpClientSpan {
        let port = uri.port_u16();
        let target = Target {
            scheme: uri.scheme_str(),
            host: uri.host(),
            port,
            path: uri.path(),
        };
        let full: Cow<'_, str> = match uri.authority() {
            Some(_) => Cow::Owned(uri.to_string()),
            None => Cow::Borrowed(uri.path()),
        };
        HttpClientSpan::begin(method, &full, target, true)
    }

    fn begin(method: &str, full_url: &str, target: Target<'_>, valid: bool) -> HttpClientSpan {
        let Some((propagates, traceparent, tracing)) =
            PropagationSettings::with_current(|settings, tracing| {
                let propagates = valid && settings.propagates_to(full_url);
                (propagates, settings.traceparent, tracing)
            })
        else {
            // No client bound: nothing is recorded or propagated.
            return HttpClientSpan {
                span: None,
                propagate: None,
            };
        };
        // The request's facts are built only for a span that records.
        let span = span_link::start_http_child().map(|span| (span, target.facts(method)));
        let propagate = if propagates {
            let parent = match &span {
                Some((span, _)) => Some(span.as_parent()),
                None => span_link::current_parent(tracing),
            };
            parent.map(|parent| (parent, traceparent))
        } else {
            None
        };
        HttpClientSpan { span, propagate }
    }

    /// Whether the request is recorded as a span (the trace is sampled).
    pub fn is_recording(&self) -> bool {
        self.span.is_some()
    }

    /// Whether the request gets trace headers (its URL is a propagation target).
    pub fn propagates(&self) -> bool {
        self.propagate.is_some()
    }

    /// Writes `sentry-trace`, `baggage` and (when configured) `traceparent` into the
    /// request's headers, with this span as the parent; nothing when the URL is not a
    /// propagation target. Returns whether anything was written.
    pub fn inject<I: Injector + ?Sized>(&self, headers: &mut I) -> bool {
        match self.propagate {
            Some((parent, traceparent)) => {
                crate::trace_context::outgoing::write_headers(headers, parent, traceparent);
                true
            }
            None => false,
        }
    }

    /// Finishes the span with the response's HTTP status.
    pub fn finish(mut self, status: u16) {
        if let Some((span, mut request)) = self.span.take() {
            request.status = Some(status);
            span.finish_request(request, status_of(status));
        }
    }

    /// Finishes the span of a request that got no response, with `status` (for example
    /// [`SpanStatus::DeadlineExceeded`] for a timeout, [`SpanStatus::Unavailable`] when the
    /// connection was refused).
    pub fn fail(mut self, status: SpanStatus) {
        if let Some((span, request)) = self.span.take() {
            span.finish_request(request, status);
        }
    }
}

impl Drop for HttpClientSpan {
    fn drop(&mut self) {
        if let Some((span, request)) = self.span.take() {
            span.finish_request(
                request,
                if std::thread::panicking() {
                    SpanStatus::InternalError
                } else {
                    SpanStatus::Cancelled
                },
            );
        }
    }
}

/// The span status of an HTTP response status, as Sentry maps them.
pub fn status_of(status: u16) -> SpanStatus {
    match status {
        100..=399 => SpanStatus::Ok,
        401 => SpanStatus::Unauthenticated,
        403 => SpanStatus::PermissionDenied,
        404 => SpanStatus::NotFound,
        409 => SpanStatus::AlreadyExists,
        413 => SpanStatus::FailedPrecondition,
        429 => SpanStatus::ResourceExhausted,
        499 => SpanStatus::Cancelled,
        400..=499 => SpanStatus::InvalidArgument,
        501 => SpanStatus::Unimplemented,
        503 => SpanStatus::Unavailable,
        504 => SpanStatus::DeadlineExceeded,
        500..=599 => SpanStatus::InternalError,
        _ => SpanStatus::UnknownError,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_query_fragment_and_credentials() {
        let url =
            reqwest::Url::parse("https://user:pa55@api.example.com:8443/v1/x?token=s3cr3t#frag")
                .unwrap();
        let target = Target {
            scheme: Some(url.scheme()),
            host: url.host_str(),
            port: url.port(),
            path: url.path(),
        };
        let facts = target.facts("GET");
        assert_eq!(facts.description(), "GET https://api.example.com:8443/v1/x");
        assert_eq!(facts.url(), "https://api.example.com:8443/v1/x");
        assert_eq!(facts.host(), Some("api.example.com"));
        let uri: http::Uri = "/only/a/path?x=1".parse().unwrap();
        let relative = Target {
            scheme: uri.scheme_str(),
            host: uri.host(),
            port: None,
            path: uri.path(),
        };
        assert_eq!(relative.facts("POST").description(), "POST /only/a/path");
        let bare = Target {
            scheme: Some("http"),
            host: Some("h"),
            port: Some(65535),
            path: "",
        };
        assert_eq!(bare.facts("GET").url(), "http://h:65535/");
    }

    #[test]
    fn statuses_map_like_the_sdk() {
        assert_eq!(status_of(204), SpanStatus::Ok);
        assert_eq!(status_of(302), SpanStatus::Ok);
        assert_eq!(status_of(404), SpanStatus::NotFound);
        assert_eq!(status_of(418), SpanStatus::InvalidArgument);
        assert_eq!(status_of(500), SpanStatus::InternalError);
        assert_eq!(status_of(503), SpanStatus::Unavailable);
        assert_eq!(status_of(600), SpanStatus::UnknownError);
    }
}
