//! Scrubbing of the Sentry protocol types and of whole envelopes.

use std::borrow::Cow;

use sentry::Envelope;
use sentry::protocol::{
    Breadcrumb, Context, EnvelopeHeaders, EnvelopeItem, Event, Exception, ItemContainer, Log,
    LogAttribute, Map, Metric, MonitorCheckIn, Request, SessionAttributes, Span, Stacktrace,
    Transaction, Url, User, Value,
};

use super::keys::FILTERED;
use super::{Scrubber, filter_value};

/// `[Filtered]` as the `url` crate stores a password (percent-encoded userinfo).
const FILTERED_USERINFO: &str = "%5BFiltered%5D";

/// Attribute prefix under which the SDK's `logger_*!` macros store positional parameters.
const MESSAGE_PARAMETER_PREFIX: &str = "sentry.message.parameter.";

impl Scrubber {
    /// Scrubs an error event: message and log entry, exception values and mechanism data,
    /// breadcrumbs, tags, extra, contexts, user and request.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::Event;
    ///
    /// let mut event = Event { message: Some("login with password=hunter2".into()), ..Default::default() };
    /// Scrubber::new(false).scrub_event(&mut event);
    /// assert_eq!(event.message.as_deref(), Some("login with password=[Filtered]"));
    /// ```
    pub fn scrub_event(&self, e: &mut Event<'static>) {
        self.scrub_opt_string(&mut e.message);
        self.scrub_opt_string(&mut e.transaction);
        self.scrub_opt_string(&mut e.culprit);
        if let Some(entry) = &mut e.logentry {
            self.scrub_string(&mut entry.message);
            for param in &mut entry.params {
                self.scrub_value(param);
            }
        }
        for exception in &mut e.exception {
            self.scrub_exception(exception);
        }
        if let Some(stacktrace) = &mut e.stacktrace {
            self.scrub_stacktrace(stacktrace);
        }
        for thread in &mut e.threads {
            if let Some(stacktrace) = &mut thread.stacktrace {
                self.scrub_stacktrace(stacktrace);
            }
        }
        for crumb in &mut e.breadcrumbs {
            self.scrub_breadcrumb(crumb);
        }
        self.scrub_string_map(&mut e.tags);
        self.scrub_map(&mut e.extra);
        self.scrub_contexts(&mut e.contexts);
        if let Some(user) = &mut e.user {
            self.scrub_user(user);
        }
        if let Some(request) = &mut e.request {
            self.scrub_request(request);
        }
    }

    /// Scrubs a breadcrumb's message and data.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::Breadcrumb;
    ///
    /// let mut crumb = Breadcrumb { message: Some("GET https://api/x?api_key=k1&page=2".into()), ..Default::default() };
    /// Scrubber::new(false).scrub_breadcrumb(&mut crumb);
    /// assert_eq!(crumb.message.as_deref(), Some("GET https://api/x?api_key=[Filtered]&page=2"));
    /// ```
    pub fn scrub_breadcrumb(&self, b: &mut Breadcrumb) {
        self.scrub_opt_string(&mut b.message);
        self.scrub_map(&mut b.data);
    }

    /// Scrubs a transaction and its spans: name, tags, extra, contexts (including the trace
    /// context's data and description), user, request, and every span's description, tags and
    /// data.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::{Span, Transaction};
    ///
    /// let span = Span { description: Some("connect postgres://app:pw@db/app".into()), ..Default::default() };
    /// let mut tx = Transaction { spans: vec![span], ..Default::default() };
    /// Scrubber::new(false).scrub_transaction(&mut tx);
    /// assert_eq!(tx.spans[0].description.as_deref(), Some("connect postgres://app:[Filtered]@db/app"));
    /// ```
    pub fn scrub_transaction(&self, t: &mut Transaction<'static>) {
        self.scrub_opt_string(&mut t.name);
        self.scrub_string_map(&mut t.tags);
        self.scrub_map(&mut t.extra);
        self.scrub_contexts(&mut t.contexts);
        if let Some(user) = &mut t.user {
            self.scrub_user(user);
        }
        if let Some(request) = &mut t.request {
            self.scrub_request(request);
        }
        for span in &mut t.spans {
            self.scrub_span(span);
        }
    }

