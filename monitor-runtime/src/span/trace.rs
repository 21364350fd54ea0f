//! The toolkit's span recorder: one buffer per transaction, spans as plain records.
//!
//! The SDK gives every span an `Arc<Mutex<protocol::Span>>`, two owned strings, and a
//! full clone into its transaction when it finishes. The
//! toolkit records a span as one [`Record`] pushed into its transaction's buffer: the name
//! and operation of a `#[monitored]` function are `&'static str`, so starting and finishing
//! a span takes the buffer's lock twice and allocates nothing (the buffer grows by
//! doubling). Records become the protocol's spans once, when the transaction is sent
//! (`transaction.rs`).
//!
//! A [`Trace`] is one of two things ([`Sink`]):
//! - a transaction of the toolkit's own, whose root is record 0 and which is sent when that
//!   record finishes;
//! - a graft: toolkit spans under a span of the SDK (a `sentry-tower` request, a
//!   `sentry-tracing` span), merged into the SDK's transaction as it passes the toolkit's
//!   transport (`graft.rs`).
//!
//! Whether a trace is sent is decided by its [`Head`]: sampled at its start, or pending a
//! decision at its end (tail sampling records exactly the same way).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::SystemTime;

use sentry::protocol::{SpanId, SpanStatus, TraceId, Value};
use sentry::{Client, Hub};

use super::budget::{self, Evict, Pending};
use super::ids;
use super::request::RequestFacts;
use crate::registry::FnSite;

/// What one record costs tail sampling's budget (its size, and its share of the buffer's
/// slack).
const RECORD_COST: usize = 2 * std::mem::size_of::<Record>();
/// Records are charged this many at a time, so that most spans touch no shared counter.
const CHUNK_RECORDS: usize = 16;

/// How much more a trace holding `charged` bytes for `needed` must charge, in chunks.
fn shortfall(needed: usize, charged: usize) -> usize {
    if needed <= charged {
        return 0;
    }
    (needed - charged).max(CHUNK_RECORDS * RECORD_COST)
}

/// A name or operation: borrowed for functions' static names, owned for names built at
/// run time ([`PerformanceMonitor`](crate::PerformanceMonitor)).
pub(crate) type Text = Cow<'static, str>;

/// The most child spans one transaction keeps: the SDK's own limit (`MAX_SPANS`), so
/// Sentry sees the same trees whichever recorder made them.
pub(crate) const MAX_SPANS: usize = 1_000;

/// A span's operation and name (a child's description, a transaction's name): the site
/// of a monitored function, one word for two static strings, or text given at run time.
#[derive(Debug)]
pub(crate) enum Names {
    Site(&'static FnSite),
    /// `(op, name)`.
    Text(Box<(Text, Text)>),
}

impl Names {
    pub(crate) fn name(&self) -> &str {
        match self {
            Names::Site(site) => site.name(),
            Names::Text(text) => &text.1,
        }
    }

    /// `(op, name)` as owned strings, for the protocol.
    pub(crate) fn into_strings(self) -> (String, String) {
        match self {
            Names::Site(site) => (
                site.op.unwrap_or(DEFAULT_OP).to_owned(),
                site.name().to_owned(),
            ),
            Names::Text(text) => {
                let (op, name) = *text;
                (op.into_owned(), name.into_owned())
            }
        }
    }

    fn set_op(&mut self, op: &str) {
        let name: Text = match self {
            Names::Site(site) => Cow::Borrowed(site.name()),
            Names::Text(text) => std::mem::take(&mut text.1),
        };
        *self = Names::Text(Box::new((Cow::Owned(op.to_owned()), name)));
    }
}

/// The operation of a monitored function that names none.
pub(crate) const DEFAULT_OP: &str = "function";

/// One span as recorded.
#[derive(Debug)]
pub(crate) struct Record {
    pub(crate) span_id: SpanId,
    pub(crate) parent_span_id: Option<SpanId>,
    pub(crate) names: Names,
    pub(crate) start: SystemTime,
    pub(crate) end: Option<SystemTime>,
    pub(crate) status: Option<SpanStatus>,
    /// Tags, data and links: most spans have none, so they cost one word.
    pub(crate) extra: Option<Box<Extra>>,
}

/// What a span carries beyond its identity and timing.
#[derive(Debug, Default)]
pub(crate) struct Extra {
    pub(crate) tags: BTreeMap<String, String>,
    pub(crate) data: BTreeMap<String, Value>,
    pub(crate) links: Vec<Link>,
    /// An `http.client` span's request, typed: its data entries and description are built
    /// when the transaction is converted.
    pub(crate) request: Option<RequestFacts>,
}

/// A link to another span (`follows_from`): Sentry's span links.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Link {
    pub(crate) trace_id: TraceId,
    pub(crate) span_id: SpanId,
    pub(crate) sampled: Option<bool>,
}

/// The head's sampling decision for a trace the toolkit records.
#[derive(Debug, Clone, Copy, PartialEq)]
#[allow(dead_code)] // `Pending` is what tail sampling records.
pub(crate) enum Keep {
    /// Sampled at the head: sent when it finishes.
    Sampled,
    /// Not sampled at the head, recorded anyway: sent only if tail sampling says so at
    /// the end.
    Pending,
}

