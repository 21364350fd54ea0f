//! [`Config`]: every setting of the toolkit, read from the environment or built in code.
//!
//! Values come from three layers, the later winning:
//! 1. the [profile](Profile) of the environment (development or
//!    production defaults),
//! 2. environment variables, read by [`Config::from_env`] / [`Config::from_source`],
//! 3. builder methods called on the result (`Config::from_env()?.traces_sample_rate(0.5)`).
//!
//! Environment values are validated when read, and every bad variable is reported at once
//! in one [`ConfigError`]. Builder methods never fail; [`Config::validate`] checks the values
//! they supplied (init calls it) and names the method in its errors. The values in effect
//! (explicit setting, else profile default) are read through [`Config::resolved`], because
//! the builder methods already use the plain names.
//!
//! | Variable | Accepted values | Default |
//! |---|---|---|
//! | `SENTRY_DSN` | a DSN; unset or empty: local mode | local mode |
//! | `SENTRY_ENVIRONMENT` | a Sentry environment name; empty: detect | detected, see [`Profile`] |
//! | `SENTRY_RELEASE` | a Sentry release name; empty: unset | `<crate>@<version>` from `init!()` |
//! | `SENTRY_TRACES_SAMPLE_RATE` | `0.0..=1.0` | profile: 1.0 / 0.1 |
//! | `SENTRY_SAMPLE_RATE` | `0.0..=1.0` (errors) | 1.0 |
//! | `SENTRY_ENABLE_TRACING` | boolean | true |
//! | `SENTRY_PROFILES_SAMPLE_RATE` | `0.0..=1.0`; accepted but ignored (warning) | none |
//! | `SENTRY_DEBUG` | boolean: the SDK's own `[sentry] …` debug lines on stderr | false |
//! | `SENTRY_SEND_DEFAULT_PII` | boolean | false |
//! | `SENTRY_MAX_BREADCRUMBS` | `0..=1000` | 50 |
//! | `SENTRY_TRACES_SAMPLER` | `pattern=rate;…`, see [`SamplerRules`] | no rules |
//! | `SENTRY_TAIL_SAMPLING` | `off`, `errors`, `errors,slow=<duration>` (options `budget=`, `max_spans=`), see [`TailSampling`] | off |
//! | `SENTRY_SPOTLIGHT` | `1`/`true`/`yes`/`on`, `0`/`false`/`no`/`off`/empty, or an http(s) URL; without a DSN it selects the development profile | off |
//! | `SENTRY_SHUTDOWN_TIMEOUT` | seconds, `0` to `3600`, decimals allowed: how long shutdown may deliver what is queued | 2 |
//! | `LOG_LEVEL` | `trace`, `debug`, `info`, `warn`/`warning`, `error`, `off` | profile: debug / info |
//! | `RUST_LOG` | `tracing-subscriber` directives (wins over `LOG_LEVEL`); empty: unset | unset |
//! | `LOG_FORMAT` | `json`, `pretty` | profile: pretty / json |
//! | `MONITOR_EVENTS_FILE` | a path for JSON-lines events in local mode; empty: none | none |
//! | `SENTRY_SERVER_NAME` | any text; empty: unset | unset (the SDK's default) |
//! | `SENTRY_ENABLE_LOGS` | boolean: also send `tracing` events to Sentry as logs, see [`crate::logging`] | false |
//! | `SENTRY_TRACE_PROPAGATION_TARGETS` | `pattern;pattern`: outgoing requests whose URL contains a pattern (`*`: anything) get trace headers; empty: none, see [`crate::propagation`] | `*` (every request) |
//! | `SENTRY_PROPAGATE_TRACEPARENT` | boolean: also send the W3C `traceparent` header | false |
//! | `SENTRY_STRICT_TRACE_CONTINUATION` | boolean: continue only incoming traces of this organisation | false |
//! | `SENTRY_ORG_ID` | the Sentry organisation id, a whole number; empty: unset | read from the DSN's host (`o<id>.ingest…`) |
//! | `SENTRY_IGNORE_TRANSACTIONS` | `pattern;pattern`: transactions whose name matches a pattern are not sent | none |
//! | `SENTRY_IGNORE_HEALTH_CHECKS` | boolean: do not send health-check transactions (names whose last path segment is `health`, `healthz`, `healthcheck`, `healthy`, `live`, `livez`, `ready`, `readyz`, `heartbeat` or `ping`) | true |
//! | `SENTRY_IGNORE_ERRORS` | `pattern;pattern`: events whose error type, message or `type: message` matches a pattern are not sent | none |
//!
//! Patterns are wildcard patterns ([`PatternList`]): `*` matches any run of characters.
//!
//! Booleans accept `true`/`false`/`1`/`0`/`yes`/`no`/`on`/`off` in any case. Every value is
//! trimmed before use. An empty value is "unset" only where the table says so; an empty
//! rate, boolean, count, level or format is an error, because it usually means a template
//! failed to substitute.

mod env;
mod error;
mod hooks;
pub(crate) mod parse;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sentry::Level;
use sentry::types::Dsn;

pub use self::env::{EnvSource, MapEnv, ProcessEnv};
pub use self::error::{ConfigError, ConfigProblem};
pub use self::hooks::{BeforeSend, BeforeSendTransaction};
use self::parse::Expected;
use crate::environment;
pub use crate::environment::Profile;
pub use crate::pattern::PatternList;
use crate::sampling::{SamplerRules, TailSampling};
use crate::scrub::{ScrubPattern, Scrubber};

const DEFAULT_MAX_BREADCRUMBS: usize = 50;

/// Every environment variable [`Config::from_source`] reads, in the order it reads them.
///
/// ```
/// assert!(monitor_runtime::config::VARIABLES.contains(&"SENTRY_DSN"));
/// ```
pub const VARIABLES: &[&str] = &[
    "SENTRY_DSN",
    "SENTRY_ENVIRONMENT",
    "SENTRY_RELEASE",
    "SENTRY_TRACES_SAMPLE_RATE",
    "SENTRY_SAMPLE_RATE",
    "SENTRY_ENABLE_TRACING",
    "SENTRY_PROFILES_SAMPLE_RATE",
    "SENTRY_DEBUG",
    "SENTRY_SEND_DEFAULT_PII",
    "SENTRY_MAX_BREADCRUMBS",
    "SENTRY_SHUTDOWN_TIMEOUT",
    "SENTRY_TRACES_SAMPLER",
    "SENTRY_TAIL_SAMPLING",
    "SENTRY_SPOTLIGHT",
    "LOG_LEVEL",
    "RUST_LOG",
    "LOG_FORMAT",
    "MONITOR_EVENTS_FILE",
    "SENTRY_SERVER_NAME",
    "SENTRY_ENABLE_LOGS",
    "SENTRY_TRACE_PROPAGATION_TARGETS",
    "SENTRY_PROPAGATE_TRACEPARENT",
    "SENTRY_STRICT_TRACE_CONTINUATION",
    "SENTRY_ORG_ID",
    "SENTRY_IGNORE_TRANSACTIONS",
    "SENTRY_IGNORE_HEALTH_CHECKS",
    "SENTRY_IGNORE_ERRORS",
];
const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(2);
const DEFAULT_QUEUE_CAPACITY: usize = crate::transport::DEFAULT_QUEUE_CAPACITY;
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

