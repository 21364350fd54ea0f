//! What a capture holds: [`Captured`] envelopes, and the views tests read them through
//! ([`CapturedTransaction`], [`SpanNode`], [`message`], [`crumb_messages`]).

use super::*;

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
    pub(super) envelopes: Vec<Envelope>,
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

/// The messages of an event's breadcrumbs, in order.
pub fn crumb_messages(event: &Event<'_>) -> Vec<String> {
    event
        .breadcrumbs
        .values
        .iter()
        .map(|b: &Breadcrumb| b.message.clone().unwrap_or_default())
        .collect()
}
