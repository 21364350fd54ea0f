//! Starting and finishing the toolkit's spans: the sampling decision comes first, and
//! nothing is built for a span that will not be sent.
//!
//! The parent is, in order: an explicit one, the toolkit's current span on this thread,
//! else the span on the current hub's scope (a `sentry-tower` request transaction, a
//! `sentry-tracing` span, or one set by hand). Then:
//!
//! | parent | the new span |
//! |---|---|
//! | none, or `transaction` | a root: the sampler decides; sampled, a [`Trace`] of the toolkit's; not sampled, ids only ([`Unrecorded`]) |
//! | a toolkit span, recorded | a record in its trace |
//! | a toolkit span, not recorded | nothing: the parent stays current |
//! | an SDK span, client built by the toolkit | a record in a graft, merged into the SDK's transaction (`graft.rs`) |
//! | an SDK span, plain client | an SDK child span (`start_child`), when the parent is sampled |
//!
//! The sampler is the toolkit's own under a client the toolkit built (`tracer.rs`), called
//! with the name and the function's rate instead of a `TransactionContext`. Under a plain
//! client the function's `sample_rate` replaces the client's rate or sampler, so that it
//! holds under any client.

use std::sync::Arc;

use sentry::protocol::{SpanId, SpanStatus, TraceId};
use sentry::{Client, Hub, TracesSamplingStrategy, TransactionContext, TransactionOrSpan};

use super::current::{self, Current, Sampling, Unrecorded, is_sampled};
use super::graft::{self, Under};
use super::ids;
use super::spec::{SpanKind, SpanSpec};
use super::tail::Pending;
use super::trace::{EXTERNAL, Head, Keep, Record, Sink, Trace};
use super::tracer::{self, TracerState};
use crate::trace_context::headers::TraceParent;

/// The trace a root continues: a span in another service (extracted from incoming
/// headers) or a span of this process.
#[derive(Debug, Clone)]
pub(crate) struct Upstream {
    pub(crate) trace_id: TraceId,
    pub(crate) parent_span_id: SpanId,
    /// The upstream decision; `None` when it was deferred.
    pub(crate) sampled: Option<bool>,
}

/// A span the toolkit started and must finish (or, not recorded, only leave).
#[derive(Debug)]
pub(crate) struct ActiveSpan {
    pub(crate) current: Current,
}

impl ActiveSpan {
    /// Starts a span as `spec` says, or returns `None` when nothing is to be made current.
    #[inline]
    pub(crate) fn start(spec: SpanSpec<'_>) -> Option<ActiveSpan> {
        if !current::is_set() {
            return start_from_hub(spec);
        }
        // The common case under an unsampled root: nothing to start, nothing to move.
        if current::is_unrecorded() && spec.kind() != SpanKind::Transaction {
            return None;
        }
        match current::with(|parent| parent.map(|parent| start_under(spec, parent))) {
            Some(started) => started,
            None => start_from_hub(spec),
        }
    }

    /// Starts a span under an explicit parent, whatever is current.
    pub(crate) fn start_with_parent(spec: SpanSpec<'_>, parent: &Parent) -> Option<ActiveSpan> {
        match parent {
            Parent::Current => ActiveSpan::start(spec),
            Parent::Span(current) => start_under(spec, current),
            Parent::Remote(upstream) => {
                let hub = Hub::current();
                let client = hub.client()?;
                let tracer = tracer::of(&hub, &client)?;
                root(spec, Some(upstream.clone()), &hub, &client, tracer.as_ref())
            }
            Parent::None => {
                let hub = Hub::current();
                let client = hub.client()?;
                let tracer = tracer::of(&hub, &client)?;
                if spec.kind() == SpanKind::Span {
                    return None;
                }
                root(spec, None, &hub, &client, tracer.as_ref())
            }
        }
    }

    /// Whether the span is recorded: data that is costly to compute is skipped otherwise.
    #[inline]
    pub(crate) fn is_recording(&self) -> bool {
        self.current.is_recording()
    }
}

/// An explicit parent for a new span.
#[derive(Debug, Clone)]
pub(crate) enum Parent {
    /// The usual lookup: the current span, else the scope's.
    Current,
    /// A span of this process (a toolkit span, or an SDK span).
    Span(Current),
    /// A span in another service.
    Remote(Upstream),
    /// No parent: a new trace.
    None,
}

