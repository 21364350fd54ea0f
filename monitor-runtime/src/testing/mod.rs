//! Run code against a capturing client and assert on what reached the transport.
//!
//! The client is built by the same code as `init!()`: the configuration's sampling,
//! filters and scrubbing all apply, and only the destination is replaced by an in-memory
//! sink. Each capture has its own hub, so tests run in parallel without seeing each
//! other's events.
//!
//! ```
//! use monitor_runtime::testing;
//! use monitor_runtime::sentry::Level;
//!
//! let ((), captured) = testing::capture(|| {
//!     monitor_runtime::capture_message("hello", Level::Error);
//! });
//! assert_eq!(testing::message(captured.events()[0]), Some("hello"));
//! ```
//!
//! What is captured is what would be sent: the envelopes went through the transport's
//! preparation stage (stack traces symbolicated, wire format fixed, secrets scrubbed) before
//! the closure's result is returned.

mod captured;
mod log_lines;

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sentry::protocol::{
    Breadcrumb, Envelope, EnvelopeItem, Event, ItemContainer, Log, Metric, MonitorCheckIn, Span,
    SpanId, SpanStatus, TraceContext, Transaction, Value,
};
use sentry::{Client, Hub, Scope, SentryFutureExt};

pub use self::captured::{Captured, CapturedTransaction, SpanNode, crumb_messages, message};
pub use self::log_lines::LogLines;
use crate::config::Config;
use crate::init::{Destination, build};
use crate::transport::capture::CaptureSink;

/// Runs `f` against a capturing client with [`Capture::new`]'s configuration.
pub fn capture<R>(f: impl FnOnce() -> R) -> (R, Captured) {
    Capture::new().run(f)
}

/// Runs `future` on a 4-worker multi-thread tokio runtime against a capturing client.
pub fn capture_async<F>(future: F) -> (F::Output, Captured)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    Capture::new().run_async(future)
}

/// A capture to run: its configuration and, for futures, its runtime.
#[derive(Debug, Clone)]
pub struct Capture {
    config: Config,
    workers: usize,
}

impl Default for Capture {
    fn default() -> Self {
        Capture::new()
    }
}

impl Capture {
    /// The development profile with every trace sampled, local mode, and no logging
    /// subscriber installed.
    pub fn new() -> Self {
        Capture {
            config: Config::default()
                .environment("development")
                .release("monitor-tests@0.0.0")
                .traces_sample_rate(1.0)
                .install_logging(false),
            workers: 4,
        }
    }

    /// Uses `config` instead (for example a production profile, to test filters and
    /// sampling).
    pub fn with_config(config: Config) -> Self {
        Capture { config, workers: 4 }
    }

    /// Changes the configuration.
    pub fn configure(mut self, f: impl FnOnce(Config) -> Config) -> Self {
        self.config = f(self.config);
        self
    }

    /// The number of worker threads of the runtime [`Capture::run_async`] builds.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Runs `f` with the capturing client bound to this thread.
    ///
    /// # Panics
    /// When the configuration is invalid: this is a test helper.
    pub fn run<R>(self, f: impl FnOnce() -> R) -> (R, Captured) {
        let (client, hub, sink) = self.client();
        let result = Hub::run(hub, f);
        (result, finish(client, sink))
    }

