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

/// Bytes at which a built-in detector can start.
const fn builtin_triggers() -> [bool; 256] {
    let mut t = [false; 256];
    let bytes = b":=bBesrAgx23456";
    let mut k = 0;
    while k < bytes.len() {
        t[bytes[k] as usize] = true;
        k += 1;
    }
    t
}

/// The precompiled text rules: the user's patterns and the trigger table.
#[derive(Clone)]
pub(crate) struct TextRules {
    triggers: [bool; 256],
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
        let mut triggers = builtin_triggers();
        let mut pattern_first = [false; 256];
        for first in patterns.iter().filter_map(ScrubPattern::first_byte) {
            triggers[usize::from(first)] = true;
            pattern_first[usize::from(first)] = true;
        }
        Self {
            triggers,
            pattern_first,
            patterns,
        }
    }

    pub(crate) fn patterns(&self) -> &[ScrubPattern] {
        &self.patterns
    }

    /// Redacts every secret in `s`; borrowed when there is none.
    pub(crate) fn scrub<'a>(&self, s: &'a str, keys: &KeyRules) -> Cow<'a, str> {
        let b = s.as_bytes();
        let mut edits = Edits::new(s);
        let mut i = 0;
        while i < b.len() {
            if !self.triggers[usize::from(b[i])] {
                i += 1;
                continue;
            }
            match self.detect_at(s, i, keys) {
                Pair::Redact { start, end, resume } => {
                    edits.replace(start, end, FILTERED);
                    i = resume.max(i + 1);
                }
                Pair::Skip(resume) => i = resume.max(i + 1),
            }
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
        let found = match c {
            b':' if b[i + 1..].starts_with(b"//") => detect::url_password(s, i),
            b':' | b'=' => return pairs::pair_at(s, i, |k| keys.is_sensitive(k)),
            b'b' | b'B' => detect::auth_credential(b, i),
            b'e' => detect::jwt(b, i),
            b'2'..=b'6' => detect::card_number(b, i),
            _ => detect::provider_key(b, i),
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
