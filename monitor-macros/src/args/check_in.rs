//! `check_in = "slug"` and `check_in(slug = "…", schedule = "…", …, heartbeat)`.

use proc_macro2::Span;
use syn::{Expr, Lit, LitStr};

use super::keys::{Accepted, OptionKey, each_option, option_keys, unknown_key};
use super::syntax::{self, RawValue};
use super::values;
use crate::diag::Errors;
use crate::schedule;

option_keys! {
    /// The keys of `check_in(...)`.
    pub enum CheckInKey {
        Slug = "slug",
        Schedule = "schedule",
        Interval = "interval",
        CheckinMargin = "checkin_margin",
        MaxRuntime = "max_runtime",
        Timezone = "timezone",
        Heartbeat = "heartbeat",
    }
    conflicts(this, other) {
        match (this, other) {
            (CheckInKey::Schedule, CheckInKey::Interval)
            | (CheckInKey::Interval, CheckInKey::Schedule) => Some(
                "a monitor has one schedule, either a crontab (`schedule = \"0 3 * * *\"`) or \
                 an interval (`interval = \"1 day\"`)",
            ),
            _ => None,
        }
    }
}

/// A monitor's schedule.
#[derive(Clone)]
pub enum Schedule {
    /// `schedule = "0 3 * * *"`.
    Crontab(LitStr),
    /// `interval = "10 minutes"`: the count, and the SDK's unit variant.
    Interval(u64, &'static str, Span),
}

/// A cron monitor for `#[monitored(check_in = …)]`.
#[derive(Clone)]
pub struct CheckIn {
    pub slug: LitStr,
    pub schedule: Option<Schedule>,
    pub checkin_margin: Option<u64>,
    pub max_runtime: Option<u64>,
    pub timezone: Option<LitStr>,
    /// Only the closing check-in is sent (Sentry's heartbeat mode).
    pub heartbeat: bool,
}

impl CheckIn {
    fn new(slug: LitStr) -> CheckIn {
        CheckIn {
            slug,
            schedule: None,
            checkin_margin: None,
            max_runtime: None,
            timezone: None,
            heartbeat: false,
        }
    }
}

/// Reads the value of `check_in`.
pub fn parse<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<CheckIn> {
    match option.value {
        RawValue::Assign(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(slug),
            ..
        })) => valid_slug(&slug, errors).then(|| CheckIn::new(slug)),
        RawValue::List(tokens, list_span) => list(tokens, list_span, errors),
        RawValue::Assign(other) => {
            errors.push(syn::Error::new_spanned(
                other,
                "`check_in` expects a monitor slug, `check_in = \"nightly-import\"`, or \
                 `check_in(slug = \"…\", schedule = \"0 3 * * *\")`",
            ));
            None
        }
        RawValue::Flag => {
            errors.push(syn::Error::new(
                option.span(),
                "`check_in` needs a monitor slug: `check_in = \"nightly-import\"`",
            ));
            None
        }
    }
}

fn list(tokens: proc_macro2::TokenStream, list_span: Span, errors: &mut Errors) -> Option<CheckIn> {
    const PLACE: &str = "in `check_in(...)`";
    let mut slug = None;
    let mut out = CheckIn::new(LitStr::new("", list_span));
    each_option(
        syntax::options(tokens, errors),
        PLACE,
        &|key| unknown_key::<CheckInKey>(key, PLACE),
        errors,
        |option, errors| match option.key {
            CheckInKey::Slug => slug = values::string(option, errors),
            CheckInKey::Schedule => {
                out.schedule = values::string(option, errors)
                    .filter(|crontab| valid_crontab(crontab, errors))
                    .map(Schedule::Crontab);
            }
            CheckInKey::Interval => {
                out.schedule = values::string(option, errors).and_then(|text| {
                    let parsed = schedule::parse_interval(&text.value());
                    if parsed.is_none() {
                        errors.push(syn::Error::new(
                            text.span(),
                            "`interval` expects a number and a unit, such as \"10 minutes\" or \
                             \"1 day\" (units: minute, hour, day, week, month, year)",
                        ));
                    }
                    parsed.map(|(value, unit)| Schedule::Interval(value, unit, text.span()))
                });
            }
            CheckInKey::CheckinMargin => {
                out.checkin_margin = values::whole_number(option, "minutes", errors);
            }
            CheckInKey::MaxRuntime => {
                out.max_runtime = values::whole_number(option, "minutes", errors);
            }
            CheckInKey::Timezone => out.timezone = values::string(option, errors),
            CheckInKey::Heartbeat => out.heartbeat = values::flag(option, errors),
        },
    );
    match slug {
        Some(slug) if valid_slug(&slug, errors) => {
            out.slug = slug;
            Some(out)
        }
        Some(_) => None,
        None => {
            errors.push(syn::Error::new(
                list_span,
                "`check_in(...)` needs `slug = \"…\"`",
            ));
            None
        }
    }
}

fn valid_crontab(crontab: &LitStr, errors: &mut Errors) -> bool {
    let ok = crontab.value().split_whitespace().count() == 5;
    if !ok {
        errors.push(syn::Error::new(
            crontab.span(),
            "`schedule` expects a crontab expression with 5 fields, such as \"0 3 * * *\"",
        ));
    }
    ok
}

fn valid_slug(slug: &LitStr, errors: &mut Errors) -> bool {
    let value = slug.value();
    let ok = !value.is_empty()
        && value.len() <= 50
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !ok {
        errors.push(syn::Error::new(
            slug.span(),
            "a monitor slug is 1 to 50 characters of lowercase letters, digits, `-` and `_`",
        ));
    }
    ok
}
