//! 3.E: extra shapes from issues and probes, including the four where
//! `#[tracing::instrument]` fails (D1, D2, D3, D4) and the one where it reports the wrong
//! `#[track_caller]` location (D5).

use std::error::Error;
use std::fmt::Debug;
use std::num::ParseIntError;
use std::panic::{AssertUnwindSafe, Location, catch_unwind};

use super::*;

// ---------------------------------------------------------------------------------------
// D1/D2: returns that borrow a `&mut` argument (tracing: "closure implements `Fn`" and
// "captured variable cannot escape `FnMut` closure body").

mod d1 {
    use super::*;

    #[monitored]
    pub fn m(x: &mut u32) -> &u32 {
        x
    }

    #[breadcrumb(outcome)]
    pub fn b(x: &mut u32) -> &u32 {
        x
    }
}

#[test]
fn d1_returns_borrow_of_mut_arg() {
    let (mut x, mut y) = (1, 2);
    let (out, c) = run(|| (*d1::m(&mut x), *d1::b(&mut y)));
    assert_eq!(out, (1, 2));
    check(&c, here!("d1::m"), here!("d1::b"));
}

#[allow(clippy::ptr_arg)]
mod d2 {
    use super::*;

    #[monitored]
    pub fn m(v: &mut Vec<u8>) -> Result<&mut u8, String> {
        v.first_mut().ok_or_else(|| "empty".to_owned())
    }

    #[breadcrumb(outcome)]
    pub fn b(v: &mut Vec<u8>) -> Result<&mut u8, String> {
        v.first_mut().ok_or_else(|| "empty".to_owned())
    }

    #[capture_errors]
    pub fn c(v: &mut Vec<u8>) -> Result<&mut u8, String> {
        v.first_mut().ok_or_else(|| "empty".to_owned())
    }
}

#[test]
fn d2_returns_mut_borrow_in_result() {
    let mut v = vec![1u8];
    let mut empty = Vec::new();
    let ((), c) = run(|| {
        *d2::m(&mut v).expect("an element") += 1;
        *d2::b(&mut v).expect("an element") += 1;
        *d2::c(&mut v).expect("an element") += 1;
        assert!(d2::c(&mut empty).is_err());
    });
    assert_eq!(v, [4]);
    check(&c, here!("d2::m"), here!("d2::b"));
    let event = assert_one_error(&c, here!("d2::c"), "String");
    assert_eq!(exception_values(event), ["empty"]);
}

// ---------------------------------------------------------------------------------------
// D3: `-> !` (tracing: E0658 on its `let … : !` hint).

mod d3 {
    use super::*;

    #[monitored]
    pub fn m() -> ! {
        panic!("d3 m never returns")
    }

    #[breadcrumb(outcome)]
    pub fn b() -> ! {
        panic!("d3 b never returns")
    }

    // `loop {}` cannot be called in a test; it must compile and be registered.
    #[allow(dead_code, clippy::empty_loop)]
    #[monitored]
    pub fn m_loop() -> ! {
        loop {}
    }

    #[allow(dead_code, clippy::empty_loop)]
    #[breadcrumb]
    pub fn b_loop() -> ! {
        loop {}
    }
}

#[test]
fn d3_never_returns() {
    let ((), c) = run(|| {
        assert!(catch_unwind(|| d3::m()).is_err());
        assert!(catch_unwind(|| d3::b()).is_err());
    });
    assert_child(&c, here!("d3::m"), "function", ERR);
    assert_crumb(&c, here!("d3::b"), "function");
    let outcome = assert_crumb(&c, concat!(here!("d3::b"), " returned panic"), "function");
    assert_eq!(outcome.data.get("outcome"), Some(&"panic".into()));
    let names: Vec<_> = monitor_runtime::registry::functions()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(names.contains(&here!("d3::m_loop")), "{names:?}");
    assert!(names.contains(&here!("d3::b_loop")), "{names:?}");
}

// ---------------------------------------------------------------------------------------
// D4: a `#[cfg]`-ed out parameter (tracing: E0425 on the missing binding).

mod d4 {
    use super::*;

    #[monitored(data(shown))]
    pub fn m(#[cfg(any())] hidden: u32, shown: u32) -> u32 {
        shown
    }

    #[breadcrumb(data(shown))]
    pub fn b(#[cfg(any())] hidden: u32, shown: u32) -> u32 {
        shown
    }

    #[capture_errors(data(shown))]
    pub fn c(#[cfg(any())] hidden: u32, shown: u32) -> Result<u32, String> {
        Err(format!("{shown}"))
    }
}

#[test]
fn d4_cfg_param() {
    let (out, c) = run(|| (d4::m(1), d4::b(2), d4::c(3)));
    assert_eq!(out, (1, 2, Err("3".to_owned())));
    let span = assert_ok_child(&c, here!("d4::m"));
    assert_eq!(span.data.get("shown"), Some(&1.into()));
    assert_crumb(&c, here!("d4::b"), "function");
    let event = assert_one_error(&c, here!("d4::c"), "String");
    let context = format!("{:?}", event.contexts.get("capture_errors"));
    assert!(context.contains("shown"), "{context}");
}

// ---------------------------------------------------------------------------------------
// D5: `#[track_caller]` keeps `Location::caller()` = the caller, on every exit (tail,
// `return`, `?`), and with all three macros stacked.

mod d5 {
    use super::*;

    fn fails(fail: bool) -> Result<(), String> {
        if fail {
            Err("failed".to_owned())
        } else {
            Ok(())
        }
    }

    #[track_caller]
    #[monitored]
    pub fn m(fail: bool) -> Result<u32, String> {
        fails(fail)?;
        Ok(Location::caller().line())
    }

    #[track_caller]
    #[breadcrumb(outcome)]
    pub fn b(fail: bool) -> Result<u32, String> {
        if fail {
            return Err(format!("{}", Location::caller().line()));
        }
        Ok(Location::caller().line())
    }

    #[track_caller]
    #[capture_errors]
    pub fn c(fail: bool) -> Result<u32, String> {
        if fail {
            return Err(format!("line {}", Location::caller().line()));
        }
        Ok(Location::caller().line())
    }

    #[capture_errors]
    #[track_caller]
    #[breadcrumb]
    #[monitored]
    pub fn all(fail: bool) -> Result<u32, String> {
        fails(fail)?;
        Ok(Location::caller().line())
    }
}

