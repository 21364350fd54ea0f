//! The local-mode console: one readable line on stderr per event, transaction and check-in.
//!
//! Line formats (stable; fields that are absent are left out together with their label):
//!
//! ```text
//! [sentry] event <level> "<message>" <ExceptionType>  tags: k=v k=v  id=<8 hex>…
//! [sentry] transaction <name> <status> <duration> spans=<n> trace=<8 hex>…  tags: k=v
//! [sentry] check-in <monitor-slug> <status> [<duration>]
//! [sentry] log <level> "<body>"                       (a batch of one)
//! [sentry] logs <n> (first: <level> "<body>")
//! [sentry] metric <type> <name>=<value>               (a batch of one)
//! [sentry] metrics <n> (first: <type> <name>=<value>)
//! ```
//!
//! * `<message>` is the event's message, else its log entry, else the value of its last
//!   (outermost) exception; `<ExceptionType>` is that exception's type.
//! * Quoted text has `"`, `\` and control characters escaped, and is cut at 200 characters
//!   with `…`, so one item is always one line.
//! * Tags are sorted by key (at most 10, then `…`); a value with spaces or quotes is quoted.
//! * Durations under a second print as milliseconds with one decimal (`12.4ms`), longer ones
//!   as seconds with two (`1.52s`).
//! * Sessions, attachments and client reports print nothing.
//!
//! For example:
//!
//! ```text
//! [sentry] event error "division by zero" ZeroDivisionError  tags: error_type=stats status_code=500  id=1f2e3d4c…
//! [sentry] transaction GET /api/v1/organisations/{id} ok 12.4ms spans=3 trace=4bf92f35…
//! [sentry] check-in nightly-import in_progress
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;
use std::time::Duration;

use sentry::Envelope;
use sentry::protocol::{
    Context, EnvelopeItem, Event, ItemContainer, Log, Metric, MonitorCheckIn, Transaction,
};

use super::queue::{Delivery, ShutdownDeadline, Sink};
use super::stats::DropReason;

const PREFIX: &str = "[sentry]";
const MAX_TEXT: usize = 200;
const MAX_TAGS: usize = 10;

/// Writes the lines of each envelope to a writer (stderr in production).
pub(crate) struct ConsoleSink {
    out: Box<dyn Write + Send>,
}

impl ConsoleSink {
    /// A console writing to `out`; tests pass a buffer.
    pub(crate) fn new(out: Box<dyn Write + Send>) -> Self {
        Self { out }
    }

    /// The console of local mode.
    pub(crate) fn stderr() -> Self {
        Self::new(Box::new(std::io::stderr()))
    }
}

impl Sink for ConsoleSink {
    fn deliver(&mut self, envelope: Envelope, _deadline: &ShutdownDeadline) -> Delivery {
        let lines = format_envelope(&envelope);
        if lines.is_empty() {
            return Delivery::Sent;
        }
        let mut text = lines.join("\n");
        text.push('\n');
        // One write per envelope, so lines from other threads do not interleave mid-line.
        match self
            .out
            .write_all(text.as_bytes())
            .and_then(|()| self.out.flush())
        {
            Ok(()) => Delivery::Sent,
            Err(err) => Delivery::failed(
                DropReason::IoError,
                format!("cannot write to stderr: {err}"),
            ),
        }
    }
}

/// The console lines for every printable item of `envelope`, in item order.
pub(crate) fn format_envelope(envelope: &Envelope) -> Vec<String> {
    envelope.items().filter_map(format_item).collect()
}

fn format_item(item: &EnvelopeItem) -> Option<String> {
    match item {
        EnvelopeItem::Event(event) => Some(format_event(event)),
        EnvelopeItem::Transaction(transaction) => Some(format_transaction(transaction)),
        EnvelopeItem::MonitorCheckIn(check_in) => Some(format_check_in(check_in)),
        EnvelopeItem::ItemContainer(ItemContainer::Logs(logs)) => format_logs(logs),
        EnvelopeItem::ItemContainer(ItemContainer::Metrics(metrics)) => format_metrics(metrics),
        _ => None,
    }
}

/// `[sentry] event <level> "<message>" <ExceptionType>  tags: …  id=…`
pub(crate) fn format_event(event: &Event<'_>) -> String {
    let mut line = format!("{PREFIX} event {}", event.level);
    let exception = event.exception.values.last();
    let message = event
        .message
        .as_deref()
        .or(event.logentry.as_ref().map(|entry| entry.message.as_str()))
        .or(exception.and_then(|e| e.value.as_deref()));
    if let Some(message) = message {
        let _ = write!(line, " {}", quote(message));
    }
    if let Some(exception) = exception.filter(|e| !e.ty.is_empty()) {
        let _ = write!(line, " {}", one_line(&exception.ty));
    }
    push_tags(&mut line, &event.tags);
    let _ = write!(
        line,
        "  id={}",
        short_id(&event.event_id.simple().to_string())
    );
    line
}

