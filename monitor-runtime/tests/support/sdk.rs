//! Helpers shared by the tests that mix the toolkit with the SDK's own transactions.

use monitor_runtime::sentry::{self, TransactionContext};

/// Runs `f` inside an SDK transaction on the scope, as `sentry-tower` (one per request)
/// or `sentry-tracing` make one.
pub fn in_sdk_transaction<R>(name: &str, f: impl FnOnce() -> R) -> R {
    let tx = sentry::start_transaction(TransactionContext::new(name, "http.server"));
    sentry::configure_scope(|scope| scope.set_span(Some(tx.clone().into())));
    let out = f();
    sentry::configure_scope(|scope| scope.set_span(None));
    tx.finish();
    out
}
