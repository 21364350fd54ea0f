//! Which environment the process runs in, and the [`Profile`] of defaults that goes with it.
//!
//! Detection, when `SENTRY_ENVIRONMENT` is unset or empty:
//! - `development` for host names `localhost` and `127.0.0.1`, for host names containing
//!   `local` or `test` (any case: `my.local`, `api-test-3`), and for test runs;
//! - `production` otherwise, including when the host name cannot be read, because
//!   under-reporting from a real server is worse than over-reporting from a laptop.
//!
//! | Profile | traces | errors | events kept | log format | log level |
//! |---|---|---|---|---|---|
//! | [`Profile::Development`] | 1.0 | 1.0 | all (from `debug`) | pretty | debug |
//! | [`Profile::Production`] | 0.1 | 1.0 | `error` and `fatal` | json | info |
//!
//! Spotlight without a DSN always gets the development profile. The SDK's debug output is
//! off in both profiles (it adds a line per event); `SENTRY_DEBUG=true` turns it on. Any
//! explicit setting (variable or builder method) overrides its profile value.

use sentry::Level;

use crate::settings::{EnvSource, LogFormat, LogLevel};

/// The environment name given to development machines and test runs.
pub(crate) const DEVELOPMENT: &str = "development";

/// The environment name given to everything else.
pub(crate) const PRODUCTION: &str = "production";

/// Environment names (compared case-insensitively) that get the development profile.
/// Everything else, `staging` and `qa` included, gets production defaults: they
/// usually mirror production and should be sampled like it.
const DEVELOPMENT_NAMES: [&str; 7] = [
    "development",
    "develop",
    "dev",
    "local",
    "localhost",
    "test",
    "testing",
];

/// A set of defaults chosen by the environment name.
///
/// Detection, when `SENTRY_ENVIRONMENT` is unset or empty:
/// - `development` for host names `localhost` and `127.0.0.1`, for host names containing
///   `local` or `test` (any case: `my.local`, `api-test-3`), and for test runs;
/// - `production` otherwise, including when the host name cannot be read, because
///   under-reporting from a real server is worse than over-reporting from a laptop.
///
/// | Profile | traces | errors | events kept | log format | log level |
/// |---|---|---|---|---|---|
/// | [`Profile::Development`] | 1.0 | 1.0 | all (from `debug`) | pretty | debug |
/// | [`Profile::Production`] | 0.1 | 1.0 | `error` and `fatal` | json | info |
///
/// Spotlight without a DSN always gets the development profile. The SDK's debug output is
/// off in both profiles (it adds a line per event); `SENTRY_DEBUG=true` turns it on. Any
/// explicit setting (variable or builder method) overrides its profile value.
///
/// ```
/// use monitor_runtime::config::Profile;
///
/// assert_eq!(Profile::from_environment("dev"), Profile::Development);
/// assert_eq!(Profile::from_environment("staging"), Profile::Production);
/// assert_eq!(Profile::Production.traces_sample_rate(), 0.1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Profile {
    /// Every trace, every event level.
    Development,
    /// 10% of traces, quiet SDK, only `error` and `fatal` events.
    Production,
}

impl Profile {
    /// `development`, `develop`, `dev`, `local`, `localhost`, `test` and `testing` (any case)
    /// are [`Profile::Development`]; every other name is [`Profile::Production`].
    pub fn from_environment(environment: &str) -> Self {
        let environment = environment.trim();
        if DEVELOPMENT_NAMES
            .iter()
            .any(|name| environment.eq_ignore_ascii_case(name))
        {
            Self::Development
        } else {
            Self::Production
        }
    }

    /// `"development"` or `"production"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => DEVELOPMENT,
            Self::Production => PRODUCTION,
        }
    }

    /// Share of transactions recorded: 1.0 in development, 0.1 in production.
    pub fn traces_sample_rate(self) -> f32 {
        match self {
            Self::Development => 1.0,
            Self::Production => 0.1,
        }
    }

    /// Share of error events sent: 1.0 in both profiles.
    pub fn sample_rate(self) -> f32 {
        1.0
    }

    /// Whether the SDK prints its debug output: never by default, in either profile, since
    /// it adds a line per event; `SENTRY_DEBUG=true` turns it on.
    pub fn debug(self) -> bool {
        false
    }

    /// Events below this level are dropped.
    pub fn min_event_level(self) -> Level {
        match self {
            Self::Development => Level::Debug,
            Self::Production => Level::Error,
        }
    }

    /// Log line format.
    pub fn log_format(self) -> LogFormat {
        match self {
            Self::Development => LogFormat::Pretty,
            Self::Production => LogFormat::Json,
        }
    }

    /// Log verbosity.
    pub fn log_level(self) -> LogLevel {
        match self {
            Self::Development => LogLevel::Debug,
            Self::Production => LogLevel::Info,
        }
    }
}

