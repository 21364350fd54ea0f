//! 3.C: the ok-cases of fastrace's UI tests (`tests/ui/ok`), run instead of only compiled.

use std::task::{Context, Poll};
use std::time::Duration;

use super::*;

/// B1: a native async fn in a trait impl whose body is `unimplemented!()`, under
/// `#![deny(warnings)]` (the crate's): the return-type hint adds no unreachable-code warning.
mod b1 {
    use super::*;

    pub trait MyTrait {
        fn m(&self) -> impl Future<Output = usize> + Send;
        fn b(&self) -> impl Future<Output = usize> + Send;
    }

    pub struct MyStruct;

    impl MyTrait for MyStruct {
        #[monitored]
        async fn m(&self) -> usize {
            unimplemented!()
        }

        #[breadcrumb]
        async fn b(&self) -> usize {
            unimplemented!()
        }
    }
}

#[test]
fn b1_native_afit_unimplemented_body() {
    use b1::MyTrait;
    let (out, c) = run_async(async {
        let m = catch_panic(b1::MyStruct.m()).await;
        let b = catch_panic(b1::MyStruct.b()).await;
        (m.is_err(), b.is_err())
    });
    assert_eq!(out, (true, true), "both panicked");
    assert_child(
        &c,
        qualified!("b1::MyStruct" as "b1::MyTrait", "m"),
        "function",
        ERR,
    );
    assert_crumb(
        &c,
        qualified!("b1::MyStruct" as "b1::MyTrait", "b"),
        "function",
    );
}

/// B2/B4: a function whose `Ok` value is itself a boxed future built from inner async
/// blocks: the inner `Box::pin` is not the function's future.
#[allow(clippy::redundant_async_block)]
mod b2 {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer error")]
    pub struct OuterError;

    pub type MyFuture = BoxFuture<Result<u32, OuterError>>;

    fn build(fail: bool) -> Result<MyFuture, OuterError> {
        if fail {
            return Err(OuterError);
        }
        let inner = async { Ok::<u32, OuterError>(41) };
        let mapped = async move { inner.await.map(|v| v + 1) };
        Ok(Box::pin(mapped))
    }

    #[async_trait::async_trait]
    pub trait Factory {
        async fn m(&self, fail: bool) -> Result<MyFuture, OuterError>;
        async fn b(&self, fail: bool) -> Result<MyFuture, OuterError>;
        async fn c(&self, fail: bool) -> Result<MyFuture, OuterError>;
    }

    pub struct Impl;

    #[async_trait::async_trait]
    impl Factory for Impl {
        #[monitored]
        async fn m(&self, fail: bool) -> Result<MyFuture, OuterError> {
            let future = build(fail)?;
            Ok(Box::pin(async move { future.await }))
        }

        #[breadcrumb]
        async fn b(&self, fail: bool) -> Result<MyFuture, OuterError> {
            let future = build(fail)?;
            Ok(Box::pin(async move { future.await }))
        }

        #[capture_errors]
        async fn c(&self, fail: bool) -> Result<MyFuture, OuterError> {
            let future = build(fail)?;
            Ok(Box::pin(async move { future.await }))
        }
    }

    // B4: the same as free functions.
    #[monitored]
    pub async fn free_m(fail: bool) -> Result<MyFuture, OuterError> {
        let future = build(fail)?;
        Ok(Box::pin(async move { future.await }))
    }

    #[breadcrumb]
    pub async fn free_b(fail: bool) -> Result<MyFuture, OuterError> {
        let future = build(fail)?;
        Ok(Box::pin(async move { future.await }))
    }

    #[capture_errors]
    pub async fn free_c(fail: bool) -> Result<MyFuture, OuterError> {
        let future = build(fail)?;
        Ok(Box::pin(async move { future.await }))
    }
}

