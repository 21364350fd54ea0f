//! `#[monitored]`: starting the span, recording `tags(...)`/`data(...)`/`follows_from`
//! when it is sampled, and at the end `ret` and the status.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{Gen, fields, names};
use crate::args::{Kind, RetFormat};

/// Starts the span (`monitor_span`), records what is recorded only on a sampled span,
/// and binds `monitor_recording` when something at the end needs it.
pub fn start(cg: &Gen<'_>) -> TokenStream {
    let Some(m) = &cg.options.monitored else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let site = names::site();
    let span = names::span();
    let recorder = names::recorder();
    let kind = match m.kind {
        Kind::Auto => quote!(Auto),
        Kind::Transaction => quote!(Transaction),
        Kind::Span => quote!(Span),
    };
    let start = match &m.parent {
        Some(parent) => {
            // `parent = None`, as tracing writes it: a new trace. (A bare `None` has no
            // type to find the trait on.)
            let parent = if is_none(parent) {
                quote!(#p::ParentSpan::new_trace())
            } else {
                let at = parent.span();
                quote_spanned!(at=> #p::parent_of(&(#parent)))
            };
            quote!(#p::start_under(#site, #p::SpanKind::#kind, #parent))
        }
        None => quote!(#p::start(#site, #p::SpanKind::#kind)),
    };
    let tags = fields::record(&recorder, "tag", &m.tags);
    let data = fields::record(&recorder, "data", &m.data);
    let link = m.follows_from.as_ref().map(|target| {
        let at = target.span();
        quote_spanned! {at=> #recorder.link(#p::parent_of(&(#target))); }
    });
    let record = if m.tags.is_empty() && m.data.is_empty() && link.is_none() {
        TokenStream::new()
    } else {
        quote! {
            if let ::core::option::Option::Some(#recorder) = #span.recorder() {
                #tags
                #data
                #link
            }
        }
    };
    let recording = if m.ret.is_some() || m.busy_time {
        let recording = names::recording();
        quote! { let #recording = #span.is_recording(); }
    } else {
        TokenStream::new()
    };
    quote! {
        let #span = #start;
        #record
        #recording
    }
}

fn is_none(expr: &syn::Expr) -> bool {
    matches!(expr, syn::Expr::Path(path) if path.qself.is_none() && path.path.is_ident("None"))
}

/// Makes the span current around a sync body; with `busy_time`, starts its clock.
pub fn enter(cg: &Gen<'_>) -> TokenStream {
    let Some(m) = &cg.options.monitored else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let (span, guard) = (names::span(), names::guard());
    let busy = m.busy_time.then(|| {
        let (busy, recording) = (names::busy(), names::recording());
        quote! { let #busy = #p::BusyClock::start(#recording); }
    });
    quote! {
        let #guard = #span.enter();
        #busy
    }
}

/// `ret` (and a sync body's busy time), recorded on the span while it is current.
pub fn record_output(cg: &Gen<'_>, sync: bool) -> TokenStream {
    let Some(m) = &cg.options.monitored else {
        return TokenStream::new();
    };
    let p = &cg.p;
    let busy = (sync && m.busy_time).then(|| {
        let busy = names::busy();
        quote! { #busy.record(); }
    });
    let ret = m.ret.map(|format| {
        let (out, recording) = (names::out(), names::recording());
        // Every token that needs the value's traits sits at the return type, so that a
        // value `ret` cannot record is reported there.
        let at = super::return_span(cg);
        let p_at = super::respan(p.clone(), at);
        let value = names::value();
        let value_at = Ident::new(&value.to_string(), at.resolved_at(value.span()));
        let as_data = match format {
            RetFormat::Value => quote_spanned! {at=> {
                #[allow(unused_imports)]
                use #p_at::probe::{ValueViaDebug as _, ValueViaNothing as _, ValueViaSerialize as _};
                (&&&#p_at::ValueProbe(#value_at)).__monitor_value()
            }},
            RetFormat::Display => quote_spanned! {at=>
                #p_at::probe::DisplayValue::to_display_value(#value_at)
            },
            RetFormat::Debug => quote_spanned! {at=>
                #p_at::probe::DebugValue::to_debug_value(#value_at)
            },
        };
        quote! {
            if #recording {
                if let ::core::option::Option::Some(#value) = #p::probe!(ok #out) {
                    #p::record_current(#p::span::RETURN_KEY, #as_data);
                }
            }
        }
    });
    quote! { #ret #busy }
}

/// How a sync expansion ends the span with the status bound to `monitor_status`.
#[derive(Clone, Copy)]
pub enum Finish {
    /// Finish it now (the guard is consumed).
    Complete,
    /// Set the status the guard finishes with when it drops (`#[track_caller]` exits).
    Record,
}

pub fn finish(cg: &Gen<'_>, how: Finish) -> TokenStream {
    if cg.options.monitored.is_none() {
        return TokenStream::new();
    }
    let (guard, status) = (names::guard(), names::status());
    match how {
        Finish::Complete => quote! { #guard.complete(#status); },
        Finish::Record => quote! { #guard.record(#status); },
    }
}

/// `monitor_status`: the span status of the output bound to `monitor_out` (a reference).
pub fn status(cg: &Gen<'_>) -> TokenStream {
    status_of(cg, &names::out())
}

/// The span status of the output `out` (a reference).
pub fn status_of(cg: &Gen<'_>, out: &Ident) -> TokenStream {
    let p = &cg.p;
    quote!(#p::probe!(status #out))
}
