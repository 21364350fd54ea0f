//! `#[capture_errors]`: turning a returned `Err` into one tagged exception event.
//!
//! One failure that propagates with `?` through several annotated functions must give one
//! event. The innermost frame captures it and leaves a marker on its thread: the outermost
//! exception's message. An outer frame whose error chain contains that message is the same
//! failure travelling up, and skips. Every annotated frame clears the marker when it is
//! entered, so a later failure with the same message, in a new call, is captured again.
//! Between an inner frame returning and its caller checking there is no `.await`, so the
//! check runs on the same thread as the capture.

use std::cell::RefCell;

use sentry::protocol::{Context, Event, Map, SpanStatus, Value};
use sentry::{Hub, Level};

use crate::capture::set_mechanism;
use crate::error_class::Classification;
use crate::registry::FnSite;
use crate::span;

/// The mechanism name on captured exceptions.
pub const MECHANISM: &str = "capture_errors";

thread_local! {
    static LAST_CAPTURED: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Called when an annotated function is entered: a new call, a new failure.
#[inline]
pub fn capture_enter() {
    let _ = LAST_CAPTURED.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            last.take();
        }
    });
}

/// Lets generated code see a `Result` through aliases such as `io::Result<T>`; a function
/// returning anything else is rejected at its return type.
#[diagnostic::on_unimplemented(
    message = "`#[capture_errors]` requires a function returning `Result<_, _>`, found `{Self}`",
    label = "this return type is not a `Result`",
    note = "aliases such as `std::io::Result<T>` and `anyhow::Result<T>` are accepted"
)]
pub trait CaptureResult {
    /// The error type.
    type Error;
    /// The error, if this is one.
    fn captured_error(&self) -> Option<&Self::Error>;
}

impl<T, E> CaptureResult for Result<T, E> {
    type Error = E;
    #[inline]
    fn captured_error(&self) -> Option<&E> {
        self.as_ref().err()
    }
}

/// The options given to the macro, plus values evaluated at the call.
#[derive(Debug, Default)]
pub struct CaptureOptions {
    /// `error_type = "…"`.
    pub error_type: Option<&'static str>,
    /// `level = "…"`.
    pub level: Option<Level>,
    /// `tags(...)`, evaluated when the call started.
    pub tags: Vec<(&'static str, String)>,
    /// `data(...)`, evaluated when the call started.
    pub data: Vec<(&'static str, Value)>,
}

impl CaptureOptions {
    /// Static options.
    pub const fn new(error_type: Option<&'static str>, level: Option<Level>) -> Self {
        CaptureOptions {
            error_type,
            level,
            tags: Vec::new(),
            data: Vec::new(),
        }
    }

    /// Adds a tag evaluated at the call.
    pub fn tag<V: super::TagValue + ?Sized>(mut self, key: &'static str, value: &V) -> Self {
        self.tags.push((key, value.to_tag()));
        self
    }

    /// Adds data evaluated at the call.
    pub fn data<V: super::DataValue + ?Sized>(mut self, key: &'static str, value: &V) -> Self {
        self.data.push((key, value.to_data()));
        self
    }
}

/// Calls `skip_if = …`'s predicate on the error.
#[inline]
pub fn skip_if<E: ?Sized>(predicate: impl FnOnce(&E) -> bool, error: &E) -> bool {
    predicate(error)
}

/// Whether a client is enabled here; the macros evaluate `tags(...)`/`data(...)` of
/// `#[capture_errors]` at the call only when it is.
#[inline]
pub fn client_enabled() -> bool {
    Hub::with_active(|_| true)
}

/// Captures an error event built by the probes, unless its classification says not to
/// report it or an inner annotated frame already captured the same failure. Sets the
/// current span's status either way.
///
/// Generated code calls it only when [`client_enabled`]: without a client the event and
/// the options are not even built, so an `Err` costs no allocation.
pub fn capture_error(
    site: &'static FnSite,
    mut event: Event<'static>,
    class: Classification,
    options: &CaptureOptions,
) {
    let span_status = class.span_status.unwrap_or(SpanStatus::InternalError);
    if let Some(current) = span::current_span() {
        current.set_status(span_status);
    }
    if !class.report || !Hub::with_active(|_| true) {
        return;
    }
    let Some(outer_message) = outer_message(&event) else {
        return;
    };
    if already_captured(&event) {
        return;
    }

    set_mechanism(&mut event, MECHANISM);
    event.level = options.level.or(class.level).unwrap_or(Level::Error);
    let error_type = options
        .error_type
        .map(str::to_owned)
        .or_else(|| class.error_type.map(|t| t.into_owned()))
        .or_else(|| event.exception.values.last().map(|e| e.ty.clone()))
        .unwrap_or_else(|| "unknown".to_owned());
    event.tags.insert("error_type".to_owned(), error_type);
    event
        .tags
        .insert("function".to_owned(), site.name().to_owned());
    if let Some(status) = class.http_status {
        event
            .tags
            .insert("status_code".to_owned(), status.to_string());
    }
    for (key, value) in &options.tags {
        event.tags.insert((*key).to_owned(), value.clone());
    }
    let mut context = Map::new();
    context.insert("function".to_owned(), Value::from(site.name()));
    context.insert("module".to_owned(), Value::from(site.module));
    for (key, value) in &options.data {
        context.insert((*key).to_owned(), value.clone());
    }
    event
        .contexts
        .insert(MECHANISM.to_owned(), Context::Other(context));

    Hub::current().capture_event(event);
    let _ = LAST_CAPTURED.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some(outer_message);
        }
    });
}

fn outer_message(event: &Event<'_>) -> Option<String> {
    let outer = event.exception.values.last()?;
    Some(outer.value.clone().unwrap_or_else(|| outer.ty.clone()))
}

fn already_captured(event: &Event<'_>) -> bool {
    LAST_CAPTURED
        .try_with(|last| {
            let Ok(last) = last.try_borrow() else {
                return false;
            };
            let Some(last) = last.as_deref() else {
                return false;
            };
            event
                .exception
                .values
                .iter()
                .any(|e| e.value.as_deref().unwrap_or(e.ty.as_str()) == last)
        })
        .unwrap_or(false)
}
