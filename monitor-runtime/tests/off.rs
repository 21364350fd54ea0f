//! The `off` feature: the macros emit the function as written, and `init` binds no client,
//! so nothing is instrumented or sent while the code compiles unchanged. Run with
//! `cargo test -p monitor-runtime --features off --test off` (CI does).
#![cfg(feature = "off")]

use std::future::Future;

use monitor_runtime::{Config, PerformanceMonitor, breadcrumb, capture_errors, monitored};

#[monitored(name = "off.checkout", metrics, data(items))]
#[breadcrumb(outcome)]
#[capture_errors]
fn checkout(items: u32) -> Result<u32, String> {
    if items == 0 {
        Err("empty".into())
    } else {
        Ok(items)
    }
}

#[monitored(name = "off.refresh")]
async fn refresh() -> u32 {
    2
}

#[test]
fn nothing_is_instrumented_and_nothing_is_bound() {
    let guard = monitor_runtime::init_with(
        Config::default()
            .environment("development")
            .install_logging(false),
    )
    .expect("a valid configuration");
    assert!(
        guard.warnings().iter().any(|w| w.contains("`off` feature")),
        "{:?}",
        guard.warnings()
    );
    assert!(
        monitor_runtime::sentry::Hub::current().client().is_none(),
        "no client is bound"
    );
    assert_eq!(checkout(3), Ok(3));
    assert_eq!(checkout(0), Err("empty".into()));
    let monitor = PerformanceMonitor::start("by hand");
    assert!(!monitor.is_recording());
    let names: Vec<&str> = monitor_runtime::registry::functions()
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert!(
        !names.iter().any(|n| n.starts_with("off.")),
        "the macros registered nothing: {names:?}"
    );
    let mut future = std::pin::pin!(refresh());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert_eq!(future.as_mut().poll(&mut cx), std::task::Poll::Ready(2));
}
