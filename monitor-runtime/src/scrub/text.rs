//! The free-text scanner: one forward pass over a string's bytes that finds every secret the
//! detectors ([`super::detect`]), the sensitive pairs ([`super::pairs`]) and the user's
//! patterns recognise.
//!
//! Each detector can only start at a few bytes (`:` and `=` for URLs and pairs, `b`/`B` for
//! HTTP credentials, `e` for JWTs, the digits 2–6 for card numbers, the first bytes of the
//! provider prefixes and of the user's patterns). A 256-entry table built with the scrubber
//! says which bytes those are, so clean text costs one table lookup per byte, and a string
//! without any finding is returned borrowed, without allocating.
//!
//! Every replacement starts at or after the byte that triggered it and scanning resumes after
//! it, so replacements never overlap and one pass suffices. Slicing goes through `str::get`, so
//! a logic error degrades into "not redacted here" rather than a panic.

use std::borrow::Cow;

use super::detect;
use super::keys::{FILTERED, KeyRules};
use super::pairs::{self, Pair};
use super::pattern::ScrubPattern;

/// Accumulates replacements in increasing source order and only allocates on the first one.
pub(crate) struct Edits<'a> {
    src: &'a str,
    out: Option<String>,
    last: usize,
}

impl<'a> Edits<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Self {
            src,
            out: None,
            last: 0,
        }
    }

    /// Replaces `src[start..end]` with `with`; out-of-order or non-boundary ranges are ignored
    /// because a skipped redaction is recoverable and a panic in a hook is not.
    pub(crate) fn replace(&mut self, start: usize, end: usize, with: &str) {
        if start < self.last || end < start || !self.src.is_char_boundary(end) {
            return;
        }
        let Some(before) = self.src.get(self.last..start) else {
            return;
        };
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(self.src.len() + FILTERED.len()));
        out.push_str(before);
        out.push_str(with);
        self.last = end;
    }

    pub(crate) fn finish(self) -> Cow<'a, str> {
        match self.out {
            None => Cow::Borrowed(self.src),
            Some(mut out) => {
                out.push_str(self.src.get(self.last..).unwrap_or_default());
                Cow::Owned(out)
            }
        }
    }
}

/// Byte classes of the scanner's table.
mod class {
    /// ASCII letters, digits and `_`: bytes inside a word, where word-start detectors
    /// cannot begin.
    pub(super) const WORD: u8 = 1;
    /// A detector that needs a word start can begin at this byte.
    pub(super) const START: u8 = 2;
    /// A detector can begin at this byte anywhere: `:` and `=` of pairs and URLs, and the
    /// first bytes of the user's literals.
    pub(super) const ANY: u8 = 4;
}

/// The classes of the built-in detectors.
const fn builtin_classes() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'_' {
            t[b] = class::WORD;
        }
        b += 1;
    }
    let starts = b"bBesrAgx23456";
    let mut k = 0;
    while k < starts.len() {
        t[starts[k] as usize] |= class::START;
        k += 1;
    }
    t[b':' as usize] |= class::ANY;
    t[b'=' as usize] |= class::ANY;
    t
}

/// The precompiled text rules: the user's patterns and the byte-class table.
#[derive(Clone)]
pub(crate) struct TextRules {
    classes: [u8; 256],
    /// Whether some user pattern starts with this byte.
    pattern_first: [bool; 256],
    patterns: Vec<ScrubPattern>,
}

impl std::fmt::Debug for TextRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TextRules")
            .field("patterns", &self.patterns)
            .finish_non_exhaustive()
    }
}

impl TextRules {
    pub(crate) fn new(patterns: Vec<ScrubPattern>) -> Self {
        let mut classes = builtin_classes();
        let mut pattern_first = [false; 256];
        for pattern in &patterns {
            if let Some(first) = pattern.first_byte() {
                let slot = &mut classes[usize::from(first)];
                *slot |= if pattern.needs_word_start() {
                    class::START
                } else {
                    class::ANY
                };
                pattern_first[usize::from(first)] = true;
            }
        }
        Self {
            classes,
            pattern_first,
            patterns,
        }
    }

    pub(crate) fn patterns(&self) -> &[ScrubPattern] {
        &self.patterns
    }

