//! Every function annotated with a toolkit macro, collected at link time.
//!
//! Each annotated function submits one [`inventory`] entry from inside its body, so
//! generic functions and methods are listed once, in release builds too. `init` uses the
//! list to warn about `SENTRY_TRACES_SAMPLER` rules that match nothing; the health report
//! counts it.

pub(crate) mod check_in;

use std::sync::OnceLock;

use serde::Serialize;

/// Static facts about one annotated function, written by the macros.
#[doc(hidden)]
#[derive(Debug)]
pub struct FnSite {
    /// The `name = "…"` option, if given.
    pub explicit_name: Option<&'static str>,
    /// Resolves the default name: the function's path, from the `type_name` of an item
    /// nested in its body (it includes the impl type for methods).
    pub path_of_nested_item: fn() -> &'static str,
    /// The span op (`#[monitored]` only).
    pub op: Option<&'static str>,
    /// The per-function sampling rate (`#[monitored]` only).
    pub sample_rate: Option<f32>,
    /// `module_path!()` at the function.
    pub module: &'static str,
    /// `file!()` at the function.
    pub file: &'static str,
    /// `line!()` at the function's name.
    pub line: u32,
    /// Which toolkit macros are on the function.
    pub macros: &'static [&'static str],
    /// The options that do not change from call to call.
    pub spec: FnSpec,
    /// The resolved default name, computed once.
    pub resolved: OnceLock<&'static str>,
}

/// The registry site of an annotated function, as generated code writes it:
/// `site!(file, line, ["monitored", …], name, op, sample_rate, spec fields…)`. Defined here
/// rather than spelled out by the macros, so that each function's expansion stays short.
#[doc(hidden)]
#[macro_export]
macro_rules! __monitor_site {
    ($file:expr, $line:expr, [$($macro:literal),*], $name:expr, $op:expr, $rate:expr, $($spec:tt)*) => {{
        fn __monitor_runtime_path() {}
        static __MONITOR_RUNTIME_SITE: $crate::__private::FnSite = $crate::__private::FnSite {
            explicit_name: $name,
            path_of_nested_item: $crate::__private::path_of(__monitor_runtime_path),
            op: $op,
            sample_rate: $rate,
            module: ::core::module_path!(),
            file: $file,
            line: $line,
            macros: &[$($macro),*],
            spec: $crate::__private::FnSpec { $($spec)* ..$crate::__private::FnSpec::NONE },
            resolved: $crate::__private::unresolved(),
        };
        $crate::__private::inventory::submit! {
            $crate::__private::Registration(&__MONITOR_RUNTIME_SITE)
        }
        &__MONITOR_RUNTIME_SITE
    }};
}

/// The options of an annotated function that are the same at every call: generated code
/// passes the [`FnSite`] alone, and the runtime reads them here.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct FnSpec {
    /// `#[monitored(short_name)]`: the name without the module path.
    pub short_name: bool,
    /// `#[breadcrumb]`.
    pub crumb: Option<CrumbSpec>,
    /// `#[capture_errors]`.
    pub capture: Option<CaptureSpec>,
    /// `#[monitored(check_in(...))]`.
    pub check_in: Option<check_in::Monitor>,
    /// `#[monitored(metrics)]` or `objective(...)`.
    pub metrics: Option<MetricsSpec>,
}

impl FnSpec {
    /// No option set; the macros fill in what is written.
    pub const NONE: FnSpec = FnSpec {
        short_name: false,
        crumb: None,
        capture: None,
        check_in: None,
        metrics: None,
    };
}

/// The static options of `#[breadcrumb]`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct CrumbSpec {
    /// `category = "…"`.
    pub category: &'static str,
    /// `level = "…"`.
    pub level: sentry::Level,
    /// `outcome`: a second crumb when the call returns.
    pub outcome: bool,
}

/// The static options of `#[capture_errors]`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct CaptureSpec {
    /// `error_type = "…"`.
    pub error_type: Option<&'static str>,
    /// `level = "…"`.
    pub level: Option<sentry::Level>,
    /// The entries of `tags(...)` whose value is a string literal.
    pub tags: &'static [(&'static str, &'static str)],
}

/// `#[monitored(metrics)]`: the calls counter and the duration distribution.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct MetricsSpec {
    /// `objective(...)`, if any.
    pub objective: Option<ObjectiveSpec>,
}

/// `#[monitored(objective(...))]` as written.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ObjectiveSpec {
    /// `name = "…"`; the function's name otherwise.
    pub name: Option<&'static str>,
    /// `success = …`, in percent.
    pub success: Option<f64>,
    /// `latency = "…"`, in milliseconds.
    pub latency_ms: Option<f64>,
    /// `percentile = …`.
    pub percentile: f64,
}

