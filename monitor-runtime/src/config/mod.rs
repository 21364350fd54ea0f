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

mod builder;
mod read;
mod resolved;
mod validate;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use sentry::Level;
use sentry::types::Dsn;

pub use self::resolved::Resolved;
use crate::environment;
pub use crate::environment::Profile;
pub use crate::pattern::PatternList;
use crate::sampling::{SamplerRules, TailSampling};
use crate::scrub::ScrubPattern;
use crate::settings::hooks;
use crate::settings::parse::{self, Expected};
pub use crate::settings::{
    BeforeSend, BeforeSendTransaction, ConfigError, ConfigProblem, EnvSource, LogFormat, LogLevel,
    MapEnv, ProcessEnv,
};

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
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

const PROFILING_WARNING: &str = "a profiles sample rate is set (SENTRY_PROFILES_SAMPLE_RATE or \
     Config::profiles_sample_rate), but the Sentry Rust SDK does not support profiling: \
     the value is ignored";

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
            queue_capacity: crate::transport::DEFAULT_QUEUE_CAPACITY,
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
mod tests;
