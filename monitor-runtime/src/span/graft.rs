//! Toolkit spans under a span of the SDK: recorded by the toolkit, merged into the SDK's
//! transaction as it passes the toolkit's transport.
//!
//! Under a `sentry-tower` request transaction or a `sentry-tracing` span, a `#[monitored]`
//! child would otherwise be an SDK span (`start_child` + `finish`: 2,191 instructions and
//! 5 allocations on their own). Instead, each thread keeps one graft per SDK parent it
//! last saw: a [`Trace`] whose records hang under that parent. When the SDK sends the
//! parent's transaction, the toolkit's envelope hook ([`merge`]) appends the grafts'
//! finished records to it, before scrubbing. Only clients built by the toolkit have that
//! hook; under a plain client, children of SDK spans stay SDK spans (`active.rs`).
//!
//! A graft whose transaction is never sent (it was dropped unfinished) waits in the
//! registry until [`MAX_PENDING`] newer grafts push it out.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sentry::TransactionOrSpan;
use sentry::protocol::{self, Context, Envelope, EnvelopeItem, SpanId};

use super::current::is_sampled;
use super::spec::SpanSpec;
use super::trace::{EXTERNAL, MAX_SPANS, Node, Sink, Trace};

/// Grafts waiting for their transaction, at most.
pub(crate) const MAX_PENDING: usize = 1_024;

/// Grafts waiting for their transaction, oldest first.
static PENDING: Mutex<VecDeque<Arc<Trace>>> = Mutex::new(VecDeque::new());
/// `PENDING.len()`, readable without the lock: most envelopes need no merge.
static PENDING_LEN: AtomicUsize = AtomicUsize::new(0);
/// Grafts pushed out of [`PENDING`] before their transaction came.
static EVICTED: AtomicUsize = AtomicUsize::new(0);

/// This thread's last SDK parent and its graft (`None`: the parent is not sampled).
struct Last {
    parent: TransactionOrSpan,
    graft: Option<Arc<Trace>>,
}

thread_local! {
    static LAST: RefCell<Option<Last>> = const { RefCell::new(None) };
}

/// What to do under the SDK span `parent`.
pub(crate) enum Under {
    /// The parent is not sampled: record nothing.
    Unsampled,
    /// A recorded child.
    Child(Node),
    /// The parent's graft is closed or full.
    Lost,
}

/// Starts a recorded child of the SDK span `parent` (sampled or not; the answer is cached
/// per thread with the graft).
#[inline]
pub(crate) fn child_of(parent: TransactionOrSpan, spec: SpanSpec<'_>) -> Under {
    let cached = LAST.try_with(|last| {
        let last = last.try_borrow().ok()?;
        let last = last.as_ref().filter(|last| last.parent == parent)?;
        Some(match &last.graft {
            None => Under::Unsampled,
            Some(graft) => start(Some(graft), spec),
        })
    });
    if let Ok(Some(under)) = cached {
        return under;
    }
    start(new_graft(parent).as_ref(), spec)
}

#[inline]
fn start(graft: Option<&Arc<Trace>>, spec: SpanSpec<'_>) -> Under {
    let Some(graft) = graft else {
        return Under::Unsampled;
    };
    let Sink::Graft { .. } = graft.sink else {
        return Under::Lost;
    };
    match graft.start_child(EXTERNAL, spec.names()) {
        Some(node) => Under::Child(node),
        None => Under::Lost,
    }
}

#[cold]
fn new_graft(parent: TransactionOrSpan) -> Option<Arc<Trace>> {
    let graft = is_sampled(&parent).then(|| {
        let context = parent.get_trace_context();
        let parent_id = match &parent {
            TransactionOrSpan::Transaction(_) => context.span_id,
            TransactionOrSpan::Span(span) => span.get_span_id(),
        };
        let graft = Trace::graft(context.trace_id, parent_id);
        register(graft.clone());
        graft
    });
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(Last {
                parent,
                graft: graft.clone(),
            });
        }
    });
    graft
}

fn pending() -> std::sync::MutexGuard<'static, VecDeque<Arc<Trace>>> {
    PENDING.lock().unwrap_or_else(PoisonError::into_inner)
}

