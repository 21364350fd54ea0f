//! 3.A: every instrumented item of tracing-attributes' tests (`async_fn.rs`,
//! `dead_code.rs`, `destructuring.rs`, `err.rs`, `fields.rs`, `follows_from.rs`,
//! `instrument.rs`, `levels.rs`, `names.rs`, `parents.rs`, `targets.rs`, `ret.rs`, UI pass).

use std::convert::Infallible;
use std::num::TryFromIntError;
use std::sync::Arc;

use super::*;

// ---------------------------------------------------------------------------------------
// async_fn.rs

mod a1 {
    use super::*;

    async fn work(polls: usize, label: &str) -> Result<(), ()> {
        for _ in 0..polls {
            tokio::task::yield_now().await;
        }
        probe_event(label);
        Ok(())
    }

    #[monitored]
    pub async fn m(polls: usize) -> Result<(), ()> {
        work(polls, "a1 inside m").await
    }

    #[breadcrumb]
    pub async fn b(polls: usize) -> Result<(), ()> {
        work(polls, "a1 inside b").await
    }

    #[capture_errors]
    pub async fn c(polls: usize) -> Result<(), ()> {
        work(polls, "a1 inside c").await
    }
}

#[test]
fn a1_async_fn_polls() {
    let (out, c) = run_async(async { (a1::m(5).await, a1::b(5).await, a1::c(5).await) });
    assert_eq!(out, (Ok(()), Ok(()), Ok(())));
    let span = assert_ok_child(&c, here!("a1::m"));
    // Entered on every poll: an event captured after five yields (and likely a move to
    // another worker) is still linked to the span.
    assert_eq!(span_of_event(&c, "a1 inside m"), span.span_id);
    let root = c.transaction(ROOT).root().span_id;
    assert_eq!(span_of_event(&c, "a1 inside b"), root);
    assert_eq!(span_of_event(&c, "a1 inside c"), root);
    assert_crumb(&c, here!("a1::b"), "function");
    assert_no_errors(&c);
}

mod a2 {
    use super::*;

    #[monitored]
    pub async fn m(n: i32) -> Result<impl Iterator<Item = i32>, ()> {
        Ok((0..10).filter(move |x| *x < n))
    }

    #[breadcrumb]
    pub async fn b(n: i32) -> Result<impl Iterator<Item = i32>, ()> {
        Ok((0..10).filter(move |x| *x < n))
    }

    #[capture_errors]
    pub async fn c(n: i32) -> Result<impl Iterator<Item = i32>, ()> {
        Ok((0..10).filter(move |x| *x < n))
    }
}

#[test]
fn a2_async_ret_impl_trait_in_result() {
    let (out, c) = run_async(async {
        let m: Vec<i32> = a2::m(3).await.into_iter().flatten().collect();
        let b: Vec<i32> = a2::b(2).await.into_iter().flatten().collect();
        let c: Vec<i32> = a2::c(1).await.into_iter().flatten().collect();
        (m, b, c)
    });
    assert_eq!(out, (vec![0, 1, 2], vec![0, 1], vec![0]));
    check(&c, here!("a2::m"), here!("a2::b"));
    assert_no_errors(&c);
}

mod a3 {
    use super::*;

    #[monitored]
    pub async fn m(n: i32) -> Result<impl Iterator<Item = i32>, &'static str> {
        Err::<std::ops::Range<i32>, _>("oh no")?;
        Ok((0..10).filter(move |x| *x < n))
    }

    #[breadcrumb]
    pub async fn b(n: i32) -> Result<impl Iterator<Item = i32>, &'static str> {
        Err::<std::ops::Range<i32>, _>("oh no")?;
        Ok((0..10).filter(move |x| *x < n))
    }

    #[capture_errors]
    pub async fn c(n: i32) -> Result<impl Iterator<Item = i32>, &'static str> {
        Err::<std::ops::Range<i32>, _>("oh no")?;
        Ok((0..10).filter(move |x| *x < n))
    }
}

#[test]
fn a3_async_ret_impl_trait_err() {
    let (out, c) = run_async(async {
        (
            a3::m(1).await.is_err(),
            a3::b(1).await.is_err(),
            a3::c(1).await.is_err(),
        )
    });
    assert_eq!(out, (true, true, true));
    assert_child(&c, here!("a3::m"), "function", ERR);
    assert_crumb(&c, here!("a3::b"), "function");
    let event = assert_one_error(&c, here!("a3::c"), "&str");
    assert_eq!(exception_values(event), ["oh no"]);
}

mod a4 {
    use super::*;

    #[monitored]
    pub async fn m() {}

    #[breadcrumb]
    pub async fn b() {}
}

#[test]
fn a4_async_fn_empty() {
    let ((), c) = run_async(async {
        a4::m().await;
        a4::b().await;
    });
    check(&c, here!("a4::m"), here!("a4::b"));
}

mod a5 {
    use super::*;

    /// # Safety
    /// Nothing to uphold: the shape is the qualifier order.
    #[monitored]
    pub async unsafe fn m() {}

    /// # Safety
    /// Nothing to uphold.
    #[breadcrumb]
    pub async unsafe fn b() {}
}

#[test]
fn a5_async_unsafe_fn_empty() {
    let ((), c) = run_async(async {
        // SAFETY: the functions have no preconditions.
        unsafe {
            a5::m().await;
            a5::b().await;
        }
    });
    check(&c, here!("a5::m"), here!("a5::b"));
}

mod a6 {
    use super::*;

    #[deny(unused_variables)]
    #[monitored]
    pub async fn m() {
        #![allow(unused_variables)]
        let i = 42;
    }

    #[deny(unused_variables)]
    #[breadcrumb]
    pub async fn b() {
        #![allow(unused_variables)]
        let i = 42;
    }
}

#[test]
fn a6_async_inner_attribute_at_body_top() {
    let ((), c) = run_async(async {
        a6::m().await;
        a6::b().await;
    });
    check(&c, here!("a6::m"), here!("a6::b"));
}

mod a7 {
    use super::*;

    #[rustfmt::skip]
    #[deny(clippy::suspicious_else_formatting)]
    #[monitored]
    pub async fn m(var: bool) -> &'static str {
        if var { "true" } else { "false" }
    }

    #[rustfmt::skip]
    #[deny(clippy::suspicious_else_formatting)]
    #[breadcrumb]
    pub async fn b(var: bool) -> &'static str {
        if var { "true" } else { "false" }
    }
}

#[test]
fn a7_async_suspicious_else_formatting() {
    let (out, c) = run_async(async { (a7::m(true).await, a7::b(false).await) });
    assert_eq!(out, ("true", "false"));
    check(&c, here!("a7::m"), here!("a7::b"));
}

mod a8 {
    use super::*;

    #[deny(clippy::suspicious_else_formatting)]
    #[monitored]
    pub async fn m() {
        // else
    }

    #[deny(clippy::suspicious_else_formatting)]
    #[breadcrumb]
    pub async fn b() {
        // else
    }
}

#[test]
fn a8_async_comment_with_else() {
    let ((), c) = run_async(async {
        a8::m().await;
        a8::b().await;
    });
    check(&c, here!("a8::m"), here!("a8::b"));
}

mod a9 {
    use super::*;

    #[deny(unused_braces)]
    #[monitored]
    pub fn m() -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {})
    }

    #[deny(unused_braces)]
    #[breadcrumb]
    pub fn b() -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async move {})
    }
}

#[test]
fn a9_box_pin_async_move_tail_deny_unused_braces() {
    // Not `Send`: run on a current-thread runtime.
    let ((), c) = run_local(async {
        a9::m().await;
        a9::b().await;
    });
    check(&c, here!("a9::m"), here!("a9::b"));
}

mod a10 {
    use super::*;

    #[deny(unused_braces)]
    #[allow(clippy::manual_async_fn)]
    #[monitored]
    pub fn m() -> impl Future<Output = Result<(), Infallible>> {
        async { Ok(()) }
    }

    #[deny(unused_braces)]
    #[allow(clippy::manual_async_fn)]
    #[breadcrumb]
    pub fn b() -> impl Future<Output = Result<(), Infallible>> {
        async { Ok(()) }
    }

    #[deny(unused_braces)]
    #[allow(clippy::manual_async_fn)]
    #[capture_errors]
    pub fn c() -> impl Future<Output = Result<(), Infallible>> {
        async { Ok(()) }
    }
}

#[test]
fn a10_impl_future_async_tail_non_move() {
    let (out, c) = run_async(async { (a10::m().await, a10::b().await, a10::c().await) });
    assert_eq!(out, (Ok(()), Ok(()), Ok(())));
    check(&c, here!("a10::m"), here!("a10::b"));
    assert_no_errors(&c);
}