/// The span under the toolkit span `parent`.
fn start_under(spec: SpanSpec<'_>, parent: &Current) -> Option<ActiveSpan> {
    if spec.kind() == SpanKind::Transaction {
        let upstream = upstream_of(parent);
        let hub = Hub::current();
        let client = hub.client()?;
        let tracer = tracer::of(&hub, &client)?;
        return root(spec, Some(upstream), &hub, &client, tracer.as_ref());
    }
    let current = match parent {
        Current::Recorded(node) => {
            Current::Recorded(node.trace.start_child(node.index, spec.names())?)
        }
        Current::Unsampled(_) => return None,
        Current::Sdk(span) => {
            if !is_sampled(span) {
                return None;
            }
            Current::Sdk(span.start_child(spec.op_str(), spec.name_str()).into())
        }
    };
    Some(ActiveSpan { current })
}

/// What `span::active` calls when no toolkit span is current: `Some(started)` when a
/// remote parent is in effect (a transaction continuing it, or nothing for
/// [`SpanKind::Span`] or without a client), `None` to carry on as usual.
#[inline]
fn remote_root(spec: SpanSpec<'_>) -> Option<Option<ActiveSpan>> {
    let parent = super::remote()?;
    if spec.kind() == SpanKind::Span {
        return Some(None);
    }
    Some(ActiveSpan::start_with_parent(
        spec,
        &Parent::Remote(Upstream::from(parent)),
    ))
}

impl From<TraceParent> for Upstream {
    fn from(parent: TraceParent) -> Self {
        Upstream {
            trace_id: parent.trace_id,
            parent_span_id: parent.span_id,
            sampled: parent.sampled,
        }
    }
}

/// No toolkit span is current on this thread: the hub decides.
#[inline]
fn start_from_hub(spec: SpanSpec<'_>) -> Option<ActiveSpan> {
    // Inside `PropagationContext::continue_with`, the remote parent comes first.
    if let Some(started) = remote_root(spec) {
        return started;
    }
    let hub = Hub::current();
    let client = hub.client()?;
    let tracer = tracer::of(&hub, &client)?;
    // Under the toolkit's sampler, the scope can only hold a span once some SDK
    // transaction was started; until then its read is skipped.
    let scope_may_hold_a_span = match &tracer {
        Some(tracer) if tracer.sampler.is_some() => crate::sampling::sdk_transactions_seen(),
        _ => true,
    };
    if scope_may_hold_a_span {
        return start_from_scope(spec, &hub, &client, tracer.as_ref());
    }
    match spec.kind() {
        SpanKind::Span => None,
        SpanKind::Auto | SpanKind::Transaction => root(spec, None, &hub, &client, tracer.as_ref()),
    }
}

/// The scope may hold an SDK span: it is the parent.
#[inline(never)]
fn start_from_scope(
    spec: SpanSpec<'_>,
    hub: &Arc<Hub>,
    client: &Arc<Client>,
    tracer: Option<&Arc<TracerState>>,
) -> Option<ActiveSpan> {
    let scope_parent = hub.configure_scope(|scope| scope.get_span());
    match (spec.kind(), scope_parent) {
        (SpanKind::Span, None) => None,
        (SpanKind::Transaction, Some(parent)) => {
            let upstream = upstream_of_sdk(&parent);
            root(spec, Some(upstream), hub, client, tracer)
        }
        (SpanKind::Auto | SpanKind::Transaction, None) => root(spec, None, hub, client, tracer),
        (SpanKind::Auto | SpanKind::Span, Some(parent)) => {
            child_of_sdk(spec, parent, tracer.is_some())
        }
    }
}

/// A child of the SDK span `parent`.
fn child_of_sdk(
    spec: SpanSpec<'_>,
    parent: TransactionOrSpan,
    graftable: bool,
) -> Option<ActiveSpan> {
    if graftable {
        return match graft::child_of(parent, spec) {
            Under::Child(node) => Some(ActiveSpan {
                current: Current::Recorded(node),
            }),
            Under::Unsampled | Under::Lost => None,
        };
    }
    if !is_sampled(&parent) {
        return None;
    }
    Some(ActiveSpan {
        current: Current::Sdk(parent.start_child(spec.op_str(), spec.name_str()).into()),
    })
}

