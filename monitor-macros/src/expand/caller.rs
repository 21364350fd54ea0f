//! `#[track_caller]` functions keep their body inline.
//!
//! A closure has no `#[track_caller]` on stable Rust, so a body moved into one would make
//! `Location::caller()` point into the function instead of at its caller. For these
//! functions the body stays where it is, and every way out of it is rewritten to pass its
//! value through the expansion's observer first: `return e`, the tail expression, and, when
//! the function returns a `Result`, `e?`. Closures, async blocks and nested items keep
//! their own returns. A `return` or `?` hidden inside a macro call cannot be seen; it
//! leaves the function unobserved (the span still finishes, as `ok`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Item};

/// Rewrites the exits of `block` so that each evaluates `observe` on a binding `out`
/// typed as the function's return type.
pub struct ExitRewriter<'a> {
    pub out: &'a Ident,
    pub ty: &'a TokenStream,
    pub observe: &'a TokenStream,
    pub rewrite_try: bool,
}

impl ExitRewriter<'_> {
    pub fn wrap(&self, value: TokenStream) -> TokenStream {
        let (out, ty, observe) = (self.out, self.ty, self.observe);
        quote! {{
            let #out: #ty = #value;
            #observe
            #out
        }}
    }
}

impl VisitMut for ExitRewriter<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Closure(_) | Expr::Async(_) | Expr::Macro(_) => {}
            Expr::Return(ret) => {
                if let Some(value) = &mut ret.expr {
                    self.visit_expr_mut(value);
                }
                let value = match &ret.expr {
                    Some(value) => quote!(#value),
                    None => quote!(()),
                };
                let wrapped = self.wrap(value);
                *expr = syn::parse_quote!(return #wrapped);
            }
            Expr::Try(try_expr) if self.rewrite_try => {
                self.visit_expr_mut(&mut try_expr.expr);
                let inner = &try_expr.expr;
                let (out, ty, observe) = (self.out, self.ty, self.observe);
                let value = super::names::ok();
                let error = super::names::residual();
                *expr = syn::parse_quote! {
                    match #inner {
                        ::core::result::Result::Ok(#value) => #value,
                        ::core::result::Result::Err(#error) => {
                            let #out: #ty = ::core::result::Result::Err(::core::convert::From::from(#error));
                            #observe
                            return #out;
                        }
                    }
                };
            }
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_item_mut(&mut self, _item: &mut Item) {
        // Nested items have their own returns.
    }
}
