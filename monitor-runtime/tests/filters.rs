//! Profiles and filters through the real pipeline: what the production profile drops and
//! keeps, HTTP 4xx against 5xx, the ignore list, and the development profile's floor.

use monitor_runtime::sentry::Level;
use monitor_runtime::testing::Capture;

fn messages(captured: &monitor_runtime::testing::Captured) -> Vec<String> {
    captured
        .events()
        .iter()
        .filter_map(|e| monitor_runtime::testing::message(e).map(str::to_owned))
        .collect()
}

#[test]
fn production_sends_only_errors_and_fatals() {
    let ((), captured) = Capture::new()
        .configure(|c| c.environment("production"))
        .run(|| {
            for level in [
                Level::Debug,
                Level::Info,
                Level::Warning,
                Level::Error,
                Level::Fatal,
            ] {
                monitor_runtime::capture_message(&format!("{level:?}"), level);
            }
        });
    assert_eq!(messages(&captured), ["Error", "Fatal"]);
}

#[test]
fn development_sends_every_level() {
    let ((), captured) = Capture::new().run(|| {
        for level in [Level::Debug, Level::Info, Level::Warning, Level::Error] {
            monitor_runtime::capture_message(&format!("{level:?}"), level);
        }
    });
    assert_eq!(messages(&captured), ["Debug", "Info", "Warning", "Error"]);
}

#[test]
fn explicit_floor_overrides_the_profile() {
    let ((), captured) = Capture::new()
        .configure(|c| c.environment("production").min_event_level(Level::Warning))
        .run(|| {
            monitor_runtime::capture_message("info", Level::Info);
            monitor_runtime::capture_message("warning", Level::Warning);
        });
    assert_eq!(messages(&captured), ["warning"]);
}

#[test]
fn http_4xx_is_not_reported_and_5xx_is() {
    let ((), captured) = Capture::new().run(|| {
        for status in [400, 403, 404, 422, 500, 503] {
            monitor_runtime::Report::message(format!("status {status}"), Level::Error)
                .tag("status_code", status)
                .capture();
        }
    });
    assert_eq!(messages(&captured), ["status 500", "status 503"]);
}

#[test]
fn ignored_error_types_are_dropped() {
    let ((), captured) = Capture::new()
        .configure(|c| c.ignore_error_type("ParseIntError"))
        .run(|| {
            let parse = "x".parse::<u32>().unwrap_err();
            monitor_runtime::capture_error(&parse);
            let io = std::io::Error::other("disk full");
            monitor_runtime::capture_error(&io);
        });
    let types: Vec<_> = captured
        .events()
        .iter()
        .flat_map(|e| e.exception.values.iter().map(|x| x.ty.clone()))
        .collect();
    assert_eq!(types, ["io::Error"]);
}

fn transaction_names(captured: &monitor_runtime::testing::Captured) -> Vec<String> {
    captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect()
}

fn run_transactions(names: &[&'static str]) {
    for name in names {
        monitor_runtime::PerformanceMonitor::start_transaction(*name).finish();
    }
}

#[test]
fn ignored_transactions_are_not_sent() {
    let ((), captured) = Capture::new()
        .configure(|c| {
            c.ignore_transaction("GET /metrics")
                .ignore_transaction("* /internal/*")
        })
        .run(|| {
            run_transactions(&[
                "GET /metrics",
                "POST /internal/cache/flush",
                "GET /api/v1/metrics",
                "GET /api/v1/orders",
            ]);
        });
    assert_eq!(
        transaction_names(&captured),
        ["GET /api/v1/metrics", "GET /api/v1/orders"]
    );
}

const HEALTH_CHECKS: [&str; 6] = [
    "GET /health",
    "GET /healthz",
    "GET /api/v1/health",
    "HEAD /ready",
    "GET /live",
    "GET /ping",
];

#[test]
fn health_checks_are_ignored_by_default() {
    let ((), captured) = Capture::new().run(|| {
        run_transactions(&HEALTH_CHECKS);
        run_transactions(&["GET /health/monitoring", "GET /api/v1/organisations"]);
    });
    assert_eq!(
        transaction_names(&captured),
        ["GET /health/monitoring", "GET /api/v1/organisations"]
    );
}

#[test]
fn health_checks_are_kept_when_turned_off_from_the_environment() {
    let env = monitor_runtime::config::MapEnv::new()
        .var("SENTRY_ENVIRONMENT", "development")
        .var("SENTRY_IGNORE_HEALTH_CHECKS", "false")
        .var("SENTRY_IGNORE_TRANSACTIONS", "GET /ping");
    let config = monitor_runtime::Config::from_source(&env)
        .expect("valid")
        .install_logging(false);
    let ((), captured) = Capture::with_config(config).run(|| run_transactions(&HEALTH_CHECKS));
    assert_eq!(
        transaction_names(&captured),
        [
            "GET /health",
            "GET /healthz",
            "GET /api/v1/health",
            "HEAD /ready",
            "GET /live"
        ]
    );
}

#[test]
fn ignore_errors_drops_by_type_or_message_pattern() {
    let env = monitor_runtime::config::MapEnv::new()
        .var("SENTRY_ENVIRONMENT", "development")
        .var("SENTRY_IGNORE_ERRORS", "ParseIntError; *broken pipe*");
    let config = monitor_runtime::Config::from_source(&env)
        .expect("valid")
        .install_logging(false);
    let ((), captured) = Capture::with_config(config).run(|| {
        monitor_runtime::capture_error(&"x".parse::<u32>().unwrap_err());
        monitor_runtime::capture_error(&std::io::Error::other("write: broken pipe"));
        monitor_runtime::capture_message("upstream broken pipe", Level::Error);
        monitor_runtime::capture_error(&std::io::Error::other("disk full"));
    });
    let values: Vec<_> = captured
        .events()
        .iter()
        .flat_map(|e| e.exception.values.iter().filter_map(|x| x.value.clone()))
        .collect();
    assert_eq!(values, ["disk full"]);
    assert_eq!(captured.events().len(), 1);
}

#[test]
fn before_send_transaction_changes_or_drops_transactions() {
    let ((), captured) = Capture::new()
        .configure(|c| {
            c.before_send_transaction(|mut transaction| {
                if transaction.name.as_deref() == Some("drop me") {
                    return None;
                }
                transaction.name = transaction.name.map(|n| format!("renamed {n}"));
                transaction.tags.insert("team".into(), "billing".into());
                Some(transaction)
            })
        })
        .run(|| run_transactions(&["drop me", "keep me"]));
    assert_eq!(transaction_names(&captured), ["renamed keep me"]);
    assert_eq!(
        captured.transactions()[0]
            .raw()
            .tags
            .get("team")
            .map(String::as_str),
        Some("billing")
    );
}