    /// Runs `future` on a fresh multi-thread runtime with the capturing client bound to
    /// it. Tasks it spawns with [`crate::spawn`] are captured too.
    ///
    /// # Panics
    /// When the configuration is invalid or the runtime cannot start: a test helper.
    pub fn run_async<F>(self, future: F) -> (F::Output, Captured)
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let workers = self.workers;
        let (client, hub, sink) = self.client();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("monitor_runtime::testing: cannot start a runtime: {e}"));
        let result = runtime.block_on(future.bind_hub(hub));
        runtime.shutdown_timeout(Duration::from_secs(5));
        (result, finish(client, sink))
    }

    /// A hub bound to a client built like [`Capture::run`]'s (the client `init!()` builds,
    /// with only the destination replaced), whose envelopes are counted and dropped: for
    /// benchmarks, which call it millions of times.
    ///
    /// # Panics
    /// When the configuration is invalid: a test helper.
    ///
    /// ```
    /// use monitor_runtime::testing::Capture;
    /// use monitor_runtime::sentry::{Hub, Level};
    ///
    /// let client = Capture::new().discarding();
    /// Hub::run(client.hub(), || monitor_runtime::capture_message("hi", Level::Error));
    /// assert!(client.flush(std::time::Duration::from_secs(10)));
    /// assert_eq!(client.envelopes(), 1);
    /// ```
    pub fn discarding(self) -> DiscardingClient {
        let (client, hub, sink) = self.client_with(CaptureSink::discarding());
        DiscardingClient { client, hub, sink }
    }

    /// Builds the capturing client and a hub bound to it, without running anything: for
    /// code that binds the hub itself (benchmarks, custom executors) and takes what was
    /// captured as it goes.
    ///
    /// # Panics
    /// When the configuration is invalid: a test helper.
    ///
    /// ```
    /// use monitor_runtime::testing::Capture;
    ///
    /// let bound = Capture::new().bind();
    /// monitor_runtime::sentry::Hub::run(bound.hub().clone(), || {
    ///     monitor_runtime::PerformanceMonitor::start("job").finish();
    /// });
    /// assert_eq!(bound.take().transactions().len(), 1);
    /// assert!(bound.take().envelopes().is_empty());
    /// ```
    pub fn bind(self) -> Bound {
        let (client, hub, sink) = self.client();
        Bound { client, hub, sink }
    }

    fn client(self) -> (Arc<Client>, Arc<Hub>, Arc<CaptureSink>) {
        self.client_with(CaptureSink::new())
    }

    fn client_with(self, sink: Arc<CaptureSink>) -> (Arc<Client>, Arc<Hub>, Arc<CaptureSink>) {
        let built = build(self.config, Destination::Capture(sink.clone()))
            .unwrap_or_else(|e| panic!("monitor_runtime::testing: invalid configuration: {e}"));
        let client = Arc::new(Client::from(sentry::apply_defaults(built.options)));
        let hub = Arc::new(Hub::new(Some(client.clone()), Arc::new(Scope::default())));
        (client, hub, sink)
    }
}

/// A client built like `init!()`'s that counts and drops what it sends; see
/// [`Capture::discarding`].
#[derive(Clone)]
pub struct DiscardingClient {
    client: Arc<Client>,
    hub: Arc<Hub>,
    sink: Arc<CaptureSink>,
}

impl std::fmt::Debug for DiscardingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscardingClient")
            .field("envelopes", &self.envelopes())
            .finish_non_exhaustive()
    }
}

impl DiscardingClient {
    /// The hub the client is bound to, with a fresh scope; run code in it with `Hub::run`.
    pub fn hub(&self) -> Arc<Hub> {
        self.hub.clone()
    }

    /// Waits until what was sent so far went through the transport's preparation stage, for
    /// at most `timeout`; `true` when it all did.
    pub fn flush(&self, timeout: Duration) -> bool {
        self.client.flush(Some(timeout))
    }

    /// Envelopes that reached the destination so far (see [`flush`](Self::flush)).
    pub fn envelopes(&self) -> u64 {
        self.sink.received()
    }
}

/// How long a capture waits for its envelopes to be prepared and captured. It only waits as
/// long as needed; the bound is generous because the first stack trace of a test binary
/// loads its debug information, which takes seconds for a large debug build on a busy
/// machine (half of this bound goes to symbolication, see `stack`).
const CAPTURE_CLOSE_TIMEOUT: Duration = Duration::from_secs(60);

fn finish(client: Arc<Client>, sink: Arc<CaptureSink>) -> Captured {
    // Closing flushes the log and metric batchers and the preparation stage into the sink.
    client.close(Some(CAPTURE_CLOSE_TIMEOUT));
    Captured {
        envelopes: sink.take(),
    }
}

/// A capturing client bound to a hub of its own; see [`Capture::bind`]. The client is
/// closed when this is dropped.
#[derive(Debug)]
pub struct Bound {
    client: Arc<Client>,
    hub: Arc<Hub>,
    sink: Arc<CaptureSink>,
}

impl Bound {
    /// The hub the capturing client is bound to.
    pub fn hub(&self) -> &Arc<Hub> {
        &self.hub
    }

    /// The capturing client.
    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// Takes what was captured since the last call, once the transport's preparation
    /// stage handed on what it holds.
    pub fn take(&self) -> Captured {
        self.client.flush(Some(CAPTURE_CLOSE_TIMEOUT));
        Captured {
            envelopes: self.sink.take(),
        }
    }
}

impl Drop for Bound {
    fn drop(&mut self) {
        self.client.close(Some(CAPTURE_CLOSE_TIMEOUT));
    }
}