#[test]
fn d5_track_caller_keeps_caller_location() {
    let ((), c) = run(|| {
        assert_eq!(d5::m(false), Ok(line!()));
        assert_eq!(d5::b(false), Ok(line!()));
        assert_eq!(d5::c(false), Ok(line!()));
        assert_eq!(d5::all(false), Ok(line!()));
        assert!(d5::m(true).is_err());
        assert_eq!(d5::b(true), Err(line!().to_string()));
        assert_eq!(d5::c(true), Err(format!("line {}", line!())));
        assert!(d5::all(true).is_err());
    });
    let tx = c.transaction(ROOT);
    let statuses: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == here!("d5::m"))
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, [Some(SpanStatus::Ok), Some(ERR)], "{}", tx.tree());
    let all: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == here!("d5::all"))
        .map(|s| s.status)
        .collect();
    assert_eq!(all, [Some(SpanStatus::Ok), Some(ERR)], "{}", tx.tree());
    assert_crumb(&c, concat!(here!("d5::b"), " returned error"), "function");
    let errors = errors(&c);
    assert_eq!(errors.len(), 2, "c and all");
}

// ---------------------------------------------------------------------------------------
// D6: parameters named like the expansion's own bindings (see also `hygiene.rs`).

mod d6 {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    #[monitored(data(monitor_span))]
    pub fn m(
        monitor_site: u32,
        monitor_ret: u32,
        monitor_span: u32,
        monitor_guard: u32,
        monitor_out: u32,
        monitor_crumb: u32,
        __monitor_runtime_path: u32,
        __tracing_attr_span: u32,
    ) -> u32 {
        monitor_site
            + monitor_ret
            + monitor_span
            + monitor_guard
            + monitor_out
            + monitor_crumb
            + __monitor_runtime_path
            + __tracing_attr_span
    }

    #[breadcrumb(outcome, data(monitor_crumb))]
    pub fn b(monitor_crumb: u32, monitor_fields: u32, monitor_site: u32) -> u32 {
        monitor_crumb + monitor_fields + monitor_site
    }

    #[capture_errors(data(monitor_err))]
    pub fn c(monitor_err: u32, monitor_capture: u32) -> Result<u32, String> {
        Err(format!("{}", monitor_err + monitor_capture))
    }
}

#[test]
fn d6_params_named_like_internal_bindings() {
    let (out, c) = run(|| (d6::m(1, 1, 1, 1, 1, 1, 1, 1), d6::b(1, 2, 3), d6::c(4, 5)));
    assert_eq!(out, (8, 6, Err("9".to_owned())));
    let span = assert_ok_child(&c, here!("d6::m"));
    assert_eq!(span.data.get("monitor_span"), Some(&1.into()));
    assert_crumb(&c, here!("d6::b"), "function");
    assert_one_error(&c, here!("d6::c"), "String");
}

// ---------------------------------------------------------------------------------------
// D7: qualifiers and outer attributes.

mod d7 {
    use super::*;

    /// # Safety
    /// `p` must be valid for reads. The body is an unsafe context, also inside the
    /// closure the expansion moves it into.
    #[allow(unsafe_op_in_unsafe_fn)]
    #[monitored]
    pub unsafe fn uns_m(p: *const u8) -> u8 {
        *p
    }

    /// # Safety
    /// `p` must be valid for reads.
    #[breadcrumb(outcome)]
    pub unsafe fn uns_b(p: *const u8) -> u8 {
        // SAFETY: the caller's promise.
        unsafe { *p }
    }

    #[monitored]
    pub extern "C" fn ext_m(a: u32) -> u32 {
        a + 1
    }

    #[breadcrumb]
    pub extern "C" fn ext_b(a: u32) -> u32 {
        a + 1
    }

    #[monitored]
    pub(crate) fn vis_m() -> u32 {
        7
    }

    #[breadcrumb]
    pub(crate) fn vis_b() -> u32 {
        7
    }

    #[must_use]
    #[monitored]
    pub fn must_m() -> u32 {
        1
    }

    #[must_use]
    #[breadcrumb(outcome)]
    pub fn must_b() -> u32 {
        1
    }

    #[inline]
    #[monitored]
    pub fn inline_m() -> u32 {
        2
    }

    #[inline(always)]
    #[breadcrumb]
    pub fn inline_b() -> u32 {
        2
    }

    /// A documented function.
    #[monitored]
    pub fn doc_m() -> u32 {
        3
    }

    /// A documented function.
    #[breadcrumb]
    pub fn doc_b() -> u32 {
        3
    }
}

#[test]
fn d7_unsafe_fn() {
    let byte = 5u8;
    // SAFETY: `&byte` is valid for reads.
    let (out, c) = run(|| unsafe { (d7::uns_m(&byte), d7::uns_b(&byte)) });
    assert_eq!(out, (5, 5));
    check(&c, here!("d7::uns_m"), here!("d7::uns_b"));
}

#[test]
fn d7_extern_c_fn() {
    let (out, c) = run(|| (d7::ext_m(1), d7::ext_b(2)));
    assert_eq!(out, (2, 3));
    check(&c, here!("d7::ext_m"), here!("d7::ext_b"));
}

#[test]
fn d7_pub_crate_fn() {
    let (out, c) = run(|| (d7::vis_m(), d7::vis_b()));
    assert_eq!(out, (7, 7));
    check(&c, here!("d7::vis_m"), here!("d7::vis_b"));
}

#[test]
#[deny(unfulfilled_lint_expectations)]
fn d7_must_use_still_warns() {
    let ((), c) = run(|| {
        // `#[must_use]` survives the expansion: without it the expectations fail.
        #[expect(unused_must_use)]
        d7::must_m();
        #[expect(unused_must_use)]
        d7::must_b();
    });
    check(&c, here!("d7::must_m"), here!("d7::must_b"));
}

#[test]
fn d7_inline_fn() {
    let (out, c) = run(|| (d7::inline_m(), d7::inline_b()));
    assert_eq!(out, (2, 2));
    check(&c, here!("d7::inline_m"), here!("d7::inline_b"));
}

#[test]
fn d7_doc_comment_fn() {
    let (out, c) = run(|| (d7::doc_m(), d7::doc_b()));
    assert_eq!(out, (3, 3));
    check(&c, here!("d7::doc_m"), here!("d7::doc_b"));
}

// ---------------------------------------------------------------------------------------
// D8: parameter kinds.

mod d8 {
    use super::*;

    #[monitored]
    pub fn impl_arg_m(x: impl Debug) -> String {
        format!("{x:?}")
    }

    #[breadcrumb]
    pub fn impl_arg_b(x: impl Debug) -> String {
        format!("{x:?}")
    }

    #[monitored]
    pub fn dyn_arg_m(x: &dyn Debug) -> String {
        format!("{x:?}")
    }

