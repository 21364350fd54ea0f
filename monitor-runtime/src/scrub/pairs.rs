//! `key=value`, `key: value`, `"key": "value"` and `key => value` pairs inside free text,
//! whose value is redacted when the key is sensitive.

use super::keys::{self, FILTERED};

/// What the scanner does at a `=` or `:`.
pub(crate) enum Pair {
    /// Replace `start..end`, then go on scanning at `resume`.
    Redact {
        start: usize,
        end: usize,
        resume: usize,
    },
    /// Nothing to replace here; go on scanning at the given index.
    Skip(usize),
}

/// Longest key considered in free text; it matches the key module's stack buffer.
const MAX_TEXT_KEY: usize = 64;

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

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

/// Index of the `\` of the escaped closing `\<quote>` at or after `from` (JSON inside a JSON
/// string: `{\"password\":\"x\"}`).
fn closing_escaped_quote(b: &[u8], from: usize, quote: u8) -> Option<usize> {
    (from..b.len().saturating_sub(1)).find(|&i| b[i] == b'\\' && b[i + 1] == quote)
}

/// The key that ends just before the separator at `sep` (skipping blanks and one quote).
fn key_before(s: &str, sep: usize) -> &str {
    let b = s.as_bytes();
    let mut key_end = sep;
    while key_end > 0 && matches!(b[key_end - 1], b' ' | b'\t') {
        key_end -= 1;
    }
    if key_end > 0 && matches!(b[key_end - 1], b'"' | b'\'') {
        key_end -= 1;
        // `\"password\":` — the quote of JSON escaped inside a string.
        if key_end > 0 && b[key_end - 1] == b'\\' {
            key_end -= 1;
        }
    }
    // Only the tail of an overlong run is a key (`…_password=`); a longer one is a blob such
    // as padded base64, and capping it keeps the key check on the stack.
    let mut key_start = key_end;
    while key_start > 0 && key_end - key_start < MAX_TEXT_KEY && is_key_byte(b[key_start - 1]) {
        key_start -= 1;
    }
    s.get(key_start..key_end).unwrap_or_default()
}

/// The pair whose separator (`=` or `:`, not that of `scheme://`) is at `sep`, judged by
/// `is_sensitive`.
pub(crate) fn pair_at(s: &str, sep: usize, is_sensitive: impl Fn(&str) -> bool) -> Pair {
    let b = s.as_bytes();
    let skip = Pair::Skip(sep + 1);
    let c = b[sep];
    let prev = sep.checked_sub(1).map(|p| b[p]);
    let next = b.get(sep + 1).copied();
    let mut value_from = sep + 1;
    if c == b':' {
        // `a::b` is a Rust path, not a pair.
        if prev == Some(b':') || next == Some(b':') {
            return skip;
        }
    } else {
        // `==`, `!=`, `<=`, `>=` compare; `=>` introduces a value (PHP/Ruby hashes).
        if matches!(prev, Some(b'=' | b'!' | b'<' | b'>')) || next == Some(b'=') {
            return skip;
        }
        if next == Some(b'>') {
            value_from += 1;
        }
    }

    let key = key_before(s, sep);
    if key.is_empty() || !is_sensitive(key) {
        return skip;
    }

    let mut v = value_from;
    while v < b.len() && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    if v >= b.len() {
        return Pair::Skip(b.len());
    }
    if b[v..].starts_with(FILTERED.as_bytes()) {
        return Pair::Skip(v + FILTERED.len());
    }
    let (start, end, resume) = match b[v] {
        q @ (b'"' | b'\'') => match closing_quote(b, v + 1, q) {
            Some(close) => (v + 1, close, close + 1),
            None => {
                let e = line_end(b, v + 1);
                (v + 1, e, e)
            }
        },
        b'\\' if matches!(b.get(v + 1), Some(b'"' | b'\'')) => {
            let q = b[v + 1];
            match closing_escaped_quote(b, v + 2, q) {
                Some(close) => (v + 2, close, close + 2),
                None => {
                    let e = line_end(b, v + 2);
                    (v + 2, e, e)
                }
            }
        }
        // Nested structures are not scalars; their own keys get their own turn.
        b'{' | b'[' | b'(' | b'<' | b'\n' | b'\r' => return Pair::Skip(v),
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
    if value.is_empty() || value == FILTERED.as_bytes() || is_placeholder(value) {
        return Pair::Skip(resume.max(sep + 1));
    }
    Pair::Redact { start, end, resume }
}
