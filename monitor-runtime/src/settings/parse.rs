//! Parsers and validators for single configuration values.
//!
//! Each returns the parsed value or the accepted form (`expected …`) as its error; the
//! caller adds the variable or builder-method name and the (redacted) value, so the same
//! rules serve `from_source` and `validate`.

use std::borrow::Cow;

use sentry::types::{Dsn, ParseDsnError};

use super::{LogFormat, LogLevel};

/// The accepted form of a value, used as the error of every parser here.
pub(crate) type Expected = Cow<'static, str>;

pub(crate) const RATE: &str = "a number from 0.0 to 1.0 (for example 0.25)";
pub(crate) const BOOL: &str = "one of true, false, 1, 0, yes, no, on, off";
pub(crate) const MAX_BREADCRUMBS: &str = "a whole number from 0 to 1000 (default 50)";
pub(crate) const SPOTLIGHT: &str = "1, true, yes or on (for http://localhost:8969/stream), \
     0, false, no, off or empty (disabled), or an http:// or https:// URL";
pub(crate) const SPOTLIGHT_URL: &str = "an http:// or https:// URL, or None to disable Spotlight";
pub(crate) const LOG_LEVEL: &str = "one of trace, debug, info, warn, warning, error, off";
pub(crate) const LOG_FORMAT: &str = "json or pretty";
pub(crate) const LOG_FILTER: &str =
    "tracing directives such as info or warn,my_crate=debug,my_crate::db=trace";
pub(crate) const ENVIRONMENT: &str = "a name of at most 64 characters without whitespace, \
     slashes or control characters, other than None (for example production or staging)";
pub(crate) const RELEASE: &str = "a name of at most 200 characters without slashes, \
     backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)";
pub(crate) const NON_ZERO_CAPACITY: &str = "a capacity of at least 1";
pub(crate) const NON_ZERO_DURATION: &str = "a duration greater than zero";
pub(crate) const NON_EMPTY_NAME: &str = "a non-empty name";
pub(crate) const UTF8: &str = "valid UTF-8 text (the bytes shown as \u{FFFD} are not UTF-8)";
pub(crate) const NON_EMPTY_PATTERN: &str = "a non-empty prefix or literal";
pub(crate) const SHUTDOWN_TIMEOUT: &str =
    "a number of seconds from 0 to 3600 (for example 2 or 0.5)";

/// Longest accepted shutdown timeout: beyond an hour it is a typo, not a deadline.
const MAX_SHUTDOWN_TIMEOUT_SECS: f64 = 3600.0;

/// Largest accepted `max_breadcrumbs`: each breadcrumb is copied into every event, so huge
/// trails make every captured error expensive.
pub(crate) const MAX_BREADCRUMBS_LIMIT: usize = 1000;

/// Where a local Spotlight sidecar listens unless told otherwise.
pub(crate) const DEFAULT_SPOTLIGHT_URL: &str = "http://localhost:8969/stream";

/// What replaces a secret in messages and `Debug` output.
const REDACTED: &str = "[redacted]";

pub(crate) fn rate(value: &str) -> Result<f32, Expected> {
    value
        .parse::<f32>()
        .ok()
        .filter(|rate| is_valid_rate(*rate))
        .ok_or(Cow::Borrowed(RATE))
}

/// Rejects NaN and infinities as well: `(0.0..=1.0).contains` is false for NaN, which is
/// what we want, but spelling out `is_finite` documents the intent.
pub(crate) fn is_valid_rate(rate: f32) -> bool {
    rate.is_finite() && (0.0..=1.0).contains(&rate)
}

pub(crate) fn boolean(value: &str) -> Result<bool, Expected> {
    const TRUE: [&str; 4] = ["true", "1", "yes", "on"];
    const FALSE: [&str; 4] = ["false", "0", "no", "off"];
    if TRUE.iter().any(|word| value.eq_ignore_ascii_case(word)) {
        Ok(true)
    } else if FALSE.iter().any(|word| value.eq_ignore_ascii_case(word)) {
        Ok(false)
    } else {
        Err(Cow::Borrowed(BOOL))
    }
}

/// Seconds, decimals allowed: `2`, `0.5`, `10`.
pub(crate) fn shutdown_timeout(value: &str) -> Result<std::time::Duration, Expected> {
    value
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && (0.0..=MAX_SHUTDOWN_TIMEOUT_SECS).contains(secs))
        .map(std::time::Duration::from_secs_f64)
        .ok_or(Cow::Borrowed(SHUTDOWN_TIMEOUT))
}

