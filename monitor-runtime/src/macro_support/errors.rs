//! `#[capture_errors]`: turning a returned `Err` into one tagged exception event.
//!
//! One failure that propagates with `?` through several annotated functions must give one
//! event, while concurrent tasks failing the same way must each give theirs.
//!
//! A frame that captures leaves a marker on its thread: its error's message, stamped with
//! the thread's current *generation*. The generation moves on every time an async annotated
//! function is polled ([`next_generation`], called by the future wrapper of generated
//! code), and a sync annotated function clears the marker when it is entered
//! ([`capture_enter`]). A frame whose own error chain contains a marker
//! of the current generation is the same failure travelling up, and skips. So a marker is
//! only honoured by frames that get the error back in the same call or poll, before any
//! other annotated function starts: a later, independent failure with the same message
//! (in a new call, a sibling call, or another task's poll on the same worker) is captured
//! again. The `Ok` path of a sync function costs one thread-local store.
//!
//! The `Err` path is [`capture_err`], generic over the error type only: one copy per error
//! type, shared by every function that returns it.

use std::cell::{Cell, RefCell};

use sentry::protocol::{Context, Event, Map, SpanStatus, Value};
use sentry::{Hub, Level};

use crate::capture::set_mechanism;
use crate::error_class::Classification;
use crate::registry::FnSite;
use crate::span;

/// The mechanism name on captured exceptions.
pub const MECHANISM: &str = "capture_errors";

thread_local! {
    /// Moves on at every poll of an async annotated function.
    static GENERATION: Cell<u64> = const { Cell::new(1) };
    /// The generation the marker was left in; 0: no marker.
    static MARKER_GENERATION: Cell<u64> = const { Cell::new(0) };
    /// The message of the captured error's outermost exception.
    static MARKER: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Enters a sync annotated function: a new call, so any marker left before is not about
/// its failure.
#[inline]
pub fn capture_enter() {
    let _ = MARKER_GENERATION.try_with(|m| m.set(0));
}

/// Starts a new generation: an async annotated function is being polled.
#[inline]
pub fn next_generation() {
    let _ = GENERATION.try_with(|g| g.set(g.get().wrapping_add(1).max(1)));
}

fn generation() -> u64 {
    GENERATION.try_with(Cell::get).unwrap_or(0)
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

/// The `tags(...)` and `data(...)` of `#[capture_errors]` that are not literals, evaluated
/// when the call starts (while the arguments are there), only when a client is enabled.
#[derive(Debug, Default)]
pub struct CaptureOptions {
    tags: Vec<(&'static str, String)>,
    data: Vec<(&'static str, Value)>,
}

impl CaptureOptions {
    /// Options to fill in, or `None` when no client is enabled (nothing is evaluated then).
    #[inline]
    pub fn begin() -> Option<CaptureOptions> {
        client_enabled().then(CaptureOptions::default)
    }

    /// Adds a tag evaluated at the call.
    pub fn tag<V: super::TagValue + ?Sized>(&mut self, key: &'static str, value: &V) {
        self.tags.push((key, value.to_tag()));
    }

    /// Adds data evaluated at the call.
    pub fn data<V: super::DataValue + ?Sized>(&mut self, key: &'static str, value: &V) {
        self.data.push((key, value.to_data()));
    }
}

/// The `Err` path of `#[capture_errors]`: builds the event with `event` and `class`,
/// which the probes at the call site chose for `E`, and captures it.
///
/// Out of line and generic over `E` only, so every function returning the same error type
/// shares one copy. Without a client, nothing is built.
#[cold]
#[inline(never)]
pub fn capture_err<E: ?Sized>(
    site: &'static FnSite,
    error: &E,
    event: fn(&E) -> Event<'static>,
    class: fn(&E) -> Classification,
    options: Option<&CaptureOptions>,
) {
    if client_enabled() {
        capture_error(site, event(error), class(error), options);
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
pub fn capture_error(
    site: &'static FnSite,
    mut event: Event<'static>,
    class: Classification,
    options: Option<&CaptureOptions>,
) {
    let span_status = class.span_status.unwrap_or(SpanStatus::InternalError);
    span::set_current_status(span_status);
    if !class.report || !Hub::with_active(|_| true) {
        return;
    }
    let Some(outer_message) = outer_message(&event) else {
        return;
    };
    let generation = generation();
    if already_captured(&event, generation) {
        // The same failure, captured by a frame inside this one: the marker stays for the
        // frames further out.
        return;
    }

    let spec = site.spec.capture;
    set_mechanism(&mut event, MECHANISM);
    event.level = spec
        .and_then(|s| s.level)
        .or(class.level)
        .unwrap_or(Level::Error);
    let error_type = spec
        .and_then(|s| s.error_type)
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
    for (key, value) in spec.map_or(&[][..], |s| s.tags) {
        event.tags.insert((*key).to_owned(), (*value).to_owned());
    }
    for (key, value) in options.map_or(&[][..], |o| &o.tags) {
        event.tags.insert((*key).to_owned(), value.clone());
    }
    let mut context = Map::new();
    context.insert("function".to_owned(), Value::from(site.name()));
    context.insert("module".to_owned(), Value::from(site.module));
    for (key, value) in options.map_or(&[][..], |o| &o.data) {
        context.insert((*key).to_owned(), value.clone());
    }
    event
        .contexts
        .insert(MECHANISM.to_owned(), Context::Other(context));
    // Raw return addresses only; the transport symbolicates them off this thread.
    crate::stack::attach_if_missing(&mut event);

    Hub::current().capture_event(event);
    let _ = MARKER.try_with(|marker| {
        if let Ok(mut marker) = marker.try_borrow_mut() {
            *marker = outer_message;
            let _ = MARKER_GENERATION.try_with(|m| m.set(generation));
        }
    });
}

fn outer_message(event: &Event<'_>) -> Option<String> {
    let outer = event.exception.values.last()?;
    Some(outer.value.clone().unwrap_or_else(|| outer.ty.clone()))
}

/// Whether a frame inside this one captured, in this call or poll, a failure whose message
/// is in this event's chain.
fn already_captured(event: &Event<'_>, generation: u64) -> bool {
    if MARKER_GENERATION.try_with(Cell::get).unwrap_or(0) != generation {
        return false;
    }
    MARKER
        .try_with(|marker| {
            let Ok(marker) = marker.try_borrow() else {
                return false;
            };
            event
                .exception
                .values
                .iter()
                .any(|e| e.value.as_deref().unwrap_or(e.ty.as_str()) == marker.as_str())
        })
        .unwrap_or(false)
}