#[test]
fn a11_nested_async_fns_in_test_fn() {
    #[monitored]
    async fn parent() -> u32 {
        child().await + 1
    }

    #[monitored]
    async fn child() -> u32 {
        tokio::task::yield_now().await;
        1
    }

    #[breadcrumb]
    async fn crumb_parent() {
        crumb_child().await;
    }

    #[breadcrumb]
    async fn crumb_child() {}

    let (out, c) = run_async(async {
        crumb_parent().await;
        parent().await
    });
    assert_eq!(out, 2);
    let parent = assert_ok_child(&c, here!("a11_nested_async_fns_in_test_fn::parent"));
    let tx = c.transaction(ROOT);
    let child = tx.span(here!("a11_nested_async_fns_in_test_fn::child"));
    assert_eq!(child.parent_span_id, Some(parent.span_id), "{}", tx.tree());
    assert_eq!(child.status, Some(SpanStatus::Ok));
    let messages = crumb_messages(end_event(&c));
    assert_eq!(
        messages,
        [
            here!("a11_nested_async_fns_in_test_fn::crumb_parent"),
            here!("a11_nested_async_fns_in_test_fn::crumb_child"),
        ]
    );
}

/// A12–A18b: methods of an `#[async_trait]` impl carrying the toolkit attribute, which
/// therefore sees the method after async-trait rewrote it into
/// `fn …(…) -> Pin<Box<dyn Future …>> { Box::pin(async move { … }) }`.
mod a12 {
    use super::*;

    #[derive(Clone, Debug, Default)]
    pub struct TestImpl(pub usize);

    impl TestImpl {
        pub fn foo(&self) -> usize {
            self.0
        }
    }

    #[async_trait::async_trait]
    pub trait TestA {
        async fn m(&mut self, v: usize) -> usize;
        async fn b(&mut self, v: usize) -> usize;
        async fn bar_m(&self) -> usize;
        async fn bar_b(&self) -> usize;
        async fn baz_m(&self);
        async fn baz_b(&self);
        async fn call_m(&mut self, _v: usize);
        async fn call_b(&mut self, _v: usize);
        async fn call_with_self_m(&self);
        async fn call_with_self_b(&self);
        async fn call_with_mut_self_m(&mut self);
        async fn call_with_mut_self_b(&mut self);
        async fn no_receiver_m() -> &'static str;
        async fn no_receiver_b() -> &'static str;
    }

    #[async_trait::async_trait]
    impl TestA for TestImpl {
        // A12
        #[monitored(data(v))]
        async fn m(&mut self, v: usize) -> usize {
            self.0 += v;
            tokio::task::yield_now().await;
            self.0
        }

        #[breadcrumb(data(v))]
        async fn b(&mut self, v: usize) -> usize {
            self.0 += v;
            self.0
        }

        // A13
        #[monitored]
        async fn bar_m(&self) -> usize {
            self.0
        }

        #[breadcrumb]
        async fn bar_b(&self) -> usize {
            self.0
        }

        // A14 (`skip(self)`: ours never records arguments unless named)
        #[monitored]
        async fn baz_m(&self) {}

        #[breadcrumb]
        async fn baz_b(&self) {}

        // A15: `self` and `Self` in option expressions
        #[monitored(data(val = self.foo(), val2 = Self::clone(self).foo(), test = _v + 5))]
        async fn call_m(&mut self, _v: usize) {}

        #[breadcrumb(data(val = self.foo(), val2 = Self::clone(self).foo(), test = _v + 5))]
        async fn call_b(&mut self, _v: usize) {}

        // A17
        #[monitored(tags(Self = std::any::type_name::<Self>()))]
        async fn call_with_self_m(&self) {}

        #[breadcrumb(data(Self = std::any::type_name::<Self>()))]
        async fn call_with_self_b(&self) {}

        // A18
        #[monitored(tags(Self = std::any::type_name::<Self>()))]
        async fn call_with_mut_self_m(&mut self) {}

        #[breadcrumb(data(Self = std::any::type_name::<Self>()))]
        async fn call_with_mut_self_b(&mut self) {}

        // A18b: no receiver, `Self` in an option (tracing#864 leaves it un-instrumented).
        #[monitored(tags(Self = std::any::type_name::<Self>()))]
        async fn no_receiver_m() -> &'static str {
            "no receiver"
        }

        #[breadcrumb(data(Self = std::any::type_name::<Self>()))]
        async fn no_receiver_b() -> &'static str {
            "no receiver"
        }
    }
}

#[test]
fn a12_async_trait_mut_self() {
    use a12::TestA;
    let (out, c) = run_async(async {
        let mut t = a12::TestImpl(1);
        (t.m(2).await, t.b(3).await, t.0)
    });
    assert_eq!(out, (3, 6, 6));
    let span = assert_ok_child(&c, qualified!("a12::TestImpl" as "a12::TestA", "m"));
    assert_eq!(span.data.get("v"), Some(&2.into()));
    let crumb = assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "b"),
        "function",
    );
    assert_eq!(crumb.data.get("v"), Some(&3.into()));
}

#[test]
fn a13_async_trait_ref_self() {
    use a12::TestA;
    let (out, c) = run_async(async {
        let t = a12::TestImpl(4);
        (t.bar_m().await, t.bar_b().await)
    });
    assert_eq!(out, (4, 4));
    check(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "bar_m"),
        qualified!("a12::TestImpl" as "a12::TestA", "bar_b"),
    );
}

#[test]
fn a14_async_trait_ref_self_skipped() {
    use a12::TestA;
    let ((), c) = run_async(async {
        let t = a12::TestImpl(4);
        t.baz_m().await;
        t.baz_b().await;
    });
    let span = assert_ok_child(&c, qualified!("a12::TestImpl" as "a12::TestA", "baz_m"));
    assert!(
        span.data.is_empty(),
        "no argument recorded: {:?}",
        span.data
    );
    assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "baz_b"),
        "function",
    );
}

#[test]
fn a15_async_trait_self_in_data_exprs() {
    use a12::TestA;
    let ((), c) = run_async(async {
        let mut t = a12::TestImpl(7);
        t.call_m(1).await;
        t.call_b(2).await;
    });
    let span = assert_ok_child(&c, qualified!("a12::TestImpl" as "a12::TestA", "call_m"));
    assert_eq!(span.data.get("val"), Some(&7.into()));
    assert_eq!(span.data.get("val2"), Some(&7.into()));
    assert_eq!(span.data.get("test"), Some(&6.into()));
    let crumb = assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "call_b"),
        "function",
    );
    assert_eq!(crumb.data.get("test"), Some(&7.into()));
}

mod a16 {
    use super::*;

    #[derive(Clone, Debug)]
    pub struct Sync16;

    impl Sync16 {
        #[monitored(tags(Self = std::any::type_name::<Self>()))]
        pub fn m(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            let val = self.clone();
            Box::pin(async move {
                let _ = val;
                probe_event("a16 inside m");
            })
        }

        #[breadcrumb(data(Self = std::any::type_name::<Self>()))]
        pub fn b(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
            let val = self.clone();
            Box::pin(async move {
                let _ = val;
            })
        }
    }
}

#[test]
fn a16_box_pin_tail_after_statements_self_type_tag() {
    let ((), c) = run_async(async {
        let s = a16::Sync16;
        s.m().await;
        s.b().await;
    });
    let span = assert_ok_child(&c, here!("a16::Sync16::m"));
    assert_eq!(
        span.tags.get("Self").map(String::as_str),
        Some(here!("a16::Sync16"))
    );
    assert_eq!(span_of_event(&c, "a16 inside m"), span.span_id);
    let crumb = assert_crumb(&c, here!("a16::Sync16::b"), "function");
    assert_eq!(crumb.data.get("Self"), Some(&here!("a16::Sync16").into()));
}

#[test]
fn a17_async_trait_self_type_name() {
    use a12::TestA;
    let ((), c) = run_async(async {
        let t = a12::TestImpl(0);
        t.call_with_self_m().await;
        t.call_with_self_b().await;
    });
    let span = assert_ok_child(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "call_with_self_m"),
    );
    assert_eq!(
        span.tags.get("Self").map(String::as_str),
        Some(here!("a12::TestImpl"))
    );
    assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "call_with_self_b"),
        "function",
    );
}

#[test]
fn a18_async_trait_mut_self_type_name() {
    use a12::TestA;
    let ((), c) = run_async(async {
        let mut t = a12::TestImpl(0);
        t.call_with_mut_self_m().await;
        t.call_with_mut_self_b().await;
    });
    let span = assert_ok_child(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "call_with_mut_self_m"),
    );
    assert_eq!(
        span.tags.get("Self").map(String::as_str),
        Some(here!("a12::TestImpl"))
    );
    assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "call_with_mut_self_b"),
        "function",
    );
}

/// Decided for us: an async-trait method without a receiver is instrumented, and `Self`
/// works in its options.
#[test]
fn a18b_async_trait_no_receiver_self_type() {
    use a12::TestA;
    let (out, c) = run_async(async {
        (
            a12::TestImpl::no_receiver_m().await,
            a12::TestImpl::no_receiver_b().await,
        )
    });
    assert_eq!(out, ("no receiver", "no receiver"));
    let span = assert_ok_child(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "no_receiver_m"),
    );
    assert_eq!(
        span.tags.get("Self").map(String::as_str),
        Some(here!("a12::TestImpl"))
    );
    assert_crumb(
        &c,
        qualified!("a12::TestImpl" as "a12::TestA", "no_receiver_b"),
        "function",
    );
}

mod a19 {
    use super::*;

    pub struct Service {
        pub metrics: Arc<()>,
        pub app_id: u32,
    }

    type SyncFuture = Pin<Box<dyn Future<Output = Arc<()>> + Send + Sync>>;

