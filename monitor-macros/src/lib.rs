//! Attribute macros of the monitor toolkit: `#[monitored]`, `#[breadcrumb]` and
//! `#[capture_errors]`.
//!
//! Use them through `monitor_runtime`, which re-exports them and holds what they expand
//! to; see its documentation for the options and examples. Each entry point here only
//! hands its input to the shared pipeline: parse the options (`args`), read the item
//! (`item`), fuse stacked toolkit attributes (`options`), check (`validate`), and
//! generate (`expand`), or on any error emit the item unchanged with every error
//! (`fallback`).

mod args;
mod diag;
mod expand;
mod fallback;
mod item;
mod options;
mod schedule;
mod validate;

use proc_macro::TokenStream;

use args::MacroKind;

/// Wraps a function in a performance span or transaction. See `monitor_runtime::monitored`.
#[proc_macro_attribute]
pub fn monitored(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::Monitored, args.into(), item.into()).into()
}

/// Leaves a breadcrumb when a function is called. See `monitor_runtime::breadcrumb`.
#[proc_macro_attribute]
pub fn breadcrumb(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::Breadcrumb, args.into(), item.into()).into()
}

/// Turns a returned `Err` into a tagged Sentry exception. See
/// `monitor_runtime::capture_errors`.
#[proc_macro_attribute]
pub fn capture_errors(args: TokenStream, item: TokenStream) -> TokenStream {
    entry(MacroKind::CaptureErrors, args.into(), item.into()).into()
}

fn entry(
    kind: MacroKind,
    args: proc_macro2::TokenStream,
    item: proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let mut errors = diag::Errors::default();
    let mut function = match item::parse(kind, item.clone(), &mut errors) {
        item::Parsed::Function(function) => *function,
        item::Parsed::NotAFunction => {
            // Still read the options, so their mistakes are reported in the same compile.
            let _ = args::parse(kind, args, &mut errors);
            return fallback::expand(item, &errors);
        }
        item::Parsed::Unparsable => return item,
    };
    let stacked = item::take_stacked(&mut function);
    item::keep_stacked_imports_used(&mut function, &stacked);
    let options = options::Options::gather(kind, args, &stacked, &mut errors);
    validate::check(&options, &function, &mut errors);
    if !errors.is_empty() {
        return fallback::expand(function, &errors);
    }
    expand::function(&options, function)
}
