//! Where trace headers travel: anything that holds named text values. HTTP header maps,
//! message-queue headers, RPC metadata.
//!
//! [`Injector`] writes headers, [`Extractor`] reads them. Both are implemented for
//! `HashMap<String, String>`, `BTreeMap<String, String>`, `Vec<(String, String)>` and
//! `http::HeaderMap`; implement them for your queue's message type to propagate through it.
//! Header names are written in lower case and read without regard to case.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};

use super::headers::{BAGGAGE, SENTRY_TRACE, TRACEPARENT};

/// A header value prepared once and sent with many requests: a trace's `baggage`, the
/// same on every call the trace makes. Header maps reuse its checked form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedValue {
    text: Arc<str>,
    header: Option<HeaderValue>,
}

impl PreparedValue {
    pub(crate) fn new(text: String) -> PreparedValue {
        let header = HeaderValue::from_str(&text).ok();
        PreparedValue {
            text: text.into(),
            header,
        }
    }

    /// The value.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// True for an empty value (nothing to send).
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The trace headers' names, parsed at compile time: header maps skip parsing them.
fn known_name(name: &str) -> Option<HeaderName> {
    static SENTRY_TRACE_NAME: HeaderName = HeaderName::from_static(SENTRY_TRACE);
    static BAGGAGE_NAME: HeaderName = HeaderName::from_static(BAGGAGE);
    static TRACEPARENT_NAME: HeaderName = HeaderName::from_static(TRACEPARENT);
    let known = match name {
        SENTRY_TRACE => &SENTRY_TRACE_NAME,
        BAGGAGE => &BAGGAGE_NAME,
        TRACEPARENT => &TRACEPARENT_NAME,
        _ => return None,
    };
    Some(known.clone())
}

fn header_name(name: &str) -> Option<HeaderName> {
    known_name(name).or_else(|| HeaderName::from_bytes(name.as_bytes()).ok())
}

/// Something trace headers can be written into.
///
/// ```
/// use monitor_runtime::propagation::Injector;
///
/// /// A message whose headers are a list of byte pairs, as in many queue clients.
/// struct Message {
///     headers: Vec<(String, Vec<u8>)>,
/// }
///
/// impl Injector for Message {
///     fn set(&mut self, name: &str, value: String) {
///         self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
///         self.headers.push((name.to_owned(), value.into_bytes()));
///     }
/// }
/// ```
pub trait Injector {
    /// Sets header `name` (lower case) to `value`, replacing any value it had.
    fn set(&mut self, name: &str, value: String);

    /// The current value of header `name`, if the carrier can tell: `baggage` entries
    /// that are not Sentry's are kept when the toolkit rewrites that header.
    fn get_existing(&self, name: &str) -> Option<&str> {
        let _ = name;
        None
    }

    /// Sets header `name` to `value`, borrowed. The default calls [`Injector::set`] with
    /// a copy; implement it when the carrier copies the text into a value of its own
    /// anyway (header maps do, so the toolkit's trace header goes from the stack into the
    /// map's value with no `String` in between).
    fn set_str(&mut self, name: &str, value: &str) {
        self.set(name, value.to_owned());
    }

    /// Sets header `name` to a value prepared once for many requests. The default calls
    /// [`Injector::set`] with its text; implement it when the carrier can keep a shared
    /// value (header maps keep its checked `HeaderValue`).
    fn set_prepared(&mut self, name: &str, value: &PreparedValue) {
        self.set(name, value.as_str().to_owned());
    }
}

/// Something trace headers can be read from.
///
/// ```
/// use monitor_runtime::propagation::Extractor;
///
/// struct Message {
///     headers: Vec<(String, Vec<u8>)>,
/// }
///
/// impl Extractor for Message {
///     fn get(&self, name: &str) -> Option<&str> {
///         self.headers
///             .iter()
///             .find(|(n, _)| n.eq_ignore_ascii_case(name))
///             .and_then(|(_, value)| std::str::from_utf8(value).ok())
///     }
/// }
/// ```
pub trait Extractor {
    /// The value of header `name`, matched without regard to case.
    fn get(&self, name: &str) -> Option<&str>;

    /// Every value of header `name`, for carriers that repeat headers (HTTP may send
    /// `baggage` several times). The default returns [`Extractor::get`]'s value.
    fn get_all(&self, name: &str) -> Vec<&str> {
        self.get(name).into_iter().collect()
    }
}

fn find_ignoring_case<'a>(
    mut pairs: impl Iterator<Item = (&'a String, &'a String)>,
    name: &str,
) -> Option<&'a str> {
    pairs
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

impl<S: BuildHasher> Injector for HashMap<String, String, S> {
    fn set(&mut self, name: &str, value: String) {
        self.retain(|key, _| !key.eq_ignore_ascii_case(name));
        self.insert(name.to_owned(), value);
    }

