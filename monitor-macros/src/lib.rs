//! Attribute macros of the monitor toolkit: `#[monitored]`, `#[breadcrumb]` and
//! `#[capture_errors]`.
//!
//! Use them through `monitor_runtime`, which re-exports them with their full reference
//! and holds what they expand to. Each entry point here only hands its input to the
//! shared pipeline: parse the options (`args`), read the item (`item`), fuse stacked
//! toolkit attributes (`options`), check (`validate`), and generate (`expand`), or on any
//! error emit the item unchanged with every error (`fallback`). An `impl` block goes
//! through the same pipeline once per method (`impl_block`).

// A macro reports every mistake as a `syn::Error`; it never panics.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod args;
mod diag;
mod expand;
mod fallback;
mod impl_block;
mod item;
mod options;
mod schedule;
mod types;
mod validate;

use proc_macro::TokenStream;

use args::MacroKind;

/// The `#[monitored]` attribute of the monitor toolkit. Use it through `monitor_runtime`,
/// whose documentation of `monitor_runtime::monitored` is its full reference.
#[proc_macro_attribute]
pub fn monitored(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::Monitored, args.into(), item.into()).into()
}

/// The `#[breadcrumb]` attribute of the monitor toolkit. Use it through `monitor_runtime`,
/// whose documentation of `monitor_runtime::breadcrumb` is its full reference.
#[proc_macro_attribute]
pub fn breadcrumb(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::Breadcrumb, args.into(), item.into()).into()
}

/// The `#[capture_errors]` attribute of the monitor toolkit. Use it through
/// `monitor_runtime`, whose documentation of `monitor_runtime::capture_errors` is its full
/// reference.
#[proc_macro_attribute]
pub fn capture_errors(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::CaptureErrors, args.into(), item.into()).into()
}

/// Whether the runtime was built with its `off` feature: the macros then check their
/// input as usual and emit the item as written.
const OFF: bool = cfg!(feature = "off");

fn entry(
    kind: MacroKind,
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    expand_item(kind, args, item, OFF)
}

/// The expansion of `item`; with `off`, the item as written (once checked).
fn expand_item(
    kind: MacroKind,
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
    off: bool,
) -> proc_macro2::TokenStream {
    let mut errors = diag::Errors::default();
    let own = args::parse(kind, args, &mut errors);
    match item::parse(kind, item.clone(), &mut errors) {
        item::Parsed::Function(function) => function_entry(own, *function, errors, off),
        item::Parsed::Impl(block) => impl_block::expand(own, *block, errors, off),
        item::Parsed::NotAFunction => fallback::expand(item, &errors),
        item::Parsed::Unparsable => item,
    }
}

fn function_entry(
    own: args::Attr,
    mut function: syn::ItemFn,
    mut errors: diag::Errors,
    off: bool,
) -> proc_macro2::TokenStream {
    let stacked = item::take_stacked(&mut function.attrs, own.krate.as_ref());
    item::keep_stacked_imports_used(&mut function, &stacked);
    let attrs = options::collect(Some(own), &stacked, "function", &mut errors);
    options::reject_skip(&attrs, &[], &mut errors);
    let mut options = options::Options::new(attrs);
    validate::check(&mut options, &function, &mut errors);
    if !errors.is_empty() {
        return fallback::expand(function, &errors);
    }
    if off {
        return quote::quote!(#function);
    }
    expand::function(&options, function)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(kind: MacroKind, args: &str, item: &str, off: bool) -> String {
        let args: proc_macro2::TokenStream = args.parse().expect("tokens");
        let item: proc_macro2::TokenStream = item.parse().expect("tokens");
        expand_item(kind, args, item, off).to_string()
    }

    fn tokens(text: &str) -> String {
        text.parse::<proc_macro2::TokenStream>()
            .expect("tokens")
            .to_string()
    }

    #[test]
    fn off_emits_the_item_as_written() {
        let function = "#[breadcrumb(outcome)] fn f(x: u32) -> u32 { x }";
        assert_eq!(
            expanded(MacroKind::Monitored, "metrics, data(x)", function, true),
            tokens(
                "fn f(x: u32) -> u32 { #[allow(unused_imports, clippy::items_after_statements)] use breadcrumb as _; x }"
            ),
            "only the stacked attribute goes, its import kept used"
        );
        let block = "impl S { #[monitored(skip)] fn a(&self) {} fn b(&self) -> u8 { 1 } }";
        assert_eq!(
            expanded(MacroKind::Monitored, "", block, true),
            tokens(
                "impl S { fn a(&self) { #[allow(unused_imports, clippy::items_after_statements)] use monitored as _; } fn b(&self) -> u8 { 1 } }"
            )
        );
        assert_ne!(
            expanded(MacroKind::Monitored, "", function, false),
            expanded(MacroKind::Monitored, "", function, true)
        );
    }

    #[test]
    fn off_still_reports_mistakes() {
        let out = expanded(MacroKind::Monitored, "nmae = \"x\"", "fn f() {}", true);
        assert!(out.contains("compile_error"), "{out}");
    }
}
