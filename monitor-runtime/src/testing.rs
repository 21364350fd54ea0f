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

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sentry::protocol::{
    Breadcrumb, Envelope, EnvelopeItem, Event, ItemContainer, Log, Metric, MonitorCheckIn, Span,
    SpanId, SpanStatus, TraceContext, Transaction, Value,
};
use sentry::{Client, Hub, Scope, SentryFutureExt};

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

    fn client(self) -> (Arc<Client>, Arc<Hub>, Arc<CaptureSink>) {
        let sink = CaptureSink::new();
        let built = build(self.config, Destination::Capture(sink.clone()))
            .unwrap_or_else(|e| panic!("monitor_runtime::testing: invalid configuration: {e}"));
        let client = Arc::new(Client::from(sentry::apply_defaults(built.options)));
        let hub = Arc::new(Hub::new(Some(client.clone()), Arc::new(Scope::default())));
        (client, hub, sink)
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

/// The message of `event` as it is sent: the transport moves the SDK's top-level `message`
/// into `logentry.message`, which Sentry's event schema accepts.
///
/// ```
/// use monitor_runtime::testing;
///
/// let ((), captured) = testing::capture(|| {
///     monitor_runtime::capture_message("Import completed", monitor_runtime::sentry::Level::Warning);
/// });
/// let event = captured.events()[0];
/// assert!(event.message.is_none());
/// assert_eq!(testing::message(event), Some("Import completed"));
/// ```
pub fn message<'a>(event: &'a Event<'_>) -> Option<&'a str> {
    crate::prepare::protocol::message_of(event)
}

/// Everything that reached the transport during a capture.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    envelopes: Vec<Envelope>,
}

impl Captured {
    /// The raw envelopes, in the order they were sent.
    pub fn envelopes(&self) -> &[Envelope] {
        &self.envelopes
    }

    fn items(&self) -> impl Iterator<Item = &EnvelopeItem> {
        self.envelopes.iter().flat_map(|e| e.items())
    }