    // The options of a function that returns the future its last statement builds are
    // evaluated inside that future, at its first poll: `tags(app_id = self.app_id)` would
    // make this `'static` future borrow `self` (a compile error at the attribute). A
    // value read by the statements before it can be used instead.
    impl Service {
        #[monitored(tags(app_id = app_id))]
        pub fn m(&mut self, _req: ()) -> SyncFuture {
            let metrics = self.metrics.clone();
            let app_id = self.app_id;
            Box::pin(async move { metrics })
        }

        #[breadcrumb(data(app_id = app_id), outcome)]
        pub fn b(&mut self, _req: ()) -> SyncFuture {
            let metrics = self.metrics.clone();
            let app_id = self.app_id;
            Box::pin(async move { metrics })
        }
    }
}

#[test]
fn a19_box_pin_send_sync_future_after_clone() {
    let (out, c) = run_async(async {
        let mut s = a19::Service {
            metrics: Arc::new(()),
            app_id: 19,
        };
        let m = s.m(()).await;
        let b = s.b(()).await;
        Arc::ptr_eq(&m, &b)
    });
    assert!(out);
    let span = assert_ok_child(&c, here!("a19::Service::m"));
    assert_eq!(span.tags.get("app_id").map(String::as_str), Some("19"));
    let crumb = assert_crumb(&c, here!("a19::Service::b"), "function");
    assert_eq!(crumb.data.get("app_id"), Some(&19.into()));
}

mod a20 {
    use super::*;

    #[allow(clippy::manual_async_fn)]
    #[monitored]
    pub fn m() -> impl Future<Output = ()> {
        async {
            probe_event("a20 inside m");
        }
    }

    #[allow(clippy::manual_async_fn)]
    #[breadcrumb]
    pub fn b() -> impl Future<Output = ()> {
        async {}
    }
}

#[test]
fn a20_manual_impl_future_span_current_during_poll() {
    let ((), c) = run_async(async {
        a20::m().await;
        a20::b().await;
    });
    let span = assert_ok_child(&c, here!("a20::m"));
    assert_eq!(span_of_event(&c, "a20 inside m"), span.span_id);
    assert_crumb(&c, here!("a20::b"), "function");
}

mod a21 {
    use super::*;

    #[monitored]
    pub fn m() -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async {
            probe_event("a21 inside m");
        })
    }

    #[breadcrumb]
    pub fn b() -> Pin<Box<dyn Future<Output = ()>>> {
        Box::pin(async {})
    }
}

#[test]
fn a21_manual_box_pin_non_move() {
    let ((), c) = run_local(async {
        a21::m().await;
        a21::b().await;
    });
    let span = assert_ok_child(&c, here!("a21::m"));
    assert_eq!(span_of_event(&c, "a21 inside m"), span.span_id);
    assert_crumb(&c, here!("a21::b"), "function");
}

// ---------------------------------------------------------------------------------------
// dead_code.rs: `dead_code` must still fire on an unused annotated function (the
// expectation would be unfulfilled otherwise, an error here). Never called, the functions
// are still in the registry.

mod a22 {
    use super::*;

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[monitored]
    fn m() {}

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[breadcrumb]
    fn b() {}

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[capture_errors]
    fn c() -> Result<(), String> {
        Ok(())
    }
}

mod a23 {
    use super::*;

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[monitored]
    async fn m() {}

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[breadcrumb]
    async fn b() {}

    #[deny(unfulfilled_lint_expectations)]
    #[expect(dead_code)]
    #[capture_errors]
    async fn c() -> Result<(), String> {
        Ok(())
    }
}

#[track_caller]
fn assert_registered(names: &[&str]) {
    let functions = monitor_runtime::registry::functions();
    for name in names {
        assert!(
            functions.iter().any(|f| f.name == *name),
            "{name} is not in the registry"
        );
    }
}

#[test]
fn a22_expect_dead_code() {
    assert_registered(&[here!("a22::m"), here!("a22::b"), here!("a22::c")]);
}

#[test]
fn a23_expect_dead_code_async() {
    assert_registered(&[here!("a23::m"), here!("a23::b"), here!("a23::c")]);
}

// ---------------------------------------------------------------------------------------
// destructuring.rs: tracing records the bindings as fields; ours records what `data(...)`
// names, and a destructured binding can be named.

mod a24 {
    use super::*;

    #[monitored(data(arg1, arg2))]
    pub fn m((arg1, arg2): (usize, usize)) -> usize {
        arg1 + arg2
    }

    #[breadcrumb(data(arg1, arg2))]
    pub fn b((arg1, arg2): (usize, usize)) -> usize {
        arg1 + arg2
    }
}

#[test]
fn a24_destructured_tuple() {
    let (out, c) = run(|| (a24::m((1, 2)), a24::b((3, 4))));
    assert_eq!(out, (3, 7));
    let span = assert_ok_child(&c, here!("a24::m"));
    assert_eq!(span.data.get("arg1"), Some(&1.into()));
    assert_eq!(span.data.get("arg2"), Some(&2.into()));
    let crumb = assert_crumb(&c, here!("a24::b"), "function");
    assert_eq!(crumb.data.get("arg2"), Some(&4.into()));
}

mod a25 {
    use super::*;

    type Pairs = ((usize, usize), (usize, usize));

    #[monitored(data(arg1, arg4))]
    pub fn m(((arg1, arg2), (arg3, arg4)): Pairs) -> usize {
        arg1 + arg2 + arg3 + arg4
    }

    #[breadcrumb(data(arg1, arg4))]
    pub fn b(((arg1, arg2), (arg3, arg4)): Pairs) -> usize {
        arg1 + arg2 + arg3 + arg4
    }
}

#[test]
fn a25_destructured_nested_tuples() {
    let (out, c) = run(|| (a25::m(((1, 2), (3, 4))), a25::b(((1, 1), (1, 1)))));
    assert_eq!(out, (10, 4));
    let span = assert_ok_child(&c, here!("a25::m"));
    assert_eq!(span.data.get("arg4"), Some(&4.into()));
    assert_crumb(&c, here!("a25::b"), "function");
}

mod a26 {
    use super::*;

    #[monitored(data(arg1))]
    pub fn m(&arg1: &usize) -> usize {
        arg1
    }

    #[breadcrumb(data(arg1))]
    pub fn b(&arg1: &usize) -> usize {
        arg1
    }
}

#[test]
fn a26_destructured_ref() {
    let (out, c) = run(|| (a26::m(&5), a26::b(&6)));
    assert_eq!(out, (5, 6));
    let span = assert_ok_child(&c, here!("a26::m"));
    assert_eq!(span.data.get("arg1"), Some(&5.into()));
    assert_crumb(&c, here!("a26::b"), "function");
}

mod a27 {
    use super::*;

    pub struct Foo(pub usize, pub usize);

    #[monitored(data(arg1, arg2))]
    pub fn m(Foo(arg1, arg2): Foo) -> usize {
        arg1 * arg2
    }

    #[breadcrumb(data(arg1, arg2))]
    pub fn b(Foo(arg1, arg2): Foo) -> usize {
        arg1 * arg2
    }
}

#[test]
fn a27_destructured_tuple_struct() {
    let (out, c) = run(|| (a27::m(a27::Foo(2, 3)), a27::b(a27::Foo(4, 5))));
    assert_eq!(out, (6, 20));
    let span = assert_ok_child(&c, here!("a27::m"));
    assert_eq!(span.data.get("arg2"), Some(&3.into()));
    assert_crumb(&c, here!("a27::b"), "function");
}

mod a28 {
    use super::*;

    pub struct Foo {
        pub bar: usize,
        pub baz: usize,
    }

    #[monitored(data(arg1, arg2))]
    pub fn m(
        Foo {
            bar: arg1,
            baz: arg2,
        }: Foo,
    ) -> usize {
        arg1 - arg2
    }

    #[breadcrumb(data(arg1, arg2))]
    pub fn b(
        Foo {
            bar: arg1,
            baz: arg2,
        }: Foo,
    ) -> usize {
        arg1 - arg2
    }
}

#[test]
fn a28_destructured_struct() {
    let (out, c) = run(|| {
        (
            a28::m(a28::Foo { bar: 5, baz: 2 }),
            a28::b(a28::Foo { bar: 9, baz: 1 }),
        )
    });
    assert_eq!(out, (3, 8));
    let span = assert_ok_child(&c, here!("a28::m"));
    assert_eq!(span.data.get("arg1"), Some(&5.into()));
    assert_crumb(&c, here!("a28::b"), "function");
}

mod a29 {
    use super::*;

    pub struct NoDebug;
    pub struct Bar(pub (usize, usize));
    pub struct Foo {
        pub bar: Bar,
        pub baz: (usize, usize),
        pub qux: NoDebug,
    }

    #[monitored(data(arg1, arg4))]
    pub fn m(
        &Foo {
            bar: Bar((arg1, arg2)),
            baz: (arg3, arg4),
            ..
        }: &Foo,
    ) -> usize {
        arg1 + arg2 + arg3 + arg4
    }

    #[breadcrumb(data(arg1, arg4))]
    pub fn b(
        &Foo {
            bar: Bar((arg1, arg2)),
            baz: (arg3, arg4),
            ..
        }: &Foo,
    ) -> usize {
        arg1 + arg2 + arg3 + arg4
    }
}