pub(crate) fn max_breadcrumbs(value: &str) -> Result<usize, Expected> {
    value
        .parse::<usize>()
        .ok()
        .filter(|count| *count <= MAX_BREADCRUMBS_LIMIT)
        .ok_or(Cow::Borrowed(MAX_BREADCRUMBS))
}

/// `Ok(None)` means Spotlight is off.
pub(crate) fn spotlight(value: &str) -> Result<Option<String>, Expected> {
    if value.is_empty() {
        return Ok(None);
    }
    if is_http_url(value) {
        return Ok(Some(value.to_owned()));
    }
    match boolean(value) {
        Ok(true) => Ok(Some(DEFAULT_SPOTLIGHT_URL.to_owned())),
        Ok(false) => Ok(None),
        Err(_) => Err(Cow::Borrowed(SPOTLIGHT)),
    }
}

/// An `http://` or `https://` URL with something after the scheme. Deliberately shallow:
/// the transport reports an unreachable URL, and a full URL parser would add a dependency.
pub(crate) fn is_http_url(value: &str) -> bool {
    let rest = strip_prefix_ignore_case(value, "http://")
        .or_else(|| strip_prefix_ignore_case(value, "https://"));
    rest.is_some_and(|rest| {
        !rest.is_empty() && !rest.starts_with('/') && !rest.chars().any(char::is_whitespace)
    })
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &value[prefix.len()..])
}

pub(crate) fn log_level(value: &str) -> Result<LogLevel, Expected> {
    LogLevel::parse(value).ok_or(Cow::Borrowed(LOG_LEVEL))
}

pub(crate) fn log_format(value: &str) -> Result<LogFormat, Expected> {
    LogFormat::parse(value).ok_or(Cow::Borrowed(LOG_FORMAT))
}

/// Checks directives the way the subscriber will read them, so a typo fails at startup
/// rather than silently logging nothing. Pass them through [`directives`] first.
pub(crate) fn log_filter(value: &str) -> Result<(), Expected> {
    tracing_subscriber::EnvFilter::try_new(directives(value))
        .map(drop)
        .map_err(|_| Cow::Borrowed(LOG_FILTER))
}

/// `value`'s directives without the blanks around each one (`info, sqlx=warn` →
/// `info,sqlx=warn`). tracing-subscriber 0.3 parses a directive trimmed but slices it
/// untrimmed, so a blank before a directive shifts every offset: the target is cut wrong,
/// and multi-byte text makes it panic.
pub(crate) fn directives(value: &str) -> String {
    value
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// `Ok(None)` for an empty value: local mode.
///
/// Checked before the SDK's parser sees the value, because it accepts whitespace (and sends
/// to a percent-encoded project id) and reports a bad port as "not a URL".
pub(crate) fn dsn(value: &str) -> Result<Option<Dsn>, Expected> {
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = |reason: &str| {
        Cow::Owned(format!(
            "a DSN like https://<public key>@<host>/<project id> \
             (empty or unset for local mode); {reason}"
        ))
    };
    if value.chars().any(char::is_whitespace) {
        return Err(invalid("it contains whitespace"));
    }
    if let Some(problem) = port_problem(value) {
        return Err(invalid(&problem));
    }
    value.parse::<Dsn>().map(Some).map_err(|err| {
        invalid(match err {
            ParseDsnError::InvalidUrl => "it is not a URL",
            ParseDsnError::InvalidScheme => "the scheme must be http or https",
            ParseDsnError::NoUsername => "the public key before @ is missing",
            ParseDsnError::NoProjectId => "the project id is missing",
            ParseDsnError::InvalidProjectId(_) => "the project id is not valid",
        })
    })
}

/// What is wrong with the port of a URL-like `value`, if it has one: not a number, or outside
/// 1 to 65535. The port is never a secret, so it is safe to quote.
fn port_problem(value: &str) -> Option<String> {
    let after_scheme = value.find("://").map_or(value, |at| &value[at + 3..]);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, hp)| hp);
    let after_host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once(']').map_or("", |(_, rest)| rest),
        None => host_port.find(':').map_or("", |at| &host_port[at..]),
    };
    let port = after_host.strip_prefix(':')?;
    if port.is_empty() {
        return None;
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("the port {port:?} is not a number"));
    }
    match port.parse::<u32>() {
        Ok(1..=65535) => None,
        _ => Some(format!("the port {port} is out of range (1 to 65535)")),
    }
}

