//! The transaction name in an envelope's `trace` header, read without writing the header.
//!
//! The SDK's `EnvelopeHeaders` and `DynamicSamplingContext` have no getters: the only way to
//! see `trace.transaction` is through their `Serialize` implementations. Writing the whole
//! header as JSON to find it formats the DSN, the SDK's package and integration lists and
//! the event id on every envelope. The serializer here walks the same implementations but
//! only descends into `trace`, then `transaction`, and skips every other field without
//! serialising it.

use std::fmt;

use sentry::protocol::EnvelopeHeaders;
use serde::Serialize;
use serde::ser::{self, Impossible};

/// `trace.transaction` of `headers`, if there is one.
pub(super) fn transaction_name(headers: &EnvelopeHeaders) -> Option<String> {
    let mut name = None;
    // The serializer cannot fail: every shape it does not look for is skipped.
    let _ = headers.serialize(Reader {
        looking_for: Level::Headers,
        name: &mut name,
    });
    name
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The envelope headers: only `trace` is entered.
    Headers,
    /// The dynamic sampling context: only `transaction` is entered.
    Trace,
    /// The name itself.
    Name,
}

struct Reader<'a> {
    looking_for: Level,
    name: &'a mut Option<String>,
}

/// Never produced: the reader skips what it does not look for instead of failing.
#[derive(Debug)]
struct Unreadable;

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a header shape the reader knows")
    }
}

impl std::error::Error for Unreadable {}

impl ser::Error for Unreadable {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Unreadable
    }
}

/// Primitives are skipped: only a string at the `Name` level matters.
macro_rules! skip {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method(self, _: $ty) -> Result<(), Unreadable> { Ok(()) })*
    };
}

impl<'a> ser::Serializer for Reader<'a> {
    type Ok = ();
    type Error = Unreadable;
    type SerializeSeq = Impossible<(), Unreadable>;
    type SerializeTuple = Impossible<(), Unreadable>;
    type SerializeTupleStruct = Impossible<(), Unreadable>;
    type SerializeTupleVariant = Impossible<(), Unreadable>;
    type SerializeMap = Impossible<(), Unreadable>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), Unreadable>;

    skip!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str),
    );

    fn serialize_str(self, value: &str) -> Result<(), Unreadable> {
        if self.looking_for == Level::Name {
            *self.name = Some(value.to_owned());
        }
        Ok(())
    }

    fn serialize_none(self) -> Result<(), Unreadable> {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Unreadable> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Unreadable> {
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), Unreadable> {
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Unreadable> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unreadable> {
        Ok(())
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unreadable> {
        Err(Unreadable)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unreadable> {
        Err(Unreadable)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unreadable> {
        Err(Unreadable)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unreadable> {
        Err(Unreadable)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unreadable> {
        Err(Unreadable)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unreadable> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unreadable> {
        Err(Unreadable)
    }
}

impl ser::SerializeStruct for Reader<'_> {
    type Ok = ();
    type Error = Unreadable;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Unreadable> {
        let next = match (self.looking_for, key) {
            (Level::Headers, "trace") => Level::Trace,
            (Level::Trace, "transaction") => Level::Name,
            _ => return Ok(()),
        };
        // A field of another shape than expected is not the name: skip it, keep reading.
        let _ = value.serialize(Reader {
            looking_for: next,
            name: self.name,
        });
        Ok(())
    }

    fn end(self) -> Result<(), Unreadable> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sentry::protocol::DynamicSamplingContext;

    fn headers(name: Option<&str>) -> EnvelopeHeaders {
        let mut dsc = DynamicSamplingContext::new()
            .with_trace_id("0123456789abcdef0123456789abcdef".parse().unwrap())
            .with_public_key("key".to_owned())
            .with_sampled(true);
        if let Some(name) = name {
            dsc = dsc.with_transaction(name.to_owned());
        }
        EnvelopeHeaders::new()
            .with_dsn("https://key@sentry.example/1".parse().unwrap())
            .with_trace(dsc)
    }

    #[test]
    fn finds_the_name_the_json_shows() {
        for name in ["GET /api/v1/organisations", "a \"quoted\" name\n", ""] {
            let headers = headers(Some(name));
            let json = serde_json::to_value(&headers).unwrap();
            assert_eq!(json["trace"]["transaction"], name);
            assert_eq!(transaction_name(&headers).as_deref(), Some(name));
        }
    }

    #[test]
    fn no_trace_or_no_name_is_none() {
        assert_eq!(transaction_name(&EnvelopeHeaders::new()), None);
        assert_eq!(transaction_name(&headers(None)), None);
    }
}
