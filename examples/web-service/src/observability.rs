//! Logging, metrics and the health report: every call this example makes to the toolkit's
//! logging/metrics/health API is in this module.
//!
//! That API (`monitor_runtime::health()`, `monitor_runtime::metrics::{increment, gauge,
//! distribution, timing}`, structured JSON logs set up by `init!()`) is being added to the
//! runtime at the same time as this example. Until it lands, each function below has a
//! small fallback built on what the runtime already offers (the `MonitorGuard`, the
//! client's options, `sentry::metrics`). Each is marked `// MERGE:` with what replaces it.

use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::Duration;

use monitor_runtime::config::Config;
use monitor_runtime::sentry::{self, Hub};
use monitor_runtime::transport::StatsSnapshot;
use monitor_runtime::{Mode, MonitorGuard};
use serde::Serialize;

static MONITOR: RwLock<Option<Weak<MonitorGuard>>> = RwLock::new(None);

/// Installs the structured log subscriber: JSON lines on stdout when `LOG_FORMAT=json`
/// (the production default), readable lines otherwise, filtered by `LOG_LEVEL`/`RUST_LOG`.
/// Does nothing when a subscriber is already installed.
// MERGE: remove; `monitor_runtime::init!()` installs the subscriber.
pub fn init_logging(config: &Config) {
    use monitor_runtime::config::LogFormat;
    use tracing_subscriber::EnvFilter;

    let resolved = config.resolved();
    if !resolved.install_logging() {
        return;
    }
    let filter =
        EnvFilter::try_new(resolved.log_filter()).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stdout);
    let _ = match resolved.log_format() {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// Lets [`health`] read the running toolkit's counters. Keeps only a weak reference:
/// `main` stays the owner, so dropping its guard still flushes at once.
// MERGE: remove; `monitor_runtime::health()` reads the runtime's own state.
pub fn register(monitor: &Arc<MonitorGuard>) {
    let mut slot = MONITOR.write().unwrap_or_else(PoisonError::into_inner);
    *slot = Some(Arc::downgrade(monitor));
}

/// The toolkit's health, as `GET /health/monitoring` shows it (seed 002's
/// `check_monitoring_health`).
#[derive(Debug, Clone, Serialize)]
pub struct HealthReport {
    /// The Sentry client.
    pub sentry: SentryHealth,
    /// The log output.
    pub logging: LoggingHealth,
    /// Functions annotated with a toolkit macro in this binary.
    pub instrumented_functions: usize,
}

/// The Sentry part of [`HealthReport`].
#[derive(Debug, Clone, Serialize)]
pub struct SentryHealth {
    /// Whether a client is bound and enabled.
    pub enabled: bool,
    /// `remote` (a DSN) or `local` (console); `None` when not known (tests).
    pub mode: Option<Mode>,
    /// The environment events are tagged with.
    pub environment: Option<String>,
    /// The release events are tagged with.
    pub release: Option<String>,
    /// Whether `SENTRY_DSN` is set.
    pub dsn_configured: Option<bool>,
    /// The share of error events sent, when known.
    pub sample_rate: Option<f32>,
    /// The share of transactions recorded (before per-route rules).
    pub traces_sample_rate: Option<f32>,
    /// Envelopes sent and dropped per destination, when known.
    pub transport: Option<StatsSnapshot>,
}

/// The logging part of [`HealthReport`].
#[derive(Debug, Clone, Serialize)]
pub struct LoggingHealth {
    /// The filter directives in effect.
    pub level: Option<String>,
    /// `json` or `pretty`.
    pub format: Option<String>,
    /// Whether lines are JSON.
    pub structured: bool,
}

/// The toolkit's health report.
// MERGE: replace with `monitor_runtime::health()`.
pub fn health() -> HealthReport {
    let monitor = MONITOR
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
        .and_then(Weak::upgrade);
    let client = Hub::current().client();
    let enabled = client.as_ref().is_some_and(|c| c.is_enabled());
    let options = client.as_ref().map(|c| c.options());
    let instrumented_functions = monitor_runtime::registry::functions().len();
    match monitor {
        Some(monitor) => {
            let resolved = monitor.config().resolved();
            let format = resolved.log_format();
            HealthReport {
                sentry: SentryHealth {
                    enabled,
                    mode: Some(monitor.mode()),
                    environment: Some(resolved.environment().to_owned()),
                    release: resolved.release().map(str::to_owned),
                    dsn_configured: Some(!resolved.is_local()),
                    sample_rate: Some(resolved.sample_rate()),
                    traces_sample_rate: resolved
                        .tracing_enabled()
                        .then(|| resolved.traces_sample_rate()),
                    transport: Some(monitor.transport_stats().snapshot()),
                },
                logging: LoggingHealth {
                    level: Some(resolved.log_filter()),
                    format: Some(format.to_string()),
                    structured: format == monitor_runtime::config::LogFormat::Json,
                },
                instrumented_functions,
            }
        }
        None => HealthReport {
            sentry: SentryHealth {
                enabled,
                mode: None,
                environment: options.and_then(|o| o.environment.as_deref().map(str::to_owned)),
                release: options.and_then(|o| o.release.as_deref().map(str::to_owned)),
                dsn_configured: None,
                sample_rate: None,
                traces_sample_rate: None,
                transport: None,
            },
            logging: LoggingHealth {
                level: None,
                format: None,
                structured: false,
            },
            instrumented_functions,
        },
    }
}

/// Adds `value` to the counter `name`.
// MERGE: replace with `monitor_runtime::metrics::increment`.
pub fn increment(name: &'static str, value: u64, tags: &[(&'static str, String)]) {
    let mut metric = sentry::metrics::counter(name, value as f64);
    for (key, tag) in tags {
        metric = metric.attribute(*key, tag.clone());
    }
    metric.capture();
}

