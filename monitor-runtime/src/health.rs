//! The monitoring health report, for a `/health/monitoring` endpoint.
//!
//! [`health()`] describes the running toolkit: where events go, what was sent and lost, how
//! logging is set up, and how many functions are instrumented. It serialises to:
//!
//! ```json
//! {
//!   "initialised": true,
//!   "sentry": {
//!     "enabled": true,
//!     "mode": "remote",
//!     "environment": "production",
//!     "release": "crm@1.4.0",
//!     "dsn_configured": true,
//!     "dsn_host": "o1.ingest.sentry.io",
//!     "project_id": "42",
//!     "spotlight": false,
//!     "sample_rate": 1.0,
//!     "traces_sample_rate": 0.1,
//!     "tracing_enabled": true,
//!     "events": {
//!       "sent": 1520,
//!       "dropped": 7,
//!       "dropped_by_reason": { "rate_limited": 4, "below_level": 3 },
//!       "filtered": {
//!         "below_level": 3, "http_4xx": 0, "ignored_error_type": 0, "ignored_error": 0,
//!         "ignored_transaction": 0, "before_send_transaction": 0
//!       },
//!       "discarded_by_hook": 0,
//!       "tail_not_kept": 0,
//!       "received": 1524,
//!       "destinations": [
//!         {
//!           "name": "remote", "sent": 1520, "dropped": { "rate_limited": 4 },
//!           "last_error": "HTTP 429", "last_error_at": "2026-11-21T22:01:16.033Z",
//!           "last_success_at": "2026-11-21T22:03:40.120Z"
//!         }
//!       ]
//!     },
//!     "last_transport_error": "HTTP 429",
//!     "last_transport_error_at": "2026-11-21T22:01:16.033Z",
//!     "last_transport_success_at": "2026-11-21T22:03:40.120Z"
//!   },
//!   "logging": {
//!     "level": "info",
//!     "format": "json",
//!     "structured": true,
//!     "installed": true,
//!     "sentry_logs": false
//!   },
//!   "metrics": { "rejected": 0 },
//!   "tail_sampling": {
//!     "setting": "errors,slow=2s", "pending_traces": 3, "pending_bytes": 98304,
//!     "kept_error": 10, "kept_status": 0, "kept_slow": 2, "not_kept": 988,
//!     "dropped_over_budget": 0, "spans_over_cap": 0
//!   },
//!   "instrumented_functions": 12,
//!   "warnings": []
//! }
//! ```
//!
//! - `mode` is `remote` with a DSN, `spotlight` without one but with Spotlight on, `local`
//!   otherwise (console and events file), and `disabled` before `init`.
//! - `events` counts envelopes, per destination: `sent` and `dropped` sum all destinations,
//!   and `dropped_by_reason` adds the transport's reasons (`queue_full`, `network_error`,
//!   `send_error`, `rate_limited`, `shutdown`, `spotlight_unavailable`, `io_error`) to the
//!   filters' (`below_level`, `http_4xx`, `ignored_error_type`, `ignored_error`,
//!   `ignored_transaction` — health checks included —, `before_send_transaction`), listing
//!   only those seen.
//! - `events.received` counts the envelopes the application produced; for each destination,
//!   `sent + Σ dropped + discarded_by_hook` adds up to it once the transport is flushed
//!   (transactions the filters drop count in `discarded_by_hook` there, and under their
//!   filter's reason here; envelopes tail sampling emptied, SDK transactions its decision
//!   did not keep, count there too, and here in `tail_not_kept`, outside `dropped`).
//! - `last_transport_error` is the remote destination's latest failure (else the first one
//!   any destination reports), with its time in `last_transport_error_at`;
//!   `last_transport_success_at` is that destination's (or, with no failure anywhere, the
//!   remote's, else the first destination's) latest delivery. A success later
//!   than the error means the destination has recovered since. Times are RFC 3339, UTC.
//! - The DSN's keys are never shown, only its host and project id; the Spotlight URL neither.
//!
//! Before `init` (or after its guard is dropped) the report says `"initialised": false`,
//! `"enabled": false`, `"mode": "disabled"`, and `logging` is `null`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::LogFormat;
pub use crate::filter::FilterSnapshot;
use crate::init::{self, Mode, RuntimeState};
use crate::transport::DestinationSnapshot;

