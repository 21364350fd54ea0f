//! Which transactions are recorded: [`SamplerRules`] (`SENTRY_TRACES_SAMPLER`) and the
//! [`Sampler`] installed as the SDK's `traces_sampler`.
//!
//! A transaction's rate is decided in this order, the first that applies winning:
//! 1. the parent's decision carried by an incoming `sentry-trace` header (`-1`: record,
//!    `-0`: drop), so a distributed trace is kept or dropped as a whole;
//! 2. the first `SENTRY_TRACES_SAMPLER` rule whose pattern matches the transaction name;
//! 3. the `sample_rate` of the `#[monitored]` function that started the transaction
//!    (passed as custom data under [`FUNCTION_SAMPLE_RATE_KEY`]);
//! 4. the configured `SENTRY_TRACES_SAMPLE_RATE`, else the profile's rate.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sentry::TransactionContext;

use crate::settings::{ConfigError, ConfigProblem};

/// Custom-data key under which `#[monitored(sample_rate = …)]` passes its rate in the
/// [`TransactionContext`] (a JSON number in `0.0..=1.0`).
///
/// ```
/// use monitor_runtime::sampling::{Sampler, SamplerRules, FUNCTION_SAMPLE_RATE_KEY};
/// use sentry::TransactionContext;
///
/// let mut ctx = TransactionContext::new("nightly_import", "job");
/// ctx.custom_insert(FUNCTION_SAMPLE_RATE_KEY.into(), serde_json::json!(0.25));
/// assert_eq!(Sampler::new(SamplerRules::default(), 1.0).rate(&ctx), 0.25);
/// ```
pub const FUNCTION_SAMPLE_RATE_KEY: &str = "monitor.sample_rate";

const VARIABLE: &str = "SENTRY_TRACES_SAMPLER";
const EXPECTED: &str = "pattern=rate;pattern=rate with a non-empty pattern and a rate from \
     0.0 to 1.0 (for example GET /api/v1/projects/*=1.0;*=0.1)";

/// One `pattern=rate` rule. In the pattern, `*` matches any run of characters (`/`
/// included, possibly none); every other character matches itself.
#[derive(Debug, Clone, PartialEq)]
pub struct SamplerRule {
    pattern: String,
    rate: f32,
}

impl SamplerRule {
    /// The pattern, trimmed, as written.
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// The rate for matching transactions, in `0.0..=1.0`.
    pub fn rate(&self) -> f32 {
        self.rate
    }

    /// Whether the pattern matches the whole of `name`. Does not allocate, and runs in
    /// O(pattern × name) at worst, however many `*` the pattern has.
    ///
    /// ```
    /// use monitor_runtime::sampling::SamplerRules;
    ///
    /// let rules = SamplerRules::parse("GET /api/*/projects/*=1.0")?;
    /// let rule = &rules.rules()[0];
    /// assert!(rule.matches("GET /api/v1/projects/42"));
    /// assert!(rule.matches("GET /api/v1/projects/"));
    /// assert!(!rule.matches("POST /api/v1/projects/42"));
    /// # Ok::<(), monitor_runtime::config::ConfigError>(())
    /// ```
    pub fn matches(&self, name: &str) -> bool {
        crate::pattern::wildcard_match(self.pattern.as_bytes(), name.as_bytes())
    }

    /// Whether the pattern matches at least one of `names`. Init uses it to warn about
    /// rules that match no known function or route (most likely a typo).
    pub fn matches_any<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> bool {
        names.into_iter().any(|name| self.matches(name))
    }
}

impl fmt::Display for SamplerRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.pattern, self.rate)
    }
}

/// Rules read from `SENTRY_TRACES_SAMPLER`: `pattern=rate` pairs separated by `;`, the
/// first matching pattern deciding. Empty by default.
///
/// ```
/// use monitor_runtime::sampling::SamplerRules;
///
/// let rules: SamplerRules = "GET /api/v1/projects/*=1.0; *=0.1;".parse()?;
/// assert_eq!(rules.rate_for("GET /api/v1/projects/7"), Some(1.0));
/// assert_eq!(rules.rate_for("GET /health"), Some(0.1));
/// assert_eq!(rules.to_string(), "GET /api/v1/projects/*=1;*=0.1");
/// # Ok::<(), monitor_runtime::config::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SamplerRules {
    rules: Vec<SamplerRule>,
}

