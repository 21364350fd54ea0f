//! Detectors of secrets by their *form*, whatever key (if any) they are stored under: URL
//! credentials, `Bearer`/`Basic` credentials, JWTs, payment card numbers and the API keys of
//! well-known providers.
//!
//! Each detector is called by the scanner ([`super::text`]) at the one byte that can start
//! what it looks for, and answers with the byte range to replace, or `None`. Detectors only
//! inspect ASCII bytes, so every index they return is a UTF-8 character boundary.

/// A byte range of the scanned text to replace with `[Filtered]`.
pub(crate) type Found = Option<(usize, usize)>;

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

fn is_word_byte(b: u8) -> bool {
    is_alnum(b) || b == b'_'
}

/// Base64url and the `_`/`-` of provider token alphabets.
fn is_token_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'_' | b'-')
}

fn prev(b: &[u8], i: usize) -> Option<u8> {
    i.checked_sub(1).map(|p| b[p])
}

/// End of the run of bytes satisfying `f` from `from`.
fn run_end(b: &[u8], from: usize, f: impl Fn(u8) -> bool) -> usize {
    let mut j = from;
    while j < b.len() && f(b[j]) {
        j += 1;
    }
    j
}

fn starts_with_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    hay.get(..needle.len())
        .is_some_and(|h| h.eq_ignore_ascii_case(needle))
}

// ---------------------------------------------------------------------------------------------
// URL credentials

/// Characters that end the authority (`user:pass@host:port`) of a URL embedded in text.
/// Characters that RFC 3986 allows in userinfo (`'`, `(`, `)`, `,`, `;`) do not end it, so a
/// password containing them is still redacted whole.
fn ends_authority(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '\\' | '"' | '<' | '>' | '`') || c.is_whitespace()
}

/// At the `:` of `scheme://`: the password of `scheme://user:password@host`, any scheme.
///
/// The user and host are kept because they are what makes a connection error actionable. The
/// *last* `@` of the authority is the delimiter, so unencoded `@` in passwords is covered, and
/// an `@` after the first `/`, `?` or `#` (paths, query strings) is never mistaken for one.
pub(crate) fn url_password(s: &str, colon: usize) -> Found {
    let auth_start = colon + 3;
    let rest = s.get(auth_start..)?;
    let auth_len = rest.find(ends_authority).unwrap_or(rest.len());
    let authority = rest.get(..auth_len)?;
    let at = authority.rfind('@')?;
    let userinfo = authority.get(..at)?;
    let sep = userinfo.find(':')?;
    let password = userinfo.get(sep + 1..)?;
    if password.is_empty() || password == super::keys::FILTERED {
        return None;
    }
    Some((auth_start + sep + 1, auth_start + at))
}

// ---------------------------------------------------------------------------------------------
// HTTP credentials

