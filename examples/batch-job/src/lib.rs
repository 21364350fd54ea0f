//! A batch job that imports members from a CSV file into SQLite, instrumented with the
//! monitor toolkit: the nightly import of seed 002, run by cron.
//!
//! One run is:
//!
//! - one transaction, `csv-import` (op `job`), with a span per stage: `read`, `validate`,
//!   `write`, and a `db.query` span per row written;
//! - a cron check-in, `csv-import`: `in_progress` at the start, then `ok` when the run
//!   completed (rejected rows included) or `error` when it could not (unreadable file,
//!   database down);
//! - a start message (`Starting import from members.csv`, info) and a summary message
//!   (`Import completed: 5 success, 5 errors`, a warning when any row failed), with a
//!   breadcrumb per stage;
//! - one error event per rejected row, from `#[capture_errors]`, tagged `error_type`
//!   (`missing_field`, `invalid_email`, `invalid_number`, `malformed_row`, `duplicate`,
//!   `database`) with the row's line as context;
//! - metrics `rows_imported`, `rows_failed` (counters) and `run_duration` (a timing, in
//!   milliseconds), tagged with the job and its exit code;
//! - an exit code: see [`job::Outcome::exit_code`].
//!
//! `main.rs` parses the command line, initialises the toolkit, runs [`job::run`] and
//! flushes before exiting; tests call [`job::run`] in process.

#![warn(missing_docs)]

pub mod cli;
pub mod job;
pub mod read;
pub mod record;
pub mod store;
pub mod validate;
