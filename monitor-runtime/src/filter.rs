//! Which events and transactions are not worth sending.
//!
//! Events are filtered in `before_send`, before scrubbing: events below the profile's
//! level floor, events about an HTTP 4xx response (the client's mistake, not the
//! service's), events whose error type is on the ignore list (`Config::ignore_error_type`)
//! and events matching an `ignore_errors` pattern are dropped.
//!
//! Transactions are filtered on their way to the transport (the SDK has no hook for
//! them): those whose name matches an `ignore_transactions` pattern or is a health check
//! ([`HEALTH_CHECK_PATTERNS`], unless turned off) are dropped, then the user's
//! `before_send_transaction` hook runs.
//!
//! Everything dropped is counted by reason, for the health report.

use std::sync::atomic::{AtomicU64, Ordering};

use sentry::Level;
use sentry::protocol::{Context, Envelope, EnvelopeItem, Event, Transaction};
use serde::Serialize;

use crate::pattern::{PatternList, wildcard_match};
use crate::settings::BeforeSendTransaction;

/// Transaction names treated as health checks, dropped unless
/// `SENTRY_IGNORE_HEALTH_CHECKS=false`: a last path segment `health`, `healthz`,
/// `healthcheck`, `healthy`, `live`, `livez`, `ready`, `readyz`, `heartbeat` or `ping`
/// (`GET /health`, `GET /api/healthz`), the list sentry-javascript ignores by default plus
/// Kubernetes' `livez`/`readyz` and `ping`.
pub(crate) const HEALTH_CHECK_PATTERNS: [&str; 10] = [
    "*/health",
    "*/healthz",
    "*/healthcheck",
    "*/healthy",
    "*/live",
    "*/livez",
    "*/ready",
    "*/readyz",
    "*/heartbeat",
    "*/ping",
];

/// Whether `name` is a health check's transaction name ([`HEALTH_CHECK_PATTERNS`]).
pub(crate) fn is_health_check(name: &str) -> bool {
    HEALTH_CHECK_PATTERNS
        .iter()
        .any(|pattern| wildcard_match(pattern.as_bytes(), name.as_bytes()))
}

/// Why an event or a transaction was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropReason {
    BelowLevel,
    ClientError,
    IgnoredType,
    IgnoredError,
    IgnoredTransaction,
    TransactionHook,
}

/// Counts of events and transactions the filters dropped, by reason.
#[derive(Debug, Default)]
pub(crate) struct FilterStats {
    below_level: AtomicU64,
    client_error: AtomicU64,
    ignored_type: AtomicU64,
    ignored_error: AtomicU64,
    ignored_transaction: AtomicU64,
    transaction_hook: AtomicU64,
}

/// How many events and transactions the filters dropped since init, by reason, as the
/// health report shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FilterSnapshot {
    /// Events below the level floor (`SENTRY_ENVIRONMENT`'s profile, or `min_event_level`).
    pub below_level: u64,
    /// Events about an HTTP 4xx response.
    pub http_4xx: u64,
    /// Events whose error type is on the ignore list.
    pub ignored_error_type: u64,
    /// Events matching an `ignore_errors` pattern.
    pub ignored_error: u64,
    /// Transactions matching an `ignore_transactions` pattern, or health checks.
    pub ignored_transaction: u64,
    /// Transactions the `before_send_transaction` hook dropped.
    pub before_send_transaction: u64,
}

impl FilterSnapshot {
    /// Transactions dropped, whatever the reason.
    pub fn transactions(&self) -> u64 {
        self.ignored_transaction + self.before_send_transaction
    }
}

impl FilterStats {
    /// Reads the counters.
    pub fn snapshot(&self) -> FilterSnapshot {
        FilterSnapshot {
            below_level: self.below_level.load(Ordering::Relaxed),
            http_4xx: self.client_error.load(Ordering::Relaxed),
            ignored_error_type: self.ignored_type.load(Ordering::Relaxed),
            ignored_error: self.ignored_error.load(Ordering::Relaxed),
            ignored_transaction: self.ignored_transaction.load(Ordering::Relaxed),
            before_send_transaction: self.transaction_hook.load(Ordering::Relaxed),
        }
    }

