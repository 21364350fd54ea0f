//! Every function annotated with a toolkit macro, collected at link time.
//!
//! Each annotated function submits one [`inventory`] entry from inside its body, so
//! generic functions and methods are listed once, in release builds too. `init` uses the
//! list to warn about `SENTRY_TRACES_SAMPLER` rules that match nothing; the health report
//! counts it.

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
    /// The resolved default name, computed once.
    pub resolved: OnceLock<&'static str>,
}

impl FnSite {
    /// The function's name as spans, breadcrumbs and tags show it.
    pub fn name(&self) -> &'static str {
        if let Some(name) = self.explicit_name {
            return name;
        }
        self.resolved
            .get_or_init(|| function_path((self.path_of_nested_item)()))
    }
}

/// One entry of the registry.
#[doc(hidden)]
#[derive(Debug)]
pub struct Registration(pub &'static FnSite);

inventory::collect!(Registration);

/// A function annotated with `#[monitored]`, `#[breadcrumb]` or `#[capture_errors]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
        })
        .collect();
    list.sort_by(|a, b| (a.file, a.line, a.name).cmp(&(b.file, b.line, b.name)));
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
