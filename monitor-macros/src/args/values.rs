//! Reading one option's value: a flag, a string, a path, a number, a level, a list of
//! fields. Each reader reports a wrong value on the value's own tokens and returns what it
//! could understand.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Lit, LitStr, Path, Token};

use super::Level;
use super::keys::{Accepted, OptionKey};
use super::syntax::{Field, RawValue};
use crate::diag::Errors;

/// `key` with no value.
pub fn flag<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> bool {
    let key = option.name();
    match option.value {
        RawValue::Flag => {}
        RawValue::Assign(expr) => {
            let naming = matches!(key, "transaction" | "span") && is_str_lit(&expr);
            let hint = if naming {
                format!(", and `name = \"…\"` to name it: `#[monitored({key}, name = \"…\")]`")
            } else {
                String::new()
            };
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{key}` is a flag and takes no value: write `{key}`{hint}"),
            ));
        }
        RawValue::List(_, list_span) => errors.push(syn::Error::new(
            list_span,
            format!("`{key}` is a flag and takes no arguments: write `{key}`"),
        )),
    }
    true
}

fn is_str_lit(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(_),
            ..
        })
    )
}

/// `key = expression`.
pub fn expr<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<Expr> {
    match option.value {
        RawValue::Assign(expr) => Some(expr),
        _ => {
            let key = option.name();
            errors.push(syn::Error::new(
                option.span(),
                format!("`{key}` needs a value: `{key} = …`"),
            ));
            None
        }
    }
}

/// `key = "text"`, not empty.
pub fn string<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<LitStr> {
    let key = option.name();
    match expr(option, errors)? {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => {
            if lit.value().trim().is_empty() {
                errors.push(syn::Error::new(
                    lit.span(),
                    format!("`{key}` cannot be empty"),
                ));
                return None;
            }
            Some(lit)
        }
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!("`{key}` expects a string literal, such as `{key} = \"…\"`"),
            ));
            None
        }
    }
}

/// `crate = path`.
pub fn path<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<Path> {
    match expr(option, errors)? {
        Expr::Path(path) if path.qself.is_none() => Some(path.path),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "`crate` expects a path to the runtime crate, such as `crate = my_reexport::monitor`",
            ));
            None
        }
    }
}

/// `sample_rate = 0.25`: a number from 0 to 1.
pub fn rate<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<f64> {
    let expr = expr(option, errors)?;
    let Some(rate) = number(&expr) else {
        errors.push(syn::Error::new_spanned(
            expr,
            "`sample_rate` expects a number literal from 0.0 to 1.0, such as `sample_rate = 0.25`",
        ));
        return None;
    };
    if (0.0..=1.0).contains(&rate) {
        Some(rate)
    } else {
        errors.push(syn::Error::new_spanned(
            &expr,
            format!(
                "`sample_rate` must be from 0.0 to 1.0, found {}",
                written(&expr)
            ),
        ));
        None
    }
}

