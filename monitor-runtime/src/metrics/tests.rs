use super::*;

#[test]
fn names_and_keys_follow_the_documented_form() {
    for good in [
        "a",
        "http.requests",
        "quiz_completed",
        "db.query-time",
        "A9",
    ] {
        assert!(validate_name(good).is_ok(), "{good}");
        assert!(validate_tag_key(good).is_ok(), "{good}");
    }
    let longest = "x".repeat(MAX_NAME_LEN);
    assert!(validate_name(&longest).is_ok());
    let too_long = "x".repeat(MAX_NAME_LEN + 1);
    for bad in [
        "",
        "quiz completed",
        "a/b",
        "é",
        "a:b",
        "tab\t",
        too_long.as_str(),
    ] {
        assert!(validate_name(bad).is_err(), "{bad:?}");
        assert!(validate_tag_key(bad).is_err(), "{bad:?}");
    }
    assert!(validate_tag_key("sentry.release").is_err());
    assert!(validate_name("sentry.release").is_ok());
}

#[test]
fn errors_are_clear_and_stay_short() {
    let huge = "y ".repeat(50_000);
    let message = increment(huge).send().unwrap_err().to_string();
    assert!(message.len() < 400, "{}", message.len());
    assert!(message.starts_with("metric name \"y y"));

    assert_eq!(
        increment("jobs")
            .tag("sentry.environment", "x")
            .send()
            .unwrap_err()
            .to_string(),
        "tag key \"sentry.environment\" of metric \"jobs\" is invalid: expected 1 to 150 ASCII letters, digits, `_`, `.` or `-`, not starting with `sentry.`"
    );
    assert_eq!(
        increment_by("jobs", -1).send().unwrap_err().to_string(),
        "value -1 of metric \"jobs\" is invalid: expected zero or more: a counter only goes up"
    );
    assert_eq!(
        gauge("load", f64::INFINITY).send().unwrap_err().to_string(),
        "value inf of metric \"load\" is invalid: expected a finite number"
    );
    assert_eq!(
        increment("jobs")
            .unit("second")
            .send()
            .unwrap_err()
            .to_string(),
        "metric \"jobs\" is a counter, and counters have no unit"
    );
    assert!(gauge("load", -3.5).send().is_ok(), "gauges may go down");
}

#[test]
fn invalid_metrics_dropped_unsent_never_panic_and_are_counted() {
    let before = rejected();
    drop(increment("bad name"));
    drop(timing::start("bad name too"));
    let value = timing::measure("still bad!", || 5);
    assert_eq!(value, 5);
    assert!(rejected() >= before + 3);
}

#[test]
fn values_of_every_primitive_type_are_accepted() {
    assert_eq!(7_usize.to_f64(), 7.0);
    assert_eq!((-2_i64).to_f64(), -2.0);
    assert_eq!(1.5_f32.to_f64(), 1.5);
    assert_eq!(millis(Duration::from_micros(1500)), 1.5);
}
