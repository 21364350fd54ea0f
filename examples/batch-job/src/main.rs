//! `batch-job <FILE>`: imports members from a CSV file into SQLite.
//!
//! `cargo run -p batch-job -- examples/batch-job/data/members.csv` runs it on the sample
//! file in local mode (no `SENTRY_DSN`): the check-ins, messages, events, transaction and
//! metrics are printed on stderr, and it exits with 65 because five rows are rejected.

use std::process::ExitCode;

use batch_job::cli::Cli;
use batch_job::job::{self, EXIT_FAILED, Outcome};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the runtime starts. It also installs the structured logs (JSON in production,
    // readable in development). The guard flushes Sentry when dropped below.
    let monitor = match monitor_runtime::init!() {
        Ok(monitor) => monitor,
        Err(error) => {
            eprintln!("batch-job: invalid monitoring configuration:\n{error}");
            return ExitCode::from(EXIT_FAILED);
        }
    };

    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot_start_runtime");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let outcome = runtime.block_on(job::run(&cli.file, &cli.database));
    drop(runtime);

    match &outcome {
        Outcome::Completed(summary) => tracing::info!(
            rows = summary.rows,
            imported = summary.imported,
            rejected = summary.rejected.len(),
            exit_code = outcome.exit_code(),
            "run_completed"
        ),
        // A warning, not an error: `#[capture_errors]` has already reported the failure,
        // and an ERROR line would become a second Sentry event for it.
        Outcome::Failed(error) => {
            tracing::warn!(%error, exit_code = outcome.exit_code(), "run_failed")
        }
    }
    // Flush before exiting: events, check-ins and metrics still queued are sent (or
    // printed) now, within the shutdown timeout.
    drop(monitor);
    ExitCode::from(&outcome)
}
