//! Removal of secrets and personal data from everything the toolkit sends or prints.
//!
//! The Sentry SDK does no generic scrubbing: `send_default_pii` only stops a few integrations
//! from attaching headers and user attributes. [`Scrubber`] removes secrets by the *key* they
//! are stored under and by their *form* in any string. The toolkit runs
//! [`Scrubber::scrub_envelope`] once per envelope in its transport's preparation stage, off
//! the application's thread, so events (with their breadcrumbs), transactions and spans, logs,
//! metrics and check-ins are scrubbed before any destination (Sentry, Spotlight, the console,
//! the events file) sees them; the toolkit's JSON log lines are scrubbed as they are written.
//! A plain SDK client can use the hooks instead (below).
//!
//! # Keys
//!
//! Values under a sensitive key in maps, tags, headers, attributes, contexts and JSON are
//! replaced by `"[Filtered]"` (Sentry's convention); objects and arrays are replaced whole and
//! `null` is kept. Keys are compared lower-cased and without the separators `-`, `_`, `.`,
//! space, `[` and `]`, so `X-Api-Key`, `apiKey`, `API_KEY` and `api.key` are one key. A key is
//! sensitive when
//!
//! * it **contains** one of the stems of Sentry's own denylist (the Python SDK's
//!   `EventScrubber`): `password`, `passwd`, `secret`, `apikey`, `credential`, `privatekey`,
//!   `token`, `session`, `sessid` (`PHPSESSID`), `csrf`, `xsrf`, `cookie`, `authorization`,
//!   `connectsid` (`connect.sid`), `xforwardedfor`; or one of `passphrase`, `passcode`,
//!   `signature` (`X-Amz-Signature`, `X-Hub-Signature-256`), `signingkey`, `accesskey`,
//!   `encryptionkey`, `masterkey`, `cvv`, `cvc`; or a stem added with
//!   [`Scrubber::with_extra_keys`] (`Config::scrub_key`);
//! * it **ends** with `pass`, `pwd` or `auth` (`smtp_pass`, `mysql_pwd`, `basic_auth`) — and
//!   with `secret` or `token`, which the stems cover;
//! * one of its **words starts** with `auth` (`auth`, `authToken`, `auth_code`,
//!   `authentication`); words are split at separators and camel-case humps;
//! * it **is** `sig` (Azure SAS signatures) or `symfony` (Sentry's denylist).
//!
//! Exceptions, so that ordinary keys keep their values:
//!
//! * `key` alone names no secret: `id`, `key`, `key_id`, `primary_key`, `cache_key`,
//!   `public_key`, `monkey` are kept;
//! * words that start with `auth` but name no credential: `author`, `authors`, `authored`,
//!   `authoring`, `authorship`, `authority`, `authorities`, `authoritative`, `authorized` and
//!   `authenticated` (the toolkit's own user tag);
//! * keys ending in `pass` whose last word is `bypass`, `compass`, `surpass`, `trespass`,
//!   `overpass`, `underpass` or `encompass`;
//! * counts and kinds that contain a stem: `gen_ai.usage.input_tokens` (and the other
//!   OpenTelemetry `*_tokens` counters), `max_tokens`, `token_count`, `tokens_count`,
//!   `tokenizer`, `session_count`, `sessions_count` — unless another stem matches too
//!   (`secret_input_tokens`) or the user added the stem.
//!
//! # Forms, whatever the key
//!
//! Every string (messages, exception values, breadcrumb messages, span descriptions,
//! transaction names, log bodies, query strings, request bodies, and every string value) is
//! scanned once ([`Scrubber::scrub_str`]) for:
//!
//! * credentials in URLs of any scheme: `postgres://user:pass@host` keeps user and host;
//! * `Bearer` and `Basic` credentials (the scheme is kept);
//! * JSON Web Tokens (`eyJ…`, replaced whole);
//! * payment card numbers: 13 to 19 digits, contiguous or grouped by spaces or dashes,
//!   Luhn-valid, with a length a card network issues for the prefix;
//! * provider keys: Stripe `sk_live_`/`rk_live_`, AWS access key ids (`AKIA…`, `ASIA…`), GitHub
//!   `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_`/`github_pat_`, Slack `xox…-`/`xapp-`, Google `AIza…`;
//! * values of sensitive keys in `key=value`, `key: value`, `"key": "value"` and
//!   `key => value` pairs (SQL placeholders such as `$1` and `?` are kept);
//! * the user's [`ScrubPattern`]s (`Config::scrub_pattern`): token prefixes and literals.
//!
//! # Personal data
//!
//! Unless `send_default_pii` is set, the user's e-mail and IP address are removed, and so are
//! attributes, headers, environment entries and map keys naming an e-mail or IP address
//! (`user.email`, `ip_address`, `REMOTE_ADDR`, `X-Real-IP`, `X-Forwarded-For`,
//! `client.address`, … — Sentry's PII list). Request cookies are always replaced whole, since
//! any cookie may be a session credential.
//!
//! # Cost
//!
//! The rules are compiled when the scrubber is built: every key stem and suffix into one
//! automaton, so a key that mentions none costs one table lookup per byte; and a 256-entry
//! table tells the text scanner at which bytes a detector can start, so clean text costs one
//! table lookup per byte. Nothing is allocated unless something is redacted.
//!
//! # Wiring
//!
//! The toolkit calls [`Scrubber::scrub_envelope`] once per envelope in its transport. With a
//! plain `sentry::init`, call it from a wrapping transport, or use the per-item methods from
//! the SDK's hooks:
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
//! // Transactions and check-ins have no hook: a wrapping transport calls `scrub_envelope`.
//! # drop(options);
//! ```

