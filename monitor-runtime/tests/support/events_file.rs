//! Reading what local mode wrote to its events file.

use std::path::Path;

/// The names of the transactions in the events file at `path`, in the order written.
pub fn transaction_names(path: &Path) -> Vec<String> {
    let lines = std::fs::read_to_string(path).expect("events file");
    lines
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|item| item["payload"]["transaction"].as_str().map(str::to_owned))
        .collect()
}
