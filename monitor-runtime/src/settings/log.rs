//! The log options: [`LogLevel`] and [`LogFormat`].

use std::fmt;

/// Verbosity of the toolkit's log output, as set by `LOG_LEVEL` or [`Config::log_level`](crate::config::Config::log_level).
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

/// Shape of the toolkit's log lines, as set by `LOG_FORMAT` or [`Config::log_format`](crate::config::Config::log_format).
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
