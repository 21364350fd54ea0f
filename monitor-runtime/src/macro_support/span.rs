//! `#[monitored]`: starting the span, recording its tags and data, entering it.

use std::fmt::Display;
use std::future::Future;
use std::time::{Duration, Instant};

use sentry::protocol::SpanStatus;
use serde::Serialize;

use crate::registry::FnSite;
use crate::span::{
    ActiveSpan, Current, Instrumented, IntoParent, ParentSpan, PollHooks, SpanGuard, SpanKind,
    SpanSpec,
};

/// A span started (or not) for one call of a monitored function.
#[derive(Debug)]
#[must_use]
pub struct Started {
    span: Option<ActiveSpan>,
}

/// Starts the span of one call: nothing at all when no client is enabled or the current
/// trace is not sampled.
#[inline]
pub fn start(site: &'static FnSite, kind: SpanKind) -> Started {
    Started {
        span: ActiveSpan::start(SpanSpec::Site(site, kind)),
    }
}

/// Starts the span of one call under `parent` (`#[monitored(parent = …)]`) rather than
/// the current span.
#[inline(never)]
pub fn start_under(site: &'static FnSite, kind: SpanKind, parent: ParentSpan) -> Started {
    Started {
        span: ActiveSpan::start_with_parent(SpanSpec::Site(site, kind), &parent.0),
    }
}

/// The span a `parent = …` or `follows_from = …` expression names.
#[inline]
pub fn parent_of<P: IntoParent + ?Sized>(parent: &P) -> ParentSpan {
    parent.to_parent()
}

/// Records `value` as `key` on the toolkit's current span. Generated code calls it only
/// while its own recorded span is current.
#[inline(never)]
pub fn record_current(key: &str, value: serde_json::Value) {
    if let Some(span) = crate::span::current_span() {
        span.set_data(key, value);
    }
}

/// Records the time a call spent in `poll` (`#[monitored(busy_time)]`) as `busy_ms`.
pub fn record_busy(busy: Duration) {
    record_current(
        BUSY_KEY,
        serde_json::Value::from(busy.as_secs_f64() * 1000.0),
    );
}

/// The span data key of `#[monitored(busy_time)]`.
pub const BUSY_KEY: &str = "busy_ms";

/// The span data key of `#[monitored(ret)]`.
pub const RETURN_KEY: &str = "return";

/// The wall time of a sync call, recorded as its busy time: a sync body is busy all along.
#[derive(Debug)]
pub struct BusyClock(Option<Instant>);

impl BusyClock {
    /// Starts the clock when the span is recorded.
    #[inline]
    pub fn start(recording: bool) -> BusyClock {
        BusyClock(recording.then(Instant::now))
    }

    /// Records the time since the start on the current span.
    #[inline]
    pub fn record(self) {
        if let Some(started) = self.0 {
            record_busy(started.elapsed());
        }
    }
}

impl Started {
    /// Whether the span is recorded: started and sampled (or pending a tail decision).
    #[inline]
    pub fn is_recording(&self) -> bool {
        self.span.as_ref().is_some_and(ActiveSpan::is_recording)
    }