fn register(graft: Arc<Trace>) {
    let mut pending = pending();
    if pending.len() >= MAX_PENDING
        && let Some(oldest) = pending.pop_front()
    {
        oldest.lock().closed = true;
        EVICTED.fetch_add(1, Ordering::Relaxed);
    }
    pending.push_back(graft);
    PENDING_LEN.store(pending.len(), Ordering::Relaxed);
}

/// Grafts evicted before their transaction was sent, since the process started.
#[allow(dead_code)] // Read by health once tail sampling reports its drops there.
pub(crate) fn evicted() -> usize {
    EVICTED.load(Ordering::Relaxed)
}

/// Appends to every transaction in `envelope` the toolkit spans grafted under it. The
/// toolkit's transport calls this before scrubbing, so grafted spans are scrubbed too.
pub(crate) fn merge(envelope: Envelope) -> Envelope {
    if PENDING_LEN.load(Ordering::Relaxed) == 0
        || !envelope
            .items()
            .any(|item| matches!(item, EnvelopeItem::Transaction(_)))
    {
        return envelope;
    }
    let mut out = Envelope::new().with_headers(envelope.headers().clone());
    for item in envelope.into_items() {
        match item {
            EnvelopeItem::Transaction(mut transaction) => {
                merge_into(&mut transaction);
                out.add_item(EnvelopeItem::Transaction(transaction));
            }
            other => out.add_item(other),
        }
    }
    out
}

fn merge_into(transaction: &mut protocol::Transaction<'static>) {
    let Some(Context::Trace(context)) = transaction.contexts.get("trace") else {
        return;
    };
    let (trace_id, root_id) = (context.trace_id, context.span_id);
    let grafts: Vec<Arc<Trace>> = {
        let mut pending = pending();
        let mut mine = Vec::new();
        pending.retain(|graft| {
            let here = graft.trace_id == trace_id;
            if here {
                mine.push(graft.clone());
            }
            !here
        });
        PENDING_LEN.store(pending.len(), Ordering::Relaxed);
        mine
    };
    if grafts.is_empty() {
        return;
    }
    let mut known: HashSet<SpanId> = transaction.spans.iter().map(|s| s.span_id).collect();
    known.insert(root_id);
    let mut others = Vec::new();
    for graft in grafts {
        let Sink::Graft { sdk_parent } = graft.sink else {
            continue;
        };
        if !known.contains(&sdk_parent) {
            // Another transaction of the same trace (a nested SDK transaction).
            others.push(graft);
            continue;
        }
        let records = {
            let mut buffer = graft.lock();
            buffer.closed = true;
            std::mem::take(&mut buffer.records)
        };
        let room = (MAX_SPANS + 1).saturating_sub(transaction.spans.len());
        // A span finished after its transaction is lost, as the SDK loses it; comparing
        // end times keeps that true however late the transport prepares the envelope.
        let ended_by = transaction.timestamp;
        transaction.spans.extend(
            (0..)
                .zip(records)
                .filter(|(_, record)| {
                    record
                        .end
                        .is_some_and(|end| ended_by.is_none_or(|ended| end <= ended))
                })
                .take(room)
                .map(|(index, record)| super::transaction::span(&graft, index, record)),
        );
    }
    if !others.is_empty() {
        let mut pending = pending();
        for graft in others {
            pending.push_back(graft);
        }
        PENDING_LEN.store(pending.len(), Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::ids;
    use crate::span::trace::Names;

    #[test]
    fn the_oldest_grafts_are_evicted_past_the_bound() {
        let first = Trace::graft(ids::root_serial().trace_id(), ids::root_serial().span_id());
        register(first.clone());
        let evicted_before = evicted();
        for _ in 0..MAX_PENDING {
            register(Trace::graft(
                ids::root_serial().trace_id(),
                ids::root_serial().span_id(),
            ));
        }
        assert!(first.lock().closed, "the oldest graft was closed");
        assert!(evicted() > evicted_before);
        assert!(PENDING_LEN.load(Ordering::Relaxed) <= MAX_PENDING);
        // A closed graft records nothing more.
        assert!(
            first
                .start_child(
                    EXTERNAL,
                    Names::Text(Box::new(("op".into(), "name".into())))
                )
                .is_none()
        );
    }

    #[test]
    fn envelopes_without_pending_grafts_pass_unchanged() {
        let envelope = Envelope::new();
        let merged = merge(envelope);
        assert_eq!(merged.items().count(), 0);
    }
}
