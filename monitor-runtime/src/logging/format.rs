//! One line per `tracing` event, as JSON for log collectors or as readable text, both
//! carrying the Sentry trace the event happened in.

use std::borrow::Cow;
use std::error::Error;
use std::fmt::{self, Write as _};
use std::sync::Arc;

use serde_json::Value;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::FmtContext;
use tracing_subscriber::fmt::format::{FormatEvent, FormatFields, Writer};
use tracing_subscriber::fmt::time::{FormatTime, SystemTime};
use tracing_subscriber::registry::LookupSpan;

use super::trace::{TraceIds, current_trace_ids};
use crate::config::LogFormat;
use crate::scrub::Scrubber;

/// Keys every JSON line has; an event field with one of these names is written as
/// `fields.<name>` instead, so it can never overwrite them.
const RESERVED: [&str; 6] = [
    "timestamp",
    "level",
    "target",
    "message",
    "trace_id",
    "span_id",
];

const FILTERED: &str = "[Filtered]";

/// Formats each `tracing` event as one line, with the Sentry `trace_id` and `span_id` of the
/// span it happened in (see [`current_trace_ids`](super::current_trace_ids)).
///
/// **JSON** (`LOG_FORMAT=json`, the production default) writes one object per line:
///
/// ```json
/// {"timestamp":"2025-10-17T10:30:45.123456Z","level":"info","target":"crm::organisations","message":"organisation_created","org_id":123,"trace_id":"771a43a4192642f0b136d5159a501700","span_id":"8f3c2a1b9d4e5f60"}
/// ```
///
/// `timestamp` is RFC 3339 in UTC, `level` is lower case (`trace` … `error`), the event's
/// fields follow the message under their own names (one named like a key above becomes
/// `fields.<name>`), and `trace_id`/`span_id` are present only inside a span. Numbers and
/// booleans stay JSON numbers and booleans; other values are written with `Debug`, errors with
/// their chain of sources.
///
/// **Pretty** (`LOG_FORMAT=pretty`, the development default) writes the same content as
/// `timestamp LEVEL target: message key=value … trace_id=… span_id=…`, coloured on a terminal.
///
/// Values under sensitive keys (`password`, `token`, …) become `"[Filtered]"` and secrets
/// inside text (URL passwords, bearer tokens) are redacted, with the same rules and extra keys
/// as what is sent to Sentry ([`Scrubber`]).
///
/// Use it in your own subscriber:
///
/// ```
/// use monitor_runtime::logging::LineFormat;
/// use tracing_subscriber::prelude::*;
///
/// let subscriber = tracing_subscriber::registry()
///     .with(tracing_subscriber::fmt::layer().event_format(LineFormat::json()));
/// tracing::subscriber::with_default(subscriber, || {
///     tracing::info!(org_id = 123, "organisation_created");
/// });
/// ```
#[derive(Debug, Clone)]
pub struct LineFormat {
    format: LogFormat,
    scrubber: Option<Arc<Scrubber>>,
}

impl LineFormat {
    /// Lines in `format`, scrubbed with the built-in sensitive keys.
    ///
    /// ```
    /// use monitor_runtime::config::LogFormat;
    /// use monitor_runtime::logging::LineFormat;
    ///
    /// assert_eq!(LineFormat::new(LogFormat::Pretty).format(), LogFormat::Pretty);
    /// ```
    pub fn new(format: LogFormat) -> Self {
        LineFormat {
            format,
            scrubber: Some(Arc::new(Scrubber::new(false))),
        }
    }

    /// One JSON object per line.
    ///
    /// ```
    /// let format = monitor_runtime::logging::LineFormat::json();
    /// # let _ = format;
    /// ```
    pub fn json() -> Self {
        Self::new(LogFormat::Json)
    }

    /// Readable lines for a terminal.
    ///
    /// ```
    /// let format = monitor_runtime::logging::LineFormat::pretty();
    /// # let _ = format;
    /// ```
    pub fn pretty() -> Self {
        Self::new(LogFormat::Pretty)
    }

    /// Scrubs with `scrubber` (for example one with extra keys), or not at all with `None`.
    ///
    /// ```
    /// use monitor_runtime::logging::LineFormat;
    /// use monitor_runtime::scrub::Scrubber;
    ///
    /// let format = LineFormat::json().scrubber(Some(Scrubber::new(false).with_extra_keys(["iban"])));
    /// # let _ = format;
    /// ```
    pub fn scrubber(mut self, scrubber: Option<Scrubber>) -> Self {
        self.scrubber = scrubber.map(Arc::new);
        self
    }

    /// The shape of the lines.
    pub fn format(&self) -> LogFormat {
        self.format
    }

    pub(crate) fn with_shared_scrubber(mut self, scrubber: Arc<Scrubber>) -> Self {
        self.scrubber = Some(scrubber);
        self
    }
}

impl<S, N> FormatEvent<S, N> for LineFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(scrubber) = &self.scrubber {
            fields.scrub(scrubber);
        }
        let line = Line {
            level: *event.metadata().level(),
            target: event.metadata().target(),
            fields,
            trace: current_trace_ids(),
        };
        match self.format {
            LogFormat::Json => line.write_json(&mut writer),
            LogFormat::Pretty => line.write_pretty(&mut writer),
        }
    }
}

