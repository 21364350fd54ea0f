//! `#[monitored(metrics)]`: the RED metrics of every call (rate, errors, duration), sent
//! whatever the trace sampling decided.
//!
//! Each call sends one counter, `function.calls`, with the attributes `function`,
//! `result` (`ok`, `error`, or `cancelled` for a future dropped before it finished) and,
//! for an error, `error_type`; and one distribution, `function.duration`, in milliseconds,
//! with `function` and `result`. Both carry `objective` when the function declares one.
//! Names, keys and the function's name are `&'static str`: the toolkit allocates nothing
//! beyond what the SDK's metric builders do.

use std::borrow::Cow;
use std::time::Instant;

use sentry::protocol::Unit;

use crate::registry::FnSite;

/// The counter of calls.
pub const CALLS: &str = "function.calls";

/// The distribution of call durations, in milliseconds.
pub const DURATION: &str = "function.duration";

/// The metrics of one call, sent when it returns, panics (`error`, error type `panic`) or
/// is cancelled.
#[must_use]
#[derive(Debug)]
pub struct CallMetrics {
    pending: Option<(&'static FnSite, Instant)>,
}

impl CallMetrics {
    /// Starts timing a call; nothing when no client is enabled.
    #[inline]
    pub fn start(site: &'static FnSite) -> CallMetrics {
        CallMetrics {
            pending: super::errors::client_enabled().then(|| (site, Instant::now())),
        }
    }

    /// Sends the call's metrics; `error_type` is `Some` for an error.
    #[inline]
    pub fn finish(&mut self, error_type: Option<Cow<'static, str>>) {
        if let Some((site, started)) = self.pending.take() {
            match error_type {
                None => send(site, started, "ok", None),
                Some(error_type) => send(site, started, "error", Some(error_type)),
            }
        }
    }
}

impl Drop for CallMetrics {
    fn drop(&mut self) {
        if let Some((site, started)) = self.pending.take() {
            if std::thread::panicking() {
                send(site, started, "error", Some(Cow::Borrowed("panic")));
            } else {
                send(site, started, "cancelled", None);
            }
        }
    }
}

#[inline(never)]
fn send(
    site: &'static FnSite,
    started: Instant,
    result: &'static str,
    error_type: Option<Cow<'static, str>>,
) {
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let function = site.name();
    let objective = site.objective_name();
    // `#[capture_errors(error_type = "…")]` names the error the same way in the event and
    // in the metrics.
    let error_type = error_type.map(|found| {
        site.spec
            .capture
            .and_then(|c| c.error_type)
            .map_or(found, Cow::Borrowed)
    });

    let mut calls = sentry::metrics::counter(CALLS, 1)
        .attribute("function", function)
        .attribute("result", result);
    if let Some(error_type) = error_type {
        calls = calls.attribute("error_type", error_type);
    }
    if let Some(objective) = objective {
        calls = calls.attribute("objective", objective);
    }
    calls.capture();

    let mut duration = sentry::metrics::distribution(DURATION, duration_ms)
        .unit(Unit::Millisecond)
        .attribute("function", function)
        .attribute("result", result);
    if let Some(objective) = objective {
        duration = duration.attribute("objective", objective);
    }
    duration.capture();
}
