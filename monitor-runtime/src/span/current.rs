//! The toolkit span that is current on this thread.
//!
//! Sentry keeps its current span on the hub's scope, and writing it there costs a scope
//! clone and an allocation per write (`configure_scope`). Doing that around every poll of
//! every monitored future is what made the naive approach misparent spans under tokio, and
//! forking a hub per call instead makes breadcrumbs copy-on-write. The toolkit keeps its
//! own current span in a thread-local instead, moved in before a body runs or a future is
//! polled and moved out right after, so that concurrent tasks sharing a worker thread never
//! see each other's span. See `ARCHITECTURE.md` for the measurements behind this choice.

use std::cell::Cell;
use std::mem::ManuallyDrop;

use sentry::TransactionOrSpan;
use sentry::protocol::{SpanId, SpanStatus, TraceContext, TraceId};

use super::ids::RootSerial;
use super::trace::{Keep, Node, Sink};

/// A span made current by the toolkit.
#[derive(Clone, Debug)]
pub(crate) enum Current {
    /// Recorded by the toolkit: sampled, or pending a tail decision.
    Recorded(Node),
    /// Not recorded: only its ids, for logs, errors and propagation. Its children record
    /// nothing and leave it current.
    Unsampled(Unrecorded),
    /// A span of the SDK: a child of an SDK span under a client the toolkit did not build.
    Sdk(TransactionOrSpan),
}

/// A span that is not recorded, and what a trace continuing it must know.
///
/// Its ids are not drawn: they derive from its serial when something reads them (a log
/// line, an event, an outgoing request), the same at every read.
#[derive(Clone, Debug)]
pub(crate) struct Unrecorded {
    /// The trace it continues; `None` when it heads its own, whose id is its serial's.
    pub(crate) upstream: Option<TraceId>,
    pub(crate) serial: RootSerial,
    /// The head's decision: `Some(false)` not sampled, `None` deferred (tracing is off
    /// where the trace started, so a service downstream decides).
    pub(crate) sampled: Option<bool>,
    /// The rate the head decided at; NaN when unknown.
    pub(crate) sample_rate: f32,
    /// The monitored function that started the root (its name is the DSC's
    /// `transaction`).
    pub(crate) site: Option<&'static crate::registry::FnSite>,
    /// Whether this root heads its trace (it continues no upstream span): propagation
    /// then records its decision for the trace's dynamic sampling context.
    pub(crate) head: bool,
}

impl Unrecorded {
    pub(crate) fn trace_id(&self) -> TraceId {
        self.upstream.unwrap_or_else(|| self.serial.trace_id())
    }

    pub(crate) fn span_id(&self) -> SpanId {
        self.serial.span_id()
    }
}

/// Whether a span's trace is sent: what propagation tells the services downstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// The trace is recorded and sent.
    Sampled,
    /// The trace is not sent.
    NotSampled,
    /// No decision yet: tracing is off where the trace started, or its root records it
    /// and decides at its end (tail sampling).
    Deferred,
}

impl Current {
    /// Whether spans and data are recorded under this span.
    #[inline]
    pub(crate) fn is_recording(&self) -> bool {
        match self {
            Current::Recorded(_) => true,
            Current::Unsampled(_) => false,
            Current::Sdk(span) => is_sampled(span),
        }
    }

    pub(crate) fn trace_id(&self) -> TraceId {
        match self {
            Current::Recorded(node) => node.trace.trace_id,
            Current::Unsampled(span) => span.trace_id(),
            Current::Sdk(span) => span.get_trace_context().trace_id,
        }
    }

    pub(crate) fn span_id(&self) -> SpanId {
        match self {
            Current::Recorded(node) => node.span_id(),
            Current::Unsampled(span) => span.span_id(),
            Current::Sdk(TransactionOrSpan::Transaction(tx)) => tx.get_trace_context().span_id,
            Current::Sdk(TransactionOrSpan::Span(span)) => span.get_span_id(),
        }
    }

    /// The trace's sampling decision, as propagated downstream.
    pub(crate) fn sampling(&self) -> Sampling {
        match self {
            // A trace tail sampling records propagates its head's decision: downstream
            // services keep theirs.
            Current::Recorded(node) => match node.trace.head.keep {
                Keep::Pending => Sampling::NotSampled,
                Keep::Sampled => Sampling::Sampled,
            },
            Current::Unsampled(span) => match span.sampled {
                Some(true) => Sampling::Sampled,
                Some(false) => Sampling::NotSampled,
                None => Sampling::Deferred,
            },
            Current::Sdk(span) => sdk_sampling(span),
        }
    }