impl SamplerRules {
    /// Parses `pattern=rate;pattern=rate`. Each rule is split on its *last* `=`, so
    /// patterns may contain `=` (`GET /search?q=*=0.5`). Whitespace around patterns and
    /// rates is ignored, as are empty segments (a trailing `;`). Every bad rule (no `=`,
    /// empty pattern, rate not in `0.0..=1.0`) is reported, each naming
    /// `SENTRY_TRACES_SAMPLER` and showing the rule.
    ///
    /// ```
    /// use monitor_runtime::sampling::SamplerRules;
    ///
    /// let err = SamplerRules::parse("GET /a=1.0;oops;*=2").unwrap_err();
    /// assert_eq!(err.problems().len(), 2);
    /// assert_eq!(err.problems()[0].value(), "oops");
    /// assert_eq!(err.problems()[1].value(), "*=2");
    /// ```
    pub fn parse(rules: &str) -> Result<Self, ConfigError> {
        let mut parsed = Vec::new();
        let mut problems = Vec::new();
        for segment in rules.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            match parse_rule(segment) {
                Some(rule) => parsed.push(rule),
                None => problems.push(ConfigProblem::env(VARIABLE, segment, EXPECTED)),
            }
        }
        match ConfigError::from_problems(problems) {
            Some(err) => Err(err),
            None => Ok(Self { rules: parsed }),
        }
    }

    /// The rules in order.
    pub fn rules(&self) -> &[SamplerRule] {
        &self.rules
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule matching `name`.
    pub fn find(&self, name: &str) -> Option<&SamplerRule> {
        self.rules.iter().find(|rule| rule.matches(name))
    }

    /// The rate of the first rule matching `name`.
    pub fn rate_for(&self, name: &str) -> Option<f32> {
        self.find(name).map(SamplerRule::rate)
    }

    /// The rules that match none of `names`, in order.
    ///
    /// ```
    /// use monitor_runtime::sampling::SamplerRules;
    ///
    /// let rules = SamplerRules::parse("GET /users/*=1.0;GET /typo/*=1.0")?;
    /// let unmatched = rules.unmatched(["GET /users/{id}", "POST /orders"]);
    /// assert_eq!(unmatched.len(), 1);
    /// assert_eq!(unmatched[0].pattern(), "GET /typo/*");
    /// # Ok::<(), monitor_runtime::config::ConfigError>(())
    /// ```
    pub fn unmatched<'n>(&self, names: impl IntoIterator<Item = &'n str>) -> Vec<&SamplerRule> {
        let names: Vec<&str> = names.into_iter().collect();
        self.rules
            .iter()
            .filter(|rule| !rule.matches_any(names.iter().copied()))
            .collect()
    }
}

fn parse_rule(segment: &str) -> Option<SamplerRule> {
    let (pattern, rate) = segment.rsplit_once('=')?;
    let pattern = pattern.trim();
    let rate = rate.trim().parse::<f32>().ok()?;
    (!pattern.is_empty() && rate.is_finite() && (0.0..=1.0).contains(&rate)).then(|| SamplerRule {
        pattern: pattern.to_owned(),
        rate,
    })
}

impl FromStr for SamplerRules {
    type Err = ConfigError;

    fn from_str(rules: &str) -> Result<Self, Self::Err> {
        Self::parse(rules)
    }
}

/// Writes the rules back in `SENTRY_TRACES_SAMPLER` form.
impl fmt::Display for SamplerRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, rule) in self.rules.iter().enumerate() {
            if index > 0 {
                f.write_str(";")?;
            }
            fmt::Display::fmt(rule, f)?;
        }
        Ok(())
    }
}

/// Decides each transaction's sample rate in the [documented order](self).
///
/// ```
/// use monitor_runtime::sampling::{Sampler, SamplerRules};
/// use sentry::TransactionContext;
///
/// let rules = SamplerRules::parse("GET /api/v1/projects/*=1.0;*=0.1")?;
/// let sampler = Sampler::new(rules, 0.5);
/// assert_eq!(sampler.rate(&TransactionContext::new("GET /api/v1/projects/3", "http.server")), 1.0);
/// assert_eq!(sampler.rate(&TransactionContext::new("GET /health", "http.server")), 0.1);
///
/// let options = sentry::ClientOptions::new().traces_sampler(sampler.into_traces_sampler());
/// # drop(options);
/// # Ok::<(), monitor_runtime::config::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Sampler {
    rules: SamplerRules,
    default_rate: f32,
}

