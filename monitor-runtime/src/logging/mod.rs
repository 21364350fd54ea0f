//! Structured logging tied to traces: `tracing` events as JSON or readable lines that carry
//! the Sentry trace they belong to, and bridged to Sentry.
//!
//! `init` installs this as the global `tracing` subscriber (unless
//! [`Config::install_logging`] is `false`):
//!
//! | layer | receives | from `Config` |
//! |---|---|---|
//! | lines ([`LineFormat`]) on stdout | events passing `RUST_LOG` / `LOG_LEVEL` | `log_filter()`, `log_format()` |
//! | `sentry-tracing`'s `BreadcrumbLayer` | `INFO` and `WARN` events, as breadcrumbs | always |
//! | `sentry-tracing`'s `ErrorLayer` | `ERROR` events, as Sentry error events | always |
//! | `sentry-tracing`'s `LogLayer` | `INFO` and above, as Sentry logs | `SENTRY_ENABLE_LOGS=true` |
//! | `sentry-tracing`'s `SpanLayer` | `INFO` spans, as Sentry spans | opt-in: [`Logging::span_layer`] |
//!
//! Each layer has its own level filter, so a quiet `LOG_LEVEL=warn` still leaves `INFO`
//! breadcrumbs for the next error, and a `DEBUG` event never reaches Sentry. `ERROR` events
//! are not breadcrumbs too: the error event they become already says it.
//!
//! Lines, error events and Sentry logs emitted inside a `#[monitored]` call or an entered
//! [`PerformanceMonitor`](crate::PerformanceMonitor) carry that span's ids, not just the
//! request's ([`current_trace_ids`]). `#[monitored]` emits no `tracing` span, so with the
//! `SpanLayer` on nothing is recorded twice; `SpanLayer` is off by default because it forks a
//! hub each time a span is entered.
//!
//! An application that installs its own subscriber sets `install_logging(false)` and adds the
//! toolkit's layers to it:
//!
//! ```
//! use monitor_runtime::{Config, logging};
//! use tracing_subscriber::prelude::*;
//!
//! let config = Config::default().install_logging(false);
//! let subscriber = tracing_subscriber::registry()
//!     // .with(your_own_layer)
//!     .with(logging::layers(&config)?);
//! # let _ = subscriber;
//! // subscriber.init();
//! # Ok::<(), monitor_runtime::ConfigError>(())
//! ```
//!
//! or only the Sentry bridge, if it formats lines itself: [`sentry_layers`].

mod format;
mod trace;

use std::io::IsTerminal;
use std::sync::Arc;

use sentry::integrations::tracing::{BreadcrumbLayer, ErrorLayer, LogLayer, SpanLayer};
use tracing::{Level, Subscriber};
use tracing_subscriber::filter::{EnvFilter, LevelFilter, filter_fn};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::layer::{Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

pub use self::format::LineFormat;
pub use self::trace::{TraceIds, current_trace_ids};
pub(crate) use self::trace::{link_log, toolkit_trace_ids};

use crate::config::{Config, ConfigError, ConfigProblem, LogFormat};
use crate::scrub::Scrubber;

/// The layers the toolkit installs, as one layer to add to your own subscriber: lines on
/// stdout and the Sentry bridge, configured from `config` as `init` would. See the
/// [module documentation](self).
///
/// Fails only when `config` holds `log_filter` directives that do not parse (a validated
/// `Config` never does).
///
/// ```
/// use monitor_runtime::{Config, logging};
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry().with(logging::layers(&Config::default())?);
/// tracing::subscriber::with_default(subscriber, || tracing::info!("ready"));
/// # Ok::<(), monitor_runtime::ConfigError>(())
/// ```
pub fn layers<S>(config: &Config) -> Result<Box<dyn Layer<S> + Send + Sync + 'static>, ConfigError>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    Logging::new(config).layer()
}

/// Only the Sentry bridge (breadcrumbs, error events, and Sentry logs when
/// `SENTRY_ENABLE_LOGS` is on), for a subscriber that already writes lines.
///
/// ```
/// use monitor_runtime::{Config, logging};
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer())
///     .with(logging::sentry_layers(&Config::default()));
/// # let _ = subscriber;
/// ```
pub fn sentry_layers<S>(config: &Config) -> Box<dyn Layer<S> + Send + Sync + 'static>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    Logging::new(config).bridge()
}