/// `[sentry] transaction <name> <status> <duration> spans=<n> trace=…  tags: …`
pub(crate) fn format_transaction(transaction: &Transaction<'_>) -> String {
    let name = transaction.name.as_deref().unwrap_or("<unnamed>");
    let mut line = format!("{PREFIX} transaction {}", one_line(name));
    let trace = transaction.contexts.get("trace").and_then(|c| match c {
        Context::Trace(trace) => Some(trace),
        _ => None,
    });
    if let Some(status) = trace.and_then(|t| t.status) {
        let _ = write!(line, " {status}");
    }
    if let Some(end) = transaction.timestamp {
        let elapsed = end
            .duration_since(transaction.start_timestamp)
            .unwrap_or(Duration::ZERO);
        let _ = write!(line, " {}", format_duration(elapsed));
    }
    let _ = write!(line, " spans={}", transaction.spans.len());
    if let Some(trace) = trace {
        let _ = write!(line, " trace={}", short_id(&trace.trace_id.to_string()));
    }
    push_tags(&mut line, &transaction.tags);
    line
}

/// `[sentry] check-in <slug> <status> [<duration>]`
pub(crate) fn format_check_in(check_in: &MonitorCheckIn) -> String {
    let status = serde_json::to_value(check_in.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned());
    let mut line = format!(
        "{PREFIX} check-in {} {status}",
        one_line(&check_in.monitor_slug)
    );
    if let Some(seconds) = check_in.duration.filter(|s| s.is_finite() && *s >= 0.0) {
        let _ = write!(
            line,
            " {}",
            format_duration(Duration::from_secs_f64(seconds))
        );
    }
    line
}

fn format_logs(logs: &[Log]) -> Option<String> {
    let first = logs.first()?;
    let level = serde_json::to_value(first.level)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let summary = format!("{level} {}", quote(&first.body));
    Some(match logs.len() {
        1 => format!("{PREFIX} log {summary}"),
        n => format!("{PREFIX} logs {n} (first: {summary})"),
    })
}

fn format_metrics(metrics: &[Metric]) -> Option<String> {
    let first = metrics.first()?;
    let kind = serde_json::to_value(first.r#type)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let summary = format!("{kind} {}={}", one_line(&first.name), first.value);
    Some(match metrics.len() {
        1 => format!("{PREFIX} metric {summary}"),
        n => format!("{PREFIX} metrics {n} (first: {summary})"),
    })
}

fn push_tags(line: &mut String, tags: &BTreeMap<String, String>) {
    if tags.is_empty() {
        return;
    }
    line.push_str("  tags:");
    for (key, value) in tags.iter().take(MAX_TAGS) {
        let value = if value.is_empty() || value.contains([' ', '"', '=']) {
            quote(value)
        } else {
            one_line(value)
        };
        let _ = write!(line, " {}={value}", one_line(key));
    }
    if tags.len() > MAX_TAGS {
        line.push_str(" …");
    }
}

/// `"text"` with quotes, backslashes and control characters escaped, cut to [`MAX_TEXT`].
fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len().min(MAX_TEXT) + 2);
    quoted.push('"');
    for (count, c) in text.chars().enumerate() {
        if count == MAX_TEXT {
            quoted.push('…');
            break;
        }
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(quoted, "\\u{{{:x}}}", c as u32);
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// Unquoted text made safe for one line: control characters become spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .take(MAX_TEXT)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn short_id(hex: &str) -> String {
    match hex.get(..8) {
        Some(prefix) if hex.len() > 8 => format!("{prefix}…"),
        _ => hex.to_owned(),
    }
}