impl Sampler {
    /// A sampler with `rules` and a fallback `default_rate` (the configured rate, or the
    /// profile's). The rate is clamped into `0.0..=1.0`; NaN becomes 0.0.
    pub fn new(rules: SamplerRules, default_rate: f32) -> Self {
        Self {
            rules,
            default_rate: crate::settings::parse::clamp_rate(default_rate),
        }
    }

    /// The probability that the transaction described by `ctx` is recorded.
    ///
    /// A function rate that is not a number in `0.0..=1.0` is ignored (the macros check
    /// it at compile time, so this only guards hand-made contexts).
    pub fn rate(&self, ctx: &TransactionContext) -> f32 {
        self.rate_of(|| ctx.name(), ctx.sampled(), function_rate(ctx))
    }

    /// [`Sampler::rate`] from its inputs: the toolkit's own spans decide without building
    /// a `TransactionContext`.
    #[inline]
    pub(crate) fn rate_of<'n>(
        &self,
        name: impl FnOnce() -> &'n str,
        parent_sampled: Option<bool>,
        function_rate: Option<f32>,
    ) -> f32 {
        if let Some(parent_sampled) = parent_sampled {
            return if parent_sampled { 1.0 } else { 0.0 };
        }
        // The name is resolved only when a rule may match it.
        if !self.rules.is_empty()
            && let Some(rate) = self.rules.rate_for(name())
        {
            return rate;
        }
        function_rate
            .filter(|rate| (0.0..=1.0).contains(rate))
            .unwrap_or(self.default_rate)
    }

    /// The sampler as the closure `sentry::ClientOptions::traces_sampler` takes.
    ///
    /// Installed on a client, it also tells the toolkit's spans that SDK transactions (and
    /// so spans on a scope) exist from then on; until then a `#[monitored]` root does not
    /// read the scope.
    pub fn into_traces_sampler(
        self,
    ) -> impl Fn(&TransactionContext) -> f32 + Send + Sync + 'static {
        move |ctx| {
            note_sdk_transaction();
            self.rate(ctx)
        }
    }
}

/// Set once any SDK transaction was started through the toolkit's sampler.
///
/// A span can only be on a hub's scope if an SDK transaction was started, and under a
/// client with the toolkit's sampler every SDK transaction calls it. Until then, a
/// `#[monitored]` root under such a client knows without reading the scope (the SDK's only
/// public read clones it, about 450 instructions) that it has no SDK parent.
static SDK_TRANSACTIONS: AtomicBool = AtomicBool::new(false);

/// Called by the toolkit's sampler for every SDK transaction.
#[inline]
pub(crate) fn note_sdk_transaction() {
    if !SDK_TRANSACTIONS.load(Ordering::Relaxed) {
        SDK_TRANSACTIONS.store(true, Ordering::Relaxed);
    }
}

/// Whether the scope may hold a span, under a client whose tracer has a sampler.
#[inline]
pub(crate) fn sdk_transactions_seen() -> bool {
    SDK_TRANSACTIONS.load(Ordering::Relaxed)
}

fn function_rate(ctx: &TransactionContext) -> Option<f32> {
    let rate = ctx.custom()?.get(FUNCTION_SAMPLE_RATE_KEY)?.as_f64()?;
    (0.0..=1.0).contains(&rate).then_some(rate as f32)
}