    /// Redacts every secret in `s`; borrowed when there is none.
    ///
    /// Bytes that start nothing cost one table lookup; inside a word only `ANY` bytes stop
    /// the scan, so a detector that needs a word start is asked once per word at most.
    pub(crate) fn scrub<'a>(&self, s: &'a str, keys: &KeyRules) -> Cow<'a, str> {
        let b = s.as_bytes();
        let classes = &self.classes;
        let mut edits = Edits::new(s);
        let mut i = 0;
        while i < b.len() {
            let cls = classes[usize::from(b[i])];
            if cls == 0 {
                i += 1;
                continue;
            }
            if cls & (class::ANY | class::START) != 0 {
                match self.detect_at(s, i, keys) {
                    Pair::Redact { start, end, resume } => {
                        edits.replace(start, end, FILTERED);
                        i = resume.max(i + 1);
                        continue;
                    }
                    Pair::Skip(resume) if resume > i + 1 || cls & class::WORD == 0 => {
                        i = resume.max(i + 1);
                        continue;
                    }
                    Pair::Skip(_) => {}
                }
            }
            // The rest of this word: nothing but an `ANY` byte can start there.
            let rest = &b[i + 1..];
            i += 1 + rest
                .iter()
                .position(|&c| classes[usize::from(c)] & (class::WORD | class::ANY) != class::WORD)
                .unwrap_or(rest.len());
        }
        edits.finish()
    }

    fn detect_at(&self, s: &str, i: usize, keys: &KeyRules) -> Pair {
        let b = s.as_bytes();
        let c = b[i];
        if self.pattern_first[usize::from(c)]
            && let Some((start, end)) = self.patterns.iter().find_map(|p| p.match_at(b, i))
        {
            return redact(start, end);
        }
        let next = |k: usize| b.get(i + k).copied().unwrap_or(0);
        // Each word-start detector is only called when the next bytes can continue what it
        // looks for, so ordinary words cost a comparison or two.
        let prev = i.checked_sub(1).map_or(0, |p| b[p]);
        let found = match c {
            b':' if b[i + 1..].starts_with(b"//") => detect::url_password(s, i),
            // `a::b` is a Rust path, not a pair.
            b':' if prev == b':' || next(1) == b':' => None,
            b':' | b'=' => return pairs::pair_at(s, i, |k| keys.is_sensitive(k)),
            // A word-start detector inside a word: only a user literal could match here.
            _ if i > 0 && self.classes[usize::from(b[i - 1])] & class::WORD != 0 => None,
            b'b' | b'B'
                if matches!(
                    (next(1) | 0x20, next(2) | 0x20),
                    (b'e', b'a') | (b'a', b's')
                ) =>
            {
                detect::auth_credential(b, i)
            }
            b'e' if next(1) == b'y' && next(2) == b'J' => detect::jwt(b, i),
            // Every card number has a first group of 4 or more digits.
            b'2'..=b'6' if b.len() - i >= 13 && (1..4).all(|k| next(k).is_ascii_digit()) => {
                detect::card_number(b, i)
            }
            b's' | b'r' if next(1) == b'k' && next(2) == b'_' => detect::provider_key(b, i),
            b'A' if matches!(next(1), b'K' | b'S' | b'B' | b'C' | b'I') => {
                detect::provider_key(b, i)
            }
            b'g' if matches!(next(1), b'h' | b'i') => detect::provider_key(b, i),
            b'x' if matches!(next(1), b'o' | b'a') => detect::provider_key(b, i),
            _ => None,
        };
        match found {
            Some((start, end)) => redact(start, end),
            None => Pair::Skip(i + 1),
        }
    }
}

fn redact(start: usize, end: usize) -> Pair {
    Pair::Redact {
        start,
        end,
        resume: end,
    }
}

/// Replaces the password of every `scheme://user:password@host` in `s` with `[Filtered]`,
/// and nothing else.
pub(crate) fn redact_url_credentials(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut edits = Edits::new(s);
    let mut i = 0;
    while i < b.len() {
        if b[i] == b':'
            && b[i + 1..].starts_with(b"//")
            && let Some((start, end)) = detect::url_password(s, i)
        {
            edits.replace(start, end, FILTERED);
            i = end;
        } else {
            i += 1;
        }
    }
    edits.finish()
}