#[test]
fn b2_async_trait_returns_boxed_future_in_result() {
    use b2::Factory;
    let (out, c) = run_async(async {
        let ok = b2::Impl.m(false).await.expect("a future").await.ok();
        let ok_b = b2::Impl.b(false).await.expect("a future").await.ok();
        let ok_c = b2::Impl.c(false).await.expect("a future").await.ok();
        let err = b2::Impl.c(true).await.is_err();
        (ok, ok_b, ok_c, err)
    });
    assert_eq!(out, (Some(42), Some(42), Some(42), true));
    check(
        &c,
        qualified!("b2::Impl" as "b2::Factory", "m"),
        qualified!("b2::Impl" as "b2::Factory", "b"),
    );
    let event = assert_one_error(
        &c,
        qualified!("b2::Impl" as "b2::Factory", "c"),
        "OuterError",
    );
    assert_eq!(exception_values(event), ["outer error"]);
}

#[test]
fn b4_free_async_fn_returns_boxed_future_in_result() {
    let (out, c) = run_async(async {
        let ok = b2::free_m(false).await.expect("a future").await.ok();
        let ok_b = b2::free_b(false).await.expect("a future").await.ok();
        let err_m = b2::free_m(true).await.is_err();
        let err_c = b2::free_c(true).await.is_err();
        (ok, ok_b, err_m, err_c)
    });
    assert_eq!(out, (Some(42), Some(42), true, true));
    let tx = c.transaction(ROOT);
    let statuses: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == here!("b2::free_m"))
        .map(|s| (s.status, s.parent_span_id))
        .collect();
    let root = Some(tx.root().span_id);
    assert_eq!(statuses, [(Some(SpanStatus::Ok), root), (Some(ERR), root)]);
    assert_crumb(&c, here!("b2::free_b"), "function");
    assert_one_error(&c, here!("b2::free_c"), "OuterError");
}

/// B3: stacked with another attribute macro, `#[tracing::instrument]`, in both orders,
/// under async-trait.
mod b3 {
    use super::*;

    #[async_trait::async_trait]
    pub trait Work {
        async fn m_outer(&self, v: u32) -> u32;
        async fn m_inner(&self, v: u32) -> u32;
        async fn b_outer(&self, v: u32) -> u32;
    }

    pub struct Impl;

    #[async_trait::async_trait]
    impl Work for Impl {
        #[monitored]
        #[tracing::instrument(skip(self))]
        async fn m_outer(&self, v: u32) -> u32 {
            tokio::task::yield_now().await;
            v + 1
        }

        #[tracing::instrument(skip(self))]
        #[monitored]
        async fn m_inner(&self, v: u32) -> u32 {
            tokio::task::yield_now().await;
            v + 2
        }

        #[tracing::instrument(skip(self))]
        #[breadcrumb]
        async fn b_outer(&self, v: u32) -> u32 {
            v + 3
        }
    }
}

#[test]
fn b3_stacked_with_tracing_instrument_under_async_trait() {
    use b3::Work;
    let (out, c) = run_async(async {
        (
            b3::Impl.m_outer(1).await,
            b3::Impl.m_inner(1).await,
            b3::Impl.b_outer(1).await,
        )
    });
    assert_eq!(out, (2, 3, 4));
    assert_ok_child(&c, qualified!("b3::Impl" as "b3::Work", "m_outer"));
    check(
        &c,
        qualified!("b3::Impl" as "b3::Work", "m_inner"),
        qualified!("b3::Impl" as "b3::Work", "b_outer"),
    );
}

/// B5: `crate = path` naming the runtime through a re-export.
mod b5 {
    pub mod reexport {
        pub use ::monitor_runtime as rt;
    }

    #[::monitor_runtime::monitored(crate = self::reexport::rt)]
    pub fn m() {}

    #[::monitor_runtime::breadcrumb(crate = crate::catalogue_c::b5::reexport::rt)]
    pub fn b() {}

    #[::monitor_runtime::capture_errors(crate = self::reexport::rt)]
    pub fn c() -> Result<(), String> {
        Err("b5".into())
    }
}

#[test]
fn b5_crate_path_through_reexport() {
    let (_, c) = run(|| {
        b5::m();
        b5::b();
        b5::c()
    });
    check(&c, here!("b5::m"), here!("b5::b"));
    assert_one_error(&c, here!("b5::c"), "String");
}

/// B6: fastrace's `enter_on_poll` (a span per poll) has no equivalent; the async fn is
/// monitored as a child span only (`span`).
mod b6 {
    use super::*;

