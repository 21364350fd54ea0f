//! Logging and metrics: every call this example makes to the toolkit's logging/metrics API
//! is in this module.
//!
//! That API (`monitor_runtime::metrics::{increment, gauge, distribution, timing}`,
//! structured JSON logs set up by `init!()`) is being added to the runtime at the same time
//! as this example. Until it lands, each function below has a small fallback on what the
//! runtime already offers (`sentry::metrics`, the resolved `Config`). Each is marked
//! `// MERGE:` with what replaces it.

use std::time::Duration;

use monitor_runtime::config::Config;
use monitor_runtime::sentry;

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

/// Adds `value` to the counter `name`.
// MERGE: replace with `monitor_runtime::metrics::increment`.
pub fn increment(name: &'static str, value: u64, tags: &[(&'static str, String)]) {
    let mut metric = sentry::metrics::counter(name, value as f64);
    for (key, tag) in tags {
        metric = metric.attribute(*key, tag.clone());
    }
    metric.capture();
}

/// Records a duration, in milliseconds, in the distribution `name`.
// MERGE: replace with `monitor_runtime::metrics::timing`.
pub fn timing(name: &'static str, duration: Duration, tags: &[(&'static str, String)]) {
    let mut metric =
        sentry::metrics::distribution(name, duration.as_secs_f64() * 1e3).unit("millisecond");
    for (key, tag) in tags {
        metric = metric.attribute(*key, tag.clone());
    }
    metric.capture();
}

/// The metrics of one run: `rows_imported`, `rows_failed` and `run_duration`, tagged with
/// the job and its exit code.
pub fn run_finished(imported: u64, failed: u64, duration: Duration, exit_code: u8) {
    let tags = [
        ("job", crate::job::JOB.to_owned()),
        ("exit_code", exit_code.to_string()),
    ];
    increment("rows_imported", imported, &tags);
    increment("rows_failed", failed, &tags);
    timing("run_duration", duration, &tags);
}
