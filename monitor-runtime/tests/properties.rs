//! Property tests of the privacy scrubber and of every configuration parser.
//!
//! - Random JSON trees and events, with secrets planted at random depths under sensitive keys
//!   spelled in random casings and separator styles, and secrets of every detected form inside
//!   random text: after scrubbing, no secret survives and every other value is unchanged
//!   (the scrubbed tree equals the expected one exactly).
//! - Every parser (DSN, sampler rules, rates, booleans, log settings, durations, every
//!   environment variable as text and as raw bytes) over arbitrary input never panics, and an
//!   error always names what was wrong.

mod support;

use std::time::Duration;

use monitor_runtime::config::{Config, EnvSource, LogFormat, LogLevel, MapEnv, VARIABLES};
use monitor_runtime::sampling::SamplerRules;
use monitor_runtime::scrub::{Scrubber, redact_url_credentials};
use monitor_runtime::sentry::protocol::{Breadcrumb, Context, Event, Map};
use proptest::prelude::*;
use proptest::strategy::BoxedStrategy;
use serde_json::{Value, json};
use support::{grouped, luhn_complete};

const FILTERED: &str = "[Filtered]";

/// Marks every planted secret, so that survival is one `contains` away.
const MARK: &str = "S3CR3T";

// ---------------------------------------------------------------------------------------------
// Keys

/// Sensitive keys as words, rendered in random styles.
const SENSITIVE_WORDS: &[&[&str]] = &[
    &["password"],
    &["passwd"],
    &["secret"],
    &["api", "key"],
    &["auth"],
    &["credentials"],
    &["mysql", "pwd"],
    &["private", "key"],
    &["token"],
    &["session"],
    &["csrf", "token"],
    &["session", "id"],
    &["x", "forwarded", "for"],
    &["set", "cookie"],
    &["cookie"],
    &["authorization"],
    &["x", "api", "key"],
    &["connect", "sid"],
    &["phpsessid"],
    &["symfony"],
    &["xsrf", "token"],
    &["smtp", "pass"],
    &["db", "pwd"],
    &["webhook", "secret"],
    &["refresh", "token"],
    &["signing", "key"],
    &["access", "key"],
    &["secret", "key"],
    &["x", "amz", "signature"],
    &["hub", "signature", "256"],
    &["auth", "code"],
    &["authentication"],
    &["card", "cvv"],
];

/// Keys that must be left alone, including near misses of the stems.
const SAFE_KEYS: &[&str] = &[
    "page",
    "region",
    "user_id",
    "id",
    "key_id",
    "primary_key",
    "cache_key",
    "monkey",
    "name",
    "status",
    "author",
    "authenticated",
    "bypass",
    "token_count",
    "max_tokens",
    "gen_ai.usage.input_tokens",
    "public_key",
    "url",
    "count",
    "design",
];

#[derive(Debug, Clone, Copy)]
enum Style {
    Lower,
    Upper,
    Title,
    Camel,
}

fn render_key(words: &[&str], sep: &str, style: Style) -> String {
    let title = |w: &str| {
        let mut c = w.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    match style {
        Style::Lower => words.join(sep),
        Style::Upper => words.join(sep).to_ascii_uppercase(),
        Style::Title => words.iter().map(|w| title(w)).collect::<Vec<_>>().join(sep),
        Style::Camel => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { (*w).to_owned() } else { title(w) })
            .collect(),
    }
}

/// A sensitive key, and whether it is also personal data (`X-Forwarded-For` is on both of
/// Sentry's lists), which is removed rather than filtered without `send_default_pii`.
fn sensitive_key() -> impl Strategy<Value = (String, bool)> {
    (
        prop::sample::select(SENSITIVE_WORDS),
        prop::sample::select(&["_", "-", ".", " ", ""][..]),
        prop::sample::select(&[Style::Lower, Style::Upper, Style::Title, Style::Camel][..]),
    )
        .prop_map(|(words, sep, style)| {
            (
                render_key(words, sep, style),
                words == ["x", "forwarded", "for"],
            )
        })
}

fn safe_key() -> impl Strategy<Value = String> {
    prop::sample::select(SAFE_KEYS).prop_map(str::to_owned)
}

