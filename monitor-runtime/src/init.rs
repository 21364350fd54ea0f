//! Initialisation: from a [`Config`] to a bound Sentry client and the guard that flushes
//! it.
//!
//! One path builds the client for `init!()`, [`init_with`] and the `testing` capture, so
//! tests exercise exactly what production runs: filters, scrubbing, sampling and the
//! transport pipeline, with only the destination swapped.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use sentry::protocol::Envelope;
use sentry::types::Dsn;
use sentry::{Client, ClientOptions, Hub};

use crate::config::{Config, ConfigError, ConfigProblem};
use crate::filter::{EventFilter, FilterStats, TransactionFilter};
use crate::integration::MonitorIntegration;
use crate::prepare::Preparer;
use crate::propagation::{self, ClientFacts, PropagationSettings};
use crate::sampling::Sampler;
use crate::transport::{
    self, RemoteSettings, TransportError, TransportFactory, TransportSettings, TransportStats,
};

/// The DSN a local-mode client runs with: the SDK disables a client without one, and the
/// local transport never sends anything to it. It is never printed.
pub(crate) const LOCAL_DSN: &str = "https://local@localhost/0";

/// The warning of a configuration whose error sample rate drops every event (`0`, or a value
/// such as `1e-400` that parses to it).
pub(crate) const DROPS_EVERY_ERROR: &str = "the error sample rate (SENTRY_SAMPLE_RATE or \
     Config::sample_rate) is 0: every error event is dropped; use a rate above 0, such as 1.0, \
     to report errors";

/// Where events go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Mode {
    /// A Sentry (or compatible) server from `SENTRY_DSN`.
    Remote,
    /// No DSN: the console, and `MONITOR_EVENTS_FILE` when set.
    Local,
}

/// What the running toolkit knows about itself, for the health report.
#[derive(Debug)]
pub(crate) struct RuntimeState {
    pub(crate) config: Config,
    pub(crate) mode: Mode,
    pub(crate) transport: Arc<TransportStats>,
    pub(crate) filter: Arc<FilterStats>,
    /// Envelopes tail sampling emptied: SDK transactions its decision did not keep.
    pub(crate) tail_not_kept: Arc<crate::span::tail::NotKept>,
    pub(crate) warnings: Vec<String>,
    /// The client `init` bound; `None` for the `testing` capture, which owns its client.
    pub(crate) client: Option<Arc<sentry::Client>>,
    /// Whether `init` installed the toolkit's global `tracing` subscriber.
    pub(crate) logging_installed: bool,
}

static STATE: RwLock<Option<Arc<RuntimeState>>> = RwLock::new(None);

/// The state of the last `init`, if it is still running.
pub(crate) fn state() -> Option<Arc<RuntimeState>> {
    STATE.read().ok().and_then(|s| s.clone())
}

/// Keeps Sentry running; dropping it flushes what is queued and shuts the transport down
/// within the configured shutdown timeout, whatever the server does.
///
/// Keep it alive for the whole program, typically as the first binding in `main`:
///
/// ```no_run
/// fn main() -> Result<(), monitor_runtime::ConfigError> {
///     let _monitor = monitor_runtime::init!()?;
///     // run the application
///     Ok(())
/// }
/// ```
#[must_use = "dropping the guard shuts Sentry down at once"]
pub struct MonitorGuard {
    client: Option<Arc<Client>>,
    state: Arc<RuntimeState>,
}

impl MonitorGuard {
    /// Where events go.
    pub fn mode(&self) -> Mode {
        self.state.mode
    }

    /// The resolved configuration.
    pub fn config(&self) -> &Config {
        &self.state.config
    }

    /// Problems found at init that did not stop it, such as sampler rules matching no
    /// known function.
    pub fn warnings(&self) -> &[String] {
        &self.state.warnings
    }

    /// Sent and dropped envelopes, per destination. The handle stays valid after the
    /// guard is dropped, so the final counts (including what shutdown dropped) can be read.
    pub fn transport_stats(&self) -> Arc<TransportStats> {
        self.state.transport.clone()
    }

    /// Waits until queued envelopes are sent, for at most `timeout`. `true` when all were.
    ///
    /// Losses counted for Sentry's client reports so far are sent too.
    pub fn flush(&self, timeout: Duration) -> bool {
        match &self.client {
            Some(client) => {
                send_client_reports(client);
                client.flush(Some(timeout)) && client.is_enabled()
            }
            None => true,
        }
    }
}

