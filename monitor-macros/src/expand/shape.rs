//! Which shape a function has, for the expansion: async, sync returning a future built by
//! an async block (async-trait, `-> impl Future`), or plain sync.

use syn::{
    Block, Expr, GenericArgument, ItemFn, PathArguments, ReturnType, Stmt, Type, TypeParamBound,
};

/// How the function's work runs.
pub enum Shape {
    /// `async fn`.
    AsyncFn,
    /// A sync fn whose last statement builds the future: `async {…}` (`-> impl Future`),
    /// or `Box::pin(async move {…})` (async-trait, hand-written boxed futures).
    AsyncTail(TailKind),
    /// A sync fn that diverges: `-> !`.
    Never,
    /// Any other sync fn.
    Sync,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TailKind {
    Block,
    BoxPin,
}

pub fn of(function: &ItemFn) -> Shape {
    if function.sig.asyncness.is_some() {
        return Shape::AsyncFn;
    }
    if matches!(&function.sig.output, ReturnType::Type(_, ty) if matches!(**ty, Type::Never(_))) {
        return Shape::Never;
    }
    match async_tail(&function.block) {
        Some(kind) => Shape::AsyncTail(kind),
        None => Shape::Sync,
    }
}

/// Finds an async tail the way tracing's `AsyncInfo` does: only the last statement, and
/// only an async block or a call of a path ending in `Box::pin` whose single argument is
/// an async block. An inner `Box::pin` elsewhere in the body is not the function's future.
pub fn async_tail(block: &Block) -> Option<TailKind> {
    let Some(Stmt::Expr(expr, None)) = block.stmts.last() else {
        return None;
    };
    tail_kind(expr)
}

fn tail_kind(expr: &Expr) -> Option<TailKind> {
    match expr {
        Expr::Async(_) => Some(TailKind::Block),
        Expr::Call(call) => {
            let Expr::Path(path) = &*call.func else {
                return None;
            };
            let segments: Vec<String> = path
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let is_box_pin = segments.len() >= 2
                && segments[segments.len() - 2] == "Box"
                && segments[segments.len() - 1] == "pin";
            let single_async =
                call.args.len() == 1 && matches!(call.args.first(), Some(Expr::Async(_)));
            (is_box_pin && single_async).then_some(TailKind::BoxPin)
        }
        Expr::Paren(p) => tail_kind(&p.expr),
        Expr::Group(g) => tail_kind(&g.expr),
        _ => None,
    }
}

/// The `Output` of the future a function returns, when its return type names it:
/// `impl Future<Output = T> + Send` or `Pin<Box<dyn Future<Output = T> + Send + 'a>>`
/// (what async-trait writes). `None` for anything else, such as an alias.
pub fn future_output(output: &ReturnType) -> Option<Type> {
    let ReturnType::Type(_, ty) = output else {
        return None;
    };
    output_of(ty)
}

fn output_of(ty: &Type) -> Option<Type> {
    match ty {
        Type::ImplTrait(t) => output_in_bounds(t.bounds.iter()),
        Type::TraitObject(t) => output_in_bounds(t.bounds.iter()),
        Type::Paren(t) => output_of(&t.elem),
        Type::Group(t) => output_of(&t.elem),
        Type::Path(path) if path.qself.is_none() => {
            // `Pin<Box<…>>`: look through the single type argument of `Pin` and `Box`.
            let last = path.path.segments.last()?;
            if last.ident != "Pin" && last.ident != "Box" {
                return None;
            }
            let PathArguments::AngleBracketed(args) = &last.arguments else {
                return None;
            };
            args.args.iter().find_map(|arg| match arg {
                GenericArgument::Type(inner) => output_of(inner),
                _ => None,
            })
        }
        _ => None,
    }
}

fn output_in_bounds<'a>(bounds: impl Iterator<Item = &'a TypeParamBound>) -> Option<Type> {
    bounds.into_iter().find_map(|bound| {
        let TypeParamBound::Trait(bound) = bound else {
            return None;
        };
        let last = bound.path.segments.last()?;
        if last.ident != "Future" {
            return None;
        }
        let PathArguments::AngleBracketed(args) = &last.arguments else {
            return None;
        };
        args.args.iter().find_map(|arg| match arg {
            GenericArgument::AssocType(assoc) if assoc.ident == "Output" => Some(assoc.ty.clone()),
            _ => None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(f: ItemFn) -> &'static str {
        match of(&f) {
            Shape::AsyncFn => "async",
            Shape::AsyncTail(TailKind::Block) => "block",
            Shape::AsyncTail(TailKind::BoxPin) => "box_pin",
            Shape::Never => "never",
            Shape::Sync => "sync",
        }
    }

    #[test]
    fn shapes() {
        assert_eq!(
            shape(syn::parse_quote!(
                async fn f() {}
            )),
            "async"
        );
        assert_eq!(
            shape(syn::parse_quote!(
                fn f() -> ! {
                    loop {}
                }
            )),
            "never"
        );
        assert_eq!(
            shape(syn::parse_quote!(
                fn f() -> impl Future<Output = ()> {
                    async {}
                }
            )),
            "block"
        );
        assert_eq!(
            shape(syn::parse_quote!(
                fn f(&self) -> Pin<Box<dyn Future<Output = ()>>> {
                    let v = self.v.clone();
                    Box::pin(async move { drop(v) })
                }
            )),
            "box_pin"
        );
        // B2: a future returned inside a Result is not the function's future.
        assert_eq!(
            shape(syn::parse_quote!(
                fn f() -> Result<MyFuture, E> {
                    let inner = Box::pin(async {});
                    Ok(inner)
                }
            )),
            "sync"
        );
        assert_eq!(
            shape(syn::parse_quote!(
                fn f() -> u8 {
                    1
                }
            )),
            "sync"
        );
    }

    #[test]
    fn future_outputs() {
        let output =
            |f: ItemFn| future_output(&f.sig.output).map(|t| quote::quote!(#t).to_string());
        assert_eq!(
            output(syn::parse_quote!(
                fn f() -> impl Future<Output = Result<(), E>> + Send {
                    async {}
                }
            )),
            Some(quote::quote!(Result<(), E>).to_string())
        );
        assert_eq!(
            output(syn::parse_quote!(
                fn f<'a>(&'a self) -> Pin<Box<dyn core::future::Future<Output = u8> + Send + 'a>> {
                    todo!()
                }
            )),
            Some("u8".to_owned())
        );
        assert_eq!(
            output(syn::parse_quote!(
                fn f() -> BoxFuture<'static, u8> {
                    todo!()
                }
            )),
            None
        );
        assert_eq!(
            output(syn::parse_quote!(
                fn f() -> u8 {
                    1
                }
            )),
            None
        );
    }
}