/// The report [`health()`] returns; see the [module documentation](self) for its JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct HealthReport {
    /// Whether `init` ran and its guard is alive.
    pub initialised: bool,
    /// The Sentry client.
    pub sentry: SentryHealth,
    /// The `tracing` setup; `None` before `init`.
    pub logging: Option<LoggingHealth>,
    /// The metrics API.
    pub metrics: MetricsHealth,
    /// Tail sampling: its setting and what it kept and dropped.
    pub tail_sampling: TailSamplingHealth,
    /// Functions annotated with the toolkit's macros ([`crate::registry::functions`]).
    pub instrumented_functions: usize,
    /// Problems found at init that did not stop it.
    pub warnings: Vec<String>,
}

/// Tail sampling in the health report: the setting (`SENTRY_TAIL_SAMPLING` form) and its
/// counters since the process started.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TailSamplingHealth {
    /// `off`, `errors`, `errors,slow=2s`, …
    pub setting: String,
    /// What it kept, dropped and holds.
    #[serde(flatten)]
    pub counters: crate::span::TailHealth,
}

impl TailSamplingHealth {
    fn now(setting: crate::sampling::TailSampling) -> TailSamplingHealth {
        TailSamplingHealth {
            setting: setting.to_string(),
            counters: crate::span::tail::health(),
        }
    }
}

/// Where events go, as the health report names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum HealthMode {
    /// A Sentry server from `SENTRY_DSN`.
    Remote,
    /// No DSN; a Spotlight sidecar receives everything.
    Spotlight,
    /// No DSN: the console, and the events file when set.
    Local,
    /// Not initialised.
    Disabled,
}

/// The Sentry part of the report.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SentryHealth {
    /// Whether a client is bound and sending somewhere.
    pub enabled: bool,
    /// Where events go.
    pub mode: HealthMode,
    /// The environment events are reported in.
    pub environment: Option<String>,
    /// The release events are reported for.
    pub release: Option<String>,
    /// Whether `SENTRY_DSN` is set.
    pub dsn_configured: bool,
    /// The Sentry host from the DSN (never its keys).
    pub dsn_host: Option<String>,
    /// The Sentry project id from the DSN.
    pub project_id: Option<String>,
    /// Whether envelopes are also sent to a Spotlight sidecar.
    pub spotlight: bool,
    /// Share of error events sent.
    pub sample_rate: Option<f32>,
    /// Share of transactions recorded (before per-name rules and function rates).
    pub traces_sample_rate: Option<f32>,
    /// Whether performance tracing is on.
    pub tracing_enabled: bool,
    /// What was sent and lost.
    pub events: EventsHealth,
    /// The latest delivery failure, without DSN keys.
    pub last_transport_error: Option<String>,
    /// When that failure happened (RFC 3339, UTC).
    pub last_transport_error_at: Option<String>,
    /// When the same destination last delivered successfully (RFC 3339, UTC).
    pub last_transport_success_at: Option<String>,
}

/// Envelopes sent and lost since `init`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct EventsHealth {
    /// Envelopes delivered, summed over destinations.
    pub sent: u64,
    /// Envelopes lost for any reason, filtered events included.
    pub dropped: u64,
    /// Lost envelopes by reason, only reasons that occurred.
    pub dropped_by_reason: BTreeMap<String, u64>,
    /// Events and transactions the filters dropped before sending.
    pub filtered: FilterSnapshot,
    /// Envelopes the preparation hook decided not to send for another reason than the
    /// filters and tail sampling.
    pub discarded_by_hook: u64,
    /// Envelopes not sent because they held only SDK transactions (a `sentry-tower`
    /// request's) that tail sampling did not keep. Not a loss, so not in `dropped`: the
    /// toolkit's own transactions that tail sampling does not keep never become envelopes
    /// (both kinds are in `tail_sampling.not_kept`).
    pub tail_not_kept: u64,
    /// Envelopes the application produced and handed to the transport.
    pub received: u64,
    /// Counters of each destination.
    pub destinations: Vec<DestinationSnapshot>,
}

