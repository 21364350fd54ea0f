//! The registry site: one static per annotated function, holding its name, its registry
//! entry and every option that is the same at each call, so that a call passes the site
//! alone and the runtime reads the rest. The static itself is written by the runtime's
//! `site!` macro; the expansion only gives it what varies.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Expr, LitStr};

use super::{Gen, names};
use crate::args::{Schedule, values::option_tokens};

/// `let site = { fn path() …; static SITE: FnSite = …; inventory::submit!(…); &SITE };`
///
/// The static sits in its own block, out of the body's scope. Its default name comes
/// from the `type_name` of a nested fn, which includes the impl type for methods.
pub fn site(cg: &Gen<'_>) -> TokenStream {
    let p = &cg.p;
    let site = names::site();
    let ident_span = cg.function.sig.ident.span();
    let line = quote_spanned!(ident_span=> ::core::line!());
    let file = quote_spanned!(ident_span=> ::core::file!());
    let monitored = cg.options.monitored.as_ref();
    let explicit_name = option_tokens(monitored.and_then(|m| m.name.as_ref()));
    let op = option_tokens(monitored.map(|m| {
        m.op.clone()
            .unwrap_or_else(|| LitStr::new("function", Span::call_site()))
    }));
    let sample_rate = option_tokens(monitored.and_then(|m| m.sample_rate).map(|r| r as f32));
    let macros = &cg.options.macros;
    let spec = spec(cg);
    quote! {
        let #site: &'static #p::FnSite = #p::site!(
            #file, #line, [#(#macros),*], #explicit_name, #op, #sample_rate, #spec
        );
    }
}

/// The `FnSpec` fields that are set, each followed by a comma.
fn spec(cg: &Gen<'_>) -> TokenStream {
    let p = &cg.p;
    let mut fields = Vec::new();
    if let Some(m) = &cg.options.monitored {
        if m.short_name {
            fields.push(quote!(short_name: true));
        }
        if let Some(check_in) = &m.check_in {
            let slug = &check_in.slug;
            let schedule = option_tokens(check_in.schedule.as_ref().map(|schedule| match schedule {
                Schedule::Crontab(crontab) => quote!(#p::check_in::Schedule::Crontab(#crontab)),
                Schedule::Interval(value, unit, span) => {
                    let unit = Ident::new(unit, *span);
                    quote!(#p::check_in::Schedule::Interval(#value, #p::check_in::IntervalUnit::#unit))
                }
            }));
            let margin = option_tokens(check_in.checkin_margin);
            let max_runtime = option_tokens(check_in.max_runtime);
            let timezone = option_tokens(check_in.timezone.as_ref());
            let heartbeat = check_in.heartbeat;
            fields.push(quote! {
                check_in: ::core::option::Option::Some(#p::check_in::Monitor {
                    slug: #slug,
                    schedule: #schedule,
                    checkin_margin: #margin,
                    max_runtime: #max_runtime,
                    timezone: #timezone,
                    heartbeat: #heartbeat,
                })
            });
        }
        if m.sends_metrics() {
            let objective = option_tokens(m.objective.as_ref().map(|o| {
                let name = option_tokens(o.name.as_ref());
                let success = option_tokens(o.success);
                let latency = option_tokens(o.latency_ms);
                let percentile = o.percentile;
                quote! {
                    #p::ObjectiveSpec {
                        name: #name,
                        success: #success,
                        latency_ms: #latency,
                        percentile: #percentile,
                    }
                }
            }));
            fields.push(quote! {
                metrics: ::core::option::Option::Some(#p::MetricsSpec { objective: #objective })
            });
        }
    }
    if let Some(crumb) = &cg.options.breadcrumb {
        let category = crumb
            .category
            .clone()
            .unwrap_or_else(|| LitStr::new("function", Span::call_site()));
        let level = crumb.level.unwrap_or(crate::args::Level::Info);
        let outcome = crumb.outcome;
        fields.push(quote! {
            crumb: ::core::option::Option::Some(#p::CrumbSpec {
                category: #category,
                level: #p::sentry::Level::#level,
                outcome: #outcome,
            })
        });
    }
    if let Some(capture) = &cg.options.capture {
        let error_type = option_tokens(capture.error_type.as_ref());
        let level = option_tokens(capture.level.map(|level| quote!(#p::sentry::Level::#level)));
        let tags = capture
            .tags
            .iter()
            .filter(|f| is_literal(&f.value))
            .map(|f| {
                let key = f.key_lit();
                let value = &f.value;
                quote!((#key, #value))
            });
        fields.push(quote! {
            capture: ::core::option::Option::Some(#p::CaptureSpec {
                error_type: #error_type,
                level: #level,
                tags: &[#(#tags),*],
            })
        });
    }
    quote! { #(#fields,)* }
}

/// A string literal: a tag value known at compile time.
pub fn is_literal(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(_),
            ..
        })
    )
}
