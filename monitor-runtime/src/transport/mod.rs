//! The `sentry::Transport` of the toolkit: where envelopes go once the SDK has built them.
//!
//! The application's thread only enqueues: `send_envelope` puts the envelope on the queue of
//! the *preparation stage*, a dedicated thread that runs the envelope hook once per envelope
//! (the toolkit symbolicates stack traces, fixes the wire format and scrubs secrets there)
//! and then fans the prepared envelope out to one bounded queue per destination:
//!
//! | destination   | when                           | what it does |
//! |---------------|--------------------------------|--------------|
//! | `remote`      | a real DSN is configured       | POSTs to Sentry (reqwest + rustls), several requests in flight over kept-alive connections, honouring rate limits |
//! | `console`     | local mode                     | one readable line per event / transaction / check-in on stderr |
//! | `events_file` | an events file is configured   | one JSON line per envelope item, appended |
//! | `spotlight`   | Spotlight is enabled           | POSTs to the Spotlight sidecar, with backoff when it is down |
//! | `capture`     | tests (feature `testing`)      | keeps envelopes in memory |
//!
//! Guarantees, whatever the server does (refuses, hangs mid-request, answers 500 or 429):
//!
//! * `send_envelope` never blocks on preparation or delivery: every queue is bounded
//!   (capacity `TransportSettings::queue_capacity`) and drained by its own named OS threads,
//!   and a full queue drops the envelope (`queue_full`).
//! * `flush(timeout)` and `shutdown(timeout)` return within `timeout` plus a few
//!   milliseconds. The stage and the destinations drain against one shared deadline; requests
//!   in flight are cut at that deadline; at a shutdown deadline whatever is left is counted as
//!   dropped (`shutdown`) and the threads are detached, never joined past it.
//! * Every envelope handed to the transport is counted exactly once per destination, as sent
//!   or as dropped with a reason, in [`TransportStats`] (or once as discarded by the hook).
//!   Losses of the remote destination are also recorded for Sentry's client reports.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sentry::{Envelope, TransportOptions};

#[cfg(feature = "testing")]
pub(crate) mod capture;
mod console;
mod file;
mod http;
mod queue;
mod spotlight;
mod stats;
#[cfg(test)]
mod tests;
pub(crate) mod wire;

pub(crate) use self::queue::ShutdownDeadline;
use self::queue::{Delivery, Sink, Worker, WorkerOptions};
#[cfg(feature = "testing")]
use self::stats::DestinationStats;
use self::stats::FanOut;
pub use self::stats::{DestinationSnapshot, StatsSnapshot, TransportStats};

/// The default capacity of each queue (the preparation stage's and each destination's): a
/// burst of 2,000 envelopes from one thread is absorbed with nothing dropped while the
/// destinations catch up. Memory is bounded by capacity × envelope size.
pub(crate) const DEFAULT_QUEUE_CAPACITY: usize = 2_000;

/// How long the preparation stage waits for more envelopes once it has emptied its queue
/// (see `WorkerOptions::linger`): under a steady stream of transactions the application's
/// threads then stop waking it once per envelope, for at most this much added latency.
const PREPARE_LINGER: Duration = Duration::from_millis(5);

/// Requests the remote destination keeps in flight at once by default.
pub(crate) const DEFAULT_REMOTE_CONCURRENCY: usize = 4;

/// Where envelopes go; built by `init` from the environment and options.
#[derive(Debug, Clone)]
pub(crate) struct TransportSettings {
    /// Some when a real DSN is configured.
    pub(crate) remote: Option<RemoteSettings>,
    /// Local mode: one readable line per event/transaction/check-in on stderr.
    pub(crate) console: bool,
    /// Append every envelope item to this file as one JSON line.
    pub(crate) events_file: Option<PathBuf>,
    /// The Spotlight sidecar URL (by default `http://localhost:8969/stream`).
    pub(crate) spotlight: Option<String>,
    /// Capacity of each queue; default [`DEFAULT_QUEUE_CAPACITY`].
    pub(crate) queue_capacity: usize,
    /// Requests the remote destination keeps in flight at once (one connection each);
    /// default [`DEFAULT_REMOTE_CONCURRENCY`].
    pub(crate) remote_concurrency: usize,
    /// Keep every envelope in memory, for the toolkit's test helpers.
    #[cfg(feature = "testing")]
    pub(crate) capture: Option<Arc<capture::CaptureSink>>,
}

