//! Capturing messages and errors by hand.
//!
//! Events are captured with `Hub::capture_event`, never `Hub::capture_error`: the latter
//! holds the hub's lock while `before_send` runs, so a hook that touches the scope
//! deadlocks (as of sentry-core 0.49).

use std::borrow::Cow;
use std::error::Error;

use sentry::protocol::{Event, Exception, Mechanism, Value};
use sentry::types::Uuid;
use sentry::{Hub, Level};

/// Captures a message at `level` on the current scope and returns its event id (nil when
/// no client is enabled).
///
/// ```
/// use monitor_runtime::{capture_message, sentry::Level};
/// capture_message("Import completed: 98 success, 2 errors", Level::Warning);
/// ```
pub fn capture_message(message: &str, level: Level) -> Uuid {
    Hub::current().capture_message(message, level)
}

/// Captures an error with its `source()` chain on the current scope.
///
/// ```
/// let error = "x".parse::<u32>().unwrap_err();
/// monitor_runtime::capture_error(&error);
/// ```
pub fn capture_error<E: Error + ?Sized>(error: &E) -> Uuid {
    Report::error(error).capture()
}

/// An event to capture, with tags and extra data of its own.
///
/// ```
/// use monitor_runtime::Report;
/// use serde_json::json;
///
/// let error = "x".parse::<u32>().unwrap_err();
/// Report::error(&error)
///     .tag("op", "import")
///     .extra("url", json!("/api/v1/organisations"))
///     .capture();
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `capture` is called"]
pub struct Report {
    event: Event<'static>,
}

impl Report {
    /// An error event: one exception per error in the `source()` chain, the outermost
    /// last, as Sentry expects.
    pub fn error<E: Error + ?Sized>(error: &E) -> Report {
        Report {
            event: exception_event(error),
        }
    }

    /// A message event.
    pub fn message(message: impl Into<String>, level: Level) -> Report {
        Report {
            event: Event {
                message: Some(message.into()),
                level,
                ..Event::default()
            },
        }
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl ToString) -> Report {
        self.event.tags.insert(key.into(), value.to_string());
        self
    }

    /// Adds extra data.
    pub fn extra(mut self, key: impl Into<String>, value: impl Into<Value>) -> Report {
        self.event.extra.insert(key.into(), value.into());
        self
    }

    /// Sets the level (errors default to `error`).
    pub fn level(mut self, level: Level) -> Report {
        self.event.level = level;
        self
    }

    /// The event as it will be captured.
    pub fn event(&self) -> &Event<'static> {
        &self.event
    }

    /// Sends the event through the current hub; returns its id (nil when no client).
    pub fn capture(self) -> Uuid {
        Hub::current().capture_event(self.event)
    }
}

/// An event for `error` and its `source()` chain. The outermost exception is named after
/// the Rust type when it is known statically (the SDK guesses it from `Debug` output, which
/// gives `Custom` for an `io::Error`).
pub(crate) fn exception_event<E: Error + ?Sized>(error: &E) -> Event<'static> {
    let mut event = sentry::event_from_error(error);
    event.level = Level::Error;
    let full = std::any::type_name::<E>();
    if !full.starts_with("dyn ")
        && let Some(outer) = event.exception.values.last_mut()
    {
        outer.ty = error_type_name(full);
    }
    event
}

/// The name an error type is reported under: [`short_type_name`], except that a bare
/// `Error` keeps its module (`io::Error`, `fmt::Error`), which alone says nothing.
pub(crate) fn error_type_name(full: &str) -> String {
    let short = short_type_name(full);
    if short != "Error" {
        return short.into_owned();
    }
    let mut segments = full.rsplit("::");
    match (segments.next(), segments.next()) {
        (Some(last), Some("error")) => {
            // `std::io::error::Error` is re-exported as `std::io::Error`.
            match segments.next() {
                Some(module) => format!("{module}::{last}"),
                None => last.to_owned(),
            }
        }
        (Some(last), Some(module)) => format!("{module}::{last}"),
        _ => short.into_owned(),
    }
}

/// Marks the outermost exception as captured by `mechanism`, handled.
pub(crate) fn set_mechanism(event: &mut Event<'static>, mechanism: &'static str) {
    if let Some(exception) = event.exception.values.last_mut() {
        exception.mechanism = Some(Mechanism {
            ty: mechanism.to_owned(),
            handled: Some(true),
            ..Mechanism::default()
        });
    }
}

/// An event for a value that only implements `Debug`.
pub(crate) fn debug_event(type_name: &str, debug: String) -> Event<'static> {
    Event {
        exception: vec![Exception {
            ty: type_name.to_owned(),
            value: Some(debug),
            ..Exception::default()
        }]
        .into(),
        level: Level::Error,
        ..Event::default()
    }
}

/// `std::any::type_name` without module paths: `core::num::error::ParseIntError` becomes
/// `ParseIntError`, `app::Wrapper<std::io::Error>` becomes `Wrapper<Error>`.
pub(crate) fn short_type_name(full: &str) -> Cow<'_, str> {
    // Byte scans rather than `str::contains("::")`, which builds a substring searcher on
    // every call: this runs on every captured error.
    if !full.as_bytes().windows(2).any(|w| w == b"::") {
        return Cow::Borrowed(full);
    }
    let mut out = String::with_capacity(full.len());
    let mut segment_start = 0;
    for (i, c) in full.char_indices() {
        if matches!(
            c,
            '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | ';' | '&' | '*'
        ) {
            out.push_str(last_path_segment(&full[segment_start..i]));
            out.push(c);
            segment_start = i + c.len_utf8();
        }
    }
    out.push_str(last_path_segment(&full[segment_start..]));
    Cow::Owned(out)
}

fn last_path_segment(path: &str) -> &str {
    match path.as_bytes().windows(2).rposition(|w| w == b"::") {
        Some(at) => path.get(at + 2..).unwrap_or(path),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_type_names() {
        assert_eq!(
            short_type_name("core::num::error::ParseIntError"),
            "ParseIntError"
        );
        assert_eq!(
            short_type_name("app::Wrapper<std::io::error::Error>"),
            "Wrapper<Error>"
        );
        assert_eq!(
            short_type_name("alloc::boxed::Box<dyn core::error::Error + core::marker::Send>"),
            "Box<dyn Error + Send>"
        );
        assert_eq!(short_type_name("u32"), "u32");
        assert_eq!(short_type_name("(a::B, c::D)"), "(B, D)");
    }

    #[test]
    fn error_type_names_keep_the_module_of_a_bare_error() {
        assert_eq!(error_type_name("std::io::error::Error"), "io::Error");
        assert_eq!(error_type_name("core::fmt::Error"), "fmt::Error");
        assert_eq!(error_type_name("app::db::DbError"), "DbError");
        assert_eq!(error_type_name("Error"), "Error");
    }
}