    #[breadcrumb]
    pub fn dyn_arg_b(x: &dyn Debug) -> String {
        format!("{x:?}")
    }

    #[monitored]
    pub fn boxed_m(x: Box<dyn Debug + Send>) -> String {
        format!("{x:?}")
    }

    #[breadcrumb]
    pub fn boxed_b(x: Box<dyn Debug + Send>) -> String {
        format!("{x:?}")
    }

    #[monitored]
    pub fn wild_m(_: u32, _y: u32) -> u32 {
        0
    }

    #[breadcrumb]
    pub fn wild_b(_: u32, _y: u32) -> u32 {
        0
    }

    #[monitored]
    pub fn mut_param_m(mut x: u32) -> u32 {
        x += 1;
        x
    }

    #[breadcrumb]
    pub fn mut_param_b(mut x: u32) -> u32 {
        x += 1;
        x
    }

    #[allow(clippy::toplevel_ref_arg)]
    #[monitored]
    pub fn ref_pat_m(ref x: u32) -> u32 {
        *x
    }

    #[allow(clippy::toplevel_ref_arg)]
    #[breadcrumb]
    pub fn ref_pat_b(ref x: u32) -> u32 {
        *x
    }

    #[monitored(data(len = a.len() + b.len()))]
    pub fn slice_arr_m(a: &[u8], b: [u8; 4]) -> usize {
        a.len() + b.len()
    }

    #[breadcrumb(data(b))]
    pub fn slice_arr_b(a: &[u8], b: [u8; 4]) -> usize {
        a.len() + b.len()
    }

    #[monitored]
    pub fn const_gen_m<const N: usize>(a: [u8; N]) -> usize {
        a.len()
    }

    #[breadcrumb]
    pub fn const_gen_b<const N: usize>(a: [u8; N]) -> usize {
        a.len()
    }

    #[monitored]
    pub fn lifetimes_m<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str {
        x
    }

    #[breadcrumb(outcome)]
    pub fn lifetimes_b<'a, 'b: 'a>(x: &'a str, _y: &'b str) -> &'a str {
        x
    }

    #[monitored]
    pub fn fn_ptr_m(f: fn(u32) -> u32) -> u32 {
        f(1)
    }

    #[breadcrumb]
    pub fn fn_ptr_b(f: fn(u32) -> u32) -> u32 {
        f(1)
    }

    #[monitored]
    pub fn closure_arg_m<F: Fn(u32) -> u32>(f: F) -> u32 {
        f(2)
    }

    #[breadcrumb]
    pub fn closure_arg_b<F: Fn(u32) -> u32>(f: F) -> u32 {
        f(2)
    }
}

#[test]
fn d8_impl_trait_arg() {
    let (out, c) = run(|| (d8::impl_arg_m(1), d8::impl_arg_b("a")));
    assert_eq!(out, ("1".to_owned(), "\"a\"".to_owned()));
    check(&c, here!("d8::impl_arg_m"), here!("d8::impl_arg_b"));
}

#[test]
fn d8_dyn_arg() {
    let (out, c) = run(|| (d8::dyn_arg_m(&1), d8::dyn_arg_b(&2)));
    assert_eq!(out, ("1".to_owned(), "2".to_owned()));
    check(&c, here!("d8::dyn_arg_m"), here!("d8::dyn_arg_b"));
}

#[test]
fn d8_boxed_dyn_arg() {
    let (out, c) = run(|| (d8::boxed_m(Box::new(1)), d8::boxed_b(Box::new(2))));
    assert_eq!(out, ("1".to_owned(), "2".to_owned()));
    check(&c, here!("d8::boxed_m"), here!("d8::boxed_b"));
}

#[test]
fn d8_wildcard_params() {
    let (out, c) = run(|| (d8::wild_m(1, 2), d8::wild_b(3, 4)));
    assert_eq!(out, (0, 0));
    check(&c, here!("d8::wild_m"), here!("d8::wild_b"));
}

#[test]
fn d8_mut_param() {
    let (out, c) = run(|| (d8::mut_param_m(1), d8::mut_param_b(2)));
    assert_eq!(out, (2, 3));
    check(&c, here!("d8::mut_param_m"), here!("d8::mut_param_b"));
}

#[test]
fn d8_ref_pattern_param() {
    let (out, c) = run(|| (d8::ref_pat_m(1), d8::ref_pat_b(2)));
    assert_eq!(out, (1, 2));
    check(&c, here!("d8::ref_pat_m"), here!("d8::ref_pat_b"));
}

#[test]
fn d8_slice_and_array_params() {
    let (out, c) = run(|| {
        (
            d8::slice_arr_m(&[1], [0; 4]),
            d8::slice_arr_b(&[], [1, 2, 3, 4]),
        )
    });
    assert_eq!(out, (5, 4));
    let span = assert_ok_child(&c, here!("d8::slice_arr_m"));
    assert_eq!(span.data.get("len"), Some(&5.into()));
    let crumb = assert_crumb(&c, here!("d8::slice_arr_b"), "function");
    assert_eq!(
        crumb.data.get("b"),
        Some(&monitor_runtime::__private::serde_json::json!([1, 2, 3, 4]))
    );
}

#[test]
fn d8_const_generic_param() {
    let (out, c) = run(|| (d8::const_gen_m([0; 3]), d8::const_gen_b([0; 5])));
    assert_eq!(out, (3, 5));
    check(&c, here!("d8::const_gen_m"), here!("d8::const_gen_b"));
}

#[test]
fn d8_lifetime_params() {
    let (out, c) = run(|| {
        let (x, y) = (String::from("x"), String::from("y"));
        (
            d8::lifetimes_m(&x, &y).to_owned(),
            d8::lifetimes_b(&y, &x).to_owned(),
        )
    });
    assert_eq!(out, ("x".to_owned(), "y".to_owned()));
    check(&c, here!("d8::lifetimes_m"), here!("d8::lifetimes_b"));
}

#[test]
fn d8_fn_pointer_param() {
    let (out, c) = run(|| (d8::fn_ptr_m(|x| x + 1), d8::fn_ptr_b(|x| x * 10)));
    assert_eq!(out, (2, 10));
    check(&c, here!("d8::fn_ptr_m"), here!("d8::fn_ptr_b"));
}

#[test]
fn d8_closure_param() {
    let k = 3;
    let (out, c) = run(|| (d8::closure_arg_m(|x| x + k), d8::closure_arg_b(|x| x * k)));
    assert_eq!(out, (5, 6));
    check(&c, here!("d8::closure_arg_m"), here!("d8::closure_arg_b"));
}