/// Tail sampling: keep the traces of failed and slow requests that the head decision
/// did not sample. Off by default; `SENTRY_TAIL_SAMPLING` or [`Config::tail_sampling`]
/// turn it on.
///
/// A root that is not sampled at its start is then recorded anyway, cheaply, in a bounded
/// buffer, and sent when it finishes if an error event was captured inside it, its status
/// is an error, or it ran longer than [`slow`](TailSampling::slow). Otherwise it is dropped.
/// Pending traces share a process-wide memory [`budget`](TailSampling::budget) (the oldest
/// are dropped first when it is full) and keep at most
/// [`max_spans`](TailSampling::max_spans) spans each.
///
/// ```
/// use std::time::Duration;
/// use monitor_runtime::sampling::TailSampling;
///
/// let tail: TailSampling = "errors,slow=2s".parse()?;
/// assert!(tail.is_on());
/// assert_eq!(tail.slow(), Some(Duration::from_secs(2)));
/// assert_eq!(tail.budget(), 16 * 1024 * 1024);
/// assert_eq!(tail, TailSampling::errors().slow_over(Duration::from_secs(2)));
/// assert_eq!(tail.to_string(), "errors,slow=2s");
/// assert!(!TailSampling::default().is_on());
/// # Ok::<(), monitor_runtime::config::ConfigError>(())
/// ```
///
/// [`Config::tail_sampling`]: crate::config::Config::tail_sampling
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TailSampling {
    on: bool,
    slow: Option<Duration>,
    budget: usize,
    max_spans: usize,
}

impl Default for TailSampling {
    fn default() -> Self {
        TailSampling::off()
    }
}

const TAIL_VARIABLE: &str = "SENTRY_TAIL_SAMPLING";
const TAIL_EXPECTED: &str = "off, errors, or errors,slow=<duration> (for example errors,slow=2s; \
     durations in ms, s or m), optionally followed by ,budget=<size> (for example 16MiB, \
     512KiB) and ,max_spans=<count>";

impl TailSampling {
    /// The default memory budget of pending traces: 16 MiB.
    pub const DEFAULT_BUDGET: usize = 16 * 1024 * 1024;
    /// The default cap on spans per pending trace: the SDK's own per-transaction limit.
    pub const DEFAULT_MAX_SPANS: usize = 1_000;

    /// Tail sampling off: roots the head decision does not sample record nothing.
    pub const fn off() -> TailSampling {
        TailSampling {
            on: false,
            slow: None,
            budget: Self::DEFAULT_BUDGET,
            max_spans: Self::DEFAULT_MAX_SPANS,
        }
    }

    /// Keep traces in which an error event was captured, or whose root's status is an
    /// error (anything but `ok`, `cancelled` and `unknown`, as Sentry's failure rate counts).
    pub const fn errors() -> TailSampling {
        TailSampling {
            on: true,
            ..TailSampling::off()
        }
    }

    /// Also keep traces whose root ran longer than `threshold`.
    pub const fn slow_over(mut self, threshold: Duration) -> TailSampling {
        self.slow = Some(threshold);
        self
    }

    /// The process-wide memory budget of traces waiting for their decision, in bytes.
    pub const fn with_budget(mut self, bytes: usize) -> TailSampling {
        self.budget = bytes;
        self
    }

    /// The most spans one pending trace keeps (its root excluded).
    pub const fn with_max_spans(mut self, spans: usize) -> TailSampling {
        self.max_spans = spans;
        self
    }

    /// Whether tail sampling is on.
    pub const fn is_on(&self) -> bool {
        self.on
    }

    /// The latency over which a trace is kept, if any.
    pub const fn slow(&self) -> Option<Duration> {
        self.slow
    }

    /// The memory budget of pending traces, in bytes.
    pub const fn budget(&self) -> usize {
        self.budget
    }

    /// The cap on spans per pending trace.
    pub const fn max_spans(&self) -> usize {
        self.max_spans
    }

    /// Parses `SENTRY_TAIL_SAMPLING`; a bad value is reported with the accepted forms.
    ///
    /// ```
    /// use monitor_runtime::sampling::TailSampling;
    ///
    /// assert!(TailSampling::parse("errors,budget=4MiB,max_spans=200").is_ok());
    /// let err = TailSampling::parse("errors,slow=fast").unwrap_err();
    /// assert!(err.to_string().starts_with("SENTRY_TAIL_SAMPLING=\"errors,slow=fast\" is invalid"));
    /// ```
    pub fn parse(value: &str) -> Result<TailSampling, ConfigError> {
        parse_tail(value).ok_or_else(|| {
            ConfigError::single(ConfigProblem::env(TAIL_VARIABLE, value, TAIL_EXPECTED))
        })
    }
}