/// An event's message and fields, in the order they were recorded.
#[derive(Debug, Default)]
struct Fields {
    message: Option<String>,
    values: Vec<(&'static str, Value)>,
}

impl Fields {
    fn put(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(text) => text,
                other => other.to_string(),
            });
        } else {
            self.values.push((field.name(), value));
        }
    }

    fn scrub(&mut self, scrubber: &Scrubber) {
        if let Some(message) = &mut self.message
            && let Cow::Owned(clean) = scrubber.scrub_str(message)
        {
            *message = clean;
        }
        for (key, value) in &mut self.values {
            if scrubber.is_sensitive_key(key) {
                *value = Value::String(FILTERED.to_owned());
            } else if let Value::String(text) = value
                && let Cow::Owned(clean) = scrubber.scrub_str(text)
            {
                *text = clean;
            }
        }
    }
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.put(field, Value::String(format!("{value:?}")));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, Value::String(value.to_owned()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }

    fn record_i128(&mut self, field: &Field, value: i128) {
        let value =
            i64::try_from(value).map_or_else(|_| Value::String(value.to_string()), Value::from);
        self.put(field, value);
    }

    fn record_u128(&mut self, field: &Field, value: u128) {
        let value =
            u64::try_from(value).map_or_else(|_| Value::String(value.to_string()), Value::from);
        self.put(field, value);
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        // JSON has no NaN or infinities; keep them readable rather than turn them into null.
        let value = serde_json::Number::from_f64(value)
            .map_or_else(|| Value::String(value.to_string()), Value::Number);
        self.put(field, value);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::Bool(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn Error + 'static)) {
        let mut text = value.to_string();
        let mut source = value.source();
        while let Some(cause) = source {
            let _ = write!(text, ": {cause}");
            source = cause.source();
        }
        self.put(field, Value::String(text));
    }
}

struct Line<'a> {
    level: Level,
    target: &'a str,
    fields: Fields,
    trace: Option<TraceIds>,
}

impl Line<'_> {
    fn write_json(&self, w: &mut Writer<'_>) -> fmt::Result {
        let mut out = JsonObject::default();
        out.entry("timestamp", &Value::String(timestamp()?))?;
        out.entry("level", &Value::String(level_name(self.level).to_owned()))?;
        out.entry("target", &Value::String(self.target.to_owned()))?;
        out.entry(
            "message",
            &Value::String(self.fields.message.clone().unwrap_or_default()),
        )?;
        for (key, value) in &self.fields.values {
            if RESERVED.contains(key) {
                out.entry(&format!("fields.{key}"), value)?;
            } else {
                out.entry(key, value)?;
            }
        }
        if let Some(trace) = self.trace {
            out.entry("trace_id", &Value::String(trace.trace_id.to_string()))?;
            out.entry("span_id", &Value::String(trace.span_id.to_string()))?;
        }
        w.write_str(&out.finish())?;
        w.write_char('\n')
    }

    fn write_pretty(&self, w: &mut Writer<'_>) -> fmt::Result {
        let ansi = w.has_ansi_escapes();
        let paint = |w: &mut Writer<'_>, code: &str, text: &str| -> fmt::Result {
            if ansi {
                write!(w, "\x1b[{code}m{text}\x1b[0m")
            } else {
                w.write_str(text)
            }
        };
        paint(w, "2", &timestamp()?)?;
        w.write_char(' ')?;
        paint(
            w,
            level_colour(self.level),
            &format!("{:>5}", self.level.as_str()),
        )?;
        w.write_char(' ')?;
        paint(w, "2", &format!("{}:", self.target))?;
        w.write_char(' ')?;
        if let Some(message) = &self.fields.message {
            write_escaped(w, message)?;
        }
        for (key, value) in &self.fields.values {
            w.write_char(' ')?;
            paint(w, "3", key)?;
            w.write_char('=')?;
            match value {
                Value::String(text) => write!(w, "{text:?}")?,
                other => write!(w, "{other}")?,
            }
        }
        if let Some(trace) = self.trace {
            w.write_char(' ')?;
            paint(w, "2", &format!("trace_id={}", trace.trace_id))?;
            w.write_char(' ')?;
            paint(w, "2", &format!("span_id={}", trace.span_id))?;
        }
        w.write_char('\n')
    }
}

/// Builds `{"key":value,…}` text with serde_json doing all the escaping.
#[derive(Default)]
struct JsonObject {
    buf: Vec<u8>,
}

impl JsonObject {
    fn entry(&mut self, key: &str, value: &Value) -> fmt::Result {
        self.buf.push(if self.buf.is_empty() { b'{' } else { b',' });
        serde_json::to_writer(&mut self.buf, key).map_err(|_| fmt::Error)?;
        self.buf.push(b':');
        serde_json::to_writer(&mut self.buf, value).map_err(|_| fmt::Error)
    }

    fn finish(mut self) -> String {
        if self.buf.is_empty() {
            self.buf.push(b'{');
        }
        self.buf.push(b'}');
        // serde_json writes UTF-8 only.
        String::from_utf8(self.buf).unwrap_or_default()
    }
}

fn timestamp() -> Result<String, fmt::Error> {
    let mut text = String::with_capacity(32);
    SystemTime.format_time(&mut Writer::new(&mut text))?;
    Ok(text)
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn level_colour(level: Level) -> &'static str {
    match level {
        Level::TRACE => "35",
        Level::DEBUG => "34",
        Level::INFO => "32",
        Level::WARN => "33",
        Level::ERROR => "31",
    }
}

/// Writes a message as it is, except control characters: a message must not be able to
/// forge a second log line or send escape sequences to the terminal.
fn write_escaped(w: &mut Writer<'_>, text: &str) -> fmt::Result {
    for c in text.chars() {
        if c.is_control() {
            write!(w, "{}", c.escape_default())?;
        } else {
            w.write_char(c)?;
        }
    }
    Ok(())
}