/// Why [`Logging::install`] did not install anything.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The configured filter does not parse.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The process already has a global `tracing` subscriber (only one can be set). Add
    /// [`layers`] to that subscriber instead, and set `install_logging(false)`.
    #[error(
        "a global tracing subscriber is already installed, so the toolkit's logging was not; \
         add monitor_runtime::logging::layers(&config) to your subscriber and set \
         Config::install_logging(false)"
    )]
    AlreadyInstalled,
}

/// The toolkit's `tracing` layers, configured from a [`Config`] and adjusted before they are
/// built. [`layers`] and `init` use it with the configuration unchanged.
///
/// ```
/// use monitor_runtime::{Config, logging::Logging};
/// use monitor_runtime::config::LogFormat;
/// use tracing_subscriber::prelude::*;
///
/// let config = Config::default();
/// let layer = Logging::new(&config)
///     .format(LogFormat::Json)
///     .writer(std::io::stderr)
///     .span_layer(true)
///     .layer()?;
/// let subscriber = tracing_subscriber::registry().with(layer);
/// # let _ = subscriber;
/// # Ok::<(), monitor_runtime::ConfigError>(())
/// ```
pub struct Logging {
    filter: String,
    format: LogFormat,
    scrubber: Arc<Scrubber>,
    writer: Option<BoxMakeWriter>,
    ansi: Option<bool>,
    lines: bool,
    sentry: bool,
    sentry_logs: bool,
    span_layer: bool,
}

impl std::fmt::Debug for Logging {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Logging")
            .field("filter", &self.filter)
            .field("format", &self.format)
            .field("custom_writer", &self.writer.is_some())
            .field("ansi", &self.ansi)
            .field("lines", &self.lines)
            .field("sentry", &self.sentry)
            .field("sentry_logs", &self.sentry_logs)
            .field("span_layer", &self.span_layer)
            .finish_non_exhaustive()
    }
}

impl Logging {
    /// The layers as `config` describes them: its log filter and format, its scrubbing
    /// rules, and Sentry logs if `SENTRY_ENABLE_LOGS` is on.
    ///
    /// ```
    /// let logging = monitor_runtime::logging::Logging::new(&monitor_runtime::Config::default());
    /// # let _ = logging;
    /// ```
    pub fn new(config: &Config) -> Self {
        let resolved = config.resolved();
        Logging {
            filter: resolved.log_filter(),
            format: resolved.log_format(),
            scrubber: Arc::new(resolved.scrubber()),
            writer: None,
            ansi: None,
            lines: true,
            sentry: true,
            sentry_logs: resolved.logs_enabled(),
            span_layer: false,
        }
    }

    /// Writes lines in `format` instead of the configured one.
    ///
    /// ```
    /// use monitor_runtime::{Config, config::LogFormat, logging::Logging};
    ///
    /// let logging = Logging::new(&Config::default()).format(LogFormat::Json);
    /// # let _ = logging;
    /// ```
    pub fn format(mut self, format: LogFormat) -> Self {
        self.format = format;
        self
    }

    /// Writes lines to `writer` instead of stdout (any `tracing-subscriber`
    /// [`MakeWriter`]: `std::io::stderr`, a file appender, a test buffer).
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let logging = Logging::new(&Config::default()).writer(std::io::stderr);
    /// # let _ = logging;
    /// ```
    pub fn writer<W>(mut self, writer: W) -> Self
    where
        W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
    {
        self.writer = Some(BoxMakeWriter::new(writer));
        self
    }

    /// Colours pretty lines (`true`) or never (`false`); by default they are coloured when
    /// writing to stdout on a terminal and `NO_COLOR` is not set. JSON is never coloured.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let logging = Logging::new(&Config::default()).ansi(false);
    /// # let _ = logging;
    /// ```
    pub fn ansi(mut self, ansi: bool) -> Self {
        self.ansi = Some(ansi);
        self
    }

    /// Whether to write lines at all (default true); `false` leaves only the Sentry bridge.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let bridge_only = Logging::new(&Config::default()).lines(false);
    /// # let _ = bridge_only;
    /// ```
    pub fn lines(mut self, lines: bool) -> Self {
        self.lines = lines;
        self
    }

    /// Whether to bridge events to Sentry at all (default true); `false` leaves only lines.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let lines_only = Logging::new(&Config::default()).sentry(false);
    /// # let _ = lines_only;
    /// ```
    pub fn sentry(mut self, sentry: bool) -> Self {
        self.sentry = sentry;
        self
    }

