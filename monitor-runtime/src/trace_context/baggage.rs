//! The W3C `baggage` header: reading its members and writing them back within the
//! specification's limits.
//!
//! `baggage: key=value;property, key2=value2` — members separated by commas, each a token
//! key, `=`, a percent-encoded value, and optional `;` properties. Sentry's dynamic sampling
//! context travels as the members whose key starts with `sentry-`; the others belong to
//! other vendors or to the application and are kept byte for byte.
//!
//! Limits (W3C Baggage, "Limits"): a header is written with at most [`MAX_MEMBERS`]
//! members and [`MAX_BYTES`] bytes, dropping whole members (never cutting one) when more
//! would not fit. Reading stops after [`MAX_MEMBERS_READ`] members, so a hostile header
//! costs bounded work.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The most members a written header holds.
pub const MAX_MEMBERS: usize = 64;
/// The most bytes a written header holds.
pub const MAX_BYTES: usize = 8192;
/// The most members read from incoming headers (the W3C grammar's own maximum).
pub const MAX_MEMBERS_READ: usize = 180;
/// The prefix of the members that carry Sentry's dynamic sampling context.
pub const SENTRY_PREFIX: &str = "sentry-";

/// Characters a value may not hold literally: outside `baggage-octet` (controls, space,
/// `"`, `,`, `;`, `\`), plus `%` itself. Non-ASCII is always encoded.
const VALUE_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(0x7f);

/// One member of a `baggage` header, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Member<'a> {
    /// The key, trimmed.
    pub(crate) key: &'a str,
    /// The value as sent (percent-encoded), trimmed, without properties.
    pub(crate) value: &'a str,
    /// The whole member as sent, trimmed: what is forwarded for members the toolkit does
    /// not own.
    pub(crate) raw: &'a str,
}

impl Member<'_> {
    /// The decoded value; invalid UTF-8 after decoding is replaced, never rejected.
    pub(crate) fn decoded_value(&self) -> Cow<'_, str> {
        percent_decode_str(self.value).decode_utf8_lossy()
    }

    /// The key without `sentry-` when this member belongs to Sentry.
    pub(crate) fn sentry_key(&self) -> Option<&str> {
        self.key
            .strip_prefix(SENTRY_PREFIX)
            .filter(|k| !k.is_empty())
    }
}

/// The well-formed members of one header value, in order. Malformed members (no `=`, a
/// key that is not a token) are skipped, not fatal: one bad vendor must not cost the
/// others their baggage.
pub(crate) fn members(header: &str) -> impl Iterator<Item = Member<'_>> {
    header
        .split(',')
        .take(MAX_MEMBERS_READ)
        .filter_map(parse_member)
}

fn parse_member(raw: &str) -> Option<Member<'_>> {
    let raw = raw.trim();
    let (pair, _properties) = raw.split_once(';').unwrap_or((raw, ""));
    let (key, value) = pair.split_once('=')?;
    let key = key.trim();
    let value = value.trim();
    (is_token(key) && value.bytes().all(is_baggage_octet)).then_some(Member { key, value, raw })
}

/// RFC 7230 `token`.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

/// W3C `baggage-octet`.
fn is_baggage_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

/// Writes a `baggage` value member by member, refusing members that would break the
/// limits.
#[derive(Debug, Default, Clone)]
pub(crate) struct Writer {
    out: String,
    members: usize,
}

impl Writer {
    /// A writer that already holds `text`, members written elsewhere (a cached sentry part).
    pub(crate) fn starting_with(text: &str, members: usize) -> Writer {
        Writer {
            out: text.to_owned(),
            members,
        }
    }

    /// Adds `key=value`, percent-encoding the value. `false` (and nothing written) when it
    /// would not fit.
    pub(crate) fn push(&mut self, key: &str, value: &str) -> bool {
        let encoded: Cow<'_, str> = utf8_percent_encode(value, VALUE_ESCAPES).into();
        self.push_parts(&[key, "=", &encoded])
    }

    /// Adds a member as it was received. `false` (and nothing written) when it would not
    /// fit.
    pub(crate) fn push_raw(&mut self, raw: &str) -> bool {
        self.push_parts(&[raw])
    }

    fn push_parts(&mut self, parts: &[&str]) -> bool {
        let separator = usize::from(!self.out.is_empty());
        let len: usize = parts.iter().map(|p| p.len()).sum::<usize>() + separator;
        if self.members >= MAX_MEMBERS || self.out.len() + len > MAX_BYTES {
            return false;
        }
        if separator == 1 {
            self.out.push(',');
        }
        for part in parts {
            self.out.push_str(part);
        }
        self.members += 1;
        true
    }

    /// How many members were written.
    pub(crate) fn len(&self) -> usize {
        self.members
    }

    /// The header value.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_members_properties_and_whitespace() {
        let header = " sentry-trace_id=abc , vendor=x%20y;ttl=3 ;flag,  other = 1 ";
        let read: Vec<_> = members(header).collect();
        assert_eq!(read.len(), 3);
        assert_eq!(read[0].sentry_key(), Some("trace_id"));
        assert_eq!(read[1].key, "vendor");
        assert_eq!(read[1].decoded_value(), "x y");
        assert_eq!(read[1].raw, "vendor=x%20y;ttl=3 ;flag");
        assert_eq!(read[2].sentry_key(), None);
        assert_eq!((read[2].key, read[2].value), ("other", "1"));
    }

    #[test]
    fn malformed_members_are_skipped_not_fatal() {
        let header = "novalue,=empty,bad key=1,quote=\"x\",sentry-=x,ok=1,,";
        let read: Vec<_> = members(header).map(|m| m.key).collect();
        assert_eq!(read, ["sentry-", "ok"]);
        assert!(members("sentry-=x").next().unwrap().sentry_key().is_none());
    }

    #[test]
    fn values_are_percent_encoded_and_decode_back() {
        let mut writer = Writer::default();
        let value = "GET /api/v1/orgs/{id}, 100% \"done\"; é\\";
        assert!(writer.push("sentry-transaction", value));
        let header = writer.finish();
        assert!(
            header.bytes().all(|b| b.is_ascii() && b != b' '),
            "{header}"
        );
        let member = members(&header).next().unwrap();
        assert_eq!(member.decoded_value(), value);
    }

    #[test]
    fn writing_stops_at_the_member_and_byte_limits_without_cutting_a_member() {
        let mut writer = Writer::default();
        for i in 0..100 {
            writer.push("k", &i.to_string());
        }
        assert_eq!(writer.len(), MAX_MEMBERS);
        let mut writer = Writer::default();
        let big = "v".repeat(3000);
        assert!(writer.push("a", &big));
        assert!(writer.push("b", &big));
        assert!(!writer.push("c", &big));
        assert!(writer.push_raw("small=1"));
        let header = writer.finish();
        assert!(header.len() <= MAX_BYTES);
        assert!(header.ends_with(",small=1"));
    }

    #[test]
    fn reading_is_bounded() {
        let header = "k=v,".repeat(10_000);
        assert_eq!(members(&header).count(), MAX_MEMBERS_READ);
    }
}
