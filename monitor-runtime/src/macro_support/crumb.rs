//! `#[breadcrumb]`: a crumb when the function is called, and with `outcome` one more when
//! it returns (ok, error, panic, or cancelled for a future dropped early) with its
//! duration.
//!
//! Crumbs go to the current hub's scope, the caller's: never a forked one, so a later
//! error of the same request or task carries them, and no breadcrumb buffer is copied.
//! The category, level and `outcome` flag are read from the function's [`FnSite`]; only
//! the message and data, which are expressions of the call, are filled in by generated
//! code, and only when a client is enabled.

use std::sync::Arc;
use std::time::Instant;

use sentry::protocol::{Breadcrumb, Map, Value};
use sentry::{Hub, Level};

use crate::registry::{CrumbSpec, FnSite};

/// The message and data of a crumb, filled in by generated code only when a client is
/// enabled, and the hub the crumb goes to.
#[derive(Debug)]
pub struct CrumbFields {
    hub: Arc<Hub>,
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

/// Fields to fill in for the call crumb; `None` when no client is enabled, so that the
/// message and data are not even evaluated.
#[inline]
pub fn crumb_begin() -> Option<CrumbFields> {
    Hub::with_active(|hub| {
        Some(CrumbFields {
            hub: hub.clone(),
            message: None,
            data: Map::new(),
        })
    })
}

/// Leaves the call crumb with `fields` and returns the pending outcome crumb.
#[inline(never)]
pub fn crumb_leave(site: &'static FnSite, fields: CrumbFields) -> CrumbCall {
    let Some(spec) = site.spec.crumb else {
        return CrumbCall::NONE;
    };
    let message = fields.message.unwrap_or_else(|| site.name().to_owned());
    fields.hub.add_breadcrumb(Breadcrumb {
        category: Some(spec.category.to_owned()),
        message: Some(message),
        level: spec.level,
        data: fields.data,
        ..Breadcrumb::default()
    });
    CrumbCall {
        pending: spec.outcome.then(|| Pending {
            site,
            spec,
            started: Instant::now(),
        }),
    }
}

/// Leaves the call crumb of a function with no `message` or `data`.
#[inline]
pub fn crumb(site: &'static FnSite) -> CrumbCall {
    match crumb_begin() {
        Some(fields) => crumb_leave(site, fields),
        None => CrumbCall::NONE,
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
    spec: CrumbSpec,
    started: Instant,
}

impl CrumbCall {
    /// Nothing to record when the call returns.
    pub const NONE: CrumbCall = CrumbCall { pending: None };

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
    #[inline(never)]
    fn record(self, outcome: &'static str) {
        let duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        let level = match outcome {
            "ok" => self.spec.level,
            _ => self.spec.level.max(Level::Error),
        };
        let mut data = Map::new();
        data.insert("outcome".to_owned(), Value::from(outcome));
        data.insert("duration_ms".to_owned(), Value::from(duration_ms));
        Hub::current().add_breadcrumb(Breadcrumb {
            category: Some(self.spec.category.to_owned()),
            message: Some(format!("{} returned {outcome}", self.site.name())),
            level,
            data,
            ..Breadcrumb::default()
        });
    }
}
