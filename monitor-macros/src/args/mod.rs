//! Parsing macro arguments into typed options.
//!
//! Syntax is parsed generically first (`key`, `key = value`, `key(field, key = expr)`,
//! [`syntax`]), then each macro interprets its keys, declared as enums ([`keys`]) so that
//! every key has an arm. Every problem is collected with the span of the exact token at
//! fault, so one compile shows all of them.

pub mod check_in;
pub mod keys;
pub mod objective;
pub mod syntax;
pub mod values;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::parse::Parser;
use syn::{Expr, Ident, LitStr, Path};

pub use check_in::{CheckIn, Schedule};
use keys::{Accepted, OptionKey, closest, each_option, option_keys};
pub use objective::Objective;
pub use syntax::Field;

use crate::diag::Errors;

/// Which toolkit macro an attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroKind {
    Monitored,
    Breadcrumb,
    CaptureErrors,
}

impl MacroKind {
    pub const ALL: [MacroKind; 3] = [
        MacroKind::Monitored,
        MacroKind::Breadcrumb,
        MacroKind::CaptureErrors,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MacroKind::Monitored => "monitored",
            MacroKind::Breadcrumb => "breadcrumb",
            MacroKind::CaptureErrors => "capture_errors",
        }
    }

    pub fn from_name(name: &str) -> Option<MacroKind> {
        MacroKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    fn key_names(self) -> Vec<&'static str> {
        match self {
            MacroKind::Monitored => MonitoredKey::ALL.iter().map(|k| k.name()).collect(),
            MacroKind::Breadcrumb => BreadcrumbKey::ALL.iter().map(|k| k.name()).collect(),
            MacroKind::CaptureErrors => CaptureKey::ALL.iter().map(|k| k.name()).collect(),
        }
    }

    /// The option that takes the text in `#[kind("text")]`.
    fn text_option(self) -> &'static str {
        match self {
            MacroKind::Monitored => "name",
            MacroKind::Breadcrumb => "message",
            MacroKind::CaptureErrors => "error_type",
        }
    }
}

const SKIP_ALONE: &str = "`skip` opts a method out of its `impl` block's attribute and takes \
                          no other option";

option_keys! {
    /// The options of `#[monitored]`.
    pub enum MonitoredKey {
        Name = "name",
        ShortName = "short_name",
        Op = "op",
        Transaction = "transaction",
        Span = "span",
        Parent = "parent",
        FollowsFrom = "follows_from",
        Tags = "tags",
        Data = "data",
        Ret = "ret",
        SampleRate = "sample_rate",
        BusyTime = "busy_time",
        CheckIn = "check_in",
        Metrics = "metrics",
        Objective = "objective",
        Skip = "skip",
        Crate = "crate",
    }
    conflicts(this, other) {
        match (this, other) {
            (MonitoredKey::Skip, _) => Some(SKIP_ALONE),
            (MonitoredKey::Span, MonitoredKey::Transaction) => Some(
                "a monitored function starts either a transaction or a child span",
            ),
            (MonitoredKey::ShortName, MonitoredKey::Name) => Some(
                "`name` gives the span its name, `short_name` names it after the function: keep one",
            ),
            _ => None,
        }
    }
}

option_keys! {
    /// The options of `#[breadcrumb]`.
    pub enum BreadcrumbKey {
        Message = "message",
        Category = "category",
        Level = "level",
        Data = "data",
        Outcome = "outcome",
        Skip = "skip",
        Crate = "crate",
    }
    conflicts(this, _other) {
        (this == BreadcrumbKey::Skip).then_some(SKIP_ALONE)
    }
}

