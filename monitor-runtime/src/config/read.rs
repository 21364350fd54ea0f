//! Reading a [`Config`] from an [`EnvSource`]: every variable trimmed and parsed, every
//! problem collected into one [`ConfigError`].

use super::*;

/// Reads variables from a source, trimming them and collecting every problem.
struct Reader<'a> {
    source: &'a dyn EnvSource,
    problems: Vec<ConfigProblem>,
}

impl Reader<'_> {
    /// The trimmed value of `name`; `None` when unset, and when not UTF-8, which is recorded
    /// as a problem (a lossy copy would silently become another release, environment or
    /// file name).
    fn raw(&mut self, name: &str) -> Option<String> {
        match self.source.var_os(name)?.into_string() {
            Ok(value) => Some(value.trim().to_owned()),
            Err(raw) => {
                let lossy = raw.to_string_lossy();
                self.problems.push(ConfigProblem::env(
                    name,
                    &parse::redact_dsn(lossy.trim()),
                    parse::UTF8,
                ));
                None
            }
        }
    }

    /// The trimmed value of `name`, unless unset or empty.
    fn non_empty(&mut self, name: &str) -> Option<String> {
        self.raw(name).filter(|value| !value.is_empty())
    }

    /// Parses `name` if set; records a problem (showing the value) if it is invalid.
    fn parse<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, Expected>,
    ) -> Option<T> {
        let value = self.raw(name)?;
        self.check(name, &value, parse(&value))
    }

    fn check<T>(&mut self, name: &str, shown: &str, result: Result<T, Expected>) -> Option<T> {
        match result {
            Ok(parsed) => Some(parsed),
            Err(expected) => {
                self.problems
                    .push(ConfigProblem::env(name, shown, expected));
                None
            }
        }
    }
}

