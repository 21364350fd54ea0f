//! Recording the entries of `tags(...)` and `data(...)`: one statement each, under the
//! `#[cfg]` of the argument a shorthand entry names, so that an entry exists exactly when
//! its argument does.

use proc_macro2::{Ident, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::args::Field;

/// `#receiver.#method("key", &(value));` for each field.
pub fn record(receiver: &Ident, method: &str, fields: &[Field]) -> TokenStream {
    fields
        .iter()
        .map(|field| {
            let key = field.key_lit();
            let value = &field.value;
            let method = Ident::new(method, value.span());
            let call = quote_spanned! {value.span()=> #receiver.#method(#key, &(#value)); };
            under_cfg(field, call)
        })
        .collect()
}

/// `tokens` under the field's `#[cfg]`, and an error where the argument is compiled out.
pub fn under_cfg(field: &Field, tokens: TokenStream) -> TokenStream {
    if field.cfg.is_empty() {
        return tokens;
    }
    let cfg = &field.cfg;
    let Some(ident) = &field.shorthand else {
        return tokens;
    };
    let conditions: Vec<String> = cfg.iter().map(|c| format!("#[cfg({c})]")).collect();
    let message = format!(
        "`{ident}` is compiled out of this build by `{}` on its parameter, so it cannot be \
         recorded: remove it from the list, or record it under the same condition",
        conditions.join(" ")
    );
    let error = quote_spanned! {ident.span()=> ::core::compile_error!(#message); };
    quote! {
        #[cfg(all(#(#cfg),*))]
        #tokens
        #[cfg(not(all(#(#cfg),*)))]
        #error
    }
}
