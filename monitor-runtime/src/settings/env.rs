//! Where configuration comes from: the process ([`ProcessEnv`]) or a map ([`MapEnv`]).
//!
//! Reading through a trait lets tests and embedders supply variables, a host name and the
//! "is this a test run" flag without touching the process environment, which is shared by
//! every thread of a test binary.

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;

/// A source of environment variables and host facts for [`Config::from_source`](crate::config::Config::from_source).
///
/// ```
/// use monitor_runtime::config::{Config, EnvSource};
///
/// /// Reads variables from a key-value store, e.g. a secrets manager.
/// struct Vault;
///
/// impl EnvSource for Vault {
///     fn var(&self, name: &str) -> Option<String> {
///         (name == "SENTRY_ENVIRONMENT").then(|| "staging".to_owned())
///     }
///     fn hostname(&self) -> Option<String> {
///         None
///     }
///     fn is_test_run(&self) -> bool {
///         false
///     }
/// }
///
/// let config = Config::from_source(&Vault).unwrap();
/// assert_eq!(config.resolved().environment(), "staging");
/// ```
pub trait EnvSource {
    /// The value of variable `name`, or `None` when it is not set.
    fn var(&self, name: &str) -> Option<String>;

    /// The raw value of variable `name`, which may not be valid UTF-8; `None` when it is not
    /// set. [`Config::from_source`](crate::config::Config::from_source) reads through this method and
    /// reports a value that is not UTF-8 as an error naming the variable, rather than using a
    /// lossy copy. The default wraps [`EnvSource::var`].
    fn var_os(&self, name: &str) -> Option<OsString> {
        self.var(name).map(OsString::from)
    }

    /// This machine's host name, used to tell development machines from production ones.
    fn hostname(&self) -> Option<String>;

    /// Whether the process is a test run, which always gets the development profile.
    fn is_test_run(&self) -> bool;
}

/// The real process environment.
///
/// - Variables come from [`std::env::var_os`]. `var` reads a value that is not valid UTF-8
///   lossily (invalid bytes become `U+FFFD`); `var_os` hands it over as it is, and
///   [`Config::from_source`](crate::config::Config::from_source) rejects it with an error naming the
///   variable.
/// - The host name comes from the `hostname` crate (`gethostname(2)` on Unix).
/// - A test run is recognised by a heuristic, since Rust has no runtime "under test" flag:
///   `NEXTEST_RUN_ID` is set (cargo-nextest), or `RUST_TEST_THREADS` is set, or the running
///   executable lives in a directory named `deps`, which is where `cargo test` puts test
///   binaries (`target/debug/deps/name-hash`). `cargo run` binaries live in `target/debug`
///   and are not test runs.
///
/// ```
/// use monitor_runtime::config::{EnvSource, ProcessEnv};
///
/// // Doctests are built by `cargo test`, into a temporary directory rather than `deps/`,
/// // so only check that the calls work.
/// let _ = ProcessEnv.var("PATH");
/// let _ = ProcessEnv.hostname();
/// let _ = ProcessEnv.is_test_run();
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
    }

    fn var_os(&self, name: &str) -> Option<OsString> {
        std::env::var_os(name)
    }

    fn hostname(&self) -> Option<String> {
        hostname::get()
            .ok()
            .map(|name| name.to_string_lossy().into_owned())
    }

    fn is_test_run(&self) -> bool {
        self.var("NEXTEST_RUN_ID").is_some()
            || self.var("RUST_TEST_THREADS").is_some()
            || std::env::current_exe().is_ok_and(|exe| in_deps_dir(&exe))
    }
}

fn in_deps_dir(exe: &Path) -> bool {
    exe.parent()
        .and_then(Path::file_name)
        .is_some_and(|dir| dir == "deps")
}

/// An in-memory [`EnvSource`] for tests and for programs that get their settings from
/// somewhere other than the process environment.
///
/// It starts empty, with no host name and not a test run. `var` and `hostname` on a
/// `MapEnv` value are the builder methods; read values back through the trait
/// (`EnvSource::var(&env, "NAME")`), as [`Config::from_source`](crate::config::Config::from_source) does.
///
/// ```
/// use monitor_runtime::config::{Config, MapEnv};
/// use monitor_runtime::config::Profile;
///
/// let env = MapEnv::new()
///     .var("SENTRY_TRACES_SAMPLE_RATE", "0.5")
///     .hostname("prod-web-1")
///     .test_run(false);
/// let config = Config::from_source(&env).unwrap();
/// assert_eq!(config.resolved().profile(), Profile::Production);
/// assert_eq!(config.resolved().traces_sample_rate(), 0.5);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MapEnv {
    vars: HashMap<String, OsString>,
    hostname: Option<String>,
    test_run: bool,
}

impl MapEnv {
    /// An empty source: no variables, no host name, not a test run.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets variable `name` to `value` (replacing an earlier value).
    pub fn var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), OsString::from(value.into()));
        self
    }

    /// Sets variable `name` to a value that need not be UTF-8, as the process environment
    /// can hold.
    ///
    /// ```
    /// # #[cfg(unix)] {
    /// use std::ffi::OsString;
    /// use std::os::unix::ffi::OsStringExt;
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new().var_os("SENTRY_RELEASE", OsString::from_vec(b"shop@1.\xff".to_vec()));
    /// let err = Config::from_source(&env).unwrap_err();
    /// assert_eq!(err.problems()[0].variable(), "SENTRY_RELEASE");
    /// # }
    /// ```
    pub fn var_os(mut self, name: impl Into<String>, value: impl Into<OsString>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the host name reported by [`EnvSource::hostname`].
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Sets whether this counts as a test run.
    pub fn test_run(mut self, test_run: bool) -> Self {
        self.test_run = test_run;
        self
    }
}

impl EnvSource for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars
            .get(name)
            .map(|value| value.to_string_lossy().into_owned())
    }

    fn var_os(&self, name: &str) -> Option<OsString> {
        self.vars.get(name).cloned()
    }

    fn hostname(&self) -> Option<String> {
        self.hostname.clone()
    }

    fn is_test_run(&self) -> bool {
        self.test_run
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_env_reports_what_it_was_given() {
        let env = MapEnv::new()
            .var("A", "1")
            .var("A", "2")
            .hostname("h")
            .test_run(true);
        // Plain `env.var(..)` would be the builder method, so read through the trait.
        assert_eq!(EnvSource::var(&env, "A").as_deref(), Some("2"));
        assert_eq!(EnvSource::var(&env, "B"), None);
        assert_eq!(EnvSource::hostname(&env).as_deref(), Some("h"));
        assert!(env.is_test_run());
        assert!(!MapEnv::new().is_test_run());
    }

    #[test]
    fn cargo_test_binaries_are_test_runs() {
        // This very binary was built by `cargo test` into `target/<profile>/deps/`
        // (or is run by nextest, which sets NEXTEST_RUN_ID).
        assert!(ProcessEnv.is_test_run());
        assert!(in_deps_dir(Path::new("/t/target/debug/deps/app-1234")));
        assert!(!in_deps_dir(Path::new("/t/target/debug/app")));
        assert!(!in_deps_dir(Path::new("app")));
    }
}
