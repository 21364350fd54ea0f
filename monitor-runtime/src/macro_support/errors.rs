//! `#[capture_errors]`: turning a returned `Err` into one tagged exception event.
//!
//! One failure that propagates with `?` through several annotated functions must give one
//! event, while concurrent tasks failing the same way must each give theirs.
//!
//! A frame that captures leaves a marker on its thread: its error's message, stamped with
//! the thread's current *generation*. The generation moves on every time an async annotated
//! function is polled ([`CaptureFrames`]), and a sync annotated function clears the marker
//! when it is entered ([`capture_enter`]). A frame whose own error chain contains a marker
//! of the current generation is the same failure travelling up, and skips. So a marker is
//! only honoured by frames that get the error back in the same call or poll, before any
//! other annotated function starts: a later, independent failure with the same message
//! (in a new call, a sibling call, or another task's poll on the same worker) is captured
//! again. The `Ok` path of a sync function costs one thread-local store.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use pin_project_lite::pin_project;
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

/// Proof that a sync annotated function entered its frame; handed to
/// [`on_error_owned`] with the output.
#[must_use]
pub struct CaptureFrame {
    _not_send: PhantomData<*const ()>,
}

/// Enters a sync annotated function: a new call, so any marker left before is not about
/// its failure.
#[inline]
pub fn capture_enter() -> CaptureFrame {
    let _ = MARKER_GENERATION.try_with(|m| m.set(0));
    CaptureFrame {
        _not_send: PhantomData,
    }
}

impl std::fmt::Debug for CaptureFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureFrame").finish_non_exhaustive()
    }
}

fn generation() -> u64 {
    GENERATION.try_with(Cell::get).unwrap_or(0)
}

pin_project! {
    /// An async annotated function: each of its polls starts a new generation.
    #[must_use = "futures do nothing unless polled"]
    pub struct CaptureFrames<F> {
        #[pin]
        inner: F,
    }
}

impl<F> CaptureFrames<F> {
    /// Wraps the function's future.
    #[inline]
    pub fn new(inner: F) -> Self {
        CaptureFrames { inner }
    }
}

impl<F: Future> Future for CaptureFrames<F> {
    type Output = F::Output;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let _ = GENERATION.try_with(|g| g.set(g.get().wrapping_add(1).max(1)));
        self.project().inner.poll(cx)
    }
}

impl<F> std::fmt::Debug for CaptureFrames<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureFrames").finish_non_exhaustive()
    }
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

/// Runs the `Err` path of `#[capture_errors]` out of line, so that its locals do not
/// enlarge the annotated function's stack frame on the `Ok` path.
#[cold]
#[inline(never)]
pub fn on_error<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Like [`on_error`], for sync functions: takes the output (and the frame token) and gives
/// the output back, so that nothing of the caller stays live across the call and the `Ok`
/// path needs no saved registers.
#[cold]
#[inline(never)]
pub fn on_error_owned<R>(output: R, frame: CaptureFrame, f: impl FnOnce(&R)) -> R {
    let _ = frame;
    f(&output);
    output
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