/// How a trace was sampled at its head.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Head {
    pub(crate) keep: Keep,
    /// The rate the decision was drawn at (for the DSC); NaN when it was inherited
    /// from a parent whose rate is unknown.
    pub(crate) sample_rate: f32,
}

/// Where a trace's records go.
#[derive(Debug)]
pub(crate) enum Sink {
    /// A transaction of the toolkit's: sent through `client` when record 0 finishes, with
    /// the scope of `hub` (the hub it started on, as the SDK does).
    Transaction {
        client: Arc<Client>,
        hub: Arc<Hub>,
        /// The toolkit's state for `client`, when the toolkit built it.
        tracer: Option<Arc<super::tracer::TracerState>>,
        /// The parent span in another service or transaction, when it continues one.
        parent_span_id: Option<SpanId>,
    },
    /// Children of the SDK span `sdk_parent`, merged into its transaction.
    Graft { sdk_parent: SpanId },
}

/// One trace's recording; shared by its spans' handles.
#[derive(Debug)]
pub(crate) struct Trace {
    pub(crate) trace_id: TraceId,
    pub(crate) head: Head,
    pub(crate) sink: Sink,
    /// Tail sampling's state, for a trace recorded although its head did not sample it.
    pub(crate) tail: Option<Pending>,
    buffer: Mutex<Buffer>,
}

#[derive(Debug)]
pub(crate) struct Buffer {
    pub(crate) records: Vec<Record>,
    /// Set once the records were taken (sent, merged or dropped): later spans are lost,
    /// as the SDK loses spans finished after their transaction.
    pub(crate) closed: bool,
    /// Spans not kept: over [`MAX_SPANS`], or started after the trace closed.
    pub(crate) dropped: u32,
    /// Pending traces: the bytes charged to tail sampling's budget, and the approximate
    /// size of the tags and data recorded so far.
    pub(crate) charged: usize,
    pub(crate) extra_bytes: usize,
}

impl Buffer {
    /// What a pending trace must charge to the budget now, recorded as charged.
    fn charge_due(&mut self) -> usize {
        let needed = self.records.len() * RECORD_COST + self.extra_bytes;
        let due = shortfall(needed, self.charged);
        self.charged += due;
        due
    }
}

/// A handle on one recorded span: its trace and its place in the buffer.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) trace: Arc<Trace>,
    pub(crate) index: u32,
    pub(crate) span_id: SpanId,
}

impl Record {
    pub(crate) fn new(span_id: SpanId, parent: Option<SpanId>, names: Names) -> Record {
        Record {
            span_id,
            parent_span_id: parent,
            names,
            start: SystemTime::now(),
            end: None,
            status: None,
            extra: None,
        }
    }

    fn extra(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Box::default)
    }
}

impl Trace {
    /// A new transaction of the toolkit's whose root is `root`.
    pub(crate) fn transaction(
        trace_id: TraceId,
        head: Head,
        sink: Sink,
        root: Record,
        tail: Option<Pending>,
    ) -> Node {
        let span_id = root.span_id;
        let mut records = Vec::with_capacity(4);
        records.push(root);
        let trace = Arc::new(Trace {
            trace_id,
            head,
            sink,
            tail,
            buffer: Mutex::new(Buffer {
                records,
                closed: false,
                dropped: 0,
                charged: 0,
                extra_bytes: 0,
            }),
        });
        Node {
            trace,
            index: 0,
            span_id,
        }
    }

    /// A new, empty graft under the SDK span `sdk_parent` of trace `trace_id`.
    pub(crate) fn graft(trace_id: TraceId, sdk_parent: SpanId) -> Arc<Trace> {
        Arc::new(Trace {
            trace_id,
            head: Head {
                keep: Keep::Sampled,
                sample_rate: f32::NAN,
            },
            sink: Sink::Graft { sdk_parent },
            tail: None,
            buffer: Mutex::new(Buffer {
                records: Vec::with_capacity(8),
                closed: false,
                dropped: 0,
                charged: 0,
                extra_bytes: 0,
            }),
        })
    }