#[test]
fn a29_destructured_nested_with_rest() {
    let foo = a29::Foo {
        bar: a29::Bar((1, 2)),
        baz: (3, 4),
        qux: a29::NoDebug,
    };
    let (out, c) = run(|| (a29::m(&foo), a29::b(&foo)));
    let a29::NoDebug = foo.qux;
    assert_eq!(out, (10, 10));
    let span = assert_ok_child(&c, here!("a29::m"));
    assert_eq!(span.data.get("arg4"), Some(&4.into()));
    assert_crumb(&c, here!("a29::b"), "function");
}

// ---------------------------------------------------------------------------------------
// err.rs

mod a30 {
    use super::*;

    #[monitored]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[breadcrumb]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[capture_errors]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }
}

#[test]
fn a30_err() {
    let (out, c) = run(|| (a30::m().is_err(), a30::b().is_err(), a30::c().is_err()));
    assert_eq!(out, (true, true, true));
    assert_child(&c, here!("a30::m"), "function", ERR);
    assert_crumb(&c, here!("a30::b"), "function");
    let event = assert_one_error(&c, here!("a30::c"), "TryFromIntError");
    assert_eq!(
        exception_values(event),
        ["out of range integral type conversion attempted"]
    );
}

mod a31 {
    use super::*;

    #[monitored]
    pub fn m() -> Result<u8, TryFromIntError> {
        {}
        u8::try_from(1234)
    }

    #[breadcrumb]
    pub fn b() -> Result<u8, TryFromIntError> {
        {}
        u8::try_from(1234)
    }

    #[capture_errors]
    pub fn c() -> Result<u8, TryFromIntError> {
        {}
        u8::try_from(1234)
    }
}

#[test]
fn a31_err_suspicious_else() {
    let (_, c) = run(|| (a31::m().is_err(), a31::b().is_err(), a31::c().is_err()));
    assert_child(&c, here!("a31::m"), "function", ERR);
    assert_crumb(&c, here!("a31::b"), "function");
    assert_one_error(&c, here!("a31::c"), "TryFromIntError");
}

mod a32 {
    use super::*;

    #[monitored]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)?;
        Ok(5)
    }

    #[breadcrumb]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)?;
        Ok(5)
    }

    #[capture_errors]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)?;
        Ok(5)
    }
}

#[test]
fn a32_err_early_return_try() {
    let (_, c) = run(|| (a32::m().is_err(), a32::b().is_err(), a32::c().is_err()));
    assert_child(&c, here!("a32::m"), "function", ERR);
    assert_crumb(&c, here!("a32::b"), "function");
    assert_one_error(&c, here!("a32::c"), "TryFromIntError");
}

mod a33 {
    use super::*;

    async fn work(polls: usize) -> Result<u8, TryFromIntError> {
        for _ in 0..polls {
            tokio::task::yield_now().await;
        }
        u8::try_from(1234)
    }

    #[monitored]
    pub async fn m(polls: usize) -> Result<u8, TryFromIntError> {
        let v = work(polls).await?;
        Ok(v)
    }

    #[breadcrumb]
    pub async fn b(polls: usize) -> Result<u8, TryFromIntError> {
        let v = work(polls).await?;
        Ok(v)
    }

    #[capture_errors]
    #[monitored]
    pub async fn c(polls: usize) -> Result<u8, TryFromIntError> {
        let v = work(polls).await?;
        Ok(v)
    }
}

#[test]
fn a33_err_async() {
    let (_, c) = run_async(async {
        (
            a33::m(2).await.is_err(),
            a33::b(2).await.is_err(),
            a33::c(2).await.is_err(),
        )
    });
    assert_child(&c, here!("a33::m"), "function", ERR);
    assert_crumb(&c, here!("a33::b"), "function");
    // Captured inside the span: the event is linked to `c`'s own span.
    let span = assert_child(&c, here!("a33::c"), "function", ERR);
    let event = assert_one_error(&c, here!("a33::c"), "TryFromIntError");
    assert_eq!(event_span_id(event), Some(span.span_id));
}

mod a34 {
    use super::*;

    #[monitored]
    pub fn m(out: &mut u8) -> Result<(), TryFromIntError> {
        *out = u8::try_from(1234)?;
        Ok(())
    }

    #[breadcrumb]
    pub fn b(out: &mut u8) -> Result<(), TryFromIntError> {
        *out = u8::try_from(1234)?;
        Ok(())
    }

    #[capture_errors]
    pub fn c(out: &mut u8) -> Result<(), TryFromIntError> {
        *out = u8::try_from(1234)?;
        Ok(())
    }
}

#[test]
fn a34_err_mut_out_param() {
    let mut out = 0;
    let (_, c) = run(|| {
        (
            a34::m(&mut out).is_err(),
            a34::b(&mut out).is_err(),
            a34::c(&mut out).is_err(),
        )
    });
    assert_eq!(out, 0);
    assert_child(&c, here!("a34::m"), "function", ERR);
    assert_crumb(&c, here!("a34::b"), "function");
    assert_one_error(&c, here!("a34::c"), "TryFromIntError");
}

mod a35 {
    use super::*;

    #[monitored]
    pub async fn m(polls: usize, out: &mut u8) -> Result<(), TryFromIntError> {
        for _ in 0..polls {
            tokio::task::yield_now().await;
        }
        *out = u8::try_from(1234)?;
        Ok(())
    }

    #[breadcrumb]
    pub async fn b(polls: usize, out: &mut u8) -> Result<(), TryFromIntError> {
        for _ in 0..polls {
            tokio::task::yield_now().await;
        }
        *out = u8::try_from(1234)?;
        Ok(())
    }

    #[capture_errors]
    pub async fn c(polls: usize, out: &mut u8) -> Result<(), TryFromIntError> {
        for _ in 0..polls {
            tokio::task::yield_now().await;
        }
        *out = u8::try_from(1234)?;
        Ok(())
    }
}

#[test]
fn a35_err_mut_async() {
    let (out, c) = run_async(async {
        let mut out = 0;
        let errs = (
            a35::m(2, &mut out).await.is_err(),
            a35::b(2, &mut out).await.is_err(),
            a35::c(2, &mut out).await.is_err(),
        );
        (errs, out)
    });
    assert_eq!(out, ((true, true, true), 0));
    assert_child(&c, here!("a35::m"), "function", ERR);
    assert_crumb(&c, here!("a35::b"), "function");
    assert_one_error(&c, here!("a35::c"), "TryFromIntError");
}

mod a36 {
    use super::*;

    #[monitored]
    pub fn m(x: usize) -> Result<impl Iterator<Item = usize>, String> {
        Ok(0..x)
    }

    #[breadcrumb]
    pub fn b(x: usize) -> Result<impl Iterator<Item = usize>, String> {
        Ok(0..x)
    }

    #[capture_errors]
    pub fn c(x: usize) -> Result<impl Iterator<Item = usize>, String> {
        Ok(0..x)
    }
}

#[test]
fn a36_err_impl_trait_ok() {
    let (out, c) = run(|| {
        (
            a36::m(3).map(Iterator::sum::<usize>),
            a36::b(4).map(Iterator::sum::<usize>),
            a36::c(5).map(Iterator::sum::<usize>),
        )
    });
    assert_eq!(out, (Ok(3), Ok(6), Ok(10)));
    check(&c, here!("a36::m"), here!("a36::b"));
    assert_no_errors(&c);
}

/// A37–A40: tracing's `err(Debug)`, `err(level = …)` and a span level on the A30 shape.
/// Ours: the event level (`level = …`), and an error type override; an `Error` is always
/// reported with its `Display` text and `source()` chain.
mod a37 {
    use super::*;

    #[monitored(op = "a37.debug")]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[breadcrumb(level = "debug")]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[capture_errors(error_type = "conversion")]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }
}

#[test]
fn a37_err_debug() {
    let (_, c) = run(|| (a37::m().is_err(), a37::b().is_err(), a37::c().is_err()));
    assert_child(&c, here!("a37::m"), "a37.debug", ERR);
    let crumb = assert_crumb(&c, here!("a37::b"), "function");
    assert_eq!(crumb.level, Level::Debug);
    assert_one_error(&c, here!("a37::c"), "conversion");
}

mod a38 {
    use super::*;

    #[monitored]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[breadcrumb(level = "info")]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[capture_errors(level = "info")]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }
}

#[test]
fn a38_err_level_info() {
    let (_, c) = run(|| (a38::m().is_err(), a38::b().is_err(), a38::c().is_err()));
    assert_child(&c, here!("a38::m"), "function", ERR);
    assert_eq!(
        assert_crumb(&c, here!("a38::b"), "function").level,
        Level::Info
    );
    let event = assert_one_error(&c, here!("a38::c"), "TryFromIntError");
    assert_eq!(event.level, Level::Info);
}

mod a39 {
    use super::*;

    #[monitored]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[breadcrumb(level = "warning")]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[capture_errors(error_type = "range", level = "warning")]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }
}

#[test]
fn a39_err_level_and_type() {
    let (_, c) = run(|| (a39::m().is_err(), a39::b().is_err(), a39::c().is_err()));
    assert_child(&c, here!("a39::m"), "function", ERR);
    assert_eq!(
        assert_crumb(&c, here!("a39::b"), "function").level,
        Level::Warning
    );
    let event = assert_one_error(&c, here!("a39::c"), "range");
    assert_eq!(event.level, Level::Warning);
}

