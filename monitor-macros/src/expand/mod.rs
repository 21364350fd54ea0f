//! Code generation: one function in, the instrumented function out.
//!
//! The signature, outer attributes and visibility are re-emitted untouched, so `dead_code`,
//! `must_use` and doc comments behave as they did. The body is rewritten by shape:
//! - **sync**: the body runs in a closure passed to an `FnOnce` helper, so its output can
//!   be seen (status, `Err` capture, outcome crumb) while `return`, `?` and returns that
//!   borrow `&mut` arguments keep working;
//! - **`#[track_caller]`**: the body stays inline and its exits are rewritten (see
//!   [`caller`]);
//! - **`-> !`**, and bodies whose output nothing needs: inline, after the prelude;
//! - **async** (`async fn`, or an async-block tail: async-trait, `-> impl Future`): the
//!   span starts at the first poll and is current during every poll of the body; the
//!   output is observed by a poll wrapper, not by another async block.
//!
//! Every option that is the same at each call is data in the function's registry site
//! ([`site`]); generated statements only evaluate user expressions and call the runtime's
//! non-generic helpers, so each function adds little code of its own.

mod caller;
mod capture;
mod crumb;
mod fields;
mod names;
mod outcome;
mod return_edge;
mod shape;
mod site;
mod span;

use proc_macro2::{Delimiter, Group, Span, TokenStream};
use quote::quote;
use syn::{Block, Expr, ItemFn, Stmt};

use crate::options::Options;
use shape::{Shape, TailKind};
use span::Finish;

/// What the pieces need: the runtime's hidden module, the options and the function.
pub struct Gen<'a> {
    /// `<runtime>::__private`.
    pub p: TokenStream,
    pub options: &'a Options,
    pub function: &'a ItemFn,
}

impl Gen<'_> {
    /// Whether the expansion must see the output.
    fn needs_output(&self) -> bool {
        self.options.monitored.is_some()
            || self.options.capture.is_some()
            || self.options.breadcrumb.as_ref().is_some_and(|b| b.outcome)
    }

    /// Whether the output's span status is needed (`monitor_status`): to finish a sync
    /// body's span (an async one is finished by its future wrapper), for the outcome crumb
    /// and for the check-in.
    fn needs_status(&self, sync: bool) -> bool {
        let monitored = self.options.monitored.as_ref();
        (sync && monitored.is_some())
            || monitored.is_some_and(|m| m.check_in.is_some())
            || self.options.breadcrumb.as_ref().is_some_and(|b| b.outcome)
    }
}

