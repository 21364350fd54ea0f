//! Which stacked attributes the toolkit takes over: only its own paths (bare names,
//! `monitor_runtime::…`, `monitor_macros::…`, and the runtime named by `crate = …`).
//! Another crate's attribute of the same name is left to that crate.

use std::sync::Mutex;

use monitor_runtime::{breadcrumb, monitored};
use monitor_tests::*;

/// Another crate's attribute whose last path segment is `breadcrumb`: tracing's
/// `#[instrument]` under a new name.
mod other {
    pub use ::tracing::instrument as breadcrumb;
}

mod reexport {
    pub use ::monitor_runtime as rt;
}

#[monitored]
#[other::breadcrumb(name = "traced_by_tracing")]
#[breadcrumb(category = "toolkit")]
fn both(x: u32) -> u32 {
    x + 1
}

#[monitored(crate = reexport::rt)]
#[reexport::rt::breadcrumb(category = "through-crate")]
fn fused_through_crate_path() -> u32 {
    2
}

/// Records the names of the `tracing` spans created.
struct SpanNames(Mutex<Vec<&'static str>>);

impl tracing::Subscriber for SpanNames {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut names = self.0.lock().expect("not poisoned");
        names.push(span.metadata().name());
        tracing::span::Id::from_u64(names.len() as u64)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn another_crates_attribute_of_the_same_name_is_left_alone() {
    let names = std::sync::Arc::new(SpanNames(Mutex::new(Vec::new())));
    let (out, c) = tracing::subscriber::with_default(names.clone(), || run(|| both(1)));
    assert_eq!(out, 2);
    assert_ok_child(&c, "claiming::both");
    // The toolkit's own `#[breadcrumb]` was fused: one crumb, in its category.
    assert_eq!(crumbs(&c).len(), 1);
    assert_crumb(&c, "claiming::both", "toolkit");
    // `#[other::breadcrumb]` stayed on the function and ran as what it is.
    let traced = names.0.lock().expect("not poisoned").clone();
    assert_eq!(traced, ["traced_by_tracing"]);
    let entry = monitor_runtime::registry::functions()
        .into_iter()
        .find(|f| f.name == "claiming::both")
        .expect("registered");
    assert_eq!(entry.macros, ["monitored", "breadcrumb"]);
}

#[test]
fn the_runtime_named_by_crate_is_the_toolkits() {
    let (out, c) = run(fused_through_crate_path);
    assert_eq!(out, 2);
    assert_ok_child(&c, "claiming::fused_through_crate_path");
    assert_crumb(&c, "claiming::fused_through_crate_path", "through-crate");
    let entry = monitor_runtime::registry::functions()
        .into_iter()
        .find(|f| f.name == "claiming::fused_through_crate_path")
        .expect("registered");
    assert_eq!(
        entry.macros,
        ["monitored", "breadcrumb"],
        "one entry: fused"
    );
}
