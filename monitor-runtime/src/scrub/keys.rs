//! Classification of map keys, header names and attribute names.
//!
//! Every key is first *normalised*: ASCII letters are lower-cased and the separators `-`, `_`,
//! `.`, space, `[` and `]` are removed, so `X-Api-Key`, `apiKey`, `API_KEY`, `api-key` and
//! `api.key` all become `apikey`. Normalisation also remembers where each *word* of the key
//! starts (after a separator, and at camel-case humps: `smtpPass`, `HTTPAuth`), because a few
//! rules are about whole words. Non-ASCII bytes are kept as they are (no stem contains them,
//! so they can only separate stems, never create one).
//!
//! The rules, in the order they are tried, are listed in the [module documentation of
//! `scrub`](super). Containment is deliberate: secrets hide under prefixed and suffixed names
//! (`user_password`, `csrftoken`, `client_secret`, `x-auth-token`, `aws_secret_access_key`)
//! far more often than under the bare stem, and a false positive only costs one redacted
//! value.
//!
//! The price of containment is that counters such as `gen_ai.usage.input_tokens` or
//! `token_count` would be redacted although they hold numbers. [`SAFE_PHRASES`] lists such
//! phrases; a built-in stem found only inside a safe phrase does not count, while
//! `secret_input_tokens` still matches through `secret`.
//!
//! Matching is precompiled: the stems (built-in and user-supplied) are compiled into one
//! automaton ([`super::automaton`]) when the [`KeyRules`] are built, so checking a key is one
//! pass over its normalised bytes with a table lookup per byte, on the stack for keys up to
//! 64 bytes.

use super::automaton::Automaton;

/// Sentry's placeholder for removed values; the server and UI recognise it.
pub(crate) const FILTERED: &str = "[Filtered]";

/// Normalised stems that make a key sensitive wherever they appear in it. The first group is
/// Sentry's own default denylist (Python SDK `EventScrubber`, Relay), normalised; the second
/// adds the key names and credential kinds the toolkit knows from real applications.
const STEMS: &[&[u8]] = &[
    // Sentry's denylist: password, passwd, secret, api_key/apikey, credentials, privatekey/
    // private_key, token, session (aiohttp_session, user_session, _session), csrftoken,
    // x_csrftoken, csrf_token, csrf, _csrf, _csrf_token, sessionid, set_cookie, cookie,
    // authorization, x_api_key, connect.sid, PHPSESSID, _xsrf, XSRF-TOKEN, x_forwarded_for.
    b"password",
    b"passwd",
    b"secret",
    b"apikey",
    b"credential",
    b"privatekey",
    b"token",
    b"session",
    b"sessid",
    b"csrf",
    b"xsrf",
    b"cookie",
    b"authorization",
    b"connectsid",
    b"xforwardedfor",
    // More credential names: pass phrases and codes, signatures (X-Amz-Signature,
    // X-Hub-Signature-256), signing/access/encryption/master keys, card verification codes.
    b"passphrase",
    b"passcode",
    b"signature",
    b"signingkey",
    b"accesskey",
    b"encryptionkey",
    b"masterkey",
    b"cvv",
    b"cvc",
];

/// Last words ending in `pass` that name no credential.
const PASS_WORDS: &[&[u8]] = &[
    b"bypass",
    b"compass",
    b"surpass",
    b"trespass",
    b"overpass",
    b"underpass",
    b"encompass",
];

/// Words starting with `auth` that name no credential. Any other word starting with `auth`
/// (`auth`, `authToken`, `auth_code`, `authentication`, `authKey`) makes the key sensitive.
/// `authenticated` is the toolkit's own user tag (`true`/`false`).
const AUTH_WORDS: &[&[u8]] = &[
    b"author",
    b"authors",
    b"authored",
    b"authoring",
    b"authorship",
    b"authority",
    b"authorities",
    b"authoritative",
    b"authenticated",
    b"authorized",
];

/// Normalised keys that are sensitive only as the whole key: Azure SAS signatures (`sig`)
/// and Symfony's session cookie (Sentry's denylist), too short or too common as stems.
const EXACT: &[&[u8]] = &[b"sig", b"symfony"];

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
/// Sentry's PII denylist is `x_forwarded_for`, `x_real_ip`, `ip_address`, `remote_addr`.
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

const fn is_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.' | b' ' | b'[' | b']')
}

/// Byte → normalised byte, `0` for separators (and NUL), which are dropped.
const NORMALISED: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if is_separator(c) {
            0
        } else {
            c.to_ascii_lowercase()
        };
        b += 1;
    }
    t
};