const PROFILING_WARNING: &str = "a profiles sample rate is set (SENTRY_PROFILES_SAMPLE_RATE or \
     Config::profiles_sample_rate), but the Sentry Rust SDK does not support profiling: \
     the value is ignored";

/// Verbosity of the toolkit's log output, as set by `LOG_LEVEL` or [`Config::log_level`].
///
/// ```
/// use monitor_runtime::config::LogLevel;
///
/// assert_eq!(LogLevel::parse("WARNING"), Some(LogLevel::Warn));
/// assert_eq!(LogLevel::from(tracing::Level::DEBUG).as_directive(), "debug");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// Everything.
    Trace,
    /// Debugging detail and up.
    Debug,
    /// Informational messages and up.
    Info,
    /// Warnings and errors.
    Warn,
    /// Errors only.
    Error,
    /// No log output.
    Off,
}

impl LogLevel {
    /// Reads `trace`, `debug`, `info`, `warn` or `warning`, `error`, `off` (any case,
    /// surrounding whitespace ignored).
    pub fn parse(value: &str) -> Option<Self> {
        const NAMES: [(&str, LogLevel); 7] = [
            ("trace", LogLevel::Trace),
            ("debug", LogLevel::Debug),
            ("info", LogLevel::Info),
            ("warn", LogLevel::Warn),
            ("warning", LogLevel::Warn),
            ("error", LogLevel::Error),
            ("off", LogLevel::Off),
        ];
        let value = value.trim();
        NAMES
            .iter()
            .find(|(name, _)| value.eq_ignore_ascii_case(name))
            .map(|(_, level)| *level)
    }

    /// The level as a `tracing-subscriber` filter directive (`"warn"`, `"off"`, …).
    pub fn as_directive(self) -> &'static str {
        match self {
            Self::Trace => "trace",
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
            Self::Off => "off",
        }
    }
}

impl From<tracing::Level> for LogLevel {
    fn from(level: tracing::Level) -> Self {
        match level {
            tracing::Level::TRACE => Self::Trace,
            tracing::Level::DEBUG => Self::Debug,
            tracing::Level::INFO => Self::Info,
            tracing::Level::WARN => Self::Warn,
            tracing::Level::ERROR => Self::Error,
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_directive())
    }
}

/// Shape of the toolkit's log lines, as set by `LOG_FORMAT` or [`Config::log_format`].
///
/// ```
/// use monitor_runtime::config::LogFormat;
///
/// assert_eq!(LogFormat::parse("JSON"), Some(LogFormat::Json));
/// assert_eq!(LogFormat::Pretty.as_str(), "pretty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum LogFormat {
    /// One JSON object per line, for log collectors.
    Json,
    /// Human-readable, coloured lines for a terminal.
    Pretty,
}

impl LogFormat {
    /// Reads `json` or `pretty` (any case, surrounding whitespace ignored).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("json") {
            Some(Self::Json)
        } else if value.eq_ignore_ascii_case("pretty") {
            Some(Self::Pretty)
        } else {
            None
        }
    }

    /// `"json"` or `"pretty"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Pretty => "pretty",
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The DSN as given. A bad builder value is kept (redacted) so `validate` can report it,
/// because builder methods must not fail.
#[derive(Clone)]
enum DsnSetting {
    Local,
    Valid(Dsn),
    Invalid { shown: String, expected: Expected },
}

impl fmt::Debug for DsnSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Local => f.write_str("Local"),
            Self::Valid(dsn) => f
                .debug_tuple("Valid")
                .field(&parse::redact_dsn(&dsn.to_string()))
                .finish(),
            Self::Invalid { shown, .. } => f.debug_tuple("Invalid").field(shown).finish(),
        }
    }
}

/// `RUST_LOG`-style directives and `LOG_LEVEL` are one setting: whichever was given last
/// (environment, then builder) decides, and `RUST_LOG` beats `LOG_LEVEL` within the
/// environment.
#[derive(Debug, Clone)]
enum LogSetting {
    Level(LogLevel),
    Filter(String),
}

/// Every setting of the toolkit. See the [module documentation](self) for variables and
/// precedence.
///
/// ```
/// use std::time::Duration;
/// use monitor_runtime::config::{Config, MapEnv};
/// use monitor_runtime::config::Profile;
///
/// let env = MapEnv::new()
///     .var("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42")
///     .var("SENTRY_ENVIRONMENT", "staging")
///     .var("SENTRY_TRACES_SAMPLER", "GET /api/v1/projects/*=1.0;*=0.1");
/// let config = Config::from_source(&env)?
///     .default_release("shop@1.2.0")
///     .shutdown_timeout(Duration::from_secs(5));
/// config.validate()?;
///
/// assert!(!config.resolved().is_local());
/// assert_eq!(config.resolved().profile(), Profile::Production);
/// assert_eq!(config.resolved().traces_sample_rate(), 0.1);
/// assert_eq!(config.resolved().release(), Some("shop@1.2.0"));
/// assert_eq!(config.resolved().sampler_rules().rules().len(), 2);
/// # Ok::<(), monitor_runtime::config::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Config {
    dsn: DsnSetting,
    environment: String,
    release: Option<String>,
    default_release: Option<String>,
    traces_sample_rate: Option<f32>,
    sample_rate: Option<f32>,
    enable_tracing: Option<bool>,
    profiles_sample_rate: Option<f32>,
    debug: Option<bool>,
    send_default_pii: bool,
    max_breadcrumbs: usize,
    sampler_rules: SamplerRules,
    tail_sampling: TailSampling,
    spotlight: Option<String>,
    log: Option<LogSetting>,
    log_format: Option<LogFormat>,
    events_file: Option<PathBuf>,
    server_name: Option<String>,
    shutdown_timeout: Duration,
    queue_capacity: usize,
    connect_timeout: Duration,
    request_timeout: Duration,
    ignored_error_types: Vec<String>,
    min_event_level: Option<Level>,
    scrub_keys: Vec<String>,
    scrub_patterns: Vec<ScrubPattern>,
    install_logging: bool,
    known_transactions: Vec<String>,
    hooks: hooks::Hooks,
    enable_logs: bool,
    trace_propagation_targets: PatternList,
    propagate_traceparent: bool,
    strict_trace_continuation: bool,
    org_id: Option<u64>,
    ignored_transactions: PatternList,
    ignore_health_checks: bool,
    ignored_errors: PatternList,
    warnings: Vec<String>,
}

