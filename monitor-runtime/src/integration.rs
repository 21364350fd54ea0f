//! The toolkit's SDK integration: trace context for events captured inside its spans.
//!
//! The toolkit's current span lives in a thread-local, not on the hub's scope (see
//! [`span`]), so the scope would give an event captured inside a monitored
//! call the trace context of the enclosing transaction. This integration replaces it with
//! the innermost toolkit span's. `init` installs it; with a plain `sentry::init`, add it
//! with `.add_integration(monitor_runtime::MonitorIntegration)`. It also tells tail
//! sampling which traces an error event was captured in.

use sentry::protocol::{Context, Event, Level};
use sentry::{ClientOptions, Integration};

use crate::span;

/// Puts the toolkit's current span on captured events.
///
/// The toolkit's current span lives in a thread-local, not on the hub's scope, so the
/// scope would give an event captured inside a monitored call the trace context of the
/// enclosing transaction. This integration replaces it with the innermost toolkit span's.
/// [`init!`](crate::init!) installs it; with a plain `sentry::init`, add it as below. It
/// also tells tail sampling which traces an error event was captured in.
///
/// ```
/// let options = monitor_runtime::sentry::ClientOptions::new()
///     .add_integration(monitor_runtime::MonitorIntegration);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct MonitorIntegration;

impl Integration for MonitorIntegration {
    fn name(&self) -> &'static str {
        "monitor-runtime"
    }

    fn process_event(
        &self,
        mut event: Event<'static>,
        _options: &ClientOptions,
    ) -> Option<Event<'static>> {
        if let Some(trace) = span::current_trace_context() {
            event.contexts.insert("trace".to_owned(), trace.into());
        }
        // Tail sampling keeps the trace an error was captured in.
        if (event.level >= Level::Error || !event.exception.values.is_empty())
            && let Some(Context::Trace(trace)) = event.contexts.get("trace")
        {
            span::note_error(trace.trace_id);
        }
        Some(event)
    }
}
