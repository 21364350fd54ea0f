//! The events file: every envelope item appended as one JSON line.
//!
//! Each line is an object with three keys, four for events and transactions of a trace:
//!
//! ```json
//! {"type":"event","event_id":"1f2e3d4c5b6a79881f2e3d4c5b6a7988","payload":{"event_id":"1f2e…","level":"error",…}}
//! ```
//!
//! * `type`: the envelope item type, as on the wire: `event`, `transaction`, `check_in`,
//!   `log`, `trace_metric`, `session`, `sessions`, `attachment`, `client_report`.
//! * `event_id`: the envelope's event id (32 hex digits), shared by an event or transaction
//!   and the attachments sent with it; `null` for items outside an event (logs, metrics,
//!   check-ins, client reports).
//! * `payload`: the item exactly as the toolkit sends it to Sentry (transactions with their
//!   `transaction_info`). Log and metric batches are `{"items":[…]}` as on the wire. Attachments are the one exception: their bytes are not
//!   JSON, so the payload is `{"filename","content_type","attachment_type","length"}`.
//! * `trace`: on event and transaction lines, the envelope's `trace` header when it has one:
//!   the trace's dynamic sampling context, as Sentry receives it (see
//!   [`crate::propagation`]).
//!
//! The file is opened in append mode, so several processes (or runs) can share it; each
//! envelope is written with a single `write`, so its lines stay together. I/O errors drop the
//! envelope (counted as `io_error`) and the file is reopened for the next one.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use sentry::Envelope;
use sentry::protocol::{EnvelopeItem, ItemContainer};
use serde_json::{Value, json};

use super::queue::{Delivery, ShutdownDeadline, Sink};
use super::stats::DropReason;

/// Opens `path` for appending, creating it if needed.
pub(crate) fn open_for_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}

/// Appends the JSON lines of each envelope to a file.
pub(crate) struct FileSink {
    path: PathBuf,
    file: Option<File>,
}

impl FileSink {
    /// The file is opened lazily, on the worker thread, at the first envelope.
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, file: None }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(open_for_append(&self.path)?),
        };
        file.write_all(bytes)
    }
}

impl Sink for FileSink {
    fn deliver(&mut self, envelope: Envelope, _deadline: &ShutdownDeadline) -> Delivery {
        let mut text = Vec::new();
        for line in envelope_lines(&envelope) {
            match line {
                Ok(line) => {
                    text.extend_from_slice(line.as_bytes());
                    text.push(b'\n');
                }
                Err(err) => {
                    return Delivery::failed(
                        DropReason::SendError,
                        format!("cannot serialise envelope item: {err}"),
                    );
                }
            }
        }
        if text.is_empty() {
            return Delivery::Sent;
        }
        match self.write(&text) {
            Ok(()) => Delivery::Sent,
            Err(err) => {
                // A deleted file, a full disk or a lost mount: try a fresh handle next time.
                self.file = None;
                Delivery::failed(
                    DropReason::IoError,
                    format!("cannot append to {}: {err}", self.path.display()),
                )
            }
        }
    }
}

/// The JSON line of every item of `envelope`.
pub(crate) fn envelope_lines(
    envelope: &Envelope,
) -> impl Iterator<Item = serde_json::Result<String>> + '_ {
    let event_id = envelope
        .uuid()
        .map(|id| Value::String(id.simple().to_string()))
        .unwrap_or(Value::Null);
    // The header type has no getters: read it back from its JSON form.
    let trace = serde_json::to_value(envelope.headers())
        .ok()
        .and_then(|mut headers| headers.get_mut("trace").map(Value::take));
    envelope.items().filter_map(move |item| {
        let (kind, payload) = match item_payload(item)? {
            Ok(pair) => pair,
            Err(err) => return Some(Err(err)),
        };
        let event_id = match item {
            EnvelopeItem::Event(_) | EnvelopeItem::Transaction(_) | EnvelopeItem::Attachment(_) => {
                event_id.clone()
            }
            _ => Value::Null,
        };
        let mut line = json!({ "type": kind, "event_id": event_id, "payload": payload });
        if let (Some(trace), EnvelopeItem::Event(_) | EnvelopeItem::Transaction(_)) = (&trace, item)
        {
            line["trace"] = trace.clone();
        }
        Some(serde_json::to_string(&line))
    })
}

