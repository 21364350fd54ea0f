//! Removal of secrets and personal data from everything the toolkit sends to Sentry.
//!
//! The Sentry SDK does no generic scrubbing: `send_default_pii` only stops a few integrations
//! from attaching headers and user attributes. The toolkit runs [`Scrubber::scrub_envelope`]
//! once per envelope in its transport's preparation stage, off the application's thread, so
//! events (with their breadcrumbs), transactions, logs, metrics and check-ins are scrubbed
//! before any destination sees them. A plain SDK client can use the hooks instead (below).
//!
//! # What is removed
//!
//! * **Values under sensitive keys** in maps, tags, headers, attributes and JSON, replaced by
//!   `"[Filtered]"` (Sentry's convention) — objects and arrays are replaced whole. A key is
//!   sensitive when, lower-cased and stripped of `-`, `_`, `.` and spaces, it contains one of
//!   `password`, `passwd`, `passphrase`, `secret`, `token`, `apikey`, `authorization`, `cookie`,
//!   `session`, `csrf`, `xsrf`, `privatekey`, `credential`, or ends with `auth` or `pwd`, or
//!   contains a stem given to [`Scrubber::with_extra_keys`]. Counters such as
//!   `gen_ai.usage.input_tokens`, `max_tokens`, `token_count`, `tokenizer` and `session_count`
//!   are exempt.
//! * **Secrets inside strings** (see [`Scrubber::scrub_str`]): URL passwords, `Bearer`/`Basic`
//!   credentials and values of sensitive `key=value` / `key: value` pairs.
//! * **Personal data** unless `send_default_pii` is set: user e-mail and IP address, and
//!   attributes, headers, environment entries and map keys naming an e-mail or IP address
//!   (`user.email`, `REMOTE_ADDR`, `X-Forwarded-For`, `client.address`, …), which are removed.
//!   Request cookies are always replaced whole, since any cookie may be a session credential.
//!
//! # Wiring
//!
//! ```
//! use std::sync::Arc;
//! use monitor_runtime::scrub::Scrubber;
//!
//! let scrubber = Arc::new(Scrubber::new(false));
//! let (s1, s2, s3, s4) = (scrubber.clone(), scrubber.clone(), scrubber.clone(), scrubber.clone());
//! let options = sentry::ClientOptions::new()
//!     .send_default_pii(scrubber.send_default_pii())
//!     .before_send(move |mut e| { s1.scrub_event(&mut e); Some(e) })
//!     .before_breadcrumb(move |mut b| { s2.scrub_breadcrumb(&mut b); Some(b) })
//!     .before_send_log(move |mut l| { s3.scrub_log(&mut l); Some(l) })
//!     .before_send_metric(move |mut m| { s4.scrub_metric(&mut m); Some(m) });
//! // Transactions have no hook: a wrapping transport calls `scrub_envelope`.
//! # drop(options);
//! ```

mod keys;
mod protocol;
mod text;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde_json::Value;

use self::keys::FILTERED;

/// Removes secrets from everything the toolkit sends.
///
/// Construction normalises the configuration once; scrubbing then never compiles or allocates
/// anything for clean input. Cloning copies the extra stems, so share one instance (for example
/// in an `Arc`) between hooks.
///
/// ```
/// use monitor_runtime::scrub::Scrubber;
///
/// let scrubber = Scrubber::new(false).with_extra_keys(["iban"]);
/// let mut data = serde_json::json!({ "user_iban": "DE44 5001", "page": 2 });
/// scrubber.scrub_value(&mut data);
/// assert_eq!(data, serde_json::json!({ "user_iban": "[Filtered]", "page": 2 }));
/// ```
#[derive(Debug, Clone)]
pub struct Scrubber {
    send_default_pii: bool,
    /// Normalised user stems, prepared once so that key checks stay allocation-free.
    extra_stems: Vec<Box<str>>,
}

/// Nesting depth beyond which JSON containers are replaced whole, so that recursion stays bounded
/// on hostile or accidental deep structures (serde_json's own parser stops at 128).
const MAX_DEPTH: usize = 128;

impl Scrubber {
    /// Creates a scrubber with the built-in sensitive keys.
    ///
    /// `send_default_pii` mirrors the SDK option of the same name: when `false`, user e-mail and
    /// IP addresses are removed as well.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    ///
    /// let scrubber = Scrubber::new(false);
    /// assert!(!scrubber.send_default_pii());
    /// ```
    pub fn new(send_default_pii: bool) -> Self {
        Self {
            send_default_pii,
            extra_stems: Vec::new(),
        }
    }

    /// Adds user-supplied sensitive stems, matched like the built-in ones (case and `-_. `
    /// insensitive, anywhere in the key). Empty stems are ignored because they would match every
    /// key.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    ///
    /// let scrubber = Scrubber::new(false).with_extra_keys(["Card-Number"]);
    /// assert!(scrubber.is_sensitive_key("customer_card_number"));
    /// ```
    #[must_use]
    pub fn with_extra_keys<I: IntoIterator<Item = S>, S: Into<String>>(mut self, keys: I) -> Self {
        for key in keys {
            let stem = keys::normalise_owned(&key.into());
            if !stem.is_empty() && !self.extra_stems.contains(&stem) {
                self.extra_stems.push(stem);
            }
        }
        self
    }

