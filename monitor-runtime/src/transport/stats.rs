//! Counters of what each destination delivered or lost, and why.
//!
//! Counting is per *envelope*: one `capture_message` is one envelope, whatever number of items
//! (event, attachments, a client report riding along) it carries. Every envelope handed to a
//! destination ends up in exactly one counter: `sent` or one `dropped` reason.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;

/// Why a destination lost an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum DropReason {
    /// The destination's bounded queue was full when the envelope arrived.
    QueueFull,
    /// Connecting, sending or reading the response failed or timed out.
    NetworkError,
    /// The server answered with an error status (other than 429), or the envelope could not be
    /// serialised.
    SendError,
    /// Sentry rate limits: either a 429 answer, or a limit still in force so no request was made.
    RateLimited,
    /// Still queued (or in flight) when the shutdown deadline passed.
    Shutdown,
    /// Skipped because the Spotlight sidecar failed recently and we are backing off.
    SpotlightUnavailable,
    /// The events file could not be opened or written.
    IoError,
}

impl DropReason {
    const ALL: [DropReason; 7] = [
        DropReason::QueueFull,
        DropReason::NetworkError,
        DropReason::SendError,
        DropReason::RateLimited,
        DropReason::Shutdown,
        DropReason::SpotlightUnavailable,
        DropReason::IoError,
    ];

    /// The stable name used in snapshots and the health report.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DropReason::QueueFull => "queue_full",
            DropReason::NetworkError => "network_error",
            DropReason::SendError => "send_error",
            DropReason::RateLimited => "rate_limited",
            DropReason::Shutdown => "shutdown",
            DropReason::SpotlightUnavailable => "spotlight_unavailable",
            DropReason::IoError => "io_error",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Live counters of one destination. Cheap to update from any thread.
#[derive(Debug)]
pub(crate) struct DestinationStats {
    name: &'static str,
    sent: AtomicU64,
    dropped: [AtomicU64; DropReason::ALL.len()],
    last_error: Mutex<Option<String>>,
}

impl DestinationStats {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            sent: AtomicU64::new(0),
            dropped: [const { AtomicU64::new(0) }; DropReason::ALL.len()],
            last_error: Mutex::new(None),
        }
    }

    pub(crate) fn record_sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn record_dropped(&self, reason: DropReason, count: u64) {
        self.dropped[reason.index()].fetch_add(count, Ordering::Relaxed);
    }

    /// Remembers the latest failure, with any URL password redacted (it is shown in the
    /// health report). Callers must pass text free of DSN keys.
    pub(crate) fn record_error(&self, message: String) {
        let message = match crate::scrub::redact_url_credentials(&message) {
            std::borrow::Cow::Owned(redacted) => redacted,
            std::borrow::Cow::Borrowed(_) => message,
        };
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(message);
    }

    fn snapshot(&self) -> DestinationSnapshot {
        let dropped = DropReason::ALL
            .iter()
            .filter_map(|reason| {
                let count = self.dropped[reason.index()].load(Ordering::Relaxed);
                (count > 0).then(|| (reason.as_str().to_owned(), count))
            })
            .collect();
        DestinationSnapshot {
            name: self.name.to_owned(),
            sent: self.sent.load(Ordering::Relaxed),
            dropped,
            last_error: self
                .last_error
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}

/// Delivery counters of the toolkit's transport, shared with the health report.
///
/// One instance lives for the whole process and survives client re-creation: a destination
/// registered again under the same name keeps counting where it left off.
///
/// ```
/// use monitor_runtime::transport::TransportStats;
///
/// let stats = TransportStats::new();
/// let snapshot = stats.snapshot();
/// assert_eq!(snapshot.total_sent(), 0);
/// assert_eq!(snapshot.total_dropped(), 0);
/// ```
#[derive(Debug, Default)]
pub struct TransportStats {
    destinations: Mutex<Vec<Arc<DestinationStats>>>,
    discarded_by_hook: AtomicU64,
}

impl TransportStats {
    /// Creates empty counters; destinations appear once a transport is built.
    pub fn new() -> Self {
        Self::default()
    }

    /// Returns the counters of `name`, creating them on first use.
    pub(crate) fn destination(&self, name: &'static str) -> Arc<DestinationStats> {
        let mut destinations = self
            .destinations
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(existing) = destinations.iter().find(|d| d.name == name) {
            return Arc::clone(existing);
        }
        let created = Arc::new(DestinationStats::new(name));
        destinations.push(Arc::clone(&created));
        created
    }

    pub(crate) fn record_discarded_by_hook(&self) {
        self.discarded_by_hook.fetch_add(1, Ordering::Relaxed);
    }

    /// A consistent-enough copy of all counters, in the order destinations were created.
    ///
    /// Counters are read one by one while other threads may update them, so a snapshot taken
    /// during traffic can be off by the envelopes in flight; after `flush`/`shutdown` it is exact.
    pub fn snapshot(&self) -> StatsSnapshot {
        let destinations = self
            .destinations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|d| d.snapshot())
            .collect();
        StatsSnapshot {
            destinations,
            discarded_by_hook: self.discarded_by_hook.load(Ordering::Relaxed),
        }
    }
}