fn parse_tail(value: &str) -> Option<TailSampling> {
    let mut parts = value.split(',').map(str::trim);
    let mut tail = match parts.next()?.to_ascii_lowercase().as_str() {
        "off" | "" => TailSampling::off(),
        "errors" => TailSampling::errors(),
        _ => return None,
    };
    for part in parts {
        let (key, setting) = part.split_once('=')?;
        match key.trim().to_ascii_lowercase().as_str() {
            "slow" if tail.on => tail.slow = Some(parse_duration(setting.trim())?),
            "budget" => tail.budget = parse_size(setting.trim())?,
            "max_spans" => tail.max_spans = setting.trim().parse().ok()?,
            _ => return None,
        }
    }
    Some(tail)
}

/// `250ms`, `2s`, `1.5s`, `2m`.
fn parse_duration(value: &str) -> Option<Duration> {
    let split = value.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = value.split_at(split);
    let number: f64 = number.trim().parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => number / 1_000.0,
        "s" => number,
        "m" | "min" => number * 60.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
}

/// `16MiB`, `512KiB`, `1GiB`, `1048576` (bytes), also `MB`/`KB` (as the binary units).
fn parse_size(value: &str) -> Option<usize> {
    let split = value
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(split);
    let number: usize = number.trim().parse().ok()?;
    let scale: usize = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(scale).filter(|bytes| *bytes > 0)
}

