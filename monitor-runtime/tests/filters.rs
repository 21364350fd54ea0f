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