mod a40 {
    use super::*;

    #[monitored(op = "a40.warn")]
    #[capture_errors(level = "info")]
    pub fn m() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[breadcrumb(level = "error")]
    pub fn b() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }

    #[capture_errors(level = "fatal")]
    pub fn c() -> Result<u8, TryFromIntError> {
        u8::try_from(1234)
    }
}

#[test]
fn a40_level_and_err_level() {
    let (_, c) = run(|| (a40::m().is_err(), a40::b().is_err(), a40::c().is_err()));
    assert_child(&c, here!("a40::m"), "a40.warn", ERR);
    assert_eq!(
        assert_crumb(&c, here!("a40::b"), "function").level,
        Level::Error
    );
    let errors = errors(&c);
    assert_eq!(errors.len(), 2);
    let level_of = |function: &str| {
        errors
            .iter()
            .find(|e| e.tags.get("function").map(String::as_str) == Some(function))
            .map(|e| e.level)
    };
    assert_eq!(level_of(here!("a40::m")), Some(Level::Info));
    assert_eq!(level_of(here!("a40::c")), Some(Level::Fatal));
}

// ---------------------------------------------------------------------------------------
// fields.rs: tracing's `fields(...)` are our `tags(...)` (strings) and `data(...)` (JSON).

mod a41 {
    use super::*;

    #[monitored(tags(foo = "bar"), data(dsa = true, num = 1))]
    pub fn m() {}

    #[breadcrumb(data(foo = "bar", dsa = true, num = 1))]
    pub fn b() {}
}

#[test]
fn a41_data_literals_no_param() {
    let ((), c) = run(|| {
        a41::m();
        a41::b();
    });
    let span = assert_ok_child(&c, here!("a41::m"));
    assert_eq!(span.tags.get("foo").map(String::as_str), Some("bar"));
    assert_eq!(span.data.get("dsa"), Some(&true.into()));
    assert_eq!(span.data.get("num"), Some(&1.into()));
    let crumb = assert_crumb(&c, here!("a41::b"), "function");
    assert_eq!(crumb.data.get("foo"), Some(&"bar".into()));
    assert_eq!(crumb.data.get("num"), Some(&1.into()));
}

mod a42 {
    use super::*;

    #[monitored(data(param, foo = "bar"))]
    pub fn m(param: u32) -> u32 {
        param
    }

    #[breadcrumb(data(param, foo = "bar"))]
    pub fn b(param: u32) -> u32 {
        param
    }
}

#[test]
fn a42_data_param_and_literal() {
    let (_, c) = run(|| (a42::m(1), a42::b(2)));
    let span = assert_ok_child(&c, here!("a42::m"));
    assert_eq!(span.data.get("param"), Some(&1.into()));
    assert_eq!(span.data.get("foo"), Some(&"bar".into()));
    let crumb = assert_crumb(&c, here!("a42::b"), "function");
    assert_eq!(crumb.data.get("param"), Some(&2.into()));
}

/// tracing's `empty` field has no equivalent: a bare name in `data(...)` must name an
/// argument (a compile error otherwise, see the UI tests).
mod a43 {
    use super::*;

    #[monitored(data(foo = "bar"))]
    pub fn m() {}

    #[breadcrumb(data(foo = "bar"))]
    pub fn b() {}
}

#[test]
fn a43_data_without_empty_field() {
    let ((), c) = run(|| {
        a43::m();
        a43::b();
    });
    let span = assert_ok_child(&c, here!("a43::m"));
    assert_eq!(span.data.len(), 1, "{:?}", span.data);
    assert_crumb(&c, here!("a43::b"), "function");
}

mod a44 {
    use super::*;

    #[monitored(data(len = s.len()))]
    pub fn m(s: &str) -> &str {
        s
    }

    #[breadcrumb(data(len = s.len()))]
    pub fn b(s: &str) -> &str {
        s
    }
}

#[test]
fn a44_data_expr() {
    let (_, c) = run(|| (a44::m("hello"), a44::b("hi")));
    let span = assert_ok_child(&c, here!("a44::m"));
    assert_eq!(span.data.get("len"), Some(&5.into()));
    let crumb = assert_crumb(&c, here!("a44::b"), "function");
    assert_eq!(crumb.data.get("len"), Some(&2.into()));
}

/// Dotted names are written as string keys.
mod a45 {
    use super::*;

    #[monitored(data("s.len" = s.len(), "s.is_empty" = s.is_empty()))]
    pub fn m(s: &str) -> usize {
        s.len()
    }

    #[breadcrumb(data("s.len" = s.len(), "s.is_empty" = s.is_empty()))]
    pub fn b(s: &str) -> usize {
        s.len()
    }
}

#[test]
fn a45_data_dotted_names() {
    let (_, c) = run(|| (a45::m("hello"), a45::b("")));
    let span = assert_ok_child(&c, here!("a45::m"));
    assert_eq!(span.data.get("s.len"), Some(&5.into()));
    assert_eq!(span.data.get("s.is_empty"), Some(&false.into()));
    let crumb = assert_crumb(&c, here!("a45::b"), "function");
    assert_eq!(crumb.data.get("s.is_empty"), Some(&true.into()));
}

mod a46 {
    use super::*;

    #[monitored(data(s, "s.len" = s.len()))]
    pub fn m(s: &str) -> usize {
        s.len()
    }

    #[breadcrumb(data(s, "s.len" = s.len()))]
    pub fn b(s: &str) -> usize {
        s.len()
    }
}

#[test]
fn a46_data_param_and_expr() {
    let (_, c) = run(|| (a46::m("hello"), a46::b("hey")));
    let span = assert_ok_child(&c, here!("a46::m"));
    assert_eq!(span.data.get("s"), Some(&"hello".into()));
    assert_eq!(span.data.get("s.len"), Some(&5.into()));
    let crumb = assert_crumb(&c, here!("a46::b"), "function");
    assert_eq!(crumb.data.get("s"), Some(&"hey".into()));
}

mod a47 {
    use super::*;

    #[monitored(data(s = "s"))]
    pub fn m(s: &str) -> usize {
        s.len()
    }

    #[breadcrumb(data(s = "s"))]
    pub fn b(s: &str) -> usize {
        s.len()
    }
}

#[test]
fn a47_data_override_param_value() {
    let (_, c) = run(|| (a47::m("hello"), a47::b("hey")));
    let span = assert_ok_child(&c, here!("a47::m"));
    assert_eq!(span.data.get("s"), Some(&"s".into()));
    let crumb = assert_crumb(&c, here!("a47::b"), "function");
    assert_eq!(crumb.data.get("s"), Some(&"s".into()));
}

mod a48 {
    use super::*;

    #[monitored(data(s = &s))]
    pub fn m(s: String) -> String {
        s
    }

    #[breadcrumb(data(s = &s))]
    pub fn b(s: String) -> String {
        s
    }
}

#[test]
fn a48_data_borrowed_string() {
    let (out, c) = run(|| (a48::m("hello".into()), a48::b("hey".into())));
    assert_eq!(out, ("hello".to_owned(), "hey".to_owned()));
    let span = assert_ok_child(&c, here!("a48::m"));
    assert_eq!(span.data.get("s"), Some(&"hello".into()));
    assert_crumb(&c, here!("a48::b"), "function");
}

/// Keywords as keys: raw or plain keyword identifiers, and a string with dots.
mod a49 {
    use super::*;

    #[monitored(data("keywords.impl.type.fn" = _arg, r#type = 1, fn = 2))]
    pub fn m(_arg: &str) {}

    #[breadcrumb(data("keywords.impl.type.fn" = _arg, r#type = 1, fn = 2))]
    pub fn b(_arg: &str) {}
}

#[test]
fn a49_data_keyword_keys() {
    let ((), c) = run(|| {
        a49::m("foo");
        a49::b("bar");
    });
    let span = assert_ok_child(&c, here!("a49::m"));
    assert_eq!(span.data.get("keywords.impl.type.fn"), Some(&"foo".into()));
    assert_eq!(span.data.get("type"), Some(&1.into()));
    assert_eq!(span.data.get("fn"), Some(&2.into()));
    let crumb = assert_crumb(&c, here!("a49::b"), "function");
    assert_eq!(crumb.data.get("keywords.impl.type.fn"), Some(&"bar".into()));
}

/// A50–A53: tracing computes field names from const expressions (`{CONST} = …`). Ours
/// takes keys as written (an identifier or a string literal); the shape, a function with
/// no argument recording a constant value, is kept.
mod a50 {
    use super::*;

    pub const CONST_FIELD_VALUE: &str = "baz";

    #[monitored(data("foo_bar" = CONST_FIELD_VALUE))]
    pub fn m() {}

    #[breadcrumb(data("foo_bar" = CONST_FIELD_VALUE))]
    pub fn b() {}
}

#[test]
fn a50_const_field_value() {
    let ((), c) = run(|| {
        a50::m();
        a50::b();
    });
    let span = assert_ok_child(&c, here!("a50::m"));
    assert_eq!(span.data.get("foo_bar"), Some(&"baz".into()));
    assert_crumb(&c, here!("a50::b"), "function");
}

mod a51 {
    use super::*;

