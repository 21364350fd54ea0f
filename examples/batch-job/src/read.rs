//! Stage 1: reading the file.

use std::path::Path;

use monitor_runtime::{breadcrumb, monitored};

use crate::job::JobError;
use crate::record::{COLUMNS, RawRow};

/// Reads every row of `path`. Rows with the wrong number of fields are kept (validation
/// rejects them, so they are counted); a missing file, unreadable bytes or a wrong header
/// fail the whole run.
#[monitored(name = "read", op = "import.read", data(path = path.display().to_string()))]
#[breadcrumb(category = "import", message = "Reading the file", data(path = path.display().to_string()))]
pub fn read_rows(path: &Path) -> Result<Vec<RawRow>, JobError> {
    let read_error = |source| JobError::Read {
        path: path.display().to_string(),
        source,
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(read_error)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(read_error)?
        .iter()
        .map(str::to_owned)
        .collect();
    if header != COLUMNS {
        return Err(JobError::Header {
            found: header.join(","),
        });
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(read_error)?;
        rows.push(RawRow {
            line: record.position().map_or(0, csv::Position::line),
            fields: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(rows)
}