    /// Enters this pending trace into tail sampling's budget, charged for its first chunk
    /// of records.
    pub(crate) fn register_pending(self: &Arc<Self>, budget: usize) {
        let first = CHUNK_RECORDS * RECORD_COST;
        self.lock().charged = first;
        let weak: Weak<Trace> = Arc::downgrade(self);
        let weak: Weak<dyn Evict> = weak;
        budget::register(weak, first, budget);
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Buffer> {
        // A panic while the lock was held cannot leave a record half-written (every
        // write is a plain field store), so a poisoned buffer is still good.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a span under `parent` (a span of this trace, or the graft's SDK parent);
    /// `None` when the trace is closed or full.
    #[inline]
    pub(crate) fn start_child(self: &Arc<Self>, parent: SpanId, names: Names) -> Option<Node> {
        let span_id = ids::span_id();
        let record = Record::new(span_id, Some(parent), names);
        let (index, charge) = {
            let mut buffer = self.lock();
            // Record 0 of a transaction is its root, not one of its spans.
            let limit = match (&self.sink, &self.tail) {
                (_, Some(pending)) => pending.settings.max_spans() + 1,
                (Sink::Transaction { .. }, None) => MAX_SPANS + 1,
                (Sink::Graft { .. }, None) => MAX_SPANS,
            };
            if buffer.closed || buffer.records.len() >= limit {
                buffer.dropped = buffer.dropped.saturating_add(1);
                if self.tail.is_some() && !buffer.closed {
                    budget::span_over_cap();
                }
                return None;
            }
            buffer.records.push(record);
            let charge = self.tail.as_ref().map_or(0, |_| buffer.charge_due());
            (buffer.records.len() - 1, charge)
        };
        if let Some(pending) = &self.tail {
            budget::charge(charge, pending.settings.budget());
        }
        Some(Node {
            trace: Arc::clone(self),
            index: u32::try_from(index).unwrap_or(u32::MAX),
            span_id,
        })
    }
}

impl Node {
    /// Runs `f` on this span's record, unless its trace was closed.
    fn with_record<R>(&self, f: impl FnOnce(&mut Record) -> R) -> Option<R> {
        let mut buffer = self.trace.lock();
        if buffer.closed {
            return None;
        }
        buffer.records.get_mut(self.index as usize).map(f)
    }

    /// Whether this span is its transaction's root.
    pub(crate) fn is_transaction(&self) -> bool {
        self.index == 0 && matches!(self.trace.sink, Sink::Transaction { .. })
    }

    pub(crate) fn set_status(&self, status: SpanStatus) {
        self.with_record(|r| r.status = Some(status));
    }

    pub(crate) fn set_op(&self, op: &str) {
        self.with_record(|r| r.names.set_op(op));
    }

    pub(crate) fn set_tag(&self, key: &str, value: String) {
        let size = 48 + key.len() + value.len();
        self.with_extra(size, |extra| {
            extra.tags.insert(key.to_owned(), value);
        });
    }

    pub(crate) fn set_data(&self, key: &str, value: Value) {
        let size = 24 + key.len() + budget::approximate_size(&value);
        self.with_extra(size, |extra| {
            extra.data.insert(key.to_owned(), value);
        });
    }

    pub(crate) fn set_request(&self, request: RequestFacts) {
        let size = request.approximate_size();
        self.with_extra(size, |extra| extra.request = Some(request));
    }

    /// Runs `f` on this span's tags, data and links, charging about `size` bytes to tail
    /// sampling's budget when the trace is pending.
    fn with_extra(&self, size: usize, f: impl FnOnce(&mut Extra)) {
        let charge = {
            let mut buffer = self.trace.lock();
            if buffer.closed {
                return;
            }
            let Some(record) = buffer.records.get_mut(self.index as usize) else {
                return;
            };
            f(record.extra());
            match &self.trace.tail {
                Some(_) => {
                    buffer.extra_bytes += size;
                    buffer.charge_due()
                }
                None => 0,
            }
        };
        if let Some(pending) = &self.trace.tail {
            budget::charge(charge, pending.settings.budget());
        }
    }

    pub(crate) fn add_link(&self, link: Link) {
        self.with_record(|r| r.extra().links.push(link));
    }

    /// Finishes the span with `status` unless one was set before (`force` overrides it).
    /// Finishing a transaction's root closes it and returns what the caller sends or hands
    /// to the tail decision (`transaction::finish`); finishing twice does nothing.
    #[must_use]
    pub(crate) fn finish(self, status: SpanStatus, force: bool) -> Option<Finished> {
        let end = SystemTime::now();
        let mut buffer = self.trace.lock();
        if buffer.closed {
            return None;
        }
        let record = buffer.records.get_mut(self.index as usize)?;
        if record.end.is_some() {
            return None;
        }
        record.end = Some(end);
        if force || record.status.is_none() {
            record.status = Some(status);
        }
        if !self.is_transaction() {
            return None;
        }
        buffer.closed = true;
        let records = std::mem::take(&mut buffer.records);
        let dropped = buffer.dropped;
        let charged = std::mem::take(&mut buffer.charged);
        drop(buffer);
        Some(Finished {
            trace: self.trace,
            records,
            dropped,
            charged,
        })
    }
}

/// A transaction whose root finished: its records, taken from the closed buffer.
pub(crate) struct Finished {
    pub(crate) trace: Arc<Trace>,
    pub(crate) records: Vec<Record>,
    /// Spans not kept (over the cap, or after the close).
    pub(crate) dropped: u32,
    /// What a pending trace had charged to tail sampling's budget.
    pub(crate) charged: usize,
}

impl Evict for Trace {
    fn evict(&self) -> Option<usize> {
        let (records, charged) = {
            let mut buffer = self.lock();
            if buffer.closed {
                return None;
            }
            buffer.closed = true;
            let charged = std::mem::take(&mut buffer.charged);
            (std::mem::take(&mut buffer.records), charged)
        };
        // Freed outside the lock.
        drop(records);
        Some(charged)
    }
}