/// The wire type and JSON payload of an item; `None` for items with nothing to write.
fn item_payload(item: &EnvelopeItem) -> Option<serde_json::Result<(&'static str, Value)>> {
    let pair = match item {
        EnvelopeItem::Event(event) => ("event", serde_json::to_value(event)),
        EnvelopeItem::Transaction(transaction) => (
            "transaction",
            serde_json::to_value(transaction).map(|mut payload| {
                if let Value::Object(fields) = &mut payload {
                    super::wire::add_transaction_info(fields);
                }
                payload
            }),
        ),
        EnvelopeItem::SessionUpdate(session) => ("session", serde_json::to_value(session)),
        EnvelopeItem::SessionAggregates(sessions) => ("sessions", serde_json::to_value(sessions)),
        EnvelopeItem::MonitorCheckIn(check_in) => ("check_in", serde_json::to_value(check_in)),
        EnvelopeItem::ClientReport(report) => ("client_report", serde_json::to_value(report)),
        EnvelopeItem::ItemContainer(ItemContainer::Logs(logs)) => (
            "log",
            serde_json::to_value(logs).map(|items| json!({ "items": items })),
        ),
        EnvelopeItem::ItemContainer(ItemContainer::Metrics(metrics)) => (
            "trace_metric",
            serde_json::to_value(metrics).map(|items| json!({ "items": items })),
        ),
        EnvelopeItem::Attachment(attachment) => (
            "attachment",
            Ok(json!({
                "filename": attachment.filename,
                "content_type": attachment.content_type,
                "attachment_type": attachment.ty.as_ref().map(|ty| ty.as_str()),
                "length": attachment.buffer.len(),
            })),
        ),
        _ => return None,
    };
    Some(pair.1.map(|payload| (pair.0, payload)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{Event, Level, Transaction};

    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!(
            "monitor-transport-{}-{name}.jsonl",
            std::process::id()
        ))
    }

    #[test]
    fn event_and_transaction_lines_carry_the_envelopes_trace_header() {
        let dsc = sentry::protocol::DynamicSamplingContext::new()
            .with_sample_rate(0.5)
            .with_transaction("GET /api".into());
        let headers = sentry::protocol::EnvelopeHeaders::new().with_trace(dsc);
        let mut envelope = Envelope::new().with_headers(headers);
        envelope.add_item(Transaction {
            name: Some("GET /api".into()),
            ..Default::default()
        });
        let lines: Vec<Value> = envelope_lines(&envelope)
            .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
            .collect();
        assert_eq!(lines[0]["trace"]["sample_rate"], "0.5");
        assert_eq!(lines[0]["trace"]["transaction"], "GET /api");
        let plain: Vec<Value> = envelope_lines(&Envelope::from(Event::default()))
            .map(|line| serde_json::from_str(&line.unwrap()).unwrap())
            .collect();
        assert!(plain[0].get("trace").is_none());
    }

    #[test]
    fn each_item_becomes_one_parseable_json_line_appended() {
        let path = temp_path("lines");
        let _ = std::fs::remove_file(&path);
        std::fs::write(&path, "{\"existing\":true}\n").unwrap();

        let event = Event {
            message: Some("first\nline".into()),
            level: Level::Warning,
            ..Default::default()
        };
        let event_id = event.event_id.simple().to_string();
        let mut envelope = Envelope::from(event);
        envelope.add_item(sentry::protocol::Attachment {
            buffer: b"hello".to_vec(),
            filename: "note.txt".into(),
            content_type: Some("text/plain".into()),
            ty: None,
        });
        let transaction = Transaction {
            name: Some("GET /".into()),
            ..Default::default()
        };

        let mut sink = FileSink::new(path.clone());
        let deadline = ShutdownDeadline::default();
        assert_eq!(sink.deliver(envelope, &deadline), Delivery::Sent);
        assert_eq!(
            sink.deliver(Envelope::from(transaction), &deadline),
            Delivery::Sent
        );

        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 4, "{text}");
        assert_eq!(lines[0]["existing"], true);
        assert_eq!(lines[1]["type"], "event");
        assert_eq!(lines[1]["event_id"], event_id.as_str());
        assert_eq!(lines[1]["payload"]["message"], "first\nline");
        assert_eq!(lines[1]["payload"]["level"], "warning");
        assert_eq!(lines[2]["type"], "attachment");
        assert_eq!(lines[2]["event_id"], event_id.as_str());
        assert_eq!(lines[2]["payload"]["filename"], "note.txt");
        assert_eq!(lines[2]["payload"]["length"], 5);
        assert_eq!(lines[3]["type"], "transaction");
        assert_eq!(lines[3]["payload"]["transaction"], "GET /");
        assert_eq!(lines[3]["payload"]["transaction_info"]["source"], "route");
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn unwritable_path_is_an_io_error_not_a_panic() {
        let dir = std::env::temp_dir().join(format!(
            "monitor-transport-{}-missing-dir",
            std::process::id()
        ));
        let mut sink = FileSink::new(dir.join("nested").join("events.jsonl"));
        let delivery = sink.deliver(
            Envelope::from(Event::default()),
            &ShutdownDeadline::default(),
        );
        match delivery {
            Delivery::Dropped {
                reason: DropReason::IoError,
                error: Some(error),
            } => assert!(error.contains("cannot append to"), "{error}"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
