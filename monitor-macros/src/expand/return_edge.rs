//! The fake return edge: `if false { return identity::<R>(loop {}); }` at the top of the
//! wrapped body, spanned at the return type (at the function's name when it returns `()`).
//!
//! The body moves into a closure or an async block whose return type the compiler would
//! otherwise infer from the first `return` it meets; the fake edge fixes it to the
//! function's own, so coercions (`Box<dyn Trait>`, `.into()`, `.collect()`) keep working
//! and type errors point at the user's expression with a note at the return type. It sits
//! outside the user's block, so a `use` inside the body cannot change what the type means.
//!
//! Every token of the edge carries the span of the return type, so rustc's note "return
//! type inferred to be `R` here" points at the user's `R` and not into the macro. The edge
//! binds no name, so no user item can clash with it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{ReturnType, Signature, Type};

/// The edge for `sig`; empty for `-> !`, which has no value to return.
pub fn fake_return(sig: &Signature) -> TokenStream {
    let (ty, span) = match &sig.output {
        ReturnType::Default => (quote!(()), sig.ident.span()),
        ReturnType::Type(_, ty) => {
            if matches!(**ty, Type::Never(_)) {
                return TokenStream::new();
            }
            let mut erased = (**ty).clone();
            ImplTraitEraser.visit_type_mut(&mut erased);
            (quote!(#erased), ty.span())
        }
    };
    quote_spanned! {span=>
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::needless_return,
            clippy::unit_arg,
        )]
        if false {
            return ::core::convert::identity::<#ty>(loop {});
        }
    }
}

/// `-> R` for the closure a sync body runs in (`impl Trait` erased to `_`; nothing for
/// `()`). With a declared return type, rustc reports a body that yields no value (an
/// extra `;`) on the user's body, as it does for async bodies, instead of at the closure's
/// implicit return type, which is the attribute. Elided lifetimes in a closure's return
/// type are inferred, so borrowed returns keep working.
pub fn closure_output(sig: &Signature) -> TokenStream {
    match &sig.output {
        ReturnType::Default => TokenStream::new(),
        ReturnType::Type(arrow, ty) => {
            let mut erased = (**ty).clone();
            ImplTraitEraser.visit_type_mut(&mut erased);
            quote!(#arrow #erased)
        }
    }
}

/// `future` with its output fixed to the `Output = X` of the declared return type
/// (`impl Future<Output = X>`, `Pin<Box<dyn Future<Output = X> + Send>>`): the async-tail
/// counterpart of the fake return edge. Without it, an output such as `Ok(1)` leaves the
/// error type to inference until the function returns, and the expansion's probes, which
/// look at the output first, cannot choose. Unchanged when no `Output` is written.
pub fn pin_future_output(p: &TokenStream, sig: &Signature, future: TokenStream) -> TokenStream {
    let ReturnType::Type(_, ty) = &sig.output else {
        return future;
    };
    let Some(output) = crate::types::future_output(ty) else {
        return future;
    };
    let mut erased = output.clone();
    ImplTraitEraser.visit_type_mut(&mut erased);
    quote! { #p::future_output::<#erased, _>(#future) }
}

/// Replaces `impl Trait` with `_`: an opaque type cannot be named in a `let`.
struct ImplTraitEraser;

impl VisitMut for ImplTraitEraser {
    fn visit_type_mut(&mut self, ty: &mut Type) {
        if let Type::ImplTrait(impl_trait) = ty {
            let span = impl_trait.span();
            *ty = Type::Infer(syn::TypeInfer {
                underscore_token: syn::Token![_](span),
            });
            return;
        }
        visit_mut::visit_type_mut(self, ty);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impl_trait_is_erased_at_any_depth() {
        let mut ty: Type =
            syn::parse_quote!(Result<impl Iterator<Item = u8>, impl std::error::Error>);
        ImplTraitEraser.visit_type_mut(&mut ty);
        assert_eq!(quote!(#ty).to_string(), quote!(Result<_, _>).to_string());
    }

    #[test]
    fn never_has_no_edge() {
        let sig: Signature = syn::parse_quote!(fn f() -> !);
        assert!(fake_return(&sig).is_empty());
    }
}