/// Sends the client reports the SDK holds, if any, in an envelope of their own. The SDK only
/// attaches them to the next envelope, and at shutdown there may be no next one; an empty
/// envelope (nothing pending) is ignored by the transport.
fn send_client_reports(client: &Client) {
    client.send_envelope(Envelope::new());
}

impl Drop for MonitorGuard {
    /// Flushes, then shuts the transport down within the shutdown timeout
    /// (`SENTRY_SHUTDOWN_TIMEOUT`, 2 s by default) whatever the server does, and reports
    /// in one line, in the log and on stderr, how many envelopes were delivered and how
    /// many were not, by reason.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            // Half the time to drain, so that what the drain loses is known and can still be
            // reported to Sentry in the client reports; the rest to send those and close.
            let timeout = client.options().shutdown_timeout;
            let deadline = std::time::Instant::now() + timeout;
            client.flush(Some(timeout / 2));
            send_client_reports(&client);
            client.close(Some(
                deadline.saturating_duration_since(std::time::Instant::now()),
            ));
            let summary = self.state.transport.snapshot().summary();
            tracing::info!(target: "monitor_runtime", summary = %summary, "sentry_shutdown");
            eprintln!("[monitor] sentry shutdown: {summary}");
        }
        if let Ok(mut state) = STATE.write()
            && state.as_ref().is_some_and(|s| Arc::ptr_eq(s, &self.state))
        {
            *state = None;
        }
    }
}

impl std::fmt::Debug for MonitorGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorGuard")
            .field("mode", &self.state.mode)
            .field("environment", &self.state.config.resolved().environment())
            .finish_non_exhaustive()
    }
}

/// Initialises Sentry from `config` and binds the client to the current hub.
///
/// Call it first thing in `main`, before building an async runtime or spawning threads:
/// threads that touched Sentry before keep the hub they cloned then, and never see the client.
/// Prefer [`init!`](crate::init!), which also sets the default release to your crate's
/// name and version.
///
/// Unless [`Config::install_logging`] is `false`, it also installs the toolkit's `tracing`
/// subscriber ([`crate::logging`]): lines on stdout and events bridged to Sentry. When the
/// process already has a global subscriber, that step is skipped and said in
/// [`MonitorGuard::warnings`] (and the health report); init still succeeds.
///
/// ```
/// use monitor_runtime::{init_with, Config};
///
/// let guard = init_with(Config::default().environment("development")).unwrap();
/// assert_eq!(guard.mode(), monitor_runtime::Mode::Local);
/// ```
pub fn init_with(config: Config) -> Result<MonitorGuard, ConfigError> {
    let Built { options, mut state } = build(config, Destination::Configured)?;
    let client = if cfg!(feature = "off") {
        // Built without instrumentation: the configuration was checked, and nothing is
        // bound, so every call of the runtime takes its no-client path.
        drop(options);
        state.warnings.push(OFF_WARNING.to_owned());
        None
    } else {
        // Built here rather than by `sentry::init`, which prints the DSN on its debug output.
        let client = Arc::new(Client::from(sentry::apply_defaults(options)));
        Hub::current().bind_client(Some(client.clone()));
        if client.options().debug {
            eprintln!("[sentry] {}", describe_destinations(&state));
        }
        state.client = Some(client.clone());
        Some(client)
    };
    if state.config.resolved().install_logging() {
        match crate::logging::Logging::new(&state.config).install() {
            Ok(()) => state.logging_installed = true,
            Err(err) => state.warnings.push(err.to_string()),
        }
    }
    // Now that logging is set up, the operator sees what `Resolved::warnings` promised.
    for warning in &state.warnings {
        tracing::warn!(target: "monitor_runtime", "{warning}");
    }
    let state = Arc::new(state);
    if let Ok(mut slot) = STATE.write() {
        *slot = Some(state.clone());
    }
    // `sentry::init` binds the client to this thread's hub, which is the process hub when
    // called from `main`; worker threads created later derive theirs from it.
    let main = Hub::main();
    if main.client().is_none() {
        main.bind_client(Hub::current().client());
    }
    Ok(MonitorGuard { client, state })
}

/// The warning `init` gives when the runtime is built with its `off` feature.
const OFF_WARNING: &str = "monitor-runtime is built with its `off` feature: nothing is \
                           instrumented and nothing is sent to Sentry";

/// The debug line that says where events go, without any key or password.
fn describe_destinations(state: &RuntimeState) -> String {
    let resolved = state.config.resolved();
    let mut line = match resolved.dsn() {
        Some(dsn) => format!(
            "enabled sentry client for project {} at {}://{}:{}",
            dsn.project_id(),
            dsn.scheme(),
            dsn.host(),
            dsn.port()
        ),
        None => "enabled sentry client in local mode".to_owned(),
    };
    if resolved.spotlight().is_some() {
        line.push_str(", with Spotlight");
    }
    line
}

