//! [`ScrubPattern`]: value patterns a user adds to the built-in detectors.

use std::fmt;

/// A secret recognised by its form, wherever it appears in text: add one with
/// [`Config::scrub_pattern`](crate::Config::scrub_pattern) (or
/// [`Scrubber::with_patterns`](super::Scrubber::with_patterns)) for credentials the built-in
/// detectors do not know, such as your own API key format.
///
/// Two forms cover what applications need without a regular-expression engine on every
/// string the toolkit sends:
///
/// * [`ScrubPattern::prefix`]: a token that starts with a fixed prefix, at the start of a word,
///   followed by at least one letter, digit, `_` or `-` (`acme_live_` matches
///   `acme_live_9f8e7d6c`). The whole token is replaced.
/// * [`ScrubPattern::literal`]: an exact text wherever it occurs, for a secret the program
///   knows (a database password read at startup).
///
/// Both are case-sensitive, as tokens are. Patterns are indexed by their first byte when the
/// scrubber is built, so a string without that byte costs nothing more.
///
/// ```
/// use monitor_runtime::scrub::{ScrubPattern, Scrubber};
///
/// let scrubber = Scrubber::new(false).with_patterns([
///     ScrubPattern::prefix("acme_live_"),
///     ScrubPattern::literal("correct horse battery staple"),
/// ]);
/// assert_eq!(
///     scrubber.scrub_str("key acme_live_9f8e7d6c rejected"),
///     "key [Filtered] rejected"
/// );
/// assert_eq!(
///     scrubber.scrub_str("pw was correct horse battery staple!"),
///     "pw was [Filtered]!"
/// );
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ScrubPattern {
    kind: Kind,
    text: Box<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    Prefix,
    Literal,
}

impl ScrubPattern {
    /// Tokens starting with `prefix` (at the start of a word) and continuing with letters,
    /// digits, `_` or `-`.
    ///
    /// ```
    /// use monitor_runtime::scrub::{ScrubPattern, Scrubber};
    ///
    /// let s = Scrubber::new(false).with_patterns([ScrubPattern::prefix("pk_acme_")]);
    /// assert_eq!(s.scrub_str("pk_acme_123-abc."), "[Filtered].");
    /// assert_eq!(s.scrub_str("pk_acme_"), "pk_acme_");       // nothing after the prefix
    /// assert_eq!(s.scrub_str("xpk_acme_123"), "xpk_acme_123"); // not at a word start
    /// ```
    pub fn prefix(prefix: impl Into<String>) -> Self {
        Self {
            kind: Kind::Prefix,
            text: prefix.into().into_boxed_str(),
        }
    }

    /// Every occurrence of `text`, exactly.
    ///
    /// ```
    /// use monitor_runtime::scrub::{ScrubPattern, Scrubber};
    ///
    /// let s = Scrubber::new(false).with_patterns([ScrubPattern::literal("s3cr3t")]);
    /// assert_eq!(s.scrub_str("xs3cr3tx"), "x[Filtered]x");
    /// ```
    pub fn literal(text: impl Into<String>) -> Self {
        Self {
            kind: Kind::Literal,
            text: text.into().into_boxed_str(),
        }
    }

    /// The prefix or literal text.
    ///
    /// ```
    /// use monitor_runtime::scrub::ScrubPattern;
    ///
    /// assert_eq!(ScrubPattern::prefix("acme_").text(), "acme_");
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the pattern can match anything: an empty prefix or literal would match
    /// everywhere, so [`Config::validate`](crate::Config::validate) rejects it and the
    /// scrubber ignores it.
    ///
    /// ```
    /// use monitor_runtime::scrub::ScrubPattern;
    ///
    /// assert!(ScrubPattern::prefix("acme_").is_valid());
    /// assert!(!ScrubPattern::literal("").is_valid());
    /// ```
    pub fn is_valid(&self) -> bool {
        !self.text.is_empty()
    }

    /// Whether the pattern only matches at the start of a word.
    pub(crate) fn needs_word_start(&self) -> bool {
        self.kind == Kind::Prefix
    }

    /// The first byte this pattern can match at.
    pub(crate) fn first_byte(&self) -> Option<u8> {
        self.text.as_bytes().first().copied()
    }

    /// The range this pattern matches at byte `i` of `b`, if any.
    pub(crate) fn match_at(&self, b: &[u8], i: usize) -> Option<(usize, usize)> {
        let text = self.text.as_bytes();
        if !b.get(i..)?.starts_with(text) {
            return None;
        }
        match self.kind {
            Kind::Literal => Some((i, i + text.len())),
            Kind::Prefix => {
                let word_start = i
                    .checked_sub(1)
                    .is_none_or(|p| !b[p].is_ascii_alphanumeric() && b[p] != b'_');
                let body = i + text.len();
                let mut end = body;
                while end < b.len()
                    && (b[end].is_ascii_alphanumeric() || matches!(b[end], b'_' | b'-'))
                {
                    end += 1;
                }
                (word_start && end > body).then_some((i, end))
            }
        }
    }
}

impl fmt::Debug for ScrubPattern {
    /// Shows the form but not the text, which may be a secret itself (a literal).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Prefix => write!(f, "ScrubPattern::prefix({:?})", self.text),
            Kind::Literal => f.write_str("ScrubPattern::literal(..)"),
        }
    }
}

impl fmt::Display for ScrubPattern {
    /// `prefix "acme_"` or `literal of 6 characters`: the literal's text is never shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Prefix => write!(f, "prefix {:?}", self.text),
            Kind::Literal => write!(f, "literal of {} characters", self.text.chars().count()),
        }
    }
}