/// Nothing read: local mode, environment `development` (so the development profile), and
/// the documented defaults for everything else. No detection happens here; use
/// [`Config::from_env`] for that.
///
/// ```
/// use monitor_runtime::config::Config;
///
/// let config = Config::default();
/// assert!(config.resolved().is_local());
/// assert_eq!(config.resolved().environment(), "development");
/// assert_eq!(config.resolved().max_breadcrumbs(), 50);
/// ```
impl Default for Config {
    fn default() -> Self {
        Self {
            dsn: DsnSetting::Local,
            environment: environment::DEVELOPMENT.to_owned(),
            release: None,
            default_release: None,
            traces_sample_rate: None,
            sample_rate: None,
            enable_tracing: None,
            profiles_sample_rate: None,
            debug: None,
            send_default_pii: false,
            max_breadcrumbs: DEFAULT_MAX_BREADCRUMBS,
            sampler_rules: SamplerRules::default(),
            tail_sampling: TailSampling::off(),
            spotlight: None,
            log: None,
            log_format: None,
            events_file: None,
            server_name: None,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            ignored_error_types: Vec::new(),
            min_event_level: None,
            scrub_keys: Vec::new(),
            scrub_patterns: Vec::new(),
            install_logging: true,
            known_transactions: Vec::new(),
            hooks: hooks::Hooks::default(),
            enable_logs: false,
            trace_propagation_targets: crate::propagation::default_targets(),
            propagate_traceparent: false,
            strict_trace_continuation: false,
            org_id: None,
            ignored_transactions: PatternList::default(),
            ignore_health_checks: true,
            ignored_errors: PatternList::default(),
            warnings: Vec::new(),
        }
    }
}

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
    /// [module table](self) is read; all invalid ones are reported together.
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

    /// Checks the values given through builder methods; errors name the method
    /// (`Config::traces_sample_rate(1.5) is invalid: …`). Values read by
    /// [`Config::from_source`] were checked there and always pass.
    ///
    /// ```
    /// use monitor_runtime::config::Config;
    ///
    /// let err = Config::default().traces_sample_rate(1.5).validate().unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "Config::traces_sample_rate(1.5) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"
    /// );
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        let mut problems = Vec::new();
        let mut text = |method: &str, value: &str, check: Result<(), Expected>| {
            if let Err(expected) = check {
                problems.push(ConfigProblem::builder_text(method, value, expected));
            }
        };

        if let DsnSetting::Invalid { shown, expected } = &self.dsn {
            text("Config::dsn", shown, Err(expected.clone()));
        }
        text(
            "Config::environment",
            &self.environment,
            parse::environment(&self.environment),
        );
        if let Some(release) = &self.release {
            text("Config::release", release, parse::release(release));
        }
        if let Some(release) = &self.default_release {
            text("Config::default_release", release, parse::release(release));
        }
        if let Some(url) = &self.spotlight {
            let check = if parse::is_http_url(url) {
                Ok(())
            } else {
                Err(Expected::Borrowed(parse::SPOTLIGHT_URL))
            };
            text("Config::spotlight", &parse::redact_dsn(url), check);
        }
        if let Some(LogSetting::Filter(filter)) = &self.log {
            text("Config::log_filter", filter, parse::log_filter(filter));
        }
        if let Some(name) = &self.server_name {
            text("Config::server_name", name, non_empty_name(name));
        }
        for name in &self.ignored_error_types {
            text("Config::ignore_error_type", name, non_empty_name(name));
        }
        for key in &self.scrub_keys {
            text("Config::scrub_key", key, non_empty_name(key));
        }
        for pattern in self.scrub_patterns.iter().filter(|p| !p.is_valid()) {
            problems.push(ConfigProblem::builder_value(
                "Config::scrub_pattern",
                format_args!("{pattern:?}"),
                parse::NON_EMPTY_PATTERN,
            ));
        }

        let mut value =
            |method: &str, value: &dyn fmt::Display, valid: bool, expected: &'static str| {
                if !valid {
                    problems.push(ConfigProblem::builder_value(method, value, expected));
                }
            };
        let rates = [
            ("Config::traces_sample_rate", self.traces_sample_rate),
            ("Config::sample_rate", self.sample_rate),
            ("Config::profiles_sample_rate", self.profiles_sample_rate),
        ];
        for (method, rate) in rates {
            if let Some(rate) = rate {
                value(method, &rate, parse::is_valid_rate(rate), parse::RATE);
            }
        }
        value(
            "Config::max_breadcrumbs",
            &self.max_breadcrumbs,
            self.max_breadcrumbs <= parse::MAX_BREADCRUMBS_LIMIT,
            parse::MAX_BREADCRUMBS,
        );
        value(
            "Config::queue_capacity",
            &self.queue_capacity,
            self.queue_capacity > 0,
            parse::NON_ZERO_CAPACITY,
        );
        let durations = [
            ("Config::connect_timeout", self.connect_timeout),
            ("Config::request_timeout", self.request_timeout),
        ];
        for (method, duration) in durations {
            value(
                method,
                &format_args!("{duration:?}"),
                !duration.is_zero(),
                parse::NON_ZERO_DURATION,
            );
        }

        match ConfigError::from_problems(problems) {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    // ----- builder methods: consume `self`, never fail; `validate` checks them -----

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
        clamp_rate(
            self.config
                .traces_sample_rate
                .unwrap_or(self.profile().traces_sample_rate()),
        )
    }

    /// The share of error events to send, clamped like [`Resolved::traces_sample_rate`].
    pub fn sample_rate(&self) -> f32 {
        clamp_rate(
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

fn clamp_rate(rate: f32) -> f32 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

fn org_id(value: &str) -> Result<u64, Expected> {
    value
        .parse::<u64>()
        .map_err(|_| Expected::Borrowed("a whole number, the organisation id (for example 1234)"))
}

fn non_empty_name(name: &str) -> Result<(), Expected> {
    if name.trim().is_empty() {
        Err(Expected::Borrowed(parse::NON_EMPTY_NAME))
    } else {
        Ok(())
    }
}

/// Shows resolved values; the DSN and Spotlight URL have their secrets redacted.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let resolved = self.resolved();
        f.debug_struct("Config")
            .field("dsn", &self.dsn)
            .field("environment", &self.environment)
            .field("profile", &resolved.profile())
            .field("release", &resolved.release())
            .field("traces_sample_rate", &resolved.traces_sample_rate())
            .field("sample_rate", &resolved.sample_rate())
            .field("tracing_enabled", &resolved.tracing_enabled())
            .field("profiles_sample_rate", &self.profiles_sample_rate)
            .field("debug", &resolved.debug())
            .field("send_default_pii", &self.send_default_pii)
            .field("max_breadcrumbs", &self.max_breadcrumbs)
            .field("sampler_rules", &self.sampler_rules)
            .field("tail_sampling", &self.tail_sampling)
            .field(
                "spotlight",
                &self.spotlight.as_deref().map(parse::redact_dsn),
            )
            .field("log_filter", &resolved.log_filter())
            .field("log_format", &resolved.log_format())
            .field("events_file", &self.events_file)
            .field("server_name", &self.server_name)
            .field("shutdown_timeout", &self.shutdown_timeout)
            .field("queue_capacity", &self.queue_capacity)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("ignored_error_types", &self.ignored_error_types)
            .field("min_event_level", &resolved.min_event_level())
            .field("scrub_keys", &self.scrub_keys)
            .field("scrub_patterns", &self.scrub_patterns)
            .field("install_logging", &self.install_logging)
            .field("known_transactions", &self.known_transactions)
            .field("hooks", &self.hooks)
            .field("enable_logs", &self.enable_logs)
            .field(
                "trace_propagation_targets",
                &self.trace_propagation_targets.to_string(),
            )
            .field("propagate_traceparent", &self.propagate_traceparent)
            .field("strict_trace_continuation", &self.strict_trace_continuation)
            .field("org_id", &resolved.org_id())
            .field(
                "ignored_transactions",
                &self.ignored_transactions.to_string(),
            )
            .field("ignore_health_checks", &self.ignore_health_checks)
            .field("ignored_errors", &self.ignored_errors.to_string())
            .field("warnings", &self.warnings)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_RULES: &str = "GET /api/v1/projects/*=1.0;*=0.1";
    const DSN_FORM: &str = "expected a DSN like https://<public key>@<host>/<project id> \
         (empty or unset for local mode)";
    const TAIL_FORM: &str = "expected off, errors, or errors,slow=<duration> (for example errors,slow=2s; durations in ms, s or m), optionally followed by ,budget=<size> (for example 16MiB, 512KiB) and ,max_spans=<count>";
    const RATE_FORM: &str = "expected a number from 0.0 to 1.0 (for example 0.25)";
    const BOOL_FORM: &str = "expected one of true, false, 1, 0, yes, no, on, off";

    /// Variables that accept every value, so the table has no bad case for them:
    /// any text is a valid path or server name (an unusable path fails when init opens it),
    /// and any text is a list of wildcard patterns.
    const NO_BAD_VALUE: [&str; 5] = [
        "MONITOR_EVENTS_FILE",
        "SENTRY_SERVER_NAME",
        "SENTRY_TRACE_PROPAGATION_TARGETS",
        "SENTRY_IGNORE_TRANSACTIONS",
        "SENTRY_IGNORE_ERRORS",
    ];

    /// `(variable, value, None)` must be accepted; `(variable, value, Some(message))` must be
    /// rejected with exactly `message`.
    fn table() -> Vec<(&'static str, String, Option<String>)> {
        let good = |var: &'static str, value: &str| (var, value.to_owned(), None);
        let bad = |var: &'static str, value: &str, message: String| {
            (var, value.to_owned(), Some(message))
        };
        let rate_bad = |var: &'static str, value: &str, shown: &str| {
            bad(
                var,
                value,
                format!("{var}={shown:?} is invalid: {RATE_FORM}"),
            )
        };
        let bool_bad = |var: &'static str, value: &str| {
            bad(
                var,
                value,
                format!("{var}={value:?} is invalid: {BOOL_FORM}"),
            )
        };

        let mut rows = vec![
            good("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"),
            good("SENTRY_DSN", "https://public:secret@o1.ingest.sentry.io/42"),
            good("SENTRY_DSN", ""),
            good("SENTRY_DSN", "   "),
            bad(
                "SENTRY_DSN",
                "not-a-dsn",
                format!(r#"SENTRY_DSN="not-a-dsn" is invalid: {DSN_FORM}; it is not a URL"#),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@127.0.0.1:9/1 extra",
                format!(
                    r#"SENTRY_DSN="https://key@127.0.0.1:9/1 extra" is invalid: {DSN_FORM}; it contains whitespace"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://ke y:secret@host/1",
                format!(
                    r#"SENTRY_DSN="https://ke y:[redacted]@host/1" is invalid: {DSN_FORM}; it contains whitespace"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@[::1]:99999/1",
                format!(
                    r#"SENTRY_DSN="https://key@[::1]:99999/1" is invalid: {DSN_FORM}; the port 99999 is out of range (1 to 65535)"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key:secret@o1.ingest.sentry.io:0/1",
                format!(
                    r#"SENTRY_DSN="https://key:[redacted]@o1.ingest.sentry.io:0/1" is invalid: {DSN_FORM}; the port 0 is out of range (1 to 65535)"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@host:80x/1",
                format!(
                    r#"SENTRY_DSN="https://key@host:80x/1" is invalid: {DSN_FORM}; the port "80x" is not a number"#
                ),
            ),
            good("SENTRY_DSN", "https://key@[::1]:65535/1"),
            good("SENTRY_DSN", "http://key@127.0.0.1:9000/1"),
            bad(
                "SENTRY_DSN",
                "https://public:hunter2@o1.ingest.sentry.io/",
                format!(
                    r#"SENTRY_DSN="https://public:[redacted]@o1.ingest.sentry.io/" is invalid: {DSN_FORM}; the project id is missing"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "ftp://public@o1.ingest.sentry.io/42",
                format!(
                    r#"SENTRY_DSN="ftp://public@o1.ingest.sentry.io/42" is invalid: {DSN_FORM}; the scheme must be http or https"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://o1.ingest.sentry.io/42",
                format!(
                    r#"SENTRY_DSN="https://o1.ingest.sentry.io/42" is invalid: {DSN_FORM}; the public key before @ is missing"#
                ),
            ),
            good("SENTRY_ENVIRONMENT", "staging"),
            good("SENTRY_ENVIRONMENT", ""),
            bad(
                "SENTRY_ENVIRONMENT",
                "my env",
                r#"SENTRY_ENVIRONMENT="my env" is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#.to_owned(),
            ),
            bad(
                "SENTRY_ENVIRONMENT",
                "None",
                r#"SENTRY_ENVIRONMENT="None" is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#.to_owned(),
            ),
            good("SENTRY_RELEASE", "shop@1.2.3+abc"),
            good("SENTRY_RELEASE", ""),
            bad(
                "SENTRY_RELEASE",
                "shop/1.2",
                r#"SENTRY_RELEASE="shop/1.2" is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#.to_owned(),
            ),
            bad(
                "SENTRY_RELEASE",
                "latest",
                r#"SENTRY_RELEASE="latest" is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#.to_owned(),
            ),
            good("SENTRY_ENABLE_TRACING", "False"),
            good("SENTRY_ENABLE_TRACING", " on "),
            bool_bad("SENTRY_ENABLE_TRACING", "maybe"),
            good("SENTRY_DEBUG", "False"),
            good("SENTRY_DEBUG", "YES"),
            bool_bad("SENTRY_DEBUG", "nope"),
            bool_bad("SENTRY_DEBUG", ""),
            good("SENTRY_SEND_DEFAULT_PII", "0"),
            good("SENTRY_SEND_DEFAULT_PII", "True"),
            bool_bad("SENTRY_SEND_DEFAULT_PII", "2"),
            good("SENTRY_MAX_BREADCRUMBS", "0"),
            good("SENTRY_MAX_BREADCRUMBS", "1000"),
        ];
        for (value, shown) in [("1001", "1001"), ("-1", "-1"), ("lots", "lots"), (" ", "")] {
            rows.push(bad(
                "SENTRY_MAX_BREADCRUMBS",
                value,
                format!(
                    "SENTRY_MAX_BREADCRUMBS={shown:?} is invalid: expected a whole number from 0 to 1000 (default 50)"
                ),
            ));
        }
        for var in [
            "SENTRY_TRACES_SAMPLE_RATE",
            "SENTRY_SAMPLE_RATE",
            "SENTRY_PROFILES_SAMPLE_RATE",
        ] {
            rows.push(good(var, "0.25"));
            rows.push(good(var, " 1 "));
            rows.push(good(var, "0"));
            for (value, shown) in [
                ("abc", "abc"),
                ("1.5", "1.5"),
                ("-0.1", "-0.1"),
                ("NaN", "NaN"),
                ("inf", "inf"),
                ("  ", ""),
            ] {
                rows.push(rate_bad(var, value, shown));
            }
        }
        rows.extend([
            good("SENTRY_TRACES_SAMPLER", SEED_RULES),
            good("SENTRY_TRACES_SAMPLER", ""),
            bad(
                "SENTRY_TRACES_SAMPLER",
                "GET /a=1.0;GET /b",
                r#"SENTRY_TRACES_SAMPLER="GET /b" is invalid: expected pattern=rate;pattern=rate with a non-empty pattern and a rate from 0.0 to 1.0 (for example GET /api/v1/projects/*=1.0;*=0.1)"#.to_owned(),
            ),
            good("SENTRY_TAIL_SAMPLING", "off"),
            good("SENTRY_TAIL_SAMPLING", "errors"),
            good("SENTRY_TAIL_SAMPLING", "errors,slow=2s"),
            good("SENTRY_TAIL_SAMPLING", "Errors, slow=250ms, budget=4MiB, max_spans=200"),
            good("SENTRY_TAIL_SAMPLING", ""),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "errors,slow=fast",
                format!(r#"SENTRY_TAIL_SAMPLING="errors,slow=fast" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "all",
                format!(r#"SENTRY_TAIL_SAMPLING="all" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "off,slow=2s",
                format!(r#"SENTRY_TAIL_SAMPLING="off,slow=2s" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "errors,budget=0",
                format!(r#"SENTRY_TAIL_SAMPLING="errors,budget=0" is invalid: {TAIL_FORM}"#),
            ),
            good("SENTRY_SPOTLIGHT", "1"),
            good("SENTRY_SPOTLIGHT", "off"),
            good("SENTRY_SPOTLIGHT", ""),
            good("SENTRY_SPOTLIGHT", "https://spotlight.internal:8969/stream"),
            bad(
                "SENTRY_SPOTLIGHT",
                "maybe",
                r#"SENTRY_SPOTLIGHT="maybe" is invalid: expected 1, true, yes or on (for http://localhost:8969/stream), 0, false, no, off or empty (disabled), or an http:// or https:// URL"#.to_owned(),
            ),
            bad(
                "SENTRY_SPOTLIGHT",
                "ftp://u:pw@host",
                r#"SENTRY_SPOTLIGHT="ftp://u:[redacted]@host" is invalid: expected 1, true, yes or on (for http://localhost:8969/stream), 0, false, no, off or empty (disabled), or an http:// or https:// URL"#.to_owned(),
            ),
            good("LOG_LEVEL", "WARNING"),
            good("LOG_LEVEL", "off"),
            bad(
                "LOG_LEVEL",
                "verbose",
                r#"LOG_LEVEL="verbose" is invalid: expected one of trace, debug, info, warn, warning, error, off"#.to_owned(),
            ),
            good("RUST_LOG", "info,my_crate=debug"),
            good("RUST_LOG", ""),
            bad(
                "RUST_LOG",
                "info,sqlx=loud",
                r#"RUST_LOG="info,sqlx=loud" is invalid: expected tracing directives such as info or warn,my_crate=debug,my_crate::db=trace"#.to_owned(),
            ),
            good("LOG_FORMAT", "JSON"),
            good("LOG_FORMAT", "pretty"),
            bad(
                "LOG_FORMAT",
                "xml",
                r#"LOG_FORMAT="xml" is invalid: expected json or pretty"#.to_owned(),
            ),
            // No bad value: see NO_BAD_VALUE.
            good("MONITOR_EVENTS_FILE", "/tmp/events.jsonl"),
            good("MONITOR_EVENTS_FILE", ""),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_SERVER_NAME", "web-1"),
            good("SENTRY_SERVER_NAME", ""),
            good("SENTRY_ENABLE_LOGS", "on"),
            good("SENTRY_ENABLE_LOGS", "0"),
            bool_bad("SENTRY_ENABLE_LOGS", "sometimes"),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_TRACE_PROPAGATION_TARGETS", "127.0.0.1:3000;https://*.internal/"),
            good("SENTRY_TRACE_PROPAGATION_TARGETS", ""),
            good("SENTRY_PROPAGATE_TRACEPARENT", "yes"),
            bool_bad("SENTRY_PROPAGATE_TRACEPARENT", "w3c"),
            good("SENTRY_STRICT_TRACE_CONTINUATION", "true"),
            bool_bad("SENTRY_STRICT_TRACE_CONTINUATION", "strict"),
            good("SENTRY_ORG_ID", "1234"),
            good("SENTRY_ORG_ID", ""),
            bad(
                "SENTRY_ORG_ID",
                "o1234",
                r#"SENTRY_ORG_ID="o1234" is invalid: expected a whole number, the organisation id (for example 1234)"#.to_owned(),
            ),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_IGNORE_TRANSACTIONS", "GET /metrics;* /internal/*"),
            good("SENTRY_IGNORE_TRANSACTIONS", ""),
            good("SENTRY_IGNORE_HEALTH_CHECKS", "off"),
            bool_bad("SENTRY_IGNORE_HEALTH_CHECKS", "sometimes"),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_IGNORE_ERRORS", "ConnectionReset;*broken pipe*"),
            good("SENTRY_IGNORE_ERRORS", ""),
            good("SENTRY_SHUTDOWN_TIMEOUT", "5"),
            good("SENTRY_SHUTDOWN_TIMEOUT", "0.5"),
            good("SENTRY_SHUTDOWN_TIMEOUT", "0"),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "2s",
                r#"SENTRY_SHUTDOWN_TIMEOUT="2s" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "-1",
                r#"SENTRY_SHUTDOWN_TIMEOUT="-1" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "86400",
                r#"SENTRY_SHUTDOWN_TIMEOUT="86400" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
        ]);
        rows
    }

    #[test]
    fn every_variable_has_good_and_bad_cases_with_exact_messages() {
        let rows = table();
        for var in VARIABLES {
            assert!(
                rows.iter().any(|(v, _, e)| v == var && e.is_none()),
                "{var} has no good case"
            );
            assert!(
                NO_BAD_VALUE.contains(var) || rows.iter().any(|(v, _, e)| v == var && e.is_some()),
                "{var} has no bad case"
            );
        }
        for (var, value, expected) in rows {
            let result = Config::from_source(&MapEnv::new().var(var, value.as_str()));
            match (result, expected) {
                (Ok(config), None) => assert!(
                    config.validate().is_ok(),
                    "{var}={value:?} was read but does not validate"
                ),
                (Err(err), Some(message)) => {
                    assert_eq!(err.to_string(), message, "{var}={value:?}");
                    assert_eq!(err.problems().len(), 1, "{var}={value:?}");
                    assert_eq!(err.problems()[0].variable(), var);
                }
                (Ok(_), Some(message)) => {
                    panic!("{var}={value:?} was accepted; expected {message}")
                }
                (Err(err), None) => panic!("{var}={value:?} was rejected: {err}"),
            }
        }
    }

    /// `VARIABLES` is exactly what `from_source` asks its source for, so the tests over
    /// every variable (non-UTF-8 values, arbitrary text) really cover every one.
    #[test]
    fn variables_lists_every_variable_read() {
        #[derive(Default)]
        struct Recording(std::cell::RefCell<Vec<String>>);
        impl EnvSource for Recording {
            fn var(&self, name: &str) -> Option<String> {
                self.0.borrow_mut().push(name.to_owned());
                None
            }
            fn hostname(&self) -> Option<String> {
                None
            }
            fn is_test_run(&self) -> bool {
                false
            }
        }
        let source = Recording::default();
        Config::from_source(&source).unwrap();
        let mut read = source.0.into_inner();
        read.dedup();
        assert_eq!(read, VARIABLES);
    }

    /// Every variable, including the free-text ones (release, environment, events file,
    /// server name), rejects a value that is not UTF-8 with an error naming it.
    #[cfg(unix)]
    #[test]
    fn non_utf8_values_are_errors_naming_the_variable() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;

        for var in VARIABLES {
            let env = MapEnv::new().var_os(*var, OsString::from_vec(b"shop\xff1".to_vec()));
            let err = Config::from_source(&env).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!(
                    "{var}=\"shop\u{FFFD}1\" is invalid: expected valid UTF-8 text (the bytes shown as \u{FFFD} are not UTF-8)"
                ),
            );
            assert_eq!(err.problems().len(), 1, "{var}");
        }
        // A DSN that is not UTF-8 still has its secret redacted.
        let env = MapEnv::new().var_os(
            "SENTRY_DSN",
            OsString::from_vec(b"https://pub:hunter2@h\xff/1".to_vec()),
        );
        let message = Config::from_source(&env).unwrap_err().to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(
            message.starts_with("SENTRY_DSN=\"https://pub:[redacted]@h"),
            "{message}"
        );
    }

    #[test]
    fn odd_inputs_never_panic_and_messages_stay_one_line_and_short() {
        let long = "x".repeat(100_000);
        let long_unicode = "🦀é".repeat(10_000);
        let odd: Vec<&str> = vec![
            "",
            " ",
            "\t\n ",
            "\0",
            "a\0b",
            "a\nb",
            "\"quoted\"",
            "é",
            "🦀",
            "=;=;",
            ";;;",
            "*",
            "1e309",
            "-0",
            "+1",
            "0x1",
            "١",
            &long,
            &long_unicode,
            "https://a:b@c:d@e/1",
        ];
        for var in VARIABLES {
            for value in &odd {
                let env = MapEnv::new()
                    .var(*var, *value)
                    .hostname(*value)
                    .test_run(false);
                if let Err(err) = Config::from_source(&env) {
                    for problem in err.problems() {
                        assert!(
                            problem.value().chars().count() <= 201,
                            "{var}: value not cut"
                        );
                        let line = problem.to_string();
                        assert_eq!(line.lines().count(), 1, "{var}: {line}");
                        assert!(line.len() < 2_000, "{var}: message too long");
                    }
                }
            }
        }
    }

    #[test]
    fn all_problems_are_reported_together_in_reading_order() {
        let env = MapEnv::new()
            .var("LOG_FORMAT", "xml")
            .var("SENTRY_DSN", "https://public:s3cr3t@host/")
            .var("SENTRY_TRACES_SAMPLE_RATE", "abc")
            .var("SENTRY_TRACES_SAMPLER", "a;b=2")
            .var("SENTRY_DEBUG", "x");
        let err = Config::from_source(&env).expect_err("five problems");
        let variables: Vec<_> = err.problems().iter().map(ConfigProblem::variable).collect();
        assert_eq!(
            variables,
            [
                "SENTRY_DSN",
                "SENTRY_TRACES_SAMPLE_RATE",
                "SENTRY_DEBUG",
                "SENTRY_TRACES_SAMPLER",
                "SENTRY_TRACES_SAMPLER",
                "LOG_FORMAT",
            ]
        );
        let message = err.to_string();
        assert_eq!(message.lines().count(), 6);
        assert!(!message.contains("s3cr3t"));
        assert_eq!(
            message.lines().nth(1),
            Some(
                r#"SENTRY_TRACES_SAMPLE_RATE="abc" is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"#
            )
        );
    }

    fn resolved_for(env: MapEnv) -> Config {
        Config::from_source(&env).expect("valid environment")
    }

    fn assert_development(config: &Config) {
        let r = config.resolved();
        assert_eq!(r.environment(), "development");
        assert_eq!(r.profile(), Profile::Development);
        assert_eq!(r.traces_sample_rate(), 1.0);
        assert_eq!(r.sample_rate(), 1.0);
        assert!(!r.debug());
        assert_eq!(r.min_event_level(), Level::Debug);
        assert_eq!(r.log_format(), LogFormat::Pretty);
        assert_eq!(r.log_filter(), "debug");
    }

    fn assert_production(config: &Config, environment: &str) {
        let r = config.resolved();
        assert_eq!(r.environment(), environment);
        assert_eq!(r.profile(), Profile::Production);
        assert_eq!(r.traces_sample_rate(), 0.1);
        assert_eq!(r.sample_rate(), 1.0);
        assert!(!r.debug());
        assert_eq!(r.min_event_level(), Level::Error);
        assert_eq!(r.log_format(), LogFormat::Json);
        assert_eq!(r.log_filter(), "info");
    }

    #[test]
    fn profiles_follow_detection() {
        for host in ["localhost", "127.0.0.1", "api-test-3", "my.local"] {
            assert_development(&resolved_for(MapEnv::new().hostname(host)));
        }
        assert_production(
            &resolved_for(MapEnv::new().hostname("prod-web-1")),
            "production",
        );
        assert_production(&resolved_for(MapEnv::new()), "production");
        assert_development(&resolved_for(
            MapEnv::new().hostname("prod-web-1").test_run(true),
        ));
        let staging = MapEnv::new()
            .hostname("localhost")
            .test_run(true)
            .var("SENTRY_ENVIRONMENT", "staging");
        assert_production(&resolved_for(staging), "staging");
        let explicit_dev = MapEnv::new()
            .hostname("prod-web-1")
            .var("SENTRY_ENVIRONMENT", "development");
        assert_development(&resolved_for(explicit_dev));
    }

    #[test]
    fn spotlight_without_a_dsn_gets_the_development_profile_unless_variables_say_otherwise() {
        let spotlight = MapEnv::new()
            .hostname("prod-web-1")
            .var("SENTRY_SPOTLIGHT", "1");
        let r = resolved_for(spotlight.clone());
        assert_eq!(r.resolved().environment(), "production");
        assert_eq!(r.resolved().profile(), Profile::Development);
        assert_eq!(r.resolved().traces_sample_rate(), 1.0);
        assert_eq!(r.resolved().min_event_level(), Level::Debug);
        assert!(!r.resolved().debug(), "SDK debug output stays off");

        let explicit = resolved_for(
            spotlight
                .clone()
                .var("SENTRY_TRACES_SAMPLE_RATE", "0.2")
                .var("LOG_LEVEL", "warn"),
        );
        assert_eq!(explicit.resolved().traces_sample_rate(), 0.2);
        assert_eq!(explicit.resolved().log_filter(), "warn");

        let with_dsn =
            resolved_for(spotlight.var("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"));
        assert_eq!(with_dsn.resolved().profile(), Profile::Production);
    }

    #[test]
    fn sdk_debug_output_is_off_unless_asked_for() {
        let dev = resolved_for(MapEnv::new().hostname("localhost"));
        assert_eq!(dev.resolved().profile(), Profile::Development);
        assert!(!dev.resolved().debug());
        let asked = resolved_for(
            MapEnv::new()
                .hostname("localhost")
                .var("SENTRY_DEBUG", "true"),
        );
        assert!(asked.resolved().debug());
    }

    #[test]
    fn explicit_variables_override_the_profile() {
        let prod = resolved_for(
            MapEnv::new()
                .hostname("prod-web-1")
                .var("SENTRY_TRACES_SAMPLE_RATE", "0.5")
                .var("SENTRY_SAMPLE_RATE", "0.75")
                .var("SENTRY_DEBUG", "true")
                .var("LOG_FORMAT", "pretty")
                .var("LOG_LEVEL", "trace"),
        );
        let r = prod.resolved();
        assert_eq!(r.profile(), Profile::Production);
        assert_eq!(r.traces_sample_rate(), 0.5);
        assert_eq!(r.sample_rate(), 0.75);
        assert!(r.debug());
        assert_eq!(r.log_format(), LogFormat::Pretty);
        assert_eq!(r.log_filter(), "trace");
        assert_eq!(r.min_event_level(), Level::Error);

        let dev = resolved_for(
            MapEnv::new()
                .hostname("localhost")
                .var("SENTRY_TRACES_SAMPLE_RATE", "0")
                .var("SENTRY_DEBUG", "False")
                .var("LOG_FORMAT", "json"),
        );
        let r = dev.resolved();
        assert_eq!(r.traces_sample_rate(), 0.0);
        assert!(!r.debug());
        assert_eq!(r.log_format(), LogFormat::Json);
    }

    #[test]
    fn builder_values_override_the_environment_and_the_profile() {
        let env = MapEnv::new()
            .hostname("prod-web-1")
            .var("SENTRY_TRACES_SAMPLE_RATE", "0.5")
            .var("RUST_LOG", "info,sqlx=warn");
        let config = resolved_for(env)
            .traces_sample_rate(0.2)
            .min_event_level(Level::Warning)
            .log_level(LogLevel::Error)
            .environment("development");
        let r = config.resolved();
        assert_eq!(r.traces_sample_rate(), 0.2);
        assert_eq!(r.min_event_level(), Level::Warning);
        assert_eq!(r.log_filter(), "error");
        assert!(!r.debug(), "SDK debug output is never a profile default");
    }

    #[test]
    fn everything_else_is_read() {
        let env = MapEnv::new()
            .hostname("prod-web-1")
            .var("SENTRY_RELEASE", " shop@2.0.0 ")
            .var("SENTRY_ENABLE_TRACING", "off")
            .var("SENTRY_PROFILES_SAMPLE_RATE", "0.5")
            .var("SENTRY_SEND_DEFAULT_PII", "on")
            .var("SENTRY_MAX_BREADCRUMBS", "7")
            .var("SENTRY_TRACES_SAMPLER", SEED_RULES)
            .var("SENTRY_SPOTLIGHT", "yes")
            .var("LOG_LEVEL", "warn")
            .var("RUST_LOG", "info,sqlx=warn")
            .var("MONITOR_EVENTS_FILE", "/tmp/events.jsonl")
            .var("SENTRY_SERVER_NAME", "web-1")
            .var("SENTRY_ENABLE_LOGS", "yes")
            .var("SENTRY_SHUTDOWN_TIMEOUT", "7.5");
        let config = resolved_for(env).default_release("shop@1.0.0");
        let r = config.resolved();
        assert_eq!(r.release(), Some("shop@2.0.0"));
        assert!(!r.tracing_enabled());
        assert_eq!(r.warnings().len(), 1);
        assert!(r.warnings()[0].contains("SENTRY_PROFILES_SAMPLE_RATE"));
        assert!(r.send_default_pii());
        assert_eq!(r.max_breadcrumbs(), 7);
        assert_eq!(
            r.sampler_rules().to_string(),
            "GET /api/v1/projects/*=1;*=0.1"
        );
        assert_eq!(r.spotlight(), Some("http://localhost:8969/stream"));
        assert_eq!(
            r.log_filter(),
            "info,sqlx=warn",
            "RUST_LOG wins over LOG_LEVEL"
        );
        assert_eq!(r.events_file(), Some(Path::new("/tmp/events.jsonl")));
        assert_eq!(r.server_name(), Some("web-1"));
        assert!(r.logs_enabled());
        assert_eq!(r.shutdown_timeout(), Duration::from_millis(7500));

        let spotlight_url = resolved_for(MapEnv::new().var("SENTRY_SPOTLIGHT", "http://side:1/s"));
        assert_eq!(
            spotlight_url.resolved().spotlight(),
            Some("http://side:1/s")
        );
        let spotlight_off = resolved_for(MapEnv::new().var("SENTRY_SPOTLIGHT", "0"));
        assert_eq!(spotlight_off.resolved().spotlight(), None);
    }

    #[test]
    fn defaults_when_nothing_is_set() {
        let config = Config::default();
        let r = config.resolved();
        assert!(r.is_local());
        assert_eq!(r.environment(), "development");
        assert_eq!(r.release(), None);
        assert!(r.tracing_enabled());
        assert!(!r.send_default_pii());
        assert_eq!(r.max_breadcrumbs(), 50);
        assert!(r.sampler_rules().is_empty());
        assert_eq!(r.spotlight(), None);
        assert_eq!(r.events_file(), None);
        assert_eq!(r.server_name(), None);
        assert_eq!(r.shutdown_timeout(), Duration::from_secs(2));
        assert_eq!(r.queue_capacity(), 2_000);
        assert_eq!(r.connect_timeout(), Duration::from_secs(2));
        assert_eq!(r.request_timeout(), Duration::from_secs(5));
        assert!(r.ignored_error_types().is_empty());
        assert!(r.scrub_keys().is_empty());
        assert!(r.install_logging());
        assert!(!r.logs_enabled());
        assert!(r.warnings().is_empty());
        assert!(config.validate().is_ok());
    }

    #[test]
    fn release_precedence() {
        let plain = Config::default().default_release("shop@1.0.0");
        assert_eq!(plain.resolved().release(), Some("shop@1.0.0"));
        let env = resolved_for(MapEnv::new().var("SENTRY_RELEASE", "shop@env"))
            .default_release("shop@1.0.0");
        assert_eq!(env.resolved().release(), Some("shop@env"));
        let builder = env.release("shop@code");
        assert_eq!(builder.resolved().release(), Some("shop@code"));
        let empty = resolved_for(MapEnv::new().var("SENTRY_RELEASE", "")).default_release("a@1");
        assert_eq!(empty.resolved().release(), Some("a@1"));
    }

    #[test]
    fn dsn_valid_empty_and_secret_bearing() {
        let valid =
            resolved_for(MapEnv::new().var("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"));
        let dsn = valid.resolved().dsn().expect("parsed DSN");
        assert_eq!(dsn.public_key(), "public");
        assert_eq!(dsn.host(), "o1.ingest.sentry.io");
        assert_eq!(dsn.project_id().value(), "42");
        assert!(!valid.resolved().is_local());

        assert!(
            resolved_for(MapEnv::new().var("SENTRY_DSN", ""))
                .resolved()
                .is_local()
        );
        assert!(resolved_for(MapEnv::new()).resolved().is_local());

        let malformed =
            MapEnv::new().var("SENTRY_DSN", "https://public:hunter2@o1.ingest.sentry.io/");
        let err = Config::from_source(&malformed).expect_err("no project id");
        assert!(!err.to_string().contains("hunter2"));
        assert!(!format!("{err:?}").contains("hunter2"));
        assert!(!err.problems()[0].value().contains("hunter2"));

        let with_secret = resolved_for(MapEnv::new().var(
            "SENTRY_DSN",
            "https://public:hunter2@o1.ingest.sentry.io/42",
        ));
        assert_eq!(
            with_secret.resolved().dsn().and_then(Dsn::secret_key),
            Some("hunter2")
        );
        let debug = format!("{with_secret:?} {:?}", with_secret.resolved());
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("[redacted]"));

        let spotlight = Config::default().spotlight(Some("http://u:topsecret@side:1/s".into()));
        assert!(!format!("{spotlight:?}").contains("topsecret"));
    }

    #[test]
    fn builder_dsn_never_fails_and_validate_reports_it_redacted() {
        let config = Config::default().dsn("https://public:hunter2@host/");
        assert!(config.resolved().is_local());
        let err = config.validate().expect_err("bad DSN");
        assert_eq!(
            err.to_string(),
            format!(
                r#"Config::dsn("https://public:[redacted]@host/") is invalid: {DSN_FORM}; the project id is missing"#
            )
        );
        assert!(!format!("{config:?}").contains("hunter2"));
        assert!(Config::default().dsn("").resolved().is_local());
        assert!(!Config::default().dsn("https://k@h/1").resolved().is_local());
    }

    #[test]
    fn validate_names_builder_methods_with_exact_messages() {
        let cases: Vec<(Config, &str)> = vec![
            (
                Config::default().traces_sample_rate(1.5),
                "Config::traces_sample_rate(1.5) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
            ),
            (
                Config::default().sample_rate(f32::NAN),
                "Config::sample_rate(NaN) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
            ),
            (
                Config::default().profiles_sample_rate(-1.0),
                "Config::profiles_sample_rate(-1) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
            ),
            (
                Config::default().max_breadcrumbs(5000),
                "Config::max_breadcrumbs(5000) is invalid: expected a whole number from 0 to 1000 (default 50)",
            ),
            (
                Config::default().queue_capacity(0),
                "Config::queue_capacity(0) is invalid: expected a capacity of at least 1",
            ),
            (
                Config::default().connect_timeout(Duration::ZERO),
                "Config::connect_timeout(0ns) is invalid: expected a duration greater than zero",
            ),
            (
                Config::default().request_timeout(Duration::ZERO),
                "Config::request_timeout(0ns) is invalid: expected a duration greater than zero",
            ),
            (
                Config::default().environment("my env"),
                r#"Config::environment("my env") is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#,
            ),
            (
                Config::default().release("latest"),
                r#"Config::release("latest") is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#,
            ),
            (
                Config::default().default_release(""),
                r#"Config::default_release("") is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#,
            ),
            (
                Config::default().spotlight(Some("localhost:8969".into())),
                r#"Config::spotlight("localhost:8969") is invalid: expected an http:// or https:// URL, or None to disable Spotlight"#,
            ),
            (
                Config::default().log_filter("info,sqlx=loud".into()),
                r#"Config::log_filter("info,sqlx=loud") is invalid: expected tracing directives such as info or warn,my_crate=debug,my_crate::db=trace"#,
            ),
            (
                Config::default().server_name(" "),
                r#"Config::server_name(" ") is invalid: expected a non-empty name"#,
            ),
            (
                Config::default().ignore_error_type(""),
                r#"Config::ignore_error_type("") is invalid: expected a non-empty name"#,
            ),
            (
                Config::default().scrub_key(""),
                r#"Config::scrub_key("") is invalid: expected a non-empty name"#,
            ),
        ];
        for (config, message) in cases {
            let err = config.validate().expect_err(message);
            assert_eq!(err.to_string(), message);
        }

        let several = Config::default()
            .sample_rate(2.0)
            .queue_capacity(0)
            .validate();
        assert_eq!(several.map_err(|e| e.problems().len()), Err(2));
    }

    #[test]
    fn a_full_builder_chain_validates() {
        let config = Config::default()
            .dsn("https://public@o1.ingest.sentry.io/42")
            .environment("staging")
            .release("shop@1.2.3")
            .default_release("shop@0.0.0")
            .traces_sample_rate(0.25)
            .sample_rate(1.0)
            .enable_tracing(true)
            .profiles_sample_rate(0.1)
            .profiles_sample_rate(0.2)
            .debug(false)
            .send_default_pii(false)
            .max_breadcrumbs(100)
            .traces_sampler(SamplerRules::parse(SEED_RULES).expect("seed rules"))
            .spotlight(Some("http://localhost:8969/stream".into()))
            .log_filter("info,my_crate=debug".into())
            .log_format(LogFormat::Json)
            .events_file(PathBuf::from("events.jsonl"))
            .server_name("web-1")
            .shutdown_timeout(Duration::from_secs(1))
            .queue_capacity(10)
            .connect_timeout(Duration::from_millis(500))
            .request_timeout(Duration::from_secs(3))
            .ignore_error_type("NotFound")
            .min_event_level(Level::Warning)
            .scrub_key("ssn")
            .install_logging(false);
        assert!(config.validate().is_ok());
        let r = config.resolved();
        assert_eq!(
            r.warnings().len(),
            1,
            "the profiling warning is not repeated"
        );
        assert_eq!(r.profile(), Profile::Production);
        assert_eq!(r.release(), Some("shop@1.2.3"));
        assert!(!r.install_logging());
        assert_eq!(r.scrub_keys(), ["ssn"]);
        assert_eq!(r.queue_capacity(), 10);
    }

    #[test]
    fn getters_never_hand_out_values_the_sdk_would_panic_on() {
        let config = Config::default()
            .traces_sample_rate(7.0)
            .sample_rate(f32::NAN)
            .max_breadcrumbs(usize::MAX)
            .queue_capacity(0);
        let r = config.resolved();
        assert_eq!(r.traces_sample_rate(), 1.0);
        assert_eq!(r.sample_rate(), 0.0);
        assert_eq!(r.max_breadcrumbs(), 1000);
        assert_eq!(r.queue_capacity(), 1);
    }
}
