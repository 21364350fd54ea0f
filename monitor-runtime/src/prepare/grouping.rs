//! Fingerprints: the same failure from the same code is one issue.
//!
//! Sentry groups an error by its stack trace when it has one, but servers that speak the
//! protocol without Sentry's grouping engine (Bugsink groups by exception type and message)
//! would open one issue per message, and messages often carry the failing value ("row 17:
//! invalid e-mail 'x'"). So every error event whose fingerprint was not set by the
//! application gets an explicit one:
//!
//! ```text
//! ["<error type>", "<function of the newest in-app frame>"]
//! ```
//!
//! The error type is the `error_type` tag (set by `#[capture_errors]` from the error's
//! classification or type), else the outermost exception's type. The function is the newest
//! in-app frame of that exception's stack trace, so the same failure reached through the same
//! code always shares it, whatever its message. Events without an exception or without an
//! in-app frame keep the server's default grouping.

use std::borrow::Cow;

use sentry::protocol::Event;

/// Sets the fingerprint of the module documentation, unless the event has its own.
pub(crate) fn fingerprint(event: &mut Event<'static>) {
    let default = event.fingerprint.len() == 1 && event.fingerprint[0] == "{{ default }}";
    if !default {
        return;
    }
    let Some(outer) = event.exception.values.last() else {
        return;
    };
    let Some(function) = outer.stacktrace.as_ref().and_then(|stack| {
        stack
            .frames
            .iter()
            .rev()
            .find(|frame| frame.in_app == Some(true))
            .and_then(|frame| frame.function.clone())
    }) else {
        return;
    };
    let error_type = event
        .tags
        .get("error_type")
        .cloned()
        .unwrap_or_else(|| outer.ty.clone());
    event.fingerprint = Cow::Owned(vec![Cow::Owned(error_type), Cow::Owned(function)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::{Exception, Frame, Stacktrace};

    fn failure(message: &str, frames: &[(&str, bool)]) -> Event<'static> {
        Event {
            exception: vec![Exception {
                ty: "ImportError".into(),
                value: Some(message.into()),
                stacktrace: Some(Stacktrace {
                    frames: frames
                        .iter()
                        .map(|(function, in_app)| Frame {
                            function: Some((*function).into()),
                            in_app: Some(*in_app),
                            ..Frame::default()
                        })
                        .collect(),
                    ..Stacktrace::default()
                }),
                ..Exception::default()
            }]
            .into(),
            ..Event::default()
        }
    }

    const STACK: &[(&str, bool)] = &[
        ("main", true),
        ("batch_job::job::import_row", true),
        ("core::result::Result<T,E>::map_err", false),
    ];

    #[test]
    fn the_same_code_failing_with_different_messages_shares_a_fingerprint() {
        let mut a = failure("row 3: invalid e-mail 'x'", STACK);
        let mut b = failure("row 17: invalid e-mail 'y@'", STACK);
        fingerprint(&mut a);
        fingerprint(&mut b);
        assert_eq!(a.fingerprint, b.fingerprint);
        assert_eq!(
            a.fingerprint,
            vec!["ImportError", "batch_job::job::import_row"]
        );

        let mut tagged = failure("x", STACK);
        tagged.tags.insert("error_type".into(), "validation".into());
        fingerprint(&mut tagged);
        assert_eq!(tagged.fingerprint[0], "validation");
    }

    #[test]
    fn own_fingerprints_and_stackless_events_are_left_alone() {
        let mut own = failure("x", STACK);
        own.fingerprint = Cow::Owned(vec![Cow::Borrowed("mine")]);
        fingerprint(&mut own);
        assert_eq!(own.fingerprint, vec!["mine"]);

        let mut no_app = failure("x", &[("tokio::runtime::run", false)]);
        fingerprint(&mut no_app);
        assert_eq!(no_app.fingerprint, vec!["{{ default }}"]);
    }
}