/// A key's normalised bytes and the positions where its words start.
struct Words<'b> {
    bytes: &'b [u8],
    starts: &'b [bool],
}

impl Words<'_> {
    fn is_word_start(&self, i: usize) -> bool {
        self.starts.get(i).copied().unwrap_or(false)
    }

    /// The word that starts at `start`: up to the next word start.
    fn word_at(&self, start: usize) -> &[u8] {
        let mut end = start + 1;
        while end < self.bytes.len() && !self.is_word_start(end) {
            end += 1;
        }
        self.bytes.get(start..end).unwrap_or_default()
    }

    fn last_word(&self) -> &[u8] {
        let start = (0..self.bytes.len())
            .rev()
            .find(|&i| self.is_word_start(i))
            .unwrap_or(0);
        &self.bytes[start..]
    }
}

/// Normalises `key` into `bytes` (at least `key.len()` long) and returns the used prefix;
/// when `starts` is given (as long as `bytes`), also marks where words start.
fn normalise_into<'b>(key: &str, bytes: &'b mut [u8], starts: Option<&mut [bool]>) -> &'b [u8] {
    let raw = key.as_bytes();
    let Some(starts) = starts else {
        let mut n = 0;
        for &b in raw {
            let norm = NORMALISED[usize::from(b)];
            if norm != 0
                && let Some(slot) = bytes.get_mut(n)
            {
                *slot = norm;
                n += 1;
            }
        }
        return &bytes[..n.min(bytes.len())];
    };
    let mut n = 0;
    let mut after_separator = true;
    let mut prev: u8 = 0;
    for (j, &b) in raw.iter().enumerate() {
        let norm = NORMALISED[usize::from(b)];
        if norm == 0 {
            after_separator = true;
            continue;
        }
        let (Some(slot), Some(start)) = (bytes.get_mut(n), starts.get_mut(n)) else {
            break;
        };
        *slot = norm;
        let next = raw.get(j + 1).copied().unwrap_or(0);
        // `smtpPass`, `key2Pass` start a word at the capital; `HTTPAuth` at the capital that
        // is followed by a lower-case letter.
        let hump = b.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next.is_ascii_lowercase()));
        *start = after_separator || hump;
        n += 1;
        after_separator = false;
        prev = b;
    }
    &bytes[..n]
}

/// Runs `f` on the normalised form of `key` without allocating for keys of ordinary length.
fn with_normalised<R>(key: &str, f: impl FnOnce(&[u8]) -> R) -> R {
    if key.len() <= STACK_KEY_LEN {
        let mut bytes = [0u8; STACK_KEY_LEN];
        f(normalise_into(key, &mut bytes, None))
    } else {
        let mut bytes = vec![0u8; key.len()];
        f(normalise_into(key, &mut bytes, None))
    }
}

