//! A trace received from upstream, and running code as its continuation.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;
use sentry::protocol::{OrganizationId, SpanId, TraceId};

use super::baggage::{self, MAX_MEMBERS, MAX_MEMBERS_READ};
use super::carrier::Extractor;
use super::dsc::DynamicSamplingContext;
use super::headers::{BAGGAGE, SENTRY_TRACE, TRACEPARENT, TraceParent};
use super::span_link;
use super::trace_state::{self, Frozen};
use crate::span::{IntoParent, ParentSpan};

/// A trace received from upstream: the caller's span, its sampling decision, and the
/// trace's dynamic sampling context. Made by [`extract`](super::extract).
///
/// Work started in [`continue_with`](Self::continue_with) or
/// [`instrument`](Self::instrument) continues the trace: its first toolkit span (a
/// `#[monitored]` function, a `PerformanceMonitor`) is a transaction whose parent is the
/// caller's span, sampled as the caller decided, and every outgoing call forwards the
/// caller's dynamic sampling context unchanged.
///
/// ```
/// use std::collections::HashMap;
/// use monitor_runtime::propagation;
///
/// let mut headers = HashMap::new();
/// headers.insert("sentry-trace".to_owned(), "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1".to_owned());
/// headers.insert("baggage".to_owned(), "sentry-sample_rate=0.5,vendor=1".to_owned());
/// let upstream = propagation::extract(&headers).unwrap();
/// assert_eq!(upstream.sampled(), Some(true));
/// assert_eq!(upstream.dsc().and_then(|dsc| dsc.sample_rate()), Some(0.5));
/// assert_eq!(upstream.other_baggage().collect::<Vec<_>>(), ["vendor=1"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropagationContext {
    parent: TraceParent,
    /// `Some` when the caller is a Sentry SDK (it sent `sentry-trace`): its context,
    /// possibly empty, is frozen as it came.
    dsc: Option<DynamicSamplingContext>,
    other_baggage: Vec<String>,
}

impl PropagationContext {
    /// Reads the trace headers: `sentry-trace`, else `traceparent`; then every `baggage`
    /// value. `None` without a valid trace header.
    pub(crate) fn extract<E: Extractor + ?Sized>(carrier: &E) -> Option<PropagationContext> {
        let sentry = carrier
            .get(SENTRY_TRACE)
            .and_then(TraceParent::parse_sentry_trace);
        let (parent, from_sentry) = match sentry {
            Some(parent) => (parent, true),
            None => (
                carrier
                    .get(TRACEPARENT)
                    .and_then(TraceParent::parse_traceparent)?,
                false,
            ),
        };
        let mut dsc = DynamicSamplingContext::default();
        let mut other_baggage = Vec::new();
        let mut read = 0;
        for header in carrier.get_all(BAGGAGE) {
            for member in baggage::members(header) {
                read += 1;
                if read > MAX_MEMBERS_READ {
                    break;
                }
                if member.key.starts_with(baggage::SENTRY_PREFIX) {
                    dsc.extend_from_baggage(member.raw);
                } else if other_baggage.len() < MAX_MEMBERS {
                    other_baggage.push(member.raw.to_owned());
                }
            }
        }
        // A context naming another trace is stale (a proxy kept an old header): ignore it.
        if dsc.trace_id().is_some_and(|id| id != parent.trace_id) {
            dsc = DynamicSamplingContext::default();
        }
        let dsc = (from_sentry || !dsc.is_empty()).then_some(dsc);
        Some(PropagationContext {
            parent,
            dsc,
            other_baggage,
        })
    }

    /// The trace's id.
    pub fn trace_id(&self) -> TraceId {
        self.parent.trace_id
    }

    /// The caller's span, the parent of the transaction that continues the trace.
    pub fn parent_span_id(&self) -> SpanId {
        self.parent.span_id
    }

    /// The caller's sampling decision; `None` when it left the decision to this service.
    pub fn sampled(&self) -> Option<bool> {
        self.parent.sampled
    }

