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
/// line, an event, an outgoing request), the same at every read. Four words (no more than
/// the SDK's span handle), so that moving the current span in and out of the
/// thread-local stays cheap.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unrecorded {
    origin: Origin,
    serial: RootSerial,
}

/// Where an unrecorded root's trace comes from, and the decision it propagates.
#[derive(Clone, Copy, Debug)]
enum Origin {
    /// It heads its trace (its id is the serial's): propagation then records its
    /// decision for the trace's dynamic sampling context.
    Head {
        /// The monitored function that started it (its name is the DSC's `transaction`).
        site: Option<&'static crate::registry::FnSite>,
        /// The rate the head decided at; NaN when unknown.
        rate: f32,
        sampled: Decision,
    },
    /// It continues a trace from upstream.
    Upstream {
        trace_id: TraceId,
        sampled: Decision,
    },
}

/// `Option<bool>` in one byte that leaves room for the enclosing enums' tags.
#[derive(Clone, Copy, Debug)]
enum Decision {
    NotSampled,
    Sampled,
    Deferred,
}

impl Decision {
    fn of(sampled: Option<bool>) -> Decision {
        match sampled {
            Some(false) => Decision::NotSampled,
            Some(true) => Decision::Sampled,
            None => Decision::Deferred,
        }
    }
}

impl Unrecorded {
    /// A root that heads its trace, started by `site` at `rate` (NaN when unknown).
    pub(crate) fn head(
        serial: RootSerial,
        site: Option<&'static crate::registry::FnSite>,
        rate: f32,
        sampled: Option<bool>,
    ) -> Unrecorded {
        Unrecorded {
            origin: Origin::Head {
                site,
                rate,
                sampled: Decision::of(sampled),
            },
            serial,
        }
    }

    /// A root continuing the trace `trace_id` from upstream.
    pub(crate) fn continuing(
        serial: RootSerial,
        trace_id: TraceId,
        sampled: Option<bool>,
    ) -> Unrecorded {
        Unrecorded {
            origin: Origin::Upstream {
                trace_id,
                sampled: Decision::of(sampled),
            },
            serial,
        }
    }

    pub(crate) fn trace_id(&self) -> TraceId {
        match self.origin {
            Origin::Head { .. } => self.serial.trace_id(),
            Origin::Upstream { trace_id, .. } => trace_id,
        }
    }

    pub(crate) fn span_id(&self) -> SpanId {
        self.serial.span_id()
    }

    /// The decision it propagates: `Some(false)` not sampled, `None` deferred (tracing is
    /// off where the trace started, so a service downstream decides).
    pub(crate) fn sampled(&self) -> Option<bool> {
        let (Origin::Head { sampled, .. } | Origin::Upstream { sampled, .. }) = self.origin;
        match sampled {
            Decision::NotSampled => Some(false),
            Decision::Sampled => Some(true),
            Decision::Deferred => None,
        }
    }

    /// When it heads its trace: the function that started it and the head's rate (NaN
    /// when unknown).
    pub(crate) fn head_of_trace(&self) -> Option<(Option<&'static crate::registry::FnSite>, f32)> {
        match self.origin {
            Origin::Head { site, rate, .. } => Some((site, rate)),
            Origin::Upstream { .. } => None,
        }
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
            Current::Unsampled(span) => match span.sampled() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_span_is_five_words() {
        // Moved in and out of the thread-local on every enter and leave: an unrecorded
        // root is no bigger than the SDK's span handle, the largest variant.
        assert!(std::mem::size_of::<Unrecorded>() <= std::mem::size_of::<TransactionOrSpan>());
        assert!(std::mem::size_of::<Option<Current>>() <= 40);
    }

    #[test]
    fn an_unrecorded_root_reads_the_same_ids_every_time() {
        let serial = super::super::ids::root_serial();
        let head = Unrecorded::head(serial, None, 0.1, Some(false));
        assert_eq!(head.trace_id(), head.trace_id());
        assert_eq!(head.span_id(), serial.span_id());
        assert_eq!(head.sampled(), Some(false));
        assert_eq!(head.head_of_trace().map(|(_, rate)| rate), Some(0.1));
        let upstream = TraceId::from([7; 16]);
        let continuing = Unrecorded::continuing(serial, upstream, None);
        assert_eq!(continuing.trace_id(), upstream);
        assert_eq!(continuing.span_id(), head.span_id());
        assert_eq!(continuing.sampled(), None);
        assert!(continuing.head_of_trace().is_none());
    }
}
