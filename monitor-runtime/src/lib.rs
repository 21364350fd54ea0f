//! The runtime of the monitor toolkit: Sentry error tracking and performance monitoring
//! for Rust services, set up from the environment in one line.
//!
//! ```no_run
//! use monitor_runtime::{monitored, breadcrumb, capture_errors};
//!
//! fn main() -> Result<(), monitor_runtime::ConfigError> {
//!     let _monitor = monitor_runtime::init!()?;
//!     // ...
//!     Ok(())
//! }
//! ```
//!
//! See `README.md` for the tour and `ARCHITECTURE.md` for how the parts fit.

#![warn(missing_docs)]
// Library code reports failures; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

#[doc(hidden)]
#[path = "macro_support/mod.rs"]
pub mod __private;
pub mod capture;
pub mod config;
pub mod cron;
pub mod environment;
pub mod error_class;
pub mod filter;
pub mod health;
mod init;
pub mod integration;
pub mod logging;
pub mod metrics;
pub mod monitor;
pub mod pattern;
mod prepare;
pub mod propagation;
pub mod registry;
pub mod sampling;
pub mod scope;
pub mod scrub;
mod settings;
pub mod span;
mod spawn;
mod stack;
#[cfg(feature = "testing")]
pub mod testing;
mod trace_context;
pub mod transport;

#[doc = include_str!("docs/monitored.md")]
pub use monitor_macros::monitored;

#[doc = include_str!("docs/breadcrumb.md")]
pub use monitor_macros::breadcrumb;

#[doc = include_str!("docs/capture_errors.md")]
pub use monitor_macros::capture_errors;
pub use sentry;

pub use capture::{Report, capture_error, capture_message};
pub use config::{Config, ConfigError};
pub use error_class::ErrorClass;
pub use health::health;
pub use init::{Mode, MonitorGuard, init_with};
pub use integration::MonitorIntegration;
pub use monitor::PerformanceMonitor;
pub use scope::{User, add_breadcrumb, clear_user, set_context, set_tag, set_user};
pub use spawn::{InTrace, in_current_trace, spawn};

/// The crate README's example, compiled and run as a doctest so that it stays true (the
/// workspace README's examples are doctests of the workspace's `tests` crate).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
mod readme {}

/// Initialises Sentry from the environment; see [`init_with`].
///
/// Expands in your crate, so the default release is `<your crate>@<its version>`;
/// `SENTRY_RELEASE` wins over it. Returns `Result<MonitorGuard, ConfigError>`.
///
/// `init!(config)` starts from a [`Config`] you built instead of the environment.
///
/// ```no_run
/// let _monitor = monitor_runtime::init!().expect("invalid monitoring configuration");
/// ```
#[macro_export]
macro_rules! init {
    () => {
        $crate::Config::from_env().and_then(|config| $crate::init!(config))
    };
    ($config:expr) => {{
        let config: $crate::Config = $config;
        match ::core::option_env!("CARGO_PKG_NAME").zip(::core::option_env!("CARGO_PKG_VERSION")) {
            ::core::option::Option::Some((name, version)) => {
                $crate::init_with(config.default_release(::std::format!("{}@{}", name, version)))
            }
            ::core::option::Option::None => $crate::init_with(config),
        }
    }};
}
