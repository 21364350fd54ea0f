//! `#[breadcrumb]`: a crumb when the function is called, and with `outcome` one more when
//! it returns (ok, error, panic, or cancelled for a future dropped early) with its
//! duration.
//!
//! Crumbs go to the current hub's scope, the caller's: never a forked one, so a later
//! error of the same request or task carries them, and no breadcrumb buffer is copied.

use std::time::Instant;

use sentry::protocol::{Breadcrumb, Map, Value};
use sentry::{Hub, Level};

use crate::registry::FnSite;

/// The message and data of a crumb, filled in by generated code only when a client is
/// enabled.
#[derive(Debug, Default)]
pub struct CrumbFields {
    message: Option<String>,
    data: Map<String, Value>,
}

impl CrumbFields {
    /// Sets the message (from `message = "…"`).
    pub fn message(&mut self, message: String) {
        self.message = Some(message);
    }

    /// Adds data (from `data(...)`).
    pub fn data<V: super::DataValue + ?Sized>(&mut self, key: &str, value: &V) {
        self.data.insert(key.to_owned(), value.to_data());
    }
}

/// Leaves the call crumb and returns the pending outcome crumb.
#[inline]
pub fn breadcrumb(
    site: &'static FnSite,
    category: &'static str,
    level: Level,
    outcome: bool,
    fill: impl FnOnce(&mut CrumbFields),
) -> CrumbCall {
    let Some(hub) = Hub::with_active(|hub| Some(hub.clone())) else {
        return CrumbCall { pending: None };
    };
    let mut fields = CrumbFields::default();
    fill(&mut fields);
    let message = fields.message.unwrap_or_else(|| site.name().to_owned());
    hub.add_breadcrumb(Breadcrumb {
        category: Some(category.to_owned()),
        message: Some(message),
        level,
        data: fields.data,
        ..Breadcrumb::default()
    });
    CrumbCall {
        pending: outcome.then(|| Pending {
            site,
            category,
            level,
            started: Instant::now(),
        }),
    }
}

/// The outcome crumb still to record; recorded as `panic` or `cancelled` if dropped
/// before [`CrumbCall::complete`].
///
/// It is `Send` and `Sync` (no interior mutability): an async function's future holds it
/// across its `.await`s, and that future may have to be `Sync` (a hand-written
/// `Pin<Box<dyn Future + Send + Sync>>`).
#[must_use]
pub struct CrumbCall {
    pending: Option<Pending>,
}

#[derive(Debug)]
struct Pending {
    site: &'static FnSite,
    category: &'static str,
    level: Level,
    started: Instant,
}

impl CrumbCall {
    /// Records the outcome crumb: `error` when `is_err`, else `ok`. Later calls do
    /// nothing.
    #[inline]
    pub fn complete(&mut self, is_err: bool) {
        if let Some(pending) = self.pending.take() {
            pending.record(if is_err { "error" } else { "ok" });
        }
    }
}

impl std::fmt::Debug for CrumbCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CrumbCall").finish_non_exhaustive()
    }
}

impl Drop for CrumbCall {
    fn drop(&mut self) {
        if let Some(pending) = self.pending.take() {
            pending.record(if std::thread::panicking() {
                "panic"
            } else {
                "cancelled"
            });
        }
    }
}

impl Pending {
    fn record(self, outcome: &'static str) {
        let duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let level = match outcome {
            "ok" => self.level,
            _ => self.level.max(Level::Error),
        };
        let mut data = Map::new();
        data.insert("outcome".to_owned(), Value::from(outcome));
        data.insert("duration_ms".to_owned(), Value::from(duration_ms));
        Hub::current().add_breadcrumb(Breadcrumb {
            category: Some(self.category.to_owned()),
            message: Some(format!("{} returned {outcome}", self.site.name())),
            level,
            data,
            ..Breadcrumb::default()
        });
    }
}
