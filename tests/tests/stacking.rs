//! All three macros on one function, in every order: one span, one crumb, one event. The
//! outermost attribute expands the others; each one's options still apply.

use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::{breadcrumb, capture_errors, monitored};
use monitor_tests::*;

#[monitored(op = "p.mbc")]
#[breadcrumb(category = "mbc")]
#[capture_errors(tags(order = "mbc"))]
fn mbc(fail: bool) -> Result<u32, String> {
    if fail {
        Err("mbc failed".into())
    } else {
        Ok(1)
    }
}

#[monitored(op = "p.mcb")]
#[capture_errors(tags(order = "mcb"))]
#[breadcrumb(category = "mcb")]
fn mcb(fail: bool) -> Result<u32, String> {
    if fail {
        Err("mcb failed".into())
    } else {
        Ok(1)
    }
}

#[breadcrumb(category = "bmc")]
#[monitored(op = "p.bmc")]
#[capture_errors(tags(order = "bmc"))]
fn bmc(fail: bool) -> Result<u32, String> {
    if fail {
        Err("bmc failed".into())
    } else {
        Ok(1)
    }
}

#[breadcrumb(category = "bcm")]
#[capture_errors(tags(order = "bcm"))]
#[monitored(op = "p.bcm")]
fn bcm(fail: bool) -> Result<u32, String> {
    if fail {
        Err("bcm failed".into())
    } else {
        Ok(1)
    }
}

#[capture_errors(tags(order = "cmb"))]
#[monitored(op = "p.cmb")]
#[breadcrumb(category = "cmb")]
fn cmb(fail: bool) -> Result<u32, String> {
    if fail {
        Err("cmb failed".into())
    } else {
        Ok(1)
    }
}

#[capture_errors(tags(order = "cbm"))]
#[breadcrumb(category = "cbm")]
#[monitored(op = "p.cbm")]
fn cbm(fail: bool) -> Result<u32, String> {
    if fail {
        Err("cbm failed".into())
    } else {
        Ok(1)
    }
}

type Stacked = fn(bool) -> Result<u32, String>;

const ORDERS: [(&str, Stacked); 6] = [
    ("mbc", mbc),
    ("mcb", mcb),
    ("bmc", bmc),
    ("bcm", bcm),
    ("cmb", cmb),
    ("cbm", cbm),
];

#[test]
fn every_order_gives_one_span_one_crumb_one_event() {
    for (order, f) in ORDERS {
        let name = format!("stacking::{order}");
        let (out, c) = run(|| f(true));
        assert_eq!(out, Err(format!("{order} failed")));
        let tx = c.transaction(ROOT);
        assert_eq!(tx.spans().len(), 1, "{order}: one span\n{}", tx.tree());
        assert_child(&c, &name, &format!("p.{order}"), SpanStatus::InternalError);
        let crumbs = crumbs(&c);
        assert_eq!(crumbs.len(), 1, "{order}: one crumb {crumbs:?}");
        assert_crumb(&c, &name, order);
        let event = assert_one_error(&c, &name, "String");
        assert_eq!(event.tags.get("order").map(String::as_str), Some(order));
        // The event is captured inside the span, and carries the crumb.
        let span = tx.span(&name);
        assert_eq!(event_span_id(event), Some(span.span_id), "{order}");
        assert_eq!(
            crumb_messages(event),
            std::slice::from_ref(&name),
            "{order}"
        );
    }
}

#[test]
fn every_order_ok_path() {
    for (order, f) in ORDERS {
        let name = format!("stacking::{order}");
        let (out, c) = run(|| f(false));
        assert_eq!(out, Ok(1));
        assert_child(&c, &name, &format!("p.{order}"), SpanStatus::Ok);
        assert_eq!(crumbs(&c).len(), 1);
        assert_no_errors(&c);
    }
}

#[test]
fn registry_lists_the_macros_in_written_order() {
    let functions = monitor_runtime::registry::functions();
    for (order, _) in ORDERS {
        let name = format!("stacking::{order}");
        let f = functions
            .iter()
            .find(|f| f.name == name)
            .unwrap_or_else(|| panic!("{name} registered"));
        let expected: Vec<&str> = order
            .chars()
            .map(|c| match c {
                'm' => "monitored",
                'b' => "breadcrumb",
                _ => "capture_errors",
            })
            .collect();
        assert_eq!(f.macros, expected.as_slice(), "{name}");
        assert_eq!(f.op.map(str::to_owned), Some(format!("p.{order}")));
    }
    assert_eq!(
        functions
            .iter()
            .filter(|f| f.name.starts_with("stacking::"))
            .count(),
        ORDERS.len() + 3,
        "one entry per function, not per macro"
    );
}

// Async, with outcome: still one span, and the crumb pair of one call.

#[capture_errors(level = "warning")]
#[breadcrumb(outcome)]
#[monitored]
async fn async_stacked(fail: bool) -> Result<u32, String> {
    tokio::task::yield_now().await;
    if fail {
        Err("async failed".into())
    } else {
        Ok(2)
    }
}

#[breadcrumb(outcome)]
#[capture_errors]
#[monitored]
async fn async_stacked_other(fail: bool) -> Result<u32, String> {
    tokio::task::yield_now().await;
    if fail {
        Err("async other failed".into())
    } else {
        Ok(3)
    }
}

#[test]
fn async_stacked_with_outcome() {
    let (out, c) =
        run_async(async { (async_stacked(true).await, async_stacked_other(false).await) });
    assert_eq!(out, (Err("async failed".into()), Ok(3)));
    let tx = c.transaction(ROOT);
    assert_eq!(tx.spans().len(), 2, "{}", tx.tree());
    assert_child(
        &c,
        "stacking::async_stacked",
        "function",
        SpanStatus::InternalError,
    );
    assert_ok_child(&c, "stacking::async_stacked_other");
    assert_eq!(
        crumb_messages(end_event(&c)),
        [
            "stacking::async_stacked",
            "stacking::async_stacked returned error",
            "stacking::async_stacked_other",
            "stacking::async_stacked_other returned ok",
        ]
    );
    let event = assert_one_error(&c, "stacking::async_stacked", "String");
    assert_eq!(event.level, Level::Warning);
}

// Stacked under a full path and a `crate = …` on one of them.

mod reexport {
    pub use ::monitor_runtime as rt;
}

#[::monitor_runtime::capture_errors]
#[monitor_runtime::breadcrumb(crate = reexport::rt)]
#[monitor_runtime::monitored]
fn stacked_paths() -> Result<(), String> {
    Err("paths".into())
}

#[test]
fn stacked_by_path_with_crate_override() {
    let (_, c) = run(stacked_paths);
    assert_child(
        &c,
        "stacking::stacked_paths",
        "function",
        SpanStatus::InternalError,
    );
    assert_crumb(&c, "stacking::stacked_paths", "function");
    assert_one_error(&c, "stacking::stacked_paths", "String");
}