    pub const fn get_const_fn_field_value() -> &'static str {
        "baz"
    }

    #[monitored(data(foo_bar = get_const_fn_field_value()))]
    pub fn m() {}

    #[breadcrumb(data(foo_bar = get_const_fn_field_value()))]
    pub fn b() {}
}

#[test]
fn a51_const_fn_field_value() {
    let ((), c) = run(|| {
        a51::m();
        a51::b();
    });
    let span = assert_ok_child(&c, here!("a51::m"));
    assert_eq!(span.data.get("foo_bar"), Some(&"baz".into()));
    assert_crumb(&c, here!("a51::b"), "function");
}

mod a52 {
    use super::*;

    pub struct FieldNames;
    impl FieldNames {
        pub const FOO_BAR: &'static str = "baz";
    }

    #[monitored(tags(foo_bar = FieldNames::FOO_BAR))]
    pub fn m() {}

    #[breadcrumb(data(foo_bar = FieldNames::FOO_BAR))]
    pub fn b() {}
}

#[test]
fn a52_assoc_const_field_value() {
    let ((), c) = run(|| {
        a52::m();
        a52::b();
    });
    let span = assert_ok_child(&c, here!("a52::m"));
    assert_eq!(span.tags.get("foo_bar").map(String::as_str), Some("baz"));
    assert_crumb(&c, here!("a52::b"), "function");
}

mod a53 {
    use super::*;

    #[monitored(data("foo" = { "bar" }))]
    pub fn m() {}

    #[breadcrumb(data("foo" = { "bar" }))]
    pub fn b() {}
}

#[test]
fn a53_block_expression_value() {
    let ((), c) = run(|| {
        a53::m();
        a53::b();
    });
    let span = assert_ok_child(&c, here!("a53::m"));
    assert_eq!(span.data.get("foo"), Some(&"bar".into()));
    assert_crumb(&c, here!("a53::b"), "function");
}

/// tracing keeps both values of a clashing field name; ours rejects a duplicate key at
/// compile time, so the argument and the constant get distinct keys.
mod a54 {
    use super::*;

    pub const CLASHY_FIELD_NAME: &str = "s";

    #[monitored(data(s, clashy = CLASHY_FIELD_NAME))]
    pub fn m(s: &str) -> usize {
        s.len()
    }

    #[breadcrumb(data(s, clashy = CLASHY_FIELD_NAME))]
    pub fn b(s: &str) -> usize {
        s.len()
    }
}

#[test]
fn a54_data_clashy_key() {
    let (_, c) = run(|| (a54::m("hello"), a54::b("hey")));
    let span = assert_ok_child(&c, here!("a54::m"));
    assert_eq!(span.data.get("s"), Some(&"hello".into()));
    assert_eq!(span.data.get("clashy"), Some(&"s".into()));
    assert_crumb(&c, here!("a54::b"), "function");
}

mod a55 {
    use super::*;

    pub struct HasField {
        pub my_field: &'static str,
    }

    impl HasField {
        #[monitored(data(my_field = self.my_field))]
        pub fn m(&self) {}

        #[breadcrumb(data(my_field = self.my_field))]
        pub fn b(&self) {}
    }
}

#[test]
fn a55_data_self_field() {
    let has = a55::HasField { my_field: "hello" };
    let ((), c) = run(|| {
        has.m();
        has.b();
    });
    let span = assert_ok_child(&c, here!("a55::HasField::m"));
    assert_eq!(span.data.get("my_field"), Some(&"hello".into()));
    let crumb = assert_crumb(&c, here!("a55::HasField::b"), "function");
    assert_eq!(crumb.data.get("my_field"), Some(&"hello".into()));
}

// ---------------------------------------------------------------------------------------
// follows_from.rs: ours has no follows-from links; the shapes are kept.

mod a56 {
    use super::*;

    #[monitored]
    pub fn m(causes: impl IntoIterator<Item = impl Into<Option<u64>>>) -> usize {
        causes.into_iter().filter_map(Into::into).count()
    }

    #[breadcrumb]
    pub fn b(causes: impl IntoIterator<Item = impl Into<Option<u64>>>) -> usize {
        causes.into_iter().filter_map(Into::into).count()
    }
}

#[test]
fn a56_impl_trait_nested_args() {
    let (out, c) = run(|| (a56::m([Some(1), None, Some(3)]), a56::b(vec![4u64])));
    assert_eq!(out, (2, 1));
    check(&c, here!("a56::m"), here!("a56::b"));
}

mod a57 {
    use super::*;

    #[monitored]
    pub async fn m(causes: impl IntoIterator<Item = impl Into<Option<u64>>>) -> usize {
        let count = causes.into_iter().filter_map(Into::into).count();
        tokio::task::yield_now().await;
        count
    }

    #[breadcrumb]
    pub async fn b(causes: impl IntoIterator<Item = impl Into<Option<u64>>>) -> usize {
        causes.into_iter().filter_map(Into::into).count()
    }
}

#[test]
fn a57_impl_trait_nested_args_async() {
    let (out, c) = run_async(async { (a57::m([Some(1), None]).await, a57::b([Some(2u64)]).await) });
    assert_eq!(out, (1, 1));
    check(&c, here!("a57::m"), here!("a57::b"));
}

mod a58 {
    use super::*;

    #[monitored]
    pub fn m() {}

    #[breadcrumb]
    pub fn b() {}
}

#[test]
fn a58_no_args_follows_from_current() {
    let ((), c) = run(|| {
        a58::m();
        a58::b();
    });
    check(&c, here!("a58::m"), here!("a58::b"));
}

// ---------------------------------------------------------------------------------------
// instrument.rs

mod a59 {
    use super::*;

    #[deny(unused_variables)]
    #[monitored]
    pub fn m() {
        #![allow(unused_variables)]
        let i = 42;
    }

    #[deny(unused_variables)]
    #[breadcrumb]
    pub fn b() {
        #![allow(unused_variables)]
        let i = 42;
    }
}

#[test]
fn a59_inner_attribute_at_body_top() {
    let ((), c) = run(|| {
        a59::m();
        a59::b();
    });
    check(&c, here!("a59::m"), here!("a59::b"));
}

/// A60/A61: tracing's `target` and `level`; ours: `op`, and the crumb's `category` and
/// `level`.
mod a60 {
    use super::*;

    #[monitored(op = "my_target")]
    pub fn m() {}

    #[breadcrumb(category = "my_target", level = "debug")]
    pub fn b() {}
}

#[test]
fn a60_op_option() {
    let ((), c) = run(|| {
        a60::m();
        a60::b();
    });
    assert_child(&c, here!("a60::m"), "my_target", SpanStatus::Ok);
    let crumb = assert_crumb(&c, here!("a60::b"), "my_target");
    assert_eq!(crumb.level, Level::Debug);
}

mod a61 {
    use super::*;

    #[monitored(name = "a61 name", op = "my_target")]
    pub fn m() {}

    #[breadcrumb(level = "debug", category = "my_target")]
    pub fn b() {}
}

#[test]
fn a61_op_and_name() {
    let ((), c) = run(|| {
        a61::m();
        a61::b();
    });
    assert_child(&c, "a61 name", "my_target", SpanStatus::Ok);
    assert_crumb(&c, here!("a61::b"), "my_target");
}

mod a62 {
    use super::*;

    #[monitored(data(arg1, arg2, arg3))]
    pub fn m(arg1: usize, arg2: bool, arg3: String) -> String {
        format!("{arg1}{arg2}{arg3}")
    }

    #[breadcrumb(data(arg1, arg2, arg3))]
    pub fn b(arg1: usize, arg2: bool, arg3: String) -> String {
        format!("{arg1}{arg2}{arg3}")
    }
}

#[test]
fn a62_typed_data_values() {
    let (_, c) = run(|| (a62::m(2, false, "x".into()), a62::b(3, true, "y".into())));
    let span = assert_ok_child(&c, here!("a62::m"));
    assert_eq!(span.data.get("arg1"), Some(&2.into()));
    assert_eq!(span.data.get("arg2"), Some(&false.into()));
    assert_eq!(span.data.get("arg3"), Some(&"x".into()));
    let crumb = assert_crumb(&c, here!("a62::b"), "function");
    assert_eq!(crumb.data.get("arg2"), Some(&true.into()));
}

mod a63 {
    use super::*;

    pub struct UnDebug;

    #[monitored(data(arg1))]
    pub fn m(arg1: usize, _arg2: UnDebug, _arg3: UnDebug) -> usize {
        arg1
    }

    #[breadcrumb(data(arg1))]
    pub fn b(arg1: usize, _arg2: UnDebug, _arg3: UnDebug) -> usize {
        arg1
    }
}

#[test]
fn a63_non_serializable_args_not_recorded() {
    use a63::UnDebug;
    let (_, c) = run(|| (a63::m(1, UnDebug, UnDebug), a63::b(2, UnDebug, UnDebug)));
    let span = assert_ok_child(&c, here!("a63::m"));
    assert_eq!(span.data.keys().collect::<Vec<_>>(), ["arg1"]);
    assert_crumb(&c, here!("a63::b"), "function");
}

mod a64 {
    use super::*;

    pub struct UnDebug;

    #[monitored]
    pub fn m(arg1: usize, _arg2: UnDebug, _arg3: UnDebug) -> usize {
        arg1
    }