// ---------------------------------------------------------------------------------------
// D9: return types.

#[allow(clippy::disallowed_names)]
mod d9 {
    use super::*;

    #[monitored]
    pub fn tuple_m() -> (u32, String) {
        (1, "one".into())
    }

    #[breadcrumb]
    pub fn tuple_b() -> (u32, String) {
        (1, "one".into())
    }

    #[monitored]
    pub fn option_q_m(v: Option<u32>) -> Option<u32> {
        let x = v?;
        Some(x + 1)
    }

    #[breadcrumb(outcome)]
    pub fn option_q_b(v: Option<u32>) -> Option<u32> {
        let x = v?;
        Some(x + 1)
    }

    #[monitored]
    pub fn box_dyn_err_m(s: &str) -> Result<u32, Box<dyn Error>> {
        Ok(s.parse::<u32>()?)
    }

    #[breadcrumb(outcome)]
    pub fn box_dyn_err_b(s: &str) -> Result<u32, Box<dyn Error>> {
        Ok(s.parse::<u32>()?)
    }

    #[capture_errors]
    pub fn box_dyn_err_c(s: &str) -> Result<u32, Box<dyn Error>> {
        Ok(s.parse::<u32>()?)
    }

    #[monitored]
    pub fn impl_fn_m() -> impl Fn(u32) -> u32 {
        |x| x + 1
    }

    #[breadcrumb]
    pub fn impl_fn_b() -> impl Fn(u32) -> u32 {
        |x| x + 2
    }

    #[monitored]
    pub fn impl_iter_ret_m<'a>(v: &'a [u8]) -> impl Iterator<Item = &'a u8> + 'a {
        v.iter()
    }

    #[breadcrumb]
    pub fn impl_iter_ret_b<'a>(v: &'a [u8]) -> impl Iterator<Item = &'a u8> + 'a {
        v.iter()
    }

    #[monitored]
    pub fn impl_both_m(ok: bool) -> Result<impl Debug, impl Error> {
        if ok {
            Ok(1)
        } else {
            "x".parse::<u8>().map(|_| 0)
        }
    }

    #[breadcrumb(outcome)]
    pub fn impl_both_b(ok: bool) -> Result<impl Debug, impl Error> {
        if ok {
            Ok(1)
        } else {
            "x".parse::<u8>().map(|_| 0)
        }
    }

    #[capture_errors]
    pub fn impl_both_c(ok: bool) -> Result<impl Debug, impl Error> {
        if ok {
            Ok(1)
        } else {
            "x".parse::<u8>().map(|_| 0)
        }
    }

    #[monitored]
    pub fn do_something_m(foo: &str) -> Result<&'static str, impl Error + Send + Sync + 'static> {
        foo.parse::<u8>().map(|_| "parsed")
    }

    #[breadcrumb]
    pub fn do_something_b(foo: &str) -> Result<&'static str, impl Error + Send + Sync + 'static> {
        foo.parse::<u8>().map(|_| "parsed")
    }

    #[capture_errors]
    pub fn do_something_c(foo: &str) -> Result<&'static str, impl Error + Send + Sync + 'static> {
        foo.parse::<u8>().map(|_| "parsed")
    }
}

#[test]
fn d9_tuple_return() {
    let (out, c) = run(|| (d9::tuple_m(), d9::tuple_b()));
    assert_eq!(out.0, (1, "one".to_owned()));
    check(&c, here!("d9::tuple_m"), here!("d9::tuple_b"));
}

#[test]
fn d9_option_try() {
    let (out, c) = run(|| (d9::option_q_m(Some(1)), d9::option_q_b(None)));
    assert_eq!(out, (Some(2), None));
    // `None` is not an error: the outcome is ok.
    check(&c, here!("d9::option_q_m"), here!("d9::option_q_b"));
    assert_crumb(
        &c,
        concat!(here!("d9::option_q_b"), " returned ok"),
        "function",
    );
}

#[test]
fn d9_box_dyn_error_through_try() {
    let (out, c) = run(|| {
        (
            d9::box_dyn_err_m("1").ok(),
            d9::box_dyn_err_b("x").is_err(),
            d9::box_dyn_err_c("y").is_err(),
        )
    });
    assert_eq!(out, (Some(1), true, true));
    assert_ok_child(&c, here!("d9::box_dyn_err_m"));
    assert_crumb(
        &c,
        concat!(here!("d9::box_dyn_err_b"), " returned error"),
        "function",
    );
    let event = assert_one_error(&c, here!("d9::box_dyn_err_c"), "ParseIntError");
    assert_eq!(exception_values(event), ["invalid digit found in string"]);
}

#[test]
fn d9_returns_impl_fn() {
    let (out, c) = run(|| (d9::impl_fn_m()(1), d9::impl_fn_b()(1)));
    assert_eq!(out, (2, 3));
    check(&c, here!("d9::impl_fn_m"), here!("d9::impl_fn_b"));
}

#[test]
fn d9_returns_impl_iterator_with_lifetime() {
    let v = [1u8, 2, 3];
    let (out, c) = run(|| {
        (
            d9::impl_iter_ret_m(&v).count(),
            d9::impl_iter_ret_b(&v).copied().sum::<u8>(),
        )
    });
    assert_eq!(out, (3, 6));
    check(
        &c,
        here!("d9::impl_iter_ret_m"),
        here!("d9::impl_iter_ret_b"),
    );
}

#[test]
fn d9_result_of_impl_debug_and_impl_error() {
    let (out, c) = run(|| {
        (
            d9::impl_both_m(false).is_err(),
            d9::impl_both_b(true).is_ok(),
            d9::impl_both_c(false).is_err(),
        )
    });
    assert_eq!(out, (true, true, true));
    assert_child(&c, here!("d9::impl_both_m"), "function", ERR);
    assert_crumb(
        &c,
        concat!(here!("d9::impl_both_b"), " returned ok"),
        "function",
    );
    assert_one_error(&c, here!("d9::impl_both_c"), "ParseIntError");
}

#[test]
fn d9_result_of_impl_error_send_sync() {
    let (out, c) = run(|| {
        (
            d9::do_something_m("1").ok(),
            d9::do_something_b("2").ok(),
            d9::do_something_c("x").is_err(),
        )
    });
    assert_eq!(out, (Some("parsed"), Some("parsed"), true));
    check(&c, here!("d9::do_something_m"), here!("d9::do_something_b"));
    assert_one_error(&c, here!("d9::do_something_c"), "ParseIntError");
}

// ---------------------------------------------------------------------------------------
// D10: bodies.

mod d10 {
    use super::*;

