//! Reading the annotated item: a function with a body, or a clear error.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemFn, TraitItemFn};

use crate::args::{self, Args, MacroKind};
use crate::diag::Errors;

/// The outcome of reading the item.
pub enum Parsed {
    /// A function; its toolkit attributes (stacked ones) are removed from it.
    Function(Box<ItemFn>),
    /// Something else: the errors explain, and the item is emitted unchanged.
    NotAFunction,
    /// Tokens syn could not read (a syntax error in the user's code): emitted unchanged so
    /// that rustc reports the real mistake, once.
    Unparsable,
}

/// Reads `tokens` as the item `#[kind]` is applied to.
pub fn parse(kind: MacroKind, tokens: TokenStream, errors: &mut Errors) -> Parsed {
    if let Ok(function) = syn::parse2::<ItemFn>(tokens.clone()) {
        if let Some(constness) = &function.sig.constness {
            errors.push(syn::Error::new(
                constness.span,
                format!(
                    "`#[{}]` cannot be applied to a `const fn`: it runs code at every call",
                    kind.name()
                ),
            ));
            return Parsed::NotAFunction;
        }
        return Parsed::Function(Box::new(function));
    }
    if let Ok(declaration) = syn::parse2::<TraitItemFn>(tokens.clone())
        && declaration.default.is_none()
    {
        let at = declaration
            .semi_token
            .map_or_else(|| declaration.sig.span(), |semi| semi.span);
        errors.push(syn::Error::new(
            at,
            format!(
                "`#[{}]` requires a function body; put it on the function in each `impl` \
                 instead of on the trait's declaration",
                kind.name()
            ),
        ));
        return Parsed::NotAFunction;
    }
    match syn::parse2::<Item>(tokens) {
        Ok(item) => {
            errors.push(syn::Error::new(
                item_keyword_span(&item),
                format!("`#[{}]` can only be applied to functions", kind.name()),
            ));
            Parsed::NotAFunction
        }
        Err(_) => Parsed::Unparsable,
    }
}

fn item_keyword_span(item: &Item) -> proc_macro2::Span {
    match item {
        Item::Struct(i) => i.struct_token.span,
        Item::Enum(i) => i.enum_token.span,
        Item::Impl(i) => i.impl_token.span,
        Item::Mod(i) => i.mod_token.span,
        Item::Trait(i) => i.trait_token.span,
        Item::Const(i) => i.const_token.span,
        Item::Static(i) => i.static_token.span,
        Item::Type(i) => i.type_token.span,
        Item::Use(i) => i.use_token.span,
        Item::Union(i) => i.union_token.span,
        other => other.span(),
    }
}

/// A toolkit attribute found on the function below the one being expanded.
pub struct Stacked {
    pub kind: MacroKind,
    pub attr: Attribute,
}

/// Removes the other toolkit attributes from `function` and returns them: the outermost
/// toolkit macro expands all of them at once, so a function carrying several gets one
/// span, one crumb and one event.
///
/// An attribute is the toolkit's when its last path segment is `monitored`, `breadcrumb`
/// or `capture_errors`.
pub fn take_stacked(function: &mut ItemFn) -> Vec<Stacked> {
    let mut stacked = Vec::new();
    function.attrs.retain(|attr| {
        let kind = attr
            .path()
            .segments
            .last()
            .and_then(|s| MacroKind::from_name(&s.ident.to_string()));
        match kind {
            Some(kind) if matches!(attr.style, syn::AttrStyle::Outer) => {
                stacked.push(Stacked {
                    kind,
                    attr: attr.clone(),
                });
                false
            }
            _ => true,
        }
    });
    stacked
}

/// Keeps the imports of the stacked attributes used.
///
/// The outermost toolkit macro removes the stacked attributes before rustc resolves their
/// paths, so `use monitor_runtime::capture_errors;` would otherwise be reported as an
/// unused import (an error under `#![deny(warnings)]`). A `use <path> as _;` at the top of
/// the body resolves each path where the user wrote it, which marks the import used (and
/// reports a missing import on the attribute's own path). It binds no name, so the body
/// sees nothing new. Shapes whose body is split (async tails) can put it after the
/// expansion's first statement, hence the clippy allowance.
pub fn keep_stacked_imports_used(function: &mut ItemFn, stacked: &[Stacked]) {
    for (index, other) in stacked.iter().enumerate() {
        let path = other.attr.path();
        let span = path
            .segments
            .last()
            .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span());
        let import: syn::Stmt = syn::parse_quote_spanned! {span=>
            #[allow(unused_imports, clippy::items_after_statements)]
            use #path as _;
        };
        function.block.stmts.insert(index, import);
    }
}

/// The arguments of a stacked attribute.
pub fn stacked_args(stacked: &Stacked, errors: &mut Errors) -> (Args, Option<syn::Path>) {
    match &stacked.attr.meta {
        syn::Meta::Path(_) => args::parse(stacked.kind, TokenStream::new(), errors),
        syn::Meta::List(list) => args::parse(stacked.kind, list.tokens.clone(), errors),
        syn::Meta::NameValue(nv) => {
            errors.push(syn::Error::new_spanned(
                &nv.value,
                format!(
                    "`#[{}]` takes options in parentheses: `#[{}(...)]`",
                    stacked.kind.name(),
                    stacked.kind.name()
                ),
            ));
            args::parse(stacked.kind, TokenStream::new(), errors)
        }
    }
}
