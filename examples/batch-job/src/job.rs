//! One run of the import: the transaction, the check-in, the messages, the metrics and the
//! outcome.

use std::borrow::Cow;
use std::path::Path;
use std::process::ExitCode;

use monitor_runtime::sentry::Level;
use monitor_runtime::{ErrorClass, capture_errors, capture_message, metrics, monitored};

use crate::read::read_rows;
use crate::record::Rejected;
use crate::store::Store;
use crate::validate::validate_rows;

/// The cron monitor's slug, and the transaction's name.
pub const JOB: &str = "csv-import";

/// Exit code when every row was imported.
pub const EXIT_OK: u8 = 0;
/// Exit code when the run failed (nothing or not everything could be attempted).
pub const EXIT_FAILED: u8 = 1;
/// Exit code when the run completed but rejected rows (`EX_DATAERR` of sysexits.h).
pub const EXIT_REJECTED_ROWS: u8 = 65;

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: csv::Error,
    },
    /// The header is not `organisation,name,email,deals_won`.
    #[error("unexpected header {found:?}, expected \"organisation,name,email,deals_won\"")]
    Header {
        /// The header found.
        found: String,
    },
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl ErrorClass for JobError {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(match self {
            JobError::Read { .. } => "io",
            JobError::Header { .. } => "invalid_file",
            JobError::Database(_) => "database",
        }))
    }
}

/// What a completed run did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// The file's name.
    pub filename: String,
    /// Rows read.
    pub rows: u64,
    /// Rows stored.
    pub imported: u64,
    /// Rows rejected, by line.
    pub rejected: Vec<Rejected>,
}

/// How a run ended.
#[derive(Debug)]
pub enum Outcome {
    /// It completed (possibly with rejected rows).
    Completed(Summary),
    /// It could not.
    Failed(JobError),
}

impl Outcome {
    /// 0: every row imported; 65: some rows rejected; 1: the run failed. (clap uses 2 for
    /// a bad command line.)
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Completed(summary) if summary.rejected.is_empty() => EXIT_OK,
            Outcome::Completed(_) => EXIT_REJECTED_ROWS,
            Outcome::Failed(_) => EXIT_FAILED,
        }
    }
}

impl From<&Outcome> for ExitCode {
    fn from(outcome: &Outcome) -> Self {
        ExitCode::from(outcome.exit_code())
    }
}

/// Runs the import of `file` into the database at `database`, and records its metrics:
/// `rows_imported` and `rows_failed` (counters) and `run_duration` (a timing), tagged with
/// the job and the exit code.
pub async fn run(file: &Path, database: &str) -> Outcome {
    let duration = metrics::timing::start("run_duration").tag("job", JOB);
    let outcome = match import(file, database).await {
        Ok(summary) => Outcome::Completed(summary),
        Err(error) => Outcome::Failed(error),
    };
    let (imported, failed) = match &outcome {
        Outcome::Completed(summary) => (summary.imported, summary.rejected.len()),
        Outcome::Failed(_) => (0, 0),
    };
    let exit_code = outcome.exit_code();
    metrics::increment_by("rows_imported", imported)
        .tag("job", JOB)
        .tag("exit_code", exit_code);
    metrics::increment_by("rows_failed", failed)
        .tag("job", JOB)
        .tag("exit_code", exit_code);
    // Recorded when dropped: the time since the run started.
    drop(duration.tag("exit_code", exit_code));
    outcome
}

/// The run itself: one transaction (`csv-import`, op `job`) between two check-ins, a span
/// per stage; a failure of the whole run is captured with its `error_type`.
#[monitored(transaction, name = "csv-import", op = "job", check_in = "csv-import", data(file = file.display().to_string()))]
#[capture_errors]
pub async fn import(file: &Path, database: &str) -> Result<Summary, JobError> {
    let filename = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    // Events of the run show the job as their transaction, as a request's show its route.
    monitor_runtime::sentry::configure_scope(|scope| scope.set_transaction(Some(JOB)));
    capture_message(&format!("Starting import from {filename}"), Level::Info);
    tracing::info!(file = %file.display(), "import_started");

    let rows = read_rows(file)?;
    let row_count = rows.len() as u64;
    let validated = validate_rows(rows);
    let store = Store::open(database).await?;
    let written = store.write(&validated.valid).await?;
    store.close().await;

    let mut rejected = validated.rejected;
    rejected.extend(written.rejected);
    rejected.sort_by_key(|r| r.line);
    let summary = Summary {
        filename,
        rows: row_count,
        imported: written.imported,
        rejected,
    };
    let errors = summary.rejected.len();
    let level = if errors == 0 {
        Level::Info
    } else {
        Level::Warning
    };
    capture_message(
        &format!(
            "Import completed: {} success, {errors} errors",
            summary.imported
        ),
        level,
    );
    tracing::info!(
        filename = %summary.filename,
        success_count = summary.imported,
        error_count = errors,
        "import_completed"
    );
    Ok(summary)
}