    /// Error and message events.
    pub fn events(&self) -> Vec<&Event<'static>> {
        self.items()
            .filter_map(|item| match item {
                EnvelopeItem::Event(event) => Some(&**event),
                _ => None,
            })
            .collect()
    }

    /// Transactions, with helpers to walk their span tree.
    pub fn transactions(&self) -> Vec<CapturedTransaction<'_>> {
        self.items()
            .filter_map(|item| match item {
                EnvelopeItem::Transaction(tx) => Some(CapturedTransaction { tx }),
                _ => None,
            })
            .collect()
    }

    /// The `trace` header (the trace's dynamic sampling context) of the envelope that
    /// carried the transaction named `name`, as JSON; `None` when it had none.
    ///
    /// # Panics
    /// When no transaction has that name: a test helper.
    pub fn trace_header(&self, name: &str) -> Option<serde_json::Value> {
        let envelope = self
            .envelopes
            .iter()
            .find(|envelope| {
                envelope.items().any(|item| {
                    matches!(item, EnvelopeItem::Transaction(t) if t.name.as_deref() == Some(name))
                })
            })
            .unwrap_or_else(|| panic!("no transaction named {name:?}"));
        let mut headers = serde_json::to_value(envelope.headers()).ok()?;
        headers.get_mut("trace").map(serde_json::Value::take)
    }

    /// The transaction named `name`.
    ///
    /// # Panics
    /// When there is none, listing the names there are: a test helper.
    pub fn transaction(&self, name: &str) -> CapturedTransaction<'_> {
        let all = self.transactions();
        let names: Vec<_> = all.iter().map(|t| t.name().to_owned()).collect();
        all.into_iter()
            .find(|t| t.name() == name)
            .unwrap_or_else(|| panic!("no transaction named {name:?}; captured: {names:?}"))
    }

    /// Structured logs.
    pub fn logs(&self) -> Vec<&Log> {
        self.items()
            .filter_map(|item| match item {
                EnvelopeItem::ItemContainer(ItemContainer::Logs(logs)) => Some(logs.iter()),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Metrics.
    pub fn metrics(&self) -> Vec<&Metric> {
        self.items()
            .filter_map(|item| match item {
                EnvelopeItem::ItemContainer(ItemContainer::Metrics(metrics)) => {
                    Some(metrics.iter())
                }
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// Cron check-ins.
    pub fn check_ins(&self) -> Vec<&MonitorCheckIn> {
        self.items()
            .filter_map(|item| match item {
                EnvelopeItem::MonitorCheckIn(check_in) => Some(check_in),
                _ => None,
            })
            .collect()
    }

    /// Every envelope serialised as Sentry would receive it, for assertions that some text
    /// never leaves the process.
    pub fn to_wire_text(&self) -> String {
        let mut out = Vec::new();
        for envelope in &self.envelopes {
            // Writing to a Vec cannot fail.
            let _ = envelope.to_writer(&mut out);
            out.push(b'\n');
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// A captured transaction.
#[derive(Debug, Clone, Copy)]
pub struct CapturedTransaction<'a> {
    tx: &'a Transaction<'static>,
}

/// A span of a captured transaction, or the transaction itself as the root.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanNode {
    /// The span's name (its description), or the transaction's name for the root.
    pub name: String,
    /// The operation.
    pub op: Option<String>,
    /// The status.
    pub status: Option<SpanStatus>,
    /// The span id.
    pub span_id: SpanId,
    /// The parent's span id (`None` for a root without an incoming trace).
    pub parent_span_id: Option<SpanId>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Data.
    pub data: BTreeMap<String, Value>,
}

impl<'a> CapturedTransaction<'a> {
    /// The underlying protocol transaction.
    pub fn raw(&self) -> &'a Transaction<'static> {
        self.tx
    }

    /// The transaction's name.
    pub fn name(&self) -> &'a str {
        self.tx.name.as_deref().unwrap_or("")
    }

    fn trace(&self) -> Option<&'a TraceContext> {
        match self.tx.contexts.get("trace") {
            Some(sentry::protocol::Context::Trace(trace)) => Some(trace),
            _ => None,
        }
    }

    /// The root of the span tree: the transaction itself.
    pub fn root(&self) -> SpanNode {
        let trace = self.trace();
        SpanNode {
            name: self.name().to_owned(),
            op: trace.and_then(|t| t.op.clone()),
            status: trace.and_then(|t| t.status),
            span_id: trace.map(|t| t.span_id).unwrap_or_default(),
            parent_span_id: trace.and_then(|t| t.parent_span_id),
            tags: self.tx.tags.clone().into_iter().collect(),
            data: trace
                .map(|t| t.data.clone().into_iter().collect())
                .unwrap_or_default(),
        }
    }

    /// The transaction's trace id.
    pub fn trace_id(&self) -> String {
        self.trace()
            .map(|t| t.trace_id.to_string())
            .unwrap_or_default()
    }

    /// The transaction's status.
    pub fn status(&self) -> Option<SpanStatus> {
        self.trace().and_then(|t| t.status)
    }

    /// The child spans, in the order they finished.
    pub fn spans(&self) -> Vec<SpanNode> {
        self.tx.spans.iter().map(node).collect()
    }

    /// The span named `name`.
    ///
    /// # Panics
    /// When there is none: a test helper.
    pub fn span(&self, name: &str) -> SpanNode {
        self.spans()
            .into_iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no span named {name:?} in:\n{}", self.tree()))
    }

    /// The direct children of the span with id `parent`.
    pub fn children_of(&self, parent: SpanId) -> Vec<SpanNode> {
        self.spans()
            .into_iter()
            .filter(|s| s.parent_span_id == Some(parent))
            .collect()
    }

    /// The tree as indented text, `name (op) status`, children sorted by name: easy to
    /// compare in a test and to read when it fails.
    pub fn tree(&self) -> String {
        fn walk(out: &mut String, tx: &CapturedTransaction<'_>, node: &SpanNode, depth: usize) {
            out.push_str(&"  ".repeat(depth));
            out.push_str(&node.name);
            if let Some(op) = &node.op {
                out.push_str(&format!(" ({op})"));
            }
            if let Some(status) = node.status {
                out.push_str(&format!(" {status}"));
            }
            out.push('\n');
            let mut children = tx.children_of(node.span_id);
            children.sort_by(|a, b| a.name.cmp(&b.name));
            for child in &children {
                walk(out, tx, child, depth + 1);
            }
        }
        let mut out = String::new();
        walk(&mut out, self, &self.root(), 0);
        out
    }
}

fn node(span: &Span) -> SpanNode {
    SpanNode {
        name: span.description.clone().unwrap_or_default(),
        op: span.op.clone(),
        status: span.status,
        span_id: span.span_id,
        parent_span_id: span.parent_span_id,
        tags: span.tags.clone().into_iter().collect(),
        data: span.data.clone().into_iter().collect(),
    }
}

/// A `tracing-subscriber` writer that keeps what is written, to assert on log lines.
///
/// ```
/// use monitor_runtime::testing::LogLines;
/// use tracing_subscriber::prelude::*;
///
/// let lines = LogLines::default();
/// let layer = monitor_runtime::logging::Logging::new(&monitor_runtime::Config::default())
///     .format(monitor_runtime::config::LogFormat::Json)
///     .writer(lines.clone())
///     .sentry(false)
///     .layer()
///     .unwrap();
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
///     tracing::info!(org_id = 7, "organisation_created");
/// });
/// assert_eq!(lines.json_lines()[0]["org_id"], 7);
/// ```
#[derive(Clone, Debug, Default)]
pub struct LogLines(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogLines {
    /// Everything written so far.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Each line parsed as JSON.
    ///
    /// # Panics
    /// When a line is not JSON, quoting it: a test helper.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
            .collect()
    }
}

impl std::io::Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogLines {
    type Writer = LogLines;

    fn make_writer(&'a self) -> LogLines {
        self.clone()
    }
}

/// The messages of an event's breadcrumbs, in order.
pub fn crumb_messages(event: &Event<'_>) -> Vec<String> {
    event
        .breadcrumbs
        .values
        .iter()
        .map(|b: &Breadcrumb| b.message.clone().unwrap_or_default())
        .collect()
}