    #[monitored(span)]
    pub async fn m() -> u32 {
        tokio::task::yield_now().await;
        6
    }

    #[breadcrumb]
    pub async fn b() -> u32 {
        6
    }
}

#[test]
fn b6_child_span_only_async() {
    let (out, c) = run_async(async { b6::m().await + b6::b().await });
    assert_eq!(out, 12);
    check(&c, here!("b6::m"), here!("b6::b"));
    // Without a current span, `span` records nothing.
    let (out, c) = monitor_runtime::testing::capture_async(b6::m());
    assert_eq!(out, 6);
    assert!(c.transactions().is_empty());
}

mod b7 {
    use super::*;

    #[monitored(name = "Name")]
    pub async fn m() {}

    #[breadcrumb(message = "Name")]
    pub async fn b() {}
}

#[test]
fn b7_explicit_name_async() {
    let ((), c) = run_async(async {
        b7::m().await;
        b7::b().await;
    });
    check(&c, "Name", "Name");
}

mod b8 {
    use super::*;

    #[monitored]
    pub async fn m(mut a: u32) -> u32 {
        a += 1;
        a
    }

    #[breadcrumb]
    pub async fn b(mut a: u32) -> u32 {
        a += 2;
        a
    }
}

#[test]
fn b8_async_mut_param() {
    let (out, c) = run_async(async { (b8::m(1).await, b8::b(1).await) });
    assert_eq!(out, (2, 3));
    check(&c, here!("b8::m"), here!("b8::b"));
}

mod b9 {
    use super::*;

    #[allow(unused_braces)]
    #[monitored]
    pub fn m(a: u32) -> u32 {
        a
    }

    #[allow(unused_braces)]
    #[breadcrumb]
    pub fn b(a: u32) -> u32 {
        a
    }
}

#[test]
fn b9_allow_unused_braces() {
    let (out, c) = run(|| (b9::m(9), b9::b(9)));
    assert_eq!(out, (9, 9));
    check(&c, here!("b9::m"), here!("b9::b"));
}

/// B10: options read arguments by reference and one that the body moves and drops: they
/// are evaluated before the body runs.
mod b10 {
    use super::*;

    pub struct Bar(pub i64);

    #[allow(clippy::drop_non_drop)]
    #[monitored(data(a, b = b.0, c = c.0))]
    pub fn m(a: i64, b: &Bar, c: Bar) {
        let _ = (a, b);
        drop(c);
    }

    #[allow(clippy::drop_non_drop)]
    #[breadcrumb(data(a, b = b.0, c = c.0))]
    pub fn b(a: i64, b: &Bar, c: Bar) {
        let _ = (a, b);
        drop(c);
    }
}

#[test]
fn b10_data_of_moved_param_before_body() {
    use b10::Bar;
    let ((), c) = run(|| {
        b10::m(1, &Bar(2), Bar(3));
        b10::b(4, &Bar(5), Bar(6));
    });
    let span = assert_ok_child(&c, here!("b10::m"));
    assert_eq!(span.data.get("a"), Some(&1.into()));
    assert_eq!(span.data.get("b"), Some(&2.into()));
    assert_eq!(span.data.get("c"), Some(&3.into()));
    let crumb = assert_crumb(&c, here!("b10::b"), "function");
    assert_eq!(crumb.data.get("c"), Some(&6.into()));
}

/// B11: an async fn returning `impl Stream` (fastrace's uses `async_stream::stream!`; a
/// hand-written stream here, same shape).
mod b11 {
    use super::*;
    use futures_core::Stream;

    pub struct Count(pub i64, pub i64);

    impl Stream for Count {
        type Item = i64;

        fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<i64>> {
            if self.0 >= self.1 {
                return Poll::Ready(None);
            }
            self.0 += 1;
            Poll::Ready(Some(self.0))
        }
    }

    #[monitored]
    pub async fn m() -> impl Stream<Item = i64> {
        Count(0, 3)
    }

    #[breadcrumb]
    pub async fn b() -> impl Stream<Item = i64> {
        Count(0, 2)
    }

