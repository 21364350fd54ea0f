//! Counters of what each destination delivered or lost, and why.
//!
//! Counting is per *envelope*: one `capture_message` is one envelope, whatever number of items
//! (event, attachments, a client report riding along) it carries. Every envelope handed to a
//! destination ends up in exactly one counter: `sent` or one `dropped` reason.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

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

/// Where a queue reports what became of the envelopes it accepted.
///
/// A destination's queue reports into its own [`DestinationStats`]; the preparation stage in
/// front of all destinations reports into a [`FanOut`], because an envelope it loses is lost
/// for every destination.
pub(crate) trait Ledger: Send + Sync {
    /// One envelope was delivered.
    fn record_sent(&self);
    /// `count` envelopes were lost for `reason`.
    fn record_dropped(&self, reason: DropReason, count: u64);
    /// Remembers the latest failure. Callers must pass text free of secrets.
    fn record_error(&self, message: String);
}

/// Live counters of one destination. Cheap to update from any thread.
#[derive(Debug)]
pub(crate) struct DestinationStats {
    name: &'static str,
    sent: AtomicU64,
    dropped: [AtomicU64; DropReason::ALL.len()],
    /// The latest failure and when it happened.
    last_error: Mutex<Option<(String, SystemTime)>>,
    /// When the latest delivery succeeded, in milliseconds since the Unix epoch; 0: never.
    last_success_ms: AtomicU64,
}

impl DestinationStats {
    fn new(name: &'static str) -> Self {
        Self {
            name,
            sent: AtomicU64::new(0),
            dropped: [const { AtomicU64::new(0) }; DropReason::ALL.len()],
            last_error: Mutex::new(None),
            last_success_ms: AtomicU64::new(0),
        }
    }

    /// Counted as sent by the destination itself, not by the stage in front of it.
    fn snapshot(&self) -> DestinationSnapshot {
        let dropped = DropReason::ALL
            .iter()
            .filter_map(|reason| {
                let count = self.dropped[reason.index()].load(Ordering::Relaxed);
                (count > 0).then(|| (reason.as_str().to_owned(), count))
            })
            .collect();
        let last_error = self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let last_success_ms = self.last_success_ms.load(Ordering::Relaxed);
        DestinationSnapshot {
            name: self.name.to_owned(),
            sent: self.sent.load(Ordering::Relaxed),
            dropped,
            last_error_at: last_error.as_ref().map(|(_, at)| rfc3339(*at)),
            last_error: last_error.map(|(message, _)| message),
            last_success_at: (last_success_ms > 0)
                .then(|| rfc3339(UNIX_EPOCH + std::time::Duration::from_millis(last_success_ms))),
        }
    }
}

impl Ledger for DestinationStats {
    fn record_sent(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
        let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| {
            u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
        });
        self.last_success_ms.fetch_max(now_ms, Ordering::Relaxed);
    }

    fn record_dropped(&self, reason: DropReason, count: u64) {
        self.dropped[reason.index()].fetch_add(count, Ordering::Relaxed);
    }

    /// Keeps the latest failure with any URL password redacted: it is shown in the health
    /// report.
    fn record_error(&self, message: String) {
        let message = match crate::scrub::redact_url_credentials(&message) {
            std::borrow::Cow::Owned(redacted) => redacted,
            std::borrow::Cow::Borrowed(_) => message,
        };
        *self
            .last_error
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((message, SystemTime::now()));
    }
}

/// The ledger of the preparation stage: what it loses, every destination loses.
#[derive(Debug)]
pub(crate) struct FanOut(pub(crate) Vec<Arc<DestinationStats>>);

impl Ledger for FanOut {
    /// Handing an envelope on is not delivering it: each destination counts its own.
    fn record_sent(&self) {}

    fn record_dropped(&self, reason: DropReason, count: u64) {
        for destination in &self.0 {
            destination.record_dropped(reason, count);
        }
    }

    fn record_error(&self, message: String) {
        for destination in &self.0 {
            destination.record_error(message.clone());
        }
    }
}

/// `time` as an RFC 3339 UTC timestamp with milliseconds: `2026-11-21T22:01:16.033Z`.
pub(crate) fn rfc3339(time: SystemTime) -> String {
    let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm), in unsigned form:
    // the epoch shift keeps every intermediate value non-negative for dates after 1970.
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3_600,
        rem % 3_600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Delivery counters of the toolkit's transport, shared with the health report.