impl Config {
    /// Reads the configuration from the process environment (see [`ProcessEnv`] for how
    /// the host name and test runs are detected).
    ///
    /// ```no_run
    /// use monitor_runtime::config::Config;
    ///
    /// let config = Config::from_env()?;
    /// println!("reporting to {} as {}", config.resolved().environment(), config.resolved().release().unwrap_or("?"));
    /// # Ok::<(), monitor_runtime::config::ConfigError>(())
    /// ```
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_source(&ProcessEnv)
    }

    /// Reads the configuration from `source`. Every variable in the
    /// [module table](crate::config) is read; all invalid ones are reported together.
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new()
    ///     .var("SENTRY_DSN", "https://public:hunter2@o1.ingest.sentry.io/")
    ///     .var("SENTRY_SAMPLE_RATE", "1.5");
    /// let message = Config::from_source(&env).unwrap_err().to_string();
    /// assert_eq!(message.lines().count(), 2);
    /// assert!(!message.contains("hunter2"));
    /// ```
    pub fn from_source(source: &dyn EnvSource) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        let mut reader = Reader {
            source,
            problems: Vec::new(),
        };

        if let Some(value) = reader.raw("SENTRY_DSN") {
            let shown = parse::redact_dsn(&value);
            let parsed = parse::dsn(&value);
            if let Some(dsn) = reader.check("SENTRY_DSN", &shown, parsed) {
                config.dsn = dsn.map_or(DsnSetting::Local, DsnSetting::Valid);
            }
        }

        config.environment = match reader.non_empty("SENTRY_ENVIRONMENT") {
            Some(explicit) => {
                let checked = parse::environment(&explicit);
                match reader.check("SENTRY_ENVIRONMENT", &explicit, checked) {
                    Some(()) => explicit,
                    // Keep going with detection so later checks still run; the error
                    // is returned anyway.
                    None => environment::detect_environment(source),
                }
            }
            None => environment::detect_environment(source),
        };

        if let Some(release) = reader.non_empty("SENTRY_RELEASE") {
            let checked = parse::release(&release);
            if reader.check("SENTRY_RELEASE", &release, checked).is_some() {
                config.release = Some(release);
            }
        }

        config.traces_sample_rate = reader.parse("SENTRY_TRACES_SAMPLE_RATE", parse::rate);
        config.sample_rate = reader.parse("SENTRY_SAMPLE_RATE", parse::rate);
        config.enable_tracing = reader.parse("SENTRY_ENABLE_TRACING", parse::boolean);
        if let Some(rate) = reader.parse("SENTRY_PROFILES_SAMPLE_RATE", parse::rate) {
            config = config.profiles_sample_rate(rate);
        }
        config.debug = reader.parse("SENTRY_DEBUG", parse::boolean);
        if let Some(pii) = reader.parse("SENTRY_SEND_DEFAULT_PII", parse::boolean) {
            config.send_default_pii = pii;
        }
        if let Some(count) = reader.parse("SENTRY_MAX_BREADCRUMBS", parse::max_breadcrumbs) {
            config.max_breadcrumbs = count;
        }

        if let Some(timeout) = reader.parse("SENTRY_SHUTDOWN_TIMEOUT", parse::shutdown_timeout) {
            config.shutdown_timeout = timeout;
        }

        if let Some(rules) = reader.raw("SENTRY_TRACES_SAMPLER") {
            match SamplerRules::parse(&rules) {
                Ok(rules) => config.sampler_rules = rules,
                Err(err) => reader.problems.extend(err.problems().iter().cloned()),
            }
        }

        if let Some(value) = reader.raw("SENTRY_TAIL_SAMPLING") {
            match TailSampling::parse(&value) {
                Ok(tail) => config.tail_sampling = tail,
                Err(err) => reader.problems.extend(err.problems().iter().cloned()),
            }
        }

        if let Some(value) = reader.raw("SENTRY_SPOTLIGHT") {
            let shown = parse::redact_dsn(&value);
            let parsed = parse::spotlight(&value);
            if let Some(spotlight) = reader.check("SENTRY_SPOTLIGHT", &shown, parsed) {
                config.spotlight = spotlight;
            }
        }

        // Both are validated even though RUST_LOG wins, so a broken LOG_LEVEL does not
        // lie in wait for the day RUST_LOG is removed.
        let level = reader.parse("LOG_LEVEL", parse::log_level);
        let filter = reader.non_empty("RUST_LOG").and_then(|filter| {
            let checked = parse::log_filter(&filter);
            reader
                .check("RUST_LOG", &filter, checked)
                .map(|()| parse::directives(&filter))
        });
        config.log = filter
            .map(LogSetting::Filter)
            .or(level.map(LogSetting::Level));
        config.log_format = reader.parse("LOG_FORMAT", parse::log_format);

        config.events_file = reader.non_empty("MONITOR_EVENTS_FILE").map(PathBuf::from);
        config.server_name = reader.non_empty("SENTRY_SERVER_NAME");
        if let Some(enabled) = reader.parse("SENTRY_ENABLE_LOGS", parse::boolean) {
            config.enable_logs = enabled;
        }

        if let Some(targets) = reader.raw("SENTRY_TRACE_PROPAGATION_TARGETS") {
            config.trace_propagation_targets = PatternList::parse(&targets).anywhere();
        }
        if let Some(on) = reader.parse("SENTRY_PROPAGATE_TRACEPARENT", parse::boolean) {
            config.propagate_traceparent = on;
        }
        if let Some(on) = reader.parse("SENTRY_STRICT_TRACE_CONTINUATION", parse::boolean) {
            config.strict_trace_continuation = on;
        }
        if let Some(org) = reader.non_empty("SENTRY_ORG_ID") {
            let parsed = org_id(&org);
            config.org_id = reader.check("SENTRY_ORG_ID", &org, parsed);
        }
        if let Some(patterns) = reader.raw("SENTRY_IGNORE_TRANSACTIONS") {
            config.ignored_transactions = PatternList::parse(&patterns);
        }
        if let Some(on) = reader.parse("SENTRY_IGNORE_HEALTH_CHECKS", parse::boolean) {
            config.ignore_health_checks = on;
        }
        if let Some(patterns) = reader.raw("SENTRY_IGNORE_ERRORS") {
            config.ignored_errors = PatternList::parse(&patterns);
        }

        match ConfigError::from_problems(reader.problems) {
            Some(err) => Err(err),
            None => Ok(config),
        }
    }
}

fn org_id(value: &str) -> Result<u64, Expected> {
    value
        .parse::<u64>()
        .map_err(|_| Expected::Borrowed("a whole number, the organisation id (for example 1234)"))
}