impl FromStr for TailSampling {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

/// Writes the setting back in `SENTRY_TAIL_SAMPLING` form (defaults left out).
impl fmt::Display for TailSampling {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.on {
            return f.write_str("off");
        }
        f.write_str("errors")?;
        if let Some(slow) = self.slow {
            if slow.subsec_millis() == 0 && slow.as_secs() > 0 {
                write!(f, ",slow={}s", slow.as_secs())?;
            } else {
                write!(f, ",slow={}ms", slow.as_millis())?;
            }
        }
        if self.budget != Self::DEFAULT_BUDGET {
            write!(f, ",budget={}", self.budget)?;
        }
        if self.max_spans != Self::DEFAULT_MAX_SPANS {
            write!(f, ",max_spans={}", self.max_spans)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    use sentry::protocol::EnvelopeItem;
    use sentry::{ClientOptions, Envelope, Hub, Scope, Transport};
    use serde_json::json;

    use super::*;
    use crate::config::Config;

    const SEED_RULES: &str = "GET /api/v1/projects/*=1.0;*=0.1";

    fn rule(pattern: &str) -> SamplerRule {
        SamplerRule {
            pattern: pattern.to_owned(),
            rate: 1.0,
        }
    }

    #[test]
    fn parses_good_rules() {
        let rules = SamplerRules::parse(" GET /a = 0.5 ;;*=1; ").expect("valid rules");
        let parsed: Vec<_> = rules
            .rules()
            .iter()
            .map(|r| (r.pattern(), r.rate()))
            .collect();
        assert_eq!(parsed, [("GET /a", 0.5), ("*", 1.0)]);

        let with_equals = SamplerRules::parse("GET /search?q=*=0.25").expect("valid rules");
        assert_eq!(with_equals.rules()[0].pattern(), "GET /search?q=*");
        assert_eq!(with_equals.rules()[0].rate(), 0.25);

        assert!(SamplerRules::parse("").is_ok_and(|r| r.is_empty()));
        assert!(SamplerRules::parse(" ; ;").is_ok_and(|r| r.is_empty()));
        assert!(SamplerRules::parse(SEED_RULES).is_ok_and(|r| r.rules().len() == 2));
    }

    #[test]
    fn reports_every_bad_rule_exactly() {
        let cases = [
            ("GET /a", "GET /a"),
            ("=0.5", "=0.5"),
            ("  =0.5", "=0.5"),
            ("*=abc", "*=abc"),
            ("*=1.5", "*=1.5"),
            ("*=-0.1", "*=-0.1"),
            ("*=NaN", "*=NaN"),
            ("*=inf", "*=inf"),
            ("*=", "*="),
            ("GET /a=0.5=", "GET /a=0.5="),
        ];
        for (input, shown) in cases {
            let err = SamplerRules::parse(input).expect_err(input);
            assert_eq!(
                err.to_string(),
                format!("SENTRY_TRACES_SAMPLER={shown:?} is invalid: expected {EXPECTED}"),
            );
        }
        let several = SamplerRules::parse("a=1;b;c=2;d=0").expect_err("two bad rules");
        let shown: Vec<_> = several.problems().iter().map(|p| p.value()).collect();
        assert_eq!(shown, ["b", "c=2"]);
        assert_eq!(several.to_string().lines().count(), 2);
    }

    #[test]
    fn wildcard_edge_cases() {
        let cases: &[(&str, &str, bool)] = &[
            ("*", "", true),
            ("*", "anything/at/all", true),
            ("", "", true),
            ("", "x", false),
            ("abc", "abc", true),
            ("abc", "abcd", false),
            ("abc", "ab", false),
            ("a*", "a", true),
            ("*c", "abc", true),
            ("*c", "abd", false),
            ("a*c", "ac", true),
            ("a*c", "abbbc", true),
            ("a*c", "abcb", false),
            ("a**c", "abc", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXcYb", false),
            (
                "GET /api/v1/projects/*",
                "GET /api/v1/projects/42/tasks",
                true,
            ),
            ("GET /api/v1/projects/*", "GET /api/v1/projects", false),
            ("GET /api/v1/projects/*", "get /api/v1/projects/1", false),
            ("*/projects/*", "POST /api/v1/projects/1", true),
            ("?", "x", false),
            ("?", "?", true),
            ("é*ü", "éàü", true),
            ("*ü", "u", false),
            ("a*a*a*a*a*a*a*b", &"a".repeat(64), false),
        ];
        for &(pattern, name, expected) in cases {
            assert_eq!(
                rule(pattern).matches(name),
                expected,
                "{pattern:?} vs {name:?}"
            );
        }
    }

    #[test]
    fn pathological_patterns_stay_fast() {
        let pattern = "*a".repeat(200) + "b";
        let name = "a".repeat(10_000);
        let start = std::time::Instant::now();
        assert!(!rule(&pattern).matches(&name));
        // Exponential backtracking would never finish; quadratic takes milliseconds.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn first_matching_rule_wins_and_unmatched_rules_are_listed() {
        let rules =
            SamplerRules::parse("GET /a/*=0.2;GET /*=0.7;GET /never=1").expect("valid rules");
        assert_eq!(rules.rate_for("GET /a/1"), Some(0.2));
        assert_eq!(rules.rate_for("GET /b"), Some(0.7));
        assert_eq!(rules.rate_for("POST /b"), None);
        let unmatched: Vec<_> = rules
            .unmatched(["GET /a/{id}", "GET /b"])
            .into_iter()
            .map(SamplerRule::pattern)
            .collect();
        assert_eq!(unmatched, ["GET /never"]);
        assert!(rules.rules()[0].matches_any(["x", "GET /a/"]));
    }

    fn ctx(
        name: &str,
        parent: Option<bool>,
        function_rate: Option<serde_json::Value>,
    ) -> TransactionContext {
        let mut ctx = TransactionContext::new(name, "test");
        ctx.set_sampled(parent);
        if let Some(rate) = function_rate {
            ctx.custom_insert(FUNCTION_SAMPLE_RATE_KEY.to_owned(), rate);
        }
        ctx
    }

    #[test]
    fn order_is_parent_then_rule_then_function_then_default() {
        let rules = SamplerRules::parse("ruled*=0.3").expect("valid rules");
        let sampler = Sampler::new(rules, 0.05);

        // Parent beats everything.
        assert_eq!(
            sampler.rate(&ctx("ruled", Some(true), Some(json!(0.0)))),
            1.0
        );
        assert_eq!(
            sampler.rate(&ctx("ruled", Some(false), Some(json!(1.0)))),
            0.0
        );
        assert_eq!(sampler.rate(&ctx("free", Some(false), None)), 0.0);
        // Rule beats the function's rate.
        assert_eq!(sampler.rate(&ctx("ruled", None, Some(json!(0.9)))), 0.3);
        // Function rate beats the default.
        assert_eq!(sampler.rate(&ctx("free", None, Some(json!(0.9)))), 0.9);
        assert_eq!(sampler.rate(&ctx("free", None, Some(json!(0)))), 0.0);
        // Default last; malformed function rates are ignored.
        assert_eq!(sampler.rate(&ctx("free", None, None)), 0.05);
        for bad in [
            json!(1.5),
            json!(-1),
            json!("0.5"),
            json!(null),
            json!([0.5]),
        ] {
            assert_eq!(sampler.rate(&ctx("free", None, Some(bad))), 0.05);
        }
    }

    #[test]
    fn default_rate_is_clamped() {
        let free = ctx("free", None, None);
        assert_eq!(Sampler::new(SamplerRules::default(), 7.0).rate(&free), 1.0);
        assert_eq!(Sampler::new(SamplerRules::default(), -1.0).rate(&free), 0.0);
        assert_eq!(
            Sampler::new(SamplerRules::default(), f32::NAN).rate(&free),
            0.0
        );
    }

    #[test]
    fn from_config_uses_rules_and_profile_rate() {
        let config = Config::default()
            .environment("production")
            .traces_sampler(SamplerRules::parse("a=0.7").unwrap_or_default());
        let sampler = Sampler::from_config(&config);
        assert_eq!(sampler.rate(&ctx("a", None, None)), 0.7);
        assert_eq!(sampler.rate(&ctx("b", None, None)), 0.1);
    }

    /// Counts sent transactions by name.
    #[derive(Default)]
    struct CountingTransport {
        sent: Mutex<HashMap<String, usize>>,
    }

    impl CountingTransport {
        fn count(&self, name_prefix: &str) -> usize {
            let sent = self
                .sent
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            sent.iter()
                .filter(|(name, _)| name.starts_with(name_prefix))
                .map(|(_, count)| count)
                .sum()
        }

        fn total(&self) -> usize {
            self.count("")
        }
    }

    impl Transport for CountingTransport {
        fn send_envelope(&self, envelope: Envelope) {
            let mut sent = self
                .sent
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            for item in envelope.items() {
                if let EnvelopeItem::Transaction(transaction) = item {
                    let name = transaction.name.clone().expect("valid rules");
                    *sent.entry(name).or_default() += 1;
                }
            }
        }
    }

    /// A real client whose `traces_sampler` is `sampler`, sending into a counter.
    fn hub_with(sampler: Sampler) -> (Arc<Hub>, Arc<CountingTransport>) {
        let transport = Arc::new(CountingTransport::default());
        let options = ClientOptions::new()
            .dsn("https://public@example.invalid/1")
            .traces_sampler(sampler.into_traces_sampler())
            .transport(Arc::clone(&transport));
        let client = Arc::new(sentry::Client::from(options));
        (
            Arc::new(Hub::new(Some(client), Arc::new(Scope::default()))),
            transport,
        )
    }

    #[test]
    fn statistical_seed_rules_in_a_real_client() {
        let rules = SamplerRules::parse(SEED_RULES).expect("valid rules");
        let (hub, transport) = hub_with(Sampler::new(rules, 0.5));
        const TOTAL: usize = 10_000;
        let others = [
            "GET /api/v1/apps",
            "POST /api/v1/apps/deploy",
            "DELETE /api/v1/apps/",
        ];
        for n in 0..TOTAL {
            let name = if n % 2 == 0 {
                format!("GET /api/v1/projects/{n}")
            } else {
                format!("{}{n}", others[n % others.len()])
            };
            hub.start_transaction(TransactionContext::new(&name, "http.server"))
                .finish();
        }
        let projects = transport.count("GET /api/v1/projects/");
        let rest = transport.total() - projects;
        assert_eq!(projects, TOTAL / 2, "every project transaction is kept");
        let share = rest as f64 / (TOTAL / 2) as f64;
        assert!(
            (share - 0.1).abs() <= 0.02,
            "kept {share} of the others, expected 0.1 ± 0.02"
        );
    }

    fn continued(name: &str, flag: char) -> TransactionContext {
        let header = format!("{}-{}-{flag}", "a".repeat(32), "b".repeat(16));
        TransactionContext::continue_from_headers(
            name,
            "http.server",
            [("sentry-trace", header.as_str())],
        )
    }

    #[test]
    fn parent_decisions_are_honoured_in_a_real_client() {
        let (hub, transport) = hub_with(Sampler::new(SamplerRules::default(), 0.0));
        for _ in 0..100 {
            hub.start_transaction(continued("kept by parent", '1'))
                .finish();
        }
        assert_eq!(transport.total(), 100);

        let (hub, transport) = hub_with(Sampler::new(SamplerRules::default(), 1.0));
        for _ in 0..100 {
            hub.start_transaction(continued("dropped by parent", '0'))
                .finish();
        }
        assert_eq!(transport.total(), 0);
    }
}
