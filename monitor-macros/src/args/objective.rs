//! `objective(name = "…", success = 99.9, latency = "250ms", percentile = 99)`: a service
//! level objective over the function's RED metrics.

use proc_macro2::Span;
use syn::LitStr;

use super::keys::{Accepted, OptionKey, each_option, option_keys, unknown_key};
use super::syntax::{self, RawValue};
use super::values;
use crate::diag::Errors;

option_keys! {
    /// The keys of `objective(...)`.
    pub enum ObjectiveKey {
        Name = "name",
        Success = "success",
        Latency = "latency",
        Percentile = "percentile",
    }
}

/// The percentile a latency objective is measured at when none is written.
pub const DEFAULT_PERCENTILE: f64 = 99.0;

/// An objective as written.
#[derive(Clone)]
pub struct Objective {
    /// `name = "…"`; the function's name otherwise.
    pub name: Option<LitStr>,
    /// The share of calls that must succeed, in percent.
    pub success: Option<f64>,
    /// The latency the `percentile`-th percentile must stay under, in milliseconds.
    pub latency_ms: Option<f64>,
    /// The percentile the latency is measured at.
    pub percentile: f64,
}

/// Reads the value of `objective`.
pub fn parse<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<Objective> {
    const PLACE: &str = "in `objective(...)`";
    const EXAMPLE: &str = "`objective(success = 99.9, latency = \"250ms\", percentile = 99)`";
    let (tokens, list_span) = match option.value {
        RawValue::List(tokens, span) => (tokens, span),
        _ => {
            errors.push(syn::Error::new(
                option.span(),
                format!("`objective` expects a list, such as {EXAMPLE}"),
            ));
            return None;
        }
    };
    let mut out = Objective {
        name: None,
        success: None,
        latency_ms: None,
        percentile: DEFAULT_PERCENTILE,
    };
    let mut percentile_span: Option<Span> = None;
    let mut latency_written = false;
    let mut success_written = false;
    each_option(
        syntax::options(tokens, errors),
        PLACE,
        &|key| unknown_key::<ObjectiveKey>(key, PLACE),
        errors,
        |option, errors| match option.key {
            ObjectiveKey::Name => out.name = values::string(option, errors),
            ObjectiveKey::Success => {
                success_written = true;
                out.success = values::percentage(option, "99.9", errors);
            }
            ObjectiveKey::Latency => {
                latency_written = true;
                out.latency_ms = values::string(option, errors).and_then(|text| {
                    let parsed = parse_latency(&text.value());
                    if parsed.is_none() {
                        errors.push(syn::Error::new(
                            text.span(),
                            format!(
                                "`latency` expects a positive duration in milliseconds or \
                                 seconds, such as \"250ms\" or \"1.5s\"; found \"{}\"",
                                text.value()
                            ),
                        ));
                    }
                    parsed
                });
            }
            ObjectiveKey::Percentile => {
                percentile_span = Some(option.span());
                if let Some(p) = values::percentage(option, "99", errors) {
                    out.percentile = p;
                }
            }
        },
    );
    if let Some(span) = percentile_span
        && !latency_written
    {
        errors.push(syn::Error::new(
            span,
            "`percentile` is the percentile of the latency objective: give it with \
             `latency = \"…\"`",
        ));
    }
    if !latency_written && !success_written {
        errors.push(syn::Error::new(
            list_span,
            format!("`objective` needs `success`, `latency` or both, such as {EXAMPLE}"),
        ));
        return None;
    }
    Some(out)
}

/// `"250ms"`, `"1.5s"`, `"2 s"` in milliseconds.
pub fn parse_latency(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, factor) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1.0)
    } else if let Some(s) = text.strip_suffix('s') {
        (s, 1000.0)
    } else {
        return None;
    };
    let value: f64 = number.trim().parse().ok()?;
    (value.is_finite() && value > 0.0).then_some(value * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latencies() {
        assert_eq!(parse_latency("250ms"), Some(250.0));
        assert_eq!(parse_latency("1.5s"), Some(1500.0));
        assert_eq!(parse_latency("2 s"), Some(2000.0));
        assert_eq!(parse_latency("0ms"), None);
        assert_eq!(parse_latency("250"), None);
        assert_eq!(parse_latency("fast"), None);
        assert_eq!(parse_latency("-3s"), None);
    }
}
