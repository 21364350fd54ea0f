//! Checks that need the function as well as the options.

use syn::spanned::Spanned;
use syn::{FnArg, ItemFn, Pat, ReturnType, Type};

use crate::args::Field;
use crate::diag::Errors;
use crate::expand::shape::{self, Shape};
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
        check_result_return(function, errors);
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
///
/// A function returning the future its last statement builds (async-trait methods,
/// `-> impl Future<Output = Result<…>>`) is checked on the future's `Output`.
fn check_result_return(function: &ItemFn, errors: &mut Errors) {
    let sig = &function.sig;
    let message = "`#[capture_errors]` requires a function returning `Result<_, _>` \
                   (aliases such as `io::Result<T>` are accepted)";
    if let Shape::AsyncTail(_) = shape::of(function) {
        match shape::future_output(&sig.output) {
            Some(output) if !may_be_result(&output) => {
                errors.push(syn::Error::new(
                    output.span(),
                    format!("{message}; this future's output is not one"),
                ));
            }
            // A `Result`, or a future type the macro cannot see into: the expansion's
            // trait bound checks it.
            _ => {}
        }
        return;
    }
    match &sig.output {
        ReturnType::Default => errors.push(syn::Error::new(
            sig.paren_token.span.close(),
            format!("{message}; this function returns `()`"),
        )),
        ReturnType::Type(_, ty) => {
            if !may_be_result(ty) {
                errors.push(syn::Error::new(ty.span(), message));
            }
        }
    }
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
    fn destructured_arguments_are_flattened() {
        let f: ItemFn = syn::parse_quote! {
            fn f(&self, (a, b): (u8, u8), Foo { bar: c, .. }: Foo, #[cfg(any())] hidden: u8, mut d: u8) {}
        };
        assert_eq!(argument_names(&f), ["self", "a", "b", "c", "d"]);
    }
}
