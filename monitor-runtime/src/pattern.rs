//! Wildcard patterns, the one pattern language of the toolkit's settings: in a pattern, `*`
//! matches any run of characters (`/` included, possibly none) and every other character
//! matches itself, case included.
//!
//! `SENTRY_TRACES_SAMPLER` rules, `SENTRY_IGNORE_TRANSACTIONS`, `SENTRY_IGNORE_ERRORS` and
//! `SENTRY_TRACE_PROPAGATION_TARGETS` all use it, so one syntax serves every list.

use std::fmt;

/// Classic greedy wildcard matching of the whole of `text`: on a mismatch, retry from just
/// after the most recent `*`, letting it swallow one more byte. Only the latest `*` needs
/// revisiting, so there is no exponential backtracking: O(pattern × text) at worst, and no
/// allocation. Comparing bytes is sound for UTF-8: a literal multi-byte character can only
/// match at a character boundary.
pub(crate) fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // Position in the pattern after the latest `*`, and where in the text it resumed.
    let mut retry: Option<(usize, usize)> = None;
    while n < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                p += 1;
                retry = Some((p, n));
            }
            Some(&c) if c == text[n] => {
                p += 1;
                n += 1;
            }
            _ => match retry {
                Some((after_star, resumed)) => {
                    p = after_star;
                    n = resumed + 1;
                    retry = Some((after_star, n));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// How a [`PatternList`] compares a pattern with a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MatchMode {
    /// The pattern matches the whole text (`GET /health*`).
    Whole,
    /// The pattern matches anywhere in the text, as if it began and ended with `*`
    /// (`api.example.com` matches `https://api.example.com/v1`), the way other Sentry SDKs
    /// match plain strings in `trace_propagation_targets`.
    Anywhere,
}

/// A list of wildcard patterns, written `pattern;pattern;…` in environment variables.
///
/// This is the one pattern language of the toolkit's settings: in a pattern, `*` matches
/// any run of characters (`/` included, possibly none) and every other character matches
/// itself, case included. `SENTRY_TRACES_SAMPLER` rules, `SENTRY_IGNORE_TRANSACTIONS`,
/// `SENTRY_IGNORE_ERRORS` and `SENTRY_TRACE_PROPAGATION_TARGETS` all use it.
///
/// ```
/// use monitor_runtime::config::PatternList;
///
/// let list = PatternList::parse("GET /health*; *timeout*;");
/// assert_eq!(list.len(), 2);
/// assert!(list.matches("GET /healthz"));
/// assert!(list.matches("upstream timeout after 5s"));
/// assert!(!list.matches("POST /health"));
/// assert_eq!(list.to_string(), "GET /health*;*timeout*");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PatternList {
    /// The patterns as written (trimmed).
    patterns: Vec<String>,
    /// What is matched: for [`MatchMode::Anywhere`] each pattern wrapped in `*`, so that
    /// matching never allocates.
    compiled: Vec<String>,
    mode: Option<MatchMode>,
    /// A pattern of only `*` matches every text: no need to walk it (the default
    /// propagation target runs on every outgoing request).
    matches_all: bool,
}

impl PatternList {
    /// Reads `pattern;pattern;…`: whitespace around each pattern is ignored, and so are
    /// empty segments (a trailing `;`). Every text is a valid pattern.
    pub fn parse(list: &str) -> Self {
        Self::from_patterns(list.split(';'))
    }

    /// A list of the given patterns (trimmed; empty ones are skipped).
    pub fn from_patterns<I, S>(patterns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = PatternList::default();
        for pattern in patterns {
            list.push(pattern.as_ref());
        }
        list
    }

    /// Adds a pattern (trimmed; an empty one is skipped).
    pub fn push(&mut self, pattern: &str) {
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return;
        }
        self.patterns.push(pattern.to_owned());
        self.compiled.push(self.compile(pattern));
        self.matches_all |= pattern.bytes().all(|b| b == b'*');
    }

    /// The same patterns, matched anywhere in a text instead of against all of it.
    pub(crate) fn anywhere(mut self) -> Self {
        self.mode = Some(MatchMode::Anywhere);
        self.compiled = self.patterns.iter().map(|p| self.compile(p)).collect();
        self
    }

    fn compile(&self, pattern: &str) -> String {
        match self.mode.unwrap_or(MatchMode::Whole) {
            MatchMode::Whole => pattern.to_owned(),
            MatchMode::Anywhere => format!("*{pattern}*"),
        }
    }

    /// Whether any pattern matches `text`.
    pub fn matches(&self, text: &str) -> bool {
        self.matches_all
            || self
                .compiled
                .iter()
                .any(|pattern| wildcard_match(pattern.as_bytes(), text.as_bytes()))
    }

    /// The patterns, as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// How many patterns the list has.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when the list has no pattern (it then matches nothing).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

/// Writes the list back in `pattern;pattern` form.
impl fmt::Display for PatternList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.patterns.join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_and_anywhere() {
        let whole = PatternList::parse("api.example.com");
        assert!(whole.matches("api.example.com"));
        assert!(!whole.matches("https://api.example.com/v1"));
        let anywhere = PatternList::parse("api.example.com;https://*.internal/").anywhere();
        assert!(anywhere.matches("https://api.example.com/v1"));
        assert!(anywhere.matches("http://x/?next=https://billing.internal/"));
        assert!(!anywhere.matches("https://example.org/"));
        assert_eq!(anywhere.to_string(), "api.example.com;https://*.internal/");
    }

    #[test]
    fn empty_list_matches_nothing() {
        let list = PatternList::parse(" ; ;");
        assert!(list.is_empty());
        assert!(!list.matches(""));
        assert!(!list.matches("anything"));
    }

    #[test]
    fn wildcards_do_not_backtrack_exponentially() {
        let pattern = "*a".repeat(50) + "b";
        let text = "a".repeat(5_000);
        assert!(!wildcard_match(pattern.as_bytes(), text.as_bytes()));
    }
}
