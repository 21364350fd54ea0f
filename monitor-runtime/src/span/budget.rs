//! Tail sampling's memory budget: what pending traces hold, process-wide, and the oldest
//! pending traces closed when a charge takes it over. A leaf of the span layer: it knows a
//! pending trace only as something it can [`Evict`], so the recorder (`trace.rs`) charges
//! it and the tail decision (`tail.rs`) reads it without either importing the other's
//! internals. Nothing waits: the lock is held for a push or a pop.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, Weak};

use sentry::protocol::Value;

use crate::sampling::TailSampling;

/// The tail state of one pending toolkit trace.
#[derive(Debug)]
pub(crate) struct Pending {
    pub(crate) settings: TailSampling,
    error: AtomicBool,
}

impl Pending {
    pub(crate) fn new(settings: TailSampling) -> Pending {
        Pending {
            settings,
            error: AtomicBool::new(false),
        }
    }

    /// An error event was captured inside the trace.
    pub(crate) fn note_error(&self) {
        self.error.store(true, Ordering::Relaxed);
    }

    /// Whether an error event was captured inside the trace.
    pub(crate) fn error(&self) -> bool {
        self.error.load(Ordering::Relaxed)
    }
}

/// A pending trace, as the budget sees it.
pub(crate) trait Evict: Send + Sync {
    /// Closes the trace and frees its records; returns the bytes it had charged, or `None`
    /// when it was closed already (sent, or evicted before).
    fn evict(&self) -> Option<usize>;
}

/// Bytes charged by pending traces.
static HELD: AtomicUsize = AtomicUsize::new(0);
/// Pending traces, oldest first (dead entries are skipped and pruned).
static QUEUE: Mutex<VecDeque<Weak<dyn Evict>>> = Mutex::new(VecDeque::new());
/// Pending traces not finished or dropped yet.
static LIVE: AtomicUsize = AtomicUsize::new(0);

static DROPPED_OVER_BUDGET: AtomicU64 = AtomicU64::new(0);
static SPANS_OVER_CAP: AtomicU64 = AtomicU64::new(0);

fn queue() -> MutexGuard<'static, VecDeque<Weak<dyn Evict>>> {
    QUEUE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Enters a new pending trace, which has recorded `first` bytes as charged, and charges
/// them.
pub(crate) fn register(trace: Weak<dyn Evict>, first: usize, budget: usize) {
    LIVE.fetch_add(1, Ordering::Relaxed);
    {
        let mut queue = queue();
        // Finished traces leave dead entries behind; prune them when they outnumber the
        // live ones, so the queue stays proportional to what is pending.
        if queue.len() > 2 * LIVE.load(Ordering::Relaxed) + 64 {
            queue.retain(|entry| entry.strong_count() > 0);
        }
        queue.push_back(trace);
    }
    charge(first, budget);
}

/// Charges `bytes` to the budget (the trace recorded them as charged already), then drops
/// the oldest pending traces until the budget holds.
pub(crate) fn charge(bytes: usize, budget: usize) {
    if bytes == 0 {
        return;
    }
    let held = HELD.fetch_add(bytes, Ordering::Relaxed) + bytes;
    if held > budget {
        evict_until(budget);
    }
}

#[cold]
fn evict_until(budget: usize) {
    while HELD.load(Ordering::Relaxed) > budget {
        let Some(oldest) = queue().pop_front() else {
            return;
        };
        let Some(trace) = oldest.upgrade() else {
            continue;
        };
        if let Some(charged) = trace.evict() {
            DROPPED_OVER_BUDGET.fetch_add(1, Ordering::Relaxed);
            release(charged);
        }
    }
}

/// Gives back what a pending trace charged, when it is finished or dropped.
pub(crate) fn release(charged: usize) {
    HELD.fetch_sub(charged, Ordering::Relaxed);
    LIVE.fetch_sub(1, Ordering::Relaxed);
}

/// A span a pending trace could not keep: over its cap.
pub(crate) fn span_over_cap() {
    SPANS_OVER_CAP.fetch_add(1, Ordering::Relaxed);
}

/// Pending traces not finished or dropped yet.
pub(crate) fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Bytes charged by pending traces.
pub(crate) fn held() -> usize {
    HELD.load(Ordering::Relaxed)
}

/// Pending traces dropped to keep the budget.
pub(crate) fn dropped_over_budget() -> u64 {
    DROPPED_OVER_BUDGET.load(Ordering::Relaxed)
}

/// Spans pending traces could not keep.
pub(crate) fn spans_over_cap() -> u64 {
    SPANS_OVER_CAP.load(Ordering::Relaxed)
}

/// About what a value costs in memory.
pub(crate) fn approximate_size(value: &Value) -> usize {
    match value {
        Value::String(text) => 24 + text.len(),
        Value::Array(items) => 24 + items.iter().map(approximate_size).sum::<usize>(),
        Value::Object(map) => {
            24 + map
                .iter()
                .map(|(key, value)| 24 + key.len() + approximate_size(value))
                .sum::<usize>()
        }
        _ => 16,
    }
}