    /// The trace context an event captured inside this span should carry.
    pub(crate) fn trace_context(&self) -> TraceContext {
        match self {
            Current::Recorded(node) => TraceContext {
                span_id: node.span_id(),
                trace_id: node.trace.trace_id,
                parent_span_id: match &node.trace.sink {
                    Sink::Transaction { parent_span_id, .. } if node.index == 0 => *parent_span_id,
                    _ => None,
                },
                ..TraceContext::default()
            },
            Current::Unsampled(span) => TraceContext {
                span_id: span.span_id(),
                trace_id: span.trace_id(),
                ..TraceContext::default()
            },
            Current::Sdk(TransactionOrSpan::Transaction(tx)) => tx.get_trace_context(),
            Current::Sdk(TransactionOrSpan::Span(span)) => {
                // The SDK exposes a child span's id but not its op or parent; Sentry links
                // an event to its span by trace and span id.
                TraceContext {
                    span_id: span.get_span_id(),
                    trace_id: span.get_trace_context().trace_id,
                    ..TraceContext::default()
                }
            }
        }
    }

    /// Sets the span's status (it then finishes with it).
    pub(crate) fn set_status(&self, status: SpanStatus) {
        match self {
            Current::Recorded(node) => node.set_status(status),
            Current::Unsampled(_) => {}
            Current::Sdk(span) => span.set_status(status),
        }
    }
}

/// The decision an SDK span propagates: `is_sampled` cannot tell "not sampled" from
/// "deferred", the `sentry-trace` header it would send can.
fn sdk_sampling(span: &TransactionOrSpan) -> Sampling {
    if is_sampled(span) {
        return Sampling::Sampled;
    }
    let header = span.iter_headers().next().map(|(_, value)| value);
    match header.as_deref().and_then(|value| value.rsplit('-').next()) {
        Some("0") => Sampling::NotSampled,
        Some("1") => Sampling::Sampled,
        _ => Sampling::Deferred,
    }
}

/// This thread's current span. A type without drop glue, so that reaching it is a plain
/// thread-local access (no destructor registration to check on every call): a span still
/// current when the thread exits is leaked, which only a guard leaked with `mem::forget`
/// can cause. A `Cell` rather than a `RefCell`: swapping, the hot operation, is then two
/// plain moves (measured: a `RefCell` here costs an unsampled root 70 instructions more).
struct Slot {
    /// What `current` holds: one load answers the common questions "is anything
    /// current" and "is it an unrecorded span" without moving the span.
    kind: Cell<Held>,
    current: Cell<ManuallyDrop<Option<Current>>>,
}

/// What a thread's slot holds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Held {
    Nothing,
    Unrecorded,
    Other,
}

impl Held {
    #[inline]
    fn of(current: &Option<Current>) -> Held {
        match current {
            None => Held::Nothing,
            Some(Current::Unsampled(_)) => Held::Unrecorded,
            Some(_) => Held::Other,
        }
    }
}

thread_local! {
    static SLOT: Slot = const {
        Slot {
            kind: Cell::new(Held::Nothing),
            current: Cell::new(ManuallyDrop::new(None)),
        }
    };
}

/// Makes `new` current and returns what was current before.
///
/// Callers restore the returned value with another `swap`, strictly nested, which is
/// what every guard and future wrapper in this module does (also while unwinding).
#[inline]
pub(crate) fn swap(new: Option<Current>) -> Option<Current> {
    SLOT.with(|slot| {
        slot.kind.set(Held::of(&new));
        ManuallyDrop::into_inner(slot.current.replace(ManuallyDrop::new(new)))
    })
}

/// Runs `f` with a borrow of the current span, without cloning it.
///
/// `f` must not make another span current (the span is moved out while `f` runs and put
/// back after, also when `f` panics; a span `f` left current would be leaked, never
/// dropped); the callers only start children or read ids.
#[inline]
pub(crate) fn with<R>(f: impl FnOnce(Option<&Current>) -> R) -> R {
    if !is_set() {
        return f(None);
    }
    let restore = Restore(SLOT.with(|slot| ManuallyDrop::into_inner(slot.current.take())));
    f(restore.0.as_ref())
}

/// Puts a borrowed current span back, also when the borrower panics.
struct Restore(Option<Current>);

impl Drop for Restore {
    #[inline]
    fn drop(&mut self) {
        let value = self.0.take();
        // The slot holds nothing while borrowed (the contract of `with`), so there is
        // nothing to drop: writing over it skips the drop of an enum holding `Arc`s.
        SLOT.with(|slot| slot.current.set(ManuallyDrop::new(value)));
    }
}

/// Whether a toolkit span is current on this thread.
#[inline]
pub(crate) fn is_set() -> bool {
    SLOT.with(|slot| slot.kind.get() != Held::Nothing)
}

/// Whether the current toolkit span is one that records nothing (its children record
/// nothing either).
#[inline]
pub(crate) fn is_unrecorded() -> bool {
    SLOT.with(|slot| slot.kind.get() == Held::Unrecorded)
}

/// A clone of the current toolkit span, if any.
pub(crate) fn get() -> Option<Current> {
    with(|c| c.cloned())
}

/// The SDK's sampling decision for a span.
///
/// `is_sampled` is deprecated because a deferred decision also reads `false`; for the
/// toolkit that is the right answer: a span that will not be sent need not be recorded.
#[allow(deprecated)]
pub(crate) fn is_sampled(span: &TransactionOrSpan) -> bool {
    span.is_sampled()
}