    /// The caller, as the `sentry-trace` header gave it.
    pub fn parent(&self) -> TraceParent {
        self.parent
    }

    /// The trace's dynamic sampling context as received: `Some` (possibly empty) when the
    /// caller sent `sentry-trace`, or when `baggage` held `sentry-` entries.
    pub fn dsc(&self) -> Option<&DynamicSamplingContext> {
        self.dsc.as_ref()
    }

    /// The `baggage` members that are not Sentry's, as received; they are forwarded on
    /// the trace's outgoing calls.
    pub fn other_baggage(&self) -> impl Iterator<Item = &str> {
        self.other_baggage.iter().map(String::as_str)
    }

    /// The organisation the caller's trace belongs to (`sentry-org_id`).
    pub fn org_id(&self) -> Option<OrganizationId> {
        self.dsc.as_ref()?.get("org_id")?.parse().ok()
    }

    /// Runs `f` as the continuation of this trace: the first toolkit span `f` starts
    /// (`#[monitored]`, `#[monitored(transaction)]`, `PerformanceMonitor`) is a transaction
    /// whose parent is the caller's span. The toolkit span current around the call, if
    /// any, is not `f`'s parent.
    ///
    /// With strict trace continuation (`SENTRY_STRICT_TRACE_CONTINUATION`) and a trace from
    /// another Sentry organisation, or whenever the organisations differ, `f` starts a new
    /// trace instead, as the SDK does for incoming HTTP requests.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use monitor_runtime::{monitored, propagation};
    ///
    /// #[monitored(transaction, op = "queue.process")]
    /// fn process(order: u64) -> u64 {
    ///     order * 2
    /// }
    ///
    /// # let mut message_headers: HashMap<String, String> = HashMap::new();
    /// # message_headers.insert("sentry-trace".into(), "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1".into());
    /// let doubled = match propagation::extract(&message_headers) {
    ///     Some(upstream) => upstream.continue_with(|| process(21)),
    ///     None => process(21),
    /// };
    /// assert_eq!(doubled, 42);
    /// ```
    pub fn continue_with<R>(&self, f: impl FnOnce() -> R) -> R {
        span_link::with_remote_parent(self.adopt(), f)
    }

    /// Polls `future` as the continuation of this trace, like
    /// [`continue_with`](Self::continue_with) around every poll.
    pub fn instrument<F: Future>(self, future: F) -> Continued<F> {
        Continued {
            inner: future,
            context: Some(self),
            parent: None,
        }
    }

    /// Accepts the trace (freezing its context for this process) and returns the parent
    /// to continue; `None` when strict continuation refuses it.
    pub(crate) fn adopt(&self) -> Option<TraceParent> {
        let accepted = sentry::Hub::with_active(|hub| {
            hub.client().map(|client| {
                let options = client.options();
                let own = options
                    .org_id
                    .or_else(|| options.dsn.as_ref().and_then(|dsn| dsn.org_id()));
                continues(self.org_id(), own, options.strict_trace_continuation)
            })
        })
        .unwrap_or(true);
        if !accepted {
            return None;
        }
        if let Some(dsc) = &self.dsc {
            trace_state::freeze_incoming(
                self.parent.trace_id,
                Frozen::new(dsc.clone(), self.other_baggage.clone()),
            );
        }
        Some(self.parent)
    }

    /// Freezes the trace's context for the transaction the SDK started for it (a
    /// `sentry-tower` request transaction continuing `sentry-trace`), if the SDK did
    /// continue it.
    #[cfg(feature = "tower")]
    pub(crate) fn adopt_for(&self, continued: TraceId) {
        if continued == self.parent.trace_id {
            let _ = self.adopt();
        }
    }
}