    /// Where `tags(...)` and `data(...)` go; `None` when the span is not recorded, so that
    /// their expressions are not even evaluated.
    #[inline]
    pub fn recorder(&self) -> Option<Recorder<'_>> {
        let span = self.span.as_ref()?;
        span.is_recording().then_some(Recorder {
            current: &span.current,
        })
    }

    /// Makes the span current for a synchronous body.
    #[inline]
    pub fn enter(self) -> SpanGuard {
        match self.span {
            Some(span) => SpanGuard::enter(Some(span)),
            None => SpanGuard::inactive(),
        }
    }

    /// Makes the span current while `future` is polled; `status` maps its output to the
    /// span's status.
    #[inline]
    pub fn instrument<F, S>(self, future: F, status: S) -> Instrumented<F, S>
    where
        F: Future,
        S: FnOnce(&F::Output) -> Option<SpanStatus>,
    {
        Instrumented::new(self.span, future, status)
    }

    /// [`Started::instrument`] for a function whose output is also observed: `status` runs
    /// while the span is current, so it can capture an error, close a crumb or count the
    /// call before mapping the output. With `capture_frames`, each poll is a new
    /// `#[capture_errors]` frame; with `busy_time`, the time spent in `poll` is recorded on
    /// the span as `busy_ms`. One wrapper instead of two nested ones: the generated code
    /// of each `async fn` is smaller.
    #[inline]
    pub fn instrument_observed<F, S>(
        self,
        future: F,
        capture_frames: bool,
        busy_time: bool,
        status: S,
    ) -> Instrumented<F, S>
    where
        F: Future,
        S: FnOnce(&F::Output) -> Option<SpanStatus>,
    {
        Instrumented::with_hooks(
            self.span,
            future,
            status,
            poll_hooks(capture_frames, busy_time),
        )
    }
}

/// The future of an async annotated function without a span, observed: `hook` sees its
/// output when it completes (what the sync expansion does after its body returns). With
/// `capture_frames`, each poll is a new `#[capture_errors]` frame. Dropped before
/// completion, the hook is dropped uncalled: what it owns (a pending crumb, a check-in)
/// records the cancellation.
#[inline]
pub fn observe<F, S>(future: F, capture_frames: bool, hook: S) -> Instrumented<F, S>
where
    F: Future,
    S: FnOnce(&F::Output) -> Option<SpanStatus>,
{
    Instrumented::with_hooks(None, future, hook, poll_hooks(capture_frames, false))
}

fn poll_hooks(capture_frames: bool, busy_time: bool) -> PollHooks {
    PollHooks {
        before_poll: capture_frames.then_some(super::errors::next_generation as fn()),
        on_busy: busy_time.then_some(record_busy as fn(Duration)),
    }
}

/// Records `tags(...)` and `data(...)` on a sampled span.
#[derive(Debug, Clone, Copy)]
pub struct Recorder<'a> {
    current: &'a Current,
}

impl Recorder<'_> {
    /// Sets a span tag.
    #[inline]
    pub fn tag<V: TagValue + ?Sized>(&self, key: &str, value: &V) {
        match self.current {
            Current::Recorded(node) => node.set_tag(key, value.to_tag()),
            Current::Sdk(span) => span.set_tag(key, value.to_tag()),
            Current::Unsampled(_) => {}
        }
    }

    /// Sets span data.
    #[inline]
    pub fn data<V: DataValue + ?Sized>(&self, key: &str, value: &V) {
        match self.current {
            Current::Recorded(node) => node.set_data(key, value.to_data()),
            Current::Sdk(span) => span.set_data(key, value.to_data()),
            Current::Unsampled(_) => {}
        }
    }

    /// Links the span to what `target` names (`#[monitored(follows_from = …)]`); nothing
    /// when it names no span.
    #[inline(never)]
    pub fn link(&self, target: ParentSpan) {
        crate::span::add_link(self.current, &target.0);
    }
}

/// A value usable in `tags(...)`: anything `Display`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a tag",
    label = "this tag value does not implement `Display`",
    note = "tags are strings: use a value that implements `std::fmt::Display`, or a field of it"
)]
pub trait TagValue {
    /// The tag's text.
    fn to_tag(&self) -> String;
}

impl<T: Display + ?Sized> TagValue for T {
    fn to_tag(&self) -> String {
        self.to_string()
    }
}

/// A value usable in `data(...)`: anything `serde::Serialize`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded as data",
    label = "this data value does not implement `serde::Serialize`",
    note = "record a field of it, or `name = value.to_string()`"
)]
pub trait DataValue {
    /// The value as JSON; a value that fails to serialise is recorded as its error.
    fn to_data(&self) -> serde_json::Value;
}

impl<T: Serialize + ?Sized> DataValue for T {
    fn to_data(&self) -> serde_json::Value {
        crate::span::to_data(self)
    }
}
