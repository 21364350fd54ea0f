//! What the SDK's types cannot say: fixes applied while an envelope is serialised.
//!
//! The SDK's `Transaction` has no `transaction_info`, so Sentry cannot tell a route template
//! from a raw URL or a function name. [`write_envelope`] writes the envelope as the SDK does
//! and adds `transaction_info.source` to every transaction item:
//!
//! * `route` for a route template: `GET /api/v1/organisations/{id}`, `/health`;
//! * `url` for a concrete path: one with a numeric or UUID-like segment (`GET /users/42`);
//! * `custom` for anything else, such as the function names of `#[monitored]` transactions.
//!
//! Everything else about the envelope is written byte for byte as `Envelope::to_writer` does.
//! (The file sink adds the same field to the transactions it writes, through
//! [`add_transaction_info`].)

use std::io;

use sentry::Envelope;
use sentry::protocol::{EnvelopeItem, Transaction};
use serde_json::{Map, Value};

/// Serialises `envelope` for Sentry, with `transaction_info.source` on transactions.
pub(crate) fn write_envelope(envelope: &Envelope, out: &mut Vec<u8>) -> io::Result<()> {
    if !envelope
        .items()
        .any(|item| matches!(item, EnvelopeItem::Transaction(_)))
    {
        return envelope.to_writer(out);
    }
    serde_json::to_writer(&mut *out, envelope.headers())?;
    out.push(b'\n');
    for item in envelope.items() {
        match item {
            EnvelopeItem::Transaction(transaction) => {
                let start = out.len();
                write_transaction(transaction, out)?;
                let header = format!(r#"{{"type":"transaction","length":{}}}"#, out.len() - start);
                // The header goes before the payload, whose length it states: one move of
                // the payload's bytes, instead of a second buffer.
                out.splice(start..start, header.bytes().chain([b'\n']));
                out.push(b'\n');
            }
            other => {
                // Written by the SDK, as an envelope of its own without its header line.
                let mut single = Envelope::new();
                single.add_item(other.clone());
                let mut bytes = Vec::new();
                single.to_writer(&mut bytes)?;
                let items_start = bytes.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
                out.extend_from_slice(&bytes[items_start..]);
            }
        }
    }
    Ok(())
}

/// Writes `transaction` as the SDK does, with `transaction_info` added as its last field.
///
/// The SDK's `Transaction` has no field of that name and flattens no map into its object,
/// so the object it writes never holds one: the field is appended to the bytes, rather than
/// the payload being turned into a `serde_json::Value` (an allocation per field), edited
/// and written again.
fn write_transaction(transaction: &Transaction<'_>, out: &mut Vec<u8>) -> io::Result<()> {
    let start = out.len();
    serde_json::to_writer(&mut *out, transaction)?;
    if out.len() - start < 2 || out.pop() != Some(b'}') {
        return Err(io::Error::other("a transaction serialises to an object"));
    }
    if out.len() - start > 1 {
        out.push(b',');
    }
    let source = transaction
        .name
        .as_deref()
        .map_or("custom", transaction_source);
    // `source` is one of three fixed ASCII words: nothing to escape.
    out.extend_from_slice(br#""transaction_info":{"source":""#);
    out.extend_from_slice(source.as_bytes());
    out.extend_from_slice(br#""}}"#);
    Ok(())
}

/// The source Sentry should record for a transaction called `name`.
pub(crate) fn transaction_source(name: &str) -> &'static str {
    let path = match name.split_once(' ') {
        Some((method, path))
            if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            path
        }
        _ => name,
    };
    if !path.starts_with('/') || path.contains(char::is_whitespace) {
        return "custom";
    }
    let concrete = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .any(|segment| {
            segment.bytes().all(|b| b.is_ascii_digit())
                || (segment.len() >= 16
                    && segment.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
        });
    if concrete { "url" } else { "route" }
}

/// Adds `transaction_info` to a transaction payload (a JSON object) that lacks one.
pub(crate) fn add_transaction_info(payload: &mut Map<String, Value>) {
    if payload.contains_key("transaction_info") {
        return;
    }
    let source = payload
        .get("transaction")
        .and_then(Value::as_str)
        .map_or("custom", transaction_source);
    let mut info = Map::new();
    info.insert("source".to_owned(), Value::from(source));
    payload.insert("transaction_info".to_owned(), Value::Object(info));
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{Event, Transaction};

    #[test]
    fn sources_tell_routes_from_urls_and_function_names() {
        assert_eq!(
            transaction_source("GET /api/v1/organisations/{id}/stats"),
            "route"
        );
        assert_eq!(transaction_source("POST /api/v1/organisations"), "route");
        assert_eq!(transaction_source("/health"), "route");
        assert_eq!(transaction_source("GET /api/v1/organisations/42"), "url");
        assert_eq!(
            transaction_source("GET /orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
            "url"
        );
        assert_eq!(transaction_source("create_organisation"), "custom");
        assert_eq!(transaction_source("batch_job::job::run"), "custom");
        assert_eq!(transaction_source("nightly import"), "custom");
    }

    fn parse_items(bytes: &[u8]) -> Vec<(Value, Value)> {
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        lines[1..]
            .chunks(2)
            .map(|pair| {
                (
                    serde_json::from_str(pair[0]).unwrap(),
                    serde_json::from_str(pair[1]).unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn transactions_get_their_source_and_a_matching_length() {
        let mut envelope = Envelope::new();
        envelope.add_item(Transaction {
            name: Some("GET /api/v1/organisations/{id}".into()),
            ..Transaction::default()
        });
        envelope.add_item(EnvelopeItem::Event(Box::new(Event::default())));
        let mut bytes = Vec::new();
        write_envelope(&envelope, &mut bytes).unwrap();
        let items = parse_items(&bytes);
        let header: Value =
            serde_json::from_slice(bytes.split(|&b| b == b'\n').next().unwrap()).unwrap();
        assert_eq!(header, serde_json::to_value(envelope.headers()).unwrap());
        assert_eq!(items[0].0["type"], "transaction");
        assert_eq!(items[0].1["transaction_info"]["source"], "route");
        // The length is the payload line's, byte for byte (re-serialising the parsed JSON
        // could print a timestamp's float with another number of digits).
        let payload_line = bytes.split(|&b| b == b'\n').nth(2).unwrap();
        assert_eq!(items[0].0["length"], payload_line.len());
        assert_eq!(items[1].0["type"], "event");
        assert!(items[1].1.get("transaction_info").is_none());
        // The result still parses as an envelope.
        let parsed = Envelope::from_slice(&bytes).unwrap();
        assert_eq!(parsed.items().count(), 2);
    }

    #[test]
    fn a_transaction_is_the_sdks_json_plus_its_source() {
        use sentry::protocol::{Span, User};
        use std::time::{Duration, SystemTime};
        // Times a float holds exactly: JSON parsed back compares equal (the current time's
        // last digit may not survive serde_json's default float parsing).
        let at = |ms| SystemTime::UNIX_EPOCH + Duration::from_millis(ms);
        let span = Span {
            start_timestamp: at(1_500),
            timestamp: Some(at(2_000)),
            description: Some("SELECT \"quoted\" \u{e9}\n".into()),
            op: Some("db.query".into()),
            data: [("rows".to_owned(), Value::from(3))].into(),
            ..Span::default()
        };
        let full = Transaction {
            name: Some("GET /orders/42".into()),
            tags: [("status_code".to_owned(), "200".to_owned())].into(),
            user: Some(User {
                id: Some("7".into()),
                ..User::default()
            }),
            spans: vec![span.clone(), span],
            start_timestamp: at(1_000),
            timestamp: Some(at(3_000)),
            ..Transaction::default()
        };
        let unnamed = Transaction {
            start_timestamp: at(1_000),
            ..Transaction::default()
        };
        for (transaction, source) in [(full, "url"), (unnamed, "custom")] {
            let mut bytes = Vec::new();
            write_transaction(&transaction, &mut bytes).unwrap();
            let written: Value = serde_json::from_slice(&bytes).unwrap();
            let Value::Object(mut expected) = serde_json::to_value(&transaction).unwrap() else {
                unreachable!()
            };
            add_transaction_info(&mut expected);
            assert_eq!(written, Value::Object(expected));
            assert_eq!(written["transaction_info"]["source"], source);
        }
    }

    #[test]
    fn envelopes_without_transactions_are_written_as_the_sdk_writes_them() {
        let mut envelope = Envelope::new();
        envelope.add_item(EnvelopeItem::Event(Box::new(Event::default())));
        let (mut ours, mut sdk) = (Vec::new(), Vec::new());
        write_envelope(&envelope, &mut ours).unwrap();
        envelope.to_writer(&mut sdk).unwrap();
        assert_eq!(ours, sdk);
    }
}