/// `dsn` without its secret key: what the SDK is given, since the toolkit's transport holds
/// the real DSN and the SDK only needs the public parts (for the envelopes' trace headers).
fn without_secret(dsn: &Dsn) -> Dsn {
    if dsn.secret_key().is_none() {
        return dsn.clone();
    }
    format!(
        "{}://{}@{}:{}{}{}",
        dsn.scheme(),
        dsn.public_key(),
        dsn.host(),
        dsn.port(),
        dsn.path(),
        dsn.project_id()
    )
    .parse()
    // Rebuilt from a valid DSN's parts, so it parses; the SDK never prints it anyway.
    .unwrap_or_else(|_| dsn.clone())
}

/// Where a built client sends envelopes.
pub(crate) enum Destination {
    /// What the configuration says: remote, or local (console, file, Spotlight).
    Configured,
    /// The `testing` capture, and nothing else.
    #[cfg(feature = "testing")]
    Capture(Arc<transport::capture::CaptureSink>),
}

pub(crate) struct Built {
    pub(crate) options: ClientOptions,
    pub(crate) state: RuntimeState,
}

/// Builds the client options for `config`: the one code path of init and testing.
pub(crate) fn build(config: Config, destination: Destination) -> Result<Built, ConfigError> {
    config.validate()?;
    let resolved = config.resolved();
    let mode = if resolved.is_local() {
        Mode::Local
    } else {
        Mode::Remote
    };
    let settings = transport_settings(&resolved, destination);
    transport::validate(&settings).map_err(transport_problem)?;

    let transport_stats = Arc::new(TransportStats::default());
    let filter_stats = Arc::new(FilterStats::default());
    let tail_not_kept = Arc::new(crate::span::tail::NotKept::default());
    let scrubber = Arc::new(resolved.scrubber());

    let sdk_dsn: Option<Dsn> = match resolved.dsn() {
        Some(dsn) => Some(without_secret(dsn)),
        None => LOCAL_DSN.parse().ok(),
    };
    let org_id = resolved
        .org_id()
        .map(sentry::protocol::OrganizationId::from);
    // What the dynamic sampling context of a trace this client heads says about it; the
    // same values `ClientFacts::from_options` reads back from the client's options.
    let facts = ClientFacts {
        public_key: sdk_dsn.as_ref().map(|dsn| dsn.public_key().to_owned()),
        release: resolved.release().map(str::to_owned),
        environment: Some(resolved.environment().to_owned()),
        org_id: org_id.or_else(|| resolved.dsn()?.org_id()),
    };
    let transactions = TransactionFilter {
        ignored: resolved.ignored_transactions().clone(),
        health_checks: resolved.ignore_health_checks(),
        hook: resolved.before_send_transaction().cloned(),
    };
    let filter = EventFilter {
        min_level: resolved.min_event_level(),
        ignored_types: resolved.ignored_error_types().to_vec(),
        ignored_errors: resolved.ignored_errors().clone(),
    };

    let mut options = ClientOptions::new()
        .environment(resolved.environment().to_owned())
        .maybe_release(resolved.release().map(str::to_owned))
        .sample_rate(resolved.sample_rate())
        .max_breadcrumbs(resolved.max_breadcrumbs())
        .send_default_pii(resolved.send_default_pii())
        .debug(resolved.debug())
        .shutdown_timeout(resolved.shutdown_timeout())
        .strict_trace_continuation(resolved.strict_trace_continuation())
        .add_integration(MonitorIntegration)
        .add_integration(PropagationSettings {
            targets: resolved.trace_propagation_targets().clone(),
            traceparent: resolved.propagate_traceparent(),
            tracing: resolved.tracing_enabled(),
        });
    options.dsn = sdk_dsn;
    if let Some(org_id) = org_id {
        options = options.org_id(org_id);
    }
    if let Some(server_name) = resolved.server_name() {
        options = options.server_name(server_name.to_owned());
    }
    let sampler = resolved.tracing_enabled().then(|| {
        Sampler::new(
            resolved.sampler_rules().clone(),
            resolved.traces_sample_rate(),
        )
    });
    // The toolkit's sampler for SDK transactions (it also records the trace's head for the
    // dynamic sampling context, and tail sampling's head draw), and the tracer integration
    // through which the toolkit's own spans call it directly.
    options = crate::span::install(options, sampler, resolved.tail_sampling());
    // The hooks run on the application's thread, so they only decide and link: the filter
    // drops, the user's hook runs, an error gets the raw addresses of its stack, and logs and
    // metrics take the toolkit span they were emitted in. Scrubbing, symbolication and the
    // wire fixes happen once per envelope on the transport's preparation thread.
    {
        let filter_stats = filter_stats.clone();
        let user_hook = resolved.before_send().cloned();
        options = options.before_send(move |event| {
            let event = filter.apply(event, &filter_stats)?;
            let mut event = match &user_hook {
                Some(hook) => hook(event)?,
                None => event,
            };
            crate::stack::attach_if_missing(&mut event);
            Some(event)
        });
    }
    options = options.before_send_log(|mut log| {
        crate::logging::link_log(&mut log);
        Some(log)
    });
    options = options.before_send_metric(|mut metric| {
        crate::metrics::link_metric(&mut metric);
        Some(metric)
    });

    let preparer = Preparer::new(
        scrubber,
        options
            .in_app_include
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
        options
            .in_app_exclude
            .iter()
            .map(|p| (*p).to_owned())
            .collect(),
    );
    // The SDK has no hook for transactions: they are filtered here, on the preparation
    // thread, then given their trace's context, and prepared like every envelope.
    let hook: transport::EnvelopeHook = {
        let filter_stats = filter_stats.clone();
        let tail_not_kept = tail_not_kept.clone();
        Arc::new(move |envelope, deadline| {
            // Toolkit spans grafted under SDK spans join their transaction first, so they
            // are filtered and prepared with it (and freed if it is dropped).
            let envelope = crate::span::graft::merge(envelope);
            // SDK transactions the head did not sample are kept or dropped by tail
            // sampling; an envelope it empties is counted apart (not a loss).
            let envelope = crate::span::tail::decide_envelope(envelope, &tail_not_kept)?;
            let envelope = transactions.apply(envelope, &filter_stats)?;
            let envelope = propagation::envelope::with_trace_header(envelope, &facts);
            Some(preparer.prepare(envelope, deadline))
        })
    };
    options = options.transport(TransportFactory::new(
        settings,
        Some(hook),
        transport_stats.clone(),
    ));

    let mut warnings = resolved.warnings().to_vec();
    if resolved.sample_rate() == 0.0 {
        warnings.push(DROPS_EVERY_ERROR.to_owned());
    }
    warnings.extend(crate::registry::unmatched_rules(
        resolved.sampler_rules(),
        resolved.known_transactions(),
    ));
    Ok(Built {
        options,
        state: RuntimeState {
            config,
            mode,
            transport: transport_stats,
            filter: filter_stats,
            tail_not_kept,
            warnings,
            client: None,
            logging_installed: false,
        },
    })
}