    #[monitored]
    pub fn early_return_m(x: u32) -> u32 {
        if x > 1 {
            return 1;
        }
        0
    }

    #[breadcrumb(outcome)]
    pub fn early_return_b(x: u32) -> u32 {
        if x > 1 {
            return 1;
        }
        0
    }

    #[monitored]
    pub fn labelled_block_m() -> u32 {
        'blk: {
            if labelled_block_b() == 1 {
                break 'blk 1;
            }
            2
        }
    }

    #[breadcrumb]
    pub fn labelled_block_b() -> u32 {
        'blk: {
            break 'blk 1;
        }
    }

    #[monitored]
    pub fn labelled_loop_m() -> u32 {
        let mut i = 0;
        'outer: loop {
            i += 1;
            if i == 3 {
                break 'outer i;
            }
        }
    }

    #[breadcrumb]
    pub fn labelled_loop_b() -> u32 {
        let mut i = 0;
        'outer: loop {
            i += 1;
            if i == 4 {
                break 'outer i;
            }
        }
    }

    #[monitored]
    pub fn nested_items_m() -> u32 {
        const K: u32 = 2;
        fn helper() -> u32 {
            K * 2
        }
        helper()
    }

    #[breadcrumb]
    pub fn nested_items_b() -> u32 {
        const K: u32 = 3;
        fn helper() -> u32 {
            K * 2
        }
        helper()
    }

    #[monitored]
    pub fn local_macro_m() -> u32 {
        macro_rules! twice {
            ($e:expr) => {
                $e * 2
            };
        }
        twice!(5)
    }

    #[breadcrumb]
    pub fn local_macro_b() -> u32 {
        macro_rules! twice {
            ($e:expr) => {
                $e * 2
            };
        }
        twice!(6)
    }

    #[monitored]
    pub fn inference_m(n: u32) -> Vec<u32> {
        (0..n).collect()
    }

    #[breadcrumb(outcome)]
    pub fn inference_b(n: u8) -> u64 {
        n.into()
    }

    #[allow(clippy::too_many_arguments)]
    #[monitored]
    pub fn common_names_m(span: u32, guard: u32, e: u32, x: u32, result: u32, caller: u32) -> u32 {
        span + guard + e + x + result + caller
    }

    #[breadcrumb(outcome, data(span, e))]
    pub fn common_names_b(span: u32, guard: u32, e: u32, x: u32, result: u32, caller: u32) -> u32 {
        span + guard + e + x + result + caller
    }

    #[monitored]
    pub fn fib_m(n: u64) -> u64 {
        if n < 2 {
            n
        } else {
            fib_m(n - 1) + fib_m(n - 2)
        }
    }

    #[breadcrumb]
    pub fn fib_b(n: u64) -> u64 {
        if n < 2 {
            n
        } else {
            fib_b(n - 1) + fib_b(n - 2)
        }
    }
}

#[test]
fn d10_early_return() {
    let (out, c) = run(|| (d10::early_return_m(2), d10::early_return_b(0)));
    assert_eq!(out, (1, 0));
    check(
        &c,
        here!("d10::early_return_m"),
        here!("d10::early_return_b"),
    );
    assert_crumb(
        &c,
        concat!(here!("d10::early_return_b"), " returned ok"),
        "function",
    );
}

#[test]
fn d10_labelled_block() {
    let (out, c) = run(d10::labelled_block_m);
    assert_eq!(out, 1);
    let span = assert_ok_child(&c, here!("d10::labelled_block_m"));
    // The crumb left inside `m` went to the caller's scope.
    assert_crumb(&c, here!("d10::labelled_block_b"), "function");
    assert!(c.transaction(ROOT).children_of(span.span_id).is_empty());
}

#[test]
fn d10_labelled_loop_break_value() {
    let (out, c) = run(|| (d10::labelled_loop_m(), d10::labelled_loop_b()));
    assert_eq!(out, (3, 4));
    check(
        &c,
        here!("d10::labelled_loop_m"),
        here!("d10::labelled_loop_b"),
    );
}

#[test]
fn d10_nested_items() {
    let (out, c) = run(|| (d10::nested_items_m(), d10::nested_items_b()));
    assert_eq!(out, (4, 6));
    check(
        &c,
        here!("d10::nested_items_m"),
        here!("d10::nested_items_b"),
    );
}

#[test]
fn d10_local_macro_rules() {
    let (out, c) = run(|| (d10::local_macro_m(), d10::local_macro_b()));
    assert_eq!(out, (10, 12));
    check(&c, here!("d10::local_macro_m"), here!("d10::local_macro_b"));
}

#[test]
fn d10_return_type_inference() {
    let (out, c) = run(|| (d10::inference_m(3), d10::inference_b(7)));
    assert_eq!(out, (vec![0, 1, 2], 7));
    check(&c, here!("d10::inference_m"), here!("d10::inference_b"));
}

#[test]
fn d10_params_named_span_guard_e_x_result_caller() {
    let (out, c) = run(|| {
        (
            d10::common_names_m(1, 2, 3, 4, 5, 6),
            d10::common_names_b(1, 1, 1, 1, 1, 1),
        )
    });
    assert_eq!(out, (21, 6));
    check(
        &c,
        here!("d10::common_names_m"),
        here!("d10::common_names_b"),
    );
    let crumb = assert_crumb(&c, here!("d10::common_names_b"), "function");
    assert_eq!(crumb.data.get("span"), Some(&1.into()));
}

#[test]
fn d10_recursion_fib() {
    let (out, c) = run(|| (d10::fib_m(4), d10::fib_b(3)));
    assert_eq!(out, (3, 2));
    let tx = c.transaction(ROOT);
    let spans = tx.spans();
    // fib(4) makes 9 calls: one child of the root, the rest nested under it.
    assert_eq!(spans.len(), 9, "{}", tx.tree());
    let top = tx.children_of(tx.root().span_id);
    assert_eq!(top.len(), 1, "{}", tx.tree());
    assert_eq!(top[0].name, here!("d10::fib_m"));
    assert_eq!(tx.children_of(top[0].span_id).len(), 2);
    assert_eq!(
        crumb_messages(end_event(&c))
            .iter()
            .filter(|m| *m == here!("d10::fib_b"))
            .count(),
        5
    );
}

// ---------------------------------------------------------------------------------------
// D11: methods and receivers.

#[allow(clippy::boxed_local)]
mod d11 {
    use super::*;

    #[derive(Debug, Default, Clone, PartialEq)]
    pub struct S(pub Vec<u8>);

    impl S {
        #[monitored]
        pub fn new_m() -> Self {
            S(vec![1])
        }