/// RFC 7235 `token68` characters (without the trailing `=` padding).
fn is_token68(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
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

/// At a `b`/`B` starting a word: the credential after `Bearer` / `Basic` (case-insensitive,
/// as HTTP auth schemes are). The scheme is kept so the reader still sees what kind of auth
/// failed.
pub(crate) fn auth_credential(b: &[u8], i: usize) -> Found {
    if prev(b, i).is_some_and(is_word_byte) {
        return None;
    }
    let rest = &b[i..];
    let (bearer, len) = if starts_with_ignore_case(rest, b"bearer") {
        (true, 6)
    } else if starts_with_ignore_case(rest, b"basic") {
        (false, 5)
    } else {
        return None;
    };
    let ws_start = i + len;
    let tok_start = run_end(b, ws_start, |c| matches!(c, b' ' | b'\t'));
    if tok_start == ws_start {
        return None;
    }
    let tok_end = run_end(b, run_end(b, tok_start, is_token68), |c| c == b'=');
    let tok = &b[tok_start..tok_end];
    let credential = !tok.is_empty()
        && if bearer {
            is_bearer_token(tok)
        } else {
            is_basic_credential(tok)
        };
    credential.then_some((tok_start, tok_end))
}

// ---------------------------------------------------------------------------------------------
// JWTs

/// At an `e`: a JSON Web Token (`eyJ…` header, `.`, payload, `.`, signature, and the further
/// segments of an encrypted JWT), replaced whole.
pub(crate) fn jwt(b: &[u8], i: usize) -> Found {
    if !b[i..].starts_with(b"eyJ") || prev(b, i).is_some_and(|p| is_token_byte(p) || p == b'.') {
        return None;
    }
    let header_end = run_end(b, i, is_token_byte);
    if header_end - i < 10 || b.get(header_end) != Some(&b'.') {
        return None;
    }
    let payload_end = run_end(b, header_end + 1, is_token_byte);
    if payload_end - header_end - 1 < 2 || b.get(payload_end) != Some(&b'.') {
        return None;
    }
    // The signature may be empty (`alg: none`); JWEs have five segments.
    let mut end = run_end(b, payload_end + 1, is_token_byte);
    while b.get(end) == Some(&b'.') && b.get(end + 1).copied().is_some_and(is_token_byte) {
        end = run_end(b, end + 1, is_token_byte);
    }
    Some((i, end))
}

// ---------------------------------------------------------------------------------------------
// Payment cards

/// Card number lengths (ISO/IEC 7812).
const CARD_DIGITS: std::ops::RangeInclusive<usize> = 13..=19;

fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &d)| {
            let d = u32::from(d);
            if k % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// Whether `digits` (13 to 19 of them) have the length a card network issues for their
/// prefix: Visa `4` (13, 16, 19), Mastercard `51`–`55` and `2221`–`2720` (16), Amex `34`/`37`
/// (15), Diners `36` (14) and `30`/`38`/`39` (14, 16), JCB `3528`–`3589` (16–19), Maestro
/// `50`/`56`–`59` and Discover, UnionPay and Maestro `6` (13–19).
fn issued_length(digits: &[u8]) -> bool {
    let n = digits.len();
    let prefix = |k: usize| {
        digits
            .iter()
            .take(k)
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
    };
    match digits.first() {
        Some(2) => n == 16 && (2221..=2720).contains(&prefix(4)),
        Some(3) => match prefix(2) {
            34 | 37 => n == 15,
            36 => n == 14,
            30 | 38 | 39 => n == 14 || n == 16,
            35 => n >= 16 && (3528..=3589).contains(&prefix(4)),
            _ => false,
        },
        Some(4) => matches!(n, 13 | 16 | 19),
        Some(5) => match prefix(2) {
            51..=55 => n == 16,
            50 | 56..=59 => true,
            _ => false,
        },
        Some(6) => true,
        _ => false,
    }
}

/// At a digit that starts a number: a payment card number of 13 to 19 digits, contiguous or
/// in groups separated by single spaces or single dashes (one kind per number, every group but
/// the last at least 4 digits long, as cards are printed), that passes the Luhn check and has
/// a length a card network issues for its prefix ([`issued_length`]). The longest valid
/// prefix of such a group sequence is taken, so `4111 1111 1111 1111 12 items` loses the card
/// and keeps `12 items`.
///
/// The network check keeps most long numbers that are not cards: 13-digit millisecond
/// timestamps (`1732280000000`) start with 1, and only one Luhn-valid 19-digit id in thirty
/// or so has a card's prefix. Numbers right after a letter, digit, `_`, `.` or `+` (decimals,
/// phone numbers, identifiers) are not considered.
pub(crate) fn card_number(b: &[u8], i: usize) -> Found {
    if !(b'2'..=b'6').contains(&b[i])
        || prev(b, i).is_some_and(|p| is_word_byte(p) || matches!(p, b'.' | b'+'))
    {
        return None;
    }
    let mut digits = [0u8; 19];
    let mut n = 0;
    let mut j = i;
    let mut sep = None;
    let mut best = None;
    loop {
        let group_start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            if n == digits.len() {
                return best;
            }
            digits[n] = b[j] - b'0';
            n += 1;
            j += 1;
        }
        if CARD_DIGITS.contains(&n)
            && !b.get(j).copied().is_some_and(is_word_byte)
            && issued_length(&digits[..n])
            && luhn_valid(&digits[..n])
        {
            best = Some((i, j));
        }
        let next_group = match b.get(j) {
            Some(&s @ (b' ' | b'-')) if sep.is_none_or(|k| k == s) => Some(s),
            _ => None,
        };
        match next_group {
            Some(s) if j - group_start >= 4 && b.get(j + 1).is_some_and(u8::is_ascii_digit) => {
                sep = Some(s);
                j += 1;
            }
            _ => return best,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Provider API keys

/// A token starting at `i` with `prefix`, followed by at least `min` bytes satisfying `body`;
/// replaced whole. The token must start a word.
fn prefixed(b: &[u8], i: usize, prefix: &[u8], min: usize, body: fn(u8) -> bool) -> Found {
    if !b[i..].starts_with(prefix) || prev(b, i).is_some_and(is_alnum) {
        return None;
    }
    let end = run_end(b, i + prefix.len(), body);
    (end - i - prefix.len() >= min).then_some((i, end))
}

fn is_upper_alnum(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// AWS access key ids: four-letter kind and 16 upper-case letters or digits, exactly.
fn aws_access_key_id(b: &[u8], i: usize) -> Found {
    const KINDS: [&[u8]; 4] = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"];
    let kind = KINDS.iter().find(|k| b[i..].starts_with(k))?;
    let (start, end) = prefixed(b, i, kind, 16, is_upper_alnum)?;
    (end - start == 20 && !b.get(end).copied().is_some_and(is_alnum)).then_some((start, end))
}

/// At a byte that may start a provider's API key: Stripe live secret and restricted keys
/// (`sk_live_`, `rk_live_`), AWS access key ids (`AKIA…`, `ASIA…`), GitHub tokens (`ghp_`,
/// `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), Slack tokens (`xoxb-`, `xoxp-`, `xoxa-`,
/// `xoxr-`, `xoxs-`, `xoxo-`, `xapp-`) and Google API keys (`AIza…`).
pub(crate) fn provider_key(b: &[u8], i: usize) -> Found {
    match b[i] {
        b's' => prefixed(b, i, b"sk_live_", 10, is_alnum),
        b'r' => prefixed(b, i, b"rk_live_", 10, is_alnum),
        b'A' => aws_access_key_id(b, i).or_else(|| prefixed(b, i, b"AIza", 30, is_token_byte)),
        b'g' => {
            if b[i..].starts_with(b"github_pat_") {
                return prefixed(b, i, b"github_pat_", 20, is_word_byte);
            }
            let kind = *b.get(i + 2)?;
            if b.get(i + 1) == Some(&b'h')
                && matches!(kind, b'p' | b'o' | b'u' | b's' | b'r')
                && b.get(i + 3) == Some(&b'_')
            {
                prefixed(b, i, &b[i..i + 4], 30, is_alnum)
            } else {
                None
            }
        }
        b'x' => {
            let slack = (b[i..].starts_with(b"xox")
                && b.get(i + 3)
                    .is_some_and(|k| matches!(k, b'a' | b'b' | b'o' | b'p' | b'r' | b's'))
                && b.get(i + 4) == Some(&b'-'))
                || b[i..].starts_with(b"xapp-");
            if slack {
                prefixed(b, i, &b[i..i + 5], 10, |c| is_alnum(c) || c == b'-')
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_lengths() {
        let digits = |s: &str| s.bytes().map(|b| b - b'0').collect::<Vec<_>>();
        for card in [
            "4222222222222",
            "4111111111111111",
            "5555555555554444",
            "2223003122003222",
            "378282246310005",
            "30569309025904",
            "3530111333300000",
            "6011000990139424",
            "6200000000000005",
            "5018000000000009",
        ] {
            assert!(issued_length(&digits(card)), "{card}");
        }
        for other in [
            "30366051523173667",
            "41111111111111",
            "5155555555555444000",
            "7111111111111111",
        ] {
            assert!(!issued_length(&digits(other)), "{other}");
        }
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid(&[
            4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
        ]));
        assert!(!luhn_valid(&[
            4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2
        ]));
        assert!(luhn_valid(&[3, 7, 8, 2, 8, 2, 2, 4, 6, 3, 1, 0, 0, 0, 5]));
    }
}
