#![deny(dead_code)]

use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored]
fn never_used() {}

#[breadcrumb]
#[capture_errors]
async fn never_used_async() -> Result<(), String> {
    Ok(())
}

fn main() {}
