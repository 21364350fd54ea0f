//! An attribute on an `impl` block (inherent or trait impl): it applies to every method.
//!
//! Each method is expanded as if the block's toolkit attributes were written on it, with
//! two exceptions: a method's own attribute of a kind replaces the block's (its options,
//! not merged), and `#[kind(skip)]` opts the method out of that kind. Methods the block's
//! attribute cannot apply to are left alone: `const fn`s, and for `#[capture_errors]`,
//! methods whose return type is not named like a `Result` (see
//! [`types::names_result`]), such as constructors returning `Self`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ImplItem, ImplItemFn, ItemFn, ItemImpl};

use crate::args::{Attr, MacroKind};
use crate::diag::Errors;
use crate::options::{self, Options};
use crate::{expand, fallback, item, types, validate};

/// The expansion of `block`, whose attribute `own` is being expanded.
pub fn expand(own: Attr, mut block: ItemImpl, mut errors: Errors, off: bool) -> TokenStream {
    let krate = own.krate.clone();
    let stacked = item::take_stacked(&mut block.attrs, krate.as_ref());
    let imports = item::stacked_imports(&stacked);
    let outer = options::collect(Some(own), &stacked, "impl block", &mut errors);
    let outer_kinds: Vec<MacroKind> = outer.iter().map(|a| a.kind).collect();
    for attr in &outer {
        if let Some(span) = attr.skip {
            errors.push(syn::Error::new(
                span,
                "`skip` opts a method out of its `impl` block's attribute; on the block, remove \
                 the attribute instead",
            ));
        }
    }

    let mut methods: Vec<(usize, Options, ItemFn)> = Vec::new();
    for (index, impl_item) in block.items.iter_mut().enumerate() {
        let ImplItem::Fn(method) = impl_item else {
            continue;
        };
        let own_stacked = item::take_stacked(&mut method.attrs, krate.as_ref());
        let own_attrs = options::collect(None, &own_stacked, "method", &mut errors);
        options::reject_skip(&own_attrs, &outer_kinds, &mut errors);
        let attrs = merge(&outer, own_attrs, method);
        let mut function = as_function(method);
        item::keep_stacked_imports_used(&mut function, &own_stacked);
        method.block = (*function.block).clone();
        let mut options = Options::new(attrs);
        if options.is_empty() {
            continue;
        }
        validate::check(&mut options, &function, &mut errors);
        methods.push((index, options, function));
    }

    let imports = (!imports.is_empty()).then(|| {
        quote! { const _: () = { #(#imports)* }; }
    });
    if !errors.is_empty() {
        let fallback = fallback::expand(&block, &errors);
        return quote! { #fallback #imports };
    }
    if !off {
        for (index, options, function) in methods {
            let defaultness = match &block.items[index] {
                ImplItem::Fn(method) => method.defaultness,
                _ => None,
            };
            let expanded = expand::function(&options, function);
            block.items[index] = ImplItem::Verbatim(quote!(#defaultness #expanded));
        }
    }
    quote! { #block #imports }
}

/// The attributes a method gets: per macro, its own (none when it says `skip`), else the
/// block's when it applies to this method.
fn merge(outer: &[Attr], own: Vec<Attr>, method: &ImplItemFn) -> Vec<Attr> {
    let mut attrs: Vec<Attr> = Vec::new();
    for kind in MacroKind::ALL {
        if let Some(attr) = own.iter().find(|a| a.kind == kind) {
            attrs.push(attr.clone());
        } else if let Some(attr) = outer.iter().find(|a| a.kind == kind)
            && applies(kind, method)
        {
            attrs.push(attr.clone());
        }
    }
    attrs
}

/// Whether a block's attribute of `kind` applies to `method`.
fn applies(kind: MacroKind, method: &ImplItemFn) -> bool {
    if method.sig.constness.is_some() {
        return false;
    }
    kind != MacroKind::CaptureErrors || types::names_result(&method.sig)
}

fn as_function(method: &ImplItemFn) -> ItemFn {
    ItemFn {
        attrs: method.attrs.clone(),
        vis: method.vis.clone(),
        sig: method.sig.clone(),
        block: Box::new(method.block.clone()),
    }
}
