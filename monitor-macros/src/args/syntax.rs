//! The generic syntax of options, before any key is interpreted: `key`, `key = value`,
//! `key(...)`, and the entries of `tags(...)`/`data(...)`.

use proc_macro2::{Span, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token};

use crate::diag::Errors;

/// One option as written: `key`, `key = value` or `key(...)`.
pub struct RawOption {
    pub key: Ident,
    pub value: RawValue,
}

pub enum RawValue {
    Flag,
    Assign(Expr),
    /// The tokens inside the parentheses, and the span of the parentheses.
    List(TokenStream, Span),
}

impl Parse for RawOption {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `crate` is a keyword; `parse_any` accepts it as the key of `crate = path`.
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            RawValue::Assign(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            let content;
            let paren = syn::parenthesized!(content in input);
            RawValue::List(content.parse()?, paren.span.join())
        } else {
            RawValue::Flag
        };
        Ok(RawOption { key, value })
    }
}

/// Parses `a, b = 1, c(...)`; a syntax error is reported and gives no options.
pub fn options(tokens: TokenStream, errors: &mut Errors) -> Vec<RawOption> {
    match Punctuated::<RawOption, Token![,]>::parse_terminated.parse2(tokens) {
        Ok(options) => options.into_iter().collect(),
        Err(e) => {
            errors.push(e);
            Vec::new()
        }
    }
}

/// A `tags(...)`/`data(...)` entry: `ident` (shorthand for an argument) or `key = expr`.
#[derive(Clone)]
pub struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Expr,
    /// Set for the shorthand form, which must name a function argument.
    pub shorthand: Option<Ident>,
    /// The `#[cfg(...)]` predicates of the argument a shorthand names: the entry exists
    /// under the same conditions as the argument. Filled in by `validate`.
    pub cfg: Vec<TokenStream>,
}

impl Field {
    /// The key as a string literal, for generated code.
    pub fn key_lit(&self) -> LitStr {
        LitStr::new(&self.key, self.key_span)
    }
}

impl Parse for Field {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let (key, key_span) = if input.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            (lit.value(), lit.span())
        } else {
            let ident = Ident::parse_any(input)?;
            if !input.peek(Token![=]) {
                if !input.is_empty() && !input.peek(Token![,]) {
                    // `tags(op: "deploy")`, `data(rows.len())`.
                    return Err(input.error(format!(
                        "expected `,` or `=` after `{ident}`: each entry is an argument name, \
                         or `key = expression`"
                    )));
                }
                let value: Expr = syn::parse_quote_spanned!(ident.span()=> #ident);
                return Ok(Field {
                    key: ident.unraw().to_string(),
                    key_span: ident.span(),
                    value,
                    shorthand: Some(ident),
                    cfg: Vec::new(),
                });
            }
            (ident.unraw().to_string(), ident.span())
        };
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(Field {
            key,
            key_span,
            value,
            shorthand: None,
            cfg: Vec::new(),
        })
    }
}
