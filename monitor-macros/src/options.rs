//! The options of every toolkit macro on one function, fused.
//!
//! The outermost toolkit attribute expands all of them, so the options of the stacked
//! ones are gathered here, with a duplicate macro reported on its second occurrence.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::Path;

use crate::args::{self, Args, BreadcrumbArgs, CaptureArgs, Field, MacroKind, MonitoredArgs};
use crate::diag::Errors;
use crate::item::{self, Stacked};

#[derive(Default)]
pub struct Options {
    pub krate: Option<Path>,
    pub monitored: Option<MonitoredArgs>,
    pub breadcrumb: Option<BreadcrumbArgs>,
    pub capture: Option<CaptureArgs>,
    /// The macro names in the order they were written, for the registry.
    pub macros: Vec<&'static str>,
}

impl Options {
    /// Gathers the options of the expanding macro and of the stacked ones.
    pub fn gather(
        kind: MacroKind,
        tokens: TokenStream,
        stacked: &[Stacked],
        errors: &mut Errors,
    ) -> Options {
        let mut options = Options::default();
        let (args, krate) = args::parse(kind, tokens, errors);
        options.add(kind, args, krate, Span::call_site(), errors);
        for other in stacked {
            let (args, krate) = item::stacked_args(other, errors);
            let span = other
                .attr
                .path()
                .segments
                .last()
                .map_or_else(Span::call_site, |s| s.ident.span());
            options.add(other.kind, args, krate, span, errors);
        }
        options
    }

    fn add(
        &mut self,
        kind: MacroKind,
        args: Args,
        krate: Option<Path>,
        span: Span,
        errors: &mut Errors,
    ) {
        if self.macros.contains(&kind.name()) {
            errors.push(syn::Error::new(
                span,
                format!("`#[{}]` is applied twice to this function", kind.name()),
            ));
            return;
        }
        self.macros.push(kind.name());
        if self.krate.is_none() {
            self.krate = krate;
        }
        match args {
            Args::Monitored(a) => self.monitored = Some(a),
            Args::Breadcrumb(a) => self.breadcrumb = Some(a),
            Args::CaptureErrors(a) => self.capture = Some(a),
        }
    }

    /// The path generated code names the runtime by.
    pub fn krate(&self) -> TokenStream {
        match &self.krate {
            Some(path) => quote!(#path),
            None => quote!(::monitor_runtime),
        }
    }

    /// Every `tags(...)`/`data(...)` list, with its macro and list name, for checks.
    pub fn field_lists(&self) -> Vec<(&'static str, &'static str, &[Field])> {
        let mut lists = Vec::new();
        if let Some(m) = &self.monitored {
            lists.push(("monitored", "tags", m.tags.as_slice()));
            lists.push(("monitored", "data", m.data.as_slice()));
        }
        if let Some(b) = &self.breadcrumb {
            lists.push(("breadcrumb", "data", b.data.as_slice()));
        }
        if let Some(c) = &self.capture {
            lists.push(("capture_errors", "tags", c.tags.as_slice()));
            lists.push(("capture_errors", "data", c.data.as_slice()));
        }
        lists
    }
}