/// The logging part of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LoggingHealth {
    /// The filter directives in effect (`RUST_LOG` or `LOG_LEVEL`).
    pub level: String,
    /// The line format.
    pub format: LogFormat,
    /// Whether lines are machine-readable (JSON).
    pub structured: bool,
    /// Whether `init` installed the toolkit's subscriber (false when the application
    /// installs its own, or one was already installed).
    pub installed: bool,
    /// Whether `tracing` events are also sent as Sentry logs (`SENTRY_ENABLE_LOGS`).
    pub sentry_logs: bool,
}

/// The metrics part of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct MetricsHealth {
    /// Metrics not sent because their name, tags or value were invalid.
    pub rejected: u64,
}

/// Describes the running toolkit, for a health endpoint. Never fails, never blocks on I/O,
/// and never shows the DSN's keys.
///
/// ```
/// let report = monitor_runtime::health();
/// assert!(!report.initialised);
/// let json = serde_json::json!({ "status": "ok", "monitoring": report });
/// assert_eq!(json["monitoring"]["sentry"]["mode"], "disabled");
/// ```
pub fn health() -> HealthReport {
    let functions = crate::registry::functions().len();
    let metrics = MetricsHealth {
        rejected: crate::metrics::rejected(),
    };
    match init::state() {
        Some(state) => report(&state, functions, metrics),
        None => HealthReport {
            initialised: false,
            sentry: SentryHealth {
                enabled: false,
                mode: HealthMode::Disabled,
                environment: None,
                release: None,
                dsn_configured: false,
                dsn_host: None,
                project_id: None,
                spotlight: false,
                sample_rate: None,
                traces_sample_rate: None,
                tracing_enabled: false,
                events: EventsHealth {
                    sent: 0,
                    dropped: 0,
                    dropped_by_reason: BTreeMap::new(),
                    filtered: FilterSnapshot::default(),
                    discarded_by_hook: 0,
                    tail_not_kept: 0,
                    received: 0,
                    destinations: Vec::new(),
                },
                last_transport_error: None,
                last_transport_error_at: None,
                last_transport_success_at: None,
            },
            logging: None,
            metrics,
            tail_sampling: TailSamplingHealth::now(crate::sampling::TailSampling::off()),
            instrumented_functions: functions,
            warnings: Vec::new(),
        },
    }
}

fn report(state: &RuntimeState, functions: usize, metrics: MetricsHealth) -> HealthReport {
    let resolved = state.config.resolved();
    let dsn = resolved.dsn();
    let spotlight = resolved.spotlight().is_some();
    let mode = match state.mode {
        Mode::Remote => HealthMode::Remote,
        Mode::Local if spotlight => HealthMode::Spotlight,
        Mode::Local => HealthMode::Local,
    };
    let format = resolved.log_format();
    let events = events(state);
    let reporting = reporting_destination(&events.destinations);
    HealthReport {
        initialised: true,
        sentry: SentryHealth {
            enabled: state.client.as_ref().is_some_and(|c| c.is_enabled()),
            mode,
            environment: Some(resolved.environment().to_owned()),
            release: resolved.release().map(str::to_owned),
            dsn_configured: dsn.is_some(),
            dsn_host: dsn.map(|d| d.host().to_owned()),
            project_id: dsn.map(|d| d.project_id().to_string()),
            spotlight,
            sample_rate: Some(resolved.sample_rate()),
            traces_sample_rate: Some(resolved.traces_sample_rate()),
            tracing_enabled: resolved.tracing_enabled(),
            last_transport_error: reporting.and_then(|d| d.last_error.clone()),
            last_transport_error_at: reporting.and_then(|d| d.last_error_at.clone()),
            last_transport_success_at: reporting.and_then(|d| d.last_success_at.clone()),
            events,
        },
        logging: Some(LoggingHealth {
            level: resolved.log_filter(),
            format,
            structured: format == LogFormat::Json,
            installed: state.logging_installed,
            sentry_logs: resolved.logs_enabled(),
        }),
        metrics,
        tail_sampling: TailSamplingHealth::now(resolved.tail_sampling()),
        instrumented_functions: functions,
        warnings: state.warnings.clone(),
    }
}

