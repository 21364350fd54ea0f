//! The builder methods of [`Config`]: they consume `self` and never fail;
//! [`Config::validate`] checks what they were given.

use super::*;

impl Config {
    /// Sets the DSN. An empty string means local mode; a malformed one is reported by
    /// [`Config::validate`] (with its secret redacted).
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().dsn("https://public@o1.ingest.sentry.io/42");
    /// assert_eq!(config.resolved().dsn().map(|d| d.project_id().to_string()), Some("42".into()));
    /// ```
    pub fn dsn(mut self, dsn: impl Into<String>) -> Self {
        let dsn = dsn.into();
        let dsn = dsn.trim();
        self.dsn = match parse::dsn(dsn) {
            Ok(None) => DsnSetting::Local,
            Ok(Some(dsn)) => DsnSetting::Valid(dsn),
            Err(expected) => DsnSetting::Invalid {
                shown: parse::redact_dsn(dsn).into_owned(),
                expected,
            },
        };
        self
    }

    /// Sets the environment name (which also picks the [`Profile`]).
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = environment.into();
        self
    }

    /// Sets the release, overriding `SENTRY_RELEASE` and [`Config::default_release`].
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.release = Some(release.into());
        self
    }

    /// Sets the fallback release used when neither `SENTRY_RELEASE` nor
    /// [`Config::release`] gives one. `init!()` passes `<caller crate>@<version>`.
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new().var("SENTRY_RELEASE", "shop@deadbeef");
    /// let config = Config::from_source(&env).unwrap().default_release("shop@1.0.0");
    /// assert_eq!(config.resolved().release(), Some("shop@deadbeef"));
    /// ```
    pub fn default_release(mut self, release: impl Into<String>) -> Self {
        self.default_release = Some(release.into());
        self
    }

    /// Sets the share of transactions to record, `0.0..=1.0` (the profile's otherwise).
    pub fn traces_sample_rate(mut self, rate: f32) -> Self {
        self.traces_sample_rate = Some(rate);
        self
    }

    /// Sets the share of error events to send, `0.0..=1.0` (1.0 otherwise).
    pub fn sample_rate(mut self, rate: f32) -> Self {
        self.sample_rate = Some(rate);
        self
    }

    /// Turns performance tracing on or off altogether (on by default).
    pub fn enable_tracing(mut self, enabled: bool) -> Self {
        self.enable_tracing = Some(enabled);
        self
    }

    /// Accepted for parity with other SDKs; the Rust SDK has no profiling, so this only
    /// adds a [warning](Resolved::warnings).
    pub fn profiles_sample_rate(mut self, rate: f32) -> Self {
        self.profiles_sample_rate = Some(rate);
        if !self.warnings.iter().any(|w| w == PROFILING_WARNING) {
            self.warnings.push(PROFILING_WARNING.to_owned());
        }
        self
    }

    /// Turns the SDK's own debug output (`[sentry] …` on stderr) on or off.
    pub fn debug(mut self, debug: bool) -> Self {
        self.debug = Some(debug);
        self
    }

    /// Whether integrations may attach personal data such as IP addresses and cookies.
    pub fn send_default_pii(mut self, send: bool) -> Self {
        self.send_default_pii = send;
        self
    }

    /// How many breadcrumbs to keep per scope, `0..=1000`.
    pub fn max_breadcrumbs(mut self, count: usize) -> Self {
        self.max_breadcrumbs = count;
        self
    }

    /// Per-transaction-name sampling rules (what `SENTRY_TRACES_SAMPLER` holds).
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    /// use monitor_runtime::sampling::SamplerRules;
    ///
    /// let rules = SamplerRules::parse("GET /health=0.0;*=0.2")?;
    /// let config = Config::default().traces_sampler(rules);
    /// assert_eq!(config.resolved().sampler_rules().rate_for("GET /health"), Some(0.0));
    /// # Ok::<(), monitor_runtime::config::ConfigError>(())
    /// ```
    pub fn traces_sampler(mut self, rules: SamplerRules) -> Self {
        self.sampler_rules = rules;
        self
    }

    /// Tail sampling: keep the traces of failed and slow requests that the head decision
    /// did not sample (what `SENTRY_TAIL_SAMPLING` sets). See [`TailSampling`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use monitor_runtime::config::Config;
    /// use monitor_runtime::sampling::TailSampling;
    ///
    /// let config = Config::default()
    ///     .tail_sampling(TailSampling::errors().slow_over(Duration::from_millis(800)));
    /// assert!(config.resolved().tail_sampling().is_on());
    /// ```
    pub fn tail_sampling(mut self, tail: TailSampling) -> Self {
        self.tail_sampling = tail;
        self
    }

    /// Sends every envelope to a Spotlight sidecar at this URL too (`None`: off).
    pub fn spotlight(mut self, url: Option<String>) -> Self {
        self.spotlight = url;
        self
    }

    /// Sets the log level, replacing `LOG_LEVEL`, `RUST_LOG` and any earlier
    /// [`Config::log_filter`].
    ///
    /// ```
    /// use monitor_runtime::config::{Config, LogLevel};
    ///
    /// assert_eq!(Config::default().log_level(LogLevel::Warn).resolved().log_filter(), "warn");
    /// assert_eq!(Config::default().log_level(tracing::Level::ERROR).resolved().log_filter(), "error");
    /// ```
    pub fn log_level(mut self, level: impl Into<LogLevel>) -> Self {
        self.log = Some(LogSetting::Level(level.into()));
        self
    }

    /// Sets `tracing-subscriber` filter directives, replacing `LOG_LEVEL`, `RUST_LOG` and
    /// any earlier [`Config::log_level`]. Blanks around each directive are removed.
    pub fn log_filter(mut self, directives: String) -> Self {
        self.log = Some(LogSetting::Filter(parse::directives(&directives)));
        self
    }

    /// Sets the log line format.
    pub fn log_format(mut self, format: LogFormat) -> Self {
        self.log_format = Some(format);
        self
    }

    /// In local mode, also append every event and transaction as a JSON line to this file.
    pub fn events_file(mut self, path: PathBuf) -> Self {
        self.events_file = Some(path);
        self
    }

    /// Sets the server name reported with events.
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// How long shutdown may wait to flush queued envelopes (2 s by default).
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.shutdown_timeout = timeout;
        self
    }

    /// How many envelopes may wait in each of the transport's queues before new ones are
    /// dropped (2,000: a burst of that many is absorbed while the destinations catch up).
    pub fn queue_capacity(mut self, capacity: usize) -> Self {
        self.queue_capacity = capacity;
        self
    }

    /// Time allowed to connect to Sentry (2 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request to Sentry (5 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Drops events whose exception type is `type_name` (may be called repeatedly).
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default()
    ///     .ignore_error_type("NotFound")
    ///     .ignore_error_type("Cancelled");
    /// assert_eq!(config.resolved().ignored_error_types(), ["NotFound", "Cancelled"]);
    /// ```
    pub fn ignore_error_type(mut self, type_name: impl Into<String>) -> Self {
        self.ignored_error_types.push(type_name.into());
        self
    }

    /// Drops events below `level`, overriding the profile's floor.
    pub fn min_event_level(mut self, level: Level) -> Self {
        self.min_event_level = Some(level);
        self
    }

    /// Adds a key stem to treat as sensitive when scrubbing (may be called repeatedly):
    /// values under any key containing it, in any case and separator style, are replaced by
    /// `[Filtered]`, on top of the built-in rules ([`crate::scrub`]).
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().scrub_key("iban");
    /// assert_eq!(config.resolved().scrub_keys(), ["iban"]);
    /// ```
    pub fn scrub_key(mut self, key: impl Into<String>) -> Self {
        self.scrub_keys.push(key.into());
        self
    }

    /// Adds a value pattern to redact wherever it appears in text (may be called
    /// repeatedly), on top of the built-in detectors ([`crate::scrub`]): a token prefix such
    /// as your own API key format, or a literal secret the program knows. An empty pattern
    /// is reported by [`Config::validate`].
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    /// use monitor_runtime::scrub::ScrubPattern;
    ///
    /// let config = Config::default().scrub_pattern(ScrubPattern::prefix("acme_live_"));
    /// assert_eq!(config.resolved().scrub_patterns().len(), 1);
    ///
    /// let err = Config::default().scrub_pattern(ScrubPattern::prefix("")).validate().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     r#"Config::scrub_pattern(ScrubPattern::prefix("")) is invalid: expected a non-empty prefix or literal"#
    /// );
    /// ```
    pub fn scrub_pattern(mut self, pattern: ScrubPattern) -> Self {
        self.scrub_patterns.push(pattern);
        self
    }

    /// Whether init installs the `tracing` subscriber (true by default). Turn it off when
    /// the application installs its own.
    pub fn install_logging(mut self, install: bool) -> Self {
        self.install_logging = install;
        self
    }

    /// Declares a transaction name the service produces that is not a function name, such
    /// as a route (`GET /api/v1/projects/{id}`), so that init does not warn about
    /// `SENTRY_TRACES_SAMPLER` rules matching it. May be called repeatedly.
    pub fn known_transaction(mut self, name: impl Into<String>) -> Self {
        self.known_transactions.push(name.into());
        self
    }

    /// Runs `hook` on every error and message event after the toolkit's filter and before
    /// its scrubber: return `None` to drop the event. The hook may call the toolkit's scope
    /// helpers (`set_tag`, `set_user`, …) without deadlocking.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().before_send(|mut event| {
    ///     event.tags.insert("team".into(), "billing".into());
    ///     Some(event)
    /// });
    /// # let _ = config;
    /// ```
    pub fn before_send<F>(mut self, hook: F) -> Self
    where
        F: Fn(sentry::protocol::Event<'static>) -> Option<sentry::protocol::Event<'static>>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.before_send = Some(std::sync::Arc::new(hook));
        self
    }

    /// Whether the toolkit's `tracing` layers also send events to Sentry as logs (off by
    /// default, as `SENTRY_ENABLE_LOGS`). Logs sent with `sentry::logger_*!` are sent
    /// either way.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// assert!(!Config::default().resolved().logs_enabled());
    /// assert!(Config::default().enable_logs(true).resolved().logs_enabled());
    /// ```
    pub fn enable_logs(mut self, enabled: bool) -> Self {
        self.enable_logs = enabled;
        self
    }

    /// Runs `hook` on every transaction about to be sent, after `ignore_transactions` and
    /// before the scrubber: return `None` to drop it (counted in the health report as
    /// `before_send_transaction`), or change it (rename it, remove spans, add tags).
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().before_send_transaction(|mut transaction| {
    ///     // Drop spans of a chatty cache.
    ///     transaction.spans.retain(|span| span.op.as_deref() != Some("cache.get"));
    ///     Some(transaction)
    /// });
    /// # let _ = config;
    /// ```
    pub fn before_send_transaction<F>(mut self, hook: F) -> Self
    where
        F: Fn(
                sentry::protocol::Transaction<'static>,
            ) -> Option<sentry::protocol::Transaction<'static>>
            + Send
            + Sync
            + 'static,
    {
        self.hooks.before_send_transaction = Some(std::sync::Arc::new(hook));
        self
    }

    /// Which outgoing requests get trace headers (what `SENTRY_TRACE_PROPAGATION_TARGETS`
    /// holds): those whose URL contains one of `patterns` (`*` matches anything). An
    /// empty list propagates to no request; the default, `*`, to every request.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().trace_propagation_targets(["127.0.0.1:3000", "https://*.internal/"]);
    /// let targets = config.resolved().trace_propagation_targets();
    /// assert!(targets.matches("http://127.0.0.1:3000/api/v1/me"));
    /// assert!(targets.matches("https://billing.internal/charge"));
    /// assert!(!targets.matches("https://api.stripe.com/v1/charges"));
    /// ```
    pub fn trace_propagation_targets<I, S>(mut self, patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.trace_propagation_targets = PatternList::from_patterns(patterns).anywhere();
        self
    }

    /// Also sends the W3C `traceparent` header with `sentry-trace`, for downstream
    /// services instrumented with OpenTelemetry (off by default, as
    /// `SENTRY_PROPAGATE_TRACEPARENT`).
    pub fn propagate_traceparent(mut self, on: bool) -> Self {
        self.propagate_traceparent = on;
        self
    }

    /// Continues an incoming trace only when it comes from this Sentry organisation: its
    /// `sentry-org_id` must equal [`Config::org_id`] (or the DSN's), and a trace without
    /// one, or a client without one, starts a new trace (off by default, as
    /// `SENTRY_STRICT_TRACE_CONTINUATION`). Without it, only a mismatch of two known
    /// organisations starts a new trace.
    pub fn strict_trace_continuation(mut self, strict: bool) -> Self {
        self.strict_trace_continuation = strict;
        self
    }

    /// The Sentry organisation id, for trace continuation and the dynamic sampling
    /// context, when the DSN's host does not carry it (`o<id>.ingest.sentry.io` does).
    pub fn org_id(mut self, org_id: u64) -> Self {
        self.org_id = Some(org_id);
        self
    }

    /// Does not send transactions whose name matches `pattern` (`*` matches anything; may
    /// be called repeatedly). Counted in the health report as `ignored_transaction`.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().ignore_transaction("GET /metrics").ignore_transaction("* /internal/*");
    /// assert!(config.resolved().ignores_transaction("POST /internal/cache/flush"));
    /// assert!(config.resolved().ignores_transaction("GET /healthz")); // health checks, by default
    /// assert!(!config.resolved().ignores_transaction("GET /api/v1/me"));
    /// ```
    pub fn ignore_transaction(mut self, pattern: impl AsRef<str>) -> Self {
        self.ignored_transactions.push(pattern.as_ref());
        self
    }

    /// Whether health-check transactions are dropped: true by default, as
    /// `SENTRY_IGNORE_HEALTH_CHECKS`. A health check is a transaction whose name ends in
    /// /`health`, `healthz`, `healthcheck`, `healthy`, `live`, `livez`, `ready`, `readyz`,
    /// `heartbeat` or `ping` (`GET /health`, `GET /api/healthz`).
    pub fn ignore_health_checks(mut self, ignore: bool) -> Self {
        self.ignore_health_checks = ignore;
        self
    }

    /// Does not send error events whose exception type, message, or `type: message`
    /// matches `pattern` (`*` matches anything; may be called repeatedly). Counted in the
    /// health report as `ignored_error`.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::default().ignore_error("ConnectionReset").ignore_error("*broken pipe*");
    /// assert_eq!(config.resolved().ignored_errors().len(), 2);
    /// ```
    pub fn ignore_error(mut self, pattern: impl AsRef<str>) -> Self {
        self.ignored_errors.push(pattern.as_ref());
        self
    }
}
