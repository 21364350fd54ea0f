//! The request of an `http.client` span, kept typed while the request runs and turned into
//! the protocol's span data only when its transaction is converted.
//!
//! Why typed: as data entries, the request's facts cost a `String` key and a `String` value
//! each plus a map insert, all on the request's path. Kept as one text (`METHOD URL`, which
//! is also the span's description) with the offsets of its parts, they cost one allocation;
//! the entries are built once, off the request's path, where the SDK would build them too.

use std::ops::Range;

use sentry::protocol::{Map, Value};

/// The facts Sentry's span conventions name for an outgoing HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestFacts {
    /// `METHOD URL`: the span's description. The URL starts after the method and a space.
    text: String,
    method_len: u32,
    /// Where the host is in `text` (start, end), when the URL names one.
    host: Option<(u32, u32)>,
    /// The port the URL names, if any (`server.port` only for a port written out).
    port: Option<u16>,
    /// The response's HTTP status, once it is in.
    pub(crate) status: Option<u16>,
}

impl RequestFacts {
    /// Facts over `text` (`METHOD URL`), whose first `method_len` bytes are the method and
    /// whose `host` range (if any) is the URL's host.
    pub(crate) fn new(
        text: String,
        method_len: usize,
        host: Option<Range<usize>>,
        port: Option<u16>,
    ) -> RequestFacts {
        debug_assert!(text.get(..method_len).is_some());
        debug_assert!(
            host.as_ref()
                .is_none_or(|host| text.get(host.clone()).is_some())
        );
        // Offsets past `u32` (a URL of 4 GiB) read as nothing rather than as another part.
        let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
        RequestFacts {
            method_len: offset(method_len),
            host: host.map(|host| (offset(host.start), offset(host.end))),
            text,
            port,
            status: None,
        }
    }

    /// `GET https://host/path`.
    pub(crate) fn description(&self) -> &str {
        &self.text
    }

    /// The request's method.
    pub(crate) fn method(&self) -> &str {
        self.text
            .get(..self.method_len as usize)
            .unwrap_or_default()
    }

    /// The URL as the span shows it (no query, no credentials).
    pub(crate) fn url(&self) -> &str {
        self.text
            .get(self.method_len as usize + 1..)
            .unwrap_or_default()
    }

    /// The URL's host.
    pub(crate) fn host(&self) -> Option<&str> {
        let (start, end) = self.host?;
        self.text.get(start as usize..end as usize)
    }

    /// The data entries of the span, as Sentry's span conventions name them:
    /// `http.request.method`, `url`, `server.address`, `server.port` (only a port the URL
    /// names) and `http.response.status_code`.
    pub(crate) fn entries(&self) -> Vec<(&'static str, Value)> {
        let mut entries = Vec::with_capacity(5);
        entries.push(("http.request.method", Value::from(self.method())));
        entries.push(("url", Value::from(self.url())));
        if let Some(host) = self.host() {
            entries.push(("server.address", Value::from(host)));
        }
        if let Some(port) = self.port {
            entries.push(("server.port", Value::from(port)));
        }
        if let Some(status) = self.status {
            entries.push(("http.response.status_code", Value::from(status)));
        }
        entries
    }

    /// Writes the entries into a converted span's `data` and returns its description.
    pub(crate) fn into_data(self, data: &mut Map<String, Value>) -> String {
        for (key, value) in self.entries() {
            data.insert(key.to_owned(), value);
        }
        self.text
    }

    /// About what the converted entries weigh, for tail sampling's budget: five keys and
    /// their values (the method, the URL and the host are parts of `text`).
    pub(crate) fn approximate_size(&self) -> usize {
        5 * 48 + 2 * self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_as_sentry_names_them() {
        let text = "GET https://api.example.com:8443/v1/x".to_owned();
        let mut facts = RequestFacts::new(text, 3, Some(12..27), Some(8443));
        facts.status = Some(404);
        let mut data = Map::new();
        let description = facts.into_data(&mut data);
        assert_eq!(description, "GET https://api.example.com:8443/v1/x");
        assert_eq!(data["http.request.method"], "GET");
        assert_eq!(data["url"], "https://api.example.com:8443/v1/x");
        assert_eq!(data["server.address"], "api.example.com");
        assert_eq!(data["server.port"], 8443);
        assert_eq!(data["http.response.status_code"], 404);
        assert_eq!(data.len(), 5);
    }

    #[test]
    fn a_relative_url_has_no_address_or_port() {
        let facts = RequestFacts::new("POST /only/a/path".to_owned(), 4, None, None);
        let keys: Vec<_> = facts.entries().into_iter().map(|(key, _)| key).collect();
        assert_eq!(keys, ["http.request.method", "url"]);
        assert_eq!(facts.url(), "/only/a/path");
    }
}
