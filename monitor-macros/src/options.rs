//! The options of every toolkit macro on one function, fused.
//!
//! The outermost toolkit attribute expands all of them, so the options of the stacked
//! ones are gathered here, with a macro written twice reported on its second occurrence.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Path;

use crate::args::{Args, Attr, BreadcrumbArgs, CaptureArgs, Field, MacroKind, MonitoredArgs};
use crate::diag::Errors;
use crate::item::Stacked;

#[derive(Default)]
pub struct Options {
    pub krate: Option<Path>,
    pub monitored: Option<MonitoredArgs>,
    pub breadcrumb: Option<BreadcrumbArgs>,
    pub capture: Option<CaptureArgs>,
    /// The macro names in the order they were written, for the registry.
    pub macros: Vec<&'static str>,
}

/// The attributes written on one item: `first` (the expanding one, when there is one),
/// then the stacked ones, at most one per macro; a macro written twice is reported.
pub fn collect(
    first: Option<Attr>,
    stacked: &[Stacked],
    item: &str,
    errors: &mut Errors,
) -> Vec<Attr> {
    let mut attrs: Vec<Attr> = first.into_iter().collect();
    for other in stacked {
        let attr = other.read(errors);
        if attrs.iter().any(|a| a.kind == other.kind) {
            errors.push(syn::Error::new(
                other.span(),
                format!("`#[{}]` is applied twice to this {item}", other.kind.name()),
            ));
            continue;
        }
        attrs.push(attr);
    }
    attrs
}

impl Options {
    /// The options of one function, from its attributes (at most one per macro; one with
    /// `skip` counts as absent).
    pub fn new(attrs: Vec<Attr>) -> Options {
        let mut options = Options::default();
        for attr in attrs {
            if attr.skip.is_some() {
                continue;
            }
            options.macros.push(attr.kind.name());
            if options.krate.is_none() {
                options.krate = attr.krate;
            }
            match attr.args {
                Args::Monitored(a) => options.monitored = Some(*a),
                Args::Breadcrumb(a) => options.breadcrumb = Some(a),
                Args::CaptureErrors(a) => options.capture = Some(a),
            }
        }
        options
    }

    /// Whether any macro is left to expand.
    pub fn is_empty(&self) -> bool {
        self.macros.is_empty()
    }

    /// The path generated code names the runtime by.
    pub fn krate(&self) -> TokenStream {
        match &self.krate {
            Some(path) => quote!(#path),
            None => quote!(::monitor_runtime),
        }
    }

    /// Every `tags(...)`/`data(...)` list, with its macro and list name, for checks.
    pub fn field_lists_mut(&mut self) -> Vec<(&'static str, &'static str, &mut Vec<Field>)> {
        let mut lists = Vec::new();
        if let Some(m) = &mut self.monitored {
            lists.push(("monitored", "tags", &mut m.tags));
            lists.push(("monitored", "data", &mut m.data));
        }
        if let Some(b) = &mut self.breadcrumb {
            lists.push(("breadcrumb", "data", &mut b.data));
        }
        if let Some(c) = &mut self.capture {
            lists.push(("capture_errors", "tags", &mut c.tags));
            lists.push(("capture_errors", "data", &mut c.data));
        }
        lists
    }
}

/// Reports `skip` where there is nothing to opt out of: on a function outside an `impl`
/// block's attribute.
pub fn reject_skip(attrs: &[Attr], outer: &[MacroKind], errors: &mut Errors) {
    for attr in attrs {
        if let Some(span) = attr.skip
            && !outer.contains(&attr.kind)
        {
            let name = attr.kind.name();
            errors.push(syn::Error::new(
                span,
                format!(
                    "`skip` opts a method out of its `impl` block's `#[{name}]`, and there is \
                     none here: remove the attribute instead"
                ),
            ));
        }
    }
}
