//! An in-memory destination for tests: keeps every envelope the client sends.
//!
//! Unlike the other destinations it has no queue and no thread of its own: the preparation
//! stage stores each prepared envelope directly, so once the client is flushed (or closed,
//! as the `testing` helpers do) everything sent is here, exactly as it would be delivered.

use std::sync::{Arc, Mutex, PoisonError};

use sentry::Envelope;

/// Keeps every envelope handed to it, in order, until [`CaptureSink::take`]n.
///
/// ```
/// use monitor_runtime::transport::capture::CaptureSink;
///
/// let sink = CaptureSink::new();
/// assert!(sink.take().is_empty());
/// ```
#[derive(Debug, Default)]
pub struct CaptureSink {
    envelopes: Mutex<Vec<Envelope>>,
}

impl CaptureSink {
    /// Creates an empty sink, shared between the transport and the test.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Removes and returns everything captured so far, oldest first.
    pub fn take(&self) -> Vec<Envelope> {
        std::mem::take(&mut *self.lock())
    }

    /// How many envelopes are waiting to be taken.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether nothing is waiting to be taken.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    pub(crate) fn push(&self, envelope: Envelope) {
        self.lock().push(envelope);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Envelope>> {
        // A test that panicked while holding the lock must not hide what was captured.
        self.envelopes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