/// A point-in-time copy of [`TransportStats`], ready to serialise.
///
/// ```
/// use monitor_runtime::transport::{DestinationSnapshot, StatsSnapshot};
///
/// let snapshot = StatsSnapshot {
///     destinations: vec![DestinationSnapshot {
///         name: "remote".into(),
///         sent: 3,
///         dropped: [("queue_full".to_string(), 2)].into_iter().collect(),
///         last_error: None,
///     }],
///     discarded_by_hook: 0,
/// };
/// assert_eq!(snapshot.total_sent(), 3);
/// assert_eq!(snapshot.total_dropped(), 2);
/// assert_eq!(snapshot.get("remote").map(|d| d.dropped_count("queue_full")), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsSnapshot {
    /// One entry per destination (`remote`, `console`, `events_file`, `spotlight`, `capture`).
    pub destinations: Vec<DestinationSnapshot>,
    /// Envelopes the toolkit's envelope hook (scrubbing) decided not to send at all; they never
    /// reached a destination, so they are not in any destination's counters.
    pub discarded_by_hook: u64,
}

impl StatsSnapshot {
    /// Envelopes delivered, summed over destinations.
    pub fn total_sent(&self) -> u64 {
        self.destinations.iter().map(|d| d.sent).sum()
    }

    /// Envelopes lost for any reason, summed over destinations.
    pub fn total_dropped(&self) -> u64 {
        self.destinations
            .iter()
            .map(DestinationSnapshot::total_dropped)
            .sum()
    }

    /// The destination called `name`, if it exists.
    pub fn get(&self, name: &str) -> Option<&DestinationSnapshot> {
        self.destinations.iter().find(|d| d.name == name)
    }
}

/// Counters of one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DestinationSnapshot {
    /// `remote`, `console`, `events_file`, `spotlight` or `capture`.
    pub name: String,
    /// Envelopes delivered (the server answered 2xx, the line was written, …).
    pub sent: u64,
    /// Envelopes lost, by reason; only reasons that occurred are present. Reasons:
    /// `queue_full`, `network_error`, `send_error`, `rate_limited`, `shutdown`,
    /// `spotlight_unavailable`, `io_error`.
    pub dropped: BTreeMap<String, u64>,
    /// The most recent failure, without DSN keys.
    pub last_error: Option<String>,
}

impl DestinationSnapshot {
    /// Envelopes lost for any reason.
    pub fn total_dropped(&self) -> u64 {
        self.dropped.values().sum()
    }

    /// Envelopes lost for `reason` (0 if none).
    pub fn dropped_count(&self, reason: &str) -> u64 {
        self.dropped.get(reason).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_shared_by_name_and_snapshot_lists_only_seen_reasons() {
        let stats = TransportStats::new();
        let a = stats.destination("remote");
        let again = stats.destination("remote");
        assert!(Arc::ptr_eq(&a, &again));
        a.record_sent();
        a.record_dropped(DropReason::QueueFull, 4);
        again.record_dropped(DropReason::Shutdown, 1);
        a.record_error("HTTP 500".into());
        stats.destination("console").record_sent();

        let snap = stats.snapshot();
        let names: Vec<_> = snap.destinations.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["remote", "console"]);
        let remote = snap.get("remote").unwrap();
        assert_eq!(remote.sent, 1);
        assert_eq!(remote.dropped.len(), 2);
        assert_eq!(remote.dropped_count("queue_full"), 4);
        assert_eq!(remote.dropped_count("shutdown"), 1);
        assert_eq!(remote.last_error.as_deref(), Some("HTTP 500"));
        assert_eq!(snap.total_sent(), 2);
        assert_eq!(snap.total_dropped(), 5);

        let json = serde_json::to_value(&snap).unwrap();
        assert_eq!(json["destinations"][0]["dropped"]["queue_full"], 4);
    }

    #[test]
    fn errors_lose_url_passwords_before_the_health_report_shows_them() {
        let stats = TransportStats::new();
        stats
            .destination("spotlight")
            .record_error("cannot connect to http://spot:sp0t-pw@127.0.0.1:1/stream".into());
        let snap = stats.snapshot();
        assert_eq!(
            snap.get("spotlight").and_then(|d| d.last_error.as_deref()),
            Some("cannot connect to http://spot:[Filtered]@127.0.0.1:1/stream")
        );
    }
}
