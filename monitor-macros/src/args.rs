//! Parsing macro arguments into typed options.
//!
//! Syntax is parsed generically first (`key`, `key = value`, `key(field, key = expr)`),
//! then each macro interprets the keys it knows. Every problem is collected with the span
//! of the exact token at fault, so one compile shows all of them.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use crate::diag::Errors;

/// Which toolkit macro an attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroKind {
    Monitored,
    Breadcrumb,
    CaptureErrors,
}

impl MacroKind {
    pub fn name(self) -> &'static str {
        match self {
            MacroKind::Monitored => "monitored",
            MacroKind::Breadcrumb => "breadcrumb",
            MacroKind::CaptureErrors => "capture_errors",
        }
    }

    pub fn from_name(name: &str) -> Option<MacroKind> {
        match name {
            "monitored" => Some(MacroKind::Monitored),
            "breadcrumb" => Some(MacroKind::Breadcrumb),
            "capture_errors" => Some(MacroKind::CaptureErrors),
            _ => None,
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            MacroKind::Monitored => &[
                "name",
                "op",
                "transaction",
                "span",
                "tags",
                "data",
                "sample_rate",
                "check_in",
                "crate",
            ],
            MacroKind::Breadcrumb => &["message", "category", "level", "data", "outcome", "crate"],
            MacroKind::CaptureErrors => {
                &["error_type", "tags", "level", "data", "skip_if", "crate"]
            }
        }
    }
}

/// One option as written: `key`, `key = value` or `key(...)`.
struct RawOption {
    key: Ident,
    value: RawValue,
}

enum RawValue {
    Flag,
    Assign(Expr),
    List(TokenStream, Span),
}

impl Parse for RawOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `crate` is a keyword; `parse_any` accepts it as the key of `crate = path`.
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            RawValue::Assign(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            RawValue::List(content.parse()?, paren.span.join())
        } else {
            RawValue::Flag
        };
        Ok(RawOption { key, value })
    }
}

/// A `tags(...)`/`data(...)` entry: `ident` (shorthand for an argument) or `key = expr`.
#[derive(Clone)]
pub struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    /// Set for the shorthand form, which must name a function argument.
    pub shorthand: Option<Ident>,
}

impl Parse for Field {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (key, key_span) = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            (lit.value(), lit.span())
        } else {
            let ident = Ident::parse_any(input)?;
            if !input.peek(Token![=]) {
                if !input.is_empty() && !input.peek(Token![,]) {
                    // `tags(op: "deploy")`, `data(rows.len())`.
                    return Err(input.error(format!(
                        "expected `,` or `=` after `{ident}`: each entry is an argument name, \
                         or `key = expression`"
                    )));
                }
                let value: Expr = syn::parse_quote_spanned!(ident.span()=> #ident);
                return Ok(Field {
                    key: ident.unraw().to_string(),
                    key_span: ident.span(),
                    value,
                    shorthand: Some(ident),
                });
            }
            (ident.unraw().to_string(), ident.span())
        };
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(Field {
            key,
            key_span,
            value,
            shorthand: None,
        })
    }
}

/// A level as written: one of debug, info, warning, error, fatal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Warning,
    Error,
    Fatal,
}

impl Level {
    pub fn variant(self) -> &'static str {
        match self {
            Level::Debug => "Debug",
            Level::Info => "Info",
            Level::Warning => "Warning",
            Level::Error => "Error",
            Level::Fatal => "Fatal",
        }
    }
}

/// Whether `#[monitored]` starts a transaction, a child span, or either.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Auto,
    Transaction,
    Span,
}

/// A cron monitor for `#[monitored(check_in = …)]`.
#[derive(Clone)]
pub struct CheckIn {
    pub slug: LitStr,
    pub schedule: Option<LitStr>,
    pub interval: Option<LitStr>,
    pub checkin_margin: Option<u64>,
    pub max_runtime: Option<u64>,
    pub timezone: Option<LitStr>,
}

#[derive(Clone, Default)]
pub struct MonitoredArgs {
    pub name: Option<LitStr>,
    pub op: Option<LitStr>,
    pub kind: Kind,
    pub tags: Vec<Field>,
    pub data: Vec<Field>,
    pub sample_rate: Option<f64>,
    pub check_in: Option<CheckIn>,
}