    /// Whether user e-mail and IP addresses are kept.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    ///
    /// assert!(Scrubber::new(true).send_default_pii());
    /// ```
    pub fn send_default_pii(&self) -> bool {
        self.send_default_pii
    }

    /// Whether values stored under `key` must be replaced by `"[Filtered]"`.
    ///
    /// Matching ignores case and the separators `-`, `_`, `.` and space, and looks for the
    /// sensitive stems anywhere in the key; keys up to 64 bytes are checked without allocating.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    ///
    /// let s = Scrubber::new(false);
    /// assert!(s.is_sensitive_key("X-Api-Key"));
    /// assert!(s.is_sensitive_key("refresh_token"));
    /// assert!(!s.is_sensitive_key("gen_ai.usage.input_tokens"));
    /// assert!(!s.is_sensitive_key("page"));
    /// ```
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        keys::is_sensitive(key, &self.extra_stems)
    }

    /// Redacts secrets embedded in free text and returns the input borrowed when it is clean.
    ///
    /// * passwords in URLs: `postgres://user:pass@host/db` → `postgres://user:[Filtered]@host/db`
    ///   (also `https://:token@host`);
    /// * HTTP credentials: `Bearer abc.def.ghi` → `Bearer [Filtered]`, and `Basic` followed by
    ///   base64 of `user:password`;
    /// * values of sensitive keys in `key=value`, `key: value`, `"key": "value"` and
    ///   `key => value` pairs: `?token=abc&page=2` → `?token=[Filtered]&page=2`. After
    ///   `Cookie:`/`Authorization:` the rest of the line is the value.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use std::borrow::Cow;
    ///
    /// let s = Scrubber::new(false);
    /// assert_eq!(s.scrub_str("GET /search?token=abc&page=2"), "GET /search?token=[Filtered]&page=2");
    /// assert_eq!(s.scrub_str("Authorization failed: Bearer abc.def.ghi"), "Authorization failed: Bearer [Filtered]");
    /// assert!(matches!(s.scrub_str("all clean"), Cow::Borrowed(_)));
    /// ```
    pub fn scrub_str<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let out = text::redact_url_credentials(s);
        let out = text::chain(out, text::redact_auth_schemes);
        text::chain(out, |s| {
            text::redact_key_values(s, |k| self.is_sensitive_key(k))
        })
    }

    /// Scrubs a JSON value in place: values under sensitive keys become `"[Filtered]"` (objects
    /// and arrays are replaced whole; `null` is kept since it reveals nothing), personal-data keys
    /// are removed unless `send_default_pii`, and every string goes through
    /// [`scrub_str`](Self::scrub_str).
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use serde_json::json;
    ///
    /// let mut v = json!({ "db": { "password": "hunter2", "url": "postgres://app:pw@db/x" }, "email": "a@b.c" });
    /// Scrubber::new(false).scrub_value(&mut v);
    /// assert_eq!(v, json!({ "db": { "password": "[Filtered]", "url": "postgres://app:[Filtered]@db/x" } }));
    /// ```
    pub fn scrub_value(&self, v: &mut Value) {
        self.scrub_value_at(v, 0);
    }

    fn scrub_value_at(&self, v: &mut Value, depth: usize) {
        match v {
            Value::String(s) => self.scrub_string(s),
            Value::Array(items) if depth < MAX_DEPTH => {
                for item in items {
                    self.scrub_value_at(item, depth + 1);
                }
            }
            Value::Object(map) if depth < MAX_DEPTH => {
                if !self.send_default_pii {
                    map.retain(|k, _| !keys::is_pii(k));
                }
                for (k, item) in map.iter_mut() {
                    self.scrub_entry(k, item, depth + 1);
                }
            }
            Value::Array(_) | Value::Object(_) => filter_value(v),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn scrub_entry(&self, key: &str, v: &mut Value, depth: usize) {
        if self.is_sensitive_key(key) {
            filter_value(v);
        } else {
            self.scrub_value_at(v, depth);
        }
    }

    /// Scrubs a `String` in place, replacing it only when something was redacted.
    fn scrub_string(&self, s: &mut String) {
        let redacted = match self.scrub_str(s) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        };
        if let Some(new) = redacted {
            *s = new;
        }
    }

    fn scrub_opt_string(&self, s: &mut Option<String>) {
        if let Some(s) = s {
            self.scrub_string(s);
        }
    }
}

/// Replaces a non-null value by the placeholder.
fn filter_value(v: &mut Value) {
    if !v.is_null() && v.as_str() != Some(FILTERED) {
        *v = Value::String(FILTERED.to_owned());
    }
}

/// Redacts the password part of a URL-like string (used by config errors to show a DSN with its
/// secret redacted).
///
/// Every `scheme://user:password@host` in `s` keeps its scheme, user and host; only the
/// password becomes `[Filtered]`. Text without credentials is returned borrowed.
///
/// ```
/// use monitor_runtime::scrub::redact_url_credentials;
///
/// assert_eq!(
///     redact_url_credentials("https://public:secret@o1.ingest.sentry.io/42"),
///     "https://public:[Filtered]@o1.ingest.sentry.io/42"
/// );
/// assert_eq!(redact_url_credentials("https://public@o1.ingest.sentry.io/42"), "https://public@o1.ingest.sentry.io/42");
/// ```
pub fn redact_url_credentials(s: &str) -> Cow<'_, str> {
    text::redact_url_credentials(s)
}
