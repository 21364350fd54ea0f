//! Starting and finishing the toolkit's spans.
//!
//! The parent is, in order: the toolkit's current span on this thread, else the span on
//! the current hub's scope (a `sentry-tower` request transaction, a `sentry-tracing` span,
//! or one set by hand). A span is never allocated when no client is enabled or when the
//! parent is not sampled.

use std::sync::Arc;

use sentry::protocol::{SpanStatus, Value};
use sentry::{Hub, TransactionContext, TransactionOrSpan};

use super::current::{self, Current};
use crate::sampling::FUNCTION_SAMPLE_RATE_KEY;

/// Whether a monitored call starts a transaction, a child span, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpanKind {
    /// A child of the current span, else a new transaction.
    #[default]
    Auto,
    /// Always a new transaction. When a span is current, the new transaction continues
    /// its trace, so the two stay linked.
    Transaction,
    /// Only a child span: nothing happens when no span is current.
    Span,
}

/// A span's name: resolved only when a span is actually started, since resolving a
/// function's default name is not free and most calls record nothing.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SpanName<'a> {
    /// A monitored function's name.
    Site(&'static crate::registry::FnSite),
    /// A name given as text.
    Text(&'a str),
}

impl SpanName<'_> {
    pub(crate) fn get(&self) -> &str {
        match self {
            SpanName::Site(site) => site.name(),
            SpanName::Text(text) => text,
        }
    }
}

/// What a span is started from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SpanSpec<'a> {
    pub(crate) name: SpanName<'a>,
    pub(crate) op: &'a str,
    pub(crate) kind: SpanKind,
    pub(crate) sample_rate: Option<f32>,
}

/// A span the toolkit started and must finish.
///
/// `current` is `None` while the span is entered: it then lives in the thread-local.
#[derive(Debug)]
pub(crate) struct ActiveSpan {
    pub(crate) current: Option<Current>,
    /// The hub a transaction was started on. Sentry applies the scope of whatever hub is
    /// current when a transaction finishes; a future dropped on another thread must still
    /// finish with its own task's scope.
    pub(crate) hub: Option<Arc<Hub>>,
}

enum Decision {
    Skip,
    Child(Current),
    Root(Option<TransactionOrSpan>),
}

impl ActiveSpan {
    /// Starts a span as `spec` says, or returns `None` when nothing is to be recorded.
    #[inline]
    pub(crate) fn start(spec: SpanSpec<'_>) -> Option<ActiveSpan> {
        let from_toolkit = current::with(|parent| {
            let parent = parent?;
            Some(match spec.kind {
                SpanKind::Transaction => Decision::Root(Some(parent.span.clone())),
                _ if !parent.sampled => Decision::Skip,
                _ => Decision::Child(Current {
                    span: parent.span.start_child(spec.op, spec.name.get()).into(),
                    sampled: true,
                }),
            })
        });
        match from_toolkit {
            Some(Decision::Skip) => None,
            Some(Decision::Child(current)) => Some(ActiveSpan::child(current)),
            Some(Decision::Root(parent)) => Some(ActiveSpan::root(spec, parent)),
            None => ActiveSpan::start_from_hub(spec),
        }
    }

    /// Starts a span under `parent` instead of the current span (`#[monitored(parent =
    /// …)]`); with no parent, a new trace. Nothing when no client is enabled.
    pub(crate) fn start_under(
        spec: SpanSpec<'_>,
        parent: Option<&TransactionOrSpan>,
    ) -> Option<ActiveSpan> {
        if !Hub::with_active(|_| true) {
            return None;
        }
        match (spec.kind, parent) {
            (SpanKind::Transaction, parent) | (SpanKind::Auto, parent @ None) => {
                Some(ActiveSpan::root(spec, parent.cloned()))
            }
            (SpanKind::Span, None) => None,
            (SpanKind::Auto | SpanKind::Span, Some(parent)) => {
                if !is_sampled(parent) {
                    return None;
                }
                Some(ActiveSpan::child(Current {
                    span: parent.start_child(spec.op, spec.name.get()).into(),
                    sampled: true,
                }))
            }
        }
    }