#[derive(Clone, Default)]
pub struct BreadcrumbArgs {
    pub message: Option<LitStr>,
    pub category: Option<LitStr>,
    pub level: Option<Level>,
    pub data: Vec<Field>,
    pub outcome: bool,
}

#[derive(Clone, Default)]
pub struct CaptureArgs {
    pub error_type: Option<LitStr>,
    pub tags: Vec<Field>,
    pub level: Option<Level>,
    pub data: Vec<Field>,
    pub skip_if: Option<Expr>,
}

/// The options of one attribute.
#[derive(Clone)]
pub enum Args {
    Monitored(MonitoredArgs),
    Breadcrumb(BreadcrumbArgs),
    CaptureErrors(CaptureArgs),
}

/// Parses the arguments of one attribute. Errors go to `errors`; what could be understood
/// is still returned, so the expansion can go on and report everything at once.
pub fn parse(kind: MacroKind, tokens: TokenStream, errors: &mut Errors) -> (Args, Option<Path>) {
    let parser = |input: ParseStream<'_>| {
        if input.peek(LitStr) {
            // `#[monitored("checkout")]`: say which option takes the text.
            let lit: LitStr = input.parse()?;
            let key = match kind {
                MacroKind::Monitored => "name",
                MacroKind::Breadcrumb => "message",
                MacroKind::CaptureErrors => "error_type",
            };
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "`#[{}]` takes named options: write `{key} = {}`",
                    kind.name(),
                    lit.to_token_stream()
                ),
            ));
        }
        Punctuated::<RawOption, Token![,]>::parse_terminated(input)
    };
    let options = match parser.parse2(tokens) {
        Ok(options) => options,
        Err(e) => {
            errors.push(e);
            Punctuated::new()
        }
    };
    let mut seen: Vec<String> = Vec::new();
    let mut krate = None;
    let mut monitored = MonitoredArgs::default();
    let mut breadcrumb = BreadcrumbArgs::default();
    let mut capture = CaptureArgs::default();
    let mut kind_span: Option<(Kind, Span)> = None;

    for option in options {
        let key = option.key.unraw().to_string();
        let span = option.key.span();
        if !kind.keys().contains(&key.as_str()) {
            errors.push(syn::Error::new(span, unknown_option(kind, &key)));
            continue;
        }
        if seen.contains(&key) {
            errors.push(syn::Error::new(
                span,
                format!("duplicate option `{key}` in `#[{}]`", kind.name()),
            ));
            continue;
        }
        seen.push(key.clone());

        let value = option.value;
        match (kind, key.as_str()) {
            (_, "crate") => krate = assign_path(&key, span, value, errors),
            (MacroKind::Monitored, "name") => {
                monitored.name = assign_str(&key, span, value, errors, true)
            }
            (MacroKind::Monitored, "op") => {
                monitored.op = assign_str(&key, span, value, errors, true)
            }
            (MacroKind::Monitored, "transaction" | "span") => {
                let new_kind = if key == "transaction" {
                    Kind::Transaction
                } else {
                    Kind::Span
                };
                flag(&key, span, value, errors);
                if let Some((previous, _)) = kind_span {
                    let previous = if previous == Kind::Transaction {
                        "transaction"
                    } else {
                        "span"
                    };
                    errors.push(syn::Error::new(
                        span,
                        format!(
                            "`{key}` conflicts with `{previous}`: a monitored function starts either \
                             a transaction or a child span"
                        ),
                    ));
                } else {
                    kind_span = Some((new_kind, span));
                    monitored.kind = new_kind;
                }
            }
            (MacroKind::Monitored, "tags") => monitored.tags = list(&key, span, value, errors),
            (MacroKind::Monitored, "data") => monitored.data = list(&key, span, value, errors),
            (MacroKind::Monitored, "sample_rate") => {
                monitored.sample_rate = assign_rate(span, value, errors)
            }
            (MacroKind::Monitored, "check_in") => {
                monitored.check_in = check_in(span, value, errors)
            }
            (MacroKind::Breadcrumb, "message") => {
                breadcrumb.message = assign_str(&key, span, value, errors, true)
            }
            (MacroKind::Breadcrumb, "category") => {
                breadcrumb.category = assign_str(&key, span, value, errors, true)
            }
            (MacroKind::Breadcrumb, "level") => {
                breadcrumb.level = assign_level(span, value, errors)
            }
            (MacroKind::Breadcrumb, "data") => breadcrumb.data = list(&key, span, value, errors),
            (MacroKind::Breadcrumb, "outcome") => {
                breadcrumb.outcome = flag(&key, span, value, errors)
            }
            (MacroKind::CaptureErrors, "error_type") => {
                capture.error_type = assign_str(&key, span, value, errors, true)
            }
            (MacroKind::CaptureErrors, "tags") => capture.tags = list(&key, span, value, errors),
            (MacroKind::CaptureErrors, "level") => {
                capture.level = assign_level(span, value, errors)
            }
            (MacroKind::CaptureErrors, "data") => capture.data = list(&key, span, value, errors),
            (MacroKind::CaptureErrors, "skip_if") => {
                capture.skip_if = assign_expr(&key, span, value, errors)
            }
            _ => {}
        }
    }

    let args = match kind {
        MacroKind::Monitored => Args::Monitored(monitored),
        MacroKind::Breadcrumb => Args::Breadcrumb(breadcrumb),
        MacroKind::CaptureErrors => Args::CaptureErrors(capture),
    };
    (args, krate)
}

