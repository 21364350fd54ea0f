//! Redaction of secrets embedded in free text: URL credentials, `Bearer`/`Basic` credentials and
//! `key=value` / `key: value` pairs whose key is sensitive.
//!
//! Each pass is a single forward scan over bytes that only inspects ASCII delimiters, so every
//! index it slices at is a UTF-8 character boundary; slicing still goes through `str::get` so a
//! logic error degrades into "not redacted here" rather than a panic. A pass returns
//! `Cow::Borrowed` and allocates nothing unless it actually replaces something.

use std::borrow::Cow;

use super::keys::{self, FILTERED};

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
    /// because a skipped redaction is recoverable and a panic in a `before_send` hook is not.
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

/// Applies `pass` to the result of the previous passes, keeping the borrow when neither changed.
pub(crate) fn chain<'a>(
    prev: Cow<'a, str>,
    pass: impl FnOnce(&str) -> Cow<'_, str>,
) -> Cow<'a, str> {
    match prev {
        Cow::Borrowed(s) => match pass(s) {
            Cow::Borrowed(_) => Cow::Borrowed(s),
            Cow::Owned(o) => Cow::Owned(o),
        },
        Cow::Owned(s) => {
            let changed = match pass(&s) {
                Cow::Owned(o) => Some(o),
                Cow::Borrowed(_) => None,
            };
            Cow::Owned(changed.unwrap_or(s))
        }
    }
}

/// Characters that end the authority (`user:pass@host:port`) of a URL embedded in text.
/// Characters that RFC 3986 allows in userinfo (`'`, `(`, `)`, `,`, `;`) do not end it, so a
/// password containing them is still redacted whole.
fn ends_authority(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '\\' | '"' | '<' | '>' | '`') || c.is_whitespace()
}

/// Replaces the password of every `scheme://user:password@host` in `s` with `[Filtered]`.
///
/// The user and host are kept because they are what makes a connection error actionable. The
/// *last* `@` of the authority is the delimiter, so unencoded `@` in passwords is covered, and an
/// `@` after the first `/`, `?` or `#` (paths, query strings) is never mistaken for one.
pub(crate) fn redact_url_credentials(s: &str) -> Cow<'_, str> {
    let mut edits = Edits::new(s);
    let mut from = 0;
    while let Some(rel) = s.get(from..).and_then(|rest| rest.find("://")) {
        let auth_start = from + rel + 3;
        let rest = s.get(auth_start..).unwrap_or_default();
        let auth_len = rest.find(ends_authority).unwrap_or(rest.len());
        let authority = rest.get(..auth_len).unwrap_or_default();
        if let Some(at) = authority.rfind('@') {
            let userinfo = authority.get(..at).unwrap_or_default();
            if let Some(colon) = userinfo.find(':') {
                let password = userinfo.get(colon + 1..).unwrap_or_default();
                if !password.is_empty() && password != FILTERED {
                    edits.replace(auth_start + colon + 1, auth_start + at, FILTERED);
                }
            }
        }
        from = auth_start + auth_len;
    }
    edits.finish()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// RFC 7235 `token68` characters (without the trailing `=` padding).
fn is_token68(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
}

fn starts_with_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

#[derive(Clone, Copy)]
enum Scheme {
    Bearer,
    Basic,
}

/// Whether the word after `Bearer ` is a credential rather than prose ("bearer of bad news").
/// Real tokens are long or contain digits/punctuation; a short all-letter word is kept.
fn is_bearer_token(tok: &[u8]) -> bool {
    tok.len() >= 8 || tok.iter().any(|b| !b.is_ascii_alphabetic())
}

