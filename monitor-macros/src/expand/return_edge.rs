//! The fake return edge: `if false { let ret: R = loop {}; return ret; }` at the top of the
//! wrapped body, spanned at the return type.
//!
//! The body moves into a closure or an async block whose return type the compiler would
//! otherwise infer from the first `return` it meets; the fake edge fixes it to the
//! function's own, so coercions (`Box<dyn Trait>`, `.into()`, `.collect()`) keep working
//! and type errors point at the user's expression with a note at the return type. It sits
//! outside the user's block, so a `use` inside the body cannot change what the type means.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{ReturnType, Type};

/// The edge for `output`; empty for `-> !`, which has no value to return.
pub fn fake_return(output: &ReturnType) -> TokenStream {
    let (ty, span) = match output {
        ReturnType::Default => (quote!(()), proc_macro2::Span::call_site()),
        ReturnType::Type(_, ty) => {
            if matches!(**ty, Type::Never(_)) {
                return TokenStream::new();
            }
            let mut erased = (**ty).clone();
            ImplTraitEraser.visit_type_mut(&mut erased);
            (quote!(#erased), ty.span())
        }
    };
    let binding = proc_macro2::Ident::new(
        "monitor_fake_return",
        span.resolved_at(proc_macro2::Span::mixed_site()),
    );
    quote_spanned! {span=>
        #[allow(
            unreachable_code,
            clippy::diverging_sub_expression,
            clippy::empty_loop,
            clippy::needless_return,
            clippy::let_unit_value,
            clippy::unused_unit,
        )]
        if false {
            let #binding: #ty = loop {};
            return #binding;
        }
    }
}

/// Replaces every `impl Trait` in `ty` with `_`.
pub fn erase_impl_trait(ty: &mut Type) {
    ImplTraitEraser.visit_type_mut(ty);
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
        let output: ReturnType = syn::parse_quote!(-> !);
        assert!(fake_return(&output).is_empty());
    }
}
