//! The trace headers' formats: Sentry's `sentry-trace` and W3C's `traceparent`.
//!
//! - `sentry-trace: <trace id, 32 hex>-<parent span id, 16 hex>[-<1|0>]`: the flag is the
//!   upstream's sampling decision; without it the decision is deferred to the receiver.
//! - `traceparent: 00-<trace id>-<parent span id>-<flags, 2 hex>` (W3C Trace Context
//!   level 1): bit 0 of the flags is "sampled". Sent only when turned on
//!   (`SENTRY_PROPAGATE_TRACEPARENT`), for downstreams instrumented with OpenTelemetry;
//!   read when no `sentry-trace` header is present.

use std::hash::{Hash, Hasher};

use sentry::protocol::{SpanId, TraceId};

/// The `sentry-trace` header's name.
pub const SENTRY_TRACE: &str = "sentry-trace";
/// The W3C `baggage` header's name.
pub const BAGGAGE: &str = "baggage";
/// The W3C `traceparent` header's name.
pub const TRACEPARENT: &str = "traceparent";

/// Where a trace continues: its id, the span that made the call, and the caller's sampling
/// decision (`None`: deferred).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace's id.
    pub trace_id: TraceId,
    /// The id of the caller's span, the parent of what the receiver records.
    pub span_id: SpanId,
    /// Whether the caller records this trace; `None` when it left the decision open.
    pub sampled: Option<bool>,
}

impl TraceParent {
    /// Parses a `sentry-trace` value. Surrounding whitespace is ignored; a flag other than
    /// `1` or `0` leaves the decision deferred, as the other SDKs read it; ids of the wrong
    /// length, non-hex digits or all zeros make the header invalid.
    ///
    /// ```
    /// use monitor_runtime::propagation::TraceParent;
    ///
    /// let parent = TraceParent::parse_sentry_trace("4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1").unwrap();
    /// assert_eq!(parent.sampled, Some(true));
    /// assert_eq!(parent.to_sentry_trace(), "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1");
    /// assert!(TraceParent::parse_sentry_trace("not-a-header").is_none());
    /// ```
    pub fn parse_sentry_trace(value: &str) -> Option<TraceParent> {
        let mut parts = value.trim().splitn(3, '-');
        let trace_id = trace_id(parts.next()?)?;
        let span_id = span_id(parts.next()?)?;
        let sampled = match parts.next() {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        };
        Some(TraceParent {
            trace_id,
            span_id,
            sampled,
        })
    }

    /// Parses a W3C `traceparent` value (version `00`; later versions are read by their
    /// first four fields, as the W3C specification asks).
    ///
    /// ```
    /// use monitor_runtime::propagation::TraceParent;
    ///
    /// let parent = TraceParent::parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").unwrap();
    /// assert_eq!(parent.sampled, Some(true));
    /// assert!(TraceParent::parse_traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_none());
    /// ```
    pub fn parse_traceparent(value: &str) -> Option<TraceParent> {
        let value = value.trim();
        let mut parts = value.split('-');
        let version = parts.next()?;
        if version.len() != 2 || !is_lower_hex(version) || version == "ff" {
            return None;
        }
        let (trace, span) = (parts.next()?, parts.next()?);
        // W3C asks for lowercase hex; `sentry-trace` readers are more lenient.
        if !is_lower_hex(trace) || !is_lower_hex(span) {
            return None;
        }
        let (trace_id, span_id) = (trace_id(trace)?, span_id(span)?);
        let flags = parts.next()?;
        if flags.len() != 2 || !is_lower_hex(flags) {
            return None;
        }
        // Version 00 has exactly four fields; later versions may add more.
        if version == "00" && parts.next().is_some() {
            return None;
        }
        let flags = u8::from_str_radix(flags, 16).ok()?;
        Some(TraceParent {
            trace_id,
            span_id,
            sampled: Some(flags & 1 == 1),
        })
    }

    /// The `sentry-trace` value.
    pub fn to_sentry_trace(&self) -> String {
        self.with_sentry_trace(str::to_owned)
    }