    #[breadcrumb]
    pub fn b(arg1: usize, _arg2: UnDebug, _arg3: UnDebug) -> usize {
        arg1
    }
}

#[test]
fn a64_args_not_recorded() {
    use a64::UnDebug;
    let (_, c) = run(|| (a64::m(1, UnDebug, UnDebug), a64::b(2, UnDebug, UnDebug)));
    let span = assert_ok_child(&c, here!("a64::m"));
    assert!(span.data.is_empty(), "{:?}", span.data);
    assert!(
        assert_crumb(&c, here!("a64::b"), "function")
            .data
            .is_empty()
    );
}

mod a65 {
    use super::*;

    #[monitored(data(arg2 = format!("{arg2:?}")))]
    pub fn m<S, T: std::fmt::Debug>(arg1: S, arg2: T) -> String
    where
        S: std::fmt::Debug,
    {
        format!("{arg1:?}{arg2:?}")
    }

    #[breadcrumb(data(arg1 = format!("{arg1:?}")))]
    pub fn b<S, T: std::fmt::Debug>(arg1: S, arg2: T) -> String
    where
        S: std::fmt::Debug,
    {
        format!("{arg1:?}{arg2:?}")
    }
}

#[test]
fn a65_generics_where_clause() {
    let (out, c) = run(|| (a65::m(1, "a"), a65::b('b', 2.5)));
    assert_eq!(out, ("1\"a\"".to_owned(), "'b'2.5".to_owned()));
    let span = assert_ok_child(&c, here!("a65::m"));
    assert_eq!(span.data.get("arg2"), Some(&"\"a\"".into()));
    assert_crumb(&c, here!("a65::b"), "function");
}

mod a66 {
    use super::*;

    pub struct Foo;

    impl Foo {
        #[monitored(data(arg1))]
        pub fn m(&self, arg1: usize) -> usize {
            arg1
        }

        #[breadcrumb(data(arg1))]
        pub fn b(&self, arg1: usize) -> usize {
            arg1
        }
    }
}

#[test]
fn a66_method_ref_self() {
    let (_, c) = run(|| (a66::Foo.m(1), a66::Foo.b(2)));
    let span = assert_ok_child(&c, here!("a66::Foo::m"));
    assert_eq!(span.data.get("arg1"), Some(&1.into()));
    assert_crumb(&c, here!("a66::Foo::b"), "function");
}

mod a67 {
    use super::*;

    #[monitored]
    pub fn m(x: usize) -> impl Iterator<Item = usize> {
        0..x
    }

    #[breadcrumb]
    pub fn b(x: usize) -> impl Iterator<Item = usize> {
        0..x
    }
}

#[test]
fn a67_returns_impl_iterator() {
    let (out, c) = run(|| (a67::m(3).sum::<usize>(), a67::b(4).sum::<usize>()));
    assert_eq!(out, (3, 6));
    check(&c, here!("a67::m"), here!("a67::b"));
}

/// A68–A70: tracing accepts `name = CONST` and `target = CONST`; ours takes string
/// literals only (a const is a compile error, "expects a string literal").
mod a68 {
    use super::*;

    #[monitored(name = "my_name")]
    pub fn m() {}

    #[breadcrumb(message = "my_name")]
    pub fn b() {}
}

#[test]
fn a68_name_literal() {
    let ((), c) = run(|| {
        a68::m();
        a68::b();
    });
    assert_ok_child(&c, "my_name");
    assert_crumb(&c, "my_name", "function");
}

mod a69 {
    use super::*;

    #[monitored(op = "my_target")]
    pub fn m() {}

    #[breadcrumb(category = "my_target")]
    pub fn b() {}
}

#[test]
fn a69_op_literal() {
    let ((), c) = run(|| {
        a69::m();
        a69::b();
    });
    assert_child(&c, here!("a69::m"), "my_target", SpanStatus::Ok);
    assert_crumb(&c, here!("a69::b"), "my_target");
}

mod a70 {
    use super::*;

    #[monitored(op = "my_target", name = "my_name_a70")]
    pub fn m() {}

    #[breadcrumb(category = "my_target", message = "my_name_a70")]
    pub fn b() {}
}

#[test]
fn a70_name_and_op() {
    let ((), c) = run(|| {
        a70::m();
        a70::b();
    });
    assert_child(&c, "my_name_a70", "my_target", SpanStatus::Ok);
    assert_crumb(&c, "my_name_a70", "my_target");
}

/// A71: a local module named like the runtime (and like the SDK) next to the function;
/// generated code names the runtime by absolute path.
mod a71 {
    use ::monitor_runtime::{breadcrumb, capture_errors, monitored};

    #[allow(dead_code)]
    mod monitor_runtime {
        pub mod __private {}
    }

    #[allow(dead_code)]
    mod sentry {}

    #[monitored(data(f = "empty"))]
    pub fn m() {
        monitor_runtime_user::my_other_fn();
    }

    #[breadcrumb]
    pub fn b() {}

    #[capture_errors]
    pub fn c() -> Result<(), String> {
        Err("a71".into())
    }

    mod monitor_runtime_user {
        pub fn my_other_fn() {}
    }
}

#[test]
fn a71_local_module_named_like_runtime() {
    let (_, c) = run(|| {
        a71::m();
        a71::b();
        a71::c()
    });
    check(&c, here!("a71::m"), here!("a71::b"));
    assert_one_error(&c, here!("a71::c"), "String");
}

// ---------------------------------------------------------------------------------------
// levels.rs / names.rs / parents.rs / targets.rs

/// A72: functions named like the level words, with the matching level.
mod a72 {
    use super::*;

    #[breadcrumb(level = "debug")]
    pub fn debug() {}

    #[breadcrumb(level = "info")]
    pub fn info() {}

    #[breadcrumb(level = "warning")]
    pub fn warning() {}

    #[capture_errors(level = "error")]
    pub fn error() -> Result<(), String> {
        Err("error".into())
    }

    #[monitored(op = "fatal")]
    #[breadcrumb(level = "fatal")]
    pub fn fatal() {}
}

#[test]
fn a72_fns_named_like_levels() {
    let (_, c) = run(|| {
        a72::debug();
        a72::info();
        a72::warning();
        a72::fatal();
        a72::error()
    });
    let level = |name: &str| assert_crumb(&c, name, "function").level;
    assert_eq!(level(here!("a72::debug")), Level::Debug);
    assert_eq!(level(here!("a72::info")), Level::Info);
    assert_eq!(level(here!("a72::warning")), Level::Warning);
    assert_eq!(level(here!("a72::fatal")), Level::Fatal);
    assert_child(&c, here!("a72::fatal"), "fatal", SpanStatus::Ok);
    assert_eq!(
        assert_one_error(&c, here!("a72::error"), "String").level,
        Level::Error
    );
}

/// A73/A74: tracing's numeric and `Level::…` levels; ours: case-insensitive strings, and
/// `warn` for `warning`.
mod a73 {
    use super::*;

    #[breadcrumb(level = "DEBUG")]
    pub fn b() {}

    #[capture_errors(level = "WARN")]
    pub fn c() -> Result<(), String> {
        Err("warn".into())
    }

    #[monitored(op = "a73")]
    pub fn m() {}
}

#[test]
fn a73_level_case_insensitive() {
    let (_, c) = run(|| {
        a73::m();
        a73::b();
        a73::c()
    });
    assert_child(&c, here!("a73::m"), "a73", SpanStatus::Ok);
    assert_eq!(
        assert_crumb(&c, here!("a73::b"), "function").level,
        Level::Debug
    );
    assert_eq!(
        assert_one_error(&c, here!("a73::c"), "String").level,
        Level::Warning
    );
}

mod a74 {
    use super::*;

    #[breadcrumb(level = "Error")]
    pub fn b() {}

    #[monitored]
    #[capture_errors(level = "Fatal")]
    pub fn m() -> Result<(), String> {
        Err("fatal".into())
    }
}

#[test]
fn a74_level_each_value() {
    let (_, c) = run(|| {
        a74::b();
        a74::m()
    });
    assert_child(&c, here!("a74::m"), "function", ERR);
    assert_eq!(
        assert_crumb(&c, here!("a74::b"), "function").level,
        Level::Error
    );
    assert_eq!(
        assert_one_error(&c, here!("a74::m"), "String").level,
        Level::Fatal
    );
}

mod a75 {
    use super::*;

    #[monitored]
    pub fn default_name() {}

    #[breadcrumb]
    pub fn default_crumb() {}
}

#[test]
fn a75_default_name() {
    let ((), c) = run(|| {
        a75::default_name();
        a75::default_crumb();
    });
    check(&c, here!("a75::default_name"), here!("a75::default_crumb"));
}

mod a76 {
    use super::*;

    #[monitored(name = "my_name_a76")]
    pub fn m() {}

    #[breadcrumb(message = "my_name_a76")]
    pub fn b() {}
}

#[test]
fn a76_explicit_name() {
    let ((), c) = run(|| {
        a76::m();
        a76::b();
    });
    check(&c, "my_name_a76", "my_name_a76");
}

/// tracing's positional name, `#[instrument("name")]`, is not part of ours (an unknown
/// option); the shape with `name =`.
mod a77 {
    use super::*;

    #[monitored(name = "my_other_name")]
    pub fn m() {}