mod automaton;
mod detect;
mod header_name;
mod keys;
mod pairs;
mod pattern;
mod protocol;
mod text;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde_json::Value;

pub use self::pattern::ScrubPattern;

use self::keys::{FILTERED, KeyKind, KeyRules};
use self::text::TextRules;

/// Removes secrets from everything the toolkit sends.
///
/// Construction compiles the rules once (stems indexed by first byte, the trigger table of the
/// text scanner); scrubbing then never compiles anything and allocates nothing for clean
/// input. Cloning copies the compiled rules, so share one instance (for example in an `Arc`)
/// between hooks.
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
    /// Normalised user stems, kept to rebuild `keys` when more are added.
    extra_stems: Vec<Box<str>>,
    keys: KeyRules,
    text: TextRules,
}

/// Nesting depth beyond which JSON containers are replaced whole, so that recursion stays bounded
/// on hostile or accidental deep structures (serde_json's own parser stops at 128).
const MAX_DEPTH: usize = 128;

impl Scrubber {
    /// Creates a scrubber with the built-in sensitive keys and value detectors.
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
            keys: KeyRules::new(&[]),
            text: TextRules::new(Vec::new()),
        }
    }

    /// Adds user-supplied sensitive stems, matched like the built-in ones (case and `-_. []`
    /// insensitive, anywhere in the key, even inside a safe phrase). Empty stems are ignored
    /// because they would match every key.
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
        self.keys = KeyRules::new(&self.extra_stems);
        self
    }

    /// Adds value patterns recognised in every string, like the built-in detectors. Empty
    /// patterns are ignored because they would match everywhere.
    ///
    /// ```
    /// use monitor_runtime::scrub::{ScrubPattern, Scrubber};
    ///
    /// let scrubber = Scrubber::new(false).with_patterns([ScrubPattern::prefix("acme_")]);
    /// assert_eq!(scrubber.scrub_str("using acme_k3y"), "using [Filtered]");
    /// ```
    #[must_use]
    pub fn with_patterns<I: IntoIterator<Item = ScrubPattern>>(mut self, patterns: I) -> Self {
        let mut all = self.text.patterns().to_vec();
        for pattern in patterns {
            if pattern.is_valid() && !all.contains(&pattern) {
                all.push(pattern);
            }
        }
        self.text = TextRules::new(all);
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
        self.keys.is_sensitive(key)
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
        self.text.scrub(s, &self.keys)
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
                map.retain(|k, item| self.keep_entry(k, item, depth + 1));
            }
            Value::Array(_) | Value::Object(_) => filter_value(v),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// Scrubs the value of one map entry by its key; `false` when the entry must go
    /// (personal data without `send_default_pii`).
    fn keep_entry(&self, key: &str, v: &mut Value, depth: usize) -> bool {
        match self.keys.classify(key, !self.send_default_pii) {
            KeyKind::Pii => false,
            KeyKind::Sensitive => {
                filter_value(v);
                true
            }
            KeyKind::Plain => {
                self.scrub_value_at(v, depth);
                true
            }
        }
    }

    /// Like [`keep_entry`](Self::keep_entry) for maps of strings (tags, headers).
    fn keep_string_entry(&self, key: &str, v: &mut String) -> bool {
        match self.keys.classify(key, !self.send_default_pii) {
            KeyKind::Pii => false,
            KeyKind::Sensitive => {
                if v != FILTERED {
                    FILTERED.clone_into(v);
                }
                true
            }
            KeyKind::Plain => {
                self.scrub_string(v);
                true
            }
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