// ---------------------------------------------------------------------------------------------
// Values

/// Text no detector reacts to: lower-case words, digits, spaces and punctuation without
/// `:` or `=`, never starting with a digit so it cannot extend a card number before it.
fn safe_text() -> impl Strategy<Value = String> {
    "[a-z]{0,1}[a-z0-9 .,!?()]{0,30}"
}

/// A secret in a form a detector recognises, and what the scrubber leaves of it. Card
/// numbers cannot carry the mark, so their digits are returned to be checked as well.
fn detected_secret() -> impl Strategy<Value = (String, String, Option<String>)> {
    let tail = "[A-Za-z0-9]{30,36}";
    prop_oneof![
        tail.prop_map(|t| (
            format!("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.{MARK}{t}"),
            FILTERED.to_owned(),
            None
        )),
        tail.prop_map(|t| (format!("sk_live_{MARK}{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (format!("rk_live_{MARK}{t}"), FILTERED.to_owned(), None)),
        "[A-Z0-9]{10}".prop_map(|t| (format!("AKIA{MARK}{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (format!("ghp_{MARK}{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (format!("github_pat_{MARK}{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (format!("xoxb-{MARK}-{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (format!("AIza{MARK}{t}"), FILTERED.to_owned(), None)),
        tail.prop_map(|t| (
            format!("Bearer {MARK}.{t}"),
            format!("Bearer {FILTERED}"),
            None
        )),
        "[a-z]{3,8}".prop_map(|t| (
            format!("postgres://app:{MARK}{t}@db.internal:5432/prod"),
            format!("postgres://app:{FILTERED}@db.internal:5432/prod"),
            None
        )),
        "[a-z]{3,8}".prop_map(|t| (
            format!("smtp_pass={MARK}{t}"),
            format!("smtp_pass={FILTERED}"),
            None
        )),
        "[a-z]{3,8}".prop_map(|t| (
            format!("signing_key: {MARK}{t}"),
            format!("signing_key: {FILTERED}"),
            None
        )),
        ("[0-9]{11}", prop::sample::select(&["", " ", "-"][..])).prop_map(|(d, sep)| {
            let digits = luhn_complete(&format!("4{d}"));
            let printed = grouped(&digits, sep);
            (printed, FILTERED.to_owned(), Some(digits))
        }),
    ]
}

/// A leaf and what it must become.
fn leaf() -> BoxedStrategy<(Value, Value, Vec<String>)> {
    prop_oneof![
        6 => text_leaf(),
        1 => any::<i64>().prop_map(|n| (json!(n), json!(n), vec![])),
        1 => any::<bool>().prop_map(|b| (json!(b), json!(b), vec![])),
        1 => Just((Value::Null, Value::Null, vec![])),
    ]
    .boxed()
}

/// A string leaf: safe text, or safe text around a detected secret.
fn text_leaf() -> BoxedStrategy<(Value, Value, Vec<String>)> {
    prop_oneof![
        2 => safe_text().prop_map(|t| (json!(t), json!(t), vec![])),
        1 => (safe_text(), detected_secret(), "[a-z][a-z .,!?()]{0,20}").prop_map(
            |(before, (secret, left, digits), after)| {
                (
                    json!(format!("{before} {secret} {after}")),
                    json!(format!("{before} {left} {after}")),
                    digits.into_iter().collect(),
                )
            }
        ),
    ]
    .boxed()
}

/// A secret of any shape to hide under a sensitive key: a string, or a whole structure.
fn hidden_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        "[A-Za-z0-9]{1,12}".prop_map(|t| json!(format!("{MARK}{t}"))),
        "[A-Za-z0-9]{1,12}".prop_map(|t| json!({ "inner": format!("{MARK}{t}"), "n": 1 })),
        "[A-Za-z0-9]{1,12}".prop_map(|t| json!([format!("{MARK}{t}"), 2])),
        any::<u32>().prop_map(|n| json!(n)),
    ]
}

/// A JSON tree with secrets at random depths, its expected scrubbed form, and the card digits
/// that must not survive.
fn tree() -> BoxedStrategy<(Value, Value, Vec<String>)> {
    leaf()
        .prop_recursive(6, 64, 6, |inner| {
            let entry = prop_oneof![
                3 => (safe_key(), inner.clone()).prop_map(|(k, (v, e, d))| (k, v, Some(e), d)),
                1 => (sensitive_key(), hidden_value())
                    .prop_map(|((k, pii), v)| (k, v, (!pii).then(|| json!(FILTERED)), vec![])),
            ];
            prop_oneof![
                prop::collection::vec(entry, 0..6).prop_map(|entries| {
                    let mut input = serde_json::Map::new();
                    let mut expected = serde_json::Map::new();
                    let mut digits = Vec::new();
                    for (k, v, e, d) in entries {
                        input.insert(k.clone(), v);
                        match e {
                            Some(e) => expected.insert(k, e),
                            None => expected.remove(&k),
                        };
                        digits.extend(d);
                    }
                    (Value::Object(input), Value::Object(expected), digits)
                }),
                prop::collection::vec(inner, 0..4).prop_map(|items| {
                    let mut digits = Vec::new();
                    let (input, expected): (Vec<_>, Vec<_>) = items
                        .into_iter()
                        .map(|(v, e, d)| {
                            digits.extend(d);
                            (v, e)
                        })
                        .unzip();
                    (Value::Array(input), Value::Array(expected), digits)
                }),
            ]
        })
        .boxed()
}

fn assert_no_secret(text: &str, digits: &[String]) -> Result<(), TestCaseError> {
    prop_assert!(!text.contains(MARK), "a secret survived: {}", text);
    for d in digits {
        prop_assert!(!text.contains(d.as_str()), "card {} survived: {}", d, text);
    }
    Ok(())
}

fn object_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        other => [("value".to_owned(), other)].into_iter().collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn json_trees_lose_every_secret_and_keep_everything_else((input, expected, digits) in tree()) {
        let mut scrubbed = input;
        Scrubber::new(false).scrub_value(&mut scrubbed);
        assert_no_secret(&scrubbed.to_string(), &digits)?;
        prop_assert_eq!(scrubbed, expected);
    }

    #[test]
    fn events_lose_every_secret_and_keep_everything_else(
        (extra, extra_expected, d1) in tree(),
        (context, context_expected, d2) in tree(),
        (crumb, crumb_expected, d3) in tree(),
        tags in prop::collection::vec(
            prop_oneof![
                (safe_key(), text_leaf()).prop_map(|(k, (v, e, d))| (k, v, Some(e), d)),
                (sensitive_key(), "[A-Za-z0-9]{1,12}").prop_map(|((k, pii), t)| {
                    (k, json!(format!("{MARK}{t}")), (!pii).then(|| json!(FILTERED)), vec![])
                }),
            ],
            0..6,
        ),
        (message, message_expected, d4) in text_leaf(),
    ) {
        let text = |v: &Value| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let mut digits = [d1, d2, d3, d4].concat();
        let mut tag_map = Map::new();
        let mut tag_expected = Map::new();
        for (k, v, e, d) in tags {
            tag_map.insert(k.clone(), text(&v));
            match e {
                Some(e) => tag_expected.insert(k, text(&e)),
                None => tag_expected.remove(&k),
            };
            digits.extend(d);
        }
        let mut event = Event {
            message: Some(text(&message)),
            extra: object_map(extra),
            tags: tag_map,
            contexts: [("plant".to_owned(), Context::Other(object_map(context)))]
                .into_iter()
                .collect(),
            breadcrumbs: vec![Breadcrumb {
                message: Some(text(&message)),
                data: object_map(crumb),
                ..Default::default()
            }]
            .into(),
            ..Default::default()
        };
        Scrubber::new(false).scrub_event(&mut event);
        let wire = serde_json::to_string(&event).unwrap_or_default();
        assert_no_secret(&wire, &digits)?;
        let message_expected = text(&message_expected);
        prop_assert_eq!(event.message.as_deref(), Some(message_expected.as_str()));
        prop_assert_eq!(&event.extra, &object_map(extra_expected));
        prop_assert_eq!(&event.tags, &tag_expected);
        match event.contexts.get("plant") {
            Some(Context::Other(map)) => prop_assert_eq!(map, &object_map(context_expected)),
            other => prop_assert!(false, "context lost: {:?}", other),
        }
        prop_assert_eq!(&event.breadcrumbs[0].data, &object_map(crumb_expected));
    }

    #[test]
    fn arbitrary_text_never_panics_and_scrubbing_is_idempotent(s in any::<String>()) {
        let scrubber = Scrubber::new(false);
        let once = scrubber.scrub_str(&s).into_owned();
        prop_assert_eq!(scrubber.scrub_str(&once).into_owned(), once);
        let _ = scrubber.is_sensitive_key(&s);
        let _ = redact_url_credentials(&s);
    }

    #[test]
    fn safe_text_is_returned_unchanged(s in safe_text()) {
        prop_assert_eq!(Scrubber::new(false).scrub_str(&s), s.as_str());
    }
}

// ---------------------------------------------------------------------------------------------
// Parsers

/// Strings that look like the values parsers expect, mutated, besides fully arbitrary ones.
fn config_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        "(https?://)?[a-z0-9:@\\[\\]. ]{0,12}(:[0-9]{0,7})?(/[0-9a-z ]{0,4})?",
        "[-+]?[0-9]{0,3}(\\.[0-9]{0,5})?([eE][-+]?[0-9]{0,4})?",
        "([a-zA-Z0-9*/ {}]{0,10}=[-0-9.e]{0,5};?){0,4}",
        "[a-z_:=,]{0,20}",
    ]
}

fn check_read(env: &MapEnv, var: &str) -> Result<(), TestCaseError> {
    if let Err(err) = Config::from_source(env) {
        let message = err.to_string();
        prop_assert!(
            err.problems().iter().all(|p| p.variable() == var),
            "{}",
            message
        );
        // One line per problem (a sampler value can hold several bad rules).
        prop_assert_eq!(message.lines().count(), err.problems().len(), "{}", message);
        prop_assert!(message.lines().all(|l| l.starts_with(var)), "{}", message);
        prop_assert_eq!(format!("{err:?}"), message);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_variable_reads_arbitrary_text_without_panicking(
        var in prop::sample::select(VARIABLES),
        value in config_text(),
    ) {
        check_read(&MapEnv::new().var(var, value.as_str()), var)?;
    }

    #[test]
    fn every_variable_reads_arbitrary_bytes_without_panicking(
        var in prop::sample::select(VARIABLES),
        bytes in prop::collection::vec(any::<u8>(), 0..40),
    ) {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStringExt;
            let env = MapEnv::new().var_os(var, std::ffi::OsString::from_vec(bytes));
            prop_assert!(EnvSource::var_os(&env, var).is_some());
            check_read(&env, var)?;
        }
        #[cfg(not(unix))]
        let _ = (var, bytes);
    }

    #[test]
    fn text_parsers_never_panic(s in config_text()) {
        let _ = SamplerRules::parse(&s);
        let _ = LogLevel::parse(&s);
        let _ = LogFormat::parse(&s);
        let built = Config::default()
            .dsn(s.as_str())
            .environment(s.as_str())
            .release(s.as_str())
            .spotlight(Some(s.clone()))
            .log_filter(s.clone())
            .server_name(s.as_str())
            .scrub_key(s.as_str())
            .ignore_error_type(s.as_str());
        let _ = built.validate();
        let _ = format!("{built:?}");
    }

    #[test]
    fn numeric_and_duration_settings_never_panic(
        rate in any::<f32>(),
        count in any::<usize>(),
        nanos in any::<u64>(),
        secs in any::<u64>(),
    ) {
        let config = Config::default()
            .traces_sample_rate(rate)
            .sample_rate(rate)
            .profiles_sample_rate(rate)
            .max_breadcrumbs(count)
            .queue_capacity(count)
            .shutdown_timeout(Duration::from_nanos(nanos))
            .connect_timeout(Duration::new(secs, 0))
            .request_timeout(Duration::from_nanos(nanos));
        match config.validate() {
            Ok(()) => prop_assert!((0.0..=1.0).contains(&rate)),
            Err(err) => prop_assert!(!err.problems().is_empty()),
        }
    }
}
