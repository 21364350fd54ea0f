//! The quickstart run with configurations a user gets wrong, or that hold secrets: its
//! `main() -> Result<(), ConfigError>` prints the readable message with the exact reason,
//! and nothing it prints carries a DSN secret or a URL password.

mod common;

use std::ffi::OsStr;

use common::{quickstart, text};

const FORM: &str = "expected a DSN like https://<public key>@<host>/<project id> \
                    (empty or unset for local mode)";

#[test]
fn bad_dsns_fail_with_the_readable_message_and_the_exact_reason() {
    let cases = [
        (
            "https://key@127.0.0.1:9/1 extra",
            format!(
                r#"Error: SENTRY_DSN="https://key@127.0.0.1:9/1 extra" is invalid: {FORM}; it contains whitespace"#
            ),
        ),
        (
            "https://ke y:secret@host/1",
            format!(
                r#"Error: SENTRY_DSN="https://ke y:[redacted]@host/1" is invalid: {FORM}; it contains whitespace"#
            ),
        ),
        (
            "https://key@[::1]:99999/1",
            format!(
                r#"Error: SENTRY_DSN="https://key@[::1]:99999/1" is invalid: {FORM}; the port 99999 is out of range (1 to 65535)"#
            ),
        ),
    ];
    for (dsn, expected) in cases {
        let output = quickstart([("SENTRY_DSN", OsStr::new(dsn))]);
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{dsn}: {stdout}\n{stderr}");
        // `main() -> Result<(), ConfigError>` prints `Error: {err:?}`: the readable form.
        assert_eq!(stderr.trim_end(), expected, "{dsn}");
        assert!(!stderr.contains("ConfigProblem"), "{stderr}");
        assert!(!stderr.contains("secret"), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_release_that_is_not_utf8_fails_naming_the_variable() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;

    let release = OsString::from_vec(b"quiz@1.\xff".to_vec());
    let name = format!("quickstart-{}-", std::process::id());
    let bad_file =
        std::env::temp_dir().join(OsString::from_vec([name.as_bytes(), b"\xff"].concat()));
    let lossy_file = std::env::temp_dir().join(format!("{name}\u{fffd}"));
    let output = quickstart([
        ("SENTRY_RELEASE", release.as_os_str()),
        ("MONITOR_EVENTS_FILE", bad_file.as_os_str()),
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let expected = "expected valid UTF-8 text (the bytes shown as \u{fffd} are not UTF-8)";
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(
        lines[0],
        format!("Error: SENTRY_RELEASE=\"quiz@1.\u{fffd}\" is invalid: {expected}")
    );
    assert!(lines[1].starts_with("MONITOR_EVENTS_FILE=\""), "{stderr}");
    assert!(lines[1].ends_with(expected), "{stderr}");
    // No file was created, under either name.
    assert!(!bad_file.exists() && !lossy_file.exists());
}

#[test]
fn an_error_sample_rate_of_zero_warns_once_at_init() {
    for rate in ["0", "1e-400"] {
        let output = quickstart([("SENTRY_SAMPLE_RATE", OsStr::new(rate))]);
        let (stdout, stderr) = text(&output);
        assert!(output.status.success(), "{stdout}\n{stderr}");
        let all = format!("{stdout}{stderr}");
        let warnings = all
            .lines()
            .filter(|l| l.contains("the error sample rate (SENTRY_SAMPLE_RATE or Config::sample_rate) is 0: every error event is dropped"))
            .count();
        assert_eq!(warnings, 1, "SENTRY_SAMPLE_RATE={rate}:\n{all}");
        // And the error really is dropped: no event line on the console.
        assert!(!stderr.contains("[sentry] event"), "{stderr}");
    }
}

#[test]
fn no_dsn_secret_or_spotlight_password_is_printed() {
    // Spotlight on a closed port: delivery fails and the toolkit says so, with the URL.
    let spotlight = "http://spot:sp0tl1ght-pw@127.0.0.1:1/stream";

    // Local mode, debug on: the toolkit's own lines.
    let output = quickstart([
        ("SENTRY_SPOTLIGHT", OsStr::new(spotlight)),
        ("SENTRY_DEBUG", OsStr::new("true")),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("[sentry] spotlight: cannot deliver to http://127.0.0.1:1/stream"),
        "the delivery error was not printed:\n{stderr}"
    );
    assert!(
        !stdout.contains("sp0tl1ght-pw") && !stderr.contains("sp0tl1ght-pw"),
        "{stdout}\n{stderr}"
    );

    // The issue's case: a DSN with a secret key, a Spotlight URL with a password and the
    // SDK's debug output on. Neither secret is printed, by the toolkit or by the SDK.
    let output = quickstart([
        (
            "SENTRY_DSN",
            OsStr::new("https://pubk3y:dsn-s3cret-k3y@127.0.0.1:9/42"),
        ),
        ("SENTRY_SPOTLIGHT", OsStr::new(spotlight)),
        ("SENTRY_DEBUG", OsStr::new("true")),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("[sentry] enabled sentry client"),
        "the SDK's debug lines were not printed:\n{stderr}"
    );
    for secret in ["dsn-s3cret-k3y", "sp0tl1ght-pw"] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret}:\n{stdout}\n{stderr}"
        );
    }
}
