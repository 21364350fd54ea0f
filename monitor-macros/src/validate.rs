//! Checks that need the function as well as the options.

use proc_macro2::TokenStream;
use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, Type};

use crate::args::Field;
use crate::diag::Errors;
use crate::options::Options;
use crate::types;

/// Runs every check, pushing each problem to `errors`, and gives each shorthand entry of
/// `tags(...)`/`data(...)` the `#[cfg]` of the argument it names.
pub fn check(options: &mut Options, function: &ItemFn, errors: &mut Errors) {
    let arguments = arguments(function);
    for (macro_name, list, fields) in options.field_lists_mut() {
        for field in fields.iter_mut() {
            resolve_shorthand(macro_name, list, field, &arguments, function, errors);
        }
    }
    if options.capture.is_some() {
        check_result_return(&function.sig, errors);
    }
    if options.monitored.as_ref().is_some_and(|m| m.ret.is_some()) {
        check_ret(function, errors);
    }
}

/// A name a function's parameters bind, and the `#[cfg]` predicates on its parameter.
struct Argument {
    name: String,
    cfg: Vec<TokenStream>,
}

fn resolve_shorthand(
    macro_name: &str,
    list: &str,
    field: &mut Field,
    arguments: &[Argument],
    function: &ItemFn,
    errors: &mut Errors,
) {
    let Some(ident) = &field.shorthand else {
        return;
    };
    let name = ident.to_string();
    if let Some(argument) = arguments.iter().find(|a| a.name == name) {
        field.cfg.clone_from(&argument.cfg);
        return;
    }
    let known = if arguments.is_empty() {
        "it has none".to_owned()
    } else {
        let names: Vec<&str> = arguments.iter().map(|a| a.name.as_str()).collect();
        format!("its arguments are: {}", names.join(", "))
    };
    errors.push(syn::Error::new(
        ident.span(),
        format!(
            "`{list}({name})` in `#[{macro_name}]` names no argument of `fn {}`; {known}. \
             To record something else, write `{list}({name} = expression)`",
            function.sig.ident
        ),
    ));
}

/// The names a function's parameters bind, with destructuring flattened, each with the
/// `#[cfg]` predicates of its parameter.
fn arguments(function: &ItemFn) -> Vec<Argument> {
    let mut arguments = Vec::new();
    for input in &function.sig.inputs {
        match input {
            FnArg::Receiver(_) => arguments.push(Argument {
                name: "self".to_owned(),
                cfg: Vec::new(),
            }),
            FnArg::Typed(typed) => {
                let cfg: Vec<TokenStream> = typed
                    .attrs
                    .iter()
                    .filter(|a| a.path().is_ident("cfg"))
                    .filter_map(|a| match &a.meta {
                        syn::Meta::List(list) => Some(list.tokens.clone()),
                        _ => None,
                    })
                    .collect();
                let mut names = Vec::new();
                pattern_names(&typed.pat, &mut names);
                arguments.extend(names.into_iter().map(|name| Argument {
                    name,
                    cfg: cfg.clone(),
                }));
            }
        }
    }
    arguments
}

fn pattern_names(pat: &Pat, names: &mut Vec<String>) {
    match pat {
        Pat::Ident(p) => {
            names.push(p.ident.to_string());
            if let Some((_, sub)) = &p.subpat {
                pattern_names(sub, names);
            }
        }
        Pat::Tuple(t) => t.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::TupleStruct(t) => t.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Struct(s) => s.fields.iter().for_each(|f| pattern_names(&f.pat, names)),
        Pat::Reference(r) => pattern_names(&r.pat, names),
        Pat::Slice(s) => s.elems.iter().for_each(|p| pattern_names(p, names)),
        Pat::Paren(p) => pattern_names(&p.pat, names),
        Pat::Type(t) => pattern_names(&t.pat, names),
        _ => {}
    }
}

/// `#[capture_errors]` needs a `Result`. Types that are certainly not one are rejected
/// here, at the return type; a path that may be an alias (`io::Result<T>`, `AppResult`)
/// is checked by a trait bound in the expansion, also at the return type.
fn check_result_return(sig: &syn::Signature, errors: &mut Errors) {
    let message = "`#[capture_errors]` requires a function returning `Result<_, _>`";
    let aliases = "aliases such as `io::Result<T>` are accepted";
    match types::produced(sig) {
        None => errors.push(syn::Error::new(
            sig.paren_token.span.close(),
            format!("{message}; this function returns `()`"),
        )),
        Some((checked, is_future)) => {
            if !types::may_be_result(checked) {
                let found = types::type_text(checked);
                let found = if is_future {
                    format!("a future of `{found}`")
                } else {
                    format!("`{found}`")
                };
                errors.push(syn::Error::new_spanned(
                    checked,
                    format!("{message}, found {found} ({aliases})"),
                ));
            }
        }
    }
}

/// `ret` needs a value to record.
fn check_ret(function: &ItemFn, errors: &mut Errors) {
    let sig = &function.sig;
    let nothing = match types::produced(sig) {
        None => Some(("returns `()`", sig.paren_token.span.close())),
        Some((ty, _)) => match ty {
            Type::Never(_) => Some(("never returns (`-> !`)", ty.span())),
            Type::Tuple(t) if t.elems.is_empty() => Some(("returns `()`", ty.span())),
            _ => None,
        },
    };
    if let Some((what, span)) = nothing {
        errors.push(syn::Error::new(
            span,
            format!(
                "`ret` records the return value in the span, and `fn {}` {what}: remove `ret`",
                sig.ident
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destructured_arguments_are_flattened_with_their_cfg() {
        let f: ItemFn = syn::parse_quote! {
            fn f(&self, (a, b): (u8, u8), Foo { bar: c, .. }: Foo, #[cfg(any())] hidden: u8, mut d: u8) {}
        };
        let arguments = arguments(&f);
        let names: Vec<&str> = arguments.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["self", "a", "b", "c", "hidden", "d"]);
        let cfg: Vec<String> = arguments[4].cfg.iter().map(ToString::to_string).collect();
        assert_eq!(cfg, ["any ()"]);
        assert!(arguments[5].cfg.is_empty());
    }
}