    /// The `traceparent` value. A deferred decision is sent as "not sampled", W3C having
    /// no third state; the receiver of `sentry-trace` still gets the deferral.
    pub fn to_traceparent(&self) -> String {
        self.with_traceparent(str::to_owned)
    }

    /// Runs `f` with the `sentry-trace` value, written on the stack (a header map copies
    /// it into a value of its own anyway).
    pub(crate) fn with_sentry_trace<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let flag = match self.sampled {
            Some(true) => "-1",
            Some(false) => "-0",
            None => "",
        };
        let (Some(trace), Some(span)) = (id_bytes::<16>(&self.trace_id), id_bytes(&self.span_id))
        else {
            return f(&format!("{}-{}{flag}", self.trace_id, self.span_id));
        };
        let mut text = Aligned([0u8; 56]);
        let text = &mut text.0;
        text[..32].copy_from_slice(hex(trace).as_flattened());
        text[32] = b'-';
        text[33..49].copy_from_slice(hex::<8>(span).as_flattened());
        text[49..49 + flag.len()].copy_from_slice(flag.as_bytes());
        // Hex digits and dashes only.
        f(std::str::from_utf8(&text[..49 + flag.len()]).unwrap_or_default())
    }

    /// Runs `f` with the `traceparent` value, written on the stack.
    pub(crate) fn with_traceparent<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        let flags = if self.sampled == Some(true) {
            "-01"
        } else {
            "-00"
        };
        let (Some(trace), Some(span)) = (id_bytes::<16>(&self.trace_id), id_bytes(&self.span_id))
        else {
            return f(&format!("00-{}-{}{flags}", self.trace_id, self.span_id));
        };
        let mut text = Aligned([0u8; 55]);
        let text = &mut text.0;
        text[..3].copy_from_slice(b"00-");
        text[3..35].copy_from_slice(hex(trace).as_flattened());
        text[35] = b'-';
        text[36..52].copy_from_slice(hex::<8>(span).as_flattened());
        text[52..].copy_from_slice(flags.as_bytes());
        f(std::str::from_utf8(text).unwrap_or_default())
    }
}

/// A header value's bytes, aligned so that checking them as UTF-8 goes a word at a time
/// from the first byte (half the bytewise cost).
#[repr(align(16))]
struct Aligned<const N: usize>([u8; N]);

/// `bytes` in lowercase hex, two digits per byte from a table.
fn hex<const N: usize>(bytes: [u8; N]) -> [[u8; 2]; N] {
    bytes.map(|byte| HEX_PAIRS[usize::from(byte)])
}

/// Every byte's two lowercase hex digits.
static HEX_PAIRS: [[u8; 2]; 256] = {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut pairs = [[0u8; 2]; 256];
    let mut byte = 0;
    while byte < 256 {
        pairs[byte] = [HEX[byte >> 4], HEX[byte & 0xf]];
        byte += 1;
    }
    pairs
};

/// The bytes of a trace or span id. The ids expose them only to `Hash` (they are arrays:
/// hashed as a length then the bytes), which is what is read here, rather than going
/// through `Display`'s hex string and formatter (an allocation and a few thousand
/// instructions per header). `None` for an id hashed any other way than as `N` bytes.
fn id_bytes<const N: usize>(id: &impl Hash) -> Option<[u8; N]> {
    /// Keeps the bytes an id hashes.
    struct Bytes<const N: usize> {
        buf: [u8; N],
        len: usize,
        overflow: bool,
    }

    impl<const N: usize> Hasher for Bytes<N> {
        fn finish(&self) -> u64 {
            0
        }

        fn write(&mut self, bytes: &[u8]) {
            match self.buf.get_mut(self.len..self.len + bytes.len()) {
                Some(slot) => {
                    slot.copy_from_slice(bytes);
                    self.len += bytes.len();
                }
                None => self.overflow = true,
            }
        }

        fn write_usize(&mut self, _length_prefix: usize) {}
    }

    let mut bytes = Bytes {
        buf: [0; N],
        len: 0,
        overflow: false,
    };
    id.hash(&mut bytes);
    (!bytes.overflow && bytes.len == N).then_some(bytes.buf)
}