/// The message for an option `#[kind]` does not know: what the user may have meant, then
/// every valid key.
fn unknown_option(kind: MacroKind, key: &str) -> String {
    let valid = kind.keys().join(", ");
    let owner = [
        MacroKind::Monitored,
        MacroKind::Breadcrumb,
        MacroKind::CaptureErrors,
    ]
    .into_iter()
    .find(|other| *other != kind && other.keys().contains(&key));
    if let Some(owner) = owner {
        return format!(
            "`{key}` is an option of `#[{}]`, not of `#[{}]`; `#[{}]` accepts: {valid}",
            owner.name(),
            kind.name(),
            kind.name()
        );
    }
    // One typo in a short key, two in a longer one.
    let limit = if key.len() <= 3 { 1 } else { 2 };
    let close = kind
        .keys()
        .iter()
        .filter(|candidate| edit_distance(key, candidate) <= limit)
        .min_by_key(|candidate| edit_distance(key, candidate));
    match close {
        Some(close) => format!(
            "unknown option `{key}` for `#[{}]`; did you mean `{close}`? Expected one of: {valid}",
            kind.name()
        ),
        None => format!(
            "unknown option `{key}` for `#[{}]`; expected one of: {valid}",
            kind.name()
        ),
    }
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

fn flag(key: &str, span: Span, value: RawValue, errors: &mut Errors) -> bool {
    match value {
        RawValue::Flag => true,
        RawValue::Assign(expr) => {
            let naming = matches!(key, "transaction" | "span")
                && matches!(
                    &expr,
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Str(_),
                        ..
                    })
                );
            let hint = if naming {
                format!(", and `name = \"…\"` to name it: `#[monitored({key}, name = \"…\")]`")
            } else {
                String::new()
            };
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{key}` is a flag and takes no value: write `{key}`{hint}"),
            ));
            true
        }
        RawValue::List(_, list_span) => {
            errors.push(syn::Error::new(
                list_span,
                format!("`{key}` is a flag and takes no arguments: write `{key}`"),
            ));
            let _ = span;
            true
        }
    }
}

fn assign_expr(key: &str, span: Span, value: RawValue, errors: &mut Errors) -> Option<Expr> {
    match value {
        RawValue::Assign(expr) => Some(expr),
        _ => {
            errors.push(syn::Error::new(
                span,
                format!("`{key}` needs a value: `{key} = …`"),
            ));
            None
        }
    }
}

fn assign_str(
    key: &str,
    span: Span,
    value: RawValue,
    errors: &mut Errors,
    non_empty: bool,
) -> Option<LitStr> {
    let expr = assign_expr(key, span, value, errors)?;
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            if non_empty && lit.value().trim().is_empty() {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("`{key}` cannot be empty"),
                ));
                return None;
            }
            Some(lit)
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!("`{key}` expects a string literal, such as `{key} = \"…\"`"),
            ));
            None
        }
    }
}

