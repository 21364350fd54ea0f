//! Which shape a function has, for the expansion: async, sync returning a future built by
//! an async block (async-trait, `-> impl Future`), or plain sync.

use syn::{Block, Expr, ItemFn, ReturnType, Stmt, Type};

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
}