/// The expansion of `function` with `options`.
pub fn function(options: &Options, mut function: ItemFn) -> TokenStream {
    let (inner_attrs, outer_attrs): (Vec<_>, Vec<_>) = function
        .attrs
        .drain(..)
        .partition(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
    function.attrs = outer_attrs;
    let krate = options.krate();
    let cg = Gen {
        p: quote!(#krate::__private),
        options,
        function: &function,
    };
    let track_caller = function
        .attrs
        .iter()
        .any(|a| a.path().is_ident("track_caller"));
    let site = site::site(&cg);
    let body = match shape::of(&function) {
        Shape::AsyncFn => async_fn(&cg, &function.block),
        Shape::AsyncTail(kind) => async_tail(&cg, &function.block, kind),
        Shape::Never => inline(&cg, &function.block),
        Shape::Sync if !cg.needs_output() => inline(&cg, &function.block),
        Shape::Sync if track_caller => inline_observed(&cg, &function),
        Shape::Sync => sync(&cg, &function),
    };
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = &function;
    // The body's braces keep the user's spans: rustc takes the function's span from its
    // first to its last token, and a closing brace from the macro would make the whole
    // function look macro-made, which silences `dead_code` on it.
    // The site comes first, outside any async block: a body that is one async block
    // would make clippy's `manual_async_fn` fire on the user's function.
    let braces = with_user_braces(
        block,
        quote! {
            #(#inner_attrs)*
            #site
            #body
        },
    );
    quote! {
        #(#attrs)*
        #vis #sig #braces
    }
}

/// The function's return type, where errors about the output are reported (its closing
/// parenthesis when it returns `()`).
fn return_span(cg: &Gen<'_>) -> Span {
    match &cg.function.sig.output {
        syn::ReturnType::Type(_, ty) => syn::spanned::Spanned::span(&**ty),
        syn::ReturnType::Default => cg.function.sig.paren_token.span.close(),
    }
}

/// `tokens` with every span moved to `span`'s location (and hygiene).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let proc_macro2::TokenTree::Group(group) = &tree {
                let mut inner = Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                tree = proc_macro2::TokenTree::Group(inner);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}

/// `{ contents }` with the braces of the user's `block`, so that errors about the block
/// as a whole (a missing tail value, an unmet `impl Trait` bound) point at the user's
/// body, and lints see the function as the user's.
fn with_user_braces(block: &Block, contents: TokenStream) -> Group {
    let mut braces = Group::new(Delimiter::Brace, contents);
    braces.set_span(block.brace_token.span.join());
    braces
}

/// The statements every shape starts with, after the registry site and before the body
/// runs: capture frame, check-in, call crumb, metrics clock, span.
fn prelude(cg: &Gen<'_>, sync: bool) -> TokenStream {
    let capture = capture::start(cg, sync);
    let check_in = outcome::check_in_start(cg);
    let crumb = crumb::start(cg);
    let metrics = outcome::metrics_start(cg);
    let span = span::start(cg);
    quote! { #capture #check_in #crumb #metrics #span }
}

/// Everything done with the output bound to `monitor_out` (a reference), in order: error
/// capture (inside the span, so the event carries it), `ret` and busy time, outcome crumb,
/// check-in, metrics, and for sync shapes the span's status.
fn on_output(cg: &Gen<'_>, sync: bool, finish: Option<Finish>) -> TokenStream {
    let status = if cg.needs_status(sync) {
        let status = names::status();
        let value = span::status(cg);
        quote! { let #status = #value; }
    } else {
        TokenStream::new()
    };
    let capture = capture::finish(cg);
    let recorded = span::record_output(cg, sync);
    let crumb = crumb::finish(cg);
    let check_in = outcome::check_in_finish(cg);
    let metrics = outcome::metrics_finish(cg);
    let span = finish.map(|how| span::finish(cg, how));
    quote! { #status #capture #recorded #crumb #check_in #metrics #span }
}

/// Sync body in an `FnOnce` closure; the output is observed before it is returned.
fn sync(cg: &Gen<'_>, function: &ItemFn) -> TokenStream {
    let p = &cg.p;
    let prelude = prelude(cg, true);
    let enter = span::enter(cg);
    let (ret, out) = (names::ret(), names::out());
    let fake = return_edge::fake_return(&function.sig);
    let block = &function.block;
    let wrapped = with_user_braces(&function.block, quote!(#fake #block));
    let output = return_edge::closure_output(&function.sig);
    let observe = on_output(cg, true, Some(Finish::Complete));
    quote! {
        #prelude
        #enter
        let #ret = #p::call_once(move || #output #wrapped);
        {
            let #out = &#ret;
            #observe
        }
        #ret
    }
}

/// `#[track_caller]`: the body inline, every exit observed.
fn inline_observed(cg: &Gen<'_>, function: &ItemFn) -> TokenStream {
    let prelude = prelude(cg, true);
    let enter = span::enter(cg);
    let (ret, out) = (names::ret(), names::out());
    let observe = on_output(cg, true, Some(Finish::Record));
    let observe = quote! {{
        let #out = &#ret;
        #observe
    }};
    let ty = match &function.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    let mut rewriter = caller::ExitRewriter {
        out: &ret,
        ty: &ty,
        observe: &observe,
        rewrite_try: crate::types::is_result(&function.sig.output),
    };
    let mut block: Block = (*function.block).clone();
    syn::visit_mut::VisitMut::visit_block_mut(&mut rewriter, &mut block);
    let tail = rewriter.wrap(quote!(#block));
    quote! {
        #prelude
        #enter
        #tail
    }
}

/// The body inline, after the prelude; a span guard finishes the span when the function
/// returns or unwinds. For bodies whose output is not needed, and for `-> !`.
fn inline(cg: &Gen<'_>, block: &Block) -> TokenStream {
    let prelude = prelude(cg, true);
    let enter = span::enter(cg);
    quote! {
        #prelude
        #enter
        #block
    }
}

/// `async fn`: the body becomes an inner async block awaited inside the instrumented one,
/// or stays inline when nothing needs its output.
fn async_fn(cg: &Gen<'_>, block: &Block) -> TokenStream {
    if !cg.needs_output() {
        let prelude = prelude(cg, false);
        return quote! {
            #prelude
            #block
        };
    }
    let fake = return_edge::fake_return(&cg.function.sig);
    let wrapped = with_user_braces(block, quote!(#fake #block));
    instrumented(cg, quote!(async move #wrapped))
}

/// A sync fn returning the future its last statement builds: that future is wrapped, and
/// the statements before it still run at the call, outside the span.
fn async_tail(cg: &Gen<'_>, block: &Block, kind: TailKind) -> TokenStream {
    let mut stmts = block.stmts.clone();
    let Some(Stmt::Expr(tail, None)) = stmts.pop() else {
        return inline(cg, block);
    };
    let (wrap_path, future) = match (kind, tail) {
        (TailKind::BoxPin, Expr::Call(call)) => {
            let func = call.func;
            let future = call.args.into_iter().next();
            (Some(func), future)
        }
        (_, tail) => (None, Some(tail)),
    };
    let Some(future) = future else {
        return inline(cg, block);
    };
    let future = return_edge::pin_future_output(&cg.p, &cg.function.sig, quote!(#future));
    let instrumented = if cg.needs_output() {
        instrumented(cg, future)
    } else {
        let prelude = prelude(cg, false);
        quote! {
            #prelude
            #future.await
        }
    };
    let outer = quote! { async move { #instrumented } };
    let tail = match wrap_path {
        Some(func) => quote! { #func(#outer) },
        None => outer,
    };
    quote! {
        #(#stmts)*
        #tail
    }
}

/// The prelude, then `future` awaited inside the span, its output observed within it.
/// Must be placed inside an async context: it awaits.
fn instrumented(cg: &Gen<'_>, future: TokenStream) -> TokenStream {
    let p = &cg.p;
    let prelude = prelude(cg, false);
    let out = names::out();
    let observe = on_output(cg, false, None);
    let capture_frames = cg.options.capture.is_some();
    let busy_time = cg.options.monitored.as_ref().is_some_and(|m| m.busy_time);
    let busy = if busy_time {
        let recording = names::recording();
        quote!(#recording)
    } else {
        quote!(false)
    };
    let observed = !observe.is_empty() || capture_frames || busy_time;
    match cg.options.monitored {
        // The span's wrapper also observes the output, in the closure that maps it to the
        // span's status: one generic future per function, not two nested.
        Some(_) if observed => {
            let span = names::span();
            let status = span::status_of(cg, &out);
            quote! {
                #prelude
                #span.instrument_observed(#future, #capture_frames, #busy, move |#out| {
                    { #observe }
                    #status
                }).await
            }
        }
        // A span alone needs no observer: its wrapper finishes it with the output's status.
        Some(_) => {
            let span = names::span();
            let status = span::status_of(cg, &out);
            quote! {
                #prelude
                #span.instrument(#future, |#out| #status).await
            }
        }
        // No span: the same wrapper, observing only.
        None if observed => quote! {
            #prelude
            #p::observe(#future, #capture_frames, move |#out| {
                { #observe }
                ::core::option::Option::None
            }).await
        },
        None => quote! {
            #prelude
            #future.await
        },
    }
}
