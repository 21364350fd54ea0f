//! [`LogLines`]: log output kept in memory for assertions.

use super::*;

/// A `tracing-subscriber` writer that keeps what is written, to assert on log lines.
///
/// ```
/// use monitor_runtime::testing::LogLines;
/// use tracing_subscriber::prelude::*;
///
/// let lines = LogLines::default();
/// let layer = monitor_runtime::logging::Logging::new(&monitor_runtime::Config::default())
///     .format(monitor_runtime::config::LogFormat::Json)
///     .writer(lines.clone())
///     .sentry(false)
///     .layer()
///     .unwrap();
/// tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), || {
///     tracing::info!(org_id = 7, "organisation_created");
/// });
/// assert_eq!(lines.json_lines()[0]["org_id"], 7);
/// ```
#[derive(Clone, Debug, Default)]
pub struct LogLines(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogLines {
    /// Everything written so far.
    pub fn text(&self) -> String {
        let bytes = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Each line parsed as JSON.
    ///
    /// # Panics
    /// When a line is not JSON, quoting it: a test helper.
    pub fn json_lines(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line:?}")))
            .collect()
    }
}

impl std::io::Write for LogLines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogLines {
    type Writer = LogLines;

    fn make_writer(&'a self) -> LogLines {
        self.clone()
    }
}
