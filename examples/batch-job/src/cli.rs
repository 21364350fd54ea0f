//! The command line.

use std::path::PathBuf;

use clap::Parser;

/// The database used when neither `--database` nor `DATABASE_URL` is given.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:batch-job.db?mode=rwc";

/// Imports members from a CSV file (header `organisation,name,email,deals_won`) into
/// SQLite, reporting to Sentry (or, without `SENTRY_DSN`, to the console).
///
/// Exit codes: 0 every row imported, 65 some rows rejected, 1 the run failed, 2 bad
/// command line.
#[derive(Debug, Clone, Parser)]
#[command(name = "batch-job", version)]
pub struct Cli {
    /// The CSV file to import.
    pub file: PathBuf,

    /// The SQLite database (a sqlx URL); created if missing.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database: String,
}
