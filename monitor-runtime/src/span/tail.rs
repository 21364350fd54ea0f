//! Tail sampling at run time: traces the head did not sample, recorded anyway under a
//! process-wide memory budget, and kept at their end when an error event was captured in
//! them, their status is an error, or they ran longer than the `slow` threshold.
//!
//! Two kinds of roots:
//! - **the toolkit's own** (`#[monitored]`, `PerformanceMonitor`): a `Trace` whose head is
//!   `Keep::Pending`, recorded by the same code as a sampled one; its records are charged to
//!   the budget in chunks, and it is decided when its root finishes
//!   (`transaction::finish`);
//! - **the SDK's** (a `sentry-tower` request): with tail sampling on, the toolkit's sampler
//!   tells the SDK to record every transaction, and remembers which ones its own head
//!   draw did not sample ([`note_sdk`]); when the SDK sends one, the envelope hook decides
//!   ([`decide_envelope`]), after the toolkit's grafts joined it.
//!
//! The budget (`budget.rs`) is shared by every pending toolkit trace; when a charge takes
//! it over, the oldest pending traces are closed and their records freed until it fits
//! again. Nothing waits: the locks are held for a push, a pop or a decision.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use sentry::protocol::{self, Context, Envelope, EnvelopeItem, SpanId, SpanStatus, TraceId};
use serde::Serialize;

use super::budget;
pub(crate) use super::budget::Pending;
use crate::sampling::TailSampling;

/// SDK transactions remembered at most (those never sent are forgotten oldest first).
const MAX_SDK_ENTRIES: usize = 65_536;

/// The tag that marks a transaction kept by tail sampling, and the one saying why.
pub(crate) const TAG: &str = "sampling";
pub(crate) const REASON_TAG: &str = "sampling.reason";

/// Why a trace was kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    Error,
    Status,
    Slow,
}

impl Reason {
    fn as_str(self) -> &'static str {
        match self {
            Reason::Error => "error",
            Reason::Status => "status",
            Reason::Slow => "slow",
        }
    }
}

/// Whether `status` fails the trace, as Sentry's failure rate counts: anything but `ok`,
/// `cancelled` and `unknown`.
fn is_error(status: Option<SpanStatus>) -> bool {
    !matches!(
        status,
        None | Some(SpanStatus::Ok | SpanStatus::Cancelled | SpanStatus::UnknownError)
    )
}

fn decide(
    settings: &TailSampling,
    error: bool,
    status: Option<SpanStatus>,
    start: SystemTime,
    end: Option<SystemTime>,
) -> Option<Reason> {
    if error {
        return Some(Reason::Error);
    }
    if is_error(status) {
        return Some(Reason::Status);
    }
    let slow = settings.slow()?;
    let took = end?.duration_since(start).unwrap_or(Duration::ZERO);
    (took > slow).then_some(Reason::Slow)
}

/// The decision for a finished toolkit trace whose root ended with `status`, having run
/// from `start` to `end`.
pub(crate) fn decide_trace(
    pending: &Pending,
    status: Option<SpanStatus>,
    start: SystemTime,
    end: Option<SystemTime>,
) -> Option<Reason> {
    let reason = decide(&pending.settings, pending.error(), status, start, end);
    count(reason);
    reason
}

/// Marks `transaction` as kept by tail sampling for `reason`.
pub(crate) fn mark(transaction: &mut protocol::Transaction<'static>, reason: Reason) {
    transaction.tags.insert(TAG.to_owned(), "tail".to_owned());
    transaction
        .tags
        .insert(REASON_TAG.to_owned(), reason.as_str().to_owned());
}

static KEPT_ERROR: AtomicU64 = AtomicU64::new(0);
static KEPT_STATUS: AtomicU64 = AtomicU64::new(0);
static KEPT_SLOW: AtomicU64 = AtomicU64::new(0);
static NOT_KEPT: AtomicU64 = AtomicU64::new(0);

fn count(reason: Option<Reason>) {
    let counter = match reason {
        Some(Reason::Error) => &KEPT_ERROR,
        Some(Reason::Status) => &KEPT_STATUS,
        Some(Reason::Slow) => &KEPT_SLOW,
        None => &NOT_KEPT,
    };
    counter.fetch_add(1, Ordering::Relaxed);
}

// ---------------------------------------------------------------------------------------
// SDK transactions.

/// What the toolkit's sampler decided for one SDK transaction.
#[derive(Debug, Clone, Copy)]
struct SdkTransaction {
    span_id: SpanId,
    /// The head's own draw: `true`, the transaction is sent as the SDK's; `false`, it waits
    /// for the tail decision.
    head: bool,
    settings: TailSampling,
}

#[derive(Debug, Default)]
struct SdkTrace {
    error: bool,
    transactions: Vec<SdkTransaction>,
}

#[derive(Debug, Default)]
struct SdkRegistry {
    traces: HashMap<TraceId, SdkTrace>,
    order: VecDeque<TraceId>,
}

static SDK: Mutex<Option<SdkRegistry>> = Mutex::new(None);
/// Whether any client has tail sampling on: without it, events mark nothing.
static ACTIVE: AtomicBool = AtomicBool::new(false);

fn sdk() -> MutexGuard<'static, Option<SdkRegistry>> {
    SDK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Tail sampling is on for some client of this process.