fn events(state: &RuntimeState) -> EventsHealth {
    let transport = state.transport.snapshot();
    let filtered = state.filter.snapshot();
    let mut dropped_by_reason = BTreeMap::new();
    for destination in &transport.destinations {
        for (reason, count) in &destination.dropped {
            *dropped_by_reason.entry(reason.clone()).or_insert(0) += count;
        }
    }
    // Transactions the filters drop are discarded by the envelope hook, which the
    // transport counts too: each is counted once, under its filter's reason. Envelopes
    // tail sampling emptied are discarded there as well, and are not a loss.
    let tail_not_kept = state.tail_not_kept.get();
    let discarded_by_hook = transport
        .discarded_by_hook
        .saturating_sub(filtered.transactions())
        .saturating_sub(tail_not_kept);
    let filter_reasons = [
        ("below_level", filtered.below_level),
        ("http_4xx", filtered.http_4xx),
        ("ignored_error_type", filtered.ignored_error_type),
        ("ignored_error", filtered.ignored_error),
        ("ignored_transaction", filtered.ignored_transaction),
        ("before_send_transaction", filtered.before_send_transaction),
        ("discarded_by_hook", discarded_by_hook),
    ];
    for (reason, count) in filter_reasons {
        if count > 0 {
            *dropped_by_reason.entry(reason.to_owned()).or_insert(0) += count;
        }
    }
    EventsHealth {
        sent: transport.total_sent(),
        dropped: dropped_by_reason.values().sum(),
        dropped_by_reason,
        filtered,
        discarded_by_hook,
        tail_not_kept,
        received: transport.received,
        destinations: transport.destinations,
    }
}

/// The destination the report's `last_transport_*` fields describe: the remote one if it
/// has failed, else the first that has, else the remote one, else the first.
fn reporting_destination(destinations: &[DestinationSnapshot]) -> Option<&DestinationSnapshot> {
    let remote = destinations.iter().find(|d| d.name == "remote");
    remote
        .filter(|d| d.last_error.is_some())
        .or_else(|| destinations.iter().find(|d| d.last_error.is_some()))
        .or(remote)
        .or(destinations.first())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn destination(name: &str, last_error: Option<&str>) -> DestinationSnapshot {
        DestinationSnapshot {
            name: name.to_owned(),
            sent: 0,
            dropped: BTreeMap::new(),
            last_error: last_error.map(str::to_owned),
            last_error_at: last_error.map(|_| "2026-01-01T00:00:00.000Z".to_owned()),
            last_success_at: None,
        }
    }

    fn last_error(destinations: &[DestinationSnapshot]) -> Option<&str> {
        reporting_destination(destinations).and_then(|d| d.last_error.as_deref())
    }

    #[test]
    fn the_remote_error_wins_over_local_ones() {
        let all = [
            destination("console", Some("stderr closed")),
            destination("remote", Some("HTTP 500")),
        ];
        assert_eq!(last_error(&all), Some("HTTP 500"));
        let local = [
            destination("console", None),
            destination("events_file", Some("disk full")),
        ];
        assert_eq!(last_error(&local), Some("disk full"));
        let healthy_remote = [
            destination("remote", None),
            destination("spotlight", Some("down")),
        ];
        assert_eq!(last_error(&healthy_remote), Some("down"));
        assert_eq!(last_error(&[]), None);
    }
}
