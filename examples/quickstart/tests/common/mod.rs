//! Runs the quickstart binary as a user would, in an environment cleared of every variable
//! the runtime reads, so a developer's own `SENTRY_DSN` or `RUST_LOG` cannot change a test.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Every variable of the runtime's configuration that a test might inherit from the shell.
const CLEARED: [&str; 8] = [
    "SENTRY_DSN",
    "SENTRY_SPOTLIGHT",
    "SENTRY_DEBUG",
    "SENTRY_RELEASE",
    "SENTRY_SAMPLE_RATE",
    "RUST_LOG",
    "LOG_FORMAT",
    "MONITOR_EVENTS_FILE",
];

/// The quickstart's output with `vars` set on top of the development profile.
pub fn quickstart<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Output
where
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let mut command = Command::new(env!("CARGO_BIN_EXE_quickstart"));
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env("SENTRY_ENVIRONMENT", "development");
    command.envs(vars);
    command.output().expect("run the quickstart")
}

/// Stdout and stderr as text (lossy: a test then sees what a terminal would show).
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
