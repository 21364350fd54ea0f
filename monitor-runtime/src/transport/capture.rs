//! An in-memory destination for tests: keeps every envelope the client sends.
//!
//! Unlike the other destinations it has no queue and no thread of its own: the preparation
//! stage stores each prepared envelope directly, so once the client is flushed (or closed,
//! as the `testing` helpers do) everything sent is here, exactly as it would be delivered.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use sentry::Envelope;

/// Keeps every envelope handed to it, in order, until [`CaptureSink::take`]n.
#[derive(Debug)]
pub struct CaptureSink {
    envelopes: Mutex<Vec<Envelope>>,
    /// `false` for benchmarks: envelopes are only counted, so millions of calls do not
    /// keep gigabytes.
    keep: bool,
    received: AtomicU64,
}

impl CaptureSink {
    /// Creates an empty sink, shared between the transport and the test.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::with_keep(true))
    }

    /// Creates a sink that counts envelopes and drops them, for benchmarks.
    pub fn discarding() -> Arc<Self> {
        Arc::new(Self::with_keep(false))
    }

    fn with_keep(keep: bool) -> Self {
        Self {
            envelopes: Mutex::new(Vec::new()),
            keep,
            received: AtomicU64::new(0),
        }
    }

    /// How many envelopes reached the sink since it was created, kept or not.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    /// Removes and returns everything captured so far, oldest first.
    pub fn take(&self) -> Vec<Envelope> {
        std::mem::take(&mut *self.lock())
    }

    /// Whether nothing is waiting to be taken.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub(crate) fn push(&self, envelope: Envelope) {
        self.received.fetch_add(1, Ordering::Relaxed);
        if self.keep {
            self.lock().push(envelope);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Envelope>> {
        // A test that panicked while holding the lock must not hide what was captured.
        self.envelopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
