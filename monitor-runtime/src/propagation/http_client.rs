//! One outgoing HTTP request: its `http.client` span and its trace headers.
//!
//! The `reqwest` middleware and the `tower` layer are thin adapters over
//! [`HttpClientSpan`]; use it directly to instrument another HTTP client.

use std::borrow::Cow;

use sentry::protocol::{SpanStatus, Value};

use super::carrier::Injector;
use super::headers::TraceParent;
use super::span_link::{self, ChildSpan};
use crate::trace_context::settings::PropagationSettings;

/// The span operation of outgoing HTTP requests.
pub const OP: &str = "http.client";

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
    /// The span and its request's data entries, written with the status when it finishes
    /// (one write: the record's data is locked once).
    span: Option<(ChildSpan, Vec<(&'static str, Value)>)>,
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
    /// `scheme://host[:port]/path`, or only the path for a relative URL.
    #[cfg(test)]
    fn display(&self) -> String {
        let mut out = String::new();
        self.push_to(&mut out);
        out
    }

    /// An upper bound of the displayed URL's length.
    fn display_len(&self) -> usize {
        self.scheme.map_or(0, str::len) + self.host.map_or(0, str::len) + self.path.len() + 10
    }

    /// Appends the URL to `out`, without the formatter (this runs on every request).
    fn push_to(&self, out: &mut String) {
        if let (Some(scheme), Some(host)) = (self.scheme, self.host) {
            out.push_str(scheme);
            out.push_str("://");
            out.push_str(host);
            if let Some(port) = self.port {
                out.push(':');
                push_decimal(out, port);
            }
        }
        out.push_str(if self.path.is_empty() { "/" } else { self.path });
    }
}

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
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
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
        // `GET https://host/path`, in one allocation.
        let mut description = String::with_capacity(method.len() + 1 + target.display_len());
        description.push_str(method);
        description.push(' ');
        target.push_to(&mut description);
        let span = span_link::start_child(OP, description).map(|span| {
            let mut url = String::with_capacity(target.display_len());
            target.push_to(&mut url);
            (span, request_data(method, url, target.host, target.port))
        });
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
        if let Some((span, mut data)) = self.span.take() {
            data.push(("http.response.status_code", Value::from(status)));
            span.finish_with_data(data, status_of(status));
        }
    }

    /// Finishes the span of a request that got no response, with `status` (for example
    /// [`SpanStatus::DeadlineExceeded`] for a timeout, [`SpanStatus::Unavailable`] when the
    /// connection was refused).
    pub fn fail(mut self, status: SpanStatus) {
        if let Some((span, data)) = self.span.take() {
            span.finish_with_data(data, status);
        }
    }
}

impl Drop for HttpClientSpan {
    fn drop(&mut self) {
        if let Some((span, data)) = self.span.take() {
            span.finish_with_data(
                data,
                if std::thread::panicking() {
                    SpanStatus::InternalError
                } else {
                    SpanStatus::Cancelled
                },
            );
        }
    }
}

/// The request's data entries: `http.request.method`, `url`, `server.address` and
/// `server.port` (as Sentry's conventions ask: only a port the URL names), with room for
/// the response's `http.response.status_code`.
fn request_data(
    method: &str,
    url: String,
    host: Option<&str>,
    port: Option<u16>,
) -> Vec<(&'static str, Value)> {
    let mut entries = Vec::with_capacity(5);
    entries.push(("http.request.method", Value::from(method)));
    entries.push(("url", Value::from(url)));
    if let Some(host) = host {
        entries.push(("server.address", Value::from(host)));
    }
    if let Some(port) = port {
        entries.push(("server.port", Value::from(port)));
    }
    entries
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
        assert_eq!(target.display(), "https://api.example.com:8443/v1/x");
        let uri: http::Uri = "/only/a/path?x=1".parse().unwrap();
        let relative = Target {
            scheme: uri.scheme_str(),
            host: uri.host(),
            port: None,
            path: uri.path(),
        };
        assert_eq!(relative.display(), "/only/a/path");
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