        #[breadcrumb]
        pub fn new_b() -> Self {
            S(vec![2])
        }

        #[monitored]
        pub fn by_val_m(self) -> usize {
            self.0.len()
        }

        #[breadcrumb]
        pub fn by_val_b(self) -> usize {
            self.0.len()
        }

        #[monitored]
        pub fn mut_self_m(mut self) -> Self {
            self.0.push(9);
            self
        }

        #[breadcrumb]
        pub fn mut_self_b(mut self) -> Self {
            self.0.push(8);
            self
        }

        #[monitored(data(b))]
        pub fn ref_mut_m(&mut self, b: u8) {
            self.0.push(b);
        }

        #[breadcrumb(data(b))]
        pub fn ref_mut_b(&mut self, b: u8) {
            self.0.push(b);
        }

        #[monitored]
        pub fn boxed_m(self: Box<Self>) -> usize {
            self.0.len()
        }

        #[breadcrumb]
        pub fn boxed_b(self: Box<Self>) -> usize {
            self.0.len()
        }

        #[monitored]
        pub fn pinned_m(self: Pin<&mut Self>) -> usize {
            self.get_mut().0.len()
        }

        #[breadcrumb]
        pub fn pinned_b(self: Pin<&mut Self>) -> usize {
            self.get_mut().0.len()
        }

        #[monitored]
        pub fn returns_ref_m(&self) -> &[u8] {
            &self.0
        }

        #[breadcrumb(outcome)]
        pub fn returns_ref_b(&self) -> &[u8] {
            &self.0
        }

        #[monitored]
        pub async fn async_ref_m(&self) -> &[u8] {
            tokio::task::yield_now().await;
            &self.0
        }

        #[breadcrumb(outcome)]
        pub async fn async_ref_b(&self) -> &[u8] {
            &self.0
        }

        #[monitored]
        pub async fn async_mut_m(&mut self, b: u8) -> Result<&mut Vec<u8>, String> {
            tokio::task::yield_now().await;
            if b == 0 {
                return Err("zero".into());
            }
            self.0.push(b);
            Ok(&mut self.0)
        }

        #[breadcrumb(outcome)]
        pub async fn async_mut_b(&mut self, b: u8) -> Result<&mut Vec<u8>, String> {
            self.0.push(b);
            Ok(&mut self.0)
        }

        #[capture_errors]
        pub async fn async_mut_c(&mut self, b: u8) -> Result<&mut Vec<u8>, String> {
            tokio::task::yield_now().await;
            if b == 0 {
                return Err("zero".into());
            }
            self.0.push(b);
            Ok(&mut self.0)
        }
    }

    pub struct W<T>(pub T);

    impl<T: Debug + Clone> W<T> {
        #[monitored]
        pub fn get_m(&self) -> &T {
            &self.0
        }

        #[breadcrumb]
        pub fn get_b(&self) -> &T {
            &self.0
        }

        #[monitored]
        pub fn get_ret_m(&self) -> T {
            self.0.clone()
        }

        #[breadcrumb(outcome)]
        pub fn get_ret_b(&self) -> T {
            self.0.clone()
        }
    }
}

#[test]
fn d11_new_returns_self() {
    let (out, c) = run(|| (d11::S::new_m(), d11::S::new_b()));
    assert_eq!(out, (d11::S(vec![1]), d11::S(vec![2])));
    check(&c, here!("d11::S::new_m"), here!("d11::S::new_b"));
}

#[test]
fn d11_self_by_value() {
    let (out, c) = run(|| (d11::S(vec![1]).by_val_m(), d11::S(vec![]).by_val_b()));
    assert_eq!(out, (1, 0));
    check(&c, here!("d11::S::by_val_m"), here!("d11::S::by_val_b"));
}

#[test]
fn d11_mut_self_by_value() {
    let (out, c) = run(|| (d11::S(vec![]).mut_self_m(), d11::S(vec![]).mut_self_b()));
    assert_eq!(out, (d11::S(vec![9]), d11::S(vec![8])));
    check(&c, here!("d11::S::mut_self_m"), here!("d11::S::mut_self_b"));
}

#[test]
fn d11_ref_mut_self() {
    let mut s = d11::S::default();
    let ((), c) = run(|| {
        s.ref_mut_m(1);
        s.ref_mut_b(2);
    });
    assert_eq!(s.0, [1, 2]);
    let span = assert_ok_child(&c, here!("d11::S::ref_mut_m"));
    assert_eq!(span.data.get("b"), Some(&1.into()));
    assert_crumb(&c, here!("d11::S::ref_mut_b"), "function");
}

#[test]
fn d11_boxed_self() {
    let (out, c) = run(|| {
        (
            Box::new(d11::S(vec![1, 2])).boxed_m(),
            Box::new(d11::S(vec![])).boxed_b(),
        )
    });
    assert_eq!(out, (2, 0));
    check(&c, here!("d11::S::boxed_m"), here!("d11::S::boxed_b"));
}

#[test]
fn d11_pinned_self() {
    let mut s = d11::S(vec![1]);
    let (out, c) = run(|| (Pin::new(&mut s).pinned_m(), Pin::new(&mut s).pinned_b()));
    assert_eq!(out, (1, 1));
    check(&c, here!("d11::S::pinned_m"), here!("d11::S::pinned_b"));
}

#[test]
fn d11_returns_ref_of_self() {
    let s = d11::S(vec![3]);
    let (out, c) = run(|| (s.returns_ref_m().len(), s.returns_ref_b().len()));
    assert_eq!(out, (1, 1));
    check(
        &c,
        here!("d11::S::returns_ref_m"),
        here!("d11::S::returns_ref_b"),
    );
}

#[test]
fn d11_async_returns_ref_of_self() {
    let (out, c) = run_async(async {
        let s = d11::S(vec![3, 4]);
        (s.async_ref_m().await.len(), s.async_ref_b().await.len())
    });
    assert_eq!(out, (2, 2));
    check(
        &c,
        here!("d11::S::async_ref_m"),
        here!("d11::S::async_ref_b"),
    );
}

#[test]
fn d11_async_mut_self_returns_mut_borrow_in_result() {
    let (out, c) = run_async(async {
        let mut s = d11::S(vec![]);
        s.async_mut_m(1).await.expect("pushed").push(10);
        s.async_mut_b(2).await.expect("pushed").push(20);
        s.async_mut_c(3).await.expect("pushed").push(30);
        let errs = (
            s.async_mut_m(0).await.is_err(),
            s.async_mut_c(0).await.is_err(),
        );
        (s.0, errs)
    });
    assert_eq!(out, (vec![1, 10, 2, 20, 3, 30], (true, true)));
    let tx = c.transaction(ROOT);
    let statuses: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == here!("d11::S::async_mut_m"))
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, [Some(SpanStatus::Ok), Some(ERR)]);
    assert_crumb(&c, here!("d11::S::async_mut_b"), "function");
    assert_one_error(&c, here!("d11::S::async_mut_c"), "String");
}