/// Like [`with_normalised`], with word starts; only the rules about words need them.
fn with_words<R>(key: &str, f: impl FnOnce(&Words<'_>) -> R) -> R {
    let words = |bytes: &mut [u8], starts: &mut [bool]| {
        let len = normalise_into(key, bytes, Some(starts)).len();
        f(&Words {
            bytes: &bytes[..len],
            starts: &starts[..len],
        })
    };
    if key.len() <= STACK_KEY_LEN {
        words(&mut [0u8; STACK_KEY_LEN], &mut [false; STACK_KEY_LEN])
    } else {
        words(&mut vec![0u8; key.len()], &mut vec![false; key.len()])
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

/// Whether `norm[at..at + len]` lies inside an occurrence of a safe phrase.
fn inside_safe_phrase(norm: &[u8], at: usize, len: usize) -> bool {
    SAFE_PHRASES.iter().any(|phrase| {
        let n = phrase.len();
        let first = (at + len).saturating_sub(n);
        (first..=at).any(|s| norm.get(s..s + n) == Some(*phrase))
    })
}

/// What a key says about its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// An ordinary key: its value is scanned like any text.
    Plain,
    /// The value is a secret: replaced by `[Filtered]`.
    Sensitive,
    /// The value is the user's e-mail or IP address: removed unless `send_default_pii`.
    Pii,
}

/// What an occurrence of a stem means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stem {
    /// A built-in stem, anywhere: it does not count inside a safe phrase.
    Contained,
    /// A stem the user added, anywhere: it always counts.
    User,
    /// `auth`: at the start of a word (`authToken`), or ending the key (`basic_auth`).
    Auth,
    /// `pwd`, ending the key.
    Suffix,
    /// `pass`, ending the key, unless its last word is one of [`PASS_WORDS`].
    Pass,
    /// The whole key.
    Exact,
    /// Personal data, ending the key.
    PiiSuffix,
    /// Personal data, as the whole key.
    PiiExact,
}

/// The precompiled key rules: every stem and suffix, built-in and the user's, in one
/// automaton, so that a key is classified in one pass over its normalised bytes.
#[derive(Debug, Clone)]
pub(crate) struct KeyRules {
    stems: Automaton<Stem>,
    /// Raw key byte → the automaton's column of its normalised byte, [`SKIP`] for separators:
    /// normalisation and matching in one table lookup.
    raw_columns: [u8; 256],
}

/// A separator in [`KeyRules::raw_columns`].
const SKIP: u8 = u8::MAX;

impl KeyRules {
    /// The built-in rules plus the normalised, non-empty `extra` stems.
    pub(crate) fn new(extra: &[Box<str>]) -> Self {
        let all = |list: &'static [&'static [u8]], kind| list.iter().map(move |s| (*s, kind));
        let user = extra.iter().map(|s| (s.as_bytes(), Stem::User));
        let stems = all(STEMS, Stem::Contained)
            .chain(all(&[b"auth"], Stem::Auth))
            .chain(all(&[b"pwd"], Stem::Suffix))
            .chain(all(&[b"pass"], Stem::Pass))
            .chain(all(EXACT, Stem::Exact))
            .chain(all(PII_SUFFIXES, Stem::PiiSuffix))
            .chain(all(PII_EXACT, Stem::PiiExact))
            .chain(user);
        let stems = Automaton::new(stems);
        let mut raw_columns = [SKIP; 256];
        for (b, column) in raw_columns.iter_mut().enumerate() {
            let norm = NORMALISED[b];
            if norm != 0 {
                // Column 255 exists only when the stems hold 255 distinct bytes; that last
                // byte then reads as column 254, which can only make a stem match less.
                *column = stems.column(norm).min(SKIP - 1);
            }
        }
        Self { stems, raw_columns }
    }

    /// Whether some stem or suffix occurs in `key` at all: one table lookup and one
    /// transition per byte, with no buffer. Most keys stop here.
    fn mentions_a_stem(&self, key: &str) -> bool {
        let mut state = 0;
        for &b in key.as_bytes() {
            let column = self.raw_columns[usize::from(b)];
            if column == SKIP {
                continue;
            }
            let (next, found) = self.stems.step(state, column);
            if found {
                return true;
            }
            state = next;
        }
        false
    }

    /// Whether `key` names a secret.
    pub(crate) fn is_sensitive(&self, key: &str) -> bool {
        self.classify(key, false) == KeyKind::Sensitive
    }

    /// What `key` holds; personal-data keys are only reported as such when `pii_removed`.
    /// One normalisation and one pass of the automaton answer both questions.
    pub(crate) fn classify(&self, key: &str, pii_removed: bool) -> KeyKind {
        if key.is_empty() || !self.mentions_a_stem(key) {
            return KeyKind::Plain;
        }
        with_normalised(key, |norm| {
            let mut sensitive = false;
            let mut pii = false;
            self.stems.any(norm, |end, found| {
                let start = end - found.len;
                let at_end = end == norm.len();
                match found.kind {
                    Stem::PiiSuffix => pii |= at_end,
                    Stem::PiiExact => pii |= at_end && start == 0,
                    _ if sensitive => {}
                    Stem::User => sensitive = true,
                    Stem::Contained => sensitive = !inside_safe_phrase(norm, start, found.len),
                    Stem::Suffix => sensitive = at_end,
                    Stem::Exact => sensitive = at_end && start == 0,
                    Stem::Pass => {
                        sensitive =
                            at_end && with_words(key, |w| !PASS_WORDS.contains(&w.last_word()));
                    }
                    Stem::Auth => {
                        sensitive = at_end
                            || with_words(key, |w| {
                                w.is_word_start(start) && !AUTH_WORDS.contains(&w.word_at(start))
                            });
                    }
                }
                // Personal data is only decided at the end of the key.
                sensitive && !pii_removed
            });
            if pii_removed && pii {
                KeyKind::Pii
            } else if sensitive {
                KeyKind::Sensitive
            } else {
                KeyKind::Plain
            }
        })
    }
}

/// Whether a sensitive `key`'s value in free text runs to the end of the line.
pub(crate) fn is_whole_line(key: &str) -> bool {
    with_normalised(key, |norm| {
        WHOLE_LINE_STEMS.iter().any(|s| contains(norm, s))
    })
}
