//! Autoref specialisation for generated code.
//!
//! The macros see a function's return type as tokens, not as a type, and a generic
//! function's `E` is unknown until monomorphisation. Calling a method on `&&&Probe(value)`
//! picks the most specific implementation whose bounds hold: a `Result` whose error
//! implements [`ErrorClass`] before any `Result` before any value; `anyhow::Error` before a
//! boxed `dyn Error` before any `Error` before any `Debug` value before anything at all.
//! Generated code imports the traits as `_` and calls, for example,
//! `(&&&StatusProbe(&ret)).__monitor_status()`.

use std::error::Error;
use std::fmt::{Debug, Display};

use sentry::protocol::{Event, SpanStatus};

use crate::capture::{debug_event, exception_event, short_type_name};
use crate::error_class::{Classification, ErrorClass};

/// A function's output, probed for its span status and outcome.
#[derive(Debug)]
pub struct StatusProbe<'a, T: ?Sized>(pub &'a T);

/// Status of a `Result` whose error classifies itself.
pub trait StatusViaClass {
    /// The span status for this output; `None` means `ok`.
    fn __monitor_status(&self) -> Option<SpanStatus>;
    /// Whether this output is an error.
    fn __monitor_is_err(&self) -> bool;
}

impl<T, E: ErrorClass> StatusViaClass for &&StatusProbe<'_, Result<T, E>> {
    #[inline]
    fn __monitor_status(&self) -> Option<SpanStatus> {
        match self.0 {
            Ok(_) => None,
            Err(e) => Some(e.span_status().unwrap_or(SpanStatus::InternalError)),
        }
    }
    #[inline]
    fn __monitor_is_err(&self) -> bool {
        self.0.is_err()
    }
}

/// Status of any `Result`.
pub trait StatusViaResult {
    /// The span status for this output; `None` means `ok`.
    fn __monitor_status(&self) -> Option<SpanStatus>;
    /// Whether this output is an error.
    fn __monitor_is_err(&self) -> bool;
}

impl<T, E> StatusViaResult for &StatusProbe<'_, Result<T, E>> {
    #[inline]
    fn __monitor_status(&self) -> Option<SpanStatus> {
        self.0.as_ref().err().map(|_| SpanStatus::InternalError)
    }
    #[inline]
    fn __monitor_is_err(&self) -> bool {
        self.0.is_err()
    }
}

/// Status of any other output: always `ok`.
pub trait StatusViaAny {
    /// The span status for this output; `None` means `ok`.
    fn __monitor_status(&self) -> Option<SpanStatus>;
    /// Whether this output is an error.
    fn __monitor_is_err(&self) -> bool;
}

impl<T: ?Sized> StatusViaAny for StatusProbe<'_, T> {
    #[inline]
    fn __monitor_status(&self) -> Option<SpanStatus> {
        None
    }
    #[inline]
    fn __monitor_is_err(&self) -> bool {
        false
    }
}

/// An error, probed for its [`ErrorClass`].
#[derive(Debug)]
pub struct ClassProbe<'a, E: ?Sized>(pub &'a E);

/// Classification of an error that implements [`ErrorClass`].
pub trait ClassViaErrorClass {
    /// What the error says about itself.
    fn __monitor_classify(&self) -> Classification;
}

impl<E: ErrorClass + ?Sized> ClassViaErrorClass for &ClassProbe<'_, E> {
    #[inline]
    fn __monitor_classify(&self) -> Classification {
        Classification::of(self.0)
    }
}

/// Classification of any other error: none.
pub trait ClassViaAny {
    /// What the error says about itself.
    fn __monitor_classify(&self) -> Classification;
}

impl<E: ?Sized> ClassViaAny for ClassProbe<'_, E> {
    #[inline]
    fn __monitor_classify(&self) -> Classification {
        Classification::unclassified()
    }
}

/// An error, probed for the Sentry event that reports it.
#[derive(Debug)]
pub struct EventProbe<'a, E: ?Sized>(pub &'a E);

/// The event for an `anyhow::Error`: its chain, and its backtrace when one was captured.
/// (Implemented only with the `anyhow` feature; the trait always exists so that generated
/// code can import it either way.)
pub trait EventViaAnyhow {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

#[cfg(feature = "anyhow")]
impl EventViaAnyhow for &&&&&EventProbe<'_, anyhow::Error> {
    fn __monitor_event(&self) -> Event<'static> {
        sentry::integrations::anyhow::event_from_error(self.0)
    }
}

/// The event for a boxed `dyn Error`, which does not implement `Error` itself.
pub trait EventViaBoxedError {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

impl EventViaBoxedError for &&&&EventProbe<'_, Box<dyn Error + Send + Sync + 'static>> {
    fn __monitor_event(&self) -> Event<'static> {
        exception_event(&**self.0)
    }
}

impl EventViaBoxedError for &&&&EventProbe<'_, Box<dyn Error + Send + 'static>> {
    fn __monitor_event(&self) -> Event<'static> {
        exception_event(&**self.0)
    }
}

impl EventViaBoxedError for &&&&EventProbe<'_, Box<dyn Error + 'static>> {
    fn __monitor_event(&self) -> Event<'static> {
        exception_event(&**self.0)
    }
}

