//! Autoref specialisation for generated code.
//!
//! The macros see a function's return type as tokens, not as a type, and a generic
//! function's `E` is unknown until monomorphisation. Calling a method on `&&&Probe(value)`
//! picks the most specific implementation whose bounds hold: a `Result` whose error
//! implements [`ErrorClass`] before any `Result` before any value; `anyhow::Error` before a
//! boxed `dyn Error` before any `Error` before any `Debug` value before anything at all.
//! Generated code imports the traits as `_` and calls, for example,
//! `(&&&StatusProbe(&ret)).__monitor_status()`.

use std::borrow::Cow;
use std::error::Error;
use std::fmt::{Debug, Display};

use sentry::protocol::{Event, SpanStatus};

use crate::capture::{debug_event, error_type_name, exception_event, short_type_name};

/// The probes as generated code calls them, `probe!(status out)` and so on: the traits are
/// imported here rather than in every annotated function, which keeps the expansion short.
#[doc(hidden)]
#[macro_export]
macro_rules! __monitor_probe {
    (status $out:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::probe::{
            StatusViaAny as _, StatusViaClass as _, StatusViaResult as _,
        };
        (&&&$crate::__private::StatusProbe($out)).__monitor_status()
    }};
    (event $err:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::probe::{
            EventViaAny as _, EventViaAnyhow as _, EventViaBoxedError as _, EventViaDebug as _,
            EventViaDisplay as _, EventViaError as _,
        };
        (&&&&&&$crate::__private::EventProbe($err)).__monitor_event()
    }};
    (class $err:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::probe::{ClassViaAny as _, ClassViaErrorClass as _};
        (&&$crate::__private::ClassProbe($err)).__monitor_class()
    }};
    (error_type $out:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::probe::{
            ErrorTypeViaAny as _, ErrorTypeViaClass as _, ErrorTypeViaResult as _,
        };
        (&&&$crate::__private::ErrorTypeProbe($out)).__monitor_error_type()
    }};
    (ok $out:expr) => {{
        #[allow(unused_imports)]
        use $crate::__private::probe::{OkViaAny as _, OkViaResult as _};
        (&&$crate::__private::OkProbe($out)).__monitor_ok()
    }};
}
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
    /// The error type.
    type Error: ?Sized;
    /// What an error of this type says about itself.
    fn __monitor_class(&self) -> fn(&Self::Error) -> Classification;
}

impl<E: ErrorClass + ?Sized> ClassViaErrorClass for &ClassProbe<'_, E> {
    type Error = E;
    #[inline]
    fn __monitor_class(&self) -> fn(&E) -> Classification {
        Classification::of::<E>
    }
}

/// Classification of any other error: none.
pub trait ClassViaAny {
    /// The error type.
    type Error: ?Sized;
    /// What an error of this type says about itself.
    fn __monitor_class(&self) -> fn(&Self::Error) -> Classification;
}

impl<E: ?Sized> ClassViaAny for ClassProbe<'_, E> {
    type Error = E;
    #[inline]
    fn __monitor_class(&self) -> fn(&E) -> Classification {
        |_| Classification::unclassified()
    }
}

/// An error, probed for the function that builds the Sentry event reporting it.
///
/// The probes return a function rather than the event, so that the out-of-line `Err`
/// path is generic over the error type alone and shared by every function returning it.
#[derive(Debug)]
pub struct EventProbe<'a, E: ?Sized>(pub &'a E);