/// Whether a trace from organisation `incoming` may be continued by a client of
/// organisation `own`: two known organisations must be the same; with one unknown, only
/// when not strict (the rule of the Sentry SDKs' `strict_trace_continuation`).
pub(crate) fn continues(
    incoming: Option<OrganizationId>,
    own: Option<OrganizationId>,
    strict: bool,
) -> bool {
    match (incoming, own) {
        (Some(incoming), Some(own)) => incoming == own,
        (Some(_), None) | (None, Some(_)) => !strict,
        (None, None) => true,
    }
}

pin_project! {
    /// A future polled as the continuation of a received trace; see
    /// [`PropagationContext::instrument`].
    #[must_use = "futures do nothing unless polled"]
    pub struct Continued<F> {
        #[pin]
        inner: F,
        context: Option<PropagationContext>,
        // The parent adopted at the first poll (`None` inside: strict continuation refused
        // the trace, so the work starts a new one).
        parent: Option<Option<TraceParent>>,
    }
}

impl<F: Future> Future for Continued<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let parent = *this
            .parent
            .get_or_insert_with(|| this.context.take().and_then(|context| context.adopt()));
        let inner = this.inner;
        span_link::with_remote_parent(parent, || inner.poll(cx))
    }
}

/// An extracted trace as the explicit parent of a span (`#[monitored(parent = …)]`,
/// `PerformanceMonitor::builder(..).parent(..)`): the span is a transaction continuing
/// it; when strict continuation refuses the trace, a new one.
impl From<&PropagationContext> for ParentSpan {
    fn from(context: &PropagationContext) -> ParentSpan {
        span_link::parent_span(context.adopt())
    }
}

/// The caller's span in another service: the span starts a transaction that continues
/// its trace, as [`PropagationContext::continue_with`] does (a new trace when strict
/// continuation refuses it).
impl IntoParent for PropagationContext {
    fn to_parent(&self) -> ParentSpan {
        ParentSpan::from(self)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const PARENT: &str = "00f067aa0ba902b7";

    fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn strict_continuation_follows_the_sdk_rule() {
        let org = |n: u64| Some(OrganizationId::from(n));
        assert!(continues(org(1), org(1), true));
        assert!(!continues(org(1), org(2), false));
        assert!(continues(org(1), None, false));
        assert!(!continues(org(1), None, true));
        assert!(!continues(None, org(1), true));
        assert!(continues(None, None, true));
    }

    #[test]
    fn sentry_trace_without_baggage_freezes_an_empty_context() {
        let context = PropagationContext::extract(&headers(&[(
            "Sentry-Trace",
            &format!("{TRACE}-{PARENT}-0"),
        )]))
        .unwrap();
        assert_eq!(context.sampled(), Some(false));
        assert_eq!(context.dsc(), Some(&DynamicSamplingContext::default()));
    }

    #[test]
    fn traceparent_is_read_when_sentry_trace_is_missing_or_invalid() {
        let context = PropagationContext::extract(&headers(&[
            ("sentry-trace", "garbage"),
            ("traceparent", &format!("00-{TRACE}-{PARENT}-01")),
            ("baggage", "vendor=1"),
        ]))
        .unwrap();
        assert_eq!(context.trace_id().to_string(), TRACE);
        assert_eq!(context.sampled(), Some(true));
        assert_eq!(context.dsc(), None);
        assert_eq!(context.other_baggage().collect::<Vec<_>>(), ["vendor=1"]);
        assert!(PropagationContext::extract(&headers(&[("baggage", "a=1")])).is_none());
    }

    #[test]
    fn a_context_for_another_trace_is_ignored() {
        let other = "0123456789abcdef0123456789abcdef";
        let context = PropagationContext::extract(&headers(&[
            ("sentry-trace", &format!("{TRACE}-{PARENT}")),
            (
                "baggage",
                &format!("sentry-trace_id={other},sentry-sample_rate=0.5"),
            ),
        ]))
        .unwrap();
        assert_eq!(context.dsc(), Some(&DynamicSamplingContext::default()));
    }
}