fn transport_settings(
    resolved: &crate::config::Resolved<'_>,
    destination: Destination,
) -> TransportSettings {
    match destination {
        Destination::Configured => TransportSettings {
            remote: resolved.dsn().map(|dsn| RemoteSettings {
                connect_timeout: resolved.connect_timeout(),
                request_timeout: resolved.request_timeout(),
                ..RemoteSettings::new(dsn.clone())
            }),
            console: resolved.is_local(),
            events_file: resolved.events_file().map(ToOwned::to_owned),
            spotlight: resolved.spotlight().map(str::to_owned),
            queue_capacity: resolved.queue_capacity(),
            remote_concurrency: transport::DEFAULT_REMOTE_CONCURRENCY,
            #[cfg(feature = "testing")]
            capture: None,
        },
        #[cfg(feature = "testing")]
        Destination::Capture(sink) => TransportSettings {
            remote: None,
            console: false,
            events_file: None,
            spotlight: None,
            // A test asserts on everything its code produced: the capture never drops.
            queue_capacity: usize::MAX,
            remote_concurrency: transport::DEFAULT_REMOTE_CONCURRENCY,
            capture: Some(sink),
        },
    }
}

/// Names the setting behind a transport problem found before the client is built.
fn transport_problem(error: TransportError) -> ConfigError {
    let problem = match &error {
        TransportError::EventsFile { path, source } => ConfigProblem::env(
            "MONITOR_EVENTS_FILE",
            &path.display().to_string(),
            format!("a file path that can be opened for appending ({source})"),
        ),
        TransportError::SpotlightUrl { url, reason } => ConfigProblem::env(
            "SENTRY_SPOTLIGHT",
            url,
            format!("1, true, or an http(s) URL of the Spotlight sidecar ({reason})"),
        ),
        other => ConfigProblem::builder_text("Config", &other.to_string(), "a working transport"),
    };
    ConfigError::single(problem)
}