/// Settled: the default name of a method of a generic impl is `module::W::get_m`, without
/// the `<_>` that `type_name` prints, the same for every instantiation.
#[test]
fn d11_generic_impl_methods() {
    let (out, c) = run(|| {
        let w = d11::W("a");
        let v = d11::W(1u8);
        (*w.get_m(), *w.get_b(), v.get_ret_m(), v.get_ret_b())
    });
    assert_eq!(out, ("a", "a", 1, 1));
    check(&c, here!("d11::W::get_m"), here!("d11::W::get_b"));
    check(&c, here!("d11::W::get_ret_m"), here!("d11::W::get_ret_b"));
}

// ---------------------------------------------------------------------------------------
// D12: traits.

mod d12 {
    use super::*;

    pub trait Tr {
        #[monitored]
        fn default_m(&self) -> u32 {
            1
        }

        #[breadcrumb]
        fn default_b(&self) -> u32 {
            1
        }

        fn required_m(&self) -> u32;
        fn required_b(&self) -> u32;
        fn native_async_m(&self) -> impl Future<Output = u32> + Send;
        fn native_async_b(&self) -> impl Future<Output = u32> + Send;
    }

    pub struct X;

    impl Tr for X {
        #[monitored]
        fn required_m(&self) -> u32 {
            2
        }

        #[breadcrumb]
        fn required_b(&self) -> u32 {
            2
        }

        #[monitored]
        async fn native_async_m(&self) -> u32 {
            tokio::task::yield_now().await;
            3
        }

        #[breadcrumb]
        async fn native_async_b(&self) -> u32 {
            3
        }
    }
}

/// Settled: a default method is named after the trait (`module::Tr::default_m`, the same
/// for every implementor); an impl's method after both (`<module::X as module::Tr>::m`).
#[test]
fn d12_trait_default_method() {
    use d12::Tr;
    let (out, c) = run(|| (d12::X.default_m(), d12::X.default_b()));
    assert_eq!(out, (1, 1));
    check(&c, here!("d12::Tr::default_m"), here!("d12::Tr::default_b"));
}

#[test]
fn d12_trait_impl_required_method() {
    use d12::Tr;
    let (out, c) = run(|| (d12::X.required_m(), d12::X.required_b()));
    assert_eq!(out, (2, 2));
    check(
        &c,
        qualified!("d12::X" as "d12::Tr", "required_m"),
        qualified!("d12::X" as "d12::Tr", "required_b"),
    );
}

#[test]
fn d12_native_async_fn_in_trait_impl() {
    use d12::Tr;
    let (out, c) =
        run_async(async { (d12::X.native_async_m().await, d12::X.native_async_b().await) });
    assert_eq!(out, (3, 3));
    check(
        &c,
        qualified!("d12::X" as "d12::Tr", "native_async_m"),
        qualified!("d12::X" as "d12::Tr", "native_async_b"),
    );
}

/// `#[async_trait]` on a trait whose default method carries the toolkit attribute: the
/// trait-level async-trait expands first, then the method's attribute sees the rewritten
/// `Box::pin(async move { … })` body (the method-level order is A12–A18b).
mod d12_async_trait {
    use super::*;

    #[async_trait::async_trait]
    pub trait Service {
        fn id(&self) -> u32;

        #[monitored(data(id = self.id()))]
        async fn default_m(&self, v: u32) -> u32 {
            tokio::task::yield_now().await;
            self.id() + v
        }

        #[breadcrumb(message = "default {v}", outcome)]
        async fn default_b(&self, v: u32) -> u32 {
            self.id() + v
        }

        #[capture_errors]
        async fn default_c(&self, fail: bool) -> Result<u32, String> {
            if fail {
                Err(format!("service {} failed", self.id()))
            } else {
                Ok(self.id())
            }
        }
    }

    pub struct Impl;

    #[async_trait::async_trait]
    impl Service for Impl {
        fn id(&self) -> u32 {
            10
        }
    }
}

#[test]
fn d12_async_trait_default_method() {
    use d12_async_trait::Service;
    let (out, c) = run_async(async {
        let s = d12_async_trait::Impl;
        (
            s.default_m(1).await,
            s.default_b(2).await,
            s.default_c(false).await,
            s.default_c(true).await.is_err(),
        )
    });
    assert_eq!(out, (11, 12, Ok(10), true));
    let span = assert_ok_child(&c, here!("d12_async_trait::Service::default_m"));
    assert_eq!(span.data.get("id"), Some(&10.into()));
    assert_crumb(&c, "default 2", "function");
    assert_crumb(
        &c,
        concat!(here!("d12_async_trait::Service::default_b"), " returned ok"),
        "function",
    );
    let event = assert_one_error(&c, here!("d12_async_trait::Service::default_c"), "String");
    assert_eq!(exception_values(event), ["service 10 failed"]);
}

// ---------------------------------------------------------------------------------------
// D13: async.

mod d13 {
    use super::*;

    #[monitored]
    pub async fn gen_async_m<T: Debug + Send>(x: T) -> T {
        tokio::task::yield_now().await;
        x
    }

    #[breadcrumb]
    pub async fn gen_async_b<T: Debug + Send>(x: T) -> T {
        x
    }

    #[monitored]
    pub async fn where_async_m<T>(x: T) -> usize
    where
        T: AsRef<[u8]> + Send,
    {
        tokio::task::yield_now().await;
        x.as_ref().len()
    }

    #[breadcrumb]
    pub async fn where_async_b<T>(x: T) -> usize
    where
        T: AsRef<[u8]> + Send,
    {
        x.as_ref().len()
    }

    #[monitored]
    pub async fn async_q_m(s: &str) -> Result<u32, ParseIntError> {
        tokio::task::yield_now().await;
        let v = s.parse::<u32>()?;
        Ok(v)
    }

    #[breadcrumb(outcome)]
    pub async fn async_q_b(s: &str) -> Result<u32, ParseIntError> {
        let v = s.parse::<u32>()?;
        Ok(v)
    }

    #[capture_errors]
    pub async fn async_q_c(s: &str) -> Result<u32, ParseIntError> {
        tokio::task::yield_now().await;
        let v = s.parse::<u32>()?;
        Ok(v)
    }

