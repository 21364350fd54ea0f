//! `#[capture_errors]`: turning a returned `Err` into one tagged exception event.
//!
//! One failure that propagates with `?` through several annotated functions must give one
//! event, while concurrent tasks failing the same way must each give theirs.
//!
//! Each annotated function is a *frame* while it runs: for the whole call when it is sync,
//! for each poll when it is async ([`CaptureFrame`], [`CaptureFrames`]). Frames nest on a
//! thread-local depth counter. A frame that captures leaves a marker: its error's message
//! and its depth. The frame right around it (depth one less) finds the marker when it gets
//! the error back in the same call or poll; if its own error chain contains that message,
//! it is the same failure travelling up: it skips and moves the marker to its own depth for
//! the next frame out. A frame that ends clears markers left deeper than itself, so a marker
//! never outlives the poll it was made in and cannot silence another task's failure.

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
    /// How many annotated frames are running on this thread, and the depth of the frame
    /// that captured or passed on the marker (0: no marker). One cell, so that entering
    /// and leaving a frame on the `Ok` path is one thread-local access each.
    static FRAMES: Cell<Frames> = const { Cell::new(Frames { depth: 0, marker_depth: 0 }) };
    /// The message of the captured error's outermost exception.
    static MARKER: RefCell<String> = const { RefCell::new(String::new()) };
}

#[derive(Clone, Copy)]
struct Frames {
    depth: u32,
    marker_depth: u32,
}

#[inline]
fn frames() -> Frames {
    FRAMES.try_with(Cell::get).unwrap_or(Frames {
        depth: 0,
        marker_depth: 0,
    })
}

#[inline]
fn set_frames(frames: Frames) {
    let _ = FRAMES.try_with(|f| f.set(frames));
}

/// One annotated function running on this thread: a sync call, or one poll.
#[must_use]
pub struct CaptureFrame {
    _not_send: PhantomData<*const ()>,
}

/// Enters a frame; it ends when the returned guard drops.
#[inline]
pub fn capture_enter() -> CaptureFrame {
    let mut frames = frames();
    // Nesting deeper than u32::MAX frames would overflow the stack long before this.
    frames.depth = frames.depth.wrapping_add(1);
    set_frames(frames);
    CaptureFrame {
        _not_send: PhantomData,
    }
}

impl Drop for CaptureFrame {
    #[inline]
    fn drop(&mut self) {
        // Frames end in the order they began (guards on the stack, one per poll), so the
        // depth need not be carried: reading it back keeps nothing live across the call.
        let mut frames = frames();
        if frames.marker_depth > frames.depth {
            frames.marker_depth = 0;
        }
        frames.depth = frames.depth.wrapping_sub(1);
        set_frames(frames);
    }
}

impl std::fmt::Debug for CaptureFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureFrame")
            .field("depth", &frames().depth)
            .finish()
    }
}

pin_project! {
    /// An async annotated function: a frame during each poll.
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
        let _frame = capture_enter();
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

/// Like [`on_error`], for sync functions: takes the output and the function's frame and
/// gives the output back, the frame ended, so that nothing of the caller stays live across
/// the call and the `Ok` path needs no saved registers.
#[cold]
#[inline(never)]
pub fn on_error_owned<R>(output: R, frame: CaptureFrame, f: impl FnOnce(&R)) -> R {
    f(&output);
    drop(frame);
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
    if let Some(current) = span::current_span() {
        current.set_status(span_status);
    }
    if !class.report || !Hub::with_active(|_| true) {
        return;
    }
    let Some(outer_message) = outer_message(&event) else {
        return;
    };
    let depth = frames().depth;
    if already_captured(&event, depth) {
        // The same failure, captured by the frame just inside: pass the marker outwards.
        set_frames(Frames {
            depth,
            marker_depth: depth,
        });
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
    let _ = MARKER.try_with(|marker| {
        if let Ok(mut marker) = marker.try_borrow_mut() {
            *marker = outer_message;
            set_frames(Frames {
                depth,
                marker_depth: depth,
            });
        }
    });
}

fn outer_message(event: &Event<'_>) -> Option<String> {
    let outer = event.exception.values.last()?;
    Some(outer.value.clone().unwrap_or_else(|| outer.ty.clone()))
}

/// Whether the frame just inside this one (`depth + 1`) captured a failure whose message
/// is in this event's chain.
fn already_captured(event: &Event<'_>, depth: u32) -> bool {
    if frames().marker_depth != depth.saturating_add(1) {
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
