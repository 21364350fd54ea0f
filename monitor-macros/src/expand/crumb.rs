//! `#[breadcrumb]`: the call crumb at the start, the outcome crumb at the end.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::{Gen, fields, names};

/// Leaves the call crumb; binds the pending outcome crumb when there is one.
pub fn start(cg: &Gen<'_>) -> TokenStream {
    let Some(crumb) = &cg.options.breadcrumb else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let (site, call, fields) = (names::site(), names::crumb(), names::fields());
    let message = crumb.message.as_ref().map(|message| {
        quote_spanned! {message.span()=> #fields.message(::std::format!(#message)); }
    });
    let data = fields::record(&fields, "data", &crumb.data);
    let leave = if message.is_none() && crumb.data.is_empty() {
        quote!(#p::crumb(#site))
    } else {
        quote! {
            match #p::crumb_begin() {
                ::core::option::Option::Some(mut #fields) => {
                    #message
                    #data
                    #p::crumb_leave(#site, #fields)
                }
                ::core::option::Option::None => #p::CrumbCall::NONE,
            }
        }
    };
    if crumb.outcome {
        // `complete` takes `&mut self` so the pending crumb is `Sync` (no `Cell`), as
        // boxed `Send + Sync` futures require.
        quote! { #[allow(unused_mut)] let mut #call = #leave; }
    } else {
        quote! { let _ = #leave; }
    }
}

/// Records the outcome crumb from `monitor_status`.
pub fn finish(cg: &Gen<'_>) -> TokenStream {
    match &cg.options.breadcrumb {
        Some(crumb) if crumb.outcome => {
            let (call, status) = (names::crumb(), names::status());
            quote! { #call.complete(#status.is_some()); }
        }
        _ => TokenStream::new(),
    }
}
