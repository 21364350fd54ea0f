//! [`Resolved`]: the values a [`Config`] runs with, each explicit setting else the
//! profile's default.

use std::path::Path;

use super::*;
use crate::environment::Profile;
use crate::sampling::Sampler;
use crate::scrub::Scrubber;

impl Config {
    /// The values the toolkit runs with: each explicit setting, else the profile's default.
    ///
    /// The getters live on a separate view because the builder methods already use the
    /// plain names (`Config::dsn(..)` sets, `config.resolved().dsn()` reads).
    ///
    /// ```
    /// use monitor_runtime::config::{Config, LogFormat};
    ///
    /// let config = Config::default().environment("production").debug(true);
    /// let resolved = config.resolved();
    /// assert!(resolved.debug());
    /// assert_eq!(resolved.traces_sample_rate(), 0.1);
    /// assert_eq!(resolved.log_format(), LogFormat::Json);
    /// ```
    pub fn resolved(&self) -> Resolved<'_> {
        Resolved { config: self }
    }
}

/// Read-only view of a [`Config`]'s resolved values, from [`Config::resolved`].
#[derive(Clone, Copy)]
pub struct Resolved<'a> {
    config: &'a Config,
}

impl fmt::Debug for Resolved<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.config, f)
    }
}

impl<'a> Resolved<'a> {
    /// The parsed DSN; `None` in local mode (or if [`Config::dsn`] got a bad value).
    pub fn dsn(&self) -> Option<&'a Dsn> {
        match &self.config.dsn {
            DsnSetting::Valid(dsn) => Some(dsn),
            DsnSetting::Local | DsnSetting::Invalid { .. } => None,
        }
    }

    /// True without a DSN: events go to the console (and the events file) instead of Sentry.
    pub fn is_local(&self) -> bool {
        self.dsn().is_none()
    }

    /// The environment name, explicit or detected.
    pub fn environment(&self) -> &'a str {
        &self.config.environment
    }

    /// The profile that supplies defaults: derived from [`Resolved::environment`], except
    /// that Spotlight without a DSN always gets [`Profile::Development`] (someone watching a
    /// local viewer expects every trace and every level; explicit variables still win).
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    /// use monitor_runtime::config::Profile;
    ///
    /// let env = MapEnv::new().hostname("prod-web-1").var("SENTRY_SPOTLIGHT", "1");
    /// let config = Config::from_source(&env)?;
    /// assert_eq!(config.resolved().environment(), "production");
    /// assert_eq!(config.resolved().profile(), Profile::Development);
    /// assert_eq!(config.resolved().traces_sample_rate(), 1.0);
    /// # Ok::<(), monitor_runtime::config::ConfigError>(())
    /// ```
    pub fn profile(&self) -> Profile {
        if self.spotlight().is_some() && self.dsn().is_none() {
            return Profile::Development;
        }
        Profile::from_environment(&self.config.environment)
    }

    /// `SENTRY_RELEASE` or [`Config::release`], else [`Config::default_release`].
    pub fn release(&self) -> Option<&'a str> {
        self.config
            .release
            .as_deref()
            .or(self.config.default_release.as_deref())
    }

    /// The share of transactions to record. Clamped into `0.0..=1.0` (NaN becomes 0.0)
    /// so an unvalidated builder value can never reach the SDK's panicking setters.
    pub fn traces_sample_rate(&self) -> f32 {
        parse::clamp_rate(
            self.config
                .traces_sample_rate
                .unwrap_or(self.profile().traces_sample_rate()),
        )
    }

    /// The share of error events to send, clamped like [`Resolved::traces_sample_rate`].
    pub fn sample_rate(&self) -> f32 {
        parse::clamp_rate(
            self.config
                .sample_rate
                .unwrap_or(self.profile().sample_rate()),
        )
    }

    /// The profiles sample rate, if one was given. Only reported (for example by a health
    /// check): the Rust SDK cannot profile, see [`Resolved::warnings`].
    pub fn profiles_sample_rate(&self) -> Option<f32> {
        self.config.profiles_sample_rate
    }

    /// Whether performance tracing is on (default true; the rate still applies).
    pub fn tracing_enabled(&self) -> bool {
        self.config.enable_tracing.unwrap_or(true)
    }

    /// Whether the SDK's debug output is on: only when asked for (`SENTRY_DEBUG` or
    /// [`Config::debug`]), in every profile.
    pub fn debug(&self) -> bool {
        self.config.debug.unwrap_or(false)
    }

    /// Whether personal data may be attached (default false).
    pub fn send_default_pii(&self) -> bool {
        self.config.send_default_pii
    }

    /// Breadcrumbs kept per scope, capped at 1000 even if the builder asked for more.
    pub fn max_breadcrumbs(&self) -> usize {
        self.config
            .max_breadcrumbs
            .min(parse::MAX_BREADCRUMBS_LIMIT)
    }

    /// Per-transaction-name sampling rules (possibly none).
    pub fn sampler_rules(&self) -> &'a SamplerRules {
        &self.config.sampler_rules
    }

    /// Tail sampling (`SENTRY_TAIL_SAMPLING`); off unless configured.
    pub fn tail_sampling(&self) -> TailSampling {
        self.config.tail_sampling
    }

    /// The Spotlight sidecar URL, if enabled.
    pub fn spotlight(&self) -> Option<&'a str> {
        self.config.spotlight.as_deref()
    }

    /// `tracing-subscriber` filter directives: `RUST_LOG` (or [`Config::log_filter`]) if
    /// set, else `LOG_LEVEL` (or [`Config::log_level`]), else `debug` in development and
    /// `info` in production.
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new()
    ///     .var("LOG_LEVEL", "warning")
    ///     .var("RUST_LOG", "info,sqlx=warn");
    /// assert_eq!(Config::from_source(&env).unwrap().resolved().log_filter(), "info,sqlx=warn");
    /// ```
    pub fn log_filter(&self) -> String {
        match &self.config.log {
            Some(LogSetting::Filter(directives)) => directives.clone(),
            Some(LogSetting::Level(level)) => level.as_directive().to_owned(),
            None => self.profile().log_level().as_directive().to_owned(),
        }
    }

    /// The log line format: explicit, else `pretty` in development and `json` in production.
    pub fn log_format(&self) -> LogFormat {
        self.config
            .log_format
            .unwrap_or(self.profile().log_format())
    }

    /// The JSON-lines events file for local mode, if any.
    pub fn events_file(&self) -> Option<&'a Path> {
        self.config.events_file.as_deref()
    }

    /// The server name to report, if set (otherwise the SDK's own default applies).
    pub fn server_name(&self) -> Option<&'a str> {
        self.config.server_name.as_deref()
    }

    /// How long shutdown may wait to flush.
    pub fn shutdown_timeout(&self) -> Duration {
        self.config.shutdown_timeout
    }

    /// Capacity of the transport queue (at least 1, even if the builder asked for 0).
    pub fn queue_capacity(&self) -> usize {
        self.config.queue_capacity.max(1)
    }

    /// Time allowed to connect to Sentry.
    pub fn connect_timeout(&self) -> Duration {
        self.config.connect_timeout
    }

    /// Time allowed for a whole request to Sentry.
    pub fn request_timeout(&self) -> Duration {
        self.config.request_timeout
    }

    /// Exception type names whose events are dropped.
    pub fn ignored_error_types(&self) -> &'a [String] {
        &self.config.ignored_error_types
    }

    /// Events below this level are dropped: explicit, else `Debug` in development (keep
    /// everything) and `Error` in production.
    pub fn min_event_level(&self) -> Level {
        self.config
            .min_event_level
            .unwrap_or(self.profile().min_event_level())
    }

    /// Extra key stems to scrub, on top of the built-in ones.
    pub fn scrub_keys(&self) -> &'a [String] {
        &self.config.scrub_keys
    }

    /// Extra value patterns to scrub, on top of the built-in detectors.
    pub fn scrub_patterns(&self) -> &'a [ScrubPattern] {
        &self.config.scrub_patterns
    }

    /// The scrubber this configuration asks for: its PII setting, extra keys and patterns.
    pub(crate) fn scrubber(&self) -> Scrubber {
        Scrubber::new(self.send_default_pii())
            .with_extra_keys(self.scrub_keys().iter().cloned())
            .with_patterns(self.scrub_patterns().iter().cloned())
    }

    /// Whether init installs the `tracing` subscriber.
    pub fn install_logging(&self) -> bool {
        self.config.install_logging
    }

    /// Transaction names declared with [`Config::known_transaction`].
    pub fn known_transactions(&self) -> &'a [String] {
        &self.config.known_transactions
    }

    /// The hook set with [`Config::before_send`].
    pub fn before_send(&self) -> Option<&'a hooks::BeforeSend> {
        self.config.hooks.before_send.as_ref()
    }

    /// Whether `tracing` events are also sent to Sentry as logs (default false).
    pub fn logs_enabled(&self) -> bool {
        self.config.enable_logs
    }

    /// The hook set with [`Config::before_send_transaction`].
    pub fn before_send_transaction(&self) -> Option<&'a hooks::BeforeSendTransaction> {
        self.config.hooks.before_send_transaction.as_ref()
    }

    /// Which outgoing requests get trace headers: URLs containing one of the patterns.
    pub fn trace_propagation_targets(&self) -> &'a PatternList {
        &self.config.trace_propagation_targets
    }

    /// Whether the W3C `traceparent` header is sent too.
    pub fn propagate_traceparent(&self) -> bool {
        self.config.propagate_traceparent
    }

    /// Whether only traces of this organisation are continued.
    pub fn strict_trace_continuation(&self) -> bool {
        self.config.strict_trace_continuation
    }

    /// The organisation id: explicit, else the DSN's.
    pub fn org_id(&self) -> Option<u64> {
        self.config.org_id.or_else(|| {
            let org: u64 = self.dsn()?.org_id()?.to_string().parse().ok()?;
            Some(org)
        })
    }

    /// Patterns of transaction names not to send (health checks not included).
    pub fn ignored_transactions(&self) -> &'a PatternList {
        &self.config.ignored_transactions
    }

    /// Whether health-check transactions are dropped.
    pub fn ignore_health_checks(&self) -> bool {
        self.config.ignore_health_checks
    }

    /// Whether a transaction named `name` is dropped: by `ignore_transactions`, or as a
    /// health check.
    pub fn ignores_transaction(&self, name: &str) -> bool {
        self.config.ignored_transactions.matches(name)
            || (self.config.ignore_health_checks && crate::filter::is_health_check(name))
    }

    /// Patterns of error types or messages not to send.
    pub fn ignored_errors(&self) -> &'a PatternList {
        &self.config.ignored_errors
    }

    /// Things worth telling the operator that are not errors (for example an ignored
    /// `SENTRY_PROFILES_SAMPLE_RATE`). Init logs them.
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new().var("SENTRY_PROFILES_SAMPLE_RATE", "0.5");
    /// assert_eq!(Config::from_source(&env).unwrap().resolved().warnings().len(), 1);
    /// ```
    pub fn warnings(&self) -> &'a [String] {
        &self.config.warnings
    }
}

/// Built here rather than in `sampling`, so that `config` depends on `sampling` and not
/// the reverse.
impl Sampler {
    /// The sampler a [`Config`] describes: its rules and its resolved traces rate.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    /// use monitor_runtime::sampling::Sampler;
    /// use sentry::TransactionContext;
    ///
    /// let sampler = Sampler::from_config(&Config::default().traces_sample_rate(0.3));
    /// assert_eq!(sampler.rate(&TransactionContext::new("job", "task")), 0.3);
    /// ```
    pub fn from_config(config: &Config) -> Self {
        let resolved = config.resolved();
        Self::new(
            resolved.sampler_rules().clone(),
            resolved.traces_sample_rate(),
        )
    }
}
