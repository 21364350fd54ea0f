//! The caller's side: raw return addresses, nothing resolved.

use sentry::protocol::{Event, Frame, Level, Stacktrace, Thread};

use super::MAX_FRAMES;

/// The current stack as frames carrying only their `instruction_addr`, oldest first (as
/// Sentry orders frames), at most [`MAX_FRAMES`] of them counted from this call. `None`
/// when the platform cannot unwind.
#[inline(never)]
pub(crate) fn capture() -> Option<Stacktrace> {
    let mut addresses = [0usize; MAX_FRAMES];
    let mut len = 0;
    backtrace::trace(|frame| {
        addresses[len] = frame.ip() as usize;
        len += 1;
        len < MAX_FRAMES
    });
    if len == 0 {
        return None;
    }
    let frames = addresses[..len]
        .iter()
        .rev()
        .map(|&ip| Frame {
            instruction_addr: Some(ip.into()),
            ..Frame::default()
        })
        .collect();
    Some(Stacktrace {
        frames,
        ..Stacktrace::default()
    })
}

/// Whether the event already has a stack trace anywhere.
pub(crate) fn has_stacktrace(event: &Event<'_>) -> bool {
    event.stacktrace.is_some()
        || event.exception.iter().any(|e| e.stacktrace.is_some())
        || event.threads.iter().any(|t| t.stacktrace.is_some())
}

/// Gives an error event without a stack trace the stack of this call: on its outermost
/// exception, or as the current thread's stack for an error-level message. Other events
/// are left alone.
pub(crate) fn attach_if_missing(event: &mut Event<'static>) {
    let is_error = !event.exception.values.is_empty() || event.level >= Level::Error;
    if !is_error || has_stacktrace(event) {
        return;
    }
    let Some(stacktrace) = capture() else {
        return;
    };
    match event.exception.values.last_mut() {
        Some(outer) => outer.stacktrace = Some(stacktrace),
        None => {
            let current = std::thread::current();
            event.threads.values.push(Thread {
                name: current.name().map(str::to_owned),
                current: true,
                stacktrace: Some(stacktrace),
                ..Thread::default()
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::Exception;

    #[test]
    fn raw_frames_carry_only_addresses_oldest_first() {
        let stack = capture().expect("unwinding works on this platform");
        assert!(stack.frames.len() > 3);
        assert!(stack.frames.len() <= MAX_FRAMES);
        assert!(
            stack.frames.iter().all(|f| f.instruction_addr.is_some()
                && f.function.is_none()
                && f.filename.is_none())
        );
    }

    #[test]
    fn only_error_events_without_a_stack_get_one() {
        let mut info = Event {
            level: Level::Info,
            ..Event::default()
        };
        attach_if_missing(&mut info);
        assert!(!has_stacktrace(&info));

        let mut message = Event {
            level: Level::Error,
            ..Event::default()
        };
        attach_if_missing(&mut message);
        assert!(message.threads.values[0].stacktrace.is_some());

        let mut error = Event {
            exception: vec![
                Exception {
                    ty: "Inner".into(),
                    ..Exception::default()
                },
                Exception {
                    ty: "Outer".into(),
                    ..Exception::default()
                },
            ]
            .into(),
            level: Level::Warning,
            ..Event::default()
        };
        attach_if_missing(&mut error);
        assert!(error.exception.values[0].stacktrace.is_none());
        let attached = error.exception.values[1].stacktrace.clone();
        assert!(attached.is_some());
        attach_if_missing(&mut error);
        assert_eq!(
            error.exception.values[1].stacktrace, attached,
            "never twice"
        );
    }
}