pub(crate) fn activate() {
    ACTIVE.store(true, Ordering::Relaxed);
}

/// Remembers the decision of the toolkit's sampler for an SDK transaction it told the SDK
/// to record.
pub(crate) fn note_sdk(trace_id: TraceId, span_id: SpanId, head: bool, settings: TailSampling) {
    let mut registry = sdk();
    let registry = registry.get_or_insert_with(SdkRegistry::default);
    let entry = registry.traces.entry(trace_id).or_insert_with(|| {
        registry.order.push_back(trace_id);
        SdkTrace::default()
    });
    entry.transactions.push(SdkTransaction {
        span_id,
        head,
        settings,
    });
    while registry.order.len() > MAX_SDK_ENTRIES {
        if let Some(oldest) = registry.order.pop_front() {
            registry.traces.remove(&oldest);
        }
    }
}

/// An error event was captured in trace `trace_id`, inside the toolkit span `current` if
/// any: the trace is kept, whoever records it.
pub(crate) fn note_error(trace_id: TraceId, pending: Option<&Pending>) {
    if let Some(pending) = pending {
        pending.note_error();
    }
    if !ACTIVE.load(Ordering::Relaxed) {
        return;
    }
    if let Some(registry) = sdk().as_mut()
        && let Some(trace) = registry.traces.get_mut(&trace_id)
    {
        trace.error = true;
    }
}

/// Envelopes of one client that tail sampling emptied: each held only SDK transactions its
/// decision did not keep. The health report counts them apart from the envelopes lost
/// (`events.tail_not_kept`): not sending them is what tail sampling is for.
#[derive(Debug, Default)]
pub(crate) struct NotKept(AtomicU64);

impl NotKept {
    fn record(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// How many so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Removes from `envelope` the SDK transactions the head did not sample and tail sampling
/// does not keep; marks those it keeps. `None` when nothing is left to send, counted in
/// `not_kept`.
pub(crate) fn decide_envelope(envelope: Envelope, not_kept: &NotKept) -> Option<Envelope> {
    if !ACTIVE.load(Ordering::Relaxed)
        || !envelope
            .items()
            .any(|item| matches!(item, EnvelopeItem::Transaction(_)))
    {
        return Some(envelope);
    }
    let mut out = Envelope::new().with_headers(envelope.headers().clone());
    let mut kept_any = false;
    for item in envelope.into_items() {
        match item {
            EnvelopeItem::Transaction(mut transaction) => {
                if decide_sdk(&mut transaction) {
                    kept_any = true;
                    out.add_item(EnvelopeItem::Transaction(transaction));
                }
            }
            other => {
                kept_any = true;
                out.add_item(other);
            }
        }
    }
    if !kept_any {
        not_kept.record();
    }
    kept_any.then_some(out)
}

/// `true` to send `transaction`.
fn decide_sdk(transaction: &mut protocol::Transaction<'static>) -> bool {
    let Some(Context::Trace(context)) = transaction.contexts.get("trace") else {
        return true;
    };
    let (trace_id, span_id, status) = (context.trace_id, context.span_id, context.status);
    let (entry, error) = {
        let mut registry = sdk();
        let Some(registry) = registry.as_mut() else {
            return true;
        };
        let Some(trace) = registry.traces.get_mut(&trace_id) else {
            // Not started through a sampler with tail sampling on: the SDK's decision.
            return true;
        };
        let Some(index) = trace.transactions.iter().position(|t| t.span_id == span_id) else {
            return true;
        };
        let entry = trace.transactions.swap_remove(index);
        let error = trace.error;
        if trace.transactions.is_empty() {
            registry.traces.remove(&trace_id);
        }
        (entry, error)
    };
    if entry.head {
        return true;
    }
    let reason = decide(
        &entry.settings,
        error,
        status,
        transaction.start_timestamp,
        transaction.timestamp,
    );
    count(reason);
    match reason {
        Some(reason) => {
            mark(transaction, reason);
            true
        }
        None => false,
    }
}

// ---------------------------------------------------------------------------------------
// Health.

/// What tail sampling did since the process started (all clients together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TailHealth {
    /// Toolkit traces waiting for their decision.
    pub pending_traces: usize,
    /// Bytes they hold of the budget.
    pub pending_bytes: usize,
    /// Traces kept because an error event was captured in them.
    pub kept_error: u64,
    /// Traces kept because their status is an error.
    pub kept_status: u64,
    /// Traces kept because they were slow.
    pub kept_slow: u64,
    /// Traces not kept: no error, not slow.
    pub not_kept: u64,
    /// Pending traces dropped, oldest first, because the budget was full.
    pub dropped_over_budget: u64,
    /// Spans not recorded because their pending trace had reached its cap.
    pub spans_over_cap: u64,
}

/// The counters now.
pub(crate) fn health() -> TailHealth {
    TailHealth {
        pending_traces: budget::live(),
        pending_bytes: budget::held(),
        kept_error: KEPT_ERROR.load(Ordering::Relaxed),
        kept_status: KEPT_STATUS.load(Ordering::Relaxed),
        kept_slow: KEPT_SLOW.load(Ordering::Relaxed),
        not_kept: NOT_KEPT.load(Ordering::Relaxed),
        dropped_over_budget: budget::dropped_over_budget(),
        spans_over_cap: budget::spans_over_cap(),
    }
}