    /// Sends `INFO` and above to Sentry as logs, overriding `SENTRY_ENABLE_LOGS`.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let logging = Logging::new(&Config::default()).sentry_logs(true);
    /// # let _ = logging;
    /// ```
    pub fn sentry_logs(mut self, enabled: bool) -> Self {
        self.sentry_logs = enabled;
        self
    }

    /// Adds `sentry-tracing`'s `SpanLayer` at `INFO`: `tracing` spans (for example from
    /// `#[tracing::instrument]`) become Sentry spans. Off by default, because the layer forks
    /// a hub each time a span is entered; `#[monitored]` does not need it.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    ///
    /// let logging = Logging::new(&Config::default()).span_layer(true);
    /// # let _ = logging;
    /// ```
    pub fn span_layer(mut self, enabled: bool) -> Self {
        self.span_layer = enabled;
        self
    }

    /// Builds the layers as one, to add to a subscriber.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::Logging};
    /// use tracing_subscriber::prelude::*;
    ///
    /// let subscriber = tracing_subscriber::registry().with(Logging::new(&Config::default()).layer()?);
    /// # let _ = subscriber;
    /// # Ok::<(), monitor_runtime::ConfigError>(())
    /// ```
    pub fn layer<S>(mut self) -> Result<Box<dyn Layer<S> + Send + Sync + 'static>, ConfigError>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let mut layers: Vec<Box<dyn Layer<S> + Send + Sync + 'static>> = Vec::new();
        if self.lines {
            layers.push(self.lines_layer()?);
        }
        if self.sentry {
            layers.push(self.bridge());
        }
        Ok(Box::new(layers))
    }

    /// Installs the layers as the process's global subscriber, or fails (without panicking)
    /// when one is installed already.
    ///
    /// ```
    /// use monitor_runtime::{Config, logging::{InstallError, Logging}};
    ///
    /// let first = Logging::new(&Config::default()).install();
    /// let second = Logging::new(&Config::default()).install();
    /// assert!(matches!(second, Err(InstallError::AlreadyInstalled)));
    /// # let _ = first;
    /// ```
    pub fn install(self) -> Result<(), InstallError> {
        let subscriber = tracing_subscriber::registry().with(self.layer()?);
        tracing::subscriber::set_global_default(subscriber)
            .map_err(|_| InstallError::AlreadyInstalled)
    }

    fn lines_layer<S>(&mut self) -> Result<Box<dyn Layer<S> + Send + Sync + 'static>, ConfigError>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        let filter = EnvFilter::try_new(&self.filter).map_err(|_| {
            ConfigError::single(ConfigProblem::builder_text(
                "Config::log_filter",
                &self.filter,
                crate::settings::parse::LOG_FILTER,
            ))
        })?;
        let format = LineFormat::new(self.format).with_shared_scrubber(self.scrubber.clone());
        let layer = tracing_subscriber::fmt::layer().event_format(format);
        let layer = match self.writer.take() {
            Some(writer) => layer
                .with_ansi(self.ansi.unwrap_or(false))
                .with_writer(writer)
                .boxed(),
            None => {
                let colour = self.ansi.unwrap_or_else(|| {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                });
                layer
                    .with_ansi(colour && self.format == LogFormat::Pretty)
                    .with_writer(std::io::stdout)
                    .boxed()
            }
        };
        Ok(layer.with_filter(filter).boxed())
    }

    fn bridge<S>(&self) -> Box<dyn Layer<S> + Send + Sync + 'static>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        // Breadcrumbs are written before the error layer runs, so an ERROR event carries the
        // crumbs of the events before it; it is not a crumb itself, or it would carry itself.
        let mut layers: Vec<Box<dyn Layer<S> + Send + Sync + 'static>> = vec![
            BreadcrumbLayer::new()
                .with_filter(
                    filter_fn(|meta| {
                        meta.is_event() && matches!(*meta.level(), Level::INFO | Level::WARN)
                    })
                    .with_max_level_hint(LevelFilter::INFO),
                )
                .boxed(),
            ErrorLayer::new().with_filter(LevelFilter::ERROR).boxed(),
        ];
        if self.sentry_logs {
            layers.push(LogLayer::new().with_filter(LevelFilter::INFO).boxed());
        }
        if self.span_layer {
            layers.push(SpanLayer::new().with_filter(LevelFilter::INFO).boxed());
        }
        Box::new(layers)
    }
}

#[cfg(test)]
mod tests;
