//! The pieces of an expansion, one per concern: the registry site, the span, the
//! breadcrumb, the error capture and the cron check-in.
//!
//! Generated bindings use `Span::mixed_site()`, so no user name can clash with them and
//! they cannot capture user names; user expressions keep their own spans, so type errors
//! in `tags(...)`, `data(...)` and `message` point at the user's tokens.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ItemFn, LitStr};

use crate::args::{Field, Kind, Level, Schedule};
use crate::options::Options;

/// Names and paths shared by the pieces.
pub struct Gen<'a> {
    pub krate: TokenStream,
    pub options: &'a Options,
    pub function: &'a ItemFn,
}

/// A generated binding, invisible to user code.
pub fn binding(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

impl Gen<'_> {
    fn private(&self) -> TokenStream {
        let krate = &self.krate;
        quote!(#krate::__private)
    }

    /// `let site = { static SITE: FnSite = …; inventory::submit!(…); &SITE };`
    ///
    /// The static sits in its own block, out of the body's scope. Its default name comes
    /// from the `type_name` of a nested fn, which includes the impl type for methods.
    pub fn site(&self) -> TokenStream {
        let p = self.private();
        let site = binding("monitor_site");
        let ident_span = self.function.sig.ident.span();
        let line = quote_spanned!(ident_span=> ::core::line!());
        let file = quote_spanned!(ident_span=> ::core::file!());
        let monitored = self.options.monitored.as_ref();
        let explicit_name = option_lit(monitored.and_then(|m| m.name.as_ref()));
        let op = match monitored {
            Some(m) => {
                let op =
                    m.op.clone()
                        .unwrap_or_else(|| LitStr::new("function", Span::call_site()));
                quote!(::core::option::Option::Some(#op))
            }
            None => quote!(::core::option::Option::None),
        };
        let sample_rate = match monitored.and_then(|m| m.sample_rate) {
            Some(rate) => {
                let rate = rate as f32;
                quote!(::core::option::Option::Some(#rate))
            }
            None => quote!(::core::option::Option::None),
        };
        let macros = &self.options.macros;
        quote! {
            let #site: &'static #p::FnSite = {
                fn __monitor_runtime_path() -> &'static str {
                    #p::type_name_of(__monitor_runtime_path)
                }
                static __MONITOR_RUNTIME_SITE: #p::FnSite = #p::FnSite {
                    explicit_name: #explicit_name,
                    path_of_nested_item: __monitor_runtime_path,
                    op: #op,
                    sample_rate: #sample_rate,
                    module: ::core::module_path!(),
                    file: #file,
                    line: #line,
                    macros: &[#(#macros),*],
                    resolved: #p::unresolved(),
                };
                #p::inventory::submit! {
                    #p::Registration(&__MONITOR_RUNTIME_SITE)
                }
                &__MONITOR_RUNTIME_SITE
            };
        }
    }

    /// Starts the span and records `tags(...)`/`data(...)` when it is sampled.
    pub fn span_start(&self) -> TokenStream {
        let Some(monitored) = &self.options.monitored else {
            return TokenStream::new();
        };
        let p = self.private();
        let site = binding("monitor_site");
        let span = binding("monitor_span");
        let recorder = binding("monitor_recorder");
        let kind = match monitored.kind {
            Kind::Auto => quote!(Auto),
            Kind::Transaction => quote!(Transaction),
            Kind::Span => quote!(Span),
        };
        let tags = monitored.tags.iter().map(|f| record(&recorder, "tag", f));
        let data = monitored.data.iter().map(|f| record(&recorder, "data", f));
        let record_block = if monitored.tags.is_empty() && monitored.data.is_empty() {
            TokenStream::new()
        } else {
            quote! {
                if let ::core::option::Option::Some(#recorder) = #span.recorder() {
                    #(#tags)*
                    #(#data)*
                }
            }
        };
        quote! {
            let #span = #p::start(#site, #p::SpanKind::#kind);
            #record_block
        }
    }

    /// The span's status for the output bound to `out` (a reference).
    pub fn status_of(&self, out: &Ident) -> TokenStream {
        let p = self.private();
        quote! {{
            #[allow(unused_imports)]
            use #p::probe::{StatusViaAny as _, StatusViaClass as _, StatusViaResult as _};
            (&&&#p::StatusProbe(#out)).__monitor_status()
        }}
    }

    fn is_err(&self, out: &Ident) -> TokenStream {
        let p = self.private();
        quote! {{
            #[allow(unused_imports)]
            use #p::probe::{StatusViaAny as _, StatusViaClass as _, StatusViaResult as _};
            (&&&#p::StatusProbe(#out)).__monitor_is_err()
        }}
    }

    /// Leaves the call crumb; binds the pending outcome crumb.
    pub fn crumb_start(&self) -> TokenStream {
        let Some(crumb) = &self.options.breadcrumb else {
            return TokenStream::new();
        };
        let p = self.private();
        let site = binding("monitor_site");
        let call = binding("monitor_crumb");
        let fields = binding("monitor_fields");
        let category = crumb
            .category
            .clone()
            .unwrap_or_else(|| LitStr::new("function", Span::call_site()));
        let level = crumb.level.unwrap_or(Level::Info);
        let outcome = crumb.outcome;
        let message = crumb.message.as_ref().map(|message| {
            quote_spanned! {message.span()=> #fields.message(::std::format!(#message)); }
        });
        let data = crumb.data.iter().map(|f| {
            let key = f.key_lit();
            let value = &f.value;
            quote_spanned! {value.span()=> #fields.data(#key, &(#value)); }
        });
        // Without `outcome` there is nothing left to do after the call crumb.
        let bind = if outcome {
            // `complete` takes `&mut self` so the pending crumb is `Sync` (no `Cell`), as
            // boxed `Send + Sync` futures require.
            quote!(#[allow(unused_mut)] let mut #call)
        } else {
            quote!(let _)
        };
        quote! {
            #bind = #p::breadcrumb(
                #site,
                #category,
                #p::sentry::Level::#level,
                #outcome,
                |#fields: &mut #p::CrumbFields| {
                    #message
                    #(#data)*
                },
            );
        }
    }

    /// Records the outcome crumb for the output bound to `out` (a reference).
    pub fn crumb_finish(&self, out: &Ident) -> TokenStream {
        match &self.options.breadcrumb {
            Some(crumb) if crumb.outcome => {
                let call = binding("monitor_crumb");
                let is_err = self.is_err(out);
                quote! { #call.complete(#is_err); }
            }
            _ => TokenStream::new(),
        }
    }

    /// Clears the capture marker, and evaluates `tags(...)`/`data(...)` that are not
    /// literals while the arguments are still there (only when a client is enabled).
    ///
    /// A sync function is one capture frame for its whole call; an async one is a frame
    /// per poll, which [`Gen::capture_frames`] wraps around its future.
    pub fn capture_start(&self, sync: bool) -> TokenStream {
        let Some(capture) = &self.options.capture else {
            return TokenStream::new();
        };
        let p = self.private();
        let options = binding("monitor_capture");
        let base = self.capture_options_base();
        let dynamic: Vec<TokenStream> = capture
            .tags
            .iter()
            .filter(|f| !is_literal(&f.value))
            .map(|f| builder_call("tag", f))
            .chain(capture.data.iter().map(|f| builder_call("data", f)))
            .collect();
        let evaluate = if dynamic.is_empty() {
            TokenStream::new()
        } else {
            quote! {
                let #options = if #p::errors::client_enabled() {
                    ::core::option::Option::Some(#base #(#dynamic)*)
                } else {
                    ::core::option::Option::None
                };
            }
        };
        let frame = binding("_monitor_capture_frame");
        let enter = if sync {
            quote! { let #frame = #p::capture_enter(); }
        } else {
            TokenStream::new()
        };
        quote! {
            #enter
            #evaluate
        }
    }

    /// Makes an async function's future a capture frame during each of its polls.
    pub fn capture_frames(&self, future: TokenStream) -> TokenStream {
        if self.options.capture.is_none() {
            return future;
        }
        let p = self.private();
        quote! { #p::CaptureFrames::new(#future) }
    }

    fn capture_options_base(&self) -> TokenStream {
        let p = self.private();
        let Some(capture) = &self.options.capture else {
            return TokenStream::new();
        };
        let error_type = option_lit(capture.error_type.as_ref());
        let level = match capture.level {
            Some(level) => quote!(::core::option::Option::Some(#p::sentry::Level::#level)),
            None => quote!(::core::option::Option::None),
        };
        let literal_tags = capture
            .tags
            .iter()
            .filter(|f| is_literal(&f.value))
            .map(|f| builder_call("tag", f));
        quote!(#p::CaptureOptions::new(#error_type, #level) #(#literal_tags)*)
    }

    /// Captures the `Err` of the output bound to `out` (a reference).
    pub fn capture_finish(&self, out: &Ident) -> TokenStream {
        let Some(capture) = &self.options.capture else {
            return TokenStream::new();
        };
        let p = self.private();
        let site = binding("monitor_site");
        let err = binding("monitor_err");
        let options = binding("monitor_capture");
        let base = self.capture_options_base();
        let has_dynamic =
            capture.tags.iter().any(|f| !is_literal(&f.value)) || !capture.data.is_empty();
        let options_expr = if has_dynamic {
            quote!(#options.unwrap_or_else(|| #base))
        } else {
            base
        };
        let return_span = match &self.function.sig.output {
            syn::ReturnType::Type(_, ty) => ty.span(),
            syn::ReturnType::Default => self.function.sig.paren_token.span.close(),
        };
        // Every token of the `Result` check sits at the return type, so a return type that
        // is not a `Result` (an alias of something else) is reported there. The qualified
        // form raises the trait bound and the associated type's bound at the same span with
        // the same text, which rustc reports once.
        let p_at_return = respan(p.clone(), return_span);
        let out_at_return = Ident::new(&out.to_string(), return_span.resolved_at(out.span()));
        let as_result = quote_spanned! {return_span=>
            <_ as #p_at_return::CaptureResult>::captured_error(#out_at_return)
        };
        let skip = match &capture.skip_if {
            // Through a helper rather than `(#skip_if)(#err)`: a closure called where it is
            // written would trip `clippy::redundant_closure_call` in the user's crate, and
            // the helper's `FnOnce(&E)` bound lets `|e| …` infer its parameter type.
            Some(skip_if) => quote_spanned! {skip_if.span()=> #p::errors::skip_if(#skip_if, #err) },
            None => quote!(false),
        };
        // With no client nothing is reported and no span exists: skip building the event
        // and the options, which allocate.
        quote! {
            if let ::core::option::Option::Some(#err) = #as_result {
                #p::errors::on_error(|| {
                    if #p::errors::client_enabled() && !#skip {
                        #[allow(unused_imports)]
                        use #p::probe::{ClassViaAny as _, ClassViaErrorClass as _};
                        #[allow(unused_imports)]
                        use #p::probe::{EventViaAny as _, EventViaAnyhow as _, EventViaBoxedError as _, EventViaDebug as _, EventViaDisplay as _, EventViaError as _};
                        #p::capture_error(
                            #site,
                            (&&&&&&#p::EventProbe(#err)).__monitor_event(),
                            (&&#p::ClassProbe(#err)).__monitor_classify(),
                            &#options_expr,
                        );
                    }
                });
            }
        }
    }

    /// Sends the `in_progress` check-in and binds the pending closing one.
    pub fn check_in_start(&self) -> TokenStream {
        let Some(check_in) = self
            .options
            .monitored
            .as_ref()
            .and_then(|m| m.check_in.as_ref())
        else {
            return TokenStream::new();
        };
        let p = self.private();
        let call = binding("monitor_check_in");
        let slug = &check_in.slug;
        let schedule = match &check_in.schedule {
            Some(Schedule::Crontab(crontab)) => {
                quote!(::core::option::Option::Some(#p::check_in::Schedule::Crontab(#crontab)))
            }
            Some(Schedule::Interval(value, unit, span)) => {
                let unit = Ident::new(unit, *span);
                quote!(::core::option::Option::Some(#p::check_in::Schedule::Interval(#value, #p::check_in::IntervalUnit::#unit)))
            }
            None => quote!(::core::option::Option::None),
        };
        let margin = option_u64(check_in.checkin_margin);
        let max_runtime = option_u64(check_in.max_runtime);
        let timezone = option_lit(check_in.timezone.as_ref());
        quote! {
            #[allow(unused_mut)]
            let mut #call = #p::check_in::start(&#p::check_in::Monitor {
                slug: #slug,
                schedule: #schedule,
                checkin_margin: #margin,
                max_runtime: #max_runtime,
                timezone: #timezone,
            });
        }
    }

    /// Sends the closing check-in for the output bound to `out` (a reference).
    pub fn check_in_finish(&self, out: &Ident) -> TokenStream {
        if self
            .options
            .monitored
            .as_ref()
            .and_then(|m| m.check_in.as_ref())
            .is_none()
        {
            return TokenStream::new();
        }
        let call = binding("monitor_check_in");
        let is_err = self.is_err(out);
        quote! { #call.complete(#is_err); }
    }

    /// Whether the expansion must see the return value.
    pub fn needs_output(&self) -> bool {
        self.options.monitored.is_some()
            || self.options.capture.is_some()
            || self.options.breadcrumb.as_ref().is_some_and(|b| b.outcome)
    }

    /// Everything run with the output, in order: error capture (inside the span, so the
    /// event carries it), outcome crumb, check-in.
    pub fn on_output(&self, out: &Ident) -> TokenStream {
        let capture = self.capture_finish(out);
        let rest = self.on_output_after_capture(out);
        quote! { #capture #rest }
    }

    /// [`Gen::on_output`] without the error capture, for expansions that run it apart.
    pub fn on_output_after_capture(&self, out: &Ident) -> TokenStream {
        let crumb = self.crumb_finish(out);
        let check_in = self.check_in_finish(out);
        quote! { #crumb #check_in }
    }

    /// Runs the error capture on the owned output bound to `ret` and binds it again: on
    /// `Ok` a test and nothing else; on `Err` the value goes through an out-of-line call
    /// and comes back, so nothing stays live across that call and the `Ok` path of the
    /// function needs no saved registers.
    pub fn capture_owned(&self, ret: &Ident) -> TokenStream {
        if self.options.capture.is_none() {
            return TokenStream::new();
        }
        let p = self.private();
        let out_ref = binding("monitor_ret_ref");
        let frame = binding("_monitor_capture_frame");
        let capture = self.capture_finish(&out_ref);
        let is_err = self.is_err(&out_ref);
        quote! {
            let #ret = if { let #out_ref = &#ret; #is_err } {
                #p::errors::on_error_owned(#ret, #frame, move |#out_ref| { #capture })
            } else {
                ::core::mem::drop(#frame);
                #ret
            };
        }
    }
}

/// `tokens` with every span moved to `span`'s location (and hygiene).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

fn record(recorder: &Ident, method: &str, field: &Field) -> TokenStream {
    let key = field.key_lit();
    let value = &field.value;
    let method = Ident::new(method, value.span());
    quote_spanned! {value.span()=> #recorder.#method(#key, &(#value)); }
}

fn builder_call(method: &str, field: &Field) -> TokenStream {
    let key = field.key_lit();
    let value = &field.value;
    let method = Ident::new(method, value.span());
    quote_spanned! {value.span()=> .#method(#key, &(#value)) }
}

fn is_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::Lit(_))
}

fn option_lit(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    }
}

fn option_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}
