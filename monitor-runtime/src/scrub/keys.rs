//! Classification of map keys, header names and attribute names.
//!
//! Every key is first *normalised*: ASCII letters are lower-cased and the separators `-`, `_`,
//! `.` and space are removed, so `X-Api-Key`, `apiKey`, `API_KEY`, `api-key` and `api.key` all
//! become `apikey`. Non-ASCII bytes are kept as they are (no stem contains them, so they can only
//! separate stems, never create one).
//!
//! A normalised key is sensitive when it *contains* one of [`STEMS`] or *ends with* one of
//! [`SUFFIX_STEMS`]. Containment is deliberate: secrets hide under prefixed and suffixed names
//! (`user_password`, `csrftoken`, `client_secret`, `x-auth-token`, `aws_secret_access_key`) far
//! more often than under the bare stem, and a false positive only costs one redacted value.
//!
//! The price of containment is that counters such as `gen_ai.usage.input_tokens` or
//! `token_count` would be redacted although they hold numbers. [`SAFE_PHRASES`] lists such
//! phrases; occurrences of them are blanked out *before* the stems are searched, so a stem that
//! only appears inside a safe phrase does not count, while `secret_input_tokens` still matches
//! through `secret`.

/// Sentry's placeholder for removed values; the server and UI recognise it.
pub(crate) const FILTERED: &str = "[Filtered]";

/// Normalised stems that make a key sensitive wherever they appear in it.
const STEMS: &[&[u8]] = &[
    b"password",
    b"passwd",
    b"passphrase",
    b"secret",
    b"token",
    b"apikey",
    b"authorization",
    b"cookie",
    b"session",
    b"csrf",
    b"xsrf",
    b"privatekey",
    b"credential",
];

/// Normalised stems that are too short or too common to match inside a word (`auth` is part of
/// `author` and `oauthprovider`, `pwd` of `pwdump`), but are Sentry's server-side defaults
/// (`auth`, `mysql_pwd`) when they end the key.
const SUFFIX_STEMS: &[&[u8]] = &[b"auth", b"pwd"];

/// Normalised phrases that contain a stem but name a count or a kind, never a secret:
/// LLM token usage (OpenTelemetry `gen_ai.usage.*_tokens`, `max_tokens`), token counts,
/// tokenizer names and session counters from release-health style metrics.
const SAFE_PHRASES: &[&[u8]] = &[
    b"inputtokens",
    b"outputtokens",
    b"totaltokens",
    b"prompttokens",
    b"completiontokens",
    b"cachedtokens",
    b"reasoningtokens",
    b"maxtokens",
    b"tokencount",
    b"tokenscount",
    b"tokenizer",
    b"sessioncount",
    b"sessionscount",
];

/// Normalised keys that carry personal data (e-mail and IP addresses); they are removed unless
/// `send_default_pii` is set. Matched as suffixes so `user.email` and `http.remote_addr` count.
const PII_SUFFIXES: &[&[u8]] = &[
    b"email",
    b"emailaddress",
    b"ipaddress",
    b"userip",
    b"clientip",
    b"remoteip",
    b"trueclientip",
    b"cfconnectingip",
    b"remoteaddr",
    b"clientaddress",
    b"xforwardedfor",
    b"xrealip",
];

/// Normalised keys that carry personal data only when they are the whole key (`ip` and
/// `forwarded` are too short or too common to match as suffixes: `zip`, `unforwarded`).
const PII_EXACT: &[&[u8]] = &[b"ip", b"forwarded"];

/// Normalised stems whose values are whole header lines (`Cookie: a=1; b=2`,
/// `Authorization: Bearer x`), so free-text redaction must not stop at the first space or `;`.
const WHOLE_LINE_STEMS: &[&[u8]] = &[b"cookie", b"authorization"];

/// Keys up to this many bytes are normalised on the stack; real-world keys are far shorter.
const STACK_KEY_LEN: usize = 64;

/// Byte written over safe phrases; it is neither a separator nor part of any stem.
const BLANK: u8 = b'#';

fn is_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.' | b' ')
}

/// Normalises `key` into `buf` and returns the used prefix; `buf` must be at least `key.len()`.
fn normalise_into<'b>(key: &str, buf: &'b mut [u8]) -> &'b mut [u8] {
    let mut n = 0;
    for &b in key.as_bytes() {
        if is_separator(b) {
            continue;
        }
        if let Some(slot) = buf.get_mut(n) {
            *slot = b.to_ascii_lowercase();
            n += 1;
        }
    }
    let len = n.min(buf.len());
    &mut buf[..len]
}

/// Runs `f` on the normalised form of `key` without allocating for keys of ordinary length.
fn with_normalised<R>(key: &str, f: impl FnOnce(&mut [u8]) -> R) -> R {
    if key.len() <= STACK_KEY_LEN {
        let mut buf = [0u8; STACK_KEY_LEN];
        f(normalise_into(key, &mut buf))
    } else {
        let mut buf = vec![0u8; key.len()];
        f(normalise_into(key, &mut buf))
    }
}

/// Normalises a user-supplied stem once, at configuration time.
pub(crate) fn normalise_owned(key: &str) -> Box<str> {
    // Only ASCII bytes are removed or changed, so the result is still UTF-8.
    with_normalised(key, |n| String::from_utf8_lossy(n).into())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn blank_safe_phrases(norm: &mut [u8]) {
    for phrase in SAFE_PHRASES {
        let n = phrase.len();
        let mut i = 0;
        while i + n <= norm.len() {
            if &norm[i..i + n] == *phrase {
                norm[i..i + n].fill(BLANK);
                i += n;
            } else {
                i += 1;
            }
        }
    }
}

/// Whether `key` names a secret under the built-in rules or one of the `extra` normalised stems.
pub(crate) fn is_sensitive(key: &str, extra: &[Box<str>]) -> bool {
    if key.is_empty() {
        return false;
    }
    with_normalised(key, |norm| {
        // User stems are checked before blanking: whoever adds `tokenizer` means it.
        if extra.iter().any(|stem| contains(norm, stem.as_bytes())) {
            return true;
        }
        if SUFFIX_STEMS.iter().any(|stem| norm.ends_with(stem)) {
            return true;
        }
        blank_safe_phrases(norm);
        STEMS.iter().any(|stem| contains(norm, stem))
    })
}

/// Whether `key` names an e-mail or IP address of the end user.
pub(crate) fn is_pii(key: &str) -> bool {
    with_normalised(key, |norm| {
        PII_EXACT.iter().any(|k| norm == *k) || PII_SUFFIXES.iter().any(|k| norm.ends_with(k))
    })
}

/// Whether a sensitive `key`'s value in free text runs to the end of the line.
pub(crate) fn is_whole_line(key: &str) -> bool {
    with_normalised(key, |norm| {
        WHOLE_LINE_STEMS.iter().any(|s| contains(norm, s))
    })
}