/// Sets the gauge `name`.
// MERGE: replace with `monitor_runtime::metrics::gauge`.
pub fn gauge(name: &'static str, value: f64, unit: &'static str, tags: &[(&'static str, String)]) {
    let mut metric = sentry::metrics::gauge(name, value).unit(unit);
    for (key, tag) in tags {
        metric = metric.attribute(*key, tag.clone());
    }
    metric.capture();
}

/// Records `value` in the distribution `name`.
// MERGE: replace with `monitor_runtime::metrics::distribution`.
pub fn distribution(
    name: &'static str,
    value: f64,
    unit: &'static str,
    tags: &[(&'static str, String)],
) {
    let mut metric = sentry::metrics::distribution(name, value).unit(unit);
    for (key, tag) in tags {
        metric = metric.attribute(*key, tag.clone());
    }
    metric.capture();
}

/// Records a duration, in milliseconds, in the distribution `name`.
// MERGE: replace with `monitor_runtime::metrics::timing`.
pub fn timing(name: &'static str, duration: Duration, tags: &[(&'static str, String)]) {
    distribution(name, duration.as_secs_f64() * 1e3, "millisecond", tags);
}

/// Metrics of one finished request: `http.requests` and `http.request.duration`, by route
/// and status.
pub fn request_finished(method: &str, route: &str, status: u16, elapsed: Duration) {
    let tags = [
        ("method", method.to_owned()),
        ("route", route.to_owned()),
        ("status_code", status.to_string()),
    ];
    increment("http.requests", 1, &tags);
    timing("http.request.duration", elapsed, &tags);
}

/// Metric of a created organisation: `organisations.created`, by category.
pub fn organisation_created(category: &str) {
    increment(
        "organisations.created",
        1,
        &[("category", category.to_owned())],
    );
}

/// Metrics of a finished import: `organisations.imported` and `organisations.import_failed`.
pub fn import_finished(success: u64, errors: u64) {
    increment("organisations.imported", success, &[]);
    increment("organisations.import_failed", errors, &[]);
}