fn base64_value(b: u8) -> Option<u32> {
    match b {
        b'A'..=b'Z' => Some(u32::from(b - b'A')),
        b'a'..=b'z' => Some(u32::from(b - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(b - b'0') + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Whether the word after `Basic ` is `base64("user:password")` rather than prose ("basic
/// example"): padded base64 whose decoded bytes contain `:` and no control characters. Decoding
/// is streamed so that checking prose does not allocate.
fn is_basic_credential(tok: &[u8]) -> bool {
    if tok.len() < 4 || !tok.len().is_multiple_of(4) {
        return false;
    }
    let data = tok
        .strip_suffix(b"==")
        .or_else(|| tok.strip_suffix(b"="))
        .unwrap_or(tok);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut colon = false;
    for &b in data {
        let Some(v) = base64_value(b) else {
            return false;
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = ((acc >> bits) & 0xff) as u8;
            if byte < 0x20 || byte == 0x7f {
                return false;
            }
            colon |= byte == b':';
        }
    }
    colon
}

/// Replaces the credential after `Bearer` / `Basic` (case-insensitive, as HTTP auth schemes are)
/// with `[Filtered]`, keeping the scheme so the reader still sees what kind of auth failed.
pub(crate) fn redact_auth_schemes(s: &str) -> Cow<'_, str> {
    let b = s.as_bytes();
    let mut edits = Edits::new(s);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let at_word_start = i == 0 || !is_word_byte(b[i - 1]);
        if !(matches!(c, b'b' | b'B') && at_word_start) {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        let (scheme, len) = if starts_with_ignore_case(rest, b"bearer") {
            (Scheme::Bearer, 6)
        } else if starts_with_ignore_case(rest, b"basic") {
            (Scheme::Basic, 5)
        } else {
            i += 1;
            continue;
        };
        let mut j = i + len;
        let ws_start = j;
        while j < b.len() && matches!(b[j], b' ' | b'\t') {
            j += 1;
        }
        if j == ws_start {
            i += 1;
            continue;
        }
        let tok_start = j;
        while j < b.len() && is_token68(b[j]) {
            j += 1;
        }
        while j < b.len() && b[j] == b'=' {
            j += 1;
        }
        let tok = &b[tok_start..j];
        let redact = !tok.is_empty()
            && match scheme {
                Scheme::Bearer => is_bearer_token(tok),
                Scheme::Basic => is_basic_credential(tok),
            };
        if redact {
            edits.replace(tok_start, j, FILTERED);
        }
        i = j.max(i + 1);
    }
    edits.finish()
}

/// Longest key considered in free text; it matches the key module's stack buffer.
const MAX_TEXT_KEY: usize = 64;

/// Bytes of a key in free text. `[` and `]` admit Rails/PHP style `user[password]=`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']')
}

/// Bytes that end an unquoted value.
fn ends_value(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'&' | b',' | b';' | b'"' | b'\'' | b')' | b'}' | b'<' | b'>'
        )
}

/// Values that are query placeholders or already-masked text, not secrets: SQL parameters
/// (`?`, `$1`, `:name`) and printf-style holes. Keeping them keeps span descriptions groupable.
fn is_placeholder(v: &[u8]) -> bool {
    match v {
        b"?" | b"%s" | b"%d" => true,
        [b'$', rest @ ..] => !rest.is_empty() && rest.iter().all(u8::is_ascii_digit),
        [b':', rest @ ..] => !rest.is_empty() && rest.iter().all(|&b| is_word_byte(b)),
        _ => false,
    }
}

/// Auth scheme words that are followed by the actual credential (`token: Bearer abc`).
fn is_auth_scheme_word(w: &[u8]) -> bool {
    [&b"bearer"[..], b"basic", b"token", b"digest", b"negotiate"]
        .iter()
        .any(|s| w.eq_ignore_ascii_case(s))
}

fn line_end(b: &[u8], from: usize) -> usize {
    let mut e = from;
    while e < b.len() && !matches!(b[e], b'\n' | b'\r') {
        e += 1;
    }
    // Trailing blanks are layout, not part of the secret.
    while e > from && matches!(b[e - 1], b' ' | b'\t') {
        e -= 1;
    }
    e
}

/// Index of the closing `quote` at or after `from`, honouring backslash escapes.
fn closing_quote(b: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            x if x == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Replaces the value of every `key=value`, `key: value`, `"key": "value"` and `key => value`
/// in `s` whose key is sensitive, as judged by `is_sensitive`.
pub(crate) fn redact_key_values<'a>(
    s: &'a str,
    is_sensitive: impl Fn(&str) -> bool,
) -> Cow<'a, str> {
    let b = s.as_bytes();
    let mut edits = Edits::new(s);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c != b'=' && c != b':' {
            i += 1;
            continue;
        }
        let sep = i;
        let prev = sep.checked_sub(1).map(|p| b[p]);
        let next = b.get(sep + 1).copied();
        let mut value_from = sep + 1;
        if c == b':' {
            // `a::b` is a Rust path and `scheme://` a URL, not a pair.
            if prev == Some(b':') || matches!(next, Some(b':' | b'/')) {
                i += 1;
                continue;
            }
        } else {
            // `==`, `!=`, `<=`, `>=` compare; `=>` introduces a value (PHP/Ruby hashes).
            if matches!(prev, Some(b'=' | b'!' | b'<' | b'>')) || next == Some(b'=') {
                i += 1;
                continue;
            }
            if next == Some(b'>') {
                value_from += 1;
            }
        }

        let mut key_end = sep;
        while key_end > 0 && matches!(b[key_end - 1], b' ' | b'\t') {
            key_end -= 1;
        }
        if key_end > 0 && matches!(b[key_end - 1], b'"' | b'\'') {
            key_end -= 1;
        }
        // Only the tail of an overlong run is a key (`…_password=`); a longer one is a blob
        // such as padded base64, and capping it keeps the key check on the stack.
        let mut key_start = key_end;
        while key_start > 0 && key_end - key_start < MAX_TEXT_KEY && is_key_byte(b[key_start - 1]) {
            key_start -= 1;
        }
        let key = s.get(key_start..key_end).unwrap_or_default();
        if key.is_empty() || !is_sensitive(key) {
            i += 1;
            continue;
        }

        let mut v = value_from;
        while v < b.len() && matches!(b[v], b' ' | b'\t') {
            v += 1;
        }
        if v >= b.len() {
            break;
        }
        if b[v..].starts_with(FILTERED.as_bytes()) {
            i = v + FILTERED.len();
            continue;
        }
        let (start, end, resume) = match b[v] {
            q @ (b'"' | b'\'') => match closing_quote(b, v + 1, q) {
                Some(close) => (v + 1, close, close + 1),
                None => {
                    let e = line_end(b, v + 1);
                    (v + 1, e, e)
                }
            },
            // Nested structures are not scalars; their own keys get their own turn.
            b'{' | b'[' | b'(' | b'<' | b'\n' | b'\r' => {
                i = v;
                continue;
            }
            _ if keys::is_whole_line(key) => {
                let e = line_end(b, v);
                (v, e, e)
            }
            _ => {
                let mut e = v;
                while e < b.len() && !ends_value(b[e]) {
                    e += 1;
                }
                // `token: Bearer abc` — the scheme alone is not the secret.
                if is_auth_scheme_word(&b[v..e]) && b.get(e) == Some(&b' ') {
                    let mut f = e;
                    while f < b.len() && b[f] == b' ' {
                        f += 1;
                    }
                    let mut g = f;
                    while g < b.len() && !ends_value(b[g]) {
                        g += 1;
                    }
                    if g > f {
                        e = g;
                    }
                }
                (v, e, e)
            }
        };
        let value = &b[start..end.max(start)];
        if !value.is_empty() && value != FILTERED.as_bytes() && !is_placeholder(value) {
            edits.replace(start, end, FILTERED);
        }
        i = resume.max(sep + 1);
    }
    edits.finish()
}