impl FnSite {
    /// The function's name as spans, breadcrumbs and tags show it.
    pub fn name(&self) -> &'static str {
        if let Some(name) = self.explicit_name {
            return name;
        }
        self.resolved.get_or_init(|| {
            let path = function_path((self.path_of_nested_item)());
            if self.spec.short_name {
                short_path(path, self.module)
            } else {
                path
            }
        })
    }

    /// The name of the function's objective, if it has one.
    pub fn objective_name(&self) -> Option<&'static str> {
        let objective = self.spec.metrics?.objective?;
        Some(objective.name.unwrap_or_else(|| self.name()))
    }
}

/// One entry of the registry.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registration(pub &'static FnSite);

inventory::collect!(Registration);

/// A function annotated with `#[monitored]`, `#[breadcrumb]` or `#[capture_errors]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct FunctionInfo {
    /// The span name: the function's path (`shop::Cart::checkout`) or its `name = …`.
    pub name: &'static str,
    /// The module it is defined in.
    pub module: &'static str,
    /// The source file.
    pub file: &'static str,
    /// The line of the function's name.
    pub line: u32,
    /// The toolkit macros on it, such as `["monitored", "capture_errors"]`.
    pub macros: &'static [&'static str],
    /// Its span op, for `#[monitored]` functions.
    pub op: Option<&'static str>,
    /// Its own sampling rate, if it sets one.
    pub sample_rate: Option<f32>,
    /// Whether it sends the RED metrics (`#[monitored(metrics)]` or an objective).
    pub metrics: bool,
    /// The name of its objective, if it declares one (see [`objectives`]).
    pub objective: Option<&'static str>,
}

/// A service level objective, declared with `#[monitored(objective(...))]`.
///
/// The function's RED metrics (`function.calls`, `function.duration`) carry the
/// objective's name in their `objective` attribute, so that an alert can select them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Objective {
    /// Its `name = "…"`, else the function's name.
    pub name: &'static str,
    /// The function it is declared on (its span name).
    pub function: &'static str,
    /// The module of that function.
    pub module: &'static str,
    /// The share of calls that must succeed, in percent (`success = 99.9`).
    pub success_rate: Option<f64>,
    /// The latency that calls must stay under at `percentile`, in milliseconds
    /// (`latency = "250ms"`).
    pub latency_ms: Option<f64>,
    /// The percentile the latency is measured at (`percentile = 99`, 99 when not written);
    /// `None` without a latency objective.
    pub percentile: Option<f64>,
}

/// Every annotated function linked into this program, sorted by file and line.
///
/// ```
/// for f in monitor_runtime::registry::functions() {
///     println!("{} ({}:{}) {:?}", f.name, f.file, f.line, f.macros);
/// }
/// ```
pub fn functions() -> Vec<FunctionInfo> {
    let mut list: Vec<FunctionInfo> = inventory::iter::<Registration>
        .into_iter()
        .map(|Registration(site)| FunctionInfo {
            name: site.name(),
            module: site.module,
            file: site.file,
            line: site.line,
            macros: site.macros,
            op: site.op,
            sample_rate: site.sample_rate,
            metrics: site.spec.metrics.is_some(),
            objective: site.objective_name(),
        })
        .collect();
    list.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
    list
}

/// Every objective declared in this program, sorted by name, then function.
///
/// ```
/// for objective in monitor_runtime::registry::objectives() {
///     println!(
///         "{}: {:?}% success, p{:?} under {:?} ms ({})",
///         objective.name, objective.success_rate, objective.percentile,
///         objective.latency_ms, objective.function,
///     );
/// }
/// ```
pub fn objectives() -> Vec<Objective> {
    let mut list: Vec<Objective> = inventory::iter::<Registration>
        .into_iter()
        .filter_map(|Registration(site)| {
            let spec = site.spec.metrics?.objective?;
            Some(Objective {
                name: site.objective_name()?,
                function: site.name(),
                module: site.module,
                success_rate: spec.success,
                latency_ms: spec.latency_ms,
                percentile: spec.latency_ms.map(|_| spec.percentile),
            })
        })
        .collect();
    list.sort_by(|a, b| (a.name, a.function).cmp(&(b.name, b.function)));
    list
}