/// A root: decides sampling, then builds a trace only if it is recorded.
#[inline(always)]
fn root(
    spec: SpanSpec<'_>,
    upstream: Option<Upstream>,
    hub: &Arc<Hub>,
    client: &Arc<Client>,
    tracer: Option<&Arc<TracerState>>,
) -> Option<ActiveSpan> {
    let parent_sampled = upstream.as_ref().and_then(|up| up.sampled);
    // `None`: tracing is disabled for this client.
    let rate = match tracer {
        Some(tracer) => tracer
            .sampler
            .as_ref()
            .map(|sampler| sampler.rate_of(|| spec.name_str(), parent_sampled, spec.sample_rate())),
        None => plain_client_rate(client, &spec, upstream.as_ref()),
    };
    // Nothing random is drawn: the decision and the ids derive from the root's serial.
    let serial = ids::root_serial();
    let sampled = rate.is_some_and(|rate| serial.sample(f64::from(rate)));
    let upstream_trace = upstream.as_ref().map(|up| up.trace_id);
    let parent_span_id = upstream.as_ref().map(|up| up.parent_span_id);
    // Not sampled, but tail sampling records it anyway (and decides at its end).
    let tail = match tracer {
        Some(tracer) if !sampled && rate.is_some() && tracer.tail.is_on() => Some(tracer.tail),
        _ => None,
    };
    if !sampled && tail.is_none() {
        return Some(ActiveSpan {
            current: Current::Unsampled({
                let sampled = match rate {
                    Some(_) => Some(false),
                    None => parent_sampled,
                };
                match upstream_trace {
                    None => {
                        Unrecorded::head(serial, spec.site(), rate.unwrap_or(f32::NAN), sampled)
                    }
                    Some(trace_id) => Unrecorded::continuing(serial, trace_id, sampled),
                }
            }),
        });
    }
    let node = Trace::transaction(
        upstream_trace.unwrap_or_else(|| serial.trace_id()),
        serial.span_seed(),
        Head {
            keep: if sampled {
                Keep::Sampled
            } else {
                Keep::Pending
            },
            sample_rate: rate.unwrap_or(f32::NAN),
        },
        Sink::Transaction {
            client: client.clone(),
            hub: hub.clone(),
            tracer: tracer.cloned(),
            parent_span_id,
        },
        Record::new(EXTERNAL, spec.names()),
        tail.map(Pending::new),
    );
    if let Some(tail) = tail {
        node.trace.register_pending(tail.budget());
    }
    Some(ActiveSpan {
        current: Current::Recorded(node),
    })
}

/// The rate of a root under a client the toolkit did not build: the parent's decision,
/// then the function's `sample_rate`, then the client's own rate or sampler. `None` when
/// the client has tracing disabled.
fn plain_client_rate(
    client: &Client,
    spec: &SpanSpec<'_>,
    upstream: Option<&Upstream>,
) -> Option<f32> {
    let parent = upstream.and_then(|up| up.sampled);
    match &client.options().traces_sampling_strategy {
        TracesSamplingStrategy::FixedRate(rate) => Some(match (parent, spec.sample_rate()) {
            (Some(parent), _) => f32::from(parent),
            (None, Some(function)) => function,
            (None, None) => *rate,
        }),
        TracesSamplingStrategy::Function(sampler) => Some(match (parent, spec.sample_rate()) {
            (Some(parent), Some(_)) => f32::from(parent),
            (None, Some(function)) => function,
            // The client's sampler sees what the SDK would show it.
            (_, None) => {
                let mut ctx = match upstream {
                    Some(up) => TransactionContext::new_with_details(
                        spec.name_str(),
                        spec.op_str(),
                        up.trace_id,
                        None,
                        Some(up.parent_span_id),
                    ),
                    None => TransactionContext::new(spec.name_str(), spec.op_str()),
                };
                ctx.set_sampled(parent);
                sampler(&ctx)
            }
        }),
        _ => None,
    }
}

/// What a root under the toolkit span `parent` continues.
pub(crate) fn upstream_of(parent: &Current) -> Upstream {
    Upstream {
        trace_id: parent.trace_id(),
        parent_span_id: parent.span_id(),
        sampled: match parent.sampling() {
            Sampling::Sampled => Some(true),
            Sampling::NotSampled => Some(false),
            Sampling::Deferred => None,
        },
    }
}

/// What a root under the SDK span `parent` continues.
fn upstream_of_sdk(parent: &TransactionOrSpan) -> Upstream {
    let context = parent.get_trace_context();
    let parent_span_id = match parent {
        TransactionOrSpan::Transaction(_) => context.span_id,
        TransactionOrSpan::Span(span) => span.get_span_id(),
    };
    Upstream {
        trace_id: context.trace_id,
        parent_span_id,
        sampled: Some(is_sampled(parent)),
    }
}

/// Finishes a span with `status`, unless a status was set explicitly before.
///
/// `force` overrides an explicit status: a panic is an internal error whatever the body
/// said before it panicked.
pub(crate) fn finish(current: Current, status: SpanStatus, force: bool) {
    match current {
        Current::Recorded(node) => {
            if let Some(done) = node.finish(status, force) {
                super::transaction::finish(done);
            }
        }
        Current::Unsampled(_) => {}
        Current::Sdk(span) => {
            if force || span.get_status().is_none() {
                span.set_status(status);
            }
            span.finish();
        }
    }
}