fn is_lower_hex(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn is_hex(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_hexdigit())
}

fn trace_id(text: &str) -> Option<TraceId> {
    if text.len() != 32 || !is_hex(text) || text.bytes().all(|b| b == b'0') {
        return None;
    }
    text.parse().ok()
}

fn span_id(text: &str) -> Option<SpanId> {
    if text.len() != 16 || !is_hex(text) || text.bytes().all(|b| b == b'0') {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const SPAN: &str = "00f067aa0ba902b7";

    #[test]
    fn sentry_trace_round_trips_with_and_without_a_decision() {
        for suffix in ["-1", "-0", ""] {
            let value = format!("{TRACE}-{SPAN}{suffix}");
            let parent = TraceParent::parse_sentry_trace(&value).unwrap();
            assert_eq!(parent.to_sentry_trace(), value);
        }
        let odd_flag = TraceParent::parse_sentry_trace(&format!(" {TRACE}-{SPAN}-x ")).unwrap();
        assert_eq!(odd_flag.sampled, None);
    }

    #[test]
    fn ids_are_written_as_display_writes_them() {
        for sampled in [Some(true), Some(false), None].repeat(50) {
            let parent = TraceParent {
                trace_id: TraceId::default(),
                span_id: SpanId::default(),
                sampled,
            };
            let flag = match sampled {
                Some(true) => "-1",
                Some(false) => "-0",
                None => "",
            };
            let (trace, span) = (parent.trace_id, parent.span_id);
            assert_eq!(parent.to_sentry_trace(), format!("{trace}-{span}{flag}"));
            let flags = if sampled == Some(true) { "01" } else { "00" };
            assert_eq!(
                parent.to_traceparent(),
                format!("00-{trace}-{span}-{flags}")
            );
        }
    }

    #[test]
    fn only_the_bytes_of_an_array_are_taken_for_an_id() {
        assert_eq!(id_bytes::<8>(&[7u8; 8]), Some([7u8; 8]));
        // Hashed as a string, too long or too short: written through `Display` instead.
        assert!(id_bytes::<16>(&"0123456789abcdef").is_none());
        assert!(id_bytes::<16>(&[1u8; 32]).is_none());
        assert!(id_bytes::<16>(&[1u8; 8]).is_none());
    }

    #[test]
    fn bad_sentry_trace_values_are_rejected() {
        for bad in [
            "",
            "-",
            TRACE,
            &format!("{TRACE}-"),
            &format!("{TRACE}-{}", &SPAN[1..]),
            &format!("{}-{SPAN}", &TRACE[1..]),
            &format!("{}-{SPAN}", "0".repeat(32)),
            &format!("{TRACE}-{}", "0".repeat(16)),
            &format!("{}-{SPAN}", "g".repeat(32)),
            "🦀🦀🦀🦀🦀🦀🦀🦀-🦀🦀🦀🦀",
        ] {
            assert!(TraceParent::parse_sentry_trace(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn traceparent_round_trips_and_checks_its_fields() {
        let value = format!("00-{TRACE}-{SPAN}-01");
        let parent = TraceParent::parse_traceparent(&value).unwrap();
        assert_eq!(parent.sampled, Some(true));
        assert_eq!(parent.to_traceparent(), value);
        let unsampled = TraceParent::parse_traceparent(&format!("00-{TRACE}-{SPAN}-00")).unwrap();
        assert_eq!(unsampled.sampled, Some(false));
        // A later version may carry more fields.
        assert!(TraceParent::parse_traceparent(&format!("01-{TRACE}-{SPAN}-01-extra")).is_some());
        for bad in [
            format!("00-{TRACE}-{SPAN}-01-extra"),
            format!("ff-{TRACE}-{SPAN}-01"),
            format!("0-{TRACE}-{SPAN}-01"),
            format!("00-{TRACE}-{SPAN}-1"),
            format!("00-{}-{SPAN}-01", TRACE.to_uppercase()),
            format!("00-{TRACE}-{SPAN}"),
        ] {
            assert!(TraceParent::parse_traceparent(&bad).is_none(), "{bad}");
        }
    }
}