/// The event for a `std::error::Error`: one exception per error in its `source()` chain,
/// the outermost named after its Rust type.
pub trait EventViaError {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

impl<E: Error> EventViaError for &&&EventProbe<'_, E> {
    fn __monitor_event(&self) -> Event<'static> {
        exception_event(self.0)
    }
}

/// The event for a value that implements `Display` but not `Error`, such as `String` or
/// `&str`: its text, not its quoted `Debug` form.
pub trait EventViaDisplay {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

impl<E: Display + ?Sized> EventViaDisplay for &&EventProbe<'_, E> {
    fn __monitor_event(&self) -> Event<'static> {
        debug_event(
            &short_type_name(std::any::type_name::<E>()),
            self.0.to_string(),
        )
    }
}

/// The event for a value that only implements `Debug`.
pub trait EventViaDebug {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

impl<E: Debug + ?Sized> EventViaDebug for &EventProbe<'_, E> {
    fn __monitor_event(&self) -> Event<'static> {
        debug_event(
            &short_type_name(std::any::type_name::<E>()),
            format!("{:?}", self.0),
        )
    }
}

/// The event for anything else: its type name only.
pub trait EventViaAny {
    /// Builds the event.
    fn __monitor_event(&self) -> Event<'static>;
}

impl<E: ?Sized> EventViaAny for EventProbe<'_, E> {
    fn __monitor_event(&self) -> Event<'static> {
        let name = short_type_name(std::any::type_name::<E>());
        debug_event(
            &name,
            format!("{name} (no Debug or Display implementation)"),
        )
    }
}

#[cfg(test)]
// The probes are called through exactly as many references as the macros generate:
// autoref specialisation picks the method by that depth, so none is needless.
#[allow(clippy::needless_borrow)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Classified;
    impl std::fmt::Display for Classified {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("classified")
        }
    }
    impl Error for Classified {}
    impl ErrorClass for Classified {
        fn span_status(&self) -> Option<SpanStatus> {
            Some(SpanStatus::NotFound)
        }
        fn should_report(&self) -> bool {
            false
        }
    }

    // Read only through `Debug`, which is the point of the type.
    #[derive(Debug)]
    #[allow(dead_code)]
    struct DebugOnly(u8);

    struct Opaque;

    #[test]
    fn status_specialises_on_result_and_classification() {
        let ok: Result<u8, Classified> = Ok(1);
        let classified: Result<u8, Classified> = Err(Classified);
        let plain: Result<u8, String> = Err("x".into());
        let value = 5u8;
        assert_eq!((&&&StatusProbe(&ok)).__monitor_status(), None);
        assert_eq!(
            (&&&StatusProbe(&classified)).__monitor_status(),
            Some(SpanStatus::NotFound)
        );
        assert_eq!(
            (&&&StatusProbe(&plain)).__monitor_status(),
            Some(SpanStatus::InternalError)
        );
        assert_eq!((&&&StatusProbe(&value)).__monitor_status(), None);
        assert!((&&&StatusProbe(&plain)).__monitor_is_err());
        assert!(!(&&&StatusProbe(&value)).__monitor_is_err());
    }

    #[test]
    fn classification_specialises() {
        assert!(!(&&ClassProbe(&Classified)).__monitor_classify().report);
        assert!((&&ClassProbe(&DebugOnly(1))).__monitor_classify().report);
    }

    #[test]
    fn events_specialise_on_error_kind() {
        let parse = "x".parse::<u32>().unwrap_err();
        let e = (&&&&&&EventProbe(&parse)).__monitor_event();
        assert_eq!(
            e.exception.values.last().map(|e| e.ty.as_str()),
            Some("ParseIntError")
        );

        let boxed: Box<dyn Error + Send + Sync> = Box::new(parse.clone());
        let e = (&&&&&&EventProbe(&boxed)).__monitor_event();
        assert_eq!(
            e.exception.values.last().and_then(|e| e.value.as_deref()),
            Some("invalid digit found in string")
        );

        let e = (&&&&&&EventProbe(&DebugOnly(7))).__monitor_event();
        assert_eq!(e.exception.values[0].ty, "DebugOnly");
        assert_eq!(e.exception.values[0].value.as_deref(), Some("DebugOnly(7)"));

        let e = (&&&&&&EventProbe(&String::from("division by zero"))).__monitor_event();
        assert_eq!(
            e.exception.values[0].value.as_deref(),
            Some("division by zero")
        );

        let e = (&&&&&&EventProbe(&Opaque)).__monitor_event();
        assert_eq!(e.exception.values[0].ty, "Opaque");
    }

    #[cfg(feature = "anyhow")]
    #[test]
    fn anyhow_keeps_its_chain() {
        let inner = "x".parse::<u32>().unwrap_err();
        let err = anyhow::Error::new(inner).context("reading config");
        let e = (&&&&&&EventProbe(&err)).__monitor_event();
        let values: Vec<_> = e
            .exception
            .values
            .iter()
            .filter_map(|e| e.value.as_deref())
            .collect();
        assert_eq!(values, ["invalid digit found in string", "reading config"]);
    }
}