fn assign_path(key: &str, span: Span, value: RawValue, errors: &mut Errors) -> Option<Path> {
    let expr = assign_expr(key, span, value, errors)?;
    match expr {
        Expr::Path(path) if path.qself.is_none() => Some(path.path),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "`crate` expects a path to the runtime crate, such as `crate = my_reexport::monitor`",
            ));
            None
        }
    }
}

fn assign_rate(span: Span, value: RawValue, errors: &mut Errors) -> Option<f64> {
    let expr = assign_expr("sample_rate", span, value, errors)?;
    let Some(rate) = number(&expr) else {
        errors.push(syn::Error::new_spanned(
            expr,
            "`sample_rate` expects a number literal from 0.0 to 1.0, such as `sample_rate = 0.25`",
        ));
        return None;
    };
    if (0.0..=1.0).contains(&rate) {
        Some(rate)
    } else {
        errors.push(syn::Error::new_spanned(
            &expr,
            format!(
                "`sample_rate` must be from 0.0 to 1.0, found {}",
                expr.to_token_stream().to_string().replace(' ', "")
            ),
        ));
        None
    }
}

/// The value of a number literal, negative ones included.
fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>().ok(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<f64>().ok(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => number(expr).map(|n| -n),
        _ => None,
    }
}

const LEVELS: &str = "debug, info, warning, error, fatal";

fn assign_level(span: Span, value: RawValue, errors: &mut Errors) -> Option<Level> {
    let expr = assign_expr("level", span, value, errors)?;
    let Expr::Lit(syn::ExprLit {
        lit: Lit::Str(lit), ..
    }) = expr
    else {
        errors.push(syn::Error::new_spanned(
            expr,
            format!(
                "`level` expects a string literal, one of: {LEVELS}; such as `level = \"warning\"`"
            ),
        ));
        return None;
    };
    let level = match lit.value().to_ascii_lowercase().as_str() {
        "debug" => Level::Debug,
        "info" => Level::Info,
        "warning" | "warn" => Level::Warning,
        "error" => Level::Error,
        "fatal" => Level::Fatal,
        _ => {
            errors.push(syn::Error::new(
                lit.span(),
                format!("unknown level `{}`; expected one of: {LEVELS}", lit.value()),
            ));
            return None;
        }
    };
    Some(level)
}

fn list(key: &str, span: Span, value: RawValue, errors: &mut Errors) -> Vec<Field> {
    let RawValue::List(tokens, _) = value else {
        errors.push(syn::Error::new(
            span,
            format!("`{key}` expects a list: `{key}(name, key = expression)`"),
        ));
        return Vec::new();
    };
    let fields = match Punctuated::<Field, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(fields) => fields,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut out: Vec<Field> = Vec::new();
    for field in fields {
        if out.iter().any(|f| f.key == field.key) {
            errors.push(syn::Error::new(
                field.key_span,
                format!("duplicate key `{}` in `{key}(...)`", field.key),
            ));
            continue;
        }
        out.push(field);
    }
    out
}

fn check_in(span: Span, value: RawValue, errors: &mut Errors) -> Option<CheckIn> {
    match value {
        RawValue::Assign(Expr::Lit(syn::ExprLit {
            lit: Lit::Str(slug),
            ..
        })) => valid_slug(&slug, errors).then_some(CheckIn {
            slug,
            schedule: None,
            interval: None,
            checkin_margin: None,
            max_runtime: None,
            timezone: None,
        }),
        RawValue::List(tokens, list_span) => check_in_list(tokens, list_span, errors),
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
                span,
                "`check_in` needs a monitor slug: `check_in = \"nightly-import\"`",
            ));
            None
        }
    }
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

