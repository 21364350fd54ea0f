//! What is emitted when the macro's input is wrong: the item as the user wrote it (minus
//! the toolkit's attributes), plus one `compile_error!` per problem. The function still
//! exists, so its callers do not add a cascade of "cannot find function" errors.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};

use crate::diag::Errors;

pub fn expand(item: impl ToTokens, errors: &Errors) -> TokenStream {
    let errors = errors.to_compile_errors();
    quote! {
        #errors
        #item
    }
}
