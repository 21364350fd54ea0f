//! Code generation: one function in, the instrumented function out.
//!
//! The signature, outer attributes and visibility are re-emitted untouched, so `dead_code`,
//! `must_use` and doc comments behave as they did. The body is rewritten by shape:
//! - **sync**: the body runs in a closure passed to an `FnOnce` helper, so its result can
//!   be seen (status, `Err` capture, outcome crumb) while `return`, `?` and returns that
//!   borrow `&mut` arguments keep working;
//! - **`#[track_caller]`**: the body stays inline and its exits are rewritten (see
//!   [`caller`]);
//! - **`-> !`**: inline, with a guard that finishes the span when unwinding;
//! - **async** (`async fn`, or an async-block tail: async-trait, `-> impl Future`): the
//!   span starts at the first poll and is current during every poll of the body.

mod caller;
mod parts;
mod return_edge;
mod shape;

use proc_macro2::{Delimiter, Group, TokenStream};
use quote::quote;
use syn::{Block, Expr, ItemFn, Stmt};

use crate::options::Options;
use parts::{Gen, binding};
use shape::{Shape, TailKind};

/// The expansion of `function` with `options`.
pub fn function(options: &Options, mut function: ItemFn) -> TokenStream {
    let (inner_attrs, outer_attrs): (Vec<_>, Vec<_>) = function
        .attrs
        .drain(..)
        .partition(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
    function.attrs = outer_attrs;
    let cg = Gen {
        krate: options.krate(),
        options,
        function: &function,
    };
    let track_caller = function
        .attrs
        .iter()
        .any(|a| a.path().is_ident("track_caller"));
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
    let braces = with_user_braces(
        block,
        quote! {
            #(#inner_attrs)*
            #body
        },
    );
    quote! {
        #(#attrs)*
        #vis #sig #braces
    }
}

/// `{ contents }` with the braces of the user's `block`, so that errors about the block
/// as a whole (a missing tail value, an unmet `impl Trait` bound) point at the user's
/// body, and lints see the function as the user's.
fn with_user_braces(block: &Block, contents: TokenStream) -> Group {
    let mut braces = Group::new(Delimiter::Brace, contents);
    braces.set_span(block.brace_token.span.join());
    braces
}

/// The statements every shape starts with, before the body runs.
fn prelude(cg: &Gen<'_>, sync: bool) -> TokenStream {
    let capture = cg.capture_start(sync);
    let check_in = cg.check_in_start();
    let crumb = cg.crumb_start();
    let span = cg.span_start();
    quote! { #capture #check_in #crumb #span }
}

/// Sync body in an `FnOnce` closure; the output is observed before it is returned.
fn sync(cg: &Gen<'_>, function: &ItemFn) -> TokenStream {
    let krate = &cg.krate;
    let site = cg.site();
    let prelude = prelude(cg, true);
    let guard = binding("monitor_guard");
    let ret = binding("monitor_ret");
    let fake = return_edge::fake_return(&function.sig);
    let block = &function.block;
    let wrapped = with_user_braces(&function.block, quote!(#fake #block));
    let output = return_edge::closure_output(&function.sig);
    let capture = cg.capture_owned(&ret);
    let on_output = cg.on_output_after_capture(&ret);
    let finish = span_finish(cg, &guard, &ret);
    let enter = span_enter(cg, &guard);
    let observe = if on_output.is_empty() && finish.is_empty() {
        TokenStream::new()
    } else {
        quote! {{
            let #ret = &#ret;
            #on_output
            #finish
        }}
    };
    quote! {
        #site
        #prelude
        #enter
        let #ret = #krate::__private::call_once(move || #output #wrapped);
        #capture
        #observe
        #ret
    }
}

/// `#[track_caller]`: the body inline, every exit observed.
fn inline_observed(cg: &Gen<'_>, function: &ItemFn) -> TokenStream {
    let site = cg.site();
    let prelude = prelude(cg, true);
    let guard = binding("monitor_guard");
    let out = binding("monitor_out");
    let out_ref = binding("monitor_out_ref");
    let enter = span_enter(cg, &guard);
    let on_output = cg.on_output(&out_ref);
    let record = match cg.options.monitored {
        Some(_) => {
            let status = cg.status_of(&out_ref);
            quote! { #guard.record(#status); }
        }
        None => TokenStream::new(),
    };
    let observe = quote! {{
        let #out_ref = &#out;
        #on_output
        #record
    }};
    let ty = match &function.sig.output {
        syn::ReturnType::Default => quote!(()),
        syn::ReturnType::Type(_, ty) => quote!(#ty),
    };
    let mut rewriter = caller::ExitRewriter {
        out: &out,
        ty: &ty,
        observe: &observe,
        rewrite_try: crate::types::is_result(&function.sig.output),
    };
    let mut block: Block = (*function.block).clone();
    syn::visit_mut::VisitMut::visit_block_mut(&mut rewriter, &mut block);
    let tail = rewriter.wrap(quote!(#block));
    quote! {
        #site
        #prelude
        #enter
        #tail
    }
}

/// The body inline, after the prelude; a span guard finishes the span when the function
/// returns or unwinds. For bodies whose output is not needed, and for `-> !`.
fn inline(cg: &Gen<'_>, block: &Block) -> TokenStream {
    let site = cg.site();
    let prelude = prelude(cg, true);
    let guard = binding("monitor_guard");
    let enter = span_enter(cg, &guard);
    quote! {
        #site
        #prelude
        #enter
        #block
    }
}

fn span_enter(cg: &Gen<'_>, guard: &proc_macro2::Ident) -> TokenStream {
    if cg.options.monitored.is_none() {
        return TokenStream::new();
    }
    let span = binding("monitor_span");
    quote! { let #guard = #span.enter(); }
}

fn span_finish(cg: &Gen<'_>, guard: &proc_macro2::Ident, out: &proc_macro2::Ident) -> TokenStream {
    if cg.options.monitored.is_none() {
        return TokenStream::new();
    }
    let status = cg.status_of(out);
    quote! { #guard.complete(#status); }
}

/// `async fn`: the body becomes an inner async block awaited inside the instrumented one.
fn async_fn(cg: &Gen<'_>, block: &Block) -> TokenStream {
    let site = cg.site();
    let fake = return_edge::fake_return(&cg.function.sig);
    let wrapped = with_user_braces(block, quote!(#fake #block));
    let inner = quote!(async move #wrapped);
    let instrumented = instrumented(cg, inner);
    quote! {
        #site
        #instrumented
    }
}

/// A sync fn returning the future its last statement builds: that future is wrapped, and
/// the statements before it still run at the call, outside the span.
fn async_tail(cg: &Gen<'_>, block: &Block, kind: TailKind) -> TokenStream {
    let site = cg.site();
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
    let future = return_edge::pin_future_output(&cg.function.sig, quote!(#future));
    let instrumented = instrumented(cg, future);
    let outer = quote! { async move { #instrumented } };
    let tail = match wrap_path {
        Some(func) => quote! { #func(#outer) },
        None => outer,
    };
    quote! {
        #site
        #(#stmts)*
        #tail
    }
}

/// The prelude, then `future` awaited inside the span, its output observed within it.
/// Must be placed inside an async context: it awaits.
fn instrumented(cg: &Gen<'_>, future: TokenStream) -> TokenStream {
    let prelude = prelude(cg, false);
    if !cg.needs_output() {
        return quote! {
            #prelude
            #future.await
        };
    }
    let out = binding("monitor_out");
    let out_ref = binding("monitor_out_ref");
    let on_output = cg.on_output(&out_ref);
    let observed = if on_output.is_empty() {
        future
    } else {
        cg.capture_frames(quote! {
            async move {
                let #out = #future.await;
                {
                    let #out_ref = &#out;
                    #on_output
                }
                #out
            }
        })
    };
    match cg.options.monitored {
        Some(_) => {
            let span = binding("monitor_span");
            let status = cg.status_of(&out_ref);
            quote! {
                #prelude
                #span.instrument(#observed, |#out_ref| #status).await
            }
        }
        None => quote! {
            #prelude
            #observed.await
        },
    }
}