    /// Scrubs a structured log: its body and attributes. An attribute under a sensitive key is
    /// replaced whole; `user.email` and IP attributes are removed unless `send_default_pii`.
    ///
    /// The SDK also stores each formatted argument as `sentry.message.parameter.N`; a parameter
    /// whose text disappeared from the body during scrubbing is filtered too, so that
    /// `logger_info!("password: {}", pw)` does not leak `pw` through its attribute.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::{Log, LogLevel};
    ///
    /// let mut log = Log {
    ///     level: LogLevel::Info,
    ///     body: "retrying with token=abc123".into(),
    ///     trace_id: None,
    ///     timestamp: std::time::SystemTime::now(),
    ///     severity_number: None,
    ///     attributes: Default::default(),
    /// };
    /// Scrubber::new(false).scrub_log(&mut log);
    /// assert_eq!(log.body, "retrying with token=[Filtered]");
    /// ```
    pub fn scrub_log(&self, l: &mut Log) {
        let scrubbed_body = match self.scrub_str(&l.body) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        };
        if let Some(new_body) = scrubbed_body {
            let old_body = std::mem::replace(&mut l.body, new_body);
            for (key, LogAttribute(value)) in &mut l.attributes {
                if !key.starts_with(MESSAGE_PARAMETER_PREFIX) {
                    continue;
                }
                if let Some(param) = value.as_str()
                    && !param.is_empty()
                    && old_body.contains(param)
                    && !l.body.contains(param)
                {
                    filter_value(value);
                }
            }
        }
        self.scrub_attributes(&mut l.attributes);
    }

    /// Scrubs a metric's attributes like log attributes (its name and value are kept).
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::{LogAttribute, Metric, MetricType};
    ///
    /// let mut metric = Metric {
    ///     r#type: MetricType::Counter,
    ///     name: "logins".into(),
    ///     value: 1.0,
    ///     timestamp: std::time::SystemTime::now(),
    ///     trace_id: Default::default(),
    ///     span_id: None,
    ///     unit: None,
    ///     attributes: [("user.email".into(), LogAttribute::from("a@b.c"))].into_iter().collect(),
    /// };
    /// Scrubber::new(false).scrub_metric(&mut metric);
    /// assert!(metric.attributes.is_empty());
    /// ```
    pub fn scrub_metric(&self, m: &mut Metric) {
        m.attributes
            .retain(|key, LogAttribute(value)| self.keep_entry(key, value, 0));
    }

    /// Scrubs every item of an envelope: events with their breadcrumbs, transactions with their
    /// spans, logs, metrics, check-ins and (for personal data) sessions. Attachments, client
    /// reports and raw items are passed through unchanged; a raw (unparsed) envelope is
    /// returned as it is.
    ///
    /// This is the one entry point the transport calls, once per envelope, so that scrubbing
    /// can run on a sender thread rather than on the application's. Scrubbing is idempotent,
    /// so an envelope whose items were already scrubbed by a hook comes out the same. On clean
    /// input the strings are neither copied nor rewritten; the envelope itself is rebuilt
    /// (the SDK gives no mutable access to its items), which costs its item list and, for
    /// transactions, a copy of the envelope headers.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::{Envelope, protocol::Event};
    ///
    /// let mut envelope = Envelope::new();
    /// envelope.add_item(Event { message: Some("secret: s3cr3t".into()), ..Default::default() });
    /// let envelope = Scrubber::new(false).scrub_envelope(envelope);
    /// assert_eq!(envelope.event().and_then(|e| e.message.as_deref()), Some("secret: [Filtered]"));
    /// ```
    pub fn scrub_envelope(&self, env: Envelope) -> Envelope {
        // Raw envelopes expose no items and cannot take new ones; empty ones need no work.
        if env.items().next().is_none() {
            return env;
        }
        let mut out = self.scrubbed_shell(&env);
        for item in env.into_items() {
            out.add_item(self.scrub_item(item));
        }
        out
    }

    /// An envelope without items, with the headers of `env` scrubbed: what
    /// [`scrub_envelope`](Self::scrub_envelope) fills with the scrubbed items, and what a
    /// caller rebuilding the envelope anyway fills with [`scrub_item`](Self::scrub_item)'s.
    pub(crate) fn scrubbed_shell(&self, env: &Envelope) -> Envelope {
        let out = Envelope::new();
        if *env.headers() == EnvelopeHeaders::new() {
            return out;
        }
        out.with_headers(self.scrub_headers(env.headers()))
    }

    /// The envelope headers with the transaction name of their dynamic sampling context
    /// (`trace.transaction`) scrubbed: it repeats the root transaction's name, which the
    /// transaction item has scrubbed. The SDK's header types have no getters: the name is
    /// read through their `Serialize` implementations, skipping every other field
    /// (`header_name`); only a name that changes costs a rebuild of the header through a
    /// JSON value.
    fn scrub_headers(&self, headers: &EnvelopeHeaders) -> EnvelopeHeaders {
        let dirty = super::header_name::transaction_name(headers)
            .is_some_and(|name| matches!(self.scrub_str(&name), Cow::Owned(_)));
        if !dirty {
            return headers.clone();
        }
        let scrubbed = serde_json::to_value(headers).ok().and_then(|mut json| {
            let name = json.get_mut("trace")?.get_mut("transaction")?;
            let clean = match self.scrub_str(name.as_str()?) {
                Cow::Owned(clean) => clean,
                Cow::Borrowed(_) => return None,
            };
            *name = Value::String(clean);
            serde_json::from_value(json).ok()
        });
        scrubbed.unwrap_or_else(|| headers.clone())
    }

    /// Scrubs one envelope item, as [`scrub_envelope`](Self::scrub_envelope) does for each:
    /// for a caller that already walks the items of an envelope and rebuilds it, so that it
    /// is not rebuilt twice.
    ///
    /// ```
    /// use monitor_runtime::scrub::Scrubber;
    /// use sentry::protocol::{EnvelopeItem, Event};
    ///
    /// let item = EnvelopeItem::from(Event { message: Some("token=abc".into()), ..Default::default() });
    /// match Scrubber::new(false).scrub_item(item) {
    ///     EnvelopeItem::Event(event) => assert_eq!(event.message.as_deref(), Some("token=[Filtered]")),
    ///     _ => unreachable!(),
    /// }
    /// ```
    pub fn scrub_item(&self, item: EnvelopeItem) -> EnvelopeItem {
        match item {
            EnvelopeItem::Event(mut event) => {
                self.scrub_event(&mut event);
                EnvelopeItem::Event(event)
            }
            EnvelopeItem::Transaction(mut transaction) => {
                self.scrub_transaction(&mut transaction);
                EnvelopeItem::Transaction(transaction)
            }
            EnvelopeItem::ItemContainer(ItemContainer::Logs(mut logs)) => {
                for log in &mut logs {
                    self.scrub_log(log);
                }
                EnvelopeItem::ItemContainer(ItemContainer::Logs(logs))
            }
            EnvelopeItem::ItemContainer(ItemContainer::Metrics(mut metrics)) => {
                for metric in &mut metrics {
                    self.scrub_metric(metric);
                }
                EnvelopeItem::ItemContainer(ItemContainer::Metrics(metrics))
            }
            EnvelopeItem::MonitorCheckIn(mut check_in) => {
                self.scrub_check_in(&mut check_in);
                EnvelopeItem::MonitorCheckIn(check_in)
            }
            EnvelopeItem::SessionUpdate(mut session) => {
                if !self.send_default_pii {
                    strip_session_pii(&mut session.attributes, &mut session.distinct_id);
                }
                EnvelopeItem::SessionUpdate(session)
            }
            EnvelopeItem::SessionAggregates(mut aggregates) => {
                if !self.send_default_pii {
                    let mut none = None;
                    strip_session_pii(&mut aggregates.attributes, &mut none);
                    for item in &mut aggregates.aggregates {
                        if item.distinct_id.as_deref().is_some_and(looks_like_email) {
                            item.distinct_id = None;
                        }
                    }
                }
                EnvelopeItem::SessionAggregates(aggregates)
            }
            other => other,
        }
    }

    fn scrub_check_in(&self, c: &mut MonitorCheckIn) {
        // Slugs and environments are identifiers, so this only fires if one embeds a credential.
        self.scrub_string(&mut c.monitor_slug);
        self.scrub_opt_string(&mut c.environment);
    }

    fn scrub_exception(&self, e: &mut Exception) {
        self.scrub_opt_string(&mut e.value);
        if let Some(mechanism) = &mut e.mechanism {
            self.scrub_opt_string(&mut mechanism.description);
            self.scrub_map(&mut mechanism.data);
        }
        if let Some(stacktrace) = &mut e.stacktrace {
            self.scrub_stacktrace(stacktrace);
        }
        if let Some(stacktrace) = &mut e.raw_stacktrace {
            self.scrub_stacktrace(stacktrace);
        }
    }

    fn scrub_stacktrace(&self, s: &mut Stacktrace) {
        // The Rust SDK captures no local variables, but events built or forwarded by hand may.
        for frame in &mut s.frames {
            self.scrub_map(&mut frame.vars);
        }
    }

    fn scrub_span(&self, s: &mut Span) {
        self.scrub_opt_string(&mut s.description);
        self.scrub_string_map(&mut s.tags);
        self.scrub_map(&mut s.data);
    }

    fn scrub_user(&self, u: &mut User) {
        if !self.send_default_pii {
            u.email = None;
            u.ip_address = None;
        }
        self.scrub_map(&mut u.other);
    }

    pub(super) fn scrub_request(&self, r: &mut Request) {
        if let Some(url) = &mut r.url {
            self.scrub_url(url);
        }
        self.scrub_opt_string(&mut r.query_string);
        if let Some(cookies) = &mut r.cookies {
            filter_cookies(cookies);
        }
        self.scrub_string_map(&mut r.headers);
        self.scrub_string_map(&mut r.env);
        if let Some(data) = &mut r.data {
            self.scrub_body(data);
        }
    }

    fn scrub_url(&self, url: &mut Url) {
        if url.password().is_some_and(|p| p != FILTERED_USERINFO) {
            // Fails only for URLs that cannot have credentials, which then have none to hide.
            let _ = url.set_password(Some(FILTERED));
        }
        let query = url.query().and_then(|q| match self.scrub_str(q) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        });
        if let Some(query) = query {
            url.set_query(Some(&query));
        }
        let fragment = url.fragment().and_then(|f| match self.scrub_str(f) {
            Cow::Owned(new) => Some(new),
            Cow::Borrowed(_) => None,
        });
        if let Some(fragment) = fragment {
            url.set_fragment(Some(&fragment));
        }
    }

    /// Request bodies are JSON or form/free text; JSON is scrubbed structurally so that nested
    /// keys are honoured, and re-serialised only when something changed to keep it byte-identical
    /// otherwise.
    fn scrub_body(&self, data: &mut String) {
        let trimmed = data.trim_start();
        if (trimmed.starts_with('{') || trimmed.starts_with('['))
            && let Ok(mut json) = serde_json::from_str::<Value>(data)
        {
            let original = json.clone();
            self.scrub_value(&mut json);
            if json != original
                && let Ok(new) = serde_json::to_string(&json)
            {
                *data = new;
            }
            return;
        }
        self.scrub_string(data);
    }

    fn scrub_contexts(&self, contexts: &mut Map<String, Context>) {
        for (name, context) in contexts.iter_mut() {
            match context {
                Context::Other(map) if self.is_sensitive_key(name) => {
                    map.values_mut().for_each(filter_value);
                }
                Context::Other(map) => self.scrub_map(map),
                Context::Trace(trace) => {
                    self.scrub_opt_string(&mut trace.description);
                    self.scrub_map(&mut trace.data);
                }
                Context::Response(response) => {
                    if let Some(cookies) = &mut response.cookies {
                        filter_cookies(cookies);
                    }
                    self.scrub_string_map(&mut response.headers);
                    if let Some(data) = &mut response.data {
                        self.scrub_value(data);
                    }
                }
                Context::Device(c) => self.scrub_map(&mut c.other),
                Context::Os(c) => self.scrub_map(&mut c.other),
                Context::Runtime(c) => self.scrub_map(&mut c.other),
                Context::App(c) => self.scrub_map(&mut c.other),
                Context::Browser(c) => self.scrub_map(&mut c.other),
                Context::Gpu(c) => self.scrub_map(&mut c.other),
                Context::Otel(c) => {
                    self.scrub_map(&mut c.attributes);
                    self.scrub_map(&mut c.resource);
                    self.scrub_map(&mut c.other);
                }
                _ => {}
            }
        }
    }

    /// Scrubs the SDK's `BTreeMap` flavour of a JSON object.
    fn scrub_map(&self, map: &mut Map<String, Value>) {
        if map.is_empty() {
            return;
        }
        map.retain(|key, value| self.keep_entry(key, value, 1));
    }

    /// Scrubs tags, headers and environment maps, whose values are plain strings.
    fn scrub_string_map(&self, map: &mut Map<String, String>) {
        if map.is_empty() {
            return;
        }
        map.retain(|key, value| self.keep_string_entry(key, value));
    }

    fn scrub_attributes(&self, attributes: &mut Map<String, LogAttribute>) {
        attributes.retain(|key, LogAttribute(value)| self.keep_entry(key, value, 0));
    }
}

/// Cookie strings are replaced whole: every cookie, whatever its name, may be a session
/// credential.
fn filter_cookies(cookies: &mut String) {
    if !cookies.is_empty() && cookies != FILTERED {
        FILTERED.clone_into(cookies);
    }
}

fn looks_like_email(s: &str) -> bool {
    s.split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
}

/// Sessions repeat the user's IP and (as `distinct_id`) possibly their e-mail address.
fn strip_session_pii(
    attributes: &mut SessionAttributes<'static>,
    distinct_id: &mut Option<String>,
) {
    attributes.ip_address = None;
    if distinct_id.as_deref().is_some_and(looks_like_email) {
        *distinct_id = None;
    }
}
