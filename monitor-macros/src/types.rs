//! Reading types as written: whether a return type may be a `Result`, the output of a
//! returned future, a type as the user would print it. Shared by the checks and the
//! expansion.

use syn::{ReturnType, Signature, Type};

/// A type as the user would write it: `Option<u32>`, not `Option < u32 >`.
pub fn type_text(ty: &Type) -> String {
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

/// What a call of the function produces once done: the declared return type, or the
/// output of the future a sync function returns (async-trait's rewrite, `-> impl
/// Future`). `None` for `()`. The flag says whether it is a future's output.
pub fn produced(sig: &Signature) -> Option<(&Type, bool)> {
    let ReturnType::Type(_, ty) = &sig.output else {
        return None;
    };
    match future_output(ty).filter(|_| sig.asyncness.is_none()) {
        Some(output) => Some((output, true)),
        None => Some((ty, false)),
    }
}

/// Well-known types that are never a `Result`; any other path may be an alias of one.
const NOT_RESULT: &[&str] = &[
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64",
    "i128", "isize", "f32", "f64", "String", "Vec", "Option", "Box", "Rc", "Arc", "HashMap",
    "BTreeMap", "HashSet", "BTreeSet", "VecDeque", "Cow", "Pin",
];

/// Whether `ty` may be a `Result` (an alias included).
pub fn may_be_result(ty: &Type) -> bool {
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

/// Whether the function's output is named like a `Result`: a path whose last segment ends
/// in `Result` (`Result<T, E>`, `io::Result<T>`, `AppResult<T>`), or a future of one. An
/// `impl` block's `#[capture_errors]` applies to these methods only, so constructors
/// returning `Self` are left alone.
pub fn names_result(sig: &Signature) -> bool {
    let Some((Type::Path(path), _)) = produced(sig) else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|s| s.ident.to_string().ends_with("Result"))
}

/// Whether `output` is syntactically a `Result`, so `?` can be rewritten with `Ok`/`Err`.
pub fn is_result(output: &ReturnType) -> bool {
    let ReturnType::Type(_, ty) = output else {
        return false;
    };
    let Type::Path(path) = &**ty else {
        return false;
    };
    path.path
        .segments
        .last()
        .is_some_and(|s| s.ident == "Result")
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
    fn result_names() {
        let named = |sig: Signature| names_result(&sig);
        assert!(named(syn::parse_quote!(fn f() -> io::Result<()>)));
        assert!(named(syn::parse_quote!(fn f() -> AppResult<u8>)));
        assert!(named(syn::parse_quote!(async fn f() -> Result<u8, E>)));
        assert!(named(
            syn::parse_quote!(fn f() -> Pin<Box<dyn Future<Output = Result<u8, E>> + Send>>)
        ));
        assert!(!named(syn::parse_quote!(fn f() -> Self)));
        assert!(!named(syn::parse_quote!(fn f() -> Shop)));
        assert!(!named(syn::parse_quote!(fn f())));
    }
}
