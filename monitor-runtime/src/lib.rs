//! Sentry error tracking and performance monitoring for Rust services, set up from the
//! environment in one line, with attribute macros for the functions you want to see.
//!
//! # Quick start
//!
//! Add `monitor-runtime` to your dependencies, call [`init!`] first thing in `main`, and
//! annotate functions:
//!
//! ```no_run
//! use monitor_runtime::{breadcrumb, capture_errors, monitored};
//!
//! #[derive(Debug, thiserror::Error)]
//! #[error("quiz {0} has no questions")]
//! struct EmptyQuiz(u64);
//!
//! #[breadcrumb(message = "scoring quiz {quiz_id}", category = "quiz")]
//! #[monitored(op = "quiz.score", data(quiz_id))]
//! #[capture_errors(tags(feature = "quiz"))]
//! fn score(quiz_id: u64, answers: &[u32]) -> Result<u32, EmptyQuiz> {
//!     if answers.is_empty() {
//!         return Err(EmptyQuiz(quiz_id));
//!     }
//!     Ok(answers.iter().sum())
//! }
//!
//! fn main() -> Result<(), monitor_runtime::ConfigError> {
//!     // Reads SENTRY_DSN, SENTRY_ENVIRONMENT, … ; keep the guard alive until the end of
//!     // main: dropping it flushes what is queued.
//!     let _monitor = monitor_runtime::init!()?;
//!     let _ = score(7, &[]);
//!     Ok(())
//! }
//! ```
//!
//! - [`monitored`] records a span (or a transaction) around each call, with its status;
//! - [`breadcrumb`] leaves a breadcrumb, so that a later error shows what led to it;
//! - [`capture_errors`] reports a returned `Err` as a Sentry exception, tagged.
//!
//! Without `SENTRY_DSN` the toolkit runs in **local mode**: events and transactions are
//! built as for Sentry and printed as one readable line each on stderr (and, with
//! `MONITOR_EVENTS_FILE=path`, written as JSON lines), so nothing needs an account to try.
//!
//! By hand, for what is not a whole function: [`PerformanceMonitor`] (a span as an RAII
//! guard), [`capture_message`], [`capture_error`], [`set_user`], [`set_tag`],
//! [`set_context`], [`add_breadcrumb`], and [`spawn`] (a task that stays in the current
//! trace).
//!
//! # Configuration
//!
//! Every setting has an environment variable and a builder method on [`Config`]; the
//! [`config`] module holds the table of variables, their accepted values and defaults.
//! Defaults come from the environment's [profile](config::Profile): `development` (every
//! trace, every event level, pretty logs) on hosts named like a laptop and in test runs,
//! `production` (10 % of traces, only `error` and `fatal` events, JSON logs) elsewhere.
//! A bad value never panics: [`init!`] returns a [`ConfigError`] that names each bad
//! variable, its value and what is accepted.
//!
//! ```
//! use monitor_runtime::config::{Config, MapEnv};
//!
//! let env = MapEnv::new()
//!     .var("SENTRY_ENVIRONMENT", "production")
//!     .var("SENTRY_TRACES_SAMPLE_RATE", "0.25");
//! let config = Config::from_source(&env)?.release("shop@1.4.0");
//! assert_eq!(config.resolved().traces_sample_rate(), 0.25);
//! # Ok::<(), monitor_runtime::ConfigError>(())
//! ```
//!
//! The other modules hold what a service uses beyond the macros:
//!
//! | Module | What it holds |
//! |---|---|
//! | [`config`] | [`Config`], the variables table, the environment profiles |
//! | [`metrics`] | counters, gauges, distributions and timings, with tags and units |
//! | [`propagation`] | trace headers in and out: continue an incoming trace, traced HTTP clients |
//! | [`sampling`] | `SENTRY_TRACES_SAMPLER` rules and tail sampling |
//! | [`scrub`] | the secret scrubber every event, log and transaction goes through |
//! | [`logging`] | structured logs with trace ids, and `tracing` bridged to Sentry |
//! | [`health`](mod@health) | the [`health()`] report: what the toolkit sends, drops and why |
//! | [`registry`] | every annotated function, collected at link time |
//! | [`cron`] | cron monitor check-ins |
//! | [`span`] | the toolkit's current span, for code that needs its ids or headers |
//! | [`transport`] | delivery counters and transport errors |
//!
//! # Testing
//!
//! With the `testing` feature (typically in `[dev-dependencies]`), `testing` runs code
//! against a client built exactly as [`init!`] builds it, with an in-memory destination,
//! and returns what would have been sent:
//!
//! ```
//! # #[cfg(feature = "testing")] {
//! use monitor_runtime::{monitored, testing};
//!
//! #[monitored(transaction, name = "nightly")]
//! fn nightly() {
//!     step();
//! }
//!
//! #[monitored(name = "step")]
//! fn step() {}
//!
//! let ((), captured) = testing::capture(nightly);
//! let nightly = captured.transaction("nightly");
//! assert_eq!(nightly.span("step").parent_span_id, Some(nightly.root().span_id));
//! # }
//! ```
//!
//! Each capture has its own hub, so tests run in parallel. `capture_async` does the same
//! for a future on a multi-thread runtime.
//!
//! # Feature flags
//!
//! | Feature | Default | What it adds |
//! |---|---|---|
//! | `anyhow` | yes | `#[capture_errors]` reports an `anyhow::Error` with its chain and backtrace |
//! | `testing` | no | the `testing` module: a capturing client to assert on |
//! | `reqwest` | no | `propagation::reqwest::TraceMiddleware`: `http.client` spans and trace headers for `reqwest-middleware` clients |
//! | `tower` | no | `propagation::tower`: an `http.client` layer for hyper/tower clients, and a layer that continues incoming traces on servers |
//! | `off` | no | build without instrumentation: the macros emit each item as written and [`init!`] binds no client; the API is unchanged, to measure your own baseline |
//!
//! The SDK is re-exported as [`sentry`], so that `Level`, `protocol` and the hub are at
//! hand without a second dependency that could drift from this one.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(missing_docs)]
// Library code reports failures; tests may unwrap.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

#[doc(hidden)]
#[path = "macro_support/mod.rs"]
pub mod __private;
mod capture;
pub mod config;
pub mod cron;
mod environment;
mod error_class;
mod filter;
pub mod health;
mod init;
mod integration;
pub mod logging;
pub mod metrics;
mod monitor;
mod pattern;
mod prepare;
pub mod propagation;
pub mod registry;
pub mod sampling;
mod scope;
pub mod scrub;
mod settings;
pub mod span;
mod spawn;
mod stack;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod trace_context;
pub mod transport;

#[doc = include_str!("docs/monitored.md")]
pub use monitor_macros::monitored;

#[doc = include_str!("docs/breadcrumb.md")]
pub use monitor_macros::breadcrumb;

#[doc = include_str!("docs/capture_errors.md")]
pub use monitor_macros::capture_errors;

/// The Sentry SDK the toolkit is built on, re-exported so that `Level`, `protocol` and the
/// hub come from the very version the toolkit uses.
pub use sentry;

pub use capture::{Report, capture_error, capture_message};
pub use config::{Config, ConfigError};
pub use error_class::ErrorClass;
pub use health::health;
pub use init::{Mode, MonitorGuard, init_with};
pub use integration::MonitorIntegration;
pub use monitor::{Entered, MonitorBuilder, PerformanceMonitor};
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