///
/// One instance lives for the whole process and survives client re-creation: a destination
/// registered again under the same name keeps counting where it left off.
///
/// ```
/// use monitor_runtime::transport::TransportStats;
///
/// let stats = TransportStats::default();
/// let snapshot = stats.snapshot();
/// assert_eq!(snapshot.total_sent(), 0);
/// assert_eq!(snapshot.total_dropped(), 0);
/// ```
#[derive(Debug, Default)]
pub struct TransportStats {
    destinations: Mutex<Vec<Arc<DestinationStats>>>,
    received: AtomicU64,
    discarded_by_hook: AtomicU64,
}

impl TransportStats {
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

    pub(crate) fn record_received(&self) {
        self.received.fetch_add(1, Ordering::Relaxed);
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
            received: self.received.load(Ordering::Relaxed),
            discarded_by_hook: self.discarded_by_hook.load(Ordering::Relaxed),
        }
    }
}

/// A point-in-time copy of [`TransportStats`], ready to serialise: what
/// [`MonitorGuard::transport_stats`](crate::MonitorGuard::transport_stats) reports and the
/// health report shows.
///
/// ```no_run
/// let monitor = monitor_runtime::init!()?;
/// let snapshot = monitor.transport_stats().snapshot();
/// println!("{} sent, {} dropped", snapshot.total_sent(), snapshot.total_dropped());
/// if let Some(remote) = snapshot.get("remote") {
///     println!("queue full: {}", remote.dropped_count("queue_full"));
/// }
/// # Ok::<(), monitor_runtime::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StatsSnapshot {
    /// One entry per destination (`remote`, `console`, `events_file`, `spotlight`, `capture`).
    pub destinations: Vec<DestinationSnapshot>,
    /// Envelopes the application produced and handed to the transport. For every
    /// destination, `sent + Σ dropped + discarded_by_hook == received` once the transport has
    /// been flushed or shut down.
    pub received: u64,
    /// Envelopes the toolkit's envelope hook decided not to send at all; they never reached a
    /// destination, so they are not in any destination's counters.
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

    /// The one line the toolkit prints at shutdown: envelopes produced, then per destination
    /// how many were delivered and how many were not, by reason:
    ///
    /// ```text
    /// 200 envelopes produced; remote: 180 delivered, 20 not delivered (network_error: 5, shutdown: 15)
    /// ```
    pub fn summary(&self) -> String {
        let mut line = format!("{} envelopes produced", self.received);
        if self.discarded_by_hook > 0 {
            let _ = write!(
                line,
                ", {} discarded before sending",
                self.discarded_by_hook
            );
        }
        for destination in &self.destinations {
            let lost = destination.total_dropped();
            let _ = write!(
                line,
                "; {}: {} delivered, {lost} not delivered",
                destination.name, destination.sent
            );
            if lost > 0 {
                let reasons: Vec<String> = destination
                    .dropped
                    .iter()
                    .map(|(reason, count)| format!("{reason}: {count}"))
                    .collect();
                let _ = write!(line, " ({})", reasons.join(", "));
            }
        }
        line
    }
}

/// Counters of one destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
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
    /// When [`last_error`](Self::last_error) happened (RFC 3339, UTC).
    pub last_error_at: Option<String>,
    /// When the latest delivery succeeded (RFC 3339, UTC): later than `last_error_at` once
    /// the destination has recovered.
    pub last_success_at: Option<String>,
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

    fn remote(sent: u64, dropped: &[(&str, u64)]) -> DestinationSnapshot {
        DestinationSnapshot {
            name: "remote".into(),
            sent,
            dropped: dropped.iter().map(|&(r, n)| (r.to_owned(), n)).collect(),
            last_error: None,
            last_error_at: None,
            last_success_at: None,
        }
    }

    #[test]
    fn totals_and_lookup_by_destination() {
        let snapshot = StatsSnapshot {
            destinations: vec![remote(3, &[("queue_full", 2)])],
            received: 5,
            discarded_by_hook: 0,
        };
        assert_eq!(snapshot.total_sent(), 3);
        assert_eq!(snapshot.total_dropped(), 2);
        assert_eq!(
            snapshot
                .get("remote")
                .map(|d| d.dropped_count("queue_full")),
            Some(2)
        );
    }

    #[test]
    fn summary_line() {
        let snapshot = StatsSnapshot {
            destinations: vec![remote(180, &[("shutdown", 15), ("network_error", 5)])],
            received: 200,
            discarded_by_hook: 0,
        };
        assert_eq!(
            snapshot.summary(),
            "200 envelopes produced; remote: 180 delivered, 20 not delivered (network_error: 5, shutdown: 15)"
        );
    }

    #[test]
    fn destinations_are_shared_by_name_and_snapshot_lists_only_seen_reasons() {
        let stats = TransportStats::default();
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
        let stats = TransportStats::default();
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