    #[breadcrumb(message = "my_other_name")]
    pub fn b() {}
}

#[test]
fn a77_name_instead_of_positional() {
    let ((), c) = run(|| {
        a77::m();
        a77::b();
    });
    check(&c, "my_other_name", "my_other_name");
}

mod a78 {
    use super::*;

    #[monitored]
    pub fn m() {}

    #[breadcrumb]
    pub fn b() {}
}

#[test]
fn a78_default_parent_with_and_without() {
    // With a current span: a child.
    let ((), c) = run(|| {
        a78::m();
        a78::b();
    });
    check(&c, here!("a78::m"), here!("a78::b"));
    // Without: its own transaction.
    let ((), c) = monitor_runtime::testing::capture(|| {
        a78::m();
        a78::b();
    });
    let tx = c.transaction(here!("a78::m"));
    assert_eq!(tx.root().op.as_deref(), Some("function"));
    assert_eq!(tx.status(), Some(SpanStatus::Ok));
    assert!(tx.spans().is_empty());
}

mod a79 {
    use super::*;

    #[monitored]
    pub fn m<P>(parent_span: P) -> Option<u64>
    where
        P: Into<Option<u64>>,
    {
        parent_span.into()
    }

    #[breadcrumb]
    pub fn b<P>(parent_span: P) -> Option<u64>
    where
        P: Into<Option<u64>>,
    {
        parent_span.into()
    }
}

#[test]
fn a79_generic_where_into_option() {
    let (out, c) = run(|| (a79::m(1), a79::b(None)));
    assert_eq!(out, (Some(1), None));
    check(&c, here!("a79::m"), here!("a79::b"));
}

#[monitored]
fn default_target() {}

#[breadcrumb]
fn default_crumb() {}

mod my_mod {
    use super::*;

    #[monitored]
    pub fn default_target() {}

    #[breadcrumb]
    pub fn default_crumb() {}
}

#[test]
fn a80_same_name_different_modules() {
    let ((), c) = run(|| {
        default_target();
        my_mod::default_target();
        default_crumb();
        my_mod::default_crumb();
    });
    check(&c, here!("default_target"), here!("default_crumb"));
    check(
        &c,
        here!("my_mod::default_target"),
        here!("my_mod::default_crumb"),
    );
}

mod a81 {
    use super::*;

    #[monitored(op = "my_target")]
    pub fn m() {}

    #[monitored(op = "my_other_target")]
    pub fn m2() {}

    #[breadcrumb(category = "my_other_target")]
    pub fn b() {}
}

#[test]
fn a81_op_variants() {
    let ((), c) = run(|| {
        a81::m();
        a81::m2();
        a81::b();
    });
    assert_child(&c, here!("a81::m"), "my_target", SpanStatus::Ok);
    assert_child(&c, here!("a81::m2"), "my_other_target", SpanStatus::Ok);
    assert_crumb(&c, here!("a81::b"), "my_other_target");
}

// ---------------------------------------------------------------------------------------
// ret.rs: ours does not record return values; `outcome` records ok/error/panic.

mod a82 {
    use super::*;

    #[monitored]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(outcome)]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a82_ret() {
    let (out, c) = run(|| (a82::m(), a82::b()));
    assert_eq!(out, (42, 42));
    check(&c, here!("a82::m"), here!("a82::b"));
    let outcome = assert_crumb(&c, concat!(here!("a82::b"), " returned ok"), "function");
    assert_eq!(outcome.data.get("outcome"), Some(&"ok".into()));
}

mod a83 {
    use super::*;

    #[monitored(op = "my_target")]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(category = "my_target", outcome)]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a83_ret_with_op() {
    let (_, c) = run(|| (a83::m(), a83::b()));
    assert_child(&c, here!("a83::m"), "my_target", SpanStatus::Ok);
    assert_crumb(&c, concat!(here!("a83::b"), " returned ok"), "my_target");
}

mod a84 {
    use super::*;

    #[monitored]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(level = "warning", outcome)]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a84_ret_with_level() {
    let (_, c) = run(|| (a84::m(), a84::b()));
    assert_ok_child(&c, here!("a84::m"));
    let outcome = assert_crumb(&c, concat!(here!("a84::b"), " returned ok"), "function");
    assert_eq!(outcome.level, Level::Warning);
}

mod a85 {
    use super::*;

    #[monitored]
    pub fn m(a: &mut i32) -> i32 {
        *a *= 2;
        probe_event("a85 inside m");
        *a
    }

    #[breadcrumb(outcome)]
    pub fn b(a: &mut i32) -> i32 {
        *a *= 2;
        *a
    }
}

#[test]
fn a85_ret_mut_param() {
    let mut a = 1;
    let (out, c) = run(|| (a85::m(&mut a), a85::b(&mut a)));
    assert_eq!(out, (2, 4));
    let span = assert_ok_child(&c, here!("a85::m"));
    assert_eq!(span_of_event(&c, "a85 inside m"), span.span_id);
    assert_crumb(&c, concat!(here!("a85::b"), " returned ok"), "function");
}

mod a86 {
    use super::*;

    #[monitored]
    pub async fn m() -> i32 {
        42
    }

    #[breadcrumb(outcome)]
    pub async fn b() -> i32 {
        42
    }
}

#[test]
fn a86_ret_async() {
    let (out, c) = run_async(async { (a86::m().await, a86::b().await) });
    assert_eq!(out, (42, 42));
    check(&c, here!("a86::m"), here!("a86::b"));
    assert_crumb(&c, concat!(here!("a86::b"), " returned ok"), "function");
}

mod a87 {
    use super::*;

    #[monitored]
    pub fn m() -> impl Copy {
        42
    }

    #[breadcrumb(outcome)]
    pub fn b() -> impl Copy {
        42
    }
}

#[test]
fn a87_ret_impl_copy() {
    let ((), c) = run(|| {
        let _ = (a87::m(), a87::b());
    });
    check(&c, here!("a87::m"), here!("a87::b"));
}

mod a88 {
    use super::*;

    #[monitored]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(message = "returns a Display value")]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a88_ret_display() {
    let (_, c) = run(|| (a88::m(), a88::b()));
    assert_ok_child(&c, here!("a88::m"));
    assert_crumb(&c, "returns a Display value", "function");
}

mod a89 {
    use super::*;

    #[monitored]
    pub fn m(a: u32) -> Result<u8, TryFromIntError> {
        u8::try_from(a)
    }

    #[breadcrumb(outcome)]
    pub fn b(a: u32) -> Result<u8, TryFromIntError> {
        u8::try_from(a)
    }

    #[capture_errors]
    pub fn c(a: u32) -> Result<u8, TryFromIntError> {
        u8::try_from(a)
    }
}

#[test]
fn a89_err_and_ret_err_path() {
    let (_, c) = run(|| {
        (
            a89::m(1234).is_err(),
            a89::b(1234).is_err(),
            a89::c(1234).is_err(),
        )
    });
    assert_child(&c, here!("a89::m"), "function", ERR);
    let outcome = assert_crumb(&c, concat!(here!("a89::b"), " returned error"), "function");
    assert_eq!(outcome.level, Level::Error);
    assert_one_error(&c, here!("a89::c"), "TryFromIntError");
}

#[test]
fn a90_err_and_ret_ok_path() {
    let (out, c) = run(|| (a89::m(12), a89::b(13), a89::c(14)));
    assert_eq!(out, (Ok(12), Ok(13), Ok(14)));
    assert_ok_child(&c, here!("a89::m"));
    assert_crumb(&c, concat!(here!("a89::b"), " returned ok"), "function");
    assert_no_errors(&c);
}

mod a91 {
    use super::*;

    #[monitored(op = "warn")]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(level = "info", outcome)]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a91_level_and_ret_level() {
    let (_, c) = run(|| (a91::m(), a91::b()));
    assert_child(&c, here!("a91::m"), "warn", SpanStatus::Ok);
    let outcome = assert_crumb(&c, concat!(here!("a91::b"), " returned ok"), "function");
    assert_eq!(outcome.level, Level::Info);
}

mod a92 {
    use super::*;

    #[monitored]
    pub fn m() -> i32 {
        42
    }

    #[breadcrumb(level = "warning", category = "debug", outcome)]
    pub fn b() -> i32 {
        42
    }
}

#[test]
fn a92_ret_level_debug() {
    let (_, c) = run(|| (a92::m(), a92::b()));
    assert_ok_child(&c, here!("a92::m"));
    let outcome = assert_crumb(&c, concat!(here!("a92::b"), " returned ok"), "debug");
    assert_eq!(outcome.level, Level::Warning);
}

// ---------------------------------------------------------------------------------------
// UI pass: a glob import in the body shadows the return type's name.

mod a93 {
    use super::*;

    pub type Foo = ();

    #[allow(dead_code)]
    pub enum Bar {
        Foo,
    }

    #[allow(unused_imports)]
    #[monitored]
    pub fn m() -> Foo {
        use Bar::*;
    }

    #[allow(unused_imports)]
    #[breadcrumb(outcome)]
    pub fn b() -> Foo {
        use Bar::*;
    }
}

#[test]
fn a93_type_shadowing_glob_import() {
    let ((), c) = run(|| {
        a93::m();
        a93::b();
    });
    check(&c, here!("a93::m"), here!("a93::b"));
}
