//! Counting envelopes and their items without keeping them.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::PoisonError;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

#[derive(Debug, Default)]
struct Totals {
    envelopes: u64,
    items: u64,
    bytes: u64,
    malformed: u64,
    items_by_type: BTreeMap<String, u64>,
    first_envelope_ms: Option<u64>,
    last_envelope_ms: Option<u64>,
}

/// What the sink has received since start or the last reset.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    totals: Mutex<Totals>,
}

impl Counts {
    /// Counts one envelope; `Err` when `body` is not one (nothing is counted but
    /// `malformed`).
    pub(crate) fn record(&self, body: &[u8]) -> Result<(), ()> {
        let parsed = item_types(body);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let mut totals = self.totals.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(types) = parsed else {
            totals.malformed += 1;
            return Err(());
        };
        totals.envelopes += 1;
        totals.bytes += body.len() as u64;
        totals.items += types.len() as u64;
        for ty in types {
            *totals.items_by_type.entry(ty).or_insert(0) += 1;
        }
        totals.first_envelope_ms.get_or_insert(now);
        totals.last_envelope_ms = Some(now);
        Ok(())
    }

    pub(crate) fn reset(&self) {
        *self.totals.lock().unwrap_or_else(PoisonError::into_inner) = Totals::default();
    }

    pub(crate) fn snapshot(&self) -> Value {
        let totals = self.totals.lock().unwrap_or_else(PoisonError::into_inner);
        json!({
            "envelopes": totals.envelopes,
            "items": totals.items,
            "bytes": totals.bytes,
            "malformed": totals.malformed,
            "items_by_type": totals.items_by_type,
            "first_envelope_ms": totals.first_envelope_ms,
            "last_envelope_ms": totals.last_envelope_ms,
        })
    }
}

/// The `type` of every item of an envelope, or `None` if `body` is not an envelope (a JSON
/// header line, then items each made of a JSON header line and a payload of the header's
/// `length`, or up to the next newline without one).
fn item_types(body: &[u8]) -> Option<Vec<String>> {
    let mut rest = body;
    let header = next_line(&mut rest)?;
    serde_json::from_slice::<serde_json::Map<String, Value>>(header).ok()?;
    let mut types = Vec::new();
    while let Some(line) = next_line(&mut rest) {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let item: serde_json::Map<String, Value> = serde_json::from_slice(line).ok()?;
        let ty = item.get("type")?.as_str()?.to_owned();
        match item.get("length").and_then(Value::as_u64) {
            Some(length) => {
                let length = usize::try_from(length).ok()?;
                if rest.len() < length {
                    return None;
                }
                rest = &rest[length..];
                rest = rest.strip_prefix(b"\n").unwrap_or(rest);
            }
            None => {
                next_line(&mut rest);
            }
        }
        types.push(ty);
    }
    Some(types)
}

fn next_line<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    if rest.is_empty() {
        return None;
    }
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = &rest[..end];
    *rest = rest.get(end + 1..).unwrap_or_default();
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_counted_by_type_with_and_without_length() {
        let body = b"{\"event_id\":\"9ec79c33ec9942ab8353589fcb2e04dc\"}\n\
{\"type\":\"event\",\"length\":17}\n{\"message\":\"a\nb\"}\n\
{\"type\":\"log\",\"item_count\":1,\"content_type\":\"application/vnd.sentry.items.log+json\"}\n\
{\"items\":[]}\n";
        assert_eq!(
            item_types(body),
            Some(vec!["event".to_owned(), "log".to_owned()])
        );
        let counts = Counts::default();
        counts.record(body).unwrap();
        counts.record(b"{}\n").unwrap();
        assert!(counts.record(b"not an envelope").is_err());
        let stats = counts.snapshot();
        assert_eq!(stats["envelopes"], 2);
        assert_eq!(stats["items"], 2);
        assert_eq!(stats["malformed"], 1);
        assert_eq!(stats["items_by_type"]["log"], 1);
        counts.reset();
        assert_eq!(counts.snapshot()["envelopes"], 0);
    }

    #[test]
    fn a_payload_shorter_than_its_length_is_malformed() {
        assert_eq!(
            item_types(b"{}\n{\"type\":\"event\",\"length\":99}\n{}\n"),
            None
        );
    }
}