    fn count(&self, reason: DropReason) {
        let counter = match reason {
            DropReason::BelowLevel => &self.below_level,
            DropReason::ClientError => &self.client_error,
            DropReason::IgnoredType => &self.ignored_type,
            DropReason::IgnoredError => &self.ignored_error,
            DropReason::IgnoredTransaction => &self.ignored_transaction,
            DropReason::TransactionHook => &self.transaction_hook,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The event filter configured at `init`.
#[derive(Debug)]
pub(crate) struct EventFilter {
    pub(crate) min_level: Level,
    pub(crate) ignored_types: Vec<String>,
    pub(crate) ignored_errors: PatternList,
}

impl EventFilter {
    /// `Some(reason)` when `event` must not be sent.
    pub(crate) fn check(&self, event: &Event<'_>) -> Option<DropReason> {
        if event.level < self.min_level {
            return Some(DropReason::BelowLevel);
        }
        if http_status(event).is_some_and(|status| (400..500).contains(&status)) {
            return Some(DropReason::ClientError);
        }
        if event
            .exception
            .values
            .iter()
            .any(|e| self.ignored_types.contains(&e.ty))
        {
            return Some(DropReason::IgnoredType);
        }
        if !self.ignored_errors.is_empty() && self.matches_ignored_error(event) {
            return Some(DropReason::IgnoredError);
        }
        None
    }

    /// Whether an exception's type, its message, `type: message`, or the event's message
    /// matches an `ignore_errors` pattern.
    fn matches_ignored_error(&self, event: &Event<'_>) -> bool {
        let patterns = &self.ignored_errors;
        let exception = event.exception.values.iter().any(|e| {
            let value = e.value.as_deref().unwrap_or_default();
            patterns.matches(&e.ty)
                || (!value.is_empty()
                    && (patterns.matches(value) || patterns.matches(&format!("{}: {value}", e.ty))))
        });
        exception
            || event
                .message
                .as_deref()
                .is_some_and(|m| patterns.matches(m))
            || event
                .logentry
                .as_ref()
                .is_some_and(|entry| patterns.matches(&entry.message))
    }

    /// Applies the filter and counts what it drops.
    pub(crate) fn apply(
        &self,
        event: Event<'static>,
        stats: &FilterStats,
    ) -> Option<Event<'static>> {
        match self.check(&event) {
            Some(reason) => {
                stats.count(reason);
                None
            }
            None => Some(event),
        }
    }
}

/// The transaction filter configured at `init`.
pub(crate) struct TransactionFilter {
    pub(crate) ignored: PatternList,
    pub(crate) health_checks: bool,
    pub(crate) hook: Option<BeforeSendTransaction>,
}

impl TransactionFilter {
    /// Whether this filter can drop or change anything.
    fn is_active(&self) -> bool {
        !self.ignored.is_empty() || self.health_checks || self.hook.is_some()
    }

    fn check(
        &self,
        transaction: Box<Transaction<'static>>,
    ) -> Result<Box<Transaction<'static>>, DropReason> {
        let name = transaction.name.as_deref().unwrap_or_default();
        if self.ignored.matches(name) || (self.health_checks && is_health_check(name)) {
            return Err(DropReason::IgnoredTransaction);
        }
        match &self.hook {
            Some(hook) => hook(*transaction)
                .map(Box::new)
                .ok_or(DropReason::TransactionHook),
            None => Ok(transaction),
        }
    }

    /// Filters the transactions of `envelope`, counting what it drops; `None` when nothing
    /// is left to send. Envelopes without a transaction pass untouched.
    pub(crate) fn apply(&self, envelope: Envelope, stats: &FilterStats) -> Option<Envelope> {
        let has_transaction = envelope
            .items()
            .any(|item| matches!(item, EnvelopeItem::Transaction(_)));
        if !has_transaction || !self.is_active() {
            return Some(envelope);
        }
        let mut kept = Envelope::new().with_headers(envelope.headers().clone());
        let mut any = false;
        for item in envelope.into_items() {
            let item = match item {
                EnvelopeItem::Transaction(transaction) => match self.check(transaction) {
                    Ok(transaction) => EnvelopeItem::Transaction(transaction),
                    Err(reason) => {
                        stats.count(reason);
                        continue;
                    }
                },
                other => other,
            };
            kept.add_item(item);
            any = true;
        }
        any.then_some(kept)
    }
}

impl std::fmt::Debug for TransactionFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransactionFilter")
            .field("ignored", &self.ignored)
            .field("health_checks", &self.health_checks)
            .field("hook", &self.hook.as_ref().map(|_| "<fn>"))
            .finish()
    }
}