    pub async fn collect(stream: impl Stream<Item = i64>) -> Vec<i64> {
        let mut stream = std::pin::pin!(stream);
        let mut out = Vec::new();
        while let Some(v) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            out.push(v);
        }
        out
    }
}

#[test]
fn b11_async_fn_returns_impl_stream() {
    let (out, c) = run_async(async {
        (
            b11::collect(b11::m().await).await,
            b11::collect(b11::b().await).await,
        )
    });
    assert_eq!(out, (vec![1, 2, 3], vec![1, 2]));
    check(&c, here!("b11::m"), here!("b11::b"));
}

mod b12 {
    use super::*;

    #[monitored]
    pub fn m(mut i: u32) {
        i -= 1;
        if i > 0 {
            m(i);
        }
    }

    #[breadcrumb(message = "b({i})")]
    pub fn b(mut i: u32) {
        i -= 1;
        if i > 0 {
            b(i);
        }
    }
}

#[test]
fn b12_recursion() {
    let ((), c) = run(|| {
        b12::m(3);
        b12::b(3);
    });
    let tx = c.transaction(ROOT);
    let outer = tx.children_of(tx.root().span_id);
    assert_eq!(outer.len(), 1, "{}", tx.tree());
    let outer = &outer[0];
    assert_eq!(outer.name, here!("b12::m"));
    assert_eq!(outer.status, Some(SpanStatus::Ok));
    let middle = tx.children_of(outer.span_id);
    assert_eq!(middle.len(), 1, "{}", tx.tree());
    let inner = tx.children_of(middle[0].span_id);
    assert_eq!(inner.len(), 1, "{}", tx.tree());
    assert!(tx.children_of(inner[0].span_id).is_empty());
    assert_eq!(tx.spans().len(), 3);
    assert_eq!(crumb_messages(end_event(&c)), ["b(3)", "b(2)", "b(1)"]);
}

/// B13: references held across awaits, in async-trait methods with and without a receiver.
mod b13 {
    use super::*;

    #[async_trait::async_trait]
    pub trait Run {
        async fn m(&self, millis: &u64) -> u64;
        async fn b(&self, millis: &u64) -> u64;
        async fn work3_m(millis1: &u64, millis2: &u64) -> u64;
        async fn work3_b(millis1: &u64, millis2: &u64) -> u64;
    }

    pub struct Impl;

    #[async_trait::async_trait]
    impl Run for Impl {
        #[monitored(data(millis = *millis))]
        async fn m(&self, millis: &u64) -> u64 {
            tokio::time::sleep(Duration::from_millis(*millis)).await;
            *millis
        }

        #[breadcrumb(data(millis = *millis))]
        async fn b(&self, millis: &u64) -> u64 {
            tokio::time::sleep(Duration::from_millis(*millis)).await;
            *millis
        }

        #[monitored]
        async fn work3_m(millis1: &u64, millis2: &u64) -> u64 {
            tokio::time::sleep(Duration::from_millis(*millis1)).await;
            tokio::time::sleep(Duration::from_millis(*millis2)).await;
            millis1 + millis2
        }

        #[breadcrumb]
        async fn work3_b(millis1: &u64, millis2: &u64) -> u64 {
            tokio::time::sleep(Duration::from_millis(*millis1)).await;
            millis1 + millis2
        }
    }
}

#[test]
fn b13_async_trait_refs_across_awaits() {
    use b13::Run;
    let (out, c) = run_async(async {
        (
            b13::Impl.m(&2).await,
            b13::Impl.b(&1).await,
            b13::Impl::work3_m(&1, &2).await,
            b13::Impl::work3_b(&1, &1).await,
        )
    });
    assert_eq!(out, (2, 1, 3, 2));
    let span = assert_ok_child(&c, qualified!("b13::Impl" as "b13::Run", "m"));
    assert_eq!(span.data.get("millis"), Some(&2.into()));
    check(
        &c,
        qualified!("b13::Impl" as "b13::Run", "work3_m"),
        qualified!("b13::Impl" as "b13::Run", "work3_b"),
    );
    assert_crumb(&c, qualified!("b13::Impl" as "b13::Run", "b"), "function");
}