/// `key = 99.9`: a percentage strictly between 0 and 100.
pub fn percentage<K: OptionKey>(
    option: Accepted<K>,
    example: &str,
    errors: &mut Errors,
) -> Option<f64> {
    let key = option.name();
    let expr = expr(option, errors)?;
    match number(&expr) {
        Some(value) if value > 0.0 && value < 100.0 => Some(value),
        Some(_) => {
            errors.push(syn::Error::new_spanned(
                &expr,
                format!(
                    "`{key}` is a percentage above 0 and below 100, such as `{key} = {example}`; found {}",
                    written(&expr)
                ),
            ));
            None
        }
        None => {
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{key}` expects a number literal, such as `{key} = {example}`"),
            ));
            None
        }
    }
}

/// `key = 30`: a whole number that fits a `u64`; a number too large is an error, not
/// dropped.
pub fn whole_number<K: OptionKey>(
    option: Accepted<K>,
    unit: &str,
    errors: &mut Errors,
) -> Option<u64> {
    let key = option.name();
    match expr(option, errors)? {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(int), ..
        }) if int.suffix().is_empty() || int.suffix() == "u64" => match int.base10_parse::<u64>() {
            Ok(value) => Some(value),
            Err(_) => {
                errors.push(syn::Error::new(
                    int.span(),
                    format!(
                        "`{key}` is too large: at most {} {unit}, found {}",
                        u64::MAX,
                        int.base10_digits()
                    ),
                ));
                None
            }
        },
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!("`{key}` expects a whole number of {unit}, such as `{key} = 5`"),
            ));
            None
        }
    }
}

/// The value of a number literal, negative ones included.
pub fn number(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Float(f), ..
        }) => f.base10_parse::<f64>().ok(),
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<f64>().ok(),
        Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => number(expr).map(|n| -n),
        _ => None,
    }
}

/// An expression as the user wrote it, for messages: `-0.5`, not `- 0.5`.
pub fn written(expr: &Expr) -> String {
    expr.to_token_stream().to_string().replace(' ', "")
}

const LEVELS: &str = "debug, info, warning, error, fatal";

/// `level = "warning"`.
pub fn level<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Option<Level> {
    let lit = match expr(option, errors)? {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(lit), ..
        }) => lit,
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                format!(
                    "`level` expects a string literal, one of: {LEVELS}; such as `level = \"warning\"`"
                ),
            ));
            return None;
        }
    };
    let level = match lit.value().to_ascii_lowercase().as_str() {
        "debug" => Level::Debug,
        "info" => Level::Info,
        "warning" | "warn" => Level::Warning,
        "error" => Level::Error,
        "fatal" => Level::Fatal,
        _ => {
            errors.push(syn::Error::new(
                lit.span(),
                format!("unknown level `{}`; expected one of: {LEVELS}", lit.value()),
            ));
            return None;
        }
    };
    Some(level)
}

/// `key(name, other = expression)`: the entries, each key once.
pub fn fields<K: OptionKey>(option: Accepted<K>, errors: &mut Errors) -> Vec<Field> {
    let key = option.name();
    let RawValue::List(tokens, _) = option.value else {
        errors.push(syn::Error::new(
            option.span(),
            format!("`{key}` expects a list: `{key}(name, key = expression)`"),
        ));
        return Vec::new();
    };
    let fields = match Punctuated::<Field, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(fields) => fields,
        Err(e) => {
            errors.push(e);
            return Vec::new();
        }
    };
    let mut out: Vec<Field> = Vec::new();
    for field in fields {
        if out.iter().any(|f| f.key == field.key) {
            errors.push(syn::Error::new(
                field.key_span,
                format!("duplicate key `{}` in `{key}(...)`", field.key),
            ));
            continue;
        }
        out.push(field);
    }
    out
}

/// `key(word)` where `word` is one of `choices`; `key` alone is `None`.
pub fn word<K: OptionKey>(
    option: Accepted<K>,
    choices: &[&'static str],
    errors: &mut Errors,
) -> Result<Option<&'static str>, ()> {
    let key = option.name();
    let expected = choices
        .iter()
        .map(|c| format!("`{key}({c})`"))
        .collect::<Vec<_>>()
        .join(" or ");
    match option.value {
        RawValue::Flag => Ok(None),
        RawValue::List(tokens, span) => {
            let word = syn::parse2::<Ident>(tokens.clone()).ok();
            let found = word
                .as_ref()
                .and_then(|w| choices.iter().find(|c| w == *c).copied());
            match (found, word) {
                (Some(found), _) => Ok(Some(found)),
                (None, word) => {
                    let at = word.map_or(span, |w| w.span());
                    let written = tokens.to_string();
                    errors.push(syn::Error::new(
                        at,
                        format!(
                            "unknown format `{written}` for `{key}`; write `{key}`, {expected}"
                        ),
                    ));
                    Err(())
                }
            }
        }
        RawValue::Assign(expr) => {
            errors.push(syn::Error::new_spanned(
                expr,
                format!("`{key}` takes no value; write `{key}`, {expected}"),
            ));
            Err(())
        }
    }
}

/// Tokens for `Some(text)` / `None`.
pub fn option_tokens(value: Option<impl ToTokens>) -> TokenStream {
    match value {
        Some(value) => quote::quote!(::core::option::Option::Some(#value)),
        None => quote::quote!(::core::option::Option::None),
    }
}