option_keys! {
    /// The options of `#[capture_errors]`.
    pub enum CaptureKey {
        ErrorType = "error_type",
        Tags = "tags",
        Level = "level",
        Data = "data",
        SkipIf = "skip_if",
        Skip = "skip",
        Crate = "crate",
    }
    conflicts(this, _other) {
        (this == CaptureKey::Skip).then_some(SKIP_ALONE)
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

impl ToTokens for Level {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        Ident::new(self.variant(), Span::call_site()).to_tokens(tokens);
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

/// How `ret` records the return value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetFormat {
    /// `ret`: as structured data when it is `serde::Serialize`, else its `Debug` text.
    Value,
    /// `ret(display)`.
    Display,
    /// `ret(debug)`.
    Debug,
}

#[derive(Clone, Default)]
pub struct MonitoredArgs {
    pub name: Option<LitStr>,
    pub short_name: bool,
    pub op: Option<LitStr>,
    pub kind: Kind,
    pub parent: Option<Expr>,
    pub follows_from: Option<Expr>,
    pub tags: Vec<Field>,
    pub data: Vec<Field>,
    pub ret: Option<RetFormat>,
    pub sample_rate: Option<f64>,
    pub busy_time: bool,
    pub check_in: Option<CheckIn>,
    pub metrics: bool,
    pub objective: Option<Objective>,
}

impl MonitoredArgs {
    /// Whether the RED metrics are sent: `metrics`, or an objective over them.
    pub fn sends_metrics(&self) -> bool {
        self.metrics || self.objective.is_some()
    }
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

/// The options of one macro.
#[derive(Clone)]
pub enum Args {
    Monitored(Box<MonitoredArgs>),
    Breadcrumb(BreadcrumbArgs),
    CaptureErrors(CaptureArgs),
}

/// One attribute, read.
#[derive(Clone)]
pub struct Attr {
    pub kind: MacroKind,
    pub args: Args,
    /// `crate = path`.
    pub krate: Option<Path>,
    /// `skip`: the method opts out of its `impl` block's attribute of this kind.
    pub skip: Option<Span>,
}

/// Parses the arguments of one attribute. Errors go to `errors`; what could be understood
/// is still returned, so the expansion can go on and report everything at once.
pub fn parse(kind: MacroKind, tokens: TokenStream, errors: &mut Errors) -> Attr {
    let parser = |input: syn::parse::ParseStream<'_>| {
        if input.peek(LitStr) {
            // `#[monitored("checkout")]`: say which option takes the text.
            let lit: LitStr = input.parse()?;
            return Err(syn::Error::new(
                lit.span(),
                format!(
                    "`#[{}]` takes named options: write `{} = {}`",
                    kind.name(),
                    kind.text_option(),
                    lit.to_token_stream()
                ),
            ));
        }
        input.parse::<TokenStream>()
    };
    let options = match parser.parse2(tokens) {
        Ok(tokens) => syntax::options(tokens, errors),
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    };
    let place = format!("in `#[{}]`", kind.name());
    let unknown = |key: &str| unknown_option(kind, key);
    let mut attr = Attr {
        kind,
        args: match kind {
            MacroKind::Monitored => Args::Monitored(Box::default()),
            MacroKind::Breadcrumb => Args::Breadcrumb(BreadcrumbArgs::default()),
            MacroKind::CaptureErrors => Args::CaptureErrors(CaptureArgs::default()),
        },
        krate: None,
        skip: None,
    };
    let Attr {
        args, krate, skip, ..
    } = &mut attr;
    match args {
        Args::Monitored(m) => each_option(options, &place, &unknown, errors, |o, e| {
            monitored(m, krate, skip, o, e);
        }),
        Args::Breadcrumb(b) => each_option(options, &place, &unknown, errors, |o, e| {
            breadcrumb(b, krate, skip, o, e);
        }),
        Args::CaptureErrors(c) => each_option(options, &place, &unknown, errors, |o, e| {
            capture(c, krate, skip, o, e);
        }),
    }
    attr
}

fn monitored(
    m: &mut MonitoredArgs,
    krate: &mut Option<Path>,
    skip: &mut Option<Span>,
    option: Accepted<MonitoredKey>,
    errors: &mut Errors,
) {
    match option.key {
        MonitoredKey::Name => m.name = values::string(option, errors),
        MonitoredKey::ShortName => m.short_name = values::flag(option, errors),
        MonitoredKey::Op => m.op = values::string(option, errors),
        MonitoredKey::Transaction => {
            values::flag(option, errors);
            m.kind = Kind::Transaction;
        }
        MonitoredKey::Span => {
            values::flag(option, errors);
            m.kind = Kind::Span;
        }
        MonitoredKey::Parent => m.parent = values::expr(option, errors),
        MonitoredKey::FollowsFrom => m.follows_from = values::expr(option, errors),
        MonitoredKey::Tags => m.tags = values::fields(option, errors),
        MonitoredKey::Data => m.data = values::fields(option, errors),
        MonitoredKey::Ret => {
            m.ret = match values::word(option, &["display", "debug"], errors) {
                Ok(None) => Some(RetFormat::Value),
                Ok(Some("display")) => Some(RetFormat::Display),
                Ok(Some(_)) => Some(RetFormat::Debug),
                Err(()) => None,
            }
        }
        MonitoredKey::SampleRate => m.sample_rate = values::rate(option, errors),
        MonitoredKey::BusyTime => m.busy_time = values::flag(option, errors),
        MonitoredKey::CheckIn => m.check_in = check_in::parse(option, errors),
        MonitoredKey::Metrics => m.metrics = values::flag(option, errors),
        MonitoredKey::Objective => m.objective = objective::parse(option, errors),
        MonitoredKey::Skip => *skip = skip_flag(option, errors),
        MonitoredKey::Crate => *krate = values::path(option, errors),
    }
}

fn breadcrumb(
    b: &mut BreadcrumbArgs,
    krate: &mut Option<Path>,
    skip: &mut Option<Span>,
    option: Accepted<BreadcrumbKey>,
    errors: &mut Errors,
) {
    match option.key {
        BreadcrumbKey::Message => b.message = values::string(option, errors),
        BreadcrumbKey::Category => b.category = values::string(option, errors),
        BreadcrumbKey::Level => b.level = values::level(option, errors),
        BreadcrumbKey::Data => b.data = values::fields(option, errors),
        BreadcrumbKey::Outcome => b.outcome = values::flag(option, errors),
        BreadcrumbKey::Skip => *skip = skip_flag(option, errors),
        BreadcrumbKey::Crate => *krate = values::path(option, errors),
    }
}

fn capture(
    c: &mut CaptureArgs,
    krate: &mut Option<Path>,
    skip: &mut Option<Span>,
    option: Accepted<CaptureKey>,
    errors: &mut Errors,
) {
    match option.key {
        CaptureKey::ErrorType => c.error_type = values::string(option, errors),
        CaptureKey::Tags => c.tags = values::fields(option, errors),
        CaptureKey::Level => c.level = values::level(option, errors),
        CaptureKey::Data => c.data = values::fields(option, errors),
        CaptureKey::SkipIf => c.skip_if = values::expr(option, errors),
        CaptureKey::Skip => *skip = skip_flag(option, errors),
        CaptureKey::Crate => *krate = values::path(option, errors),
    }
}

fn skip_flag<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<Span> {
    let span = option.span();
    values::flag(option, errors).then_some(span)
}

/// The message for an option `#[kind]` does not know: what the user may have meant, then
/// every valid key.
fn unknown_option(kind: MacroKind, key: &str) -> String {
    let names = kind.key_names();
    let valid = names.join(", ");
    let owner = MacroKind::ALL
        .into_iter()
        .find(|other| *other != kind && other.key_names().contains(&key));
    if let Some(owner) = owner {
        return format!(
            "`{key}` is an option of `#[{}]`, not of `#[{}]`; `#[{}]` accepts: {valid}",
            owner.name(),
            kind.name(),
            kind.name()
        );
    }
    match closest(key, names.iter().copied()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(kind: MacroKind, tokens: TokenStream) -> Vec<String> {
        let mut errors = Errors::default();
        let _ = parse(kind, tokens, &mut errors);
        errors.messages()
    }

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
    fn overflowing_minutes_are_reported() {
        let errors = errors_of(
            MacroKind::Monitored,
            quote::quote!(check_in(slug = "a", max_runtime = 18446744073709551616)),
        );
        assert_eq!(
            errors,
            [
                "`max_runtime` is too large: at most 18446744073709551615 minutes, found 18446744073709551616"
            ]
        );
    }

    #[test]
    fn skip_stands_alone() {
        let errors = errors_of(MacroKind::Monitored, quote::quote!(skip, name = "x"));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("`name` conflicts with `skip`"),
            "{errors:?}"
        );
    }

    #[test]
    fn every_option_is_read() {
        let mut errors = Errors::default();
        let attr = parse(
            MacroKind::Monitored,
            quote::quote!(
                short_name,
                op = "o",
                transaction,
                parent = p,
                follows_from = q,
                tags(a),
                data(b),
                ret(display),
                sample_rate = 0.5,
                busy_time,
                check_in(slug = "s", heartbeat),
                metrics,
                objective(success = 99.9, latency = "250ms"),
                crate = k
            ),
            &mut errors,
        );
        assert!(errors.is_empty(), "{:?}", errors.messages());
        let Args::Monitored(m) = attr.args else {
            unreachable!()
        };
        assert!(m.short_name && m.busy_time && m.metrics);
        assert_eq!(m.kind, Kind::Transaction);
        assert!(m.parent.is_some() && m.follows_from.is_some());
        assert_eq!(m.ret, Some(RetFormat::Display));
        assert!(m.check_in.is_some_and(|c| c.heartbeat));
        let objective = m.objective.expect("an objective");
        assert_eq!(objective.latency_ms, Some(250.0));
        assert_eq!(objective.percentile, objective::DEFAULT_PERCENTILE);
        assert!(attr.krate.is_some());
    }
}
