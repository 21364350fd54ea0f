//! Checks that need the function as well as the options.

use syn::{FnArg, ItemFn, Pat, ReturnType, Type};

use crate::args::Field;
use crate::diag::Errors;
use crate::options::Options;

/// Runs every check, pushing each problem to `errors`.
pub fn check(options: &Options, function: &ItemFn, errors: &mut Errors) {
    let arguments = argument_names(function);
    for (macro_name, list, fields) in options.field_lists() {
        for field in fields {
            check_shorthand(macro_name, list, field, &arguments, function, errors);
        }
    }
    if options.capture.is_some() {
        check_result_return(&function.sig, errors);
    }
}

fn check_shorthand(
    macro_name: &str,
    list: &str,
    field: &Field,
    arguments: &[String],
    function: &ItemFn,
    errors: &mut Errors,
) {
    let Some(ident) = &field.shorthand else {
        return;
    };
    let name = ident.to_string();
    if arguments.contains(&name) {
        return;
    }
    let known = if arguments.is_empty() {
        "it has none".to_owned()
    } else {
        format!("its arguments are: {}", arguments.join(", "))
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

/// The names a function's parameters bind, with destructuring flattened.
pub fn argument_names(function: &ItemFn) -> Vec<String> {
    let mut names = Vec::new();
    for input in &function.sig.inputs {
        match input {
            FnArg::Receiver(_) => names.push("self".to_owned()),
            FnArg::Typed(typed) => {
                let cfg_out = typed.attrs.iter().any(|a| a.path().is_ident("cfg"));
                if !cfg_out {
                    pattern_names(&typed.pat, &mut names);
                }
            }
        }
    }
    names
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
    match &sig.output {
        ReturnType::Default => errors.push(syn::Error::new(
            sig.paren_token.span.close(),
            format!("{message}; this function returns `()`"),
        )),
        ReturnType::Type(_, ty) => {
            // A sync fn returning a future (async-trait's rewrite, `-> impl Future`) has its
            // errors in the future's output.
            let output = future_output(ty).filter(|_| sig.asyncness.is_none());
            let checked = output.unwrap_or(ty);
            if !may_be_result(checked) {
                let found = type_text(checked);
                let found = if output.is_some() {
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

/// A type as the user would write it: `Option<u32>`, not `Option < u32 >`.
fn type_text(ty: &Type) -> String {
    let spaced = quote::ToTokens::to_token_stream(ty).to_string();
    let mut text = String::with_capacity(spaced.len());
    let mut chars = spaced.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let previous = text.chars().last();
            let next = chars.peek().copied();
            let tight_after = matches!(previous, Some('<' | '&' | ':' | '(' | '['));
            let tight_before = matches!(next, Some('<' | '>' | ',' | ':' | ';' | ')' | ']'));
            if tight_after || tight_before {
                continue;
            }
        }
        text.push(c);
    }
    text
}

/// `X` in `impl Future<Output = X>`, `Pin<Box<dyn Future<Output = X> + Send + '_>>` and the
/// like.
pub fn future_output(ty: &Type) -> Option<&Type> {
    match ty {
        Type::ImplTrait(t) => bounds_output(&t.bounds),
        Type::TraitObject(t) => bounds_output(&t.bounds),
        Type::Paren(p) => future_output(&p.elem),
        Type::Group(g) => future_output(&g.elem),
        Type::Path(path) => {
            let last = path.path.segments.last()?;
            if last.ident != "Pin" && last.ident != "Box" {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                syn::GenericArgument::Type(inner) => future_output(inner),
                _ => None,
            })
        }
        _ => None,
    }
}

fn bounds_output(
    bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
) -> Option<&Type> {
    bounds.iter().find_map(|bound| {
        let syn::TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        if last.ident != "Future" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            syn::GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(&assoc.ty),
            _ => None,
        })
    })
}

/// Well-known types that are never a `Result`; any other path may be an alias of one.
const NOT_RESULT: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64", "String", "Vec", "Option", "Box", "Rc", "Arc", "HashMap",
    "BTreeMap", "HashSet", "BTreeSet", "VecDeque", "Cow", "Pin",
];

fn may_be_result(ty: &Type) -> bool {
    match ty {
        Type::Path(path) => {
            path.qself.is_some()
                || !path
                    .path
                    .segments
                    .last()
                    .is_some_and(|last| NOT_RESULT.contains(&last.ident.to_string().as_str()))
        }
        Type::Paren(p) => may_be_result(&p.elem),
        Type::Group(g) => may_be_result(&g.elem),
        Type::Macro(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_read_as_written() {
        let text = |ty: Type| type_text(&ty);
        assert_eq!(text(syn::parse_quote!(Option<u32>)), "Option<u32>");
        assert_eq!(
            text(syn::parse_quote!(
                std::collections::HashMap<&'a str, (u8, [u8; 4])>
            )),
            "std::collections::HashMap<&'a str, (u8, [u8; 4])>"
        );
    }

    #[test]
    fn future_outputs_are_found() {
        let output = |ty: Type| future_output(&ty).map(|t| quote::quote!(#t).to_string());
        let ok = Some("Result < u8 , E >".to_owned());
        assert_eq!(
            output(syn::parse_quote!(
                impl Future<Output = Result<u8, E>> + Send
            )),
            ok
        );
        assert_eq!(
            output(syn::parse_quote!(
                Pin<Box<dyn Future<Output = Result<u8, E>> + Send + 'async_trait>>
            )),
            ok
        );
        assert_eq!(
            output(syn::parse_quote!(
                std::pin::Pin<Box<dyn core::future::Future<Output = Result<u8, E>>>>
            )),
            ok
        );
        assert_eq!(output(syn::parse_quote!(Result<u8, E>)), None);
        assert_eq!(output(syn::parse_quote!(Box<dyn Error>)), None);
    }

    #[test]
    fn destructured_arguments_are_flattened() {
        let f: ItemFn = syn::parse_quote! {
            fn f(&self, (a, b): (u8, u8), Foo { bar: c, .. }: Foo, #[cfg(any())] hidden: u8, mut d: u8) {}
        };
        assert_eq!(argument_names(&f), ["self", "a", "b", "c", "d"]);
    }
}