impl Default for TransportSettings {
    /// No destination at all, and the default queue capacity.
    fn default() -> Self {
        Self {
            remote: None,
            console: false,
            events_file: None,
            spotlight: None,
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            remote_concurrency: DEFAULT_REMOTE_CONCURRENCY,
            #[cfg(feature = "testing")]
            capture: None,
        }
    }
}

/// How to reach a real Sentry server.
#[derive(Clone)]
pub(crate) struct RemoteSettings {
    pub(crate) dsn: sentry::types::Dsn,
    /// Time allowed to establish a connection (TCP + TLS); default 2 s.
    pub(crate) connect_timeout: Duration,
    /// Time allowed for one whole request, connection included; default 5 s.
    pub(crate) request_timeout: Duration,
    /// Sent in `X-Sentry-Auth` as `sentry_client` (the SDK's name and version); the HTTP
    /// `User-Agent` names the toolkit as well, see [`http::user_agent`].
    pub(crate) user_agent: String,
}

impl RemoteSettings {
    /// Settings with the default timeouts and the SDK's client name.
    pub(crate) fn new(dsn: sentry::types::Dsn) -> Self {
        Self {
            dsn,
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            user_agent: sentry::ClientOptions::default().user_agent.into_owned(),
        }
    }
}

impl fmt::Debug for RemoteSettings {
    /// Leaves the DSN keys out, so settings can be logged.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RemoteSettings")
            .field("host", &self.dsn.host())
            .field("project_id", &self.dsn.project_id().to_string())
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Prepares each envelope before it reaches any destination (the toolkit symbolicates, fixes
/// and scrubs here); `None` discards it. Runs once per envelope, on the preparation stage's
/// thread, never on the application's. The deadline is the shutdown's, once it has begun, so
/// that slow preparation can give way to delivery.
pub(crate) type EnvelopeHook =
    Arc<dyn Fn(Envelope, &ShutdownDeadline) -> Option<Envelope> + Send + Sync>;

/// A transport configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum TransportError {
    /// The events file cannot be opened for appending.
    #[error("cannot open the events file {} for appending: {source}", path.display())]
    EventsFile {
        /// The configured path.
        path: PathBuf,
        /// Why opening failed.
        #[source]
        source: std::io::Error,
    },
    /// The Spotlight URL is not an absolute `http`/`https` URL.
    #[error("invalid Spotlight URL {url:?}: {reason}")]
    SpotlightUrl {
        /// The configured URL, with its password (if any) replaced by `[redacted]`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A queue must hold at least one envelope.
    #[error("the transport queue capacity must be at least 1")]
    ZeroQueueCapacity,
    /// At least one request must be allowed in flight.
    #[error("the number of requests in flight must be at least 1")]
    ZeroConcurrency,
    /// A zero timeout would fail every request.
    #[error("the Sentry {which} timeout must be greater than zero")]
    ZeroTimeout {
        /// `connect` or `request`.
        which: &'static str,
    },
}

/// Checks what can be checked before building the client, so that `init` can report a bad
/// configuration instead of silently losing every envelope.
pub(crate) fn validate(settings: &TransportSettings) -> Result<(), TransportError> {
    if settings.queue_capacity == 0 {
        return Err(TransportError::ZeroQueueCapacity);
    }
    if settings.remote_concurrency == 0 {
        return Err(TransportError::ZeroConcurrency);
    }
    if let Some(remote) = &settings.remote {
        if remote.connect_timeout.is_zero() {
            return Err(TransportError::ZeroTimeout { which: "connect" });
        }
        if remote.request_timeout.is_zero() {
            return Err(TransportError::ZeroTimeout { which: "request" });
        }
    }
    if let Some(path) = &settings.events_file {
        file::open_for_append(path).map_err(|source| TransportError::EventsFile {
            path: path.clone(),
            source,
        })?;
    }
    if let Some(url) = &settings.spotlight {
        let invalid = |reason: String| TransportError::SpotlightUrl {
            url: crate::settings::parse::redact_dsn(url).into_owned(),
            reason,
        };
        let parsed = reqwest::Url::parse(url).map_err(|err| invalid(err.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(invalid(format!(
                "scheme {:?} is not http or https",
                parsed.scheme()
            )));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("no host".to_owned()));
        }
    }
    Ok(())
}

/// Builds the [`Pipeline`] of each client; give it to `ClientOptions::transport`.
pub(crate) struct TransportFactory {
    settings: TransportSettings,
    hook: Option<EnvelopeHook>,
    stats: Arc<TransportStats>,
}

impl TransportFactory {
    /// A factory whose transports count into `stats`.
    pub(crate) fn new(
        settings: TransportSettings,
        hook: Option<EnvelopeHook>,
        stats: Arc<TransportStats>,
    ) -> Self {
        Self {
            settings,
            hook,
            stats,
        }
    }
}

impl sentry::TransportFactory for TransportFactory {
    /// Starts the preparation stage's thread and the destinations' threads. The remote
    /// destination talks to [`TransportSettings::remote`] (not `options.dsn`, which carries
    /// no secret key, or is a placeholder in local mode) and takes proxies and certificate
    /// checking from `options`. Queue capacities come from the settings;
    /// `options.transport_channel_capacity` is ignored.
    fn create_transport_with_options(
        &self,
        options: TransportOptions,
    ) -> Arc<dyn sentry::Transport> {
        Arc::new(Pipeline::new(
            &self.settings,
            self.hook.clone(),
            &self.stats,
            options,
        ))
    }
}

enum Destination {
    Queued(Worker),
    #[cfg(feature = "testing")]
    Capture {
        sink: Arc<capture::CaptureSink>,
        stats: Arc<DestinationStats>,
    },
}

impl Destination {
    fn push(&self, envelope: Envelope) {
        match self {
            Destination::Queued(worker) => worker.push(envelope),
            #[cfg(feature = "testing")]
            Destination::Capture { sink, stats } => {
                sink.push(envelope);
                stats::Ledger::record_sent(&**stats);
            }
        }
    }

    fn flush(&self, deadline: Instant) -> bool {
        match self {
            Destination::Queued(worker) => worker.flush(deadline),
            #[cfg(feature = "testing")]
            Destination::Capture { .. } => true,
        }
    }

    fn begin_shutdown(&self, deadline: Instant) {
        match self {
            Destination::Queued(worker) => worker.begin_shutdown(deadline),
            #[cfg(feature = "testing")]
            Destination::Capture { .. } => {}
        }
    }

    fn finish_shutdown(&self, deadline: Instant) -> bool {
        match self {
            Destination::Queued(worker) => worker.finish_shutdown(deadline),
            #[cfg(feature = "testing")]
            Destination::Capture { .. } => true,
        }
    }
}

/// The preparation stage's work: run the hook, then hand the envelope to every destination.
#[derive(Clone)]
struct Stage {
    hook: Option<EnvelopeHook>,
    destinations: Arc<[Destination]>,
    stats: Arc<TransportStats>,
}

impl Sink for Stage {
    fn deliver(&mut self, envelope: Envelope, deadline: &ShutdownDeadline) -> Delivery {
        let envelope = match &self.hook {
            Some(hook) => match hook(envelope, deadline) {
                Some(envelope) => envelope,
                None => {
                    self.stats.record_discarded_by_hook();
                    return Delivery::Sent;
                }
            },
            None => envelope,
        };
        if let Some((last, others)) = self.destinations.split_last() {
            for destination in others {
                destination.push(envelope.clone());
            }
            last.push(envelope);
        }
        Delivery::Sent
    }
}

/// The transport of one client: the preparation stage, then one queue per destination.
pub(crate) struct Pipeline {
    stage: Worker,
    destinations: Arc<[Destination]>,
    stats: Arc<TransportStats>,
}

impl Pipeline {
    fn new(
        settings: &TransportSettings,
        hook: Option<EnvelopeHook>,
        stats: &Arc<TransportStats>,
        options: TransportOptions,
    ) -> Self {
        let capacity = settings.queue_capacity.max(1);
        let recorder = options.client_report_recorder.clone();
        let mut destinations = Vec::new();
        let mut ledgers = Vec::new();
        if let Some(remote) = &settings.remote {
            let config = http::RemoteConfig {
                dsn: remote.dsn.clone(),
                sentry_client: remote.user_agent.clone(),
                connect_timeout: remote.connect_timeout,
                request_timeout: remote.request_timeout,
                http_proxy: options.http_proxy.map(|p| p.into_owned()),
                https_proxy: options.https_proxy.map(|p| p.into_owned()),
                accept_invalid_certs: options.accept_invalid_certs,
                recorder: recorder.clone(),
                limiter: Arc::default(),
            };
            let ledger = stats.destination("remote");
            ledgers.push(Arc::clone(&ledger));
            destinations.push(Destination::Queued(Worker::spawn_pool(
                WorkerOptions {
                    name: "sentry-remote",
                    threads: settings.remote_concurrency.max(1),
                    capacity,
                    ledger,
                    overflow_recorder: Some(recorder.clone()),
                    linger: Duration::ZERO,
                },
                move || http::RemoteSink::new(&config),
            )));
        }
        if settings.console {
            let ledger = stats.destination("console");
            ledgers.push(Arc::clone(&ledger));
            destinations.push(Destination::Queued(Worker::spawn(
                "sentry-console",
                capacity,
                ledger,
                None,
                console::ConsoleSink::stderr,
            )));
        }
        if let Some(path) = &settings.events_file {
            let path = path.clone();
            let ledger = stats.destination("events_file");
            ledgers.push(Arc::clone(&ledger));
            destinations.push(Destination::Queued(Worker::spawn(
                "sentry-events-file",
                capacity,
                ledger,
                None,
                move || file::FileSink::new(path),
            )));
        }
        if let Some(url) = &settings.spotlight {
            let url = url.clone();
            let ledger = stats.destination("spotlight");
            ledgers.push(Arc::clone(&ledger));
            destinations.push(Destination::Queued(Worker::spawn(
                "sentry-spotlight",
                capacity,
                ledger,
                None,
                move || spotlight::SpotlightSink::new(url),
            )));
        }
        #[cfg(feature = "testing")]
        if let Some(sink) = &settings.capture {
            let ledger = stats.destination("capture");
            ledgers.push(Arc::clone(&ledger));
            destinations.push(Destination::Capture {
                sink: Arc::clone(sink),
                stats: ledger,
            });
        }
        let destinations: Arc<[Destination]> = destinations.into();
        let stage_sink = Stage {
            hook,
            destinations: Arc::clone(&destinations),
            stats: Arc::clone(stats),
        };
        let stage = Worker::spawn_pool(
            WorkerOptions {
                name: "sentry-prepare",
                threads: 1,
                capacity,
                ledger: Arc::new(FanOut(ledgers)),
                overflow_recorder: settings.remote.is_some().then_some(recorder),
                linger: PREPARE_LINGER,
            },
            move || stage_sink.clone(),
        );
        Self {
            stage,
            destinations,
            stats: Arc::clone(stats),
        }
    }
}

/// Whether `envelope` carries nothing at all: what the toolkit's client-report probe looks
/// like when no loss was pending (the SDK only attaches a report when there is one).
fn is_empty(envelope: &Envelope) -> bool {
    if envelope.items().next().is_some() {
        return false;
    }
    // A raw envelope also has no parsed items, but it has bytes of its own.
    let mut bytes = Vec::new();
    envelope.to_writer(&mut bytes).is_ok() && bytes.trim_ascii() == b"{}"
}

/// `now + timeout`, saturating instead of overflowing for "wait forever" timeouts.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
}

impl sentry::Transport for Pipeline {
    fn send_envelope(&self, envelope: Envelope) {
        if is_empty(&envelope) {
            return;
        }
        self.stats.record_received();
        self.stage.push(envelope);
    }

    fn flush(&self, timeout: Duration) -> bool {
        let deadline = deadline_after(timeout);
        // The stage first, so that what it hands on is part of the destinations' flush. All
        // destinations drain in parallel already; waiting on each in turn against the same
        // deadline bounds the total by `timeout`, not by the sum of per-destination timeouts.
        let mut all_flushed = self.stage.flush(deadline);
        for destination in self.destinations.iter() {
            all_flushed &= destination.flush(deadline);
        }
        all_flushed
    }

    fn shutdown(&self, timeout: Duration) -> bool {
        let deadline = deadline_after(timeout);
        // The stage drains into the destinations, which are still accepting meanwhile.
        self.stage.begin_shutdown(deadline);
        let mut all_drained = self.stage.finish_shutdown(deadline);
        for destination in self.destinations.iter() {
            destination.begin_shutdown(deadline);
        }
        // No short-circuit: every destination must count its leftovers and let go of its
        // threads, even after another one missed the deadline.
        for destination in self.destinations.iter() {
            all_drained &= destination.finish_shutdown(deadline);
        }
        all_drained
    }
}