impl std::fmt::Display for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The environment name: `SENTRY_ENVIRONMENT` (trimmed) if set and non-empty, else
/// [`detect`]ed from the host name and the test-run flag. The explicit name is returned
/// as is; [`Config::from_source`](crate::config::Config::from_source) validates it.
pub(crate) fn detect_environment(source: &dyn EnvSource) -> String {
    match source.var("SENTRY_ENVIRONMENT") {
        Some(explicit) if !explicit.trim().is_empty() => explicit.trim().to_owned(),
        _ => detect(source.hostname().as_deref(), source.is_test_run()).to_owned(),
    }
}

/// [`DEVELOPMENT`] for test runs and development host names (see
/// [`is_development_host`]), else [`PRODUCTION`].
pub(crate) fn detect(hostname: Option<&str>, is_test_run: bool) -> &'static str {
    if is_test_run || hostname.is_some_and(is_development_host) {
        DEVELOPMENT
    } else {
        PRODUCTION
    }
}

/// `localhost`, `127.0.0.1`, or a name containing `local` or `test`, ignoring case.
///
/// The substring rule is deliberately broad (it is what the services this toolkit replaces
/// used): `latest-build-7` contains `test` and counts as development. Set
/// `SENTRY_ENVIRONMENT` on such hosts.
pub(crate) fn is_development_host(hostname: &str) -> bool {
    let hostname = hostname.trim().to_ascii_lowercase();
    hostname == "localhost"
        || hostname == "127.0.0.1"
        || hostname.contains("local")
        || hostname.contains("test")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::MapEnv;

    #[test]
    fn detection_by_host_name() {
        let cases = [
            ("localhost", DEVELOPMENT),
            ("127.0.0.1", DEVELOPMENT),
            ("api-test-3", DEVELOPMENT),
            ("my.local", DEVELOPMENT),
            ("LocalHost", DEVELOPMENT),
            ("prod-web-1", PRODUCTION),
            ("", PRODUCTION),
            ("тест", PRODUCTION),
        ];
        for (host, expected) in cases {
            let env = MapEnv::new().hostname(host);
            assert_eq!(detect_environment(&env), expected, "host {host:?}");
        }
    }

    #[test]
    fn test_runs_and_missing_host_names() {
        assert_eq!(detect_environment(&MapEnv::new()), PRODUCTION);
        assert_eq!(
            detect_environment(&MapEnv::new().test_run(true)),
            DEVELOPMENT
        );
        let prod_host_in_tests = MapEnv::new().hostname("prod-web-1").test_run(true);
        assert_eq!(detect_environment(&prod_host_in_tests), DEVELOPMENT);
    }

    #[test]
    fn explicit_environment_wins_and_blank_means_detect() {
        let env = MapEnv::new()
            .hostname("localhost")
            .var("SENTRY_ENVIRONMENT", " staging ");
        assert_eq!(detect_environment(&env), "staging");
        let blank = MapEnv::new()
            .hostname("localhost")
            .var("SENTRY_ENVIRONMENT", "  ");
        assert_eq!(detect_environment(&blank), DEVELOPMENT);
    }

    #[test]
    fn profiles_from_names() {
        for name in ["development", "DEV", "local", "test", "Testing", "develop"] {
            assert_eq!(
                Profile::from_environment(name),
                Profile::Development,
                "{name}"
            );
        }
        for name in ["production", "staging", "qa", "", "prod", "développement"] {
            assert_eq!(
                Profile::from_environment(name),
                Profile::Production,
                "{name}"
            );
        }
    }

    #[test]
    fn profile_defaults() {
        let dev = Profile::Development;
        assert_eq!(
            (dev.traces_sample_rate(), dev.sample_rate(), dev.debug()),
            (1.0, 1.0, false)
        );
        assert_eq!(dev.min_event_level(), Level::Debug);
        assert_eq!(
            (dev.log_format(), dev.log_level()),
            (LogFormat::Pretty, LogLevel::Debug)
        );
        let prod = Profile::Production;
        assert_eq!(
            (prod.traces_sample_rate(), prod.sample_rate(), prod.debug()),
            (0.1, 1.0, false)
        );
        assert_eq!(prod.min_event_level(), Level::Error);
        assert_eq!(
            (prod.log_format(), prod.log_level()),
            (LogFormat::Json, LogLevel::Info)
        );
    }
}