fn check_in_list(tokens: TokenStream, list_span: Span, errors: &mut Errors) -> Option<CheckIn> {
    const KEYS: &[&str] = &[
        "slug",
        "schedule",
        "interval",
        "checkin_margin",
        "max_runtime",
        "timezone",
    ];
    let options = match Punctuated::<RawOption, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(options) => options,
        Err(e) => {
            errors.push(e);
            return None;
        }
    };
    let mut slug = None;
    let mut out = CheckIn {
        slug: LitStr::new("", list_span),
        schedule: None,
        interval: None,
        checkin_margin: None,
        max_runtime: None,
        timezone: None,
    };
    let mut seen = Vec::new();
    for option in options {
        let key = option.key.to_string();
        let span = option.key.span();
        if !KEYS.contains(&key.as_str()) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "unknown option `{key}` in `check_in(...)`; expected one of: {}",
                    KEYS.join(", ")
                ),
            ));
            continue;
        }
        if seen.contains(&key) {
            errors.push(syn::Error::new(
                span,
                format!("duplicate option `{key}` in `check_in(...)`"),
            ));
            continue;
        }
        let other = match key.as_str() {
            "schedule" => "interval",
            "interval" => "schedule",
            _ => "",
        };
        if seen.iter().any(|k| k == other) {
            errors.push(syn::Error::new(
                span,
                format!(
                    "`{key}` conflicts with `{other}`: a monitor has one schedule, either a \
                     crontab (`schedule = \"0 3 * * *\"`) or an interval (`interval = \"1 day\"`)"
                ),
            ));
            continue;
        }
        seen.push(key.clone());
        match key.as_str() {
            "slug" => slug = assign_str(&key, span, option.value, errors, true),
            "schedule" => out.schedule = assign_str(&key, span, option.value, errors, true),
            "interval" => out.interval = assign_str(&key, span, option.value, errors, true),
            "timezone" => out.timezone = assign_str(&key, span, option.value, errors, true),
            _ => {
                let minutes = match assign_expr(&key, span, option.value, errors) {
                    Some(Expr::Lit(syn::ExprLit {
                        lit: Lit::Int(i), ..
                    })) => i.base10_parse::<u64>().ok(),
                    Some(other) => {
                        errors.push(syn::Error::new_spanned(
                            other,
                            format!("`{key}` expects a whole number of minutes"),
                        ));
                        None
                    }
                    None => None,
                };
                if key == "checkin_margin" {
                    out.checkin_margin = minutes;
                } else {
                    out.max_runtime = minutes;
                }
            }
        }
    }
    if let Some(schedule) = &out.schedule
        && schedule.value().split_whitespace().count() != 5
    {
        errors.push(syn::Error::new(
            schedule.span(),
            "`schedule` expects a crontab expression with 5 fields, such as \"0 3 * * *\"",
        ));
    }
    if let Some(interval) = &out.interval
        && crate::schedule::parse_interval(&interval.value()).is_none()
    {
        errors.push(syn::Error::new(
            interval.span(),
            "`interval` expects a number and a unit, such as \"10 minutes\" or \"1 day\" \
             (units: minute, hour, day, week, month, year)",
        ));
    }
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

/// Tokens of a key as a string literal, for generated code.
pub fn key_lit(field: &Field) -> LitStr {
    LitStr::new(&field.key, field.key_span)
}

impl ToTokens for Level {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Ident::new(self.variant(), Span::call_site()).to_tokens(tokens);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_options_get_a_hint() {
        let message = |kind, key| unknown_option(kind, key);
        assert!(message(MacroKind::Breadcrumb, "mesage").contains("did you mean `message`?"));
        assert!(
            message(MacroKind::Monitored, "sample_rat").contains("did you mean `sample_rate`?")
        );
        assert!(message(MacroKind::Monitored, "nmae").contains("did you mean `name`?"));
        // Too far from any key, or too short to guess from.
        assert!(!message(MacroKind::Monitored, "bogus").contains("did you mean"));
        assert!(!message(MacroKind::Monitored, "id").contains("did you mean"));
        assert!(
            message(MacroKind::CaptureErrors, "sample_rate")
                .starts_with("`sample_rate` is an option of `#[monitored]`")
        );
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("mesage", "message"), 1);
        assert_eq!(edit_distance("nmae", "name"), 2);
        assert_eq!(edit_distance("", "op"), 2);
    }
}