fn format_duration(duration: Duration) -> String {
    let millis = duration.as_secs_f64() * 1000.0;
    if millis < 1000.0 {
        format!("{millis:.1}ms")
    } else {
        format!("{:.2}s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{
        Exception, Level, LogLevel, MetricType, MonitorCheckInStatus, Span, SpanStatus,
        TraceContext, TraceId,
    };
    use std::sync::{Arc, Mutex};
    use std::time::SystemTime;

    fn at(base: SystemTime, millis: u64) -> SystemTime {
        base + Duration::from_millis(millis)
    }

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn error_event() -> Event<'static> {
        Event {
            event_id: "1f2e3d4c5b6a79881f2e3d4c5b6a7988".parse().unwrap(),
            level: Level::Error,
            exception: vec![Exception {
                ty: "ZeroDivisionError".into(),
                value: Some("division by zero".into()),
                ..Default::default()
            }]
            .into(),
            tags: tags(&[
                ("user_role", "admin"),
                ("error_type", "stats"),
                ("status_code", "500"),
            ]),
            ..Default::default()
        }
    }

    #[test]
    fn event_line_shows_level_message_type_sorted_tags_and_short_id() {
        assert_eq!(
            format_event(&error_event()),
            "[sentry] event error \"division by zero\" ZeroDivisionError  \
             tags: error_type=stats status_code=500 user_role=admin  id=1f2e3d4c…"
        );
    }

    #[test]
    fn event_message_wins_over_exception_value_and_stays_on_one_line() {
        let event = Event {
            event_id: "00000000000000000000000000000001".parse().unwrap(),
            level: Level::Warning,
            message: Some("disk \"/var\" almost full\nsecond line".into()),
            tags: tags(&[("path", "/var lib")]),
            ..Default::default()
        };
        assert_eq!(
            format_event(&event),
            "[sentry] event warning \"disk \\\"/var\\\" almost full\\nsecond line\"  \
             tags: path=\"/var lib\"  id=00000000…"
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let event = Event {
            message: Some("x".repeat(500)),
            ..Default::default()
        };
        let line = format_event(&event);
        assert!(
            line.contains(&format!("\"{}…\"", "x".repeat(200))),
            "{line}"
        );
    }

    #[test]
    fn transaction_line_shows_name_status_duration_spans_and_trace() {
        let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let trace_id: TraceId = "4bf92f3577b34da6a3ce929d0e0e4736".parse().unwrap();
        let transaction = Transaction {
            name: Some("GET /api/v1/organisations/{id}".into()),
            start_timestamp: start,
            timestamp: Some(at(start, 12) + Duration::from_micros(400)),
            spans: vec![Span::default(), Span::default(), Span::default()],
            contexts: [(
                "trace".to_string(),
                Context::Trace(Box::new(TraceContext {
                    trace_id,
                    status: Some(SpanStatus::Ok),
                    ..Default::default()
                })),
            )]
            .into_iter()
            .collect(),
            ..Default::default()
        };
        assert_eq!(
            format_transaction(&transaction),
            "[sentry] transaction GET /api/v1/organisations/{id} ok 12.4ms spans=3 trace=4bf92f35…"
        );

        let slow = Transaction {
            name: Some("nightly".into()),
            start_timestamp: start,
            timestamp: Some(at(start, 1520)),
            tags: tags(&[("job", "import")]),
            ..Default::default()
        };
        assert_eq!(
            format_transaction(&slow),
            "[sentry] transaction nightly 1.52s spans=0  tags: job=import"
        );
    }

    #[test]
    fn check_in_lines() {
        let mut check_in = MonitorCheckIn {
            check_in_id: Default::default(),
            monitor_slug: "nightly-import".into(),
            status: MonitorCheckInStatus::InProgress,
            environment: None,
            duration: None,
            monitor_config: None,
        };
        assert_eq!(
            format_check_in(&check_in),
            "[sentry] check-in nightly-import in_progress"
        );
        check_in.status = MonitorCheckInStatus::Ok;
        check_in.duration = Some(3.25);
        assert_eq!(
            format_check_in(&check_in),
            "[sentry] check-in nightly-import ok 3.25s"
        );
    }

    #[test]
    fn batches_print_compactly_and_bookkeeping_prints_nothing() {
        let log = |body: &str| Log {
            level: LogLevel::Warn,
            body: body.into(),
            trace_id: None,
            timestamp: SystemTime::now(),
            severity_number: None,
            attributes: Default::default(),
        };
        let metric = Metric {
            r#type: MetricType::Counter,
            name: "api.requests".into(),
            value: 1.0,
            timestamp: SystemTime::now(),
            trace_id: Default::default(),
            span_id: None,
            unit: None,
            attributes: Default::default(),
        };
        let mut envelope = Envelope::new();
        envelope.add_item(vec![log("cache miss"), log("again")]);
        envelope.add_item(vec![metric]);
        envelope.add_item(sentry::protocol::Attachment {
            buffer: b"hi".to_vec(),
            filename: "a.txt".into(),
            content_type: None,
            ty: None,
        });
        assert_eq!(
            format_envelope(&envelope),
            [
                "[sentry] logs 2 (first: warn \"cache miss\")",
                "[sentry] metric counter api.requests=1",
            ]
        );
    }

    #[derive(Clone, Default)]
    struct SharedBuf(Arc<Mutex<Vec<u8>>>);

    impl Write for SharedBuf {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn sink_writes_one_line_per_item_and_reports_write_errors() {
        let buf = SharedBuf::default();
        let mut sink = ConsoleSink::new(Box::new(buf.clone()));
        let deadline = ShutdownDeadline::default();
        assert_eq!(
            sink.deliver(Envelope::from(error_event()), &deadline),
            Delivery::Sent
        );
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert!(text.starts_with("[sentry] event error \"division by zero\""));

        let mut broken = ConsoleSink::new(Box::new(Broken));
        let delivery = broken.deliver(Envelope::from(error_event()), &deadline);
        assert!(matches!(
            delivery,
            Delivery::Dropped {
                reason: DropReason::IoError,
                ..
            }
        ));
    }
}
