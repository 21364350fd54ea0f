//! Reading the annotated item (a function with a body, an `impl` block, or a clear error),
//! and finding the toolkit's other attributes on it.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, Item, ItemFn, ItemImpl, Path, TraitItemFn};

use crate::args::{self, Attr, MacroKind, syntax};
use crate::diag::Errors;

/// The outcome of reading the item.
pub enum Parsed {
    /// A function.
    Function(Box<ItemFn>),
    /// An `impl` block: the attribute applies to each of its methods.
    Impl(Box<ItemImpl>),
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
        Ok(Item::Impl(block)) => Parsed::Impl(Box::new(block)),
        Ok(item) => {
            errors.push(syn::Error::new(
                item_keyword_span(&item),
                format!(
                    "`#[{}]` can only be applied to functions and `impl` blocks",
                    kind.name()
                ),
            ));
            Parsed::NotAFunction
        }
        Err(_) => Parsed::Unparsable,
    }
}

fn item_keyword_span(item: &Item) -> Span {
    match item {
        Item::Struct(i) => i.struct_token.span,
        Item::Enum(i) => i.enum_token.span,
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

/// A toolkit attribute found on an item beside the one being expanded.
pub struct Stacked {
    pub kind: MacroKind,
    pub attr: Attribute,
}

impl Stacked {
    /// Where errors about the attribute as a whole point: its name.
    pub fn span(&self) -> Span {
        last_ident_span(self.attr.path())
    }

    /// The attribute's options.
    pub fn read(&self, errors: &mut Errors) -> Attr {
        match &self.attr.meta {
            syn::Meta::Path(_) => args::parse(self.kind, TokenStream::new(), errors),
            syn::Meta::List(list) => args::parse(self.kind, list.tokens.clone(), errors),
            syn::Meta::NameValue(nv) => {
                errors.push(syn::Error::new_spanned(
                    &nv.value,
                    format!(
                        "`#[{}]` takes options in parentheses: `#[{}(...)]`",
                        self.kind.name(),
                        self.kind.name()
                    ),
                ));
                args::parse(self.kind, TokenStream::new(), errors)
            }
        }
    }
}

fn last_ident_span(path: &Path) -> Span {
    path.segments
        .last()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// Removes the toolkit's attributes from `attrs` and returns them: the outermost toolkit
/// macro expands all of them at once, so a function carrying several gets one span, one
/// crumb and one event.
///
/// An attribute is the toolkit's when its name is `monitored`, `breadcrumb` or
/// `capture_errors` and its path is one of: the bare name (imported with `use`),
/// `monitor_runtime::name`, `monitor_macros::name`, or `<path>::name` where `path` is the
/// runtime named by `crate = path` (on the expanding attribute, or on this one). Any
/// other path (`#[other::breadcrumb]`) is another crate's attribute and is left in place.
pub fn take_stacked(attrs: &mut Vec<Attribute>, krate: Option<&Path>) -> Vec<Stacked> {
    let mut stacked = Vec::new();
    attrs.retain(|attr| match claimed(attr, krate) {
        Some(kind) => {
            stacked.push(Stacked {
                kind,
                attr: attr.clone(),
            });
            false
        }
        None => true,
    });
    stacked
}

/// Which toolkit macro `attr` is, if it is one of the toolkit's (see [`take_stacked`]).
fn claimed(attr: &Attribute, krate: Option<&Path>) -> Option<MacroKind> {
    if !matches!(attr.style, syn::AttrStyle::Outer) {
        return None;
    }
    let path = attr.path();
    let (last, prefix) =
        path.segments
            .iter()
            .collect::<Vec<_>>()
            .split_last()
            .map(|(last, prefix)| {
                (
                    last.ident.to_string(),
                    prefix
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect::<Vec<_>>(),
                )
            })?;
    let kind = MacroKind::from_name(&last)?;
    let prefix: Vec<&str> = prefix.iter().map(String::as_str).collect();
    let toolkit = match prefix.as_slice() {
        [] | ["monitor_runtime"] | ["monitor_macros"] => true,
        _ => {
            krate.is_some_and(|k| path_is(k, &prefix))
                || own_crate_option(attr).is_some_and(|k| path_is(&k, &prefix))
        }
    };
    toolkit.then_some(kind)
}

/// Whether `path` is written `segments` (a leading `::` aside).
fn path_is(path: &Path, segments: &[&str]) -> bool {
    path.segments.len() == segments.len()
        && path
            .segments
            .iter()
            .zip(segments)
            .all(|(s, name)| s.ident == name)
}

/// The `crate = path` option written in `attr`, if any.
fn own_crate_option(attr: &Attribute) -> Option<Path> {
    let syn::Meta::List(list) = &attr.meta else {
        return None;
    };
    let mut ignored = Errors::default();
    syntax::options(list.tokens.clone(), &mut ignored)
        .into_iter()
        .find_map(|option| match option.value {
            syntax::RawValue::Assign(syn::Expr::Path(path))
                if option.key == "crate" && path.qself.is_none() =>
            {
                Some(path.path)
            }
            _ => None,
        })
}

/// Statements that keep the imports of the stacked attributes used.
///
/// The outermost toolkit macro removes the stacked attributes before rustc resolves their
/// paths, so `use monitor_runtime::capture_errors;` would otherwise be reported as an
/// unused import (an error under `#![deny(warnings)]`). A `use <path> as _;` resolves each
/// path where the user wrote it, which marks the import used (and reports a missing import
/// on the attribute's own path). It binds no name, so the code around sees nothing new.
pub fn stacked_imports(stacked: &[Stacked]) -> Vec<syn::Stmt> {
    stacked
        .iter()
        .map(|other| {
            let path = other.attr.path();
            let span = last_ident_span(path);
            syn::parse_quote_spanned! {span=>
                #[allow(unused_imports, clippy::items_after_statements)]
                use #path as _;
            }
        })
        .collect()
}

/// [`stacked_imports`] at the top of `function`'s body. Shapes whose body is split (async
/// tails) can put them after the expansion's first statement, hence the clippy allowance.
pub fn keep_stacked_imports_used(function: &mut ItemFn, stacked: &[Stacked]) {
    for (index, import) in stacked_imports(stacked).into_iter().enumerate() {
        function.block.stmts.insert(index, import);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(attr: Attribute, krate: Option<Path>) -> Option<&'static str> {
        claimed(&attr, krate.as_ref()).map(MacroKind::name)
    }

    #[test]
    fn only_the_toolkits_paths_are_claimed() {
        let some = Some("breadcrumb");
        assert_eq!(claims(syn::parse_quote!(#[breadcrumb]), None), some);
        assert_eq!(
            claims(syn::parse_quote!(#[monitor_runtime::breadcrumb]), None),
            some
        );
        assert_eq!(
            claims(
                syn::parse_quote!(#[::monitor_runtime::breadcrumb(outcome)]),
                None
            ),
            some
        );
        assert_eq!(
            claims(syn::parse_quote!(#[monitor_macros::breadcrumb]), None),
            some
        );
        assert_eq!(claims(syn::parse_quote!(#[other::breadcrumb]), None), None);
        assert_eq!(
            claims(
                syn::parse_quote!(#[other::breadcrumb]),
                Some(syn::parse_quote!(my::rt))
            ),
            None
        );
        assert_eq!(
            claims(
                syn::parse_quote!(#[my::rt::breadcrumb]),
                Some(syn::parse_quote!(my::rt))
            ),
            some
        );
        assert_eq!(
            claims(
                syn::parse_quote!(#[my::rt::breadcrumb(crate = my::rt)]),
                None
            ),
            some
        );
        assert_eq!(
            claims(
                syn::parse_quote!(#[my::rt::breadcrumb(crate = other)]),
                None
            ),
            None
        );
        assert_eq!(claims(syn::parse_quote!(#[inline]), None), None);
    }
}