/// Declares one way of building an error's event: a trait, and its implementation for
/// `$probe` (an `EventProbe` behind enough references to rank it) under `$bounds`.
macro_rules! event_via {
    ($(#[$doc:meta])* $name:ident, $(#[$cfg:meta])* impl[$($g:tt)*] for $probe:ty, $error:ty => $build:expr) => {
        $(#[$doc])*
        pub trait $name {
            /// The error type.
            type Error: ?Sized;
            /// The function that builds the event.
            fn __monitor_event(&self) -> fn(&Self::Error) -> Event<'static>;
        }

        $(#[$cfg])*
        impl<$($g)*> $name for $probe {
            type Error = $error;
            #[inline]
            fn __monitor_event(&self) -> fn(&$error) -> Event<'static> {
                $build
            }
        }
    };
}

event_via!(
    /// The event for an `anyhow::Error`: its chain, and its backtrace when one was
    /// captured. (Implemented only with the `anyhow` feature; the trait always exists so
    /// that generated code can import it either way.)
    EventViaAnyhow,
    #[cfg(feature = "anyhow")]
    impl['a] for &&&&&EventProbe<'a, anyhow::Error>, anyhow::Error
        => |e| sentry::integrations::anyhow::event_from_error(e)
);

event_via!(
    /// The event for a boxed `dyn Error + Send + Sync`, which does not implement `Error`
    /// itself.
    EventViaBoxedError,
    impl['a] for &&&&EventProbe<'a, Box<dyn Error + Send + Sync + 'static>>,
        Box<dyn Error + Send + Sync + 'static> => |e| exception_event(&**e)
);

impl EventViaBoxedError for &&&&EventProbe<'_, Box<dyn Error + Send + 'static>> {
    type Error = Box<dyn Error + Send + 'static>;
    #[inline]
    fn __monitor_event(&self) -> fn(&Self::Error) -> Event<'static> {
        |e| exception_event(&**e)
    }
}

impl EventViaBoxedError for &&&&EventProbe<'_, Box<dyn Error + 'static>> {
    type Error = Box<dyn Error + 'static>;
    #[inline]
    fn __monitor_event(&self) -> fn(&Self::Error) -> Event<'static> {
        |e| exception_event(&**e)
    }
}

event_via!(
    /// The event for a `std::error::Error`: one exception per error in its `source()`
    /// chain, the outermost named after its Rust type.
    EventViaError,
    impl['a, E: Error] for &&&EventProbe<'a, E>, E => exception_event::<E>
);

event_via!(
    /// The event for a value that implements `Display` but not `Error`, such as `String`
    /// or `&str`: its text, not its quoted `Debug` form.
    EventViaDisplay,
    impl['a, E: Display + ?Sized] for &&EventProbe<'a, E>, E => |e| {
        debug_event(&short_type_name(std::any::type_name::<E>()), e.to_string())
    }
);

event_via!(
    /// The event for a value that only implements `Debug`.
    EventViaDebug,
    impl['a, E: Debug + ?Sized] for &EventProbe<'a, E>, E => |e| {
        debug_event(&short_type_name(std::any::type_name::<E>()), format!("{e:?}"))
    }
);

event_via!(
    /// The event for anything else: its type name only.
    EventViaAny,
    impl['a, E: ?Sized] for EventProbe<'a, E>, E => |_| {
        let name = short_type_name(std::any::type_name::<E>());
        debug_event(&name, format!("{name} (no Debug or Display implementation)"))
    }
);

/// A function's output, probed for the error type its RED metrics report.
#[derive(Debug)]
pub struct ErrorTypeProbe<'a, T: ?Sized>(pub &'a T);

/// The error type of a `Result` whose error classifies itself.
pub trait ErrorTypeViaClass {
    /// The `error_type` of an `Err`; `None` for anything else.
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>>;
}

impl<T, E: ErrorClass> ErrorTypeViaClass for &&ErrorTypeProbe<'_, Result<T, E>> {
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>> {
        let error = self.0.as_ref().err()?;
        Some(error.error_type().unwrap_or_else(|| type_name_of::<E>()))
    }
}

/// The error type of any `Result`: the error's type name.
pub trait ErrorTypeViaResult {
    /// The `error_type` of an `Err`; `None` for anything else.
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>>;
}

impl<T, E> ErrorTypeViaResult for &ErrorTypeProbe<'_, Result<T, E>> {
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>> {
        self.0.as_ref().err().map(|_| type_name_of::<E>())
    }
}

/// Any other output is never an error.
pub trait ErrorTypeViaAny {
    /// The `error_type` of an `Err`; `None` for anything else.
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>>;
}

impl<T: ?Sized> ErrorTypeViaAny for ErrorTypeProbe<'_, T> {
    fn __monitor_error_type(&self) -> Option<Cow<'static, str>> {
        None
    }
}

fn type_name_of<E: ?Sized>() -> Cow<'static, str> {
    Cow::Owned(error_type_name(std::any::type_name::<E>()))
}

/// A function's output, probed for the value `#[monitored(ret)]` records: the `Ok` value
/// of a `Result`, the output itself otherwise.
#[derive(Debug)]
pub struct OkProbe<'a, T: ?Sized>(pub &'a T);

/// The `Ok` value of a `Result`.
pub trait OkViaResult<'a> {
    /// The value.
    type Value: ?Sized + 'a;
    /// The value to record, if any, borrowed from the output rather than the probe.
    fn __monitor_ok(&self) -> Option<&'a Self::Value>;
}

impl<'a, T: 'a, E> OkViaResult<'a> for &OkProbe<'a, Result<T, E>> {
    type Value = T;
    #[inline]
    fn __monitor_ok(&self) -> Option<&'a T> {
        self.0.as_ref().ok()
    }
}

/// Any other output, whole.
pub trait OkViaAny<'a> {
    /// The value.
    type Value: ?Sized + 'a;
    /// The value to record, if any, borrowed from the output rather than the probe.
    fn __monitor_ok(&self) -> Option<&'a Self::Value>;
}

impl<'a, T: ?Sized + 'a> OkViaAny<'a> for OkProbe<'a, T> {
    type Value = T;
    #[inline]
    fn __monitor_ok(&self) -> Option<&'a T> {
        Some(self.0)
    }
}

/// A value, probed for how `#[monitored(ret)]` records it: as structured data when it is
/// `serde::Serialize`, else as its `Debug` text.
#[derive(Debug)]
pub struct ValueProbe<'a, T: ?Sized>(pub &'a T);