/// Sentry rejects environments with newlines, spaces or slashes, longer than 64
/// characters, or named `None`; it drops such events server-side, so reject them here.
pub(crate) fn environment(value: &str) -> Result<(), Expected> {
    let valid = !value.is_empty()
        && value.chars().count() <= 64
        && value != "None"
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '/');
    if valid {
        Ok(())
    } else {
        Err(Cow::Borrowed(ENVIRONMENT))
    }
}

/// Sentry's release name rules: no newlines, tabs, slashes or backslashes, not `.`, `..`,
/// ` ` or `latest`, at most 200 characters.
pub(crate) fn release(value: &str) -> Result<(), Expected> {
    let valid = !value.trim().is_empty()
        && value.chars().count() <= 200
        && !matches!(value, "." | ".." | "latest")
        && !value
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\');
    if valid {
        Ok(())
    } else {
        Err(Cow::Borrowed(RELEASE))
    }
}

/// Hides the password of `scheme://user:password@host…` (a DSN secret key, or credentials
/// in a Spotlight URL) so values can be shown in errors and `Debug` output.
///
/// Works on malformed input too, since that is exactly when the value is displayed: the
/// scheme is optional, and the user-info part ends at the *last* `@`, so a secret that
/// itself contains `@` or `/` is still hidden (over-redacting a strange path is harmless).
/// Not `scrub::redact_url_credentials`: that one finds well-formed URLs inside free text,
/// while a DSN shown in an error is malformed by definition and may lack its scheme.
pub(crate) fn redact_dsn(value: &str) -> Cow<'_, str> {
    let after_scheme = value.find("://").map_or(0, |at| at + 3);
    let rest = &value[after_scheme..];
    let Some(at) = rest.rfind('@') else {
        return Cow::Borrowed(value);
    };
    let Some(colon) = rest[..at].find(':') else {
        return Cow::Borrowed(value);
    };
    let secret_start = after_scheme + colon + 1;
    let secret_end = after_scheme + at;
    if secret_start == secret_end {
        return Cow::Borrowed(value);
    }
    Cow::Owned(format!(
        "{}{REDACTED}{}",
        &value[..secret_start],
        &value[secret_end..]
    ))
}

/// `rate` clamped to 0.0..=1.0, NaN read as 0.0: the rate a sampler can use, whatever a
/// builder or a rule was given.
pub(crate) fn clamp_rate(rate: f32) -> f32 {
    if rate.is_nan() {
        0.0
    } else {
        rate.clamp(0.0, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_dsn_hides_only_the_secret() {
        assert_eq!(
            redact_dsn("https://public:secret@o1.ingest.sentry.io/42"),
            "https://public:[redacted]@o1.ingest.sentry.io/42"
        );
        assert_eq!(
            redact_dsn("https://public@o1.ingest.sentry.io/42"),
            "https://public@o1.ingest.sentry.io/42"
        );
        assert_eq!(
            redact_dsn("public:secret@host/1"),
            "public:[redacted]@host/1"
        );
        assert_eq!(
            redact_dsn("https://pub:se/cr@et@host/1"),
            "https://pub:[redacted]@host/1"
        );
        assert_eq!(redact_dsn("https://pub:@host/1"), "https://pub:@host/1");
        assert_eq!(redact_dsn("no secrets here"), "no secrets here");
        assert_eq!(redact_dsn(""), "");
        assert_eq!(redact_dsn("://:@"), "://:@");
        assert_eq!(redact_dsn("é:é@é"), "é:[redacted]@é");
    }

    #[test]
    fn http_urls() {
        assert!(is_http_url("http://localhost:8969/stream"));
        assert!(is_http_url("HTTPS://spotlight.internal"));
        assert!(!is_http_url("http://"));
        assert!(!is_http_url("http:///path"));
        assert!(!is_http_url("ftp://host"));
        assert!(!is_http_url("http://a b"));
        assert!(!is_http_url("é"));
    }

    #[test]
    fn directives_lose_the_blanks_that_make_tracing_subscriber_panic() {
        assert_eq!(directives(" info , sqlx=warn ,, "), "info,sqlx=warn");
        // Panicked inside EnvFilter::try_new before.
        assert!(log_filter("a, é=info").is_ok());
        assert!(log_filter(" ünïcode=info").is_ok());
    }

    #[test]
    fn rates_reject_non_finite_values() {
        assert_eq!(rate("0"), Ok(0.0));
        assert_eq!(rate("1"), Ok(1.0));
        assert_eq!(rate("1e-1"), Ok(0.1));
        for bad in ["NaN", "inf", "-inf", "-0.1", "1.0000001", "", "0,5", "½"] {
            assert!(rate(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