    #[monitored]
    pub async fn early_m(x: u32) -> u32 {
        if x == 0 {
            return 0;
        }
        tokio::task::yield_now().await;
        x
    }

    #[breadcrumb(outcome)]
    pub async fn early_b(x: u32) -> u32 {
        if x == 0 {
            return 0;
        }
        x
    }

    #[monitored]
    pub async fn async_borrow_m(v: &mut Vec<u8>) -> usize {
        tokio::task::yield_now().await;
        v.push(1);
        v.len()
    }

    #[breadcrumb]
    pub async fn async_borrow_b(v: &mut Vec<u8>) -> usize {
        v.push(2);
        v.len()
    }

    /// Not an async tail (the future comes from a call): the span covers building the
    /// future only, and `gen_async_m` is a child of whoever first polls it.
    #[monitored]
    pub fn spawnable_m() -> impl Future<Output = u32> + Send {
        gen_async_m(1u32)
    }

    #[breadcrumb]
    pub fn spawnable_b() -> impl Future<Output = u32> + Send {
        gen_async_b(2u32)
    }

    #[monitored]
    pub async fn slow_m() {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }

    #[breadcrumb(outcome)]
    pub async fn slow_b() {
        tokio::time::sleep(Duration::from_secs(60)).await;
    }
}

use std::time::Duration;

#[test]
fn d13_generic_async() {
    let (out, c) = run_async(async { (d13::gen_async_m("x").await, d13::gen_async_b(2).await) });
    assert_eq!(out, ("x", 2));
    check(&c, here!("d13::gen_async_m"), here!("d13::gen_async_b"));
}

#[test]
fn d13_where_clause_async() {
    let (out, c) = run_async(async {
        (
            d13::where_async_m(vec![1u8, 2]).await,
            d13::where_async_b("abc").await,
        )
    });
    assert_eq!(out, (2, 3));
    check(&c, here!("d13::where_async_m"), here!("d13::where_async_b"));
}

#[test]
fn d13_async_try() {
    let (out, c) = run_async(async {
        (
            d13::async_q_m("x").await.is_err(),
            d13::async_q_b("1").await.ok(),
            d13::async_q_c("y").await.is_err(),
        )
    });
    assert_eq!(out, (true, Some(1), true));
    assert_child(&c, here!("d13::async_q_m"), "function", ERR);
    assert_crumb(
        &c,
        concat!(here!("d13::async_q_b"), " returned ok"),
        "function",
    );
    assert_one_error(&c, here!("d13::async_q_c"), "ParseIntError");
}

#[test]
fn d13_async_early_return() {
    let (out, c) = run_async(async { (d13::early_m(0).await, d13::early_b(0).await) });
    assert_eq!(out, (0, 0));
    check(&c, here!("d13::early_m"), here!("d13::early_b"));
}

#[test]
fn d13_async_mut_borrow_param() {
    let (out, c) = run_async(async {
        let mut v = Vec::new();
        (
            d13::async_borrow_m(&mut v).await,
            d13::async_borrow_b(&mut v).await,
        )
    });
    assert_eq!(out, (1, 2));
    check(
        &c,
        here!("d13::async_borrow_m"),
        here!("d13::async_borrow_b"),
    );
}

#[test]
fn d13_send_future_from_sync_fn() {
    let (out, c) = run_async(async {
        let m = tokio::spawn(d13::spawnable_m()).await.expect("joined");
        let b = tokio::spawn(d13::spawnable_b()).await.expect("joined");
        (m, b)
    });
    assert_eq!(out, (1, 2));
    check(&c, here!("d13::spawnable_m"), here!("d13::spawnable_b"));
}

#[test]
fn d13_cancelled_future_finishes_span() {
    let (out, c) = run_async(async {
        let m = tokio::time::timeout(Duration::from_millis(20), d13::slow_m()).await;
        let b = tokio::time::timeout(Duration::from_millis(20), d13::slow_b()).await;
        (m.is_err(), b.is_err())
    });
    assert_eq!(out, (true, true), "both timed out");
    assert_child(&c, here!("d13::slow_m"), "function", SpanStatus::Cancelled);
    assert_crumb(&c, here!("d13::slow_b"), "function");
    let outcome = assert_crumb(
        &c,
        concat!(here!("d13::slow_b"), " returned cancelled"),
        "function",
    );
    assert_eq!(outcome.data.get("outcome"), Some(&"cancelled".into()));
}

// ---------------------------------------------------------------------------------------
// D14: runtime semantics.

mod d14 {
    use super::*;

    #[monitored]
    pub fn work() -> u32 {
        1
    }

    /// Like an annotated `fn main()` that initialises Sentry inside itself.
    #[monitored]
    pub fn main_like() -> monitor_runtime::testing::Captured {
        let (_, captured) = monitor_runtime::testing::capture(work);
        captured
    }

    #[monitored]
    #[breadcrumb]
    pub fn panics(x: u32) -> u32 {
        if x > 0 {
            panic!("d14 panics");
        }
        x
    }

    #[monitored(span)]
    pub fn span_only() -> u32 {
        4
    }

    #[breadcrumb]
    #[capture_errors]
    pub fn fails() -> Result<(), String> {
        Err("no client".into())
    }
}

/// Decided: a monitored function that itself sets up the client records nothing for
/// itself (no client when it starts); what runs under the client is recorded as usual.
#[test]
fn d14_client_initialised_inside_the_function() {
    let captured = d14::main_like();
    let tx = captured.transaction(here!("d14::work"));
    assert!(tx.spans().is_empty());
    assert_eq!(captured.transactions().len(), 1);
}

#[test]
fn d14_panic_inside_body() {
    let ((), c) = run(|| {
        let r = catch_unwind(AssertUnwindSafe(|| d14::panics(1)));
        assert!(r.is_err());
    });
    assert_child(&c, here!("d14::panics"), "function", ERR);
    // The crumb left before the panic is kept.
    assert_crumb(&c, here!("d14::panics"), "function");
}

#[test]
fn d14_no_active_transaction() {
    // A client but no span: `span` records nothing; errors are still captured.
    let ((), c) = monitor_runtime::testing::capture(|| {
        assert_eq!(d14::span_only(), 4);
        assert!(d14::fails().is_err());
    });
    assert!(c.transactions().is_empty());
    assert_eq!(errors(&c).len(), 1);
    // No client at all: nothing happens, nothing fails.
    assert_eq!(d14::span_only(), 4);
    assert!(d14::fails().is_err());
    assert_eq!(d14::panics(0), 0);
    assert_eq!(block_on(async { d13::early_m(3).await }), 3);
}