/// The HTTP status an event is about: the `status_code` tag, else the response context.
fn http_status(event: &Event<'_>) -> Option<u64> {
    if let Some(tag) = event.tags.get("status_code") {
        return tag.trim().parse().ok();
    }
    match event.contexts.get("response") {
        Some(Context::Response(response)) => response.status_code,
        Some(Context::Other(map)) => map.get("status_code").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{Exception, ResponseContext};

    fn filter() -> EventFilter {
        EventFilter {
            min_level: Level::Error,
            ignored_types: vec!["Cancelled".to_owned()],
            ignored_errors: PatternList::parse("ConnectionReset;*broken pipe*;Timeout: upstream*"),
        }
    }

    fn event(level: Level) -> Event<'static> {
        Event {
            level,
            ..Event::default()
        }
    }

    #[test]
    fn level_floor() {
        assert_eq!(
            filter().check(&event(Level::Info)),
            Some(DropReason::BelowLevel)
        );
        assert_eq!(
            filter().check(&event(Level::Warning)),
            Some(DropReason::BelowLevel)
        );
        assert_eq!(filter().check(&event(Level::Error)), None);
        assert_eq!(filter().check(&event(Level::Fatal)), None);
    }

    #[test]
    fn http_4xx_dropped_5xx_kept() {
        for (status, dropped) in [
            ("404", true),
            ("403", true),
            ("422", true),
            ("500", false),
            ("503", false),
        ] {
            let mut e = event(Level::Error);
            e.tags.insert("status_code".into(), status.into());
            assert_eq!(filter().check(&e).is_some(), dropped, "status {status}");
        }
        let mut e = event(Level::Error);
        e.contexts.insert(
            "response".into(),
            Context::Response(Box::new(ResponseContext {
                status_code: Some(404),
                ..ResponseContext::default()
            })),
        );
        assert_eq!(filter().check(&e), Some(DropReason::ClientError));
    }

    #[test]
    fn ignore_list() {
        let mut e = event(Level::Error);
        e.exception = vec![Exception {
            ty: "Cancelled".into(),
            ..Exception::default()
        }]
        .into();
        assert_eq!(filter().check(&e), Some(DropReason::IgnoredType));
        e.exception.values[0].ty = "Timeout".into();
        assert_eq!(filter().check(&e), None);
    }

    #[test]
    fn ignore_errors_matches_type_message_or_both() {
        let exception = |ty: &str, value: &str| {
            let mut e = event(Level::Error);
            e.exception = vec![Exception {
                ty: ty.into(),
                value: Some(value.into()),
                ..Exception::default()
            }]
            .into();
            e
        };
        let f = filter();
        assert_eq!(
            f.check(&exception("ConnectionReset", "peer")),
            Some(DropReason::IgnoredError)
        );
        assert_eq!(
            f.check(&exception("io::Error", "write: broken pipe (os 32)")),
            Some(DropReason::IgnoredError)
        );
        assert_eq!(
            f.check(&exception("Timeout", "upstream took 5s")),
            Some(DropReason::IgnoredError)
        );
        assert_eq!(f.check(&exception("Timeout", "database took 5s")), None);
        let mut message = event(Level::Error);
        message.message = Some("write failed: broken pipe".into());
        assert_eq!(f.check(&message), Some(DropReason::IgnoredError));
    }

    fn transaction(name: &str) -> Transaction<'static> {
        Transaction {
            name: Some(name.into()),
            ..Transaction::default()
        }
    }

    fn envelope_of(name: &str) -> Envelope {
        let mut envelope = Envelope::new();
        envelope.add_item(transaction(name));
        envelope
    }

    #[test]
    fn transactions_are_dropped_by_pattern_health_check_and_hook() {
        let stats = FilterStats::default();
        let filter = TransactionFilter {
            ignored: PatternList::parse("GET /metrics"),
            health_checks: true,
            hook: Some(std::sync::Arc::new(|mut t: Transaction<'static>| {
                if t.name.as_deref() == Some("GET /secret") {
                    return None;
                }
                t.tags.insert("hooked".into(), "yes".into());
                Some(t)
            })),
        };
        assert!(filter.apply(envelope_of("GET /metrics"), &stats).is_none());
        assert!(filter.apply(envelope_of("GET /healthz"), &stats).is_none());
        assert!(filter.apply(envelope_of("GET /secret"), &stats).is_none());
        let kept = filter.apply(envelope_of("GET /api"), &stats).unwrap();
        let Some(EnvelopeItem::Transaction(t)) = kept.items().next() else {
            panic!("no transaction");
        };
        assert_eq!(t.tags["hooked"], "yes");
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.ignored_transaction, 2);
        assert_eq!(snapshot.before_send_transaction, 1);
        let off = TransactionFilter {
            ignored: PatternList::default(),
            health_checks: false,
            hook: None,
        };
        assert!(off.apply(envelope_of("GET /healthz"), &stats).is_some());
    }

    #[test]
    fn counts_by_reason() {
        let stats = FilterStats::default();
        let f = filter();
        assert!(f.apply(event(Level::Info), &stats).is_none());
        assert!(f.apply(event(Level::Error), &stats).is_some());
        assert_eq!(stats.snapshot().below_level, 1);
    }
}
