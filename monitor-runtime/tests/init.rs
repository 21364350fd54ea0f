//! `init!()` and `init_with`: the default release comes from the calling crate, an explicit
//! release wins, sampler rules that match nothing are reported, and a bad configuration is
//! an error, never a panic.
//!
//! One test function: `init` binds the client to the process, so cases must not overlap.

use monitor_runtime::config::{Config, MapEnv};
use monitor_runtime::sampling::SamplerRules;
use monitor_runtime::{Mode, monitored};

#[monitored]
fn registered_job() {}

#[test]
fn init_resolves_release_warnings_and_errors() {
    // init!() expands in this crate: its name and version are the default release.
    let guard = monitor_runtime::init!(Config::default().install_logging(false)).expect("init");
    assert_eq!(
        guard.config().resolved().release(),
        Some(concat!(
            env!("CARGO_PKG_NAME"),
            "@",
            env!("CARGO_PKG_VERSION")
        ))
    );
    assert_eq!(guard.mode(), Mode::Local);
    drop(guard);

    // An explicit release (SENTRY_RELEASE or Config::release) wins over the default.
    let env = MapEnv::new().var("SENTRY_RELEASE", "crm@1.2.3");
    let config = Config::from_source(&env)
        .expect("valid")
        .install_logging(false);
    let guard = monitor_runtime::init!(config).expect("init");
    assert_eq!(guard.config().resolved().release(), Some("crm@1.2.3"));
    drop(guard);

    // Rules are checked against the registry and declared transactions.
    registered_job();
    let rules =
        SamplerRules::parse("init::registered_job=1.0;GET /api/v1/projects/*=1.0;GET /typo/*=0.5")
            .expect("valid rules");
    let config = Config::default()
        .traces_sampler(rules)
        .known_transaction("GET /api/v1/projects/{id}")
        .install_logging(false);
    let guard = monitor_runtime::init_with(config).expect("init");
    assert_eq!(guard.warnings().len(), 1, "{:?}", guard.warnings());
    assert!(
        guard.warnings()[0].contains("GET /typo/*=0.5"),
        "{:?}",
        guard.warnings()
    );
    drop(guard);

    // A configuration that drops every error says so, at init and in the health report.
    for value in ["0", "1e-400"] {
        let env = MapEnv::new().var("SENTRY_SAMPLE_RATE", value);
        let config = Config::from_source(&env)
            .expect("a rate of 0 is valid")
            .install_logging(false);
        let guard = monitor_runtime::init_with(config).expect("init");
        let expected = "the error sample rate (SENTRY_SAMPLE_RATE or Config::sample_rate) is 0: \
             every error event is dropped; use a rate above 0, such as 1.0, to report errors";
        assert_eq!(guard.warnings(), [expected], "SENTRY_SAMPLE_RATE={value}");
        assert_eq!(monitor_runtime::health().warnings, [expected]);
        drop(guard);
    }
    let guard =
        monitor_runtime::init_with(Config::default().sample_rate(0.5).install_logging(false))
            .expect("init");
    assert!(guard.warnings().is_empty(), "{:?}", guard.warnings());
    drop(guard);

    // A Spotlight URL that fails validation is shown without its password.
    let env = MapEnv::new().var("SENTRY_SPOTLIGHT", "http://spot:sp0tl1ght-pw@[::1/stream");
    let config = Config::from_source(&env)
        .expect("read")
        .install_logging(false);
    let error = monitor_runtime::init_with(config).unwrap_err().to_string();
    assert!(!error.contains("sp0tl1ght-pw"), "{error}");
    assert!(
        error.starts_with(r#"SENTRY_SPOTLIGHT="http://spot:[redacted]@[::1/stream" is invalid"#),
        "{error}"
    );

    // Bad values are errors that name the setting.
    let error = monitor_runtime::init_with(Config::default().traces_sample_rate(1.5)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "Config::traces_sample_rate(1.5) is invalid: expected a number from 0.0 to 1.0 (for example 0.25)"
    );
    let unwritable = Config::default().events_file("/proc/no/such/dir/events.jsonl".into());
    let error = monitor_runtime::init_with(unwritable).unwrap_err();
    assert_eq!(error.problems()[0].variable(), "MONITOR_EVENTS_FILE");
}