/// A `Serialize` value: recorded as JSON.
pub trait ValueViaSerialize {
    /// The value as span data.
    fn __monitor_value(&self) -> serde_json::Value;
}

impl<T: serde::Serialize + ?Sized> ValueViaSerialize for &&ValueProbe<'_, T> {
    fn __monitor_value(&self) -> serde_json::Value {
        super::DataValue::to_data(self.0)
    }
}

/// A `Debug` value: recorded as its `Debug` text.
pub trait ValueViaDebug {
    /// The value as span data.
    fn __monitor_value(&self) -> serde_json::Value;
}

impl<T: Debug + ?Sized> ValueViaDebug for &ValueProbe<'_, T> {
    fn __monitor_value(&self) -> serde_json::Value {
        serde_json::Value::String(format!("{:?}", self.0))
    }
}

/// Any other value: a compile error that says what `ret` needs.
pub trait ValueViaNothing {
    /// The value's type.
    type Value: ?Sized;
    /// The value as span data.
    fn __monitor_value(&self) -> serde_json::Value
    where
        Self::Value: Recordable;
}

impl<T: ?Sized> ValueViaNothing for ValueProbe<'_, T> {
    type Value = T;
    fn __monitor_value(&self) -> serde_json::Value
    where
        T: Recordable,
    {
        serde_json::Value::Null
    }
}

/// What `#[monitored(ret)]` needs of a return value; never implemented, so that the
/// message below is what a user sees for a value it cannot record.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded by `#[monitored(ret)]`",
    label = "this function's return value implements neither `serde::Serialize` nor `Debug`",
    note = "`ret` records the value as data when it is `Serialize`, else as its `Debug` text; \
            `ret(display)` records its `Display` text"
)]
pub trait Recordable {}

/// `#[monitored(ret(display))]`: the value's `Display` text.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded by `#[monitored(ret(display))]`",
    label = "this return value does not implement `Display`",
    note = "`ret(debug)` records its `Debug` text, `ret` its data when it is `serde::Serialize`"
)]
pub trait DisplayValue {
    /// The text, as span data.
    fn to_display_value(&self) -> serde_json::Value;
}

impl<T: Display + ?Sized> DisplayValue for T {
    fn to_display_value(&self) -> serde_json::Value {
        serde_json::Value::String(self.to_string())
    }
}

/// `#[monitored(ret(debug))]`: the value's `Debug` text.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be recorded by `#[monitored(ret(debug))]`",
    label = "this return value does not implement `Debug`",
    note = "`ret(display)` records its `Display` text, `ret` its data when it is `serde::Serialize`"
)]
pub trait DebugValue {
    /// The text, as span data.
    fn to_debug_value(&self) -> serde_json::Value;
}

impl<T: Debug + ?Sized> DebugValue for T {
    fn to_debug_value(&self) -> serde_json::Value {
        serde_json::Value::String(format!("{self:?}"))
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
        assert!(!(&&ClassProbe(&Classified)).__monitor_class()(&Classified).report);
        assert!((&&ClassProbe(&DebugOnly(1))).__monitor_class()(&DebugOnly(1)).report);
    }

    #[test]
    fn events_specialise_on_error_kind() {
        let parse = "x".parse::<u32>().unwrap_err();
        let e = (&&&&&&EventProbe(&parse)).__monitor_event()(&parse);
        assert_eq!(
            e.exception.values.last().map(|e| e.ty.as_str()),
            Some("ParseIntError")
        );

        let boxed: Box<dyn Error + Send + Sync> = Box::new(parse.clone());
        let e = (&&&&&&EventProbe(&boxed)).__monitor_event()(&boxed);
        assert_eq!(
            e.exception.values.last().and_then(|e| e.value.as_deref()),
            Some("invalid digit found in string")
        );

        let e = (&&&&&&EventProbe(&DebugOnly(7))).__monitor_event()(&DebugOnly(7));
        assert_eq!(e.exception.values[0].ty, "DebugOnly");
        assert_eq!(e.exception.values[0].value.as_deref(), Some("DebugOnly(7)"));

        let e = (&&&&&&EventProbe(&String::from("division by zero"))).__monitor_event()(
            &String::from("division by zero"),
        );
        assert_eq!(
            e.exception.values[0].value.as_deref(),
            Some("division by zero")
        );

        let e = (&&&&&&EventProbe(&Opaque)).__monitor_event()(&Opaque);
        assert_eq!(e.exception.values[0].ty, "Opaque");
    }

    #[cfg(feature = "anyhow")]
    #[test]
    fn anyhow_keeps_its_chain() {
        let inner = "x".parse::<u32>().unwrap_err();
        let err = anyhow::Error::new(inner).context("reading config");
        let e = (&&&&&&EventProbe(&err)).__monitor_event()(&err);
        let values: Vec<_> = e
            .exception
            .values
            .iter()
            .filter_map(|e| e.value.as_deref())
            .collect();
        assert_eq!(values, ["invalid digit found in string", "reading config"]);
    }
}