    /// No toolkit span is current on this thread: ask the hub.
    #[cold]
    fn start_from_hub(spec: SpanSpec<'_>) -> Option<ActiveSpan> {
        // Inside `PropagationContext::continue_with`, the remote parent comes first.
        if let Some(started) = crate::propagation::span_link::remote_root(spec) {
            return started;
        }
        // `with_active` is the SDK's cheapest "is a client enabled here" check; reading the
        // scope's span needs `configure_scope`, the only public accessor.
        let scope_span =
            Hub::with_active(|hub| Some(hub.configure_scope(|scope| scope.get_span())))?;
        match (spec.kind, scope_span) {
            (SpanKind::Transaction, parent) => Some(ActiveSpan::root(spec, parent)),
            (SpanKind::Auto, None) => Some(ActiveSpan::root(spec, None)),
            (SpanKind::Span, None) => None,
            (SpanKind::Auto | SpanKind::Span, Some(parent)) => {
                if !is_sampled(&parent) {
                    return None;
                }
                Some(ActiveSpan::child(Current {
                    span: parent.start_child(spec.op, spec.name.get()).into(),
                    sampled: true,
                }))
            }
        }
    }

    fn child(current: Current) -> ActiveSpan {
        ActiveSpan {
            current: Some(current),
            hub: None,
        }
    }

    fn root(spec: SpanSpec<'_>, parent: Option<TransactionOrSpan>) -> ActiveSpan {
        let name = spec.name.get();
        let ctx = match parent {
            Some(parent) => TransactionContext::continue_from_span(name, spec.op, Some(parent)),
            None => TransactionContext::new(name, spec.op),
        };
        ActiveSpan::root_from_context(spec, ctx)
    }

    /// A transaction started from `ctx` (which names it and says where it continues).
    pub(crate) fn root_from_context(spec: SpanSpec<'_>, mut ctx: TransactionContext) -> ActiveSpan {
        if let Some(rate) = spec.sample_rate {
            ctx.custom_insert(
                FUNCTION_SAMPLE_RATE_KEY.to_owned(),
                Value::from(f64::from(rate)),
            );
        }
        let hub = Hub::current();
        let transaction = hub.start_transaction(ctx);
        let span = TransactionOrSpan::from(transaction);
        let sampled = is_sampled(&span);
        ActiveSpan {
            current: Some(Current { span, sampled }),
            hub: Some(hub),
        }
    }

    /// The span, while it is not entered.
    pub(crate) fn span(&self) -> Option<&TransactionOrSpan> {
        self.current.as_ref().map(|c| &c.span)
    }

    /// Whether the span will be sent: data that is costly to compute is skipped otherwise.
    pub(crate) fn is_sampled(&self) -> bool {
        self.current.as_ref().is_some_and(|c| c.sampled)
    }
}

/// Finishes a span with `status`, unless a status was set explicitly before.
///
/// `force` overrides an explicit status: a panic is an internal error whatever the body
/// said before it panicked.
pub(crate) fn finish(current: Current, hub: Option<Arc<Hub>>, status: SpanStatus, force: bool) {
    let span = current.span;
    if force || span.get_status().is_none() {
        span.set_status(status);
    }
    match hub {
        Some(hub) if !Arc::ptr_eq(&hub, &Hub::current()) => Hub::run(hub, || span.finish()),
        _ => span.finish(),
    }
}

/// A span link to `target` (Sentry's span links: trace id, span id, sampled), as span
/// data; the SDK's span type has no field for links.
pub(crate) fn link_of(target: &TransactionOrSpan) -> Value {
    let trace = match target {
        TransactionOrSpan::Transaction(tx) => tx.get_trace_context(),
        TransactionOrSpan::Span(span) => sentry::protocol::TraceContext {
            span_id: span.get_span_id(),
            ..span.get_trace_context()
        },
    };
    link_to(trace.trace_id, trace.span_id, Some(is_sampled(target)))
}

/// A span link to the span `span_id` of trace `trace_id`.
pub(crate) fn link_to(
    trace_id: sentry::protocol::TraceId,
    span_id: sentry::protocol::SpanId,
    sampled: Option<bool>,
) -> Value {
    serde_json::json!({
        "trace_id": trace_id.to_string(),
        "span_id": span_id.to_string(),
        "sampled": sampled,
        "attributes": { "sentry.link.type": "follows_from" },
    })
}

/// The SDK's sampling decision for a span.
///
/// `is_sampled` is deprecated because a deferred decision also reads `false`; for the
/// toolkit that is the right answer: a span that will not be sent need not be recorded.
#[allow(deprecated)]
pub(crate) fn is_sampled(span: &TransactionOrSpan) -> bool {
    span.is_sampled()
}
