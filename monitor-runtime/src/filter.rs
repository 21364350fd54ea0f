//! Which events are not worth sending.
//!
//! Runs in `before_send`, before scrubbing: events below the profile's level floor, events
//! about an HTTP 4xx response (the client's mistake, not the service's), and events whose
//! error type is on the ignore list are dropped and counted by reason.

use std::sync::atomic::{AtomicU64, Ordering};

use sentry::Level;
use sentry::protocol::{Context, Event};
use serde::Serialize;

/// Why an event was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DropReason {
    BelowLevel,
    ClientError,
    IgnoredType,
}

/// Counts of events the filter dropped, by reason.
#[derive(Debug, Default)]
pub struct FilterStats {
    below_level: AtomicU64,
    client_error: AtomicU64,
    ignored_type: AtomicU64,
}

/// A snapshot of [`FilterStats`], as the health report shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FilterSnapshot {
    /// Events below the level floor (`SENTRY_ENVIRONMENT`'s profile, or `min_event_level`).
    pub below_level: u64,
    /// Events about an HTTP 4xx response.
    pub http_4xx: u64,
    /// Events whose error type is on the ignore list.
    pub ignored_error_type: u64,
}

impl FilterStats {
    /// Reads the counters.
    pub fn snapshot(&self) -> FilterSnapshot {
        FilterSnapshot {
            below_level: self.below_level.load(Ordering::Relaxed),
            http_4xx: self.client_error.load(Ordering::Relaxed),
            ignored_error_type: self.ignored_type.load(Ordering::Relaxed),
        }
    }

    fn count(&self, reason: DropReason) {
        let counter = match reason {
            DropReason::BelowLevel => &self.below_level,
            DropReason::ClientError => &self.client_error,
            DropReason::IgnoredType => &self.ignored_type,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// The event filter configured at `init`.
#[derive(Debug)]
pub(crate) struct EventFilter {
    pub(crate) min_level: Level,
    pub(crate) ignored_types: Vec<String>,
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
        None
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
    fn counts_by_reason() {
        let stats = FilterStats::default();
        let f = filter();
        assert!(f.apply(event(Level::Info), &stats).is_none());
        assert!(f.apply(event(Level::Error), &stats).is_some());
        assert_eq!(stats.snapshot().below_level, 1);
    }
}