/// Warnings for `SENTRY_TRACES_SAMPLER` rules that match no registered function: such a
/// rule is usually a typo, or names a route the service does not have.
pub(crate) fn unmatched_rules(
    rules: &crate::sampling::SamplerRules,
    known_transactions: &[String],
) -> Vec<String> {
    let functions = functions();
    let names: Vec<&str> = functions
        .iter()
        .map(|f| f.name)
        .chain(known_transactions.iter().map(String::as_str))
        .collect();
    rules
        .rules()
        .iter()
        .filter(|rule| !rule.matches_any(names.iter().copied()))
        .map(|rule| {
            format!(
                "SENTRY_TRACES_SAMPLER rule `{}={}` matches no instrumented function and no \
                 declared transaction; check the pattern against \
                 `monitor_runtime::registry::functions()`, or declare the transaction with \
                 `Config::known_transaction`",
                rule.pattern(),
                rule.rate()
            )
        })
        .collect()
}

/// Turns the `type_name` of an item nested in a function into the function's path:
/// `app::shop::Cart::checkout::__monitor_site` becomes `app::shop::Cart::checkout`, and
/// `<app::Cart as app::Checkout>::pay::{{closure}}::__monitor_site` becomes
/// `<app::Cart as app::Checkout>::pay`.
///
/// The generic arguments `type_name` prints for the impl's type are dropped:
/// `app::Wrapper<_>::get` (a method of `impl<T> Wrapper<T>`) becomes `app::Wrapper::get`,
/// the way the method is named in Rust, and the same for every instantiation. The
/// angle brackets of a qualified path (`<X as Trait>::m`) stay.
fn function_path(nested: &'static str) -> &'static str {
    let mut path = nested.rsplit_once("::").map_or(nested, |(head, _)| head);
    while let Some(stripped) = path.strip_suffix("::{{closure}}") {
        path = stripped;
    }
    match without_generic_args(path) {
        Some(owned) => Box::leak(owned.into_boxed_str()),
        None => path,
    }
}

/// The short name of a function whose full name is `path`: without its module path, so a
/// method keeps its type (`Cart::checkout`, and `Cart::pay` for `<app::Cart as
/// app::Checkout>::pay`) and a free function is its bare name. Called once per function.
fn short_path(path: &'static str, module: &str) -> &'static str {
    if let Some(qualified) = path.strip_prefix('<')
        && let Some((ty_and_trait, method)) = qualified.rsplit_once(">::")
    {
        let ty = ty_and_trait.split(" as ").next().unwrap_or(ty_and_trait);
        let ty = ty.rsplit("::").next().unwrap_or(ty);
        return Box::leak(format!("{ty}::{method}").into_boxed_str());
    }
    path.strip_prefix(module)
        .and_then(|rest| rest.strip_prefix("::"))
        .unwrap_or(path)
}

/// `path` without the generic argument lists that follow a path segment, or `None` when
/// it has none. Called once per function (the name is cached), so the leak above is
/// bounded by the number of annotated functions.
fn without_generic_args(path: &str) -> Option<String> {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    let mut prev = ' ';
    let mut stripped = false;
    for c in path.chars() {
        if depth > 0 {
            match c {
                '<' => depth += 1,
                // The `>` of a `->` in `fn() -> T` closes nothing.
                '>' if prev != '-' => depth -= 1,
                _ => {}
            }
        } else if c == '<' && (prev.is_alphanumeric() || prev == '_') {
            depth = 1;
            stripped = true;
        } else {
            out.push(c);
        }
        prev = c;
    }
    stripped.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paths() {
        assert_eq!(
            short_path("app::shop::Cart::checkout", "app::shop"),
            "Cart::checkout"
        );
        assert_eq!(short_path("app::shop::checkout", "app::shop"), "checkout");
        assert_eq!(
            short_path("<app::Cart as app::Checkout>::pay", "app"),
            "Cart::pay"
        );
        assert_eq!(short_path("other::f", "app"), "other::f");
    }

    #[test]
    fn function_paths() {
        assert_eq!(
            function_path("app::shop::Cart::checkout::__site"),
            "app::shop::Cart::checkout"
        );
        assert_eq!(
            function_path("<app::Cart as app::Checkout>::pay::{{closure}}::__site"),
            "<app::Cart as app::Checkout>::pay"
        );
        assert_eq!(function_path("plain"), "plain");
        assert_eq!(
            function_path("app::Wrapper<_>::get::__site"),
            "app::Wrapper::get"
        );
        assert_eq!(
            function_path("app::Grid<_, N>::cell::__site"),
            "app::Grid::cell"
        );
        assert_eq!(
            function_path("<app::Wrapper<_> as app::Tr>::m::{{closure}}::__site"),
            "<app::Wrapper as app::Tr>::m"
        );
        assert_eq!(
            function_path("app::Cb<fn(u8) -> app::Out<u8>>::call::__site"),
            "app::Cb::call"
        );
    }
}
