//! `#[capture_errors]`: the frame and the evaluated options at the start, the event for an
//! `Err` at the end.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Gen, fields, names, site::is_literal};

/// A sync function enters its capture frame; `tags(...)`/`data(...)` that are not
/// literals are evaluated while the arguments are there (only when a client is enabled).
pub fn start(cg: &Gen<'_>, sync: bool) -> TokenStream {
    let Some(capture) = &cg.options.capture else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let enter = sync.then(|| quote! { #p::capture_enter(); });
    let dynamic_tags: Vec<_> = capture
        .tags
        .iter()
        .filter(|f| !is_literal(&f.value))
        .cloned()
        .collect();
    if dynamic_tags.is_empty() && capture.data.is_empty() {
        return quote! { #enter };
    }
    let (options, filled) = (names::capture(), names::fields());
    let tags = fields::record(&filled, "tag", &dynamic_tags);
    let data = fields::record(&filled, "data", &capture.data);
    quote! {
        #enter
        let #options = match #p::CaptureOptions::begin() {
            ::core::option::Option::Some(mut #filled) => {
                #tags
                #data
                ::core::option::Option::Some(#filled)
            }
            ::core::option::Option::None => ::core::option::Option::None,
        };
    }
}

/// Whether `start` bound evaluated options.
fn has_dynamic(cg: &Gen<'_>) -> bool {
    cg.options
        .capture
        .as_ref()
        .is_some_and(|c| !c.data.is_empty() || c.tags.iter().any(|f| !is_literal(&f.value)))
}

/// Captures the `Err` of the output bound to `monitor_out` (a reference).
///
/// The probes, which need the concrete error type, run here; the event is built and sent
/// out of line by `capture_err`, generic over the error type alone.
pub fn finish(cg: &Gen<'_>) -> TokenStream {
    let Some(capture) = &cg.options.capture else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let (site, err, out) = (names::site(), names::err(), names::out());
    let options = if has_dynamic(cg) {
        let options = names::capture();
        quote!(#options.as_ref())
    } else {
        quote!(::core::option::Option::None)
    };
    let return_span = super::return_span(cg);
    // Every token of the `Result` check sits at the return type, so a return type that
    // is not a `Result` (an alias of something else) is reported there. The qualified
    // form raises the trait bound and the associated type's bound at the same span with
    // the same text, which rustc reports once.
    let p_at_return = super::respan(p.clone(), return_span);
    let out_at_return = Ident::new(&out.to_string(), return_span.resolved_at(out.span()));
    let as_result = quote_spanned! {return_span=>
        <_ as #p_at_return::CaptureResult>::captured_error(#out_at_return)
    };
    let capture_call = quote! {
        #p::capture_err(#site, #err, #p::probe!(event #err), #p::probe!(class #err), #options);
    };
    let body = match &capture.skip_if {
        // Through a helper rather than `(#skip_if)(#err)`: a closure called where it is
        // written would trip `clippy::redundant_closure_call` in the user's crate, and
        // the helper's `FnOnce(&E)` bound lets `|e| …` infer its parameter type.
        Some(skip_if) => quote_spanned! {skip_if.span()=>
            if !#p::errors::skip_if(#skip_if, #err) {
                #capture_call
            }
        },
        None => capture_call,
    };
    quote! {
        if let ::core::option::Option::Some(#err) = #as_result {
            #body
        }
    }
}
