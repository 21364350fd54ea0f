//! [`ConfigError`]: every problem found in a configuration, reported together.

use std::fmt;

/// Values longer than this (in characters) are cut in messages: a runaway value
/// (a whole file pasted into a variable) must not flood the logs.
const MAX_SHOWN_VALUE_CHARS: usize = 200;

/// One or more problems found while reading or validating a [`Config`](crate::config::Config).
///
/// Reading the environment does not stop at the first bad variable: every problem is
/// collected so a deployment can be fixed in one go. `Display` prints one problem per
/// line, each of the form
/// `VARIABLE="value" is invalid: expected <accepted form>` (for environment variables) or
/// `Config::method(value) is invalid: expected <accepted form>` (for builder methods).
///
/// ```
/// use monitor_runtime::config::{Config, MapEnv};
///
/// let env = MapEnv::new().var("SENTRY_TRACES_SAMPLE_RATE", "abc");
/// let err = Config::from_source(&env).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     r#"SENTRY_TRACES_SAMPLE_RATE="abc" is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"#
/// );
/// assert_eq!(err.problems()[0].variable(), "SENTRY_TRACES_SAMPLE_RATE");
/// ```
///
/// `Debug` prints the same text as `Display`, so that `fn main() -> Result<(), ConfigError>`
/// (which reports errors with `Debug`) shows `Error: SENTRY_TRACES_SAMPLE_RATE="abc" is
/// invalid: …` rather than the struct; the parts are available through
/// [`problems`](Self::problems).
///
/// ```
/// use monitor_runtime::config::{Config, MapEnv};
///
/// let err = Config::from_source(&MapEnv::new().var("LOG_FORMAT", "xml")).unwrap_err();
/// assert_eq!(format!("{err:?}"), err.to_string());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    problems: Vec<ConfigProblem>,
}

impl ConfigError {
    /// Wraps problems found so far; `None` when there are none, so callers can write
    /// `if let Some(err) = ConfigError::from_problems(problems)`.
    pub(crate) fn from_problems(problems: Vec<ConfigProblem>) -> Option<Self> {
        if problems.is_empty() {
            None
        } else {
            Some(Self { problems })
        }
    }

    /// An error with a single problem.
    pub(crate) fn single(problem: ConfigProblem) -> Self {
        Self {
            problems: vec![problem],
        }
    }

    /// Every problem, in the order the variables (or builder values) were checked.
    ///
    /// Never empty.
    ///
    /// ```
    /// use monitor_runtime::config::{Config, MapEnv};
    ///
    /// let env = MapEnv::new()
    ///     .var("SENTRY_DEBUG", "maybe")
    ///     .var("LOG_FORMAT", "xml");
    /// let err = Config::from_source(&env).unwrap_err();
    /// let names: Vec<_> = err.problems().iter().map(|p| p.variable()).collect();
    /// assert_eq!(names, ["SENTRY_DEBUG", "LOG_FORMAT"]);
    /// ```
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            fmt::Display::fmt(problem, f)?;
        }
        Ok(())
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for ConfigError {}

/// Where a bad value came from; it decides how the value is quoted in the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// `NAME="value"`: environment values are always strings.
    EnvVar,
    /// `Config::method("value")`: a string argument, shown as a Rust literal.
    BuilderText,
    /// `Config::method(1.5)`: a number or duration, shown as written.
    BuilderValue,
}

/// A single invalid value: which variable or builder method, the value (shortened, with any
/// DSN secret redacted) and the form that would have been accepted.
///
/// ```
/// use monitor_runtime::config::{Config, MapEnv};
///
/// let env = MapEnv::new().var("SENTRY_MAX_BREADCRUMBS", "lots");
/// let err = Config::from_source(&env).unwrap_err();
/// let problem = &err.problems()[0];
/// assert_eq!(problem.variable(), "SENTRY_MAX_BREADCRUMBS");
/// assert_eq!(problem.value(), "lots");
/// assert_eq!(problem.expected(), "a whole number from 0 to 1000 (default 50)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    variable: String,
    value: String,
    expected: String,
    origin: Origin,
}

impl ConfigProblem {
    /// A bad environment variable. `value` must already be redacted if it may hold a secret.
    pub(crate) fn env(variable: &str, value: &str, expected: impl Into<String>) -> Self {
        Self::new(variable, value, expected, Origin::EnvVar)
    }

    /// A bad string argument of a builder method, e.g. `Config::dsn`.
    pub(crate) fn builder_text(method: &str, value: &str, expected: impl Into<String>) -> Self {
        Self::new(method, value, expected, Origin::BuilderText)
    }

    /// A bad non-string argument of a builder method, e.g. `Config::traces_sample_rate`.
    pub(crate) fn builder_value(
        method: &str,
        value: impl fmt::Display,
        expected: impl Into<String>,
    ) -> Self {
        Self::new(method, &value.to_string(), expected, Origin::BuilderValue)
    }

    fn new(variable: &str, value: &str, expected: impl Into<String>, origin: Origin) -> Self {
        Self {
            variable: variable.to_owned(),
            value: shorten(value, MAX_SHOWN_VALUE_CHARS),
            expected: expected.into(),
            origin,
        }
    }

    /// The environment variable (`SENTRY_TRACES_SAMPLE_RATE`) or builder method
    /// (`Config::traces_sample_rate`) that holds the bad value.
    pub fn variable(&self) -> &str {
        &self.variable
    }

    /// The offending value as read (trimmed), with a DSN secret replaced by `[redacted]`
    /// and values over 200 characters cut (ending in `…`).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The accepted form, e.g. `a number from 0.0 to 1.0 (for example 0.25)`.
    pub fn expected(&self) -> &str {
        &self.expected
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `{:?}` on the value escapes quotes, newlines and NULs, so a hostile value cannot
        // forge extra lines in the message or hide characters.
        match self.origin {
            Origin::EnvVar => write!(f, "{}={:?}", self.variable, self.value)?,
            Origin::BuilderText => write!(f, "{}({:?})", self.variable, self.value)?,
            Origin::BuilderValue => write!(f, "{}({})", self.variable, self.value)?,
        }
        write!(f, " is invalid: expected {}", self.expected)
    }
}

/// `value` as an error message shows it: its first `max_chars` characters, then `…` if
/// it was longer, so that a message stays readable whatever a user passed in.
pub(crate) fn shorten(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_char_boundary() {
        let long = "é".repeat(500);
        let problem = ConfigProblem::env("X", &long, "something");
        assert_eq!(problem.value().chars().count(), MAX_SHOWN_VALUE_CHARS + 1);
        assert!(problem.value().ends_with('…'));
    }

    #[test]
    fn builder_problems_read_like_calls() {
        let text = ConfigProblem::builder_text("Config::dsn", "nope", "a DSN");
        assert_eq!(
            text.to_string(),
            r#"Config::dsn("nope") is invalid: expected a DSN"#
        );
        let number = ConfigProblem::builder_value("Config::sample_rate", 1.5, "a rate");
        assert_eq!(
            number.to_string(),
            "Config::sample_rate(1.5) is invalid: expected a rate"
        );
    }

    #[test]
    fn several_problems_print_one_per_line() {
        let err = ConfigError::from_problems(vec![
            ConfigProblem::env("A", "1", "x"),
            ConfigProblem::env("B", "2", "y"),
        ]);
        let text = err.map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            text,
            "A=\"1\" is invalid: expected x\nB=\"2\" is invalid: expected y"
        );
    }
}
