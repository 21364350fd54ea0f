use std::path::Path;

use super::*;
use crate::environment::Profile;

const SEED_RULES: &str = "GET /api/v1/projects/*=1.0;*=0.1";
const DSN_FORM: &str = "expected a DSN like https://<public key>@<host>/<project id> \
         (empty or unset for local mode)";
const TAIL_FORM: &str = "expected off, errors, or errors,slow=<duration> (for example errors,slow=2s; durations in ms, s or m), optionally followed by ,budget=<size> (for example 16MiB, 512KiB) and ,max_spans=<count>";
const RATE_FORM: &str = "expected a number from 0.0 to 1.0 (for example 0.25)";
const BOOL_FORM: &str = "expected one of true, false, 1, 0, yes, no, on, off";

/// Variables that accept every value, so the table has no bad case for them:
/// any text is a valid path or server name (an unusable path fails when init opens it),
/// and any text is a list of wildcard patterns.
const NO_BAD_VALUE: [&str; 5] = [
    "MONITOR_EVENTS_FILE",
    "SENTRY_SERVER_NAME",
    "SENTRY_TRACE_PROPAGATION_TARGETS",
    "SENTRY_IGNORE_TRANSACTIONS",
    "SENTRY_IGNORE_ERRORS",
];

/// `(variable, value, None)` must be accepted; `(variable, value, Some(message))` must be
/// rejected with exactly `message`.
fn table() -> Vec<(&'static str, String, Option<String>)> {
    let good = |var: &'static str, value: &str| (var, value.to_owned(), None);
    let bad =
        |var: &'static str, value: &str, message: String| (var, value.to_owned(), Some(message));
    let rate_bad = |var: &'static str, value: &str, shown: &str| {
        bad(
            var,
            value,
            format!("{var}={shown:?} is invalid: {RATE_FORM}"),
        )
    };
    let bool_bad = |var: &'static str, value: &str| {
        bad(
            var,
            value,
            format!("{var}={value:?} is invalid: {BOOL_FORM}"),
        )
    };

    let mut rows = vec![
            good("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"),
            good("SENTRY_DSN", "https://public:secret@o1.ingest.sentry.io/42"),
            good("SENTRY_DSN", ""),
            good("SENTRY_DSN", "   "),
            bad(
                "SENTRY_DSN",
                "not-a-dsn",
                format!(r#"SENTRY_DSN="not-a-dsn" is invalid: {DSN_FORM}; it is not a URL"#),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@127.0.0.1:9/1 extra",
                format!(
                    r#"SENTRY_DSN="https://key@127.0.0.1:9/1 extra" is invalid: {DSN_FORM}; it contains whitespace"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://ke y:secret@host/1",
                format!(
                    r#"SENTRY_DSN="https://ke y:[redacted]@host/1" is invalid: {DSN_FORM}; it contains whitespace"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@[::1]:99999/1",
                format!(
                    r#"SENTRY_DSN="https://key@[::1]:99999/1" is invalid: {DSN_FORM}; the port 99999 is out of range (1 to 65535)"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key:secret@o1.ingest.sentry.io:0/1",
                format!(
                    r#"SENTRY_DSN="https://key:[redacted]@o1.ingest.sentry.io:0/1" is invalid: {DSN_FORM}; the port 0 is out of range (1 to 65535)"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://key@host:80x/1",
                format!(
                    r#"SENTRY_DSN="https://key@host:80x/1" is invalid: {DSN_FORM}; the port "80x" is not a number"#
                ),
            ),
            good("SENTRY_DSN", "https://key@[::1]:65535/1"),
            good("SENTRY_DSN", "http://key@127.0.0.1:9000/1"),
            bad(
                "SENTRY_DSN",
                "https://public:hunter2@o1.ingest.sentry.io/",
                format!(
                    r#"SENTRY_DSN="https://public:[redacted]@o1.ingest.sentry.io/" is invalid: {DSN_FORM}; the project id is missing"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "ftp://public@o1.ingest.sentry.io/42",
                format!(
                    r#"SENTRY_DSN="ftp://public@o1.ingest.sentry.io/42" is invalid: {DSN_FORM}; the scheme must be http or https"#
                ),
            ),
            bad(
                "SENTRY_DSN",
                "https://o1.ingest.sentry.io/42",
                format!(
                    r#"SENTRY_DSN="https://o1.ingest.sentry.io/42" is invalid: {DSN_FORM}; the public key before @ is missing"#
                ),
            ),
            good("SENTRY_ENVIRONMENT", "staging"),
            good("SENTRY_ENVIRONMENT", ""),
            bad(
                "SENTRY_ENVIRONMENT",
                "my env",
                r#"SENTRY_ENVIRONMENT="my env" is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#.to_owned(),
            ),
            bad(
                "SENTRY_ENVIRONMENT",
                "None",
                r#"SENTRY_ENVIRONMENT="None" is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#.to_owned(),
            ),
            good("SENTRY_RELEASE", "shop@1.2.3+abc"),
            good("SENTRY_RELEASE", ""),
            bad(
                "SENTRY_RELEASE",
                "shop/1.2",
                r#"SENTRY_RELEASE="shop/1.2" is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#.to_owned(),
            ),
            bad(
                "SENTRY_RELEASE",
                "latest",
                r#"SENTRY_RELEASE="latest" is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#.to_owned(),
            ),
            good("SENTRY_ENABLE_TRACING", "False"),
            good("SENTRY_ENABLE_TRACING", " on "),
            bool_bad("SENTRY_ENABLE_TRACING", "maybe"),
            good("SENTRY_DEBUG", "False"),
            good("SENTRY_DEBUG", "YES"),
            bool_bad("SENTRY_DEBUG", "nope"),
            bool_bad("SENTRY_DEBUG", ""),
            good("SENTRY_SEND_DEFAULT_PII", "0"),
            good("SENTRY_SEND_DEFAULT_PII", "True"),
            bool_bad("SENTRY_SEND_DEFAULT_PII", "2"),
            good("SENTRY_MAX_BREADCRUMBS", "0"),
            good("SENTRY_MAX_BREADCRUMBS", "1000"),
        ];
    for (value, shown) in [("1001", "1001"), ("-1", "-1"), ("lots", "lots"), (" ", "")] {
        rows.push(bad(
                "SENTRY_MAX_BREADCRUMBS",
                value,
                format!(
                    "SENTRY_MAX_BREADCRUMBS={shown:?} is invalid: expected a whole number from 0 to 1000 (default 50)"
                ),
            ));
    }
    for var in [
        "SENTRY_TRACES_SAMPLE_RATE",
        "SENTRY_SAMPLE_RATE",
        "SENTRY_PROFILES_SAMPLE_RATE",
    ] {
        rows.push(good(var, "0.25"));
        rows.push(good(var, " 1 "));
        rows.push(good(var, "0"));
        for (value, shown) in [
            ("abc", "abc"),
            ("1.5", "1.5"),
            ("-0.1", "-0.1"),
            ("NaN", "NaN"),
            ("inf", "inf"),
            ("  ", ""),
        ] {
            rows.push(rate_bad(var, value, shown));
        }
    }
    rows.extend([
            good("SENTRY_TRACES_SAMPLER", SEED_RULES),
            good("SENTRY_TRACES_SAMPLER", ""),
            bad(
                "SENTRY_TRACES_SAMPLER",
                "GET /a=1.0;GET /b",
                r#"SENTRY_TRACES_SAMPLER="GET /b" is invalid: expected pattern=rate;pattern=rate with a non-empty pattern and a rate from 0.0 to 1.0 (for example GET /api/v1/projects/*=1.0;*=0.1)"#.to_owned(),
            ),
            good("SENTRY_TAIL_SAMPLING", "off"),
            good("SENTRY_TAIL_SAMPLING", "errors"),
            good("SENTRY_TAIL_SAMPLING", "errors,slow=2s"),
            good("SENTRY_TAIL_SAMPLING", "Errors, slow=250ms, budget=4MiB, max_spans=200"),
            good("SENTRY_TAIL_SAMPLING", ""),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "errors,slow=fast",
                format!(r#"SENTRY_TAIL_SAMPLING="errors,slow=fast" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "all",
                format!(r#"SENTRY_TAIL_SAMPLING="all" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "off,slow=2s",
                format!(r#"SENTRY_TAIL_SAMPLING="off,slow=2s" is invalid: {TAIL_FORM}"#),
            ),
            bad(
                "SENTRY_TAIL_SAMPLING",
                "errors,budget=0",
                format!(r#"SENTRY_TAIL_SAMPLING="errors,budget=0" is invalid: {TAIL_FORM}"#),
            ),
            good("SENTRY_SPOTLIGHT", "1"),
            good("SENTRY_SPOTLIGHT", "off"),
            good("SENTRY_SPOTLIGHT", ""),
            good("SENTRY_SPOTLIGHT", "https://spotlight.internal:8969/stream"),
            bad(
                "SENTRY_SPOTLIGHT",
                "maybe",
                r#"SENTRY_SPOTLIGHT="maybe" is invalid: expected 1, true, yes or on (for http://localhost:8969/stream), 0, false, no, off or empty (disabled), or an http:// or https:// URL"#.to_owned(),
            ),
            bad(
                "SENTRY_SPOTLIGHT",
                "ftp://u:pw@host",
                r#"SENTRY_SPOTLIGHT="ftp://u:[redacted]@host" is invalid: expected 1, true, yes or on (for http://localhost:8969/stream), 0, false, no, off or empty (disabled), or an http:// or https:// URL"#.to_owned(),
            ),
            good("LOG_LEVEL", "WARNING"),
            good("LOG_LEVEL", "off"),
            bad(
                "LOG_LEVEL",
                "verbose",
                r#"LOG_LEVEL="verbose" is invalid: expected one of trace, debug, info, warn, warning, error, off"#.to_owned(),
            ),
            good("RUST_LOG", "info,my_crate=debug"),
            good("RUST_LOG", ""),
            bad(
                "RUST_LOG",
                "info,sqlx=loud",
                r#"RUST_LOG="info,sqlx=loud" is invalid: expected tracing directives such as info or warn,my_crate=debug,my_crate::db=trace"#.to_owned(),
            ),
            good("LOG_FORMAT", "JSON"),
            good("LOG_FORMAT", "pretty"),
            bad(
                "LOG_FORMAT",
                "xml",
                r#"LOG_FORMAT="xml" is invalid: expected json or pretty"#.to_owned(),
            ),
            // No bad value: see NO_BAD_VALUE.
            good("MONITOR_EVENTS_FILE", "/tmp/events.jsonl"),
            good("MONITOR_EVENTS_FILE", ""),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_SERVER_NAME", "web-1"),
            good("SENTRY_SERVER_NAME", ""),
            good("SENTRY_ENABLE_LOGS", "on"),
            good("SENTRY_ENABLE_LOGS", "0"),
            bool_bad("SENTRY_ENABLE_LOGS", "sometimes"),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_TRACE_PROPAGATION_TARGETS", "127.0.0.1:3000;https://*.internal/"),
            good("SENTRY_TRACE_PROPAGATION_TARGETS", ""),
            good("SENTRY_PROPAGATE_TRACEPARENT", "yes"),
            bool_bad("SENTRY_PROPAGATE_TRACEPARENT", "w3c"),
            good("SENTRY_STRICT_TRACE_CONTINUATION", "true"),
            bool_bad("SENTRY_STRICT_TRACE_CONTINUATION", "strict"),
            good("SENTRY_ORG_ID", "1234"),
            good("SENTRY_ORG_ID", ""),
            bad(
                "SENTRY_ORG_ID",
                "o1234",
                r#"SENTRY_ORG_ID="o1234" is invalid: expected a whole number, the organisation id (for example 1234)"#.to_owned(),
            ),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_IGNORE_TRANSACTIONS", "GET /metrics;* /internal/*"),
            good("SENTRY_IGNORE_TRANSACTIONS", ""),
            good("SENTRY_IGNORE_HEALTH_CHECKS", "off"),
            bool_bad("SENTRY_IGNORE_HEALTH_CHECKS", "sometimes"),
            // No bad value: see NO_BAD_VALUE.
            good("SENTRY_IGNORE_ERRORS", "ConnectionReset;*broken pipe*"),
            good("SENTRY_IGNORE_ERRORS", ""),
            good("SENTRY_SHUTDOWN_TIMEOUT", "5"),
            good("SENTRY_SHUTDOWN_TIMEOUT", "0.5"),
            good("SENTRY_SHUTDOWN_TIMEOUT", "0"),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "2s",
                r#"SENTRY_SHUTDOWN_TIMEOUT="2s" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "-1",
                r#"SENTRY_SHUTDOWN_TIMEOUT="-1" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
            bad(
                "SENTRY_SHUTDOWN_TIMEOUT",
                "86400",
                r#"SENTRY_SHUTDOWN_TIMEOUT="86400" is invalid: expected a number of seconds from 0 to 3600 (for example 2 or 0.5)"#.to_owned(),
            ),
        ]);
    rows
}

#[test]
fn every_variable_has_good_and_bad_cases_with_exact_messages() {
    let rows = table();
    for var in VARIABLES {
        assert!(
            rows.iter().any(|(v, _, e)| v == var && e.is_none()),
            "{var} has no good case"
        );
        assert!(
            NO_BAD_VALUE.contains(var) || rows.iter().any(|(v, _, e)| v == var && e.is_some()),
            "{var} has no bad case"
        );
    }
    for (var, value, expected) in rows {
        let result = Config::from_source(&MapEnv::new().var(var, value.as_str()));
        match (result, expected) {
            (Ok(config), None) => assert!(
                config.validate().is_ok(),
                "{var}={value:?} was read but does not validate"
            ),
            (Err(err), Some(message)) => {
                assert_eq!(err.to_string(), message, "{var}={value:?}");
                assert_eq!(err.problems().len(), 1, "{var}={value:?}");
                assert_eq!(err.problems()[0].variable(), var);
            }
            (Ok(_), Some(message)) => {
                panic!("{var}={value:?} was accepted; expected {message}")
            }
            (Err(err), None) => panic!("{var}={value:?} was rejected: {err}"),
        }
    }
}

/// `VARIABLES` is exactly what `from_source` asks its source for, so the tests over
/// every variable (non-UTF-8 values, arbitrary text) really cover every one.
#[test]
fn variables_lists_every_variable_read() {
    #[derive(Default)]
    struct Recording(std::cell::RefCell<Vec<String>>);
    impl EnvSource for Recording {
        fn var(&self, name: &str) -> Option<String> {
            self.0.borrow_mut().push(name.to_owned());
            None
        }
        fn hostname(&self) -> Option<String> {
            None
        }
        fn is_test_run(&self) -> bool {
            false
        }
    }
    let source = Recording::default();
    Config::from_source(&source).unwrap();
    let mut read = source.0.into_inner();
    read.dedup();
    assert_eq!(read, VARIABLES);
}

/// Every variable, including the free-text ones (release, environment, events file,
/// server name), rejects a value that is not UTF-8 with an error naming it.
#[cfg(unix)]
#[test]
fn non_utf8_values_are_errors_naming_the_variable() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    for var in VARIABLES {
        let env = MapEnv::new().var_os(*var, OsString::from_vec(b"shop\xff1".to_vec()));
        let err = Config::from_source(&env).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{var}=\"shop\u{FFFD}1\" is invalid: expected valid UTF-8 text (the bytes shown as \u{FFFD} are not UTF-8)"
            ),
        );
        assert_eq!(err.problems().len(), 1, "{var}");
    }
    // A DSN that is not UTF-8 still has its secret redacted.
    let env = MapEnv::new().var_os(
        "SENTRY_DSN",
        OsString::from_vec(b"https://pub:hunter2@h\xff/1".to_vec()),
    );
    let message = Config::from_source(&env).unwrap_err().to_string();
    assert!(!message.contains("hunter2"), "{message}");
    assert!(
        message.starts_with("SENTRY_DSN=\"https://pub:[redacted]@h"),
        "{message}"
    );
}

#[test]
fn odd_inputs_never_panic_and_messages_stay_one_line_and_short() {
    let long = "x".repeat(100_000);
    let long_unicode = "🦀é".repeat(10_000);
    let odd: Vec<&str> = vec![
        "",
        " ",
        "\t\n ",
        "\0",
        "a\0b",
        "a\nb",
        "\"quoted\"",
        "é",
        "🦀",
        "=;=;",
        ";;;",
        "*",
        "1e309",
        "-0",
        "+1",
        "0x1",
        "١",
        &long,
        &long_unicode,
        "https://a:b@c:d@e/1",
    ];
    for var in VARIABLES {
        for value in &odd {
            let env = MapEnv::new()
                .var(*var, *value)
                .hostname(*value)
                .test_run(false);
            if let Err(err) = Config::from_source(&env) {
                for problem in err.problems() {
                    assert!(
                        problem.value().chars().count() <= 201,
                        "{var}: value not cut"
                    );
                    let line = problem.to_string();
                    assert_eq!(line.lines().count(), 1, "{var}: {line}");
                    assert!(line.len() < 2_000, "{var}: message too long");
                }
            }
        }
    }
}

#[test]
fn all_problems_are_reported_together_in_reading_order() {
    let env = MapEnv::new()
        .var("LOG_FORMAT", "xml")
        .var("SENTRY_DSN", "https://public:s3cr3t@host/")
        .var("SENTRY_TRACES_SAMPLE_RATE", "abc")
        .var("SENTRY_TRACES_SAMPLER", "a;b=2")
        .var("SENTRY_DEBUG", "x");
    let err = Config::from_source(&env).expect_err("five problems");
    let variables: Vec<_> = err.problems().iter().map(ConfigProblem::variable).collect();
    assert_eq!(
        variables,
        [
            "SENTRY_DSN",
            "SENTRY_TRACES_SAMPLE_RATE",
            "SENTRY_DEBUG",
            "SENTRY_TRACES_SAMPLER",
            "SENTRY_TRACES_SAMPLER",
            "LOG_FORMAT",
        ]
    );
    let message = err.to_string();
    assert_eq!(message.lines().count(), 6);
    assert!(!message.contains("s3cr3t"));
    assert_eq!(
        message.lines().nth(1),
        Some(
            r#"SENTRY_TRACES_SAMPLE_RATE="abc" is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"#
        )
    );
}

fn resolved_for(env: MapEnv) -> Config {
    Config::from_source(&env).expect("valid environment")
}

fn assert_development(config: &Config) {
    let r = config.resolved();
    assert_eq!(r.environment(), "development");
    assert_eq!(r.profile(), Profile::Development);
    assert_eq!(r.traces_sample_rate(), 1.0);
    assert_eq!(r.sample_rate(), 1.0);
    assert!(!r.debug());
    assert_eq!(r.min_event_level(), Level::Debug);
    assert_eq!(r.log_format(), LogFormat::Pretty);
    assert_eq!(r.log_filter(), "debug");
}

fn assert_production(config: &Config, environment: &str) {
    let r = config.resolved();
    assert_eq!(r.environment(), environment);
    assert_eq!(r.profile(), Profile::Production);
    assert_eq!(r.traces_sample_rate(), 0.1);
    assert_eq!(r.sample_rate(), 1.0);
    assert!(!r.debug());
    assert_eq!(r.min_event_level(), Level::Error);
    assert_eq!(r.log_format(), LogFormat::Json);
    assert_eq!(r.log_filter(), "info");
}

#[test]
fn profiles_follow_detection() {
    for host in ["localhost", "127.0.0.1", "api-test-3", "my.local"] {
        assert_development(&resolved_for(MapEnv::new().hostname(host)));
    }
    assert_production(
        &resolved_for(MapEnv::new().hostname("prod-web-1")),
        "production",
    );
    assert_production(&resolved_for(MapEnv::new()), "production");
    assert_development(&resolved_for(
        MapEnv::new().hostname("prod-web-1").test_run(true),
    ));
    let staging = MapEnv::new()
        .hostname("localhost")
        .test_run(true)
        .var("SENTRY_ENVIRONMENT", "staging");
    assert_production(&resolved_for(staging), "staging");
    let explicit_dev = MapEnv::new()
        .hostname("prod-web-1")
        .var("SENTRY_ENVIRONMENT", "development");
    assert_development(&resolved_for(explicit_dev));
}

#[test]
fn spotlight_without_a_dsn_gets_the_development_profile_unless_variables_say_otherwise() {
    let spotlight = MapEnv::new()
        .hostname("prod-web-1")
        .var("SENTRY_SPOTLIGHT", "1");
    let r = resolved_for(spotlight.clone());
    assert_eq!(r.resolved().environment(), "production");
    assert_eq!(r.resolved().profile(), Profile::Development);
    assert_eq!(r.resolved().traces_sample_rate(), 1.0);
    assert_eq!(r.resolved().min_event_level(), Level::Debug);
    assert!(!r.resolved().debug(), "SDK debug output stays off");

    let explicit = resolved_for(
        spotlight
            .clone()
            .var("SENTRY_TRACES_SAMPLE_RATE", "0.2")
            .var("LOG_LEVEL", "warn"),
    );
    assert_eq!(explicit.resolved().traces_sample_rate(), 0.2);
    assert_eq!(explicit.resolved().log_filter(), "warn");

    let with_dsn =
        resolved_for(spotlight.var("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"));
    assert_eq!(with_dsn.resolved().profile(), Profile::Production);
}

#[test]
fn sdk_debug_output_is_off_unless_asked_for() {
    let dev = resolved_for(MapEnv::new().hostname("localhost"));
    assert_eq!(dev.resolved().profile(), Profile::Development);
    assert!(!dev.resolved().debug());
    let asked = resolved_for(
        MapEnv::new()
            .hostname("localhost")
            .var("SENTRY_DEBUG", "true"),
    );
    assert!(asked.resolved().debug());
}

#[test]
fn explicit_variables_override_the_profile() {
    let prod = resolved_for(
        MapEnv::new()
            .hostname("prod-web-1")
            .var("SENTRY_TRACES_SAMPLE_RATE", "0.5")
            .var("SENTRY_SAMPLE_RATE", "0.75")
            .var("SENTRY_DEBUG", "true")
            .var("LOG_FORMAT", "pretty")
            .var("LOG_LEVEL", "trace"),
    );
    let r = prod.resolved();
    assert_eq!(r.profile(), Profile::Production);
    assert_eq!(r.traces_sample_rate(), 0.5);
    assert_eq!(r.sample_rate(), 0.75);
    assert!(r.debug());
    assert_eq!(r.log_format(), LogFormat::Pretty);
    assert_eq!(r.log_filter(), "trace");
    assert_eq!(r.min_event_level(), Level::Error);

    let dev = resolved_for(
        MapEnv::new()
            .hostname("localhost")
            .var("SENTRY_TRACES_SAMPLE_RATE", "0")
            .var("SENTRY_DEBUG", "False")
            .var("LOG_FORMAT", "json"),
    );
    let r = dev.resolved();
    assert_eq!(r.traces_sample_rate(), 0.0);
    assert!(!r.debug());
    assert_eq!(r.log_format(), LogFormat::Json);
}

#[test]
fn builder_values_override_the_environment_and_the_profile() {
    let env = MapEnv::new()
        .hostname("prod-web-1")
        .var("SENTRY_TRACES_SAMPLE_RATE", "0.5")
        .var("RUST_LOG", "info,sqlx=warn");
    let config = resolved_for(env)
        .traces_sample_rate(0.2)
        .min_event_level(Level::Warning)
        .log_level(LogLevel::Error)
        .environment("development");
    let r = config.resolved();
    assert_eq!(r.traces_sample_rate(), 0.2);
    assert_eq!(r.min_event_level(), Level::Warning);
    assert_eq!(r.log_filter(), "error");
    assert!(!r.debug(), "SDK debug output is never a profile default");
}

#[test]
fn everything_else_is_read() {
    let env = MapEnv::new()
        .hostname("prod-web-1")
        .var("SENTRY_RELEASE", " shop@2.0.0 ")
        .var("SENTRY_ENABLE_TRACING", "off")
        .var("SENTRY_PROFILES_SAMPLE_RATE", "0.5")
        .var("SENTRY_SEND_DEFAULT_PII", "on")
        .var("SENTRY_MAX_BREADCRUMBS", "7")
        .var("SENTRY_TRACES_SAMPLER", SEED_RULES)
        .var("SENTRY_SPOTLIGHT", "yes")
        .var("LOG_LEVEL", "warn")
        .var("RUST_LOG", "info,sqlx=warn")
        .var("MONITOR_EVENTS_FILE", "/tmp/events.jsonl")
        .var("SENTRY_SERVER_NAME", "web-1")
        .var("SENTRY_ENABLE_LOGS", "yes")
        .var("SENTRY_SHUTDOWN_TIMEOUT", "7.5");
    let config = resolved_for(env).default_release("shop@1.0.0");
    let r = config.resolved();
    assert_eq!(r.release(), Some("shop@2.0.0"));
    assert!(!r.tracing_enabled());
    assert_eq!(r.warnings().len(), 1);
    assert!(r.warnings()[0].contains("SENTRY_PROFILES_SAMPLE_RATE"));
    assert!(r.send_default_pii());
    assert_eq!(r.max_breadcrumbs(), 7);
    assert_eq!(
        r.sampler_rules().to_string(),
        "GET /api/v1/projects/*=1;*=0.1"
    );
    assert_eq!(r.spotlight(), Some("http://localhost:8969/stream"));
    assert_eq!(
        r.log_filter(),
        "info,sqlx=warn",
        "RUST_LOG wins over LOG_LEVEL"
    );
    assert_eq!(r.events_file(), Some(Path::new("/tmp/events.jsonl")));
    assert_eq!(r.server_name(), Some("web-1"));
    assert!(r.logs_enabled());
    assert_eq!(r.shutdown_timeout(), Duration::from_millis(7500));

    let spotlight_url = resolved_for(MapEnv::new().var("SENTRY_SPOTLIGHT", "http://side:1/s"));
    assert_eq!(
        spotlight_url.resolved().spotlight(),
        Some("http://side:1/s")
    );
    let spotlight_off = resolved_for(MapEnv::new().var("SENTRY_SPOTLIGHT", "0"));
    assert_eq!(spotlight_off.resolved().spotlight(), None);
}

#[test]
fn defaults_when_nothing_is_set() {
    let config = Config::default();
    let r = config.resolved();
    assert!(r.is_local());
    assert_eq!(r.environment(), "development");
    assert_eq!(r.release(), None);
    assert!(r.tracing_enabled());
    assert!(!r.send_default_pii());
    assert_eq!(r.max_breadcrumbs(), 50);
    assert!(r.sampler_rules().is_empty());
    assert_eq!(r.spotlight(), None);
    assert_eq!(r.events_file(), None);
    assert_eq!(r.server_name(), None);
    assert_eq!(r.shutdown_timeout(), Duration::from_secs(2));
    assert_eq!(r.queue_capacity(), 2_000);
    assert_eq!(r.connect_timeout(), Duration::from_secs(2));
    assert_eq!(r.request_timeout(), Duration::from_secs(5));
    assert!(r.ignored_error_types().is_empty());
    assert!(r.scrub_keys().is_empty());
    assert!(r.install_logging());
    assert!(!r.logs_enabled());
    assert!(r.warnings().is_empty());
    assert!(config.validate().is_ok());
}

#[test]
fn release_precedence() {
    let plain = Config::default().default_release("shop@1.0.0");
    assert_eq!(plain.resolved().release(), Some("shop@1.0.0"));
    let env =
        resolved_for(MapEnv::new().var("SENTRY_RELEASE", "shop@env")).default_release("shop@1.0.0");
    assert_eq!(env.resolved().release(), Some("shop@env"));
    let builder = env.release("shop@code");
    assert_eq!(builder.resolved().release(), Some("shop@code"));
    let empty = resolved_for(MapEnv::new().var("SENTRY_RELEASE", "")).default_release("a@1");
    assert_eq!(empty.resolved().release(), Some("a@1"));
}

#[test]
fn dsn_valid_empty_and_secret_bearing() {
    let valid =
        resolved_for(MapEnv::new().var("SENTRY_DSN", "https://public@o1.ingest.sentry.io/42"));
    let dsn = valid.resolved().dsn().expect("parsed DSN");
    assert_eq!(dsn.public_key(), "public");
    assert_eq!(dsn.host(), "o1.ingest.sentry.io");
    assert_eq!(dsn.project_id().value(), "42");
    assert!(!valid.resolved().is_local());

    assert!(
        resolved_for(MapEnv::new().var("SENTRY_DSN", ""))
            .resolved()
            .is_local()
    );
    assert!(resolved_for(MapEnv::new()).resolved().is_local());

    let malformed = MapEnv::new().var("SENTRY_DSN", "https://public:hunter2@o1.ingest.sentry.io/");
    let err = Config::from_source(&malformed).expect_err("no project id");
    assert!(!err.to_string().contains("hunter2"));
    assert!(!format!("{err:?}").contains("hunter2"));
    assert!(!err.problems()[0].value().contains("hunter2"));

    let with_secret = resolved_for(MapEnv::new().var(
        "SENTRY_DSN",
        "https://public:hunter2@o1.ingest.sentry.io/42",
    ));
    assert_eq!(
        with_secret.resolved().dsn().and_then(Dsn::secret_key),
        Some("hunter2")
    );
    let debug = format!("{with_secret:?} {:?}", with_secret.resolved());
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("[redacted]"));

    let spotlight = Config::default().spotlight(Some("http://u:topsecret@side:1/s".into()));
    assert!(!format!("{spotlight:?}").contains("topsecret"));
}

#[test]
fn builder_dsn_never_fails_and_validate_reports_it_redacted() {
    let config = Config::default().dsn("https://public:hunter2@host/");
    assert!(config.resolved().is_local());
    let err = config.validate().expect_err("bad DSN");
    assert_eq!(
        err.to_string(),
        format!(
            r#"Config::dsn("https://public:[redacted]@host/") is invalid: {DSN_FORM}; the project id is missing"#
        )
    );
    assert!(!format!("{config:?}").contains("hunter2"));
    assert!(Config::default().dsn("").resolved().is_local());
    assert!(!Config::default().dsn("https://k@h/1").resolved().is_local());
}

#[test]
fn validate_names_builder_methods_with_exact_messages() {
    let cases: Vec<(Config, &str)> = vec![
        (
            Config::default().traces_sample_rate(1.5),
            "Config::traces_sample_rate(1.5) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
        ),
        (
            Config::default().sample_rate(f32::NAN),
            "Config::sample_rate(NaN) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
        ),
        (
            Config::default().profiles_sample_rate(-1.0),
            "Config::profiles_sample_rate(-1) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)",
        ),
        (
            Config::default().max_breadcrumbs(5000),
            "Config::max_breadcrumbs(5000) is invalid: expected a whole number from 0 to 1000 (default 50)",
        ),
        (
            Config::default().queue_capacity(0),
            "Config::queue_capacity(0) is invalid: expected a capacity of at least 1",
        ),
        (
            Config::default().connect_timeout(Duration::ZERO),
            "Config::connect_timeout(0ns) is invalid: expected a duration greater than zero",
        ),
        (
            Config::default().request_timeout(Duration::ZERO),
            "Config::request_timeout(0ns) is invalid: expected a duration greater than zero",
        ),
        (
            Config::default().environment("my env"),
            r#"Config::environment("my env") is invalid: expected a name of at most 64 characters without whitespace, slashes or control characters, other than None (for example production or staging)"#,
        ),
        (
            Config::default().release("latest"),
            r#"Config::release("latest") is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#,
        ),
        (
            Config::default().default_release(""),
            r#"Config::default_release("") is invalid: expected a name of at most 200 characters without slashes, backslashes or control characters, other than ., .. or latest (for example my-app@1.2.3)"#,
        ),
        (
            Config::default().spotlight(Some("localhost:8969".into())),
            r#"Config::spotlight("localhost:8969") is invalid: expected an http:// or https:// URL, or None to disable Spotlight"#,
        ),
        (
            Config::default().log_filter("info,sqlx=loud".into()),
            r#"Config::log_filter("info,sqlx=loud") is invalid: expected tracing directives such as info or warn,my_crate=debug,my_crate::db=trace"#,
        ),
        (
            Config::default().server_name(" "),
            r#"Config::server_name(" ") is invalid: expected a non-empty name"#,
        ),
        (
            Config::default().ignore_error_type(""),
            r#"Config::ignore_error_type("") is invalid: expected a non-empty name"#,
        ),
        (
            Config::default().scrub_key(""),
            r#"Config::scrub_key("") is invalid: expected a non-empty name"#,
        ),
    ];
    for (config, message) in cases {
        let err = config.validate().expect_err(message);
        assert_eq!(err.to_string(), message);
    }

    let several = Config::default()
        .sample_rate(2.0)
        .queue_capacity(0)
        .validate();
    assert_eq!(several.map_err(|e| e.problems().len()), Err(2));
}

#[test]
fn a_full_builder_chain_validates() {
    let config = Config::default()
        .dsn("https://public@o1.ingest.sentry.io/42")
        .environment("staging")
        .release("shop@1.2.3")
        .default_release("shop@0.0.0")
        .traces_sample_rate(0.25)
        .sample_rate(1.0)
        .enable_tracing(true)
        .profiles_sample_rate(0.1)
        .profiles_sample_rate(0.2)
        .debug(false)
        .send_default_pii(false)
        .max_breadcrumbs(100)
        .traces_sampler(SamplerRules::parse(SEED_RULES).expect("seed rules"))
        .spotlight(Some("http://localhost:8969/stream".into()))
        .log_filter("info,my_crate=debug".into())
        .log_format(LogFormat::Json)
        .events_file(PathBuf::from("events.jsonl"))
        .server_name("web-1")
        .shutdown_timeout(Duration::from_secs(1))
        .queue_capacity(10)
        .connect_timeout(Duration::from_millis(500))
        .request_timeout(Duration::from_secs(3))
        .ignore_error_type("NotFound")
        .min_event_level(Level::Warning)
        .scrub_key("ssn")
        .install_logging(false);
    assert!(config.validate().is_ok());
    let r = config.resolved();
    assert_eq!(
        r.warnings().len(),
        1,
        "the profiling warning is not repeated"
    );
    assert_eq!(r.profile(), Profile::Production);
    assert_eq!(r.release(), Some("shop@1.2.3"));
    assert!(!r.install_logging());
    assert_eq!(r.scrub_keys(), ["ssn"]);
    assert_eq!(r.queue_capacity(), 10);
}

#[test]
fn getters_never_hand_out_values_the_sdk_would_panic_on() {
    let config = Config::default()
        .traces_sample_rate(7.0)
        .sample_rate(f32::NAN)
        .max_breadcrumbs(usize::MAX)
        .queue_capacity(0);
    let r = config.resolved();
    assert_eq!(r.traces_sample_rate(), 1.0);
    assert_eq!(r.sample_rate(), 0.0);
    assert_eq!(r.max_breadcrumbs(), 1000);
    assert_eq!(r.queue_capacity(), 1);
}