    fn get_existing(&self, name: &str) -> Option<&str> {
        Extractor::get(self, name)
    }
}

impl<S: BuildHasher> Extractor for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<&str> {
        match HashMap::get(self, name) {
            Some(value) => Some(value),
            None => find_ignoring_case(self.iter(), name),
        }
    }
}

impl Injector for BTreeMap<String, String> {
    fn set(&mut self, name: &str, value: String) {
        self.retain(|key, _| !key.eq_ignore_ascii_case(name));
        self.insert(name.to_owned(), value);
    }

    fn get_existing(&self, name: &str) -> Option<&str> {
        Extractor::get(self, name)
    }
}

impl Extractor for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<&str> {
        match BTreeMap::get(self, name) {
            Some(value) => Some(value),
            None => find_ignoring_case(self.iter(), name),
        }
    }
}

impl Injector for Vec<(String, String)> {
    fn set(&mut self, name: &str, value: String) {
        self.retain(|(key, _)| !key.eq_ignore_ascii_case(name));
        self.push((name.to_owned(), value));
    }

    fn get_existing(&self, name: &str) -> Option<&str> {
        Extractor::get(self, name)
    }
}

impl Extractor for Vec<(String, String)> {
    fn get(&self, name: &str) -> Option<&str> {
        find_ignoring_case(self.iter().map(|(k, v)| (k, v)), name)
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        self.iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect()
    }
}

/// Values that are not valid header text (a control character in a hand-made baggage
/// entry) are skipped rather than sent broken.
impl Injector for HeaderMap {
    fn set(&mut self, name: &str, value: String) {
        self.set_str(name, &value);
    }

    fn set_str(&mut self, name: &str, value: &str) {
        let (Some(name), Ok(value)) = (header_name(name), HeaderValue::from_str(value)) else {
            return;
        };
        self.insert(name, value);
    }

    fn get_existing(&self, name: &str) -> Option<&str> {
        if self.is_empty() {
            return None;
        }
        match known_name(name) {
            Some(name) => HeaderMap::get(self, name)?.to_str().ok(),
            None => Extractor::get(self, name),
        }
    }

    fn set_prepared(&mut self, name: &str, value: &PreparedValue) {
        match (header_name(name), &value.header) {
            (Some(name), Some(header)) => {
                self.insert(name, header.clone());
            }
            _ => self.set(name, value.as_str().to_owned()),
        }
    }
}

/// Values that are not visible ASCII are ignored, as HTTP libraries do.
impl Extractor for HeaderMap {
    fn get(&self, name: &str) -> Option<&str> {
        HeaderMap::get(self, name)?.to_str().ok()
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        HeaderMap::get_all(self, name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect()
    }
}

impl<T: Injector + ?Sized> Injector for &mut T {
    fn set(&mut self, name: &str, value: String) {
        (**self).set(name, value);
    }

    fn get_existing(&self, name: &str) -> Option<&str> {
        (**self).get_existing(name)
    }

    fn set_str(&mut self, name: &str, value: &str) {
        (**self).set_str(name, value);
    }

    fn set_prepared(&mut self, name: &str, value: &PreparedValue) {
        (**self).set_prepared(name, value);
    }
}

impl<T: Extractor + ?Sized> Extractor for &T {
    fn get(&self, name: &str) -> Option<&str> {
        (**self).get(name)
    }

    fn get_all(&self, name: &str) -> Vec<&str> {
        (**self).get_all(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_read_without_regard_to_case_and_replace_on_write() {
        let mut map: HashMap<String, String> = HashMap::new();
        map.insert("Sentry-Trace".into(), "old".into());
        assert_eq!(Extractor::get(&map, "sentry-trace"), Some("old"));
        map.set("sentry-trace", "new".into());
        assert_eq!(map.len(), 1);
        assert_eq!(map["sentry-trace"], "new");

        let mut list: Vec<(String, String)> = vec![
            ("BAGGAGE".into(), "a=1".into()),
            ("baggage".into(), "b=2".into()),
        ];
        assert_eq!(list.get_all("baggage"), ["a=1", "b=2"]);
        list.set("baggage", "c=3".into());
        assert_eq!(list, [("baggage".to_owned(), "c=3".to_owned())]);
    }

    #[test]
    fn header_maps_keep_repeated_values_and_skip_invalid_text() {
        let mut headers = HeaderMap::new();
        headers.append("baggage", HeaderValue::from_static("a=1"));
        headers.append("baggage", HeaderValue::from_static("b=2"));
        assert_eq!(Extractor::get_all(&headers, "Baggage"), ["a=1", "b=2"]);
        headers.set("baggage", "c=3".into());
        assert_eq!(Extractor::get_all(&headers, "baggage"), ["c=3"]);
        headers.set("baggage", "bad\nvalue".into());
        assert_eq!(Extractor::get(&headers, "baggage"), Some("c=3"));
    }
}
